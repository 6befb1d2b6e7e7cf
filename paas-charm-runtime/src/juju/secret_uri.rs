//! Whether a text is a Juju secret URI, checked before any hook tool sees it.
//!
//! Secret ids reach us from providers (`secret-user`, `password_id`, `client_secret_id`, ...)
//! and operators (config options of type `secret`). Juju's `secrets.ParseURI` accepts an
//! optional `secret` scheme, an optional source model UUID (`secret://<uuid>/<id>` or
//! `secret:<uuid>/<id>`) and an id of 20 lower-case letters and digits (`[0-9a-z]{20}`, Juju's
//! `idSnippet`: Juju mints base32hex xids, and ops' Scenario mints any of `a-z0-9`). Anything
//! else (a NUL, a newline, a megabyte) is refused here, so `secret-get` never runs with it.
//!
//! ```
//! use paas_charm_runtime::juju::secret_uri::is_valid;
//!
//! assert!(is_valid("secret:cstgtq7mp25c77d05kbg"));
//! assert!(is_valid("secret://0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/cstgtq7mp25c77d05kbg"));
//! assert!(!is_valid("secret:cstgtq7mp25c77d05kbg\0"));
//! assert!(!is_valid("secret:short"));
//! ```

/// Whether `text` is a secret URI Juju accepts (see the module documentation).
pub fn is_valid(text: &str) -> bool {
    let rest = text.strip_prefix("secret:").unwrap_or(text);
    if let Some(authority) = rest.strip_prefix("//") {
        // secret://<uuid>/<id>
        return match authority.split_once('/') {
            Some((uuid, id)) => is_uuid(uuid) && is_id(id),
            None => false,
        };
    }
    match rest.split_once('/') {
        Some((uuid, id)) => is_uuid(uuid) && is_id(id),
        None => is_id(rest),
    }
}

/// 20 lower-case letters or digits, as Juju's URI pattern accepts.
fn is_id(text: &str) -> bool {
    text.len() == 20
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase())
}

/// A lower-case hexadecimal UUID `8-4-4-4-12`.
fn is_uuid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 5
        && groups.iter().zip([8, 4, 4, 4, 12]).all(|(group, len)| {
            group.len() == len
                && group
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_what_juju_parses() {
        for ok in [
            "secret:cstgtq7mp25c77d05kbg",
            "cstgtq7mp25c77d05kbg",
            // ops' Scenario mints ids from all of a-z and 0-9.
            "secret:wxyzwxyzwxyzwxyz0123",
            "secret:0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/cstgtq7mp25c77d05kbg",
            "secret://0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/cstgtq7mp25c77d05kbg",
        ] {
            assert!(is_valid(ok), "{ok}");
        }
    }

    #[test]
    fn refuses_everything_else() {
        for bad in [
            "",
            "secret:",
            "secret:abc",
            "secret:cstgtq7mp25c77d05kb-",  // not a letter or digit
            "secret:cstgtq7mp25c77d05kbgx", // 21 characters
            "secret:CSTGTQ7MP25C77D05KBG",  // upper case
            "secret:cstgtq7mp25c77d05kbg\0",
            "secret:cstgtq7mp25c77d05kbg\n",
            "secret:cstgtq7mp25c77d05kb\u{202e}",
            "secret://not-a-uuid/cstgtq7mp25c77d05kbg",
            "secret://0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
            "other:cstgtq7mp25c77d05kbg",
        ] {
            assert!(!is_valid(bad), "{bad:?}");
        }
        assert!(!is_valid(&format!("secret:{}", "a".repeat(1 << 20))));
    }
}
