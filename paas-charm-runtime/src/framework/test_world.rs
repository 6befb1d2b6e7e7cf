//! Test support for the framework modules: a resolved scenario (FORMAT.md §1) built in code
//! from a charm's `charmcraft.yaml`, run through `simulate`'s world with the always-on, the
//! database and the OAuth integrations, so a framework's env, layer and statuses are checked end to end.

use serde_json::{json, Value};

use crate::simulator::{Scenario, World};
use crate::testing::DynamicSet;

/// A scenario under construction (leader unit 0 of `<charm name>`, peer key `test`).
pub(crate) struct ScenarioBuilder {
    value: Value,
}

impl ScenarioBuilder {
    /// A config-changed scenario for `framework` with the metadata of `charmcraft_yaml`.
    pub fn new(framework: &str, charmcraft_yaml: &str) -> Self {
        let metadata = crate::yaml::to_json_value(charmcraft_yaml).expect("charmcraft.yaml");
        let app = metadata["name"].as_str().expect("name").to_owned();
        let key_field = crate::framework::FrameworkKind::from_name(framework)
            .expect("framework")
            .info()
            .secret_key_field;
        let value = json!({
            "format": "paas-scenario/v1",
            "name": format!("{framework}-unit-test"),
            "description": "",
            "framework": framework,
            "metadata": metadata,
            "base_layer": {"services": {}},
            "paas_config": null,
            "app_name": app,
            "model_name": "test-model",
            "model_uuid": "00000000-0000-4000-8000-000000000000",
            "unit_id": 0,
            "leader": true,
            "juju_version": "3.6.14",
            "fqdn": format!("{app}-0.{app}-endpoints.test-model.svc.cluster.local"),
            "proxy_env": {},
            "initial_status": {"unit": {"name": "unknown", "message": ""},
                               "app": {"name": "unknown", "message": ""}},
            "can_connect": true,
            "peer": {"id": 1, "local_app_data": {key_field: "test"}, "local_unit_data": {},
                     "peers_data": {}},
            "config": {},
            "relations": [],
            "secrets": [],
            "app_dir_files": {},
            "container_files": {},
            "execs": [],
            "service_statuses": {},
            "event": "config-changed",
            "event_args": {}
        });
        Self { value }
    }

    /// The rock's services.
    pub fn rock(mut self, services: Value) -> Self {
        self.value["base_layer"] = json!({ "services": services });
        self
    }

    /// Declares one more config option in the metadata (`type` as in charmcraft.yaml).
    pub fn option(mut self, name: &str, kind: &str) -> Self {
        self.value["metadata"]["config"]["options"][name] = json!({ "type": kind });
        self
    }

    /// Operator-set config values.
    pub fn config(mut self, config: Value) -> Self {
        self.value["config"] = config;
        self
    }

    /// The event (peer relation events get the peer's relation id).
    pub fn event(mut self, event: &str) -> Self {
        self.value["event"] = json!(event);
        if event.starts_with("secret-storage-relation-") {
            self.value["event_args"] = json!({"relation_id": 1});
        }
        self
    }

    /// Adds a non-peer relation (FORMAT.md §1.8).
    pub fn relation(mut self, relation: Value) -> Self {
        if let Some(list) = self.value["relations"].as_array_mut() {
            list.push(relation);
        }
        self
    }

    /// Arbitrary top-level keys (`event_args`, `app_dir_files`, `secrets`, ...).
    pub fn set(mut self, key: &str, value: Value) -> Self {
        self.value[key] = value;
        self
    }
}

impl ScenarioBuilder {
    /// The simulator's world for this scenario, to run with integrations of a test's choice.
    pub fn into_world(self) -> World {
        let scenario: Scenario = serde_json::from_value(self.value).expect("scenario");
        World::new(scenario).expect("world")
    }
}

/// Runs the scenario and returns the output JSON (FORMAT.md §3).
pub(crate) fn run(builder: ScenarioBuilder) -> Value {
    let world = builder.into_world();
    let mut integrations = DynamicSet::new()
        .with_named(&["postgresql", "mysql", "mongodb", "oauth"], &world.meta)
        .with_always_on(&world.meta);
    world.run(&mut integrations)
}

/// The environment of `service` in the final plan.
pub(crate) fn env_of(out: &Value, service: &str) -> Value {
    out["pebble"]["plan"]["services"][service]["environment"].clone()
}

/// The `charm` layer as YAML.
pub(crate) fn charm_layer_yaml(out: &Value) -> String {
    crate::yaml::to_string(&out["pebble"]["layers"]["charm"]).expect("yaml")
}
