//! Pieces of the data_platform_libs v0 `data_interfaces` requirer protocol shared by the
//! database integrations: the requested secret fields, the `data` diff cache kept in our unit
//! bag, and reading provider secrets by URI with the library's label.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use crate::env::python_json;
use crate::integration::data_common::{read_shared_secret, unreadable_secret};
use crate::integration::IntegrationError;
use crate::juju::{Bag, HookToolError, Juju, RelationId, Scope, SecretQuery};

/// The secret fields the requirer asks for (`requested-secrets`), as the library writes them.
pub const REQUESTED_SECRETS: &[&str] = &[
    "username",
    "password",
    "tls",
    "tls-ca",
    "uris",
    "read-only-uris",
    "entity-name",
    "entity-password",
];

/// The secret fields the requirer provides (`provided-secrets`).
pub const PROVIDED_SECRETS: &[&str] = &["mtls-cert"];

/// The fields of the `user` secret group.
pub const USER_GROUP: &[&str] = &["username", "password", "uris", "read-only-uris"];

/// The library's secret groups (`SECRET_GROUPS.groups()`, in its order): a provider publishes
/// each one's secret URI as `secret-<group>`.
pub const SECRET_GROUPS: &[&str] = &["user", "tls", "mtls", "entity", "extra"];

/// The label the library gives a provider's secret: `<endpoint>.<relation id>.<group>.secret`.
///
/// ```
/// use paas_charm_runtime::integration::data_interfaces::secret_label;
///
/// assert_eq!(secret_label("postgresql", 2, "tls"), "postgresql.2.tls.secret");
/// ```
pub fn secret_label(endpoint: &str, id: RelationId, group: &str) -> String {
    format!("{endpoint}.{id}.{group}.secret")
}

/// The requirer's relation-changed registration (`_register_secrets_to_relation`): every
/// `secret-<group>` newly added to the provider's bag is fetched once by URI with the group's
/// label (`get_secret(id=uri, label=label)`), whichever group it is and whether or not
/// paas-charm reads its content. A secret we cannot read crashes the library's hook; it is
/// invalid relation data here, as for [`fetch_fields`].
pub fn register_new_secrets(
    juju: &mut Juju,
    endpoint: &str,
    id: RelationId,
    remote: &Bag,
    diff: &Diff,
) -> Result<(), IntegrationError> {
    if juju.ctx.juju_version.major < 3 || !diff.added.iter().any(|k| k.starts_with("secret-")) {
        return Ok(());
    }
    let relation_name = juju.juju_endpoint(endpoint).to_owned();
    for group in SECRET_GROUPS {
        let field = format!("secret-{group}");
        let Some(uri) = remote.get(&field).filter(|_| diff.added.contains(&field)) else {
            continue;
        };
        register_secret(
            juju,
            endpoint,
            uri,
            &secret_label(&relation_name, id, group),
        )?;
    }
    Ok(())
}

/// The libraries' secret registration (`CachedSecret(model, component, label, uri).meta`):
/// `secret-get <uri> --label <label>` without `--refresh`, so the label sticks to the secret
/// while the tracked revision stays. A secret we cannot read is invalid relation data (the
/// library's hook crashes there); another tool failure fails the hook.
pub fn register_secret(
    juju: &mut Juju,
    relation: &str,
    uri: &str,
    label: &str,
) -> Result<(), IntegrationError> {
    let query = SecretQuery {
        id: Some(uri.to_owned()),
        label: Some(label.to_owned()),
        refresh: false,
        peek: false,
    };
    match juju.secret(&query) {
        Ok(_) => Ok(()),
        Err(HookToolError::SecretNotFound { .. }) => {
            Err(unreadable_secret(relation, uri, "not found"))
        }
        Err(HookToolError::PermissionDenied { .. }) => {
            Err(unreadable_secret(relation, uri, "permission denied"))
        }
        Err(other) => Err(other.into()),
    }
}

/// A list of names as the library's `json.dumps(list)`.
pub fn json_list(items: &[&str]) -> String {
    python_json::dumps(&Value::Array(
        items.iter().map(|s| Value::String((*s).into())).collect(),
    ))
}

/// What changed in the remote application bag since the last snapshot.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diff {
    /// Keys new since the snapshot.
    pub added: BTreeSet<String>,
    /// Keys whose value changed.
    pub changed: BTreeSet<String>,
    /// Keys gone since the snapshot.
    pub deleted: BTreeSet<String>,
}

/// The library's `diff`: compares the remote application bag (without `data`) with the
/// snapshot stored in our unit bag's `data`, and stores the new snapshot there.
pub fn diff_and_snapshot(
    juju: &mut Juju,
    id: RelationId,
    remote: &Bag,
) -> Result<Diff, HookToolError> {
    let local = juju.local_unit_bag(id)?;
    let old: Map<String, Value> = local
        .get("data")
        .and_then(|text| crate::json::from_str::<Value>(text).ok())
        .and_then(|v| match v {
            Value::Object(map) => Some(map),
            _ => None,
        })
        .unwrap_or_default();
    let new: Map<String, Value> = remote
        .iter()
        .filter(|(k, _)| k.as_str() != "data")
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    let mut diff = Diff::default();
    for (key, value) in &new {
        match old.get(key) {
            None => {
                diff.added.insert(key.clone());
            }
            Some(previous) if previous != value => {
                diff.changed.insert(key.clone());
            }
            Some(_) => {}
        }
    }
    for key in old.keys() {
        if !new.contains_key(key) {
            diff.deleted.insert(key.clone());
        }
    }
    juju.update_bag(
        id,
        Scope::Unit,
        [("data".to_owned(), python_json::dumps(&Value::Object(new)))],
    )?;
    Ok(diff)
}

/// The secret fields we requested, from our unit bag's `requested-secrets` (empty when absent
/// or not a JSON list).
pub fn requested_secret_fields(
    juju: &mut Juju,
    id: RelationId,
) -> Result<Vec<String>, HookToolError> {
    let local = juju.local_unit_bag(id)?;
    Ok(local
        .get("requested-secrets")
        .and_then(|text| crate::json::from_str::<Vec<String>>(text).ok())
        .unwrap_or_default())
}

/// `fetch_relation_data(fields)` for one relation: secret-group fields we requested come from
/// the `secret-user` secret when the provider published one (falling back to plain bag fields
/// when it yields nothing), every other field from the remote application bag. The secret is
/// read by URI with the library's label (`<endpoint>.<id>.user.secret`) and its latest
/// revision; one we cannot read (gone, or not granted to us) crashes the library's hook, so it
/// is invalid relation data here (a Blocked status naming the secret).
pub fn fetch_fields(
    juju: &mut Juju,
    endpoint: &str,
    id: RelationId,
    remote: &Bag,
    fields: &[&str],
) -> Result<Bag, IntegrationError> {
    let secrets_enabled = juju.ctx.juju_version.major >= 3;
    // Only the user group is ever read from a secret, and only when the provider published
    // `secret-user`: without it every field is a plain bag field whatever we requested, so our
    // unit bag (`requested-secrets`) is read only then (one hook-tool call less per hook).
    let requested = if secrets_enabled && remote.contains_key("secret-user") {
        requested_secret_fields(juju, id)?
    } else {
        Vec::new()
    };
    let mut result = Bag::new();
    let mut plain: Vec<&str> = Vec::new();
    if secrets_enabled && !requested.is_empty() {
        let (secret_fields, normal): (Vec<&str>, Vec<&str>) = fields
            .iter()
            .partition(|f| requested.iter().any(|r| r == *f));
        plain.extend(normal);
        let (user, other): (Vec<&str>, Vec<&str>) = secret_fields
            .into_iter()
            .partition(|f| USER_GROUP.contains(f));
        // Fields of other groups (tls, entity) are not read by paas-charm; treat them as plain.
        plain.extend(other);
        if !user.is_empty() {
            let mut found = Bag::new();
            if let Some(uri) = remote.get("secret-user") {
                let label = secret_label(juju.juju_endpoint(endpoint), id, "user");
                found = read_shared_secret(juju, endpoint, uri, &label)?
                    .into_iter()
                    .filter(|(k, _)| user.contains(&k.as_str()))
                    .collect();
            }
            if found.is_empty() {
                plain.extend(user);
            } else {
                result.extend(found);
            }
        }
    } else {
        plain.extend(fields);
    }
    for field in plain {
        if let Some(value) = remote.get(field) {
            result.insert(field.to_owned(), value.clone());
        }
    }
    Ok(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requested_secrets_text() {
        assert_eq!(
            json_list(REQUESTED_SECRETS),
            r#"["username", "password", "tls", "tls-ca", "uris", "read-only-uris", "entity-name", "entity-password"]"#
        );
        assert_eq!(json_list(PROVIDED_SECRETS), r#"["mtls-cert"]"#);
    }
}
