//! Valkey (integrations.md §0a.4, §2.3, §5.6): dpcharmlibs-interfaces 1.0.2's
//! `ResourceRequirerEventHandler` ("v1 data contract") with one request for resource `*`, as
//! paas-charm 1.12.3 wraps it. The leader writes the request on relation-created; each unit
//! keeps a snapshot of the provider's responses in its bag (`data`) to see what changed; the
//! first response, with its `secret-user` secret, gives `VALKEY_*`.

use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use crate::env::python_json;
use crate::env::url::{decompose, UrlError};
use crate::env::Env;
use crate::integration::data_common::{read_shared_secret, relation_event, unparsable_url};
use crate::integration::data_interfaces::register_secret;
use crate::integration::{Cx, Integration, IntegrationError, Trigger};
use crate::juju::{Bag, CharmMeta, HookToolError, RelationEventKind, RelationId, Scope};

/// The endpoint name.
pub const ENDPOINT: &str = "valkey";

/// The interface name.
pub const INTERFACE: &str = "valkey_client";

/// The Blocked message for unusable provider data (invalid model, TLS, several relations).
pub const INVALID: &str = "Invalid valkey relation data.";

/// The resource we request.
pub const RESOURCE: &str = "*";

/// The response fields, in the order the library's snapshot (`model_dump`) writes them.
const RESPONSE_FIELDS: &[&str] = &[
    "resource",
    "request-id",
    "salt",
    "endpoints",
    "read-only-endpoints",
    "secret-user",
    "secret-tls",
    "secret-extra",
    "secret-entity",
    "version",
    "sentinel-endpoints",
    "mode",
];

/// The library's `gen_hash(resource, salt)`: the first 16 hex digits of SHA-256 of
/// `"<resource>:<salt>"`.
pub fn request_id(resource: &str, salt: &str) -> String {
    let digest = Sha256::digest(format!("{resource}:{salt}").as_bytes());
    digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// A random 16-character salt of ASCII letters and digits (the library's `gen_salt`).
pub fn salt() -> Result<String, getrandom::Error> {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let mut out = String::with_capacity(16);
    while out.len() < 16 {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes)?;
        // Rejection sampling keeps the 62 characters equally likely.
        for byte in bytes {
            if usize::from(byte) < ALPHABET.len() * 4 && out.len() < 16 {
                out.push(char::from(ALPHABET[usize::from(byte) % ALPHABET.len()]));
            }
        }
    }
    Ok(out)
}

/// Our request as the library writes it in 1.0.2 (`requests`, no `mtls-cert`).
pub fn request_json(salt: &str) -> String {
    let request = json!({
        "resource": RESOURCE,
        "request-id": request_id(RESOURCE, salt),
        "salt": salt,
        "extra-user-roles": null,
        "extra-group-roles": null,
        "external-node-connectivity": false,
        "entity-type": null,
        "entity-permissions": null,
        "secret-mtls": null,
    });
    python_json::dumps(&Value::Array(vec![request]))
}

/// One provider response (`ValkeyResponseModel`), its non-null fields in snapshot order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Response(Vec<(&'static str, String)>);

impl Response {
    /// Validates one element of the provider's `requests`: an object whose known fields are
    /// strings (or null); `resource` is required.
    pub fn parse(value: &Value) -> Option<Self> {
        let object = value.as_object()?;
        let mut fields = Vec::new();
        for name in RESPONSE_FIELDS {
            match object.get(*name) {
                None | Some(Value::Null) => {}
                Some(Value::String(s)) => fields.push((*name, s.clone())),
                Some(_) => return None,
            }
        }
        let response = Self(fields);
        response.get("resource")?;
        Some(response)
    }

    /// A field's value.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The response's request id, or the one derived from its resource and salt.
    pub fn id(&self) -> String {
        match self.get("request-id") {
            Some(id) => id.to_owned(),
            None => request_id(
                self.get("resource").unwrap_or_default(),
                self.get("salt").unwrap_or_default(),
            ),
        }
    }

    /// The snapshot the library stores (`model_dump(exclude_none=True)`).
    pub fn snapshot(&self) -> Map<String, Value> {
        self.0
            .iter()
            .map(|(k, v)| ((*k).to_owned(), Value::String(v.clone())))
            .collect()
    }
}

/// The provider's responses (`requests` of its application bag); `None` when the value is not
/// a JSON list of valid responses. A missing key is no response.
pub fn parse_responses(bag: &Bag) -> Option<Vec<Response>> {
    let Some(text) = bag.get("requests") else {
        return Some(Vec::new());
    };
    let Value::Array(items) = crate::json::from_str::<Value>(text).ok()? else {
        return None;
    };
    items.iter().map(Response::parse).collect()
}

/// What the charm reads: the first response with its secrets resolved.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ValkeyData {
    /// `endpoints`.
    pub endpoints: Option<String>,
    /// `read-only-endpoints`.
    pub read_only_endpoints: Option<String>,
    /// `sentinel-endpoints`.
    pub sentinel_endpoints: Option<String>,
    /// `mode`.
    pub mode: Option<String>,
    /// `version`.
    pub version: Option<String>,
    /// `username` from `secret-user`.
    pub username: Option<String>,
    /// `password` from `secret-user`.
    pub password: Option<String>,
}

impl ValkeyData {
    /// The connection URI as paas-charm builds it: a missing endpoint renders as `None`,
    /// credentials are inserted after the scheme (or `valkey://` is prefixed), not encoded.
    pub fn uri(&self) -> String {
        let endpoint = self.endpoints.as_deref().unwrap_or("None");
        let userinfo = match self.username.as_deref().filter(|u| !u.is_empty()) {
            Some(user) => format!("{user}:{}@", self.password.as_deref().unwrap_or("None")),
            None => String::new(),
        };
        match endpoint.split_once("://") {
            Some((scheme, rest)) => format!("{scheme}://{userinfo}{rest}"),
            None => format!("valkey://{userinfo}{endpoint}"),
        }
    }
}

/// `VALKEY_DB_*` (§1.7) plus the endpoints, mode and version; the same for every framework
/// (Spring Boot has no override).
pub fn env_vars(data: &ValkeyData) -> Result<Vec<(String, String)>, UrlError> {
    let mut vars = decompose("VALKEY_DB", &data.uri(), true)?;
    let or_empty = |v: &Option<String>| v.clone().unwrap_or_default();
    vars.push((
        "VALKEY_DB_READ_ONLY_ENDPOINTS".into(),
        or_empty(&data.read_only_endpoints),
    ));
    vars.push((
        "VALKEY_DB_SENTINEL_ENDPOINTS".into(),
        or_empty(&data.sentinel_endpoints),
    ));
    vars.push(("VALKEY_MODE".into(), or_empty(&data.mode)));
    vars.push(("VALKEY_VERSION".into(), or_empty(&data.version)));
    Ok(vars)
}

/// pydantic's lax boolean parsing of a string (`None` when it is not a boolean).
fn parse_bool(text: &str) -> Option<bool> {
    match text.to_ascii_lowercase().as_str() {
        "1" | "on" | "t" | "true" | "y" | "yes" => Some(true),
        "0" | "off" | "f" | "false" | "n" | "no" => Some(false),
        _ => None,
    }
}

fn invalid() -> IntegrationError {
    IntegrationError::InvalidData(INVALID.into())
}

/// The Valkey requirer.
#[derive(Debug, Clone)]
pub struct Valkey {
    data: Option<ValkeyData>,
}

impl Valkey {
    /// The first response with its secrets (after `load`), when usable.
    pub fn data(&self) -> Option<&ValkeyData> {
        self.data.as_ref()
    }

    fn write_request(cx: &mut Cx<'_>, id: RelationId) -> Result<(), IntegrationError> {
        let salt = salt().map_err(|err| {
            IntegrationError::Tool(HookToolError::Failed {
                tool: "getrandom".into(),
                message: format!("cannot generate the valkey request salt: {err}"),
            })
        })?;
        cx.juju.update_bag(
            id,
            Scope::App,
            [
                ("version".to_owned(), "v1".to_owned()),
                ("requests".to_owned(), request_json(&salt)),
            ],
        )?;
        Ok(())
    }

    /// The library's relation-changed handler: diff each response against our snapshot, store
    /// the new snapshot in our unit bag, and say whether `secret-user` newly appeared
    /// (`resource_created`).
    fn on_changed(cx: &mut Cx<'_>, id: RelationId) -> Result<bool, IntegrationError> {
        let remote = cx.juju.remote_app_bag(id)?;
        if remote.get("subordinated").map(String::as_str) == Some("true") {
            let units = cx.juju.remote_units(id)?;
            let ready = match units.last() {
                Some(unit) => {
                    cx.juju
                        .remote_unit_bag(id, unit)?
                        .get("state")
                        .map(String::as_str)
                        == Some("ready")
                }
                None => false,
            };
            if !ready {
                return Ok(false);
            }
        }
        let responses = parse_responses(&remote).ok_or_else(invalid)?;
        if responses.is_empty() {
            return Ok(false);
        }
        // 1.0.2 diffs only when the provider echoes our requests under `data`.
        let Some(data) = remote.get("data") else {
            return Ok(false);
        };
        let Ok(Value::Object(request_map)) = crate::json::from_str::<Value>(data) else {
            return Err(invalid());
        };
        let local = cx.juju.local_unit_bag(id)?;
        let mut snapshot: Map<String, Value> = local
            .get("data")
            .and_then(|text| crate::json::from_str::<Value>(text).ok())
            .and_then(|v| match v {
                Value::Object(map) => Some(map),
                _ => None,
            })
            .unwrap_or_default();
        let mut created = false;
        for response in &responses {
            let response_id = response.id();
            let Some(request) = request_map.get(&response_id) else {
                return Err(IntegrationError::InvalidData(format!(
                    "Invalid valkey relation data: no request matching the response with \
                     response_id {}.",
                    crate::untrusted::bounded(&response_id)
                )));
            };
            let new = response.snapshot();
            let old = snapshot.get(&response_id).and_then(Value::as_object);
            let added =
                |key: &str| new.contains_key(key) && !old.is_some_and(|o| o.contains_key(key));
            // `_handle_event`: every secret URI new in this response is registered with its
            // label, whichever group (paas-charm reads only user and tls).
            for group in ["user", "tls", "extra", "entity"] {
                let field = format!("secret-{group}");
                if let Some(uri) = response.get(&field).filter(|_| added(&field)) {
                    let label = format!("{ENDPOINT}.{id}.{response_id}.{group}.secret");
                    register_secret(cx.juju, ENDPOINT, uri, &label)?;
                }
            }
            let entity_request = request.get("entity-type").is_some_and(|v| !v.is_null());
            if added("secret-user") && !entity_request && !created {
                created = true;
            }
            snapshot.insert(response_id, Value::Object(new));
        }
        if let Some(statuses) = remote
            .get("status")
            .and_then(|text| crate::json::from_str::<Vec<Map<String, Value>>>(text).ok())
            .filter(|s| !s.is_empty())
        {
            let by_code: Map<String, Value> = statuses
                .into_iter()
                .filter_map(|s| {
                    let code = s.get("code")?.as_i64()?;
                    Some((code.to_string(), Value::Object(s)))
                })
                .collect();
            snapshot.insert("status".into(), Value::Object(by_code));
        }
        cx.juju.update_bag(
            id,
            Scope::Unit,
            [(
                "data".to_owned(),
                python_json::dumps(&Value::Object(snapshot)),
            )],
        )?;
        Ok(created)
    }

    /// paas-charm's `to_relation_data`: at most one relation; the first response, validated,
    /// with its `secret-user` (and `secret-tls`) content; TLS is not supported.
    fn read(cx: &mut Cx<'_>) -> Result<Option<ValkeyData>, IntegrationError> {
        let relations = cx.juju.relations(ENDPOINT)?;
        if relations.len() > 1 {
            return Err(invalid());
        }
        let Some(relation) = relations.into_iter().next() else {
            return Ok(None);
        };
        if relation.remote_app.is_none() {
            return Ok(None);
        }
        let remote = cx.juju.remote_app_bag(relation.id)?;
        let responses = parse_responses(&remote).ok_or_else(invalid)?;
        let Some(response) = responses.into_iter().next() else {
            return Ok(None);
        };
        let request_id = response.id();
        let label = |group: &str| format!("{ENDPOINT}.{}.{request_id}.{group}.secret", relation.id);
        let mut data = ValkeyData {
            endpoints: response.get("endpoints").map(str::to_owned),
            read_only_endpoints: response.get("read-only-endpoints").map(str::to_owned),
            sentinel_endpoints: response.get("sentinel-endpoints").map(str::to_owned),
            mode: response.get("mode").map(str::to_owned),
            version: response.get("version").map(str::to_owned),
            ..ValkeyData::default()
        };
        if let Some(uri) = response.get("secret-user") {
            let content = read_shared_secret(cx.juju, ENDPOINT, uri, &label("user"))?;
            data.username = content.get("username").cloned();
            data.password = content.get("password").cloned();
        }
        if let Some(uri) = response.get("secret-tls") {
            let content = read_shared_secret(cx.juju, ENDPOINT, uri, &label("tls"))?;
            if let Some(tls) = content.get("tls") {
                match parse_bool(tls) {
                    Some(false) => {}
                    // TLS is not supported; a value that is not a boolean fails validation.
                    Some(true) | None => return Err(invalid()),
                }
            }
        }
        Ok(Some(data))
    }
}

impl Integration for Valkey {
    fn bind(meta: &CharmMeta) -> Option<Self> {
        meta.requires_with(ENDPOINT, INTERFACE)?;
        Some(Self { data: None })
    }

    fn name(&self) -> &str {
        ENDPOINT
    }

    /// Valkey is never reported missing, even without `optional: true`.
    fn required(&self) -> bool {
        false
    }

    /// relation-created (leader): write the request; relation-changed: process the responses
    /// and reconcile with migrations on `resource_created` only.
    fn handle_event(&mut self, cx: &mut Cx<'_>) -> Result<Vec<Trigger>, IntegrationError> {
        let Some((id, kind)) = relation_event(cx.juju, ENDPOINT) else {
            return Ok(Vec::new());
        };
        match kind {
            RelationEventKind::Created => {
                if cx.juju.is_leader()? {
                    Self::write_request(cx, id)?;
                }
                Ok(Vec::new())
            }
            RelationEventKind::Changed => Ok(if Self::on_changed(cx, id)? {
                vec![Trigger::ReconcileWithMigrations]
            } else {
                Vec::new()
            }),
            RelationEventKind::Joined | RelationEventKind::Departed | RelationEventKind::Broken => {
                Ok(Vec::new())
            }
        }
    }

    fn load(&mut self, cx: &mut Cx<'_>) -> Result<(), IntegrationError> {
        self.data = None;
        let Some(data) = Self::read(cx)? else {
            return Ok(());
        };
        // Upstream crashes the hook on an address Python cannot read the port of (several
        // endpoints, a credential with '/', '?' or '#'); we block instead.
        env_vars(&data).map_err(|err| unparsable_url(ENDPOINT, "connection URI", &err))?;
        self.data = Some(data);
        Ok(())
    }

    fn is_ready(&self) -> bool {
        self.data.is_some()
    }

    fn env(&self, env: &mut Env) {
        let Some(data) = &self.data else { return };
        for (name, value) in env_vars(data).unwrap_or_default() {
            env.set(name, value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::FrameworkKind;
    use crate::integration::test_support::*;
    use crate::testing::juju::MemoryBackend;

    const SECRET: &str = "secret:0i1km3nrjrbeveosrg7c";
    const OUR_REQUESTS: &str = "[{\"resource\": \"*\", \"request-id\": \"b3d8fd1d180bf28b\", \"salt\": \"k3yV4lK3ySalt001\", \"extra-user-roles\": null, \"extra-group-roles\": null, \"external-node-connectivity\": false, \"entity-type\": null, \"entity-permissions\": null, \"secret-mtls\": null}]";
    const ECHO: &str = "{\"b3d8fd1d180bf28b\": {\"resource\": \"*\", \"request-id\": \"b3d8fd1d180bf28b\", \"salt\": \"k3yV4lK3ySalt001\", \"extra-user-roles\": null, \"extra-group-roles\": null, \"external-node-connectivity\": false, \"entity-type\": null, \"entity-permissions\": null, \"secret-mtls\": null}}";

    fn responses(endpoints: Option<&str>, extra: &str) -> String {
        let endpoints = endpoints.map_or(String::new(), |e| format!(", \"endpoints\": \"{e}\""));
        format!(
            "[{{\"resource\": \"*\", \"request-id\": \"b3d8fd1d180bf28b\", \"salt\": \"k3yV4lK3ySalt001\"{endpoints}, \"read-only-endpoints\": \"valkey-1.valkey-endpoints.test-model.svc.cluster.local:6379,valkey-2.valkey-endpoints.test-model.svc.cluster.local:6379\", \"secret-user\": \"{SECRET}\", \"mode\": \"standalone\", \"version\": \"9.0.1\"{extra}}}]"
        )
    }

    const PRIMARY: &str = "valkey-0.valkey-endpoints.test-model.svc.cluster.local:6379";

    fn world(
        kind: FrameworkKind,
        leader: bool,
        remote: &[(&str, &str)],
        local_unit: &[(&str, &str)],
        hook: &str,
    ) -> World {
        let app = if kind == FrameworkKind::SpringBoot {
            "spring-boot-k8s"
        } else {
            "flask-k8s"
        };
        let unit = format!("{app}/0");
        let mut backend = MemoryBackend::new(&unit);
        backend.leader = leader;
        let mut rel = relation(
            2,
            "valkey",
            "valkey_client",
            "valkey",
            bag(remote),
            &[("valkey/0", bag(&[]))],
        );
        rel.local_app_data = bag(&[("version", "v1"), ("requests", OUR_REQUESTS)]);
        rel.local_unit_data.extend(bag(local_unit));
        backend.relations.push(rel);
        backend.secrets.push(granted_secret(
            SECRET,
            bag(&[("username", "relation-9-7f3c"), ("password", "vAlK3yPw")]),
        ));
        let hook = Hook::relation(&unit, hook, 2, "valkey", Some("valkey/0"));
        let m = meta(app, &[("valkey", "valkey_client", Some(true))]);
        World::new(kind, m, backend, &hook)
    }

    #[test]
    fn request_id_is_the_salted_hash() {
        assert_eq!(request_id("*", "k3yV4lK3ySalt001"), "b3d8fd1d180bf28b");
        assert_eq!(request_id("*", "6LVlI0bL44FB7jlF"), "0825e81f724cfb41");
        let salt = salt().expect("random");
        assert_eq!(salt.len(), 16);
        assert!(salt.chars().all(|c| c.is_ascii_alphanumeric()), "{salt}");
        assert_eq!(request_json("k3yV4lK3ySalt001"), OUR_REQUESTS);
    }

    #[test]
    fn leader_writes_the_request_on_created() {
        let mut backend = MemoryBackend::new("flask-k8s/0");
        backend.leader = true;
        backend.relations.push(relation(
            2,
            "valkey",
            "valkey_client",
            "valkey",
            bag(&[]),
            &[("valkey/0", bag(&[]))],
        ));
        let hook = Hook::relation("flask-k8s/0", "valkey-relation-created", 2, "valkey", None);
        let m = meta("flask-k8s", &[("valkey", "valkey_client", Some(true))]);
        let mut w = World::new(FrameworkKind::Flask, m, backend, &hook);
        assert_eq!(w.app_bag(2), bag(&[]));
        let mut valkey = Valkey::bind(&w.meta).expect("bound");
        let (triggers, env) = w.run(&mut valkey);
        assert!(triggers.is_empty());
        assert!(env.expect("env").is_empty());
        let app = w.app_bag(2);
        assert_eq!(app.get("version").map(String::as_str), Some("v1"));
        let requests = app.get("requests").expect("requests");
        let parsed: Value = serde_json::from_str(requests).expect("json");
        let salt = parsed[0]["salt"].as_str().expect("salt").to_owned();
        assert_eq!(salt.len(), 16);
        assert_eq!(
            parsed[0]["request-id"],
            Value::String(request_id("*", &salt))
        );
        assert_eq!(*requests, request_json(&salt));
        assert!(!requests.contains("mtls-cert"));
        assert!(!w.unit_bag(2).contains_key("data"));
    }

    #[test]
    fn non_leader_writes_nothing_on_created() {
        let mut w = world(
            FrameworkKind::Flask,
            false,
            &[],
            &[],
            "valkey-relation-created",
        );
        let mut valkey = Valkey::bind(&w.meta).expect("bound");
        let (triggers, _) = w.run(&mut valkey);
        assert!(triggers.is_empty());
        assert!(!w.unit_bag(2).contains_key("data"));
    }

    // flask/flask_valkey_resource_created
    #[test]
    fn resource_created() {
        let requests = responses(Some(PRIMARY), "");
        let remote = [
            ("version", "v1"),
            ("requests", requests.as_str()),
            ("data", ECHO),
        ];
        let mut w = world(
            FrameworkKind::Flask,
            true,
            &remote,
            &[],
            "valkey-relation-changed",
        );
        let mut valkey = Valkey::bind(&w.meta).expect("bound");
        assert!(!valkey.required());
        let (triggers, env) = w.run(&mut valkey);
        assert_eq!(triggers, vec![Trigger::ReconcileWithMigrations]);
        assert_eq!(
            w.unit_bag(2).get("data").map(String::as_str),
            Some("{\"b3d8fd1d180bf28b\": {\"resource\": \"*\", \"request-id\": \"b3d8fd1d180bf28b\", \"salt\": \"k3yV4lK3ySalt001\", \"endpoints\": \"valkey-0.valkey-endpoints.test-model.svc.cluster.local:6379\", \"read-only-endpoints\": \"valkey-1.valkey-endpoints.test-model.svc.cluster.local:6379,valkey-2.valkey-endpoints.test-model.svc.cluster.local:6379\", \"secret-user\": \"secret:0i1km3nrjrbeveosrg7c\", \"version\": \"9.0.1\", \"mode\": \"standalone\"}}")
        );
        let host = "valkey-0.valkey-endpoints.test-model.svc.cluster.local";
        assert_eq!(
            env_pairs(&env.expect("env")),
            pairs(&[
                ("VALKEY_DB_CONNECT_STRING", &format!("valkey://relation-9-7f3c:vAlK3yPw@{host}:6379")),
                ("VALKEY_DB_FRAGMENT", ""),
                ("VALKEY_DB_HOSTNAME", host),
                ("VALKEY_DB_NETLOC", &format!("relation-9-7f3c:vAlK3yPw@{host}:6379")),
                ("VALKEY_DB_PARAMS", ""),
                ("VALKEY_DB_PASSWORD", "vAlK3yPw"),
                ("VALKEY_DB_PATH", ""),
                ("VALKEY_DB_PORT", "6379"),
                ("VALKEY_DB_QUERY", ""),
                ("VALKEY_DB_READ_ONLY_ENDPOINTS", "valkey-1.valkey-endpoints.test-model.svc.cluster.local:6379,valkey-2.valkey-endpoints.test-model.svc.cluster.local:6379"),
                ("VALKEY_DB_SCHEME", "valkey"),
                ("VALKEY_DB_SENTINEL_ENDPOINTS", ""),
                ("VALKEY_DB_USERNAME", "relation-9-7f3c"),
                ("VALKEY_MODE", "standalone"),
                ("VALKEY_VERSION", "9.0.1"),
            ])
        );
        assert!(w
            .secret_by_label("valkey.2.b3d8fd1d180bf28b.user.secret")
            .is_some());
    }

    /// dpcharmlibs 1.0.2 `_handle_event`: each secret URI new in the response is registered
    /// with `valkey.<id>.<request-id>.<group>.secret`, `extra` too, which paas-charm never reads.
    #[test]
    fn every_new_secret_of_the_response_gets_its_label() {
        let extra_uri = "secret:0i1km3nrjrbeveosrgex";
        let requests = responses(
            Some(PRIMARY),
            &format!(", \"secret-extra\": \"{extra_uri}\""),
        );
        let mut backend = MemoryBackend::new("flask-k8s/0");
        backend.leader = true;
        let mut rel = relation(
            2,
            "valkey",
            "valkey_client",
            "valkey",
            bag(&[
                ("version", "v1"),
                ("requests", requests.as_str()),
                ("data", ECHO),
            ]),
            &[("valkey/0", bag(&[]))],
        );
        rel.local_app_data = bag(&[("version", "v1"), ("requests", OUR_REQUESTS)]);
        backend.relations.push(rel);
        backend.secrets.push(granted_secret(
            SECRET,
            bag(&[("username", "relation-9-7f3c"), ("password", "vAlK3yPw")]),
        ));
        backend
            .secrets
            .push(granted_secret(extra_uri, bag(&[("extra", "x")])));
        let hook = Hook::relation(
            "flask-k8s/0",
            "valkey-relation-changed",
            2,
            "valkey",
            Some("valkey/0"),
        );
        let m = meta("flask-k8s", &[("valkey", "valkey_client", Some(true))]);
        let mut w = World::new(FrameworkKind::Flask, m, backend, &hook);
        let mut valkey = Valkey::bind(&w.meta).expect("bound");
        let (triggers, _) = w.run(&mut valkey);
        assert_eq!(triggers, vec![Trigger::ReconcileWithMigrations]);
        assert_eq!(
            w.secret_by_label("valkey.2.b3d8fd1d180bf28b.extra.secret"),
            Some(bag(&[("extra", "x")]))
        );
        assert!(w
            .secret_by_label("valkey.2.b3d8fd1d180bf28b.user.secret")
            .is_some());
    }

    #[test]
    fn later_changes_do_not_reconcile_but_update_the_snapshot() {
        let first = responses(Some(PRIMARY), "");
        let remote = [
            ("version", "v1"),
            ("requests", first.as_str()),
            ("data", ECHO),
        ];
        let mut w = world(
            FrameworkKind::Flask,
            false,
            &remote,
            &[],
            "valkey-relation-changed",
        );
        let mut valkey = Valkey::bind(&w.meta).expect("bound");
        let _ = w.run(&mut valkey);
        let snapshot = w.unit_bag(2).get("data").cloned().expect("snapshot");
        // The endpoints change: endpoints_changed, which paas-charm does not observe.
        let moved = responses(Some("valkey-3:6379"), "");
        let remote = [
            ("version", "v1"),
            ("requests", moved.as_str()),
            ("data", ECHO),
        ];
        let mut w = world(
            FrameworkKind::Flask,
            false,
            &remote,
            &[("data", &snapshot)],
            "valkey-relation-changed",
        );
        let (triggers, _) = w.run(&mut valkey);
        assert!(triggers.is_empty());
        assert!(w.unit_bag(2)["data"].contains("valkey-3:6379"));
    }

    #[test]
    fn nothing_happens_without_the_echoed_data_or_responses() {
        let requests = responses(Some(PRIMARY), "");
        for remote in [
            vec![("version", "v1"), ("requests", requests.as_str())],
            vec![
                ("version", "v1"),
                ("requests", "[]"),
                ("encryption-secret", "secret:e0000000000000000000"),
            ],
            vec![],
        ] {
            let mut w = world(
                FrameworkKind::Flask,
                true,
                &remote,
                &[],
                "valkey-relation-changed",
            );
            let mut valkey = Valkey::bind(&w.meta).expect("bound");
            let triggers = valkey.handle_event(&mut w.cx()).expect("handled");
            w.juju.flush().expect("flush");
            assert!(triggers.is_empty(), "{remote:?}");
            assert!(!w.unit_bag(2).contains_key("data"), "{remote:?}");
            // The encryption secret is never copied.
            assert!(!w.app_bag(2).contains_key("encryption-secret"));
        }
    }

    #[test]
    fn a_response_for_no_request_of_ours_blocks() {
        let requests = responses(Some(PRIMARY), "");
        let echo = ECHO.replace("b3d8fd1d180bf28b", "0000000000000000");
        let remote = [
            ("version", "v1"),
            ("requests", requests.as_str()),
            ("data", echo.as_str()),
        ];
        let mut w = world(
            FrameworkKind::Flask,
            true,
            &remote,
            &[],
            "valkey-relation-changed",
        );
        let mut valkey = Valkey::bind(&w.meta).expect("bound");
        let err = valkey.handle_event(&mut w.cx()).expect_err("blocked");
        assert_eq!(
            err.to_string(),
            "Invalid valkey relation data: no request matching the response with response_id b3d8fd1d180bf28b."
        );
    }

    fn load(remote: &[(&str, &str)]) -> Result<Option<ValkeyData>, String> {
        let mut w = world(FrameworkKind::Flask, true, remote, &[], "config-changed");
        let mut valkey = Valkey::bind(&w.meta).expect("bound");
        valkey
            .load(&mut w.cx())
            .map(|()| valkey.data().cloned())
            .map_err(|e| e.to_string())
    }

    #[test]
    fn invalid_responses_block() {
        let invalid = Err(INVALID.to_owned());
        assert_eq!(load(&[("requests", "not json")]), invalid);
        assert_eq!(load(&[("requests", "{}")]), invalid);
        assert_eq!(load(&[("requests", "[{\"endpoints\": \"h:1\"}]")]), invalid);
        assert_eq!(
            load(&[("requests", "[{\"resource\": \"*\", \"endpoints\": 6379}]")]),
            invalid
        );
        assert_eq!(load(&[("requests", "[]")]), Ok(None));
        assert_eq!(load(&[]), Ok(None));
    }

    #[test]
    fn tls_is_not_supported() {
        let with_tls = responses(
            Some(PRIMARY),
            ", \"secret-tls\": \"secret:t1s00000000000000000\"",
        );
        let m = meta("flask-k8s", &[("valkey", "valkey_client", Some(true))]);
        let mut valkey = Valkey::bind(&m).expect("bound");
        for (tls, ok) in [
            ("true", false),
            ("True", false),
            ("maybe", false),
            ("false", true),
        ] {
            let mut backend = MemoryBackend::new("flask-k8s/0");
            backend.relations.push(relation(
                2,
                "valkey",
                "valkey_client",
                "valkey",
                bag(&[("requests", &with_tls)]),
                &[("valkey/0", bag(&[]))],
            ));
            backend.secrets.push(granted_secret(
                SECRET,
                bag(&[("username", "u"), ("password", "p")]),
            ));
            backend.secrets.push(granted_secret(
                "secret:t1s00000000000000000",
                bag(&[("tls", tls), ("tls-ca", "CA")]),
            ));
            let hook = Hook::plain("flask-k8s/0", "config-changed");
            let mut w = World::new(FrameworkKind::Flask, m.clone(), backend, &hook);
            let result = valkey.load(&mut w.cx()).map_err(|e| e.to_string());
            if ok {
                assert_eq!(result, Ok(()));
                assert!(valkey.is_ready());
                assert!(w
                    .secret_by_label("valkey.2.b3d8fd1d180bf28b.tls.secret")
                    .is_some());
            } else {
                assert_eq!(result, Err(INVALID.to_owned()), "{tls}");
                assert!(!valkey.is_ready());
            }
        }
    }

    #[test]
    fn two_relations_block() {
        let mut backend = MemoryBackend::new("flask-k8s/0");
        for id in [2, 3] {
            backend.relations.push(relation(
                id,
                "valkey",
                "valkey_client",
                "valkey",
                bag(&[]),
                &[],
            ));
        }
        let hook = Hook::plain("flask-k8s/0", "config-changed");
        let m = meta("flask-k8s", &[("valkey", "valkey_client", None)]);
        let mut w = World::new(FrameworkKind::Flask, m, backend, &hook);
        let mut valkey = Valkey::bind(&w.meta).expect("bound");
        assert!(!valkey.required(), "never reported missing");
        assert_eq!(
            valkey.load(&mut w.cx()).map_err(|e| e.to_string()),
            Err(INVALID.into())
        );
    }

    // integrations.md E6.2: a missing endpoint renders as None; a scheme gets the userinfo.
    #[test]
    fn endpoint_forms() {
        let none = load(&[("requests", &responses(None, ""))])
            .expect("ok")
            .expect("ready");
        assert_eq!(none.uri(), "valkey://relation-9-7f3c:vAlK3yPw@None");
        let vars = env_vars(&none).expect("vars");
        assert!(vars.contains(&("VALKEY_DB_HOSTNAME".into(), "none".into())));
        let redis = load(&[("requests", &responses(Some("redis://valkey-0:6379"), ""))])
            .expect("ok")
            .expect("ready");
        assert_eq!(
            redis.uri(),
            "redis://relation-9-7f3c:vAlK3yPw@valkey-0:6379"
        );
        // Several endpoints: Python cannot read the port; we block naming the relation.
        let err = load(&[(
            "requests",
            &responses(Some("valkey-0:6379,valkey-1:6379"), ""),
        )])
        .expect_err("blocked");
        assert!(
            err.starts_with("Invalid valkey relation data: the connection URI"),
            "{err}"
        );
        assert!(!err.contains("vAlK3yPw"));
    }

    #[test]
    fn unreadable_secret_blocks() {
        let requests = responses(Some(PRIMARY), "");
        let mut w = world(
            FrameworkKind::Flask,
            true,
            &[("requests", &requests)],
            &[],
            "config-changed",
        );
        let mut valkey = Valkey::bind(&w.meta).expect("bound");
        // Not found.
        let mut backend = MemoryBackend::new("flask-k8s/0");
        backend.relations.push(relation(
            2,
            "valkey",
            "valkey_client",
            "valkey",
            bag(&[("requests", &requests)]),
            &[],
        ));
        let hook = Hook::plain("flask-k8s/0", "config-changed");
        let mut missing = World::new(FrameworkKind::Flask, w.meta.clone(), backend, &hook);
        assert_eq!(
            valkey.load(&mut missing.cx()).map_err(|e| e.to_string()),
            Err(format!(
                "Invalid valkey relation data: the secret {SECRET} cannot be read (not found)."
            ))
        );
        // Permission denied.
        let mut backend = MemoryBackend::new("flask-k8s/0");
        backend.relations.push(relation(
            2,
            "valkey",
            "valkey_client",
            "valkey",
            bag(&[("requests", &requests)]),
            &[],
        ));
        backend
            .failing_tools
            .insert("secret-get".into(), "ERROR permission denied".into());
        let mut denied = World::new(FrameworkKind::Flask, w.meta.clone(), backend, &hook);
        assert_eq!(
            valkey.load(&mut denied.cx()).map_err(|e| e.to_string()),
            Err(format!(
                "Invalid valkey relation data: the secret {SECRET} cannot be read (permission denied)."
            ))
        );
        // And the readable one works.
        valkey.load(&mut w.cx()).expect("load");
        assert!(valkey.is_ready());
    }

    // integrations.md E6.1 (general/test_valkey.py); Spring Boot gets the same variables.
    #[test]
    fn env_examples() {
        let full = ValkeyData {
            endpoints: Some("valkey-primary:6379".into()),
            read_only_endpoints: Some("valkey-replicas:6379".into()),
            sentinel_endpoints: Some("valkey-sentinel:26379".into()),
            mode: Some("sentinel".into()),
            version: Some("9.0.1".into()),
            username: Some("relation-1-abc123".into()),
            password: Some("supersecretpass".into()),
        };
        let flask = env_vars(&full).expect("vars");
        let map: std::collections::BTreeMap<_, _> = flask.into_iter().collect();
        assert_eq!(
            map["VALKEY_DB_CONNECT_STRING"],
            "valkey://relation-1-abc123:supersecretpass@valkey-primary:6379"
        );
        assert_eq!(map["VALKEY_DB_SENTINEL_ENDPOINTS"], "valkey-sentinel:26379");
        assert_eq!(map["VALKEY_MODE"], "sentinel");
        let minimal = ValkeyData {
            endpoints: Some("valkey-host:6380".into()),
            version: Some("8.0.0".into()),
            ..ValkeyData::default()
        };
        let map: std::collections::BTreeMap<_, _> =
            env_vars(&minimal).expect("vars").into_iter().collect();
        assert_eq!(map["VALKEY_DB_CONNECT_STRING"], "valkey://valkey-host:6380");
        assert_eq!(map["VALKEY_DB_READ_ONLY_ENDPOINTS"], "");
        assert_eq!(map["VALKEY_MODE"], "");
        assert!(!map.contains_key("VALKEY_DB_USERNAME"));
        // A username without a password renders Python's None.
        let no_password = ValkeyData {
            username: Some("u".into()),
            ..minimal
        };
        assert_eq!(no_password.uri(), "valkey://u:None@valkey-host:6380");
    }

    #[test]
    fn echoed_data_that_is_not_json_blocks() {
        let requests = responses(Some(PRIMARY), "");
        for data in ["not json", "[]", "\"text\""] {
            let remote = [
                ("version", "v1"),
                ("requests", requests.as_str()),
                ("data", data),
            ];
            let mut w = world(
                FrameworkKind::Flask,
                true,
                &remote,
                &[],
                "valkey-relation-changed",
            );
            let mut valkey = Valkey::bind(&w.meta).expect("bound");
            let err = valkey.handle_event(&mut w.cx()).expect_err("blocked");
            assert_eq!(err.to_string(), INVALID, "{data}");
        }
    }

    // Credentials are not encoded: '@', ':' and '%' pass through, '/', '?' and '#' cut the
    // authority (an unreadable port blocks; no piece of the password reaches the status).
    #[test]
    fn passwords_with_special_characters() {
        let data = |password: &str| ValkeyData {
            endpoints: Some("valkey-0:6379".into()),
            username: Some("u".into()),
            password: Some(password.into()),
            ..ValkeyData::default()
        };
        for password in ["p@ss", "p:ss", "p%40ss"] {
            let vars = env_vars(&data(password)).expect("parses");
            assert!(
                vars.contains(&("VALKEY_DB_PASSWORD".into(), password.into())),
                "{password}"
            );
            assert!(vars.contains(&("VALKEY_DB_HOSTNAME".into(), "valkey-0".into())));
        }
        for password in ["p/ss", "p?ss", "p#ss"] {
            assert!(env_vars(&data(password)).is_err(), "{password}");
        }
    }
}
