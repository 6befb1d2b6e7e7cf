//! A small world for the integration unit tests: a Juju over `MemoryBackend`, a `MemoryPebble`
//! and the facts a `Cx` needs.

use std::collections::BTreeMap;

use serde_json::Value;

use super::{Cx, WorkloadFacts};
use crate::framework::FrameworkKind;
use crate::juju::{Bag, CharmMeta, HookContext, Juju};
use crate::paas_config::PaasConfig;
use crate::testing::{MemoryBackend, MemoryPebble, MemoryRelation};

pub(crate) const MODEL_UUID: &str = "00000000-0000-4000-8000-000000000000";

pub(crate) struct World {
    pub juju: Juju,
    pub pebble: MemoryPebble,
    pub meta: CharmMeta,
    pub paas: PaasConfig,
    pub workload: WorkloadFacts,
    pub kind: FrameworkKind,
}

impl World {
    pub fn cx(&mut self) -> Cx<'_> {
        Cx {
            juju: &mut self.juju,
            meta: &self.meta,
            framework: self.kind.info(),
            pebble: &mut self.pebble,
            paas_config: &self.paas,
            workload: &self.workload,
        }
    }
}

pub(crate) fn bag(pairs: &[(&str, &str)]) -> Bag {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

pub(crate) fn relation(
    id: u32,
    endpoint: &str,
    interface: &str,
    remote_app: &str,
    remote_app_data: Bag,
    unit_bag: Bag,
) -> MemoryRelation {
    MemoryRelation {
        id,
        endpoint: endpoint.into(),
        interface: interface.into(),
        remote_app: remote_app.into(),
        remote_app_data,
        remote_units: [(format!("{remote_app}/0"), unit_bag)]
            .into_iter()
            .collect(),
        ..MemoryRelation::default()
    }
}

/// `hook` is the hook name (`flask-app-pebble-ready`); `relation` the event's relation id.
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
    charm_dir: &std::path::Path,
) -> World {
    let unit = format!("{app}/0");
    let mut vars: BTreeMap<String, String> = [
        ("JUJU_DISPATCH_PATH", format!("hooks/{hook}")),
        ("JUJU_UNIT_NAME", unit.clone()),
        ("JUJU_VERSION", "3.6.14".to_owned()),
        ("JUJU_MODEL_NAME", "test-model".to_owned()),
        ("JUJU_MODEL_UUID", MODEL_UUID.to_owned()),
        ("JUJU_CHARM_DIR", charm_dir.display().to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    if let Some((id, remote)) = relation {
        vars.insert("JUJU_RELATION_ID".into(), format!("x:{id}"));
        vars.insert("JUJU_REMOTE_APP".into(), remote.into());
        vars.insert("JUJU_REMOTE_UNIT".into(), format!("{remote}/0"));
    }
    let ctx = HookContext::from_vars(&vars).expect("context");
    let mut backend = MemoryBackend::new(&unit);
    backend.leader = leader;
    backend.relations = relations;
    backend.config = crate::testing::juju::config_values(config);
    World {
        juju: Juju::new(Box::new(backend), ctx),
        pebble: MemoryPebble {
            can_connect: true,
            ..MemoryPebble::default()
        },
        meta: CharmMeta::from_charmcraft_yaml(metadata_yaml).expect("metadata"),
        paas: PaasConfig::from_value(&paas).expect("paas-config"),
        workload: WorkloadFacts {
            app_port: 8000,
            metrics_port: Some(9102),
            metrics_path: Some("/metrics".into()),
        },
        kind,
    }
}

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
