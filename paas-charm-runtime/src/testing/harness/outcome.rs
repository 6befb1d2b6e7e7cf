//! The state after a harness run, with accessors for what a test asserts.

use std::collections::BTreeMap;

use crate::framework::FrameworkInfo;
use crate::juju::{Bag, Status, StatusName};
use crate::pebble::{ExecRequest, Layer, Plan, Service};
use crate::testing::juju::{MemoryBackend, MemoryRelation, MemorySecret};
use crate::testing::pebble::MemoryPebble;

/// One relation after the run: our bags, and what the hook changed in them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RelationData {
    /// The relation id.
    pub id: u32,
    /// Our application bag after the hook.
    pub app: Bag,
    /// Our unit bag after the hook.
    pub unit: Bag,
    /// Keys the hook set (or changed) in our application bag.
    pub app_written: Bag,
    /// Keys the hook set (or changed) in our unit bag.
    pub unit_written: Bag,
    /// The provider's application bag (unchanged by our hook).
    pub remote_app: Bag,
}

/// What one [`Harness::run`](super::Harness::run) left: the in-memory Juju model and Pebble
/// after the hook, and the hook's error if it failed.
///
/// The accessors read the state as Juju and Pebble would hold it: statuses, the Pebble plan
/// and layers, files, execs, our relation bags, ports, the action's results, `juju-log` lines.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub(crate) backend: MemoryBackend,
    pub(crate) pebble: MemoryPebble,
    pub(crate) framework: &'static FrameworkInfo,
    pub(crate) error: Option<String>,
    /// (target name, relation) before the hook.
    pub(crate) before: Vec<(String, MemoryRelation)>,
    pub(crate) files_before: BTreeMap<String, Vec<u8>>,
}

fn unknown() -> Status {
    Status {
        name: StatusName::Unknown,
        message: String::new(),
    }
}

impl Outcome {
    /// The hook's error (the hook would exit non-zero and Juju would roll it back), if any.
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// The unit status (`unknown` when the hook set none and the test gave none).
    pub fn unit_status(&self) -> Status {
        self.backend.unit_status.clone().unwrap_or_else(unknown)
    }

    /// The application status (set by the leader only).
    pub fn app_status(&self) -> Status {
        self.backend.app_status.clone().unwrap_or_else(unknown)
    }

    /// Every unit status the hook replaced, oldest first (the last one set is
    /// [`Outcome::unit_status`]).
    pub fn unit_status_history(&self) -> &[Status] {
        &self.backend.unit_status_history
    }

    /// The Pebble plan after the hook (the rock's layer merged with the charm's).
    pub fn plan(&self) -> Plan {
        self.pebble.current_plan()
    }

    /// A layer the charm added, by label (`charm`, ...); `rock` is the rock's.
    pub fn layer(&self, label: &str) -> Option<&Layer> {
        self.pebble
            .layers
            .iter()
            .find(|(l, _)| l == label)
            .map(|(_, layer)| layer)
    }

    /// A service of the plan.
    pub fn service(&self, name: &str) -> Option<Service> {
        self.plan().services.remove(name)
    }

    /// The environment `service` gets in the plan, as text (empty when it has none).
    pub fn service_env(&self, name: &str) -> BTreeMap<String, String> {
        self.service(name)
            .map(|s| s.environment_strings())
            .unwrap_or_default()
    }

    /// The environment of the framework's main service (`flask`, `go`, ...) in the plan: what
    /// the app gets. Until the charm configured the workload (Blocked, Waiting) it is the
    /// rock's own (empty, or `UVICORN_HOST`, `NODE_ENV`); [`Outcome::layer`]`("charm")` tells.
    pub fn env(&self) -> BTreeMap<String, String> {
        self.service_env(self.framework.service)
    }

    /// The `-worker` services of the plan (they get the main service's environment).
    pub fn workers(&self) -> Vec<String> {
        self.services_ending("-worker")
    }

    /// The `-scheduler` services of the plan (the environment on unit 0; disabled elsewhere).
    pub fn schedulers(&self) -> Vec<String> {
        self.services_ending("-scheduler")
    }

    fn services_ending(&self, suffix: &str) -> Vec<String> {
        self.plan()
            .services
            .into_keys()
            .filter(|name| name.to_lowercase().ends_with(suffix))
            .collect()
    }

    /// The Pebble status of a service after the hook (`active`, `inactive`).
    pub fn service_status(&self, name: &str) -> Option<&str> {
        self.pebble.service_statuses.get(name).map(String::as_str)
    }

    /// A file in the workload container after the hook, as text.
    pub fn file(&self, path: &str) -> Option<String> {
        self.pebble
            .files
            .get(path)
            .map(|bytes| String::from_utf8_lossy(bytes).into_owned())
    }

    /// The files the hook pushed (new or changed), path → text.
    pub fn files_pushed(&self) -> BTreeMap<String, String> {
        self.pebble
            .files
            .iter()
            .filter(|(path, content)| self.files_before.get(*path) != Some(*content))
            .map(|(path, content)| (path.clone(), String::from_utf8_lossy(content).into_owned()))
            .collect()
    }

    /// Every command the hook ran in the workload, in order.
    pub fn execs(&self) -> &[ExecRequest] {
        &self.pebble.execs
    }

    /// The argv of every command run, each joined with spaces (`python3 manage.py migrate`).
    pub fn exec_commands(&self) -> Vec<String> {
        self.pebble
            .execs
            .iter()
            .map(|e| e.command.join(" "))
            .collect()
    }

    /// Our bags of the relation the test added for `integration` (its name, or the endpoint
    /// of an author's own integration; `secret-storage` for the peer relation). Panics naming
    /// the integration when the test added no such relation.
    pub fn relation(&self, integration: &str) -> RelationData {
        let (_, before) = self
            .before
            .iter()
            .find(|(target, r)| target == integration || r.endpoint == integration)
            .unwrap_or_else(|| {
                panic!(
                    "the harness holds no relation for `{integration}`; the test added: {}",
                    self.before
                        .iter()
                        .map(|(t, _)| t.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            });
        self.relation_by_id(before.id)
    }

    /// Our bags of relation `id`.
    pub fn relation_by_id(&self, id: u32) -> RelationData {
        let after = self.backend.relation(id).cloned().unwrap_or_default();
        let before = self
            .before
            .iter()
            .find(|(_, r)| r.id == id)
            .map(|(_, r)| r.clone())
            .unwrap_or_default();
        let written = |before: &Bag, after: &Bag| -> Bag {
            after
                .iter()
                .filter(|(k, v)| before.get(*k) != Some(*v))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        };
        RelationData {
            id,
            app_written: written(&before.local_app_data, &after.local_app_data),
            unit_written: written(&before.local_unit_data, &after.local_unit_data),
            app: after.local_app_data,
            unit: after.local_unit_data,
            remote_app: after.remote_app_data,
        }
    }

    /// The ports the unit has open after the hook.
    pub fn opened_ports(&self) -> Vec<u16> {
        self.backend.ports.iter().filter_map(|p| p.port).collect()
    }

    /// The action's results (`None` when the event was not an action or it failed).
    pub fn action_results(&self) -> Option<&Bag> {
        self.backend
            .action
            .as_ref()
            .filter(|a| a.failure.is_none())
            .map(|a| &a.results)
    }

    /// The action's failure message, when it failed.
    pub fn action_failure(&self) -> Option<&str> {
        self.backend
            .action
            .as_ref()
            .and_then(|a| a.failure.as_deref())
    }

    /// The `juju-log` lines the hook wrote, as `LEVEL: message`.
    pub fn log_lines(&self) -> Vec<String> {
        self.backend
            .logs
            .iter()
            .map(|(level, message)| format!("{level}: {message}"))
            .collect()
    }

    /// Every hook tool the hook called, in order (`config-get`, `relation-get` ...).
    pub fn hook_tool_calls(&self) -> &[String] {
        &self.backend.calls
    }

    /// Every Pebble request the hook made, as `METHOD /path`.
    pub fn pebble_requests(&self) -> &[String] {
        &self.pebble.requests
    }

    /// The secrets of the model after the hook (the peer's secret key lives in the peer
    /// relation's bag in paas-charm 1.x, not in a secret).
    pub fn secrets(&self) -> &[MemorySecret] {
        &self.backend.secrets
    }

    /// The whole in-memory Juju model after the hook.
    pub fn juju(&self) -> &MemoryBackend {
        &self.backend
    }

    /// The whole in-memory Pebble after the hook.
    pub fn pebble(&self) -> &MemoryPebble {
        &self.pebble
    }
}
