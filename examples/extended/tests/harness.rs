//! Testing an extended charm with the harness: the author's extra environment, extra action,
//! `before_reconcile` check and custom integration (`audit-log`), and the renamed PostgreSQL
//! endpoint (`db`), all through `Harness::<ExtendedCharm>`.

#[allow(dead_code)]
#[path = "../src/main.rs"]
mod charm;

// The attribute names the custom integration as `crate::audit::AuditLog`, so this crate needs
// its own `audit` module at the root (the charm's is private to `charm`).
#[allow(dead_code, clippy::duplicate_mod)]
#[path = "../src/audit.rs"]
mod audit;

use charm::ExtendedCharm;
use paas_charm_runtime::juju::Status;
use paas_charm_runtime::testing::harness::{providers, Event, Harness};

fn harness() -> Harness<ExtendedCharm> {
    Harness::<ExtendedCharm>::new()
}

#[test]
fn extra_env_adds_database_url_and_the_unit_number() {
    let out = harness()
        .unit(2)
        .leader(false)
        .relation(
            providers::postgresql()
                .user("ext")
                .password("pw")
                .host("pg.internal"),
        )
        .run(Event::relation_changed("postgresql"));
    assert_eq!(out.unit_status(), Status::active());
    let env = out.env();
    let url = "postgresql://ext:pw@pg.internal:5432/extended-k8s";
    assert_eq!(env["POSTGRESQL_DB_CONNECT_STRING"], url);
    assert_eq!(env["DATABASE_URL"], url);
    assert_eq!(env["APP_UNIT_NUMBER"], "2");
}

#[test]
fn the_renamed_endpoint_is_the_charm_s_db() {
    let mut state = harness();
    let id = state.add_relation(providers::postgresql());
    let out = state.run(Event::relation_changed("postgresql"));
    assert_eq!(out.relation("postgresql").id, id);
    assert_eq!(out.juju().relation(id).expect("relation").endpoint, "db");
    // The data_interfaces library labels the user secret with Juju's endpoint name.
    let labels: Vec<Option<&str>> = out.secrets().iter().map(|s| s.label.as_deref()).collect();
    assert!(
        labels.contains(&Some(format!("db.{id}.user.secret").as_str())),
        "{labels:?}"
    );
    assert!(out.env().contains_key("DATABASE_URL"));
}

#[test]
fn the_greet_action_uses_the_configured_greeting() {
    let out = harness().config("greeting", "Howdy").run(
        Event::action("greet")
            .param("name", "Ada")
            .param("shout", true),
    );
    let results = out.action_results().expect("results");
    assert_eq!(results["greeting.text"], "HOWDY, ADA!");
    assert_eq!(results["greeting.length"], "11");
    assert_eq!(results["unit"], "extended-k8s/0");
}

#[test]
fn the_greet_action_rejects_bad_params() {
    let out = harness().run(Event::action("greet").param("name", "  "));
    assert_eq!(out.action_failure(), Some("name must not be empty"));
    let out = harness().run(
        Event::action("greet")
            .param("name", "Ada")
            .param("loud", true),
    );
    let failure = out.action_failure().expect("unknown params fail");
    assert!(failure.contains("loud"), "{failure}");
}

#[test]
fn before_reconcile_blocks_an_empty_greeting() {
    let out = harness()
        .config("greeting", " ")
        .run(Event::config_changed());
    assert_eq!(
        out.unit_status(),
        Status::blocked("the greeting option must not be empty")
    );
    assert!(out.layer("charm").is_none());
}

#[test]
fn the_audit_log_relation_gives_its_url_and_after_reconcile_marks_serving() {
    let out = harness()
        .relation(
            providers::Relation::new("audit-log", "audit-service")
                .app_data("url", "https://audit.example.com/events")
                .our_app_data("application", "extended-k8s"),
        )
        .run(Event::relation_changed("audit-log"));
    assert_eq!(out.unit_status(), Status::active());
    assert_eq!(
        out.env()["AUDIT_LOG_URL"],
        "https://audit.example.com/events"
    );
    assert_eq!(out.relation("audit-log").unit_written["serving"], "true");
}

#[test]
fn the_leader_introduces_the_app_to_the_audit_service() {
    let out = harness()
        .relation(providers::Relation::new("audit-log", "audit-service"))
        .run(Event::relation_joined("audit-log"));
    let written = out.relation("audit-log").app_written;
    assert_eq!(written["application"], "extended-k8s");
    assert_eq!(written["format"], "json");
}

#[test]
fn an_invalid_audit_url_blocks() {
    let out = harness()
        .relation(providers::Relation::new("audit-log", "audit-service").app_data("url", "ftp://x"))
        .run(Event::relation_changed("audit-log"));
    assert_eq!(
        out.unit_status(),
        Status::blocked("Invalid audit-log relation data: url must be an http(s) URL")
    );
}

#[test]
fn redis_still_works_beside_the_extensions() {
    let out = harness()
        .relation(providers::redis().host("10.9.8.7"))
        .run(Event::relation_changed("redis"));
    assert_eq!(
        out.env()["REDIS_DB_CONNECT_STRING"],
        "redis://10.9.8.7:6379"
    );
    assert_eq!(out.env()["FLASK_GREETING"], "Hello");
}

#[test]
#[should_panic(expected = "extended-k8s does not list the `mysql` integration")]
fn a_relation_for_an_unlisted_integration_is_named() {
    let _ = harness().relation(providers::mysql());
}

#[test]
#[should_panic(expected = "`billing` is neither an integration extended-k8s lists")]
fn an_unknown_endpoint_is_named() {
    let _ = harness().relation(providers::Relation::new("billing", "billing-app"));
}
