//! URLs as pydantic validates and serialises them (`AnyUrl`, `AnyHttpUrl`): pydantic-core
//! uses the WHATWG parser of the `url` crate, so parsing with it and printing the result gives
//! the text paas-charm hands on (integrations.md §1.8: `http://tempo:4318` →
//! `http://tempo:4318/`, host lower-cased, default port dropped).

/// Why a text is not the URL a model field asks for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlProblem {
    /// The WHATWG parser rejects it (no scheme, bad port, ...).
    #[error("{text:?} is not a valid URL ({reason})")]
    Unparsable {
        /// The text.
        text: String,
        /// The parser's reason.
        reason: String,
    },
    /// An http(s) URL was expected.
    #[error("{0:?} is not an http or https URL")]
    NotHttp(String),
    /// The URL has no host.
    #[error("{0:?} has no host")]
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
        return Err(UrlProblem::NotHttp(text.to_owned()));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(UrlProblem::NoHost(text.to_owned()));
    }
    Ok(url.to_string())
}

fn parse(text: &str) -> Result<url::Url, UrlProblem> {
    url::Url::parse(text).map_err(|e| UrlProblem::Unparsable {
        text: text.to_owned(),
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
            Err(UrlProblem::NotHttp("ftp://files.example.com/".into()))
        );
    }
}
