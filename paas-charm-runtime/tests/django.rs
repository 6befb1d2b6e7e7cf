//! Django through the simulated world: env and layer snapshots, `DJANGO_ALLOWED_HOSTS`,
//! `create-superuser`, the database requirement, and every invalid option ending Blocked
//! with paas-charm's message. Variants are made from the public Django scenarios.

use paas_charm_runtime::simulator::{Scenario, World};
use paas_charm_runtime::testing::DynamicSet;
use serde_json::{json, Value};

fn scenario(name: &str) -> Value {
    let path = format!(
        "{}/../tests/scenarios/django/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).expect("scenario JSON")
}

/// A leader with a ready PostgreSQL relation, `config-changed`, nothing else.
fn base() -> Value {
    let mut s = scenario("django_create_superuser");
    s["event"] = json!("config-changed");
    s["event_args"] = json!({});
    s
}

fn run(scenario: Value) -> Value {
    let scenario: Scenario = serde_json::from_value(scenario).expect("a resolved scenario");
    let world = World::new(scenario).expect("a valid world");
    let mut integrations = DynamicSet::new()
        .with_named(&["postgresql", "mysql", "mongodb"], &world.meta)
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

fn blocked(message: &str) -> (String, String) {
    ("blocked".to_owned(), message.to_owned())
}

fn env(out: &Value) -> &Value {
    &out["pebble"]["plan"]["services"]["django"]["environment"]
}

#[test]
fn default_env_and_layer() {
    let out = run(base());
    assert_eq!(unit_status(&out), ("active".to_owned(), String::new()));
    insta::assert_json_snapshot!("django_default_layer", out["pebble"]["layers"]["charm"]);
    assert_eq!(
        out["opened_ports"],
        json!([{"port": 8000, "protocol": "tcp"}])
    );
    assert_eq!(
        out["files"]["/django/gunicorn.conf.py"],
        "bind = ['0.0.0.0:8000']\nchdir = '/django/app'\naccesslog = '-'\nerrorlog = '-'\nstatsd_host = 'localhost:9125'"
    );
}

#[test]
fn options_env_and_gunicorn_config() {
    let mut s = base();
    s["config"] = json!({
        "django-debug": false,
        "django-allowed-hosts": "test.local, django-k8s.test-model",
        "django-secret-key": "foobar",
        "webserver-workers": 3,
        "webserver-timeout": 10,
        "webserver-worker-class": "gevent",
        "debug": "dropped: a model field",
        "oidc-scopes": "openid",
    });
    s["juju_version"] = json!("3.3.1");
    let out = run(s);
    assert_eq!(unit_status(&out), ("active".to_owned(), String::new()));
    insta::assert_json_snapshot!("django_options_env", env(&out));
    assert_eq!(
        out["pebble"]["plan"]["services"]["django"]["command"],
        "/bin/python3 -m gunicorn -c /django/gunicorn.conf.py django_app.wsgi:application -k [ gevent ]"
    );
    insta::assert_snapshot!(
        "django_options_gunicorn_conf",
        out["files"]["/django/gunicorn.conf.py"]
            .as_str()
            .unwrap_or_default()
    );
    let commands: Vec<&Value> = out["exec"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["command"])
        .collect();
    assert_eq!(
        commands,
        [
            &json!(["python3", "-c", "import gevent"]),
            &json!([
                "/bin/python3",
                "-m",
                "gunicorn",
                "-c",
                "/django/gunicorn.conf.py",
                "django_app.wsgi:application",
                "-k",
                "gevent",
                "--check-config"
            ]),
        ]
    );
}

#[test]
fn secret_key_id_and_peer_key() {
    let mut s = base();
    s["config"] = json!({"django-secret-key-id": "secret:qjdh082r0373ml505r4i"});
    s["secrets"] = json!([{"id": "secret:qjdh082r0373ml505r4i", "owner": null, "label": null,
        "tracked_content": {"value": "old"}, "latest_content": {"value": "from-secret"}}]);
    let out = run(s);
    assert_eq!(env(&out)["DJANGO_SECRET_KEY"], "from-secret");
    let out = run(base());
    assert_eq!(env(&out)["DJANGO_SECRET_KEY"], "test-secret-key");
}

#[test]
fn allowed_hosts_from_the_base_url() {
    let mut s = base();
    s["model_name"] = json!("flask-model");
    s["config"] = json!({"django-allowed-hosts": "a.test,,b.test"});
    let out = run(s);
    assert_eq!(
        env(&out)["DJANGO_ALLOWED_HOSTS"],
        r#"["a.test", "", "b.test", "django-k8s.flask-model"]"#
    );
}

#[test]
fn invalid_options_block_with_paas_charm_messages() {
    let secret = json!([{"id": "secret:qjdh082r0373ml505r4i", "owner": null, "label": null,
        "tracked_content": {"value": "v", "other": "x"}, "latest_content": {"value": "v", "other": "x"}}]);
    let cases = [
        (
            json!({"django-secret-key": ""}),
            json!([]),
            "        invalid options: django-secret-key",
        ),
        (
            json!({"django-debug": "maybe"}),
            json!([]),
            "        invalid options: django-debug",
        ),
        (
            json!({"django-allowed-hosts": 5}),
            json!([]),
            "        invalid options: django-allowed-hosts",
        ),
        (
            json!({"django-secret-key": "a", "django-secret-key-id": "secret:qjdh082r0373ml505r4i"}),
            secret.clone(),
            "        invalid options: ",
        ),
        (
            json!({"django-secret-key-id": "secret:qjdh082r0373ml505r4i"}),
            secret,
            "        invalid options: ",
        ),
        (
            json!({"django-secret-key-id": "secret:00000000000000000000"}),
            json!([]),
            "        invalid options: django-secret-key-id",
        ),
        (
            json!({"webserver-workers": "many"}),
            json!([]),
            "        invalid options: webserver-workers",
        ),
        (
            json!({"webserver-worker-class": "eventlet"}),
            json!([]),
            "Only 'gevent' and 'sync' are allowed. https://bit.ly/django-async-doc",
        ),
    ];
    for (config, secrets, message) in cases {
        // The guard (every handler) validates the model; the webserver options are read when
        // the workload is configured, so update-status leaves them alone, as paas-charm does.
        let guarded = !message.contains("webserver") && !message.contains("gevent");
        let events: &[&str] = if guarded {
            &["config-changed", "update-status", "django-app-pebble-ready"]
        } else {
            &["config-changed", "django-app-pebble-ready"]
        };
        for event in events {
            let mut s = base();
            s["config"] = config.clone();
            s["secrets"] = secrets.clone();
            s["event"] = json!(event);
            let out = run(s);
            assert_eq!(out["error"], Value::Null, "{config} on {event}");
            assert_eq!(unit_status(&out), blocked(message), "{config} on {event}");
        }
    }
}

#[test]
fn gevent_problems_block() {
    let mut s = base();
    s["config"] = json!({"webserver-worker-class": "gevent"});
    s["execs"] = json!([{"command_prefix": ["python3", "-c", "import gevent"], "return_code": 1,
        "stdout": "", "stderr": "ModuleNotFoundError"}]);
    let out = run(s);
    assert_eq!(
        unit_status(&out),
        blocked("gunicorn[gevent] must be installed in the rock. https://bit.ly/django-async-doc")
    );
    let mut s = base();
    s["config"] = json!({"webserver-worker-class": "sync"});
    s["base_layer"]["services"]["django"]["command"] =
        json!("/bin/python3 -m gunicorn -c /django/gunicorn.conf.py django_app.wsgi:application");
    let out = run(s);
    assert_eq!(
        unit_status(&out),
        blocked("Worker class is set through `juju config` but the `-k` worker class argument is not in the service command.")
    );
}

#[test]
fn a_database_is_required() {
    // postgresql optional and not related: Django's own rule.
    let mut s = base();
    s["metadata"]["requires"]["postgresql"]["optional"] = json!(true);
    s["relations"] = json!([]);
    let out = run(s);
    assert_eq!(
        unit_status(&out),
        blocked("Django requires a database integration to work")
    );
    assert_eq!(out["pebble"]["layers"], json!({}));
    // No database endpoint in the metadata at all.
    let mut s = base();
    s["metadata"]["requires"]
        .as_object_mut()
        .unwrap()
        .remove("postgresql");
    s["relations"] = json!([]);
    let out = run(s);
    assert_eq!(
        unit_status(&out),
        blocked("Django requires a database integration to work")
    );
    // Required postgresql without data: the missing-integrations rule comes first.
    let mut s = base();
    s["relations"][0]["remote_app_data"] = json!({});
    let out = run(s);
    assert_eq!(
        unit_status(&out),
        blocked("missing integrations: postgresql")
    );
    // Pebble not reachable: waiting comes first.
    let mut s = base();
    s["relations"] = json!([]);
    s["can_connect"] = json!(false);
    let out = run(s);
    assert_eq!(
        unit_status(&out),
        ("waiting".to_owned(), "Waiting for pebble ready".to_owned())
    );
}

fn superuser() -> Value {
    scenario("django_create_superuser")
}

#[test]
fn create_superuser_runs_manage_py_with_a_fresh_password() {
    let out = run(superuser());
    let exec = &out["exec"][0];
    let password = exec["environment"]["DJANGO_SUPERUSER_PASSWORD"]
        .as_str()
        .unwrap();
    assert_eq!(password.len(), 22);
    assert_eq!(out["action"]["results"], json!({"password": password}));
    assert_eq!(out["action"]["failed"], false);
    assert_eq!(exec["environment"]["DJANGO_SUPERUSER_USERNAME"], "admin");
    assert_eq!(
        exec["environment"]["DJANGO_SUPERUSER_EMAIL"],
        "admin@example.com"
    );
    assert_eq!(exec["environment"]["DJANGO_SECRET_KEY"], "test-secret-key");
    assert_eq!(exec["combine_stderr"], true);
    assert_eq!(exec["working_dir"], "/django/app");
    assert!(exec.get("user").is_none());
    assert_eq!(out["status_history"]["unit"], json!([]));
    let again = run(superuser());
    assert_ne!(
        again["action"]["results"]["password"],
        out["action"]["results"]["password"]
    );
}

#[test]
fn create_superuser_fails_when_not_ready_and_still_runs() {
    let mut s = superuser();
    s["can_connect"] = json!(false);
    let out = run(s);
    assert_eq!(
        out["action"],
        json!({"name": "create-superuser", "failed": true, "message": "django-app container is not ready"})
    );
    assert_eq!(
        out["exec"][0]["command"],
        json!(["python3", "manage.py", "createsuperuser", "--noinput"])
    );
    assert_eq!(
        unit_status(&out),
        ("waiting".to_owned(), "Waiting for pebble ready".to_owned())
    );
    // Without the peer key there is no environment to run the command with.
    let mut s = superuser();
    s["peer"] = Value::Null;
    let out = run(s);
    assert_eq!(out["action"]["failed"], true);
    assert_eq!(out["exec"], json!([]));
    assert_eq!(
        unit_status(&out),
        (
            "waiting".to_owned(),
            "Waiting for peer integration".to_owned()
        )
    );
    // Invalid config: Blocked and failed, nothing run.
    let mut s = superuser();
    s["config"] = json!({"django-secret-key": ""});
    let out = run(s);
    assert_eq!(out["action"]["failed"], true);
    assert_eq!(out["exec"], json!([]));
    assert_eq!(
        unit_status(&out),
        blocked("        invalid options: django-secret-key")
    );
}

#[test]
fn create_superuser_reports_the_command_output() {
    let mut s = superuser();
    s["execs"] = json!([{"command_prefix": ["python3", "manage.py", "createsuperuser"],
        "return_code": 1, "stdout": "CommandError: Error: That username is already taken.\n",
        "stderr": ""}]);
    let out = run(s);
    assert_eq!(
        out["action"],
        json!({"name": "create-superuser", "failed": true,
               "message": "CommandError: Error: That username is already taken.\n"})
    );
}

#[test]
fn paas_config_json_logging_and_scrape_jobs() {
    let paas_config = json!({
        "framework_logging_format": "json",
        "prometheus": {"scrape_configs": [{"job_name": "django-scheduler",
            "static_configs": [{"targets": ["@scheduler:8081"], "labels": {"role": "scheduler"}}]}]}
    });
    let mut s = base();
    s["paas_config"] = paas_config.clone();
    let out = run(s);
    assert_eq!(unit_status(&out), ("active".to_owned(), String::new()));
    let conf = out["files"]["/django/gunicorn.conf.py"].as_str().unwrap();
    assert!(conf.contains(
        "logger_class = GunicornJsonLogger\nbind = ['0.0.0.0:8000']\nchdir = '/django/app'"
    ));
    assert!(conf.ends_with("    worker.app.wsgi = _patched_wsgi\n"));

    let mut s = base();
    s["paas_config"] = paas_config;
    s["event"] = json!("metrics-endpoint-relation-joined");
    s["event_args"] = json!({"relation_id": 3, "remote_unit": 0});
    s["relations"]
        .as_array_mut()
        .unwrap()
        .push(json!({"endpoint": "metrics-endpoint",
        "interface": "prometheus_scrape", "id": 3, "remote_app_name": "prometheus",
        "remote_app_data": {}, "remote_units_data": {"0": {}}, "local_app_data": {},
        "local_unit_data": {}}));
    let out = run(s);
    assert_eq!(
        out["relations"][2]["local_app_data"]["scrape_jobs"],
        r#"[{"metrics_path": "/metrics", "static_configs": [{"targets": ["*:9102"]}]}, {"metrics_path": "/metrics", "static_configs": [{"targets": ["django-k8s-0.django-k8s-endpoints.test-model.svc.cluster.local:8081"], "labels": {"role": "scheduler"}}], "job_name": "django-scheduler"}]"#
    );
    // 2.0's keys are rejected by 1.x: Blocked with paas-charm's error text.
    let mut s = base();
    s["paas_config"] = json!({"port": 8081});
    let out = run(s);
    assert_eq!(
        unit_status(&out),
        blocked("Invalid paas-config.yaml:         invalid options: port")
    );
}

#[test]
fn odd_values_never_fail_the_hook() {
    let options = [
        "django-allowed-hosts",
        "django-debug",
        "django-secret-key",
        "django-secret-key-id",
        "webserver-keepalive",
        "webserver-threads",
        "webserver-timeout",
        "webserver-workers",
        "webserver-worker-class",
        "oidc-scopes",
    ];
    let values = [
        json!(""),
        json!(" "),
        json!("ü,,"),
        json!(-1),
        json!(0),
        json!(1.5),
        json!(true),
        json!(null),
        json!([1]),
        json!({"a": 1}),
    ];
    for option in options {
        for value in &values {
            for event in ["config-changed", "action:create-superuser"] {
                let mut s = if event == "config-changed" {
                    base()
                } else {
                    superuser()
                };
                s["config"] = json!({ option: value });
                let out = run(s);
                assert_eq!(out["error"], Value::Null, "{option}={value} on {event}");
                assert_ne!(out["unit_status"]["name"], "error", "{option}={value}");
            }
        }
    }
}

#[test]
fn any_database_satisfies_django() {
    let mut s = base();
    s["metadata"]["requires"]["postgresql"]["optional"] = json!(true);
    s["metadata"]["requires"]["mysql"] =
        json!({"interface": "mysql_client", "optional": true, "limit": 1});
    s["relations"] = json!([{"endpoint": "mysql", "interface": "mysql_client", "id": 2,
        "remote_app_name": "mysql-k8s",
        "remote_app_data": {"database": "django-k8s", "endpoints": "test-mysql:3306",
            "username": "test-username", "password": "test-password"},
        "remote_units_data": {"0": {}}, "local_app_data": {}, "local_unit_data": {}}]);
    let out = run(s);
    assert_eq!(unit_status(&out), ("active".to_owned(), String::new()));
    assert_eq!(
        env(&out)["MYSQL_DB_CONNECT_STRING"],
        "mysql://test-username:test-password@test-mysql:3306/django-k8s"
    );
}
