//! The one place this crate parses and writes YAML (charmcraft.yaml in, the `.charm`'s
//! metadata.yaml, config.yaml, actions.yaml and manifest.yaml out), as JSON values.

use serde_json::Value;

/// charmcraft.yaml (or any YAML text) as a JSON value; the error has the line and column.
pub fn parse(text: &str) -> Result<Value, String> {
    serde_yaml::from_str::<Value>(text).map_err(|err| err.to_string())
}

/// A value as YAML text.
pub fn write(value: &Value) -> Result<String, String> {
    serde_yaml::to_string(value).map_err(|err| err.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_reports_bad_text() {
        let value = parse("a: [1, two]\nb: {c: true}\n").expect("parses");
        assert_eq!(
            value,
            serde_json::json!({"a": [1, "two"], "b": {"c": true}})
        );
        assert_eq!(
            parse(&write(&value).expect("writes")).expect("parses"),
            value
        );
        assert!(parse("a: [1\n").expect_err("bad").contains("line"));
    }
}
