//! Hostile input, as Juju runs the hook: the Flask example's binary as a real process with
//! fake-juju's hook tools and the Pebble test server. An 8 MB relation value keeps the hook's
//! peak RSS bounded; a status message that `status-set` would refuse (over 128 KiB) is capped;
//! a hook that fails logs its error chain through `juju-log` before exiting non-zero.

#![allow(clippy::unwrap_used, missing_docs)]

use std::path::Path;
use std::sync::Arc;

use paas_charm_e2e::{CharmBinary, Hook, Outcome, World, POSTGRESQL_ID};

const MIB: u64 = 1024;

fn flask() -> Arc<CharmBinary> {
    CharmBinary::build("flask-k8s", false).unwrap()
}

/// A steady unit (after its first pebble-ready) with a PostgreSQL relation.
fn steady(charm: &Arc<CharmBinary>) -> World {
    let mut world = World::new(charm);
    world.with_postgresql(true).with_app_file("migrate.py", "");
    let setup = world.run(&world.pebble_ready()).unwrap();
    assert!(setup.success(), "{}", setup.stderr);
    world.continue_from(&setup);
    world
}

fn relation_changed() -> Hook {
    Hook::relation(
        "postgresql",
        "changed",
        POSTGRESQL_ID,
        "postgresql-k8s",
        Some("postgresql-k8s/0"),
    )
}

/// The charm process's own peak RSS (VmHWM, printed when tracing), in KiB.
fn charm_peak_kib(out: &Outcome) -> u64 {
    out.stderr
        .lines()
        .find_map(|line| {
            line.strip_prefix("paas-charm: peak RSS ")?
                .strip_suffix(" KiB")?
                .parse()
                .ok()
        })
        .unwrap_or_else(|| panic!("no peak RSS in the trace: {}", out.stderr))
}

/// `/usr/bin/time -v`'s maximum RSS of the hook process (largest of the charm and the hook
/// tools it waited for), in KiB; `None` when GNU time is not installed.
fn time_peak_kib(world: &World, hook: &Hook) -> Option<u64> {
    let time = Path::new("/usr/bin/time");
    if !time.exists() {
        return None;
    }
    let report = std::env::temp_dir().join(format!("paas-hostile-{}.time", std::process::id()));
    let wrapper = vec![
        time.display().to_string(),
        "-v".into(),
        "-o".into(),
        report.display().to_string(),
    ];
    let out = world.run_wrapped(hook, &wrapper).unwrap();
    assert!(out.success(), "{}", out.stderr);
    let text = std::fs::read_to_string(&report).unwrap();
    let _ = std::fs::remove_file(&report);
    text.lines().find_map(|line| {
        line.trim()
            .strip_prefix("Maximum resident set size (kbytes):")
            .and_then(|n| n.trim().parse().ok())
    })
}

/// Peak RSS of `postgresql-relation-changed` with one 8 MB value in the provider's bag under
/// `key`; the hook must end active. Returns (charm VmHWM, `/usr/bin/time -v` max RSS) in KiB.
fn peak_with_8_mb_value(charm: &Arc<CharmBinary>, key: &str) -> (u64, Option<u64>) {
    // One 8 MB hook at a time: each runs the hook twice over 8 MB of hook-tool state, and two
    // at once on a 2-core machine measure the machine, not the charm.
    static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let mut world = steady(charm);
    let relation = world
        .juju
        .relations
        .iter_mut()
        .find(|r| r.id == POSTGRESQL_ID)
        .unwrap();
    relation
        .remote_app_data
        .insert(key.into(), "p".repeat(8 << 20));
    let hook = relation_changed().var("PAAS_CHARM_TRACE_TOOLS", "1");
    let out = world.run(&hook).unwrap();
    assert!(out.success(), "{key}: {}", out.stderr);
    assert_eq!(out.unit_status(), ("active".into(), String::new()), "{key}");
    let charm_kib = charm_peak_kib(&out);
    let time_kib = time_peak_kib(&world, &hook);
    eprintln!("{key}: charm VmHWM {charm_kib} KiB, /usr/bin/time -v max RSS {time_kib:?} KiB");
    (charm_kib, time_kib)
}

/// An 8 MB value the charm reads but does not hand to the workload stays under 64 MiB.
#[test]
fn an_8_mb_relation_value_keeps_the_hook_under_64_mib() {
    let (charm_kib, _) = peak_with_8_mb_value(&flask(), "unrelated-8mb-key");
    assert!(charm_kib <= 64 * MIB, "{charm_kib} KiB");
}

/// An 8 MB password reaches three environment variables (the password, the connect string and
/// its netloc), so the layer, the check-config exec and their request bodies carry 24 MB each:
/// BENCHMARKS.md "Large relation values" lists the copies left. This bound guards against the
/// copies removed coming back (it was 209 MiB before).
#[test]
fn an_8_mb_password_stays_under_the_measured_bound() {
    let (charm_kib, _) = peak_with_8_mb_value(&flask(), "password");
    assert!(charm_kib <= 180 * MIB, "{charm_kib} KiB");
}

#[test]
fn a_status_over_what_status_set_accepts_is_capped() {
    let charm = flask();
    let mut world = steady(&charm);
    // An ingress URL of 1 MB that is not a URL: the Blocked message quotes it.
    world
        .juju
        .bindings
        .insert("ingress".into(), vec!["10.1.0.10".into()]);
    world.juju.relations.push(fake_juju::Relation {
        id: 9,
        endpoint: "ingress".into(),
        remote_app: "traefik".into(),
        remote_app_data: [(
            "ingress".to_owned(),
            serde_json::json!({ "url": format!("http://h:port/{}", "\u{202e}".repeat(1 << 18)) })
                .to_string(),
        )]
        .into_iter()
        .collect(),
        ..Default::default()
    });
    let out = world
        .run(&Hook::relation(
            "ingress",
            "changed",
            9,
            "traefik",
            Some("traefik/0"),
        ))
        .unwrap();
    assert!(out.success(), "{}", out.stderr);
    let (name, message) = out.unit_status();
    assert_eq!(name, "blocked");
    assert!(
        message.starts_with("Invalid ingress relation data: \"http://h:port/\\u{202e}\\u{202e}")
    );
    assert!(message.chars().count() <= 400, "{}", message.len());
    assert_eq!(
        out.juju
            .logs
            .last()
            .map(|l| (l.level.as_str(), l.message.as_str())),
        Some(("WARNING", message.as_str()))
    );
}

#[test]
fn a_failed_hook_logs_its_error_chain_before_exiting_non_zero() {
    let charm = flask();
    let mut world = steady(&charm);
    world.override_tool(
        "opened-ports",
        "echo 'ERROR connection to the agent lost' >&2; exit 1",
    );
    let out = world.run(&Hook::new("hooks/config-changed")).unwrap();
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    let logs: Vec<(&str, &str)> = out
        .juju
        .logs
        .iter()
        .map(|l| (l.level.as_str(), l.message.as_str()))
        .collect();
    assert_eq!(
        logs,
        vec![(
            "ERROR",
            "Uncaught exception while in charm code: the config-changed hook failed: \
             opened-ports failed: connection to the agent lost"
        )]
    );
    assert!(out.stderr.contains(
        "error: the config-changed hook failed: opened-ports failed: connection to the agent lost"
    ));
}

#[test]
fn a_failed_relation_write_at_the_end_of_the_hook_is_logged_too() {
    let charm = flask();
    let mut world = World::new(&charm);
    world.with_postgresql(false);
    world.override_tool("relation-set", "echo 'ERROR permission denied' >&2; exit 1");
    let out = world
        .run(&Hook::relation(
            "postgresql",
            "created",
            POSTGRESQL_ID,
            "postgresql-k8s",
            None,
        ))
        .unwrap();
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    let logs: Vec<(&str, &str)> = out
        .juju
        .logs
        .iter()
        .map(|l| (l.level.as_str(), l.message.as_str()))
        .collect();
    assert_eq!(
        logs,
        vec![(
            "ERROR",
            "Uncaught exception while in charm code: the postgresql-relation-created hook \
             failed: relation-set: permission denied: permission denied"
        )]
    );
}

#[test]
fn a_secret_id_with_a_nul_blocks_before_secret_get_runs() {
    let charm = flask();
    let mut world = steady(&charm);
    let relation = world
        .juju
        .relations
        .iter_mut()
        .find(|r| r.id == POSTGRESQL_ID)
        .unwrap();
    relation.remote_app_data.remove("username");
    relation.remote_app_data.remove("password");
    relation
        .remote_app_data
        .insert("secret-user".into(), "secret:cstgtq7mp25c77d05kbg\0".into());
    relation.local_unit_data.insert(
        "requested-secrets".into(),
        r#"["username", "password", "tls", "tls-ca", "uris", "read-only-uris"]"#.into(),
    );
    let out = world.run(&Hook::new("hooks/config-changed")).unwrap();
    assert!(out.success(), "{}", out.stderr);
    assert_eq!(
        out.unit_status(),
        (
            "blocked".into(),
            "Invalid postgresql relation data: the secret id \"secret:cstgtq7mp25c77d05kbg\\0\" \
             is not a Juju secret URI."
                .into()
        )
    );
    assert!(!out.tool_calls().contains_key("secret-get"));
}
