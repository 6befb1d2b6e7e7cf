//! PostgreSQL, MySQL and MongoDB (integrations.md §2.1, §3, §5.4): the data_platform_libs v0
//! `DatabaseRequires` protocol as paas-charm 1.12.3 uses it, one implementation for the three.

use crate::env::url::decompose;
use crate::env::Env;
use crate::integration::data_common::unparsable_url;
use crate::integration::data_interfaces::{
    diff_and_snapshot, fetch_fields, json_list, register_new_secrets, PROVIDED_SECRETS,
    REQUESTED_SECRETS,
};
use crate::integration::{Cx, Integration, IntegrationError, Provided, Trigger};
use crate::juju::{CharmMeta, Event, RelationEventKind, Scope};

/// Which database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DbKind {
    /// `postgresql` / `postgresql_client`.
    Postgresql,
    /// `mysql` / `mysql_client`.
    Mysql,
    /// `mongodb` / `mongodb_client`.
    Mongodb,
}

impl DbKind {
    /// The endpoint name (also the URI scheme and the env prefix, upper-cased).
    pub fn endpoint(self) -> &'static str {
        match self {
            DbKind::Postgresql => "postgresql",
            DbKind::Mysql => "mysql",
            DbKind::Mongodb => "mongodb",
        }
    }

    /// The interface name.
    pub fn interface(self) -> &'static str {
        match self {
            DbKind::Postgresql => "postgresql_client",
            DbKind::Mysql => "mysql_client",
            DbKind::Mongodb => "mongodb_client",
        }
    }
}

/// A database integration of a given kind.
#[derive(Debug, Clone)]
pub struct Database {
    kind: DbKind,
    required: bool,
    /// The connection URI(s) once usable.
    uris: Option<String>,
    /// The env computed at load (the decomposition can fail, which must show at load).
    vars: Vec<(String, String)>,
}

impl Database {
    fn bind_kind(kind: DbKind, meta: &CharmMeta) -> Option<Self> {
        let relation = meta.requires_with(kind.endpoint(), kind.interface())?;
        Some(Self {
            kind,
            required: relation.is_required(),
            uris: None,
            vars: Vec::new(),
        })
    }

    /// The connection URI paas-charm builds (after `load`), if usable.
    pub fn uris(&self) -> Option<&str> {
        self.uris.as_deref()
    }

    fn handle(&mut self, cx: &mut Cx<'_>) -> Result<Vec<Trigger>, IntegrationError> {
        let endpoint = self.kind.endpoint();
        let Some(id) = cx.juju.event_relation_id(endpoint) else {
            return Ok(Vec::new());
        };
        let Event::Relation { kind, .. } = cx.juju.event().clone() else {
            return Ok(Vec::new());
        };
        match kind {
            RelationEventKind::Created => {
                if !cx.juju.is_leader()? {
                    return Ok(Vec::new());
                }
                let app = cx.juju.ctx.app_name.clone();
                let mut app_values = vec![("database".to_owned(), app)];
                if cx.juju.ctx.juju_version.major >= 3 {
                    let requested = json_list(REQUESTED_SECRETS);
                    let provided = json_list(PROVIDED_SECRETS);
                    app_values.push(("requested-secrets".into(), requested.clone()));
                    app_values.push(("provided-secrets".into(), provided.clone()));
                    cx.juju.update_bag(
                        id,
                        Scope::Unit,
                        [
                            ("requested-secrets".to_owned(), requested),
                            ("provided-secrets".to_owned(), provided),
                        ],
                    )?;
                }
                cx.juju.update_bag(id, Scope::App, app_values)?;
                Ok(Vec::new())
            }
            RelationEventKind::Changed => {
                if cx.juju.remote_app(id)?.is_none() {
                    return Ok(Vec::new());
                }
                let remote = cx.juju.remote_app_bag(id)?;
                let diff = diff_and_snapshot(cx.juju, id, &remote)?;
                register_new_secrets(cx.juju, endpoint, id, &remote, &diff)?;
                let credentials_shared = (diff.added.contains("username")
                    && diff.added.contains("password"))
                    || diff.added.contains("secret-user");
                // The library looks for `entity-type` in the provider's copy of our request
                // (its `data` JSON), not in the bag itself.
                let entity_type = remote
                    .get("data")
                    .and_then(|text| crate::json::from_str::<serde_json::Value>(text).ok())
                    .is_some_and(|data| data.get("entity-type").is_some());
                if credentials_shared && !entity_type {
                    return Ok(vec![Trigger::ReconcileWithMigrations]);
                }
                if diff.added.contains("endpoints") || diff.changed.contains("endpoints") {
                    return Ok(vec![Trigger::ReconcileWithMigrations]);
                }
                Ok(Vec::new())
            }
            RelationEventKind::Broken => Ok(vec![Trigger::Reconcile]),
            RelationEventKind::Joined | RelationEventKind::Departed => Ok(Vec::new()),
        }
    }

    fn read(&mut self, cx: &mut Cx<'_>) -> Result<(), IntegrationError> {
        self.uris = None;
        self.vars.clear();
        let endpoint = self.kind.endpoint();
        let Some(relation) = cx.juju.relation(endpoint)? else {
            return Ok(());
        };
        if relation.remote_app.is_none() {
            return Ok(());
        }
        let remote = cx.juju.remote_app_bag(relation.id)?;
        let data = fetch_fields(
            cx.juju,
            endpoint,
            relation.id,
            &remote,
            &["uris", "endpoints", "username", "password", "database"],
        )?;
        let uris = if let Some(uris) = data.get("uris").filter(|u| !u.is_empty()) {
            uris.clone()
        } else {
            let field = |k: &str| data.get(k).filter(|v| !v.is_empty());
            let (Some(endpoints), Some(username), Some(password)) =
                (field("endpoints"), field("username"), field("password"))
            else {
                return Ok(());
            };
            let database = data
                .get("database")
                .cloned()
                .unwrap_or_else(|| cx.juju.ctx.app_name.clone());
            let first = endpoints.split(',').next().unwrap_or_default();
            // Built at its exact size: the password can be megabytes (format! may double it).
            let parts = [
                endpoint, "://", username, ":", password, "@", first, "/", &database,
            ];
            let mut uri = String::with_capacity(parts.iter().map(|p| p.len()).sum());
            parts.iter().for_each(|p| uri.push_str(p));
            uri
        };
        let unparsable = |err| unparsable_url(endpoint, "connection URI", &err);
        let prefix = format!("{}_DB", endpoint.to_uppercase());
        let vars = decompose(&prefix, &uris, true).map_err(unparsable)?;
        let provided = Provided::Database {
            endpoint,
            uris: &uris,
        };
        cx.framework.check(&provided, unparsable)?;
        self.vars = vars;
        self.uris = Some(uris);
        Ok(())
    }
}

macro_rules! database_integration {
    ($(#[$doc:meta])* $name:ident, $kind:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone)]
        pub struct $name(pub Database);

        impl Integration for $name {
            fn bind(meta: &CharmMeta) -> Option<Self> {
                Database::bind_kind($kind, meta).map($name)
            }

            fn name(&self) -> &str {
                $kind.endpoint()
            }

            fn required(&self) -> bool {
                self.0.required
            }

            fn handle_event(&mut self, cx: &mut Cx<'_>) -> Result<Vec<Trigger>, IntegrationError> {
                self.0.handle(cx)
            }

            fn load(&mut self, cx: &mut Cx<'_>) -> Result<(), IntegrationError> {
                self.0.read(cx)
            }

            fn is_ready(&self) -> bool {
                self.0.uris.is_some()
            }

            fn env(&self, env: &mut Env) {
                for (name, value) in &self.0.vars {
                    env.set(name.clone(), value.clone());
                }
            }

            fn provided(&self) -> Option<Provided<'_>> {
                let uris = self.0.uris.as_deref()?;
                Some(Provided::Database {
                    endpoint: $kind.endpoint(),
                    uris,
                })
            }
        }
    };
}

database_integration!(
    /// PostgreSQL (`postgresql` endpoint, `postgresql_client` interface).
    Postgresql,
    DbKind::Postgresql
);
database_integration!(
    /// MySQL (`mysql` endpoint, `mysql_client` interface).
    Mysql,
    DbKind::Mysql
);
database_integration!(
    /// MongoDB (`mongodb` endpoint, `mongodb_client` interface).
    Mongodb,
    DbKind::Mongodb
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::FrameworkKind;
    use crate::integration::test_support::*;
    use crate::testing::juju::MemoryBackend;

    const REQ: &str = r#"["username", "password", "tls", "tls-ca", "uris", "read-only-uris", "entity-name", "entity-password"]"#;
    const PROV: &str = r#"["mtls-cert"]"#;

    fn flask_meta() -> CharmMeta {
        meta(
            "flask-k8s",
            &[
                ("postgresql", "postgresql_client", Some(true)),
                ("mysql", "mysql_client", Some(true)),
                ("mongodb", "mongodb_client", Some(true)),
            ],
        )
    }

    fn requested_unit_bag() -> Vec<(&'static str, &'static str)> {
        vec![
            ("egress-subnets", "192.0.2.0"),
            ("ingress-address", "192.0.2.0"),
            ("private-address", "192.0.2.0"),
            ("provided-secrets", PROV),
            ("requested-secrets", REQ),
        ]
    }

    #[test]
    fn binding_and_required() {
        let m = flask_meta();
        let pg = Postgresql::bind(&m).unwrap();
        assert_eq!(pg.name(), "postgresql");
        assert!(!pg.required());
        let m = meta("x", &[("postgresql", "postgresql_client", None)]);
        assert!(Postgresql::bind(&m).unwrap().required());
        assert!(Mysql::bind(&m).is_none());
        let m = meta("x", &[("db", "postgresql_client", None)]);
        assert!(Postgresql::bind(&m).is_none());
        let m = meta("x", &[("mongodb", "mongodb_client", Some(false))]);
        assert!(Mongodb::bind(&m).unwrap().required());
    }

    // flask/flask_pg_relation_created_leader
    #[test]
    fn relation_created_leader_writes_the_request() {
        let mut backend = MemoryBackend::new("flask-k8s/0");
        backend.leader = true;
        backend.relations.push(relation(
            2,
            "postgresql",
            "postgresql_client",
            "postgresql-k8s",
            bag(&[]),
            &[("postgresql-k8s/0", bag(&[]))],
        ));
        let hook = Hook::relation(
            "flask-k8s/0",
            "postgresql-relation-created",
            2,
            "postgresql-k8s",
            None,
        );
        let mut world = World::new(FrameworkKind::Flask, flask_meta(), backend, &hook);
        let mut pg = Postgresql::bind(&world.meta).unwrap();
        let (triggers, env) = world.run(&mut pg);
        assert!(triggers.is_empty());
        assert!(env.unwrap().is_empty());
        assert!(!pg.is_ready());
        assert_eq!(
            world.app_bag(2),
            bag(&[
                ("database", "flask-k8s"),
                ("provided-secrets", PROV),
                ("requested-secrets", REQ)
            ])
        );
        assert_eq!(world.unit_bag(2), bag(&requested_unit_bag()));
    }

    // django/django_mongodb_created_non_leader
    #[test]
    fn relation_created_non_leader_writes_nothing() {
        let mut backend = MemoryBackend::new("django-k8s/1");
        backend.relations.push(relation(
            3,
            "mongodb",
            "mongodb_client",
            "mongodb-k8s",
            bag(&[]),
            &[("mongodb-k8s/0", bag(&[]))],
        ));
        let hook = Hook::relation(
            "django-k8s/1",
            "mongodb-relation-created",
            3,
            "mongodb-k8s",
            None,
        );
        let m = meta("django-k8s", &[("mongodb", "mongodb_client", Some(true))]);
        let mut world = World::new(FrameworkKind::Django, m, backend, &hook);
        let mut db = Mongodb::bind(&world.meta).unwrap();
        let (triggers, _) = world.run(&mut db);
        assert!(triggers.is_empty());
        assert_eq!(
            world.unit_bag(3),
            bag(&[
                ("egress-subnets", "192.0.2.0"),
                ("ingress-address", "192.0.2.0"),
                ("private-address", "192.0.2.0"),
            ])
        );
    }

    // flask/flask_pg_secret_user_changed
    #[test]
    fn secret_user_shared_reconciles_with_migrations() {
        let mut backend = MemoryBackend::new("flask-k8s/0");
        backend.leader = true;
        let remote = bag(&[
            ("database", "flask-k8s"),
            (
                "endpoints",
                "postgresql-k8s-primary.test-model.svc.cluster.local:5432",
            ),
            (
                "read-only-endpoints",
                "postgresql-k8s-replicas.test-model.svc.cluster.local:5432",
            ),
            ("secret-user", "secret:cstgtq7mp25c77d05kbg"),
            ("version", "16.6"),
        ]);
        let mut rel = relation(
            2,
            "postgresql",
            "postgresql_client",
            "postgresql-k8s",
            remote,
            &[("postgresql-k8s/0", bag(&[]))],
        );
        rel.local_unit_data = bag(&requested_unit_bag());
        backend.relations.push(rel);
        backend.secrets.push(granted_secret(
            "secret:cstgtq7mp25c77d05kbg",
            bag(&[
                ("username", "relation_id_7"),
                ("password", "hT4wQz8nBv2Lr6Yc"),
            ]),
        ));
        let hook = Hook::relation(
            "flask-k8s/0",
            "postgresql-relation-changed",
            2,
            "postgresql-k8s",
            Some("postgresql-k8s/0"),
        );
        let mut world = World::new(FrameworkKind::Flask, flask_meta(), backend, &hook);
        let mut pg = Postgresql::bind(&world.meta).unwrap();
        let (triggers, env) = world.run(&mut pg);
        assert_eq!(triggers, vec![Trigger::ReconcileWithMigrations]);
        let host = "postgresql-k8s-primary.test-model.svc.cluster.local";
        assert_eq!(
            env_pairs(&env.unwrap()),
            pairs(&[
                (
                    "POSTGRESQL_DB_CONNECT_STRING",
                    &format!("postgresql://relation_id_7:hT4wQz8nBv2Lr6Yc@{host}:5432/flask-k8s")
                ),
                ("POSTGRESQL_DB_FRAGMENT", ""),
                ("POSTGRESQL_DB_HOSTNAME", host),
                ("POSTGRESQL_DB_NAME", "flask-k8s"),
                (
                    "POSTGRESQL_DB_NETLOC",
                    &format!("relation_id_7:hT4wQz8nBv2Lr6Yc@{host}:5432")
                ),
                ("POSTGRESQL_DB_PARAMS", ""),
                ("POSTGRESQL_DB_PASSWORD", "hT4wQz8nBv2Lr6Yc"),
                ("POSTGRESQL_DB_PATH", "/flask-k8s"),
                ("POSTGRESQL_DB_PORT", "5432"),
                ("POSTGRESQL_DB_QUERY", ""),
                ("POSTGRESQL_DB_SCHEME", "postgresql"),
                ("POSTGRESQL_DB_USERNAME", "relation_id_7"),
            ])
        );
        assert_eq!(
            world.unit_bag(2).get("data").map(String::as_str),
            Some("{\"database\": \"flask-k8s\", \"endpoints\": \"postgresql-k8s-primary.test-model.svc.cluster.local:5432\", \"read-only-endpoints\": \"postgresql-k8s-replicas.test-model.svc.cluster.local:5432\", \"secret-user\": \"secret:cstgtq7mp25c77d05kbg\", \"version\": \"16.6\"}")
        );
        assert!(world.secret_by_label("postgresql.2.user.secret").is_some());
    }

    /// The library registers every newly published `secret-<group>` with its label on
    /// relation-changed: `tls` and `extra` as well as `user`, though paas-charm reads only the
    /// user secret's content. A second change adds nothing and registers nothing.
    #[test]
    fn every_new_secret_group_gets_its_label() {
        let mut backend = MemoryBackend::new("flask-k8s/0");
        backend.leader = true;
        let remote = bag(&[
            ("database", "flask-k8s"),
            ("endpoints", "pg-primary:5432"),
            ("secret-user", "secret:d0user00000000000000"),
            ("secret-tls", "secret:d0tls000000000000000"),
            ("secret-extra", "secret:d0extra0000000000000"),
        ]);
        let mut rel = relation(
            2,
            "postgresql",
            "postgresql_client",
            "postgresql-k8s",
            remote,
            &[("postgresql-k8s/0", bag(&[]))],
        );
        rel.local_unit_data = bag(&requested_unit_bag());
        backend.relations.push(rel);
        backend.secrets.push(granted_secret(
            "secret:d0user00000000000000",
            bag(&[("username", "u7"), ("password", "p7")]),
        ));
        backend.secrets.push(granted_secret(
            "secret:d0tls000000000000000",
            bag(&[("tls", "true"), ("tls-ca", "CA")]),
        ));
        backend.secrets.push(granted_secret(
            "secret:d0extra0000000000000",
            bag(&[("extra", "x")]),
        ));
        let hook = Hook::relation(
            "flask-k8s/0",
            "postgresql-relation-changed",
            2,
            "postgresql-k8s",
            Some("postgresql-k8s/0"),
        );
        let mut world = World::new(FrameworkKind::Flask, flask_meta(), backend, &hook);
        let mut pg = Postgresql::bind(&world.meta).unwrap();
        let (triggers, env) = world.run(&mut pg);
        assert_eq!(triggers, vec![Trigger::ReconcileWithMigrations]);
        assert_eq!(
            env.unwrap().get("POSTGRESQL_DB_CONNECT_STRING").as_deref(),
            Some("postgresql://u7:p7@pg-primary:5432/flask-k8s")
        );
        assert_eq!(
            world.secret_by_label("postgresql.2.user.secret"),
            Some(bag(&[("username", "u7"), ("password", "p7")]))
        );
        assert_eq!(
            world.secret_by_label("postgresql.2.tls.secret"),
            Some(bag(&[("tls", "true"), ("tls-ca", "CA")]))
        );
        assert_eq!(
            world.secret_by_label("postgresql.2.extra.secret"),
            Some(bag(&[("extra", "x")]))
        );
        assert_eq!(world.secret_by_label("postgresql.2.mtls.secret"), None);
    }

    /// A `secret-tls` we may not read fails the library's hook: invalid relation data here.
    #[test]
    fn an_unreadable_new_tls_secret_blocks() {
        let mut backend = MemoryBackend::new("flask-k8s/0");
        backend.leader = true;
        let mut rel = relation(
            2,
            "postgresql",
            "postgresql_client",
            "postgresql-k8s",
            bag(&[("secret-tls", "secret:d0gone00000000000000")]),
            &[("postgresql-k8s/0", bag(&[]))],
        );
        rel.local_unit_data = bag(&requested_unit_bag());
        backend.relations.push(rel);
        let hook = Hook::relation(
            "flask-k8s/0",
            "postgresql-relation-changed",
            2,
            "postgresql-k8s",
            Some("postgresql-k8s/0"),
        );
        let mut world = World::new(FrameworkKind::Flask, flask_meta(), backend, &hook);
        let mut pg = Postgresql::bind(&world.meta).unwrap();
        assert_eq!(
            pg.handle_event(&mut world.cx()).unwrap_err().to_string(),
            "Invalid postgresql relation data: the secret secret:d0gone00000000000000 cannot be read (not found)."
        );
    }

    /// `database_created` is skipped only when the provider's copy of our request (`data`)
    /// names an `entity-type`; a top-level `entity-type` key does not count.
    #[test]
    fn entity_type_is_read_from_the_providers_data() {
        for (remote, reconciles) in [
            (
                vec![
                    ("username", "u"),
                    ("password", "p"),
                    ("entity-type", "USER"),
                ],
                true,
            ),
            (
                vec![
                    ("username", "u"),
                    ("password", "p"),
                    (
                        "data",
                        "{\"database\": \"flask-k8s\", \"entity-type\": \"USER\"}",
                    ),
                ],
                false,
            ),
        ] {
            let mut world = plain_world(
                FrameworkKind::Flask,
                "flask-k8s",
                "postgresql",
                &remote,
                "postgresql-relation-changed",
            );
            let mut pg = Postgresql::bind(&world.meta).unwrap();
            let triggers = pg.handle_event(&mut world.cx()).unwrap();
            assert_eq!(
                triggers,
                if reconciles {
                    vec![Trigger::ReconcileWithMigrations]
                } else {
                    vec![]
                },
                "{remote:?}"
            );
        }
    }

    fn plain_world(
        kind: FrameworkKind,
        app: &str,
        endpoint: &str,
        remote: &[(&str, &str)],
        hook: &str,
    ) -> World {
        let remote_unit = format!("{endpoint}-k8s/0");
        let rel = relation(
            2,
            endpoint,
            &format!("{endpoint}_client"),
            &format!("{endpoint}-k8s"),
            bag(remote),
            &[(&remote_unit, bag(&[]))],
        );
        let unit = format!("{app}/0");
        relation_world(kind, &unit, true, rel, None, hook, Some(&remote_unit))
    }

    // fastapi/fastapi_mysql
    #[test]
    fn plain_credentials_mysql() {
        let mut world = plain_world(
            FrameworkKind::FastApi,
            "fastapi-k8s",
            "mysql",
            &[
                ("database", "fastapi-k8s"),
                ("endpoints", "test-mysql:3306"),
                ("username", "test-username"),
                ("password", "test-password"),
            ],
            "mysql-relation-changed",
        );
        let mut db = Mysql::bind(&world.meta).unwrap();
        assert!(db.required());
        let (triggers, env) = world.run(&mut db);
        assert_eq!(triggers, vec![Trigger::ReconcileWithMigrations]);
        assert!(db.is_ready());
        let env = env.unwrap();
        assert_eq!(
            env_pairs(&env),
            pairs(&[
                (
                    "MYSQL_DB_CONNECT_STRING",
                    "mysql://test-username:test-password@test-mysql:3306/fastapi-k8s"
                ),
                ("MYSQL_DB_FRAGMENT", ""),
                ("MYSQL_DB_HOSTNAME", "test-mysql"),
                ("MYSQL_DB_NAME", "fastapi-k8s"),
                (
                    "MYSQL_DB_NETLOC",
                    "test-username:test-password@test-mysql:3306"
                ),
                ("MYSQL_DB_PARAMS", ""),
                ("MYSQL_DB_PASSWORD", "test-password"),
                ("MYSQL_DB_PATH", "/fastapi-k8s"),
                ("MYSQL_DB_PORT", "3306"),
                ("MYSQL_DB_QUERY", ""),
                ("MYSQL_DB_SCHEME", "mysql"),
                ("MYSQL_DB_USERNAME", "test-username"),
            ])
        );
        // Our snapshot holds the remote bag (keys in the order the bag gives them).
        let data = world.unit_bag(2).get("data").cloned().unwrap();
        let parsed: serde_json::Value = serde_json::from_str(&data).unwrap();
        assert_eq!(
            parsed,
            serde_json::json!({"database": "fastapi-k8s", "endpoints": "test-mysql:3306", "username": "test-username", "password": "test-password"})
        );
    }

    #[test]
    fn second_change_without_new_keys_does_not_reconcile() {
        let remote = [
            ("database", "go-k8s"),
            ("endpoints", "pg:5432"),
            ("username", "u"),
            ("password", "p"),
            ("version", "16"),
        ];
        let mut world = plain_world(
            FrameworkKind::Go,
            "go-k8s",
            "postgresql",
            &remote,
            "postgresql-relation-changed",
        );
        let mut db = Postgresql::bind(&world.meta).unwrap();
        let _ = world.run(&mut db);
        let snapshot = world.unit_bag(2);
        // Same data again: nothing new.
        let mut backend = MemoryBackend::new("go-k8s/0");
        backend.leader = true;
        let mut rel = relation(
            2,
            "postgresql",
            "postgresql_client",
            "postgresql-k8s",
            bag(&[
                ("database", "go-k8s"),
                ("endpoints", "pg:5432"),
                ("username", "u"),
                ("password", "p"),
                ("version", "17"),
            ]),
            &[("postgresql-k8s/0", bag(&[]))],
        );
        rel.local_unit_data = snapshot.clone();
        backend.relations.push(rel.clone());
        let hook = Hook::relation(
            "go-k8s/0",
            "postgresql-relation-changed",
            2,
            "postgresql-k8s",
            Some("postgresql-k8s/0"),
        );
        let m = world.meta.clone();
        let mut world2 = World::new(FrameworkKind::Go, m.clone(), backend, &hook);
        let (triggers, _) = world2.run(&mut db);
        assert!(
            triggers.is_empty(),
            "version change alone does not reconcile"
        );
        // Endpoints changed: reconcile with migrations.
        let mut backend = MemoryBackend::new("go-k8s/0");
        backend.leader = true;
        rel.remote_app_data
            .insert("endpoints".into(), "pg2:5432".into());
        rel.local_unit_data = snapshot;
        backend.relations.push(rel);
        let mut world3 = World::new(FrameworkKind::Go, m, backend, &hook);
        let (triggers, env) = world3.run(&mut db);
        assert_eq!(triggers, vec![Trigger::ReconcileWithMigrations]);
        assert_eq!(
            env.unwrap().get("POSTGRESQL_DB_HOSTNAME").as_deref(),
            Some("pg2")
        );
    }

    #[test]
    fn readiness_rules() {
        type Case<'a> = (&'a [(&'a str, &'a str)], Option<&'a str>);
        let cases: &[Case<'_>] = &[
            (&[], None),
            (&[("password", "p"), ("endpoints", "e")], None),
            (&[("username", "u"), ("endpoints", "e")], None),
            (&[("username", "u"), ("password", "p")], None),
            (&[("uris", "test-uri")], Some("test-uri")),
            (
                &[
                    ("username", "test-user"),
                    ("password", "test-password"),
                    ("database", "test-database"),
                    ("endpoints", "test-endpoint"),
                ],
                Some("postgresql://test-user:test-password@test-endpoint/test-database"),
            ),
            (
                &[
                    ("username", "test-user"),
                    ("password", "test-password"),
                    ("endpoints", "test-endpoint-0,test-endpoint-1"),
                ],
                Some("postgresql://test-user:test-password@test-endpoint-0/flask-k8s"),
            ),
        ];
        for (remote, expected) in cases {
            let mut world = plain_world(
                FrameworkKind::Flask,
                "flask-k8s",
                "postgresql",
                remote,
                "update-status",
            );
            let mut db = Postgresql::bind(&world.meta).unwrap();
            db.load(&mut world.cx()).unwrap();
            assert_eq!(db.0.uris(), *expected, "{remote:?}");
            assert_eq!(db.is_ready(), expected.is_some());
        }
    }

    #[test]
    fn unparsable_password_is_invalid_data() {
        let mut world = plain_world(
            FrameworkKind::Flask,
            "flask-k8s",
            "postgresql",
            &[
                ("username", "relation-5"),
                ("password", "p@ss:w/rd"),
                ("endpoints", "pg:5432"),
            ],
            "config-changed",
        );
        let mut db = Postgresql::bind(&world.meta).unwrap();
        let err = db.load(&mut world.cx()).unwrap_err().to_string();
        assert_eq!(
            err,
            "Invalid postgresql relation data: the connection URI cannot be parsed (its port \
             is not a number from 0 to 65535: several hosts in one address, or a credential \
             containing '/', '?' or '#')."
        );
        // No piece of the password reaches the status.
        assert!(!err.contains("rd") && !err.contains("p@ss"), "{err}");
    }

    #[test]
    fn broken_reconciles_without_migrations() {
        let mut backend = MemoryBackend::new("django-k8s/0");
        backend.leader = true;
        let mut rel = relation(
            2,
            "postgresql",
            "postgresql_client",
            "postgresql-k8s",
            bag(&[]),
            &[],
        );
        rel.hidden = true;
        backend.relations.push(rel);
        let hook = Hook::relation(
            "django-k8s/0",
            "postgresql-relation-broken",
            2,
            "postgresql-k8s",
            None,
        );
        let m = meta(
            "django-k8s",
            &[("postgresql", "postgresql_client", Some(false))],
        );
        let mut world = World::new(FrameworkKind::Django, m, backend, &hook);
        let mut db = Postgresql::bind(&world.meta).unwrap();
        let (triggers, env) = world.run(&mut db);
        assert_eq!(triggers, vec![Trigger::Reconcile]);
        assert!(env.unwrap().is_empty());
        assert!(db.required() && !db.is_ready());
    }

    // spring-boot/springboot_mysql_mongodb
    #[test]
    fn spring_boot_mysql_and_mongodb() {
        let mut backend = MemoryBackend::new("spring-boot-k8s/0");
        backend.leader = true;
        backend.relations.push(relation(
            2,
            "mysql",
            "mysql_client",
            "mysql-k8s",
            bag(&[
                ("database", "spring-boot-k8s"),
                (
                    "endpoints",
                    "mysql-k8s-primary.test-model.svc.cluster.local:3306",
                ),
                ("username", "relation-11"),
                ("password", "mYsQlPa55w0rd"),
                ("version", "8.0.41-0ubuntu0.22.04.1"),
            ]),
            &[("mysql-k8s/0", bag(&[]))],
        ));
        let mut mongo = relation(
            3,
            "mongodb",
            "mongodb_client",
            "mongodb-k8s",
            bag(&[
                ("database", "spring-boot-k8s"),
                ("endpoints", "mongodb-k8s-0.mongodb-k8s-endpoints:27017"),
                ("secret-user", "secret:cu0mg7lmp25c77d05kc0"),
                ("replset", "mongodb-k8s"),
            ]),
            &[("mongodb-k8s/0", bag(&[]))],
        );
        mongo.local_unit_data = bag(&requested_unit_bag());
        backend.relations.push(mongo);
        let uri = "mongodb://relation-13:Mg0PwQ7rT2@mongodb-k8s-0.mongodb-k8s-endpoints:27017/spring-boot-k8s?replicaSet=mongodb-k8s&authSource=admin";
        backend.secrets.push(granted_secret(
            "secret:cu0mg7lmp25c77d05kc0",
            bag(&[
                ("username", "relation-13"),
                ("password", "Mg0PwQ7rT2"),
                ("uris", uri),
            ]),
        ));
        let hook = Hook::relation(
            "spring-boot-k8s/0",
            "mongodb-relation-changed",
            3,
            "mongodb-k8s",
            Some("mongodb-k8s/0"),
        );
        let m = meta(
            "spring-boot-k8s",
            &[
                ("mysql", "mysql_client", Some(true)),
                ("mongodb", "mongodb_client", Some(true)),
            ],
        );
        let mut world = World::new(FrameworkKind::SpringBoot, m, backend, &hook);
        let mut mysql = Mysql::bind(&world.meta).unwrap();
        let mut mongodb = Mongodb::bind(&world.meta).unwrap();
        let (mysql_triggers, mysql_env) = world.run(&mut mysql);
        let (mongo_triggers, mongo_env) = world.run(&mut mongodb);
        assert!(mysql_triggers.is_empty());
        assert_eq!(mongo_triggers, vec![Trigger::ReconcileWithMigrations]);
        assert_eq!(
            env_pairs(&mongo_env.unwrap()),
            pairs(&[("spring.data.mongodb.uri", uri)])
        );
        let host = "mysql-k8s-primary.test-model.svc.cluster.local";
        assert_eq!(
            env_pairs(&mysql_env.unwrap()),
            pairs(&[
                (
                    "MYSQL_DB_CONNECT_STRING",
                    &format!("mysql://relation-11:mYsQlPa55w0rd@{host}:3306/spring-boot-k8s")
                ),
                ("MYSQL_DB_FRAGMENT", ""),
                ("MYSQL_DB_HOSTNAME", host),
                ("MYSQL_DB_NAME", "spring-boot-k8s"),
                (
                    "MYSQL_DB_NETLOC",
                    &format!("relation-11:mYsQlPa55w0rd@{host}:3306")
                ),
                ("MYSQL_DB_PARAMS", ""),
                ("MYSQL_DB_PASSWORD", "mYsQlPa55w0rd"),
                ("MYSQL_DB_PATH", "/spring-boot-k8s"),
                ("MYSQL_DB_PORT", "3306"),
                ("MYSQL_DB_QUERY", ""),
                ("MYSQL_DB_SCHEME", "mysql"),
                ("MYSQL_DB_USERNAME", "relation-11"),
                ("spring.datasource.password", "mYsQlPa55w0rd"),
                (
                    "spring.datasource.url",
                    &format!("jdbc:mysql://{host}:3306/spring-boot-k8s")
                ),
                ("spring.datasource.username", "relation-11"),
                ("spring.jpa.hibernate.ddl-auto", "none"),
            ])
        );
        assert!(world.secret_by_label("mongodb.3.user.secret").is_some());
    }

    #[test]
    fn spring_boot_missing_port_renders_none() {
        let mut world = plain_world(
            FrameworkKind::SpringBoot,
            "spring-boot-k8s",
            "postgresql",
            &[("uris", "postgresql://u:p@pghost/db")],
            "config-changed",
        );
        let mut db = Postgresql::bind(&world.meta).unwrap();
        let (_, env) = world.run(&mut db);
        assert_eq!(
            env.unwrap().get("spring.datasource.url").as_deref(),
            Some("jdbc:postgresql://pghost:None/db")
        );
    }

    // spring-boot/springboot_postgresql_created_leader
    #[test]
    fn spring_boot_relation_created() {
        let mut world = plain_world(
            FrameworkKind::SpringBoot,
            "spring-boot-k8s",
            "postgresql",
            &[],
            "postgresql-relation-created",
        );
        let mut db = Postgresql::bind(&world.meta).unwrap();
        let (triggers, _) = world.run(&mut db);
        assert!(triggers.is_empty());
        assert_eq!(
            world.app_bag(2).get("database").map(String::as_str),
            Some("spring-boot-k8s")
        );
        assert_eq!(
            world
                .unit_bag(2)
                .get("requested-secrets")
                .map(String::as_str),
            Some(REQ)
        );
    }

    fn secret_world(failing: Option<&str>, with_secret: bool) -> World {
        let mut backend = MemoryBackend::new("flask-k8s/0");
        backend.leader = true;
        let mut rel = relation(
            2,
            "postgresql",
            "postgresql_client",
            "postgresql-k8s",
            bag(&[
                ("database", "flask-k8s"),
                ("endpoints", "pg-primary:5432"),
                ("secret-user", "secret:d0ne0000000000000000"),
            ]),
            &[("postgresql-k8s/0", bag(&[]))],
        );
        rel.local_unit_data = bag(&requested_unit_bag());
        backend.relations.push(rel);
        if with_secret {
            backend.secrets.push(granted_secret(
                "secret:d0ne0000000000000000",
                bag(&[("username", "relation-7"), ("password", "abcDEF123")]),
            ));
        }
        if let Some(stderr) = failing {
            backend
                .failing_tools
                .insert("secret-get".into(), stderr.into());
        }
        let hook = Hook::plain("flask-k8s/0", "config-changed");
        World::new(FrameworkKind::Flask, flask_meta(), backend, &hook)
    }

    // integrations.md E4.4, and a secret we cannot read.
    #[test]
    fn secret_user_is_read_or_blocks() {
        let mut world = secret_world(None, true);
        let mut pg = Postgresql::bind(&world.meta).unwrap();
        pg.load(&mut world.cx()).unwrap();
        assert_eq!(
            pg.0.uris(),
            Some("postgresql://relation-7:abcDEF123@pg-primary:5432/flask-k8s")
        );
        let mut world = secret_world(None, false);
        assert_eq!(
            pg.load(&mut world.cx()).unwrap_err().to_string(),
            "Invalid postgresql relation data: the secret secret:d0ne0000000000000000 cannot be read (not found)."
        );
        assert!(!pg.is_ready());
        let mut world = secret_world(Some("ERROR permission denied"), true);
        assert_eq!(
            pg.load(&mut world.cx()).unwrap_err().to_string(),
            "Invalid postgresql relation data: the secret secret:d0ne0000000000000000 cannot be read (permission denied)."
        );
        // Any other failure of the tool fails the hook.
        let mut world = secret_world(Some("ERROR connection refused"), true);
        assert!(matches!(
            pg.load(&mut world.cx()),
            Err(IntegrationError::Tool(_))
        ));
    }

    // Passwords are not encoded: '@' and '%' pass through, '/', '?' and '#' break the port.
    #[test]
    fn passwords_with_special_characters() {
        for (password, parsed) in [
            ("p@ss", Some("p@ss")),
            ("p%2Fss", Some("p%2Fss")),
            ("pa:ss", Some("pa:ss")),
            ("pa/ss", None),
            ("pa?ss", None),
            ("pa#ss", None),
        ] {
            let mut world = plain_world(
                FrameworkKind::Flask,
                "flask-k8s",
                "mysql",
                &[
                    ("username", "u"),
                    ("password", password),
                    ("endpoints", "db:3306"),
                ],
                "config-changed",
            );
            let mut db = Mysql::bind(&world.meta).unwrap();
            let result = db.load(&mut world.cx());
            match parsed {
                Some(expected) => {
                    result.unwrap();
                    let mut env = Env::new();
                    crate::framework::integration_env(world.framework, &db, &mut env);
                    assert_eq!(env.get("MYSQL_DB_PASSWORD").as_deref(), Some(expected));
                    assert_eq!(env.get("MYSQL_DB_HOSTNAME").as_deref(), Some("db"));
                }
                None => {
                    // The message is fixed: no piece of the password reaches the status.
                    assert_eq!(
                        result.unwrap_err().to_string(),
                        "Invalid mysql relation data: the connection URI cannot be parsed (its \
                         port is not a number from 0 to 65535: several hosts in one address, \
                         or a credential containing '/', '?' or '#').",
                        "{password}"
                    );
                }
            }
        }
    }

    // `uris` with several hosts in one authority: Python cannot read the port.
    #[test]
    fn multi_host_uris_block() {
        let mut world = plain_world(
            FrameworkKind::Flask,
            "flask-k8s",
            "mongodb",
            &[("uris", "mongodb://u:p@h0:27017,h1:27017/db")],
            "config-changed",
        );
        let mut db = Mongodb::bind(&world.meta).unwrap();
        let err = db.load(&mut world.cx()).unwrap_err().to_string();
        assert!(
            err.starts_with("Invalid mongodb relation data: the connection URI"),
            "{err}"
        );
        // Spring Boot only passes the first URI through: no parsing, no error.
        let mut world = plain_world(
            FrameworkKind::SpringBoot,
            "spring-boot-k8s",
            "mongodb",
            &[("uris", "mongodb://u:p@h0:27017,h1:27017/db")],
            "config-changed",
        );
        let mut db = Mongodb::bind(&world.meta).unwrap();
        let result = db.load(&mut world.cx()).map_err(|e| e.to_string());
        assert!(
            result.is_err(),
            "upstream decomposes before the Spring Boot mapping too"
        );
    }
}
