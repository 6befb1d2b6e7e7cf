//! Integrations: one module per relation protocol, each behind the [`Integration`] trait.
//!
//! An integration is bound from the charm's metadata (its endpoint and interface), acts on the
//! hooks routed to it before the reconcile (to write what its protocol asks: a database
//! request, a bucket, receivers, ...), reads its relation data whenever the charm state is
//! built, says whether it is ready, and contributes environment variables and typed data
//! (base URL, proxy, files, log targets) to the reconcile.
//!
//! The `#[paas_charm]` attribute generates the charm's [`IntegrationSet`]: one typed field per
//! integration, one `match` that routes each hook to the integrations that act on it, and the
//! environment composition in paas-charm's order. What it knows of each integration (its
//! module and type, endpoint, interface, orders and the hooks it acts on besides its
//! endpoint's) comes from one table, [`paas_charm_requirements::INTEGRATIONS`]: adding an
//! integration is one module here plus one entry there (CONTRIBUTING.md).

pub mod container;
pub mod data_common;
#[cfg(test)]
mod data_flows;
pub mod data_interfaces;
#[cfg(test)]
mod data_snapshots;
pub mod database;
pub mod rabbitmq;
pub mod redis;
pub mod s3;
pub mod valkey;

use std::ops::ControlFlow;

use crate::env::url::UrlError;
use crate::env::Env;
use crate::juju::{CharmMeta, Event, HookToolError, Juju, Status};
use crate::paas_config::PaasConfig;

/// What an event asks of the charm after the integrations handled it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Trigger {
    /// Reconcile, keeping the migration status.
    Reconcile,
    /// Reset the migration status to PENDING, then reconcile.
    ReconcileWithMigrations,
}

/// A problem with an integration.
#[derive(Debug, thiserror::Error)]
pub enum IntegrationError {
    /// The relation data is not what the protocol says. The message is the Blocked status
    /// paas-charm sets (`Invalid redis relation data.`), or one naming the problem where
    /// paas-charm crashes the hook.
    #[error("{0}")]
    InvalidData(String),
    /// A hook tool failed: the hook fails (Juju rolls back its relation writes).
    #[error(transparent)]
    Tool(#[from] HookToolError),
    /// The workload container failed while the integration acted on it.
    #[error(transparent)]
    Container(#[from] container::ContainerError),
}

/// The workload facts integrations need (ports, metrics) from the validated framework config.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WorkloadFacts {
    /// The application port (base URL, ingress, opened port).
    pub app_port: u16,
    /// The framework's scrape target port (`None` prints as `*:None`, as paas-charm does).
    pub metrics_port: Option<u16>,
    /// The framework's metrics path, when known.
    pub metrics_path: Option<String>,
}

/// What an integration can reach while it acts.
pub struct Cx<'a> {
    /// The hook tools (cached).
    pub juju: &'a mut Juju,
    /// The charm metadata.
    pub meta: &'a CharmMeta,
    /// What the framework tells integrations (container, prefix, COS assets, forms).
    pub framework: &'static FrameworkFacts,
    /// The workload container.
    pub container: &'a mut dyn container::Container,
    /// The charm's `paas-config.yaml`.
    pub paas_config: &'a PaasConfig,
    /// Ports and metrics from the framework config.
    pub workload: &'a WorkloadFacts,
}

/// What integrations are told of the workload's framework. They know no framework by name:
/// the framework hands them these facts, and renders their [`Provided`] data in its own forms.
pub struct FrameworkFacts {
    /// The workload container (the log-forwarding layer's label).
    pub container: &'static str,
    /// The framework's config prefix (`FLASK_`), which OAuth's variables carry.
    pub config_prefix: &'static str,
    /// The COS files the framework ships.
    pub cos_assets: &'static cos::CosAssets,
    /// How the framework takes the data integrations provide.
    pub forms: &'static dyn Forms,
}

impl std::fmt::Debug for FrameworkFacts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FrameworkFacts")
            .field("container", &self.container)
            .field("config_prefix", &self.config_prefix)
            .finish_non_exhaustive()
    }
}

impl FrameworkFacts {
    /// Asks the framework whether it can render `data`: a URL problem becomes `unparsable`'s
    /// error, a missing part the Blocked status the framework names.
    pub fn check(
        &self,
        data: &Provided<'_>,
        unparsable: impl FnOnce(UrlError) -> IntegrationError,
    ) -> Result<(), IntegrationError> {
        match self.forms.check(data) {
            Ok(()) => Ok(()),
            Err(FormProblem::Url(err)) => Err(unparsable(err)),
            Err(FormProblem::Invalid(message)) => Err(IntegrationError::InvalidData(message)),
        }
    }
}

/// Typed data an integration yields once loaded: what a framework with its own property forms
/// (Spring Boot) renders instead of, or besides, the integration's variables.
#[derive(Debug, Clone, Copy)]
pub enum Provided<'a> {
    /// A database connection: the endpoint (`postgresql`, `mysql`, `mongodb`) and its URIs
    /// (comma-separated).
    Database {
        /// The endpoint, which names the database kind.
        endpoint: &'a str,
        /// The connection URIs, comma-separated.
        uris: &'a str,
    },
    /// A validated Redis URL.
    Redis {
        /// The URL.
        url: &'a str,
    },
    /// S3 connection details.
    S3(&'a s3::S3Data),
    /// RabbitMQ connection details.
    RabbitMq(&'a rabbitmq::RabbitMqData),
    /// SMTP relation data.
    Smtp(&'a smtp::SmtpData),
    /// An OAuth client registration and its provider.
    OAuth(&'a oauth::OAuth),
    /// OpenFGA store details.
    OpenFga(&'a openfga::OpenFgaData),
    /// SAML provider data.
    Saml(&'a saml::SamlData),
}

/// Why a framework cannot render an integration's data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormProblem {
    /// A URL the framework decomposes cannot be read.
    Url(UrlError),
    /// The data lacks what the framework needs; the message is the Blocked status.
    Invalid(String),
}

/// How the workload's framework takes the data integrations provide. The framework implements
/// it; an integration asks it while it loads its data, without knowing which framework it is.
pub trait Forms: Sync {
    /// Whether the framework renders `data` in its own form instead of the integration's
    /// variables (then the integration does not validate its own variables).
    fn replaces(&self, _data: &Provided<'_>) -> bool {
        false
    }

    /// Checks that the framework can render `data`.
    fn check(&self, _data: &Provided<'_>) -> Result<(), FormProblem> {
        Ok(())
    }

    /// Files the workload needs for `data`: (path, content).
    fn files(&self, _data: &Provided<'_>) -> Vec<(String, String)> {
        Vec::new()
    }
}

/// The forms of a framework that takes the integrations' own variables.
#[derive(Debug, Clone, Copy, Default)]
pub struct OwnVariables;

impl Forms for OwnVariables {}

/// What integrations contribute to a reconcile besides env vars.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Contributions {
    /// The ingress URL, which becomes the base URL.
    pub ingress_url: Option<String>,
    /// Proxy URLs from the http-proxy relation (replacing the model's `JUJU_CHARM_*_PROXY`).
    pub proxy: Option<ProxyOverride>,
    /// A tracing endpoint is ready (Gunicorn renders its tracing block).
    pub tracing_ready: bool,
    /// Files to push into the workload container: (path, content). paas-charm pushes them
    /// whenever it builds its app object: on every restart, and also before stopping the
    /// services when required integrations are missing.
    pub files: Vec<(String, String)>,
    /// Log forwarding to add (layer label, targets by name); the reconcile makes the layers.
    pub log_forwarding: Vec<(String, container::LogTargets)>,
}

/// HTTP(S) proxy URLs an http-proxy relation provides.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProxyOverride {
    /// `http_proxy`, when provided.
    pub http: Option<String>,
    /// `https_proxy`, when provided.
    pub https: Option<String>,
}

/// What an integration sees of the reconcile's state when it judges readiness.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadinessView {
    /// The ingress URL, when ingress is ready.
    pub ingress_url: Option<String>,
    /// The base URL (`<P>BASE_URL`): the ingress URL or `http://<app>.<model>:<port>`.
    pub base_url: String,
}

/// One relation protocol. All methods but `name` and `bind` have defaults that do nothing, so
/// each integration implements only what its protocol needs.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is listed in custom_integrations(...) but does not implement `Integration`",
    note = "implement paas_charm_runtime::integration::Integration for `{Self}` (`bind` and \
            `name` are required; every other method has a default)"
)]
pub trait Integration {
    /// Binds to the charm's metadata: `None` when the metadata has no endpoint for it.
    fn bind(meta: &CharmMeta) -> Option<Self>
    where
        Self: Sized;

    /// The name used in the attribute, in `missing integrations:` and in the order tables.
    fn name(&self) -> &str;

    /// Whether paas-charm reports it in `missing integrations:` when it is not ready. Only
    /// the integrations paas-charm checks answer true, and only for required endpoints.
    fn required(&self) -> bool {
        false
    }

    /// Acts on the hook's event before the charm state is built: writes what the protocol asks
    /// (app bag only when leader) and says which reconciles follow, in order (usually none or
    /// one). The charm's [`IntegrationSet`] calls it on its own endpoint's relation events and on
    /// the hooks its entry in the integration table names (`also_on`), and on no other; a
    /// custom integration, which has no entry, sees every hook.
    fn handle_event(&mut self, _cx: &mut Cx<'_>) -> Result<Vec<Trigger>, IntegrationError> {
        Ok(Vec::new())
    }

    /// Reads and validates the relation data (every time the charm state is built).
    fn load(&mut self, _cx: &mut Cx<'_>) -> Result<(), IntegrationError> {
        Ok(())
    }

    /// Whether the relation has usable data (after `load`).
    fn is_ready(&self) -> bool {
        false
    }

    /// A Blocked status this integration imposes once the missing check passed (OAuth's
    /// `Please check <app> charm!`, ...), judged after `load`.
    fn blocked(&self, _view: &ReadinessView) -> Option<Status> {
        None
    }

    /// Runs once readiness passed, before the workload is restarted (OAuth rewrites its client
    /// registration here).
    fn before_restart(
        &mut self,
        _cx: &mut Cx<'_>,
        _view: &ReadinessView,
    ) -> Result<(), IntegrationError> {
        Ok(())
    }

    /// Adds its variables (after `load`). A framework with its own property forms may render
    /// [`Integration::provided`] instead.
    fn env(&self, _env: &mut Env) {}

    /// Its data, typed, for frameworks that render it in their own forms (after `load`).
    fn provided(&self) -> Option<Provided<'_>> {
        None
    }

    /// Adds its other effects (after `load`).
    fn contribute(&self, _out: &mut Contributions) {}

    /// Runs on `update-status` once the guard passed, after the retry reconcile if there was
    /// one (ingress re-publishes its data here).
    fn update_status(&mut self, _cx: &mut Cx<'_>) -> Result<(), IntegrationError> {
        Ok(())
    }

    /// Runs after a successful reconcile (the app is configured and Active is about to be set).
    fn after_reconcile(&mut self, _cx: &mut Cx<'_>) -> Result<(), IntegrationError> {
        Ok(())
    }
}

/// The integrations of a charm: the listed ones (in attribute order), the author's custom ones
/// and the always-on ones. `#[paas_charm]` generates a struct with one `Option<T>` field per
/// integration and implements this trait for it with static calls on those fields: the
/// `match` of [`IntegrationSet::handle_event`] and the order of
/// [`IntegrationSet::compose_env`] are decided at compile time, from the integration table.
pub trait IntegrationSet {
    /// Binds every integration to the metadata.
    fn bind(meta: &CharmMeta) -> Self
    where
        Self: Sized;

    /// Hands the hook's `event` to the integrations that act on it, in order (the listed ones
    /// in attribute order, the custom ones, then the always-on ones), and returns the
    /// reconciles they ask for. The first error stops the hook's integrations there.
    fn handle_event(
        &mut self,
        event: &Event,
        cx: &mut Cx<'_>,
    ) -> Result<Vec<Trigger>, IntegrationError>;

    /// Composes the workload environment: `env`'s framework step, each integration's
    /// variables in paas-charm's order (the author's integrations last), then `env`'s
    /// finishing step.
    fn compose_env(&mut self, env: &mut dyn ComposeEnv);

    /// Visits every bound integration in the order of [`IntegrationSet::handle_event`] until
    /// `visit` breaks; says whether it did.
    fn for_each(
        &mut self,
        visit: &mut dyn FnMut(&mut dyn Integration) -> ControlFlow<()>,
    ) -> ControlFlow<()>;
}

/// The steps of the environment composition around the integrations' own: the reconcile
/// implements them, [`IntegrationSet::compose_env`] calls them in order.
pub trait ComposeEnv {
    /// The variables before any integration's: user options, the framework's options, the
    /// base URL, the secret key, the proxy and the peers.
    fn framework(&mut self);

    /// One integration's variables, or the framework's forms of its data, attributed to it.
    fn integration(&mut self, integration: &dyn Integration);

    /// The framework's finishing step and derived variables, then the author's extra ones.
    fn finish(&mut self);
}

/// One integration's turn at the hook (the generated `handle_event` calls it for each
/// integration the event is routed to): its triggers are appended to `triggers`.
pub fn handle<I: Integration + ?Sized>(
    integration: Option<&mut I>,
    cx: &mut Cx<'_>,
    triggers: &mut Vec<Trigger>,
) -> Result<(), IntegrationError> {
    if let Some(integration) = integration {
        triggers.extend(integration.handle_event(cx)?);
    }
    Ok(())
}

/// One integration's step of the environment composition (the generated `compose_env`).
pub fn compose(env: &mut dyn ComposeEnv, integration: Option<&mut dyn Integration>) {
    if let Some(integration) = integration {
        env.integration(integration);
    }
}

/// Visits one integration (the generated `for_each`).
pub fn visit(
    integration: Option<&mut dyn Integration>,
    visit: &mut dyn FnMut(&mut dyn Integration) -> ControlFlow<()>,
) -> ControlFlow<()> {
    match integration {
        Some(integration) => visit(integration),
        None => ControlFlow::Continue(()),
    }
}

/// The integration a field of the generated set holds, as the steps that take any integration
/// ([`compose`], [`visit`], and [`handle`] for an author's integration) take it. The generated
/// code reaches an author's type only through this function, so a type that is not an
/// [`Integration`] is reported once, on its path.
pub fn member<T: Integration + 'static>(field: &mut Option<T>) -> Option<&mut dyn Integration> {
    field
        .as_mut()
        .map(|integration| integration as &mut dyn Integration)
}

/// Whether `endpoint` is one of the charm's `requires` endpoints of `interface`: where the
/// generated `match` routes the events of an integration whose endpoint may have any name
/// (OAuth's).
pub fn speaks(meta: &CharmMeta, endpoint: &str, interface: &str) -> bool {
    meta.requires
        .get(endpoint)
        .is_some_and(|relation| relation.interface == interface)
}

/// Whether `container` is the charm's workload container (its `-pebble-ready` goes to the
/// integrations that act once the workload's Pebble is up).
pub fn is_workload(meta: &CharmMeta, container: &str) -> bool {
    meta.container() == Some(container)
}

/// The set without integrations.
impl IntegrationSet for () {
    fn bind(_meta: &CharmMeta) -> Self {}

    fn handle_event(
        &mut self,
        _event: &Event,
        _cx: &mut Cx<'_>,
    ) -> Result<Vec<Trigger>, IntegrationError> {
        Ok(Vec::new())
    }

    fn compose_env(&mut self, env: &mut dyn ComposeEnv) {
        env.framework();
        env.finish();
    }

    fn for_each(
        &mut self,
        _visit: &mut dyn FnMut(&mut dyn Integration) -> ControlFlow<()>,
    ) -> ControlFlow<()> {
        ControlFlow::Continue(())
    }
}

pub mod cos;
pub mod grafana_dashboard;
pub mod http_proxy;
pub mod ingress;
pub mod logging;
pub mod metrics_endpoint;
pub mod oauth;
pub mod openfga;
pub mod saml;
pub mod smtp;
#[cfg(test)]
mod test_support;
pub mod tracing;
pub mod validated_url;
