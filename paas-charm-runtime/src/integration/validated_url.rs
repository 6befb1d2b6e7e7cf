//! URLs as pydantic validates and serialises them (`AnyUrl`, `AnyHttpUrl`): pydantic-core
//! uses the WHATWG parser of the `url` crate, so parsing with it and printing the result gives
//! the text paas-charm hands on (integrations.md §1.8: `http://tempo:4318` →
//! `http://tempo:4318/`, host lower-cased, default port dropped).

use crate::untrusted::quoted;

/// Why a text is not the URL a model field asks for. The text it holds is the provider's,
/// already made safe for a status or a log line ([`crate::untrusted::quoted`]: credentials
/// masked as `user:***@`, control characters escaped, capped), quotes included.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlProblem {
    /// The WHATWG parser rejects it (no scheme, bad port, ...).
    #[error("{text} is not a valid URL ({reason})")]
    Unparsable {
        /// The text, quoted and made safe.
        text: String,
        /// The parser's reason.
        reason: String,
    },
    /// An http(s) URL was expected.
    #[error("{0} is not an http or https URL")]
    NotHttp(String),
    /// The URL has no host.
    #[error("{0} has no host")]
    NoHost(String),
}

/// Validates `text` as pydantic's `AnyUrl` and returns its serialised form.
pub fn any_url(text: &str) -> Result<String, UrlProblem> {
    parse(text).map(|url| url.to_string())
}

/// Validates `text` as pydantic's `AnyHttpUrl` (http or https with a host) and returns its
/// serialised form.
pub fn http_url(text: &str) -> Result<String, UrlProblem> {
    let url = parse(text)?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(UrlProblem::NotHttp(quoted(text)));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(UrlProblem::NoHost(quoted(text)));
    }
    Ok(url.to_string())
}

fn parse(text: &str) -> Result<url::Url, UrlProblem> {
    url::Url::parse(text).map_err(|e| UrlProblem::Unparsable {
        text: quoted(text),
        reason: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_as_pydantic_does() {
        assert_eq!(
            http_url("http://tempo:4318").as_deref(),
            Ok("http://tempo:4318/")
        );
        assert_eq!(http_url("http://Host:80").as_deref(), Ok("http://host/"));
        assert_eq!(
            http_url("https://Tempo.Example.com:443/otlp").as_deref(),
            Ok("https://tempo.example.com/otlp")
        );
        assert_eq!(
            http_url("https://paas.example.com/test-model-flask-k8s").as_deref(),
            Ok("https://paas.example.com/test-model-flask-k8s")
        );
        assert_eq!(http_url("http://h?x=1").as_deref(), Ok("http://h/?x=1"));
        assert_eq!(
            any_url("redis://Host:6379").as_deref(),
            Ok("redis://Host:6379")
        );
    }

    #[test]
    fn rejects_what_pydantic_rejects() {
        assert!(matches!(
            any_url("not a url"),
            Err(UrlProblem::Unparsable { .. })
        ));
        assert!(matches!(
            any_url("http://invalid:port"),
            Err(UrlProblem::Unparsable { .. })
        ));
        assert!(matches!(
            http_url("paas.example.com/app"),
            Err(UrlProblem::Unparsable { .. })
        ));
        assert_eq!(
            http_url("ftp://files.example.com/"),
            Err(UrlProblem::NotHttp("\"ftp://files.example.com/\"".into()))
        );
    }

    #[test]
    fn problems_never_quote_credentials_or_raw_controls() {
        let err = http_url("ftp://alice:s3cret@files.example.com/").unwrap_err();
        assert_eq!(
            err.to_string(),
            "\"ftp://alice:***@files.example.com/\" is not an http or https URL"
        );
        let err = any_url("http://bob:pw@h:port\n\u{202e}").unwrap_err();
        assert_eq!(
            err.to_string(),
            "\"http://bob:***@h:port\\n\\u{202e}\" is not a valid URL (invalid port number)"
        );
        let huge = format!("http://u:p@h:port/{}", "x".repeat(1_000_000));
        let text = any_url(&huge).err().map(|e| e.to_string());
        assert!(text.as_ref().is_some_and(|t| t.chars().count() < 320));
        assert!(text.is_some_and(|t| t.starts_with("\"http://u:***@h:port/xxx")));
    }
}
