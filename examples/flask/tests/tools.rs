//! The local tools run as an author runs them: `flask-k8s env` (defaults, scenario files,
//! `--config`, `--explain`, `--show-secrets`) and `simulate --report`, plus the refusals of
//! unusable scenarios (exit 2, one error naming the field).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn corpus(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../../tests/scenarios/flask/{name}.json"))
}

fn charm(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_flask-k8s"))
        .args(args)
        .output()
        .expect("the charm binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Writes `text` as a scenario file of this test.
fn scenario_file(name: &str, text: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!("flask-tools-{}-{name}.json", std::process::id()));
    std::fs::write(&path, text).expect("temp file");
    path
}

#[test]
fn env_prints_the_default_environment_with_the_secret_key_masked() {
    let output = charm(&["env"]);
    assert!(output.status.success(), "{output:?}");
    assert_eq!(
        stdout(&output),
        "FLASK_BASE_URL=http://flask-k8s.test-model:8000\n\
         FLASK_OIDC_REDIRECT_PATH=/callback\n\
         FLASK_OIDC_SCOPES=openid profile email\n\
         FLASK_PREFERRED_URL_SCHEME=HTTPS\n\
         FLASK_SECRET_KEY=***\n"
    );
    let shown = stdout(&charm(&["env", "--show-secrets"]));
    assert!(
        shown.contains("FLASK_SECRET_KEY=generated-by-the-leader\n"),
        "{shown}"
    );
}

#[test]
fn env_config_values_are_typed_by_charmcraft_yaml() {
    let output = charm(&["env", "--config", "flask-debug=true", "--explain"]);
    assert!(output.status.success(), "{output:?}");
    assert!(stdout(&output).contains("FLASK_DEBUG=true  # option `flask-debug` (set)\n"));
    let bad = charm(&["env", "--config", "flask-debug=maybe"]);
    assert_eq!(bad.status.code(), Some(2));
    assert_eq!(
        stderr(&bad),
        "error: the charm's defaults: --config flask-debug: \"maybe\" is not a boolean (true or false)\n"
    );
    let unknown = charm(&["env", "--config", "nope=1"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(stderr(&unknown).starts_with(
        "error: the charm's defaults: --config nope: not an option of charmcraft.yaml (options: "
    ));
}

#[test]
fn env_explain_names_proxies_integrations_and_secret_options() {
    let proxy = stdout(&charm(&[
        "env",
        "--explain",
        corpus("flask_juju_model_proxy_env").to_str().expect("path"),
    ]));
    assert!(proxy.contains(
        "HTTP_PROXY=http://proxy.test:3128  # Juju model proxy (JUJU_CHARM_HTTP_PROXY)\n"
    ));
    assert!(proxy.contains("FLASK_BASE_URL=http://flask-k8s.test-model:8000  # base URL (no ingress: http://<app>.<model>:<port>)\n"));
    assert!(proxy.contains("FLASK_SECRET_KEY=***  # peer secret key (secret-storage relation 1, app bag key flask_secret_key)\n"));

    let pg = stdout(&charm(&[
        "env",
        "--explain",
        corpus("flask_pg_secret_user_changed")
            .to_str()
            .expect("path"),
    ]));
    assert!(pg.contains(
        "POSTGRESQL_DB_CONNECT_STRING=postgresql://relation_id_7:***@postgresql-k8s-primary.test-model.svc.cluster.local:5432/flask-k8s  \
         # integration postgresql (endpoint postgresql, relation 2, remote app postgresql-k8s)\n"
    ), "{pg}");
    assert!(pg.contains("POSTGRESQL_DB_PASSWORD=***  # integration postgresql"));
    assert!(!pg.contains("hT4wQz8nBv2Lr6Yc"), "the password leaks: {pg}");

    let secret = stdout(&charm(&[
        "env",
        "--explain",
        corpus("flask_secret_key_id").to_str().expect("path"),
    ]));
    assert!(
        secret.contains(
            "FLASK_SECRET_TEST_FOO=***  # user option `secret-test` (set), a secret: its content\n"
        ),
        "{secret}"
    );
    assert!(
        secret.contains(
            "FLASK_SECRET_KEY=***  # option `flask-secret-key-id` (set; a secret: its `value`)\n"
        ),
        "{secret}"
    );
}

#[test]
fn env_shows_workers_and_schedulers() {
    let text = stdout(&charm(&[
        "env",
        "--explain",
        corpus("flask_workers_schedulers_unit0")
            .to_str()
            .expect("path"),
    ]));
    assert!(
        text.ends_with(
            "# celery-scheduler: the same environment\n# celery-worker: the same environment\n"
        ),
        "{text}"
    );
}

#[test]
fn env_says_why_there_is_no_environment() {
    let output = charm(&[
        "env",
        corpus("flask_pebble_not_ready").to_str().expect("path"),
    ]);
    assert_eq!(output.status.code(), Some(3));
    assert_eq!(stdout(&output), "");
    assert_eq!(
        stderr(&output),
        "the charm would be waiting: Waiting for pebble ready\n\
         the workload gets no environment until that is resolved\n"
    );
}

#[test]
fn the_report_shows_status_env_files_and_commands_with_secrets_masked() {
    let output = charm(&[
        "simulate",
        "--report",
        corpus("flask_s3_full_credentials").to_str().expect("path"),
    ]);
    assert!(output.status.success(), "{output:?}");
    let text = stdout(&output);
    assert!(
        text.starts_with("scenario flask_s3_full_credentials · event "),
        "{text}"
    );
    assert!(text.contains("\nunit    "), "{text}");
    assert!(text.contains("\nports   8000/tcp\n"), "{text}");
    assert!(text.contains("\n  S3_SECRET_KEY=***\n"), "{text}");
    assert!(text.contains("\n  S3_BUCKET=paas-media\n"), "{text}");
    assert!(
        text.contains("\nfiles written\n  /flask/gunicorn.conf.py ("),
        "{text}"
    );
    assert!(text.contains(
        "\ncommands run\n  /bin/python3 -m gunicorn -c /flask/gunicorn.conf.py app:app -k sync --check-config (in /flask/app)\n"
    ), "{text}");
}

#[test]
fn a_scenario_without_metadata_runs_the_charms_own() {
    let path = scenario_file(
        "own",
        r#"{"relations": [{"endpoint": "redis", "remote_app_name": "redis-k8s",
             "remote_app_data": {"leader-host": "redis-k8s-0.redis"},
             "remote_units_data": {"0": {"hostname": "10.1.2.3", "port": "6379"}}}]}"#,
    );
    let output = charm(&["simulate", path.to_str().expect("path")]);
    assert!(output.status.success(), "{output:?}");
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(json["scenario"], "local");
    assert_eq!(json["container"], "flask-app");
    assert_eq!(json["unit_status"]["name"], "active");
    let env = &json["pebble"]["plan"]["services"]["flask"]["environment"];
    assert_eq!(
        env["REDIS_DB_CONNECT_STRING"],
        "redis://redis-k8s-0.redis:6379"
    );
    std::fs::remove_file(path).ok();
}

#[test]
fn bad_scenarios_get_one_error_naming_the_field_and_exit_2() {
    let cases = [
        (
            r#"{"framework": "django"}"#,
            "framework: the scenario is for \"django\" but this charm is a \"flask\" charm",
        ),
        (
            r#"{"relations": [{"endpoint": "redis", "remote_app_data": {"port": 6379}}]}"#,
            "relations[0].remote_app_data.port: invalid type: integer `6379`, expected a string",
        ),
        (
            r#"{"relations": [{"endpoint": "redis", "id": 2}, {"endpoint": "s3", "id": 2}]}"#,
            "relations[1].id: relation id 2 is already used by relations[0].id",
        ),
        (
            r#"{"metadata": {"name": "x", "containers": {}}}"#,
            "metadata.containers: a charm has exactly one workload container, this metadata has 0",
        ),
        (
            "[1, 2",
            ".: not JSON (EOF while parsing a list at line 1 column 5)",
        ),
    ];
    for (i, (text, error)) in cases.iter().enumerate() {
        let path = scenario_file(&format!("bad{i}"), text);
        for command in ["simulate", "env"] {
            let output = charm(&[command, path.to_str().expect("path")]);
            assert_eq!(
                output.status.code(),
                Some(2),
                "{command} {text}: {output:?}"
            );
            assert_eq!(stdout(&output), "");
            assert_eq!(
                stderr(&output),
                format!("error: {}: {error}\n", path.display()),
                "{command} {text}"
            );
        }
        std::fs::remove_file(path).ok();
    }
}
