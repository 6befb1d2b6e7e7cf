//! End-to-end process tests of integrations working together: the `flask-k8s` binary runs
//! `simulate` on scenarios built from the public corpus (tracing with logging; ingress with
//! OAuth in both event orders) and the outputs are checked field by field.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Value};

fn corpus(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/scenarios/flask")
        .join(format!("{name}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Runs `flask-k8s simulate` on `scenario` and returns its output.
fn simulate(scenario: &Value, tag: &str) -> Value {
    let path: PathBuf = std::env::temp_dir().join(format!(
        "paas-integrations-{}-{tag}.json",
        std::process::id()
    ));
    std::fs::write(&path, scenario.to_string()).expect("write scenario");
    let output = Command::new(env!("CARGO_BIN_EXE_flask-k8s"))
        .arg("simulate")
        .arg(&path)
        .output()
        .expect("run flask-k8s");
    std::fs::remove_file(&path).ok();
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "simulate printed no JSON ({e}): {}",
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

fn relation<'a>(output: &'a Value, endpoint: &str) -> &'a Value {
    output["relations"]
        .as_array()
        .and_then(|rels| rels.iter().find(|r| r["endpoint"] == endpoint))
        .unwrap_or_else(|| panic!("no {endpoint} relation in the output"))
}

/// tracing relation-changed with a Loki relation alongside, then the logging relation-changed.
#[test]
fn tracing_and_logging_together() {
    let mut scenario = corpus("flask_tracing_endpoint");
    let observability = corpus("flask_observability_pebble_ready");
    let mut logging = observability["relations"]
        .as_array()
        .and_then(|rels| rels.iter().find(|r| r["endpoint"] == "logging"))
        .cloned()
        .expect("logging relation");
    logging["id"] = json!(3);
    scenario["relations"]
        .as_array_mut()
        .expect("relations")
        .push(logging);
    scenario["name"] = json!("flask_tracing_with_logging");

    let out = simulate(&scenario, "tracing");
    assert_eq!(out["error"], Value::Null);
    assert_eq!(out["unit_status"], json!({"name": "active", "message": ""}));
    let env = &out["pebble"]["plan"]["services"]["flask"]["environment"];
    assert_eq!(
        env["OTEL_EXPORTER_OTLP_ENDPOINT"],
        "http://tempo-0.tempo-endpoints.cos.svc.cluster.local:4318/"
    );
    assert_eq!(env["OTEL_SERVICE_NAME"], "flask-k8s");
    let gunicorn = out["files"]["/flask/gunicorn.conf.py"]
        .as_str()
        .expect("gunicorn.conf.py");
    assert!(gunicorn.contains("OTLPSpanExporter"), "{gunicorn}");
    assert_eq!(
        relation(&out, "tracing")["written"],
        json!({"app": {"set": {"receivers": "[\"otlp_http\"]"}}})
    );
    // The tracing hook does not touch log forwarding: only Loki's own events do.
    assert_eq!(relation(&out, "logging")["written"], json!({}));
    assert!(out["pebble"]["layers"]
        .get("flask-app-log-forwarding")
        .is_none());

    scenario["event"] = json!("logging-relation-changed");
    scenario["event_args"] = json!({"relation_id": 3, "remote_unit": 0});
    let out = simulate(&scenario, "logging");
    assert_eq!(out["error"], Value::Null);
    let target = &out["pebble"]["layers"]["flask-app-log-forwarding"]["log-targets"]["loki-k8s/0"];
    assert_eq!(
        target["location"],
        "http://loki-k8s-0.loki-k8s-endpoints.cos.svc.cluster.local:3100/loki/api/v1/push"
    );
    assert_eq!(target["labels"]["juju_unit"], "flask-k8s/0");
    let logging_app = &relation(&out, "logging")["written"]["app"]["set"];
    assert_eq!(logging_app["alert_rules"], "{}");
    // Our receivers request is written on every hook, the Loki one included.
    assert_eq!(
        relation(&out, "tracing")["local_app_data"]["receivers"],
        "[\"otlp_http\"]"
    );
    assert_eq!(
        out["exec"],
        json!([]),
        "logging events never restart the app"
    );
}

/// OAuth needs ingress: whichever relation's hook comes last, the final environment and the
/// client registration are the same.
#[test]
fn ingress_and_oauth_in_either_order() {
    let oauth_last = corpus("flask_oauth_with_ingress");
    let mut ingress_last = oauth_last.clone();
    ingress_last["event"] = json!("ingress-relation-changed");
    ingress_last["event_args"] = json!({"relation_id": 2, "remote_unit": 0});

    let a = simulate(&oauth_last, "oauth-last");
    let b = simulate(&ingress_last, "ingress-last");
    for out in [&a, &b] {
        assert_eq!(out["error"], Value::Null);
        assert_eq!(out["unit_status"], json!({"name": "active", "message": ""}));
        assert_eq!(
            relation(out, "oidc")["local_app_data"]["redirect_uri"],
            "https://paas.example.com/test-model-flask-k8s/oauth/callback"
        );
        assert_eq!(
            relation(out, "ingress")["local_app_data"]["name"],
            "\"flask-k8s\""
        );
    }
    let env = |out: &Value| out["pebble"]["plan"]["services"]["flask"]["environment"].clone();
    assert_eq!(env(&a), env(&b));
    assert_eq!(
        env(&a)["FLASK_BASE_URL"],
        "https://paas.example.com/test-model-flask-k8s"
    );
    assert_eq!(env(&a)["FLASK_OIDC_CLIENT_SECRET"], "hYdRaCl1entS3cret");

    // Without the ingress relation the OAuth hook blocks and nothing is started.
    let mut no_ingress = oauth_last.clone();
    no_ingress["relations"]
        .as_array_mut()
        .expect("relations")
        .retain(|r| r["endpoint"] != "ingress");
    let out = simulate(&no_ingress, "no-ingress");
    assert_eq!(
        out["unit_status"],
        json!({"name": "blocked", "message": "Ingress relation is required for OIDC to work correctly!"})
    );
    assert_eq!(out["opened_ports"], json!([]));
}

/// Where paas-charm's libraries fail a non-leader's hook (reading its own app bag), the hook
/// completes and does what the protocol intends.
#[test]
fn non_leaders_complete_where_paas_charm_crashes() {
    // http-proxy: the non-leader uses the provider's only response.
    let mut proxy = corpus("flask_http_proxy_ready_with_user");
    proxy["leader"] = json!(false);
    proxy["unit_id"] = json!(1);
    proxy["fqdn"] = json!("flask-k8s-1.flask-k8s-endpoints.test-model.svc.cluster.local");
    let out = simulate(&proxy, "proxy-non-leader");
    assert_eq!(out["error"], Value::Null);
    assert_eq!(out["unit_status"], json!({"name": "active", "message": ""}));
    let env = &out["pebble"]["plan"]["services"]["flask"]["environment"];
    assert_eq!(
        env["HTTP_PROXY"],
        "http://proxyuser:pr0xyPw@squid.internal:3128"
    );
    assert_eq!(env["NO_PROXY"], "127.0.0.1,localhost,::1");
    assert_eq!(relation(&out, "http-proxy")["written"], json!({}));

    // tracing: a provider without otlp_http leaves tracing off on a non-leader too.
    let mut tracing = corpus("flask_tracing_endpoint");
    tracing["leader"] = json!(false);
    tracing["unit_id"] = json!(1);
    tracing["relations"][0]["remote_app_data"]["receivers"] = json!(
        "[{\"protocol\": {\"name\": \"otlp_grpc\", \"type\": \"grpc\"}, \"url\": \"tempo:4317\"}]"
    );
    let out = simulate(&tracing, "tracing-non-leader");
    assert_eq!(out["error"], Value::Null);
    assert_eq!(out["unit_status"], json!({"name": "active", "message": ""}));
    let env = &out["pebble"]["plan"]["services"]["flask"]["environment"];
    assert!(env.get("OTEL_EXPORTER_OTLP_ENDPOINT").is_none(), "{env}");
    assert_eq!(relation(&out, "tracing")["written"], json!({}));
}

/// Relation data that paas-charm cannot use ends in a Blocked status naming it, never a
/// failed hook.
#[test]
fn unusable_relation_data_blocks() {
    let cases = [
        (
            "flask_ingress_ready_leader",
            "ingress",
            "ingress",
            json!("{\"url\": \"paas.example.com/test-model-flask-k8s\"}"),
            "Invalid ingress relation data: \"paas.example.com/test-model-flask-k8s\" is not a valid URL (relative URL without a base).",
        ),
        (
            "flask_tracing_endpoint",
            "tracing",
            "receivers",
            json!("[{\"protocol\": {\"name\": \"otlp_http\", \"type\": \"http\"}, \"url\": \"http://invalid:port\"}]"),
            "Invalid tracing relation data: the otlp_http endpoint: \"http://invalid:port\" is not a valid URL (invalid port number).",
        ),
        (
            "flask_http_proxy_ready_with_user",
            "http-proxy",
            "responses",
            json!("not json"),
            "http-proxy relation data is either unavailable, invalid or not usable.",
        ),
    ];
    for (name, endpoint, key, value, message) in cases {
        let mut scenario = corpus(name);
        for rel in scenario["relations"].as_array_mut().expect("relations") {
            if rel["endpoint"] == endpoint {
                rel["remote_app_data"][key] = value.clone();
            }
        }
        let out = simulate(&scenario, &format!("bad-{endpoint}"));
        assert_eq!(out["error"], Value::Null, "{name}");
        assert_eq!(
            out["unit_status"],
            json!({"name": "blocked", "message": message}),
            "{name}"
        );
    }
    // SMTP without a host: one verdict whatever the event. paas-charm fails every hook that
    // reads the data; its relation-changed only skips it, leaving stale settings running.
    let mut smtp = corpus("flask_smtp_password_secret");
    smtp["relations"][0]["remote_app_data"]
        .as_object_mut()
        .expect("bag")
        .remove("host");
    let out = simulate(&smtp, "smtp-changed");
    assert_eq!(
        out["unit_status"],
        json!({"name": "blocked", "message": "Invalid smtp relation data: 'host' is missing or empty."})
    );
    smtp["event"] = json!("config-changed");
    smtp["event_args"] = json!({});
    let out = simulate(&smtp, "smtp-config");
    assert_eq!(
        out["unit_status"],
        json!({"name": "blocked", "message": "Invalid smtp relation data: 'host' is missing or empty."})
    );
}
