//! Django's framework options (1.x names), `DJANGO_ALLOWED_HOSTS`, the database requirement
//! and the `create-superuser` action (frameworks.md §0.4, §4.2, §11.3, §13.2). Gunicorn, which
//! Django shares with Flask, is in [`super::gunicorn`].

use std::collections::BTreeMap;
use std::ops::ControlFlow;

use serde_json::Value;

use super::EnvInputs;
use crate::config::ConfigError;
use crate::env::python_json::{dumps, encode_env_value};
use crate::env::url::urlparse;
use crate::env::Env;
use crate::framework::FrameworkInfo;
use crate::integration::IntegrationSet;
use crate::juju::{Bag, ConfigValues, HookToolError, Juju, Status};
use crate::pebble::{ExecRequest, Pebble};
use crate::secret_storage::{token_urlsafe, SecretStorageError};

/// The fields of paas-charm's Django config model (user options renamed onto them are dropped).
pub const MODEL_FIELDS: &[&str] = &["debug", "secret_key", "allowed_hosts"];

/// The integrations whose data counts as "a database" for Django's readiness rule.
pub const DATABASES: &[&str] = &["postgresql", "mysql", "mongodb"];

/// Blocked when no database integration has data (frameworks.md §11.3 step 7).
pub const DATABASE_REQUIRED: &str = "Django requires a database integration to work";

/// How `create-superuser` fails when the charm is not ready (1.x text).
pub const NOT_READY: &str = "django-app container is not ready";

/// Validates the `django-*` options and returns the `DJANGO_*` variables known before the base
/// URL (`DJANGO_DEBUG`, `DJANGO_SECRET_KEY`); `DJANGO_ALLOWED_HOSTS` comes in [`derived_env`].
/// `secret_key` is the resolved `django-secret-key` (or the `value` of `django-secret-key-id`).
pub fn framework_env(
    config: &ConfigValues,
    secret_key: Option<&str>,
) -> Result<Vec<(String, String)>, ConfigError> {
    let mut errors = ConfigError::default();
    let mut env = Vec::new();
    let present = |name: &str| config.get(name).filter(|v| !v.is_null());

    if let Some(value) = present("django-debug") {
        match boolean(value) {
            Some(b) => env.push(("DJANGO_DEBUG".to_owned(), encode_env_value(&b.into()))),
            None => errors.merge(ConfigError::invalid("django-debug")),
        }
    }
    if let Some(key) = secret_key {
        if key.is_empty() {
            errors.merge(ConfigError::invalid("django-secret-key"));
        } else {
            env.push(("DJANGO_SECRET_KEY".to_owned(), key.to_owned()));
        }
    }
    if let Some(value) = present("django-allowed-hosts") {
        if !value.is_string() {
            errors.merge(ConfigError::invalid("django-allowed-hosts"));
        }
    }
    errors.into_result()?;
    Ok(env)
}

/// A boolean as pydantic's lax `bool` takes it (`true`, `"yes"`, `1`, ...).
fn boolean(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(b) => Some(*b),
        Value::String(s) => match s.to_lowercase().as_str() {
            "true" | "1" | "yes" | "on" | "t" | "y" => Some(true),
            "false" | "0" | "no" | "off" | "f" | "n" => Some(false),
            _ => None,
        },
        Value::Number(n) => match n.as_i64() {
            Some(1) => Some(true),
            Some(0) => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// `django-allowed-hosts` split on `,` and stripped (empty items kept, an empty option is no
/// host), then the base URL's host name appended when it is not already there.
pub fn allowed_hosts(config: &ConfigValues, base_url: &str) -> Vec<Value> {
    let mut hosts: Vec<Value> = match config.get("django-allowed-hosts").and_then(Value::as_str) {
        Some(text) if !text.is_empty() => text
            .split(',')
            .map(|h| Value::String(h.trim().to_owned()))
            .collect(),
        _ => Vec::new(),
    };
    // `urlsplit(base_url).hostname`: `None` (JSON null) when the URL has no host.
    let host = urlparse(base_url)
        .ok()
        .and_then(|url| url.hostname())
        .map_or(Value::Null, Value::String);
    if !hosts.contains(&host) {
        hosts.push(host);
    }
    hosts
}

/// Adds `DJANGO_ALLOWED_HOSTS`, which depends on the base URL (so on ingress).
pub fn derived_env(inputs: &EnvInputs<'_>, env: &mut Env) {
    let hosts = allowed_hosts(inputs.config, inputs.base_url);
    env.set("DJANGO_ALLOWED_HOSTS", dumps(&Value::Array(hosts)));
}

/// Django's extra readiness rule: at least one database integration has data.
pub fn blocked(integrations: &mut dyn IntegrationSet) -> Option<Status> {
    let has_database = integrations
        .for_each(&mut |i| {
            if DATABASES.contains(&i.name()) && i.is_ready() {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        })
        .is_break();
    (!has_database).then(|| Status::blocked(DATABASE_REQUIRED))
}

/// Why the `create-superuser` action could not finish (the hook fails).
#[derive(Debug, thiserror::Error)]
pub enum SuperuserError {
    /// A hook tool failed.
    #[error(transparent)]
    Tool(#[from] HookToolError),
    /// No password could be generated.
    #[error(transparent)]
    SecretStorage(#[from] SecretStorageError),
}

/// The `create-superuser` action once readiness was judged: runs
/// `python3 manage.py createsuperuser --noinput` with a fresh password and the app's
/// environment, and returns the password (frameworks.md §13.2).
pub fn create_superuser(
    juju: &mut Juju,
    pebble: &mut dyn Pebble,
    framework: &FrameworkInfo,
    env: &Env,
) -> Result<(), SuperuserError> {
    let params = juju.action_params()?;
    let param = |name: &str| params.get(name).and_then(Value::as_str).map(str::to_owned);
    let (Some(username), Some(email)) = (param("username"), param("email")) else {
        // Juju enforces both (they are required); paas-charm would crash without them.
        juju.action_fail("create-superuser needs the string parameters username and email")?;
        return Ok(());
    };
    let password = token_urlsafe(16).map_err(SecretStorageError::Random)?;
    let mut environment = BTreeMap::from([
        ("DJANGO_SUPERUSER_PASSWORD".to_owned(), password.clone()),
        ("DJANGO_SUPERUSER_USERNAME".to_owned(), username),
        ("DJANGO_SUPERUSER_EMAIL".to_owned(), email),
    ]);
    environment.extend(env.to_strings());
    let request = ExecRequest {
        command: ["python3", "manage.py", "createsuperuser", "--noinput"]
            .map(String::from)
            .to_vec(),
        environment,
        working_dir: Some(framework.app_dir.to_owned()),
        combine_stderr: true,
        ..ExecRequest::default()
    };
    match pebble.exec(&request) {
        Ok(output) if output.success() => {
            juju.action_set(&Bag::from([("password".to_owned(), password)]))?
        }
        Ok(output) => juju.action_fail(&output.stdout)?,
        // paas-charm lets a Pebble failure crash the hook; we fail the action saying why.
        Err(err) => juju.action_fail(&format!("cannot run manage.py createsuperuser: {err}"))?,
    }
    Ok(())
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

    fn hosts(value: Value, base_url: &str) -> String {
        dumps(&Value::Array(allowed_hosts(&config(value), base_url)))
    }

    #[test]
    fn options_become_django_variables() {
        let vars = framework_env(&config(json!({"django-debug": true})), Some("foobar")).unwrap();
        assert_eq!(
            vars,
            [
                ("DJANGO_DEBUG".to_owned(), "true".to_owned()),
                ("DJANGO_SECRET_KEY".to_owned(), "foobar".to_owned())
            ]
        );
        let vars = framework_env(&config(json!({"django-debug": false})), None).unwrap();
        assert_eq!(vars, [("DJANGO_DEBUG".to_owned(), "false".to_owned())]);
        assert!(framework_env(&config(json!({})), None).unwrap().is_empty());
    }

    #[test]
    fn invalid_values_give_paas_charm_messages() {
        let message =
            |value: Value, key: Option<&str>| framework_env(&config(value), key).unwrap_err();
        assert_eq!(
            message(json!({}), Some("")).to_string(),
            "        invalid options: django-secret-key"
        );
        assert_eq!(
            message(json!({"django-debug": "maybe"}), None).to_string(),
            "        invalid options: django-debug"
        );
        assert_eq!(
            message(
                json!({"django-allowed-hosts": 3, "django-debug": 7}),
                Some("")
            )
            .to_string(),
            "        invalid options: django-allowed-hosts, django-debug, django-secret-key"
        );
    }

    #[test]
    fn allowed_hosts_follow_paas_charm() {
        let internal = "http://django-k8s.test-model:8000";
        assert_eq!(hosts(json!({}), internal), r#"["django-k8s.test-model"]"#);
        assert_eq!(
            hosts(json!({"django-allowed-hosts": ""}), internal),
            r#"["django-k8s.test-model"]"#
        );
        assert_eq!(
            hosts(json!({"django-allowed-hosts": "test.local"}), internal),
            r#"["test.local", "django-k8s.test-model"]"#
        );
        assert_eq!(
            hosts(
                json!({"django-allowed-hosts": "django-k8s.test-model"}),
                "https://django-k8s.test-model/"
            ),
            r#"["django-k8s.test-model"]"#
        );
        assert_eq!(
            hosts(
                json!({"django-allowed-hosts": "example.com, www.example.com,"}),
                "https://Django.Example.com:8443/path"
            ),
            r#"["example.com", "www.example.com", "", "django.example.com"]"#
        );
        assert_eq!(
            hosts(json!({}), "http://oldjuju.test/"),
            r#"["oldjuju.test"]"#
        );
        assert_eq!(
            hosts(json!({"django-allowed-hosts": "ünï.test"}), internal),
            r#"["\u00fcn\u00ef.test", "django-k8s.test-model"]"#
        );
    }
}
