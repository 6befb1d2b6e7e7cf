//! Express.js with paas-charm 1.x's model (`ExpressJSConfig`, no framework prefix): `node-env`
//! → `NODE_ENV` (default `production`, emitted even when the option is not declared),
//! `app-port` → `PORT`, `metrics-port` → `METRICS_PORT`, `metrics-path` → `METRICS_PATH`,
//! `app-secret-key` → `APP_SECRET_KEY` (frameworks.md §0.3–§0.5, §4.2).

use super::options::OptionReader;
use crate::config::ConfigError;
use crate::integration::WorkloadFacts;
use crate::juju::ConfigValues;

/// The fields of paas-charm's Express.js config model (user options renamed onto them, such as
/// `node-env`, are dropped).
pub const MODEL_FIELDS: &[&str] = &[
    "node_env",
    "port",
    "metrics_port",
    "metrics_path",
    "app_secret_key",
];

/// `NODE_ENV` when `node-env` is unset (the model default).
pub const DEFAULT_NODE_ENV: &str = "production";

/// The port when `app-port` is unset (the model default).
pub const DEFAULT_PORT: u16 = 8080;

/// The validated Express.js options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpressJsConfig {
    /// `node-env` (non-empty, default `production`).
    pub node_env: String,
    /// `app-port` (> 0, default 8080).
    pub port: u16,
    /// `metrics-port` (> 0), when set.
    pub metrics_port: Option<u16>,
    /// `metrics-path` (non-empty), when set.
    pub metrics_path: Option<String>,
    /// `app-secret-key` or the `value` of `app-secret-key-id`, when configured.
    pub app_secret_key: Option<String>,
}

impl ExpressJsConfig {
    /// Validates the options; every invalid one is named in the error.
    pub fn from_config(
        config: &ConfigValues,
        secret_key: Option<&str>,
    ) -> Result<Self, ConfigError> {
        let mut read = OptionReader::new(config);
        let parsed = Self {
            node_env: read
                .non_empty_string("node-env")
                .unwrap_or_else(|| DEFAULT_NODE_ENV.to_owned()),
            port: read.port("app-port").unwrap_or(DEFAULT_PORT),
            metrics_port: read.port("metrics-port"),
            metrics_path: read.non_empty_string("metrics-path"),
            app_secret_key: read.secret_key("app-secret-key", secret_key),
        };
        read.finish()?;
        Ok(parsed)
    }

    /// The framework-model variables (no prefix), null fields left out.
    pub fn env(&self) -> Vec<(String, String)> {
        let mut env = vec![
            ("NODE_ENV".to_owned(), self.node_env.clone()),
            ("PORT".to_owned(), self.port.to_string()),
        ];
        if let Some(port) = self.metrics_port {
            env.push(("METRICS_PORT".into(), port.to_string()));
        }
        if let Some(path) = &self.metrics_path {
            env.push(("METRICS_PATH".into(), path.clone()));
        }
        if let Some(key) = &self.app_secret_key {
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
    use serde_json::{json, Value};

    fn parse(config: Value, key: Option<&str>) -> Result<ExpressJsConfig, ConfigError> {
        let Value::Object(map) = config else {
            unreachable!("object literal")
        };
        ExpressJsConfig::from_config(&map, key)
    }

    fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn options_become_unprefixed_variables() {
        let express = parse(
            json!({"node-env": "development", "app-port": 3000, "metrics-port": 9464,
                   "metrics-path": "/m"}),
            Some("notfoobar"),
        )
        .unwrap();
        assert_eq!(
            express.env(),
            pairs(&[
                ("NODE_ENV", "development"),
                ("PORT", "3000"),
                ("METRICS_PORT", "9464"),
                ("METRICS_PATH", "/m"),
                ("APP_SECRET_KEY", "notfoobar"),
            ])
        );
        assert_eq!(express.workload().app_port, 3000);
        // Neither option declared: the model defaults still give NODE_ENV and PORT.
        assert_eq!(
            parse(json!({}), None).unwrap().env(),
            pairs(&[("NODE_ENV", "production"), ("PORT", "8080")])
        );
    }

    #[test]
    fn invalid_values_give_paas_charm_messages() {
        let message =
            |config: Value, key: Option<&str>| parse(config, key).unwrap_err().to_string();
        for (config, option) in [
            (json!({"node-env": ""}), "node-env"),
            (json!({"node-env": 3}), "node-env"),
            (json!({"app-port": 0}), "app-port"),
            (json!({"app-port": 100000}), "app-port"),
            (json!({"app-port": 8080.5}), "app-port"),
            (json!({"metrics-port": 0}), "metrics-port"),
            (json!({"metrics-path": ""}), "metrics-path"),
        ] {
            assert_eq!(
                message(config, None),
                format!("        invalid options: {option}")
            );
        }
        assert_eq!(
            message(json!({}), Some("")),
            "        invalid options: app-secret-key"
        );
    }

    fn express_scenario() -> ScenarioBuilder {
        ScenarioBuilder::new(
            "expressjs",
            include_str!("../../../examples/expressjs/charmcraft.yaml"),
        )
        .rock(
            json!({"expressjs": {"override": "replace", "startup": "enabled",
                 "command": "npm start", "user": "_daemon_", "working-dir": "/app",
                 "environment": {"NODE_ENV": "production"}}}),
        )
    }

    fn postgresql() -> Value {
        json!({
            "endpoint": "postgresql", "interface": "postgresql_client", "id": 2,
            "remote_app_name": "postgresql-k8s",
            "remote_app_data": {"database": "expressjs-k8s",
                                "endpoints": "test-postgresql:5432",
                                "username": "test-username", "password": "test-password"},
            "remote_units_data": {"0": {}},
            "local_app_data": {"database": "expressjs-k8s"},
            "local_unit_data": {}
        })
    }

    #[test]
    fn env_and_layer_snapshot() {
        let out = run(express_scenario()
            .config(json!({"app-secret-key": "foobar", "user-defined-config": "hello"}))
            .relation(postgresql()));
        assert_eq!(out["unit_status"], json!({"name": "active", "message": ""}));
        insta::assert_yaml_snapshot!("expressjs_env", env_of(&out, "expressjs"));
        insta::assert_snapshot!("expressjs_layer", charm_layer_yaml(&out));
    }

    #[test]
    fn user_options_and_the_peer_key() {
        // `node-env`/`port` are model fields (dropped); `secret-key` is not: as in paas-charm it
        // becomes APP_SECRET_KEY and so keeps the peer key out.
        let out = run(express_scenario()
            .option("port", "int")
            .option("secret-key", "string")
            .config(json!({"node-env": "development", "port": 1, "secret-key": "user-key"}))
            .relation(postgresql()));
        let env = env_of(&out, "expressjs");
        assert_eq!(env["NODE_ENV"], json!("development"));
        assert_eq!(env["PORT"], json!("8080"));
        assert_eq!(env["APP_SECRET_KEY"], json!("user-key"));
        assert!(env.get("APP_NODE_ENV").is_none() && env.get("APP_PORT").is_none());
    }

    #[test]
    fn missing_postgresql_blocks() {
        let out = run(express_scenario().event("app-pebble-ready"));
        assert_eq!(
            out["unit_status"],
            json!({"name": "blocked", "message": "missing integrations: postgresql"})
        );
    }

    #[test]
    fn invalid_option_blocks() {
        for (config, message) in [
            (json!({"node-env": ""}), "        invalid options: node-env"),
            (json!({"app-port": 0}), "        invalid options: app-port"),
            (
                json!({"metrics-path": ""}),
                "        invalid options: metrics-path",
            ),
        ] {
            let out = run(express_scenario().config(config).relation(postgresql()));
            assert_eq!(
                out["unit_status"],
                json!({"name": "blocked", "message": message})
            );
        }
    }

    #[test]
    fn paas_config_json_logging_and_2_0_keys_block() {
        let out =
            run(express_scenario().set("paas_config", json!({"framework_logging_format": "json"})));
        assert_eq!(
            out["unit_status"],
            json!({"name": "blocked", "message": "framework_logging_format 'LoggingFormat.JSON' is not supported for the 'expressjs' framework. Supported frameworks: ['django', 'fastapi', 'flask']."})
        );
        let out = run(express_scenario().set("paas_config", json!({"port": 8081})));
        assert_eq!(
            out["unit_status"],
            json!({"name": "blocked", "message": "Invalid paas-config.yaml:         invalid options: port"})
        );
        let out =
            run(express_scenario().set("paas_config", json!({"framework_logging_format": "none"})));
        let message = out["unit_status"]["message"].as_str().unwrap_or_default();
        assert!(!message.contains("paas-config") && !message.contains("logging"));
    }
}
