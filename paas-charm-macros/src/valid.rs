//! Validation: the attribute's names against the known frameworks and integrations, and the
//! annotated item's shape. Every error is collected; the model is built only when there are
//! none.

use darling::error::Accumulator;
use darling::Error;
use proc_macro2::{Span, TokenStream};
use syn::spanned::Spanned;

use std::path::{Path, PathBuf};

use crate::attr::{Args, Slot};
use crate::{names, requirements};

/// Where the macro runs: the directories relative paths are resolved against.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// `CARGO_MANIFEST_DIR` of the crate being compiled.
    pub manifest_dir: Option<PathBuf>,
    /// The directory of the source file that holds the attribute, when known.
    pub source_dir: Option<PathBuf>,
    /// Whether that source file defines its own top-level `fn main` (the one `cargo new`
    /// writes), which would clash with the one the attribute generates.
    pub user_main: bool,
}

/// Whether the Rust source `text` defines a top-level `fn main` (false when it does not parse:
/// rustc reports that).
pub fn defines_main(text: &str) -> bool {
    syn::parse_file(text).is_ok_and(|file| {
        file.items
            .iter()
            .any(|item| matches!(item, syn::Item::Fn(f) if f.sig.ident == "main"))
    })
}

/// The error for a `fn main` beside an attribute that generates one.
pub const USER_MAIN: &str =
    "this file defines its own `fn main` (the one `cargo new` writes?), but \
     #[paas_charm] generates the charm's `main`: delete yours, or write `main = false` in the \
     attribute and call the runtime from your own: \
     `fn main() -> std::process::ExitCode { paas_charm_runtime::run_main::<YourCharm>() }`";

/// How the expansion names the charm's charmcraft.yaml (so the build re-runs when it changes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CharmcraftFile {
    /// `$CARGO_MANIFEST_DIR/<path>`.
    InManifestDir(String),
    /// The path as written: absolute, or relative to the source file (as `include_bytes!`
    /// resolves it).
    AsWritten(String),
}

/// A valid charm: what `expand` needs.
#[derive(Debug)]
pub struct Charm {
    /// The annotated struct, unchanged.
    pub item: syn::ItemStruct,
    /// The framework.
    pub framework: &'static names::Framework,
    /// The integrations, in attribute order, each with the identifier as written (its span).
    pub integrations: Vec<(&'static names::Integration, syn::Ident)>,
    /// Whether to generate `fn main`.
    pub main: bool,
    /// The charmcraft.yaml the checks read.
    pub charmcraft: CharmcraftFile,
    /// `extensions`: the span of the key, when written.
    pub extensions: Option<Span>,
    /// `custom_integrations(...)`: each type path with its generated field's name.
    pub custom: Vec<(syn::Path, syn::Ident)>,
    /// `endpoints(...)`: (the integration's endpoint in the runtime, the charm's endpoint).
    pub endpoints: Vec<(String, String)>,
    /// `unhandled_endpoints(...)`: endpoints the charm declares and leaves alone.
    pub unhandled: Vec<String>,
}

/// Parses and checks the attribute's tokens, the annotated item and the charm's
/// charmcraft.yaml, reporting every error.
pub fn check(args: TokenStream, item: &syn::Item, cx: &Context) -> darling::Result<Charm> {
    let mut acc = Error::accumulator();
    let args = Args::parse(args, &mut acc);
    let charm = validate(args, item, cx, &mut acc);
    acc.finish()?;
    charm.ok_or_else(|| Error::custom("#[paas_charm]: a check failed without saying why"))
}

/// Checks the arguments, the item and the charmcraft.yaml. Errors go to `acc`; `None` when
/// there were any here.
pub fn validate(
    args: Args,
    item: &syn::Item,
    cx: &Context,
    acc: &mut Accumulator,
) -> Option<Charm> {
    let framework = check_framework(args.framework, acc);
    let (integrations, integrations_complete) = check_integrations(args.integrations, acc);
    let item = check_item(item, acc);
    let main = match args.main {
        Slot::Given(main) => main,
        Slot::Absent | Slot::Malformed => true,
    };
    if main && cx.user_main {
        acc.push(Error::custom(USER_MAIN).with_span(&Span::call_site()));
    }
    let charmcraft = match &args.charmcraft {
        Slot::Malformed => None,
        Slot::Absent => locate(None, cx, acc),
        Slot::Given(lit) => locate(Some(lit), cx, acc),
    };
    let unhandled = match args.unhandled_endpoints {
        Slot::Given(names) => names,
        Slot::Absent | Slot::Malformed => Vec::new(),
    };
    let extensions = match args.extensions {
        Slot::Given(span) => Some(span),
        Slot::Absent | Slot::Malformed => None,
    };
    let custom = check_custom(args.custom_integrations, &integrations, acc);
    let endpoints = check_endpoints(args.endpoints, &integrations, acc);
    let overrides: Vec<(String, syn::LitStr)> = endpoints
        .iter()
        .map(|(integration, lit)| (integration.name.to_string(), lit.clone()))
        .collect();
    if let Some((_, path)) = &charmcraft {
        let file_span = match &args.charmcraft {
            Slot::Given(lit) => lit.span(),
            _ => Span::call_site(),
        };
        let inputs = requirements::Inputs {
            framework,
            integrations: &integrations,
            integrations_complete: integrations_complete && args.integrations_well_formed,
            integrations_key: args.integrations_key.unwrap_or_else(Span::call_site),
            unhandled: &unhandled,
            endpoints: &overrides,
            file_span,
            path,
            shown: match &args.charmcraft {
                Slot::Given(lit) => lit.value(),
                _ => "charmcraft.yaml".to_string(),
            },
        };
        requirements::check(&inputs, acc);
    }
    Some(Charm {
        item: item?,
        framework: framework?.0,
        integrations: integrations_complete.then_some(integrations)?,
        main,
        charmcraft: charmcraft?.0,
        extensions,
        custom: custom?,
        endpoints: endpoints
            .iter()
            .filter_map(|(integration, lit)| Some((integration.endpoint?.to_string(), lit.value())))
            .collect(),
        unhandled: unhandled.iter().map(syn::LitStr::value).collect(),
    })
}

/// The custom integrations, each with its field name (the type's name in snake case); `None`
/// when one is malformed or its name is taken.
fn check_custom(
    custom: Slot<Vec<syn::Path>>,
    integrations: &[(&'static names::Integration, syn::Ident)],
    acc: &mut Accumulator,
) -> Option<Vec<(syn::Path, syn::Ident)>> {
    let paths = match custom {
        Slot::Given(paths) => paths,
        Slot::Absent => return Some(Vec::new()),
        Slot::Malformed => return None,
    };
    let mut ok = true;
    let mut out: Vec<(syn::Path, syn::Ident)> = Vec::with_capacity(paths.len());
    for path in paths {
        let Some(last) = path.segments.last() else {
            continue;
        };
        let field = snake_case(&last.ident.to_string());
        let always_on = names::ALWAYS_ON.iter().find(|i| i.ident() == field);
        let taken = integrations.iter().any(|(i, _)| i.ident() == field)
            || out.iter().any(|(_, f)| *f == field);
        if let Some(always_on) = always_on {
            acc.push(
                Error::custom(format!(
                    "a custom integration's field is named after its type (`{field}`), which is \
                     the field of the `{}` integration every framework charm has: rename the \
                     type",
                    always_on.name
                ))
                .with_span(&last.ident),
            );
            ok = false;
            continue;
        }
        if taken {
            acc.push(
                Error::custom(format!(
                    "a custom integration's field is named after its type (`{field}`), and \
                     another integration already has that name: rename the type"
                ))
                .with_span(&last.ident),
            );
            ok = false;
            continue;
        }
        let ident = syn::Ident::new(&field, last.ident.span());
        out.push((path, ident));
    }
    ok.then_some(out)
}

/// `MyIntegration` → `my_integration`.
fn snake_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for (i, c) in name.chars().enumerate() {
        if c.is_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// The endpoint overrides, each naming a listed integration with a fixed endpoint.
fn check_endpoints(
    endpoints: Slot<Vec<(syn::Ident, syn::LitStr)>>,
    integrations: &[(&'static names::Integration, syn::Ident)],
    acc: &mut Accumulator,
) -> Vec<(&'static names::Integration, syn::LitStr)> {
    let Slot::Given(pairs) = endpoints else {
        return Vec::new();
    };
    let mut out: Vec<(&'static names::Integration, syn::LitStr)> = Vec::new();
    for (ident, lit) in pairs {
        let written = ident.to_string();
        let Some((integration, _)) = integrations.iter().find(|(i, _)| i.ident() == written) else {
            acc.push(
                Error::custom(format!(
                    "`{written}` is not listed in integrations(...): only a listed integration's \
                     endpoint can be renamed; list it or remove it from endpoints(...)"
                ))
                .with_span(&ident),
            );
            continue;
        };
        if out.iter().any(|(i, _)| i == integration) {
            acc.push(
                Error::custom(format!(
                    "the endpoint of `{written}` is renamed more than once: keep one"
                ))
                .with_span(&ident),
            );
            continue;
        }
        if integration.endpoint.is_none() {
            acc.push(
                Error::custom(format!(
                    "the {} integration binds to its one endpoint of its interface whatever its \
                     name: remove it from endpoints(...)",
                    integration.name
                ))
                .with_span(&ident),
            );
            continue;
        }
        let name = lit.value();
        let valid = name.chars().next().is_some_and(|c| c.is_ascii_lowercase())
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !valid {
            acc.push(
                Error::custom(format!(
                    "\"{name}\" is not an endpoint name: Juju endpoint names are lowercase \
                     letters, digits and dashes, starting with a letter"
                ))
                .with_span(&lit),
            );
            continue;
        }
        out.push((integration, lit));
    }
    out
}

/// The charmcraft.yaml to read, and how the expansion names it.
fn locate(
    written: Option<&syn::LitStr>,
    cx: &Context,
    acc: &mut Accumulator,
) -> Option<(CharmcraftFile, PathBuf)> {
    let mut manifest = || {
        let dir = cx.manifest_dir.clone();
        if dir.is_none() {
            acc.push(
                Error::custom(
                    "CARGO_MANIFEST_DIR is not set, so the charm's charmcraft.yaml cannot be \
                     found: write charmcraft = \"path/to/charmcraft.yaml\"",
                )
                .with_span(&Span::call_site()),
            );
        }
        dir
    };
    let Some(lit) = written else {
        let path = manifest()?.join("charmcraft.yaml");
        return Some((
            CharmcraftFile::InManifestDir("charmcraft.yaml".to_string()),
            path,
        ));
    };
    let value = lit.value();
    let path = Path::new(&value);
    if path.is_absolute() {
        return Some((CharmcraftFile::AsWritten(value.clone()), path.to_path_buf()));
    }
    if let Some(dir) = &cx.source_dir {
        return Some((CharmcraftFile::AsWritten(value.clone()), dir.join(path)));
    }
    let full = manifest()?.join(path);
    Some((CharmcraftFile::InManifestDir(value), full))
}

fn check_framework(
    framework: Slot<darling::util::SpannedValue<String>>,
    acc: &mut Accumulator,
) -> Option<(&'static names::Framework, Span)> {
    let known = || names::FRAMEWORKS.iter().map(|f| f.name);
    match framework {
        Slot::Given(name) => {
            if let Some(framework) = names::framework(name.as_str()) {
                return Some((framework, name.span()));
            }
            let hint = names::suggest(name.as_str(), known())
                .map(|s| format!(": did you mean framework = \"{s}\"? The known frameworks are"))
                .unwrap_or_else(|| ": the known frameworks are".to_string());
            acc.push(
                Error::custom(format!(
                    "unknown framework \"{}\"{hint} {}",
                    name.as_str(),
                    names::list(known())
                ))
                .with_span(&name.span()),
            );
            None
        }
        Slot::Absent => {
            acc.push(
                Error::custom(format!(
                    "missing `framework`: write #[paas_charm(framework = \"flask\")] with one \
                     of: {}",
                    names::list(known())
                ))
                .with_span(&Span::call_site()),
            );
            None
        }
        Slot::Malformed => None,
    }
}

/// The valid integrations, and whether every one written was valid.
fn check_integrations(
    integrations: Slot<Vec<syn::Ident>>,
    acc: &mut Accumulator,
) -> (Vec<(&'static names::Integration, syn::Ident)>, bool) {
    let idents = match integrations {
        Slot::Given(idents) => idents,
        Slot::Absent => return (Vec::new(), true),
        Slot::Malformed => return (Vec::new(), false),
    };
    let mut ok = true;
    let known_idents = names::integration_idents();
    let known = || known_idents.iter().map(String::as_str);
    let mut seen: Vec<(&'static names::Integration, syn::Ident)> = Vec::new();
    for ident in idents {
        let written = ident.to_string();
        let Some(integration) = names::integration_by_ident(&written) else {
            let hint = if written.contains('-') || written == "httpproxy" {
                Some("http_proxy")
            } else {
                names::suggest(&written, known())
            }
            .map(|s| format!(": did you mean `{s}`? The known integrations are"))
            .unwrap_or_else(|| ": the known integrations are".to_string());
            acc.push(
                Error::custom(format!(
                    "unknown integration `{written}`{hint} {}",
                    names::list(known())
                ))
                .with_span(&ident),
            );
            ok = false;
            continue;
        };
        if seen.iter().any(|(i, _)| i == &integration) {
            acc.push(
                Error::custom(format!(
                    "duplicate integration `{written}`: it is already listed, remove this one"
                ))
                .with_span(&ident),
            );
            ok = false;
            continue;
        }
        seen.push((integration, ident));
    }
    (seen, ok)
}

const SHAPE: &str = "#[paas_charm] goes on a unit struct (`pub struct MyCharm;`)";

fn check_item(item: &syn::Item, acc: &mut Accumulator) -> Option<syn::ItemStruct> {
    let strukt = match item {
        syn::Item::Struct(s) => s,
        syn::Item::Enum(e) => {
            acc.push(Error::custom(format!("{SHAPE}, not an enum")).with_span(&e.enum_token));
            return None;
        }
        syn::Item::Union(u) => {
            acc.push(Error::custom(format!("{SHAPE}, not a union")).with_span(&u.union_token));
            return None;
        }
        other => {
            acc.push(Error::custom(SHAPE).with_span(&first_token_span(other)));
            return None;
        }
    };
    let mut ok = true;
    if !strukt.generics.params.is_empty() || strukt.generics.where_clause.is_some() {
        let span = match &strukt.generics.lt_token {
            Some(lt) => lt.span(),
            None => strukt.generics.where_clause.span(),
        };
        acc.push(
            Error::custom(
                "#[paas_charm] goes on a unit struct without generic parameters \
                 (`pub struct MyCharm;`)",
            )
            .with_span(&span),
        );
        ok = false;
    }
    match &strukt.fields {
        syn::Fields::Unit => {}
        syn::Fields::Named(named) if named.named.is_empty() => {}
        syn::Fields::Named(named) => {
            acc.push(
                Error::custom(format!(
                    "{SHAPE}, not a struct with fields: a charm keeps no state of its own"
                ))
                .with_span(&named.brace_token.span.join()),
            );
            ok = false;
        }
        syn::Fields::Unnamed(unnamed) => {
            acc.push(
                Error::custom(format!("{SHAPE}, not a tuple struct"))
                    .with_span(&unnamed.paren_token.span.join()),
            );
            ok = false;
        }
    }
    ok.then(|| strukt.clone())
}

/// The first token of an item that is not after its attributes (`fn`, `impl`, `pub`, ...).
fn first_token_span(item: &syn::Item) -> Span {
    let mut item = item.clone();
    if let Some(attrs) = item_attrs_mut(&mut item) {
        attrs.clear();
    }
    quote::ToTokens::into_token_stream(item)
        .into_iter()
        .next()
        .map_or_else(Span::call_site, |t| t.span())
}

fn item_attrs_mut(item: &mut syn::Item) -> Option<&mut Vec<syn::Attribute>> {
    Some(match item {
        syn::Item::Const(i) => &mut i.attrs,
        syn::Item::Fn(i) => &mut i.attrs,
        syn::Item::Impl(i) => &mut i.attrs,
        syn::Item::Mod(i) => &mut i.attrs,
        syn::Item::Static(i) => &mut i.attrs,
        syn::Item::Trait(i) => &mut i.attrs,
        syn::Item::Type(i) => &mut i.attrs,
        syn::Item::Use(i) => &mut i.attrs,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;
    use syn::parse_quote;

    /// Checks against a flask charmcraft.yaml without integrations.
    fn check(args: TokenStream, item: syn::Item) -> Result<Charm, Vec<String>> {
        check_with(args, item, "flask", &[])
    }

    /// Checks against a charmcraft.yaml that declares what `framework` and `integrations` need.
    fn check_with(
        args: TokenStream,
        item: syn::Item,
        framework: &str,
        integrations: &[&str],
    ) -> Result<Charm, Vec<String>> {
        let name = format!("valid-{framework}-{}-{args}", integrations.join("-"));
        let cx = crate::test_support::context(&name, framework, integrations);
        super::check(args, &item, &cx)
            .map_err(|err| err.flatten().into_iter().map(|e| e.to_string()).collect())
    }

    #[test]
    fn extension_point_misuses_are_reported_together() {
        let errors = check_with(
            quote!(
                framework = "flask",
                integrations(postgresql, oauth),
                endpoints(redis = "cache", oauth = "sso", postgresql = "DB"),
                custom_integrations(crate::a::Postgresql, crate::Audit, other::Audit)
            ),
            unit(),
            "flask",
            &["postgresql", "oauth"],
        )
        .expect_err("misuses");
        assert_eq!(
            errors,
            [
                "a custom integration's field is named after its type (`postgresql`), and \
                 another integration already has that name: rename the type",
                "a custom integration's field is named after its type (`audit`), and another \
                 integration already has that name: rename the type",
                "`redis` is not listed in integrations(...): only a listed integration's \
                 endpoint can be renamed; list it or remove it from endpoints(...)",
                "the oauth integration binds to its one endpoint of its interface whatever its \
                 name: remove it from endpoints(...)",
                "\"DB\" is not an endpoint name: Juju endpoint names are lowercase letters, \
                 digits and dashes, starting with a letter",
            ]
        );
    }

    #[test]
    fn extension_points_reach_the_model() {
        let charm = check_with(
            quote!(
                framework = "flask",
                custom_integrations(crate::audit::AuditLog),
                extensions
            ),
            unit(),
            "flask",
            &[],
        )
        .expect("valid");
        assert!(charm.extensions.is_some());
        assert_eq!(charm.custom.len(), 1);
        assert_eq!(charm.custom[0].1, "audit_log");
        assert!(charm.endpoints.is_empty());
    }

    fn unit() -> syn::Item {
        parse_quote!(
            pub struct C;
        )
    }

    #[test]
    fn a_valid_charm() {
        let charm = check_with(
            quote!(framework = "spring-boot", integrations(s3, http_proxy)),
            unit(),
            "spring-boot",
            &["s3", "http-proxy"],
        )
        .expect("valid");
        assert_eq!(charm.framework.variant, "SpringBoot");
        let names: Vec<&str> = charm.integrations.iter().map(|(i, _)| i.name).collect();
        assert_eq!(names, ["s3", "http-proxy"]);
        assert!(charm.main);
        assert_eq!(charm.item.ident, "C");
    }

    #[test]
    fn braced_empty_struct_and_main_false() {
        let item = parse_quote!(
            struct C {}
        );
        let charm =
            check_with(quote!(framework = "go", main = false), item, "go", &[]).expect("valid");
        assert!(!charm.main);
        assert!(charm.integrations.is_empty());
    }

    #[test]
    fn unknown_framework_suggests_and_lists() {
        let errors = check(quote!(framework = "djnago"), unit()).expect_err("invalid");
        assert_eq!(
            errors,
            [
                "unknown framework \"djnago\": did you mean framework = \"django\"? The known \
                 frameworks are flask, django, fastapi, go, expressjs, spring-boot"
            ]
        );
        let errors = check(quote!(framework = "rails"), unit()).expect_err("invalid");
        assert_eq!(
            errors,
            [
                "unknown framework \"rails\": the known frameworks are flask, django, fastapi, go, \
              expressjs, spring-boot"
            ]
        );
    }

    #[test]
    fn missing_framework_says_how_to_write_it() {
        let errors = check_with(quote!(integrations(redis)), unit(), "flask", &["redis"])
            .expect_err("invalid");
        assert_eq!(
            errors,
            ["missing `framework`: write #[paas_charm(framework = \"flask\")] with one of: flask, \
              django, fastapi, go, expressjs, spring-boot"]
        );
    }

    #[test]
    fn unknown_and_duplicate_integrations() {
        let errors = check_with(
            quote!(
                framework = "flask",
                integrations(postgres, redis, redis, kafka)
            ),
            unit(),
            "flask",
            &["redis"],
        )
        .expect_err("invalid");
        // The table's identifiers, in its order.
        let known = format!(
            "known integrations are {}",
            names::integration_idents().join(", ")
        );
        assert_eq!(
            errors,
            [
                format!("unknown integration `postgres`: did you mean `postgresql`? The {known}"),
                "duplicate integration `redis`: it is already listed, remove this one".to_string(),
                format!("unknown integration `kafka`: the {known}"),
            ]
        );
    }

    #[test]
    fn wrong_shapes() {
        let cases: [(syn::Item, &str); 5] = [
            (
                parse_quote!(
                    enum C {
                        A,
                    }
                ),
                "not an enum",
            ),
            (
                parse_quote!(
                    struct C(u8);
                ),
                "not a tuple struct",
            ),
            (
                parse_quote!(
                    struct C {
                        a: u8,
                    }
                ),
                "not a struct with fields",
            ),
            (
                parse_quote!(
                    struct C<T>;
                ),
                "without generic parameters",
            ),
            (
                parse_quote!(
                    fn c() {}
                ),
                "(`pub struct MyCharm;`)",
            ),
        ];
        for (item, expected) in cases {
            let errors = check(quote!(framework = "flask"), item).expect_err("invalid");
            assert_eq!(errors.len(), 1, "{errors:?}");
            assert!(
                errors[0].starts_with("#[paas_charm] goes on a unit struct"),
                "{errors:?}"
            );
            assert!(errors[0].contains(expected), "{errors:?}");
        }
    }

    #[test]
    fn all_errors_at_once() {
        let errors = check_with(
            quote!(
                framework = "djnago",
                integrations(postgres, redis, redis),
                colour = "red"
            ),
            parse_quote!(
                struct C<T>(T);
            ),
            "flask",
            &["redis"],
        )
        .expect_err("invalid");
        assert_eq!(errors.len(), 6, "{errors:#?}");
        assert!(errors[0].starts_with("unknown key `colour`"));
        assert!(errors[1].starts_with("unknown framework \"djnago\""));
        assert!(errors[2].starts_with("unknown integration `postgres`"));
        assert!(errors[3].starts_with("duplicate integration `redis`"));
        assert!(errors[4].contains("without generic parameters"));
        assert!(errors[5].ends_with("not a tuple struct"));
    }
}
