//! `extended-k8s metadata --check` accepts the charm's own charmcraft.yaml, whose PostgreSQL
//! endpoint is renamed to `db` by the attribute.

use std::path::Path;
use std::process::Command;

#[test]
fn metadata_check_follows_the_renamed_endpoint() {
    let charmcraft = Path::new(env!("CARGO_MANIFEST_DIR")).join("charmcraft.yaml");
    let out = Command::new(env!("CARGO_BIN_EXE_extended-k8s"))
        .arg("metadata")
        .arg("--check")
        .arg(&charmcraft)
        .output()
        .expect("runs");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!(
            "{} declares everything this charm needs\n",
            charmcraft.display()
        )
    );
    assert!(out.status.success());
    let printed = Command::new(env!("CARGO_BIN_EXE_extended-k8s"))
        .arg("metadata")
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&printed.stdout);
    assert!(
        text.contains("  db:\n    interface: postgresql_client\n"),
        "{text}"
    );
}
