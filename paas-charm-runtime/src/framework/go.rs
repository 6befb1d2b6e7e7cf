//! Go with paas-charm 1.x's model (`GoConfig`): `app-port`, `metrics-port`, `metrics-path` and
//! `app-secret-key`, all emitted with the `APP_` framework prefix (`APP_PORT`,
//! `APP_METRICS_PORT`, `APP_METRICS_PATH`, `APP_SECRET_KEY`; frameworks.md §0.3–§0.5).

use serde_json::Value;

use super::options::OptionReader;
use crate::config::ConfigError;
use crate::env::python_json::encode_env_value;
use crate::integration::WorkloadFacts;
use crate::juju::ConfigValues;

/// The fields of paas-charm's Go config model (user options renamed onto them are dropped).
pub const MODEL_FIELDS: &[&str] = &["port", "metrics_port", "metrics_path", "secret_key"];

/// The port when `app-port` is unset (the model default).
pub const DEFAULT_PORT: u16 = 8080;

/// The validated Go options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoConfig {
    /// `app-port` (> 0, default 8080).
    pub port: u16,
    /// `metrics-port` (> 0), when set.
    pub metrics_port: Option<u16>,
    /// `metrics-path` (non-empty), when set.
    pub metrics_path: Option<String>,
    /// `app-secret-key` or the `value` of `app-secret-key-id`, when configured.
    pub secret_key: Option<String>,
}

impl GoConfig {
    /// Validates the options; every invalid one is named in the error.
    pub fn from_config(
        config: &ConfigValues,
        secret_key: Option<&str>,
    ) -> Result<Self, ConfigError> {
        let mut read = OptionReader::new(config);
        let parsed = Self {
            port: read.port("app-port").unwrap_or(DEFAULT_PORT),
            metrics_port: read.port("metrics-port"),
            metrics_path: read.non_empty_string("metrics-path"),
            secret_key: read.secret_key("app-secret-key", secret_key),
        };
        read.finish()?;
        Ok(parsed)
    }

    /// The framework-model variables: `APP_` + field name, null fields left out.
    pub fn env(&self) -> Vec<(String, String)> {
        let mut env = vec![(
            "APP_PORT".to_owned(),
            encode_env_value(&Value::from(self.port)),
        )];
        if let Some(port) = self.metrics_port {
            env.push(("APP_METRICS_PORT".into(), port.to_string()));
        }
        if let Some(path) = &self.metrics_path {
            env.push(("APP_METRICS_PATH".into(), path.clone()));
        }
        if let Some(key) = &self.secret_key {
            env.push(("APP_SECRET_KEY".into(), key.clone()));
        }
        env
    }

    /// The app port and the framework scrape job's target and path.
    pub fn workload(&self) -> WorkloadFacts {
        WorkloadFacts {
            app_port: self.port,
            metrics_port: self.metrics_port,
            metrics_path: self.metrics_path.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::test_world::{charm_layer_yaml, env_of, run, ScenarioBuilder};
    use serde_json::json;

    fn parse(config: Value, key: Option<&str>) -> Result<GoConfig, ConfigError> {
        let Value::Object(map) = config else {
            unreachable!("object literal")
        };
        GoConfig::from_config(&map, key)
    }

    #[test]
    fn options_become_app_variables() {
        let go = parse(
            json!({"app-port": 9090, "metrics-port": 9091, "metrics-path": "/prom"}),
            Some("go-secret"),
        )
        .unwrap();
        assert_eq!(
            go.env(),
            [
                ("APP_PORT".to_owned(), "9090".to_owned()),
                ("APP_METRICS_PORT".to_owned(), "9091".to_owned()),
                ("APP_METRICS_PATH".to_owned(), "/prom".to_owned()),
                ("APP_SECRET_KEY".to_owned(), "go-secret".to_owned()),
            ]
        );
        assert_eq!(
            go.workload(),
            WorkloadFacts {
                app_port: 9090,
                metrics_port: Some(9091),
                metrics_path: Some("/prom".into()),
            }
        );
        let defaults = parse(json!({}), None).unwrap();
        assert_eq!(defaults.env(), [("APP_PORT".to_owned(), "8080".to_owned())]);
        assert_eq!(defaults.workload().metrics_path, None);
    }

    #[test]
    fn invalid_values_give_paas_charm_messages() {
        let message =
            |config: Value, key: Option<&str>| parse(config, key).unwrap_err().to_string();
        assert_eq!(
            message(json!({"app-port": 0}), None),
            "        invalid options: app-port"
        );
        assert_eq!(
            message(json!({"app-port": -1}), None),
            "        invalid options: app-port"
        );
        assert_eq!(
            message(json!({"app-port": "http"}), None),
            "        invalid options: app-port"
        );
        assert_eq!(
            message(json!({"app-port": 65536}), None),
            "        invalid options: app-port"
        );
        assert_eq!(
            message(json!({"metrics-port": 0}), None),
            "        invalid options: metrics-port"
        );
        assert_eq!(
            message(json!({"metrics-path": ""}), None),
            "        invalid options: metrics-path"
        );
        assert_eq!(
            message(json!({}), Some("")),
            "        invalid options: app-secret-key"
        );
        assert_eq!(
            message(json!({"app-port": 0, "metrics-path": ""}), None),
            "        invalid options: app-port, metrics-path"
        );
    }

    fn go_scenario() -> ScenarioBuilder {
        ScenarioBuilder::new("go", include_str!("../../../examples/go/charmcraft.yaml")).rock(
            json!({"go": {"override": "replace", "startup": "enabled",
                     "command": "/usr/local/bin/go-k8s", "user": "_daemon_", "working-dir": "/app"}}),
        )
    }

    #[test]
    fn env_and_layer_snapshot() {
        let out = run(go_scenario().config(
            json!({"app-port": 9090, "metrics-port": 9091, "metrics-path": "/prom",
                           "user-defined-config": "hello"}),
        ));
        insta::assert_yaml_snapshot!("go_env", env_of(&out, "go"));
        insta::assert_snapshot!("go_layer", charm_layer_yaml(&out));
        assert_eq!(
            out["opened_ports"],
            json!([{"port": 9090, "protocol": "tcp"}])
        );
    }

    #[test]
    fn config_changed_with_postgresql_runs_the_migrate_binary() {
        let out = run(go_scenario()
            .relation(json!({
                "endpoint": "postgresql", "interface": "postgresql_client", "id": 2,
                "remote_app_name": "postgresql-k8s",
                "remote_app_data": {"database": "go-k8s", "endpoints": "pg:5432",
                                    "username": "u", "password": "p"},
                "remote_units_data": {"0": {}},
                "local_app_data": {"database": "go-k8s"},
                "local_unit_data": {}
            }))
            .set("app_dir_files", json!({"migrate": ""})));
        assert_eq!(out["unit_status"], json!({"name": "active", "message": ""}));
        let exec = &out["exec"][0];
        assert_eq!(exec["command"], json!(["/app/migrate"]));
        assert_eq!(exec["working_dir"], json!("/app"));
        assert_eq!(exec["user"], json!("_daemon_"));
        assert_eq!(
            exec["environment"]["POSTGRESQL_DB_CONNECT_STRING"],
            json!("postgresql://u:p@pg:5432/go-k8s")
        );
        assert_eq!(exec["environment"], env_of(&out, "go"));
        assert_eq!(
            out["files"]["/tmp/go/state/database-migration-status"],
            json!("COMPLETED")
        );
    }

    #[test]
    fn user_options_named_like_model_fields_are_dropped() {
        let out = run(go_scenario()
            .option("port", "int")
            .option("secret-key", "string")
            .option("feature-flag", "boolean")
            .config(json!({"port": 1234, "secret-key": "user", "feature-flag": true})));
        let env = env_of(&out, "go");
        assert_eq!(env["APP_PORT"], json!("8080"));
        assert_eq!(env["APP_SECRET_KEY"], json!("test"));
        assert_eq!(env["APP_METRICS_PORT"], json!("8080"));
        assert_eq!(env["APP_FEATURE_FLAG"], json!("true"));
    }

    #[test]
    fn oidc_registers_the_go_redirect_path_and_needs_ingress() {
        let oidc = json!({
            "endpoint": "oidc", "interface": "oauth", "id": 2, "remote_app_name": "hydra",
            "remote_app_data": {}, "remote_units_data": {"0": {}},
            "local_app_data": {}, "local_unit_data": {}
        });
        let out = run(go_scenario()
            .relation(oidc.clone())
            .event("oidc-relation-created")
            .set("event_args", json!({"relation_id": 2})));
        assert_eq!(
            out["relations"][1]["local_app_data"]["redirect_uri"],
            json!("http://go-k8s.test-model:8080/auth/openid-connect/callback")
        );
        let mut ready = oidc;
        ready["remote_app_data"] = json!({
            "authorization_endpoint": "https://iam.example.com/oauth2/auth",
            "introspection_endpoint": "http://hydra:4445/admin/oauth2/introspect",
            "issuer_url": "https://iam.example.com",
            "jwks_endpoint": "https://iam.example.com/.well-known/jwks.json",
            "scope": "openid profile email",
            "token_endpoint": "https://iam.example.com/oauth2/token",
            "userinfo_endpoint": "https://iam.example.com/userinfo",
            "client_id": "client", "client_secret_id": "secret:cu0gooidcaaaaaaaaaaa"
        });
        let out = run(go_scenario()
            .relation(ready)
            .event("oidc-relation-changed")
            .set("event_args", json!({"relation_id": 2, "remote_unit": 0}))
            .set(
                "secrets",
                json!([{"id": "secret:cu0gooidcaaaaaaaaaaa", "owner": null, "label": null,
                        "tracked_content": {"secret": "s"}, "latest_content": {"secret": "s"}}]),
            ));
        assert_eq!(
            out["unit_status"],
            json!({"name": "blocked",
                   "message": "Ingress relation is required for OIDC to work correctly!"})
        );
    }

    fn with_key_secret(content: Value) -> ScenarioBuilder {
        go_scenario()
            .config(json!({"app-secret-key-id": "secret:cu0gokevidaaaaaaaaaa"}))
            .set(
                "secrets",
                json!([{"id": "secret:cu0gokevidaaaaaaaaaa", "owner": null, "label": null,
                        "tracked_content": content, "latest_content": content}]),
            )
    }

    #[test]
    fn secret_key_id_and_peer_key() {
        let out = run(with_key_secret(json!({"value": "from-secret"})));
        assert_eq!(env_of(&out, "go")["APP_SECRET_KEY"], json!("from-secret"));
        let out = run(go_scenario());
        assert_eq!(env_of(&out, "go")["APP_SECRET_KEY"], json!("test"));
        // paas-charm resolves the secret while building the charm object: every hook fails,
        // key generation included; we block with its message.
        for content in [json!({"other": "x"}), json!({"value": "a", "more": "b"})] {
            for event in ["config-changed", "secret-storage-relation-created"] {
                let out = run(with_key_secret(content.clone()).event(event));
                assert_eq!(
                    out["unit_status"],
                    json!({"name": "blocked", "message": "        invalid options: "}),
                    "{event}"
                );
            }
        }
        let unreadable = run(go_scenario()
            .config(json!({"app-secret-key-id": "secret:cu0gonosuchsecretaaa"}))
            .event("secret-storage-relation-created"));
        assert_eq!(
            unreadable["unit_status"],
            json!({"name": "blocked", "message": "        invalid options: app-secret-key-id"})
        );
    }

    #[test]
    fn invalid_option_blocks_every_hook() {
        for (config, message) in [
            (json!({"app-port": 0}), "        invalid options: app-port"),
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
        ] {
            for event in [
                "config-changed",
                "secret-storage-relation-created",
                "update-status",
            ] {
                let out = run(go_scenario().config(config.clone()).event(event));
                assert_eq!(
                    out["unit_status"],
                    json!({"name": "blocked", "message": message}),
                    "{event} with {config}"
                );
                assert_eq!(out["pebble"]["layers"], json!({}));
            }
        }
    }

    #[test]
    fn paas_config_json_logging_and_2_0_keys_block() {
        let out =
            run(go_scenario().set("paas_config", json!({"framework_logging_format": "json"})));
        assert_eq!(
            out["unit_status"],
            json!({"name": "blocked", "message": "framework_logging_format 'LoggingFormat.JSON' is not supported for the 'go' framework. Supported frameworks: ['django', 'fastapi', 'flask']."})
        );
        let out = run(go_scenario().set("paas_config", json!({"port": 8081})));
        assert_eq!(
            out["unit_status"],
            json!({"name": "blocked", "message": "Invalid paas-config.yaml:         invalid options: port"})
        );
        let out =
            run(go_scenario().set("paas_config", json!({"framework_logging_format": "none"})));
        let message = out["unit_status"]["message"].as_str().unwrap_or_default();
        assert!(!message.contains("paas-config") && !message.contains("logging"));
    }
}
