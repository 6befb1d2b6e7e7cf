//! The charm's `charmcraft.yaml` against what its framework and integrations need (the table in
//! `paas-charm-requirements`, which the runtime's `metadata` command uses too). Every problem
//! is one error, spanned on the part of the attribute it concerns, saying what to add or change.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::Path;

use darling::error::Accumulator;
use darling::Error;
use paas_charm_requirements::{self as req, FrameworkSpec, IntegrationSpec, OptionType};
use proc_macro2::Span;

use crate::charmcraft::{self, Charmcraft, LoadError};
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
    let file = match charmcraft::load(inputs.path) {
        Ok(file) => file,
        Err(err) => {
            let read = !matches!(err, LoadError::Unreadable(_));
            // What to write, when the file is missing or empty: the sections the charm needs.
            let needed = inputs
                .framework
                .map(|(fw, _)| {
                    let listed: Vec<&IntegrationSpec> = inputs
                        .integrations
                        .iter()
                        .filter_map(|(i, _)| req::integration_by_name(i.name))
                        .collect();
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
            let message = match err {
                LoadError::Unreadable(why) => format!(
                    "cannot read the charm's charmcraft.yaml at {}: {why}; create it, or \
                     point to it with charmcraft = \"path/to/charmcraft.yaml\" (relative to \
                     this source file).{needed}",
                    inputs.path.display()
                ),
                LoadError::Empty => format!(
                    "{shown} is empty: a charmcraft.yaml declares the charm's name, containers, \
                     relations, options and actions.{needed}"
                ),
                LoadError::NotAMapping(what) => format!(
                    "{shown} holds {what}, not a mapping: a charmcraft.yaml is a mapping of keys \
                     such as `name:`, `containers:`, `requires:` and `config:`"
                ),
                LoadError::Invalid {
                    message,
                    location: Some((line, column)),
                } => format!("{shown}:{line}:{column}: invalid charmcraft.yaml: {message}"),
                LoadError::Invalid {
                    message,
                    location: None,
                } => format!("{shown}: invalid charmcraft.yaml: {message}"),
            };
            acc.push(Error::custom(message).with_span(&inputs.file_span));
            return read;
        }
    };
    let mut cx = Cx {
        file: &file,
        shown: shown.to_string(),
        acc,
    };
    if let Some((framework, span)) = inputs.framework {
        cx.framework(framework, span);
    }
    cx.integrations(inputs);
    true
}

struct Cx<'a, 'b> {
    file: &'a Charmcraft,
    shown: String,
    acc: &'b mut Accumulator,
}

impl Cx<'_, '_> {
    fn error(&mut self, span: Span, message: String) {
        self.acc.push(Error::custom(message).with_span(&span));
    }

    fn framework(&mut self, fw: &'static FrameworkSpec, span: Span) {
        let extension = fw.extension();
        let mut by_extension = false;
        for used in &self.file.extensions {
            if *used == extension {
                by_extension = true;
            } else if let Some(other) = used.strip_suffix("-framework") {
                // The attribute names the wrong framework: the rest would only repeat that.
                by_extension = true;
                let message = format!(
                    "{} uses the `{used}` extension, but #[paas_charm] says framework = \"{}\": \
                     write framework = \"{other}\", or use `extensions: [{extension}]`",
                    self.shown, fw.name
                );
                self.error(span, message);
            }
        }
        // With the extension, Charmcraft adds the container, relations, actions and options.
        if !by_extension {
            self.container(fw, span);
            self.core_relations(span);
            self.actions(fw, span);
            self.missing_options(fw, span);
        }
        self.option_types(fw, span);
        self.reserved_prefixes(fw, span);
    }

    fn container(&mut self, fw: &FrameworkSpec, span: Span) {
        let snippet = format!(
            "\n\n    containers:\n      {c}:\n        resource: {r}\n    resources:\n      {r}:\n        \
             type: oci-image",
            c = fw.container,
            r = fw.resource
        );
        match self.file.containers.get(fw.container) {
            None => {
                let hint = req::FRAMEWORKS
                    .iter()
                    .find(|other| {
                        other.container != fw.container
                            && self.file.containers.contains_key(other.container)
                    })
                    .map(|other| {
                        format!(
                            " (it declares the `{}` container of the {} framework: did you mean \
                             framework = \"{}\"?)",
                            other.container, other.name, other.name
                        )
                    })
                    .unwrap_or_default();
                let message = format!(
                    "{} declares no `{}` container, which the {} framework runs the app \
                     in{hint}: add{snippet}",
                    self.shown, fw.container, fw.name
                );
                self.error(span, message);
                return;
            }
            Some(container) => {
                let resource = container.as_ref().and_then(|c| c.resource.as_deref());
                if resource != Some(fw.resource) {
                    let message = format!(
                        "the `{}` container in {} must use the resource `{}`: write{snippet}",
                        fw.container, self.shown, fw.resource
                    );
                    self.error(span, message);
                    return;
                }
            }
        }
        let kind = self
            .file
            .resources
            .get(fw.resource)
            .map(|r| r.as_ref().and_then(|r| r.kind.as_deref()));
        if kind != Some(Some("oci-image")) {
            let message = format!(
                "{} must declare the `{}` container's image as an oci-image resource: \
                 add\n\n    resources:\n      {}:\n        type: oci-image",
                self.shown, fw.container, fw.resource
            );
            self.error(span, message);
        }
    }

    fn core_relations(&mut self, span: Span) {
        let sections = [
            ("peers", &self.file.peers, req::PEERS),
            ("requires", &self.file.requires, req::REQUIRES),
            ("provides", &self.file.provides, req::PROVIDES),
        ];
        let mut messages = Vec::new();
        for (section, declared, needed) in sections {
            let mut missing = String::new();
            for relation in needed {
                match declared.get(relation.endpoint) {
                    None => missing.push_str(&relation_snippet(
                        relation.endpoint,
                        relation.interface,
                        false,
                        relation.limit,
                    )),
                    Some(found) if found.interface != relation.interface => {
                        messages.push(format!(
                            "the `{}` endpoint in {} has interface `{}`; paas-charm needs \
                             `{}`: write\n\n    {section}:{}",
                            relation.endpoint,
                            self.shown,
                            found.interface,
                            relation.interface,
                            relation_snippet(
                                relation.endpoint,
                                relation.interface,
                                false,
                                relation.limit
                            )
                        ));
                    }
                    Some(_) => {}
                }
            }
            if !missing.is_empty() {
                let what = match section {
                    "peers" => "the peer relation every paas charm keeps its secret key in",
                    "requires" => "the endpoints every paas charm has (ingress and logging)",
                    _ => "the endpoints every paas charm has (metrics and dashboards)",
                };
                messages.push(format!(
                    "{} lacks {what}: add\n\n    {section}:{missing}",
                    self.shown
                ));
            }
        }
        for message in messages {
            self.error(span, message);
        }
    }

    fn actions(&mut self, fw: &FrameworkSpec, span: Span) {
        for action in fw.actions {
            let mut snippet = format!("\n\n    actions:\n      {}:", action.name);
            let _ = write!(snippet, "\n        description: {}", action.description);
            if !action.params.is_empty() {
                snippet.push_str("\n        params:");
                for p in action.params {
                    let _ = write!(
                        snippet,
                        "\n          {}:\n            type: {}",
                        p.name, p.kind
                    );
                }
                let _ = write!(
                    snippet,
                    "\n        required: [{}]",
                    action.required.join(", ")
                );
            }
            let message = match self.file.actions.get(action.name) {
                None => format!(
                    "{} declares no `{}` action, which the {} framework runs: add{snippet}",
                    self.shown, action.name, fw.name
                ),
                Some(declared) => {
                    let declared = declared.as_ref();
                    let params_ok = action.params.iter().all(|p| {
                        declared
                            .and_then(|d| d.params.get(p.name))
                            .is_some_and(|found| {
                                found.as_ref().and_then(|f| f.kind.as_deref()) == Some(p.kind)
                            })
                    });
                    let required_ok = action
                        .required
                        .iter()
                        .all(|r| declared.is_some_and(|d| d.required.iter().any(|have| have == r)));
                    if params_ok && required_ok {
                        continue;
                    }
                    format!(
                        "the `{}` action in {} must take the parameters the {} framework \
                         reads: write{snippet}",
                        action.name, self.shown, fw.name
                    )
                }
            };
            self.error(span, message);
        }
    }

    fn missing_options(&mut self, fw: &FrameworkSpec, span: Span) {
        let mut snippet = String::new();
        let mut names = Vec::new();
        for option in fw.options {
            if !self.file.config.options.contains_key(option.name) {
                names.push(format!("`{}`", option.name));
                snippet.push_str(&option_snippet(
                    option.name,
                    option.kind,
                    option.default.map(default_text).as_deref(),
                ));
            }
        }
        if !names.is_empty() {
            let message = format!(
                "{} lacks the {} framework's option{} {}: add\n\n    config:\n      options:{snippet}",
                self.shown,
                fw.name,
                if names.len() == 1 { "" } else { "s" },
                names.join(", ")
            );
            self.error(span, message);
        }
    }

    fn option_types(&mut self, fw: &FrameworkSpec, span: Span) {
        let mut messages = Vec::new();
        for (name, option) in &self.file.config.options {
            let Some(written) = option.kind.as_deref() else {
                messages.push(format!(
                    "option `{name}` in {} has no `type`: write `type: string` (or int, float, \
                     boolean, secret)",
                    self.shown
                ));
                continue;
            };
            let Some(declared) = OptionType::from_name(written) else {
                let types = OptionType::ALL.map(OptionType::as_str);
                let hint = fw
                    .option(name)
                    .map(|o| o.kind.as_str())
                    .or_else(|| names::suggest(written, types))
                    .map(|t| format!(": write `type: {t}`"))
                    .unwrap_or_default();
                messages.push(format!(
                    "option `{name}` in {} has type `{written}`, which Juju does not know \
                     (its option types are {}){hint}",
                    self.shown,
                    types.join(", ")
                ));
                continue;
            };
            if let Some(expected) = fw.option(name) {
                if expected.kind != declared {
                    messages.push(format!(
                        "option `{name}` in {} is declared `type: {written}`, but the {} \
                         framework reads it as {}: write\n\n    config:\n      options:{}",
                        self.shown,
                        fw.name,
                        article(expected.kind),
                        option_snippet(
                            name,
                            expected.kind,
                            expected.default.map(default_text).as_deref()
                        )
                    ));
                }
            }
        }
        for message in messages {
            self.error(span, message);
        }
    }

    /// User options named like the framework's own are never passed to the app.
    fn reserved_prefixes(&mut self, fw: &FrameworkSpec, span: Span) {
        let oauth: BTreeSet<String> = self
            .oauth_endpoints()
            .into_iter()
            .flat_map(|ep| fw.oauth_options(&ep).into_iter().map(|(name, _)| name))
            .collect();
        let mut reserved = Vec::new();
        let mut renamed = Vec::new();
        for name in self.file.config.options.keys() {
            if fw.option(name).is_some() || oauth.contains(name) {
                continue;
            }
            if let Some(prefix) = fw
                .reserved_prefixes()
                .into_iter()
                .find(|p| name.starts_with(p.as_str()))
            {
                reserved.push(format!("`{name}`"));
                renamed.push(format!("`{}`", &name[prefix.len()..]));
            }
        }
        if !reserved.is_empty() {
            let (option, starts, it) = if reserved.len() == 1 {
                ("option", "starts", "it")
            } else {
                ("options", "start", "them")
            };
            let message = format!(
                "{option} {} in {} {starts} with a prefix the {} framework reserves for its own \
                 options ({}), so paas-charm would not pass {it} to the app: rename {it} (for \
                 example {})",
                reserved.join(", "),
                self.shown,
                fw.name,
                fw.reserved_prefixes()
                    .iter()
                    .map(|p| format!("`{p}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
                renamed.join(", ")
            );
            self.error(span, message);
        }
    }

    fn oauth_endpoints(&self) -> Vec<String> {
        self.file
            .requires
            .iter()
            .filter(|(_, r)| r.interface == "oauth")
            .map(|(name, _)| name.clone())
            .collect()
    }

    fn integrations(&mut self, inputs: &Inputs<'_>) {
        let mut listed: Vec<&'static IntegrationSpec> = Vec::new();
        for (integration, ident) in inputs.integrations {
            let Some(spec) = req::integration_by_name(integration.name) else {
                continue;
            };
            listed.push(spec);
            let renamed = inputs
                .endpoints
                .iter()
                .find(|(name, _)| name == spec.name)
                .map(|(_, lit)| lit.value());
            self.listed_integration(
                spec,
                ident,
                inputs.framework.map(|(f, _)| f),
                renamed.as_deref(),
            );
        }
        let unhandled: Vec<String> = inputs.unhandled.iter().map(syn::LitStr::value).collect();
        for lit in inputs.unhandled {
            let name = lit.value();
            match self.file.requires.get(&name) {
                None => {
                    let message = format!(
                        "{} declares no `requires` endpoint `{name}`: remove it from \
                         unhandled_endpoints(...)",
                        self.shown
                    );
                    self.error(lit.span(), message);
                }
                Some(relation) => {
                    if let Some(spec) = req::integration_by_interface(&relation.interface)
                        .filter(|spec| listed.contains(spec))
                    {
                        let message = format!(
                            "`{name}` is handled by the `{}` integration listed in \
                             integrations(...): remove it from unhandled_endpoints(...)",
                            attr_name(spec)
                        );
                        self.error(lit.span(), message);
                    }
                }
            }
        }
        if !inputs.integrations_complete {
            return;
        }
        let mut ignored = Vec::new();
        let mut names: Vec<String> = inputs
            .integrations
            .iter()
            .map(|(_, ident)| ident.to_string())
            .collect();
        for (endpoint, relation) in &self.file.requires {
            let Some(spec) = req::integration_by_interface(&relation.interface) else {
                continue;
            };
            if listed.contains(&spec) || unhandled.contains(endpoint) {
                continue;
            }
            ignored.push(format!("`{endpoint}` (interface `{}`)", relation.interface));
            if !names.contains(&attr_name(spec)) {
                names.push(attr_name(spec));
            }
        }
        if !ignored.is_empty() {
            let (these, them) = if ignored.len() == 1 {
                ("the endpoint", "it")
            } else {
                ("the endpoints", "them")
            };
            let message = format!(
                "{} declares {these} {} of paas-charm integrations that #[paas_charm] does not \
                 list, so the charm would ignore those relations: write integrations({}), or \
                 remove {them} from {}, or say the charm leaves {them} alone with \
                 unhandled_endpoints(...)",
                self.shown,
                ignored.join(", "),
                names.join(", "),
                self.shown
            );
            self.error(inputs.integrations_key, message);
        }
    }

    fn listed_integration(
        &mut self,
        spec: &'static IntegrationSpec,
        ident: &syn::Ident,
        framework: Option<&'static FrameworkSpec>,
        renamed: Option<&str>,
    ) {
        let span = ident.span();
        let Some(endpoint) = renamed.or(spec.endpoint) else {
            // OAuth: exactly one endpoint with interface `oauth`, any name.
            let endpoints = self.oauth_endpoints();
            match endpoints.as_slice() {
                [] => {
                    let message = format!(
                        "{} declares no `requires` endpoint with interface `oauth` for the \
                         oauth integration: add\n\n    requires:{}",
                        self.shown,
                        relation_snippet(spec.default_endpoint(), spec.interface, true, Some(1))
                    );
                    self.error(span, message);
                }
                [endpoint] => {
                    if let Some(fw) = framework {
                        self.oauth_options(fw, endpoint, span);
                    }
                }
                several => {
                    let message = format!(
                        "{} declares {} `requires` endpoints with interface `oauth` ({}); \
                         paas-charm handles exactly one: keep one",
                        self.shown,
                        several.len(),
                        several.join(", ")
                    );
                    self.error(span, message);
                }
            }
            return;
        };
        let snippet = format!(
            "\n\n    requires:{}",
            relation_snippet(endpoint, spec.interface, true, Some(1))
        );
        let message = match self.file.requires.get(endpoint) {
            None => {
                let elsewhere = self
                    .file
                    .requires
                    .iter()
                    .find(|(_, r)| r.interface == spec.interface)
                    .map(|(name, _)| name.clone());
                match elsewhere {
                    Some(other) if renamed.is_some() => {
                        let or = if spec.endpoint == Some(other.as_str()) {
                            format!("remove `{}` from endpoints(...)", attr_name(spec))
                        } else {
                            format!("write endpoints({} = \"{other}\")", attr_name(spec))
                        };
                        format!(
                            "endpoints({} = \"{endpoint}\") binds the {} integration to \
                             `{endpoint}`, but {} names its endpoint `{other}`: rename \
                             it:{snippet}\n\nor {or}",
                            attr_name(spec),
                            spec.name,
                            self.shown,
                        )
                    }
                    Some(other) => format!(
                        "paas-charm binds the {} integration to a `requires` endpoint named \
                         `{endpoint}`, but {} names it `{other}`: rename it:{snippet}",
                        spec.name, self.shown
                    ),
                    None => format!(
                        "{} declares no `requires` endpoint for the {} integration: add{snippet}",
                        self.shown, spec.name
                    ),
                }
            }
            Some(relation) if relation.interface != spec.interface => format!(
                "the `{endpoint}` endpoint in {} has interface `{}`; the {} integration needs \
                 `{}`: write{snippet}",
                self.shown, relation.interface, spec.name, spec.interface
            ),
            Some(relation) if spec.needs_limit_one && relation.limit != Some(1) => format!(
                "the `{endpoint}` endpoint in {} must declare `limit: 1` (the {} library \
                 refuses any other): write{snippet}",
                self.shown, spec.name
            ),
            Some(_) => return,
        };
        self.error(span, message);
    }

    fn oauth_options(&mut self, fw: &FrameworkSpec, endpoint: &str, span: Span) {
        let mut missing = String::new();
        let mut names = Vec::new();
        for (name, default) in fw.oauth_options(endpoint) {
            match self.file.config.options.get(&name) {
                None => {
                    names.push(format!("`{name}`"));
                    missing.push_str(&option_snippet(&name, OptionType::String, Some(&default)));
                }
                Some(option) if option.kind.as_deref() != Some("string") => {
                    let message = format!(
                        "option `{name}` in {} must be a string, as the oauth integration \
                         reads it: write\n\n    config:\n      options:{}",
                        self.shown,
                        option_snippet(&name, OptionType::String, Some(&default))
                    );
                    self.error(span, message);
                }
                Some(_) => {}
            }
        }
        if !names.is_empty() {
            let message = format!(
                "{} lacks the option{} {} that Charmcraft adds for the `{endpoint}` oauth \
                 endpoint: add\n\n    config:\n      options:{missing}",
                self.shown,
                if names.len() == 1 { "" } else { "s" },
                names.join(", ")
            );
            self.error(span, message);
        }
    }
}

/// The name as written in `integrations(...)`.
fn attr_name(spec: &IntegrationSpec) -> String {
    spec.name.replace('-', "_")
}

fn article(kind: OptionType) -> String {
    match kind {
        OptionType::Int => "an `int`".to_string(),
        other => format!("a `{}`", other.as_str()),
    }
}

fn default_text(default: req::DefaultValue) -> String {
    match default {
        req::DefaultValue::Str(s) => req::render::scalar(s),
        req::DefaultValue::Int(i) => i.to_string(),
        req::DefaultValue::Bool(b) => b.to_string(),
    }
}

fn relation_snippet(endpoint: &str, interface: &str, optional: bool, limit: Option<u32>) -> String {
    let mut s = format!("\n      {endpoint}:\n        interface: {interface}");
    if optional {
        s.push_str("\n        optional: true");
    }
    if let Some(limit) = limit {
        let _ = write!(s, "\n        limit: {limit}");
    }
    s
}

fn option_snippet(name: &str, kind: OptionType, default: Option<&str>) -> String {
    let mut s = format!("\n        {name}:\n          type: {}", kind.as_str());
    if let Some(default) = default {
        let default = if kind == OptionType::String && !default.starts_with('"') {
            req::render::scalar(default)
        } else {
            default.to_string()
        };
        let _ = write!(s, "\n          default: {default}");
    }
    s
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
                .map(|i| syn::Ident::new(i.ident, Span::call_site()))
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

    #[test]
    fn snippets_are_yaml() {
        assert_eq!(
            relation_snippet("redis", "redis", true, Some(1)),
            "\n      redis:\n        interface: redis\n        optional: true\n        limit: 1"
        );
        assert_eq!(
            option_snippet("metrics-path", OptionType::String, Some("/metrics")),
            "\n        metrics-path:\n          type: string\n          default: /metrics"
        );
    }
}
