//! End to end, integrations together: the Flask example's binary runs as a real hook process
//! (fake-juju's hook tools on `PATH`, the Pebble test server on the container's socket) with
//! several relations at once, and the tests check what reaches the other side (the relation data
//! we write) and the workload (the Pebble layers, files and env).
//!
//! - ingress + OAuth: the ingress data we publish, the ingress URL becoming the base URL and the
//!   redirect URI of the client registration we write, the `FLASK_OIDC_*` env with the client
//!   secret read from its Juju secret;
//! - tracing + logging: the receivers we request, the `OTEL_*` env, and Pebble log forwarding to
//!   Loki on Juju ≥ 3.4 or Gunicorn's log files below it;
//! - S3 and RabbitMQ: what a leader writes and what a non-leader does not, then the env once
//!   the provider answers.
//!
//! The relation data is the providers' real data from the public scenarios.

#![allow(clippy::unwrap_used, missing_docs)]

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use fake_juju::{Bag, Relation, Secret};
use paas_charm_e2e::{CharmBinary, Hook, Outcome, World};

const INGRESS_ID: u32 = 2;
const OIDC_ID: u32 = 3;
const TRACING_ID: u32 = 4;
const LOGGING_ID: u32 = 5;
const S3_ID: u32 = 6;
const RABBITMQ_ID: u32 = 8;

const INGRESS_URL: &str = "https://paas.example.com/test-model-flask-k8s";
const CLIENT_SECRET_ID: &str = "secret:6ba1b7otbbqne9ec8h74";
const CLIENT_SECRET: &str = "hYdRaCl1entS3cret";
const LOKI_URL: &str =
    "http://loki-k8s-0.loki-k8s-endpoints.cos.svc.cluster.local:3100/loki/api/v1/push";
const UNIT_ADDRESS: &str = "192.0.2.0";

fn charm() -> Arc<CharmBinary> {
    static CHARM: OnceLock<Arc<CharmBinary>> = OnceLock::new();
    Arc::clone(CHARM.get_or_init(|| CharmBinary::build("flask-k8s", false).unwrap()))
}

fn bag(pairs: &[(&str, &str)]) -> Bag {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn sorted(bag: &Bag) -> BTreeMap<String, String> {
    bag.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
}

/// A relation of ours with `remote_app` (one unit, `<remote_app>/0`, holding `unit_data`).
fn relation(id: u32, endpoint: &str, remote_app: &str, app_data: Bag, unit_data: Bag) -> Relation {
    Relation {
        id,
        endpoint: endpoint.into(),
        remote_app: remote_app.into(),
        remote_app_data: app_data,
        remote_units: BTreeMap::from([(format!("{remote_app}/0"), unit_data)]),
        ..Relation::default()
    }
}

fn ok(out: &Outcome) {
    assert!(
        !out.stderr.contains("panicked"),
        "the charm panicked: {}",
        out.stderr
    );
    assert!(out.success(), "exit {:?}, stderr: {}", out.code, out.stderr);
}

/// The environment of the main service in the `charm` layer.
fn service_env(out: &Outcome) -> BTreeMap<String, String> {
    let service = charm().framework.service;
    out.charm_service(service)
        .unwrap_or_else(|| panic!("no {service} service in the charm layer"))
        .environment
        .iter()
        .map(|(k, v)| {
            (
                k.clone(),
                v.as_str().map_or_else(|| v.to_string(), str::to_owned),
            )
        })
        .collect()
}

fn expected_env(extra: &[(&str, &str)]) -> BTreeMap<String, String> {
    let mut env = sorted(&bag(&[
        ("FLASK_OIDC_REDIRECT_PATH", "/callback"),
        ("FLASK_OIDC_SCOPES", "openid profile email"),
        ("FLASK_PREFERRED_URL_SCHEME", "HTTPS"),
        ("FLASK_SECRET_KEY", "e2e-secret-key"),
        ("FLASK_BASE_URL", "http://flask-k8s.test-model:8000"),
    ]));
    env.extend(sorted(&bag(extra)));
    env
}

fn relation_sets_with_app(out: &Outcome) -> usize {
    out.juju
        .calls
        .iter()
        .filter(|c| c.tool == "relation-set" && c.args.iter().any(|a| a == "--app"))
        .count()
}

// ---------------------------------------------------------------- ingress + OAuth

fn hydra_data() -> Bag {
    bag(&[
        (
            "authorization_endpoint",
            "https://iam.example.com/test-model-hydra/oauth2/auth",
        ),
        (
            "introspection_endpoint",
            "http://hydra.test-model.svc.cluster.local:4445/admin/oauth2/introspect",
        ),
        ("issuer_url", "https://iam.example.com/test-model-hydra"),
        (
            "jwks_endpoint",
            "https://iam.example.com/test-model-hydra/.well-known/jwks.json",
        ),
        ("scope", "openid profile email phone"),
        (
            "token_endpoint",
            "https://iam.example.com/test-model-hydra/oauth2/token",
        ),
        (
            "userinfo_endpoint",
            "https://iam.example.com/test-model-hydra/userinfo",
        ),
        ("client_id", "b6e1c7f2-3a0d-4c55-9f1e-7d2a8c4b9e01"),
        ("client_secret_id", CLIENT_SECRET_ID),
    ])
}

/// A leader with traefik's ingress URL and hydra's provider data and client secret.
fn ingress_and_oauth_world() -> World {
    let mut world = World::new(&charm());
    let ingress = bag(&[("ingress", &format!(r#"{{"url": "{INGRESS_URL}"}}"#))]);
    world.juju.relations.push(relation(
        INGRESS_ID,
        "ingress",
        "traefik-k8s",
        ingress,
        Bag::new(),
    ));
    world
        .juju
        .relations
        .push(relation(OIDC_ID, "oidc", "hydra", hydra_data(), Bag::new()));
    world.juju.secrets.push(Secret {
        id: CLIENT_SECRET_ID.into(),
        tracked: bag(&[("secret", CLIENT_SECRET)]),
        latest: bag(&[("secret", CLIENT_SECRET)]),
        ..Secret::default()
    });
    world
        .juju
        .bindings
        .insert("ingress".into(), vec![UNIT_ADDRESS.into()]);
    for (key, value) in [
        ("oidc-redirect-path", "/oauth/callback"),
        ("oidc-scopes", "openid profile email phone"),
    ] {
        world.juju.config.insert(key.into(), value.into());
    }
    world
}

#[test]
fn ingress_and_oauth_together() {
    let world = ingress_and_oauth_world();
    let hook = Hook::relation("oidc", "changed", OIDC_ID, "hydra", Some("hydra/0"));
    let out = world.run(&hook).unwrap();
    ok(&out);
    assert_eq!(out.unit_status(), ("active".into(), String::new()));

    // What traefik reads: the app (leader) and unit halves of the ingress request.
    let ingress = out.relation(INGRESS_ID).unwrap();
    assert_eq!(
        sorted(&ingress.local_app_data),
        sorted(&bag(&[
            ("model", "\"test-model\""),
            ("name", "\"flask-k8s\""),
            ("port", "8000"),
            ("strip-prefix", "true"),
        ]))
    );
    assert_eq!(
        sorted(&ingress.local_unit_data),
        sorted(&bag(&[
            (
                "host",
                "\"flask-k8s-0.flask-k8s-endpoints.test-model.svc.cluster.local\""
            ),
            ("ip", "\"192.0.2.0\""),
        ]))
    );

    // What hydra reads: the client registration, its redirect URI under the ingress URL.
    let oidc = out.relation(OIDC_ID).unwrap();
    assert_eq!(
        sorted(&oidc.local_app_data),
        sorted(&bag(&[
            ("audience", "[]"),
            ("grant_types", "[\"authorization_code\"]"),
            ("redirect_uri", &format!("{INGRESS_URL}/oauth/callback")),
            ("scope", "openid profile email phone"),
            ("token_endpoint_auth_method", "client_secret_basic"),
        ]))
    );

    // What the workload gets: the ingress URL as base URL and the OIDC client.
    assert_eq!(
        service_env(&out),
        expected_env(&[
            ("FLASK_BASE_URL", INGRESS_URL),
            (
                "FLASK_OIDC_ACCESS_TOKEN_URL",
                "https://iam.example.com/test-model-hydra/oauth2/token"
            ),
            (
                "FLASK_OIDC_API_BASE_URL",
                "https://iam.example.com/test-model-hydra"
            ),
            (
                "FLASK_OIDC_AUTHORIZE_URL",
                "https://iam.example.com/test-model-hydra/oauth2/auth"
            ),
            (
                "FLASK_OIDC_CLIENT_ID",
                "b6e1c7f2-3a0d-4c55-9f1e-7d2a8c4b9e01"
            ),
            (
                "FLASK_OIDC_CLIENT_KWARGS",
                "{\"scope\": \"openid profile email phone\"}"
            ),
            ("FLASK_OIDC_CLIENT_SECRET", CLIENT_SECRET),
            (
                "FLASK_OIDC_JWKS_URL",
                "https://iam.example.com/test-model-hydra/.well-known/jwks.json"
            ),
            ("FLASK_OIDC_REDIRECT_PATH", "/oauth/callback"),
            ("FLASK_OIDC_SCOPES", "openid profile email phone"),
            (
                "FLASK_OIDC_USER_URL",
                "https://iam.example.com/test-model-hydra/userinfo"
            ),
        ])
    );
    assert_eq!(
        out.pebble.service_current(charm().framework.service),
        "active"
    );

    // The client secret stays out of the logs and the status.
    assert!(!out.stderr.contains(CLIENT_SECRET) && !out.stdout.contains(CLIENT_SECRET));
    assert!(out
        .juju
        .logs
        .iter()
        .all(|l| !l.message.contains(CLIENT_SECRET)));
}

#[test]
fn oauth_without_its_client_secret_blocks_and_never_leaks() {
    let mut world = ingress_and_oauth_world();
    world.juju.secrets.clear();
    let hook = Hook::relation("oidc", "changed", OIDC_ID, "hydra", Some("hydra/0"));
    let out = world.run(&hook).unwrap();
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    let (status, message) = out.unit_status();
    assert_eq!(status, "blocked", "{message}");
    eprintln!("MSG={message}");
    assert!(
        message.contains(CLIENT_SECRET_ID) || message.contains("oauth"),
        "{message}"
    );
    // No workload started with a half-configured client.
    assert!(out
        .charm_service(charm().framework.service)
        .is_none_or(|s| !s.environment.contains_key("FLASK_OIDC_CLIENT_ID")));
}

// ---------------------------------------------------------------- tracing + logging

const TEMPO_RECEIVERS: &str = r#"[{"protocol": {"name": "otlp_grpc", "type": "grpc"}, "url": "tempo-0.tempo-endpoints.cos.svc.cluster.local:4317"}, {"protocol": {"name": "otlp_http", "type": "http"}, "url": "http://tempo-0.tempo-endpoints.cos.svc.cluster.local:4318"}]"#;

fn tracing_and_logging_world(juju_version: &str) -> World {
    let mut world = World::new(&charm());
    world.juju_version = juju_version.into();
    world.juju.relations.push(relation(
        TRACING_ID,
        "tracing",
        "tempo",
        bag(&[("receivers", TEMPO_RECEIVERS)]),
        Bag::new(),
    ));
    world.juju.relations.push(relation(
        LOGGING_ID,
        "logging",
        "loki-k8s",
        Bag::new(),
        bag(&[("endpoint", &format!(r#"{{"url": "{LOKI_URL}"}}"#))]),
    ));
    world
}

fn tracing_env() -> BTreeMap<String, String> {
    expected_env(&[
        (
            "OTEL_EXPORTER_OTLP_ENDPOINT",
            "http://tempo-0.tempo-endpoints.cos.svc.cluster.local:4318/",
        ),
        ("OTEL_SERVICE_NAME", "flask-k8s"),
    ])
}

fn gunicorn_conf(out: &Outcome) -> String {
    let path = format!("{}/gunicorn.conf.py", charm().framework.base_dir);
    String::from_utf8(out.pebble.files[&path].content.clone()).unwrap()
}

fn assert_tracing(out: &Outcome) {
    let tracing = out.relation(TRACING_ID).unwrap();
    assert_eq!(
        sorted(&tracing.local_app_data),
        sorted(&bag(&[("receivers", "[\"otlp_http\"]")]))
    );
    assert_eq!(service_env(out), tracing_env());
    let conf = gunicorn_conf(out);
    assert!(
        conf.starts_with("from opentelemetry import trace\n"),
        "gunicorn.conf.py sets up OpenTelemetry: {conf}"
    );
}

#[test]
fn tracing_and_logging_together_forward_logs_to_loki_on_juju_3_4_and_later() {
    let world = tracing_and_logging_world("3.6.14");
    let out = world.run(&world.pebble_ready()).unwrap();
    ok(&out);
    assert_eq!(out.unit_status(), ("active".into(), String::new()));
    assert_tracing(&out);

    // Pebble forwards every service's logs to the Loki unit, labelled with the topology.
    let label = format!("{}-log-forwarding", charm().container());
    let layer = out
        .pebble
        .layer(&label)
        .unwrap_or_else(|| panic!("no {label} layer"));
    assert_eq!(layer.log_targets.keys().collect::<Vec<_>>(), ["loki-k8s/0"]);
    let target = &layer.log_targets["loki-k8s/0"];
    assert_eq!(
        (
            target.r#override.as_str(),
            target.r#type.as_str(),
            target.location.as_str(),
            target.services.as_slice()
        ),
        ("replace", "loki", LOKI_URL, ["all".to_owned()].as_slice())
    );
    assert_eq!(
        target.labels,
        sorted(&bag(&[
            ("charm", "flask-k8s"),
            ("job", "juju_test-model_00000000_flask-k8s"),
            ("juju_application", "flask-k8s"),
            ("juju_model", "test-model"),
            ("juju_model_uuid", "00000000-0000-4000-8000-000000000000"),
            ("juju_unit", "flask-k8s/0"),
            ("product", "Juju"),
        ]))
    );
    assert!(out.pebble.plan().log_targets.contains_key("loki-k8s/0"));

    // Gunicorn logs to stdout/stderr, which Pebble forwards.
    let conf = gunicorn_conf(&out);
    assert!(conf.contains("accesslog = '-'\nerrorlog = '-'\n"), "{conf}");
    // paas-charm makes the log directory whether or not the logs go to it.
    assert!(out.pebble.dirs.contains("/var/log/flask"));

    // pebble-ready writes no app data on logging; a logging relation hook of the leader does.
    assert!(out.relation(LOGGING_ID).unwrap().local_app_data.is_empty());
    let mut next = tracing_and_logging_world("3.6.14");
    next.continue_from(&out);
    let hook = Hook::relation(
        "logging",
        "changed",
        LOGGING_ID,
        "loki-k8s",
        Some("loki-k8s/0"),
    );
    let out = next.run(&hook).unwrap();
    ok(&out);
    let logging = out.relation(LOGGING_ID).unwrap();
    assert_eq!(logging.local_app_data["alert_rules"], "{}");
    let metadata: serde_json::Value =
        serde_json::from_str(&logging.local_app_data["metadata"]).unwrap();
    assert_eq!(
        metadata,
        serde_json::json!({
            "model": "test-model",
            "model_uuid": "00000000-0000-4000-8000-000000000000",
            "application": "flask-k8s",
            "unit": "flask-k8s/0",
            "charm_name": "flask-k8s",
        })
    );
}

#[test]
fn tracing_and_logging_together_log_to_files_before_juju_3_4() {
    let world = tracing_and_logging_world("3.3.1");
    let out = world.run(&world.pebble_ready()).unwrap();
    ok(&out);
    assert_eq!(out.unit_status(), ("active".into(), String::new()));
    assert_tracing(&out);

    // No Pebble log forwarding: Gunicorn writes its log files, in a directory the charm made.
    assert!(out
        .pebble
        .layers
        .iter()
        .all(|l| l.layer.log_targets.is_empty()));
    let conf = gunicorn_conf(&out);
    assert!(
        conf.contains(
            "accesslog = '/var/log/flask/access.log'\nerrorlog = '/var/log/flask/error.log'\n"
        ),
        "{conf}"
    );
    assert!(out.pebble.dirs.contains("/var/log/flask"));
}

// ---------------------------------------------------------------- data: S3 and RabbitMQ

fn s3_credentials() -> Bag {
    bag(&[
        ("access-key", "AKIAIOSFODNN7EXAMPLE"),
        ("secret-key", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
        ("bucket", "paas-media"),
        ("region", "eu-central-1"),
        ("storage-class", "STANDARD"),
        ("endpoint", "https://s3.eu-central-1.amazonaws.com"),
        ("path", "/uploads/"),
        ("s3-api-version", "s3v4"),
        ("s3-uri-style", "host"),
        (
            "tls-ca-chain",
            "[\"-----BEGIN CERTIFICATE-----\\nMIIBszCCAVmgAwIBAgIU\\n-----END CERTIFICATE-----\"]",
        ),
        ("attributes", "[\"x-amz-server-side-encryption:AES256\"]"),
    ])
}

fn s3_env() -> BTreeMap<String, String> {
    expected_env(&[
        ("S3_ACCESS_KEY", "AKIAIOSFODNN7EXAMPLE"),
        ("S3_ADDRESSING_STYLE", "virtual"),
        ("S3_API_VERSION", "s3v4"),
        ("S3_ATTRIBUTES", "[\"x-amz-server-side-encryption:AES256\"]"),
        ("S3_BUCKET", "paas-media"),
        ("S3_ENDPOINT", "https://s3.eu-central-1.amazonaws.com"),
        ("S3_PATH", "/uploads/"),
        ("S3_REGION", "eu-central-1"),
        ("S3_SECRET_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
        ("S3_STORAGE_CLASS", "STANDARD"),
        (
            "S3_TLS_CA_CHAIN",
            "[\"-----BEGIN CERTIFICATE-----\\nMIIBszCCAVmgAwIBAgIU\\n-----END CERTIFICATE-----\"]",
        ),
        ("S3_URI_STYLE", "host"),
    ])
}

/// joined (the request), then changed (the provider's credentials), as `leader` or not.
fn s3_flow(leader: bool) -> (Outcome, Outcome) {
    let mut world = World::new(&charm());
    world.juju.leader = leader;
    world.juju.relations.push(relation(
        S3_ID,
        "s3",
        "s3-integrator",
        Bag::new(),
        Bag::new(),
    ));
    let joined = world
        .run(&Hook::relation(
            "s3",
            "joined",
            S3_ID,
            "s3-integrator",
            Some("s3-integrator/0"),
        ))
        .unwrap();
    ok(&joined);
    world.continue_from(&joined);
    world.juju.relations.iter_mut().for_each(|r| {
        if r.id == S3_ID {
            r.remote_app_data = s3_credentials();
        }
    });
    let changed = world
        .run(&Hook::relation(
            "s3",
            "changed",
            S3_ID,
            "s3-integrator",
            Some("s3-integrator/0"),
        ))
        .unwrap();
    ok(&changed);
    (joined, changed)
}

#[test]
fn s3_leader_requests_the_bucket_then_runs_with_the_credentials() {
    let (joined, changed) = s3_flow(true);
    assert_eq!(
        sorted(&joined.relation(S3_ID).unwrap().local_app_data),
        sorted(&bag(&[("bucket", "flask-k8s")]))
    );
    assert_eq!(relation_sets_with_app(&joined), 1);
    assert_eq!(service_env(&changed), s3_env());
    assert_eq!(changed.unit_status(), ("active".into(), String::new()));
    assert_eq!(
        changed.pebble.service_current(charm().framework.service),
        "active"
    );
}

#[test]
fn s3_non_leader_writes_nothing_and_runs_with_the_credentials() {
    let (joined, changed) = s3_flow(false);
    let relation = joined.relation(S3_ID).unwrap();
    assert!(relation.local_app_data.is_empty(), "{relation:?}");
    assert!(relation.local_unit_data.is_empty(), "{relation:?}");
    assert!(
        !joined.juju.called_tools().contains(&"relation-set"),
        "{:?}",
        joined.juju.calls
    );
    assert_eq!(service_env(&changed), s3_env());
    assert_eq!(changed.unit_status(), ("active".into(), String::new()));
    assert!(
        changed.juju.app_status.is_none(),
        "only the leader sets the app status"
    );
}

fn rabbitmq_joined(leader: bool) -> Outcome {
    let mut world = World::new(&charm());
    world.juju.leader = leader;
    world.juju.relations.push(relation(
        RABBITMQ_ID,
        "rabbitmq",
        "rabbitmq-k8s",
        Bag::new(),
        Bag::new(),
    ));
    let out = world
        .run(&Hook::relation(
            "rabbitmq",
            "joined",
            RABBITMQ_ID,
            "rabbitmq-k8s",
            Some("rabbitmq-k8s/0"),
        ))
        .unwrap();
    ok(&out);
    out
}

#[test]
fn rabbitmq_leader_requests_username_and_vhost() {
    let out = rabbitmq_joined(true);
    assert_eq!(
        sorted(&out.relation(RABBITMQ_ID).unwrap().local_app_data),
        sorted(&bag(&[("username", "flask-k8s"), ("vhost", "/")]))
    );
    assert_eq!(relation_sets_with_app(&out), 1);
}

#[test]
fn rabbitmq_non_leader_writes_nothing() {
    let out = rabbitmq_joined(false);
    let relation = out.relation(RABBITMQ_ID).unwrap();
    assert!(relation.local_app_data.is_empty(), "{relation:?}");
    assert!(relation.local_unit_data.is_empty(), "{relation:?}");
    assert_eq!(relation_sets_with_app(&out), 0);
}
