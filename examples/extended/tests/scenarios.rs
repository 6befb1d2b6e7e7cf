//! The extension points, through `extended-k8s simulate`: each scenario in
//! tests/scenarios/extended is compared field by field with its reviewed `.out.json`, and the
//! facts each extension point is about are asserted directly.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Value};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn scenario(name: &str) -> PathBuf {
    repo().join(format!("tests/scenarios/extended/{name}.json"))
}

fn simulate(name: &str) -> Value {
    let output = Command::new(env!("CARGO_BIN_EXE_extended-k8s"))
        .arg("simulate")
        .arg(scenario(name))
        .output()
        .expect("the charm binary runs");
    assert!(output.status.success(), "{output:?}");
    serde_json::from_slice(&output.stdout).expect("simulate prints JSON")
}

fn compare(name: &str) -> Result<(), String> {
    let actual =
        std::env::temp_dir().join(format!("paas-extended-{}-{name}.json", std::process::id()));
    std::fs::write(&actual, simulate(name).to_string()).map_err(|e| e.to_string())?;
    let expected = scenario(name).with_extension("out.json");
    let compare = Command::new(std::env::var("PYTHON").unwrap_or_else(|_| "python3".into()))
        .arg(repo().join("tests/tools/compare.py"))
        .arg(&expected)
        .arg(&actual)
        .output()
        .map_err(|e| format!("cannot run python3 for compare.py: {e}"))?;
    std::fs::remove_file(&actual).ok();
    if compare.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&compare.stdout).into_owned())
    }
}

fn flask_env(out: &Value) -> &Value {
    &out["pebble"]["layers"]["charm"]["services"]["flask"]["environment"]
}

fn relation<'a>(out: &'a Value, endpoint: &str) -> &'a Value {
    out["relations"]
        .as_array()
        .and_then(|r| r.iter().find(|r| r["endpoint"] == endpoint))
        .unwrap_or_else(|| panic!("no {endpoint} relation in the output"))
}

#[test]
fn every_extended_scenario_matches_its_reviewed_output() {
    let dir = repo().join("tests/scenarios/extended");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("tests/scenarios/extended")
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .filter(|n| n.ends_with(".json") && !n.ends_with(".out.json"))
        .map(|n| n.trim_end_matches(".json").to_owned())
        .collect();
    names.sort();
    assert_eq!(names.len(), 6, "{names:?}");
    let failures: Vec<String> = names
        .iter()
        .filter_map(|n| compare(n).err().map(|r| format!("{n}:\n{r}")))
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn extra_env_custom_integration_and_renamed_endpoint_reach_the_layer() {
    let out = simulate("extended_db_changed_with_audit");
    assert_eq!(out["unit_status"], json!({"name": "active", "message": ""}));
    let env = flask_env(&out);
    let connect = env["POSTGRESQL_DB_CONNECT_STRING"].clone();
    assert_eq!(
        connect,
        "postgresql://relation_id_7:hT4wQz8nBv2Lr6Yc@postgresql-k8s-primary.test-model.svc.cluster.local:5432/extended-k8s"
    );
    // extra_env: computed from the integrations' env and the unit name.
    assert_eq!(env["DATABASE_URL"], connect);
    assert_eq!(env["APP_UNIT_NUMBER"], "0");
    // The custom integration's env.
    assert_eq!(env["AUDIT_LOG_URL"], "https://audit.example.com/ingest");
    // The renamed endpoint: the PostgreSQL requirer snapshots `db`'s data, and the library's
    // secret label names the charm's endpoint.
    assert!(relation(&out, "db")["written"]["unit"]["set"]["data"]
        .as_str()
        .is_some_and(|d| d.contains("\"database\": \"extended-k8s\"")));
    assert_eq!(out["secrets"][0]["label"], "db.2.user.secret");
    // after_reconcile wrote to the custom relation.
    assert_eq!(
        relation(&out, "audit-log")["written"],
        json!({"unit": {"set": {"serving": "true"}}})
    );
}

#[test]
fn the_extra_action_returns_typed_results_and_fails_on_bad_params() {
    let out = simulate("extended_greet_action");
    assert_eq!(
        out["action"],
        json!({"name": "greet", "failed": false, "results": {
            "greeting.text": "HI, ADA!", "greeting.length": "8", "unit": "extended-k8s/1"
        }})
    );
    let out = simulate("extended_greet_bad_params");
    assert_eq!(out["action"]["failed"], true);
    assert_eq!(
        out["action"]["message"],
        "invalid params for action \"greet\": invalid type: string \"loudly\", expected a boolean"
    );
}

#[test]
fn before_reconcile_blocks_before_anything_changes() {
    let out = simulate("extended_empty_greeting_blocked");
    let blocked = json!({"name": "blocked", "message": "the greeting option must not be empty"});
    assert_eq!(out["unit_status"], blocked);
    assert_eq!(out["pebble"]["layers"], json!({}));
}

#[test]
fn the_custom_integration_writes_its_request_and_checks_its_data() {
    let out = simulate("extended_audit_joined_leader");
    assert_eq!(
        relation(&out, "audit-log")["written"],
        json!({"app": {"set": {"application": "extended-k8s", "format": "json"}}})
    );
    let out = simulate("extended_audit_invalid_url");
    assert_eq!(
        out["unit_status"]["message"],
        "Invalid audit-log relation data: url must be an http(s) URL"
    );
}
