//! `expressjs-k8s env`: Blocked says why instead of printing an environment; with a
//! PostgreSQL relation in an author's scenario (no metadata in it), the database variables
//! and where they came from.

use std::process::{Command, Output};

fn charm(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_expressjs-k8s"))
        .args(args)
        .output()
        .expect("the charm binary runs")
}

#[test]
fn without_postgresql_the_charm_is_blocked_and_env_says_so() {
    let output = charm(&["env"]);
    assert_eq!(output.status.code(), Some(3), "{output:?}");
    assert!(output.stdout.is_empty());
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "the charm would be blocked: missing integrations: postgresql\n\
         the workload gets no environment until that is resolved\n"
    );
}

#[test]
fn a_postgresql_relation_gives_the_database_variables_masked_and_explained() {
    let path = std::env::temp_dir().join(format!("expressjs-tools-{}.json", std::process::id()));
    std::fs::write(
        &path,
        r#"{"relations": [{"endpoint": "postgresql", "remote_app_name": "postgresql-k8s",
             "remote_app_data": {"database": "expressjs-k8s", "endpoints": "pg-primary:5432",
                                 "username": "relation-5", "password": "Xq3rT9vLm2Kd8sWp"}}],
            "config": {"node-env": "development"}}"#,
    )
    .expect("temp file");
    let output = charm(&["env", "--explain", path.to_str().expect("path")]);
    std::fs::remove_file(&path).ok();
    assert!(output.status.success(), "{output:?}");
    let text = String::from_utf8_lossy(&output.stdout);
    let from_pg =
        "  # integration postgresql (endpoint postgresql, relation 2, remote app postgresql-k8s)\n";
    for line in [
        format!("POSTGRESQL_DB_CONNECT_STRING=postgresql://relation-5:***@pg-primary:5432/expressjs-k8s{from_pg}"),
        format!("POSTGRESQL_DB_NETLOC=relation-5:***@pg-primary:5432{from_pg}"),
        format!("POSTGRESQL_DB_PASSWORD=***{from_pg}"),
        format!("POSTGRESQL_DB_USERNAME=relation-5{from_pg}"),
        "NODE_ENV=development  # option `node-env` (set)\n".to_owned(),
        "PORT=8080  # option `app-port` (its default)\n".to_owned(),
    ] {
        assert!(text.contains(&line), "{line}\nnot in\n{text}");
    }
    assert!(!text.contains("Xq3rT9vLm2Kd8sWp"), "{text}");
}
