//! Scenario conformance for the example charms: every resolved scenario of a folder under
//! `tests/scenarios/` is run through the charm binary's `simulate`, and its output is compared
//! field by field with paas-charm 1.12.3's recorded `.out.json` by the project's copy of
//! `compare.py` (`tests/tools/compare.py`, FORMAT.md §4), exactly as the project is judged.

pub mod metadata;

use std::path::{Path, PathBuf};
use std::process::Command;

/// The workspace root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The resolved scenarios (`<name>.json`, not `<name>.out.json`) of `tests/scenarios/<folder>`,
/// sorted by name.
pub fn scenarios(folder: &str) -> Vec<PathBuf> {
    let dir = repo().join("tests/scenarios").join(folder);
    let mut found: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| {
            let name = p.to_string_lossy();
            name.ends_with(".json") && !name.ends_with(".out.json")
        })
        .collect();
    found.sort();
    found
}

/// Runs `binary simulate <scenario>` and compares its output with the scenario's `.out.json`;
/// the error is compare.py's report of the differing fields.
pub fn check(binary: &Path, scenario: &Path) -> Result<(), String> {
    let output = Command::new(binary)
        .arg("simulate")
        .arg(scenario)
        .output()
        .map_err(|e| format!("cannot run {}: {e}", binary.display()))?;
    let stem = scenario
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let actual =
        std::env::temp_dir().join(format!("paas-actual-{}-{stem}.json", std::process::id()));
    std::fs::write(&actual, &output.stdout).map_err(|e| e.to_string())?;
    let compare = Command::new(std::env::var("PYTHON").unwrap_or_else(|_| "python3".into()))
        .arg(repo().join("tests/tools/compare.py"))
        .arg(scenario.with_extension("out.json"))
        .arg(&actual)
        .output()
        .map_err(|e| format!("cannot run python3 for compare.py: {e}"));
    std::fs::remove_file(&actual).ok();
    let compare = compare?;
    if compare.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&compare.stdout).into_owned())
    }
}

/// Asserts that every scenario of `tests/scenarios/<folder>` (at least `at_least` of them, so a
/// missing copy cannot pass) matches paas-charm's recorded output through `binary`.
pub fn assert_every_scenario_matches(binary: &str, folder: &str, at_least: usize) {
    let all = scenarios(folder);
    assert!(
        all.len() >= at_least,
        "expected at least {at_least} scenarios in tests/scenarios/{folder}, found {}",
        all.len()
    );
    let failures: Vec<String> = all
        .iter()
        .filter_map(|scenario| {
            check(Path::new(binary), scenario).err().map(|report| {
                let name = scenario.file_stem().unwrap_or_default().to_string_lossy();
                format!("{name}:\n{report}")
            })
        })
        .collect();
    assert!(
        failures.is_empty(),
        "scenarios that do not match paas-charm:\n{}",
        failures.join("\n")
    );
}
