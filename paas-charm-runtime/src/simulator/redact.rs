//! Which workload variables hold secrets, and their masked form, for the local tools
//! (`env`, `simulate --report`): passwords, keys, tokens and credentials, and the password
//! inside a URL's userinfo.

/// Name fragments (upper case, `.`/`-` read as `_`) that mark a secret variable.
const SECRET_WORDS: [&str; 6] = [
    "PASSWORD",
    "SECRET",
    "TOKEN",
    "CREDENTIAL",
    "PRIVATE_KEY",
    "ACCESS_KEY",
];

/// The mask printed instead of a secret.
pub const MASK: &str = "***";

/// Whether a variable named `name` holds a secret as a whole.
///
/// ```
/// use paas_charm_runtime::simulator::redact::is_secret_name;
/// assert!(is_secret_name("FLASK_SECRET_KEY"));
/// assert!(is_secret_name("spring.datasource.password"));
/// assert!(is_secret_name("FGA_TOKEN"));
/// assert!(!is_secret_name("POSTGRESQL_DB_HOSTNAME"));
/// ```
pub fn is_secret_name(name: &str) -> bool {
    let upper = name.to_uppercase().replace(['.', '-'], "_");
    SECRET_WORDS.iter().any(|word| upper.contains(word))
        || upper.ends_with("_KEY")
        || upper.ends_with("_PASS")
}

/// `value` with the password of every URL userinfo in it replaced by `***`
/// (`postgresql://user:***@host/db`); other text unchanged.
///
/// ```
/// use paas_charm_runtime::simulator::redact::mask_url_passwords;
/// assert_eq!(
///     mask_url_passwords("postgresql://test-username:s3cr3t@10.0.0.1:5432/db"),
///     "postgresql://test-username:***@10.0.0.1:5432/db"
/// );
/// assert_eq!(mask_url_passwords("redis://10.0.0.2:6379"), "redis://10.0.0.2:6379");
/// ```
pub fn mask_url_passwords(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(start) = rest.find("://") {
        let (head, tail) = rest.split_at(start + 3);
        out.push_str(head);
        // The authority ends at the first '/', '?', '#' or whitespace; userinfo at its last '@'.
        let end = tail
            .find(|c: char| matches!(c, '/' | '?' | '#') || c.is_whitespace())
            .unwrap_or(tail.len());
        out.push_str(&mask_userinfo(&tail[..end]));
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

/// An authority (`user:password@host:port`, a URL's netloc) with its password masked.
///
/// ```
/// use paas_charm_runtime::simulator::redact::mask_userinfo;
/// assert_eq!(mask_userinfo("relation-5:pw@pg:5432"), "relation-5:***@pg:5432");
/// assert_eq!(mask_userinfo("pg:5432"), "pg:5432");
/// ```
pub fn mask_userinfo(authority: &str) -> String {
    let Some(at) = authority.rfind('@') else {
        return authority.to_owned();
    };
    let userinfo = &authority[..at];
    match userinfo.find(':') {
        Some(colon) => format!("{}{MASK}{}", &userinfo[..=colon], &authority[at..]),
        None => authority.to_owned(),
    }
}

/// The printable form of a variable: `***` for a secret name, the password of a `*_NETLOC`
/// masked, else the value with URL passwords masked.
pub fn masked(name: &str, value: &str) -> String {
    if is_secret_name(name) {
        MASK.to_owned()
    } else if name.to_uppercase().ends_with("NETLOC") {
        mask_userinfo(value)
    } else {
        mask_url_passwords(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_url_of_a_value_loses_its_password_only() {
        assert_eq!(
            mask_url_passwords("a redis://:pw@h:6379/0 and amqp://u:p@q/%2f"),
            "a redis://:***@h:6379/0 and amqp://u:***@q/%2f"
        );
        assert_eq!(
            mask_url_passwords("mongodb://u:p@h1,h2:27017/db?replicaSet=r"),
            "mongodb://u:***@h1,h2:27017/db?replicaSet=r"
        );
        assert_eq!(mask_url_passwords("http://user@h/"), "http://user@h/");
        assert_eq!(mask_url_passwords("no url"), "no url");
    }

    #[test]
    fn secret_names_are_masked_whole() {
        assert_eq!(masked("S3_SECRET_KEY", "abc"), MASK);
        assert_eq!(masked("S3_ACCESS_KEY", "abc"), MASK);
        assert_eq!(masked("OAUTH_CLIENT_SECRET", "abc"), MASK);
        assert_eq!(masked("SMTP_PASSWORD", "abc"), MASK);
        assert_eq!(masked("SAML_SIGNING_CERTIFICATE", "MII"), "MII");
        assert_eq!(masked("FLASK_DEBUG", "true"), "true");
        assert_eq!(masked("MYSQL_DB_NETLOC", "u:p@h:3306"), "u:***@h:3306");
    }
}
