//! The value coercions paas-charm's pydantic models apply to Juju option values (pydantic's
//! "lax" mode), shared by the framework modules.

use serde_json::Value;

/// An integer as pydantic's lax `int` takes it: an integer, a float without fractional part,
/// a string holding an integer, or a boolean. `None` when pydantic rejects the value.
pub fn int(value: &Value) -> Option<i64> {
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

/// A boolean as pydantic's lax `bool` takes it (`true`, `"yes"`, `1`, ...).
pub fn boolean(value: &Value) -> Option<bool> {
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

/// A string: pydantic does not turn numbers or booleans into `str`.
pub fn string(value: &Value) -> Option<&str> {
    value.as_str()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn integers() {
        assert_eq!(int(&json!(8080)), Some(8080));
        assert_eq!(int(&json!(8080.0)), Some(8080));
        assert_eq!(int(&json!(" 42 ")), Some(42));
        assert_eq!(int(&json!(true)), Some(1));
        assert_eq!(int(&json!(1.5)), None);
        assert_eq!(int(&json!("many")), None);
        assert_eq!(int(&json!(null)), None);
    }

    #[test]
    fn booleans_and_strings() {
        assert_eq!(boolean(&json!(true)), Some(true));
        assert_eq!(boolean(&json!("Off")), Some(false));
        assert_eq!(boolean(&json!(1)), Some(true));
        assert_eq!(boolean(&json!(2)), None);
        assert_eq!(boolean(&json!("maybe")), None);
        assert_eq!(string(&json!("a")), Some("a"));
        assert_eq!(string(&json!(1)), None);
    }
}
