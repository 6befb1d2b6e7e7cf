//! The charm state paas-charm builds before every handler: validated framework options,
//! user-defined options (with secret contents) and the peer secret storage
//! (frameworks.md §4, §0.3–§0.6).

use serde_json::Value;

use crate::config::{ConfigError, Problem};
use crate::env::python_json::encode_env_value;
use crate::framework::{self, FrameworkInfo};
use crate::juju::{Bag, CharmMeta, ConfigValues, HookToolError, Juju, OptionType, SecretQuery};
use crate::secret_storage::PeerState;

/// The state built from config and the peer relation.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CharmState {
    /// The raw config values.
    pub config: ConfigValues,
    /// Framework-model variables (with the framework prefix), in model order.
    pub framework_env: Vec<(String, String)>,
    /// User-defined option variables (with the config prefix).
    pub user_env: Vec<(String, String)>,
    /// The peer relation.
    pub peer: PeerState,
}

/// Building the state failed.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    /// Invalid configuration: Blocked with this message.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// A hook tool failed.
    #[error(transparent)]
    Tool(#[from] HookToolError),
}

/// The option holding the configured secret key (1.x names).
pub fn secret_key_option(framework: &FrameworkInfo) -> String {
    if framework.kind.is_gunicorn() {
        format!("{}-secret-key", framework.name)
    } else {
        "app-secret-key".to_owned()
    }
}

impl CharmState {
    /// Reads config (once), resolves secret options and validates everything.
    pub fn build(
        juju: &mut Juju,
        meta: &CharmMeta,
        framework: &'static FrameworkInfo,
    ) -> Result<Self, StateError> {
        let config = juju.config()?.clone();
        let mut errors = ConfigError::default();

        let key_option = secret_key_option(framework);
        let secret_key = match resolve_secret_key(juju, &config, &key_option) {
            Ok(key) => key,
            Err(StateError::Config(e)) => {
                errors.merge(e);
                None
            }
            Err(other) => return Err(other),
        };
        let framework_env =
            match framework::framework_env(framework.kind, &config, secret_key.as_deref()) {
                Ok(env) => env,
                Err(e) => {
                    errors.merge(e);
                    Vec::new()
                }
            };
        let user_env = match user_env(juju, meta, framework, &config) {
            Ok(env) => env,
            Err(StateError::Config(e)) => {
                errors.merge(e);
                Vec::new()
            }
            Err(other) => return Err(other),
        };
        errors.into_result()?;
        let peer = PeerState::load(juju, framework.secret_key_field)?;
        Ok(Self {
            config,
            framework_env,
            user_env,
            peer,
        })
    }
}

/// Validates the framework config model as paas-charm 1.x's charm constructor does for the
/// frameworks other than Flask and Django (frameworks.md §4.5, §0.9): the `-id` secret is
/// resolved first (its problems are reported alone, as a pydantic "before" validator's are),
/// then the options. paas-charm fails every hook on these; the caller blocks instead.
pub fn check_framework_config(
    juju: &mut Juju,
    framework: &'static FrameworkInfo,
) -> Result<(), StateError> {
    let config = juju.config()?.clone();
    let key = resolve_secret_key(juju, &config, &secret_key_option(framework))?;
    framework::framework_env(framework.kind, &config, key.as_deref())?;
    Ok(())
}

fn truthy(value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null) => false,
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Bool(b)) => *b,
        Some(_) => true,
    }
}

/// The configured key: the key option, or the `value` of the `-id` secret (frameworks.md §4.3).
fn resolve_secret_key(
    juju: &mut Juju,
    config: &ConfigValues,
    key_option: &str,
) -> Result<Option<String>, StateError> {
    let id_option = format!("{key_option}-id");
    let key = config
        .get(key_option)
        .and_then(Value::as_str)
        .map(str::to_owned);
    if !truthy(config.get(&id_option)) {
        return Ok(key);
    }
    if truthy(config.get(key_option)) {
        // "<id> and <key> are defined in the same time": a model-level error.
        return Err(ConfigError::invalid("").into());
    }
    let Some(id) = config.get(&id_option).and_then(Value::as_str) else {
        return Err(ConfigError::invalid(id_option).into());
    };
    let content = read_secret(juju, id, &id_option)?;
    match (content.get("value"), content.len()) {
        (Some(value), 1) => Ok(Some(value.clone())),
        _ => Err(ConfigError::invalid("").into()),
    }
}

/// Reads a secret-typed option's content at its latest revision. A secret that cannot be
/// read makes the option invalid (paas-charm fails the hook; we say which option).
fn read_secret(juju: &mut Juju, id: &str, option: &str) -> Result<Bag, StateError> {
    let query = SecretQuery {
        id: Some(id.to_owned()),
        label: None,
        refresh: true,
        peek: false,
    };
    match juju.secret(&query) {
        Ok(content) => Ok(content),
        Err(
            HookToolError::SecretNotFound { .. }
            | HookToolError::PermissionDenied { .. }
            | HookToolError::Failed { .. },
        ) => Err(ConfigError::invalid(option).into()),
        Err(other) => Err(other.into()),
    }
}

/// Whether an option is user-defined (not `<framework>-`, `webserver-` or `app-`).
pub fn is_user_option(framework: &FrameworkInfo, name: &str) -> bool {
    let own = format!("{}-", framework.name);
    !(name.starts_with(&own) || name.starts_with("webserver-") || name.starts_with("app-"))
}

/// User-defined options → `<P><NAME>` variables, validated against the metadata
/// (frameworks.md §4.4).
fn user_env(
    juju: &mut Juju,
    meta: &CharmMeta,
    framework: &'static FrameworkInfo,
    config: &ConfigValues,
) -> Result<Vec<(String, String)>, StateError> {
    let fields = framework::model_fields(framework.kind);
    let mut errors = ConfigError::default();
    // Validation against the metadata: every declared user-defined option.
    for (name, option) in &meta.config.options {
        if !is_user_option(framework, name) {
            continue;
        }
        match config.get(name).filter(|v| !v.is_null()) {
            None => {
                if option.optional == Some(false) {
                    errors.problems.insert(Problem::Missing(name.clone()));
                }
            }
            Some(value) => {
                let fits = match option.kind {
                    OptionType::String | OptionType::Secret => value.is_string(),
                    OptionType::Int => value.is_i64() || value.is_u64(),
                    OptionType::Float => value.is_number(),
                    OptionType::Boolean => value.is_boolean(),
                };
                if !fits {
                    errors.problems.insert(Problem::Invalid(name.clone()));
                }
            }
        }
    }
    errors.into_result()?;
    let mut env = Vec::new();
    for (name, value) in config {
        if value.is_null() || !is_user_option(framework, name) {
            continue;
        }
        let key = name.replace('-', "_");
        if fields.contains(&key.as_str()) {
            continue;
        }
        let is_secret = meta
            .config
            .options
            .get(name)
            .is_some_and(|o| o.kind == OptionType::Secret);
        let prefix = format!("{}{}", framework.config_prefix, key.to_uppercase());
        match (is_secret, value.as_str()) {
            (true, Some(id)) => {
                for (entry, text) in read_secret(juju, id, name)? {
                    env.push((
                        format!("{prefix}_{}", entry.replace('-', "_").to_uppercase()),
                        text,
                    ));
                }
            }
            _ => env.push((prefix, encode_env_value(value))),
        }
    }
    Ok(env)
}
