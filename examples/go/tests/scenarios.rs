//! Conformance: every public Go scenario (paas-charm 1.12.3's recorded output), run through
//! `go-k8s simulate`, compared field by field with the project's copy of compare.py.

#[test]
fn every_go_scenario_matches_paas_charm() {
    paas_charm_conformance::assert_every_scenario_matches(env!("CARGO_BIN_EXE_go-k8s"), "go", 8);
}
