//! Pebble's layer format: services, checks and log targets, and the plan they merge into.
//! Unset and empty fields are omitted when written, as Pebble and ops omit them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A JSON value kept as given (fields this crate does not model).
pub type Extra = BTreeMap<String, serde_json::Value>;

/// Services as `serde_json::to_string` writes them (`original-services.json`, the applied
/// record), or `None` when `json` is not that. Read through a [`serde_json::Value`] and
/// `serde_path_to_error`, the route by which the simulator reads a scenario's layers, so the
/// binary carries one JSON deserializer of [`Service`] rather than two (about 10 KB); the
/// services are the same either way.
pub fn services_from_json(json: &[u8]) -> Option<BTreeMap<String, Service>> {
    let value: serde_json::Value = serde_json::from_slice(json).ok()?;
    serde_path_to_error::deserialize(value).ok()
}

/// One service of a layer or plan.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Service {
    /// `merge` or `replace`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub r#override: String,
    /// Summary.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub summary: String,
    /// Description.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// `enabled` or `disabled`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub startup: String,
    /// The command line (may use `[ default args ]`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub command: String,
    /// Start after these services.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub after: Vec<String>,
    /// Start before these services.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub before: Vec<String>,
    /// Services that must run with this one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requires: Vec<String>,
    /// Environment variables. A value is a string except in Spring Boot's SMTP case, where
    /// paas-charm passes an integer port and a null password through.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub environment: BTreeMap<String, serde_json::Value>,
    /// User name.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub user: String,
    /// User id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<i64>,
    /// Group name.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub group: String,
    /// Group id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_id: Option<i64>,
    /// Working directory.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub working_dir: String,
    /// Every other field (`on-success`, `backoff-delay`, ...), kept as given.
    #[serde(flatten)]
    pub extra: Extra,
}

/// One health check.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Check {
    /// `merge` or `replace`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub r#override: String,
    /// `alive` or `ready`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub level: String,
    /// Period (`10s`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub period: String,
    /// Timeout (`3s`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub timeout: String,
    /// Failures before the check is down.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold: Option<u32>,
    /// `http: {url, headers}`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http: Option<serde_json::Map<String, serde_json::Value>>,
    /// `tcp: {port, host}`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tcp: Option<serde_json::Map<String, serde_json::Value>>,
    /// `exec: {command, ...}`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exec: Option<serde_json::Map<String, serde_json::Value>>,
    /// Every other field, kept as given.
    #[serde(flatten)]
    pub extra: Extra,
}

/// One log target.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct LogTarget {
    /// `merge` or `replace`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub r#override: String,
    /// `loki`, `opentelemetry` or `syslog`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub r#type: String,
    /// Where to send logs.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub location: String,
    /// Which services' logs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<String>,
    /// Labels added to each entry.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    /// Every other field, kept as given.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A layer: what the charm adds under a label.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Layer {
    /// Summary.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub summary: String,
    /// Description.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Services by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub services: BTreeMap<String, Service>,
    /// Checks by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub checks: BTreeMap<String, Check>,
    /// Log targets by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub log_targets: BTreeMap<String, LogTarget>,
}

/// The plan: every layer merged.
pub type Plan = Layer;

/// A layer or plan could not be turned into text or read back.
#[derive(Debug, thiserror::Error)]
#[error("invalid layer: {0}")]
pub struct LayerFormatError(pub String);

impl Layer {
    /// The layer as YAML, for `POST /v1/layers`.
    pub fn to_yaml(&self) -> Result<String, LayerFormatError> {
        crate::yaml::to_string(self).map_err(|e| LayerFormatError(e.message))
    }

    /// Parses a layer or plan from YAML (`GET /v1/plan?format=yaml`).
    pub fn from_yaml(text: &str) -> Result<Self, LayerFormatError> {
        if text.trim().is_empty() {
            return Ok(Self::default());
        }
        crate::yaml::from_str(text).map_err(|e| LayerFormatError(e.message))
    }

    /// Combines `other` into this layer as Pebble does when a layer is added again with
    /// `combine: true`: per entry, `replace` replaces it and `merge` merges it.
    pub fn combine(&mut self, other: &Layer) -> Result<(), LayerFormatError> {
        if !other.summary.is_empty() {
            self.summary = other.summary.clone();
        }
        if !other.description.is_empty() {
            self.description = other.description.clone();
        }
        for (name, service) in &other.services {
            match (service.r#override.as_str(), self.services.get_mut(name)) {
                ("replace", _) | ("merge", None) => {
                    self.services.insert(name.clone(), service.clone());
                }
                ("merge", Some(existing)) => existing.merge(service),
                (other, _) => {
                    return Err(LayerFormatError(format!(
                        "service {name:?} has override {other:?}: must be merge or replace"
                    )))
                }
            }
        }
        for (name, check) in &other.checks {
            match (check.r#override.as_str(), self.checks.get_mut(name)) {
                ("replace", _) | ("merge", None) => {
                    self.checks.insert(name.clone(), check.clone());
                }
                ("merge", Some(existing)) => existing.merge(check),
                (other, _) => {
                    return Err(LayerFormatError(format!(
                        "check {name:?} has override {other:?}: must be merge or replace"
                    )))
                }
            }
        }
        for (name, target) in &other.log_targets {
            match (target.r#override.as_str(), self.log_targets.get_mut(name)) {
                ("replace", _) | ("merge", None) => {
                    self.log_targets.insert(name.clone(), target.clone());
                }
                ("merge", Some(existing)) => existing.merge(target),
                (other, _) => {
                    return Err(LayerFormatError(format!(
                        "log target {name:?} has override {other:?}: must be merge or replace"
                    )))
                }
            }
        }
        Ok(())
    }

    /// Merges layers in order into a plan (Pebble's rule: the first definition of a name is
    /// taken as is; later `replace` replaces it, later `merge` merges into it).
    pub fn merge_into_plan<'a>(layers: impl IntoIterator<Item = &'a Layer>) -> Plan {
        let mut plan = Plan::default();
        for layer in layers {
            for (name, service) in &layer.services {
                match plan.services.get_mut(name) {
                    Some(existing) if service.r#override == "merge" => existing.merge(service),
                    _ => {
                        plan.services.insert(name.clone(), service.clone());
                    }
                }
            }
            for (name, check) in &layer.checks {
                match plan.checks.get_mut(name) {
                    Some(existing) if check.r#override == "merge" => existing.merge(check),
                    _ => {
                        plan.checks.insert(name.clone(), check.clone());
                    }
                }
            }
            for (name, target) in &layer.log_targets {
                match plan.log_targets.get_mut(name) {
                    Some(existing) if target.r#override == "merge" => existing.merge(target),
                    _ => {
                        plan.log_targets.insert(name.clone(), target.clone());
                    }
                }
            }
        }
        plan.summary.clear();
        plan.description.clear();
        plan
    }
}

fn overwrite(into: &mut String, from: &str) {
    if !from.is_empty() {
        *into = from.to_owned();
    }
}

impl Service {
    /// Pebble's merge: non-empty scalars overwrite, `environment` merges key by key, and the
    /// `after`/`before`/`requires` lists append.
    pub fn merge(&mut self, other: &Service) {
        overwrite(&mut self.r#override, &other.r#override);
        overwrite(&mut self.summary, &other.summary);
        overwrite(&mut self.description, &other.description);
        overwrite(&mut self.startup, &other.startup);
        overwrite(&mut self.command, &other.command);
        overwrite(&mut self.user, &other.user);
        overwrite(&mut self.group, &other.group);
        overwrite(&mut self.working_dir, &other.working_dir);
        self.after.extend(other.after.iter().cloned());
        self.before.extend(other.before.iter().cloned());
        self.requires.extend(other.requires.iter().cloned());
        for (k, v) in &other.environment {
            self.environment.insert(k.clone(), v.clone());
        }
        if other.user_id.is_some() {
            self.user_id = other.user_id;
        }
        if other.group_id.is_some() {
            self.group_id = other.group_id;
        }
        for (k, v) in &other.extra {
            self.extra.insert(k.clone(), v.clone());
        }
    }

    /// The environment as strings (non-string values rendered as JSON).
    pub fn environment_strings(&self) -> BTreeMap<String, String> {
        self.environment
            .iter()
            .map(|(k, v)| {
                let text = match v {
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                (k.clone(), text)
            })
            .collect()
    }
}

fn merge_map(
    into: &mut Option<serde_json::Map<String, serde_json::Value>>,
    from: &Option<serde_json::Map<String, serde_json::Value>>,
) {
    if let Some(from) = from {
        let target = into.get_or_insert_with(serde_json::Map::new);
        for (k, v) in from {
            match (target.get_mut(k), v) {
                (Some(serde_json::Value::Object(existing)), serde_json::Value::Object(new)) => {
                    for (ik, iv) in new {
                        existing.insert(ik.clone(), iv.clone());
                    }
                }
                _ => {
                    target.insert(k.clone(), v.clone());
                }
            }
        }
    }
}

impl Check {
    /// Pebble's merge: `http`, `tcp` and `exec` merge key by key; other fields overwrite.
    pub fn merge(&mut self, other: &Check) {
        overwrite(&mut self.r#override, &other.r#override);
        overwrite(&mut self.level, &other.level);
        overwrite(&mut self.period, &other.period);
        overwrite(&mut self.timeout, &other.timeout);
        if other.threshold.is_some() {
            self.threshold = other.threshold;
        }
        merge_map(&mut self.http, &other.http);
        merge_map(&mut self.tcp, &other.tcp);
        merge_map(&mut self.exec, &other.exec);
        for (k, v) in &other.extra {
            self.extra.insert(k.clone(), v.clone());
        }
    }
}

impl LogTarget {
    /// Pebble's merge: `labels` merge key by key, `services` append, other fields overwrite.
    pub fn merge(&mut self, other: &LogTarget) {
        overwrite(&mut self.r#override, &other.r#override);
        overwrite(&mut self.r#type, &other.r#type);
        overwrite(&mut self.location, &other.location);
        self.services.extend(other.services.iter().cloned());
        for (k, v) in &other.labels {
            self.labels.insert(k.clone(), v.clone());
        }
        for (k, v) in &other.extra {
            self.extra.insert(k.clone(), v.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn svc(yaml: &str) -> Service {
        crate::yaml::from_str(yaml).expect("valid service")
    }

    /// The services read back from their JSON are the ones written, as `from_slice` gives them.
    #[test]
    fn services_read_back_from_json() {
        let layer = Layer::from_yaml(
            "services:\n  web:\n    override: replace\n    command: run --port 8000\n    startup: enabled\n    environment: {A: '1', PORT: 8000, P: null}\n    after: [db]\n    user-id: 1000\n",
        )
        .expect("valid");
        let json = serde_json::to_string(&layer.services).expect("json");
        let read = services_from_json(json.as_bytes()).expect("services");
        assert_eq!(read, layer.services);
        let direct: BTreeMap<String, Service> =
            serde_json::from_slice(json.as_bytes()).expect("json");
        assert_eq!(read, direct);
        assert_eq!(services_from_json(b"{}"), Some(BTreeMap::new()));
        assert_eq!(services_from_json(b"{\"web\": 1}"), None);
        assert_eq!(services_from_json(b"not json"), None);
    }

    #[test]
    fn plan_merges_layers_as_pebble_does() {
        let rock = Layer::from_yaml(
            "services:\n  web:\n    override: replace\n    command: run\n    environment: {A: '1', B: '2'}\n    after: [db]\n  side:\n    override: merge\n    command: side\n",
        )
        .expect("rock");
        let mut charm = Layer::default();
        charm.services.insert(
            "web".into(),
            svc("override: merge\nenvironment: {B: '3'}\nafter: [db]"),
        );
        charm
            .services
            .insert("side".into(), svc("override: replace\ncommand: other"));
        let plan = Layer::merge_into_plan([&rock, &charm]);
        let web = &plan.services["web"];
        assert_eq!(web.command, "run");
        assert_eq!(web.override_str(), "merge");
        assert_eq!(web.environment_strings()["B"], "3");
        assert_eq!(web.environment_strings()["A"], "1");
        assert_eq!(
            web.after,
            ["db", "db"],
            "lists append without de-duplication"
        );
        assert_eq!(plan.services["side"].command, "other");
    }

    #[test]
    fn combine_rejects_unknown_override() {
        let mut layer = Layer::default();
        let mut other = Layer::default();
        other
            .services
            .insert("x".into(), svc("override: sideways\ncommand: x"));
        assert!(layer.combine(&other).is_err());
    }

    #[test]
    fn yaml_round_trip_omits_empty_fields() {
        let mut layer = Layer::default();
        layer.services.insert(
            "web".into(),
            svc("override: replace\ncommand: run\nstartup: enabled"),
        );
        let text = layer.to_yaml().expect("yaml");
        assert!(!text.contains("environment"), "{text}");
        assert_eq!(Layer::from_yaml(&text).expect("parse"), layer);
    }

    impl Service {
        fn override_str(&self) -> &str {
            &self.r#override
        }
    }
}
