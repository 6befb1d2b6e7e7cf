//! `extended-k8s env --explain`: the author's extra variables, a custom integration and a
//! renamed endpoint (`endpoints(postgresql = "db")`) are named as their sources.

use std::path::Path;
use std::process::Command;

#[test]
fn extensions_custom_integrations_and_renamed_endpoints_are_explained() {
    let scenario = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/scenarios/extended/extended_db_changed_with_audit.json");
    let output = Command::new(env!("CARGO_BIN_EXE_extended-k8s"))
        .args(["env", "--explain"])
        .arg(scenario)
        .output()
        .expect("the charm binary runs");
    assert!(output.status.success(), "{output:?}");
    let text = String::from_utf8_lossy(&output.stdout);
    for line in [
        "APP_UNIT_NUMBER=0  # the charm's extensions (extra_env)\n",
        "AUDIT_LOG_URL=https://audit.example.com/ingest  # integration audit-log (endpoint audit-log, relation 3, remote app audit-service)\n",
        "DATABASE_URL=postgresql://relation_id_7:***@postgresql-k8s-primary.test-model.svc.cluster.local:5432/extended-k8s  # the charm's extensions (extra_env)\n",
        "POSTGRESQL_DB_NAME=extended-k8s  # integration postgresql (endpoint db, relation 2, remote app postgresql-k8s)\n",
        "FLASK_GREETING=Hi  # user option `greeting` (set)\n",
    ] {
        assert!(text.contains(line), "{line}\nnot in\n{text}");
    }
}
