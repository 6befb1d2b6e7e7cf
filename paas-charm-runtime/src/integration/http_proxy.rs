//! `http-proxy`: the squid_forward_proxy v0 `HttpProxyRequirer` (no domains, no auth) as
//! paas-charm 1.x drives it (integrations.md §2.11, §0a.6). Never reported missing.
//!
//! * We write `requests` = `[{"auth": [], "domains": [], "requirer": "<uuid4>"}]` into our app
//!   bag on relation-joined and upgrade-charm (leader), reusing the id already there.
//! * We read the provider's `responses`: the one for our id must be `ready`, with
//!   `http_proxy` and `https_proxy` (normalised as pydantic's `AnyUrl`) and optionally a
//!   `user` secret (`username`, `password`) whose credentials go into both URLs.
//! * The proxies replace the model's `JUJU_CHARM_HTTP(S)_PROXY`; `no_proxy` always comes from
//!   `JUJU_CHARM_NO_PROXY` (the reconcile combines them, [`super::ProxyOverride`]).
//! * Every relation-changed reconciles; a relation without a usable response blocks with
//!   paas-charm's message. Broken does nothing.
//!
//! paas-charm's library reads our own app bag to find our id, which fails every hook of a
//! non-leader; a non-leader here takes the provider's only response instead (we make one
//! request, so the provider answers one).

use serde_json::{json, Value};

use super::validated_url::any_url;
use super::{Contributions, Cx, Integration, IntegrationError, ProxyOverride, Trigger};
use crate::env::python_json::dumps;
use crate::juju::{Bag, CharmMeta, Event, RelationEventKind, Scope, SecretQuery};

/// The endpoint name.
pub const ENDPOINT: &str = "http-proxy";

/// paas-charm's Blocked message while the relation has no usable response.
pub const NOT_USABLE: &str =
    "http-proxy relation data is either unavailable, invalid or not usable.";

/// The http-proxy requirer.
#[derive(Debug, Clone, Default)]
pub struct HttpProxy {
    proxy: Option<ProxyOverride>,
}

impl Integration for HttpProxy {
    fn bind(meta: &CharmMeta) -> Option<Self> {
        meta.requires
            .get(ENDPOINT)
            .filter(|m| m.interface == "http_proxy")
            .map(|_| Self::default())
    }

    fn name(&self) -> &str {
        ENDPOINT
    }

    fn handle_event(&mut self, cx: &mut Cx<'_>) -> Result<Vec<Trigger>, IntegrationError> {
        match cx.juju.event() {
            Event::Relation { endpoint, kind } if endpoint == ENDPOINT => match kind {
                RelationEventKind::Joined => {
                    write_requests(cx)?;
                    Ok(Vec::new())
                }
                RelationEventKind::Changed => Ok(vec![Trigger::Reconcile]),
                _ => Ok(Vec::new()),
            },
            Event::UpgradeCharm => {
                write_requests(cx)?;
                Ok(Vec::new())
            }
            _ => Ok(Vec::new()),
        }
    }

    fn load(&mut self, cx: &mut Cx<'_>) -> Result<(), IntegrationError> {
        self.proxy = None;
        let Some(relation) = cx.juju.relation(ENDPOINT)? else {
            return Ok(());
        };
        let not_usable = || IntegrationError::InvalidData(NOT_USABLE.into());
        let our_id = if cx.juju.is_leader()? {
            let ours = cx.juju.local_app_bag(relation.id, false)?;
            Some(requirer_id(&ours).ok_or_else(not_usable)?)
        } else {
            None
        };
        let remote = cx.juju.remote_app_bag(relation.id)?;
        let response = find_response(&remote, our_id.as_deref()).ok_or_else(not_usable)?;
        let user = match response.get("user").and_then(Value::as_str) {
            Some(secret_id) => {
                let content = cx
                    .juju
                    .secret(&SecretQuery {
                        id: Some(secret_id.to_owned()),
                        label: None,
                        refresh: true,
                        peek: false,
                    })
                    .map_err(|_| not_usable())?;
                match (content.get("username"), content.get("password")) {
                    (Some(u), Some(p)) => Some((u.clone(), p.clone())),
                    _ => return Err(not_usable()),
                }
            }
            None => None,
        };
        self.proxy = Some(proxies(&response, user.as_ref()).ok_or_else(not_usable)?);
        Ok(())
    }

    fn is_ready(&self) -> bool {
        self.proxy.is_some()
    }

    fn contribute(&self, out: &mut Contributions) {
        if let Some(proxy) = &self.proxy {
            out.proxy = Some(proxy.clone());
        }
    }
}

/// Writes our request on the leader, keeping the requirer id already in our bag.
fn write_requests(cx: &mut Cx<'_>) -> Result<(), IntegrationError> {
    let relations = cx.juju.relations(ENDPOINT)?;
    if relations.is_empty() || !cx.juju.is_leader()? {
        return Ok(());
    }
    for relation in relations {
        let ours = cx.juju.local_app_bag(relation.id, false)?;
        let id = requirer_id(&ours).unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
        cx.juju.update_bag(
            relation.id,
            Scope::App,
            [("requests".to_owned(), request_text(&id))],
        )?;
    }
    Ok(())
}

/// The `requests` value (JSON with sorted keys).
pub fn request_text(requirer: &str) -> String {
    dumps(&json!([{"auth": [], "domains": [], "requirer": requirer}]))
}

/// The requirer id of the first request in our bag.
fn requirer_id(ours: &Bag) -> Option<String> {
    let requests: Value = crate::json::from_str(ours.get("requests")?).ok()?;
    requests
        .get(0)?
        .get("requirer")?
        .as_str()
        .map(str::to_owned)
}

/// The provider's `ready` response for `our_id`, or (no id known) its only response.
fn find_response(remote: &Bag, our_id: Option<&str>) -> Option<serde_json::Map<String, Value>> {
    let responses: Vec<Value> = crate::json::from_str(remote.get("responses")?).ok()?;
    let mut objects = responses.into_iter().filter_map(|r| match r {
        Value::Object(map) => Some(map),
        _ => None,
    });
    let response = match our_id {
        Some(id) => objects.find(|r| r.get("requirer").and_then(Value::as_str) == Some(id))?,
        None => {
            let first = objects.next()?;
            if objects.next().is_some() {
                return None;
            }
            first
        }
    };
    (response.get("status").and_then(Value::as_str) == Some("ready")).then_some(response)
}

/// The proxy URLs of a ready response: normalised, or `<scheme>://<user>:<password>@<netloc>`
/// (path dropped, credentials as they are) when the response names a user.
fn proxies(
    response: &serde_json::Map<String, Value>,
    user: Option<&(String, String)>,
) -> Option<ProxyOverride> {
    let one = |key: &str| -> Option<String> {
        let normalised = any_url(response.get(key)?.as_str()?).ok()?;
        match user {
            None => Some(normalised),
            Some((username, password)) => {
                let url = url::Url::parse(&normalised).ok()?;
                let host = url.host_str()?;
                let netloc = match url.port() {
                    Some(port) => format!("{host}:{port}"),
                    None => host.to_owned(),
                };
                Some(format!("{}://{username}:{password}@{netloc}", url.scheme()))
            }
        }
    };
    Some(ProxyOverride {
        http: Some(one("http_proxy")?),
        https: Some(one("https_proxy")?),
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::framework::FrameworkKind;
    use crate::integration::test_support::{bag, relation_with_unit, world, World};
    use crate::testing::MemorySecret;

    const META: &str = r#"
name: flask-k8s
containers:
  flask-app:
    resource: flask-app-image
peers:
  secret-storage:
    interface: secret-storage
requires:
  http-proxy:
    interface: http_proxy
    limit: 1
"#;

    const ID: &str = "9b2a3c1e-1111-4222-8333-444455556666";
    const SECRET: &str = "secret:hk0nmfc446h6ds5843is";

    fn response(status: &str, user: bool) -> String {
        let mut r = json!({"requirer": ID, "status": status, "auth": "none",
            "http_proxy": "http://squid.internal:3128", "https_proxy": "http://squid.internal:3128"});
        if user {
            r["user"] = json!(SECRET);
        }
        dumps(&json!([r]))
    }

    fn proxy_world(hook: &str, leader: bool, responses: Option<&str>, ours: Bag) -> World {
        let dir = std::env::temp_dir().join("paas-http-proxy-test-none");
        let remote = match responses {
            Some(r) => bag(&[("responses", r)]),
            None => bag(&[]),
        };
        let mut w = world(
            FrameworkKind::Flask,
            META,
            "flask-k8s",
            hook,
            Some((2, "squid-forward-proxy")),
            leader,
            vec![],
            json!({}),
            serde_json::Value::Null,
            &dir,
        );
        let mut rel = relation_with_unit(
            2,
            ENDPOINT,
            "http_proxy",
            "squid-forward-proxy",
            remote,
            bag(&[]),
        );
        rel.local_app_data = ours;
        let mut backend = crate::testing::MemoryBackend::new("flask-k8s/0");
        backend.leader = leader;
        backend.relations = vec![rel];
        backend.secrets = vec![MemorySecret {
            id: SECRET.into(),
            tracked_content: bag(&[("username", "proxyuser"), ("password", "pr0xyPw")]),
            latest_content: bag(&[("username", "proxyuser"), ("password", "pr0xyPw")]),
            ..MemorySecret::default()
        }];
        w.juju = crate::juju::Juju::new(Box::new(backend), w.juju.ctx.clone());
        w
    }

    fn our_request() -> Bag {
        bag(&[("requests", &request_text(ID))])
    }

    #[test]
    fn joined_writes_a_request_and_keeps_an_existing_id() {
        let mut w = proxy_world("http-proxy-relation-joined", true, None, bag(&[]));
        let mut p = HttpProxy::bind(&w.meta).expect("bound");
        assert!(!p.required(), "http-proxy is never reported missing");
        assert_eq!(p.handle_event(&mut w.cx()).expect("event"), vec![]);
        let ours = w.juju.local_app_bag(2, false).expect("bag");
        let id = requirer_id(&ours).expect("an id");
        assert!(uuid::Uuid::parse_str(&id).is_ok_and(|u| u.get_version_num() == 4));
        assert_eq!(ours.get("requests"), Some(&request_text(&id)));
        let mut w = proxy_world("upgrade-charm", true, None, our_request());
        p.handle_event(&mut w.cx()).expect("event");
        let ours: std::collections::BTreeMap<String, String> = w
            .juju
            .local_app_bag(2, false)
            .expect("bag")
            .into_iter()
            .collect();
        insta::assert_yaml_snapshot!("http_proxy_request", ours);
    }

    #[test]
    fn ready_with_user_puts_credentials_in_the_urls() {
        let responses = response("ready", true);
        let mut w = proxy_world(
            "http-proxy-relation-changed",
            true,
            Some(&responses),
            our_request(),
        );
        let mut p = HttpProxy::bind(&w.meta).expect("bound");
        assert_eq!(
            p.handle_event(&mut w.cx()).expect("event"),
            vec![Trigger::Reconcile]
        );
        p.load(&mut w.cx()).expect("load");
        let mut out = Contributions::default();
        p.contribute(&mut out);
        assert_eq!(
            out.proxy,
            Some(ProxyOverride {
                http: Some("http://proxyuser:pr0xyPw@squid.internal:3128".into()),
                https: Some("http://proxyuser:pr0xyPw@squid.internal:3128".into()),
            })
        );
    }

    #[test]
    fn ready_without_user_is_normalised() {
        let responses = response("ready", false);
        let mut w = proxy_world("config-changed", true, Some(&responses), our_request());
        let mut p = HttpProxy::bind(&w.meta).expect("bound");
        p.load(&mut w.cx()).expect("load");
        let mut out = Contributions::default();
        p.contribute(&mut out);
        insta::assert_debug_snapshot!("http_proxy_ready", out.proxy);
    }

    #[test]
    fn non_leader_takes_the_only_response() {
        let responses = response("ready", false);
        let mut w = proxy_world("config-changed", false, Some(&responses), our_request());
        let mut p = HttpProxy::bind(&w.meta).expect("bound");
        p.load(&mut w.cx()).expect("load");
        assert!(p.is_ready());
        let one = json!({"requirer": ID, "status": "ready",
            "http_proxy": "http://squid.internal:3128", "https_proxy": "http://squid.internal:3128"});
        let two = dumps(&json!([one.clone(), one]));
        let mut w = proxy_world("config-changed", false, Some(&two), our_request());
        assert_eq!(
            p.load(&mut w.cx()).expect_err("ambiguous").to_string(),
            NOT_USABLE
        );
    }

    #[test]
    fn unusable_data_blocks_never_panics() {
        let pending = response("pending", false);
        let other = response("ready", false).replace(ID, "00000000-0000-4000-8000-000000000001");
        let bad_url = response("ready", false).replace("http://squid.internal:3128", "not a url");
        let ready = response("ready", false);
        let cases: Vec<(Option<&str>, Bag)> = vec![
            (Some(&pending), our_request()),
            (Some(&other), our_request()),
            (Some("not json"), our_request()),
            (Some("{}"), our_request()),
            (Some(&bad_url), our_request()),
            (None, our_request()),
            (Some(&ready), bag(&[])),
            (Some(&ready), bag(&[("requests", "[")])),
        ];
        for (responses, ours) in cases {
            let mut w = proxy_world("http-proxy-relation-changed", true, responses, ours);
            let mut p = HttpProxy::bind(&w.meta).expect("bound");
            assert_eq!(
                p.load(&mut w.cx()).expect_err("blocked").to_string(),
                NOT_USABLE,
                "{responses:?}"
            );
        }
        // A user secret that cannot be read.
        let missing = response("ready", true).replace(SECRET, "secret:doesnotevist00000000");
        let mut w = proxy_world("config-changed", true, Some(&missing), our_request());
        let mut p = HttpProxy::bind(&w.meta).expect("bound");
        assert_eq!(
            p.load(&mut w.cx()).expect_err("secret").to_string(),
            NOT_USABLE
        );
    }
}
