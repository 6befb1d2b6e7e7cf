//! Flask's framework options (1.x names), their validation and their `FLASK_*` variables
//! (frameworks.md §0.4, §4.2).

use serde_json::Value;

use crate::config::ConfigError;
use crate::env::python_json::encode_env_value;
use crate::juju::ConfigValues;

/// The fields of paas-charm's Flask config model (user options renamed onto them are dropped).
pub const MODEL_FIELDS: &[&str] = &[
    "env",
    "debug",
    "secret_key",
    "permanent_session_lifetime",
    "application_root",
    "session_cookie_secure",
    "preferred_url_scheme",
];

/// Validates the `flask-*` options and returns the `FLASK_*` variables of the set ones.
/// `secret_key` is the resolved `flask-secret-key` (or the `value` of `flask-secret-key-id`).
pub fn framework_env(
    config: &ConfigValues,
    secret_key: Option<&str>,
) -> Result<Vec<(String, String)>, ConfigError> {
    let mut errors = ConfigError::default();
    let mut env = Vec::new();
    let mut put = |field: &str, value: Value| {
        env.push((
            format!("FLASK_{}", field.to_uppercase()),
            encode_env_value(&value),
        ));
    };
    let present = |name: &str| config.get(name).filter(|v| !v.is_null());

    if let Some(value) = present("flask-env") {
        match value.as_str() {
            Some(s) if !s.is_empty() => put("env", value.clone()),
            _ => errors.merge(ConfigError::invalid("flask-env")),
        }
    }
    if let Some(value) = present("flask-debug") {
        match as_bool(value) {
            Some(b) => put("debug", Value::Bool(b)),
            None => errors.merge(ConfigError::invalid("flask-debug")),
        }
    }
    if let Some(key) = secret_key {
        if key.is_empty() {
            errors.merge(ConfigError::invalid("flask-secret-key"));
        } else {
            put("secret_key", Value::String(key.to_owned()));
        }
    }
    if let Some(value) = present("flask-permanent-session-lifetime") {
        match value.as_i64() {
            Some(n) if n > 0 => put("permanent_session_lifetime", Value::from(n)),
            _ => errors.merge(ConfigError::invalid("flask-permanent-session-lifetime")),
        }
    }
    if let Some(value) = present("flask-application-root") {
        match value.as_str() {
            Some(s) if !s.is_empty() => put("application_root", value.clone()),
            _ => errors.merge(ConfigError::invalid("flask-application-root")),
        }
    }
    if let Some(value) = present("flask-session-cookie-secure") {
        match as_bool(value) {
            Some(b) => put("session_cookie_secure", Value::Bool(b)),
            None => errors.merge(ConfigError::invalid("flask-session-cookie-secure")),
        }
    }
    if let Some(value) = present("flask-preferred-url-scheme") {
        match value.as_str().map(str::to_uppercase) {
            Some(scheme) if scheme == "HTTP" || scheme == "HTTPS" => {
                put("preferred_url_scheme", Value::String(scheme))
            }
            _ => errors.merge(ConfigError::invalid("flask-preferred-url-scheme")),
        }
    }
    errors.into_result()?;
    Ok(env)
}

fn as_bool(value: &Value) -> Option<bool> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn env(config: Value, key: Option<&str>) -> Result<Vec<(String, String)>, ConfigError> {
        let Value::Object(map) = config else {
            unreachable!("object literal")
        };
        framework_env(&map, key)
    }

    #[test]
    fn options_become_flask_variables() {
        let vars = env(
            json!({"flask-env": "prod", "flask-debug": true, "flask-preferred-url-scheme": "hTtP",
                   "flask-permanent-session-lifetime": 1, "flask-session-cookie-secure": false,
                   "flask-application-root": "/"}),
            Some("1234"),
        )
        .unwrap();
        let get = |k: &str| vars.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        assert_eq!(get("FLASK_ENV"), Some("prod"));
        assert_eq!(get("FLASK_DEBUG"), Some("true"));
        assert_eq!(get("FLASK_PREFERRED_URL_SCHEME"), Some("HTTP"));
        assert_eq!(get("FLASK_PERMANENT_SESSION_LIFETIME"), Some("1"));
        assert_eq!(get("FLASK_SESSION_COOKIE_SECURE"), Some("false"));
        assert_eq!(get("FLASK_APPLICATION_ROOT"), Some("/"));
        assert_eq!(get("FLASK_SECRET_KEY"), Some("1234"));
    }

    #[test]
    fn invalid_values_give_paas_charm_messages() {
        let message = |config: Value, key: Option<&str>| env(config, key).unwrap_err().to_string();
        assert_eq!(
            message(json!({"flask-env": ""}), None),
            "        invalid options: flask-env"
        );
        assert_eq!(
            message(json!({"flask-preferred-url-scheme": "tls"}), None),
            "        invalid options: flask-preferred-url-scheme"
        );
        assert_eq!(
            message(json!({"flask-permanent-session-lifetime": 0}), None),
            "        invalid options: flask-permanent-session-lifetime"
        );
        assert_eq!(
            message(json!({}), Some("")),
            "        invalid options: flask-secret-key"
        );
        assert_eq!(
            message(
                json!({"flask-env": "", "flask-permanent-session-lifetime": -1}),
                None
            ),
            "        invalid options: flask-env, flask-permanent-session-lifetime"
        );
    }
}
