//! Small pieces shared by the data integrations (redis, valkey, s3, rabbitmq, databases): which
//! relation event this hook is for, reading a provider's secret strictly, and the statuses for
//! relation data paas-charm would crash on.

use crate::integration::IntegrationError;
use crate::juju::{Bag, Event, HookToolError, Juju, RelationEventKind, RelationId, SecretQuery};

/// The relation id and event kind when this hook is a relation hook on `endpoint`.
pub fn relation_event(juju: &Juju, endpoint: &str) -> Option<(RelationId, RelationEventKind)> {
    let id = juju.event_relation_id(endpoint)?;
    match juju.event() {
        Event::Relation { kind, .. } => Some((id, *kind)),
        _ => None,
    }
}

/// Reads a secret a provider shared by URI (`secret-get <uri> --label <label> --refresh`),
/// attaching the label the charm library gives it. A secret that does not exist or that we
/// may not read is relation data we cannot use (the library's hook crashes there; we block
/// with a message naming the relation and the secret). Any other tool failure fails the hook.
pub fn read_shared_secret(
    juju: &mut Juju,
    relation: &str,
    uri: &str,
    label: &str,
) -> Result<Bag, IntegrationError> {
    if !crate::juju::secret_uri::is_valid(uri) {
        return Err(IntegrationError::InvalidData(format!(
            "Invalid {relation} relation data: the secret id {} is not a Juju secret URI.",
            crate::untrusted::quoted(uri)
        )));
    }
    let query = SecretQuery {
        id: Some(uri.to_owned()),
        label: Some(label.to_owned()),
        refresh: true,
        peek: false,
    };
    match juju.secret(&query) {
        Ok(content) => Ok(content),
        Err(HookToolError::SecretNotFound { .. }) => {
            Err(unreadable_secret(relation, uri, "not found"))
        }
        Err(HookToolError::PermissionDenied { .. }) => {
            Err(unreadable_secret(relation, uri, "permission denied"))
        }
        Err(other) => Err(other.into()),
    }
}

/// The Blocked message for a shared secret we cannot read. The URI names the secret; its
/// content never appears.
pub fn unreadable_secret(relation: &str, uri: &str, reason: &str) -> IntegrationError {
    IntegrationError::InvalidData(format!(
        "Invalid {relation} relation data: the secret {} cannot be read ({reason}).",
        crate::untrusted::bounded(uri)
    ))
}

/// The Blocked message for a connection URL paas-charm cannot decompose (its hook crashes
/// with a `ValueError` while it builds the environment). The parse error's own text is left
/// out: the "port" it quotes can be a piece of a password.
pub fn unparsable_url(
    relation: &str,
    what: &str,
    err: &crate::env::url::UrlError,
) -> IntegrationError {
    let cause = if err.0.starts_with("Port") {
        "its port is not a number from 0 to 65535: several hosts in one address, or a \
         credential containing '/', '?' or '#'"
    } else {
        "its host is not a valid IPv6 address"
    };
    IntegrationError::InvalidData(format!(
        "Invalid {relation} relation data: the {what} cannot be parsed ({cause})."
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::FrameworkKind;
    use crate::integration::test_support::{meta, Hook, World};
    use crate::testing::juju::MemoryBackend;

    /// A world whose `secret-get` would fail the hook if it ever ran.
    fn world_without_secret_get() -> World {
        let mut backend = MemoryBackend::new("flask-k8s/0");
        backend
            .failing_tools
            .insert("secret-get".into(), "ERROR connection refused".into());
        let hook = Hook::plain("flask-k8s/0", "config-changed");
        World::new(FrameworkKind::Flask, meta("flask-k8s", &[]), backend, &hook)
    }

    #[test]
    fn a_secret_id_that_is_not_a_juju_uri_blocks_before_secret_get_runs() {
        let mut w = world_without_secret_get();
        let hostile = format!("secret:cstgtq7mp25c77d05kbg\0{}", "\n".repeat(300));
        let err =
            read_shared_secret(&mut w.juju, "postgresql", &hostile, "label").expect_err("refused");
        let expected = format!(
            "Invalid postgresql relation data: the secret id \"secret:cstgtq7mp25c77d05kbg\\0{}…\" \
             is not a Juju secret URI.",
            "\\n".repeat(113)
        );
        assert_eq!(err.to_string(), expected);
        // A valid id reaches the (failing) tool: the refusal above happened before it.
        let err = read_shared_secret(
            &mut w.juju,
            "postgresql",
            "secret:cstgtq7mp25c77d05kbg",
            "l",
        )
        .expect_err("tool fails");
        assert!(matches!(err, IntegrationError::Tool(_)), "{err}");
    }

    #[test]
    fn every_secret_read_checks_the_id_first() {
        let mut w = world_without_secret_get();
        let query = SecretQuery {
            id: Some("secret:\u{202e}oops".into()),
            label: None,
            refresh: true,
            peek: false,
        };
        let err = w.juju.secret(&query).expect_err("refused");
        assert_eq!(
            err.to_string(),
            "secret-get: secret not found: \"secret:\\u{202e}oops\" is not a valid Juju secret URI"
        );
    }
}
