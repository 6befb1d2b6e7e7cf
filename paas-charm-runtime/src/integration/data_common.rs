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
