//! The example's charmcraft.yaml declares what Charmcraft's django-framework extension
//! declares (frameworks.md §2.2) and the endpoints of paas-charm's Django example.

use paas_charm_runtime::juju::CharmMeta;

fn meta() -> CharmMeta {
    let text = include_str!("../charmcraft.yaml");
    CharmMeta::from_charmcraft_yaml(text).expect("charmcraft.yaml parses")
}

#[test]
fn declares_the_extension_options_and_actions() {
    let meta = meta();
    assert_eq!(meta.name, "django-k8s");
    assert_eq!(
        meta.containers.keys().collect::<Vec<_>>(),
        ["django-app"],
        "1.x container name"
    );
    assert_eq!(
        meta.containers["django-app"].resource.as_deref(),
        Some("django-app-image")
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
        ("django-allowed-hosts", "string", None),
        ("django-debug", "boolean", Some("false")),
        ("django-secret-key", "string", None),
        ("django-secret-key-id", "secret", None),
        ("oidc-redirect-path", "string", Some("\"/callback\"")),
        ("oidc-scopes", "string", Some("\"openid profile email\"")),
        ("webserver-keepalive", "int", None),
        ("webserver-threads", "int", None),
        ("webserver-timeout", "int", None),
        ("webserver-worker-class", "string", None),
        ("webserver-workers", "int", None),
    ]
    .into_iter()
    .map(|(n, t, d)| (n.to_owned(), t, d.map(str::to_owned)))
    .collect();
    assert_eq!(options, expected);
    assert_eq!(
        meta.actions.keys().collect::<Vec<_>>(),
        ["create-superuser", "rotate-secret-key"]
    );
    let superuser = &meta.actions["create-superuser"];
    assert_eq!(superuser.required, ["username", "email"]);
    assert_eq!(
        superuser.params.keys().collect::<Vec<_>>(),
        ["email", "username"]
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
            ("postgresql", "postgresql_client", true),
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
