//! FastAPI (Uvicorn): the 1.x options `webserver-port`, `webserver-workers`,
//! `webserver-log-level`, `metrics-port`, `metrics-path`, `app-secret-key`, their unprefixed
//! variables, and JSON logging (frameworks.md §0.4, §4.2, §8).

use serde_json::Value;

use super::options::OptionReader;
use super::EnvInputs;
use crate::config::ConfigError;
use crate::env::python_json::encode_env_value;
use crate::env::Env;
use crate::integration::WorkloadFacts;
use crate::juju::ConfigValues;
use crate::paas_config::{LoggingFormat, PaasConfig};

/// The fields of paas-charm's FastAPI config model (user options renamed onto them are dropped).
pub const MODEL_FIELDS: &[&str] = &[
    "uvicorn_port",
    "uvicorn_host",
    "web_concurrency",
    "uvicorn_log_level",
    "metrics_port",
    "metrics_path",
    "app_secret_key",
];

/// Uvicorn's log levels, the only values `webserver-log-level` takes (case-sensitive).
pub const LOG_LEVELS: &[&str] = &["critical", "error", "warning", "info", "debug", "trace"];

/// Where the JSON-logging files go in the workload container.
pub const LOG_CONFIG_DIR: &str = "/tmp/fastapi/log_config";

/// paas-charm's bundled Uvicorn JSON formatter, pushed verbatim.
const LOG_HANDLER: &str = include_str!("../../assets/fastapi/uvicorn_log_handler.py");

/// paas-charm's bundled Uvicorn `dictConfig`, pushed verbatim.
const LOG_CONFIG: &str = include_str!("../../assets/fastapi/uvicorn-log-config.json");

/// The validated FastAPI config model (1.x defaults).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FastApiConfig {
    /// `webserver-port` → `UVICORN_PORT` (8080).
    pub port: u16,
    /// `webserver-host` (normally not declared) → `UVICORN_HOST` (`0.0.0.0`).
    pub host: String,
    /// `webserver-workers` → `WEB_CONCURRENCY` (1).
    pub workers: i64,
    /// `webserver-log-level` → `UVICORN_LOG_LEVEL` (`info`).
    pub log_level: String,
    /// `metrics-port` → `METRICS_PORT`, only when set.
    pub metrics_port: Option<u16>,
    /// `metrics-path` → `METRICS_PATH`, only when set.
    pub metrics_path: Option<String>,
    /// `app-secret-key` (or the `value` of `app-secret-key-id`) → `APP_SECRET_KEY`.
    pub secret_key: Option<String>,
}

impl FastApiConfig {
    /// Validates the options as paas-charm's `FastAPIConfig` does; every problem is reported.
    pub fn parse(config: &ConfigValues, secret_key: Option<&str>) -> Result<Self, ConfigError> {
        let mut options = OptionReader::new(config);
        let port = options.port("webserver-port");
        let workers = options.positive_int("webserver-workers");
        let metrics_port = options.port("metrics-port");
        let metrics_path = options.non_empty_string("metrics-path");
        let secret_key = options.secret_key("app-secret-key", secret_key);
        let strings = Self::check_strings(config);
        let mut errors = options.finish().err().unwrap_or_default();
        if let Err(more) = &strings {
            errors.merge(more.clone());
        }
        errors.into_result()?;
        let (host, log_level) = strings?;
        Ok(Self {
            port: port.unwrap_or(8080),
            host,
            workers: workers.unwrap_or(1),
            log_level,
            metrics_port,
            metrics_path,
            secret_key,
        })
    }

    /// `webserver-host` (any string, `0.0.0.0`) and `webserver-log-level` (one of Uvicorn's
    /// levels, `info`).
    fn check_strings(config: &ConfigValues) -> Result<(String, String), ConfigError> {
        let mut errors = ConfigError::default();
        let present = |name: &str| config.get(name).filter(|v| !v.is_null());
        let host = match present("webserver-host").map(Value::as_str) {
            None => "0.0.0.0".to_owned(),
            Some(Some(host)) => host.to_owned(),
            Some(None) => {
                errors.merge(ConfigError::invalid("webserver-host"));
                String::new()
            }
        };
        let log_level = match present("webserver-log-level").map(Value::as_str) {
            None => "info".to_owned(),
            Some(Some(level)) if LOG_LEVELS.contains(&level) => level.to_owned(),
            Some(_) => {
                errors.merge(ConfigError::invalid("webserver-log-level"));
                String::new()
            }
        };
        errors.into_result()?;
        Ok((host, log_level))
    }

    /// The framework-model variables (no prefix), null fields left out.
    pub fn env(&self) -> Vec<(String, String)> {
        let mut env = vec![
            ("UVICORN_PORT".to_owned(), self.port.to_string()),
            ("UVICORN_HOST".to_owned(), self.host.clone()),
            (
                "WEB_CONCURRENCY".to_owned(),
                encode_env_value(&Value::from(self.workers)),
            ),
            ("UVICORN_LOG_LEVEL".to_owned(), self.log_level.clone()),
        ];
        if let Some(port) = self.metrics_port {
            env.push(("METRICS_PORT".to_owned(), port.to_string()));
        }
        if let Some(path) = &self.metrics_path {
            env.push(("METRICS_PATH".to_owned(), path.clone()));
        }
        if let Some(key) = &self.secret_key {
            env.push(("APP_SECRET_KEY".to_owned(), key.clone()));
        }
        env
    }
}

/// Validates the options; returns the framework-model variables.
pub fn framework_env(
    config: &ConfigValues,
    secret_key: Option<&str>,
) -> Result<Vec<(String, String)>, ConfigError> {
    Ok(FastApiConfig::parse(config, secret_key)?.env())
}

/// The app port (`webserver-port`) and the scrape target (`metrics-port`, `metrics-path`).
/// paas-charm computes these while building the charm object, so an invalid option fails
/// there (we block with the same message). `secret_key` is the resolved `app-secret-key`.
pub fn workload_facts(
    config: &ConfigValues,
    secret_key: Option<&str>,
) -> Result<WorkloadFacts, ConfigError> {
    let model = FastApiConfig::parse(config, secret_key)?;
    Ok(WorkloadFacts {
        app_port: model.port,
        metrics_port: model.metrics_port,
        metrics_path: model.metrics_path,
    })
}

/// JSON logging's variables (frameworks.md §8), added last.
pub fn derived_env(inputs: &EnvInputs<'_>, env: &mut Env) {
    if inputs.paas_config.logging_format != LoggingFormat::Json {
        return;
    }
    let python_path = match env.get("PYTHONPATH").filter(|p| !p.is_empty()) {
        Some(existing) => format!("{LOG_CONFIG_DIR}:{existing}"),
        None => LOG_CONFIG_DIR.to_owned(),
    };
    env.set("PYTHONPATH", python_path);
    env.set(
        "UVICORN_LOG_CONFIG",
        format!("{LOG_CONFIG_DIR}/uvicorn-log-config.json"),
    );
}

/// The files pushed before every restart: the JSON-logging handler and config, when enabled.
pub fn workload_files(paas_config: &PaasConfig) -> Vec<(String, &'static str)> {
    if paas_config.logging_format != LoggingFormat::Json {
        return Vec::new();
    }
    vec![
        (
            format!("{LOG_CONFIG_DIR}/uvicorn_log_handler.py"),
            LOG_HANDLER,
        ),
        (
            format!("{LOG_CONFIG_DIR}/uvicorn-log-config.json"),
            LOG_CONFIG,
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn config(value: Value) -> ConfigValues {
        let Value::Object(map) = value else {
            unreachable!("object literal")
        };
        map
    }

    fn error(value: Value, key: Option<&str>) -> String {
        FastApiConfig::parse(&config(value), key)
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn defaults_and_options() {
        let model = FastApiConfig::parse(&config(json!({})), None).unwrap();
        assert_eq!(
            model.env(),
            [
                ("UVICORN_PORT", "8080"),
                ("UVICORN_HOST", "0.0.0.0"),
                ("WEB_CONCURRENCY", "1"),
                ("UVICORN_LOG_LEVEL", "info")
            ]
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
        );
        let model = FastApiConfig::parse(
            &config(json!({"webserver-port": 9000, "webserver-workers": 4,
                "webserver-log-level": "trace", "metrics-port": 9464, "metrics-path": "/m",
                "webserver-host": "127.0.0.1"})),
            Some("k"),
        )
        .unwrap();
        let env: Vec<String> = model
            .env()
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        assert_eq!(
            env,
            [
                "UVICORN_PORT=9000",
                "UVICORN_HOST=127.0.0.1",
                "WEB_CONCURRENCY=4",
                "UVICORN_LOG_LEVEL=trace",
                "METRICS_PORT=9464",
                "METRICS_PATH=/m",
                "APP_SECRET_KEY=k"
            ]
        );
        let facts = workload_facts(&config(json!({"webserver-port": 9000})), None).unwrap();
        assert_eq!(
            facts,
            WorkloadFacts {
                app_port: 9000,
                metrics_port: None,
                metrics_path: None
            }
        );
    }

    #[test]
    fn every_invalid_option_is_reported_with_paas_charm_message() {
        for (value, option) in [
            (
                json!({"webserver-log-level": "verbose"}),
                "webserver-log-level",
            ),
            (
                json!({"webserver-log-level": "INFO"}),
                "webserver-log-level",
            ),
            (json!({"webserver-port": 0}), "webserver-port"),
            (json!({"webserver-port": -1}), "webserver-port"),
            (json!({"webserver-port": 70000}), "webserver-port"),
            (json!({"webserver-workers": 0}), "webserver-workers"),
            (json!({"webserver-workers": "many"}), "webserver-workers"),
            (json!({"metrics-port": 0}), "metrics-port"),
            (json!({"metrics-path": ""}), "metrics-path"),
            (json!({"webserver-host": 1}), "webserver-host"),
        ] {
            assert_eq!(
                error(value, None),
                format!("        invalid options: {option}")
            );
        }
        assert_eq!(
            error(json!({}), Some("")),
            "        invalid options: app-secret-key"
        );
        assert_eq!(
            error(
                json!({"webserver-log-level": "verbose", "webserver-workers": 0}),
                None
            ),
            "        invalid options: webserver-log-level, webserver-workers"
        );
        assert_eq!(
            workload_facts(&config(json!({})), Some(""))
                .unwrap_err()
                .to_string(),
            "        invalid options: app-secret-key"
        );
    }

    #[test]
    fn json_logging_env_and_files() {
        let json_logging = PaasConfig {
            logging_format: LoggingFormat::Json,
            ..PaasConfig::default()
        };
        let values = config(json!({}));
        let inputs = EnvInputs {
            config: &values,
            base_url: "http://fastapi-k8s.test-model:8080",
            paas_config: &json_logging,
        };
        let mut env = Env::new();
        derived_env(&inputs, &mut env);
        assert_eq!(
            env.get("PYTHONPATH").as_deref(),
            Some("/tmp/fastapi/log_config")
        );
        assert_eq!(
            env.get("UVICORN_LOG_CONFIG").as_deref(),
            Some("/tmp/fastapi/log_config/uvicorn-log-config.json")
        );
        env.set("PYTHONPATH", "/opt/lib");
        derived_env(&inputs, &mut env);
        assert_eq!(
            env.get("PYTHONPATH").as_deref(),
            Some("/tmp/fastapi/log_config:/opt/lib")
        );
        let files = workload_files(&json_logging);
        assert_eq!(files.len(), 2);
        assert!(files[0].1.contains("class UvicornJsonFormatter"));
        assert!(files[1]
            .1
            .contains("uvicorn_log_handler.OtelCorrelationFilter"));

        let plain = PaasConfig::default();
        let inputs = EnvInputs {
            paas_config: &plain,
            ..inputs
        };
        let mut env = Env::new();
        derived_env(&inputs, &mut env);
        assert!(env.is_empty());
        assert!(workload_files(&plain).is_empty());
    }
}
