//! The six frameworks: their fixed identity (container, service, directories, prefixes) and
//! their behaviour (options, env, layer, files), one module each.

pub mod cos_assets;
pub mod django;
pub mod expressjs;
pub mod fastapi;
pub mod flask;
pub mod go;
pub mod gunicorn;
pub mod log_dir;
pub mod options;
pub mod spring_boot;
pub mod spring_properties;
#[cfg(test)]
pub(crate) mod test_world;

use std::fmt;

use crate::config::ConfigError;
use crate::env::Env;
use crate::integration::{
    Contributions, Forms, FrameworkFacts, Integration, IntegrationSet, OwnVariables, WorkloadFacts,
};
use crate::juju::{ConfigValues, Status};
use crate::paas_config::PaasConfig;

/// A paas-charm framework.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FrameworkKind {
    /// Flask (Gunicorn).
    Flask,
    /// Django (Gunicorn).
    Django,
    /// FastAPI (Uvicorn).
    FastApi,
    /// Go.
    Go,
    /// Express.js.
    ExpressJs,
    /// Spring Boot.
    SpringBoot,
}

/// The fixed facts of a framework (frameworks.md §0.1, §0.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FrameworkInfo {
    /// Which framework.
    pub kind: FrameworkKind,
    /// The framework name (`flask`, ..., `spring-boot`).
    pub name: &'static str,
    /// The workload container (1.x: `flask-app`, `django-app`, else `app`).
    pub container: &'static str,
    /// The main Pebble service.
    pub service: &'static str,
    /// The base directory (`/flask`, `/django`, `/app`).
    pub base_dir: &'static str,
    /// The application directory (migrations, `--check-config` cwd).
    pub app_dir: &'static str,
    /// Where `original-services.json` lives.
    pub services_state_dir: &'static str,
    /// Where `database-migration-status` lives.
    pub migration_state_dir: &'static str,
    /// Prefix of user options, base URL, peer secret key and peer FQDNs.
    pub config_prefix: &'static str,
    /// Prefix of framework-model fields.
    pub framework_prefix: &'static str,
    /// The peer application-bag key of the generated secret key.
    pub secret_key_field: &'static str,
    /// Whether `framework_logging_format: json` is supported.
    pub json_logging: bool,
}

impl FrameworkKind {
    /// Every framework, in documentation order.
    pub const ALL: [FrameworkKind; 6] = [
        FrameworkKind::Flask,
        FrameworkKind::Django,
        FrameworkKind::FastApi,
        FrameworkKind::Go,
        FrameworkKind::ExpressJs,
        FrameworkKind::SpringBoot,
    ];

    /// The framework's fixed facts.
    pub const fn info(self) -> &'static FrameworkInfo {
        match self {
            FrameworkKind::Flask => &FLASK,
            FrameworkKind::Django => &DJANGO,
            FrameworkKind::FastApi => &FASTAPI,
            FrameworkKind::Go => &GO,
            FrameworkKind::ExpressJs => &EXPRESSJS,
            FrameworkKind::SpringBoot => &SPRING_BOOT,
        }
    }

    /// Looks a framework up by its name (`spring-boot`, `fastapi`, ...).
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.info().name == name)
    }

    /// Whether the framework runs Gunicorn (Flask and Django).
    pub fn is_gunicorn(self) -> bool {
        matches!(self, FrameworkKind::Flask | FrameworkKind::Django)
    }
}

impl fmt::Display for FrameworkKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.info().name)
    }
}

const FLASK: FrameworkInfo = FrameworkInfo {
    kind: FrameworkKind::Flask,
    name: "flask",
    container: "flask-app",
    service: "flask",
    base_dir: "/flask",
    app_dir: "/flask/app",
    services_state_dir: "/tmp/flask/state",
    migration_state_dir: "/tmp/flask/state",
    config_prefix: "FLASK_",
    framework_prefix: "FLASK_",
    secret_key_field: "flask_secret_key",
    json_logging: true,
};

const DJANGO: FrameworkInfo = FrameworkInfo {
    kind: FrameworkKind::Django,
    name: "django",
    container: "django-app",
    service: "django",
    base_dir: "/django",
    app_dir: "/django/app",
    services_state_dir: "/tmp/django/state",
    migration_state_dir: "/tmp/django/state",
    config_prefix: "DJANGO_",
    framework_prefix: "DJANGO_",
    secret_key_field: "django_secret_key",
    json_logging: true,
};

const FASTAPI: FrameworkInfo = FrameworkInfo {
    kind: FrameworkKind::FastApi,
    name: "fastapi",
    container: "app",
    service: "fastapi",
    base_dir: "/app",
    app_dir: "/app",
    services_state_dir: "/tmp/fastapi/state",
    migration_state_dir: "/tmp/fastapi/state",
    config_prefix: "APP_",
    framework_prefix: "",
    secret_key_field: "fastapi_secret_key",
    json_logging: true,
};

const GO: FrameworkInfo = FrameworkInfo {
    kind: FrameworkKind::Go,
    name: "go",
    container: "app",
    service: "go",
    base_dir: "/app",
    app_dir: "/app",
    services_state_dir: "/tmp/go/state",
    migration_state_dir: "/tmp/go/state",
    config_prefix: "APP_",
    framework_prefix: "APP_",
    secret_key_field: "go_secret_key",
    json_logging: false,
};

const EXPRESSJS: FrameworkInfo = FrameworkInfo {
    kind: FrameworkKind::ExpressJs,
    name: "expressjs",
    container: "app",
    service: "expressjs",
    base_dir: "/app",
    app_dir: "/app",
    services_state_dir: "/app/state",
    migration_state_dir: "/tmp/expressjs/state",
    config_prefix: "APP_",
    framework_prefix: "",
    secret_key_field: "expressjs_secret_key",
    json_logging: false,
};

const SPRING_BOOT: FrameworkInfo = FrameworkInfo {
    kind: FrameworkKind::SpringBoot,
    name: "spring-boot",
    container: "app",
    service: "spring-boot",
    base_dir: "/app",
    app_dir: "/app",
    services_state_dir: "/app/state",
    migration_state_dir: "/tmp/spring-boot/state",
    config_prefix: "APP_",
    framework_prefix: "",
    secret_key_field: "spring-boot_secret_key",
    json_logging: false,
};

/// An action a framework declares (Charmcraft's extension), as the reconcile runs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrameworkAction {
    /// `rotate-secret-key`: the leader stores a new peer secret key, then reconciles.
    RotateSecretKey,
    /// Django's `create-superuser` (frameworks.md §13.2).
    CreateSuperuser,
}

/// The action `kind` declares under `name`, looked up in the framework's action table at run
/// time (a charm's attribute generates the same lookup as a `match`:
/// [`crate::Charm::framework_action`]).
pub fn action(kind: FrameworkKind, name: &str) -> Option<FrameworkAction> {
    let spec = paas_charm_requirements::framework(kind.info().name)?;
    let action = spec.actions.iter().find(|action| action.name == name)?;
    match action.handler {
        "RotateSecretKey" => Some(FrameworkAction::RotateSecretKey),
        "CreateSuperuser" => Some(FrameworkAction::CreateSuperuser),
        _ => None,
    }
}

/// Whether this release of the runtime implements the framework's behaviour.
pub fn is_supported(kind: FrameworkKind) -> bool {
    matches!(
        kind,
        FrameworkKind::Flask
            | FrameworkKind::Django
            | FrameworkKind::FastApi
            | FrameworkKind::Go
            | FrameworkKind::ExpressJs
            | FrameworkKind::SpringBoot
    )
}

/// The fields of the framework's config model (user options renamed onto them are dropped).
pub fn model_fields(kind: FrameworkKind) -> &'static [&'static str] {
    match kind {
        FrameworkKind::Flask => flask::MODEL_FIELDS,
        FrameworkKind::Django => django::MODEL_FIELDS,
        FrameworkKind::FastApi => fastapi::MODEL_FIELDS,
        FrameworkKind::Go => go::MODEL_FIELDS,
        FrameworkKind::ExpressJs => expressjs::MODEL_FIELDS,
        FrameworkKind::SpringBoot => spring_boot::MODEL_FIELDS,
    }
}

/// Validates the framework options; returns the framework-model variables.
pub fn framework_env(
    kind: FrameworkKind,
    config: &ConfigValues,
    secret_key: Option<&str>,
) -> Result<Vec<(String, String)>, ConfigError> {
    match kind {
        FrameworkKind::Flask => flask::framework_env(config, secret_key),
        FrameworkKind::Django => django::framework_env(config, secret_key),
        FrameworkKind::FastApi => fastapi::framework_env(config, secret_key),
        FrameworkKind::Go => go::GoConfig::from_config(config, secret_key).map(|c| c.env()),
        FrameworkKind::ExpressJs => {
            expressjs::ExpressJsConfig::from_config(config, secret_key).map(|c| c.env())
        }
        FrameworkKind::SpringBoot => {
            spring_boot::SpringBootConfig::from_config(config, secret_key).map(|c| c.env())
        }
    }
}

/// Ports and metrics of the workload (frameworks.md §0.5). Gunicorn frameworks use fixed
/// values in 1.x.
pub fn workload_facts(
    kind: FrameworkKind,
    config: &ConfigValues,
) -> Result<WorkloadFacts, ConfigError> {
    // Go, Express.js and Spring Boot: the options as the model reads them (the `-id` secret
    // was checked before, with the whole model, by `state::check_framework_config`).
    let key = config.get("app-secret-key").and_then(|v| v.as_str());
    match kind {
        FrameworkKind::Go => go::GoConfig::from_config(config, key).map(|c| c.workload()),
        FrameworkKind::ExpressJs => {
            expressjs::ExpressJsConfig::from_config(config, key).map(|c| c.workload())
        }
        FrameworkKind::SpringBoot => {
            spring_boot::SpringBootConfig::from_config(config, key).map(|c| c.workload())
        }
        FrameworkKind::Flask | FrameworkKind::Django => Ok(WorkloadFacts {
            app_port: 8000,
            metrics_port: Some(9102),
            metrics_path: Some("/metrics".into()),
        }),
        FrameworkKind::FastApi => fastapi::workload_facts(config, key),
    }
}

/// The framework's own additions after the integrations' variables (frameworks.md §5.1 step 9,
/// §9.1): Spring Boot's actuator properties, `OTEL_*_EXPORTER=none` without tracing and
/// `server.forward-headers-strategy`.
pub fn finish_env(
    kind: FrameworkKind,
    workload: &WorkloadFacts,
    contributions: &Contributions,
    env: &mut Env,
) {
    if kind == FrameworkKind::SpringBoot {
        spring_boot::finish_env(workload, contributions.tracing_ready, env);
    }
}

/// What the framework tells integrations: its container and prefix, the COS files it ships,
/// and the forms in which it takes their data. A `const fn`: where the charm type is known,
/// `const { facts(C::FRAMEWORK) }` names one framework's facts, and the binary holds only that
/// framework's COS assets.
///
/// ```
/// use paas_charm_runtime::framework::{facts, FrameworkKind};
///
/// const GO: &paas_charm_runtime::integration::FrameworkFacts = facts(FrameworkKind::Go);
/// assert_eq!(GO.container, "app");
/// assert_eq!(GO.cos_assets.grafana_dashboards.len(), 1);
/// ```
pub const fn facts(kind: FrameworkKind) -> &'static FrameworkFacts {
    macro_rules! facts {
        ($info:expr, $forms:expr) => {{
            static FACTS: FrameworkFacts = FrameworkFacts {
                container: $info.container,
                config_prefix: $info.config_prefix,
                cos_assets: cos_assets::of($info.kind),
                forms: &$forms,
            };
            &FACTS
        }};
    }
    match kind {
        FrameworkKind::Flask => facts!(FLASK, OwnVariables),
        FrameworkKind::Django => facts!(DJANGO, OwnVariables),
        FrameworkKind::FastApi => facts!(FASTAPI, OwnVariables),
        FrameworkKind::Go => facts!(GO, OwnVariables),
        FrameworkKind::ExpressJs => facts!(EXPRESSJS, OwnVariables),
        FrameworkKind::SpringBoot => facts!(SPRING_BOOT, spring_properties::SpringForms),
    }
}

/// How `kind` takes the data integrations provide (without its COS assets).
pub fn forms(kind: FrameworkKind) -> &'static dyn Forms {
    match kind {
        FrameworkKind::SpringBoot => &spring_properties::SpringForms,
        _ => &OwnVariables,
    }
}

/// One integration's part of the environment: its own variables, or the framework's forms of
/// its data (Spring Boot's properties), or both (frameworks.md §5.1 step 8).
pub fn integration_env(info: &FrameworkInfo, integration: &dyn Integration, env: &mut Env) {
    let provided = match info.kind {
        FrameworkKind::SpringBoot => integration.provided(),
        _ => None,
    };
    let forms = forms(info.kind);
    if !provided.as_ref().is_some_and(|data| forms.replaces(data)) {
        integration.env(env);
    }
    if let Some(data) = &provided {
        spring_properties::render(data, env);
    }
}

/// What a framework's last step of environment generation sees (frameworks.md §5.1 step 9).
#[derive(Debug, Clone, Copy)]
pub struct EnvInputs<'a> {
    /// The raw config values.
    pub config: &'a ConfigValues,
    /// The base URL (ingress URL or `http://<app>.<model>:<port>`).
    pub base_url: &'a str,
    /// The charm's `paas-config.yaml`.
    pub paas_config: &'a PaasConfig,
}

/// The framework's own variables derived from the whole reconcile (Django's allowed hosts
/// from the base URL, FastAPI's JSON-logging variables), added after the generic ones.
pub fn derived_env(kind: FrameworkKind, inputs: &EnvInputs<'_>, env: &mut Env) {
    match kind {
        FrameworkKind::Django => django::derived_env(inputs, env),
        FrameworkKind::FastApi => fastapi::derived_env(inputs, env),
        _ => {}
    }
}

/// A framework's own readiness rule, judged after the generic ones (Django needs a database).
pub fn blocked(kind: FrameworkKind, integrations: &mut dyn IntegrationSet) -> Option<Status> {
    match kind {
        FrameworkKind::Django => django::blocked(integrations),
        _ => None,
    }
}

/// Files the framework pushes into the workload before every restart: (path, content).
pub fn workload_files(
    kind: FrameworkKind,
    paas_config: &PaasConfig,
) -> Vec<(String, &'static str)> {
    match kind {
        FrameworkKind::FastApi => fastapi::workload_files(paas_config),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each framework's actions, from its table, run with the handler the table names.
    #[test]
    fn every_declared_action_has_its_handler() {
        for kind in FrameworkKind::ALL {
            let spec = paas_charm_requirements::framework(kind.info().name).expect("a spec");
            for declared in spec.actions {
                let handler = action(kind, declared.name).expect("a handler");
                assert_eq!(format!("{handler:?}"), declared.handler, "{kind}");
            }
            assert_eq!(action(kind, "greet"), None);
        }
        assert_eq!(
            action(FrameworkKind::Django, "create-superuser"),
            Some(FrameworkAction::CreateSuperuser)
        );
        assert_eq!(action(FrameworkKind::Flask, "create-superuser"), None);
        assert_eq!(
            action(FrameworkKind::Go, "rotate-secret-key"),
            Some(FrameworkAction::RotateSecretKey)
        );
    }
}
