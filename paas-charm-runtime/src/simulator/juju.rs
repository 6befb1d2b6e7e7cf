//! An in-memory Juju model implementing [`Backend`] with the rules of the scenario format
//! (FORMAT.md §2): bags, leadership, secrets with tracked/latest revisions and labels,
//! statuses with their history, ports, actions, and a log of every tool call.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use serde_json::Value;

use crate::juju::backend::{
    Backend, Bag, BagOwner, ConfigValues, HookToolError, LogLevel, Port, RelationId, Scope,
    SecretQuery, Status,
};

/// One relation in the model.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MemoryRelation {
    /// Relation id.
    pub id: RelationId,
    /// Our endpoint.
    pub endpoint: String,
    /// Interface name.
    pub interface: String,
    /// Remote application (our own for a peer relation).
    pub remote_app: String,
    /// Whether this is a peer relation.
    pub peer: bool,
    /// The remote application's bag.
    pub remote_app_data: Bag,
    /// Remote unit name → bag.
    pub remote_units: BTreeMap<String, Bag>,
    /// Our application bag.
    pub local_app_data: Bag,
    /// Our unit bag.
    pub local_unit_data: Bag,
    /// Hidden from `relation-ids` (a relation being broken).
    pub hidden: bool,
}

/// One secret in the model.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MemorySecret {
    /// `secret:...`
    pub id: String,
    /// `app`, `unit` or none (granted by another application).
    pub owner: Option<String>,
    /// The label this unit knows it by.
    pub label: Option<String>,
    /// Content of the tracked revision.
    pub tracked_content: Bag,
    /// Content of the latest revision.
    pub latest_content: Bag,
}

/// The state of the running action.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MemoryAction {
    /// Its parameters.
    pub params: ConfigValues,
    /// Results set so far.
    pub results: Bag,
    /// The failure message, once failed.
    pub failure: Option<String>,
}

/// The in-memory model. Fields are public: tests set them up and read them back.
#[derive(Debug, Clone, Default)]
pub struct MemoryBackend {
    /// Our application name.
    pub app_name: String,
    /// Our unit name.
    pub unit_name: String,
    /// Whether we lead.
    pub leader: bool,
    /// Config values (defaults applied).
    pub config: ConfigValues,
    /// Relations, peer included.
    pub relations: Vec<MemoryRelation>,
    /// Secrets.
    pub secrets: Vec<MemorySecret>,
    /// Current unit status.
    pub unit_status: Option<Status>,
    /// Current application status.
    pub app_status: Option<Status>,
    /// The unit status current before each unit status-set.
    pub unit_status_history: Vec<Status>,
    /// The app status current before each app status-set.
    pub app_status_history: Vec<Status>,
    /// Opened ports.
    pub ports: Vec<Port>,
    /// The running action, if any.
    pub action: Option<MemoryAction>,
    /// Lines logged with juju-log.
    pub logs: Vec<(String, String)>,
    /// Every tool invoked, in order (for call-count assertions).
    pub calls: Vec<String>,
    /// Ingress address returned by network-get.
    pub ingress_address: Option<String>,
    /// Tools that fail with the given stderr (failure injection).
    pub failing_tools: BTreeMap<String, String>,
}

impl MemoryBackend {
    /// A unit `app/n` of application `app`.
    pub fn new(unit_name: &str) -> Self {
        let app_name = unit_name.split('/').next().unwrap_or(unit_name).to_owned();
        Self {
            app_name,
            unit_name: unit_name.to_owned(),
            ingress_address: Some("192.0.2.0".into()),
            ..Self::default()
        }
    }

    /// The relation with this id.
    pub fn relation(&self, id: RelationId) -> Option<&MemoryRelation> {
        self.relations.iter().find(|r| r.id == id)
    }

    fn relation_mut(
        &mut self,
        tool: &str,
        id: RelationId,
    ) -> Result<&mut MemoryRelation, HookToolError> {
        self.relations
            .iter_mut()
            .find(|r| r.id == id)
            .ok_or_else(|| HookToolError::RelationNotFound {
                tool: tool.into(),
                message: format!("invalid value \"{id}\" for option -r: relation not found"),
            })
    }

    fn call(&mut self, tool: &str) -> Result<(), HookToolError> {
        self.calls.push(tool.to_owned());
        match self.failing_tools.get(tool) {
            Some(stderr) => Err(HookToolError::classify(tool, stderr)),
            None => Ok(()),
        }
    }

    fn find_secret(&mut self, query: &SecretQuery) -> Result<&mut MemorySecret, HookToolError> {
        let found = self
            .secrets
            .iter()
            .position(|s| match (&query.id, &query.label) {
                (Some(id), _) => secret_ids_match(&s.id, id),
                (None, Some(label)) => s.label.as_deref() == Some(label),
                (None, None) => false,
            });
        match found {
            Some(index) => Ok(&mut self.secrets[index]),
            None => Err(HookToolError::SecretNotFound {
                tool: "secret-get".into(),
                message: format!(
                    "secret {:?} not found",
                    query.id.as_deref().or(query.label.as_deref()).unwrap_or("")
                ),
            }),
        }
    }
}

/// Secret ids match with or without the `secret:` prefix or a model-uuid qualifier.
fn secret_ids_match(a: &str, b: &str) -> bool {
    fn short(id: &str) -> &str {
        id.rsplit(['/', ':']).next().unwrap_or(id)
    }
    short(a) == short(b)
}

impl Backend for MemoryBackend {
    fn config_get(&mut self) -> Result<ConfigValues, HookToolError> {
        self.call("config-get")?;
        Ok(self.config.clone())
    }

    fn is_leader(&mut self) -> Result<bool, HookToolError> {
        self.call("is-leader")?;
        Ok(self.leader)
    }

    fn relation_ids(&mut self, endpoint: &str) -> Result<Vec<RelationId>, HookToolError> {
        self.call("relation-ids")?;
        Ok(self
            .relations
            .iter()
            .filter(|r| r.endpoint == endpoint && !r.hidden)
            .map(|r| r.id)
            .collect())
    }

    fn relation_list(&mut self, id: RelationId) -> Result<Vec<String>, HookToolError> {
        self.call("relation-list")?;
        Ok(self
            .relation_mut("relation-list", id)?
            .remote_units
            .keys()
            .cloned()
            .collect())
    }

    fn relation_remote_app(&mut self, id: RelationId) -> Result<Option<String>, HookToolError> {
        self.call("relation-list")?;
        Ok(Some(
            self.relation_mut("relation-list", id)?.remote_app.clone(),
        ))
    }

    fn relation_get(&mut self, id: RelationId, owner: &BagOwner) -> Result<Bag, HookToolError> {
        self.call("relation-get")?;
        let (app, unit, leader) = (self.app_name.clone(), self.unit_name.clone(), self.leader);
        let relation = self.relation_mut("relation-get", id)?;
        match owner {
            BagOwner::App(name) if *name == app => {
                if !relation.peer && !leader {
                    return Err(HookToolError::PermissionDenied {
                        tool: "relation-get".into(),
                        message: format!(
                            "{unit} is not leader and cannot read its own application databag"
                        ),
                    });
                }
                Ok(relation.local_app_data.clone())
            }
            BagOwner::App(_) => Ok(relation.remote_app_data.clone()),
            BagOwner::Unit(name) if *name == unit => Ok(relation.local_unit_data.clone()),
            BagOwner::Unit(name) => {
                Ok(relation.remote_units.get(name).cloned().unwrap_or_default())
            }
        }
    }

    fn relation_set(
        &mut self,
        id: RelationId,
        scope: Scope,
        data: &Bag,
    ) -> Result<(), HookToolError> {
        self.call("relation-set")?;
        if scope == Scope::App && !self.leader {
            return Err(HookToolError::NotLeader {
                tool: "relation-set".into(),
                message: "cannot write relation settings".into(),
            });
        }
        let relation = self.relation_mut("relation-set", id)?;
        let bag = match scope {
            Scope::App => &mut relation.local_app_data,
            Scope::Unit => &mut relation.local_unit_data,
        };
        for (key, value) in data {
            if value.is_empty() {
                bag.shift_remove(key);
            } else {
                bag.insert(key.clone(), value.clone());
            }
        }
        Ok(())
    }

    fn status_set(&mut self, scope: Scope, status: &Status) -> Result<(), HookToolError> {
        self.call("status-set")?;
        let unknown = Status {
            name: crate::juju::StatusName::Unknown,
            message: String::new(),
        };
        match scope {
            Scope::Unit => {
                let previous = self.unit_status.replace(status.clone()).unwrap_or(unknown);
                self.unit_status_history.push(previous);
            }
            Scope::App => {
                if !self.leader {
                    return Err(HookToolError::NotLeader {
                        tool: "status-set".into(),
                        message: "this unit is not the leader".into(),
                    });
                }
                let previous = self.app_status.replace(status.clone()).unwrap_or(unknown);
                self.app_status_history.push(previous);
            }
        }
        Ok(())
    }

    fn secret_get(&mut self, query: &SecretQuery) -> Result<Bag, HookToolError> {
        self.call("secret-get")?;
        let secret = self.find_secret(query)?;
        if query.id.is_some() {
            if let Some(label) = &query.label {
                secret.label = Some(label.clone());
            }
        }
        if query.refresh {
            secret.tracked_content = secret.latest_content.clone();
        }
        if query.refresh || query.peek {
            Ok(secret.latest_content.clone())
        } else {
            Ok(secret.tracked_content.clone())
        }
    }

    fn opened_ports(&mut self) -> Result<Vec<Port>, HookToolError> {
        self.call("opened-ports")?;
        Ok(self.ports.clone())
    }

    fn open_port(&mut self, port: &Port) -> Result<(), HookToolError> {
        self.call("open-port")?;
        if !self.ports.contains(port) {
            self.ports.push(port.clone());
            crate::sort::sort(&mut self.ports);
        }
        Ok(())
    }

    fn close_port(&mut self, port: &Port) -> Result<(), HookToolError> {
        self.call("close-port")?;
        self.ports.retain(|p| p != port);
        Ok(())
    }

    fn action_get(&mut self) -> Result<ConfigValues, HookToolError> {
        self.call("action-get")?;
        self.action
            .as_ref()
            .map(|a| a.params.clone())
            .ok_or_else(not_in_action)
    }

    fn action_set(&mut self, results: &Bag) -> Result<(), HookToolError> {
        self.call("action-set")?;
        let action = self.action.as_mut().ok_or_else(not_in_action)?;
        if action.failure.is_none() {
            action.results.extend(results.clone());
        }
        Ok(())
    }

    fn action_fail(&mut self, message: &str) -> Result<(), HookToolError> {
        self.call("action-fail")?;
        let action = self.action.as_mut().ok_or_else(not_in_action)?;
        action.failure.get_or_insert_with(|| message.to_owned());
        Ok(())
    }

    fn juju_log(&mut self, level: LogLevel, message: &str) -> Result<(), HookToolError> {
        self.call("juju-log")?;
        self.logs
            .push((level.as_str().to_owned(), message.to_owned()));
        Ok(())
    }

    fn ingress_address(&mut self, _binding: &str) -> Result<Option<String>, HookToolError> {
        self.call("network-get")?;
        Ok(self.ingress_address.clone())
    }
}

fn not_in_action() -> HookToolError {
    HookToolError::Failed {
        tool: "action-get".into(),
        message: "not running an action".into(),
    }
}

/// Builds a [`ConfigValues`] from a JSON object literal (tests).
pub fn config_values(value: Value) -> ConfigValues {
    match value {
        Value::Object(map) => map,
        _ => ConfigValues::new(),
    }
}

/// A [`MemoryBackend`] shared between the hook, which owns its backend as a
/// `Box<dyn Backend>`, and the test that reads the model back once the hook returned.
///
/// ```
/// use paas_charm_runtime::juju::{Backend, Scope, Status};
/// use paas_charm_runtime::testing::{MemoryBackend, SharedBackend};
///
/// let shared = SharedBackend::new(MemoryBackend::new("app/0"));
/// let mut hook_side: Box<dyn Backend> = Box::new(shared.clone());
/// hook_side.status_set(Scope::Unit, &Status::active()).expect("status-set");
/// assert_eq!(shared.snapshot().unit_status, Some(Status::active()));
/// ```
#[derive(Debug, Clone, Default)]
pub struct SharedBackend(Rc<RefCell<MemoryBackend>>);

impl SharedBackend {
    /// Shares `backend`.
    pub fn new(backend: MemoryBackend) -> Self {
        Self(Rc::new(RefCell::new(backend)))
    }

    /// A copy of the model as it is now.
    pub fn snapshot(&self) -> MemoryBackend {
        self.0.borrow().clone()
    }
}

impl Backend for SharedBackend {
    fn config_get(&mut self) -> Result<ConfigValues, HookToolError> {
        self.0.borrow_mut().config_get()
    }
    fn is_leader(&mut self) -> Result<bool, HookToolError> {
        self.0.borrow_mut().is_leader()
    }
    fn relation_ids(&mut self, endpoint: &str) -> Result<Vec<RelationId>, HookToolError> {
        self.0.borrow_mut().relation_ids(endpoint)
    }
    fn relation_list(&mut self, id: RelationId) -> Result<Vec<String>, HookToolError> {
        self.0.borrow_mut().relation_list(id)
    }
    fn relation_remote_app(&mut self, id: RelationId) -> Result<Option<String>, HookToolError> {
        self.0.borrow_mut().relation_remote_app(id)
    }
    fn relation_get(&mut self, id: RelationId, owner: &BagOwner) -> Result<Bag, HookToolError> {
        self.0.borrow_mut().relation_get(id, owner)
    }
    fn relation_set(
        &mut self,
        id: RelationId,
        scope: Scope,
        data: &Bag,
    ) -> Result<(), HookToolError> {
        self.0.borrow_mut().relation_set(id, scope, data)
    }
    fn status_set(&mut self, scope: Scope, status: &Status) -> Result<(), HookToolError> {
        self.0.borrow_mut().status_set(scope, status)
    }
    fn secret_get(&mut self, query: &SecretQuery) -> Result<Bag, HookToolError> {
        self.0.borrow_mut().secret_get(query)
    }
    fn opened_ports(&mut self) -> Result<Vec<Port>, HookToolError> {
        self.0.borrow_mut().opened_ports()
    }
    fn open_port(&mut self, port: &Port) -> Result<(), HookToolError> {
        self.0.borrow_mut().open_port(port)
    }
    fn close_port(&mut self, port: &Port) -> Result<(), HookToolError> {
        self.0.borrow_mut().close_port(port)
    }
    fn action_get(&mut self) -> Result<ConfigValues, HookToolError> {
        self.0.borrow_mut().action_get()
    }
    fn action_set(&mut self, results: &Bag) -> Result<(), HookToolError> {
        self.0.borrow_mut().action_set(results)
    }
    fn action_fail(&mut self, message: &str) -> Result<(), HookToolError> {
        self.0.borrow_mut().action_fail(message)
    }
    fn juju_log(&mut self, level: LogLevel, message: &str) -> Result<(), HookToolError> {
        self.0.borrow_mut().juju_log(level, message)
    }
    fn ingress_address(&mut self, binding: &str) -> Result<Option<String>, HookToolError> {
        self.0.borrow_mut().ingress_address(binding)
    }
}
