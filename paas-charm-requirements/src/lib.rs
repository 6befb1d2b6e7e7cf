//! What a paas-charm charm must declare in its `charmcraft.yaml`: for each framework, the
//! container, options and actions Charmcraft's `<framework>-framework` extension declares
//! (frameworks.md §0.2, §2.2), the relations every framework charm has, and for each
//! integration the `requires` endpoint and interface paas-charm binds to (integrations.md §1.1).
//!
//! This is the one place that knowledge lives, and [`check`] is the one checker of a charm's
//! `charmcraft.yaml` against it: the `#[paas_charm]` attribute turns its findings into compile
//! errors, and the runtime's `metadata --check` and `cargo paas-charm pack` print them.

pub mod check;
pub mod file;
pub mod integrations;
pub mod render;
pub mod suggest;

pub use check::{check_text, Attribute, Finding, Kind, Listed};
pub use integrations::{
    any_integration, env_rank, integration_by_ident, integration_by_interface, integration_by_name,
    missing_rank, Hook, IntegrationSpec, ALWAYS_ON, INTEGRATIONS, OAUTH_DEFAULT_ENDPOINT,
};

/// The declared type of a config option.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OptionType {
    /// `string`
    String,
    /// `int`
    Int,
    /// `float`
    Float,
    /// `boolean`
    Boolean,
    /// `secret` (the value is a Juju secret id)
    Secret,
}

impl OptionType {
    /// Every type, as charm metadata spells them.
    pub const ALL: [OptionType; 5] = [
        OptionType::String,
        OptionType::Int,
        OptionType::Float,
        OptionType::Boolean,
        OptionType::Secret,
    ];

    /// The type as charm metadata spells it.
    pub const fn as_str(self) -> &'static str {
        match self {
            OptionType::String => "string",
            OptionType::Int => "int",
            OptionType::Float => "float",
            OptionType::Boolean => "boolean",
            OptionType::Secret => "secret",
        }
    }

    /// Parses the type as charm metadata spells it.
    pub fn from_name(name: &str) -> Option<OptionType> {
        Self::ALL.into_iter().find(|t| t.as_str() == name)
    }
}

/// An option's default as the extension declares it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefaultValue {
    /// A string.
    Str(&'static str),
    /// An integer.
    Int(i64),
    /// A boolean.
    Bool(bool),
}

/// A config option the framework declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OptionSpec {
    /// The option's name.
    pub name: &'static str,
    /// Its type.
    pub kind: OptionType,
    /// Its default, if the extension gives one.
    pub default: Option<DefaultValue>,
}

/// A string parameter of an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParamSpec {
    /// The parameter's name.
    pub name: &'static str,
    /// Its JSON-schema type.
    pub kind: &'static str,
    /// What it is.
    pub description: &'static str,
}

/// An action the framework declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActionSpec {
    /// The action's name.
    pub name: &'static str,
    /// What it does.
    pub description: &'static str,
    /// Its parameters.
    pub params: &'static [ParamSpec],
    /// The names of the required parameters.
    pub required: &'static [&'static str],
    /// The `paas_charm_runtime::framework::FrameworkAction` variant the reconcile runs it with.
    pub handler: &'static str,
}

/// A relation endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RelationSpec {
    /// The endpoint's name.
    pub endpoint: &'static str,
    /// Its interface.
    pub interface: &'static str,
    /// Its `limit`, when the extension sets one.
    pub limit: Option<u32>,
}

/// What a framework's charm declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FrameworkSpec {
    /// The framework's name (`flask`, ..., `spring-boot`), as `framework = "..."` takes it.
    pub name: &'static str,
    /// The `paas_charm_runtime::framework::FrameworkKind` variant that implements it.
    pub variant: &'static str,
    /// The workload container.
    pub container: &'static str,
    /// The container's OCI image resource.
    pub resource: &'static str,
    /// The options the extension declares, in its order.
    pub options: &'static [OptionSpec],
    /// Options the extension does not declare but the framework reads when they exist
    /// (`node-env` for Express.js, `webserver-host` for FastAPI).
    pub optional_options: &'static [OptionSpec],
    /// The actions the extension declares.
    pub actions: &'static [ActionSpec],
}

impl FrameworkSpec {
    /// The Charmcraft extension that declares all this (`flask-framework`, ...).
    pub fn extension(&self) -> String {
        format!("{}-framework", self.name)
    }

    /// The option prefixes that are not user-defined options (frameworks.md §0.3): paas-charm
    /// never passes an option named so to the app unless the framework declares it.
    pub fn reserved_prefixes(&self) -> [String; 3] {
        [
            "webserver-".to_string(),
            format!("{}-", self.name),
            "app-".to_string(),
        ]
    }

    /// The framework's own option (declared by the extension or read when present) by name.
    pub fn option(&self, name: &str) -> Option<&'static OptionSpec> {
        self.options
            .iter()
            .chain(self.optional_options)
            .find(|o| o.name == name)
    }

    /// The options Charmcraft adds for an `oauth` endpoint named `endpoint` (frameworks.md
    /// §0.2): `<ep>-redirect-path`, `<ep>-scopes` and, on Spring Boot,
    /// `<ep>-user-name-attribute`, all strings.
    pub fn oauth_options(&self, endpoint: &str) -> Vec<(String, String)> {
        let redirect = if self.name == "spring-boot" {
            format!("/login/oauth2/code/{endpoint}")
        } else {
            "/callback".to_string()
        };
        let mut options = vec![
            (format!("{endpoint}-redirect-path"), redirect),
            (
                format!("{endpoint}-scopes"),
                "openid profile email".to_string(),
            ),
        ];
        if self.name == "spring-boot" {
            options.push((format!("{endpoint}-user-name-attribute"), "sub".to_string()));
        }
        options
    }
}

/// What `assumes` holds.
pub const ASSUMES: &[&str] = &["k8s-api"];

/// The peer relations every framework charm has.
pub const PEERS: &[RelationSpec] = &[RelationSpec {
    endpoint: "secret-storage",
    interface: "secret-storage",
    limit: None,
}];

/// The `requires` endpoints every framework charm has (the always-on integrations).
pub const REQUIRES: &[RelationSpec] = &[
    RelationSpec {
        endpoint: "ingress",
        interface: "ingress",
        limit: Some(1),
    },
    RelationSpec {
        endpoint: "logging",
        interface: "loki_push_api",
        limit: None,
    },
];

/// The `provides` endpoints every framework charm has (the always-on integrations).
pub const PROVIDES: &[RelationSpec] = &[
    RelationSpec {
        endpoint: "metrics-endpoint",
        interface: "prometheus_scrape",
        limit: None,
    },
    RelationSpec {
        endpoint: "grafana-dashboard",
        interface: "grafana_dashboard",
        limit: None,
    },
];

const fn opt(name: &'static str, kind: OptionType, default: Option<DefaultValue>) -> OptionSpec {
    OptionSpec {
        name,
        kind,
        default,
    }
}

use OptionType::{Boolean, Int, Secret, String as Str};

const WEBSERVER: [OptionSpec; 5] = [
    opt("webserver-keepalive", Int, None),
    opt("webserver-threads", Int, None),
    opt("webserver-timeout", Int, None),
    opt("webserver-workers", Int, None),
    opt("webserver-worker-class", Str, None),
];

const ROTATE_SECRET_KEY: ActionSpec = ActionSpec {
    name: "rotate-secret-key",
    description: "Rotate the secret key. Users will be forced to log in again. This might be \
                  useful if a security breach occurs.",
    params: &[],
    required: &[],
    handler: "RotateSecretKey",
};

const CREATE_SUPERUSER: ActionSpec = ActionSpec {
    name: "create-superuser",
    description: "Create a new Django superuser account.",
    params: &[
        ParamSpec {
            name: "username",
            kind: "string",
            description: "The username of the superuser.",
        },
        ParamSpec {
            name: "email",
            kind: "string",
            description: "The email address of the superuser.",
        },
    ],
    required: &["username", "email"],
    handler: "CreateSuperuser",
};

/// The frameworks, in documentation order.
pub const FRAMEWORKS: &[FrameworkSpec] = &[
    FrameworkSpec {
        name: "flask",
        variant: "Flask",
        container: "flask-app",
        resource: "flask-app-image",
        options: &[
            WEBSERVER[0],
            WEBSERVER[1],
            WEBSERVER[2],
            WEBSERVER[3],
            WEBSERVER[4],
            opt("flask-application-root", Str, None),
            opt("flask-debug", Boolean, None),
            opt("flask-env", Str, None),
            opt("flask-permanent-session-lifetime", Int, None),
            opt(
                "flask-preferred-url-scheme",
                Str,
                Some(DefaultValue::Str("HTTPS")),
            ),
            opt("flask-secret-key", Str, None),
            opt("flask-secret-key-id", Secret, None),
            opt("flask-session-cookie-secure", Boolean, None),
        ],
        optional_options: &[],
        actions: &[ROTATE_SECRET_KEY],
    },
    FrameworkSpec {
        name: "django",
        variant: "Django",
        container: "django-app",
        resource: "django-app-image",
        options: &[
            WEBSERVER[0],
            WEBSERVER[1],
            WEBSERVER[2],
            WEBSERVER[3],
            WEBSERVER[4],
            opt("django-debug", Boolean, Some(DefaultValue::Bool(false))),
            opt("django-secret-key", Str, None),
            opt("django-secret-key-id", Secret, None),
            opt("django-allowed-hosts", Str, None),
        ],
        optional_options: &[],
        actions: &[ROTATE_SECRET_KEY, CREATE_SUPERUSER],
    },
    FrameworkSpec {
        name: "fastapi",
        variant: "FastApi",
        container: "app",
        resource: "app-image",
        options: &[
            opt("webserver-workers", Int, Some(DefaultValue::Int(1))),
            opt("webserver-port", Int, Some(DefaultValue::Int(8080))),
            opt("webserver-log-level", Str, Some(DefaultValue::Str("info"))),
            opt("metrics-port", Int, Some(DefaultValue::Int(8080))),
            opt("metrics-path", Str, Some(DefaultValue::Str("/metrics"))),
            opt("app-secret-key", Str, None),
            opt("app-secret-key-id", Secret, None),
        ],
        optional_options: &[opt("webserver-host", Str, None)],
        actions: &[ROTATE_SECRET_KEY],
    },
    FrameworkSpec {
        name: "go",
        variant: "Go",
        container: "app",
        resource: "app-image",
        options: &[
            opt("app-port", Int, Some(DefaultValue::Int(8080))),
            opt("metrics-port", Int, Some(DefaultValue::Int(8080))),
            opt("metrics-path", Str, Some(DefaultValue::Str("/metrics"))),
            opt("app-secret-key", Str, None),
            opt("app-secret-key-id", Secret, None),
        ],
        optional_options: &[],
        actions: &[ROTATE_SECRET_KEY],
    },
    FrameworkSpec {
        name: "expressjs",
        variant: "ExpressJs",
        container: "app",
        resource: "app-image",
        options: &[
            opt("app-port", Int, Some(DefaultValue::Int(8080))),
            opt("metrics-port", Int, Some(DefaultValue::Int(8080))),
            opt("metrics-path", Str, Some(DefaultValue::Str("/metrics"))),
            opt("app-secret-key", Str, None),
            opt("app-secret-key-id", Secret, None),
        ],
        optional_options: &[opt("node-env", Str, Some(DefaultValue::Str("production")))],
        actions: &[ROTATE_SECRET_KEY],
    },
    FrameworkSpec {
        name: "spring-boot",
        variant: "SpringBoot",
        container: "app",
        resource: "app-image",
        options: &[
            opt("app-port", Int, Some(DefaultValue::Int(8080))),
            opt("app-profiles", Str, None),
            opt("metrics-port", Int, Some(DefaultValue::Int(8080))),
            opt(
                "metrics-path",
                Str,
                Some(DefaultValue::Str("/actuator/prometheus")),
            ),
            opt("app-secret-key", Str, None),
            opt("app-secret-key-id", Secret, None),
        ],
        optional_options: &[],
        actions: &[ROTATE_SECRET_KEY],
    },
];

/// A framework by name.
pub fn framework(name: &str) -> Option<&'static FrameworkSpec> {
    FRAMEWORKS.iter().find(|f| f.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_framework_has_its_secret_key_options_and_rotate_action() {
        for f in FRAMEWORKS {
            let key = if matches!(f.name, "flask" | "django") {
                format!("{}-secret-key", f.name)
            } else {
                "app-secret-key".to_string()
            };
            assert_eq!(f.option(&key).map(|o| o.kind), Some(OptionType::String));
            let id = format!("{key}-id");
            assert_eq!(f.option(&id).map(|o| o.kind), Some(OptionType::Secret));
            assert_eq!(f.actions[0].name, "rotate-secret-key");
            // Every declared option either uses a reserved prefix or is a metrics option.
            for o in f.options {
                assert!(
                    f.reserved_prefixes().iter().any(|p| o.name.starts_with(p))
                        || o.name.starts_with("metrics-"),
                    "{}: {}",
                    f.name,
                    o.name
                );
            }
        }
    }

    #[test]
    fn containers_follow_the_1x_extension() {
        let containers: Vec<(&str, &str)> = FRAMEWORKS
            .iter()
            .map(|f| (f.container, f.resource))
            .collect();
        assert_eq!(
            containers,
            [
                ("flask-app", "flask-app-image"),
                ("django-app", "django-app-image"),
                ("app", "app-image"),
                ("app", "app-image"),
                ("app", "app-image"),
                ("app", "app-image"),
            ]
        );
        assert_eq!(framework("django").map(|f| f.actions.len()), Some(2));
        assert_eq!(
            framework("spring-boot").map(|f| f.extension()),
            Some("spring-boot-framework".to_string())
        );
    }

    #[test]
    fn oauth_options_per_framework() {
        let flask = framework("flask").expect("flask");
        assert_eq!(
            flask.oauth_options("oidc"),
            [
                ("oidc-redirect-path".to_string(), "/callback".to_string()),
                (
                    "oidc-scopes".to_string(),
                    "openid profile email".to_string()
                ),
            ]
        );
        let spring = framework("spring-boot").expect("spring-boot");
        let names: Vec<String> = spring
            .oauth_options("sso")
            .into_iter()
            .map(|(n, d)| format!("{n}={d}"))
            .collect();
        assert_eq!(
            names,
            [
                "sso-redirect-path=/login/oauth2/code/sso",
                "sso-scopes=openid profile email",
                "sso-user-name-attribute=sub",
            ]
        );
    }

    #[test]
    fn integrations_by_name_and_interface() {
        assert_eq!(
            integration_by_name("http_proxy").map(|i| i.interface),
            Some("http_proxy")
        );
        assert_eq!(
            integration_by_interface("postgresql_client").map(|i| i.name),
            Some("postgresql")
        );
        assert_eq!(
            integration_by_interface("oauth").map(|i| i.default_endpoint()),
            Some("oidc")
        );
        assert!(integration_by_interface("ingress").is_none());
        assert_eq!(
            INTEGRATIONS
                .iter()
                .filter(|i| i.needs_limit_one)
                .map(|i| i.name)
                .collect::<Vec<_>>(),
            ["tracing"]
        );
    }
}
