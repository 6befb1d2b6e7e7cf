//! Running a real hook: the process environment, the hook tools and the Pebble socket.

use std::process::ExitCode;

use crate::charm::Charm;

/// Runs the hook Juju dispatched; non-zero exit on an unexpected error.
pub fn run<C: Charm>() -> ExitCode {
    let _ = C::FRAMEWORK;
    eprintln!("error: the hook-tool backend is not wired yet");
    ExitCode::FAILURE
}
