//! The fault table (docs/FAULTS.md), one test per row: the Flask example's binary runs as a
//! real hook process against fake-juju's hook tools and the Pebble test server, which injects
//! the Pebble faults (`pebble_server::Fault`). Each test asserts the outcome the table gives:
//! status, exit code, and the error line on stderr and in `juju-log`.
//!
//! Flask is the example with the most moving parts (Gunicorn's config check and reload, the log
//! directory, migrations); the Pebble client and the reconcile are the same for every
//! framework. Two tests wait for the 5 s request timeout on purpose (the frozen Pebble); the
//! others take well under a second each.

#![allow(clippy::unwrap_used, missing_docs)]

use std::sync::Arc;
use std::time::Duration;

use fake_juju::{Bag, Relation, Secret};
use paas_charm_e2e::{CharmBinary, Hook, Outcome, World, POSTGRESQL_ID};
use pebble_server::Fault;

fn charm() -> Arc<CharmBinary> {
    CharmBinary::build("flask-k8s", false).unwrap()
}

fn config_changed() -> Hook {
    Hook::new("hooks/config-changed")
}

fn no_panic(out: &Outcome) {
    assert!(
        !out.stderr.contains("panicked"),
        "the charm panicked: {}",
        out.stderr
    );
}

fn ok(out: &Outcome) {
    no_panic(out);
    assert!(out.success(), "exit {:?}, stderr: {}", out.code, out.stderr);
}

/// The hook failed with exit 1 and `needle` in its error, on stderr and in `juju-log` ERROR,
/// while it was changing the workload (the status it had set then is left).
fn failed_with(out: &Outcome, needle: &str) {
    no_panic(out);
    assert_eq!(
        out.unit_status(),
        ("maintenance".into(), "Preparing service for restart".into())
    );
    assert_eq!(out.code, Some(1), "stderr: {}", out.stderr);
    assert!(
        out.stderr.contains(needle),
        "{needle:?} not in stderr: {}",
        out.stderr
    );
    assert!(
        out.juju
            .logs
            .iter()
            .any(|l| l.level == "ERROR" && l.message.contains(needle)),
        "{needle:?} not logged at ERROR: {:?}",
        out.juju.logs
    );
}

fn fired(out: &Outcome, fault: &Fault) {
    assert!(
        out.fired_faults.contains(fault),
        "the fault {fault:?} was not reached: {:?}",
        out.pebble_requests()
    );
}

/// A world whose hook runs the whole reconcile: a migration script and a database.
fn busy_world() -> World {
    let mut world = World::new(&charm());
    world.with_postgresql(true).with_app_file("migrate.py", "");
    world
}

fn unit_status(out: &Outcome) -> (String, String) {
    out.unit_status()
}

// ------------------------------------------------------------------------------ Pebble

#[test]
fn pebble_socket_absent_waits_for_pebble() {
    let mut world = World::new(&charm());
    world.pebble_up = false;
    let out = world.run(&config_changed()).unwrap();
    ok(&out);
    assert_eq!(
        unit_status(&out),
        ("waiting".into(), "Waiting for pebble ready".into())
    );
    assert!(out.juju.logs.is_empty(), "{:?}", out.juju.logs);
}

#[test]
fn a_stale_pebble_socket_waits_for_pebble() {
    let mut world = World::new(&charm());
    world.pebble_up = false;
    world.pebble_stale = true;
    let out = world.run(&config_changed()).unwrap();
    ok(&out);
    assert_eq!(
        unit_status(&out),
        ("waiting".into(), "Waiting for pebble ready".into())
    );
}

#[test]
fn a_frozen_pebble_fails_the_hook_within_five_seconds() {
    let mut world = World::new(&charm());
    world.pebble_faults = vec![Fault::Freeze(String::new())];
    let out = world.run(&config_changed()).unwrap();
    fired(&out, &Fault::Freeze(String::new()));
    // The first request of the reconcile: the services snapshot.
    failed_with(&out, "Pebble did not answer GET /v1/files within 5 s");
    assert!(
        out.wall >= Duration::from_secs(5) && out.wall < Duration::from_secs(8),
        "{:?}",
        out.wall
    );
    assert_eq!(out.pebble_requests(), ["GET /v1/files"]);
}

#[test]
fn a_pebble_frozen_during_an_exec_fails_the_hook() {
    // The exec's websockets are connected, then Pebble answers nothing: the output reads time
    // out after 5 s, the probe of the change after 5 s more.
    let mut world = busy_world();
    let fault = Fault::FreezeMidExec(vec!["python3".into(), "migrate.py".into()]);
    world.pebble_faults = vec![fault.clone()];
    let out = world.run(&config_changed()).unwrap();
    fired(&out, &fault);
    failed_with(&out, "Pebble did not answer GET /v1/changes/");
    assert!(
        out.wall >= Duration::from_secs(10) && out.wall < Duration::from_secs(14),
        "{:?}",
        out.wall
    );
}

#[test]
fn a_command_silent_for_longer_than_a_request_is_not_a_frozen_pebble() {
    // A migration may print nothing for minutes: after 5 s of silence the hook asks Pebble
    // about the change, Pebble answers "not ready", and the hook keeps waiting.
    let mut world = busy_world();
    let fault = Fault::SlowExec {
        command: vec!["python3".into(), "migrate.py".into()],
        seconds: 6,
    };
    world.pebble_faults = vec![fault.clone()];
    let out = world.run(&config_changed()).unwrap();
    fired(&out, &fault);
    ok(&out);
    assert_eq!(unit_status(&out), ("active".into(), String::new()));
    let status = format!(
        "{}/database-migration-status",
        charm().framework.migration_state_dir
    );
    assert_eq!(out.pebble.files[&status].content, b"COMPLETED");
    let probes = out
        .pebble
        .requests
        .iter()
        .filter(|r| {
            // `GET /v1/changes/<id>`: the probe of the exec's change (not its `/wait`).
            r.method == "GET" && r.path.starts_with("/v1/changes/") && !r.path.ends_with("/wait")
        })
        .count();
    assert!(probes >= 1, "{:?}", out.pebble_requests());
}

#[test]
fn pebble_killed_mid_replan_fails_the_hook_and_a_restarted_container_converges() {
    let mut world = busy_world();
    let fault = Fault::Die("POST /v1/services".into());
    world.pebble_faults = vec![fault.clone()];
    let out = world.run(&config_changed()).unwrap();
    fired(&out, &fault);
    failed_with(&out, "POST /v1/services: Pebble closed the connection");
    let posts = out
        .pebble_requests()
        .iter()
        .filter(|r| *r == "POST /v1/services")
        .count();
    assert_eq!(
        posts,
        1,
        "a POST is never sent twice: {:?}",
        out.pebble_requests()
    );

    // Juju retries the hook: the dead Pebble's socket is stale, so the unit waits.
    world.pebble_faults.clear();
    world.pebble_up = false;
    world.pebble_stale = true;
    let retry = world.run(&config_changed()).unwrap();
    ok(&retry);
    assert_eq!(
        unit_status(&retry),
        ("waiting".into(), "Waiting for pebble ready".into())
    );

    // Pebble was the container's PID 1: the container restarts with the rock's filesystem and
    // Juju sends pebble-ready.
    let mut restarted = busy_world();
    restarted.juju = retry.juju.clone();
    restarted.juju.calls.clear();
    let ready = restarted.run(&restarted.pebble_ready()).unwrap();
    ok(&ready);
    assert_eq!(unit_status(&ready), ("active".into(), String::new()));
    assert_eq!(ready.pebble.service_current("flask"), "active");
    assert!(ready.pebble.dirs.contains("/var/log/flask"));
}

#[test]
fn pebble_killed_mid_exec_fails_the_hook() {
    let mut world = busy_world();
    let fault = Fault::DieMidExec(vec!["python3".into(), "migrate.py".into()]);
    world.pebble_faults = vec![fault.clone()];
    let out = world.run(&config_changed()).unwrap();
    fired(&out, &fault);
    failed_with(&out, "cannot connect to Pebble: ");
    assert!(
        out.pebble
            .execs
            .iter()
            .all(|e| e.command[..] != ["python3", "migrate.py"]),
        "the migration never ran to its end"
    );
}

#[test]
fn the_service_exiting_at_start_fails_the_hook_with_pebbles_error() {
    let mut world = World::new(&charm());
    let fault = Fault::StartFails {
        service: "flask".into(),
        error: "exited quickly with code 3".into(),
    };
    world.pebble_faults = vec![fault.clone()];
    let out = world.run(&config_changed()).unwrap();
    fired(&out, &fault);
    failed_with(
        &out,
        "- Start service \"flask\" (cannot start service: exited quickly with code 3)",
    );
    assert_eq!(out.pebble.service_current("flask"), "error");
    assert!(
        out.juju.opened_ports.is_empty(),
        "{:?}",
        out.juju.opened_ports
    );
}

#[test]
fn the_service_binary_missing_fails_the_hook_with_pebbles_error() {
    let mut world = World::new(&charm());
    let fault = Fault::StartFails {
        service: "flask".into(),
        error: "fork/exec /bin/python3: no such file or directory".into(),
    };
    world.pebble_faults = vec![fault.clone()];
    let out = world.run(&config_changed()).unwrap();
    fired(&out, &fault);
    failed_with(
        &out,
        "cannot start service: fork/exec /bin/python3: no such file or directory",
    );
    assert_eq!(out.pebble.service_current("flask"), "inactive");
}

// ------------------------------------------------------------------------------ hook tools

#[test]
fn each_hook_tool_failing_fails_the_hook_naming_it_and_writes_nothing() {
    let clean = busy_world().run(&config_changed()).unwrap();
    ok(&clean);
    let mut tools: Vec<String> = clean.tool_calls().into_keys().collect();
    tools.retain(|t| t != "juju-log");
    assert!(tools.len() >= 6, "{tools:?}");
    for tool in &tools {
        let mut world = busy_world();
        if tool == "goal-state" {
            // An optimisation only: without it, every endpoint is asked with relation-ids.
            world.override_tool(tool, "echo 'ERROR boom' >&2; exit 1");
            let out = world.run(&config_changed()).unwrap();
            ok(&out);
            assert_eq!(unit_status(&out), unit_status(&clean));
            continue;
        }
        world.override_tool(
            tool,
            "echo 'ERROR connection to the controller lost' >&2; exit 1",
        );
        let out = world.run(&config_changed()).unwrap();
        no_panic(&out);
        assert_eq!(out.code, Some(1), "{tool}: {}", out.stderr);
        assert!(
            out.stderr.contains(&format!("{tool} failed")),
            "{tool}: {}",
            out.stderr
        );
        assert!(
            out.stderr.contains("connection to the controller lost"),
            "{tool}: {}",
            out.stderr
        );
        assert!(
            !out.juju.called_tools().contains(&"relation-set"),
            "{tool}: no relation write may be left half done"
        );
    }
    // juju-log itself failing: it is only called on a failure, which still fails the hook.
    let mut world = busy_world();
    world.override_tool("juju-log", "exit 1");
    world.override_tool("config-get", "echo 'ERROR boom' >&2; exit 1");
    let out = world.run(&config_changed()).unwrap();
    no_panic(&out);
    assert_eq!(out.code, Some(1));
    assert!(
        out.stderr.contains("config-get failed: boom"),
        "{}",
        out.stderr
    );
}

// ------------------------------------------------------------------------------ secrets and data

const SECRET_ID: &str = "secret:cs8r9d7mp25c7cdgbh7g";

#[test]
fn a_secret_not_granted_blocks_naming_the_option_without_values() {
    // A secret-typed option pointing at a secret the application was not granted: paas-charm
    // fails the hook while building its state; we block on the option, as for any invalid one.
    let mut world = World::new(&charm());
    world
        .juju
        .config
        .insert("flask-secret-key-id".into(), serde_json::json!(SECRET_ID));
    let out = world.run(&config_changed()).unwrap();
    ok(&out);
    assert_eq!(
        unit_status(&out),
        (
            "blocked".into(),
            "        invalid options: flask-secret-key-id".into()
        )
    );
    assert!(
        out.pebble.layer("charm").is_none(),
        "the workload is left alone"
    );

    // The same secret, granted: the hook runs, and its value reaches only the workload.
    let mut world = World::new(&charm());
    world
        .juju
        .config
        .insert("flask-secret-key-id".into(), serde_json::json!(SECRET_ID));
    let content = Bag::from([("value".to_owned(), "s3cr3t-from-juju-0123".to_owned())]);
    world.juju.secrets.push(Secret {
        id: SECRET_ID.into(),
        tracked: content.clone(),
        latest: content,
        ..Secret::default()
    });
    let out = world.run(&config_changed()).unwrap();
    ok(&out);
    assert_eq!(
        out.charm_service("flask").unwrap().environment["FLASK_SECRET_KEY"],
        "s3cr3t-from-juju-0123"
    );
    assert!(!out.stderr.contains("s3cr3t"));
    assert!(out.juju.logs.iter().all(|l| !l.message.contains("s3cr3t")));
}

#[test]
fn malformed_json_from_a_provider_is_not_ready_data() {
    // Tempo's `receivers` cut short: the tracing library finds no receiver (as in paas-charm),
    // so the workload runs without tracing.
    let mut world = World::new(&charm());
    world.juju.relations.push(Relation {
        id: 12,
        endpoint: "tracing".into(),
        remote_app: "tempo".into(),
        remote_app_data: Bag::from([(
            "receivers".to_owned(),
            r#"[{"protocol": {"name": "otlp_http", "type": "http"}, "url": "http://tempo:4318""#
                .to_owned(),
        )]),
        remote_units: [("tempo/0".to_owned(), Bag::new())].into(),
        ..Relation::default()
    });
    let out = world.run(&config_changed()).unwrap();
    ok(&out);
    assert_eq!(unit_status(&out), ("active".into(), String::new()));
    let env = &out.charm_service("flask").unwrap().environment;
    assert!(!env.contains_key("OTEL_EXPORTER_OTLP_ENDPOINT"), "{env:?}");
}

#[test]
fn an_eight_megabyte_relation_value_is_read_and_the_hook_completes() {
    // 64 times what one argv element may hold (MAX_ARG_STRLEN, 128 KiB), in a field the
    // requirer reads (`relation-get`) but does not put in the workload's environment. In debug
    // builds the test's own Pebble server and hook tools take most of this test's ~20 s.
    let mut world = busy_world();
    let ca: String = "c".repeat(8 * 1024 * 1024);
    let relation = world
        .juju
        .relations
        .iter_mut()
        .find(|r| r.id == POSTGRESQL_ID)
        .unwrap();
    relation.remote_app_data.insert("tls-ca".into(), ca);
    let out = world.run(&config_changed()).unwrap();
    ok(&out);
    assert_eq!(unit_status(&out), ("active".into(), String::new()));
    let env = &out.charm_service("flask").unwrap().environment;
    assert_eq!(
        env["POSTGRESQL_DB_PASSWORD"], "hT4wQz8nBv2Lr6Yc",
        "the other fields are used as usual"
    );
    assert!(env
        .values()
        .all(|v| v.as_str().is_none_or(|v| v.len() < 1024)));
    assert!(
        out.stderr.is_empty(),
        "{} bytes on stderr",
        out.stderr.len()
    );
    assert!(out.juju.logs.is_empty(), "a healthy hook logs nothing");
}

// ------------------------------------------------------------------------------ log directory

#[test]
fn the_log_directory_is_made_once_with_the_workload_owner() {
    let world = World::new(&charm());
    let first = world.run(&world.pebble_ready()).unwrap();
    ok(&first);
    assert!(first.pebble.dirs.contains("/var/log/flask"));
    let make_dirs: Vec<_> = first
        .pebble
        .requests
        .iter()
        .filter(|r| r.body.as_ref().is_some_and(|b| b["action"] == "make-dirs"))
        .collect();
    assert_eq!(make_dirs.len(), 1, "{make_dirs:?}");
    let dir = &make_dirs[0].body.as_ref().unwrap()["dirs"][0];
    assert_eq!(dir["path"], "/var/log/flask");
    assert_eq!(dir["make-parents"], true);
    assert_eq!(dir["user"], "_daemon_");
    assert_eq!(dir["group"], "_daemon_");

    // A steady-state hook: the directory exists, no request asks for it.
    let mut world = World::new(&charm());
    world.continue_from(&first);
    let second = world.run(&config_changed()).unwrap();
    ok(&second);
    assert!(
        !second
            .pebble
            .requests
            .iter()
            .any(|r| r.body.as_ref().is_some_and(|b| b["action"] == "make-dirs")),
        "{:?}",
        second.pebble_requests()
    );
}
