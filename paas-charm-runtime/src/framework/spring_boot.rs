//! Spring Boot with paas-charm 1.x's model (`SpringBootConfig`, no framework prefix):
//! `app-port` → `SERVER_PORT`, `app-profiles` → `APP_PROFILES` and `spring.profiles.active`,
//! `metrics-port` → `MANAGEMENT_SERVER_PORT`, `metrics-path` → `METRICS_PATH` and the actuator
//! properties, `app-secret-key` → `SECRET_KEY` (the peer key is always `APP_SECRET_KEY`);
//! without tracing the three `OTEL_*_EXPORTER=none`, and always
//! `server.forward-headers-strategy=framework` (frameworks.md §0.4, §0.5, §9.1;
//! integrations.md §3). The integrations give their own Spring forms through
//! `Integration::env`.

use super::options::OptionReader;
use crate::config::ConfigError;
use crate::env::Env;
use crate::integration::WorkloadFacts;
use crate::juju::ConfigValues;

/// The fields of paas-charm's Spring Boot config model. `metrics_port` is not one of them, so a
/// `metrics-port` option also leaks as `APP_METRICS_PORT` (frameworks.md §0.3).
pub const MODEL_FIELDS: &[&str] = &[
    "server_port",
    "app_profiles",
    "management_server_port",
    "metrics_path",
    "secret_key",
];

/// The port when `app-port` is unset (the model default).
pub const DEFAULT_PORT: u16 = 8080;
/// The metrics port when `metrics-port` is unset (the model default).
pub const DEFAULT_METRICS_PORT: u16 = 8080;
/// The metrics path when `metrics-path` is unset (the model default).
pub const DEFAULT_METRICS_PATH: &str = "/actuator/prometheus";

/// The validated Spring Boot options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpringBootConfig {
    /// `app-port` (> 0, default 8080).
    pub server_port: u16,
    /// `app-profiles` (non-empty), when set.
    pub app_profiles: Option<String>,
    /// `metrics-port` (> 0, default 8080).
    pub management_server_port: u16,
    /// `metrics-path` (non-empty and with at least one segment, default
    /// `/actuator/prometheus`).
    pub metrics_path: String,
    /// `app-secret-key` or the `value` of `app-secret-key-id`, when configured.
    pub secret_key: Option<String>,
}

impl SpringBootConfig {
    /// Validates the options; every invalid one is named in the error. A `metrics-path` with
    /// no segment (`/`) is invalid: paas-charm crashes building the actuator properties.
    pub fn from_config(
        config: &ConfigValues,
        secret_key: Option<&str>,
    ) -> Result<Self, ConfigError> {
        let mut read = OptionReader::new(config);
        let metrics_path = read.non_empty_string("metrics-path");
        let parsed = Self {
            server_port: read.port("app-port").unwrap_or(DEFAULT_PORT),
            app_profiles: read.non_empty_string("app-profiles"),
            management_server_port: read.port("metrics-port").unwrap_or(DEFAULT_METRICS_PORT),
            metrics_path: metrics_path
                .clone()
                .unwrap_or_else(|| DEFAULT_METRICS_PATH.to_owned()),
            secret_key: read.secret_key("app-secret-key", secret_key),
        };
        let mut errors = read.finish().err().unwrap_or_default();
        if metrics_path.is_some() && actuator_mapping(&parsed.metrics_path).is_none() {
            errors.merge(ConfigError::invalid("metrics-path"));
        }
        errors.into_result()?;
        Ok(parsed)
    }

    /// The framework-model variables (no prefix), plus `spring.profiles.active`.
    pub fn env(&self) -> Vec<(String, String)> {
        let mut env = vec![("SERVER_PORT".to_owned(), self.server_port.to_string())];
        if let Some(profiles) = &self.app_profiles {
            env.push(("APP_PROFILES".into(), profiles.clone()));
            env.push(("spring.profiles.active".into(), profiles.clone()));
        }
        env.push((
            "MANAGEMENT_SERVER_PORT".into(),
            self.management_server_port.to_string(),
        ));
        env.push(("METRICS_PATH".into(), self.metrics_path.clone()));
        if let Some(key) = &self.secret_key {
            env.push(("SECRET_KEY".into(), key.clone()));
        }
        env
    }

    /// The app port and the framework scrape job's target and path.
    pub fn workload(&self) -> WorkloadFacts {
        WorkloadFacts {
            app_port: self.server_port,
            metrics_port: Some(self.management_server_port),
            metrics_path: Some(self.metrics_path.clone()),
        }
    }
}

/// `management.endpoints.web.base-path` and `...path-mapping.prometheus` for a metrics path:
/// all segments but the last, and the last (`/actuator/prometheus` → `/actuator`,
/// `prometheus`). `None` when the path has no segment.
pub fn actuator_mapping(path: &str) -> Option<(String, String)> {
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let (last, rest) = segments.split_last()?;
    Some((format!("/{}", rest.join("/")), (*last).to_owned()))
}

/// Where Spring Boot's SAML properties point for the signing certificate
/// (`...credentials[0].certificate-location=file:/app/saml.cert`).
pub const SAML_CERTIFICATE_PATH: &str = "/app/saml.cert";

/// The SAML signing certificate file paas-charm pushes for Spring Boot when it builds the app
/// (frameworks.md §9.2): (path, content), the certificate wrapped in PEM markers unless it
/// already starts with the BEGIN line. The SAML integration adds it to the reconcile's files.
pub fn saml_certificate_file(signing_certificate: &str) -> (String, String) {
    const BEGIN: &str = "-----BEGIN CERTIFICATE-----";
    let content = if signing_certificate.starts_with(BEGIN) {
        signing_certificate.to_owned()
    } else {
        format!("{BEGIN}\n{signing_certificate}\n-----END CERTIFICATE-----")
    };
    (SAML_CERTIFICATE_PATH.to_owned(), content)
}

/// Spring Boot's additions after the integrations' variables.
pub fn finish_env(workload: &WorkloadFacts, tracing_ready: bool, env: &mut Env) {
    if !tracing_ready {
        for name in [
            "OTEL_TRACES_EXPORTER",
            "OTEL_METRICS_EXPORTER",
            "OTEL_LOGS_EXPORTER",
        ] {
            env.set(name, "none");
        }
    }
    if let Some((base, mapping)) = workload.metrics_path.as_deref().and_then(actuator_mapping) {
        env.set("management.endpoints.web.exposure.include", "prometheus");
        env.set("management.endpoints.web.base-path", base);
        env.set("management.endpoints.web.path-mapping.prometheus", mapping);
    }
    env.set("server.forward-headers-strategy", "framework");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::test_world::{charm_layer_yaml, env_of, run, ScenarioBuilder};
    use serde_json::{json, Value};

    fn parse(config: Value, key: Option<&str>) -> Result<SpringBootConfig, ConfigError> {
        let Value::Object(map) = config else {
            unreachable!("object literal")
        };
        SpringBootConfig::from_config(&map, key)
    }

    #[test]
    fn actuator_properties_from_the_metrics_path() {
        let mapping = |p: &str| actuator_mapping(p);
        assert_eq!(
            mapping("/actuator/prometheus"),
            Some(("/actuator".into(), "prometheus".into()))
        );
        assert_eq!(
            mapping("/alternative_metrics"),
            Some(("/".into(), "alternative_metrics".into()))
        );
        assert_eq!(mapping("/a/b/c"), Some(("/a/b".into(), "c".into())));
        assert_eq!(mapping("a//b/"), Some(("/a".into(), "b".into())));
        assert_eq!(mapping("/"), None);
    }

    #[test]
    fn saml_certificate_is_wrapped_once() {
        // spring-boot/springboot_saml_ingress: x509certs "MIIBexampleCERT".
        assert_eq!(
            saml_certificate_file("MIIBexampleCERT"),
            (
                "/app/saml.cert".to_owned(),
                "-----BEGIN CERTIFICATE-----\nMIIBexampleCERT\n-----END CERTIFICATE-----"
                    .to_owned()
            )
        );
        let pem = "-----BEGIN CERTIFICATE-----\nABC\n-----END CERTIFICATE-----";
        assert_eq!(saml_certificate_file(pem).1, pem);
    }

    #[test]
    fn options_become_spring_variables() {
        let spring = parse(
            json!({"app-port": 8081, "metrics-port": 8082, "metrics-path": "/alternative_metrics",
                   "app-profiles": "prod,postgresql"}),
            Some("spring-configured"),
        )
        .unwrap();
        let env: Vec<(String, String)> = spring.env();
        let get = |k: &str| env.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        assert_eq!(get("SERVER_PORT"), Some("8081"));
        assert_eq!(get("MANAGEMENT_SERVER_PORT"), Some("8082"));
        assert_eq!(get("METRICS_PATH"), Some("/alternative_metrics"));
        assert_eq!(get("APP_PROFILES"), Some("prod,postgresql"));
        assert_eq!(get("spring.profiles.active"), Some("prod,postgresql"));
        assert_eq!(get("SECRET_KEY"), Some("spring-configured"));
        assert_eq!(get("APP_SECRET_KEY"), None);
        let defaults = parse(json!({}), None).unwrap();
        assert_eq!(
            defaults.workload(),
            WorkloadFacts {
                app_port: 8080,
                metrics_port: Some(8080),
                metrics_path: Some("/actuator/prometheus".into()),
            }
        );
        assert_eq!(defaults.env().len(), 3);
    }

    #[test]
    fn finishing_adds_actuator_otel_and_forward_headers() {
        let mut env = Env::new();
        let workload = parse(json!({}), None).unwrap().workload();
        finish_env(&workload, false, &mut env);
        assert_eq!(env.get("OTEL_TRACES_EXPORTER").as_deref(), Some("none"));
        assert_eq!(env.get("OTEL_METRICS_EXPORTER").as_deref(), Some("none"));
        assert_eq!(env.get("OTEL_LOGS_EXPORTER").as_deref(), Some("none"));
        assert_eq!(
            env.get("management.endpoints.web.base-path").as_deref(),
            Some("/actuator")
        );
        assert_eq!(
            env.get("server.forward-headers-strategy").as_deref(),
            Some("framework")
        );
        assert!(!env.contains("management.server.port"));
        let mut traced = Env::new();
        finish_env(&workload, true, &mut traced);
        assert!(!traced.contains("OTEL_TRACES_EXPORTER"));
        assert_eq!(traced.len(), 4);
    }

    #[test]
    fn invalid_values_give_paas_charm_messages() {
        let message =
            |config: Value, key: Option<&str>| parse(config, key).unwrap_err().to_string();
        for (config, option) in [
            (json!({"app-port": 0}), "app-port"),
            (json!({"app-port": "eighty"}), "app-port"),
            (json!({"app-profiles": ""}), "app-profiles"),
            (json!({"metrics-port": 0}), "metrics-port"),
            (json!({"metrics-port": 65536}), "metrics-port"),
            (json!({"metrics-path": ""}), "metrics-path"),
            (json!({"metrics-path": "/"}), "metrics-path"),
            (json!({"metrics-path": "///"}), "metrics-path"),
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
        assert_eq!(
            message(json!({"app-profiles": "", "metrics-path": "/"}), None),
            "        invalid options: app-profiles, metrics-path"
        );
    }

    fn spring_scenario() -> ScenarioBuilder {
        ScenarioBuilder::new(
            "spring-boot",
            include_str!("../../../examples/spring-boot/charmcraft.yaml"),
        )
        .rock(
            json!({"spring-boot": {"override": "replace", "startup": "enabled",
                 "command": "bash -c \"java -jar *.jar\"", "user": "_daemon_",
                 "working-dir": "/app"}}),
        )
    }

    #[test]
    fn env_and_layer_snapshot() {
        let out = run(spring_scenario()
            .config(json!({"app-port": 8081, "metrics-port": 8082,
                           "metrics-path": "/alternative_metrics",
                           "app-profiles": "prod,postgresql",
                           "app-secret-key": "spring-configured"}))
            .relation(json!({
                "endpoint": "postgresql", "interface": "postgresql_client", "id": 2,
                "remote_app_name": "postgresql-k8s",
                "remote_app_data": {"database": "spring-boot-k8s",
                                    "endpoints": "test-postgresql:5432",
                                    "username": "test-username", "password": "test-password"},
                "remote_units_data": {"0": {}},
                "local_app_data": {"database": "spring-boot-k8s"},
                "local_unit_data": {}
            })));
        assert_eq!(out["unit_status"], json!({"name": "active", "message": ""}));
        assert_eq!(
            out["opened_ports"],
            json!([{"port": 8081, "protocol": "tcp"}])
        );
        insta::assert_yaml_snapshot!("spring_boot_env", env_of(&out, "spring-boot"));
        insta::assert_snapshot!("spring_boot_layer", charm_layer_yaml(&out));
    }

    #[test]
    fn rotate_secret_key_changes_only_the_peer_key() {
        let out = run(spring_scenario()
            .config(json!({"app-secret-key": "configured"}))
            .event("action:rotate-secret-key")
            .set("event_args", json!({"params": {}})));
        assert_eq!(
            out["action"],
            json!({"name": "rotate-secret-key", "failed": false,
                   "results": {"status": "success"}})
        );
        let env = env_of(&out, "spring-boot");
        let new_key = out["relations"][0]["local_app_data"]["spring-boot_secret_key"].clone();
        assert_ne!(new_key, json!("test"));
        assert_eq!(new_key.as_str().map(str::len), Some(86));
        assert_eq!(env["APP_SECRET_KEY"], new_key);
        assert_eq!(env["SECRET_KEY"], json!("configured"));
    }

    #[test]
    fn invalid_option_blocks() {
        for (config, message) in [
            (
                json!({"metrics-path": "/"}),
                "        invalid options: metrics-path",
            ),
            (
                json!({"app-profiles": ""}),
                "        invalid options: app-profiles",
            ),
        ] {
            let out = run(spring_scenario().config(config));
            assert_eq!(
                out["unit_status"],
                json!({"name": "blocked", "message": message})
            );
            assert_eq!(out["opened_ports"], json!([]));
        }
    }

    #[test]
    fn paas_config_json_logging_and_2_0_keys_block() {
        let out =
            run(spring_scenario().set("paas_config", json!({"framework_logging_format": "json"})));
        assert_eq!(
            out["unit_status"],
            json!({"name": "blocked", "message": "framework_logging_format 'LoggingFormat.JSON' is not supported for the 'spring-boot' framework. Supported frameworks: ['django', 'fastapi', 'flask']."})
        );
        let out = run(spring_scenario().set("paas_config", json!({"port": 8081})));
        assert_eq!(
            out["unit_status"],
            json!({"name": "blocked", "message": "Invalid paas-config.yaml:         invalid options: port"})
        );
        let out =
            run(spring_scenario().set("paas_config", json!({"framework_logging_format": "none"})));
        let message = out["unit_status"]["message"].as_str().unwrap_or_default();
        assert!(!message.contains("paas-config") && !message.contains("logging"));
    }
}
