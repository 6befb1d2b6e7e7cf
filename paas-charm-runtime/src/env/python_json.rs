//! JSON text exactly as Python's `json.dumps` writes it with default settings: `", "` between
//! items, `": "` after keys, non-ASCII escaped as `\u` and four hex digits, keys in insertion order.

use serde_json::Value;

/// `json.dumps(value)` for a JSON value.
pub fn dumps(value: &Value) -> String {
    let mut out = String::new();
    write_value(&mut out, value);
    // A growing buffer can hold twice the text; a snapshot of a bag with a megabyte value
    // lives until the hook ends, so give the spare room back.
    out.shrink_to_fit();
    out
}

/// `json.dumps(text)` for a string: the quoted, escaped string.
pub fn dumps_str(text: &str) -> String {
    let mut out = String::new();
    write_str(&mut out, text);
    out
}

/// Renders a config value as paas-charm does for the environment: strings as they are,
/// everything else through [`dumps`].
pub fn encode_env_value(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => dumps(other),
    }
}

fn write_value(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(n) => write_number(out, n),
        Value::String(s) => write_str(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_value(out, item);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (k, v)) in map.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_str(out, k);
                out.push_str(": ");
                write_value(out, v);
            }
            out.push('}');
        }
    }
}

fn write_number(out: &mut String, n: &serde_json::Number) {
    if let Some(f) = n.as_f64().filter(|_| n.is_f64()) {
        out.push_str(&python_float_repr(f));
    } else {
        out.push_str(&n.to_string());
    }
}

/// Python's `repr(float)`: shortest round-trip digits, `1.0` for integral values, exponent form
/// outside 1e-4..1e16 (`1e+16`, `1e-05`), `Infinity`/`NaN` as `json.dumps` writes them.
pub fn python_float_repr(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 {
            "Infinity".into()
        } else {
            "-Infinity".into()
        };
    }
    if f == 0.0 {
        return if f.is_sign_negative() {
            "-0.0".into()
        } else {
            "0.0".into()
        };
    }
    // Shortest round-trip digits and decimal exponent, from Rust's `{:e}` form.
    let sci = format!("{f:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let negative = mantissa.starts_with('-');
    let digits: String = mantissa.chars().filter(|c| c.is_ascii_digit()).collect();
    let sign = if negative { "-" } else { "" };
    if !(-4..16).contains(&exp) {
        let mut m = digits[..1].to_owned();
        if digits.len() > 1 {
            m.push('.');
            m.push_str(&digits[1..]);
        }
        let esign = if exp < 0 { '-' } else { '+' };
        return format!("{sign}{m}e{esign}{:02}", exp.abs());
    }
    let point = exp + 1; // digits before the decimal point
    let text = if point <= 0 {
        format!("0.{}{}", "0".repeat((-point) as usize), digits)
    } else if point as usize >= digits.len() {
        format!("{}{}.0", digits, "0".repeat(point as usize - digits.len()))
    } else {
        format!(
            "{}.{}",
            &digits[..point as usize],
            &digits[point as usize..]
        )
    };
    format!("{sign}{text}")
}

fn write_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || (c as u32) > 0x7e => {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn matches_python_json_dumps() {
        assert_eq!(
            dumps(&json!(["test.local", "django-k8s.test-model"])),
            r#"["test.local", "django-k8s.test-model"]"#
        );
        assert_eq!(
            dumps(&json!({"k": "v", "n": 1, "b": false, "z": null})),
            r#"{"k": "v", "n": 1, "b": false, "z": null}"#
        );
        assert_eq!(dumps(&json!("é✓😀")), r#""\u00e9\u2713\ud83d\ude00""#);
        assert_eq!(dumps(&json!("tab\tquote\"")), r#""tab\tquote\"""#);
        assert_eq!(dumps(&json!([])), "[]");
        assert_eq!(dumps(&json!({})), "{}");
    }

    #[test]
    fn floats_use_python_repr() {
        for (f, text) in [
            (1.5, "1.5"),
            (1.0, "1.0"),
            (10.0, "10.0"),
            (0.1, "0.1"),
            (1e16, "1e+16"),
            (1.5e16, "1.5e+16"),
            (123456789012345.0, "123456789012345.0"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (-2.5, "-2.5"),
            (f64::INFINITY, "Infinity"),
        ] {
            assert_eq!(python_float_repr(f), text, "{f}");
        }
        assert_eq!(encode_env_value(&json!(1.5)), "1.5");
        assert_eq!(encode_env_value(&json!(42)), "42");
        assert_eq!(encode_env_value(&json!(true)), "true");
        assert_eq!(encode_env_value(&json!("as is")), "as is");
    }
}
