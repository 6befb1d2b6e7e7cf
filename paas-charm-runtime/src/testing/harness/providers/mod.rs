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

mod data;
mod identity;
mod network;

pub use data::{
    mongodb, mysql, postgresql, rabbitmq, redis, s3, valkey, Database, RabbitMq, Redis, Valkey, S3,
};
pub use identity::{oauth, openfga, saml, smtp, OAuth, OpenFga, Saml, Smtp};
pub use network::{
    grafana_dashboard, http_proxy, ingress, logging, metrics_endpoint, tracing, Consumer,
    HttpProxy, Ingress, Logging, Tracing,
};

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
