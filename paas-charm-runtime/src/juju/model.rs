//! [`Juju`]: the hook tools behind a cache. Each datum is read at most once per hook, relation
//! writes are buffered and flushed once per bag at the end of the hook (Juju commits them only
//! if the hook succeeds anyway), and application-bag writes by a non-leader are refused before
//! any tool runs.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::backend::{
    Backend, Bag, BagOwner, ConfigValues, GoalRelations, HookToolError, LogLevel, Port, RelationId,
    Scope, SecretQuery, Status,
};
use super::context::HookContext;
use super::event::{Event, RelationEventKind};

/// One relation of an endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relation {
    /// The relation id.
    pub id: RelationId,
    /// Our endpoint.
    pub endpoint: String,
    /// The application on the other side (our own for a peer relation).
    pub remote_app: Option<String>,
}

/// The hook tools, cached. See the module documentation.
pub struct Juju {
    backend: Box<dyn Backend>,
    /// The hook context.
    pub ctx: HookContext,
    config: Option<ConfigValues>,
    leader: Option<bool>,
    relation_ids: HashMap<String, Vec<RelationId>>,
    remote_units: HashMap<RelationId, Vec<String>>,
    remote_apps: HashMap<RelationId, Option<String>>,
    bags: HashMap<(RelationId, BagOwner), Bag>,
    pending: BTreeMap<(RelationId, Scope), Bag>,
    secrets: HashMap<SecretQuery, Bag>,
    opened_ports: Option<Vec<Port>>,
    peer_endpoints: BTreeSet<String>,
    /// `goal-state`'s relations: not asked yet (`None`), or what it said (`Some(None)`: the
    /// backend cannot tell).
    goal: Option<Option<GoalRelations>>,
    endpoints: HashMap<RelationId, String>,
    /// Endpoints the charm names differently from paas-charm: (paas-charm's name, the charm's).
    renamed: Vec<(String, String)>,
    /// Where the charm may keep what it applied (the charm directory of a real hook).
    state_dir: Option<std::path::PathBuf>,
}

impl Juju {
    /// Wraps a backend for one hook.
    pub fn new(backend: Box<dyn Backend>, ctx: HookContext) -> Self {
        Self {
            backend,
            ctx,
            config: None,
            leader: None,
            relation_ids: HashMap::new(),
            remote_units: HashMap::new(),
            remote_apps: HashMap::new(),
            bags: HashMap::new(),
            pending: BTreeMap::new(),
            secrets: HashMap::new(),
            opened_ports: None,
            peer_endpoints: BTreeSet::new(),
            goal: None,
            endpoints: HashMap::new(),
            renamed: Vec::new(),
            state_dir: None,
        }
    }

    /// Lets the charm keep a record of what it applied in `dir` (a real hook's charm
    /// directory; see `applied`). Without it every reconcile applies everything.
    pub fn set_state_dir(&mut self, dir: std::path::PathBuf) {
        self.state_dir = Some(dir);
    }

    /// Where the charm may keep its records, if anywhere.
    pub fn state_dir(&self) -> Option<&std::path::Path> {
        self.state_dir.as_deref()
    }

    /// Serves paas-charm's endpoint names over the charm's own (`("postgresql", "db")`): the
    /// hook's event and `goal-state` name the integration's endpoint, and `relation-ids` of
    /// it asks Juju about the charm's. Call it before anything is read.
    pub fn rename_endpoints(&mut self, renamed: &[(&str, &str)]) {
        self.renamed = renamed
            .iter()
            .map(|(ours, theirs)| ((*ours).to_owned(), (*theirs).to_owned()))
            .collect();
        if let Event::Relation { endpoint, .. } = &mut self.ctx.event {
            if let Some((ours, _)) = self.renamed.iter().find(|(_, theirs)| theirs == endpoint) {
                *endpoint = ours.clone();
            }
        }
    }

    /// The endpoint Juju knows for `endpoint` (renamed, or itself): what charm libraries put
    /// in secret labels (`<endpoint>.<id>.user.secret`).
    pub fn juju_endpoint<'a>(&'a self, endpoint: &'a str) -> &'a str {
        self.renamed
            .iter()
            .find(|(ours, _)| ours == endpoint)
            .map_or(endpoint, |(_, theirs)| theirs.as_str())
    }

    /// Names the charm's peer endpoints (from its metadata). Their remote application is this
    /// one, so it is known without a tool call, and they are always listed with `relation-ids`.
    pub fn set_peer_endpoints(&mut self, endpoints: impl IntoIterator<Item = String>) {
        // Built with insert, not collect (crate::sort).
        self.peer_endpoints.clear();
        self.peer_endpoints.extend(endpoints);
    }

    /// The event of this hook.
    pub fn event(&self) -> &Event {
        &self.ctx.event
    }

    /// The charm config (`config-get`, once).
    pub fn config(&mut self) -> Result<&ConfigValues, HookToolError> {
        if self.config.is_none() {
            self.config = Some(self.backend.config_get()?);
        }
        Ok(self.config.get_or_insert_with(ConfigValues::new))
    }

    /// Whether this unit is the leader (`is-leader`, once).
    pub fn is_leader(&mut self) -> Result<bool, HookToolError> {
        if let Some(leader) = self.leader {
            return Ok(leader);
        }
        let leader = self.backend.is_leader()?;
        self.leader = Some(leader);
        Ok(leader)
    }

    /// The relations of `endpoint`. During `<endpoint>-relation-broken` the broken relation is
    /// not listed (as in ops).
    pub fn relations(&mut self, endpoint: &str) -> Result<Vec<Relation>, HookToolError> {
        if !self.relation_ids.contains_key(endpoint) {
            // One `goal-state` tells which endpoints have relations at all, so endpoints
            // without any cost no `relation-ids` each. Peer endpoints and this hook's own
            // endpoint are always asked.
            let known_empty = !self.peer_endpoints.contains(endpoint)
                && !self.is_event_endpoint(endpoint)
                && self
                    .goal_relations()
                    .is_some_and(|goal| !goal.contains_key(endpoint));
            let mut ids = if known_empty {
                Vec::new()
            } else {
                let juju_endpoint = self.juju_endpoint(endpoint).to_owned();
                self.backend.relation_ids(&juju_endpoint)?
            };
            if let (
                Event::Relation {
                    endpoint: e,
                    kind: RelationEventKind::Broken,
                },
                Some(id),
            ) = (&self.ctx.event, self.ctx.relation_id)
            {
                if e == endpoint {
                    ids.retain(|other| *other != id);
                }
            }
            for id in &ids {
                self.endpoints.insert(*id, endpoint.to_owned());
            }
            self.relation_ids.insert(endpoint.to_owned(), ids);
        }
        let ids = self.relation_ids.get(endpoint).cloned().unwrap_or_default();
        ids.into_iter()
            .map(|id| {
                Ok(Relation {
                    id,
                    endpoint: endpoint.to_owned(),
                    remote_app: self.remote_app(id)?,
                })
            })
            .collect()
    }

    /// The first relation of `endpoint` (endpoints with `limit: 1` have at most one).
    pub fn relation(&mut self, endpoint: &str) -> Result<Option<Relation>, HookToolError> {
        Ok(self.relations(endpoint)?.into_iter().next())
    }

    /// The relation this hook is about, if it is a relation hook on `endpoint`.
    pub fn event_relation_id(&self, endpoint: &str) -> Option<RelationId> {
        match &self.ctx.event {
            Event::Relation { endpoint: e, .. } if e == endpoint => self.ctx.relation_id,
            _ => None,
        }
    }

    /// The remote units of a relation (`relation-list`, once).
    pub fn remote_units(&mut self, id: RelationId) -> Result<Vec<String>, HookToolError> {
        if let Some(units) = self.remote_units.get(&id) {
            return Ok(units.clone());
        }
        let mut units = self.backend.relation_list(id)?;
        crate::sort::sort(&mut units);
        self.remote_units.insert(id, units.clone());
        Ok(units)
    }

    /// The remote application of a relation. In a relation hook for that relation it comes from
    /// `JUJU_REMOTE_APP` without a tool call.
    pub fn remote_app(&mut self, id: RelationId) -> Result<Option<String>, HookToolError> {
        if let Some(app) = self.remote_apps.get(&id) {
            return Ok(app.clone());
        }
        let app = if self.ctx.relation_id == Some(id) && self.ctx.remote_app.is_some() {
            self.ctx.remote_app.clone()
        } else if let Some(app) = self.known_remote_app(id) {
            Some(app)
        } else {
            self.backend.relation_remote_app(id)?
        };
        self.remote_apps.insert(id, app.clone());
        Ok(app)
    }

    /// A bag as it is now, including this hook's buffered writes.
    pub fn bag(&mut self, id: RelationId, owner: &BagOwner) -> Result<Bag, HookToolError> {
        let key = (id, owner.clone());
        if !self.bags.contains_key(&key) {
            let bag = self.backend.relation_get(id, owner)?;
            self.bags.insert(key.clone(), bag);
        }
        let mut bag = self.bags.get(&key).cloned().unwrap_or_default();
        if let Some(scope) = self.local_scope(owner) {
            if let Some(pending) = self.pending.get(&(id, scope)) {
                for (k, v) in pending {
                    if v.is_empty() {
                        bag.shift_remove(k);
                    } else {
                        bag.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        Ok(bag)
    }

    /// Our application bag in relation `id`. A non-leader may read it only in a peer relation
    /// (`peer = true`); otherwise the read is refused without calling a tool.
    pub fn local_app_bag(&mut self, id: RelationId, peer: bool) -> Result<Bag, HookToolError> {
        if !peer && !self.is_leader()? {
            return Err(HookToolError::NotLeader {
                tool: "relation-get".into(),
                message: format!(
                    "{} is not leader and cannot read its own application databag",
                    self.ctx.unit_name
                ),
            });
        }
        let owner = BagOwner::App(self.ctx.app_name.clone());
        self.bag(id, &owner)
    }

    /// This unit's bag in relation `id`.
    pub fn local_unit_bag(&mut self, id: RelationId) -> Result<Bag, HookToolError> {
        let owner = BagOwner::Unit(self.ctx.unit_name.clone());
        self.bag(id, &owner)
    }

    /// The remote application's bag in relation `id` (empty when the remote app is unknown).
    pub fn remote_app_bag(&mut self, id: RelationId) -> Result<Bag, HookToolError> {
        match self.remote_app(id)? {
            Some(app) => self.bag(id, &BagOwner::App(app)),
            None => Ok(Bag::new()),
        }
    }

    /// A remote unit's bag.
    pub fn remote_unit_bag(&mut self, id: RelationId, unit: &str) -> Result<Bag, HookToolError> {
        self.bag(id, &BagOwner::Unit(unit.to_owned()))
    }

    /// Buffers writes to our bag (`""` deletes a key). Application writes need leadership and
    /// are refused (before any tool call) for a non-leader.
    pub fn update_bag(
        &mut self,
        id: RelationId,
        scope: Scope,
        values: impl IntoIterator<Item = (String, String)>,
    ) -> Result<(), HookToolError> {
        if scope == Scope::App && !self.is_leader()? {
            return Err(HookToolError::NotLeader {
                tool: "relation-set".into(),
                message: "cannot write relation settings".into(),
            });
        }
        let pending = self.pending.entry((id, scope)).or_default();
        for (key, value) in values {
            pending.insert(key, value);
        }
        Ok(())
    }

    /// Writes the buffered relation data: one `relation-set` per changed bag, leaving out keys
    /// whose value is already what the bag holds.
    pub fn flush(&mut self) -> Result<(), HookToolError> {
        let pending = std::mem::take(&mut self.pending);
        for ((id, scope), values) in pending {
            let owner = match scope {
                Scope::App => BagOwner::App(self.ctx.app_name.clone()),
                Scope::Unit => BagOwner::Unit(self.ctx.unit_name.clone()),
            };
            let known = self.bags.get(&(id, owner.clone()));
            let changes: Bag = values
                .into_iter()
                .filter(|(k, v)| match known {
                    Some(bag) => bag.get(k).map(String::as_str).unwrap_or("") != v.as_str(),
                    None => true,
                })
                .collect();
            if changes.is_empty() {
                continue;
            }
            self.backend.relation_set(id, scope, &changes)?;
            // Keep a bag read earlier current; a bag never read stays unread (caching only the
            // written keys would hide the rest of it from a later read).
            if let Some(bag) = self.bags.get_mut(&(id, owner)) {
                for (k, v) in changes {
                    if v.is_empty() {
                        bag.shift_remove(&k);
                    } else {
                        bag.insert(k, v);
                    }
                }
            }
        }
        Ok(())
    }

    /// Drops buffered relation writes (the hook is failing; Juju would discard them).
    pub fn discard_pending(&mut self) {
        self.pending.clear();
    }

    /// Sets the unit status, and the application status too when this unit leads. The message
    /// is escaped and capped ([`crate::untrusted::status_message`]) so `status-set` accepts it.
    pub fn set_status(&mut self, status: &Status) -> Result<(), HookToolError> {
        let safe = Status {
            name: status.name,
            message: crate::untrusted::status_message(&status.message),
        };
        let status = &safe;
        self.backend.status_set(Scope::Unit, status)?;
        if self.is_leader()? {
            self.backend.status_set(Scope::App, status)?;
        }
        Ok(())
    }

    /// Reads a secret (cached per query). An id that is not a Juju secret URI
    /// ([`super::secret_uri::is_valid`]) is refused as not found, without running a tool.
    pub fn secret(&mut self, query: &SecretQuery) -> Result<Bag, HookToolError> {
        if let Some(id) = query.id.as_deref() {
            if !super::secret_uri::is_valid(id) {
                return Err(HookToolError::SecretNotFound {
                    tool: "secret-get".into(),
                    message: format!(
                        "{} is not a valid Juju secret URI",
                        crate::untrusted::quoted(id)
                    ),
                });
            }
        }
        if let Some(content) = self.secrets.get(query) {
            return Ok(content.clone());
        }
        let content = self.backend.secret_get(query)?;
        self.secrets.insert(query.clone(), content.clone());
        Ok(content)
    }

    /// The unit's opened ports (`opened-ports`, once; follows [`Juju::set_ports`]).
    pub fn opened_ports(&mut self) -> Result<Vec<Port>, HookToolError> {
        if let Some(ports) = &self.opened_ports {
            return Ok(ports.clone());
        }
        let ports = self.backend.opened_ports()?;
        self.opened_ports = Some(ports.clone());
        Ok(ports)
    }

    /// Makes `ports` exactly the unit's opened ports.
    pub fn set_ports(&mut self, ports: &[Port]) -> Result<(), HookToolError> {
        self.set_ports_confirming(ports).map(drop)
    }

    /// [`Juju::set_ports`], telling whether Juju already reported exactly `ports` (nothing
    /// had to change): the ports are then committed ones, not this hook's pending changes.
    pub fn set_ports_confirming(&mut self, ports: &[Port]) -> Result<bool, HookToolError> {
        let current = match self.opened_ports.take() {
            Some(current) => current,
            None => self.backend.opened_ports()?,
        };
        let confirmed = current.len() == ports.len() && ports.iter().all(|p| current.contains(p));
        for port in current.iter().filter(|p| !ports.contains(p)) {
            self.backend.close_port(port)?;
        }
        for port in ports.iter().filter(|p| !current.contains(p)) {
            self.backend.open_port(port)?;
        }
        self.opened_ports = Some(ports.to_vec());
        Ok(confirmed)
    }

    /// The running action's parameters.
    pub fn action_params(&mut self) -> Result<ConfigValues, HookToolError> {
        self.backend.action_get()
    }

    /// Sets the running action's results.
    pub fn action_set(&mut self, results: &Bag) -> Result<(), HookToolError> {
        self.backend.action_set(results)
    }

    /// Fails the running action with a message (not a hook failure).
    pub fn action_fail(&mut self, message: &str) -> Result<(), HookToolError> {
        self.backend.action_fail(message)
    }

    /// Logs to the unit's Juju log. Keep it to what an operator needs. The line is made safe
    /// first ([`crate::untrusted::log_line`]: credentials masked, escaped, capped).
    pub fn log(&mut self, level: LogLevel, message: &str) {
        // A log line that cannot be written must not fail the hook.
        let _ = self
            .backend
            .juju_log(level, &crate::untrusted::log_line(message));
    }

    /// The unit's ingress address on `binding`.
    pub fn ingress_address(&mut self, binding: &str) -> Result<Option<String>, HookToolError> {
        self.backend.ingress_address(binding)
    }

    fn is_event_endpoint(&self, endpoint: &str) -> bool {
        matches!(&self.ctx.event, Event::Relation { endpoint: e, .. } if e == endpoint)
    }

    /// `goal-state`'s relations, asked once; a backend that cannot tell (or fails) answers
    /// `None` and every endpoint falls back to `relation-ids`.
    fn goal_relations(&mut self) -> Option<&GoalRelations> {
        if self.goal.is_none() {
            let mut goal = self.backend.goal_relations().ok().flatten();
            if let Some(goal) = &mut goal {
                for (ours, theirs) in &self.renamed {
                    if let Some(names) = goal.remove(theirs) {
                        goal.insert(ours.clone(), names);
                    }
                }
            }
            self.goal = Some(goal);
        }
        self.goal.as_ref().and_then(Option::as_ref)
    }

    /// The remote application of a relation when it is known without a tool call: our own
    /// for a peer endpoint; for an endpoint with a single relation, the single application
    /// `goal-state` lists under it.
    fn known_remote_app(&self, id: RelationId) -> Option<String> {
        let endpoint = self.endpoints.get(&id)?;
        if self.peer_endpoints.contains(endpoint) {
            return Some(self.ctx.app_name.clone());
        }
        if self.relation_ids.get(endpoint)?.len() != 1 {
            return None;
        }
        let goal = self.goal.as_ref()?.as_ref()?;
        let mut apps = goal
            .get(endpoint)?
            .iter()
            .filter(|name| !name.contains('/'));
        let app = apps.next()?;
        apps.next().is_none().then(|| app.clone())
    }

    fn local_scope(&self, owner: &BagOwner) -> Option<Scope> {
        match owner {
            BagOwner::App(app) if *app == self.ctx.app_name => Some(Scope::App),
            BagOwner::Unit(unit) if *unit == self.ctx.unit_name => Some(Scope::Unit),
            _ => None,
        }
    }
}
