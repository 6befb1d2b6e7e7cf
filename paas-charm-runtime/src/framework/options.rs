//! Reading framework options the way paas-charm's pydantic models do: lax integers
//! (`"8080"`, `8080.0` and `true` are accepted, `8080.5` is not), `gt=0` and `min_length=1`
//! constraints, and every problem collected under the option's Juju name (frameworks.md §4.2,
//! §4.6). Shared by the frameworks whose model is a plain set of typed fields.

use serde_json::Value;

use crate::config::ConfigError;
use crate::juju::ConfigValues;

/// Python's integer conversion under pydantic's lax mode.
pub fn lax_int(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n.as_i64().or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                .map(|f| f as i64)
        }),
        Value::String(s) => s.trim().parse().ok(),
        Value::Bool(b) => Some(i64::from(*b)),
        _ => None,
    }
}

/// Reads typed options from the charm config, collecting the problems.
#[derive(Debug)]
pub struct OptionReader<'a> {
    config: &'a ConfigValues,
    errors: ConfigError,
}

impl<'a> OptionReader<'a> {
    /// A reader over the charm's config values.
    pub fn new(config: &'a ConfigValues) -> Self {
        Self {
            config,
            errors: ConfigError::default(),
        }
    }

    fn present(&self, name: &str) -> Option<&'a Value> {
        self.config.get(name).filter(|v| !v.is_null())
    }

    fn invalid(&mut self, name: &str) {
        self.errors.merge(ConfigError::invalid(name));
    }

    /// An integer field with `gt=0`. `None` when the option is unset (or invalid).
    pub fn positive_int(&mut self, name: &str) -> Option<i64> {
        let value = self.present(name)?;
        match lax_int(value) {
            Some(n) if n > 0 => Some(n),
            _ => {
                self.invalid(name);
                None
            }
        }
    }

    /// A TCP port field (`gt=0`). paas-charm sets no upper bound and later fails the hook on a
    /// port Juju cannot open; a value above 65535 is reported as an invalid option here.
    pub fn port(&mut self, name: &str) -> Option<u16> {
        let n = self.positive_int(name)?;
        match u16::try_from(n) {
            Ok(port) => Some(port),
            Err(_) => {
                self.invalid(name);
                None
            }
        }
    }

    /// A string field with `min_length=1`. `None` when unset (or invalid).
    pub fn non_empty_string(&mut self, name: &str) -> Option<String> {
        let value = self.present(name)?;
        match value.as_str() {
            Some(s) if !s.is_empty() => Some(s.to_owned()),
            _ => {
                self.invalid(name);
                None
            }
        }
    }

    /// The resolved secret key (the key option, or the `value` of its `-id` secret) checked
    /// as a `min_length=1` field named after `option`.
    pub fn secret_key(&mut self, option: &str, key: Option<&str>) -> Option<String> {
        match key {
            Some("") => {
                self.invalid(option);
                None
            }
            Some(key) => Some(key.to_owned()),
            None => None,
        }
    }

    /// `Ok(())` when every option read was valid, else every problem at once.
    pub fn finish(self) -> Result<(), ConfigError> {
        self.errors.into_result()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn config(value: Value) -> ConfigValues {
        match value {
            Value::Object(map) => map,
            _ => ConfigValues::new(),
        }
    }

    #[test]
    fn integers_are_read_leniently_like_pydantic() {
        assert_eq!(lax_int(&json!(8080)), Some(8080));
        assert_eq!(lax_int(&json!("8080")), Some(8080));
        assert_eq!(lax_int(&json!(8080.0)), Some(8080));
        assert_eq!(lax_int(&json!(true)), Some(1));
        assert_eq!(lax_int(&json!(8080.5)), None);
        assert_eq!(lax_int(&json!("eighty")), None);
        assert_eq!(lax_int(&json!([1])), None);
    }

    #[test]
    fn constraints_and_collected_problems() {
        let values = config(json!({
            "a-port": 0, "b-port": 70000, "c-port": "9090", "path": "", "name": 5, "ok": "x"
        }));
        let mut reader = OptionReader::new(&values);
        assert_eq!(reader.port("a-port"), None);
        assert_eq!(reader.port("b-port"), None);
        assert_eq!(reader.port("c-port"), Some(9090));
        assert_eq!(reader.port("unset"), None);
        assert_eq!(reader.non_empty_string("path"), None);
        assert_eq!(reader.non_empty_string("name"), None);
        assert_eq!(reader.non_empty_string("ok").as_deref(), Some("x"));
        assert_eq!(reader.secret_key("app-secret-key", Some("")), None);
        assert_eq!(
            reader.finish().unwrap_err().to_string(),
            "        invalid options: a-port, app-secret-key, b-port, name, path"
        );
    }
}
