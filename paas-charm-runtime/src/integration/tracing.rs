//! `tracing` (Tempo): the tempo_coordinator_k8s v0 `TracingEndpointRequirer` asking for
//! `otlp_http`, as paas-charm drives it (integrations.md §2.7, §3, §0a.2–§0a.3).
//!
//! * We write `receivers` = `["otlp_http"]` into our app bag (leader, on every hook while the
//!   relation exists, the bag cleared of anything else first).
//! * We read the provider's `receivers` (a JSON list of `{"protocol": {"name", "type"},
//!   "url"}`); the first `otlp_http` receiver with a URL is the endpoint, normalised as
//!   pydantic's `AnyUrl`.
//! * Env: `OTEL_EXPORTER_OTLP_ENDPOINT` and `OTEL_SERVICE_NAME` (the app name), the same for
//!   every framework; Gunicorn also renders its OpenTelemetry block (`tracing_ready`), and
//!   Spring Boot sets `OTEL_*_EXPORTER=none` while this is not ready.
//! * Every tracing relation-changed reconciles (the library emits `endpoint_changed` or
//!   `endpoint_removed`), and so does relation-broken.

use serde::Deserialize;

use super::validated_url::any_url;
use super::{Contributions, Cx, Integration, IntegrationError, Trigger};
use crate::env::Env;
use crate::juju::{Bag, CharmMeta, Event, RelationEventKind, Scope};

/// The endpoint name.
pub const ENDPOINT: &str = "tracing";

/// The protocol paas-charm requests.
pub const PROTOCOL: &str = "otlp_http";

/// What the requirer writes into its app bag.
pub const RECEIVERS_REQUEST: &str = r#"["otlp_http"]"#;

/// The tracing requirer.
#[derive(Debug, Clone, Default)]
pub struct Tracing {
    required: bool,
    endpoint: Option<String>,
    service_name: String,
}

/// One receiver the provider offers.
#[derive(Debug, Clone, Deserialize)]
struct Receiver {
    protocol: Protocol,
    #[serde(default)]
    url: Option<String>,
}

/// A receiver's protocol: a name and a transport (`http` or `grpc`).
#[derive(Debug, Clone, Deserialize)]
struct Protocol {
    name: String,
    /// Validated only (a type other than `http`/`grpc` makes `receivers` invalid).
    #[serde(rename = "type")]
    _transport: Transport,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Transport {
    Http,
    Grpc,
}

impl Integration for Tracing {
    fn bind(meta: &CharmMeta) -> Option<Self> {
        let relation = meta
            .requires
            .get(ENDPOINT)
            .filter(|m| m.interface == "tracing")?;
        Some(Self {
            required: relation.is_required(),
            ..Self::default()
        })
    }

    fn name(&self) -> &str {
        ENDPOINT
    }

    fn required(&self) -> bool {
        self.required
    }

    fn handle_event(&mut self, cx: &mut Cx<'_>) -> Result<Vec<Trigger>, IntegrationError> {
        request_receivers(cx)?;
        match cx.juju.event() {
            Event::Relation {
                endpoint,
                kind: RelationEventKind::Changed | RelationEventKind::Broken,
            } if endpoint == ENDPOINT => Ok(vec![Trigger::Reconcile]),
            _ => Ok(Vec::new()),
        }
    }

    /// Reads the endpoint. A provider that offers no `otlp_http` receiver (or unusable
    /// `receivers`) leaves tracing not ready; paas-charm fails the hook on a non-leader there,
    /// and on an endpoint URL that does not validate, where we block naming the problem.
    fn load(&mut self, cx: &mut Cx<'_>) -> Result<(), IntegrationError> {
        self.service_name = cx.juju.ctx.app_name.clone();
        self.endpoint = None;
        let Some(relation) = cx.juju.relation(ENDPOINT)? else {
            return Ok(());
        };
        let bag = cx.juju.remote_app_bag(relation.id)?;
        self.endpoint = endpoint_from_bag(&bag)?;
        Ok(())
    }

    fn is_ready(&self) -> bool {
        self.endpoint.is_some()
    }

    fn env(&self, env: &mut Env) {
        if let Some(endpoint) = &self.endpoint {
            env.set("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint.clone());
            env.set("OTEL_SERVICE_NAME", self.service_name.clone());
        }
    }

    fn contribute(&self, out: &mut Contributions) {
        out.tracing_ready = self.endpoint.is_some();
    }
}

/// Writes our `receivers` request on the leader (the library does it in its constructor, so on
/// every hook while the relation exists).
fn request_receivers(cx: &mut Cx<'_>) -> Result<(), IntegrationError> {
    let relations = cx.juju.relations(ENDPOINT)?;
    if relations.is_empty() || !cx.juju.is_leader()? {
        return Ok(());
    }
    let wanted: Bag = [("receivers".to_owned(), RECEIVERS_REQUEST.to_owned())]
        .into_iter()
        .collect();
    for relation in relations {
        let current = cx.juju.local_app_bag(relation.id, false)?;
        cx.juju.update_bag(
            relation.id,
            Scope::App,
            super::ingress::replace(&current, &wanted),
        )?;
    }
    Ok(())
}

/// The `otlp_http` endpoint the provider's app bag offers, normalised; `None` when there is
/// none (no `receivers`, not the JSON the protocol defines, no `otlp_http` receiver, or an
/// empty URL).
pub fn endpoint_from_bag(bag: &Bag) -> Result<Option<String>, IntegrationError> {
    let Some(raw) = bag.get("receivers") else {
        return Ok(None);
    };
    let Ok(receivers) = crate::json::from_str::<Vec<Receiver>>(raw) else {
        return Ok(None);
    };
    let Some(receiver) = receivers.iter().find(|r| r.protocol.name == PROTOCOL) else {
        return Ok(None);
    };
    let Some(url) = receiver.url.as_deref().filter(|u| !u.is_empty()) else {
        return Ok(None);
    };
    any_url(url).map(Some).map_err(|e| {
        IntegrationError::InvalidData(format!(
            "Invalid tracing relation data: the {PROTOCOL} endpoint: {e}."
        ))
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::framework::FrameworkKind;
    use crate::integration::test_support::{bag, relation_with_unit, world, World};

    const META: &str = r#"
name: flask-k8s
containers:
  flask-app:
    resource: flask-app-image
peers:
  secret-storage:
    interface: secret-storage
requires:
  tracing:
    interface: tracing
    optional: true
    limit: 1
"#;

    const TEMPO: &str = r#"[{"protocol": {"name": "otlp_grpc", "type": "grpc"}, "url": "tempo-0.tempo-endpoints.cos.svc.cluster.local:4317"}, {"protocol": {"name": "otlp_http", "type": "http"}, "url": "http://tempo-0.tempo-endpoints.cos.svc.cluster.local:4318"}]"#;

    fn tracing_world(hook: &str, leader: bool, receivers: Option<&str>) -> World {
        let dir = std::env::temp_dir().join("paas-tracing-test-none");
        let remote = match receivers {
            Some(r) => bag(&[("receivers", r)]),
            None => bag(&[]),
        };
        let mut rel = relation_with_unit(2, ENDPOINT, "tracing", "tempo", remote, bag(&[]));
        rel.local_app_data = bag(&[("stale", "x")]);
        world(
            FrameworkKind::Flask,
            META,
            "flask-k8s",
            hook,
            Some((2, "tempo")),
            leader,
            vec![rel],
            json!({}),
            serde_json::Value::Null,
            &dir,
        )
    }

    #[test]
    fn flask_tracing_endpoint() {
        let mut w = tracing_world("tracing-relation-changed", true, Some(TEMPO));
        let mut t = Tracing::bind(&w.meta).expect("bound");
        assert!(!t.required());
        assert_eq!(
            t.handle_event(&mut w.cx()).expect("event"),
            vec![Trigger::Reconcile]
        );
        assert_eq!(
            w.juju.local_app_bag(2, false).expect("bag"),
            bag(&[("receivers", RECEIVERS_REQUEST)])
        );
        t.load(&mut w.cx()).expect("load");
        assert!(t.is_ready());
        let mut out = Contributions::default();
        t.contribute(&mut out);
        assert!(out.tracing_ready);
        let mut env = Env::new();
        crate::framework::integration_env(FrameworkKind::Flask.info(), &t, &mut env);
        insta::assert_yaml_snapshot!("tracing_env", env.to_strings());
        let mut spring = Env::new();
        crate::framework::integration_env(FrameworkKind::SpringBoot.info(), &t, &mut spring);
        assert_eq!(spring, env);
    }

    #[test]
    fn receivers_are_requested_on_any_hook_by_the_leader_only() {
        let mut w = tracing_world("config-changed", true, None);
        let mut t = Tracing::bind(&w.meta).expect("bound");
        assert_eq!(t.handle_event(&mut w.cx()).expect("event"), vec![]);
        assert_eq!(
            w.juju.local_app_bag(2, false).expect("bag"),
            bag(&[("receivers", RECEIVERS_REQUEST)])
        );
        let mut w = tracing_world("tracing-relation-changed", false, Some(TEMPO));
        assert_eq!(
            t.handle_event(&mut w.cx()).expect("event"),
            vec![Trigger::Reconcile]
        );
        t.load(&mut w.cx()).expect("load");
        assert!(t.is_ready());
    }

    #[test]
    fn no_otlp_http_receiver_is_not_ready_on_leader_and_non_leader() {
        let grpc_only =
            r#"[{"protocol": {"name": "otlp_grpc", "type": "grpc"}, "url": "tempo:4317"}]"#;
        for leader in [true, false] {
            let mut w = tracing_world("tracing-relation-changed", leader, Some(grpc_only));
            let mut t = Tracing::bind(&w.meta).expect("bound");
            t.load(&mut w.cx()).expect("load");
            assert!(!t.is_ready());
            let mut env = Env::new();
            crate::framework::integration_env(FrameworkKind::Flask.info(), &t, &mut env);
            assert!(env.is_empty());
        }
    }

    #[test]
    fn bad_receivers_never_panic() {
        let not_ready = [
            "nojson",
            "{}",
            r#"[{"protocol": {"name": "otlp_http", "type": "websocket"}, "url": "http://tempo:4318"}]"#,
            r#"[{"protocol": {"name": "otlp_http"}, "url": "http://tempo:4318"}]"#,
            r#"[{"protocol": {"name": "zipkin", "type": "http"}, "url": "http://tempo:9411"}]"#,
            r#"[{"protocol": {"name": "otlp_http", "type": "http"}, "url": ""}]"#,
            r#"[{"protocol": {"name": "otlp_http", "type": "http"}, "url": null}]"#,
            r#"[{"protocol": {"name": "otlp_http", "type": "http"}}]"#,
        ];
        for raw in not_ready {
            assert_eq!(
                endpoint_from_bag(&bag(&[("receivers", raw)])).expect(raw),
                None,
                "{raw}"
            );
        }
        for (url, message) in [
            (
                "not a url",
                "Invalid tracing relation data: the otlp_http endpoint: \"not a url\" is not a valid URL (relative URL without a base).",
            ),
            (
                "http://invalid:port",
                "Invalid tracing relation data: the otlp_http endpoint: \"http://invalid:port\" is not a valid URL (invalid port number).",
            ),
        ] {
            let raw = format!(
                r#"[{{"protocol": {{"name": "otlp_http", "type": "http"}}, "url": "{url}"}}]"#
            );
            let err = endpoint_from_bag(&bag(&[("receivers", &raw)])).expect_err(url);
            assert_eq!(err.to_string(), message);
        }
        assert_eq!(
            endpoint_from_bag(&bag(&[(
                "receivers",
                r#"[{"protocol": {"name": "otlp_grpc", "type": "grpc"}}, {"protocol": {"name": "otlp_http", "type": "http"}, "url": "https://Tempo.Example.com:443/otlp"}]"#
            )]))
            .expect("valid"),
            Some("https://tempo.example.com/otlp".into())
        );
    }
}
