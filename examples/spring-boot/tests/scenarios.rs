//! Conformance: every public Spring Boot scenario (paas-charm 1.12.3's recorded output), run through
//! `spring-boot-k8s simulate`, compared field by field with the project's copy of compare.py.

#[test]
fn every_spring_boot_scenario_matches_paas_charm() {
    paas_charm_conformance::assert_every_scenario_matches(
        env!("CARGO_BIN_EXE_spring-boot-k8s"),
        "spring-boot",
        9,
    );
}
