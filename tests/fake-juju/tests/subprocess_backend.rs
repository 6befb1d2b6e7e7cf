//! `SubprocessBackend` (paas-charm-runtime) against the `fake-hook-tool` emulator: real
//! processes, real argv, real stdin.

#![cfg(unix)]
#![allow(clippy::unwrap_used, missing_docs)]

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};

use fake_juju::{Action, Relation, Secret, State, StatusEntry};
use paas_charm_runtime::juju::{
    Backend, Bag, BagOwner, HookToolError, LogLevel, Port, Scope, SecretQuery, Status,
    SubprocessBackend,
};

/// A temp dir with the tools installed and a state file; removed on drop.
struct World {
    dir: PathBuf,
}

impl World {
    fn new(state: &State) -> Self {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let dir = std::env::temp_dir().join(format!(
            "fake-juju-test-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        fake_juju::install_tools(
            &dir.join("bin"),
            std::path::Path::new(env!("CARGO_BIN_EXE_fake-hook-tool")),
        )
        .unwrap();
        state.save(&dir.join("state.json")).unwrap();
        Self { dir }
    }

    fn backend(&self) -> SubprocessBackend {
        SubprocessBackend::with_tool_dir(self.dir.join("bin"))
            .env(fake_juju::STATE_ENV, self.dir.join("state.json"))
            .trace(false)
    }

    fn state(&self) -> State {
        State::load(&self.dir.join("state.json")).unwrap()
    }
}

impl Drop for World {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A bag of either side: the runtime's (read order kept) or the emulator's state (sorted).
fn bag<B: FromIterator<(String, String)>>(pairs: &[(&str, &str)]) -> B {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn db_relation() -> Relation {
    Relation {
        id: 7,
        endpoint: "postgresql".into(),
        remote_app: "pg".into(),
        remote_app_data: bag(&[("endpoints", "pg:5432"), ("password", "p=w d")]),
        remote_units: BTreeMap::from([
            ("pg/0".to_owned(), bag(&[("ingress-address", "10.0.0.1")])),
            ("pg/1".to_owned(), BTreeMap::new()),
        ]),
        ..Relation::default()
    }
}

fn unit(leader: bool) -> State {
    let mut state = State::new("web/0");
    state.leader = leader;
    state
}

#[test]
fn config_get_and_is_leader() {
    let mut state = unit(true);
    state.config =
        serde_json::from_str(r#"{"port": 8000, "debug": false, "name": "x y"}"#).unwrap();
    let world = World::new(&state);
    let mut backend = world.backend();
    let config = backend.config_get().unwrap();
    assert_eq!(config, state.config);
    assert!(backend.is_leader().unwrap());
    let calls = world.state().calls;
    assert_eq!(calls[0].tool, "config-get");
    assert_eq!(calls[0].args, ["--format=json"]);
    assert_eq!(calls[1].args, ["--format=json"]);
    assert_eq!(backend.calls().get("config-get"), Some(&1));
}

#[test]
fn relation_round_trip_with_deletes() {
    let mut state = unit(true);
    state.relations.push(db_relation());
    let world = World::new(&state);
    let mut backend = world.backend();

    assert_eq!(backend.relation_ids("postgresql").unwrap(), [7]);
    assert!(backend.relation_ids("redis").unwrap().is_empty());
    assert_eq!(backend.relation_list(7).unwrap(), ["pg/0", "pg/1"]);
    assert_eq!(
        backend.relation_remote_app(7).unwrap().as_deref(),
        Some("pg")
    );
    assert_eq!(
        backend
            .relation_get(7, &BagOwner::App("pg".into()))
            .unwrap(),
        db_relation().remote_app_data.into_iter().collect::<Bag>()
    );
    assert_eq!(
        backend
            .relation_get(7, &BagOwner::Unit("pg/0".into()))
            .unwrap()["ingress-address"],
        "10.0.0.1"
    );

    let secret = "s3cr3t \"quoted\" = value";
    backend
        .relation_set(
            7,
            Scope::App,
            &bag(&[("database", "web"), ("password", secret)]),
        )
        .unwrap();
    backend
        .relation_set(7, Scope::Unit, &bag(&[("a", "1"), ("b", "2")]))
        .unwrap();
    backend
        .relation_set(7, Scope::Unit, &bag(&[("a", ""), ("c", "3")]))
        .unwrap();

    assert_eq!(
        backend
            .relation_get(7, &BagOwner::Unit("web/0".into()))
            .unwrap(),
        bag::<Bag>(&[("b", "2"), ("c", "3")])
    );
    assert_eq!(
        backend
            .relation_get(7, &BagOwner::App("web".into()))
            .unwrap(),
        bag::<Bag>(&[("database", "web"), ("password", secret)])
    );

    let after = world.state();
    assert_eq!(
        after.relations[0].local_unit_data,
        bag(&[("b", "2"), ("c", "3")])
    );
    // stdin is never logged; argv never carries relation data.
    let sets: Vec<_> = after
        .calls
        .iter()
        .filter(|c| c.tool == "relation-set")
        .map(|c| c.args.clone())
        .collect();
    assert_eq!(sets[0], ["-r", "7", "--app", "--file", "-"]);
    assert_eq!(sets[1], ["-r", "7", "--file", "-"]);
    let log = serde_json::to_string(&after.calls).unwrap();
    assert!(!log.contains("s3cr3t"));
}

#[test]
fn unknown_relation_is_relation_not_found() {
    let world = World::new(&unit(true));
    let mut backend = world.backend();
    let err = backend
        .relation_get(39, &BagOwner::Unit("pg/0".into()))
        .unwrap_err();
    assert_eq!(
        err,
        HookToolError::RelationNotFound {
            tool: "relation-get".into(),
            message: "invalid value \"39\" for option -r: relation not found".into(),
        }
    );
    assert!(matches!(
        backend.relation_list(39),
        Err(HookToolError::RelationNotFound { .. })
    ));
    assert!(matches!(
        backend.relation_set(39, Scope::Unit, &bag(&[("a", "1")])),
        Err(HookToolError::RelationNotFound { .. })
    ));
}

#[test]
fn non_leader_app_writes_are_refused() {
    let mut state = unit(false);
    state.relations.push(db_relation());
    let world = World::new(&state);
    let mut backend = world.backend();
    assert!(!backend.is_leader().unwrap());
    let err = backend
        .relation_set(7, Scope::App, &bag(&[("password", "hunter2")]))
        .unwrap_err();
    assert!(matches!(err, HookToolError::NotLeader { .. }), "{err:?}");
    assert!(!err.to_string().contains("hunter2"));
    let err = backend
        .status_set(Scope::App, &Status::active())
        .unwrap_err();
    assert!(matches!(err, HookToolError::NotLeader { .. }), "{err:?}");
    // Reading our own app bag as a non-leader is refused too (non-peer relation).
    assert!(matches!(
        backend.relation_get(7, &BagOwner::App("web".into())),
        Err(HookToolError::PermissionDenied { .. })
    ));
    let after = world.state();
    assert!(after.relations[0].local_app_data.is_empty());
    assert_eq!(after.app_status, None);
    // The unit's own writes still work.
    backend
        .relation_set(7, Scope::Unit, &bag(&[("x", "1")]))
        .unwrap();
    backend.status_set(Scope::Unit, &Status::active()).unwrap();
}

#[test]
fn secret_refresh_peek_and_label() {
    let mut state = unit(true);
    state.secrets.push(Secret {
        id: "secret:d1k2".into(),
        label: None,
        tracked: bag(&[("key", "old")]),
        latest: bag(&[("key", "new")]),
    });
    let world = World::new(&state);
    let mut backend = world.backend();
    let query = |id: Option<&str>, label: Option<&str>, refresh, peek| SecretQuery {
        id: id.map(str::to_owned),
        label: label.map(str::to_owned),
        refresh,
        peek,
    };

    // Unknown label: not found until an id+label read attaches it.
    assert!(matches!(
        backend.secret_get(&query(None, Some("app-key"), false, false)),
        Err(HookToolError::SecretNotFound { .. })
    ));
    assert_eq!(
        backend
            .secret_get(&query(Some("secret:d1k2"), Some("app-key"), false, false))
            .unwrap(),
        bag::<Bag>(&[("key", "old")])
    );
    assert_eq!(world.state().secrets[0].label.as_deref(), Some("app-key"));
    // Peek reads latest without moving the tracked revision.
    assert_eq!(
        backend
            .secret_get(&query(None, Some("app-key"), false, true))
            .unwrap(),
        bag::<Bag>(&[("key", "new")])
    );
    assert_eq!(
        backend
            .secret_get(&query(None, Some("app-key"), false, false))
            .unwrap(),
        bag::<Bag>(&[("key", "old")])
    );
    // Refresh moves tracked to latest.
    assert_eq!(
        backend
            .secret_get(&query(Some("d1k2"), None, true, false))
            .unwrap(),
        bag::<Bag>(&[("key", "new")])
    );
    assert_eq!(world.state().secrets[0].tracked, bag(&[("key", "new")]));
    let err = backend
        .secret_get(&query(Some("secret:nope"), None, false, false))
        .unwrap_err();
    assert_eq!(
        err,
        HookToolError::SecretNotFound {
            tool: "secret-get".into(),
            message: "secret \"secret:nope\" not found".into(),
        }
    );
}

#[test]
fn status_set_keeps_history() {
    let world = World::new(&unit(true));
    let mut backend = world.backend();
    backend
        .status_set(Scope::Unit, &Status::maintenance("installing"))
        .unwrap();
    backend
        .status_set(Scope::Unit, &Status::blocked("-needs config "))
        .unwrap();
    backend
        .status_set(Scope::App, &Status::waiting("for db"))
        .unwrap();
    let after = world.state();
    assert_eq!(
        after.unit_status,
        Some(StatusEntry::new("blocked", "-needs config "))
    );
    assert_eq!(
        after.unit_status_history,
        [
            StatusEntry::new("unknown", ""),
            StatusEntry::new("maintenance", "installing")
        ]
    );
    assert_eq!(
        after.app_status,
        Some(StatusEntry::new("waiting", "for db"))
    );
    assert_eq!(after.app_status_history, [StatusEntry::new("unknown", "")]);
    assert_eq!(
        after.calls[1].args,
        ["--application=False", "blocked", "--", "-needs config "]
    );
}

#[test]
fn ports_open_close_and_list() {
    let mut state = unit(true);
    state.opened_ports = vec!["80/tcp".into()];
    let world = World::new(&state);
    let mut backend = world.backend();
    assert_eq!(backend.opened_ports().unwrap(), [Port::tcp(80)]);
    backend.open_port(&Port::tcp(8000)).unwrap();
    backend.open_port(&Port::tcp(8000)).unwrap();
    backend.close_port(&Port::tcp(80)).unwrap();
    assert_eq!(backend.opened_ports().unwrap(), [Port::tcp(8000)]);
    assert_eq!(world.state().opened_ports, ["8000/tcp"]);
    assert_eq!(backend.calls().get("open-port"), Some(&2));
}

#[test]
fn actions_get_set_fail() {
    let mut state = unit(true);
    state.action = Some(Action {
        params: serde_json::from_str(r#"{"username": "bob", "count": 3}"#).unwrap(),
        ..Action::default()
    });
    let world = World::new(&state);
    let mut backend = world.backend();
    let params = backend.action_get().unwrap();
    assert_eq!(params["username"], "bob");
    assert_eq!(params["count"], 3);
    backend
        .action_set(&bag(&[("password", "a=b c 'd'"), ("user.name", "bob")]))
        .unwrap();
    backend.action_fail("-could not rotate").unwrap();
    let action = world.state().action.unwrap();
    assert_eq!(action.results["password"], "a=b c 'd'");
    assert_eq!(action.results["user.name"], "bob");
    assert_eq!(action.failure.as_deref(), Some("-could not rotate"));
    // A bad key is a usage error (exit 2), surfaced as Failed without the value.
    let err = backend
        .action_set(&bag(&[("Bad_Key", "secret-value")]))
        .unwrap_err();
    assert!(matches!(err, HookToolError::Failed { .. }), "{err:?}");
    assert!(!err.to_string().contains("secret-value"));
}

#[test]
fn outside_an_action_action_tools_fail() {
    let world = World::new(&unit(true));
    let mut backend = world.backend();
    let err = backend.action_get().unwrap_err();
    assert_eq!(
        err,
        HookToolError::Failed {
            tool: "action-get".into(),
            message: "not running an action".into(),
        }
    );
}

#[test]
fn juju_log_and_network_get() {
    let mut state = unit(true);
    state.bindings.insert(
        "juju-info".into(),
        vec!["10.1.2.3".into(), "10.1.2.4".into()],
    );
    let world = World::new(&state);
    let mut backend = world.backend();
    backend.juju_log(LogLevel::Warning, "--not a flag").unwrap();
    assert_eq!(
        backend.ingress_address("juju-info").unwrap().as_deref(),
        Some("10.1.2.3")
    );
    assert!(matches!(
        backend.ingress_address("nope"),
        Err(HookToolError::Failed { .. })
    ));
    let after = world.state();
    assert_eq!(after.logs[0].level, "WARNING");
    assert_eq!(after.logs[0].message, "--not a flag");
}

#[test]
fn missing_state_file_is_a_clean_failure() {
    let world = World::new(&unit(true));
    let mut backend = SubprocessBackend::with_tool_dir(world.dir.join("bin"))
        .env(fake_juju::STATE_ENV, world.dir.join("missing.json"));
    let err = backend.is_leader().unwrap_err();
    assert!(matches!(err, HookToolError::Failed { .. }), "{err:?}");
}

#[test]
fn goal_state_lists_endpoints_with_their_apps_and_units() {
    let mut state = unit(true);
    state.relations.push(db_relation());
    state.relations.push(Relation {
        id: 1,
        endpoint: "secret-storage".into(),
        remote_app: "web".into(),
        peer: true,
        remote_units: BTreeMap::from([("web/1".to_owned(), fake_juju::Bag::new())]),
        ..Relation::default()
    });
    let world = World::new(&state);
    let goal = world.backend().goal_relations().unwrap().unwrap();
    let names =
        |endpoint: &str| -> Vec<&str> { goal[endpoint].iter().map(String::as_str).collect() };
    assert_eq!(names("postgresql"), ["pg", "pg/0", "pg/1"]);
    assert_eq!(names("secret-storage"), ["web/1"]);
    assert!(!goal.contains_key("mysql"));
    assert_eq!(world.state().called_tools(), ["goal-state"]);
}

#[test]
fn juju_asks_goal_state_once_instead_of_relation_ids_per_endpoint() {
    use paas_charm_runtime::juju::{Event, HookContext, Juju};
    let mut state = unit(true);
    state.relations.push(db_relation());
    let world = World::new(&state);
    let vars: BTreeMap<String, String> = [
        ("JUJU_DISPATCH_PATH", "hooks/config-changed"),
        ("JUJU_UNIT_NAME", "web/0"),
        ("JUJU_MODEL_NAME", "m"),
        ("JUJU_VERSION", "3.6.14"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    let ctx = HookContext::from_vars(&vars).unwrap();
    assert_eq!(ctx.event, Event::ConfigChanged);
    let mut juju = Juju::new(Box::new(world.backend()), ctx);
    juju.set_peer_endpoints(["secret-storage".to_owned()]);
    for endpoint in ["mysql", "mongodb", "logging", "ingress"] {
        assert!(juju.relations(endpoint).unwrap().is_empty());
    }
    let db = juju.relation("postgresql").unwrap().unwrap();
    assert_eq!((db.id, db.remote_app.as_deref()), (7, Some("pg")));
    assert!(juju.relations("secret-storage").unwrap().is_empty());
    assert_eq!(
        world.state().called_tools(),
        ["goal-state", "relation-ids", "relation-ids"],
        "no relation-ids for endpoints goal-state does not list, no relation-list --app"
    );
}
