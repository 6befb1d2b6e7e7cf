//! The simulator, a product feature (behind feature `testing`): the charm binary's
//! `simulate` and `env` commands ([`simulate`], [`env`]) and the in-memory Juju model
//! ([`juju`]) and Pebble ([`pebble`]) the authors' [harness](crate::testing::harness) runs on.
//! Only the CLI and the harness enter it.
//!
//! `simulate <scenario.json>`: builds the scenario's world (FORMAT.md §1–§2) in memory, runs
//! the charm's hook in it and prints the output JSON of FORMAT.md §3 (or, with `--report`,
//! [`report`]'s page for a person).
//!
//! A scenario is read in three steps: JSON text → [`complete`] (the keys the charm binary
//! knows itself, for authors' scenarios) → typed [`Scenario`] (errors name the field path,
//! through `serde_path_to_error`) → [`check`] (the rules FORMAT.md states).

pub mod check;
pub mod complete;
pub mod env_tool;
#[cfg(test)]
mod extension_tests;
pub mod juju;
pub mod pebble;
pub mod redact;
pub mod report;
mod tool;

pub use complete::OwnCharm;
pub use tool::{env, simulate, ToolError};

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::framework::FrameworkKind;
use crate::integration::IntegrationSet;
use crate::juju::backend::{Bag, ConfigValues, RelationId, Status, StatusName};
use crate::juju::{CharmMeta, Event, HookContext, Juju};
use crate::paas_config::PaasConfig;
use crate::pebble::{Layer, Plan};
use crate::reconcile::{run_hook_with, Hook};
use juju::{MemoryAction, MemoryBackend, MemoryRelation, MemorySecret, SharedBackend};
use pebble::{ExecHandler, MemoryPebble};

/// A resolved scenario (FORMAT.md §1).
#[derive(Debug, Clone, Deserialize)]
#[allow(missing_docs)]
pub struct Scenario {
    pub name: String,
    pub framework: String,
    pub metadata: Value,
    pub base_layer: Layer,
    pub paas_config: Value,
    pub app_name: String,
    pub model_name: String,
    pub model_uuid: String,
    pub unit_id: u32,
    pub leader: bool,
    pub juju_version: String,
    pub fqdn: String,
    #[serde(default)]
    pub proxy_env: BTreeMap<String, String>,
    pub initial_status: InitialStatus,
    pub can_connect: bool,
    pub peer: Option<PeerInput>,
    #[serde(default)]
    pub config: ConfigValues,
    #[serde(default)]
    pub relations: Vec<RelationInput>,
    #[serde(default)]
    pub secrets: Vec<SecretInput>,
    #[serde(default)]
    pub app_dir_files: BTreeMap<String, String>,
    #[serde(default)]
    pub container_files: BTreeMap<String, String>,
    #[serde(default)]
    pub execs: Vec<ExecInput>,
    #[serde(default)]
    pub service_statuses: BTreeMap<String, String>,
    pub event: String,
    #[serde(default)]
    pub event_args: Map<String, Value>,
}

#[derive(Debug, Clone, Deserialize)]
#[allow(missing_docs)]
pub struct InitialStatus {
    pub unit: Status,
    pub app: Status,
}

#[derive(Debug, Clone, Deserialize)]
#[allow(missing_docs)]
pub struct PeerInput {
    pub id: RelationId,
    #[serde(default)]
    pub local_app_data: Bag,
    #[serde(default)]
    pub local_unit_data: Bag,
    #[serde(default)]
    pub peers_data: BTreeMap<String, Bag>,
}

#[derive(Debug, Clone, Deserialize)]
#[allow(missing_docs)]
pub struct RelationInput {
    pub endpoint: String,
    pub interface: String,
    pub id: RelationId,
    pub remote_app_name: String,
    #[serde(default)]
    pub remote_app_data: Bag,
    #[serde(default)]
    pub remote_units_data: BTreeMap<String, Bag>,
    #[serde(default)]
    pub local_app_data: Bag,
    #[serde(default)]
    pub local_unit_data: Bag,
}

#[derive(Debug, Clone, Deserialize)]
#[allow(missing_docs)]
pub struct SecretInput {
    pub id: String,
    pub owner: Option<String>,
    pub label: Option<String>,
    #[serde(default)]
    pub tracked_content: Bag,
    #[serde(default)]
    pub latest_content: Bag,
}

#[derive(Debug, Clone, Deserialize)]
#[allow(missing_docs)]
pub struct ExecInput {
    pub command_prefix: Vec<String>,
    pub return_code: i32,
    #[serde(default)]
    pub stdout: String,
    #[serde(default)]
    pub stderr: String,
}

/// A scenario that cannot be simulated.
#[derive(Debug, thiserror::Error)]
pub enum SimulateError {
    /// The file cannot be read.
    #[error("cannot read {0}: {1}")]
    Read(PathBuf, String),
    /// The file is not a resolved scenario.
    #[error("{0}: {1}")]
    Format(PathBuf, String),
    /// A field of the scenario cannot be used.
    #[error("{0}: {1}")]
    Invalid(PathBuf, ScenarioError),
}

/// One unusable field of a scenario: its path (`relations[2].remote_app_data.port`) and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct ScenarioError {
    /// The field's path, as `serde_path_to_error` writes it.
    pub field: String,
    /// What is wrong with it.
    pub message: String,
}

impl ScenarioError {
    /// An error about `field`.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl Scenario {
    /// Reads a scenario's JSON text. With `own`, the keys it leaves out are the charm's
    /// ([`complete::complete`]) and another framework is refused. Every error names a field.
    ///
    /// ```
    /// use paas_charm_runtime::simulator::Scenario;
    /// let err = Scenario::parse(r#"{"relations": [{"id": "two"}]}"#, None).unwrap_err();
    /// assert_eq!(err.field, "relations[0].id");
    /// ```
    pub fn parse(text: &str, own: Option<&OwnCharm>) -> Result<Self, ScenarioError> {
        let mut raw: Value = crate::json::from_str(text)
            .map_err(|e| ScenarioError::new(".", format!("not JSON ({e})")))?;
        let Some(map) = raw.as_object_mut() else {
            return Err(ScenarioError::new(".", "a scenario is a JSON object"));
        };
        if let Some(own) = own {
            complete::complete(map, own)?;
        }
        let scenario: Scenario = typed(raw.clone())?;
        scenario.meta()?;
        check::check(&raw, &scenario)?;
        Ok(scenario)
    }
}

impl Scenario {
    /// The scenario's `metadata` as the charm reads it; an error names the field
    /// (`metadata.config.options.port.type`).
    pub fn meta(&self) -> Result<CharmMeta, ScenarioError> {
        typed::<CharmMeta>(self.metadata.clone()).map_err(|e| match e.field.as_str() {
            "." => ScenarioError::new("metadata", e.message),
            _ => ScenarioError::new(format!("metadata.{}", e.field), e.message),
        })
    }
}

/// Deserializes `value`, naming the failing field's path.
fn typed<T: serde::de::DeserializeOwned>(value: Value) -> Result<T, ScenarioError> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let message = e.into_inner().to_string();
        // A missing key is reported on its parent: name the key itself.
        match message
            .strip_prefix("missing field `")
            .and_then(|m| m.strip_suffix('`'))
        {
            Some(key) if path == "." => ScenarioError::new(key, "missing"),
            Some(key) => ScenarioError::new(format!("{path}.{key}"), "missing"),
            None => ScenarioError::new(path, message),
        }
    })
}

/// A relation's units by name (`<app>/<n>`) from the scenario's data by unit number; built
/// with insert, not collect (crate::sort).
fn units_of(app: &str, data: &BTreeMap<String, Bag>) -> BTreeMap<String, Bag> {
    let mut units = BTreeMap::new();
    units.extend(
        data.iter()
            .map(|(n, bag)| (format!("{app}/{n}"), bag.clone())),
    );
    units
}

/// The world built from a scenario.
pub struct World {
    /// The scenario.
    pub scenario: Scenario,
    /// Its metadata.
    pub meta: CharmMeta,
    /// The framework.
    pub framework: FrameworkKind,
    backend: SharedBackend,
    /// The workload's Pebble.
    pub pebble: MemoryPebble,
    /// The hook context.
    pub ctx: HookContext,
}

impl World {
    /// Reads a scenario file.
    pub fn load(path: &std::path::Path) -> Result<Self, SimulateError> {
        Self::load_for(path, None)
    }

    /// Reads a scenario file for the charm `own` (see [`Scenario::parse`]).
    pub fn load_for(path: &std::path::Path, own: Option<&OwnCharm>) -> Result<Self, SimulateError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| SimulateError::Read(path.to_owned(), e.to_string()))?;
        let scenario =
            Scenario::parse(&text, own).map_err(|e| SimulateError::Invalid(path.to_owned(), e))?;
        Self::new(scenario).map_err(|e| SimulateError::Format(path.to_owned(), e))
    }

    /// Builds the world of a scenario.
    pub fn new(scenario: Scenario) -> Result<Self, String> {
        let meta = scenario.meta().map_err(|e| e.to_string())?;
        let framework = FrameworkKind::from_name(&scenario.framework)
            .ok_or_else(|| format!("unknown framework {:?}", scenario.framework))?;
        let unit_name = format!("{}/{}", scenario.app_name, scenario.unit_id);
        let mut backend = MemoryBackend::new(&unit_name);
        backend.leader = scenario.leader;
        for (name, option) in &meta.config.options {
            if let Some(default) = &option.default {
                backend.config.insert(name.clone(), default.clone());
            }
        }
        for (name, value) in &scenario.config {
            backend.config.insert(name.clone(), value.clone());
        }
        backend.unit_status = Some(scenario.initial_status.unit.clone());
        backend.app_status = Some(scenario.initial_status.app.clone());
        let event = event_of(&scenario.event)?;
        let broken = match (&event, scenario.event_args.get("relation_id")) {
            (
                Event::Relation {
                    kind: crate::juju::RelationEventKind::Broken,
                    ..
                },
                Some(id),
            ) => id.as_u64().map(|id| id as RelationId),
            _ => None,
        };
        if let Some(peer) = &scenario.peer {
            let interface = meta
                .peers
                .get("secret-storage")
                .map(|p| p.interface.clone());
            backend.relations.push(MemoryRelation {
                id: peer.id,
                endpoint: "secret-storage".into(),
                interface: interface.unwrap_or_else(|| "secret-storage".into()),
                remote_app: scenario.app_name.clone(),
                peer: true,
                remote_app_data: peer.local_app_data.clone(),
                remote_units: units_of(&scenario.app_name, &peer.peers_data),
                local_app_data: peer.local_app_data.clone(),
                local_unit_data: peer.local_unit_data.clone(),
                hidden: broken == Some(peer.id),
            });
        }
        for relation in &scenario.relations {
            backend.relations.push(MemoryRelation {
                id: relation.id,
                endpoint: relation.endpoint.clone(),
                interface: relation.interface.clone(),
                remote_app: relation.remote_app_name.clone(),
                peer: false,
                remote_app_data: relation.remote_app_data.clone(),
                remote_units: units_of(&relation.remote_app_name, &relation.remote_units_data),
                local_app_data: relation.local_app_data.clone(),
                local_unit_data: relation.local_unit_data.clone(),
                hidden: broken == Some(relation.id),
            });
        }
        backend.secrets = scenario
            .secrets
            .iter()
            .map(|s| MemorySecret {
                id: s.id.clone(),
                owner: s.owner.clone(),
                label: s.label.clone(),
                tracked_content: s.tracked_content.clone(),
                latest_content: s.latest_content.clone(),
            })
            .collect();
        if let Event::Action(_) = event {
            let params = scenario
                .event_args
                .get("params")
                .and_then(Value::as_object)
                .cloned();
            backend.action = Some(MemoryAction {
                params: params.unwrap_or_default(),
                ..Default::default()
            });
        }

        let info = framework.info();
        let mut pebble = MemoryPebble::with_rock_layer(scenario.base_layer.clone());
        pebble.can_connect = scenario.can_connect;
        pebble.service_statuses = scenario.service_statuses.clone();
        pebble.add_dir(info.app_dir);
        for (name, content) in &scenario.app_dir_files {
            pebble.add_file(&format!("{}/{name}", info.app_dir), content.as_bytes());
        }
        for (path, content) in &scenario.container_files {
            pebble.add_file(path, content.as_bytes());
        }
        pebble.exec_handlers = scenario
            .execs
            .iter()
            .map(|e| ExecHandler {
                command_prefix: e.command_prefix.clone(),
                return_code: e.return_code,
                stdout: e.stdout.clone(),
                stderr: e.stderr.clone(),
            })
            .collect();

        let ctx = context_of(&scenario, &event)?;
        Ok(Self {
            scenario,
            meta,
            framework,
            backend: SharedBackend::new(backend),
            pebble,
            ctx,
        })
    }

    /// The scenario's `paas-config.yaml`.
    pub fn paas_config(&self) -> Result<PaasConfig, crate::paas_config::PaasConfigError> {
        match &self.scenario.paas_config {
            Value::String(text) => PaasConfig::parse(text),
            other => PaasConfig::from_value(other),
        }
    }

    /// Runs the hook with `integrations` and returns the output JSON.
    pub fn run(self, integrations: &mut dyn IntegrationSet) -> Value {
        self.run_with(integrations, &crate::extensions::NoExtensions, &[])
    }

    /// Runs the hook with `integrations`, the author's extensions and renamed endpoints
    /// (`Charm::ENDPOINTS`; `meta` must already be renamed); returns the output JSON. The
    /// framework's actions are looked up in its table ([`crate::framework::action`]).
    pub fn run_with(
        self,
        integrations: &mut dyn IntegrationSet,
        extensions: &dyn crate::extensions::Extensions,
        renamed: &[(&str, &str)],
    ) -> Value {
        let framework = self.framework;
        let actions = |name: &str| crate::framework::action(framework, name);
        let facts = crate::framework::facts(framework);
        self.run_hook(integrations, extensions, renamed, &actions, facts)
    }

    /// Runs the hook as charm `C` does under Juju (its set, extensions, renamed endpoints and
    /// generated action `match`); `meta` must already be renamed.
    pub(crate) fn run_charm<C: crate::charm::Charm>(
        self,
        integrations: &mut C::Integrations,
    ) -> Value {
        self.run_hook(
            integrations,
            C::extensions(),
            C::ENDPOINTS,
            &C::framework_action,
            const { crate::framework::facts(C::FRAMEWORK) },
        )
    }

    fn run_hook(
        mut self,
        integrations: &mut dyn IntegrationSet,
        extensions: &dyn crate::extensions::Extensions,
        renamed: &[(&str, &str)],
        actions: &dyn Fn(&str) -> Option<crate::framework::FrameworkAction>,
        facts: &'static crate::integration::FrameworkFacts,
    ) -> Value {
        let mut juju = Juju::new(Box::new(self.backend.clone()), self.ctx.clone());
        juju.rename_endpoints(renamed);
        let paas_config = self.paas_config();
        let hook = Hook {
            juju: &mut juju,
            pebble: &mut self.pebble,
            meta: &self.meta,
            framework: self.framework.info(),
            facts,
            paas_config,
            actions,
        };
        let result = run_hook_with(hook, integrations, extensions);
        drop(juju);
        let backend = self.backend.snapshot();
        self.output(&backend, result.err().map(|e| e.to_string()))
    }

    fn output(&self, backend: &MemoryBackend, error: Option<String>) -> Value {
        let scenario = &self.scenario;
        let history = |items: &[Status]| -> Vec<Value> { items.iter().map(status_json).collect() };
        let mut out = Map::new();
        out.insert("scenario".into(), json!(scenario.name));
        out.insert(
            "produced_by".into(),
            json!(format!("paas-charm-rs {}", env!("CARGO_PKG_VERSION"))),
        );
        out.insert("event".into(), json!(scenario.event));
        out.insert(
            "container".into(),
            json!(self
                .meta
                .container()
                .unwrap_or(self.framework.info().container)),
        );
        out.insert(
            "status_history".into(),
            json!({"unit": history(&backend.unit_status_history), "app": history(&backend.app_status_history)}),
        );
        out.insert(
            "exec".into(),
            Value::Array(self.pebble.execs.iter().map(exec_json).collect()),
        );
        // The operator's log (not part of paas-charm's output; compare.py ignores the key).
        let logs: Vec<Value> = backend
            .logs
            .iter()
            .map(|(level, message)| json!({"level": level, "message": message}))
            .collect();
        out.insert("logs".into(), Value::Array(logs));
        if let Some(message) = error {
            out.insert(
                "error".into(),
                json!({"type": "HookError", "message": message, "wrapper": "UncaughtCharmError"}),
            );
            return Value::Object(out);
        }
        out.insert("error".into(), Value::Null);
        let unknown = Status {
            name: StatusName::Unknown,
            message: String::new(),
        };
        out.insert(
            "unit_status".into(),
            status_json(backend.unit_status.as_ref().unwrap_or(&unknown)),
        );
        out.insert(
            "app_status".into(),
            status_json(backend.app_status.as_ref().unwrap_or(&unknown)),
        );
        out.insert("workload_version".into(), Value::Null);
        let ports: Vec<Value> = backend
            .ports
            .iter()
            .filter_map(|p| {
                p.port
                    .map(|port| json!({"port": port, "protocol": p.protocol}))
            })
            .collect();
        out.insert("opened_ports".into(), Value::Array(ports));
        out.insert("pebble".into(), self.pebble_json());
        out.insert("files".into(), self.files_json());
        out.insert("relations".into(), self.relations_json(backend));
        let mut secrets: Vec<&MemorySecret> = backend.secrets.iter().collect();
        crate::sort::sort_by(&mut secrets, |a, b| a.id < b.id);
        let secrets: Vec<Value> = secrets
            .into_iter()
            .map(|s| {
                json!({"id": s.id, "owner": s.owner, "label": s.label,
                       "tracked_content": s.tracked_content, "latest_content": s.latest_content})
            })
            .collect();
        out.insert("secrets".into(), Value::Array(secrets));
        out.insert("deferred".into(), json!([]));
        if let (Some(action), Event::Action(name)) = (&backend.action, &self.ctx.event) {
            let value = match &action.failure {
                Some(message) => json!({"name": name, "failed": true, "message": message}),
                None => json!({"name": name, "failed": false, "results": action.results}),
            };
            out.insert("action".into(), value);
        }
        Value::Object(out)
    }

    fn pebble_json(&self) -> Value {
        let plan: Plan = self.pebble.current_plan();
        let layers: Map<String, Value> = self
            .pebble
            .layers
            .iter()
            .filter(|(label, _)| label != "rock")
            .map(|(label, layer)| {
                (
                    label.clone(),
                    serde_json::to_value(layer).unwrap_or(Value::Null),
                )
            })
            .collect();
        json!({
            "plan": serde_json::to_value(&plan).unwrap_or(Value::Null),
            "layers": layers,
            "service_statuses": self.pebble.service_statuses,
        })
    }

    fn files_json(&self) -> Value {
        let info = self.framework.info();
        // Built with insert, not collect (crate::sort).
        let mut inputs: BTreeMap<String, &str> = BTreeMap::new();
        inputs.extend(
            self.scenario
                .container_files
                .iter()
                .map(|(p, c)| (p.clone(), c.as_str())),
        );
        for (name, content) in &self.scenario.app_dir_files {
            inputs.insert(format!("{}/{name}", info.app_dir), content.as_str());
        }
        let files: Map<String, Value> = self
            .pebble
            .files
            .iter()
            .filter(|(path, content)| {
                inputs.get(*path).map(|c| c.as_bytes()) != Some(content.as_slice())
            })
            .map(|(path, content)| (path.clone(), json!(String::from_utf8_lossy(content))))
            .collect();
        Value::Object(files)
    }

    fn relations_json(&self, backend: &MemoryBackend) -> Value {
        let mut inputs: Vec<(RelationId, &Bag, &Bag)> = Vec::new();
        if let Some(peer) = &self.scenario.peer {
            inputs.push((peer.id, &peer.local_app_data, &peer.local_unit_data));
        }
        for r in &self.scenario.relations {
            inputs.push((r.id, &r.local_app_data, &r.local_unit_data));
        }
        let mut relations: Vec<&MemoryRelation> = backend.relations.iter().collect();
        crate::sort::sort_by_key(&mut relations, |r| r.id);
        let out: Vec<Value> = relations
            .into_iter()
            .map(|r| {
                let (app_in, unit_in) = inputs
                    .iter()
                    .find(|(id, _, _)| *id == r.id)
                    .map(|(_, a, u)| ((*a).clone(), (*u).clone()))
                    .unwrap_or_default();
                let mut written = Map::new();
                if let Some(diff) = bag_diff(&app_in, &r.local_app_data) {
                    written.insert("app".into(), diff);
                }
                if let Some(diff) = bag_diff(&unit_in, &r.local_unit_data) {
                    written.insert("unit".into(), diff);
                }
                let mut entry = json!({
                    "endpoint": r.endpoint, "interface": r.interface, "id": r.id,
                    "local_app_data": r.local_app_data, "local_unit_data": r.local_unit_data,
                    "written": written,
                });
                if !r.peer {
                    entry["remote_app_name"] = json!(r.remote_app);
                }
                entry
            })
            .collect();
        Value::Array(out)
    }
}

fn bag_diff(before: &Bag, after: &Bag) -> Option<Value> {
    let set: Map<String, Value> = after
        .iter()
        .filter(|(k, v)| before.get(*k) != Some(*v))
        .map(|(k, v)| (k.clone(), json!(v)))
        .collect();
    let mut removed: Vec<&String> = before.keys().filter(|k| !after.contains_key(*k)).collect();
    crate::sort::sort(&mut removed);
    let mut diff = Map::new();
    if !set.is_empty() {
        diff.insert("set".into(), Value::Object(set));
    }
    if !removed.is_empty() {
        diff.insert("removed".into(), json!(removed));
    }
    (!diff.is_empty()).then_some(Value::Object(diff))
}

fn status_json(status: &Status) -> Value {
    json!({"name": status.name.as_str(), "message": status.message})
}

fn exec_json(exec: &crate::pebble::ExecRequest) -> Value {
    let mut out = Map::new();
    out.insert("command".into(), json!(exec.command));
    out.insert("environment".into(), json!(exec.environment));
    if let Some(dir) = &exec.working_dir {
        out.insert("working_dir".into(), json!(dir));
    }
    if let Some(user) = &exec.user {
        out.insert("user".into(), json!(user));
    }
    if let Some(group) = &exec.group {
        out.insert("group".into(), json!(group));
    }
    if exec.combine_stderr {
        out.insert("combine_stderr".into(), json!(true));
    }
    Value::Object(out)
}

fn event_of(name: &str) -> Result<Event, String> {
    match name.strip_prefix("action:") {
        Some(action) => Ok(Event::Action(action.to_owned())),
        None => Event::from_hook_name(name).map_err(|e| e.to_string()),
    }
}

fn context_of(scenario: &Scenario, event: &Event) -> Result<HookContext, String> {
    let mut vars: BTreeMap<String, String> = BTreeMap::new();
    let dispatch = match event {
        Event::Action(name) => format!("actions/{name}"),
        other => format!("hooks/{other}"),
    };
    vars.insert("JUJU_DISPATCH_PATH".into(), dispatch);
    vars.insert(
        "JUJU_UNIT_NAME".into(),
        format!("{}/{}", scenario.app_name, scenario.unit_id),
    );
    vars.insert("JUJU_MODEL_NAME".into(), scenario.model_name.clone());
    vars.insert("JUJU_MODEL_UUID".into(), scenario.model_uuid.clone());
    vars.insert("JUJU_VERSION".into(), scenario.juju_version.clone());
    vars.insert(
        "JUJU_CHARM_DIR".into(),
        format!(
            "/var/lib/juju/agents/unit-{}-{}/charm",
            scenario.app_name, scenario.unit_id
        ),
    );
    vars.insert("PAAS_CHARM_FQDN".into(), scenario.fqdn.clone());
    for (name, value) in &scenario.proxy_env {
        vars.insert(name.clone(), value.clone());
    }
    let args = &scenario.event_args;
    if let Event::Relation { endpoint, .. } = event {
        let id = args
            .get("relation_id")
            .and_then(Value::as_u64)
            .ok_or("relation event without relation_id")?;
        vars.insert("JUJU_RELATION".into(), endpoint.clone());
        vars.insert("JUJU_RELATION_ID".into(), format!("{endpoint}:{id}"));
        let remote_app = if scenario
            .peer
            .as_ref()
            .is_some_and(|p| u64::from(p.id) == id)
        {
            scenario.app_name.clone()
        } else {
            scenario
                .relations
                .iter()
                .find(|r| u64::from(r.id) == id)
                .map(|r| r.remote_app_name.clone())
                .ok_or_else(|| format!("relation {id} is not in the scenario"))?
        };
        if let Some(unit) = args.get("remote_unit").and_then(Value::as_u64) {
            vars.insert("JUJU_REMOTE_UNIT".into(), format!("{remote_app}/{unit}"));
        }
        if let Some(unit) = args.get("departing_unit").and_then(Value::as_u64) {
            vars.insert("JUJU_DEPARTING_UNIT".into(), format!("{remote_app}/{unit}"));
        }
        vars.insert("JUJU_REMOTE_APP".into(), remote_app);
    }
    if let Event::Secret(_) = event {
        if let Some(id) = args.get("secret_id").and_then(Value::as_str) {
            vars.insert("JUJU_SECRET_ID".into(), id.to_owned());
            if let Some(label) = scenario
                .secrets
                .iter()
                .find(|s| s.id == id)
                .and_then(|s| s.label.clone())
            {
                vars.insert("JUJU_SECRET_LABEL".into(), label);
            }
        }
        if let Some(revision) = args.get("revision").and_then(Value::as_u64) {
            vars.insert("JUJU_SECRET_REVISION".into(), revision.to_string());
        }
    }
    if let Event::Workload { container, .. } = event {
        vars.insert("JUJU_WORKLOAD_NAME".into(), container.clone());
    }
    HookContext::from_vars(&vars).map_err(|e| e.to_string())
}
