//! `pebble-test-server --socket <path> [--state <file.json>]`: serves the Pebble API on a unix
//! socket until killed. The state file (if given) is read at start and rewritten after every
//! request, so a test or benchmark script can read the requests, execs, layers and files back.

use std::path::PathBuf;
use std::process::ExitCode;

use pebble_server::{PebbleServer, State};

fn main() -> ExitCode {
    let mut socket = None;
    let mut state_file = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--socket" => socket = args.next().map(PathBuf::from),
            "--state" => state_file = args.next().map(PathBuf::from),
            other => {
                eprintln!("error: unknown argument {other:?}\nusage: pebble-test-server --socket <path> [--state <file.json>]");
                return ExitCode::from(2);
            }
        }
    }
    let Some(socket) = socket else {
        eprintln!("usage: pebble-test-server --socket <path> [--state <file.json>]");
        return ExitCode::from(2);
    };
    let state = match &state_file {
        Some(path) if path.exists() => match State::load(path) {
            Ok(state) => state,
            Err(e) => {
                eprintln!("error: cannot read {}: {e}", path.display());
                return ExitCode::FAILURE;
            }
        },
        _ => State::default(),
    };
    match PebbleServer::start_with(socket, state, state_file) {
        Ok(server) => {
            server.wait();
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: cannot serve: {e}");
            ExitCode::FAILURE
        }
    }
}
