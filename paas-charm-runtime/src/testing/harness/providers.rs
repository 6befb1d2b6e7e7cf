//! The provider's side of each integration, laid out as the real provider charm writes it, so
//! a test gives only what matters (a PostgreSQL user and password, a bucket, a URL) and the
//! builder writes the rest: the `secret-user` Juju secret and its id, `endpoints`, our own
//! bags as our requirer left them in earlier hooks (`requested-secrets`, the database we asked
//! for, the http-proxy request id, the Valkey salt), remote units.
//!
//! Every builder implements [`Provider`]; hand one to
//! [`Harness::relation`](super::Harness::relation). Values a test does not give get the
//! defaults of the public scenarios (hosts in the harness's model, port 5432 ...).

use std::collections::BTreeMap;

use serde_json::json;

use crate::integration::data_interfaces::{json_list, PROVIDED_SECRETS, REQUESTED_SECRETS};
use crate::juju::Bag;
use crate::testing::juju::MemorySecret;

/// One relation as a provider charm leaves it: its bags, ours, and the secrets it granted us.
#[derive(Debug, Clone)]
pub struct ProviderSide {
    /// The relation id the harness gave the relation.
    pub relation_id: u32,
    /// Our application name (the charm's name in charmcraft.yaml).
    pub app_name: String,
    /// The model name.
    pub model_name: String,
    /// The provider application.
    pub remote_app: String,
    /// The provider's application bag.
    pub app: Bag,
    /// The provider's units (unit number → bag); unit 0 with an empty bag by default.
    pub units: BTreeMap<u32, Bag>,
    /// Our application bag, as our requirer left it in earlier hooks.
    pub our_app: Bag,
    /// Our unit bag's keys besides the addresses Juju sets.
    pub our_unit: Bag,
    /// Secrets the provider granted us.
    pub secrets: Vec<MemorySecret>,
}

impl ProviderSide {
    /// An empty side of relation `relation_id` with provider `remote_app` (unit 0).
    pub fn new(relation_id: u32, app_name: &str, model_name: &str, remote_app: &str) -> Self {
        Self {
            relation_id,
            app_name: app_name.to_owned(),
            model_name: model_name.to_owned(),
            remote_app: remote_app.to_owned(),
            app: Bag::new(),
            units: BTreeMap::from([(0, Bag::new())]),
            our_app: Bag::new(),
            our_unit: Bag::new(),
            secrets: Vec::new(),
        }
    }

    /// Grants us a secret owned by the provider; returns its id (`secret:...`).
    pub fn share_secret(&mut self, content: &[(&str, &str)]) -> String {
        let id = format!(
            "secret:cu{:09}{:09}",
            self.relation_id,
            self.secrets.len() + 1
        );
        let content = bag(content);
        self.secrets.push(MemorySecret {
            id: id.clone(),
            owner: None,
            label: None,
            tracked_content: content.clone(),
            latest_content: content,
        });
        id
    }

    /// Sets one key of the provider's application bag.
    pub fn set_app(&mut self, key: &str, value: impl Into<String>) {
        self.app.insert(key.to_owned(), value.into());
    }

    /// `<name>.<model>.svc.cluster.local`
    pub fn service_host(&self, name: &str) -> String {
        format!("{name}.{}.svc.cluster.local", self.model_name)
    }
}

fn bag(pairs: &[(&str, &str)]) -> Bag {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// The provider's side of one integration.
pub trait Provider {
    /// The integration it speaks to: an attribute name (`postgresql`, `http-proxy`), one of
    /// the integrations every charm has (`ingress`, `logging`, `metrics-endpoint`,
    /// `grafana-dashboard`), or, for a [`Relation`], the charm's endpoint.
    fn integration(&self) -> &str;

    /// The provider application's name (`postgresql-k8s`).
    fn remote_app(&self) -> &str;

    /// How many provider units (1 unless the builder says).
    fn units(&self) -> u32 {
        1
    }

    /// Writes the provider's data (and ours, where our requirer wrote in earlier hooks).
    fn lay_out(&self, side: &mut ProviderSide);
}

/// Builder methods every provider has: the remote application's name and its unit count.
macro_rules! common {
    ($ty:ident, $default_app:expr) => {
        impl $ty {
            /// The provider application's name.
            pub fn remote_app(mut self, name: &str) -> Self {
                self.remote_app = Some(name.to_owned());
                self
            }

            /// The number of provider units (`<app>/0` ...).
            pub fn units(mut self, count: u32) -> Self {
                self.units = Some(count);
                self
            }

            fn app(&self) -> &str {
                self.remote_app.as_deref().unwrap_or($default_app)
            }
        }
    };
}

macro_rules! setters {
    ($ty:ident { $($field:ident: $doc:literal),* $(,)? }) => {
        impl $ty {
            $(
                #[doc = $doc]
                pub fn $field(mut self, value: impl Into<String>) -> Self {
                    self.$field = Some(value.into());
                    self
                }
            )*
        }
    };
}

macro_rules! provider_impl {
    ($ty:ident, $name:literal) => {
        fn integration(&self) -> &str {
            $name
        }
        fn remote_app(&self) -> &str {
            self.app()
        }
        fn units(&self) -> u32 {
            self.units.unwrap_or(1)
        }
    };
}

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

/// OAuth / OIDC (`oauth`), as Hydra provides it once it registered our client: the issuer's
/// endpoints, `client_id` and `client_secret_id` (a secret holding `secret`).
#[derive(Debug, Clone, Default)]
pub struct OAuth {
    remote_app: Option<String>,
    units: Option<u32>,
    issuer: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
    scope: Option<String>,
}

/// OAuth, as Hydra provides it.
pub fn oauth() -> OAuth {
    OAuth::default()
}

common!(OAuth, "hydra");
setters!(OAuth {
    issuer: "The issuer URL (default `https://iam.example.com/<model>-hydra`); the other endpoints derive from it.",
    client_id: "Our client's id.",
    client_secret: "Our client's secret.",
    scope: "The scopes the provider supports (default `openid profile email phone`).",
});

impl Provider for OAuth {
    provider_impl!(OAuth, "oauth");

    fn lay_out(&self, side: &mut ProviderSide) {
        let issuer = self
            .issuer
            .clone()
            .unwrap_or_else(|| format!("https://iam.example.com/{}-hydra", side.model_name));
        let remote = self.app().to_owned();
        side.set_app("authorization_endpoint", format!("{issuer}/oauth2/auth"));
        side.set_app(
            "introspection_endpoint",
            format!(
                "http://{}:4445/admin/oauth2/introspect",
                side.service_host(&remote)
            ),
        );
        side.set_app("issuer_url", issuer.clone());
        side.set_app("jwks_endpoint", format!("{issuer}/.well-known/jwks.json"));
        side.set_app(
            "scope",
            self.scope
                .as_deref()
                .unwrap_or("openid profile email phone"),
        );
        side.set_app("token_endpoint", format!("{issuer}/oauth2/token"));
        side.set_app("userinfo_endpoint", format!("{issuer}/userinfo"));
        side.set_app(
            "client_id",
            self.client_id
                .as_deref()
                .unwrap_or("b6e1c7f2-3a0d-4c55-9f1e-7d2a8c4b9e01"),
        );
        let secret = self
            .client_secret
            .as_deref()
            .unwrap_or("harness-client-secret");
        let id = side.share_secret(&[("secret", secret)]);
        side.set_app("client_secret_id", id);
    }
}

/// SAML (`saml`), as saml-integrator provides it: the IdP's entity id, metadata URL,
/// single-sign-on URL and certificate.
#[derive(Debug, Clone, Default)]
pub struct Saml {
    remote_app: Option<String>,
    units: Option<u32>,
    entity_id: Option<String>,
    metadata_url: Option<String>,
    sso_url: Option<String>,
    certificate: Option<String>,
}

/// SAML, as saml-integrator provides it.
pub fn saml() -> Saml {
    Saml::default()
}

common!(Saml, "saml-integrator");
setters!(Saml {
    entity_id: "`entity_id` (default `https://login.example.com`).",
    metadata_url: "`metadata_url` (default `<entity id>/saml/metadata`).",
    sso_url: "`single_sign_on_service_redirect_url` (default `<entity id>/saml/`).",
    certificate: "`x509certs` (base64 DER).",
});

impl Provider for Saml {
    provider_impl!(Saml, "saml");

    fn lay_out(&self, side: &mut ProviderSide) {
        let entity = self
            .entity_id
            .clone()
            .unwrap_or_else(|| "https://login.example.com".into());
        side.set_app("entity_id", entity.clone());
        side.set_app(
            "metadata_url",
            self.metadata_url
                .clone()
                .unwrap_or_else(|| format!("{entity}/saml/metadata")),
        );
        side.set_app(
            "single_sign_on_service_redirect_binding",
            "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect",
        );
        side.set_app(
            "single_sign_on_service_redirect_url",
            self.sso_url
                .clone()
                .unwrap_or_else(|| format!("{entity}/saml/")),
        );
        side.set_app(
            "x509certs",
            self.certificate.as_deref().unwrap_or("MIIBexampleCERT"),
        );
    }
}

/// OpenFGA (`openfga`), as openfga-k8s provides it once it created our store: `store_id`,
/// the API URLs and `token_secret_id` (a secret holding `token`); our app bag holds the store
/// name we asked for.
#[derive(Debug, Clone, Default)]
pub struct OpenFga {
    remote_app: Option<String>,
    units: Option<u32>,
    store_id: Option<String>,
    token: Option<String>,
    http_api_url: Option<String>,
    grpc_api_url: Option<String>,
}

/// OpenFGA, as openfga-k8s provides it.
pub fn openfga() -> OpenFga {
    OpenFga::default()
}

common!(OpenFga, "openfga-k8s");
setters!(OpenFga {
    store_id: "`store_id`.",
    token: "The preshared API token.",
    http_api_url: "`http_api_url` (default `http://openfga-k8s.<model>.svc.cluster.local:8080`).",
    grpc_api_url: "`grpc_api_url` (default `http://openfga-k8s.<model>.svc.cluster.local:8081`).",
});

impl Provider for OpenFga {
    provider_impl!(OpenFga, "openfga");

    fn lay_out(&self, side: &mut ProviderSide) {
        let host = side.service_host(self.app());
        side.set_app(
            "store_id",
            self.store_id
                .as_deref()
                .unwrap_or("01JQ8E3V5N7Z9K2M4P6R8T0W1Y"),
        );
        let token = self.token.as_deref().unwrap_or("harness-fga-token");
        let id = side.share_secret(&[("token", token)]);
        side.set_app("token_secret_id", id);
        side.set_app(
            "grpc_api_url",
            self.grpc_api_url
                .clone()
                .unwrap_or_else(|| format!("http://{host}:8081")),
        );
        side.set_app(
            "http_api_url",
            self.http_api_url
                .clone()
                .unwrap_or_else(|| format!("http://{host}:8080")),
        );
        side.our_app.insert(
            "store_name".into(),
            crate::integration::openfga::STORE_NAME.to_owned(),
        );
    }
}

/// SMTP (`smtp`), as smtp-integrator provides it: host, port, user, `password_id` (a secret
/// holding `password`), auth type, transport security and domain.
#[derive(Debug, Clone, Default)]
pub struct Smtp {
    remote_app: Option<String>,
    units: Option<u32>,
    host: Option<String>,
    port: Option<String>,
    user: Option<String>,
    password: Option<String>,
    auth_type: Option<String>,
    transport_security: Option<String>,
    domain: Option<String>,
}

/// SMTP, as smtp-integrator provides it.
pub fn smtp() -> Smtp {
    Smtp::default()
}

common!(Smtp, "smtp-integrator");
setters!(Smtp {
    host: "`host` (default `smtp.example.com`).",
    user: "`user` (none by default).",
    password: "The password, shared as a secret (none by default).",
    auth_type: "`auth_type` (default `plain` with a user, else `none`).",
    transport_security: "`transport_security` (default `starttls`).",
    domain: "`domain` (default `example.com`).",
});

impl Smtp {
    /// `port` (default 587).
    pub fn port(mut self, port: u16) -> Self {
        self.port = Some(port.to_string());
        self
    }
}

impl Provider for Smtp {
    provider_impl!(Smtp, "smtp");

    fn lay_out(&self, side: &mut ProviderSide) {
        side.set_app("host", self.host.as_deref().unwrap_or("smtp.example.com"));
        side.set_app("port", self.port.as_deref().unwrap_or("587"));
        if let Some(user) = &self.user {
            side.set_app("user", user.clone());
        }
        if let Some(password) = &self.password {
            let id = side.share_secret(&[("password", password)]);
            side.set_app("password_id", id);
        }
        let auth = match (&self.auth_type, &self.user) {
            (Some(auth), _) => auth.clone(),
            (None, Some(_)) => "plain".into(),
            (None, None) => "none".into(),
        };
        side.set_app("auth_type", auth);
        side.set_app(
            "transport_security",
            self.transport_security.as_deref().unwrap_or("starttls"),
        );
        side.set_app("domain", self.domain.as_deref().unwrap_or("example.com"));
        side.set_app("skip_ssl_verify", "false");
    }
}

/// Tracing (`tracing`), as Tempo provides it: its `receivers` (OTLP gRPC and HTTP); our app
/// bag holds the `receivers` we asked for.
#[derive(Debug, Clone, Default)]
pub struct Tracing {
    remote_app: Option<String>,
    units: Option<u32>,
    otlp_http: Option<String>,
}

/// Tracing, as Tempo provides it.
pub fn tracing() -> Tracing {
    Tracing::default()
}

common!(Tracing, "tempo");
setters!(Tracing {
    otlp_http: "The OTLP HTTP receiver's URL (default `http://tempo-0.tempo-endpoints.<model>.svc.cluster.local:4318`).",
});

impl Provider for Tracing {
    provider_impl!(Tracing, "tracing");

    fn lay_out(&self, side: &mut ProviderSide) {
        let remote = self.app().to_owned();
        let host = side.service_host(&format!("{remote}-0.{remote}-endpoints"));
        let http = self
            .otlp_http
            .clone()
            .unwrap_or_else(|| format!("http://{host}:4318"));
        let receivers = json!([
            {"protocol": {"name": "otlp_grpc", "type": "grpc"}, "url": format!("{host}:4317")},
            {"protocol": {"name": "otlp_http", "type": "http"}, "url": http},
        ]);
        side.set_app("receivers", crate::env::python_json::dumps(&receivers));
        side.our_app.insert(
            "receivers".into(),
            crate::integration::tracing::RECEIVERS_REQUEST.to_owned(),
        );
    }
}

/// http-proxy (`http_proxy`), as squid-forward-proxy answers the request our leader wrote:
/// a `ready` response for our requirer id with the proxy URLs, and optionally a `user`
/// secret (`username`, `password`).
#[derive(Debug, Clone, Default)]
pub struct HttpProxy {
    remote_app: Option<String>,
    units: Option<u32>,
    http_proxy: Option<String>,
    https_proxy: Option<String>,
    user: Option<(String, String)>,
    status: Option<String>,
}

/// http-proxy, as squid-forward-proxy provides it.
pub fn http_proxy() -> HttpProxy {
    HttpProxy::default()
}

common!(HttpProxy, "squid-forward-proxy");
setters!(HttpProxy {
    http_proxy: "`http_proxy` (default `http://squid.internal:3128`).",
    https_proxy: "`https_proxy` (default: the `http_proxy` URL).",
    status: "The response's `status` (default `ready`; `pending` makes it unusable).",
});

impl HttpProxy {
    /// Proxy credentials, shared as the response's `user` secret (`auth: userpass`).
    pub fn user(mut self, username: &str, password: &str) -> Self {
        self.user = Some((username.to_owned(), password.to_owned()));
        self
    }
}

/// The requirer id our leader wrote in an earlier hook.
const PROXY_REQUIRER: &str = "9b2a3c1e-1111-4222-8333-444455556666";

impl Provider for HttpProxy {
    provider_impl!(HttpProxy, "http-proxy");

    fn lay_out(&self, side: &mut ProviderSide) {
        let http = self
            .http_proxy
            .clone()
            .unwrap_or_else(|| "http://squid.internal:3128".into());
        let https = self.https_proxy.clone().unwrap_or_else(|| http.clone());
        let mut response = json!({
            "requirer": PROXY_REQUIRER,
            "status": self.status.as_deref().unwrap_or("ready"),
            "auth": if self.user.is_some() { "userpass" } else { "none" },
            "http_proxy": http,
            "https_proxy": https,
        });
        if let Some((username, password)) = &self.user {
            let id = side.share_secret(&[("username", username), ("password", password)]);
            response["user"] = json!(id);
        }
        side.set_app(
            "responses",
            crate::env::python_json::dumps(&json!([response])),
        );
        side.our_app.insert(
            "requests".into(),
            crate::env::python_json::dumps(
                &json!([{"auth": [], "domains": [], "requirer": PROXY_REQUIRER}]),
            ),
        );
    }
}

/// Ingress (`ingress`), as Traefik provides it: the URL in its app bag (`{"url": ...}`).
#[derive(Debug, Clone, Default)]
pub struct Ingress {
    remote_app: Option<String>,
    units: Option<u32>,
    url: Option<String>,
}

/// Ingress, as traefik-k8s provides it.
pub fn ingress() -> Ingress {
    Ingress::default()
}

common!(Ingress, "traefik-k8s");
setters!(Ingress {
    url: "The URL Traefik serves us under (default `https://<app>.example.com/`).",
});

impl Provider for Ingress {
    provider_impl!(Ingress, "ingress");

    fn lay_out(&self, side: &mut ProviderSide) {
        let url = self
            .url
            .clone()
            .unwrap_or_else(|| format!("https://{}.example.com/", side.app_name));
        side.set_app(
            "ingress",
            crate::env::python_json::dumps(&json!({ "url": url })),
        );
    }
}

/// Logging (`loki_push_api`), as Loki provides it: each unit's bag holds its push endpoint.
#[derive(Debug, Clone, Default)]
pub struct Logging {
    remote_app: Option<String>,
    units: Option<u32>,
}

/// Logging, as loki-k8s provides it.
pub fn logging() -> Logging {
    Logging::default()
}

common!(Logging, "loki-k8s");

impl Provider for Logging {
    provider_impl!(Logging, "logging");

    fn lay_out(&self, side: &mut ProviderSide) {
        let remote = self.app().to_owned();
        let model = side.model_name.clone();
        for (number, unit) in side.units.iter_mut() {
            let url = format!(
                "http://{remote}-{number}.{remote}-endpoints.{model}.svc.cluster.local:3100/loki/api/v1/push"
            );
            unit.insert(
                "endpoint".into(),
                crate::env::python_json::dumps(&json!({ "url": url })),
            );
        }
    }
}

/// A COS consumer of what we provide (`metrics-endpoint`: Prometheus, `grafana-dashboard`:
/// Grafana): the consumer writes nothing our charm reads.
#[derive(Debug, Clone)]
pub struct Consumer {
    endpoint: &'static str,
    remote_app: Option<String>,
    units: Option<u32>,
}

/// Prometheus scraping our `metrics-endpoint`.
pub fn metrics_endpoint() -> Consumer {
    Consumer {
        endpoint: "metrics-endpoint",
        remote_app: None,
        units: None,
    }
}

/// Grafana reading our `grafana-dashboard`.
pub fn grafana_dashboard() -> Consumer {
    Consumer {
        endpoint: "grafana-dashboard",
        remote_app: None,
        units: None,
    }
}

impl Consumer {
    /// The consumer application's name.
    pub fn remote_app(mut self, name: &str) -> Self {
        self.remote_app = Some(name.to_owned());
        self
    }
}

impl Provider for Consumer {
    fn integration(&self) -> &str {
        self.endpoint
    }
    fn remote_app(&self) -> &str {
        self.remote_app.as_deref().unwrap_or(match self.endpoint {
            "metrics-endpoint" => "prometheus-k8s",
            _ => "grafana-k8s",
        })
    }
    fn units(&self) -> u32 {
        self.units.unwrap_or(1)
    }
    fn lay_out(&self, _side: &mut ProviderSide) {}
}

/// Any relation, bag by bag: an author's own integration (`custom_integrations(...)`), or a
/// known one in a state the typed builders do not make (invalid data, a provider mid-way).
/// [`Provider::integration`] is the endpoint (or integration) name.
#[derive(Debug, Clone)]
pub struct Relation {
    endpoint: String,
    remote_app: String,
    app: Bag,
    units: BTreeMap<u32, Bag>,
    our_app: Bag,
    our_unit: Bag,
    secrets: Vec<(String, Bag)>,
}

impl Relation {
    /// A relation on `endpoint` (or integration name) with `remote_app`, whose unit 0 has an
    /// empty bag.
    pub fn new(endpoint: &str, remote_app: &str) -> Self {
        Self {
            endpoint: endpoint.to_owned(),
            remote_app: remote_app.to_owned(),
            app: Bag::new(),
            units: BTreeMap::from([(0, Bag::new())]),
            our_app: Bag::new(),
            our_unit: Bag::new(),
            secrets: Vec::new(),
        }
    }
    /// A key of the remote application's bag.
    pub fn app_data(mut self, key: &str, value: &str) -> Self {
        self.app.insert(key.to_owned(), value.to_owned());
        self
    }
    /// A key of remote unit `unit`'s bag (the unit is added if needed).
    pub fn unit_data(mut self, unit: u32, key: &str, value: &str) -> Self {
        self.units
            .entry(unit)
            .or_default()
            .insert(key.to_owned(), value.to_owned());
        self
    }
    /// A key of our application bag (what our charm wrote in an earlier hook).
    pub fn our_app_data(mut self, key: &str, value: &str) -> Self {
        self.our_app.insert(key.to_owned(), value.to_owned());
        self
    }
    /// A key of our unit bag.
    pub fn our_unit_data(mut self, key: &str, value: &str) -> Self {
        self.our_unit.insert(key.to_owned(), value.to_owned());
        self
    }
    /// A secret the remote application granted us, its id stored in its app bag under `key`.
    pub fn shared_secret(mut self, key: &str, content: &[(&str, &str)]) -> Self {
        self.secrets.push((key.to_owned(), bag(content)));
        self
    }
}

impl Provider for Relation {
    fn integration(&self) -> &str {
        &self.endpoint
    }
    fn remote_app(&self) -> &str {
        &self.remote_app
    }
    fn units(&self) -> u32 {
        0
    }
    fn lay_out(&self, side: &mut ProviderSide) {
        side.units = self.units.clone();
        side.app.extend(self.app.clone());
        side.our_app.extend(self.our_app.clone());
        side.our_unit.extend(self.our_unit.clone());
        for (key, content) in &self.secrets {
            let pairs: Vec<(&str, &str)> = content
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            let id = side.share_secret(&pairs);
            side.set_app(key, id);
        }
    }
}
