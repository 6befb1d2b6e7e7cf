//! What the COS integrations share: the Juju topology, the bundled framework assets
//! (dashboards, alert rules) and the charm's `cos_custom/` directory (frameworks.md §12.3).

use std::path::Path;

use serde_json::{json, Map, Value};

use super::{Cx, IntegrationError};
use crate::framework::{FrameworkInfo, FrameworkKind};
use crate::juju::{Juju, Scope};

/// The charm's Juju topology (model, model uuid, application, unit, charm name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Topology {
    /// Model name.
    pub model: String,
    /// Model UUID.
    pub model_uuid: String,
    /// Application name.
    pub application: String,
    /// This unit's name.
    pub unit: String,
    /// The charm's metadata name.
    pub charm_name: String,
}

impl Topology {
    /// The topology of this hook's unit.
    pub fn of(juju: &Juju, charm_name: &str) -> Self {
        Self {
            model: juju.ctx.model_name.clone(),
            model_uuid: juju.ctx.model_uuid.clone(),
            application: juju.ctx.app_name.clone(),
            unit: juju.ctx.unit_name.clone(),
            charm_name: charm_name.to_owned(),
        }
    }

    /// The topology of this hook's unit of the charm `cx` runs.
    pub fn of_charm(cx: &Cx<'_>) -> Self {
        Self::of(cx.juju, &cx.meta.name)
    }

    /// The grafana dashboards' `juju_topology` object (model, model uuid, application, unit).
    pub fn juju_topology(&self) -> Value {
        json!({
            "model": self.model,
            "model_uuid": self.model_uuid,
            "application": self.application,
            "unit": self.unit,
        })
    }

    /// `<model>_<uuid[:8]>_<application>` (cosl's `identifier`).
    pub fn identifier(&self) -> String {
        let short: String = self.model_uuid.chars().take(8).collect();
        format!("{}_{}_{}", self.model, short, self.application)
    }

    /// The `scrape_metadata` / loki `metadata` object.
    pub fn metadata(&self) -> Value {
        json!({
            "model": self.model,
            "model_uuid": self.model_uuid,
            "application": self.application,
            "unit": self.unit,
            "charm_name": self.charm_name,
        })
    }

    /// The labels added to every alert rule.
    fn rule_labels(&self) -> [(&'static str, &str); 4] {
        [
            ("juju_model", &self.model),
            ("juju_model_uuid", &self.model_uuid),
            ("juju_application", &self.application),
            ("juju_charm", &self.charm_name),
        ]
    }
}

/// The leader writes the pairs `pairs` computes (from the context and the topology) in its
/// application bag of every relation in `relations`; a non-leader, or no relation, writes
/// nothing and computes nothing.
pub fn leader_publish<F>(
    cx: &mut Cx<'_>,
    relations: &[u32],
    pairs: F,
) -> Result<(), IntegrationError>
where
    F: FnOnce(&Cx<'_>, &Topology) -> Result<Vec<(String, String)>, IntegrationError>,
{
    if relations.is_empty() || !cx.juju.is_leader()? {
        return Ok(());
    }
    let topology = Topology::of_charm(cx);
    let pairs = pairs(cx, &topology)?;
    for id in relations {
        cx.juju.update_bag(*id, Scope::App, pairs.clone())?;
    }
    Ok(())
}

/// The three asset kinds of a COS directory.
pub const COS_KINDS: &[&str] = &[
    "grafana_dashboards",
    "loki_alert_rules",
    "prometheus_alert_rules",
];

/// The files paas-charm ships for a framework under `kind`: (file name, bytes). Only what the
/// expected outputs let us recover byte-exact is bundled (Flask's dashboard and alert rules).
pub fn bundled_files(framework: &FrameworkInfo, kind: &str) -> Vec<(String, Vec<u8>)> {
    let files: &[(&str, &[u8])] = match (framework.kind, kind) {
        (FrameworkKind::Flask, "grafana_dashboards") => &[(
            "flask.json",
            include_bytes!("../../assets/cos/grafana_dashboards/flask.json"),
        )],
        (FrameworkKind::Flask, "prometheus_alert_rules") => &[(
            "flask.rule",
            include_bytes!("../../assets/cos/prometheus_alert_rules/flask.rule"),
        )],
        _ => &[],
    };
    files
        .iter()
        .map(|(name, bytes)| ((*name).to_owned(), bytes.to_vec()))
        .collect()
}

/// The files of `<charm dir>/cos_custom/<kind>`, named `custom_<file name>`, sorted by name.
/// Empty when `cos_custom` is absent or invalid (anything but the three known sub-directories
/// at its root), as paas-charm then uses the defaults only.
pub fn custom_files(charm_dir: &Path, kind: &str) -> Vec<(String, Vec<u8>)> {
    let root = charm_dir.join("cos_custom");
    let Ok(entries) = std::fs::read_dir(&root) else {
        return Vec::new();
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if !path.is_dir() || !COS_KINDS.contains(&name.as_str()) {
            return Vec::new();
        }
    }
    let Ok(entries) = std::fs::read_dir(root.join(kind)) else {
        return Vec::new();
    };
    let mut files: Vec<(String, Vec<u8>)> = entries
        .flatten()
        .filter(|e| e.path().is_file())
        .filter_map(|e| {
            let bytes = std::fs::read(e.path()).ok()?;
            Some((format!("custom_{}", e.file_name().to_string_lossy()), bytes))
        })
        .collect();
    files.sort();
    files
}

/// The merged COS directory's files of `kind`: bundled then custom, sorted by file name.
pub fn merged_files(
    framework: &FrameworkInfo,
    charm_dir: &Path,
    kind: &str,
) -> Vec<(String, Vec<u8>)> {
    let mut files = bundled_files(framework, kind);
    files.extend(custom_files(charm_dir, kind));
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files
}

/// `re.sub` of everything but `[A-Za-z0-9_]` by `_`, as cosl does for group names.
fn sanitize_group_name(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

fn file_stem(name: &str) -> &str {
    name.rsplit_once('.').map_or(name, |(stem, _)| stem)
}

/// Adds the topology labels to each rule of `group` and names it
/// `<identifier>_<group name>_rules` (cosl `AlertRules`).
fn finish_group(group: &mut Map<String, Value>, name: &str, topology: &Topology) {
    let full = format!("{}_{}_rules", topology.identifier(), name);
    group.insert("name".into(), Value::String(sanitize_group_name(&full)));
    if let Some(Value::Array(rules)) = group.get_mut("rules") {
        for rule in rules.iter_mut().filter_map(Value::as_object_mut) {
            let labels = rule
                .entry("labels")
                .or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(labels) = labels {
                for (k, v) in topology.rule_labels() {
                    labels.insert(k.into(), Value::String(v.to_owned()));
                }
            }
        }
    }
}

/// The Prometheus `alert_rules` object: one group per rule file of the merged
/// `prometheus_alert_rules` (official `groups:` format or a single rule), then cosl's generic
/// `HostHealth` group. Files that are not YAML rules are skipped, as cosl does.
pub fn prometheus_alert_rules(
    framework: &FrameworkInfo,
    charm_dir: &Path,
    topology: &Topology,
) -> Value {
    let mut groups = Vec::new();
    let files = merged_files(framework, charm_dir, "prometheus_alert_rules");
    for suffix in [".rule", ".rules", ".yml", ".yaml"] {
        for (name, bytes) in files.iter().filter(|(n, _)| n.ends_with(suffix)) {
            let Ok(text) = std::str::from_utf8(bytes) else {
                continue;
            };
            let Ok(Value::Object(doc)) = serde_yaml::from_str::<Value>(text) else {
                continue;
            };
            let file_groups: Vec<Value> = match doc.get("groups") {
                Some(Value::Array(list)) => list.clone(),
                Some(_) => continue,
                None if doc.contains_key("alert") && doc.contains_key("expr") => {
                    vec![json!({"name": file_stem(name), "rules": [Value::Object(doc.clone())]})]
                }
                None => continue,
            };
            for group in file_groups {
                let Value::Object(mut group) = group else {
                    continue;
                };
                let Some(group_name) = group.get("name").and_then(Value::as_str) else {
                    continue;
                };
                let group_name = group_name.to_owned();
                finish_group(&mut group, &group_name, topology);
                groups.push(Value::Object(group));
            }
        }
    }
    let mut host_health = host_health_group();
    finish_group(&mut host_health, "HostHealth", topology);
    groups.push(Value::Object(host_health));
    json!({ "groups": groups })
}

/// cosl's generic application rules.
fn host_health_group() -> Map<String, Value> {
    let value = json!({
        "name": "HostHealth",
        "rules": [
            {
                "alert": "HostDown",
                "expr": "up < 1",
                "for": "5m",
                "labels": {"severity": "critical"},
                "annotations": {
                    "summary": "Host '{{ $labels.instance }}' is down.",
                    "description": "Juju application '{{ $labels.juju_application }}' in model '{{ $labels.juju_model }}' is down. Prometheus has been unable to scrape it during at least the past five minutes."
                }
            },
            {
                "alert": "HostMetricsMissing",
                "expr": "absent(up)",
                "for": "5m",
                "labels": {"severity": "warning"},
                "annotations": {
                    "summary": "Unit '{{ $labels.juju_unit }}' of application '{{ $labels.juju_application }}' is down or failing to remote write.",
                    "description": "`Up` missing for unit '{{ $labels.juju_unit }}' of application {{ $labels.juju_application }} in model {{ $labels.juju_model }}. Please ensure the unit or the collector scraping it is up and is able to successfully reach the metrics backend."
                }
            }
        ]
    });
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}
