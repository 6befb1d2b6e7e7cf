//! Crash consistency (issue 12, item 1): a config-changed killed at each of its Pebble
//! requests in turn, or with each of its hook-tool calls failing in turn, then run again as
//! Juju reruns it, ends exactly as one uninterrupted run: the plan and layers, the files, the
//! configuration the services were started with, Gunicorn's loaded configuration, the opened
//! ports, the relation data and the statuses. For every example charm.
//!
//! The hook is killed by the test Pebble server (`kill_at_request`): it carries request N out,
//! SIGKILLs the hook before answering and drops the connection. A failing tool comes from
//! fake-juju (`fail_at_call`).

#![allow(clippy::unwrap_used, missing_docs)]

use std::collections::BTreeMap;
use std::sync::Arc;

use paas_charm_e2e::{CharmBinary, Hook, Outcome, World};

fn config_changed() -> Hook {
    Hook::new("hooks/config-changed")
}

/// The change under test: Gunicorn's worker count (a setting that lives only in
/// `gunicorn.conf.py`) where the charm has it, else the application port (env, plan and
/// ports all change).
fn change(world: &mut World) {
    let options = &world.charm.meta.config.options;
    if options.contains_key("webserver-workers") {
        world
            .juju
            .config
            .insert("webserver-workers".into(), serde_json::json!(3));
    } else if options.contains_key("app-port") {
        world
            .juju
            .config
            .insert("app-port".into(), serde_json::json!(8081));
    } else {
        panic!("no option to change in {}", world.charm.meta.name);
    }
}

/// A unit in its steady state (pebble-ready ran), with the config changed since.
fn world(charm: &Arc<CharmBinary>) -> World {
    let mut world = World::new(charm);
    world.with_postgresql(true);
    let ready = world.run(&world.pebble_ready()).unwrap();
    assert!(ready.success(), "pebble-ready: {}", ready.stderr);
    world.continue_from(&ready);
    change(&mut world);
    world
}

fn files(out: &Outcome) -> BTreeMap<String, Vec<u8>> {
    out.pebble
        .files
        .iter()
        .map(|(path, file)| (path.clone(), file.content.clone()))
        .collect()
}

/// What must be equal after an uninterrupted run and after a killed run plus its rerun.
fn compare(reference: &Outcome, rerun: &Outcome, what: &str) {
    assert!(
        rerun.success(),
        "{what}: the rerun failed: {}",
        rerun.stderr
    );
    let (a, b) = (&reference.pebble, &rerun.pebble);
    assert_eq!(a.plan(), b.plan(), "{what}: plan");
    assert_eq!(a.layers, b.layers, "{what}: layers");
    assert_eq!(files(reference), files(rerun), "{what}: files");
    assert_eq!(a.service_status, b.service_status, "{what}: services");
    assert_eq!(
        a.started_with, b.started_with,
        "{what}: the configuration the services run with"
    );
    let (a, b) = (&reference.juju, &rerun.juju);
    let mut ports = (a.opened_ports.clone(), b.opened_ports.clone());
    ports.0.sort();
    ports.1.sort();
    assert_eq!(ports.0, ports.1, "{what}: opened ports");
    assert_eq!(a.relations, b.relations, "{what}: relation data");
    assert_eq!(a.unit_status, b.unit_status, "{what}: unit status");
    assert_eq!(a.app_status, b.app_status, "{what}: application status");
}

/// Gunicorn must run the configuration on disk: when the interrupted run or its rerun
/// changed `gunicorn.conf.py`, a SIGHUP (or a restart of the service) came after the change.
fn gunicorn_reloaded(before: &World, interrupted: &Outcome, rerun: &Outcome, what: &str) {
    let path = format!("{}/gunicorn.conf.py", before.charm.framework.base_dir);
    let Some(wanted) = rerun.pebble.files.get(&path) else {
        return;
    };
    if before.pebble.files.get(&path) == Some(wanted) {
        return;
    }
    let service = before.charm.framework.service;
    let hup = |out: &Outcome| out.pebble.signals.iter().any(|s| s.signal == "SIGHUP");
    let pushed_by_rerun = interrupted.pebble.files.get(&path) != Some(wanted);
    let restarted_by_rerun =
        interrupted.pebble.service_since.get(service) != rerun.pebble.service_since.get(service);
    let restarted_after_push =
        interrupted.pebble.service_since.get(service) != before.pebble.service_since.get(service);
    assert!(
        hup(rerun)
            || restarted_by_rerun
            || (!pushed_by_rerun && (hup(interrupted) || restarted_after_push)),
        "{what}: gunicorn.conf.py changed but Gunicorn was not reloaded"
    );
}

fn killed_at_every_pebble_request(charm: &Arc<CharmBinary>) {
    let reference = world(charm).run(&config_changed()).unwrap();
    assert!(reference.success(), "{}", reference.stderr);
    let requests = reference.pebble.requests.len();
    assert!(requests > 0);
    for n in 1..=requests {
        let mut world = world(charm);
        world.pebble.kill_at_request = Some(n);
        let interrupted = world.run(&config_changed()).unwrap();
        let what = format!(
            "{} killed at request {n} ({})",
            charm.meta.name,
            interrupted
                .pebble
                .request_lines()
                .get(n - 1)
                .cloned()
                .unwrap_or_default()
        );
        assert_eq!(interrupted.code, None, "{what}: the hook was not killed");
        let before_rerun = world.pebble.clone();
        world.continue_from(&interrupted);
        let rerun = world.run(&config_changed()).unwrap();
        compare(&reference, &rerun, &what);
        let mut before = World::new(charm);
        before.pebble = before_rerun;
        gunicorn_reloaded(&before, &interrupted, &rerun, &what);
    }
}

fn a_tool_failing_at_every_call(charm: &Arc<CharmBinary>) {
    let reference = world(charm).run(&config_changed()).unwrap();
    let calls = reference.juju.calls.len();
    assert!(calls > 0);
    for n in 1..=calls {
        let mut world = world(charm);
        world.juju.fail_at_call = Some(n);
        let failed = world.run(&config_changed()).unwrap();
        let what = format!(
            "{} with call {n} ({}) failing",
            charm.meta.name,
            failed
                .juju
                .calls
                .get(n - 1)
                .map(|c| c.tool.clone())
                .unwrap_or_default()
        );
        // A few calls have a fallback (`goal-state` → `relation-ids`): the hook may succeed.
        if failed.success() {
            compare(&reference, &failed, &what);
        }
        let before_rerun = world.pebble.clone();
        world.continue_from(&failed);
        let rerun = world.run(&config_changed()).unwrap();
        compare(&reference, &rerun, &what);
        let mut before = World::new(charm);
        before.pebble = before_rerun;
        gunicorn_reloaded(&before, &failed, &rerun, &what);
    }
}

/// The shortcut and what ends it: a steady-state config-changed proves "nothing to do" with
/// one request; a service restarted behind the charm's back, or a lost record, brings the
/// whole apply back (with a Gunicorn reload, since what Gunicorn loaded is then unknown).
fn the_steady_state_shortcut_and_what_ends_it(charm: &Arc<CharmBinary>) {
    let mut world = World::new(charm);
    world.with_postgresql(true);
    let ready = world.run(&world.pebble_ready()).unwrap();
    assert!(ready.success(), "{}", ready.stderr);
    world.continue_from(&ready);
    // The first hook after pebble-ready reads the port pebble-ready opened back from Juju
    // (Juju commits ports only when a hook succeeds): from then on the record knows it.
    let first = world.run(&config_changed()).unwrap();
    assert!(first.success(), "{}", first.stderr);
    assert_eq!(first.pebble_requests(), ["GET /v1/services"]);
    let port_calls: Vec<&str> = first
        .juju
        .calls
        .iter()
        .filter(|c| c.tool.contains("port"))
        .map(|c| c.tool.as_str())
        .collect();
    assert_eq!(port_calls, ["opened-ports"]);
    world.continue_from(&first);
    let steady = world.run(&config_changed()).unwrap();
    assert!(steady.success(), "{}", steady.stderr);
    assert_eq!(steady.pebble_requests(), ["GET /v1/services"]);
    assert!(steady.juju.calls.len() <= 12, "{:?}", steady.juju.calls);
    assert!(
        !steady.juju.calls.iter().any(|c| c.tool.contains("port")),
        "ports known from the record: {:?}",
        steady.juju.calls
    );
    assert_eq!(steady.unit_status().0, "active");
    let full = |out: &Outcome| {
        out.pebble_requests()
            .contains(&"POST /v1/layers".to_owned())
    };
    assert!(full(&ready));

    // Pebble restarted the service (or anyone did): current-since moved.
    let service = charm.framework.service;
    let mut restarted = World::new(charm);
    restarted.with_postgresql(true);
    restarted.state_dir.clone_from(&world.state_dir);
    restarted.continue_from(&ready);
    restarted.pebble.set_service_current(service, "active");
    let out = restarted.run(&config_changed()).unwrap();
    assert!(out.success() && full(&out), "{:?}", out.pebble_requests());

    // The record is gone (a new charm container): everything again, Gunicorn reloaded.
    let _ = std::fs::remove_dir_all(&world.state_dir);
    let out = world.run(&config_changed()).unwrap();
    assert!(out.success() && full(&out), "{:?}", out.pebble_requests());
    if charm.framework.kind.is_gunicorn() {
        assert_eq!(out.pebble.signals.len(), 1, "{:?}", out.pebble.signals);
        assert_eq!(out.pebble.signals[0].signal, "SIGHUP");
    }
}

macro_rules! frameworks {
    ($($name:ident: $package:literal),* $(,)?) => {$(
        mod $name {
            fn charm() -> std::sync::Arc<paas_charm_e2e::CharmBinary> {
                paas_charm_e2e::CharmBinary::build($package, false).unwrap()
            }

            #[test]
            fn killed_at_every_pebble_request_converges_on_rerun() {
                super::killed_at_every_pebble_request(&charm());
            }

            #[test]
            fn the_steady_state_shortcut_and_what_ends_it() {
                super::the_steady_state_shortcut_and_what_ends_it(&charm());
            }

            #[test]
            fn a_tool_failing_at_every_call_converges_on_rerun() {
                super::a_tool_failing_at_every_call(&charm());
            }
        }
    )*};
}

frameworks! {
    flask: "flask-k8s",
    django: "django-k8s",
    fastapi: "fastapi-k8s",
    go: "go-k8s",
    expressjs: "expressjs-k8s",
    spring_boot: "spring-boot-k8s",
}
