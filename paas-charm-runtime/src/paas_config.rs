//! `paas-config.yaml` with the keys paas-charm 1.x accepts: `framework_logging_format` and
//! `prometheus.scrape_configs` (frameworks.md §0.7, §3).

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use crate::config::{ConfigError, Problem};

/// The framework log format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LoggingFormat {
    /// The framework's own format.
    #[default]
    None,
    /// Structured JSON logs.
    Json,
}

/// One static config of a scrape job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaticConfig {
    /// Targets (`host:port`, `*:port` or `@scheduler:port`).
    pub targets: Vec<String>,
    /// Labels, when given (in file order).
    pub labels: Option<Vec<(String, String)>>,
}

/// One scrape job from `prometheus.scrape_configs`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScrapeConfig {
    /// The job name.
    pub job_name: String,
    /// The metrics path (default `/metrics`).
    pub metrics_path: String,
    /// The static configs.
    pub static_configs: Vec<StaticConfig>,
}

/// The parsed `paas-config.yaml`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PaasConfig {
    /// `framework_logging_format`.
    pub logging_format: LoggingFormat,
    /// `prometheus.scrape_configs`.
    pub scrape_configs: Vec<ScrapeConfig>,
}

/// `paas-config.yaml` cannot be used. The message is the Blocked status we set (paas-charm
/// fails the hook with the same text).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PaasConfigError {
    /// Not YAML.
    #[error("Invalid YAML in paas-config.yaml: {0}")]
    Yaml(String),
    /// Cannot be read.
    #[error("Failed to read paas-config.yaml: {0}")]
    Read(String),
    /// Schema violations.
    #[error("Invalid paas-config.yaml: {0}")]
    Invalid(ConfigError),
    /// Not a mapping at the top level.
    #[error("Invalid paas-config.yaml: the top level must be a mapping, found {0}")]
    NotAMapping(&'static str),
    /// JSON logging on a framework without it.
    #[error("framework_logging_format 'LoggingFormat.JSON' is not supported for the '{0}' framework. Supported frameworks: ['django', 'fastapi', 'flask'].")]
    JsonLoggingUnsupported(&'static str),
}

impl PaasConfig {
    /// Reads `<charm dir>/paas-config.yaml` (absent → defaults).
    pub fn load(charm_dir: &Path) -> Result<Self, PaasConfigError> {
        let path = charm_dir.join("paas-config.yaml");
        match std::fs::read_to_string(&path) {
            Ok(text) => Self::parse(&text),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(err) => Err(PaasConfigError::Read(err.to_string())),
        }
    }

    /// Parses the file's text.
    pub fn parse(text: &str) -> Result<Self, PaasConfigError> {
        if text.trim().is_empty() {
            return Ok(Self::default());
        }
        let value =
            crate::yaml::to_json_value(text).map_err(|e| PaasConfigError::Yaml(e.message))?;
        Self::from_value(&value)
    }

    /// Validates a parsed document (the scenario format gives it as JSON).
    pub fn from_value(value: &Value) -> Result<Self, PaasConfigError> {
        let map = match value {
            Value::Null => return Ok(Self::default()),
            Value::Object(map) => map,
            other => return Err(PaasConfigError::NotAMapping(json_kind(other))),
        };
        let mut errors = ConfigError::default();
        let mut config = PaasConfig::default();
        for (key, value) in map {
            match key.as_str() {
                "framework_logging_format" => match value {
                    Value::Null => {}
                    Value::String(s) if s == "none" => {}
                    Value::String(s) if s == "json" => config.logging_format = LoggingFormat::Json,
                    _ => errors.merge(ConfigError::invalid("framework-logging-format")),
                },
                "prometheus" => match parse_prometheus(value) {
                    Ok(jobs) => config.scrape_configs = jobs,
                    Err(e) => errors.merge(e),
                },
                other => errors.merge(ConfigError::invalid(dashed(other))),
            }
        }
        errors.into_result().map_err(PaasConfigError::Invalid)?;
        Ok(config)
    }

    /// Rejects JSON logging on frameworks without it (`framework`: the framework's name,
    /// `json_logging`: whether it supports JSON logging).
    pub fn check_framework(
        &self,
        framework: &'static str,
        json_logging: bool,
    ) -> Result<(), PaasConfigError> {
        if self.logging_format == LoggingFormat::Json && !json_logging {
            return Err(PaasConfigError::JsonLoggingUnsupported(framework));
        }
        Ok(())
    }
}

fn dashed(location: &str) -> String {
    location.replace('_', "-")
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

fn parse_prometheus(value: &Value) -> Result<Vec<ScrapeConfig>, ConfigError> {
    let map = match value {
        Value::Null => return Ok(Vec::new()),
        Value::Object(map) => map,
        _ => return Err(ConfigError::invalid("prometheus")),
    };
    let mut errors = ConfigError::default();
    let mut jobs = Vec::new();
    for (key, value) in map {
        if key != "scrape_configs" {
            errors.merge(ConfigError::invalid(format!("prometheus.{}", dashed(key))));
            continue;
        }
        match value {
            Value::Null => {}
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    match parse_job(item, &format!("prometheus.scrape-configs.{i}")) {
                        Ok(job) => jobs.push(job),
                        Err(e) => errors.merge(e),
                    }
                }
            }
            _ => errors.merge(ConfigError::invalid("prometheus.scrape-configs")),
        }
    }
    if errors.is_empty() {
        let mut seen = BTreeMap::new();
        for job in &jobs {
            *seen.entry(job.job_name.as_str()).or_insert(0) += 1;
        }
        if seen.values().any(|count| *count > 1) {
            errors.merge(ConfigError::invalid("prometheus"));
        }
    }
    errors.into_result()?;
    Ok(jobs)
}

fn parse_job(value: &Value, at: &str) -> Result<ScrapeConfig, ConfigError> {
    let Value::Object(map) = value else {
        return Err(ConfigError::invalid(at));
    };
    let mut errors = ConfigError::default();
    let mut job_name = None;
    let mut metrics_path = "/metrics".to_owned();
    let mut static_configs = None;
    for (key, value) in map {
        match (key.as_str(), value) {
            ("job_name", Value::String(s)) => job_name = Some(s.clone()),
            ("metrics_path", Value::String(s)) => metrics_path = s.clone(),
            ("static_configs", Value::Array(items)) => {
                let mut configs = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    match parse_static(item, &format!("{at}.static-configs.{i}")) {
                        Ok(c) => configs.push(c),
                        Err(e) => errors.merge(e),
                    }
                }
                static_configs = Some(configs);
            }
            ("job_name" | "metrics_path" | "static_configs", _) => {
                errors.merge(ConfigError::invalid(format!("{at}.{}", dashed(key))));
            }
            (other, _) => errors.merge(ConfigError::invalid(format!("{at}.{}", dashed(other)))),
        }
    }
    if job_name.is_none() && !map.contains_key("job_name") {
        errors
            .problems
            .insert(Problem::Missing(format!("{at}.job-name")));
    }
    if static_configs.is_none() && !map.contains_key("static_configs") {
        errors
            .problems
            .insert(Problem::Missing(format!("{at}.static-configs")));
    }
    errors.into_result()?;
    Ok(ScrapeConfig {
        job_name: job_name.unwrap_or_default(),
        metrics_path,
        static_configs: static_configs.unwrap_or_default(),
    })
}

fn parse_static(value: &Value, at: &str) -> Result<StaticConfig, ConfigError> {
    let Value::Object(map) = value else {
        return Err(ConfigError::invalid(at));
    };
    let mut errors = ConfigError::default();
    let mut targets = None;
    let mut labels = None;
    for (key, value) in map {
        match key.as_str() {
            "targets" => {
                let list: Option<Vec<String>> = value.as_array().and_then(|items| {
                    items
                        .iter()
                        .map(|t| t.as_str().map(str::to_owned))
                        .collect()
                });
                match list {
                    Some(list) if list.iter().all(|t| valid_target(t)) => targets = Some(list),
                    _ => errors.merge(ConfigError::invalid(format!("{at}.targets"))),
                }
            }
            "labels" => {
                let map: Option<Vec<(String, String)>> = match value {
                    Value::Null => Some(Vec::new()),
                    Value::Object(m) => m
                        .iter()
                        .map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_owned())))
                        .collect(),
                    _ => None,
                };
                match map {
                    Some(m) if !value.is_null() => labels = Some(m),
                    Some(_) => {}
                    None => errors.merge(ConfigError::invalid(format!("{at}.labels"))),
                }
            }
            other => errors.merge(ConfigError::invalid(format!("{at}.{}", dashed(other)))),
        }
    }
    if targets.is_none() && !map.contains_key("targets") {
        errors
            .problems
            .insert(Problem::Missing(format!("{at}.targets")));
    }
    errors.into_result()?;
    Ok(StaticConfig {
        targets: targets.unwrap_or_default(),
        labels,
    })
}

/// `@scheduler` targets must be `@scheduler:<digits>`.
fn valid_target(target: &str) -> bool {
    match target.strip_prefix("@scheduler") {
        None => true,
        Some(rest) => rest
            .strip_prefix(':')
            .is_some_and(|port| !port.is_empty() && port.chars().all(|c| c.is_ascii_digit())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FLASK_EXAMPLE: &str = r#"
framework_logging_format: json
prometheus:
  scrape_configs:
    - job_name: flask-app-custom
      metrics_path: /metrics
      static_configs:
        - targets: ["*:8081"]
          labels: {app: flask, env: example}
    - job_name: flask-scheduler-metrics
      static_configs:
        - targets: ["@scheduler:8082"]
          labels: {role: scheduler}
"#;

    fn message(text: &str) -> String {
        PaasConfig::parse(text).unwrap_err().to_string()
    }

    #[test]
    fn reads_the_flask_example() {
        let config = PaasConfig::parse(FLASK_EXAMPLE).expect("valid");
        assert_eq!(config.logging_format, LoggingFormat::Json);
        assert_eq!(config.scrape_configs.len(), 2);
        assert_eq!(config.scrape_configs[1].metrics_path, "/metrics");
        assert_eq!(
            config.scrape_configs[0].static_configs[0].labels,
            Some(vec![
                ("app".into(), "flask".into()),
                ("env".into(), "example".into())
            ])
        );
        assert!(config.check_framework("flask", true).is_ok());
        assert_eq!(
            config.check_framework("go", false).unwrap_err().to_string(),
            "framework_logging_format 'LoggingFormat.JSON' is not supported for the 'go' framework. Supported frameworks: ['django', 'fastapi', 'flask']."
        );
    }

    #[test]
    fn empty_and_null_mean_defaults() {
        assert_eq!(PaasConfig::parse("").expect("empty"), PaasConfig::default());
        assert_eq!(
            PaasConfig::parse("  \n").expect("blank"),
            PaasConfig::default()
        );
        assert_eq!(
            PaasConfig::parse("framework_logging_format: null")
                .expect("null")
                .logging_format,
            LoggingFormat::None
        );
    }

    #[test]
    fn errors_use_the_short_form() {
        assert_eq!(
            message("port: 8080"),
            "Invalid paas-config.yaml:         invalid options: port"
        );
        assert_eq!(
            message("metrics_port: 1"),
            "Invalid paas-config.yaml:         invalid options: metrics-port"
        );
        assert_eq!(
            message("framework_logging_format: JSON"),
            "Invalid paas-config.yaml:         invalid options: framework-logging-format"
        );
        assert_eq!(
            message("prometheus:\n  scrape_configs:\n    - {job_name: a, static_configs: []}\n    - {job_name: a, static_configs: []}\n"),
            "Invalid paas-config.yaml:         invalid options: prometheus"
        );
        for target in ["@scheduler", "@scheduler:", "@scheduler:abc"] {
            assert_eq!(
                message(&format!("prometheus:\n  scrape_configs:\n    - job_name: a\n      static_configs: [{{targets: ['{target}']}}]\n")),
                "Invalid paas-config.yaml:         invalid options: prometheus.scrape-configs.0.static-configs.0.targets",
                "{target}"
            );
        }
        assert!(message("a: [").starts_with("Invalid YAML in paas-config.yaml: "));
        assert!(message("- a\n- b").contains("top level must be a mapping"));
        assert_eq!(
            message("prometheus:\n  scrape_configs:\n    - metrics_path: /x\n"),
            "Invalid paas-config.yaml: missing options: prometheus.scrape-configs.0.job-name, prometheus.scrape-configs.0.static-configs        "
        );
    }
}
