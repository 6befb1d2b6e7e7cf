//! `metrics-endpoint` (provides, `prometheus_scrape`): the prometheus_k8s v0
//! `MetricsEndpointProvider` as paas-charm 1.x drives it (integrations.md §4.1, §0a.8).
//! Never required, never reconciles.

use serde_json::{json, Map, Value};

use super::cos::{leader_publish, prometheus_alert_rules};
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
    if !with_app {
        return Ok(());
    }
    let ids: Vec<u32> = relations.iter().map(|r| r.id).collect();
    leader_publish(cx, &ids, |cx, topology| {
        Ok(vec![
            ("scrape_jobs".to_owned(), dumps(&scrape_jobs(cx))),
            ("scrape_metadata".to_owned(), dumps(&topology.metadata())),
            (
                "alert_rules".to_owned(),
                dumps(&prometheus_alert_rules(
                    cx.framework.cos_assets,
                    &cx.juju.ctx.charm_dir,
                    topology,
                )),
            ),
        ])
    })
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

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::framework::FrameworkKind;
    use crate::integration::test_support::{bag, relation_with_unit, world, FLASK_META};

    /// flask/flask_observability_pebble_ready: `scrape_jobs`, `scrape_metadata`, `alert_rules`.
    const FLASK_SCRAPE_JOBS: &str = r####"[{"metrics_path": "/metrics", "static_configs": [{"targets": ["*:9102"]}]}, {"metrics_path": "/metrics", "static_configs": [{"targets": ["*:8081"], "labels": {"app": "flask", "env": "example"}}], "job_name": "flask-app-custom"}, {"metrics_path": "/metrics", "static_configs": [{"targets": ["flask-k8s-0.flask-k8s-endpoints.test-model.svc.cluster.local:8082"], "labels": {"role": "scheduler"}}], "job_name": "flask-scheduler-metrics"}]"####;
    const FLASK_SCRAPE_METADATA: &str = r####"{"model": "test-model", "model_uuid": "00000000-0000-4000-8000-000000000000", "application": "flask-k8s", "unit": "flask-k8s/0", "charm_name": "flask-k8s"}"####;
    const FLASK_ALERT_RULES: &str = r####"{"groups": [{"name": "test_model_00000000_flask_k8s_flask_rules", "rules": [{"alert": "FlaskTargetMissing", "expr": "up == 0", "for": "2m", "labels": {"severity": "critical", "juju_model": "test-model", "juju_model_uuid": "00000000-0000-4000-8000-000000000000", "juju_application": "flask-k8s", "juju_charm": "flask-k8s"}, "annotations": {"summary": "Prometheus target missing (instance {{ $labels.instance }})", "description": "Flask has disappeared. An exporter might be crashed.\n  VALUE = {{ $value }}\n  LABELS = {{ $labels }}"}}]}, {"name": "test_model_00000000_flask_k8s_HostHealth_rules", "rules": [{"alert": "HostDown", "expr": "up < 1", "for": "5m", "labels": {"severity": "critical", "juju_model": "test-model", "juju_model_uuid": "00000000-0000-4000-8000-000000000000", "juju_application": "flask-k8s", "juju_charm": "flask-k8s"}, "annotations": {"summary": "Host '{{ $labels.instance }}' is down.", "description": "Juju application '{{ $labels.juju_application }}' in model '{{ $labels.juju_model }}' is down. Prometheus has been unable to scrape it during at least the past five minutes."}}, {"alert": "HostMetricsMissing", "expr": "absent(up)", "for": "5m", "labels": {"severity": "warning", "juju_model": "test-model", "juju_model_uuid": "00000000-0000-4000-8000-000000000000", "juju_application": "flask-k8s", "juju_charm": "flask-k8s"}, "annotations": {"summary": "Unit '{{ $labels.juju_unit }}' of application '{{ $labels.juju_application }}' is down or failing to remote write.", "description": "`Up` missing for unit '{{ $labels.juju_unit }}' of application {{ $labels.juju_application }} in model {{ $labels.juju_model }}. Please ensure the unit or the collector scraping it is up and is able to successfully reach the metrics backend."}}]}]}"####;
    /// spring-boot/springboot_metrics_endpoint_joined.
    const SPRING_SCRAPE_JOBS: &str = r####"[{"metrics_path": "/actuator/prometheus", "static_configs": [{"targets": ["*:8080"]}]}]"####;
    const SPRING_ALERT_RULES: &str = r####"{"groups": [{"name": "test_model_00000000_spring_boot_k8s_HostHealth_rules", "rules": [{"alert": "HostDown", "expr": "up < 1", "for": "5m", "labels": {"severity": "critical", "juju_model": "test-model", "juju_model_uuid": "00000000-0000-4000-8000-000000000000", "juju_application": "spring-boot-k8s", "juju_charm": "spring-boot-k8s"}, "annotations": {"summary": "Host '{{ $labels.instance }}' is down.", "description": "Juju application '{{ $labels.juju_application }}' in model '{{ $labels.juju_model }}' is down. Prometheus has been unable to scrape it during at least the past five minutes."}}, {"alert": "HostMetricsMissing", "expr": "absent(up)", "for": "5m", "labels": {"severity": "warning", "juju_model": "test-model", "juju_model_uuid": "00000000-0000-4000-8000-000000000000", "juju_application": "spring-boot-k8s", "juju_charm": "spring-boot-k8s"}, "annotations": {"summary": "Unit '{{ $labels.juju_unit }}' of application '{{ $labels.juju_application }}' is down or failing to remote write.", "description": "`Up` missing for unit '{{ $labels.juju_unit }}' of application {{ $labels.juju_application }} in model {{ $labels.juju_model }}. Please ensure the unit or the collector scraping it is up and is able to successfully reach the metrics backend."}}]}]}"####;

    fn flask_paas() -> serde_json::Value {
        json!({"framework_logging_format": "json", "prometheus": {"scrape_configs": [
            {"job_name": "flask-app-custom", "metrics_path": "/metrics", "static_configs": [
                {"targets": ["*:8081"], "labels": {"app": "flask", "env": "example"}}]},
            {"job_name": "flask-scheduler-metrics", "metrics_path": "/metrics", "static_configs": [
                {"targets": ["@scheduler:8082"], "labels": {"role": "scheduler"}}]}]}})
    }

    #[test]
    fn flask_pebble_ready_publishes_jobs_metadata_rules_and_unit_keys() {
        let dir = std::env::temp_dir().join("paas-metrics-test-none");
        let rels = vec![relation_with_unit(
            3,
            ENDPOINT,
            "prometheus_scrape",
            "prometheus-k8s",
            bag(&[]),
            bag(&[]),
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
            flask_paas(),
            &dir,
        );
        let mut m = MetricsEndpoint::bind(&w.meta).expect("bound");
        assert_eq!(m.name(), "metrics-endpoint");
        assert!(!m.required());
        assert!(m.handle_event(&mut w.cx()).expect("handled").is_empty());
        let app = w.juju.local_app_bag(3, false).expect("app bag");
        assert_eq!(app["scrape_jobs"], FLASK_SCRAPE_JOBS);
        assert_eq!(app["scrape_metadata"], FLASK_SCRAPE_METADATA);
        assert_eq!(app["alert_rules"], FLASK_ALERT_RULES);
        let unit = w.juju.local_unit_bag(3).expect("unit bag");
        assert_eq!(unit["prometheus_scrape_unit_address"], "192.0.2.0");
        assert_eq!(unit["prometheus_scrape_unit_name"], "flask-k8s/0");
        assert_eq!(
            unit["prometheus_scrape_unit_fqdn"],
            "flask-k8s-0.flask-k8s-endpoints.test-model.svc.cluster.local"
        );
    }

    const SPRING_META: &str = "name: spring-boot-k8s\ncontainers:\n  app:\n    resource: app-image\nprovides:\n  metrics-endpoint:\n    interface: prometheus_scrape\n";

    #[test]
    fn spring_boot_joined_publishes_framework_job_and_host_health() {
        let dir = std::env::temp_dir().join("paas-metrics-test-none");
        let rels = vec![relation_with_unit(
            3,
            ENDPOINT,
            "prometheus_scrape",
            "prometheus-k8s",
            bag(&[]),
            bag(&[]),
        )];
        let mut w = world(
            FrameworkKind::SpringBoot,
            SPRING_META,
            "spring-boot-k8s",
            "metrics-endpoint-relation-joined",
            Some((3, "prometheus-k8s")),
            true,
            rels,
            json!({}),
            serde_json::Value::Null,
            &dir,
        );
        w.workload.metrics_port = Some(8080);
        w.workload.metrics_path = Some("/actuator/prometheus".into());
        let mut m = MetricsEndpoint::bind(&w.meta).expect("bound");
        m.handle_event(&mut w.cx()).expect("handled");
        let app = w.juju.local_app_bag(3, false).expect("app bag");
        assert_eq!(app["scrape_jobs"], SPRING_SCRAPE_JOBS);
        assert_eq!(app["alert_rules"], SPRING_ALERT_RULES);
        assert_eq!(
            w.juju.local_unit_bag(3).expect("unit")["prometheus_scrape_unit_fqdn"],
            "spring-boot-k8s-0.spring-boot-k8s-endpoints.test-model.svc.cluster.local"
        );
    }

    #[test]
    fn non_leader_writes_unit_keys_only_and_default_jobs() {
        let dir = std::env::temp_dir().join("paas-metrics-test-none");
        let rels = vec![relation_with_unit(
            3,
            ENDPOINT,
            "prometheus_scrape",
            "prometheus-k8s",
            bag(&[]),
            bag(&[]),
        )];
        let mut w = world(
            FrameworkKind::Go,
            SPRING_META,
            "go-k8s",
            "config-changed",
            None,
            false,
            rels,
            json!({}),
            serde_json::Value::Null,
            &dir,
        );
        w.workload.metrics_path = None;
        let mut m = MetricsEndpoint::bind(&w.meta).expect("bound");
        m.handle_event(&mut w.cx()).expect("handled");
        assert!(w
            .juju
            .local_unit_bag(3)
            .expect("unit")
            .contains_key("prometheus_scrape_unit_name"));
        assert_eq!(
            crate::env::python_json::dumps(&scrape_jobs(&w.cx())),
            r#"[{"metrics_path": "/metrics", "static_configs": [{"targets": ["*:80"]}]}]"#
        );
        w.workload.metrics_path = Some("/m".into());
        w.workload.metrics_port = None;
        assert_eq!(
            crate::env::python_json::dumps(&scrape_jobs(&w.cx())),
            r#"[{"metrics_path": "/m", "static_configs": [{"targets": ["*:None"]}]}]"#
        );
    }
}
