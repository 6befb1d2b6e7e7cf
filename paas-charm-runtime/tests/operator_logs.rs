//! What the operator is told, through the simulated world: the `logs` key of `simulate`'s
//! output holds every `juju-log` line. A healthy hook logs nothing; each failure path logs one
//! line in paas-charm's words; provider strings reach statuses and logs bounded, escaped and
//! without URL credentials; invalid SMTP data gets one verdict whatever the event. Variants
//! are made from the public Flask scenarios.

use paas_charm_runtime::simulator::{Scenario, World};
use paas_charm_runtime::testing::DynamicSet;
use serde_json::{json, Value};

fn scenario(name: &str) -> Value {
    let path = format!(
        "{}/../tests/scenarios/flask/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).expect("scenario JSON")
}

fn run(scenario: Value) -> Value {
    let scenario: Scenario = serde_json::from_value(scenario).expect("a resolved scenario");
    let world = World::new(scenario).expect("a valid world");
    let mut integrations = DynamicSet::new()
        .with_named(&["redis", "smtp", "saml", "tracing", "oauth"], &world.meta)
        .with_always_on(&world.meta);
    world.run(&mut integrations)
}

fn status(out: &Value) -> (&str, &str) {
    (
        out["unit_status"]["name"].as_str().unwrap_or_default(),
        out["unit_status"]["message"].as_str().unwrap_or_default(),
    )
}

fn logs(out: &Value) -> Vec<(String, String)> {
    out["logs"]
        .as_array()
        .expect("a logs list")
        .iter()
        .map(|l| {
            (
                l["level"].as_str().unwrap_or_default().to_owned(),
                l["message"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

#[test]
fn healthy_hooks_log_nothing() {
    for name in [
        "flask_minimal_defaults_pebble_ready",
        "flask_update_status_migration_completed",
        "flask_ingress_ready_leader",
        "flask_smtp_password_secret",
    ] {
        let out = run(scenario(name));
        assert_eq!(status(&out), ("active", ""), "{name}");
        assert_eq!(logs(&out), vec![], "{name}");
    }
}

#[test]
fn a_failed_migration_logs_the_command_and_its_output() {
    let out = run(scenario("flask_migrate_py_fails"));
    assert_eq!(
        logs(&out),
        vec![(
            "ERROR".to_owned(),
            "database migration command ['python3', 'migrate.py'] failed, stdout: , stderr: \
             relation \"x\" does not exist"
                .to_owned()
        )]
    );
}

#[test]
fn a_migration_log_keeps_only_the_end_of_a_huge_output() {
    let mut s = scenario("flask_migrate_py_fails");
    let noise = "step ok\n".repeat(100_000);
    s["execs"][0]["stdout"] = json!(format!("{noise}the real error"));
    let out = run(s);
    let logs = logs(&out);
    assert_eq!(logs.len(), 1);
    let (level, message) = &logs[0];
    assert_eq!(level, "ERROR");
    assert!(message.ends_with("ok\\nthe real error, stderr: relation \"x\" does not exist"));
    assert!(message
        .starts_with("database migration command ['python3', 'migrate.py'] failed, stdout: …"));
    assert!(message.chars().count() < 4200, "{}", message.len());
}

#[test]
fn a_failed_gunicorn_check_logs_stdout_and_stderr() {
    let mut s = scenario("flask_minimal_defaults_pebble_ready");
    s["execs"] = json!([{"command_prefix": ["/bin/python3", "-m", "gunicorn"], "return_code": 1,
        "stdout": "", "stderr": "Error: Invalid value for keepalive: -1\n"}]);
    let out = run(s);
    assert_eq!(
        status(&out),
        (
            "blocked",
            "Webserver configuration check failed, please review your charm configuration or database relation"
        )
    );
    assert_eq!(
        logs(&out),
        vec![(
            "ERROR".to_owned(),
            "webserver configuration check failed, stdout: , stderr: Error: Invalid value for \
             keepalive: -1\\n"
                .to_owned()
        )]
    );
}

#[test]
fn invalid_relation_data_is_logged_with_the_blocked_message() {
    let out = run(scenario("flask_redis_invalid_port"));
    assert_eq!(status(&out), ("blocked", "Invalid redis relation data."));
    assert_eq!(
        logs(&out),
        vec![(
            "WARNING".to_owned(),
            "Invalid redis relation data.".to_owned()
        )]
    );
}

/// The ingress scenario with the provider's URL replaced.
fn ingress_with(url: &str) -> Value {
    let mut s = scenario("flask_ingress_ready_leader");
    s["relations"][0]["remote_app_data"]["ingress"] = json!(json!({ "url": url }).to_string());
    s
}

#[test]
fn url_credentials_never_reach_a_status_or_a_log() {
    let out = run(ingress_with("ftp://alice:s3cret@paas.example.com/app"));
    let expected = "Invalid ingress relation data: \"ftp://alice:***@paas.example.com/app\" is \
                    not an http or https URL.";
    assert_eq!(status(&out), ("blocked", expected));
    assert_eq!(
        logs(&out),
        vec![("WARNING".to_owned(), expected.to_owned())]
    );
    assert!(!out.to_string().contains("s3cret"));
}

#[test]
fn hostile_provider_strings_reach_the_status_bounded_and_escaped() {
    let hostile = format!("http://h:port/\0\r\n\u{202e}{}", "x".repeat(1 << 20));
    let out = run(ingress_with(&hostile));
    let (name, message) = status(&out);
    assert_eq!(name, "blocked");
    assert!(
        message
            .starts_with("Invalid ingress relation data: \"http://h:port/\\0\\r\\n\\u{202e}xxxx"),
        "{message}"
    );
    assert!(message.ends_with("…\" is not a valid URL (invalid port number)."));
    assert!(message.chars().count() < 400, "{}", message.len());
    assert!(!message.contains(['\0', '\r', '\n', '\u{202e}']));
}

/// The SMTP scenario with one key of the provider's bag replaced (or removed).
fn smtp_with(event: &str, key: &str, value: Option<&str>) -> Value {
    let mut s = scenario("flask_smtp_password_secret");
    let bag = &mut s["relations"][0]["remote_app_data"];
    match value {
        Some(v) => bag[key] = json!(v),
        None => {
            bag.as_object_mut().expect("a bag").remove(key);
        }
    }
    s["event"] = json!(event);
    if event != "smtp-relation-changed" {
        s["event_args"] = json!({});
    }
    s
}

#[test]
fn invalid_smtp_data_gets_one_verdict_whatever_the_event() {
    let cases = [
        (
            "host",
            None,
            "Invalid smtp relation data: 'host' is missing or empty.",
        ),
        (
            "port",
            Some("70000"),
            "Invalid smtp relation data: 'port' \"70000\" is not an integer from 1 to 65536.",
        ),
        (
            "auth_type",
            None,
            "Invalid smtp relation data: 'auth_type' is missing.",
        ),
    ];
    for (key, value, message) in cases {
        for event in ["smtp-relation-changed", "config-changed", "update-status"] {
            let out = run(smtp_with(event, key, value));
            assert_eq!(status(&out), ("blocked", message), "{event} {key}");
            assert_eq!(
                logs(&out),
                vec![("WARNING".to_owned(), message.to_owned())],
                "{event} {key}"
            );
        }
    }
}

#[test]
fn a_secret_id_that_is_not_a_juju_uri_blocks() {
    let mut s = scenario("flask_smtp_password_secret");
    s["relations"][0]["remote_app_data"]["password_id"] = json!("secret:32gm7i61osvlgi171uko\u{0}");
    let out = run(s);
    assert_eq!(
        status(&out),
        (
            "blocked",
            "Invalid smtp relation data: the password_id secret cannot be read."
        )
    );
}

#[test]
fn saml_and_tracing_urls_never_show_their_credentials() {
    let mut s = scenario("flask_saml_data_available");
    s["relations"][0]["remote_app_data"]["metadata_url"] =
        json!("ftp://idp:hunter2@login.example.com/saml/metadata");
    let out = run(s);
    assert!(!out.to_string().contains("hunter2"));
    assert_eq!(status(&out), ("blocked", "Invalid saml relation data."));
    let logs = logs(&out);
    assert_eq!(
        logs,
        vec![
            (
                "WARNING".to_owned(),
                "saml relation data is not usable: metadata_url: \"ftp://idp:***@login.example.com\
                 /saml/metadata\" is not an http or https URL."
                    .to_owned()
            ),
            (
                "WARNING".to_owned(),
                "Invalid saml relation data.".to_owned()
            ),
        ]
    );

    let mut s = scenario("flask_tracing_endpoint");
    s["relations"][0]["remote_app_data"]["receivers"] = json!(json!([
        {"protocol": {"name": "otlp_http", "type": "http"},
         "url": "http://tempo:s3cret@tempo-0:port"}
    ])
    .to_string());
    let out = run(s);
    assert!(!out.to_string().contains("s3cret"));
    assert_eq!(
        status(&out),
        (
            "blocked",
            "Invalid tracing relation data: the otlp_http endpoint: \"http://tempo:***@tempo-0:port\" \
             is not a valid URL (invalid port number)."
        )
    );
}

/// paas-charm builds the OAuth redirect URI from the ingress URL as it is, credentials
/// included, and the hydra library refuses it. The status names it with the credentials masked.
#[test]
fn the_oauth_redirect_uri_is_masked_in_the_status() {
    let mut s = scenario("flask_oauth_with_ingress");
    s["relations"][0]["remote_app_data"]["ingress"] =
        json!(json!({"url": "https://alice:pa55@paas.example.com/app"}).to_string());
    let out = run(s);
    assert!(!out.to_string().contains("pa55"));
    assert_eq!(
        status(&out),
        (
            "blocked",
            "Invalid OAuth redirect URI: https://alice:***@paas.example.com/app/oauth/callback"
        )
    );
}
