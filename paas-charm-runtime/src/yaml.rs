//! The one place YAML is parsed or written (charm metadata, `paas-config.yaml`, Pebble layers
//! and plans).

use serde::de::DeserializeOwned;
use serde::Serialize;

/// YAML that could not be read or written.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct YamlError {
    /// serde_yaml's description, with line and column when known.
    pub message: String,
    /// 1-based line of the problem, when known.
    pub line: Option<usize>,
    /// 1-based column of the problem, when known.
    pub column: Option<usize>,
}

impl From<serde_yaml::Error> for YamlError {
    fn from(err: serde_yaml::Error) -> Self {
        let location = err.location();
        Self {
            message: err.to_string(),
            line: location.as_ref().map(|l| l.line()),
            column: location.as_ref().map(|l| l.column()),
        }
    }
}

/// Parses YAML text into `T`.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    Ok(serde_yaml::from_str(text)?)
}

/// Parses YAML text into a JSON value (mappings keep their order).
pub fn to_json_value(text: &str) -> Result<serde_json::Value, YamlError> {
    let value: serde_yaml::Value = serde_yaml::from_str(text)?;
    serde_json::to_value(value).map_err(|err| YamlError {
        message: format!("YAML that has no JSON form: {err}"),
        line: None,
        column: None,
    })
}

/// Writes `value` as YAML.
pub fn to_string<T: Serialize>(value: &T) -> Result<String, YamlError> {
    Ok(serde_yaml::to_string(value)?)
}

/// Writes `value` as YAML into `writer` (the same text as [`to_string`], never held whole).
pub fn to_writer<W: std::io::Write, T: Serialize>(writer: W, value: &T) -> Result<(), YamlError> {
    Ok(serde_yaml::to_writer(writer, value)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_line_and_column() {
        let err = from_str::<serde_json::Value>("a: [1, 2\nb: c").unwrap_err();
        assert!(err.line.is_some());
        assert!(!err.message.is_empty());
    }

    #[test]
    fn yaml_mappings_become_json() {
        let value = to_json_value("b: 1\na: [x, true]\n").expect("valid yaml");
        assert_eq!(value, serde_json::json!({"b": 1, "a": ["x", true]}));
    }
}
