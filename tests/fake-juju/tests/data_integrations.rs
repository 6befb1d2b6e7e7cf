//! The data integrations end to end: a whole hook (`reconcile::run_hook`) whose relation data
//! flows through the real hook-tool processes of the `fake-hook-tool` emulator, for a leader
//! and a non-leader unit.

#![cfg(unix)]
#![allow(clippy::unwrap_used, missing_docs)]

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};

use fake_juju::{Bag, Relation, Secret, State, StatusEntry};
use paas_charm_runtime::framework::FrameworkKind;
use paas_charm_runtime::integration::database::Postgresql;
use paas_charm_runtime::integration::rabbitmq::RabbitMq;
use paas_charm_runtime::integration::redis::Redis;
use paas_charm_runtime::integration::s3::S3;
use paas_charm_runtime::integration::valkey::{request_id, Valkey};
use paas_charm_runtime::integration::Integration;
use paas_charm_runtime::juju::{CharmMeta, HookContext, Juju, SubprocessBackend};
use paas_charm_runtime::paas_config::PaasConfig;
use paas_charm_runtime::reconcile::{run_hook, Hook};
use paas_charm_runtime::testing::DynamicSet;
use paas_charm_runtime::testing::MemoryPebble;

/// A temp dir with the tools installed and a state file; removed on drop.
struct World {
    dir: PathBuf,
}

impl World {
    fn new(state: &State) -> Self {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let dir = std::env::temp_dir().join(format!(
            "fake-juju-data-{}-{}",
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

    /// Runs `hook` (with `JUJU_*` for relation `id` and `remote_unit`) through the emulator.
    fn run(&self, hook: &str, id: u32, remote_unit: Option<&str>, unit: &str) -> State {
        self.run_with_pebble(hook, id, remote_unit, unit).0
    }

    /// As `run`, also giving the workload's Pebble afterwards.
    fn run_with_pebble(
        &self,
        hook: &str,
        id: u32,
        remote_unit: Option<&str>,
        unit: &str,
    ) -> (State, MemoryPebble) {
        let endpoint = hook.split("-relation-").next().unwrap();
        let mut vars = BTreeMap::new();
        for (k, v) in [
            ("JUJU_DISPATCH_PATH", format!("hooks/{hook}")),
            ("JUJU_UNIT_NAME", unit.to_owned()),
            ("JUJU_VERSION", "3.6.14".to_owned()),
            ("JUJU_MODEL_NAME", "test-model".to_owned()),
            ("JUJU_CHARM_DIR", "/charm".to_owned()),
            ("JUJU_RELATION_ID", format!("{endpoint}:{id}")),
        ] {
            vars.insert(k.to_owned(), v);
        }
        if let Some(remote) = remote_unit {
            vars.insert("JUJU_REMOTE_UNIT".into(), remote.into());
            let app = remote.split('/').next().unwrap();
            vars.insert("JUJU_REMOTE_APP".into(), app.into());
        }
        let ctx = HookContext::from_vars(&vars).unwrap();
        let backend = SubprocessBackend::with_tool_dir(self.dir.join("bin"))
            .env(fake_juju::STATE_ENV, self.dir.join("state.json"))
            .trace(false);
        let mut juju = Juju::new(Box::new(backend), ctx);
        let rock = serde_json::from_value(serde_json::json!({
            "services": {"flask": {
                "override": "replace",
                "startup": "enabled",
                "command": "/bin/python3 -m gunicorn -c /flask/gunicorn.conf.py app:app -k [ sync ]"
            }}
        }))
        .unwrap();
        let mut pebble = MemoryPebble::with_rock_layer(rock);
        let meta = metadata();
        let mut redis = Redis::bind(&meta).unwrap();
        let mut valkey = Valkey::bind(&meta).unwrap();
        let mut s3 = S3::bind(&meta).unwrap();
        let mut rabbitmq = RabbitMq::bind(&meta).unwrap();
        let mut postgresql = Postgresql::bind(&meta).unwrap();
        let integrations: Vec<&mut dyn Integration> = vec![
            &mut redis,
            &mut valkey,
            &mut s3,
            &mut rabbitmq,
            &mut postgresql,
        ];
        let mut integrations = DynamicSet::from(integrations);
        run_hook(
            Hook {
                juju: &mut juju,
                pebble: &mut pebble,
                meta: &meta,
                framework: FrameworkKind::Flask.info(),
                facts: paas_charm_runtime::framework::facts(FrameworkKind::Flask),
                paas_config: Ok(PaasConfig::default()),
                actions: &|name| paas_charm_runtime::framework::action(FrameworkKind::Flask, name),
            },
            &mut integrations,
        )
        .unwrap();
        drop(juju);
        (State::load(&self.dir.join("state.json")).unwrap(), pebble)
    }
}

impl Drop for World {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn metadata() -> CharmMeta {
    serde_json::from_value(serde_json::json!({
        "name": "flask-k8s",
        "containers": {"flask-app": {"resource": "flask-app-image"}},
        "peers": {"secret-storage": {"interface": "secret-storage"}},
        "requires": {
            "redis": {"interface": "redis", "optional": true, "limit": 1},
            "valkey": {"interface": "valkey_client", "optional": true, "limit": 1},
            "s3": {"interface": "s3", "optional": true, "limit": 1},
            "rabbitmq": {"interface": "rabbitmq", "optional": true, "limit": 1},
            "postgresql": {"interface": "postgresql_client", "optional": true, "limit": 1}
        }
    }))
    .unwrap()
}

fn bag(pairs: &[(&str, &str)]) -> Bag {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn unit_state(unit: &str, leader: bool, relation: Relation) -> State {
    let mut state = State::new(unit);
    state.leader = leader;
    state.relations.push(Relation {
        id: 1,
        endpoint: "secret-storage".into(),
        remote_app: "flask-k8s".into(),
        peer: true,
        local_app_data: bag(&[("flask_secret_key", "test-secret-key")]),
        remote_app_data: bag(&[("flask_secret_key", "test-secret-key")]),
        ..Relation::default()
    });
    state.relations.push(relation);
    state
}

fn relation(id: u32, endpoint: &str, remote: &str, app: Bag, units: &[(&str, Bag)]) -> Relation {
    Relation {
        id,
        endpoint: endpoint.into(),
        remote_app: remote.into(),
        remote_app_data: app,
        remote_units: units
            .iter()
            .map(|(u, b)| ((*u).to_owned(), b.clone()))
            .collect(),
        ..Relation::default()
    }
}

fn relation_of(state: &State, id: u32) -> &Relation {
    state.relations.iter().find(|r| r.id == id).unwrap()
}

fn app_writes(state: &State) -> usize {
    state
        .calls
        .iter()
        .filter(|c| c.tool == "relation-set" && c.args.iter().any(|a| a == "--app"))
        .count()
}

fn active() -> Option<StatusEntry> {
    Some(StatusEntry::new("active", ""))
}

#[test]
fn rabbitmq_joined_leader_writes_username_and_vhost() {
    let rel = relation(
        7,
        "rabbitmq",
        "rabbitmq-server",
        Bag::new(),
        &[(
            "rabbitmq-server/0",
            bag(&[("hostname", "10.0.0.1"), ("password", "pw")]),
        )],
    );
    let world = World::new(&unit_state("flask-k8s/0", true, rel));
    let (after, pebble) = world.run_with_pebble(
        "rabbitmq-relation-joined",
        7,
        Some("rabbitmq-server/0"),
        "flask-k8s/0",
    );
    let (_, charm) = pebble.layers.iter().find(|(l, _)| l == "charm").unwrap();
    let env = &charm.services["flask"].environment;
    assert_eq!(
        env["RABBITMQ_CONNECT_STRINGS"],
        serde_json::json!("amqp://flask-k8s:pw@10.0.0.1:5672/%2F")
    );
    assert_eq!(env["RABBITMQ_VHOST"], serde_json::json!("/"));
    assert_eq!(
        relation_of(&after, 7).local_app_data,
        bag(&[("username", "flask-k8s"), ("vhost", "/")])
    );
    assert_eq!(app_writes(&after), 1);
    assert_eq!(after.unit_status, active());
    assert_eq!(after.app_status, active());
}

#[test]
fn rabbitmq_joined_non_leader_writes_nothing() {
    let rel = relation(
        7,
        "rabbitmq",
        "rabbitmq-server",
        Bag::new(),
        &[(
            "rabbitmq-server/0",
            bag(&[("hostname", "10.0.0.1"), ("password", "pw")]),
        )],
    );
    let world = World::new(&unit_state("flask-k8s/1", false, rel));
    let after = world.run(
        "rabbitmq-relation-joined",
        7,
        Some("rabbitmq-server/0"),
        "flask-k8s/1",
    );
    assert_eq!(relation_of(&after, 7).local_app_data, Bag::new());
    assert_eq!(app_writes(&after), 0);
    assert!(!after.calls.iter().any(|c| c.tool == "relation-set"));
    assert_eq!(after.unit_status, active());
    assert_eq!(
        after.app_status, None,
        "a non-leader sets no application status"
    );
}

#[test]
fn s3_joined_bucket_by_the_leader_only() {
    for (unit, leader) in [("flask-k8s/0", true), ("flask-k8s/1", false)] {
        let rel = relation(
            8,
            "s3",
            "s3-integrator",
            Bag::new(),
            &[("s3-integrator/0", Bag::new())],
        );
        let world = World::new(&unit_state(unit, leader, rel));
        let after = world.run("s3-relation-joined", 8, Some("s3-integrator/0"), unit);
        let expected = if leader {
            bag(&[("bucket", "flask-k8s")])
        } else {
            Bag::new()
        };
        assert_eq!(relation_of(&after, 8).local_app_data, expected, "{unit}");
        // No reconcile on joined: nobody set a status.
        assert_eq!(after.unit_status, None, "{unit}");
    }
}

#[test]
fn valkey_created_then_changed_on_a_non_leader() {
    // The leader writes the request.
    let rel = relation(
        9,
        "valkey",
        "valkey",
        Bag::new(),
        &[("valkey/0", Bag::new())],
    );
    let world = World::new(&unit_state("flask-k8s/0", true, rel));
    let after = world.run("valkey-relation-created", 9, None, "flask-k8s/0");
    let ours = &relation_of(&after, 9).local_app_data;
    assert_eq!(ours.get("version").map(String::as_str), Some("v1"));
    let requests: serde_json::Value = serde_json::from_str(&ours["requests"]).unwrap();
    let salt = requests[0]["salt"].as_str().unwrap().to_owned();
    let id = request_id("*", &salt);
    assert_eq!(requests[0]["request-id"], serde_json::json!(id));

    // The provider answers; a non-leader unit stores its snapshot in its own bag and
    // reconciles with the credentials from the secret.
    let response = format!(
        "[{{\"resource\": \"*\", \"request-id\": \"{id}\", \"salt\": \"{salt}\", \"endpoints\": \"valkey-0:6379\", \"secret-user\": \"secret:vk000000000000000000\", \"version\": \"9.0.1\"}}]"
    );
    let echo = format!(
        "{{\"{id}\": {}}}",
        &ours["requests"][1..ours["requests"].len() - 1]
    );
    let rel = relation(
        9,
        "valkey",
        "valkey",
        bag(&[("version", "v1"), ("requests", &response), ("data", &echo)]),
        &[("valkey/0", Bag::new())],
    );
    let mut state = unit_state("flask-k8s/1", false, rel);
    state.secrets.push(Secret {
        id: "secret:vk000000000000000000".into(),
        tracked: bag(&[("username", "relation-9"), ("password", "vpw")]),
        latest: bag(&[("username", "relation-9"), ("password", "vpw")]),
        ..Secret::default()
    });
    let world = World::new(&state);
    let after = world.run(
        "valkey-relation-changed",
        9,
        Some("valkey/0"),
        "flask-k8s/1",
    );
    let data = &relation_of(&after, 9).local_unit_data["data"];
    assert_eq!(
        *data,
        format!(
            "{{\"{id}\": {{\"resource\": \"*\", \"request-id\": \"{id}\", \"salt\": \"{salt}\", \"endpoints\": \"valkey-0:6379\", \"secret-user\": \"secret:vk000000000000000000\", \"version\": \"9.0.1\"}}}}"
        )
    );
    assert_eq!(app_writes(&after), 0);
    assert_eq!(after.unit_status, active());
    let label = format!("valkey.9.{id}.user.secret");
    assert_eq!(after.secrets[0].label.as_deref(), Some(label.as_str()));
}

#[test]
fn redis_invalid_port_blocks_through_the_tools() {
    let rel = relation(
        2,
        "redis",
        "redis-k8s",
        Bag::new(),
        &[(
            "redis-k8s/0",
            bag(&[("hostname", "10.1.88.132"), ("port", "notaport")]),
        )],
    );
    let world = World::new(&unit_state("flask-k8s/0", true, rel));
    let after = world.run(
        "redis-relation-changed",
        2,
        Some("redis-k8s/0"),
        "flask-k8s/0",
    );
    let blocked = Some(StatusEntry::new("blocked", "Invalid redis relation data."));
    assert_eq!(after.unit_status, blocked);
    assert_eq!(after.app_status, blocked);
}

const REQUESTED: &str = r#"["username", "password", "tls", "tls-ca", "uris", "read-only-uris", "entity-name", "entity-password"]"#;

#[test]
fn postgresql_created_by_the_leader_then_changed_on_a_non_leader() {
    let rel = relation(
        4,
        "postgresql",
        "postgresql-k8s",
        Bag::new(),
        &[("postgresql-k8s/0", Bag::new())],
    );
    let world = World::new(&unit_state("flask-k8s/0", true, rel));
    let after = world.run("postgresql-relation-created", 4, None, "flask-k8s/0");
    let ours = relation_of(&after, 4);
    assert_eq!(
        ours.local_app_data,
        bag(&[
            ("database", "flask-k8s"),
            ("provided-secrets", "[\"mtls-cert\"]"),
            ("requested-secrets", REQUESTED),
        ])
    );
    assert_eq!(
        ours.local_unit_data,
        bag(&[
            ("provided-secrets", "[\"mtls-cert\"]"),
            ("requested-secrets", REQUESTED)
        ])
    );
    assert_eq!(after.unit_status, None, "no reconcile on created");

    // The provider shares the credentials in a secret; a non-leader snapshots the bag in its
    // own unit bag, reads the secret under the library's label and restarts the workload.
    let mut rel = relation(
        4,
        "postgresql",
        "postgresql-k8s",
        bag(&[
            ("database", "flask-k8s"),
            ("endpoints", "pg-primary:5432"),
            ("secret-user", "secret:pguser00000000000000"),
        ]),
        &[("postgresql-k8s/0", Bag::new())],
    );
    rel.local_unit_data = bag(&[("requested-secrets", REQUESTED)]);
    let mut state = unit_state("flask-k8s/1", false, rel);
    state.secrets.push(Secret {
        id: "secret:pguser00000000000000".into(),
        tracked: bag(&[("username", "relation-7"), ("password", "abcDEF123")]),
        latest: bag(&[("username", "relation-7"), ("password", "abcDEF123")]),
        ..Secret::default()
    });
    let world = World::new(&state);
    let (after, pebble) = world.run_with_pebble(
        "postgresql-relation-changed",
        4,
        Some("postgresql-k8s/0"),
        "flask-k8s/1",
    );
    let ours = relation_of(&after, 4);
    assert_eq!(
        ours.local_unit_data.get("data").map(String::as_str),
        Some("{\"database\": \"flask-k8s\", \"endpoints\": \"pg-primary:5432\", \"secret-user\": \"secret:pguser00000000000000\"}")
    );
    assert_eq!(app_writes(&after), 0);
    assert_eq!(
        after.secrets[0].label.as_deref(),
        Some("postgresql.4.user.secret")
    );
    assert_eq!(after.unit_status, active());
    let (_, charm) = pebble.layers.iter().find(|(l, _)| l == "charm").unwrap();
    assert_eq!(
        charm.services["flask"].environment["POSTGRESQL_DB_CONNECT_STRING"],
        serde_json::json!("postgresql://relation-7:abcDEF123@pg-primary:5432/flask-k8s")
    );
}
