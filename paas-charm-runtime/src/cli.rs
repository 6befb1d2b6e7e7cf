//! Command-line entry: dispatch a hook under Juju, or run a local tool.

use std::process::ExitCode;

use crate::charm::Charm;
use crate::integration::{Integration, IntegrationSet};
use crate::juju::CharmMeta;

const USAGE: &str = "usage:
  <charm>                           run the hook Juju dispatches (JUJU_DISPATCH_PATH set)
  <charm> simulate <scenario.json>  run a resolved scenario locally and print the output JSON
  <charm> metadata [--check <file>] print the charmcraft.yaml sections this charm needs, or
                                    list what <file> lacks or has differently (exit 1 if any)
  <charm> help                      this text";

/// Runs the binary with its arguments (without argv\[0\]).
pub fn run<C: Charm>(args: Vec<String>) -> ExitCode {
    match args.first().map(String::as_str) {
        None if std::env::var_os("JUJU_DISPATCH_PATH").is_some() => crate::dispatch::run::<C>(),
        Some("simulate") => match args.get(1) {
            Some(path) if args.len() == 2 => simulate::<C>(path),
            _ => usage_error("simulate takes one scenario file"),
        },
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

#[cfg(feature = "testing")]
fn simulate<C: Charm>(path: &str) -> ExitCode {
    let mut world = match crate::testing::simulate::World::load(std::path::Path::new(path)) {
        Ok(world) => world,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::from(2);
        }
    };
    world.meta = world.meta.with_renamed_endpoints(C::ENDPOINTS);
    let (mut listed, mut core) = bind_all::<C>(&world.meta);
    let mut integrations = all_mut::<C>(&mut listed, &mut core);
    let output = world.run_with(&mut integrations, C::extensions(), C::ENDPOINTS);
    emit(&format!(
        "{}\n",
        serde_json::to_string_pretty(&output).unwrap_or_else(|_| "{}".into())
    ));
    ExitCode::SUCCESS
}

#[cfg(not(feature = "testing"))]
fn simulate<C: Charm>(_path: &str) -> ExitCode {
    usage_error("this binary was built without the `testing` feature")
}
