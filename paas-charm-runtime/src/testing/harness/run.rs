//! Running one event: the hook context from the harness state, the charm's own hook path
//! (`dispatch::run_charm`) over the in-memory model and Pebble, the [`Outcome`].

use std::collections::BTreeMap;

use super::event::Kind;
use super::{Event, Harness, Outcome, PEER_ID};
use crate::charm::Charm;
use crate::juju::{HookContext, Juju};
use crate::paas_config::PaasConfig;
use crate::testing::juju::{MemoryAction, MemoryBackend, MemoryRelation, SharedBackend};

impl<C: Charm> Harness<C> {
    /// Runs `event` in this state, in-process, through the charm's own hook path, and returns
    /// the state after it. The harness is left as it was, so one state can run several events.
    pub fn run(&self, event: Event) -> Outcome {
        let unit_name = format!("{}/{}", self.app_name, self.unit);
        let mut backend = MemoryBackend::new(&unit_name);
        backend.leader = self.leader;
        backend.config = self.config.clone();
        backend.unit_status = self.unit_status.clone();
        backend.app_status = self.app_status.clone();
        backend.secrets = self.secrets.clone();
        backend.failing_tools = self.failing_tools.clone();
        let mut before: Vec<(String, MemoryRelation)> = Vec::new();
        if let Some(peer) = &self.peer {
            let interface = self.meta.peers["secret-storage"].interface.clone();
            before.push((
                "secret-storage".into(),
                MemoryRelation {
                    id: PEER_ID,
                    endpoint: "secret-storage".into(),
                    interface,
                    remote_app: self.app_name.clone(),
                    peer: true,
                    remote_app_data: peer.app.clone(),
                    remote_units: peer
                        .units
                        .iter()
                        .map(|(n, bag)| (format!("{}/{n}", self.app_name), bag.clone()))
                        .collect(),
                    local_app_data: peer.app.clone(),
                    local_unit_data: peer.unit.clone(),
                    hidden: false,
                },
            ));
        }
        before.extend(
            self.relations
                .iter()
                .map(|a| (a.target.clone(), a.relation.clone())),
        );
        let vars = self.context_vars(&event, &unit_name, &before);
        if let Kind::Relation {
            suffix: "broken", ..
        } = &event.kind
        {
            if let Some(id) = vars
                .get("JUJU_RELATION_ID")
                .and_then(|v| v.rsplit(':').next())
                .and_then(|v| v.parse::<u32>().ok())
            {
                for (_, relation) in before.iter_mut().filter(|(_, r)| r.id == id) {
                    relation.hidden = true;
                }
            }
        }
        backend.relations = before.iter().map(|(_, r)| r.clone()).collect();
        if let Kind::Action(name) = &event.kind {
            if !self.meta.actions.contains_key(name) {
                let known: Vec<&str> = self.meta.actions.keys().map(String::as_str).collect();
                panic!(
                    "action `{name}` is not declared in {}'s charmcraft.yaml; it declares: {}",
                    self.app_name,
                    known.join(", ")
                );
            }
            backend.action = Some(MemoryAction {
                params: event.params.clone(),
                ..MemoryAction::default()
            });
        }
        let ctx = HookContext::from_vars(&vars)
            .unwrap_or_else(|e| panic!("the harness built an invalid hook context: {e}"));
        let shared = SharedBackend::new(backend);
        let mut pebble = self.pebble.clone();
        let files_before = pebble.files.clone();
        let paas_config = match &self.paas_config {
            Some(text) => PaasConfig::parse(text),
            None => Ok(PaasConfig::default()),
        };
        let mut juju = Juju::new(Box::new(shared.clone()), ctx);
        let event = juju.event().clone();
        let result =
            crate::dispatch::run_charm::<C>(&mut juju, &mut pebble, &self.meta, paas_config);
        // As under Juju: a failed hook has logged its error at ERROR (run_hook_with does) and
        // exits non-zero with this message.
        let error = result
            .err()
            .map(|err| crate::dispatch::failure_message(&event, &err));
        drop(juju);
        Outcome {
            backend: shared.snapshot(),
            pebble,
            framework: self.framework,
            error,
            before,
            files_before,
        }
    }

    /// The `JUJU_*` variables of the hook.
    pub(super) fn context_vars(
        &self,
        event: &Event,
        unit_name: &str,
        relations: &[(String, MemoryRelation)],
    ) -> BTreeMap<String, String> {
        let mut vars = self.env_vars.clone();
        let container = self
            .meta
            .container()
            .unwrap_or(self.framework.container)
            .to_owned();
        let dispatch = match &event.kind {
            Kind::Hook(name) => format!("hooks/{name}"),
            Kind::Workload(suffix) => {
                vars.insert("JUJU_WORKLOAD_NAME".into(), container.clone());
                format!("hooks/{container}-{suffix}")
            }
            Kind::Relation { target, suffix } => {
                let relation = if target == "secret-storage" {
                    relations
                        .iter()
                        .find(|(_, r)| r.peer)
                        .map(|(_, r)| r)
                        .unwrap_or_else(|| {
                            panic!("the harness has no secret-storage peer relation")
                        })
                } else {
                    &self.find_relation(target, event.relation_id).relation
                };
                let endpoint = &relation.endpoint;
                vars.insert("JUJU_RELATION".into(), endpoint.clone());
                vars.insert(
                    "JUJU_RELATION_ID".into(),
                    format!("{endpoint}:{}", relation.id),
                );
                vars.insert("JUJU_REMOTE_APP".into(), relation.remote_app.clone());
                if let Some(unit) = event.remote_unit {
                    vars.insert(
                        "JUJU_REMOTE_UNIT".into(),
                        format!("{}/{unit}", relation.remote_app),
                    );
                }
                if let Some(unit) = event.departing_unit {
                    vars.insert(
                        "JUJU_DEPARTING_UNIT".into(),
                        format!("{}/{unit}", relation.remote_app),
                    );
                }
                format!("hooks/{endpoint}-relation-{suffix}")
            }
            Kind::Secret { id, suffix } => {
                let secret = self
                    .secrets
                    .iter()
                    .find(|s| s.id == *id)
                    .unwrap_or_else(|| {
                        panic!("the test added no secret `{id}`: add it with .secret(...)")
                    });
                vars.insert("JUJU_SECRET_ID".into(), secret.id.clone());
                if let Some(label) = &secret.label {
                    vars.insert("JUJU_SECRET_LABEL".into(), label.clone());
                }
                if let Some(revision) = event.revision {
                    vars.insert("JUJU_SECRET_REVISION".into(), revision.to_string());
                }
                format!("hooks/secret-{suffix}")
            }
            Kind::Storage { name, suffix } => format!("hooks/{name}-storage-{suffix}"),
            Kind::Action(name) => format!("actions/{name}"),
        };
        vars.insert("JUJU_DISPATCH_PATH".into(), dispatch);
        vars.insert("JUJU_UNIT_NAME".into(), unit_name.to_owned());
        vars.insert("JUJU_MODEL_NAME".into(), self.model_name.clone());
        vars.insert(
            "JUJU_MODEL_UUID".into(),
            "00000000-0000-4000-8000-000000000000".into(),
        );
        vars.insert("JUJU_VERSION".into(), self.juju_version.clone());
        vars.insert(
            "JUJU_CHARM_DIR".into(),
            format!(
                "/var/lib/juju/agents/unit-{}-{}/charm",
                self.app_name, self.unit
            ),
        );
        vars.insert(
            "PAAS_CHARM_FQDN".into(),
            crate::secret_storage::unit_fqdn(&self.app_name, unit_name, &self.model_name),
        );
        vars
    }
}
