//! Unit-test scaffolding for integrations: a hook context, an in-memory model and a [`Cx`].

use std::collections::BTreeMap;

use crate::env::Env;
use crate::framework::{FrameworkInfo, FrameworkKind};
use crate::integration::{Cx, Integration, Trigger, WorkloadFacts};
use crate::juju::{Bag, CharmMeta, HookContext, Juju, RelationMeta, SecretQuery};
use crate::paas_config::PaasConfig;
use crate::testing::juju::{MemoryBackend, MemoryRelation, MemorySecret};
use crate::testing::pebble::MemoryPebble;

/// Builds a bag from pairs.
pub fn bag(pairs: &[(&str, &str)]) -> Bag {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// The hook a test runs.
pub struct Hook {
    /// Unit name, e.g. `flask-k8s/0`.
    pub unit: String,
    /// Hook name, e.g. `postgresql-relation-created`.
    pub hook: String,
    /// `JUJU_RELATION_ID` number.
    pub relation_id: Option<u32>,
    /// Remote app.
    pub remote_app: Option<String>,
    /// Remote unit.
    pub remote_unit: Option<String>,
}

impl Hook {
    /// A non-relation hook.
    #[allow(dead_code)]
    pub fn plain(unit: &str, hook: &str) -> Self {
        Self {
            unit: unit.into(),
            hook: hook.into(),
            relation_id: None,
            remote_app: None,
            remote_unit: None,
        }
    }

    /// A relation hook.
    pub fn relation(
        unit: &str,
        hook: &str,
        id: u32,
        remote_app: &str,
        remote_unit: Option<&str>,
    ) -> Self {
        Self {
            unit: unit.into(),
            hook: hook.into(),
            relation_id: Some(id),
            remote_app: Some(remote_app.into()),
            remote_unit: remote_unit.map(Into::into),
        }
    }

    fn context(&self) -> HookContext {
        let mut vars = BTreeMap::new();
        vars.insert("JUJU_DISPATCH_PATH".into(), format!("hooks/{}", self.hook));
        vars.insert("JUJU_UNIT_NAME".into(), self.unit.clone());
        vars.insert("JUJU_VERSION".into(), "3.6.14".into());
        vars.insert("JUJU_MODEL_NAME".into(), "test-model".into());
        vars.insert("JUJU_CHARM_DIR".into(), "/charm".into());
        if let Some(id) = self.relation_id {
            let endpoint = self.hook.split("-relation-").next().unwrap_or("");
            vars.insert("JUJU_RELATION_ID".into(), format!("{endpoint}:{id}"));
        }
        if let Some(app) = &self.remote_app {
            vars.insert("JUJU_REMOTE_APP".into(), app.clone());
        }
        if let Some(unit) = &self.remote_unit {
            vars.insert("JUJU_REMOTE_UNIT".into(), unit.clone());
        }
        HookContext::from_vars(&vars).expect("valid hook context")
    }
}

/// A relation of the model under test.
pub fn relation(
    id: u32,
    endpoint: &str,
    interface: &str,
    remote_app: &str,
    remote_app_data: Bag,
    remote_units: &[(&str, Bag)],
) -> MemoryRelation {
    MemoryRelation {
        id,
        endpoint: endpoint.into(),
        interface: interface.into(),
        remote_app: remote_app.into(),
        remote_app_data,
        remote_units: remote_units
            .iter()
            .map(|(u, b)| ((*u).to_owned(), b.clone()))
            .collect(),
        local_unit_data: bag(&[
            ("egress-subnets", "192.0.2.0"),
            ("ingress-address", "192.0.2.0"),
            ("private-address", "192.0.2.0"),
        ]),
        ..MemoryRelation::default()
    }
}

/// A secret granted to us by another application.
pub fn granted_secret(id: &str, content: Bag) -> MemorySecret {
    MemorySecret {
        id: id.into(),
        owner: None,
        label: None,
        tracked_content: content.clone(),
        latest_content: content,
    }
}

/// Metadata with the given `requires` endpoints: (name, interface, optional).
pub fn meta(name: &str, requires: &[(&str, &str, Option<bool>)]) -> CharmMeta {
    CharmMeta {
        name: name.into(),
        requires: requires
            .iter()
            .map(|(n, i, o)| {
                (
                    (*n).to_owned(),
                    RelationMeta {
                        interface: (*i).to_owned(),
                        optional: *o,
                        limit: Some(1),
                    },
                )
            })
            .collect(),
        ..CharmMeta::default()
    }
}

/// Everything a [`Cx`] borrows.
pub struct World {
    /// The hook tools over the in-memory model.
    pub juju: Juju,
    /// Metadata.
    pub meta: CharmMeta,
    /// Framework.
    pub framework: &'static FrameworkInfo,
    /// Pebble.
    pub pebble: MemoryPebble,
    /// paas-config.
    pub paas_config: PaasConfig,
    /// Workload facts.
    pub workload: WorkloadFacts,
}

impl World {
    /// A world for `hook` over `backend`.
    pub fn new(
        kind: FrameworkKind,
        meta: CharmMeta,
        mut backend: MemoryBackend,
        hook: &Hook,
    ) -> Self {
        let ctx = hook.context();
        backend.app_name = ctx.app_name.clone();
        backend.unit_name = ctx.unit_name.clone();
        Self {
            juju: Juju::new(Box::new(backend), ctx),
            meta,
            framework: kind.info(),
            pebble: MemoryPebble::default(),
            paas_config: PaasConfig::default(),
            workload: WorkloadFacts::default(),
        }
    }

    /// The borrowing context.
    pub fn cx(&mut self) -> Cx<'_> {
        Cx {
            juju: &mut self.juju,
            meta: &self.meta,
            framework: self.framework,
            pebble: &mut self.pebble,
            paas_config: &self.paas_config,
            workload: &self.workload,
        }
    }

    /// Runs the integration as the runtime does: handle_event, then (when a reconcile follows,
    /// or always with `always_load`) load and env. Flushes relation writes.
    pub fn run(
        &mut self,
        integration: &mut dyn Integration,
    ) -> (Vec<Trigger>, Result<Env, String>) {
        let triggers = integration
            .handle_event(&mut self.cx())
            .expect("handle_event");
        let result = integration
            .load(&mut self.cx())
            .map(|()| {
                let mut env = Env::new();
                integration.env(self.framework, &mut env);
                env
            })
            .map_err(|e| e.to_string());
        self.juju.flush().expect("flush");
        (triggers, result)
    }

    /// Our unit bag in relation `id`, after the hook.
    pub fn unit_bag(&mut self, id: u32) -> Bag {
        self.juju.local_unit_bag(id).expect("unit bag")
    }

    /// Our app bag in relation `id`, after the hook (leader only).
    pub fn app_bag(&mut self, id: u32) -> Bag {
        self.juju.local_app_bag(id, false).expect("app bag")
    }

    /// The secret known under `label` (to check the label was attached).
    pub fn secret_by_label(&mut self, label: &str) -> Option<Bag> {
        self.juju
            .secret(&SecretQuery {
                id: None,
                label: Some(label.into()),
                refresh: false,
                peek: false,
            })
            .ok()
    }
}

/// The env as sorted (name, text) pairs.
pub fn env_pairs(env: &Env) -> Vec<(String, String)> {
    env.to_strings().into_iter().collect()
}

/// Sorted (name, value) pairs from a literal.
pub fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = items
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    out.sort();
    out
}
