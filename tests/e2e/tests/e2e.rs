//! End to end: each example charm's binary runs as a real hook process (`JUJU_DISPATCH_PATH`
//! set, fake-juju's hook tools on `PATH`, the Pebble test server on the container's socket).
//!
//! Every test is written against the framework's identity (container, service, directories,
//! env prefix), so the same suite runs for every example: adding a framework is one line in
//! the `frameworks!` list at the bottom.

#![allow(clippy::unwrap_used, missing_docs)]

use std::sync::Arc;

use paas_charm_e2e::{CharmBinary, Hook, Outcome, World, PEER_ID, POSTGRESQL_ID};
use paas_charm_runtime::framework::workload_facts;
use paas_charm_runtime::juju::ConfigValues;

const DB_URI: &str = "postgresql://relation_id_7:hT4wQz8nBv2Lr6Yc@postgresql-k8s-primary.test-model.svc.cluster.local:5432/flask-k8s";

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

fn app_port(charm: &CharmBinary, out: &Outcome) -> u16 {
    let config: ConfigValues = out.juju.config.clone();
    workload_facts(charm.framework.kind, &config)
        .unwrap()
        .app_port
}

/// The workload runs with the database env: layer, plan, replan, migration, port, status.
fn assert_running_with_database(charm: &CharmBinary, out: &Outcome) {
    ok(out);
    let framework = charm.framework;
    assert_eq!(out.unit_status(), ("active".into(), String::new()));
    assert_eq!(
        out.juju.app_status.as_ref().map(|s| s.status.as_str()),
        Some("active"),
        "the leader sets the application status too"
    );

    let service = out
        .charm_service(framework.service)
        .expect("the charm layer has the main service");
    assert_eq!(service.r#override, "replace");
    assert_eq!(service.environment["POSTGRESQL_DB_CONNECT_STRING"], DB_URI);
    assert_eq!(
        service.environment[&format!("{}SECRET_KEY", framework.config_prefix)],
        "e2e-secret-key"
    );
    let plan = out.pebble.plan();
    assert_eq!(
        plan.services[framework.service].environment["POSTGRESQL_DB_CONNECT_STRING"], DB_URI,
        "the layer was combined into the plan"
    );

    let add = out
        .pebble
        .requests
        .iter()
        .find(|r| r.path == "/v1/layers")
        .expect("a layer was added");
    let body = add.body.as_ref().unwrap();
    assert_eq!(
        (body["label"].as_str(), body["combine"].as_bool()),
        (Some("charm"), Some(true))
    );
    let replan = out
        .pebble
        .requests
        .iter()
        .position(|r| {
            r.path == "/v1/services" && r.body.as_ref().is_some_and(|b| b["action"] == "replan")
        })
        .expect("a replan");
    assert!(out.pebble.requests[replan + 1].path.ends_with("/wait"));
    assert_eq!(out.pebble.service_current(framework.service), "active");

    let migration = out
        .pebble
        .execs
        .iter()
        .find(|e| e.command == ["python3", "migrate.py"])
        .expect("the migration ran");
    assert_eq!(migration.working_dir.as_deref(), Some(framework.app_dir));
    assert_eq!(migration.user.as_deref(), Some("_daemon_"));
    assert_eq!(
        migration.environment["POSTGRESQL_DB_CONNECT_STRING"],
        DB_URI
    );
    assert_eq!(migration.exit_code, 0);
    let state_file = format!(
        "{}/database-migration-status",
        framework.migration_state_dir
    );
    assert_eq!(out.pebble.files[&state_file].content, b"COMPLETED");

    assert_eq!(
        out.juju.opened_ports,
        [format!("{}/tcp", app_port(charm, out))]
    );
}

pub fn pebble_ready_with_a_database(charm: &Arc<CharmBinary>) {
    let mut world = World::new(charm);
    world.with_postgresql(true).with_app_file("migrate.py", "");
    let out = world.run(&world.pebble_ready()).unwrap();
    assert_running_with_database(charm, &out);
}

pub fn config_changed_with_a_database(charm: &Arc<CharmBinary>) {
    let mut world = World::new(charm);
    world.with_postgresql(true).with_app_file("migrate.py", "");
    let out = world.run(&Hook::new("hooks/config-changed")).unwrap();
    assert_running_with_database(charm, &out);
}

pub fn relation_created_writes_the_database_request(charm: &Arc<CharmBinary>) {
    let mut world = World::new(charm);
    world.with_postgresql(false);
    let hook = Hook::relation(
        "postgresql",
        "created",
        POSTGRESQL_ID,
        "postgresql-k8s",
        None,
    );
    let out = world.run(&hook).unwrap();
    ok(&out);
    let relation = out.relation(POSTGRESQL_ID).unwrap();
    assert_eq!(relation.local_app_data["database"], charm.meta.name);
    assert_eq!(
        relation.local_app_data["requested-secrets"],
        r#"["username", "password", "tls", "tls-ca", "uris", "read-only-uris", "entity-name", "entity-password"]"#
    );
    assert_eq!(
        relation.local_unit_data["provided-secrets"],
        r#"["mtls-cert"]"#
    );
    let sets: Vec<&Vec<String>> = out
        .juju
        .calls
        .iter()
        .filter(|c| c.tool == "relation-set")
        .map(|c| &c.args)
        .collect();
    assert_eq!(sets.len(), 2, "one relation-set per bag: {sets:?}");
    assert_eq!(out.unit_status(), (String::new(), String::new()));
}

pub fn relation_changed_with_credentials_restarts_the_workload(charm: &Arc<CharmBinary>) {
    let mut world = World::new(charm);
    world.with_postgresql(true).with_app_file("migrate.py", "");
    let hook = Hook::relation(
        "postgresql",
        "changed",
        POSTGRESQL_ID,
        "postgresql-k8s",
        Some("postgresql-k8s/0"),
    );
    let out = world.run(&hook).unwrap();
    assert_running_with_database(charm, &out);
    let relation = out.relation(POSTGRESQL_ID).unwrap();
    assert!(
        relation.local_unit_data.contains_key("data"),
        "the requirer snapshots the remote bag: {:?}",
        relation.local_unit_data
    );
}

pub fn an_absent_pebble_socket_waits_for_pebble(charm: &Arc<CharmBinary>) {
    let mut world = World::new(charm);
    world.pebble_up = false;
    let out = world.run(&Hook::new("hooks/config-changed")).unwrap();
    ok(&out);
    assert_eq!(
        out.unit_status(),
        ("waiting".into(), "Waiting for pebble ready".into())
    );
}

pub fn a_failing_hook_tool_fails_the_hook_and_logs_it(charm: &Arc<CharmBinary>) {
    let mut world = World::new(charm);
    world.override_tool(
        "config-get",
        "echo 'ERROR cannot get config: connection refused' >&2; exit 1",
    );
    let out = world.run(&Hook::new("hooks/config-changed")).unwrap();
    no_panic(&out);
    assert_eq!(out.code, Some(1));
    assert!(
        out.stderr
            .contains("config-get failed: cannot get config: connection refused"),
        "{}",
        out.stderr
    );
    let logged = out
        .juju
        .logs
        .iter()
        .find(|l| l.level == "ERROR")
        .expect("the error is in juju-log");
    assert!(logged.message.contains("config-get failed"), "{logged:?}");
}

pub fn a_failure_after_buffered_relation_writes_writes_nothing(charm: &Arc<CharmBinary>) {
    let mut world = World::new(charm);
    world.with_postgresql(true).with_app_file("migrate.py", "");
    world.override_tool("open-port", "echo 'ERROR port range conflict' >&2; exit 1");
    let hook = Hook::relation(
        "postgresql",
        "changed",
        POSTGRESQL_ID,
        "postgresql-k8s",
        Some("postgresql-k8s/0"),
    );
    let out = world.run(&hook).unwrap();
    no_panic(&out);
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert!(out.stderr.contains("port range conflict"), "{}", out.stderr);
    assert!(
        !out.juju.called_tools().contains(&"relation-set"),
        "no relation write may be left half done: {:?}",
        out.juju.called_tools()
    );
    assert!(!out
        .relation(POSTGRESQL_ID)
        .unwrap()
        .local_unit_data
        .contains_key("data"));
}

pub fn non_json_hook_tool_output_fails_the_hook(charm: &Arc<CharmBinary>) {
    let mut world = World::new(charm);
    world.override_tool("config-get", "echo 'flask-env: production'");
    let out = world.run(&Hook::new("hooks/config-changed")).unwrap();
    no_panic(&out);
    assert_eq!(out.code, Some(1));
    assert!(
        out.stderr
            .contains("config-get printed output that is not the expected JSON"),
        "{}",
        out.stderr
    );
}

pub fn an_unknown_dispatch_path_is_an_error_naming_it(charm: &Arc<CharmBinary>) {
    let world = World::new(charm);
    let out = world.run(&Hook::new("hooks/no-such-hook")).unwrap();
    no_panic(&out);
    assert_eq!(out.code, Some(1));
    assert!(out.stderr.contains("no-such-hook"), "{}", out.stderr);
    assert!(out.juju.calls.is_empty(), "{:?}", out.juju.calls);
}

pub fn missing_juju_variables_are_named(charm: &Arc<CharmBinary>) {
    for variable in ["JUJU_UNIT_NAME", "JUJU_MODEL_NAME", "JUJU_VERSION"] {
        let mut world = World::new(charm);
        world.unset.push(variable.into());
        let out = world.run(&Hook::new("hooks/config-changed")).unwrap();
        no_panic(&out);
        assert_eq!(out.code, Some(1));
        assert!(
            out.stderr.contains(&format!("{variable} is not set")),
            "{variable}: {}",
            out.stderr
        );
    }
}

pub fn the_peer_relation_is_read_once(charm: &Arc<CharmBinary>) {
    let mut world = World::new(charm);
    world.with_postgresql(true);
    let out = world.run(&Hook::new("hooks/config-changed")).unwrap();
    ok(&out);
    let peer_reads = out
        .juju
        .calls
        .iter()
        .filter(|c| c.tool == "relation-get" && c.args.contains(&PEER_ID.to_string()))
        .count();
    assert_eq!(peer_reads, 1, "{:?}", out.juju.calls);
    let mut calls = out.juju.calls.clone();
    let total = calls.len();
    calls.sort_by(|a, b| (&a.tool, &a.args).cmp(&(&b.tool, &b.args)));
    calls.dedup();
    assert_eq!(calls.len(), total, "a hook tool call was repeated");
}

/// One line per example charm: `<module>: "<package>"`.
macro_rules! frameworks {
    ($($name:ident: $package:literal),* $(,)?) => {$(
        mod $name {
            use std::sync::Arc;

            fn charm() -> Arc<paas_charm_e2e::CharmBinary> {
                paas_charm_e2e::CharmBinary::build($package, false).unwrap()
            }

            #[test]
            fn pebble_ready_with_a_database() {
                super::pebble_ready_with_a_database(&charm());
            }
            #[test]
            fn config_changed_with_a_database() {
                super::config_changed_with_a_database(&charm());
            }
            #[test]
            fn relation_created_writes_the_database_request() {
                super::relation_created_writes_the_database_request(&charm());
            }
            #[test]
            fn relation_changed_with_credentials_restarts_the_workload() {
                super::relation_changed_with_credentials_restarts_the_workload(&charm());
            }
            #[test]
            fn an_absent_pebble_socket_waits_for_pebble() {
                super::an_absent_pebble_socket_waits_for_pebble(&charm());
            }
            #[test]
            fn a_failing_hook_tool_fails_the_hook_and_logs_it() {
                super::a_failing_hook_tool_fails_the_hook_and_logs_it(&charm());
            }
            #[test]
            fn a_failure_after_buffered_relation_writes_writes_nothing() {
                super::a_failure_after_buffered_relation_writes_writes_nothing(&charm());
            }
            #[test]
            fn non_json_hook_tool_output_fails_the_hook() {
                super::non_json_hook_tool_output_fails_the_hook(&charm());
            }
            #[test]
            fn an_unknown_dispatch_path_is_an_error_naming_it() {
                super::an_unknown_dispatch_path_is_an_error_naming_it(&charm());
            }
            #[test]
            fn missing_juju_variables_are_named() {
                super::missing_juju_variables_are_named(&charm());
            }
            #[test]
            fn the_peer_relation_is_read_once() {
                super::the_peer_relation_is_read_once(&charm());
            }
        }
    )*};
}

frameworks! {
    flask: "flask-k8s",
}
