//! JSON text read with one of serde_json's two readers. `serde_json::from_str` and
//! `serde_json::from_slice` each compile a whole parser (about 10 KB of every charm binary for
//! the pair's second one); the hook reads hook-tool output and Pebble responses as bytes, so
//! text is read through the same byte reader. On valid UTF-8, which a `&str` always is, the
//! two readers accept the same documents, give the same values and report the same errors.

use serde::de::DeserializeOwned;

/// `serde_json::from_str`, through serde_json's byte reader.
pub(crate) fn from_str<T: DeserializeOwned>(text: &str) -> serde_json::Result<T> {
    serde_json::from_slice(text.as_bytes())
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    /// Same values and same error messages as `serde_json::from_str`.
    #[test]
    fn reads_as_from_str_does() {
        for text in [
            r#"{"a": [1, 2.5, "é\u00e9\ud83d\ude00"], "b": null}"#,
            "[true, false]",
            "  \"x\"  ",
        ] {
            let ours: Value = super::from_str(text).expect("valid");
            let theirs: Value = serde_json::from_str(text).expect("valid");
            assert_eq!(ours, theirs);
        }
        assert_eq!(
            super::from_str::<Value>(r#"{"k": "v"}"#).expect("valid"),
            json!({"k": "v"})
        );
        for bad in ["", "{", "[1,]", r#"{"a" 1}"#, r#""\ud800""#, "1 2", "nul"] {
            let ours = super::from_str::<Value>(bad).expect_err("invalid");
            let theirs = serde_json::from_str::<Value>(bad).expect_err("invalid");
            assert_eq!(ours.to_string(), theirs.to_string(), "{bad:?}");
        }
    }
}
