//! The data providers: PostgreSQL, MySQL and MongoDB (data_interfaces), Redis, Valkey, S3 and
//! RabbitMQ.

use serde_json::json;

use super::{Provider, ProviderSide};
use crate::integration::data_interfaces::{json_list, PROVIDED_SECRETS, REQUESTED_SECRETS};

/// A data_interfaces database (PostgreSQL, MySQL, MongoDB) after the provider created our
/// user: its app bag holds `database`, `endpoints`, `version` and `secret-user` (a secret with
/// `username` and `password`, and `uris` for MongoDB); our app bag holds the database we asked
/// for and our unit bag the `requested-secrets` / `provided-secrets` the library writes.
#[derive(Debug, Clone, Default)]
pub struct Database {
    kind: DbKind,
    remote_app: Option<String>,
    units: Option<u32>,
    user: Option<String>,
    password: Option<String>,
    host: Option<String>,
    port: Option<String>,
    database: Option<String>,
    read_only_host: Option<String>,
    version: Option<String>,
    in_bag: bool,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum DbKind {
    #[default]
    Postgresql,
    Mysql,
    Mongodb,
}

/// PostgreSQL (`postgresql_client`), as postgresql-k8s provides it.
pub fn postgresql() -> Database {
    Database::default()
}

/// MySQL (`mysql_client`), as mysql-k8s provides it.
pub fn mysql() -> Database {
    Database {
        kind: DbKind::Mysql,
        ..Database::default()
    }
}

/// MongoDB (`mongodb_client`), as mongodb-k8s provides it (`uris` in the user secret).
pub fn mongodb() -> Database {
    Database {
        kind: DbKind::Mongodb,
        ..Database::default()
    }
}

impl Database {
    /// The provider application's name.
    pub fn remote_app(mut self, name: &str) -> Self {
        self.remote_app = Some(name.to_owned());
        self
    }

    /// The number of provider units.
    pub fn units(mut self, count: u32) -> Self {
        self.units = Some(count);
        self
    }

    /// The port (default 5432, 3306, 27017).
    pub fn port(mut self, port: u16) -> Self {
        self.port = Some(port.to_string());
        self
    }

    /// Publishes `username`/`password` in the app bag instead of a `secret-user` secret (what
    /// providers do on Juju 2 or with secrets disabled).
    pub fn credentials_in_bag(mut self) -> Self {
        self.in_bag = true;
        self
    }

    fn app(&self) -> &str {
        self.remote_app.as_deref().unwrap_or(match self.kind {
            DbKind::Postgresql => "postgresql-k8s",
            DbKind::Mysql => "mysql-k8s",
            DbKind::Mongodb => "mongodb-k8s",
        })
    }
}

setters!(Database {
    user: "The user the provider created (default `relation-<id>`).",
    password: "Its password.",
    host: "The primary's host (default `<remote app>-primary.<model>.svc.cluster.local`).",
    database: "The database name (default: our application's name, what the requirer asks).",
    read_only_host: "A replicas host (`read-only-endpoints`).",
    version: "The server version.",
});

impl Provider for Database {
    fn integration(&self) -> &str {
        match self.kind {
            DbKind::Postgresql => "postgresql",
            DbKind::Mysql => "mysql",
            DbKind::Mongodb => "mongodb",
        }
    }
    fn remote_app(&self) -> &str {
        self.app()
    }
    fn units(&self) -> u32 {
        self.units.unwrap_or(1)
    }

    fn lay_out(&self, side: &mut ProviderSide) {
        let remote = self.app().to_owned();
        let user = self
            .user
            .clone()
            .unwrap_or_else(|| format!("relation-{}", side.relation_id));
        let password = self
            .password
            .clone()
            .unwrap_or_else(|| "harness-password".into());
        let database = self
            .database
            .clone()
            .unwrap_or_else(|| side.app_name.clone());
        let (default_port, default_version) = match self.kind {
            DbKind::Postgresql => ("5432", "16.6"),
            DbKind::Mysql => ("3306", "8.0.41-0ubuntu0.22.04.1"),
            DbKind::Mongodb => ("27017", "6.0.6"),
        };
        let host = self.host.clone().unwrap_or_else(|| match self.kind {
            DbKind::Mongodb => format!("{remote}-0.{remote}-endpoints"),
            _ => side.service_host(&format!("{remote}-primary")),
        });
        let port = self.port.as_deref().unwrap_or(default_port);
        let endpoints = format!("{host}:{port}");
        side.set_app("database", database.clone());
        side.set_app("endpoints", endpoints.clone());
        if let Some(ro) = &self.read_only_host {
            side.set_app("read-only-endpoints", format!("{ro}:{port}"));
        }
        let uris = format!(
            "mongodb://{user}:{password}@{endpoints}/{database}?replicaSet={remote}&authSource=admin"
        );
        if self.in_bag {
            side.set_app("username", user);
            side.set_app("password", password);
            if self.kind == DbKind::Mongodb {
                side.set_app("uris", uris);
            }
        } else {
            let mut content = vec![("username", user.as_str()), ("password", password.as_str())];
            if self.kind == DbKind::Mongodb {
                content.push(("uris", uris.as_str()));
            }
            let id = side.share_secret(&content);
            side.set_app("secret-user", id);
        }
        if self.kind == DbKind::Mongodb {
            side.set_app("replset", remote);
        }
        side.set_app(
            "version",
            self.version.as_deref().unwrap_or(default_version),
        );
        let requested = json_list(REQUESTED_SECRETS);
        let provided = json_list(PROVIDED_SECRETS);
        side.our_app.insert("database".into(), database);
        side.our_app
            .insert("provided-secrets".into(), provided.clone());
        side.our_app
            .insert("requested-secrets".into(), requested.clone());
        side.our_unit.insert("provided-secrets".into(), provided);
        side.our_unit.insert("requested-secrets".into(), requested);
    }
}

/// Redis (`redis`), as redis-k8s provides it: `leader-host` in its app bag, `hostname` and
/// `port` in each unit's bag.
#[derive(Debug, Clone, Default)]
pub struct Redis {
    remote_app: Option<String>,
    units: Option<u32>,
    host: Option<String>,
    port: Option<String>,
}

/// Redis, as redis-k8s provides it.
pub fn redis() -> Redis {
    Redis::default()
}

common!(Redis, "redis-k8s");

impl Redis {
    /// The leader's host (default `redis-k8s-0.redis-k8s-endpoints.<model>.svc.cluster.local`).
    pub fn host(mut self, host: &str) -> Self {
        self.host = Some(host.to_owned());
        self
    }
    /// The port (default 6379).
    pub fn port(mut self, port: u16) -> Self {
        self.port = Some(port.to_string());
        self
    }
}

impl Provider for Redis {
    provider_impl!(Redis, "redis");

    fn lay_out(&self, side: &mut ProviderSide) {
        let remote = self.app().to_owned();
        let host = self
            .host
            .clone()
            .unwrap_or_else(|| side.service_host(&format!("{remote}-0.{remote}-endpoints")));
        let port = self.port.clone().unwrap_or_else(|| "6379".into());
        side.set_app("leader-host", host.clone());
        for (number, unit) in side.units.iter_mut() {
            let unit_host = if *number == 0 {
                host.clone()
            } else {
                format!("{remote}-{number}.{remote}-endpoints")
            };
            unit.insert("hostname".into(), unit_host);
            unit.insert("port".into(), port.clone());
        }
    }
}

/// Valkey (`valkey_client`), as the valkey charm answers our request: its `requests` list
/// answers the request our leader wrote (same salt and request id), with `endpoints`, `mode`
/// and `secret-user` (`username`, `password`).
#[derive(Debug, Clone, Default)]
pub struct Valkey {
    remote_app: Option<String>,
    units: Option<u32>,
    user: Option<String>,
    password: Option<String>,
    host: Option<String>,
    port: Option<String>,
    mode: Option<String>,
}

/// Valkey, as the valkey charm provides it.
pub fn valkey() -> Valkey {
    Valkey::default()
}

common!(Valkey, "valkey");
setters!(Valkey {
    user: "The user the provider created.",
    password: "Its password.",
    host: "The primary's host (default `valkey-0.valkey-endpoints.<model>.svc.cluster.local`).",
    mode: "`standalone` (default) or `sentinel`.",
});

impl Valkey {
    /// The port (default 6379).
    pub fn port(mut self, port: u16) -> Self {
        self.port = Some(port.to_string());
        self
    }
}

/// The salt of the request our leader wrote in an earlier hook.
const VALKEY_SALT: &str = "k3yV4lK3ySalt001";

impl Provider for Valkey {
    provider_impl!(Valkey, "valkey");

    fn lay_out(&self, side: &mut ProviderSide) {
        use crate::integration::valkey::{request_id, request_json};
        let remote = self.app().to_owned();
        let host = self
            .host
            .clone()
            .unwrap_or_else(|| side.service_host(&format!("{remote}-0.{remote}-endpoints")));
        let port = self.port.as_deref().unwrap_or("6379");
        let user = self
            .user
            .clone()
            .unwrap_or_else(|| format!("relation-{}", side.relation_id));
        let password = self.password.as_deref().unwrap_or("harness-password");
        let secret = side.share_secret(&[("username", &user), ("password", password)]);
        let response = json!([{
            "resource": "*",
            "request-id": request_id("*", VALKEY_SALT),
            "salt": VALKEY_SALT,
            "endpoints": format!("{host}:{port}"),
            "secret-user": secret,
            "mode": self.mode.as_deref().unwrap_or("standalone"),
            "version": "9.0.1",
        }]);
        // The provider echoes our requests under `data`, keyed by request id.
        let ours = request_json(VALKEY_SALT);
        let request = serde_json::from_str::<serde_json::Value>(&ours)
            .ok()
            .and_then(|list| list.get(0).cloned())
            .unwrap_or_default();
        let echo = json!({ request_id("*", VALKEY_SALT): request });
        side.set_app("version", "v1");
        side.set_app("requests", crate::env::python_json::dumps(&response));
        side.set_app("data", crate::env::python_json::dumps(&echo));
        side.our_app.insert("version".into(), "v1".into());
        side.our_app.insert("requests".into(), ours);
    }
}

/// S3 (`s3`), as s3-integrator provides it: keys, bucket, endpoint and options in its app bag.
#[derive(Debug, Clone, Default)]
pub struct S3 {
    remote_app: Option<String>,
    units: Option<u32>,
    access_key: Option<String>,
    secret_key: Option<String>,
    bucket: Option<String>,
    endpoint: Option<String>,
    region: Option<String>,
    path: Option<String>,
    uri_style: Option<String>,
    extra: Vec<(String, String)>,
}

/// S3, as s3-integrator provides it.
pub fn s3() -> S3 {
    S3::default()
}

common!(S3, "s3-integrator");
setters!(S3 {
    access_key: "`access-key`.",
    secret_key: "`secret-key`.",
    bucket: "`bucket` (default: our application's name).",
    endpoint: "`endpoint` (default `https://s3.example.com`).",
    region: "`region`.",
    path: "`path`.",
    uri_style: "`s3-uri-style` (`host` or `path`).",
});

impl S3 {
    /// Any other key of the provider's bag (`storage-class`, `s3-api-version`, `attributes`,
    /// `tls-ca-chain` ...), as the provider writes it.
    pub fn field(mut self, key: &str, value: &str) -> Self {
        self.extra.push((key.to_owned(), value.to_owned()));
        self
    }
}

impl Provider for S3 {
    provider_impl!(S3, "s3");

    fn lay_out(&self, side: &mut ProviderSide) {
        side.set_app(
            "access-key",
            self.access_key.as_deref().unwrap_or("harness-access-key"),
        );
        side.set_app(
            "secret-key",
            self.secret_key.as_deref().unwrap_or("harness-secret-key"),
        );
        let bucket = self.bucket.clone().unwrap_or_else(|| side.app_name.clone());
        side.set_app("bucket", bucket);
        side.set_app(
            "endpoint",
            self.endpoint.as_deref().unwrap_or("https://s3.example.com"),
        );
        for (key, value) in [
            ("region", &self.region),
            ("path", &self.path),
            ("s3-uri-style", &self.uri_style),
        ] {
            if let Some(value) = value {
                side.set_app(key, value.clone());
            }
        }
        for (key, value) in &self.extra {
            side.set_app(key, value.clone());
        }
    }
}

/// RabbitMQ (`rabbitmq`), as rabbitmq-k8s provides it: `hostname` and `password` in its app
/// bag (the user is our application's name, vhost `/`). [`RabbitMq::machine`] lays out
/// rabbitmq-server's dialect instead (each unit's bag).
#[derive(Debug, Clone, Default)]
pub struct RabbitMq {
    remote_app: Option<String>,
    units: Option<u32>,
    host: Option<String>,
    password: Option<String>,
    machine: bool,
}

/// RabbitMQ, as rabbitmq-k8s provides it.
pub fn rabbitmq() -> RabbitMq {
    RabbitMq::default()
}

common!(RabbitMq, "rabbitmq-k8s");
setters!(RabbitMq {
    host: "The broker's host (default `rabbitmq-k8s-endpoints.<model>.svc.cluster.local`).",
    password: "The password of our user.",
});

impl RabbitMq {
    /// rabbitmq-server's dialect: `hostname` and `password` in each unit's bag.
    pub fn machine(mut self) -> Self {
        self.machine = true;
        self
    }
}

impl Provider for RabbitMq {
    provider_impl!(RabbitMq, "rabbitmq");

    fn lay_out(&self, side: &mut ProviderSide) {
        let remote = self.app().to_owned();
        let password = self.password.as_deref().unwrap_or("harness-password");
        if self.machine {
            for (number, unit) in side.units.iter_mut() {
                let host = match (&self.host, number) {
                    (Some(host), 0) => host.clone(),
                    _ => format!("10.0.0.{}", 10 + number),
                };
                unit.insert("hostname".into(), host);
                unit.insert("password".into(), password.to_owned());
            }
        } else {
            let host = self
                .host
                .clone()
                .unwrap_or_else(|| side.service_host(&format!("{remote}-endpoints")));
            side.set_app("hostname", host);
            side.set_app("password", password);
        }
        side.our_app
            .insert("username".into(), side.app_name.clone());
        side.our_app.insert(
            "vhost".into(),
            crate::integration::rabbitmq::VHOST.to_owned(),
        );
    }
}
