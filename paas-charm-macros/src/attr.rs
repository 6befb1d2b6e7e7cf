//! Parsing the attribute's arguments: `framework = "flask", integrations(postgresql, redis),
//! charmcraft = "../charmcraft.yaml", unhandled_endpoints("redis"), main = false`. Only the
//! shape is checked here; names are checked in `valid`, the charmcraft.yaml in `requirements`.

use darling::ast::NestedMeta;
use darling::error::Accumulator;
use darling::util::SpannedValue;
use darling::{Error, FromMeta};
use proc_macro2::TokenStream;
use syn::{Expr, ExprLit, Lit, Meta};

use crate::names;

/// The attribute's arguments, as written.
#[derive(Debug, Default)]
pub struct Args {
    /// `framework = "..."`.
    pub framework: Slot<SpannedValue<String>>,
    /// `integrations(...)`: the well-formed identifiers, in order, duplicates included.
    pub integrations: Slot<Vec<syn::Ident>>,
    /// Whether every entry of `integrations(...)` was well-formed.
    pub integrations_well_formed: bool,
    /// The span of the `integrations` key, when written.
    pub integrations_key: Option<proc_macro2::Span>,
    /// `charmcraft = "path/to/charmcraft.yaml"`.
    pub charmcraft: Slot<syn::LitStr>,
    /// `unhandled_endpoints("redis", ...)`: endpoints the charm declares but leaves alone.
    pub unhandled_endpoints: Slot<Vec<syn::LitStr>>,
    /// `main = false`.
    pub main: Slot<bool>,
    /// `extensions`: the charm struct implements the runtime's `Extensions` (the key's span).
    pub extensions: Slot<proc_macro2::Span>,
    /// `custom_integrations(crate::MyIntegration, ...)`: the author's `Integration` impls.
    pub custom_integrations: Slot<Vec<syn::Path>>,
    /// `endpoints(postgresql = "db", ...)`: integrations bound to endpoints of other names.
    pub endpoints: Slot<Vec<(syn::Ident, syn::LitStr)>>,
}

/// What the attribute says about one key.
#[derive(Debug, Default, PartialEq)]
pub enum Slot<T> {
    /// The key is not written.
    #[default]
    Absent,
    /// The key is written but its value is malformed (already reported).
    Malformed,
    /// The key and its value.
    Given(T),
}

impl<T> Slot<T> {
    fn is_absent(&self) -> bool {
        matches!(self, Slot::Absent)
    }
}

impl Args {
    /// Parses the attribute's tokens. Errors go to `acc`; every well-formed key is kept so the
    /// later checks can report their errors too.
    pub fn parse(tokens: TokenStream, acc: &mut Accumulator) -> Args {
        match NestedMeta::parse_meta_list(tokens) {
            Ok(items) => Args::parse_items(&items, acc),
            Err(err) => {
                acc.push(err.into());
                Args {
                    framework: Slot::Malformed,
                    integrations: Slot::Malformed,
                    integrations_well_formed: false,
                    integrations_key: None,
                    charmcraft: Slot::Malformed,
                    unhandled_endpoints: Slot::Malformed,
                    main: Slot::Malformed,
                    extensions: Slot::Malformed,
                    custom_integrations: Slot::Malformed,
                    endpoints: Slot::Malformed,
                }
            }
        }
    }

    /// Parses the attribute's items (see [`Args::parse`]).
    pub fn parse_items(items: &[NestedMeta], acc: &mut Accumulator) -> Args {
        let mut args = Args {
            integrations_well_formed: true,
            ..Args::default()
        };
        for item in items {
            let meta = match item {
                NestedMeta::Meta(meta) => meta,
                NestedMeta::Lit(lit) => {
                    // `#[paas_charm("flask")]`: the framework without its key.
                    let framework = match lit {
                        Lit::Str(s) => names::framework(&s.value()).or_else(|| {
                            names::suggest(&s.value(), names::FRAMEWORKS.iter().map(|f| f.name))
                                .and_then(names::framework)
                        }),
                        _ => None,
                    };
                    let message = match framework {
                        Some(f) if args.framework.is_absent() => {
                            args.framework = Slot::Malformed;
                            format!(
                                "the framework needs its key: write framework = \"{}\"",
                                f.name
                            )
                        }
                        _ => format!(
                            "expected `key = value` or `key(...)`, found a literal; \
                             accepted keys: {}",
                            names::list(names::KEYS.iter().copied())
                        ),
                    };
                    acc.push(Error::custom(message).with_span(lit));
                    continue;
                }
            };
            let path = meta.path();
            let key = path
                .get_ident()
                .map(ToString::to_string)
                .unwrap_or_default();
            let duplicate = |acc: &mut Accumulator| {
                acc.push(
                    Error::custom(format!(
                        "`{key}` is set more than once: keep one `{key}` and remove this one"
                    ))
                    .with_span(path),
                );
            };
            match key.as_str() {
                "framework" => {
                    if !args.framework.is_absent() {
                        duplicate(acc);
                        continue;
                    }
                    args.framework = to_slot(acc.handle(parse_framework(meta)));
                }
                "integrations" => {
                    if !args.integrations.is_absent() {
                        duplicate(acc);
                        continue;
                    }
                    args.integrations_key = Some(syn::spanned::Spanned::span(path));
                    let mut local = Error::accumulator();
                    args.integrations = parse_integrations(meta, &mut local);
                    let errors = local.into_inner();
                    args.integrations_well_formed = errors.is_empty();
                    errors.into_iter().for_each(|e| acc.push(e));
                }
                "charmcraft" => {
                    if !args.charmcraft.is_absent() {
                        duplicate(acc);
                        continue;
                    }
                    args.charmcraft = to_slot(acc.handle(parse_charmcraft(meta)));
                }
                "unhandled_endpoints" => {
                    if !args.unhandled_endpoints.is_absent() {
                        duplicate(acc);
                        continue;
                    }
                    args.unhandled_endpoints = parse_unhandled(meta, acc);
                }
                "main" => {
                    if !args.main.is_absent() {
                        duplicate(acc);
                        continue;
                    }
                    args.main = to_slot(acc.handle(bool::from_meta(meta).map_err(|_| {
                        Error::custom("`main` takes a boolean: write main = false").with_span(meta)
                    })));
                }
                "extensions" => {
                    if !args.extensions.is_absent() {
                        duplicate(acc);
                        continue;
                    }
                    args.extensions = to_slot(acc.handle(parse_extensions(meta)));
                }
                "custom_integrations" => {
                    if !args.custom_integrations.is_absent() {
                        duplicate(acc);
                        continue;
                    }
                    args.custom_integrations = parse_custom(meta, acc);
                }
                "endpoints" => {
                    if !args.endpoints.is_absent() {
                        duplicate(acc);
                        continue;
                    }
                    args.endpoints = parse_endpoints(meta, acc);
                }
                _ => acc.push(unknown_key(path)),
            }
        }
        args
    }
}

impl FromMeta for Args {
    fn from_list(items: &[NestedMeta]) -> darling::Result<Self> {
        let mut acc = Error::accumulator();
        let args = Args::parse_items(items, &mut acc);
        acc.finish_with(args)
    }
}

fn to_slot<T>(value: Option<T>) -> Slot<T> {
    value.map_or(Slot::Malformed, Slot::Given)
}

fn unknown_key(path: &syn::Path) -> Error {
    let written = path
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect::<Vec<_>>()
        .join("::");
    let hint = names::suggest(&written, names::KEYS.iter().copied())
        .map(|k| format!("did you mean `{k}`? "))
        .unwrap_or_default();
    Error::custom(format!(
        "unknown key `{written}` in #[paas_charm]; {hint}accepted keys: {}",
        names::list(names::KEYS.iter().copied())
    ))
    .with_span(path)
}

/// `framework = "flask"`: the string and its span.
fn parse_framework(meta: &Meta) -> darling::Result<SpannedValue<String>> {
    let how = |name: &str| format!("write framework = \"{name}\"");
    let expr = match meta {
        Meta::NameValue(nv) => &nv.value,
        Meta::Path(_) | Meta::List(_) => {
            return Err(
                Error::custom(format!("`framework` takes a string: {}", how("flask")))
                    .with_span(meta),
            );
        }
    };
    match expr {
        Expr::Lit(ExprLit {
            lit: Lit::Str(s), ..
        }) => Ok(SpannedValue::new(s.value(), s.span())),
        Expr::Path(p) if p.path.get_ident().is_some() => {
            let ident = p
                .path
                .get_ident()
                .map(ToString::to_string)
                .unwrap_or_default();
            // `spring_boot` can only be written as an identifier with an underscore.
            let name = names::framework(&ident.replace('_', "-"))
                .map_or(ident.clone(), |f| f.name.to_string());
            Err(Error::custom(format!(
                "framework must be a string literal: {}",
                how(&name)
            ))
            .with_span(expr))
        }
        _ => Err(Error::custom(format!(
            "framework must be a string literal: {}",
            how("flask")
        ))
        .with_span(expr)),
    }
}

/// `charmcraft = "path"`: the string literal.
fn parse_charmcraft(meta: &Meta) -> darling::Result<syn::LitStr> {
    let how = "`charmcraft` takes the file's path as a string: write \
               charmcraft = \"../charmcraft.yaml\" (relative to this source file)";
    match meta {
        Meta::NameValue(syn::MetaNameValue {
            value: Expr::Lit(ExprLit {
                lit: Lit::Str(s), ..
            }),
            ..
        }) => Ok(s.clone()),
        Meta::NameValue(nv) => Err(Error::custom(how).with_span(&nv.value)),
        _ => Err(Error::custom(how).with_span(meta)),
    }
}

/// `extensions`: a flag without a value.
fn parse_extensions(meta: &Meta) -> darling::Result<proc_macro2::Span> {
    match meta {
        Meta::Path(path) => Ok(syn::spanned::Spanned::span(path)),
        _ => Err(Error::custom(
            "`extensions` takes no value: write `extensions` and implement \
             paas_charm_runtime::Extensions for the charm struct",
        )
        .with_span(meta)),
    }
}

/// `custom_integrations(crate::Audit, other::Feed)`: type paths.
fn parse_custom(meta: &Meta, acc: &mut Accumulator) -> Slot<Vec<syn::Path>> {
    let how = "`custom_integrations` takes the paths of types that implement \
               paas_charm_runtime::integration::Integration: write \
               custom_integrations(crate::MyIntegration)";
    let Meta::List(list) = meta else {
        acc.push(Error::custom(how).with_span(meta));
        return Slot::Malformed;
    };
    let items = match NestedMeta::parse_meta_list(list.tokens.clone()) {
        Ok(items) => items,
        Err(err) => {
            acc.push(Error::custom(how).with_span(&err.span()));
            return Slot::Malformed;
        }
    };
    let mut paths = Vec::with_capacity(items.len());
    for item in &items {
        match item {
            NestedMeta::Meta(Meta::Path(path)) => paths.push(path.clone()),
            other => acc.push(Error::custom(how).with_span(other)),
        }
    }
    Slot::Given(paths)
}

/// `endpoints(postgresql = "db")`: integration identifiers with endpoint names.
fn parse_endpoints(meta: &Meta, acc: &mut Accumulator) -> Slot<Vec<(syn::Ident, syn::LitStr)>> {
    let how = "`endpoints` maps integrations to the endpoint names charmcraft.yaml gives them: \
               write endpoints(postgresql = \"db\")";
    let Meta::List(list) = meta else {
        acc.push(Error::custom(how).with_span(meta));
        return Slot::Malformed;
    };
    let items = match NestedMeta::parse_meta_list(list.tokens.clone()) {
        Ok(items) => items,
        Err(err) => {
            acc.push(Error::custom(how).with_span(&err.span()));
            return Slot::Malformed;
        }
    };
    let mut pairs = Vec::with_capacity(items.len());
    for item in &items {
        match item {
            NestedMeta::Meta(Meta::NameValue(syn::MetaNameValue {
                path,
                value:
                    Expr::Lit(ExprLit {
                        lit: Lit::Str(s), ..
                    }),
                ..
            })) if path.get_ident().is_some() => {
                pairs.extend(path.get_ident().cloned().map(|ident| (ident, s.clone())));
            }
            NestedMeta::Meta(Meta::NameValue(nv)) if nv.path.get_ident().is_some() => {
                acc.push(Error::custom(how).with_span(&nv.value));
            }
            other => acc.push(Error::custom(how).with_span(other)),
        }
    }
    Slot::Given(pairs)
}

/// `unhandled_endpoints("redis", "http-proxy")`: endpoint names as strings.
fn parse_unhandled(meta: &Meta, acc: &mut Accumulator) -> Slot<Vec<syn::LitStr>> {
    let how = "`unhandled_endpoints` takes endpoint names as strings: write \
               unhandled_endpoints(\"redis\", \"http-proxy\")";
    let Meta::List(list) = meta else {
        acc.push(Error::custom(how).with_span(meta));
        return Slot::Malformed;
    };
    let items = match NestedMeta::parse_meta_list(list.tokens.clone()) {
        Ok(items) => items,
        Err(err) => {
            acc.push(Error::custom(how).with_span(&err.span()));
            return Slot::Malformed;
        }
    };
    let mut names = Vec::with_capacity(items.len());
    for item in &items {
        match item {
            NestedMeta::Lit(Lit::Str(s)) => names.push(s.clone()),
            other => acc.push(Error::custom(how).with_span(other)),
        }
    }
    Slot::Given(names)
}

/// `integrations(postgresql, redis)`: the identifiers, in order. A malformed entry is reported
/// and skipped; the others are kept.
fn parse_integrations(meta: &Meta, acc: &mut Accumulator) -> Slot<Vec<syn::Ident>> {
    let example = "write integrations(postgresql, redis)";
    let list = match meta {
        Meta::List(list) => list,
        Meta::NameValue(nv) => {
            let how = match &nv.value {
                Expr::Lit(ExprLit {
                    lit: Lit::Str(s), ..
                }) => {
                    format!("write integrations({})", s.value().replace('-', "_"))
                }
                _ => example.to_string(),
            };
            acc.push(
                Error::custom(format!("`integrations` takes a list of identifiers: {how}"))
                    .with_span(&nv.value),
            );
            return Slot::Malformed;
        }
        Meta::Path(path) => {
            acc.push(
                Error::custom(format!(
                    "`integrations` takes a list of identifiers: {example}"
                ))
                .with_span(path),
            );
            return Slot::Malformed;
        }
    };
    let items = match NestedMeta::parse_meta_list(list.tokens.clone()) {
        Ok(items) => items,
        Err(err) => {
            let error = match dashed_name(list.tokens.clone()) {
                Some((first, written)) => Error::custom(format!(
                    "integration names are identifiers: write `{}`, not `{written}`",
                    written.replace('-', "_")
                ))
                .with_span(&first),
                None => Error::custom(format!(
                    "`integrations` takes a comma-separated list of identifiers ({example})"
                ))
                .with_span(&err.span()),
            };
            acc.push(error);
            return Slot::Malformed;
        }
    };
    let mut idents = Vec::with_capacity(items.len());
    for item in &items {
        match item {
            NestedMeta::Meta(Meta::Path(path)) if path.get_ident().is_some() => {
                idents.extend(path.get_ident().cloned());
            }
            NestedMeta::Lit(Lit::Str(s)) => acc.push(
                Error::custom(format!(
                    "integration names are identifiers, not strings: write {}",
                    s.value().replace('-', "_")
                ))
                .with_span(s),
            ),
            other => acc.push(
                Error::custom(format!("expected an integration name: {example}")).with_span(other),
            ),
        }
    }
    Slot::Given(idents)
}

/// The first name written with dashes in a list (`http-proxy`): its first token and the name.
fn dashed_name(tokens: TokenStream) -> Option<(proc_macro2::Ident, String)> {
    use proc_macro2::TokenTree;
    let tokens: Vec<TokenTree> = tokens.into_iter().collect();
    let mut i = 0;
    while i < tokens.len() {
        if let TokenTree::Ident(first) = &tokens[i] {
            let mut written = first.to_string();
            let mut j = i + 1;
            while let (Some(TokenTree::Punct(p)), Some(TokenTree::Ident(next))) =
                (tokens.get(j), tokens.get(j + 1))
            {
                if p.as_char() != '-' {
                    break;
                }
                written.push('-');
                written.push_str(&next.to_string());
                j += 2;
            }
            if j > i + 1 {
                return Some((first.clone(), written));
            }
        }
        i += 1;
    }
    None
}

/// Whether the attribute asks for `fn main` (`main = false` does not). Used on the error path,
/// where the attribute may not parse.
pub fn wants_main(tokens: TokenStream) -> bool {
    let Ok(items) = NestedMeta::parse_meta_list(tokens) else {
        return true;
    };
    !items.iter().any(|item| match item {
        NestedMeta::Meta(meta @ Meta::NameValue(nv)) if meta.path().is_ident("main") => {
            matches!(&nv.value, Expr::Lit(ExprLit { lit: Lit::Bool(b), .. }) if !b.value)
        }
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn parse(tokens: TokenStream) -> (Args, Vec<String>) {
        let mut acc = Error::accumulator();
        let args = Args::parse(tokens, &mut acc);
        let errors = acc.into_inner().iter().map(ToString::to_string).collect();
        (args, errors)
    }

    #[test]
    fn parses_every_key() {
        let (args, errors) = parse(quote!(
            framework = "flask",
            integrations(postgresql, http_proxy),
            main = false
        ));
        assert!(errors.is_empty(), "{errors:?}");
        let Slot::Given(framework) = args.framework else {
            panic!("framework")
        };
        assert_eq!(framework.as_str(), "flask");
        let Slot::Given(integrations) = args.integrations else {
            panic!("integrations")
        };
        let integrations: Vec<String> = integrations.iter().map(ToString::to_string).collect();
        assert_eq!(integrations, ["postgresql", "http_proxy"]);
        assert_eq!(args.main, Slot::Given(false));
    }

    #[test]
    fn absent_keys_stay_absent() {
        let (args, errors) = parse(quote!());
        assert!(errors.is_empty());
        assert!(args.framework.is_absent() && args.integrations.is_absent());
        assert!(args.main.is_absent());
    }

    #[test]
    fn framework_as_identifier_says_how_to_fix_it() {
        let (args, errors) = parse(quote!(framework = django));
        assert_eq!(
            errors,
            ["framework must be a string literal: write framework = \"django\""]
        );
        assert!(matches!(args.framework, Slot::Malformed));
        let (_, errors) = parse(quote!(framework = spring_boot));
        assert_eq!(
            errors,
            ["framework must be a string literal: write framework = \"spring-boot\""]
        );
    }

    #[test]
    fn integrations_as_string_says_how_to_fix_it() {
        let (args, errors) = parse(quote!(integrations = "redis"));
        assert_eq!(
            errors,
            ["`integrations` takes a list of identifiers: write integrations(redis)"]
        );
        assert_eq!(args.integrations, Slot::Malformed);
    }

    #[test]
    fn malformed_integration_entries_are_reported_and_skipped() {
        let (args, errors) = parse(quote!(integrations("redis", s3, a::b)));
        assert_eq!(
            errors,
            [
                "integration names are identifiers, not strings: write redis",
                "expected an integration name: write integrations(postgresql, redis)",
            ]
        );
        let Slot::Given(integrations) = args.integrations else {
            panic!("integrations")
        };
        assert_eq!(integrations.len(), 1);
        assert_eq!(integrations[0], "s3");
    }

    #[test]
    fn unknown_and_repeated_keys_are_reported_together() {
        let (args, errors) = parse(quote!(
            framwork = "flask",
            framework = "go",
            framework = "django",
            colour = 1,
            main = "no"
        ));
        assert_eq!(
            errors,
            [
                "unknown key `framwork` in #[paas_charm]; did you mean `framework`? \
                 accepted keys: framework, integrations, charmcraft, unhandled_endpoints, main, extensions, custom_integrations, endpoints",
                "`framework` is set more than once: keep one `framework` and remove this one",
                "unknown key `colour` in #[paas_charm]; accepted keys: framework, integrations, charmcraft, unhandled_endpoints, main, extensions, custom_integrations, endpoints",
                "`main` takes a boolean: write main = false",
            ]
        );
        let Slot::Given(framework) = args.framework else {
            panic!("framework")
        };
        assert_eq!(framework.as_str(), "go");
    }

    #[test]
    fn a_bare_framework_string_says_to_add_the_key() {
        let (args, errors) = parse(quote!("flask"));
        assert_eq!(
            errors,
            ["the framework needs its key: write framework = \"flask\""]
        );
        assert!(matches!(args.framework, Slot::Malformed));
        let (_, errors) = parse(quote!(7));
        assert_eq!(
            errors,
            [
                "expected `key = value` or `key(...)`, found a literal; accepted keys: framework, \
              integrations, charmcraft, unhandled_endpoints, main, extensions, custom_integrations, endpoints"
            ]
        );
    }

    #[test]
    fn a_dashed_integration_name_says_how_to_write_it() {
        let (args, errors) = parse(quote!(integrations(redis, http - proxy)));
        assert_eq!(
            errors,
            ["integration names are identifiers: write `http_proxy`, not `http-proxy`"]
        );
        assert_eq!(args.integrations, Slot::Malformed);
    }

    #[test]
    fn extension_point_keys_parse_and_say_how_to_fix_them() {
        let (args, errors) = parse(quote!(
            extensions,
            custom_integrations(crate::Audit, feed::Feed),
            endpoints(postgresql = "db")
        ));
        assert!(errors.is_empty(), "{errors:?}");
        assert!(matches!(args.extensions, Slot::Given(_)));
        let Slot::Given(custom) = args.custom_integrations else {
            panic!("custom_integrations")
        };
        assert_eq!(custom.len(), 2);
        let Slot::Given(endpoints) = args.endpoints else {
            panic!("endpoints")
        };
        assert_eq!(endpoints[0].0, "postgresql");
        assert_eq!(endpoints[0].1.value(), "db");

        let (args, errors) = parse(quote!(
            extensions = true,
            custom_integrations("audit"),
            endpoints(postgresql = db)
        ));
        assert_eq!(
            errors,
            [
                "`extensions` takes no value: write `extensions` and implement \
                 paas_charm_runtime::Extensions for the charm struct",
                "`custom_integrations` takes the paths of types that implement \
                 paas_charm_runtime::integration::Integration: write \
                 custom_integrations(crate::MyIntegration)",
                "`endpoints` maps integrations to the endpoint names charmcraft.yaml gives them: \
                 write endpoints(postgresql = \"db\")",
            ]
        );
        assert!(matches!(args.extensions, Slot::Malformed));
    }

    #[test]
    fn from_meta_reports_all_errors() {
        let items = NestedMeta::parse_meta_list(quote!(a = 1, b = 2)).expect("parses");
        let err = Args::from_list(&items).expect_err("unknown keys");
        assert_eq!(err.len(), 2);
    }

    #[test]
    fn wants_main_unless_main_is_false() {
        assert!(wants_main(quote!(framework = "flask")));
        assert!(wants_main(quote!(framework = "flask", main = true)));
        assert!(!wants_main(quote!(framework = "flask", main = false)));
        assert!(wants_main(quote!(framework = )));
    }
}
