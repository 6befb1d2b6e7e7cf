//! `flask-k8s metadata`, run as a process: the printed sections are what the charm needs, and
//! the example's own charmcraft.yaml passes `metadata --check`.

use std::process::Command;

fn charm() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_flask-k8s"));
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd
}

#[test]
fn the_example_charmcraft_yaml_declares_what_the_charm_needs() {
    let out = charm()
        .args(["metadata", "--check", "charmcraft.yaml"])
        .output()
        .expect("runs");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "charmcraft.yaml declares everything this charm needs\n"
    );
    assert!(out.status.success());
}

#[test]
fn metadata_prints_the_sections_and_check_reports_a_gap() {
    let out = charm().arg("metadata").output().expect("runs");
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).expect("utf-8");
    assert!(text.starts_with(
        "# The charmcraft.yaml sections this flask charm needs (integrations: postgresql, mysql, \
         mongodb, redis, valkey, s3, rabbitmq, saml, oauth, openfga, tracing, smtp, \
         http-proxy).\nassumes:\n  - k8s-api\ncontainers:\n  flask-app:\n    resource: \
         flask-app-image\n"
    ));
    assert!(text.contains("  oidc:\n    interface: oauth\n    optional: true\n    limit: 1\n"));
    assert!(text
        .contains("    oidc-scopes:\n      type: string\n      default: openid profile email\n"));

    // The printed sections without `flask-env` miss exactly that.
    let dir = std::env::temp_dir().join(format!("flask-k8s-metadata-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let file = dir.join("charmcraft.yaml");
    let without_env = text.replace("    flask-env:\n      type: string\n", "");
    assert_ne!(without_env, text);
    std::fs::write(&file, &without_env).expect("writes");
    let out = charm()
        .args(["metadata", "--check"])
        .arg(&file)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        report.starts_with(&format!(
            "error[missing] config.options.flask-env: {} lacks the flask framework's option \
             `flask-env`: add\n\n    config:\n      options:\n        flask-env:\n          \
             type: string\n",
            file.display()
        )),
        "{report}"
    );
    assert!(report.ends_with("1 problem (run `metadata` without --check for the full sections)\n"));
}

#[test]
fn metadata_check_of_a_missing_file_is_a_usage_error() {
    let out = charm()
        .args(["metadata", "--check", "no-such-file.yaml"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).starts_with("error: cannot read no-such-file.yaml")
    );
}
