//! FastAPI through the simulated world: env and layer snapshots, the Uvicorn and metrics
//! options, JSON logging and its files, the scrape job, and every invalid option ending
//! Blocked with paas-charm's message (where paas-charm's hook fails). Variants are made from
//! the public FastAPI scenarios.

use paas_charm_runtime::simulator::{Scenario, World};
use paas_charm_runtime::testing::DynamicSet;
use serde_json::{json, Value};

fn scenario(name: &str) -> Value {
    let path = format!(
        "{}/../tests/scenarios/fastapi/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).expect("scenario JSON")
}

/// The example's metadata and paas-config (JSON logging), leader, `config-changed`, the
/// non-optional option set.
fn base() -> Value {
    let mut s = scenario("fastapi_secret_key_id");
    s["config"] = json!({"non-optional-string": "x"});
    s["secrets"] = json!([]);
    s
}

fn run(scenario: Value) -> Value {
    let scenario: Scenario = serde_json::from_value(scenario).expect("a resolved scenario");
    let world = World::new(scenario).expect("a valid world");
    let mut integrations = DynamicSet::new()
        .with_named(&["postgresql", "mysql"], &world.meta)
        .with_always_on(&world.meta);
    world.run(&mut integrations)
}

fn unit_status(out: &Value) -> (String, String) {
    (
        out["unit_status"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        out["unit_status"]["message"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
    )
}

fn active() -> (String, String) {
    ("active".to_owned(), String::new())
}

fn env(out: &Value) -> &Value {
    &out["pebble"]["plan"]["services"]["fastapi"]["environment"]
}

#[test]
fn default_env_and_layer() {
    let out = run(base());
    assert_eq!(unit_status(&out), active());
    insta::assert_json_snapshot!("fastapi_default_layer", out["pebble"]["layers"]["charm"]);
    assert_eq!(
        out["opened_ports"],
        json!([{"port": 8080, "protocol": "tcp"}])
    );
    let files: Vec<&String> = out["files"].as_object().unwrap().keys().collect();
    assert_eq!(
        files,
        [
            "/tmp/fastapi/log_config/uvicorn-log-config.json",
            "/tmp/fastapi/log_config/uvicorn_log_handler.py",
            "/tmp/fastapi/state/original-services.json"
        ]
    );
}

#[test]
fn options_env_without_json_logging() {
    let mut s = base();
    s["paas_config"] = Value::Null;
    s["config"] = json!({
        "non-optional-string": "x",
        "webserver-port": 8000,
        "webserver-workers": 2,
        "webserver-log-level": "warning",
        "metrics-port": 9000,
        "metrics-path": "/prom",
        "app-secret-key": "configured",
        "user-defined-config": "udc",
        "metrics_path": "dropped: a model field",
    });
    let out = run(s);
    assert_eq!(unit_status(&out), active());
    insta::assert_json_snapshot!("fastapi_options_env", env(&out));
    assert_eq!(
        out["opened_ports"],
        json!([{"port": 8000, "protocol": "tcp"}])
    );
    assert_eq!(
        out["files"].as_object().unwrap().keys().collect::<Vec<_>>(),
        ["/tmp/fastapi/state/original-services.json"]
    );
}

#[test]
fn metrics_options_drive_the_scrape_job() {
    let mut s = base();
    s["event"] = json!("metrics-endpoint-relation-joined");
    s["event_args"] = json!({"relation_id": 2, "remote_unit": 0});
    s["relations"] = json!([{"endpoint": "metrics-endpoint", "interface": "prometheus_scrape",
        "id": 2, "remote_app_name": "prometheus", "remote_app_data": {},
        "remote_units_data": {"0": {}}, "local_app_data": {}, "local_unit_data": {}}]);
    let jobs = |out: &Value| out["relations"][1]["local_app_data"]["scrape_jobs"].clone();
    let out = run(s.clone());
    assert_eq!(
        jobs(&out),
        r#"[{"metrics_path": "/metrics", "static_configs": [{"targets": ["*:8080"]}]}]"#
    );
    s["config"]["metrics-port"] = json!(9464);
    s["config"]["metrics-path"] = json!("/custom");
    let out = run(s);
    assert_eq!(
        jobs(&out),
        r#"[{"metrics_path": "/custom", "static_configs": [{"targets": ["*:9464"]}]}]"#
    );
}

#[test]
fn metrics_options_without_defaults_are_not_emitted() {
    let mut s = base();
    let options = s["metadata"]["config"]["options"].as_object_mut().unwrap();
    options.remove("metrics-port");
    options.remove("metrics-path");
    let out = run(s);
    assert_eq!(unit_status(&out), active());
    assert!(env(&out).get("METRICS_PORT").is_none());
    assert!(env(&out).get("METRICS_PATH").is_none());
}

#[test]
fn invalid_options_block_instead_of_failing_the_hook() {
    let secret = json!([{"id": "secret:qjdh082r0373ml505r4i", "owner": null, "label": null,
        "tracked_content": {"v": "x"}, "latest_content": {"v": "x"}}]);
    let cases = [
        (
            json!({"webserver-log-level": "verbose"}),
            "        invalid options: webserver-log-level",
        ),
        (
            json!({"webserver-log-level": "Debug"}),
            "        invalid options: webserver-log-level",
        ),
        (
            json!({"webserver-port": 0}),
            "        invalid options: webserver-port",
        ),
        (
            json!({"webserver-port": 65536}),
            "        invalid options: webserver-port",
        ),
        (
            json!({"webserver-workers": 0}),
            "        invalid options: webserver-workers",
        ),
        (
            json!({"metrics-port": -5}),
            "        invalid options: metrics-port",
        ),
        (
            json!({"metrics-path": ""}),
            "        invalid options: metrics-path",
        ),
        (
            json!({"app-secret-key": ""}),
            "        invalid options: app-secret-key",
        ),
        (
            json!({"webserver-workers": 0, "metrics-path": ""}),
            "        invalid options: metrics-path, webserver-workers",
        ),
        (
            json!({"app-secret-key": "a", "app-secret-key-id": "secret:qjdh082r0373ml505r4i"}),
            "        invalid options: ",
        ),
        (
            json!({"app-secret-key-id": "secret:qjdh082r0373ml505r4i"}),
            "        invalid options: ",
        ),
    ];
    for (config, message) in cases {
        for event in [
            "config-changed",
            "update-status",
            "app-pebble-ready",
            "action:rotate-secret-key",
        ] {
            let mut s = base();
            let mut values = json!({"non-optional-string": "x"});
            values
                .as_object_mut()
                .unwrap()
                .extend(config.as_object().unwrap().clone());
            s["config"] = values;
            s["secrets"] = secret.clone();
            s["event"] = json!(event);
            let out = run(s);
            assert_eq!(out["error"], Value::Null, "{config} on {event}");
            assert_eq!(
                unit_status(&out),
                ("blocked".to_owned(), message.to_owned()),
                "{config} on {event}"
            );
            assert_eq!(out["pebble"]["layers"], json!({}), "{config} on {event}");
        }
    }
}

#[test]
fn missing_and_invalid_user_options_are_reported_together() {
    let mut s = base();
    s["config"] = json!({"user-defined-config": 5});
    let out = run(s);
    assert_eq!(
        unit_status(&out),
        (
            "blocked".to_owned(),
            "missing options: non-optional-string        , invalid options: user-defined-config"
                .to_owned()
        )
    );
}

#[test]
fn migrations_run_in_the_app_directory() {
    let mut s = base();
    s["app_dir_files"] = json!({"migrate.py": ""});
    s["execs"] = json!([{"command_prefix": ["python3", "migrate.py"], "return_code": 2,
        "stdout": "", "stderr": "boom"}]);
    let out = run(s);
    assert_eq!(
        unit_status(&out),
        (
            "blocked".to_owned(),
            "database migration command ['python3', 'migrate.py'] failed, will retry in next update-status"
                .to_owned()
        )
    );
    let exec = &out["exec"][0];
    assert_eq!(exec["working_dir"], "/app");
    assert_eq!(exec["user"], "_daemon_");
    assert_eq!(
        exec["environment"]["UVICORN_LOG_CONFIG"],
        "/tmp/fastapi/log_config/uvicorn-log-config.json"
    );
    assert_eq!(
        out["files"]["/tmp/fastapi/state/database-migration-status"],
        "FAILED"
    );
}

#[test]
fn odd_values_never_fail_the_hook() {
    let options = [
        "webserver-workers",
        "webserver-port",
        "webserver-log-level",
        "webserver-host",
        "metrics-port",
        "metrics-path",
        "app-secret-key",
        "app-secret-key-id",
        "non-optional-string",
        "user-defined-config",
    ];
    let values = [
        json!(""),
        json!("9000"),
        json!(-1),
        json!(0),
        json!(70000),
        json!(1.5),
        json!(false),
        json!(null),
        json!([1]),
        json!({"a": 1}),
    ];
    for option in options {
        for value in &values {
            let mut s = base();
            s["config"][option] = value.clone();
            let out = run(s);
            assert_eq!(out["error"], Value::Null, "{option}={value}");
            let status = unit_status(&out);
            assert!(
                status == active() || status.0 == "blocked",
                "{option}={value}: {status:?}"
            );
        }
    }
}

#[test]
fn constructor_validation_blocks_every_hook() {
    // paas-charm validates FastAPI's model (the `-id` secret first) while building the charm,
    // so even hooks that never reconcile fail there; we block with the same message.
    let secret = json!([{"id": "secret:qjdh082r0373ml505r4i", "owner": null, "label": null,
        "tracked_content": {"value": "a", "other": "b"}, "latest_content": {"value": "a", "other": "b"}}]);
    for event in [
        "leader-elected",
        "install",
        "secret-storage-relation-created",
    ] {
        let mut s = base();
        s["config"] = json!({"non-optional-string": "x", "webserver-workers": 0,
            "app-secret-key-id": "secret:qjdh082r0373ml505r4i"});
        s["secrets"] = secret.clone();
        s["event"] = json!(event);
        if event.starts_with("secret-storage") {
            s["event_args"] = json!({"relation_id": 1, "remote_unit": null});
        }
        let out = run(s);
        assert_eq!(out["error"], Value::Null, "{event}");
        assert_eq!(
            unit_status(&out),
            ("blocked".to_owned(), "        invalid options: ".to_owned()),
            "{event}"
        );
    }
    let mut s = base();
    s["event"] = json!("leader-elected");
    s["config"]["webserver-log-level"] = json!("verbose");
    let out = run(s);
    assert_eq!(
        unit_status(&out),
        (
            "blocked".to_owned(),
            "        invalid options: webserver-log-level".to_owned()
        )
    );
}

#[test]
fn paas_config_scrape_jobs_and_rejected_keys() {
    let mut s = base();
    s["paas_config"] = json!({"framework_logging_format": "json", "prometheus": {"scrape_configs": [
        {"job_name": "worker", "metrics_path": "/worker-metrics",
         "static_configs": [{"targets": ["*:9100"]}]}]}});
    s["event"] = json!("metrics-endpoint-relation-joined");
    s["event_args"] = json!({"relation_id": 2, "remote_unit": 0});
    s["relations"] = json!([{"endpoint": "metrics-endpoint", "interface": "prometheus_scrape",
        "id": 2, "remote_app_name": "prometheus", "remote_app_data": {},
        "remote_units_data": {"0": {}}, "local_app_data": {}, "local_unit_data": {}}]);
    let out = run(s);
    assert_eq!(
        out["relations"][1]["local_app_data"]["scrape_jobs"],
        r#"[{"metrics_path": "/metrics", "static_configs": [{"targets": ["*:8080"]}]}, {"metrics_path": "/worker-metrics", "static_configs": [{"targets": ["*:9100"]}], "job_name": "worker"}]"#
    );
    for (key, message) in [
        (
            json!({"port": 8000}),
            "Invalid paas-config.yaml:         invalid options: port",
        ),
        (
            json!({"metrics-port": 9464}),
            "Invalid paas-config.yaml:         invalid options: metrics-port",
        ),
        (
            json!({"framework_logging_format": "JSON"}),
            "Invalid paas-config.yaml:         invalid options: framework-logging-format",
        ),
    ] {
        let mut s = base();
        s["paas_config"] = key;
        let out = run(s);
        assert_eq!(
            unit_status(&out),
            ("blocked".to_owned(), message.to_owned())
        );
    }
}
