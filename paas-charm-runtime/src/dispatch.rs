//! Running a real hook: the hook context from the `JUJU_*` variables, the hook tools
//! ([`SubprocessBackend`] behind the caching [`Juju`]), the charm's metadata and
//! `paas-config.yaml` from the charm directory, the framework container's Pebble
//! ([`PebbleClient`]), then [`run_hook`] with the bound integrations.
//!
//! An unexpected error is logged through `juju-log` (when the hook tools work), printed to
//! stderr and turns into a non-zero exit, so Juju discards the hook's relation writes and puts
//! the unit in error. Error texts come from the hook tools, Pebble and our own types, which
//! never carry secret values.

use std::process::ExitCode;

use crate::charm::Charm;
use crate::integration::IntegrationSet;
use crate::juju::{CharmMeta, HookContext, Juju, LogLevel, SubprocessBackend};
use crate::paas_config::{PaasConfig, PaasConfigError};
use crate::pebble::{Pebble, PebbleClient};
use crate::reconcile::{run_hook_with, Hook, HookError};

/// Overrides where the charm keeps its record of what it applied (default: the charm
/// directory). For tests that run several units from one charm directory.
pub const STATE_DIR_ENV: &str = "PAAS_CHARM_STATE_DIR";

/// Runs the hook Juju dispatched; non-zero exit on an unexpected error.
pub fn run<C: Charm>() -> ExitCode {
    match HookContext::from_env() {
        Ok(ctx) => run_in(ctx, SubprocessBackend::new(), |juju| dispatch::<C>(juju)),
        Err(err) => fail(None, &format!("cannot read the hook context: {err}")),
    }
}

/// Runs `hook` with a [`Juju`] over `backend`, turning its error into a logged failure.
fn run_in(
    ctx: HookContext,
    backend: SubprocessBackend,
    hook: impl FnOnce(&mut Juju) -> Result<(), Failure>,
) -> ExitCode {
    let trace = std::env::var_os(crate::juju::subprocess::TRACE_ENV).is_some_and(|v| !v.is_empty());
    let mut juju = Juju::new(Box::new(backend), ctx);
    let code = match hook(&mut juju) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure {
            message,
            logged: true,
        }) => fail(None, &message),
        Err(Failure { message, .. }) => fail(Some(&mut juju), &message),
    };
    if trace {
        if let Some(peak) = peak_rss_kib() {
            eprintln!("paas-charm: peak RSS {peak} KiB");
        }
    }
    code
}

/// This process's peak resident set size (`VmHWM` in `/proc/self/status`), for tracing.
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status.lines().find_map(|line| {
        line.strip_prefix("VmHWM:")?
            .trim()
            .strip_suffix("kB")?
            .trim()
            .parse()
            .ok()
    })
}

fn dispatch<C: Charm>(juju: &mut Juju) -> Result<(), Failure> {
    let charm_dir = juju.ctx.charm_dir.clone();
    // The record of what was applied (`applied`) lives in the charm directory, which Juju
    // keeps for the unit; tests running many units from one charm directory name their own.
    let state_dir = std::env::var_os(STATE_DIR_ENV)
        .filter(|v| !v.is_empty())
        .map_or_else(|| charm_dir.clone(), std::path::PathBuf::from);
    juju.set_state_dir(state_dir);
    let meta = CharmMeta::load(&charm_dir).map_err(|e| format!("cannot load the charm: {e}"))?;
    let framework = C::FRAMEWORK.info();
    let container = meta.container().unwrap_or(framework.container).to_owned();
    let mut pebble = PebbleClient::for_container(&container);
    let event = juju.event().clone();
    // run_hook_with has already logged its failure, with the chain, through juju-log.
    run_charm::<C>(juju, &mut pebble, &meta, PaasConfig::load(&charm_dir)).map_err(|e| Failure {
        message: failure_message(&event, &e),
        logged: true,
    })
}

/// What a failed hook reports on stderr (and what [`run_hook_with`] logs at ERROR): the event
/// and the error with its chain of causes.
pub(crate) fn failure_message(event: &crate::juju::Event, err: &HookError) -> String {
    format!("the {event} hook failed: {}", crate::oplog::chain(err))
}

/// Runs charm `C`'s hook with its metadata as charmcraft.yaml spells it (endpoint names
/// included): renames endpoints, binds the charm's integrations and runs the reconcile. The one path of a real hook and of the test harness
/// ([`crate::testing::harness`]).
pub(crate) fn run_charm<C: Charm>(
    juju: &mut Juju,
    pebble: &mut dyn Pebble,
    meta: &CharmMeta,
    paas_config: Result<PaasConfig, PaasConfigError>,
) -> Result<(), HookError> {
    let meta = meta.with_renamed_endpoints(C::ENDPOINTS);
    juju.rename_endpoints(C::ENDPOINTS);
    juju.set_peer_endpoints(meta.peers.keys().cloned());
    let mut integrations = <C::Integrations as IntegrationSet>::bind(&meta);
    let hook = Hook {
        juju,
        pebble,
        meta: &meta,
        framework: C::FRAMEWORK.info(),
        facts: const { crate::framework::facts(C::FRAMEWORK) },
        paas_config,
        actions: &C::framework_action,
    };
    run_hook_with(hook, &mut integrations, C::extensions())
}

/// Why a hook failed, and whether the operator's log already has it.
struct Failure {
    message: String,
    logged: bool,
}

impl From<String> for Failure {
    fn from(message: String) -> Self {
        Self {
            message,
            logged: false,
        }
    }
}

/// Reports an unexpected error: `juju-log` at ERROR (best effort), stderr, exit 1.
fn fail(juju: Option<&mut Juju>, message: &str) -> ExitCode {
    if let Some(juju) = juju {
        juju.log(LogLevel::Error, message);
    }
    eprintln!("error: {message}");
    ExitCode::FAILURE
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_hook_exits_non_zero() {
        let vars = [
            ("JUJU_DISPATCH_PATH", "hooks/config-changed"),
            ("JUJU_UNIT_NAME", "app/0"),
            ("JUJU_MODEL_NAME", "m"),
            ("JUJU_VERSION", "3.6.0"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        let ctx = HookContext::from_vars(&vars).expect("context");
        let dir = std::env::temp_dir().join(format!("dispatch-test-{}", std::process::id()));
        let code = run_in(ctx, SubprocessBackend::with_tool_dir(&dir), |_| {
            Err(String::from("boom").into())
        });
        assert_eq!(code, ExitCode::FAILURE);
    }
}
