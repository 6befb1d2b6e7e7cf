//! What FORMAT.md says every scenario holds, checked before the world is built: each
//! violation is refused with the path of the field (`relations[2].id`).

use std::collections::BTreeMap;

use serde_json::Value;

use super::{Scenario, ScenarioError};
use crate::juju::{Event, RelationEventKind};

/// The service states of FORMAT.md §1 (`service_statuses`).
const SERVICE_STATES: [&str; 4] = ["active", "inactive", "error", "backoff"];

/// Checks the raw scenario's `format` and the typed scenario's rules.
pub fn check(raw: &Value, scenario: &Scenario) -> Result<(), ScenarioError> {
    if let Some(format) = raw.get("format") {
        if format != "paas-scenario/v1" {
            return Err(ScenarioError::new(
                "format",
                format!("{format} is not \"paas-scenario/v1\""),
            ));
        }
    }
    containers(&scenario.metadata)?;
    for name in scenario.config.keys() {
        if scenario.metadata["config"]["options"].get(name).is_none() {
            return Err(ScenarioError::new(
                format!("config.{name}"),
                "not an option of metadata.config.options (Juju refuses to set it)",
            ));
        }
    }
    relation_ids(scenario)?;
    endpoints(scenario)?;
    unit_keys(scenario)?;
    for (service, state) in &scenario.service_statuses {
        if !SERVICE_STATES.contains(&state.as_str()) {
            return Err(ScenarioError::new(
                format!("service_statuses.{service}"),
                format!("{state:?} is not one of {}", SERVICE_STATES.join(", ")),
            ));
        }
    }
    event_refs(scenario)
}

/// `metadata.containers` holds exactly one container (FORMAT.md §1.1).
fn containers(metadata: &Value) -> Result<(), ScenarioError> {
    let count = metadata
        .get("containers")
        .and_then(Value::as_object)
        .map_or(0, |c| c.len());
    if count == 1 {
        return Ok(());
    }
    Err(ScenarioError::new(
        "metadata.containers",
        format!("a charm has exactly one workload container, this metadata has {count}"),
    ))
}

/// Relation ids are unique across the scenario, the peer relation included (FORMAT.md §1.8).
fn relation_ids(scenario: &Scenario) -> Result<(), ScenarioError> {
    let mut seen: BTreeMap<u32, String> = BTreeMap::new();
    if let Some(peer) = &scenario.peer {
        seen.insert(peer.id, "peer.id".into());
    }
    for (i, relation) in scenario.relations.iter().enumerate() {
        let field = format!("relations[{i}].id");
        if let Some(first) = seen.get(&relation.id) {
            return Err(ScenarioError::new(
                field,
                format!("relation id {} is already used by {first}", relation.id),
            ));
        }
        seen.insert(relation.id, field);
    }
    Ok(())
}

/// Every relation is on an endpoint of `requires` or `provides` (FORMAT.md §1.8).
fn endpoints(scenario: &Scenario) -> Result<(), ScenarioError> {
    for (i, relation) in scenario.relations.iter().enumerate() {
        let declared = ["requires", "provides"].iter().any(|kind| {
            scenario
                .metadata
                .get(kind)
                .and_then(|e| e.get(&relation.endpoint))
                .is_some()
        });
        if !declared {
            return Err(ScenarioError::new(
                format!("relations[{i}].endpoint"),
                format!(
                    "{:?} is not an endpoint of metadata.requires or metadata.provides",
                    relation.endpoint
                ),
            ));
        }
    }
    Ok(())
}

/// Unit keys are unit numbers; the peer units never list this unit (FORMAT.md §1.6, §1.8).
fn unit_keys(scenario: &Scenario) -> Result<(), ScenarioError> {
    let number = |field: String, key: &str| -> Result<u32, ScenarioError> {
        key.parse::<u32>()
            .map_err(|_| ScenarioError::new(field, format!("{key:?} is not a unit number")))
    };
    if let Some(peer) = &scenario.peer {
        for key in peer.peers_data.keys() {
            let field = format!("peer.peers_data.{key}");
            if number(field.clone(), key)? == scenario.unit_id {
                return Err(ScenarioError::new(
                    field,
                    format!(
                        "unit {} is the unit under test; peers_data lists the other units",
                        scenario.unit_id
                    ),
                ));
            }
        }
    }
    for (i, relation) in scenario.relations.iter().enumerate() {
        for key in relation.remote_units_data.keys() {
            number(format!("relations[{i}].remote_units_data.{key}"), key)?;
        }
    }
    Ok(())
}

/// A relation event names a relation of the scenario; a secret event a secret of it.
fn event_refs(scenario: &Scenario) -> Result<(), ScenarioError> {
    let Ok(event) = super::event_of(&scenario.event) else {
        return Err(ScenarioError::new(
            "event",
            format!("{:?} is not an event of FORMAT.md §1.12", scenario.event),
        ));
    };
    let args = &scenario.event_args;
    match event {
        Event::Relation { kind, .. } => {
            let Some(id) = args.get("relation_id").and_then(Value::as_u64) else {
                return Err(ScenarioError::new(
                    "event_args.relation_id",
                    "a relation event needs the id of its relation",
                ));
            };
            let known = scenario
                .peer
                .as_ref()
                .is_some_and(|p| u64::from(p.id) == id)
                || scenario.relations.iter().any(|r| u64::from(r.id) == id);
            if !known {
                return Err(ScenarioError::new(
                    "event_args.relation_id",
                    format!("relation {id} is not in the scenario"),
                ));
            }
            if kind == RelationEventKind::Departed && args.get("departing_unit").is_none() {
                return Err(ScenarioError::new(
                    "event_args.departing_unit",
                    "a relation-departed event names its departing unit",
                ));
            }
        }
        Event::Secret(_) => {
            if let Some(id) = args.get("secret_id").and_then(Value::as_str) {
                if !scenario.secrets.iter().any(|s| s.id == id) {
                    return Err(ScenarioError::new(
                        "event_args.secret_id",
                        format!("{id:?} is not the id of an entry of secrets"),
                    ));
                }
            }
        }
        _ => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::super::Scenario;

    /// A corpus scenario (ingress relation 2, peer relation 1), changed by `edit`.
    fn refused(edit: impl FnOnce(&mut Value)) -> String {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../tests/scenarios/flask/flask_ingress_ready_leader.json"
        );
        let mut value: Value =
            serde_json::from_str(&std::fs::read_to_string(path).expect("corpus file"))
                .expect("JSON");
        Scenario::parse(&value.to_string(), None).expect("the corpus scenario is accepted");
        edit(&mut value);
        Scenario::parse(&value.to_string(), None)
            .expect_err("refused")
            .to_string()
    }

    #[test]
    fn a_duplicate_relation_id_names_both_fields() {
        let second = json!({"endpoint": "ingress", "interface": "ingress", "id": 2,
                            "remote_app_name": "other"});
        assert_eq!(
            refused(|s| s["relations"].as_array_mut().expect("list").push(second)),
            "relations[1].id: relation id 2 is already used by relations[0].id"
        );
        assert_eq!(
            refused(|s| s["relations"][0]["id"] = json!(1)),
            "relations[0].id: relation id 1 is already used by peer.id"
        );
    }

    #[test]
    fn zero_or_two_containers_are_refused() {
        assert_eq!(
            refused(|s| s["metadata"]["containers"] = json!({})),
            "metadata.containers: a charm has exactly one workload container, this metadata has 0"
        );
        assert_eq!(
            refused(|s| s["metadata"]["containers"]["sidecar"] = json!({})),
            "metadata.containers: a charm has exactly one workload container, this metadata has 2"
        );
    }

    #[test]
    fn type_errors_and_missing_keys_name_the_field_path() {
        assert_eq!(
            refused(|s| s["relations"][0]["remote_app_data"]["port"] = json!(8080)),
            "relations[0].remote_app_data.port: invalid type: integer `8080`, expected a string"
        );
        assert_eq!(
            refused(|s| {
                s["relations"][0]
                    .as_object_mut()
                    .expect("object")
                    .remove("interface");
            }),
            "relations[0].interface: missing"
        );
        assert_eq!(
            refused(|s| s["unit_id"] = json!(-1)),
            "unit_id: invalid value: integer `-1`, expected u32"
        );
    }

    #[test]
    fn other_format_rules() {
        assert_eq!(
            refused(|s| s["relations"][0]["endpoint"] = json!("nope")),
            "relations[0].endpoint: \"nope\" is not an endpoint of metadata.requires or metadata.provides"
        );
        assert_eq!(
            refused(|s| s["relations"][0]["remote_units_data"] = json!({"zero": {}})),
            "relations[0].remote_units_data.zero: \"zero\" is not a unit number"
        );
        assert_eq!(
            refused(|s| s["peer"]["peers_data"] = json!({"0": {}})),
            "peer.peers_data.0: unit 0 is the unit under test; peers_data lists the other units"
        );
        assert_eq!(
            refused(|s| s["service_statuses"] = json!({"flask": "running"})),
            "service_statuses.flask: \"running\" is not one of active, inactive, error, backoff"
        );
        assert_eq!(
            refused(|s| s["event_args"]["relation_id"] = json!(9)),
            "event_args.relation_id: relation 9 is not in the scenario"
        );
        assert_eq!(
            refused(|s| s["config"]["colour"] = json!("red")),
            "config.colour: not an option of metadata.config.options (Juju refuses to set it)"
        );
        assert_eq!(
            refused(|s| s["format"] = json!("v2")),
            "format: \"v2\" is not \"paas-scenario/v1\""
        );
    }
}
