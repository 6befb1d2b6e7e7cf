//! The names the attribute accepts: frameworks and integrations, from the one table in
//! `paas-charm-requirements` (with the runtime items each maps to), the attribute's keys, and a
//! "did you mean" suggestion for misspellings.

pub use paas_charm_requirements::{
    FrameworkSpec as Framework, IntegrationSpec as Integration, ALWAYS_ON, FRAMEWORKS, INTEGRATIONS,
};

/// The keys the attribute accepts.
pub const KEYS: &[&str] = &[
    "framework",
    "integrations",
    "charmcraft",
    "unhandled_endpoints",
    "main",
    "extensions",
    "custom_integrations",
    "endpoints",
];

pub use paas_charm_requirements::{framework, integration_by_ident};

/// The identifiers `integrations(...)` accepts, in the table's order.
pub fn integration_idents() -> Vec<String> {
    INTEGRATIONS.iter().map(Integration::ident).collect()
}

/// `flask, django, ...`: the names, comma-separated, for error messages.
pub fn list<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    names.into_iter().collect::<Vec<_>>().join(", ")
}

pub use paas_charm_requirements::suggest::suggest;

#[cfg(test)]
mod tests {
    use super::*;
    use paas_charm_requirements::suggest::edit_distance;

    #[test]
    fn edit_distance_counts_transpositions_as_one() {
        assert_eq!(edit_distance("django", "django"), 0);
        assert_eq!(edit_distance("djnago", "django"), 1);
        assert_eq!(edit_distance("postgres", "postgresql"), 2);
        assert_eq!(edit_distance("", "go"), 2);
        assert_eq!(edit_distance("flask", "flsk"), 1);
    }

    #[test]
    fn suggests_the_nearest_close_name() {
        let frameworks = || FRAMEWORKS.iter().map(|f| f.name);
        let idents = integration_idents();
        let integrations = || idents.iter().map(String::as_str);
        assert_eq!(suggest("djnago", frameworks()), Some("django"));
        assert_eq!(suggest("spring_boot", frameworks()), Some("spring-boot"));
        assert_eq!(suggest("Flask", frameworks()), Some("flask"));
        assert_eq!(suggest("fast_api", frameworks()), Some("fastapi"));
        assert_eq!(suggest("postgres", integrations()), Some("postgresql"));
        assert_eq!(suggest("httpproxy", integrations()), Some("http_proxy"));
        assert_eq!(suggest("rails", frameworks()), None);
        assert_eq!(suggest("kafka", integrations()), None);
    }

    /// The runtime's source is the reference for the framework variants, the action handlers
    /// and every integration's module and type.
    #[test]
    fn names_match_the_runtime() {
        let source = include_str!("../../paas-charm-runtime/src/framework/mod.rs");
        let file = syn::parse_file(source).expect("the runtime's framework module parses");
        let variants: Vec<String> = file
            .items
            .iter()
            .find_map(|item| match item {
                syn::Item::Enum(e) if e.ident == "FrameworkKind" => {
                    Some(e.variants.iter().map(|v| v.ident.to_string()).collect())
                }
                _ => None,
            })
            .expect("FrameworkKind exists");
        let ours: Vec<&str> = FRAMEWORKS.iter().map(|f| f.variant).collect();
        assert_eq!(variants, ours);
        let handlers: Vec<String> = file
            .items
            .iter()
            .find_map(|item| match item {
                syn::Item::Enum(e) if e.ident == "FrameworkAction" => {
                    Some(e.variants.iter().map(|v| v.ident.to_string()).collect())
                }
                _ => None,
            })
            .expect("FrameworkAction exists");
        for action in FRAMEWORKS.iter().flat_map(|f| f.actions) {
            assert!(
                handlers.contains(&action.handler.to_string()),
                "{}",
                action.name
            );
        }
        for f in FRAMEWORKS {
            assert!(
                source.contains(&format!("name: \"{}\"", f.name)),
                "the runtime names a framework `{}`",
                f.name
            );
        }
        let dir = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../paas-charm-runtime/src/integration"
        );
        for i in INTEGRATIONS.iter().chain(ALWAYS_ON) {
            let path = format!("{dir}/{}.rs", i.module);
            let source = std::fs::read_to_string(&path).expect("the integration's module");
            let file = syn::parse_file(&source).expect("the integration's module parses");
            let mut types = Vec::new();
            collect_types(&file.items, &mut types);
            let mut strings = Vec::new();
            collect_macro_idents(&file.items, &mut strings);
            assert!(
                types.iter().chain(&strings).any(|t| t == i.ty),
                "{path} defines {}",
                i.ty
            );
        }
    }

    /// The types a module defines (structs, enums), and those a `macro!(Type, ...)` call names.
    fn collect_types(items: &[syn::Item], out: &mut Vec<String>) {
        for item in items {
            match item {
                syn::Item::Struct(s) => out.push(s.ident.to_string()),
                syn::Item::Enum(e) => out.push(e.ident.to_string()),
                _ => {}
            }
        }
    }

    fn collect_macro_idents(items: &[syn::Item], out: &mut Vec<String>) {
        for item in items {
            if let syn::Item::Macro(m) = item {
                for token in m.mac.tokens.clone() {
                    if let proc_macro2::TokenTree::Ident(ident) = token {
                        out.push(ident.to_string());
                    }
                }
            }
        }
    }
}
