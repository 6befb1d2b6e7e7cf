//! `logging` (requires, `loki_push_api`): the loki_k8s v1 `LogForwarder` (Pebble log
//! forwarding, Juju ≥ 3.4) as paas-charm 1.x drives it (integrations.md §4.2, §0a.8). Never
//! required, never reconciles. On Juju < 3.4 paas-charm uses a promtail-based consumer, which
//! is not re-implemented: nothing is forwarded.

use std::collections::BTreeMap;

use serde_json::Value;

use super::container::{LogTarget, LogTargets};
use super::cos::{leader_publish, Topology};
use super::{Cx, Integration, IntegrationError, Trigger};
use crate::env::python_json::dumps;
use crate::juju::{CharmMeta, Event, RelationEventKind, WorkloadEventKind};

/// The endpoint name.
pub const ENDPOINT: &str = "logging";

/// The Loki log forwarder.
#[derive(Debug, Clone, Default)]
pub struct Logging {
    /// The container's layer label and the enabled targets, after `load`.
    layer: Option<(String, LogTargets)>,
}

impl Integration for Logging {
    fn bind(meta: &CharmMeta) -> Option<Self> {
        meta.requires
            .get(ENDPOINT)
            .filter(|m| m.interface == "loki_push_api")
            .map(|_| Self::default())
    }

    fn name(&self) -> &str {
        "logging"
    }

    fn handle_event(&mut self, cx: &mut Cx<'_>) -> Result<Vec<Trigger>, IntegrationError> {
        if !cx.juju.ctx.juju_version.supports_log_forwarding() {
            return Ok(Vec::new());
        }
        let event = cx.juju.event().clone();
        let write_app = match &event {
            Event::Workload {
                container,
                kind: WorkloadEventKind::PebbleReady,
            } if cx.meta.container() == Some(container.as_str()) => false,
            Event::Relation { endpoint, kind } if endpoint == ENDPOINT => matches!(
                kind,
                RelationEventKind::Joined
                    | RelationEventKind::Changed
                    | RelationEventKind::Departed
                    | RelationEventKind::Broken
            ),
            _ => return Ok(Vec::new()),
        };
        let endpoints = loki_endpoints(cx)?;
        if endpoints.is_empty() {
            return Ok(Vec::new());
        }
        let topology = Topology::of_charm(cx);
        if cx.container.can_connect() {
            let existing = cx.container.log_target_names()?;
            let mut targets = enabled_targets(&endpoints, &topology);
            for name in existing {
                if !endpoints.contains_key(&name) {
                    targets.push((name, removed_target()));
                }
            }
            let label = layer_label(cx);
            cx.container.forward_logs(&label, &targets)?;
        }
        if write_app {
            // `_handle_alert_rules(event.relation)`: only the relation of this hook, and not
            // one being broken (ours deliberately: it is going away).
            let live = live_relations(cx)?;
            let relations: Vec<u32> = cx
                .juju
                .event_relation_id(ENDPOINT)
                .filter(|id| live.contains(id))
                .into_iter()
                .collect();
            leader_publish(cx, &relations, |_, topology| {
                Ok(vec![
                    ("metadata".to_owned(), dumps(&topology.metadata())),
                    ("alert_rules".to_owned(), "{}".to_owned()),
                ])
            })?;
        }
        Ok(Vec::new())
    }

    fn load(&mut self, cx: &mut Cx<'_>) -> Result<(), IntegrationError> {
        self.layer = None;
        if !cx.juju.ctx.juju_version.supports_log_forwarding() {
            return Ok(());
        }
        let endpoints = loki_endpoints(cx)?;
        if !endpoints.is_empty() {
            let topology = Topology::of_charm(cx);
            self.layer = Some((layer_label(cx), enabled_targets(&endpoints, &topology)));
        }
        Ok(())
    }

    fn is_ready(&self) -> bool {
        self.layer.is_some()
    }

    // No `contribute`: the library writes the layer only on its own events (logging relation
    // events and pebble-ready, `handle_event`); a reconcile for another event adds no
    // log-forwarding layer in paas-charm.
}

/// `<container>-log-forwarding`.
fn layer_label(cx: &Cx<'_>) -> String {
    format!("{}-log-forwarding", cx.framework.container)
}

/// The logging relations, without the one being broken in this hook.
fn live_relations(cx: &mut Cx<'_>) -> Result<Vec<u32>, IntegrationError> {
    let broken = match cx.juju.event() {
        Event::Relation {
            endpoint,
            kind: RelationEventKind::Broken,
        } if endpoint == ENDPOINT => cx.juju.event_relation_id(ENDPOINT),
        _ => None,
    };
    Ok(cx
        .juju
        .relations(ENDPOINT)?
        .into_iter()
        .map(|r| r.id)
        .filter(|id| Some(*id) != broken)
        .collect())
}

/// Loki unit name → push URL, from every remote unit's `endpoint` (`{"url": ...}`). A relation
/// counts only when all its units publish a usable endpoint.
pub fn loki_endpoints(cx: &mut Cx<'_>) -> Result<BTreeMap<String, String>, IntegrationError> {
    let mut out = BTreeMap::new();
    for id in live_relations(cx)? {
        let mut found = BTreeMap::new();
        let mut usable = true;
        for unit in cx.juju.remote_units(id)? {
            let bag = cx.juju.remote_unit_bag(id, &unit)?;
            let url = bag
                .get("endpoint")
                .and_then(|t| crate::json::from_str::<Value>(t).ok())
                .and_then(|v| v.get("url").and_then(Value::as_str).map(str::to_owned));
            match url {
                Some(url) => {
                    found.insert(unit, url);
                }
                None => usable = false,
            }
        }
        if usable {
            out.extend(found);
        }
    }
    Ok(out)
}

/// One enabled loki target per endpoint.
pub fn enabled_targets(endpoints: &BTreeMap<String, String>, topology: &Topology) -> LogTargets {
    let job = format!("juju_{}", topology.identifier());
    // Built with insert, not collect (crate::sort).
    let mut labels = BTreeMap::new();
    labels.extend(
        [
            ("product", "Juju"),
            ("charm", topology.charm_name.as_str()),
            ("juju_model", topology.model.as_str()),
            ("juju_model_uuid", topology.model_uuid.as_str()),
            ("juju_application", topology.application.as_str()),
            ("juju_unit", topology.unit.as_str()),
            ("job", job.as_str()),
        ]
        .map(|(k, v)| (k.to_owned(), v.to_owned())),
    );
    endpoints
        .iter()
        .map(|(unit, url)| {
            let target = LogTarget {
                kind: "loki".into(),
                location: url.clone(),
                services: vec!["all".into()],
                labels: labels.clone(),
            };
            (unit.clone(), target)
        })
        .collect()
}

/// A target whose endpoint went away: disabled.
fn removed_target() -> LogTarget {
    LogTarget {
        kind: "loki".into(),
        location: "(removed)".into(),
        services: vec!["-all".into()],
        ..LogTarget::default()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::framework::FrameworkKind;
    use crate::integration::test_support::{bag, relation_with_unit, world, FLASK_META};

    #[test]
    fn flask_pebble_ready_adds_the_log_forwarding_layer() {
        let dir = std::env::temp_dir().join("paas-logging-test-none");
        let url =
            "http://loki-k8s-0.loki-k8s-endpoints.cos.svc.cluster.local:3100/loki/api/v1/push";
        let endpoint = format!("{{\"url\": \"{url}\"}}");
        let rels = vec![relation_with_unit(
            2,
            ENDPOINT,
            "loki_push_api",
            "loki-k8s",
            bag(&[]),
            bag(&[("endpoint", endpoint.as_str())]),
        )];
        let mut w = world(
            FrameworkKind::Flask,
            FLASK_META,
            "flask-k8s",
            "flask-app-pebble-ready",
            None,
            true,
            rels,
            json!({}),
            serde_json::Value::Null,
            &dir,
        );
        let mut l = Logging::bind(&w.meta).expect("bound");
        assert_eq!(l.name(), "logging");
        l.handle_event(&mut w.cx()).expect("event");
        // pebble-ready writes nothing to the app bag.
        assert!(w.juju.local_app_bag(2, false).expect("bag").is_empty());
        let (label, layer) = w.pebble.layers.last().expect("layer").clone();
        assert_eq!(label, "flask-app-log-forwarding");
        let target = &layer.log_targets["loki-k8s/0"];
        assert_eq!(target.location, url);
        assert_eq!(target.services, ["all"]);
        assert_eq!(target.r#override, "replace");
        assert_eq!(target.labels["job"], "juju_test-model_00000000_flask-k8s");
        assert_eq!(target.labels["juju_unit"], "flask-k8s/0");
        assert_eq!(target.labels["product"], "Juju");
        assert_eq!(target.labels.len(), 7);
        l.load(&mut w.cx()).expect("load");
        assert!(l.is_ready());
        // Only the library's own events write the layer; a reconcile adds nothing.
        let mut out = crate::integration::Contributions::default();
        l.contribute(&mut out);
        assert!(out.log_forwarding.is_empty());
    }

    /// The library writes `metadata`/`alert_rules` into the hook's relation only; a second
    /// logging relation keeps its bag until its own hook.
    #[test]
    fn only_the_hooks_relation_gets_metadata_and_rules() {
        let dir = std::env::temp_dir().join("paas-logging-test-none");
        let rels = vec![
            relation_with_unit(
                2,
                ENDPOINT,
                "loki_push_api",
                "loki-k8s",
                bag(&[]),
                bag(&[("endpoint", "{\"url\": \"http://loki/push\"}")]),
            ),
            relation_with_unit(
                5,
                ENDPOINT,
                "loki_push_api",
                "other-loki",
                bag(&[]),
                bag(&[("endpoint", "{\"url\": \"http://other-loki/push\"}")]),
            ),
        ];
        let mut w = world(
            FrameworkKind::Flask,
            FLASK_META,
            "flask-k8s",
            "logging-relation-joined",
            Some((5, "other-loki")),
            true,
            rels,
            json!({}),
            serde_json::Value::Null,
            &dir,
        );
        let mut l = Logging::bind(&w.meta).expect("bound");
        l.handle_event(&mut w.cx()).expect("event");
        assert_eq!(
            w.juju.local_app_bag(5, false).expect("bag")["alert_rules"],
            "{}"
        );
        assert!(w.juju.local_app_bag(2, false).expect("bag").is_empty());
        // Both endpoints are forwarded to, whichever relation the hook is for.
        let (_, layer) = w.pebble.layers.last().expect("layer").clone();
        assert_eq!(
            layer.log_targets.keys().collect::<Vec<_>>(),
            ["loki-k8s/0", "other-loki/0"]
        );
    }

    #[test]
    fn relation_changed_on_leader_writes_metadata_and_empty_rules() {
        let dir = std::env::temp_dir().join("paas-logging-test-none");
        let rels = vec![relation_with_unit(
            2,
            ENDPOINT,
            "loki_push_api",
            "loki-k8s",
            bag(&[]),
            bag(&[("endpoint", "{\"url\": \"http://loki/push\"}")]),
        )];
        let mut w = world(
            FrameworkKind::Flask,
            FLASK_META,
            "flask-k8s",
            "logging-relation-changed",
            Some((2, "loki-k8s")),
            true,
            rels,
            json!({}),
            serde_json::Value::Null,
            &dir,
        );
        let mut l = Logging::bind(&w.meta).expect("bound");
        l.handle_event(&mut w.cx()).expect("event");
        let app = w.juju.local_app_bag(2, false).expect("bag");
        assert_eq!(app["alert_rules"], "{}");
        assert_eq!(app["metadata"], "{\"model\": \"test-model\", \"model_uuid\": \"00000000-0000-4000-8000-000000000000\", \"application\": \"flask-k8s\", \"unit\": \"flask-k8s/0\", \"charm_name\": \"flask-k8s\"}");
    }
}
