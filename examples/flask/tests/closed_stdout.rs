//! The local tools write to a reader that may go away (`simulate ... | head`): a closed stdout
//! ends the command quietly, never in a panic.

use std::process::{Command, Stdio};

fn run_with_closed_stdout(args: &[&str]) -> std::process::Output {
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    Command::new(env!("CARGO_BIN_EXE_flask-k8s"))
        .args(args)
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .expect("runs")
}

#[test]
fn simulate_and_metadata_survive_a_closed_stdout() {
    let scenario = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/scenarios/flask/flask_minimal_defaults_pebble_ready.json"
    );
    for args in [&["simulate", scenario][..], &["metadata"], &["help"]] {
        let out = run_with_closed_stdout(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(out.status.success(), "{args:?}: {:?} {stderr}", out.status);
    }
}
