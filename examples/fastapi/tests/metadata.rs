//! The example's charmcraft.yaml declares what Charmcraft's fastapi-framework extension
//! declares (frameworks.md §2.2) and the endpoints of paas-charm's FastAPI example, and its
//! paas-config.yaml is the one paas-charm's v1 example ships.

use paas_charm_runtime::juju::CharmMeta;
use paas_charm_runtime::paas_config::{LoggingFormat, PaasConfig};

fn meta() -> CharmMeta {
    let text = include_str!("../charmcraft.yaml");
    CharmMeta::from_charmcraft_yaml(text).expect("charmcraft.yaml parses")
}

#[test]
fn declares_the_extension_options_and_actions() {
    let meta = meta();
    assert_eq!(meta.name, "fastapi-k8s");
    assert_eq!(meta.containers.keys().collect::<Vec<_>>(), ["app"]);
    assert_eq!(
        meta.containers["app"].resource.as_deref(),
        Some("app-image")
    );
    let options: Vec<(String, &str, Option<String>)> = meta
        .config
        .options
        .iter()
        .map(|(name, o)| {
            (
                name.clone(),
                o.kind.as_str(),
                o.default.as_ref().map(|d| d.to_string()),
            )
        })
        .collect();
    let expected: Vec<(String, &str, Option<String>)> = [
        ("app-secret-key", "string", None),
        ("app-secret-key-id", "secret", None),
        ("metrics-path", "string", Some("\"/metrics\"")),
        ("metrics-port", "int", Some("8080")),
        ("oidc-redirect-path", "string", Some("\"/callback\"")),
        ("oidc-scopes", "string", Some("\"openid profile email\"")),
        ("webserver-log-level", "string", Some("\"info\"")),
        ("webserver-port", "int", Some("8080")),
        ("webserver-workers", "int", Some("1")),
    ]
    .into_iter()
    .map(|(n, t, d)| (n.to_owned(), t, d.map(str::to_owned)))
    .collect();
    assert_eq!(options, expected);
    assert_eq!(
        meta.actions.keys().collect::<Vec<_>>(),
        ["rotate-secret-key"]
    );
}

#[test]
fn declares_the_example_endpoints() {
    let meta = meta();
    assert_eq!(meta.peers["secret-storage"].interface, "secret-storage");
    let requires: Vec<(&str, &str, bool)> = meta
        .requires
        .iter()
        .map(|(name, r)| (name.as_str(), r.interface.as_str(), r.is_required()))
        .collect();
    assert_eq!(
        requires,
        [
            ("http-proxy", "http_proxy", false),
            ("ingress", "ingress", true),
            ("logging", "loki_push_api", true),
            ("mongodb", "mongodb_client", false),
            ("mysql", "mysql_client", false),
            ("oidc", "oauth", false),
            ("openfga", "openfga", false),
            ("postgresql", "postgresql_client", false),
            ("rabbitmq", "rabbitmq", false),
            ("redis", "redis", false),
            ("s3", "s3", false),
            ("saml", "saml", false),
            ("smtp", "smtp", false),
            ("tracing", "tracing", false),
            ("valkey", "valkey_client", false),
        ]
    );
    assert_eq!(
        meta.provides["metrics-endpoint"].interface,
        "prometheus_scrape"
    );
    assert_eq!(
        meta.provides["grafana-dashboard"].interface,
        "grafana_dashboard"
    );
}

#[test]
fn paas_config_enables_json_logging() {
    let config = PaasConfig::parse(include_str!("../paas-config.yaml")).expect("valid");
    assert_eq!(config.logging_format, LoggingFormat::Json);
    assert!(config.scrape_configs.is_empty());
}
