//! Command-line entry: dispatch a hook under Juju, or run a local tool.

use std::process::ExitCode;

use crate::charm::Charm;

/// Runs the binary with its arguments (without argv\[0\]).
pub fn run<C: Charm>(args: Vec<String>) -> ExitCode {
    let _ = (C::FRAMEWORK, args);
    eprintln!("paas-charm-rs: dispatch is being built");
    ExitCode::FAILURE
}
