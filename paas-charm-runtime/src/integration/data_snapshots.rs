//! Snapshots of the environment every data integration gives, for a Python framework (Flask)
//! and for Spring Boot's property forms, from the relation data of the public scenarios.

use std::collections::BTreeMap;

use crate::env::Env;
use crate::framework::FrameworkKind;
use crate::integration::database::{Mongodb, Mysql, Postgresql};
use crate::integration::rabbitmq::RabbitMq;
use crate::integration::redis::Redis;
use crate::integration::s3::S3;
use crate::integration::test_support::*;
use crate::integration::valkey::Valkey;
use crate::integration::Integration;
use crate::juju::Bag;
use crate::testing::juju::{MemoryBackend, MemorySecret};

/// One related application: endpoint, interface, remote app, its bag, its units' bags, our
/// unit bag additions, and the secrets it shares.
struct Provider {
    endpoint: &'static str,
    interface: &'static str,
    remote_app: &'static str,
    app: Vec<(&'static str, &'static str)>,
    units: Vec<(&'static str, Vec<(&'static str, &'static str)>)>,
    local_unit: Vec<(&'static str, &'static str)>,
    secrets: Vec<MemorySecret>,
}

const REQUESTED: &str = r#"["username", "password", "tls", "tls-ca", "uris", "read-only-uris", "entity-name", "entity-password"]"#;

fn env_of<I: Integration>(kind: FrameworkKind, provider: &Provider) -> BTreeMap<String, String> {
    let app = match kind {
        FrameworkKind::SpringBoot => "spring-boot-k8s",
        _ => "flask-k8s",
    };
    let unit = format!("{app}/0");
    let mut backend = MemoryBackend::new(&unit);
    backend.leader = true;
    let units: Vec<(&str, Bag)> = provider.units.iter().map(|(u, b)| (*u, bag(b))).collect();
    let mut rel = relation(
        2,
        provider.endpoint,
        provider.interface,
        provider.remote_app,
        bag(&provider.app),
        &units,
    );
    rel.local_unit_data.extend(bag(&provider.local_unit));
    backend.relations.push(rel);
    backend.secrets.extend(provider.secrets.iter().cloned());
    let hook = Hook::plain(&unit, "config-changed");
    let m = meta(app, &[(provider.endpoint, provider.interface, Some(true))]);
    let mut world = World::new(kind, m, backend, &hook);
    let mut integration = I::bind(&world.meta).expect("bound");
    integration
        .load(&mut world.cx())
        .expect("valid relation data");
    assert!(integration.is_ready());
    let mut env = Env::new();
    crate::framework::integration_env(world.framework, &integration, &mut env);
    env_pairs(&env).into_iter().collect()
}

fn snapshot<I: Integration>(name: &str, provider: &Provider) {
    for (kind, label) in [
        (FrameworkKind::Flask, "flask"),
        (FrameworkKind::SpringBoot, "spring_boot"),
    ] {
        insta::assert_json_snapshot!(format!("{name}_{label}"), env_of::<I>(kind, provider));
    }
}

fn granted(id: &str, content: &[(&str, &str)]) -> MemorySecret {
    granted_secret(id, bag(content))
}

#[test]
fn postgresql_env() {
    snapshot::<Postgresql>(
        "postgresql",
        &Provider {
            endpoint: "postgresql",
            interface: "postgresql_client",
            remote_app: "postgresql-k8s",
            app: vec![
                ("database", "flask-k8s"),
                (
                    "endpoints",
                    "postgresql-k8s-primary.test-model.svc.cluster.local:5432",
                ),
                ("secret-user", "secret:cstgtq7mp25c77d05kbg"),
                ("version", "16.6"),
            ],
            units: vec![("postgresql-k8s/0", vec![])],
            local_unit: vec![("requested-secrets", REQUESTED)],
            secrets: vec![granted(
                "secret:cstgtq7mp25c77d05kbg",
                &[
                    ("username", "relation_id_7"),
                    ("password", "hT4wQz8nBv2Lr6Yc"),
                ],
            )],
        },
    );
}

#[test]
fn mysql_env() {
    snapshot::<Mysql>(
        "mysql",
        &Provider {
            endpoint: "mysql",
            interface: "mysql_client",
            remote_app: "mysql-k8s",
            app: vec![
                (
                    "endpoints",
                    "mysql-k8s-primary.test-model.svc.cluster.local:3306",
                ),
                ("username", "relation-11"),
                ("password", "mYsQlPa55w0rd"),
            ],
            units: vec![("mysql-k8s/0", vec![])],
            local_unit: vec![],
            secrets: vec![],
        },
    );
}

#[test]
fn mongodb_env() {
    snapshot::<Mongodb>(
        "mongodb",
        &Provider {
            endpoint: "mongodb",
            interface: "mongodb_client",
            remote_app: "mongodb-k8s",
            app: vec![
                ("database", "app-db"),
                ("endpoints", "mongodb-k8s-0.mongodb-k8s-endpoints:27017"),
                ("secret-user", "secret:cu0mg7lmp25c77d05kc0"),
            ],
            units: vec![("mongodb-k8s/0", vec![])],
            local_unit: vec![("requested-secrets", REQUESTED)],
            secrets: vec![granted(
                "secret:cu0mg7lmp25c77d05kc0",
                &[
                    ("username", "relation-13"),
                    ("password", "Mg0PwQ7rT2"),
                    (
                        "uris",
                        "mongodb://relation-13:Mg0PwQ7rT2@mongodb-k8s-0.mongodb-k8s-endpoints:27017/app-db?replicaSet=mongodb-k8s&authSource=admin",
                    ),
                ],
            )],
        },
    );
}

#[test]
fn redis_env() {
    snapshot::<Redis>(
        "redis",
        &Provider {
            endpoint: "redis",
            interface: "redis",
            remote_app: "redis-k8s",
            app: vec![(
                "leader-host",
                "redis-k8s-0.redis-k8s-endpoints.test-model.svc.cluster.local",
            )],
            units: vec![(
                "redis-k8s/0",
                vec![("hostname", "10.1.88.132"), ("port", "6379")],
            )],
            local_unit: vec![],
            secrets: vec![],
        },
    );
}

#[test]
fn valkey_env() {
    snapshot::<Valkey>(
        "valkey",
        &Provider {
            endpoint: "valkey",
            interface: "valkey_client",
            remote_app: "valkey",
            app: vec![
                ("version", "v1"),
                (
                    "requests",
                    "[{\"resource\": \"*\", \"request-id\": \"b3d8fd1d180bf28b\", \"salt\": \"k3yV4lK3ySalt001\", \"endpoints\": \"valkey-0.valkey-endpoints:6379\", \"read-only-endpoints\": \"valkey-1.valkey-endpoints:6379\", \"sentinel-endpoints\": \"valkey-0.valkey-endpoints:26379\", \"secret-user\": \"secret:0i1km3nrjrbeveosrg7c\", \"mode\": \"sentinel\", \"version\": \"9.0.1\"}]",
                ),
            ],
            units: vec![("valkey/0", vec![])],
            local_unit: vec![],
            secrets: vec![granted(
                "secret:0i1km3nrjrbeveosrg7c",
                &[("username", "relation-9-7f3c"), ("password", "vAlK3yPw")],
            )],
        },
    );
}

#[test]
fn s3_env() {
    snapshot::<S3>(
        "s3",
        &Provider {
            endpoint: "s3",
            interface: "s3",
            remote_app: "s3-integrator",
            app: vec![
                ("access-key", "AKIAIOSFODNN7EXAMPLE"),
                ("secret-key", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
                ("bucket", "paas-media"),
                ("region", "eu-central-1"),
                ("storage-class", "STANDARD"),
                ("endpoint", "https://s3.eu-central-1.amazonaws.com"),
                ("path", "/uploads/"),
                ("s3-api-version", "s3v4"),
                ("s3-uri-style", "host"),
                (
                    "tls-ca-chain",
                    "[\"-----BEGIN CERTIFICATE-----\\nMIIBszCCAVmgAwIBAgIU\\n-----END CERTIFICATE-----\"]",
                ),
                ("attributes", "[\"x-amz-server-side-encryption:AES256\"]"),
            ],
            units: vec![("s3-integrator/0", vec![])],
            local_unit: vec![],
            secrets: vec![],
        },
    );
}

#[test]
fn rabbitmq_env() {
    // rabbitmq-server (machine) dialect: two units, each with its hostname.
    snapshot::<RabbitMq>(
        "rabbitmq_server",
        &Provider {
            endpoint: "rabbitmq",
            interface: "rabbitmq",
            remote_app: "rabbitmq-server",
            app: vec![],
            units: vec![
                (
                    "rabbitmq-server/0",
                    vec![
                        ("hostname", "10.58.171.158"),
                        ("password", "LGg6HMJXPF8G3cHM"),
                    ],
                ),
                (
                    "rabbitmq-server/1",
                    vec![
                        ("hostname", "10.58.171.159"),
                        ("password", "LGg6HMJXPF8G3cHM"),
                    ],
                ),
            ],
            local_unit: vec![],
            secrets: vec![],
        },
    );
    // rabbitmq-k8s dialect: the application bag.
    snapshot::<RabbitMq>(
        "rabbitmq_k8s",
        &Provider {
            endpoint: "rabbitmq",
            interface: "rabbitmq",
            remote_app: "rabbitmq-k8s",
            app: vec![
                (
                    "hostname",
                    "rabbitmq-k8s-endpoints.test-model.svc.cluster.local",
                ),
                ("password", "3m036hhyiDHs"),
            ],
            units: vec![(
                "rabbitmq-k8s/0",
                vec![("private-address", "10.152.183.168")],
            )],
            local_unit: vec![],
            secrets: vec![],
        },
    );
}
