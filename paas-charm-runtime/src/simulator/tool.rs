//! The simulator's two commands as the charm binary runs them: `simulate` and `env`. The CLI
//! calls [`simulate`] and [`env`] and prints what they return; nothing else of the simulator
//! is its business.

use crate::charm::Charm;
use crate::integration::IntegrationSet;
use crate::simulator::env_tool::{self, EnvArgs, EnvRun, NoEnv};
use crate::simulator::{report, OwnCharm, Scenario, World};

/// Why a command printed no output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ToolError {
    /// Bad arguments: the message, followed by the usage (exit 2).
    Usage(String),
    /// The command failed: the message for stderr and the exit code.
    Failed {
        /// The whole stderr line.
        message: String,
        /// The exit code.
        code: u8,
    },
}

fn failed(message: String, code: u8) -> ToolError {
    ToolError::Failed { message, code }
}

/// What the charm binary knows about itself, for scenarios that leave it out.
fn own<C: Charm>() -> OwnCharm {
    OwnCharm {
        framework: C::FRAMEWORK,
        charmcraft_yaml: C::CHARMCRAFT_YAML,
    }
}

/// Runs a world with the charm's integrations and extensions; the output JSON.
fn run_world<C: Charm>(mut world: World) -> serde_json::Value {
    world.meta = world.meta.with_renamed_endpoints(C::ENDPOINTS);
    let mut integrations = <C::Integrations as IntegrationSet>::bind(&world.meta);
    world.run_charm::<C>(&mut integrations)
}

/// `simulate [--report] <scenario.json>`: the output JSON (or, with `report`, the page for a
/// person).
pub fn simulate<C: Charm>(path: &str, report: bool) -> Result<String, ToolError> {
    let world = World::load_for(std::path::Path::new(path), Some(&own::<C>()))
        .map_err(|err| failed(format!("error: {err}"), 2))?;
    let output = run_world::<C>(world);
    Ok(if report {
        let service = C::FRAMEWORK.info().service;
        report::render(&output, service, false)
    } else {
        format!(
            "{}\n",
            serde_json::to_string_pretty(&output).unwrap_or_else(|_| "{}".into())
        )
    })
}

/// `env [<scenario.json>] [--config key=value]... [--explain] [--show-secrets]`: the main
/// service's environment as `NAME=value` lines. Exit 3 when the charm would be blocked or
/// waiting, 1 if the hook fails, 2 on bad input.
pub fn env<C: Charm>(args: &[String]) -> Result<String, ToolError> {
    let args = EnvArgs::parse(args).map_err(ToolError::Usage)?;
    let (text, origin) = match &args.scenario {
        Some(path) => match std::fs::read_to_string(path) {
            Ok(text) => (text, path.display().to_string()),
            Err(err) => {
                let message = format!("error: cannot read {}: {err}", path.display());
                return Err(failed(message, 2));
            }
        },
        None => ("{}".to_owned(), "the charm's defaults".to_owned()),
    };
    let prepared = Scenario::parse(&text, Some(&own::<C>())).and_then(|mut scenario| {
        let meta = scenario.meta()?;
        env_tool::apply_config(&mut scenario, &meta, &args.config)?;
        Ok((scenario, meta))
    });
    let (scenario, meta) = prepared.map_err(|err| failed(format!("error: {origin}: {err}"), 2))?;
    let world =
        World::new(scenario.clone()).map_err(|err| failed(format!("error: {origin}: {err}"), 2))?;
    let (output, env) = crate::env::provenance::capture(|| run_world::<C>(world));
    let meta = meta.with_renamed_endpoints(C::ENDPOINTS);
    let run = EnvRun {
        scenario: &scenario,
        meta: &meta,
        framework: C::FRAMEWORK,
        renamed: C::ENDPOINTS,
        output: &output,
        env: env.as_ref(),
    };
    match env_tool::render(&run, args.explain, args.show_secrets) {
        Ok(lines) => Ok(lines),
        Err(err @ NoEnv::NotReady { .. }) => Err(failed(err.to_string(), 3)),
        Err(err @ NoEnv::HookFailed(_)) => Err(failed(format!("error: {err}"), 1)),
    }
}
