//! The `secret-storage` peer relation: the generated application secret key and the peer
//! units (frameworks.md §4.3, §5.6, §11.5).

use base64::Engine;

use crate::juju::{HookToolError, Juju, Scope};

/// The peer endpoint.
pub const ENDPOINT: &str = "secret-storage";

/// What the peer relation holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PeerState {
    /// The peer relation id, when the relation exists.
    pub relation_id: Option<u32>,
    /// The stored secret key, when initialised (non-empty).
    pub secret_key: Option<String>,
    /// The other units of the application.
    pub peer_units: Vec<String>,
}

impl PeerState {
    /// Reads the peer relation (the peer app bag is readable by every unit).
    pub fn load(juju: &mut Juju, key_field: &str) -> Result<Self, HookToolError> {
        let Some(relation) = juju.relation(ENDPOINT)? else {
            return Ok(Self::default());
        };
        let bag = juju.local_app_bag(relation.id, true)?;
        let secret_key = bag.get(key_field).filter(|k| !k.is_empty()).cloned();
        let peer_units = if secret_key.is_some() {
            juju.remote_units(relation.id)?
        } else {
            Vec::new()
        };
        Ok(Self {
            relation_id: Some(relation.id),
            secret_key,
            peer_units,
        })
    }

    /// `<P>PEER_FQDNS`: the other units' FQDNs, names sorted as strings, comma-joined.
    pub fn peer_fqdns(&self, app: &str, model: &str) -> Option<String> {
        if self.peer_units.is_empty() {
            return None;
        }
        let mut units = self.peer_units.clone();
        crate::sort::sort(&mut units);
        let names: Vec<String> = units.iter().map(|u| unit_fqdn(app, u, model)).collect();
        Some(names.join(","))
    }
}

/// paas-charm's FQDN helper: `/` becomes `-`, an id not starting with the app name is
/// prefixed with it.
pub fn unit_fqdn(app: &str, unit: &str, model: &str) -> String {
    let id = unit.replace('/', "-");
    let host = if id.starts_with(app) {
        id
    } else {
        format!("{app}-{id}")
    };
    format!("{host}.{app}-endpoints.{model}.svc.cluster.local")
}

/// Python's `secrets.token_urlsafe(n)`: `n` random bytes, URL-safe base64 without padding.
pub fn token_urlsafe(n: usize) -> Result<String, getrandom::Error> {
    let mut bytes = vec![0u8; n];
    getrandom::fill(&mut bytes)?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

/// A problem storing a new key.
#[derive(Debug, thiserror::Error)]
pub enum SecretStorageError {
    /// The OS gave no randomness.
    #[error("cannot generate a secret key: {0}")]
    Random(getrandom::Error),
    /// A hook tool failed.
    #[error(transparent)]
    Tool(#[from] HookToolError),
}

/// Writes a fresh key (leader only); returns it.
pub fn store_new_key(
    juju: &mut Juju,
    relation_id: u32,
    key_field: &str,
) -> Result<String, SecretStorageError> {
    let key = token_urlsafe(64).map_err(SecretStorageError::Random)?;
    juju.update_bag(
        relation_id,
        Scope::App,
        [(key_field.to_owned(), key.clone())],
    )?;
    Ok(key)
}

/// On `secret-storage-relation-created`: the leader stores a key if none is there.
pub fn initialise(juju: &mut Juju, key_field: &str) -> Result<(), SecretStorageError> {
    if !juju.is_leader()? {
        return Ok(());
    }
    let Some(id) = juju.ctx.relation_id else {
        return Ok(());
    };
    let bag = juju.local_app_bag(id, true)?;
    if bag.get(key_field).is_none_or(|k| k.is_empty()) {
        store_new_key(juju, id, key_field)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_have_python_shape() {
        let token = token_urlsafe(64).unwrap();
        assert_eq!(token.len(), 86);
        assert!(token
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
        assert_eq!(token_urlsafe(16).unwrap().len(), 22);
        assert_ne!(token_urlsafe(64).unwrap(), token);
    }

    #[test]
    fn fqdns_sort_as_strings() {
        let state = PeerState {
            relation_id: Some(1),
            secret_key: Some("k".into()),
            peer_units: vec![
                "flask-k8s/2".into(),
                "flask-k8s/10".into(),
                "flask-k8s/1".into(),
            ],
        };
        assert_eq!(
            state.peer_fqdns("flask-k8s", "test-model").unwrap(),
            "flask-k8s-1.flask-k8s-endpoints.test-model.svc.cluster.local,flask-k8s-10.flask-k8s-endpoints.test-model.svc.cluster.local,flask-k8s-2.flask-k8s-endpoints.test-model.svc.cluster.local"
        );
        assert_eq!(
            unit_fqdn("app", "0", "my-model"),
            "app-0.app-endpoints.my-model.svc.cluster.local"
        );
        assert_eq!(
            unit_fqdn("my-service", "2", "dev-model"),
            "my-service-2.my-service-endpoints.dev-model.svc.cluster.local"
        );
    }
}
