//! `logging` (requires, `loki_push_api`): the loki_k8s v1 `LogForwarder` (Pebble log
//! forwarding, Juju ≥ 3.4) as paas-charm 1.x drives it (integrations.md §4.2, §0a.8). Never
//! required, never reconciles. On Juju < 3.4 paas-charm uses a promtail-based consumer, which
//! is not re-implemented: nothing is forwarded.

use std::collections::BTreeMap;

use serde_json::Value;

use super::cos::Topology;
use super::{Contributions, Cx, Integration, IntegrationError, Trigger};
use crate::env::python_json::dumps;
use crate::juju::{CharmMeta, Event, RelationEventKind, Scope, WorkloadEventKind};
use crate::pebble::{Layer, LogTarget};

/// The endpoint name.
pub const ENDPOINT: &str = "logging";

/// The Loki log forwarder.
#[derive(Debug, Clone, Default)]
pub struct Logging {
    /// The container's layer label and the layer of enabled targets, after `load`.
    layer: Option<(String, Layer)>,
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
        let topology = Topology::of(cx.juju, &cx.meta.name);
        if cx.pebble.can_connect() {
            let existing: Vec<String> = cx.pebble.plan()?.log_targets.into_keys().collect();
            let mut layer = enabled_layer(&endpoints, &topology);
            for name in existing {
                if !endpoints.contains_key(&name) {
                    layer.log_targets.insert(name, removed_target());
                }
            }
            cx.pebble.add_layer(&layer_label(cx), &layer, true)?;
        }
        if write_app && cx.juju.is_leader()? {
            let pairs = vec![
                ("metadata".to_owned(), dumps(&topology.metadata())),
                ("alert_rules".to_owned(), "{}".to_owned()),
            ];
            for relation in live_relations(cx)? {
                cx.juju.update_bag(relation, Scope::App, pairs.clone())?;
            }
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
            let topology = Topology::of(cx.juju, &cx.meta.name);
            self.layer = Some((layer_label(cx), enabled_layer(&endpoints, &topology)));
        }
        Ok(())
    }

    fn is_ready(&self) -> bool {
        self.layer.is_some()
    }

    fn contribute(&self, out: &mut Contributions) {
        if let Some(layer) = &self.layer {
            out.layers.push(layer.clone());
        }
    }
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
                .and_then(|t| serde_json::from_str::<Value>(t).ok())
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

/// The layer with one enabled loki target per endpoint.
pub fn enabled_layer(endpoints: &BTreeMap<String, String>, topology: &Topology) -> Layer {
    let job = format!("juju_{}", topology.identifier());
    let labels: BTreeMap<String, String> = [
        ("product", "Juju"),
        ("charm", topology.charm_name.as_str()),
        ("juju_model", topology.model.as_str()),
        ("juju_model_uuid", topology.model_uuid.as_str()),
        ("juju_application", topology.application.as_str()),
        ("juju_unit", topology.unit.as_str()),
        ("job", job.as_str()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    let log_targets = endpoints
        .iter()
        .map(|(unit, url)| {
            let target = LogTarget {
                r#override: "replace".into(),
                r#type: "loki".into(),
                location: url.clone(),
                services: vec!["all".into()],
                labels: labels.clone(),
                ..LogTarget::default()
            };
            (unit.clone(), target)
        })
        .collect();
    Layer {
        log_targets,
        ..Layer::default()
    }
}

/// A target whose endpoint went away: disabled.
fn removed_target() -> LogTarget {
    LogTarget {
        r#override: "replace".into(),
        r#type: "loki".into(),
        location: "(removed)".into(),
        services: vec!["-all".into()],
        ..LogTarget::default()
    }
}
