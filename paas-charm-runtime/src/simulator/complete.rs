//! A scenario written by a charm author may leave out what the charm binary knows itself:
//! its metadata (the embedded charmcraft.yaml), its framework, the rock's Pebble layer and
//! the rest of FORMAT.md §1's keys. The corpus scenarios carry every key, so nothing is
//! added to them; only their framework is checked against the binary's.

use serde_json::{json, Map, Value};

use super::ScenarioError;
use crate::framework::FrameworkKind;
use crate::yaml;

/// What a charm binary knows about itself (from [`crate::Charm`]).
#[derive(Debug, Clone, Copy)]
pub struct OwnCharm {
    /// `Charm::FRAMEWORK`.
    pub framework: FrameworkKind,
    /// `Charm::CHARMCRAFT_YAML`.
    pub charmcraft_yaml: &'static str,
}

/// The peer secret key a completed scenario's leader has already generated (paas-charm draws
/// a random one on `secret-storage-relation-created`; a fixed one keeps local output stable).
pub const PLACEHOLDER_SECRET_KEY: &str = "generated-by-the-leader";

/// Fills the keys `scenario` leaves out from `own`; refuses a scenario of another framework.
pub fn complete(scenario: &mut Map<String, Value>, own: &OwnCharm) -> Result<(), ScenarioError> {
    let framework = own.framework.info();
    match scenario.get("framework") {
        None => {
            scenario.insert("framework".into(), json!(framework.name));
        }
        Some(Value::String(name)) if name == framework.name => {}
        Some(other) => {
            let named = other
                .as_str()
                .map_or_else(|| other.to_string(), str::to_owned);
            return Err(ScenarioError::new(
                "framework",
                format!(
                    "the scenario is for {named:?} but this charm is a {:?} charm",
                    framework.name
                ),
            ));
        }
    }
    if !scenario.contains_key("metadata") {
        let metadata = yaml::to_json_value(own.charmcraft_yaml).map_err(|e| {
            ScenarioError::new("metadata", format!("the embedded charmcraft.yaml: {e}"))
        })?;
        scenario.insert("metadata".into(), metadata);
    }
    let charm_name = scenario
        .get("metadata")
        .and_then(|m| m.get("name"))
        .and_then(Value::as_str)
        .map_or_else(|| format!("{}-k8s", framework.name), str::to_owned);
    let app = text(scenario, "app_name").unwrap_or(charm_name);
    let model = text(scenario, "model_name").unwrap_or_else(|| "test-model".into());
    let unit = scenario
        .get("unit_id")
        .and_then(Value::as_u64)
        .unwrap_or_default();
    let defaults = [
        ("name", json!("local")),
        ("base_layer", rock_layer(own.framework, &app)),
        ("paas_config", Value::Null),
        ("app_name", json!(app)),
        ("model_name", json!(model)),
        ("model_uuid", json!("00000000-0000-4000-8000-000000000000")),
        ("unit_id", json!(unit)),
        ("leader", json!(true)),
        ("juju_version", json!("3.6.14")),
        (
            "fqdn",
            json!(format!(
                "{app}-{unit}.{app}-endpoints.{model}.svc.cluster.local"
            )),
        ),
        ("proxy_env", json!({})),
        (
            "initial_status",
            json!({"unit": {"name": "maintenance", "message": ""},
                   "app": {"name": "maintenance", "message": ""}}),
        ),
        ("can_connect", json!(true)),
        ("config", json!({})),
        ("relations", json!([])),
        ("secrets", json!([])),
        ("app_dir_files", json!({})),
        ("container_files", json!({})),
        ("execs", json!([])),
        ("service_statuses", json!({})),
        ("event", json!("config-changed")),
        ("event_args", json!({})),
    ];
    for (key, value) in defaults {
        scenario.entry(key).or_insert(value);
    }
    complete_relations(scenario);
    if !scenario.contains_key("peer") {
        let id = free_relation_id(scenario);
        scenario.insert(
            "peer".into(),
            json!({"id": id, "local_app_data": {framework.secret_key_field: PLACEHOLDER_SECRET_KEY},
                   "local_unit_data": {}, "peers_data": {}}),
        );
    }
    Ok(())
}

fn text(scenario: &Map<String, Value>, key: &str) -> Option<String> {
    scenario.get(key).and_then(Value::as_str).map(str::to_owned)
}

/// Relations given by endpoint only get their interface from the metadata, an id, the
/// endpoint as remote application, one remote unit and Juju's keys in our unit bag.
fn complete_relations(scenario: &mut Map<String, Value>) {
    let metadata = scenario.get("metadata").cloned().unwrap_or(Value::Null);
    let highest = scenario
        .get("relations")
        .and_then(Value::as_array)
        .and_then(|r| {
            r.iter()
                .filter_map(|r| r.get("id").and_then(Value::as_u64))
                .max()
        });
    // The peer relation is 1; the others count up from 2 (FORMAT.md §1.6).
    let mut next = highest.unwrap_or(1).max(1) + 1;
    let Some(Value::Array(relations)) = scenario.get_mut("relations") else {
        return;
    };
    for relation in relations.iter_mut() {
        let Some(relation) = relation.as_object_mut() else {
            continue;
        };
        let endpoint = relation
            .get("endpoint")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        if !relation.contains_key("interface") {
            let interface = ["requires", "provides"]
                .iter()
                .find_map(|kind| metadata.get(kind)?.get(&endpoint)?.get("interface"))
                .cloned()
                .unwrap_or_else(|| json!(endpoint));
            relation.insert("interface".into(), interface);
        }
        if !relation.contains_key("id") {
            relation.insert("id".into(), json!(next));
            next += 1;
        }
        relation
            .entry("remote_app_name")
            .or_insert_with(|| json!(endpoint));
        relation
            .entry("remote_units_data")
            .or_insert_with(|| json!({"0": {}}));
        relation.entry("local_unit_data").or_insert_with(|| {
            json!({"egress-subnets": "192.0.2.0", "ingress-address": "192.0.2.0",
                   "private-address": "192.0.2.0"})
        });
    }
}

/// The peer relation's id: 1 unless a relation already has it.
fn free_relation_id(scenario: &Map<String, Value>) -> u64 {
    let used: Vec<u64> = scenario
        .get("relations")
        .and_then(Value::as_array)
        .map(|r| {
            r.iter()
                .filter_map(|r| r.get("id").and_then(Value::as_u64))
                .collect()
        })
        .unwrap_or_default();
    (1..).find(|id| !used.contains(id)).unwrap_or(1)
}

/// The Pebble layer of the framework's rock (paas-charm's rockcraft extensions, as the
/// corpus records them): the main service, and Flask/Django's statsd exporter.
pub fn rock_layer(kind: FrameworkKind, app: &str) -> Value {
    let statsd = json!({
        "command": "/bin/statsd_exporter --statsd.mapping-config=/statsd-mapping.conf \
                    --statsd.listen-udp=localhost:9125 --statsd.listen-tcp=localhost:9125",
        "override": "merge", "startup": "enabled",
        "summary": "statsd exporter service", "user": "_daemon_"
    });
    let gunicorn = |base: &str, app_module: &str| {
        json!({"services": {
            kind.info().service: {
                "after": ["statsd-exporter"],
                "command": format!("/bin/python3 -m gunicorn -c /{base}/gunicorn.conf.py {app_module} -k [ sync ]"),
                "override": "replace", "startup": "enabled", "user": "_daemon_"
            },
            "statsd-exporter": statsd,
        }})
    };
    let simple = |command: String, extra: Value| {
        let mut service = json!({"command": command, "override": "replace",
                                 "startup": "enabled", "user": "_daemon_", "working-dir": "/app"});
        if let (Some(service), Value::Object(extra)) = (service.as_object_mut(), extra) {
            service.extend(extra);
        }
        json!({"services": {kind.info().service: service}})
    };
    match kind {
        FrameworkKind::Flask => gunicorn("flask", "app:app"),
        FrameworkKind::Django => gunicorn("django", "django_app.wsgi:application"),
        FrameworkKind::FastApi => simple("/bin/python3 -m uvicorn app:app".into(), json!({})),
        FrameworkKind::Go => simple(format!("/usr/local/bin/{app}"), json!({})),
        FrameworkKind::ExpressJs => simple(
            "npm start".into(),
            json!({"environment": {"NODE_ENV": "production"}}),
        ),
        FrameworkKind::SpringBoot => json!({"services": {"spring-boot": {
            "command": "bash -c \"java -jar *.jar\"", "override": "replace", "startup": "enabled"
        }}}),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const YAML: &str = "name: my-flask\ncontainers:\n  flask-app:\n    resource: flask-app-image\n\
                        peers:\n  secret-storage:\n    interface: secret-storage\n\
                        requires:\n  postgresql:\n    interface: postgresql_client\n";

    fn own() -> OwnCharm {
        OwnCharm {
            framework: FrameworkKind::Flask,
            charmcraft_yaml: YAML,
        }
    }

    #[test]
    fn an_empty_scenario_gets_the_charms_metadata_layer_and_peer_key() {
        let mut scenario = Map::new();
        complete(&mut scenario, &own()).expect("completes");
        assert_eq!(scenario["framework"], "flask");
        assert_eq!(scenario["app_name"], "my-flask");
        assert_eq!(
            scenario["metadata"]["requires"]["postgresql"]["interface"],
            "postgresql_client"
        );
        assert_eq!(
            scenario["base_layer"]["services"]["flask"]["command"],
            "/bin/python3 -m gunicorn -c /flask/gunicorn.conf.py app:app -k [ sync ]"
        );
        assert_eq!(scenario["peer"]["id"], 1);
        assert_eq!(
            scenario["peer"]["local_app_data"]["flask_secret_key"],
            PLACEHOLDER_SECRET_KEY
        );
        assert_eq!(
            scenario["fqdn"],
            "my-flask-0.my-flask-endpoints.test-model.svc.cluster.local"
        );
    }

    #[test]
    fn relations_named_by_endpoint_get_interface_id_and_remote_app() {
        let mut scenario =
            json!({"relations": [{"endpoint": "postgresql"}, {"endpoint": "postgresql", "id": 1}]});
        let map = scenario.as_object_mut().expect("object");
        complete(map, &own()).expect("completes");
        let first = &scenario["relations"][0];
        assert_eq!(first["interface"], "postgresql_client");
        assert_eq!(first["id"], 2);
        assert_eq!(first["remote_app_name"], "postgresql");
        assert_eq!(scenario["peer"]["id"], 3);
    }

    #[test]
    fn another_frameworks_scenario_is_refused_naming_both() {
        let mut scenario = json!({"framework": "django"});
        let err = complete(scenario.as_object_mut().expect("object"), &own()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "framework: the scenario is for \"django\" but this charm is a \"flask\" charm"
        );
    }

    #[test]
    fn given_keys_are_kept() {
        let mut scenario = json!({"framework": "flask", "peer": null, "leader": false,
                                  "metadata": {"name": "x", "containers": {"flask-app": {}}}});
        complete(scenario.as_object_mut().expect("object"), &own()).expect("completes");
        assert_eq!(scenario["peer"], Value::Null);
        assert_eq!(scenario["leader"], false);
        assert_eq!(scenario["app_name"], "x");
    }
}
