//! The typed test harness for charm authors: state in, event, state out, in-process.
//!
//! A test names its charm type; the framework, the integrations and the charmcraft.yaml come
//! from it ([`Charm::FRAMEWORK`], [`Charm::INTEGRATIONS`], [`Charm::CHARMCRAFT_YAML`]). Every
//! input has a default: leader unit 0 of the charm's application, the `secret-storage` peer
//! relation holding the secret key, a reachable Pebble with the framework rock's layer
//! ([`rock_layer`]), the config defaults of charmcraft.yaml. A test states only what matters:
//! typed config values, one relation per integration whose provider side the [`providers`]
//! builders lay out as the real provider does, Juju secrets, peer units, leadership, an
//! unreachable Pebble, files and exec results in the container, the event.
//!
//! [`Harness::run`] runs the hook through the same code path as the charm under Juju (the
//! integrations bound from the metadata, the author's extensions, the reconcile) against the
//! in-memory Juju model ([`MemoryBackend`](crate::testing::MemoryBackend)) and Pebble
//! ([`MemoryPebble`]), and returns an [`Outcome`]: statuses, the main service's environment,
//! the Pebble plan, files, execs, relation data, ports, action results and `juju-log` lines.
//! A run takes well under 5 ms in release mode (BENCHMARKS.md).
//!
//! ```
//! use paas_charm_runtime::paas_charm;
//! use paas_charm_runtime::juju::Status;
//! use paas_charm_runtime::testing::harness::{providers, Event, Harness};
//!
//! #[paas_charm(
//!     framework = "flask",
//!     integrations(postgresql),
//!     charmcraft = "../../../tests/fixtures/harness-doc/charmcraft.yaml",
//!     main = false
//! )]
//! pub struct WebApp;
//!
//! let out = Harness::<WebApp>::new()
//!     .config("webserver-workers", 4)
//!     .relation(
//!         providers::postgresql()
//!             .user("app")
//!             .password("s3cret")
//!             .host("db.internal")
//!             .database("shop"),
//!     )
//!     .run(Event::relation_changed("postgresql"));
//!
//! assert_eq!(out.unit_status(), Status::active());
//! let env = out.env();
//! assert_eq!(
//!     env["POSTGRESQL_DB_CONNECT_STRING"],
//!     "postgresql://app:s3cret@db.internal:5432/shop"
//! );
//! assert_eq!(env["FLASK_BASE_URL"], "http://web-app.test-model:8000");
//! assert_eq!(out.opened_ports(), [8000]);
//!
//! // Without the relation the required integration is missing.
//! let out = Harness::<WebApp>::new().run(Event::config_changed());
//! assert_eq!(out.unit_status(), Status::blocked("missing integrations: postgresql"));
//! ```
//!
//! (In this example the attribute has `main = false`, and its `charmcraft` path is relative
//! to this source file, where rustdoc compiles it; a charm's own attribute needs no
//! `charmcraft` key when charmcraft.yaml sits next to its Cargo.toml. A test in the charm's
//! `tests/` reaches the charm of a binary crate with `#[path = "../src/main.rs"] mod charm;`,
//! as the examples' `tests/harness.rs` do.)
//!
//! # Misuse
//!
//! A test that asks for something the charm cannot have panics at once with a message naming
//! it (that is a test failure, which is what a harness misuse should be): a relation for an
//! integration the charm does not list or whose endpoint charmcraft.yaml does not declare, a
//! config key charmcraft.yaml does not declare or a value of the wrong type, an action
//! charmcraft.yaml does not declare, an event on a relation or secret the test did not add.
//! The charm's own problems are never panics: they are statuses, action failures or
//! [`Outcome::error`].

mod event;
mod outcome;
pub mod providers;
mod rock;
mod run;

use std::collections::BTreeMap;
use std::marker::PhantomData;

use serde_json::Value;

pub use event::Event;
pub use outcome::{Outcome, RelationData};
pub use providers::Provider;
pub use rock::rock_layer;

use providers::ProviderSide;

use crate::charm::Charm;
use crate::framework::FrameworkInfo;
use crate::juju::{Bag, CharmMeta, ConfigValues, OptionType, Status};
use crate::pebble::{Layer, Service};
use crate::testing::juju::{MemoryRelation, MemorySecret};
use crate::testing::pebble::{ExecHandler, MemoryPebble};

/// The peer relation's id.
const PEER_ID: u32 = 1;

/// The secret key the default peer relation holds.
pub const SECRET_KEY: &str = "harness-secret-key-0123456789abcdefghijklmnopq";

/// The addresses Juju puts in our unit bag of every relation.
fn address_bag() -> Bag {
    ["egress-subnets", "ingress-address", "private-address"]
        .into_iter()
        .map(|k| (k.to_owned(), "192.0.2.0".to_owned()))
        .collect()
}

/// The peer relation `secret-storage`.
#[derive(Debug, Clone)]
struct Peer {
    app: Bag,
    unit: Bag,
    units: BTreeMap<u32, Bag>,
}

/// One relation the test added: the name it used and the relation as Juju holds it.
#[derive(Debug, Clone)]
struct Added {
    target: String,
    relation: MemoryRelation,
}

/// The state a hook of charm `C` runs in. See the [module documentation](self).
pub struct Harness<C: Charm> {
    meta: CharmMeta,
    framework: &'static FrameworkInfo,
    app_name: String,
    model_name: String,
    juju_version: String,
    unit: u32,
    leader: bool,
    config: ConfigValues,
    peer: Option<Peer>,
    relations: Vec<Added>,
    secrets: Vec<MemorySecret>,
    pebble: MemoryPebble,
    env_vars: BTreeMap<String, String>,
    paas_config: Option<String>,
    unit_status: Option<Status>,
    app_status: Option<Status>,
    failing_tools: BTreeMap<String, String>,
    charm: PhantomData<fn() -> C>,
}

impl<C: Charm> std::fmt::Debug for Harness<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Harness")
            .field("framework", &self.framework.name)
            .field("unit", &format!("{}/{}", self.app_name, self.unit))
            .field("leader", &self.leader)
            .field("config", &self.config)
            .field("relations", &self.relations)
            .field("pebble_reachable", &self.pebble.can_connect)
            .finish_non_exhaustive()
    }
}

impl<C: Charm> Clone for Harness<C> {
    fn clone(&self) -> Self {
        Self {
            meta: self.meta.clone(),
            framework: self.framework,
            app_name: self.app_name.clone(),
            model_name: self.model_name.clone(),
            juju_version: self.juju_version.clone(),
            unit: self.unit,
            leader: self.leader,
            config: self.config.clone(),
            peer: self.peer.clone(),
            relations: self.relations.clone(),
            secrets: self.secrets.clone(),
            pebble: self.pebble.clone(),
            env_vars: self.env_vars.clone(),
            paas_config: self.paas_config.clone(),
            unit_status: self.unit_status.clone(),
            app_status: self.app_status.clone(),
            failing_tools: self.failing_tools.clone(),
            charm: PhantomData,
        }
    }
}

impl<C: Charm> Default for Harness<C> {
    fn default() -> Self {
        Self::new()
    }
}

impl<C: Charm> Harness<C> {
    /// The default state of charm `C`: leader unit 0 of the application named in its
    /// charmcraft.yaml, in model `test-model` on Juju 3.6.14, the `secret-storage` peer
    /// relation (id 1) holding [`SECRET_KEY`], a reachable Pebble whose plan is the rock's
    /// layer, the config defaults of charmcraft.yaml, no other relation.
    pub fn new() -> Self {
        let meta = CharmMeta::from_charmcraft_yaml(C::CHARMCRAFT_YAML)
            .unwrap_or_else(|e| panic!("the charm's embedded charmcraft.yaml cannot be read: {e}"));
        let framework = C::FRAMEWORK.info();
        let app_name = if meta.name.is_empty() {
            format!("{}-k8s", framework.name)
        } else {
            meta.name.clone()
        };
        let config = meta
            .config
            .options
            .iter()
            .filter_map(|(name, option)| option.default.clone().map(|d| (name.clone(), d)))
            .collect();
        let peer = meta.peers.contains_key("secret-storage").then(|| Peer {
            app: [(framework.secret_key_field.to_owned(), SECRET_KEY.to_owned())]
                .into_iter()
                .collect(),
            unit: Bag::new(),
            units: BTreeMap::new(),
        });
        let mut pebble = MemoryPebble::with_rock_layer(rock_layer(C::FRAMEWORK, &app_name));
        pebble.add_dir(framework.app_dir);
        Self {
            meta,
            framework,
            app_name,
            model_name: "test-model".into(),
            juju_version: "3.6.14".into(),
            unit: 0,
            leader: true,
            config,
            peer,
            relations: Vec::new(),
            secrets: Vec::new(),
            pebble,
            env_vars: BTreeMap::new(),
            paas_config: None,
            unit_status: None,
            app_status: None,
            failing_tools: BTreeMap::new(),
            charm: PhantomData,
        }
    }

    /// The charm's metadata, as its charmcraft.yaml declares it.
    pub fn meta(&self) -> &CharmMeta {
        &self.meta
    }

    /// The application name (the charm's name).
    pub fn app_name(&self) -> &str {
        &self.app_name
    }

    // ---- Juju: unit, leadership, model -------------------------------------------------

    /// Whether this unit leads (default: it does).
    pub fn leader(mut self, leader: bool) -> Self {
        self.leader = leader;
        self
    }

    /// This unit's number (default 0; schedulers run on unit 0 only).
    pub fn unit(mut self, number: u32) -> Self {
        self.unit = number;
        self
    }

    /// The model name (default `test-model`).
    pub fn model(mut self, name: &str) -> Self {
        self.model_name = name.to_owned();
        self
    }

    /// The Juju version (default `3.6.14`; before 3.4 Gunicorn logs to files).
    pub fn juju_version(mut self, version: &str) -> Self {
        self.juju_version = version.to_owned();
        self
    }

    /// The model's proxy settings (`JUJU_CHARM_HTTP_PROXY`, `_HTTPS_PROXY`, `_NO_PROXY`).
    pub fn model_proxy(mut self, http: &str, https: &str, no_proxy: &str) -> Self {
        for (name, value) in [
            ("JUJU_CHARM_HTTP_PROXY", http),
            ("JUJU_CHARM_HTTPS_PROXY", https),
            ("JUJU_CHARM_NO_PROXY", no_proxy),
        ] {
            self.env_vars.insert(name.to_owned(), value.to_owned());
        }
        self
    }

    /// Hook tool `tool` fails with `stderr` (as Juju's tools print it, `ERROR ...`): the
    /// hook fails as it would under Juju ([`Outcome::error`], an ERROR log line).
    pub fn failing_hook_tool(mut self, tool: &str, stderr: &str) -> Self {
        self.failing_tools
            .insert(tool.to_owned(), stderr.to_owned());
        self
    }

    /// The unit and application statuses before the hook (default: none set).
    pub fn status(mut self, unit: Status, app: Status) -> Self {
        self.unit_status = Some(unit);
        self.app_status = Some(app);
        self
    }

    /// The charm's `paas-config.yaml` text (default: none).
    pub fn paas_config(mut self, yaml: &str) -> Self {
        self.paas_config = Some(yaml.to_owned());
        self
    }

    // ---- Config ---------------------------------------------------------------------------

    /// Sets a config option: a string, integer, float or boolean as charmcraft.yaml declares
    /// its type (`secret` options take a secret id). Panics when charmcraft.yaml does not
    /// declare `key` or declares another type.
    pub fn config(mut self, key: &str, value: impl Into<Value>) -> Self {
        let value = value.into();
        let Some(option) = self.meta.config.options.get(key) else {
            let known: Vec<&str> = self
                .meta
                .config
                .options
                .keys()
                .map(String::as_str)
                .collect();
            panic!(
                "config option `{key}` is not declared in {}'s charmcraft.yaml; it declares: {}",
                self.app_name,
                known.join(", ")
            );
        };
        let fits = match option.kind {
            OptionType::String | OptionType::Secret => value.is_string(),
            OptionType::Int => value.is_i64() || value.is_u64(),
            OptionType::Float => value.is_number(),
            OptionType::Boolean => value.is_boolean(),
        };
        if !fits {
            panic!(
                "config option `{key}` is declared `type: {}` in charmcraft.yaml, but the test \
                 gives {}",
                option.kind.as_str(),
                kind_of(&value)
            );
        }
        self.config.insert(key.to_owned(), value);
        self
    }

    /// Unsets a config option (its default too), as `juju config --reset` would leave an
    /// option without default.
    pub fn unset_config(mut self, key: &str) -> Self {
        if !self.meta.config.options.contains_key(key) {
            panic!("config option `{key}` is not declared in charmcraft.yaml");
        }
        self.config.remove(key);
        self
    }

    // ---- Peer relation --------------------------------------------------------------------

    /// Adds peer unit `<app>/<number>` to the `secret-storage` relation (paas-charm gives
    /// the app the peers' FQDNs).
    pub fn peer_unit(mut self, number: u32) -> Self {
        self.peer_mut().units.insert(number, Bag::new());
        self
    }

    /// The secret key the peer relation holds (default [`SECRET_KEY`]).
    pub fn secret_key(mut self, key: &str) -> Self {
        let field = self.framework.secret_key_field.to_owned();
        self.peer_mut().app.insert(field, key.to_owned());
        self
    }

    /// The peer relation exists but holds no secret key yet (the leader has not initialised it).
    pub fn without_secret_key(mut self) -> Self {
        self.peer_mut().app.clear();
        self
    }

    /// No `secret-storage` relation at all (before Juju created it).
    pub fn without_peer_relation(mut self) -> Self {
        self.peer = None;
        self
    }

    fn peer_mut(&mut self) -> &mut Peer {
        self.peer
            .as_mut()
            .unwrap_or_else(|| panic!("the harness has no secret-storage peer relation: charmcraft.yaml declares none, or the test removed it"))
    }

    // ---- Relations --------------------------------------------------------------------------

    /// Adds a relation with the provider side `provider` lays out (see [`providers`]).
    /// Relation ids are given in order from 2 (the peer relation is 1). Panics when the charm
    /// does not list the integration or charmcraft.yaml declares no endpoint for it.
    pub fn relation(mut self, provider: impl Provider) -> Self {
        self.add_relation(provider);
        self
    }

    /// Adds a relation (as [`Harness::relation`]) and returns its id.
    pub fn add_relation(&mut self, provider: impl Provider) -> u32 {
        let target = provider.integration().to_owned();
        let (endpoint, interface) = self.resolve(&target);
        let limit = self.meta.endpoint(&endpoint).and_then(|r| r.limit);
        let existing = self
            .relations
            .iter()
            .filter(|a| a.relation.endpoint == endpoint)
            .count();
        if let Some(limit) = limit.filter(|limit| existing >= *limit as usize) {
            panic!(
                "endpoint `{endpoint}` has `limit: {limit}` in charmcraft.yaml and the test \
                 already added {existing} relation(s) to it (for `{target}`)"
            );
        }
        let id = self.next_relation_id();
        let mut side =
            ProviderSide::new(id, &self.app_name, &self.model_name, provider.remote_app());
        side.units = (0..provider.units()).map(|n| (n, Bag::new())).collect();
        provider.lay_out(&mut side);
        let remote = side.remote_app.clone();
        let mut unit = address_bag();
        unit.extend(side.our_unit);
        self.secrets.extend(side.secrets);
        self.relations.push(Added {
            target,
            relation: MemoryRelation {
                id,
                endpoint,
                interface,
                remote_app: remote.clone(),
                peer: false,
                remote_app_data: side.app,
                remote_units: side
                    .units
                    .into_iter()
                    .map(|(n, bag)| (format!("{remote}/{n}"), bag))
                    .collect(),
                local_app_data: side.our_app,
                local_unit_data: unit,
                hidden: false,
            },
        });
        id
    }

    /// The id of the (first) relation the test added for `integration`.
    pub fn relation_id(&self, integration: &str) -> u32 {
        self.find_relation(integration, None).relation.id
    }

    fn next_relation_id(&self) -> u32 {
        self.relations
            .iter()
            .map(|a| a.relation.id + 1)
            .max()
            .unwrap_or(PEER_ID + 1)
    }

    /// The endpoint (as charmcraft.yaml names it) and interface for an integration name, or
    /// an endpoint of the charm's own.
    fn resolve(&self, target: &str) -> (String, String) {
        let listed = C::INTEGRATIONS.contains(&target);
        // The integration table knows each integration's interface.
        let known = paas_charm_requirements::any_integration(target);
        match known.map(|spec| spec.interface) {
            Some(interface) => {
                let core = paas_charm_requirements::ALWAYS_ON
                    .iter()
                    .any(|spec| spec.name == target);
                if !listed && !core {
                    panic!(
                        "{} does not list the `{target}` integration: its attribute lists \
                         integrations({}); add it there (and its endpoint to charmcraft.yaml) \
                         to test it",
                        self.app_name,
                        C::INTEGRATIONS.join(", ")
                    );
                }
                let renamed = C::ENDPOINTS
                    .iter()
                    .find(|(ours, _)| *ours == target)
                    .map(|(_, theirs)| *theirs);
                let endpoints: Vec<&String> = self
                    .meta
                    .requires
                    .iter()
                    .chain(&self.meta.provides)
                    .filter(|(_, r)| r.interface == interface)
                    .map(|(name, _)| name)
                    .collect();
                let chosen = endpoints
                    .iter()
                    .find(|name| Some(name.as_str()) == renamed)
                    .or_else(|| endpoints.iter().find(|name| name.as_str() == target))
                    .or_else(|| endpoints.first())
                    .unwrap_or_else(|| {
                        panic!(
                            "{}'s charmcraft.yaml declares no endpoint with interface \
                             `{interface}` for the `{target}` integration",
                            self.app_name
                        )
                    });
                ((*chosen).clone(), interface.to_owned())
            }
            None => match self.meta.endpoint(target) {
                Some(relation) if !self.meta.peers.contains_key(target) => {
                    (target.to_owned(), relation.interface.clone())
                }
                _ => panic!(
                    "`{target}` is neither an integration {} lists ({}) nor a relation \
                     endpoint of its charmcraft.yaml",
                    self.app_name,
                    C::INTEGRATIONS.join(", ")
                ),
            },
        }
    }

    fn find_relation(&self, target: &str, id: Option<u32>) -> &Added {
        self.relations
            .iter()
            .find(|a| {
                (a.target == target || a.relation.endpoint == target)
                    && id.is_none_or(|id| a.relation.id == id)
            })
            .unwrap_or_else(|| {
                panic!(
                    "the test added no relation for `{target}`{}: add one with \
                     .relation(providers::...) first",
                    id.map(|id| format!(" with id {id}")).unwrap_or_default()
                )
            })
    }

    // ---- Secrets ---------------------------------------------------------------------------

    /// A secret another application granted us (`secret:...` id, its content). Config options
    /// of `type: secret` take its id.
    pub fn secret(mut self, id: &str, content: &[(&str, &str)]) -> Self {
        let content: Bag = content
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        self.secrets.push(MemorySecret {
            id: id.to_owned(),
            owner: None,
            label: None,
            tracked_content: content.clone(),
            latest_content: content,
        });
        self
    }

    /// A new revision of secret `id` (its latest content; the unit still tracks the old one
    /// until it refreshes): what `secret-changed` is about.
    pub fn secret_revision(mut self, id: &str, content: &[(&str, &str)]) -> Self {
        let secret = self
            .secrets
            .iter_mut()
            .find(|s| s.id == id)
            .unwrap_or_else(|| panic!("the test added no secret `{id}`"));
        secret.latest_content = content
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        self
    }

    /// Any secret, field by field (owned by our app or unit, with a label ...).
    pub fn memory_secret(mut self, secret: MemorySecret) -> Self {
        self.secrets.push(secret);
        self
    }

    // ---- Pebble -----------------------------------------------------------------------------

    /// Pebble does not answer (the container is not up yet).
    pub fn pebble_unreachable(mut self) -> Self {
        self.pebble.can_connect = false;
        self
    }

    /// A file in the workload container.
    pub fn container_file(mut self, path: &str, content: &str) -> Self {
        self.pebble.add_file(path, content.as_bytes());
        self
    }

    /// A file of the application directory (`/flask/app/<name>`, `/app/<name>`):
    /// `migrate.sh`, `manage.py` ... make the charm run migrations.
    pub fn app_file(mut self, name: &str, content: &str) -> Self {
        let path = format!("{}/{name}", self.framework.app_dir);
        self.pebble.add_file(&path, content.as_bytes());
        self
    }

    /// The result of commands starting with `command_prefix` (the longest matching prefix
    /// wins; commands nothing matches exit 0 with no output).
    pub fn exec(
        mut self,
        command_prefix: &[&str],
        exit_code: i32,
        stdout: &str,
        stderr: &str,
    ) -> Self {
        self.pebble.exec_handlers.push(ExecHandler {
            command_prefix: command_prefix.iter().map(|s| (*s).to_owned()).collect(),
            return_code: exit_code,
            stdout: stdout.to_owned(),
            stderr: stderr.to_owned(),
        });
        self
    }

    /// Adds a service to the rock's layer (`celery-worker`, `cron-scheduler`): services whose
    /// names end in `-worker` or `-scheduler` get the app's environment.
    pub fn rock_service(mut self, name: &str, command: &str) -> Self {
        let service = Service {
            r#override: "replace".into(),
            startup: "enabled".into(),
            command: command.to_owned(),
            user: "_daemon_".into(),
            working_dir: self.framework.app_dir.to_owned(),
            ..Service::default()
        };
        self.rock_mut().services.insert(name.to_owned(), service);
        self
    }

    /// Replaces the rock's layer.
    pub fn rock(mut self, layer: Layer) -> Self {
        *self.rock_mut() = layer;
        self
    }

    fn rock_mut(&mut self) -> &mut Layer {
        let layers = &mut self.pebble.layers;
        let index = match layers.iter().position(|(label, _)| label == "rock") {
            Some(index) => index,
            None => {
                layers.insert(0, ("rock".into(), Layer::default()));
                0
            }
        };
        &mut layers[index].1
    }

    /// A service's Pebble status before the hook (`active`, `inactive`).
    pub fn service_status(mut self, name: &str, status: &str) -> Self {
        self.pebble
            .service_statuses
            .insert(name.to_owned(), status.to_owned());
        self
    }

    /// The in-memory Pebble, for what the builders do not cover.
    pub fn pebble_mut(&mut self) -> &mut MemoryPebble {
        &mut self.pebble
    }
}

/// What kind of value a test gave (never the value: it may be a secret).
fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_f64() => "a float",
        Value::Number(_) => "an integer",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a map",
    }
}

#[cfg(test)]
mod tests;
