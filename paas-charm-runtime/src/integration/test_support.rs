//! The one unit-test world for integrations: a hook context, a Juju over `MemoryBackend`, a
//! `MemoryPebble` and the facts a [`Cx`] needs, plus builders for bags, relations and secrets.
//!
//! Two ways in: [`World::new`] from a [`Hook`], a [`CharmMeta`] and a prepared backend (the data
//! integrations' tests), or [`world`] from charmcraft YAML, config and paas-config values (the
//! other integrations' tests). Both end in the same [`World`].

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::env::Env;
use crate::framework::{FrameworkInfo, FrameworkKind};
use crate::integration::{Cx, Integration, Trigger, WorkloadFacts};
use crate::juju::{Bag, CharmMeta, HookContext, Juju, RelationMeta, SecretQuery};
use crate::paas_config::PaasConfig;
use crate::testing::juju::{MemoryBackend, MemoryRelation, MemorySecret};
use crate::testing::pebble::MemoryPebble;

/// The model UUID every test hook runs in.
pub(crate) const MODEL_UUID: &str = "00000000-0000-4000-8000-000000000000";

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
    /// `JUJU_CHARM_DIR`.
    pub charm_dir: PathBuf,
}

impl Hook {
    /// A non-relation hook.
    pub fn plain(unit: &str, hook: &str) -> Self {
        Self {
            unit: unit.into(),
            hook: hook.into(),
            relation_id: None,
            remote_app: None,
            remote_unit: None,
            charm_dir: PathBuf::from("/charm"),
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
            relation_id: Some(id),
            remote_app: Some(remote_app.into()),
            remote_unit: remote_unit.map(Into::into),
            ..Self::plain(unit, hook)
        }
    }

    fn context(&self) -> HookContext {
        let mut vars = BTreeMap::new();
        vars.insert("JUJU_DISPATCH_PATH".into(), format!("hooks/{}", self.hook));
        vars.insert("JUJU_UNIT_NAME".into(), self.unit.clone());
        vars.insert("JUJU_VERSION".into(), "3.6.14".into());
        vars.insert("JUJU_MODEL_NAME".into(), "test-model".into());
        vars.insert("JUJU_MODEL_UUID".into(), MODEL_UUID.into());
        vars.insert(
            "JUJU_CHARM_DIR".into(),
            self.charm_dir.display().to_string(),
        );
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

/// A relation of the model under test; our unit bag holds the keys Juju always sets.
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

/// A relation with one remote unit (`<remote_app>/0` holding `unit_bag`) and an empty bag of ours.
pub fn relation_with_unit(
    id: u32,
    endpoint: &str,
    interface: &str,
    remote_app: &str,
    remote_app_data: Bag,
    unit_bag: Bag,
) -> MemoryRelation {
    let unit = format!("{remote_app}/0");
    MemoryRelation {
        local_unit_data: Bag::new(),
        ..relation(
            id,
            endpoint,
            interface,
            remote_app,
            remote_app_data,
            &[(&unit, unit_bag)],
        )
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
            framework: crate::framework::facts(self.framework.kind),
            container: &mut self.pebble,
            paas_config: &self.paas_config,
            workload: &self.workload,
        }
    }

    /// Runs the integration as the runtime does: handle_event, then load and env. Flushes
    /// relation writes.
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
                crate::framework::integration_env(self.framework, integration, &mut env);
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

/// A world where `unit` (leader or not) runs `hook` of the one relation `rel`, whose endpoint
/// is the only `requires` endpoint of the metadata (declared `optional`); `remote_unit` is the
/// hook's remote unit.
pub fn relation_world(
    kind: FrameworkKind,
    unit: &str,
    leader: bool,
    rel: MemoryRelation,
    optional: Option<bool>,
    hook: &str,
    remote_unit: Option<&str>,
) -> World {
    let app = unit.split('/').next().unwrap_or(unit);
    let hook = Hook::relation(unit, hook, rel.id, &rel.remote_app, remote_unit);
    let m = meta(app, &[(&rel.endpoint, &rel.interface, optional)]);
    let mut backend = MemoryBackend::new(unit);
    backend.leader = leader;
    backend.relations.push(rel);
    World::new(kind, m, backend, &hook)
}

/// A world from charmcraft YAML: unit `<app>/0` runs `hook` (the hook name,
/// `flask-app-pebble-ready`), `relation` is the event's relation (id, remote app), Pebble is
/// reachable and the workload serves on 8000 with metrics on 9102 `/metrics`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn world(
    kind: FrameworkKind,
    metadata_yaml: &str,
    app: &str,
    hook: &str,
    relation: Option<(u32, &str)>,
    leader: bool,
    relations: Vec<MemoryRelation>,
    config: Value,
    paas: Value,
    charm_dir: &Path,
) -> World {
    let unit = format!("{app}/0");
    let mut hook = match relation {
        Some((id, remote)) => Hook::relation(&unit, hook, id, remote, Some(&format!("{remote}/0"))),
        None => Hook::plain(&unit, hook),
    };
    hook.charm_dir = charm_dir.to_path_buf();
    let mut backend = MemoryBackend::new(&unit);
    backend.leader = leader;
    backend.relations = relations;
    backend.config = crate::testing::juju::config_values(config);
    let meta = CharmMeta::from_charmcraft_yaml(metadata_yaml).expect("metadata");
    let mut world = World::new(kind, meta, backend, &hook);
    world.pebble.can_connect = true;
    world.paas_config = PaasConfig::from_value(&paas).expect("paas-config");
    world.workload = WorkloadFacts {
        app_port: 8000,
        metrics_port: Some(9102),
        metrics_path: Some("/metrics".into()),
    };
    world
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

/// Charmcraft metadata of a Flask charm with the observability, ingress and OAuth endpoints.
pub(crate) const FLASK_META: &str = r#"
name: flask-k8s
containers:
  flask-app:
    resource: flask-app-image
peers:
  secret-storage:
    interface: secret-storage
requires:
  ingress:
    interface: ingress
    limit: 1
  logging:
    interface: loki_push_api
  oidc:
    interface: oauth
    optional: true
    limit: 1
provides:
  grafana-dashboard:
    interface: grafana_dashboard
  metrics-endpoint:
    interface: prometheus_scrape
config:
  options:
    oidc-redirect-path:
      type: string
      default: /callback
    oidc-scopes:
      type: string
      default: openid profile email
"#;
