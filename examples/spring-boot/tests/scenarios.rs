//! Conformance: every public Spring Boot scenario (paas-charm 1.12.3's recorded output), run through
//! `spring-boot-k8s simulate`, compared field by field with the project's copy of compare.py.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Scenarios that need an integration module that has not landed yet (named in the comment;
/// the module must also be added to this charm's attribute). The test fails when one of them
/// starts passing (so this list only shrinks) or when any other scenario fails.
const PENDING: &[&str] = &[];

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn scenarios(framework: &str) -> Vec<PathBuf> {
    let dir = repo().join("tests/scenarios").join(framework);
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

fn check(scenario: &Path) -> Result<(), String> {
    let output = Command::new(env!("CARGO_BIN_EXE_spring-boot-k8s"))
        .arg("simulate")
        .arg(scenario)
        .output()
        .map_err(|e| e.to_string())?;
    let actual = std::env::temp_dir().join(format!(
        "paas-actual-{}-{}.json",
        std::process::id(),
        scenario
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    ));
    std::fs::write(&actual, &output.stdout).map_err(|e| e.to_string())?;
    let expected = scenario.with_extension("out.json");
    let compare = Command::new(std::env::var("PYTHON").unwrap_or_else(|_| "python3".into()))
        .arg(repo().join("tests/tools/compare.py"))
        .arg(&expected)
        .arg(&actual)
        .output()
        .map_err(|e| format!("cannot run python3 for compare.py: {e}"))?;
    std::fs::remove_file(&actual).ok();
    if compare.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&compare.stdout).into_owned())
    }
}

#[test]
fn every_spring_boot_scenario_matches_paas_charm() {
    let mut unexpected = Vec::new();
    let mut pending_passing = Vec::new();
    let all = scenarios("spring-boot");
    assert!(
        all.len() >= 8,
        "the Spring Boot scenarios are missing from tests/scenarios/spring-boot"
    );
    for scenario in &all {
        let name = scenario
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let pending = PENDING.contains(&name.as_str());
        match (check(scenario), pending) {
            (Ok(()), true) => pending_passing.push(name),
            (Err(report), false) => unexpected.push(format!("{name}:\n{report}")),
            _ => {}
        }
    }
    assert!(
        unexpected.is_empty(),
        "scenarios that do not match:\n{}",
        unexpected.join("\n")
    );
    assert!(
        pending_passing.is_empty(),
        "now passing, remove from PENDING: {pending_passing:?}"
    );
}
