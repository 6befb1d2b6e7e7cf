//! Whole hooks with the data integrations, through `simulate` (the in-memory Juju and Pebble
//! the conformance test uses): required integrations, statuses, writes by leaders and
//! non-leaders, and bad relation data, starting from a public Flask scenario.

use serde_json::{json, Value};

use crate::juju::CharmMeta;
use crate::simulator::World;
use crate::testing::DynamicSet;

/// A Flask scenario whose metadata declares every integration endpoint (all optional).
const BASE: &str = include_str!("../../../tests/scenarios/flask/flask_redis_leader_host.json");

/// The data integrations a Flask charm lists.
const DATA: &[&str] = &[
    "postgresql",
    "mysql",
    "mongodb",
    "redis",
    "valkey",
    "s3",
    "rabbitmq",
];

/// The data integrations bound to `meta`.
fn data(meta: &CharmMeta) -> DynamicSet<'static> {
    DynamicSet::new().with_named(DATA, meta)
}

/// The base scenario with `edit` applied, run with the data integrations.
fn run(edit: impl FnOnce(&mut Value)) -> Value {
    let mut scenario: Value = serde_json::from_str(BASE).expect("scenario");
    scenario["relations"] = json!([]);
    scenario["event"] = json!("config-changed");
    scenario["event_args"] = json!({});
    edit(&mut scenario);
    let world =
        World::new(serde_json::from_value(scenario).expect("scenario shape")).expect("world");
    let mut set = data(&world.meta);
    world.run(&mut set)
}

fn require(scenario: &mut Value, endpoints: &[&str]) {
    for endpoint in endpoints {
        let requires = &mut scenario["metadata"]["requires"][*endpoint];
        requires
            .as_object_mut()
            .expect("declared endpoint")
            .remove("optional");
    }
}

fn relation(endpoint: &str, interface: &str, remote: &str, app: Value, units: Value) -> Value {
    json!({
        "endpoint": endpoint,
        "interface": interface,
        "id": 7,
        "remote_app_name": remote,
        "remote_app_data": app,
        "remote_units_data": units,
        "local_app_data": {},
        "local_unit_data": {
            "egress-subnets": "192.0.2.0",
            "ingress-address": "192.0.2.0",
            "private-address": "192.0.2.0"
        }
    })
}

fn relation_event(scenario: &mut Value, event: &str, remote_unit: Option<u32>) {
    scenario["event"] = json!(event);
    scenario["event_args"] = json!({"relation_id": 7, "remote_unit": remote_unit});
}

fn status(out: &Value) -> (String, String) {
    let s = &out["unit_status"];
    (
        s["name"].as_str().unwrap_or_default().to_owned(),
        s["message"].as_str().unwrap_or_default().to_owned(),
    )
}

fn written(out: &Value, endpoint: &str) -> Value {
    out["relations"]
        .as_array()
        .and_then(|rs| rs.iter().find(|r| r["endpoint"] == endpoint))
        .map(|r| r["written"].clone())
        .unwrap_or(Value::Null)
}

fn service_env(out: &Value) -> Value {
    out["pebble"]["plan"]["services"]["flask"]["environment"].clone()
}

#[test]
fn every_missing_required_integration_is_listed_in_order() {
    let out = run(|s| {
        require(
            s,
            &[
                "s3",
                "redis",
                "rabbitmq",
                "postgresql",
                "mysql",
                "mongodb",
                "valkey",
            ],
        )
    });
    assert_eq!(out["error"], Value::Null);
    assert_eq!(
        status(&out),
        (
            "blocked".into(),
            "missing integrations: mongodb, mysql, postgresql, rabbitmq, redis, s3".into()
        )
    );
}

#[test]
fn a_relation_without_usable_data_is_missing() {
    let out = run(|s| {
        require(s, &["redis", "s3"]);
        s["relations"] = json!([
            relation(
                "redis",
                "redis",
                "redis-k8s",
                json!({}),
                json!({"0": {"hostname": "10.1.88.132"}})
            ),
            relation("s3", "s3", "s3-integrator", json!({}), json!({"0": {}})),
        ]);
        s["relations"][1]["id"] = json!(8);
    });
    assert_eq!(
        status(&out),
        ("blocked".into(), "missing integrations: redis, s3".into())
    );
}

#[test]
fn invalid_data_blocks_before_the_missing_check() {
    let out = run(|s| {
        require(s, &["redis"]);
        s["relations"] = json!([relation(
            "s3",
            "s3",
            "s3-integrator",
            json!({"access-key": "12345", "secret-key": "s", "bucket": "b"}),
            json!({"0": {}})
        )]);
    });
    assert_eq!(
        status(&out),
        ("blocked".into(), "Invalid s3 relation data.".into())
    );
}

#[test]
fn rabbitmq_joined_leader_writes_and_non_leader_does_not() {
    for leader in [true, false] {
        let out = run(|s| {
            s["leader"] = json!(leader);
            s["relations"] = json!([relation(
                "rabbitmq",
                "rabbitmq",
                "rabbitmq-server",
                json!({}),
                json!({"0": {"hostname": "10.0.0.1", "password": "pw"}})
            )]);
            relation_event(s, "rabbitmq-relation-joined", Some(0));
        });
        assert_eq!(out["error"], Value::Null);
        assert_eq!(
            status(&out),
            ("active".into(), String::new()),
            "leader={leader}"
        );
        let expected = if leader {
            json!({"app": {"set": {"username": "flask-k8s", "vhost": "/"}}})
        } else {
            json!({})
        };
        assert_eq!(written(&out, "rabbitmq"), expected, "leader={leader}");
        let env = service_env(&out);
        assert_eq!(
            env["RABBITMQ_CONNECT_STRING"],
            json!("amqp://flask-k8s:pw@10.0.0.1:5672/%2F")
        );
        assert_eq!(env["RABBITMQ_VHOST"], json!("/"));
    }
}

#[test]
fn s3_joined_leader_writes_the_bucket_without_restart() {
    for leader in [true, false] {
        let out = run(|s| {
            s["leader"] = json!(leader);
            s["relations"] = json!([relation(
                "s3",
                "s3",
                "s3-integrator",
                json!({}),
                json!({"0": {}})
            )]);
            relation_event(s, "s3-relation-joined", Some(0));
        });
        let expected = if leader {
            json!({"app": {"set": {"bucket": "flask-k8s"}}})
        } else {
            json!({})
        };
        assert_eq!(written(&out, "s3"), expected, "leader={leader}");
        assert_eq!(out["status_history"]["unit"], json!([]), "no reconcile");
    }
}

#[test]
fn valkey_created_leader_writes_a_salted_request() {
    for leader in [true, false] {
        let out = run(|s| {
            s["leader"] = json!(leader);
            s["relations"] = json!([relation(
                "valkey",
                "valkey_client",
                "valkey",
                json!({}),
                json!({"0": {}})
            )]);
            relation_event(s, "valkey-relation-created", None);
        });
        let written = written(&out, "valkey");
        if leader {
            let set = &written["app"]["set"];
            assert_eq!(set["version"], json!("v1"));
            let requests: Value =
                serde_json::from_str(set["requests"].as_str().expect("requests")).expect("json");
            let salt = requests[0]["salt"].as_str().expect("salt");
            assert_eq!(
                requests[0]["request-id"],
                json!(crate::integration::valkey::request_id("*", salt))
            );
        } else {
            assert_eq!(written, json!({}));
        }
        assert_eq!(out["status_history"]["unit"], json!([]), "no reconcile");
    }
}

#[test]
fn redis_invalid_port_blocks_and_update_status_keeps_it() {
    for event in ["redis-relation-changed", "update-status"] {
        let out = run(|s| {
            s["relations"] = json!([relation(
                "redis",
                "redis",
                "redis-k8s",
                json!({}),
                json!({"0": {"hostname": "10.1.88.132", "port": "63 79"}})
            )]);
            relation_event(s, event, Some(0));
            if event == "update-status" {
                s["event_args"] = json!({});
            }
        });
        assert_eq!(out["error"], Value::Null, "{event}");
        assert_eq!(
            status(&out),
            ("blocked".into(), "Invalid redis relation data.".into()),
            "{event}"
        );
    }
}

#[test]
fn redis_broken_reconciles_and_drops_the_env() {
    let out = run(|s| {
        s["relations"] = json!([relation(
            "redis",
            "redis",
            "redis-k8s",
            json!({}),
            json!({})
        )]);
        relation_event(s, "redis-relation-broken", None);
    });
    assert_eq!(status(&out), ("active".into(), String::new()));
    let env = service_env(&out);
    assert!(env.get("REDIS_DB_CONNECT_STRING").is_none(), "{env}");
}

#[test]
fn unreadable_database_secret_blocks_naming_it() {
    let out = run(|s| {
        let mut rel = relation(
            "postgresql",
            "postgresql_client",
            "postgresql-k8s",
            json!({"database": "flask-k8s", "endpoints": "pg:5432", "secret-user": "secret:gone0000000000000000"}),
            json!({"0": {}}),
        );
        rel["local_unit_data"]["requested-secrets"] = json!(
            "[\"username\", \"password\", \"tls\", \"tls-ca\", \"uris\", \"read-only-uris\", \"entity-name\", \"entity-password\"]"
        );
        s["relations"] = json!([rel]);
        s["event"] = json!("config-changed");
    });
    assert_eq!(out["error"], Value::Null);
    assert_eq!(
        status(&out),
        (
            "blocked".into(),
            "Invalid postgresql relation data: the secret secret:gone0000000000000000 cannot be read (not found)."
                .into()
        )
    );
}

/// The scenarios of the other frameworks (whose reconcile is built on other branches) that use
/// these integrations: the integrations alone, run on the scenario's hook, must give exactly
/// the integration variables of paas-charm's recorded environment, write exactly its relation
/// data, and ask for a reconcile exactly when paas-charm restarted the workload.
mod other_frameworks {
    use std::collections::BTreeMap;

    use serde_json::Value;

    use std::ops::ControlFlow;

    use crate::env::Env;
    use crate::framework::FrameworkInfo;
    use crate::integration::test_support::World as DataWorld;
    use crate::integration::{ComposeEnv, Integration, IntegrationSet, WorkloadFacts};
    use crate::juju::{Event, Juju};
    use crate::paas_config::PaasConfig;
    use crate::simulator::{Scenario, World};
    use crate::testing::juju::{MemoryBackend, MemoryRelation, MemorySecret};
    use crate::testing::pebble::MemoryPebble;

    /// The integrations' part of the environment composition only.
    struct IntegrationsOnly {
        framework: &'static FrameworkInfo,
        env: Env,
    }

    impl ComposeEnv for IntegrationsOnly {
        fn framework(&mut self) {}

        fn integration(&mut self, integration: &dyn Integration) {
            crate::framework::integration_env(self.framework, integration, &mut self.env);
        }

        fn finish(&mut self) {}
    }

    /// Variables the data integrations own.
    const PREFIXES: &[&str] = &[
        "POSTGRESQL_DB_",
        "MYSQL_DB_",
        "MONGODB_DB_",
        "REDIS_DB_",
        "VALKEY_",
        "S3_",
        "RABBITMQ_",
        "spring.datasource.",
        "spring.jpa.",
        "spring.data.mongodb.",
        "spring.data.redis.",
        "spring.cloud.aws.",
        "spring.rabbitmq.",
    ];

    fn check(input: &str, output: &str) {
        let scenario: Scenario = serde_json::from_str(input).expect("scenario");
        let expected: Value = serde_json::from_str(output).expect("output");
        let name = scenario.name.clone();
        let sim = World::new(scenario.clone()).expect("world");
        let mut backend = MemoryBackend::new(&sim.ctx.unit_name);
        backend.leader = scenario.leader;
        let broken = matches!(
            &sim.ctx.event,
            Event::Relation {
                kind: crate::juju::RelationEventKind::Broken,
                ..
            }
        );
        for r in &scenario.relations {
            backend.relations.push(MemoryRelation {
                id: r.id,
                endpoint: r.endpoint.clone(),
                interface: r.interface.clone(),
                remote_app: r.remote_app_name.clone(),
                peer: false,
                remote_app_data: r.remote_app_data.clone(),
                remote_units: r
                    .remote_units_data
                    .iter()
                    .map(|(n, bag)| (format!("{}/{n}", r.remote_app_name), bag.clone()))
                    .collect(),
                local_app_data: r.local_app_data.clone(),
                local_unit_data: r.local_unit_data.clone(),
                hidden: broken && sim.ctx.relation_id == Some(r.id),
            });
        }
        backend.secrets = scenario
            .secrets
            .iter()
            .map(|s| MemorySecret {
                id: s.id.clone(),
                owner: s.owner.clone(),
                label: s.label.clone(),
                tracked_content: s.tracked_content.clone(),
                latest_content: s.latest_content.clone(),
            })
            .collect();
        backend.app_name = sim.ctx.app_name.clone();
        let mut world = DataWorld {
            juju: Juju::new(Box::new(backend), sim.ctx.clone()),
            meta: sim.meta.clone(),
            framework: sim.framework.info(),
            pebble: MemoryPebble::default(),
            paas_config: PaasConfig::default(),
            workload: WorkloadFacts::default(),
        };
        let mut set = super::data(&world.meta);
        let event = world.juju.event().clone();
        let triggers = set.handle_event(&event, &mut world.cx()).expect("handled");
        let _ = set.for_each(&mut |integration| {
            integration.load(&mut world.cx()).expect("valid data");
            ControlFlow::Continue(())
        });
        let mut env = IntegrationsOnly {
            framework: world.framework,
            env: Env::new(),
        };
        set.compose_env(&mut env);
        let env = env.env;
        world.juju.flush().expect("flush");

        // The environment paas-charm gave the workload, when this hook restarted it.
        if let Some(layer_env) = expected["pebble"]["layers"]["charm"]["services"]
            .as_object()
            .and_then(|services| services.values().find_map(|s| s.get("environment")))
            .and_then(Value::as_object)
        {
            let wanted: BTreeMap<String, String> = layer_env
                .iter()
                .filter(|(k, _)| PREFIXES.iter().any(|p| k.starts_with(p)))
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
                .collect();
            let ours: BTreeMap<String, String> = env.to_strings().into_iter().collect();
            assert_eq!(ours, wanted, "{name}: environment");
        }

        for out in expected["relations"].as_array().into_iter().flatten() {
            let id = out["id"].as_u64().expect("id") as u32;
            if out["endpoint"] == "secret-storage" {
                continue;
            }
            let unit: crate::juju::Bag =
                serde_json::from_value(out["local_unit_data"].clone()).expect("bag");
            // Byte for byte, the data_interfaces snapshot (`data`) included: it lists the
            // remote bag's keys in the scenario's order.
            assert_eq!(world.unit_bag(id), unit, "{name}: unit bag of {id}");
            if scenario.leader {
                let app: crate::juju::Bag =
                    serde_json::from_value(out["local_app_data"].clone()).expect("bag");
                assert_eq!(world.app_bag(id), app, "{name}: app bag of {id}");
            }
        }
        if matches!(sim.ctx.event, Event::Relation { .. }) {
            let restarted = expected["status_history"]["unit"]
                .as_array()
                .is_some_and(|h| !h.is_empty());
            assert_eq!(!triggers.is_empty(), restarted, "{name}: reconcile");
        }
    }

    macro_rules! scenario {
        ($test:ident, $path:literal) => {
            #[test]
            fn $test() {
                check(
                    include_str!(concat!("../../../tests/scenarios/", $path, ".json")),
                    include_str!(concat!("../../../tests/scenarios/", $path, ".out.json")),
                );
            }
        };
    }

    scenario!(django_pg_redis_s3, "django/django_pg_redis_s3");
    scenario!(
        django_mongodb_created_non_leader,
        "django/django_mongodb_created_non_leader"
    );
    scenario!(
        django_pg_database_created,
        "django/django_pg_database_created_manage_py"
    );
    scenario!(
        fastapi_rabbitmq_s3_saml_added,
        "fastapi/fastapi_rabbitmq_s3_saml_added"
    );
    scenario!(fastapi_mysql, "fastapi/fastapi_mysql");
    scenario!(go_rabbitmq_k8s_joined, "go/go_rabbitmq_k8s_joined");
    scenario!(go_redis_s3_added, "go/go_redis_s3_added");
    scenario!(
        expressjs_pg_changed,
        "expressjs/expressjs_pg_changed_migrate_sh"
    );
    scenario!(
        springboot_redis_s3_rabbitmq,
        "spring-boot/springboot_redis_s3_rabbitmq"
    );
    scenario!(
        springboot_rabbitmq_departed,
        "spring-boot/springboot_rabbitmq_departed"
    );
    scenario!(
        springboot_mysql_mongodb,
        "spring-boot/springboot_mysql_mongodb"
    );
    scenario!(
        springboot_postgresql_created,
        "spring-boot/springboot_postgresql_created_leader"
    );
    scenario!(
        expressjs_missing_postgresql,
        "expressjs/expressjs_missing_postgresql"
    );
    scenario!(
        django_pg_broken_required,
        "django/django_pg_broken_required"
    );
}
