//! The names the attribute accepts: frameworks and integrations, with the runtime items each
//! maps to, and a "did you mean" suggestion for misspellings.

/// A framework the attribute accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Framework {
    /// The name written in the attribute (the runtime's `FrameworkInfo::name`).
    pub name: &'static str,
    /// The `paas_charm_runtime::framework::FrameworkKind` variant.
    pub variant: &'static str,
}

/// Every framework, in the runtime's documentation order (`FrameworkKind::ALL`).
pub const FRAMEWORKS: &[Framework] = &[
    Framework {
        name: "flask",
        variant: "Flask",
    },
    Framework {
        name: "django",
        variant: "Django",
    },
    Framework {
        name: "fastapi",
        variant: "FastApi",
    },
    Framework {
        name: "go",
        variant: "Go",
    },
    Framework {
        name: "expressjs",
        variant: "ExpressJs",
    },
    Framework {
        name: "spring-boot",
        variant: "SpringBoot",
    },
];

/// An integration the attribute accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Integration {
    /// The identifier written in the attribute, also the generated field's name.
    pub ident: &'static str,
    /// The runtime's name for it (`paas_charm_runtime::integration::KNOWN`).
    pub name: &'static str,
    /// The module under `paas_charm_runtime::integration` that implements it.
    pub module: &'static str,
    /// The type in that module that implements `Integration`.
    pub ty: &'static str,
}

const fn integration(
    ident: &'static str,
    name: &'static str,
    module: &'static str,
    ty: &'static str,
) -> Integration {
    Integration {
        ident,
        name,
        module,
        ty,
    }
}

/// Every integration, in the runtime's `KNOWN` order.
pub const INTEGRATIONS: &[Integration] = &[
    integration("postgresql", "postgresql", "database", "Postgresql"),
    integration("mysql", "mysql", "database", "Mysql"),
    integration("mongodb", "mongodb", "database", "Mongodb"),
    integration("redis", "redis", "redis", "Redis"),
    integration("valkey", "valkey", "valkey", "Valkey"),
    integration("s3", "s3", "s3", "S3"),
    integration("rabbitmq", "rabbitmq", "rabbitmq", "RabbitMq"),
    integration("saml", "saml", "saml", "Saml"),
    integration("oauth", "oauth", "oauth", "OAuth"),
    integration("openfga", "openfga", "openfga", "OpenFga"),
    integration("smtp", "smtp", "smtp", "Smtp"),
    integration("tracing", "tracing", "tracing", "Tracing"),
    integration("http_proxy", "http-proxy", "http_proxy", "HttpProxy"),
];

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

/// Looks a framework up by the name written in the attribute.
pub fn framework(name: &str) -> Option<&'static Framework> {
    FRAMEWORKS.iter().find(|f| f.name == name)
}

/// Looks an integration up by the identifier written in the attribute.
pub fn integration_by_ident(ident: &str) -> Option<&'static Integration> {
    INTEGRATIONS.iter().find(|i| i.ident == ident)
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
        let integrations = || INTEGRATIONS.iter().map(|i| i.ident);
        assert_eq!(suggest("djnago", frameworks()), Some("django"));
        assert_eq!(suggest("spring_boot", frameworks()), Some("spring-boot"));
        assert_eq!(suggest("Flask", frameworks()), Some("flask"));
        assert_eq!(suggest("fast_api", frameworks()), Some("fastapi"));
        assert_eq!(suggest("postgres", integrations()), Some("postgresql"));
        assert_eq!(suggest("httpproxy", integrations()), Some("http_proxy"));
        assert_eq!(suggest("rails", frameworks()), None);
        assert_eq!(suggest("kafka", integrations()), None);
    }

    /// The runtime's source is the reference: `integration::KNOWN` and `FrameworkKind`.
    #[test]
    fn names_match_the_runtime() {
        let source = include_str!("../../paas-charm-runtime/src/integration/mod.rs");
        let file = syn::parse_file(source).expect("the runtime's integration module parses");
        let known: Vec<String> = file
            .items
            .iter()
            .find_map(|item| match item {
                syn::Item::Const(c) if c.ident == "KNOWN" => Some(&c.expr),
                _ => None,
            })
            .map(|expr| {
                let mut names = Vec::new();
                collect_str_lits(expr, &mut names);
                names
            })
            .expect("integration::KNOWN exists");
        let ours: Vec<&str> = INTEGRATIONS.iter().map(|i| i.name).collect();
        assert_eq!(known, ours);

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
        for f in FRAMEWORKS {
            assert!(
                source.contains(&format!("name: \"{}\"", f.name)),
                "the runtime names a framework `{}`",
                f.name
            );
        }
    }

    /// The requirements table (shared with the runtime's `metadata`) knows every name.
    #[test]
    fn names_match_the_requirements_table() {
        let ours: Vec<&str> = INTEGRATIONS.iter().map(|i| i.name).collect();
        let table: Vec<&str> = paas_charm_requirements::INTEGRATIONS
            .iter()
            .map(|i| i.name)
            .collect();
        assert_eq!(ours, table);
        let ours: Vec<&str> = FRAMEWORKS.iter().map(|f| f.name).collect();
        let table: Vec<&str> = paas_charm_requirements::FRAMEWORKS
            .iter()
            .map(|f| f.name)
            .collect();
        assert_eq!(ours, table);
    }

    fn collect_str_lits(expr: &syn::Expr, out: &mut Vec<String>) {
        match expr {
            syn::Expr::Reference(r) => collect_str_lits(&r.expr, out),
            syn::Expr::Array(a) => a.elems.iter().for_each(|e| collect_str_lits(e, out)),
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) => out.push(s.value()),
            _ => {}
        }
    }
}
