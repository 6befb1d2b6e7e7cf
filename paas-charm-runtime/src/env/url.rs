//! Python's `urllib.parse.urlparse`, and paas-charm's decomposition of a connection URL into
//! `<P>_CONNECT_STRING`, `<P>_SCHEME`, ... (integrations.md §1.7, §5.3).
//!
//! This is deliberately *not* WHATWG parsing: nothing is percent-decoded, the host is only
//! lower-cased, `;params` are split only for Python's `uses_params` schemes, and the port is
//! validated lazily (paas-charm crashes the hook on a bad port; we return an error instead).

use std::net::Ipv6Addr;

/// A URL paas-charm cannot decompose (the hook fails upstream).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct UrlError(pub String);

/// Schemes for which Python splits `;params` off the last path segment.
const USES_PARAMS: &[&str] = &[
    "", "ftp", "hdl", "prospero", "http", "imap", "https", "shttp", "rtsp", "rtsps", "rtspu",
    "sip", "sips", "mms", "sftp", "tel",
];

/// The six components of `urllib.parse.urlparse`, plus its derived attributes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ParsedUrl {
    /// Lower-cased scheme (may be empty).
    pub scheme: String,
    /// Raw authority.
    pub netloc: String,
    /// Raw path.
    pub path: String,
    /// `;params` of the last path segment (uses_params schemes only).
    pub params: String,
    /// Text after `?`.
    pub query: String,
    /// Text after `#`.
    pub fragment: String,
}

impl ParsedUrl {
    /// `username`: userinfo before its first `:`, when the authority holds `@`.
    pub fn username(&self) -> Option<&str> {
        let (userinfo, _) = self.netloc.rsplit_once('@')?;
        Some(userinfo.split_once(':').map_or(userinfo, |(user, _)| user))
    }

    /// `password`: userinfo after its first `:`, when there is one.
    pub fn password(&self) -> Option<&str> {
        let (userinfo, _) = self.netloc.rsplit_once('@')?;
        userinfo.split_once(':').map(|(_, password)| password)
    }

    /// (host, port text) of the authority, as Python's `_hostinfo`.
    fn hostinfo(&self) -> (&str, Option<&str>) {
        let hostinfo = self
            .netloc
            .rsplit_once('@')
            .map_or(self.netloc.as_str(), |(_, h)| h);
        let (host, port) = match hostinfo.split_once('[') {
            Some((_, bracketed)) => {
                let (host, rest) = bracketed.split_once(']').unwrap_or((bracketed, ""));
                (host, rest.split_once(':').map_or("", |(_, p)| p))
            }
            None => hostinfo.split_once(':').unwrap_or((hostinfo, "")),
        };
        (host, (!port.is_empty()).then_some(port))
    }

    /// `hostname`: lower-cased host without IPv6 brackets; `None` when empty.
    pub fn hostname(&self) -> Option<String> {
        let (host, _) = self.hostinfo();
        if host.is_empty() {
            return None;
        }
        Some(match host.split_once('%') {
            Some((address, zone)) => format!("{}%{zone}", address.to_lowercase()),
            None => host.to_lowercase(),
        })
    }

    /// `port`: the port as a number; an error where Python raises `ValueError`.
    pub fn port(&self) -> Result<Option<u16>, UrlError> {
        let Some(text) = self.hostinfo().1 else {
            return Ok(None);
        };
        if !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(UrlError(format!(
                "Port could not be cast to integer value as '{text}'"
            )));
        }
        let digits = text.trim_start_matches('0');
        if digits.len() > 5 {
            return Err(UrlError("Port out of range 0-65535".into()));
        }
        let value: u32 = if digits.is_empty() {
            0
        } else {
            digits
                .parse()
                .map_err(|_| UrlError("Port out of range 0-65535".into()))?
        };
        u16::try_from(value)
            .map(Some)
            .map_err(|_| UrlError("Port out of range 0-65535".into()))
    }
}

/// `urllib.parse.urlparse(url)`. Errors where Python raises at parse time (unbalanced or
/// invalid IPv6 brackets).
pub fn urlparse(url: &str) -> Result<ParsedUrl, UrlError> {
    // Python strips leading C0 controls and spaces, and removes tabs and newlines anywhere.
    let cleaned: String = url
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\r' | '\n'))
        .collect();
    let mut rest = cleaned.as_str();
    let mut parsed = ParsedUrl::default();
    if let Some(i) = rest.find(':') {
        let candidate = &rest[..i];
        let valid = candidate
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic())
            && candidate
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
        if valid {
            parsed.scheme = candidate.to_ascii_lowercase();
            rest = &rest[i + 1..];
        }
    }
    if let Some(after) = rest.strip_prefix("//") {
        let end = after.find(['/', '?', '#']).unwrap_or(after.len());
        parsed.netloc = after[..end].to_owned();
        rest = &after[end..];
        let open = parsed.netloc.contains('[');
        let close = parsed.netloc.contains(']');
        if open != close {
            return Err(UrlError(format!("Invalid IPv6 URL in '{}'", parsed.netloc)));
        }
        if open {
            let bracketed = parsed
                .netloc
                .split_once('[')
                .map_or("", |(_, b)| b)
                .split_once(']')
                .map_or("", |(h, _)| h);
            check_bracketed_host(bracketed)?;
        }
    }
    if let Some((before, fragment)) = rest.split_once('#') {
        parsed.fragment = fragment.to_owned();
        rest = before;
    }
    if let Some((before, query)) = rest.split_once('?') {
        parsed.query = query.to_owned();
        rest = before;
    }
    let mut path = rest;
    if USES_PARAMS.contains(&parsed.scheme.as_str()) && path.contains(';') {
        let start = path.rfind('/').unwrap_or(0);
        if let Some(i) = path[start..].find(';').map(|i| i + start) {
            parsed.params = path[i + 1..].to_owned();
            path = &path[..i];
        }
    }
    parsed.path = path.to_owned();
    Ok(parsed)
}

/// Python's `_check_bracketed_host`: an IPv6 address, or an IPvFuture (`v1.x`).
fn check_bracketed_host(host: &str) -> Result<(), UrlError> {
    if let Some(future) = host.strip_prefix('v') {
        let valid = future.split_once('.').is_some_and(|(version, rest)| {
            !version.is_empty()
                && version.chars().all(|c| c.is_ascii_hexdigit())
                && !rest.is_empty()
                && rest
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-._~!$&'()*+,;=:".contains(c))
        });
        return if valid {
            Ok(())
        } else {
            Err(UrlError(format!("IPvFuture address is invalid: '{host}'")))
        };
    }
    let address = host.split_once('%').map_or(host, |(a, _)| a);
    address
        .parse::<Ipv6Addr>()
        .map(|_| ())
        .map_err(|_| UrlError(format!("'{host}' does not appear to be an IPv6 address")))
}

/// paas-charm's `_url_env_vars` (and, with `with_name`, `_db_url_to_env_variables`' `_NAME`):
/// the variables for `url` under `prefix` (e.g. `POSTGRESQL_DB`), in paas-charm's order.
/// An empty URL gives no variables. A port that is not a number (or out of range, or a
/// multi-host authority) is an error, as it fails the hook upstream.
pub fn decompose(
    prefix: &str,
    url: &str,
    with_name: bool,
) -> Result<Vec<(String, String)>, UrlError> {
    if url.is_empty() {
        return Ok(Vec::new());
    }
    let parsed = urlparse(url)?;
    let port = parsed.port()?;
    let mut vars: Vec<(String, String)> = Vec::new();
    let mut push = |name: &str, value: &str| vars.push((format!("{prefix}_{name}"), value.into()));
    push("CONNECT_STRING", url);
    push("SCHEME", &parsed.scheme);
    push("NETLOC", &parsed.netloc);
    push("PATH", &parsed.path);
    push("PARAMS", &parsed.params);
    push("QUERY", &parsed.query);
    push("FRAGMENT", &parsed.fragment);
    if let Some(username) = parsed.username() {
        push("USERNAME", username);
    }
    if let Some(password) = parsed.password() {
        push("PASSWORD", password);
    }
    if let Some(hostname) = parsed.hostname() {
        push("HOSTNAME", &hostname);
    }
    if let Some(port) = port {
        push("PORT", &port.to_string());
    }
    if with_name && !parsed.path.is_empty() {
        let name = parsed.path.strip_prefix('/').unwrap_or(&parsed.path);
        push("NAME", name);
    }
    Ok(vars)
}

/// Python's `urllib.parse.quote(text, safe="")`.
pub fn quote_all(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'_' | b'.' | b'-' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Python's `urllib.parse.unquote(text)` (UTF-8, invalid sequences replaced).
pub fn unquote(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = &bytes[i + 1..i + 3];
            if hex.iter().all(u8::is_ascii_hexdigit) {
                let text = String::from_utf8_lossy(hex);
                if let Ok(byte) = u8::from_str_radix(&text, 16) {
                    out.push(byte);
                    i += 3;
                    continue;
                }
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(prefix: &str, url: &str) -> Vec<(String, String)> {
        decompose(prefix, url, true).unwrap()
    }

    fn get<'a>(vars: &'a [(String, String)], name: &str) -> Option<&'a str> {
        vars.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    fn as_map(vars: &[(String, String)]) -> std::collections::BTreeMap<&str, &str> {
        vars.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
    }

    #[test]
    fn full_postgres_dsn() {
        let v = vars(
            "POSTGRESQL_DB",
            "postgresql://testingusername:testingpassword@netlocation.test:5432/testingdbname?parameter=testparam",
        );
        let expected = [
            ("POSTGRESQL_DB_CONNECT_STRING", "postgresql://testingusername:testingpassword@netlocation.test:5432/testingdbname?parameter=testparam"),
            ("POSTGRESQL_DB_SCHEME", "postgresql"),
            ("POSTGRESQL_DB_NETLOC", "testingusername:testingpassword@netlocation.test:5432"),
            ("POSTGRESQL_DB_PATH", "/testingdbname"),
            ("POSTGRESQL_DB_PARAMS", ""),
            ("POSTGRESQL_DB_QUERY", "parameter=testparam"),
            ("POSTGRESQL_DB_FRAGMENT", ""),
            ("POSTGRESQL_DB_USERNAME", "testingusername"),
            ("POSTGRESQL_DB_PASSWORD", "testingpassword"),
            ("POSTGRESQL_DB_HOSTNAME", "netlocation.test"),
            ("POSTGRESQL_DB_PORT", "5432"),
            ("POSTGRESQL_DB_NAME", "testingdbname"),
        ];
        let expected: Vec<(String, String)> = expected
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        assert_eq!(v, expected);
    }

    #[test]
    fn minimum_dsn() {
        let v = vars("POSTGRESQL_DB", "postgresql://netlocation.test");
        let m = as_map(&v);
        assert_eq!(m.len(), 8);
        assert_eq!(m["POSTGRESQL_DB_HOSTNAME"], "netlocation.test");
        assert_eq!(m["POSTGRESQL_DB_NETLOC"], "netlocation.test");
        assert_eq!(m["POSTGRESQL_DB_PATH"], "");
        for absent in ["NAME", "USERNAME", "PASSWORD", "PORT"] {
            assert!(!m.contains_key(format!("POSTGRESQL_DB_{absent}").as_str()));
        }
    }

    #[test]
    fn mongodb_srv() {
        let v = vars(
            "MONGODB_DB",
            "mongodb+srv://testinguser:testingpassword@cluster0.example.mongodb.net/?retryWrites=true&w=majority",
        );
        let m = as_map(&v);
        assert_eq!(m["MONGODB_DB_SCHEME"], "mongodb+srv");
        assert_eq!(m["MONGODB_DB_NAME"], "");
        assert_eq!(m["MONGODB_DB_PATH"], "/");
        assert_eq!(m["MONGODB_DB_QUERY"], "retryWrites=true&w=majority");
        assert_eq!(m["MONGODB_DB_HOSTNAME"], "cluster0.example.mongodb.net");
        assert!(!m.contains_key("MONGODB_DB_PORT"));
    }

    // integrations.md §5.3, row by row.
    #[test]
    fn edge_case_encoded_credentials_and_case() {
        let v = vars(
            "X_DB",
            "postgresql://USER:Pa%40ss@HOST.Example:5432/db%20name?x=1#frag",
        );
        assert_eq!(get(&v, "X_DB_USERNAME"), Some("USER"));
        assert_eq!(get(&v, "X_DB_PASSWORD"), Some("Pa%40ss"));
        assert_eq!(get(&v, "X_DB_HOSTNAME"), Some("host.example"));
        assert_eq!(get(&v, "X_DB_NAME"), Some("db%20name"));
        assert_eq!(get(&v, "X_DB_PATH"), Some("/db%20name"));
        assert_eq!(get(&v, "X_DB_QUERY"), Some("x=1"));
        assert_eq!(get(&v, "X_DB_FRAGMENT"), Some("frag"));
        assert_eq!(get(&v, "X_DB_PORT"), Some("5432"));
        assert_eq!(
            get(&v, "X_DB_NETLOC"),
            Some("USER:Pa%40ss@HOST.Example:5432")
        );
    }

    #[test]
    fn edge_case_ipv6() {
        let v = vars("X_DB", "postgresql://u:p@[fd00::1]:5432/db");
        assert_eq!(get(&v, "X_DB_HOSTNAME"), Some("fd00::1"));
        assert_eq!(get(&v, "X_DB_PORT"), Some("5432"));
        assert_eq!(get(&v, "X_DB_NETLOC"), Some("u:p@[fd00::1]:5432"));
        assert!(decompose("X_DB", "postgresql://u:p@[fd00::1:5432/db", true).is_err());
        assert!(decompose("X_DB", "postgresql://u:p@[nothost]:5432/db", true).is_err());
    }

    #[test]
    fn edge_case_root_path_and_no_path() {
        let v = vars("X_DB", "mysql://h:3306/");
        assert_eq!(get(&v, "X_DB_NAME"), Some(""));
        assert_eq!(get(&v, "X_DB_PATH"), Some("/"));
        assert_eq!(get(&v, "X_DB_USERNAME"), None);
        assert_eq!(get(&v, "X_DB_PASSWORD"), None);
        let v = vars("X_DB", "mysql://h");
        assert_eq!(get(&v, "X_DB_NAME"), None);
        assert_eq!(get(&v, "X_DB_PATH"), Some(""));
        assert_eq!(get(&v, "X_DB_PORT"), None);
    }

    #[test]
    fn edge_case_empty_username_or_password() {
        let v = vars("X_DB", "postgresql://:p@h:5432/db");
        assert_eq!(get(&v, "X_DB_USERNAME"), Some(""));
        assert_eq!(get(&v, "X_DB_PASSWORD"), Some("p"));
        let v = vars("X_DB", "postgresql://u:@h/db");
        assert_eq!(get(&v, "X_DB_USERNAME"), Some("u"));
        assert_eq!(get(&v, "X_DB_PASSWORD"), Some(""));
        assert_eq!(get(&v, "X_DB_PORT"), None);
    }

    #[test]
    fn edge_case_params_only_for_http_like_schemes() {
        let v = vars("X_DB", "mongodb://u:p@h/db;x=1");
        assert_eq!(get(&v, "X_DB_PARAMS"), Some(""));
        assert_eq!(get(&v, "X_DB_NAME"), Some("db;x=1"));
        assert_eq!(get(&v, "X_DB_PATH"), Some("/db;x=1"));
        let v = vars("X_DB", "http://u:p@h/a;p=1?q");
        assert_eq!(get(&v, "X_DB_PARAMS"), Some("p=1"));
        assert_eq!(get(&v, "X_DB_PATH"), Some("/a"));
        assert_eq!(get(&v, "X_DB_NAME"), Some("a"));
        assert_eq!(get(&v, "X_DB_QUERY"), Some("q"));
    }

    #[test]
    fn edge_case_leading_zero_port() {
        let v = vars("X_DB", "postgresql://u:p@h:05432/db");
        assert_eq!(get(&v, "X_DB_PORT"), Some("5432"));
    }

    #[test]
    fn edge_case_empty_url() {
        assert!(vars("X_DB", "").is_empty());
    }

    #[test]
    fn edge_case_password_with_slash_is_an_error() {
        let err =
            decompose("X_DB", "postgresql://relation-5:p@ss:w/rd@pg:5432/x", true).unwrap_err();
        assert!(err.0.contains("'w'"), "{err}");
    }

    #[test]
    fn edge_case_multi_host_is_an_error() {
        let err = decompose("X_DB", "mongodb://u:p@h0:27017,h1:27017/db", true).unwrap_err();
        assert!(err.0.contains("27017,h1:27017"), "{err}");
        assert_eq!(
            urlparse("mongodb://u:p@h0:27017,h1:27017/db")
                .unwrap()
                .hostname()
                .as_deref(),
            Some("h0")
        );
    }

    #[test]
    fn out_of_range_port_is_an_error() {
        assert!(decompose("X", "redis://h:65536", false).is_err());
        assert!(decompose("X", "redis://h:99999999999999999999", false).is_err());
        assert_eq!(get(&vars("X", "redis://h:65535"), "X_PORT"), Some("65535"));
        // An empty port is no port.
        assert_eq!(get(&vars("X", "redis://h:"), "X_PORT"), None);
    }

    #[test]
    fn redis_examples() {
        let v = vars(
            "REDIS_DB",
            "redis://testingusername:testingpassword@localhost:6379?db=0&timeout=5",
        );
        assert_eq!(get(&v, "REDIS_DB_PATH"), Some(""));
        assert_eq!(get(&v, "REDIS_DB_QUERY"), Some("db=0&timeout=5"));
        assert_eq!(get(&v, "REDIS_DB_NAME"), None);
        let v = vars("REDIS_DB", "redis://secret@localhost/1");
        assert_eq!(get(&v, "REDIS_DB_NAME"), Some("1"));
        assert_eq!(get(&v, "REDIS_DB_USERNAME"), Some("secret"));
        assert_eq!(get(&v, "REDIS_DB_PASSWORD"), None);
        assert_eq!(get(&v, "REDIS_DB_NETLOC"), Some("secret@localhost"));
    }

    #[test]
    fn rabbitmq_garbage_password_is_tolerated() {
        let v = decompose("RABBITMQ", "amqp://flask-k8s:p@ss/w:rd@h:5672/%2F", false).unwrap();
        assert_eq!(get(&v, "RABBITMQ_NETLOC"), Some("flask-k8s:p@ss"));
        assert_eq!(get(&v, "RABBITMQ_HOSTNAME"), Some("ss"));
        assert_eq!(get(&v, "RABBITMQ_PASSWORD"), Some("p"));
        assert_eq!(get(&v, "RABBITMQ_PATH"), Some("/w:rd@h:5672/%2F"));
        assert_eq!(get(&v, "RABBITMQ_PORT"), None);
        assert_eq!(get(&v, "RABBITMQ_NAME"), None);
    }

    #[test]
    fn scheme_rules() {
        assert_eq!(urlparse("HTTP://h").unwrap().scheme, "http");
        // Not a scheme: starts with a digit.
        let parsed = urlparse("1abc://h").unwrap();
        assert_eq!(parsed.scheme, "");
        assert_eq!(parsed.path, "1abc://h");
        assert_eq!(
            urlparse("valkey://None").unwrap().hostname().as_deref(),
            Some("none")
        );
    }

    #[test]
    fn quoting() {
        assert_eq!(quote_all("/"), "%2F");
        assert_eq!(quote_all("a b/c"), "a%20b%2Fc");
        assert_eq!(unquote("%2F"), "/");
        assert_eq!(unquote("w:rd@h:5672"), "w:rd@h:5672");
        assert_eq!(unquote("%zz%4"), "%zz%4");
    }

    /// Property tests: the rules of integrations.md §1.7 and the edge-case table of §5.3,
    /// over generated URLs.
    mod props {
        use super::super::*;
        use proptest::prelude::*;

        /// Schemes for which Python does not split `;params`.
        fn scheme() -> impl Strategy<Value = String> {
            prop_oneof![
                Just("postgresql"),
                Just("mysql"),
                Just("mongodb"),
                Just("MongoDB+srv"),
                Just("redis"),
                Just("valkey"),
                Just("amqp"),
            ]
            .prop_map(str::to_owned)
        }

        fn get<'a>(vars: &'a [(String, String)], name: &str) -> Option<&'a str> {
            vars.iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(256))]

            // A well-formed URL decomposes into its raw parts: nothing decoded, the host
            // lower-cased, leading zeros of the port dropped, NAME = path without its first
            // '/', present only with a path. Passwords may hold '@', ':' and '%XX'.
            #[test]
            fn well_formed_urls(
                scheme in scheme(),
                user in proptest::option::of("[A-Za-z0-9_.-]{0,8}"),
                password in proptest::option::of("[A-Za-z0-9@:%!$&*+=.-]{0,10}"),
                host in "[A-Za-z0-9][A-Za-z0-9.-]{0,15}",
                port in proptest::option::of((0u32..=65535, 0usize..3)),
                path in proptest::option::of("(/[A-Za-z0-9%;=._-]{0,6}){1,3}"),
                query in proptest::option::of("[A-Za-z0-9=&%]{0,10}"),
                fragment in proptest::option::of("[A-Za-z0-9]{0,6}"),
            ) {
                let userinfo = match (&user, &password) {
                    (Some(u), Some(p)) => format!("{u}:{p}@"),
                    (Some(u), None) => format!("{u}@"),
                    (None, Some(p)) => format!(":{p}@"),
                    (None, None) => String::new(),
                };
                let port_text = port.map(|(p, zeros)| format!(":{}{p}", "0".repeat(zeros)));
                let netloc = format!("{userinfo}{host}{}", port_text.clone().unwrap_or_default());
                let path_text = path.clone().unwrap_or_default();
                let mut url = format!("{scheme}://{netloc}{path_text}");
                if let Some(q) = &query { url.push('?'); url.push_str(q); }
                if let Some(f) = &fragment { url.push('#'); url.push_str(f); }

                let vars = decompose("X_DB", &url, true).expect("a well-formed URL decomposes");
                prop_assert_eq!(get(&vars, "X_DB_CONNECT_STRING"), Some(url.as_str()));
                let lower = scheme.to_ascii_lowercase();
                prop_assert_eq!(get(&vars, "X_DB_SCHEME"), Some(lower.as_str()));
                prop_assert_eq!(get(&vars, "X_DB_NETLOC"), Some(netloc.as_str()));
                prop_assert_eq!(get(&vars, "X_DB_PATH"), Some(path_text.as_str()));
                prop_assert_eq!(get(&vars, "X_DB_PARAMS"), Some(""));
                prop_assert_eq!(get(&vars, "X_DB_QUERY"), Some(query.as_deref().unwrap_or("")));
                prop_assert_eq!(get(&vars, "X_DB_FRAGMENT"), Some(fragment.as_deref().unwrap_or("")));
                let expected_user = (!userinfo.is_empty()).then(|| user.clone().unwrap_or_default());
                prop_assert_eq!(get(&vars, "X_DB_USERNAME"), expected_user.as_deref());
                prop_assert_eq!(get(&vars, "X_DB_PASSWORD"), password.as_deref());
                let host_lower = host.to_lowercase();
                prop_assert_eq!(get(&vars, "X_DB_HOSTNAME"), Some(host_lower.as_str()));
                let port_value = port.map(|(p, _)| p.to_string());
                prop_assert_eq!(get(&vars, "X_DB_PORT"), port_value.as_deref());
                let name = path.as_ref().map(|p| p[1..].to_owned());
                prop_assert_eq!(get(&vars, "X_DB_NAME"), name.as_deref());
                // Without _NAME (RabbitMQ's form), the rest is identical.
                let without = decompose("X_DB", &url, false).expect("decomposes");
                let mut with: Vec<_> = vars.into_iter().filter(|(k, _)| k != "X_DB_NAME").collect();
                with.sort();
                let mut without = without;
                without.sort();
                prop_assert_eq!(with, without);
            }

            // The authority ends at the first '/', '?' or '#': a password holding one of them
            // cuts the authority inside the password (never a panic), and the URL then either
            // fails on its port or yields a host that is not the real one.
            #[test]
            fn credentials_with_delimiters(
                head in "[A-Za-z0-9]{1,6}",
                delimiter in prop_oneof![Just('/'), Just('?'), Just('#')],
                tail in "[A-Za-z0-9]{1,6}",
                host in "db[a-z0-9]{0,8}",
                port in 1u16..,
            ) {
                let url = format!("postgresql://user:{head}{delimiter}{tail}@{host}:{port}/db");
                let parsed = urlparse(&url).expect("parses");
                prop_assert_eq!(parsed.netloc, format!("user:{head}"));
                match decompose("X_DB", &url, true) {
                    Err(err) => prop_assert!(err.0.starts_with("Port"), "{}", err),
                    Ok(vars) => prop_assert_ne!(get(&vars, "X_DB_HOSTNAME"), Some(host.as_str())),
                }
            }

            // Several hosts in one authority never give a port: always an error.
            #[test]
            fn multi_host_authorities_fail(
                hosts in proptest::collection::vec(("[a-z][a-z0-9]{0,6}", 1u16..), 2..4),
            ) {
                let authority = hosts
                    .iter()
                    .map(|(h, p)| format!("{h}:{p}"))
                    .collect::<Vec<_>>()
                    .join(",");
                let url = format!("mongodb://u:p@{authority}/db");
                prop_assert!(decompose("X_DB", &url, true).is_err());
                let first = &hosts[0].0;
                let hostname = urlparse(&url).expect("parses").hostname();
                prop_assert_eq!(hostname.as_deref(), Some(first.as_str()));
            }

            // A port that is not digits, or is above 65535, is an error; digits up to 65535
            // (any number of leading zeros) are the number.
            #[test]
            fn ports(text in "[0-9]{1,7}|[0-9]*[a-zA-Z+-][0-9a-zA-Z]*") {
                let url = format!("redis://h:{text}");
                let result = decompose("X", &url, false);
                let numeric = text.bytes().all(|b| b.is_ascii_digit());
                let value = text.trim_start_matches('0').parse::<u64>().unwrap_or(0);
                if numeric && value <= 65535 {
                    let vars = result.expect("a valid port");
                    let expected = value.to_string();
                    prop_assert_eq!(get(&vars, "X_PORT"), Some(expected.as_str()));
                } else {
                    prop_assert!(result.is_err());
                }
            }

            // `;params` are split off the last path segment for http-like schemes only.
            #[test]
            fn params(
                scheme in prop_oneof![Just("http"), Just("https"), Just("postgresql"), Just("mongodb")],
                segment in "[a-z]{1,5}",
                params in "[a-z=0-9]{1,6}",
            ) {
                let url = format!("{scheme}://h/{segment};{params}");
                let vars = decompose("X_DB", &url, true).expect("decomposes");
                if scheme.starts_with("http") {
                    prop_assert_eq!(get(&vars, "X_DB_PARAMS"), Some(params.as_str()));
                    let path = format!("/{segment}");
                    prop_assert_eq!(get(&vars, "X_DB_PATH"), Some(path.as_str()));
                } else {
                    prop_assert_eq!(get(&vars, "X_DB_PARAMS"), Some(""));
                    let path = format!("/{segment};{params}");
                    prop_assert_eq!(get(&vars, "X_DB_PATH"), Some(path.as_str()));
                }
            }

            // Any text at all: an answer, never a panic; the empty string gives nothing.
            #[test]
            fn never_panics(text in "\\PC{0,40}") {
                match decompose("X", &text, true) {
                    Ok(vars) => prop_assert_eq!(vars.is_empty(), text.is_empty()),
                    Err(err) => prop_assert!(!err.0.is_empty()),
                }
            }

            // IPv6 hosts lose their brackets; the port after them is read.
            #[test]
            fn ipv6_hosts(groups in proptest::collection::vec(0u16.., 8), port in 1u16..) {
                let address = groups.iter().map(|g| format!("{g:X}")).collect::<Vec<_>>().join(":");
                let url = format!("postgresql://u:p@[{address}]:{port}/db");
                let vars = decompose("X_DB", &url, true).expect("decomposes");
                let lower = address.to_lowercase();
                prop_assert_eq!(get(&vars, "X_DB_HOSTNAME"), Some(lower.as_str()));
                let port_text = port.to_string();
                prop_assert_eq!(get(&vars, "X_DB_PORT"), Some(port_text.as_str()));
            }
        }
    }
}
