//! Tests of the charm, written by `cargo paas-charm init` (one template for every new
//! project): hooks run in memory with the typed harness (`paas_charm_runtime::testing::harness`),
//! and the binary's own checks.

// The charm's source, so the tests can name its type (a binary crate has no library to import).
#[allow(dead_code)]
#[path = "../src/main.rs"]
mod charm;

use std::path::Path;
use std::process::Command;

use paas_charm_runtime::juju::Status;
#[allow(unused_imports)]
use paas_charm_runtime::testing::harness::{providers, Event, Harness};

/// One config-changed in memory, with every listed integration related (each provider with its
/// defaults): the charm is active, opens its port and gives the app its base URL.
#[test]
fn with_its_integrations_related_the_charm_is_active() {
    let out = Harness::<charm::Charm>::new()
{{relations}}        .run(Event::config_changed());
    assert_eq!(out.error(), None);
    assert_eq!(out.unit_status(), Status::active());
    let port = out.opened_ports()[0];
    let base_url = out
        .env()
        .into_iter()
        .find(|(name, _)| name.ends_with("BASE_URL"))
        .map(|(_, value)| value);
    assert_eq!(base_url, Some(format!("http://{{name}}.test-model:{port}")));
}
{{postgresql_test}}
fn charm() -> Command {
    Command::new(env!("CARGO_BIN_EXE_{{name}}"))
}

/// The compiler checked charmcraft.yaml; the binary's own check agrees.
#[test]
fn charmcraft_yaml_declares_what_the_charm_needs() {
    let out = charm()
        .args(["metadata", "--check", "charmcraft.yaml"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the charm runs");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "charmcraft.yaml declares everything this charm needs\n"
    );
    assert!(out.status.success());
}

/// The binary says which framework and integrations it was built with (what
/// `cargo paas-charm pack` compares with charmcraft.yaml).
#[test]
fn the_binary_names_its_framework_and_integrations() {
    let out = charm()
        .args(["metadata", "--json"])
        .output()
        .expect("the charm runs");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(json["framework"], "{{framework}}");
    assert_eq!(json["integrations"], serde_json::json!({{integrations_json}}));
}
// --- scenarios ---

/// Each recorded paas-charm scenario in tests/scenarios/ (the input, and paas-charm 1.12.3's
/// output in `.out.json`) run through the charm's `simulate`: the statuses, the opened ports
/// and the Pebble plan are paas-charm's.
#[test]
fn the_recorded_scenarios_give_paas_charms_output() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios");
    let mut ran = 0;
    for entry in std::fs::read_dir(&dir).expect("tests/scenarios") {
        let path = entry.expect("an entry").path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        if !name.ends_with(".json") || name.ends_with(".out.json") {
            continue;
        }
        let out = charm().arg("simulate").arg(&path).output().expect("the charm runs");
        assert!(out.status.success(), "{name}: {}", String::from_utf8_lossy(&out.stderr));
        let got: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
        let recorded = std::fs::read(path.with_extension("out.json")).expect("the recorded output");
        let want: serde_json::Value = serde_json::from_slice(&recorded).expect("JSON");
        for key in ["unit_status", "app_status", "opened_ports", "pebble"] {
            assert_eq!(got[key], want[key], "{name}: {key}");
        }
        ran += 1;
    }
    assert!(ran > 0, "no scenario in {}", dir.display());
}
