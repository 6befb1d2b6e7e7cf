//! Command-line entry: dispatch a hook under Juju, or run a local tool.

use std::process::ExitCode;

use crate::charm::Charm;

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
/// The charm binary's `main`: under Juju it dispatches the hook; outside Juju it is a local
/// tool (`simulate <scenario.json>`, `help`).
pub fn run_main<C: Charm>() -> ExitCode {
    run::<C>(std::env::args().skip(1).collect())
}

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
    let out = crate::requirements::run_metadata(&crate::requirements::Declared::of::<C>(), args);
    emit(&out.stdout);
    eprint!("{}", out.stderr);
    ExitCode::from(out.code)
}

/// Writes a local tool's output to stdout. A reader that went away (`simulate ... | head`) is
/// not an error of ours: the rest is dropped quietly instead of panicking as `println!` does.
fn emit(text: &str) {
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

/// `simulate [--report] <scenario.json>`: the simulator's.
#[cfg(feature = "testing")]
fn simulate<C: Charm>(path: &str, report: bool) -> ExitCode {
    finish(crate::simulator::simulate::<C>(path, report))
}

/// `env [<scenario.json>] [--config key=value]... [--explain] [--show-secrets]`: the
/// simulator's.
#[cfg(feature = "testing")]
fn env<C: Charm>(args: &[String]) -> ExitCode {
    finish(crate::simulator::env::<C>(args))
}

/// Prints a local tool's output, or its error with its exit code.
#[cfg(feature = "testing")]
fn finish(result: Result<String, crate::simulator::ToolError>) -> ExitCode {
    use crate::simulator::ToolError;
    match result {
        Ok(text) => {
            emit(&text);
            ExitCode::SUCCESS
        }
        Err(ToolError::Usage(message)) => usage_error(&message),
        Err(ToolError::Failed { message, code }) => {
            eprintln!("{message}");
            ExitCode::from(code)
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
