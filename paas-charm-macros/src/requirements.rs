//! The charm's `charmcraft.yaml` against what its framework and integrations need: the one
//! checker in `paas-charm-requirements` (which the runtime's `metadata --check` and `cargo
//! paas-charm pack` use too) finds the problems; here each becomes an error spanned on the part
//! of the attribute it concerns.

use std::fmt::Write as _;
use std::path::Path;

use darling::error::Accumulator;
use darling::Error;
use paas_charm_requirements::check::{self, About, Attribute, Listed};
use paas_charm_requirements::file::{self, LoadError};
use paas_charm_requirements::{self as req, FrameworkSpec, IntegrationSpec};
use proc_macro2::Span;

use crate::names;

/// What the checks need from the attribute.
pub struct Inputs<'a> {
    /// The framework and the span of its name, when valid.
    pub framework: Option<(&'static FrameworkSpec, Span)>,
    /// The valid integrations, each with the identifier as written.
    pub integrations: &'a [(&'static names::Integration, syn::Ident)],
    /// Whether every name in `integrations(...)` was valid (otherwise the "not listed" check
    /// would only repeat the name errors).
    pub integrations_complete: bool,
    /// The span of the `integrations` key (the whole attribute when absent).
    pub integrations_key: Span,
    /// `unhandled_endpoints(...)`.
    pub unhandled: &'a [syn::LitStr],
    /// `endpoints(...)`: (the integration's name, the endpoint the charm gives it).
    pub endpoints: &'a [(String, syn::LitStr)],
    /// Where errors about the file itself point (`charmcraft = "..."`, or the attribute).
    pub file_span: Span,
    /// The file.
    pub path: &'a Path,
    /// How messages name the file (as written in the attribute, or `charmcraft.yaml`).
    pub shown: String,
}

/// Reads the file and checks it; every problem goes to `acc`. Returns whether the file was read
/// (so the expansion can make the build depend on it).
pub fn check(inputs: &Inputs<'_>, acc: &mut Accumulator) -> bool {
    let shown = &inputs.shown;
    let file = match file::load(inputs.path) {
        Ok(file) => file,
        Err(err) => {
            let read = !matches!(err, LoadError::Unreadable(_));
            // What to write, when the file is missing or empty: the sections the charm needs.
            let needed = inputs
                .framework
                .map(|(fw, _)| {
                    let listed: Vec<&IntegrationSpec> =
                        inputs.integrations.iter().map(|(spec, _)| *spec).collect();
                    let text = req::render::sections(fw, &listed);
                    let mut out = String::from(
                        " It needs (besides `name`, `type`, `base`, `platforms` and `parts`):\n",
                    );
                    for line in text.lines() {
                        let _ = write!(out, "\n    {line}");
                    }
                    out
                })
                .unwrap_or_default();
            let message = match &err {
                LoadError::Unreadable(why) => format!(
                    "cannot read the charm's charmcraft.yaml at {}: {why}; create it, or \
                     point to it with charmcraft = \"path/to/charmcraft.yaml\" (relative to \
                     this source file).{needed}",
                    inputs.path.display()
                ),
                LoadError::Empty => format!("{}{needed}", err.describe(shown)),
                _ => err.describe(shown),
            };
            acc.push(Error::custom(message).with_span(&inputs.file_span));
            return read;
        }
    };
    let renamed: Vec<(&str, String)> = inputs
        .endpoints
        .iter()
        .map(|(name, lit)| (name.as_str(), lit.value()))
        .collect();
    let unhandled: Vec<String> = inputs.unhandled.iter().map(syn::LitStr::value).collect();
    let attr = Attribute {
        framework: inputs.framework.map(|(fw, _)| fw),
        integrations: inputs
            .integrations
            .iter()
            .map(|(spec, _)| Listed {
                spec,
                endpoint: renamed
                    .iter()
                    .find(|(name, _)| *name == spec.name)
                    .map(|(_, endpoint)| endpoint.as_str()),
            })
            .collect(),
        integrations_complete: inputs.integrations_complete,
        unhandled: unhandled.iter().map(String::as_str).collect(),
    };
    for finding in check::check(shown, &file, &attr) {
        let span = match &finding.about {
            About::Framework => inputs.framework.map(|(_, span)| span),
            About::IntegrationsKey => Some(inputs.integrations_key),
            About::Integration(name) => inputs
                .integrations
                .iter()
                .find(|(i, _)| i.name == *name)
                .map(|(_, ident)| ident.span()),
            About::Unhandled(name) => inputs
                .unhandled
                .iter()
                .find(|lit| lit.value() == *name)
                .map(syn::LitStr::span),
        }
        .unwrap_or(inputs.file_span);
        acc.push(Error::custom(finding.to_string()).with_span(&span));
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn errors(args: proc_macro2::TokenStream, yaml: &str) -> Vec<String> {
        let name = format!("requirements-{}", args);
        let cx = crate::valid::Context {
            manifest_dir: Some(crate::test_support::manifest_dir_with(&name, yaml)),
            source_dir: None,
            user_main: false,
        };
        let item: syn::Item = syn::parse_quote!(
            pub struct C;
        );
        match crate::valid::check(args, &item, &cx) {
            Ok(_) => Vec::new(),
            Err(err) => err.flatten().into_iter().map(|e| e.to_string()).collect(),
        }
    }

    /// What the renderer writes (and so what `metadata` prints) passes the checks, for every
    /// framework with every integration.
    #[test]
    fn the_rendered_sections_pass_for_every_framework_and_integration() {
        for fw in crate::names::FRAMEWORKS {
            let idents: Vec<syn::Ident> = crate::names::INTEGRATIONS
                .iter()
                .map(|i| syn::Ident::new(&i.ident(), Span::call_site()))
                .collect();
            let framework = fw.name;
            let specs: Vec<_> = req::INTEGRATIONS.iter().collect();
            let spec = req::framework(framework).expect("a framework");
            let yaml = format!("name: x\n{}", req::render::sections(spec, &specs));
            let found = errors(
                quote!(framework = #framework, integrations(#(#idents),*)),
                &yaml,
            );
            assert!(found.is_empty(), "{framework}: {found:#?}");
        }
    }

    #[test]
    fn every_problem_at_once() {
        let yaml = "name: x\nrequires:\n  redis:\n    interface: redis\nconfig:\n  options:\n    \
                    webserver-port:\n      type: string\n";
        let found = errors(quote!(framework = "fastapi", integrations(s3)), yaml);
        assert_eq!(found.len(), 9, "{found:#?}");
        assert!(
            found[0].contains("declares no `app` container"),
            "{found:#?}"
        );
        assert!(found.iter().any(|e| e.contains("lacks the peer relation")));
        assert!(found.iter().any(|e| e.contains("(ingress and logging)")));
        assert!(found.iter().any(|e| e.contains("(metrics and dashboards)")));
        assert!(found
            .iter()
            .any(|e| e.contains("no `rotate-secret-key` action")));
        assert!(found
            .iter()
            .any(|e| e.contains("lacks the fastapi framework's options")));
        assert!(found
            .iter()
            .any(|e| e.contains("`webserver-port` in charmcraft.yaml is declared `type: string`")));
        assert!(found
            .iter()
            .any(|e| e.contains("no `requires` endpoint for the s3 integration")));
        assert!(found
            .iter()
            .any(|e| e.contains("`redis` (interface `redis`)")));
    }

    #[test]
    fn a_user_option_with_the_framework_prefix_is_reported() {
        let spec = req::framework("go").expect("go");
        let yaml = format!(
            "name: x\n{}",
            req::render::sections(spec, &[])
        )
        .replace(
            "config:\n  options:\n",
            "config:\n  options:\n    go-mode:\n      type: string\n    mode:\n      type: string\n",
        );
        let found = errors(quote!(framework = "go"), &yaml);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(found[0].starts_with("option `go-mode` in charmcraft.yaml starts with a prefix"));
        assert!(found[0].contains("(for example `mode`)"));
    }
}
