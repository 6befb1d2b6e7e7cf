//! `go-k8s env` on a non-zero unit: the scheduler service is disabled there, and `env` says
//! so under the main service's variables.

use std::path::Path;
use std::process::Command;

#[test]
fn a_scheduler_on_unit_1_is_shown_disabled() {
    let scenario = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/scenarios/go/go_workers_schedulers_unit1.json");
    let output = Command::new(env!("CARGO_BIN_EXE_go-k8s"))
        .arg("env")
        .arg(scenario)
        .output()
        .expect("the charm binary runs");
    assert!(output.status.success(), "{output:?}");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("APP_PORT=8080\n"), "{text}");
    assert!(text.contains("APP_SECRET_KEY=***\n"), "{text}");
    assert!(
        text.ends_with("# cron-SCHEDULER: disabled on unit 1 (schedulers run on unit 0 only)\n"),
        "{text}"
    );
}
