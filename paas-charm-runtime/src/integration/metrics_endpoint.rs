//! `metrics-endpoint` (provides, `prometheus_scrape`): the prometheus_k8s v0
//! `MetricsEndpointProvider` as paas-charm 1.x drives it (integrations.md §4.1, §0a.8).
//! Never required, never reconciles.

use serde_json::{json, Map, Value};

use super::cos::{prometheus_alert_rules, Topology};
use super::{Cx, Integration, IntegrationError, Trigger};
use crate::env::python_json::dumps;
use crate::juju::{CharmMeta, Event, RelationEventKind, Scope, WorkloadEventKind};

/// The endpoint name.
pub const ENDPOINT: &str = "metrics-endpoint";

/// The metrics provider.
#[derive(Debug, Clone, Default)]
pub struct MetricsEndpoint;

impl Integration for MetricsEndpoint {
    fn bind(meta: &CharmMeta) -> Option<Self> {
        meta.provides
            .get(ENDPOINT)
            .filter(|m| m.interface == "prometheus_scrape")
            .map(|_| Self)
    }

    fn name(&self) -> &str {
        "metrics-endpoint"
    }

    fn handle_event(&mut self, cx: &mut Cx<'_>) -> Result<Vec<Trigger>, IntegrationError> {
        let event = cx.juju.event().clone();
        let full = match &event {
            Event::ConfigChanged => true,
            Event::Workload {
                container,
                kind: WorkloadEventKind::PebbleReady,
            } => cx.meta.container() == Some(container.as_str()),
            Event::Relation { endpoint, kind } if endpoint == ENDPOINT => match kind {
                RelationEventKind::Joined => true,
                RelationEventKind::Changed => false,
                _ => return Ok(Vec::new()),
            },
            Event::UpdateStatus => false,
            _ => return Ok(Vec::new()),
        };
        publish(cx, full)?;
        Ok(Vec::new())
    }
}

/// Writes the unit keys on every relation, and (when `with_app` and leader) the app keys.
pub fn publish(cx: &mut Cx<'_>, with_app: bool) -> Result<(), IntegrationError> {
    let relations = cx.juju.relations(ENDPOINT)?;
    if relations.is_empty() {
        return Ok(());
    }
    let address = cx
        .juju
        .ingress_address(ENDPOINT)?
        .unwrap_or_else(|| cx.juju.ctx.fqdn.clone());
    let unit_pairs = vec![
        ("prometheus_scrape_unit_address".to_owned(), address),
        (
            "prometheus_scrape_unit_name".to_owned(),
            cx.juju.ctx.unit_name.clone(),
        ),
        (
            "prometheus_scrape_unit_fqdn".to_owned(),
            cx.juju.ctx.fqdn.clone(),
        ),
    ];
    for relation in &relations {
        cx.juju
            .update_bag(relation.id, Scope::Unit, unit_pairs.clone())?;
    }
    if !with_app || !cx.juju.is_leader()? {
        return Ok(());
    }
    let topology = Topology::of(cx.juju, &cx.meta.name);
    let app_pairs = vec![
        ("scrape_jobs".to_owned(), dumps(&scrape_jobs(cx))),
        ("scrape_metadata".to_owned(), dumps(&topology.metadata())),
        (
            "alert_rules".to_owned(),
            dumps(&prometheus_alert_rules(
                cx.framework,
                &cx.juju.ctx.charm_dir,
                &topology,
            )),
        ),
    ];
    for relation in &relations {
        cx.juju
            .update_bag(relation.id, Scope::App, app_pairs.clone())?;
    }
    Ok(())
}

/// The scrape jobs, sanitised as the library does (`metrics_path`, `static_configs`, then
/// `job_name`); the library's default job when there is none.
pub fn scrape_jobs(cx: &Cx<'_>) -> Value {
    let mut jobs = Vec::new();
    if let Some(path) = cx
        .workload
        .metrics_path
        .as_deref()
        .filter(|p| !p.is_empty())
    {
        let port = cx
            .workload
            .metrics_port
            .map_or_else(|| "None".to_owned(), |p| p.to_string());
        jobs.push(json!({
            "metrics_path": path,
            "static_configs": [{"targets": [format!("*:{port}")]}],
        }));
    }
    let ctx = &cx.juju.ctx;
    for job in &cx.paas_config.scrape_configs {
        let statics: Vec<Value> = job
            .static_configs
            .iter()
            .map(|sc| {
                let targets: Vec<Value> = sc
                    .targets
                    .iter()
                    .map(|t| Value::String(scheduler_target(t, &ctx.app_name, &ctx.model_name)))
                    .collect();
                let mut out = Map::new();
                out.insert("targets".into(), Value::Array(targets));
                if let Some(labels) = &sc.labels {
                    let labels: Map<String, Value> = labels
                        .iter()
                        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                        .collect();
                    out.insert("labels".into(), Value::Object(labels));
                }
                Value::Object(out)
            })
            .collect();
        jobs.push(json!({
            "metrics_path": job.metrics_path,
            "static_configs": statics,
            "job_name": job.job_name,
        }));
    }
    if jobs.is_empty() {
        jobs.push(json!({
            "metrics_path": "/metrics",
            "static_configs": [{"targets": ["*:80"]}],
        }));
    }
    Value::Array(jobs)
}

/// `@scheduler:<port>` → `<app>-0.<app>-endpoints.<model>.svc.cluster.local:<port>`.
fn scheduler_target(target: &str, app: &str, model: &str) -> String {
    match target.strip_prefix("@scheduler:") {
        Some(port) => format!("{app}-0.{app}-endpoints.{model}.svc.cluster.local:{port}"),
        None => target.to_owned(),
    }
}
