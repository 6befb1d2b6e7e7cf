//! Command-line entry: dispatch a hook under Juju, or run a local tool.

use std::process::ExitCode;

use crate::charm::Charm;
use crate::integration::{Integration, IntegrationSet};
use crate::juju::CharmMeta;

const USAGE: &str = "usage:
  <charm>                           run the hook Juju dispatches (JUJU_DISPATCH_PATH set)
  <charm> simulate <scenario.json>  run a scenario locally and print the output JSON; keys the
                                    scenario leaves out (metadata, framework, rock layer, ...)
                                    are this charm's own
  <charm> simulate --report <scenario.json>
                                    the same run, as a page for a person (secrets as ***)
  <charm> env [<scenario.json>] [--config key=value]... [--explain] [--show-secrets]
                                    the main service's environment as NAME=value lines (default
                                    config, no relations unless a scenario gives them); --explain
                                    adds where each came from; exit 3 when the charm would be
                                    blocked or waiting (the reason on stderr), 1 if the hook fails
  <charm> metadata [--check <file>] print the charmcraft.yaml sections this charm needs, or
                                    list what <file> lacks or has differently (exit 1 if any)
  <charm> help                      this text
bad input (an unusable scenario field or --config value) exits 2 naming the field";

/// Runs the binary with its arguments (without argv\[0\]).
pub fn run<C: Charm>(args: Vec<String>) -> ExitCode {
    match args.first().map(String::as_str) {
        None if std::env::var_os("JUJU_DISPATCH_PATH").is_some() => crate::dispatch::run::<C>(),
        Some("simulate") => match &args[1..] {
            [path] if !path.starts_with('-') => simulate::<C>(path, false),
            [flag, path] | [path, flag] if flag == "--report" => simulate::<C>(path, true),
            _ => usage_error("simulate takes one scenario file (and --report)"),
        },
        Some("env") => env::<C>(&args[1..]),
        Some("metadata") => metadata::<C>(&args[1..]),
        Some("help" | "--help" | "-h") => {
            emit(&format!("{USAGE}\n"));
            ExitCode::SUCCESS
        }
        None => usage_error("JUJU_DISPATCH_PATH is not set: this is not a Juju hook"),
        Some(other) => usage_error(&format!("unknown command {other:?}")),
    }
}

/// `metadata [--check <charmcraft.yaml> | --json]` (see
/// [`crate::requirements::run_metadata`]).
fn metadata<C: Charm>(args: &[String]) -> ExitCode {
    crate::requirements::run_metadata(&crate::requirements::Declared::of::<C>(), args)
}

/// Writes a local tool's output to stdout. A reader that went away (`simulate ... | head`) is
/// not an error of ours: the rest is dropped quietly instead of panicking as `println!` does.
pub(crate) fn emit(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if let Err(err) = out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        if err.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("error: cannot write the output: {err}");
        }
    }
}

fn usage_error(message: &str) -> ExitCode {
    eprintln!("error: {message}\n{USAGE}");
    ExitCode::from(2)
}

/// The charm's integrations: the listed ones and the ones every framework charm has.
pub(crate) fn bind_all<C: Charm>(
    meta: &CharmMeta,
) -> (C::Integrations, crate::integration::core::Core) {
    (
        C::Integrations::bind(meta),
        crate::integration::core::Core::bind(meta),
    )
}

/// The bound integrations as one list (listed ones first).
pub(crate) fn all_mut<'a, C: Charm>(
    listed: &'a mut C::Integrations,
    core: &'a mut crate::integration::core::Core,
) -> Vec<&'a mut dyn Integration> {
    let mut all = listed.integrations_mut();
    all.extend(core.integrations_mut());
    all
}

/// What the charm binary knows about itself, for scenarios that leave it out.
#[cfg(feature = "testing")]
fn own<C: Charm>() -> crate::testing::simulate::OwnCharm {
    crate::testing::simulate::OwnCharm {
        framework: C::FRAMEWORK,
        charmcraft_yaml: C::CHARMCRAFT_YAML,
    }
}

/// Runs a world with the charm's integrations and extensions; the output JSON.
#[cfg(feature = "testing")]
fn run_world<C: Charm>(mut world: crate::testing::simulate::World) -> serde_json::Value {
    world.meta = world.meta.with_renamed_endpoints(C::ENDPOINTS);
    let (mut listed, mut core) = bind_all::<C>(&world.meta);
    let mut integrations = all_mut::<C>(&mut listed, &mut core);
    world.run_with(&mut integrations, C::extensions(), C::ENDPOINTS)
}

/// `simulate [--report] <scenario.json>`.
#[cfg(feature = "testing")]
fn simulate<C: Charm>(path: &str, report: bool) -> ExitCode {
    use crate::testing::simulate::World;
    let world = match World::load_for(std::path::Path::new(path), Some(&own::<C>())) {
        Ok(world) => world,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::from(2);
        }
    };
    let output = run_world::<C>(world);
    if report {
        let service = C::FRAMEWORK.info().service;
        emit(&crate::testing::simulate::report::render(
            &output, service, false,
        ));
    } else {
        emit(&format!(
            "{}\n",
            serde_json::to_string_pretty(&output).unwrap_or_else(|_| "{}".into())
        ));
    }
    ExitCode::SUCCESS
}

/// `env [<scenario.json>] [--config key=value]... [--explain] [--show-secrets]`.
#[cfg(feature = "testing")]
fn env<C: Charm>(args: &[String]) -> ExitCode {
    use crate::testing::env_tool::{self, EnvArgs, EnvRun, NoEnv};
    use crate::testing::simulate::{Scenario, World};
    let args = match EnvArgs::parse(args) {
        Ok(args) => args,
        Err(message) => return usage_error(&message),
    };
    let (text, origin) = match &args.scenario {
        Some(path) => match std::fs::read_to_string(path) {
            Ok(text) => (text, path.display().to_string()),
            Err(err) => {
                eprintln!("error: cannot read {}: {err}", path.display());
                return ExitCode::from(2);
            }
        },
        None => ("{}".to_owned(), "the charm's defaults".to_owned()),
    };
    let prepared = Scenario::parse(&text, Some(&own::<C>())).and_then(|mut scenario| {
        let meta = scenario.meta()?;
        env_tool::apply_config(&mut scenario, &meta, &args.config)?;
        Ok((scenario, meta))
    });
    let (scenario, meta) = match prepared {
        Ok(prepared) => prepared,
        Err(err) => {
            eprintln!("error: {origin}: {err}");
            return ExitCode::from(2);
        }
    };
    let world = match World::new(scenario.clone()) {
        Ok(world) => world,
        Err(err) => {
            eprintln!("error: {origin}: {err}");
            return ExitCode::from(2);
        }
    };
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
        Ok(lines) => {
            emit(&lines);
            ExitCode::SUCCESS
        }
        Err(err @ NoEnv::NotReady { .. }) => {
            eprintln!("{err}");
            ExitCode::from(3)
        }
        Err(err @ NoEnv::HookFailed(_)) => {
            eprintln!("error: {err}");
            ExitCode::from(1)
        }
    }
}

#[cfg(not(feature = "testing"))]
fn simulate<C: Charm>(_path: &str, _report: bool) -> ExitCode {
    usage_error("this binary was built without the `testing` feature")
}

#[cfg(not(feature = "testing"))]
fn env<C: Charm>(_args: &[String]) -> ExitCode {
    usage_error("this binary was built without the `testing` feature")
}
