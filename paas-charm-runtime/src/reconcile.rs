//! One hook: integrations act on the event, then paas-charm's guarded handlers run the
//! idempotent reconcile (readiness → env → layer → files → migrations → replan → Active),
//! in paas-charm 1.x's order and with its statuses (frameworks.md §11, integrations.md §1.3).

use std::collections::BTreeMap;
use std::ops::ControlFlow;

use crate::applied::{self, Applied};
use crate::env::{provenance, Env, Source};
use crate::extensions::{EnvView, ExtensionError, Extensions, NoExtensions};
use crate::framework::gunicorn::{self, GunicornConfig, WebserverOptions};
use crate::framework::{self, django, FrameworkAction, FrameworkInfo};
use crate::integration::{
    ComposeEnv, Contributions, Cx, FrameworkFacts, Integration, IntegrationError, IntegrationSet,
    ReadinessView, Trigger, WorkloadFacts,
};
use crate::juju::{
    CharmMeta, Event, HookToolError, Juju, Port, RelationEventKind, SecretEventKind, Status,
    WorkloadEventKind,
};
use crate::migration::{self, MigrationStatus};
use crate::paas_config::{LoggingFormat, PaasConfig, PaasConfigError};
use crate::pebble::{ExecRequest, Layer, Pebble, PebbleError, PushOptions, Service};
use crate::secret_storage::{self, SecretStorageError};
use crate::state::{CharmState, StateError};

/// A hook failed unexpectedly: the process exits non-zero and Juju discards the hook's
/// relation writes. Configuration and relation problems are never this: they are statuses.
#[derive(Debug, thiserror::Error)]
pub enum HookError {
    /// A hook tool failed.
    #[error(transparent)]
    Tool(#[from] HookToolError),
    /// Pebble failed while the workload was being changed.
    #[error(transparent)]
    Pebble(#[from] PebbleError),
    /// A secret key could not be generated.
    #[error(transparent)]
    SecretStorage(#[from] SecretStorageError),
}

impl From<IntegrationError> for HookError {
    fn from(err: IntegrationError) -> Self {
        match err {
            IntegrationError::Tool(e) => HookError::Tool(e),
            IntegrationError::Container(e) => match crate::container::pebble_error(e) {
                Ok(e) => HookError::Pebble(e),
                Err(e) => HookError::Pebble(PebbleError::Protocol(e.to_string())),
            },
            IntegrationError::InvalidData(message) => HookError::Tool(HookToolError::Failed {
                tool: "integration".into(),
                message,
            }),
        }
    }
}

impl From<django::SuperuserError> for HookError {
    fn from(err: django::SuperuserError) -> Self {
        match err {
            django::SuperuserError::Tool(e) => HookError::Tool(e),
            django::SuperuserError::SecretStorage(e) => HookError::SecretStorage(e),
        }
    }
}

/// Everything one hook works with.
pub struct Hook<'a> {
    /// The hook tools.
    pub juju: &'a mut Juju,
    /// The workload's Pebble.
    pub pebble: &'a mut dyn Pebble,
    /// The charm metadata.
    pub meta: &'a CharmMeta,
    /// The framework.
    pub framework: &'static FrameworkInfo,
    /// What the framework tells integrations ([`framework::facts`] of the charm's framework,
    /// chosen at compile time where the charm type is known, so a binary holds only its own
    /// framework's COS assets).
    pub facts: &'static FrameworkFacts,
    /// `paas-config.yaml`, or why it cannot be used.
    pub paas_config: Result<PaasConfig, PaasConfigError>,
    /// The framework's actions by name (the charm's [`crate::Charm::framework_action`], or
    /// [`framework::action`] for the framework).
    pub actions: &'a dyn Fn(&str) -> Option<FrameworkAction>,
}

/// Why a reconcile stopped short: the status it leaves.
enum Stop {
    Status(Status),
    Failed(HookError),
}

impl<E: Into<HookError>> From<E> for Stop {
    fn from(err: E) -> Self {
        Stop::Failed(err.into())
    }
}

/// Runs one hook with the charm's integrations (listed ones and the always-on ones).
pub fn run_hook(hook: Hook<'_>, integrations: &mut dyn IntegrationSet) -> Result<(), HookError> {
    run_hook_with(hook, integrations, &NoExtensions)
}

/// Runs one hook with the charm's integrations and the author's extensions.
pub fn run_hook_with(
    hook: Hook<'_>,
    integrations: &mut dyn IntegrationSet,
    extensions: &dyn Extensions,
) -> Result<(), HookError> {
    let Hook {
        juju,
        pebble,
        meta,
        framework,
        facts,
        paas_config,
        actions,
    } = hook;
    let result = run(
        juju,
        pebble,
        meta,
        (framework, facts),
        paas_config,
        integrations,
        extensions,
        actions,
    );
    match result {
        Ok(()) => match juju.flush() {
            Ok(()) => Ok(()),
            Err(err) => {
                let err = HookError::from(err);
                crate::oplog::hook_failed(juju, &err);
                Err(err)
            }
        },
        Err(err) => {
            juju.discard_pending();
            crate::oplog::hook_failed(juju, &err);
            Err(err)
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn run(
    juju: &mut Juju,
    pebble: &mut dyn Pebble,
    meta: &CharmMeta,
    (framework, facts): (&'static FrameworkInfo, &'static FrameworkFacts),
    paas_config: Result<PaasConfig, PaasConfigError>,
    integrations: &mut dyn IntegrationSet,
    extensions: &dyn Extensions,
    actions: &dyn Fn(&str) -> Option<FrameworkAction>,
) -> Result<(), HookError> {
    if !framework::is_supported(framework.kind) {
        let message = format!(
            "the {} framework is not supported by this paas-charm-rs release",
            framework.name
        );
        return juju
            .set_status(&Status::blocked(message))
            .map_err(Into::into);
    }
    // paas-charm fails the hook on these while building the charm object; we block instead.
    let paas_config = match paas_config.and_then(|c| {
        c.check_framework(framework.name, framework.json_logging)
            .map(|()| c)
    }) {
        Ok(config) => config,
        Err(err) => {
            return juju
                .set_status(&Status::blocked(err.to_string()))
                .map_err(Into::into)
        }
    };
    if !framework.kind.is_gunicorn() {
        match crate::state::check_framework_config(juju, framework) {
            Ok(()) => {}
            Err(StateError::Config(err)) => {
                return juju
                    .set_status(&Status::blocked(err.to_string()))
                    .map_err(Into::into)
            }
            Err(StateError::Tool(err)) => return Err(err.into()),
        }
    }
    let config = juju.config()?.clone();
    let workload = match framework::workload_facts(framework.kind, &config) {
        Ok(facts) => facts,
        Err(err) => {
            return juju
                .set_status(&Status::blocked(err.to_string()))
                .map_err(Into::into)
        }
    };
    let store = juju
        .state_dir()
        .map(applied::Store::in_dir)
        .unwrap_or_default();
    let mut run = Runner {
        juju,
        pebble,
        meta,
        framework,
        facts,
        paas_config,
        workload,
        extensions,
        store,
    };

    // The integrations the event is routed to act first (the charm's generated `match`).
    let event = run.juju.event().clone();
    let handled = integrations.handle_event(&event, &mut run.cx());
    let mut triggers = match handled {
        Ok(triggers) => triggers,
        Err(IntegrationError::InvalidData(message)) => {
            crate::oplog::invalid_relation_data(run.juju, &message);
            run.juju.set_status(&Status::blocked(message))?;
            return Ok(());
        }
        Err(other) => return Err(other.into()),
    };

    let mut update_status_guarded = false;
    match &event {
        Event::Relation {
            endpoint,
            kind: RelationEventKind::Created,
        } if endpoint == secret_storage::ENDPOINT => {
            secret_storage::initialise(run.juju, framework.secret_key_field)?;
        }
        Event::Relation {
            endpoint,
            kind: RelationEventKind::Changed | RelationEventKind::Departed,
        } if endpoint == secret_storage::ENDPOINT => triggers.push(Trigger::Reconcile),
        Event::ConfigChanged | Event::Secret(SecretEventKind::Changed) => {
            triggers.push(Trigger::Reconcile)
        }
        Event::Workload {
            container,
            kind: WorkloadEventKind::PebbleReady,
        } if container == framework.container => triggers.push(Trigger::Reconcile),
        Event::UpdateStatus => {
            update_status_guarded = run.guard(integrations)?.is_some();
            let failed = update_status_guarded
                && migration::read_status(run.pebble, framework) == MigrationStatus::Failed;
            if failed {
                triggers.push(Trigger::Reconcile);
            }
        }
        _ => {}
    }
    for trigger in triggers {
        run.reconcile(integrations, trigger == Trigger::ReconcileWithMigrations)?;
    }
    if update_status_guarded {
        match run.each(integrations, &mut |integration, cx| {
            integration.update_status(cx)
        }) {
            Ok(()) => {}
            Err(IntegrationError::InvalidData(message)) => {
                crate::oplog::invalid_relation_data(run.juju, &message);
                run.juju.set_status(&Status::blocked(message))?;
                return Ok(());
            }
            Err(other) => return Err(other.into()),
        }
    }
    if let Event::Action(name) = &event {
        run.action(name, actions(name), integrations)?;
    }
    Ok(())
}

struct Runner<'a> {
    juju: &'a mut Juju,
    pebble: &'a mut dyn Pebble,
    meta: &'a CharmMeta,
    framework: &'static FrameworkInfo,
    facts: &'static FrameworkFacts,
    paas_config: PaasConfig,
    workload: WorkloadFacts,
    extensions: &'a dyn Extensions,
    /// What the last complete apply left (see [`applied`]).
    store: applied::Store,
}

/// The state built by the guard, with what integrations contributed.
struct Built {
    state: CharmState,
    contributions: Contributions,
}

impl Runner<'_> {
    fn cx(&mut self) -> Cx<'_> {
        Cx {
            juju: self.juju,
            meta: self.meta,
            framework: self.facts,
            container: &mut self.pebble,
            paas_config: &self.paas_config,
            workload: &self.workload,
        }
    }

    /// Runs `step` on each integration in order, stopping at the first error.
    fn each(
        &mut self,
        integrations: &mut dyn IntegrationSet,
        step: &mut dyn FnMut(&mut dyn Integration, &mut Cx<'_>) -> Result<(), IntegrationError>,
    ) -> Result<(), IntegrationError> {
        let mut failed = None;
        let _ = integrations.for_each(&mut |integration| match step(integration, &mut self.cx()) {
            Ok(()) => ControlFlow::Continue(()),
            Err(err) => {
                failed = Some(err);
                ControlFlow::Break(())
            }
        });
        failed.map_or(Ok(()), Err)
    }

    /// paas-charm 1.x's guard: build the charm state; a configuration or relation-data problem
    /// sets Blocked and skips the handler (`None`).
    fn guard(&mut self, integrations: &mut dyn IntegrationSet) -> Result<Option<Built>, HookError> {
        let state = match CharmState::build(self.juju, self.meta, self.framework) {
            Ok(state) => state,
            Err(StateError::Config(err)) => {
                self.juju.set_status(&Status::blocked(err.to_string()))?;
                return Ok(None);
            }
            Err(StateError::Tool(err)) => return Err(err.into()),
        };
        let mut contributions = Contributions::default();
        let loaded = self.each(integrations, &mut |integration, cx| {
            integration.load(cx)?;
            integration.contribute(&mut contributions);
            Ok(())
        });
        match loaded {
            Ok(()) => {}
            Err(IntegrationError::InvalidData(message)) => {
                crate::oplog::invalid_relation_data(self.juju, &message);
                self.juju.set_status(&Status::blocked(message))?;
                return Ok(None);
            }
            Err(other) => return Err(other.into()),
        }
        Ok(Some(Built {
            state,
            contributions,
        }))
    }

    fn base_url(&self, contributions: &Contributions) -> String {
        contributions.ingress_url.clone().unwrap_or_else(|| {
            format!(
                "http://{}.{}:{}",
                self.juju.ctx.app_name, self.juju.ctx.model_name, self.workload.app_port
            )
        })
    }

    fn reconcile(
        &mut self,
        integrations: &mut dyn IntegrationSet,
        with_migrations: bool,
    ) -> Result<(), HookError> {
        let extensions = self.extensions;
        if let Err(err) = extensions.before_reconcile(&mut self.cx()) {
            return self.extension_stop(err);
        }
        let Some(built) = self.guard(integrations)? else {
            return Ok(());
        };
        match self.reconcile_built(integrations, &built, with_migrations) {
            Ok(()) => Ok(()),
            Err(Stop::Status(status)) => Ok(self.juju.set_status(&status)?),
            Err(Stop::Failed(err)) => Err(err),
        }
    }

    /// paas-charm's readiness check (frameworks.md §11.3), after the guard built the state:
    /// the view of the reconcile when ready, else the status to set.
    fn check_ready(
        &mut self,
        integrations: &mut dyn IntegrationSet,
        built: &Built,
    ) -> Result<ReadinessView, Stop> {
        let framework = self.framework;
        if !self.pebble.can_connect() {
            return Err(Stop::Status(Status::waiting("Waiting for pebble ready")));
        }
        if built.state.peer.secret_key.is_none() {
            return Err(Stop::Status(Status::waiting(
                "Waiting for peer integration",
            )));
        }
        let mut missing: Vec<String> = Vec::new();
        let _ = integrations.for_each(&mut |integration| {
            if integration.required() && !integration.is_ready() {
                missing.push(integration.name().to_owned());
            }
            ControlFlow::Continue(())
        });
        crate::sort::sort_by_key(&mut missing, |name| {
            paas_charm_requirements::missing_rank(name)
        });
        if !missing.is_empty() {
            let message = format!("missing integrations: {}", missing.join(", "));
            self.forget_applied()?;
            // paas-charm builds the app (`_create_app`, which pushes Spring Boot's SAML
            // certificate) to stop its services.
            self.push_app_build_files(built)?;
            self.stop_all_services()?;
            migration::write_status(self.pebble, framework, MigrationStatus::Pending)?;
            return Err(Stop::Status(Status::blocked(message)));
        }
        let view = ReadinessView {
            ingress_url: built.contributions.ingress_url.clone(),
            base_url: self.base_url(&built.contributions),
        };
        let mut blocked = None;
        let _ = integrations.for_each(&mut |integration| match integration.blocked(&view) {
            Some(status) => {
                blocked = Some(status);
                ControlFlow::Break(())
            }
            None => ControlFlow::Continue(()),
        });
        if let Some(status) = blocked {
            return Err(Stop::Status(status));
        }
        if let Some(status) = framework::blocked(framework.kind, integrations) {
            return Err(Stop::Status(status));
        }
        Ok(view)
    }

    fn reconcile_built(
        &mut self,
        integrations: &mut dyn IntegrationSet,
        built: &Built,
        with_migrations: bool,
    ) -> Result<(), Stop> {
        let framework = self.framework;
        let view = self.check_ready(integrations, built)?;
        // A reconcile that must run migrations again never trusts the record.
        let record = if with_migrations {
            None
        } else {
            self.store.load()
        };
        if with_migrations {
            self.forget_applied()?;
            migration::write_status(self.pebble, framework, MigrationStatus::Pending)?;
        }
        let result = self.each(integrations, &mut |integration, cx| {
            integration.before_restart(cx, &view)
        });
        self.log_invalid_data(&result);
        result.map_err(integration_stop)?;
        self.juju
            .set_status(&Status::maintenance("Preparing service for restart"))?;
        let env = self.build_env(integrations, built, &view.base_url);
        let mut kept = self.restart(built, &env, record.as_ref())?;
        let result = self.each(integrations, &mut |integration, cx| {
            integration.after_reconcile(cx)
        });
        self.log_invalid_data(&result);
        result.map_err(integration_stop)?;
        self.open_ports(kept.as_mut())?;
        self.juju.set_status(&Status::active())?;
        let extensions = self.extensions;
        extensions
            .after_reconcile(&mut self.cx())
            .map_err(extension_stop)?;
        Ok(())
    }

    /// Logs relation data an integration refused (the reconcile then blocks with its message).
    fn log_invalid_data<T>(&mut self, result: &Result<T, IntegrationError>) {
        if let Err(IntegrationError::InvalidData(message)) = result {
            crate::oplog::invalid_relation_data(self.juju, message);
        }
    }

    /// Sets the status an extension hook asked for, or fails the hook.
    fn extension_stop(&mut self, err: ExtensionError) -> Result<(), HookError> {
        match extension_stop(err) {
            Stop::Status(status) => Ok(self.juju.set_status(&status)?),
            Stop::Failed(err) => Err(err),
        }
    }

    /// The workload environment, in paas-charm's order (frameworks.md §5.1): the charm's
    /// generated composition runs the steps of [`EnvSteps`] around each integration's.
    fn build_env(
        &self,
        integrations: &mut dyn IntegrationSet,
        built: &Built,
        base_url: &str,
    ) -> Env {
        let mut steps = EnvSteps {
            runner: self,
            built,
            base_url,
            env: Env::for_workload(),
        };
        integrations.compose_env(&mut steps);
        steps.env
    }

    /// The files integrations contribute, pushed where paas-charm pushes them while it builds
    /// the app object even when it then only stops the services (missing integrations).
    fn push_app_build_files(&mut self, built: &Built) -> Result<(), PebbleError> {
        self.push_workload_files(&built.contributions.files)
    }

    /// Pushes `(path, content)` files as the workload's `_daemon_` user, making directories.
    fn push_workload_files<'f>(
        &mut self,
        files: impl IntoIterator<Item = &'f (String, String)>,
    ) -> Result<(), PebbleError> {
        let options = PushOptions {
            make_dirs: true,
            user: Some("_daemon_".into()),
            group: Some("_daemon_".into()),
            ..PushOptions::default()
        };
        for (path, content) in files {
            self.pebble.push(path, content.as_bytes(), &options)?;
        }
        Ok(())
    }

    fn stop_all_services(&mut self) -> Result<(), PebbleError> {
        let names: Vec<String> = self.pebble.plan()?.services.into_keys().collect();
        if names.is_empty() {
            return Ok(());
        }
        self.pebble.stop(&names)
    }

    /// The rock's services as first seen, kept in the workload (frameworks.md §6.1).
    fn original_services(&mut self) -> Result<BTreeMap<String, Service>, Stop> {
        let path = format!(
            "{}/original-services.json",
            self.framework.services_state_dir
        );
        match self.pebble.pull(&path) {
            Ok(bytes) => {
                if let Some(services) = crate::pebble::layer::services_from_json(&bytes) {
                    return Ok(services);
                }
            }
            Err(PebbleError::NotFound(_)) => {}
            Err(err) => return Err(err.into()),
        }
        // No snapshot: the container's filesystem is new (see framework::log_dir). Made before
        // the snapshot is written, so a hook killed in between makes it again.
        framework::log_dir::prepare(self.pebble, self.framework.kind)?;
        let services = self.pebble.plan()?.services;
        let text = serde_json::to_string(&services)
            .map_err(|e| Stop::Failed(HookError::Pebble(PebbleError::Protocol(e.to_string()))))?;
        let options = PushOptions {
            make_dirs: true,
            ..PushOptions::default()
        };
        self.pebble.push(&path, text.as_bytes(), &options)?;
        Ok(services)
    }

    /// Removes the record of the last apply before the workload is changed (see [`applied`]).
    fn forget_applied(&mut self) -> Result<(), HookError> {
        self.store.forget().map_err(|e| {
            HookError::Tool(HookToolError::Failed {
                tool: "applied-record".into(),
                message: e.to_string(),
            })
        })
    }

    /// Opens the app port (and closes any other). Skipped when the record holds the ports as
    /// Juju last reported them and they are the wanted ones; the record forgets them before
    /// any port is changed, and holds them again only once Juju reports them.
    fn open_ports(&mut self, mut kept: Option<&mut Applied>) -> Result<(), HookError> {
        let wanted = vec![Port::tcp(self.workload.app_port)];
        if let Some(record) = kept.as_deref_mut() {
            if record.ports.as_ref() == Some(&wanted) {
                return Ok(());
            }
            if record.ports.take().is_some() {
                self.store.save(record);
            }
        }
        let confirmed = self.juju.set_ports_confirming(&wanted)?;
        if let Some(record) = kept {
            if confirmed {
                record.ports = Some(wanted);
                self.store.save(record);
            }
        }
        Ok(())
    }

    /// Applies the layers, files, Gunicorn configuration, migrations and the replan, unless
    /// the record of the last apply proves that exactly this was applied to the services
    /// still running; returns the record to keep (`None` without a store).
    fn restart(
        &mut self,
        built: &Built,
        env: &Env,
        record: Option<&Applied>,
    ) -> Result<Option<Applied>, Stop> {
        let framework = self.framework;
        let gunicorn_options = if framework.kind.is_gunicorn() {
            let options = WebserverOptions::from_config(&built.state.config)
                .map_err(|e| Stop::Status(Status::blocked(e.to_string())))?;
            if let Some(class) = &options.worker_class {
                let gevent = gunicorn::check_worker_class(class, framework.name)
                    .map_err(|e| Stop::Status(Status::blocked(e.to_string())))?;
                if gevent {
                    let check =
                        self.pebble
                            .exec(&ExecRequest::new(["python3", "-c", "import gevent"]))?;
                    if !check.success() {
                        return Err(Stop::Status(Status::blocked(
                            gunicorn::WorkerClassError::GeventMissing(framework.name).to_string(),
                        )));
                    }
                }
            }
            Some(options)
        } else {
            None
        };
        // The record counts only while Pebble proves it describes the running services (a
        // new workload container, a restarted or stopped service: it describes the past).
        let record = match record {
            Some(record) if self.store.enabled() => {
                let now = self.pebble.services()?;
                record.proven_by(&now, framework.service).then_some(record)
            }
            _ => None,
        };
        let services = match record {
            Some(record) if !record.originals.is_empty() => record.originals.clone(),
            _ => self.original_services()?,
        };
        let Some(main) = services.get(framework.service) else {
            return Err(Stop::Status(Status::blocked(format!(
                "the workload image has no \"{}\" service in its Pebble plan",
                framework.service
            ))));
        };
        let command = match gunicorn_options
            .as_ref()
            .and_then(|o| o.worker_class.as_deref())
        {
            Some(class) => gunicorn::rewrite_worker_class(&main.command, class)
                .map_err(|e| Stop::Status(Status::blocked(e.to_string())))?
                .unwrap_or_else(|| main.command.clone()),
            None => main.command.clone(),
        };
        let layer = build_layer(
            framework,
            services.clone(),
            env,
            &command,
            self.juju.ctx.unit_number,
        );
        let workload_files: Vec<(String, String)> =
            framework::workload_files(framework.kind, &self.paas_config)
                .into_iter()
                .map(|(path, content)| (path, content.to_owned()))
                .collect();
        let gunicorn_text = gunicorn_options
            .as_ref()
            .map(|options| self.gunicorn_config(options, built));
        let fingerprint = {
            // The layers as they are sent (YAML), the environment the check and the migration
            // run with, the Gunicorn config, every pushed file.
            let yaml = |layer: &Layer| layer.to_yaml().unwrap_or_default().into_bytes();
            let mut parts: Vec<Vec<u8>> = vec![
                framework.name.as_bytes().to_vec(),
                yaml(&layer),
                gunicorn_text.clone().unwrap_or_default().into_bytes(),
            ];
            for (name, value) in env.to_strings() {
                parts.push(name.into_bytes());
                parts.push(value.into_bytes());
            }
            for (label, targets) in &built.contributions.log_forwarding {
                parts.push(label.as_bytes().to_vec());
                parts.push(yaml(&crate::container::log_forwarding_layer(targets)));
            }
            for (path, content) in built.contributions.files.iter().chain(&workload_files) {
                parts.push(path.as_bytes().to_vec());
                parts.push(content.as_bytes().to_vec());
            }
            let parts: Vec<&[u8]> = parts.iter().map(Vec::as_slice).collect();
            applied::fingerprint(&parts)
        };
        if let Some(record) = record.filter(|r| r.fingerprint == fingerprint) {
            return Ok(Some(record.clone()));
        }
        let loaded = record.and_then(|r| r.gunicorn.clone());
        self.forget_applied()?;
        self.pebble.add_layer("charm", &layer, true)?;
        for (label, targets) in &built.contributions.log_forwarding {
            let extra = crate::container::log_forwarding_layer(targets);
            self.pebble.add_layer(label, &extra, true)?;
        }
        self.push_workload_files(built.contributions.files.iter().chain(&workload_files))?;
        if let Some(text) = &gunicorn_text {
            self.configure_gunicorn(env, &command, text, loaded.as_deref())?;
        }
        if let Err(failed) = migration::run(self.pebble, framework, env)? {
            crate::oplog::migration_failed(self.juju, &failed);
            return Err(Stop::Status(Status::blocked(failed.to_string())));
        }
        self.pebble.replan()?;
        if !self.store.enabled() {
            return Ok(None);
        }
        let now = self.pebble.services()?;
        let kept = Applied {
            fingerprint,
            originals: services,
            services: now.iter().map(applied::mark).collect(),
            gunicorn: gunicorn_text.map(|t| applied::fingerprint(&[t.as_bytes()])),
            ports: None,
        };
        self.store.save(&kept);
        Ok(Some(kept))
    }

    /// Gunicorn's pre-restart step (its log directory is made with the services snapshot,
    /// `framework::log_dir`): `gunicorn.conf.py`, `--check-config`,
    /// and a reload when the configuration changed (frameworks.md §7.4).
    /// `gunicorn.conf.py` as this reconcile wants it.
    fn gunicorn_config(&self, options: &WebserverOptions, built: &Built) -> String {
        let framework = self.framework;
        let forwarding = self.juju.ctx.juju_version.supports_log_forwarding();
        let access = format!("/var/log/{}/access.log", framework.name);
        let error = format!("/var/log/{}/error.log", framework.name);
        GunicornConfig {
            port: self.workload.app_port,
            app_dir: framework.app_dir,
            access_log: if forwarding { "-" } else { &access },
            error_log: if forwarding { "-" } else { &error },
            options,
            tracing: built.contributions.tracing_ready,
            json_logging: self.paas_config.logging_format == LoggingFormat::Json,
        }
        .render()
    }

    /// `loaded`: the hash of the configuration the running Gunicorn is known to have loaded
    /// (from the record), `None` when unknown. With a record store, an unknown one is reloaded
    /// even when the file already holds the wanted text: an interrupted hook may have pushed it
    /// without reloading (the lost update of issue 12).
    fn configure_gunicorn(
        &mut self,
        env: &Env,
        command: &str,
        text: &str,
        loaded: Option<&str>,
    ) -> Result<(), Stop> {
        let framework = self.framework;
        let owner = PushOptions {
            make_dirs: true,
            user: Some("_daemon_".into()),
            group: Some("_daemon_".into()),
            ..PushOptions::default()
        };
        let path = format!("{}/gunicorn.conf.py", framework.base_dir);
        let previous = match self.pebble.pull(&path) {
            Ok(bytes) => Some(bytes),
            Err(PebbleError::NotFound(_)) => None,
            Err(err) => return Err(err.into()),
        };
        let changed = previous.as_deref() != Some(text.as_bytes());
        if changed {
            self.pebble.push(&path, text.as_bytes(), &owner)?;
        }
        let Some(argv) = gunicorn::check_config_command(command) else {
            return Err(Stop::Status(Status::blocked(gunicorn::CHECK_CONFIG_FAILED)));
        };
        let check = ExecRequest {
            command: argv,
            environment: env.to_strings(),
            working_dir: Some(framework.app_dir.to_owned()),
            user: Some("_daemon_".into()),
            group: Some("_daemon_".into()),
            ..ExecRequest::default()
        };
        let output = self.pebble.exec(&check)?;
        if !output.success() {
            crate::oplog::webserver_check_failed(self.juju, &output);
            return Err(Stop::Status(Status::blocked(gunicorn::CHECK_CONFIG_FAILED)));
        }
        let hash = applied::fingerprint(&[text.as_bytes()]);
        let unproven = self.store.enabled() && loaded != Some(hash.as_str());
        if changed || unproven {
            let running = self
                .pebble
                .services()?
                .iter()
                .any(|s| s.name == framework.service && s.is_running());
            if running {
                self.pebble
                    .send_signal("SIGHUP", &[framework.service.to_owned()])?;
            }
        }
        Ok(())
    }

    /// Runs the action `name`: the framework's (`action`), or the author's.
    fn action(
        &mut self,
        name: &str,
        action: Option<FrameworkAction>,
        integrations: &mut dyn IntegrationSet,
    ) -> Result<(), HookError> {
        match action {
            Some(FrameworkAction::RotateSecretKey) => {
                if self.guard(integrations)?.is_none() {
                    return Ok(());
                }
                if !self.juju.is_leader()? {
                    self.juju
                        .action_fail("only leader unit can rotate secret key")?;
                    return Ok(());
                }
                let peer =
                    secret_storage::PeerState::load(self.juju, self.framework.secret_key_field)?;
                let (Some(id), Some(_)) = (peer.relation_id, peer.secret_key) else {
                    self.juju.action_fail("charm is still initializing")?;
                    return Ok(());
                };
                secret_storage::store_new_key(self.juju, id, self.framework.secret_key_field)?;
                let results = crate::juju::Bag::from([("status".to_owned(), "success".to_owned())]);
                self.juju.action_set(&results)?;
                self.reconcile(integrations, false)
            }
            Some(FrameworkAction::CreateSuperuser) => self.create_superuser(integrations),
            None => {
                let extensions = self.extensions;
                if let Some(action) = extensions.actions().into_iter().find(|a| a.name == name) {
                    let params = self.juju.action_params()?;
                    match action.run(&params, &mut self.cx()) {
                        Ok(results) => self.juju.action_set(&results)?,
                        Err(message) => self.juju.action_fail(&message)?,
                    }
                    return Ok(());
                }
                self.juju
                    .action_fail(&format!("this charm has no action named {name:?}"))?;
                Ok(())
            }
        }
    }
}

impl Runner<'_> {
    /// Django's `create-superuser` (frameworks.md §13.2): unguarded in paas-charm; it fails the
    /// action when the charm is not ready and still runs the command.
    fn create_superuser(&mut self, integrations: &mut dyn IntegrationSet) -> Result<(), HookError> {
        // paas-charm's hook crashes on invalid config here; the guard blocks instead.
        let Some(built) = self.guard(integrations)? else {
            self.juju.action_fail(django::NOT_READY)?;
            return Ok(());
        };
        match self.check_ready(integrations, &built) {
            Ok(_) => {}
            Err(Stop::Status(status)) => {
                self.juju.set_status(&status)?;
                self.juju.action_fail(django::NOT_READY)?;
            }
            Err(Stop::Failed(err)) => return Err(err),
        }
        // Without the peer key paas-charm crashes building the env; there is nothing to run.
        if built.state.peer.secret_key.is_none() {
            return Ok(());
        }
        let base_url = self.base_url(&built.contributions);
        let env = self.build_env(integrations, &built, &base_url);
        Ok(django::create_superuser(
            self.juju,
            self.pebble,
            self.framework,
            &env,
        )?)
    }
}

/// The reconcile's steps of the environment composition (frameworks.md §5.1), each naming its
/// contributor for `env --explain` (recorded only there).
struct EnvSteps<'r, 'a> {
    runner: &'r Runner<'a>,
    built: &'r Built,
    base_url: &'r str,
    env: Env,
}

impl ComposeEnv for EnvSteps<'_, '_> {
    fn framework(&mut self) {
        let built = self.built;
        let env = &mut self.env;
        let prefix = self.runner.framework.config_prefix;
        env.attribute(Source::UserOption);
        for (name, value) in &built.state.user_env {
            env.set(name, value);
        }
        env.attribute(Source::FrameworkOption);
        for (name, value) in &built.state.framework_env {
            env.set(name, value);
        }
        env.attribute(Source::BaseUrl);
        env.set(format!("{prefix}BASE_URL"), self.base_url);
        env.attribute(Source::PeerSecretKey);
        if let Some(key) = &built.state.peer.secret_key {
            env.set_default(format!("{prefix}SECRET_KEY"), key);
        }
        let ctx = &self.runner.juju.ctx;
        let (http, https) = match &built.contributions.proxy {
            Some(proxy) => (proxy.http.clone(), proxy.https.clone()),
            None => (ctx.proxy.http_proxy.clone(), ctx.proxy.https_proxy.clone()),
        };
        for (name, value) in [
            ("http_proxy", http),
            ("https_proxy", https),
            ("no_proxy", ctx.proxy.no_proxy.clone()),
        ] {
            match &built.contributions.proxy {
                Some(_) if name != "no_proxy" => env.attribute_integration("http-proxy"),
                _ => env.attribute(Source::JujuProxy),
            }
            if let Some(value) = value.filter(|v| !v.is_empty()) {
                env.set(name, value.clone());
                env.set(name.to_uppercase(), value);
            }
        }
        env.attribute(Source::PeerUnits);
        if let Some(fqdns) = built.state.peer.peer_fqdns(&ctx.app_name, &ctx.model_name) {
            env.set(format!("{prefix}PEER_FQDNS"), fqdns);
        }
    }

    fn integration(&mut self, integration: &dyn Integration) {
        self.env.attribute_integration(integration.name());
        framework::integration_env(self.runner.framework, integration, &mut self.env);
    }

    fn finish(&mut self) {
        let runner = self.runner;
        let built = self.built;
        let env = &mut self.env;
        env.attribute(Source::Framework);
        framework::finish_env(
            runner.framework.kind,
            &runner.workload,
            &built.contributions,
            env,
        );
        let inputs = framework::EnvInputs {
            config: &built.state.config,
            base_url: self.base_url,
            paas_config: &runner.paas_config,
        };
        framework::derived_env(runner.framework.kind, &inputs, env);
        // The author's extra variables come last: they see (and may override) all the above.
        let ctx = &runner.juju.ctx;
        let view = EnvView {
            config: &built.state.config,
            app_name: &ctx.app_name,
            unit_name: &ctx.unit_name,
            base_url: self.base_url,
            env,
        };
        let extra = runner.extensions.extra_env(&view);
        env.attribute(Source::Extension);
        for (name, value) in extra {
            env.set(name, value);
        }
        provenance::publish(env);
    }
}

fn extension_stop(err: ExtensionError) -> Stop {
    match err {
        ExtensionError::Blocked(message) => Stop::Status(Status::blocked(message)),
        ExtensionError::Waiting(message) => Stop::Status(Status::waiting(message)),
        ExtensionError::Tool(err) => Stop::Failed(err.into()),
        ExtensionError::Pebble(err) => Stop::Failed(err.into()),
    }
}

fn integration_stop(err: IntegrationError) -> Stop {
    match err {
        IntegrationError::InvalidData(message) => Stop::Status(Status::blocked(message)),
        other => Stop::Failed(other.into()),
    }
}

/// The `charm` layer: every original service, with the main service, `-worker` services and
/// (on unit 0) `-scheduler` services given the environment (frameworks.md §6.2).
pub fn build_layer(
    framework: &FrameworkInfo,
    mut services: BTreeMap<String, Service>,
    env: &Env,
    command: &str,
    unit_number: u32,
) -> Layer {
    for (name, service) in services.iter_mut() {
        let lower = name.to_lowercase();
        if name == framework.service {
            service.r#override = "replace".into();
            service.environment = env.to_values();
            service.command = command.to_owned();
        } else if lower.ends_with("-worker") {
            service.environment = env.to_values();
        } else if lower.ends_with("-scheduler") {
            if unit_number == 0 {
                service.environment = env.to_values();
            } else {
                service.startup = "disabled".into();
            }
        }
    }
    Layer {
        services,
        ..Layer::default()
    }
}
