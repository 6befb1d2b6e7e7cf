//! Tests of the harness itself, with the documentation's charm implemented by hand.

use super::*;
use crate::framework::FrameworkKind;
use std::ops::ControlFlow;

use crate::integration::{ComposeEnv, Cx, Integration, IntegrationError, IntegrationSet, Trigger};
use crate::juju::Event as JujuEvent;
use crate::testing::DynamicSet;

/// The documentation's charm, implemented by hand (the attribute names the crate by its
/// external path).
struct WebApp;

/// PostgreSQL and the always-on integrations, assembled at run time.
struct WebAppIntegrations(DynamicSet<'static>);

impl IntegrationSet for WebAppIntegrations {
    fn bind(meta: &CharmMeta) -> Self {
        Self(
            DynamicSet::new()
                .with_named(&["postgresql"], meta)
                .with_always_on(meta),
        )
    }

    fn handle_event(
        &mut self,
        event: &JujuEvent,
        cx: &mut Cx<'_>,
    ) -> Result<Vec<Trigger>, IntegrationError> {
        self.0.handle_event(event, cx)
    }

    fn compose_env(&mut self, env: &mut dyn ComposeEnv) {
        self.0.compose_env(env);
    }

    fn for_each(
        &mut self,
        visit: &mut dyn FnMut(&mut dyn Integration) -> ControlFlow<()>,
    ) -> ControlFlow<()> {
        self.0.for_each(visit)
    }
}

impl Charm for WebApp {
    const FRAMEWORK: FrameworkKind = FrameworkKind::Flask;
    type Integrations = WebAppIntegrations;
    const INTEGRATIONS: &'static [&'static str] = &["postgresql"];
    const CHARMCRAFT_YAML: &'static str =
        include_str!("../../../tests/fixtures/harness-doc/charmcraft.yaml");
}

fn ready() -> Harness<WebApp> {
    Harness::<WebApp>::new().relation(providers::postgresql().password("pw"))
}

#[test]
fn defaults_follow_the_charmcraft_yaml() {
    let harness = Harness::<WebApp>::new();
    assert_eq!(harness.app_name(), "web-app");
    assert_eq!(harness.config["flask-preferred-url-scheme"], "HTTPS");
    let out = harness.run(Event::config_changed());
    assert_eq!(
        out.unit_status(),
        Status::blocked("missing integrations: postgresql")
    );
    assert_eq!(out.relation("secret-storage").id, PEER_ID);
}

#[test]
fn the_database_provider_lays_out_secret_user_and_requested_secrets() {
    let mut harness = Harness::<WebApp>::new();
    let id = harness.add_relation(providers::postgresql().user("u").password("p"));
    let relation = &harness.relations[0].relation;
    assert_eq!(relation.endpoint, "postgresql");
    assert_eq!(relation.interface, "postgresql_client");
    let secret_id = &relation.remote_app_data["secret-user"];
    let secret = harness
        .secrets
        .iter()
        .find(|s| &s.id == secret_id)
        .expect("secret");
    assert_eq!(secret.latest_content["username"], "u");
    assert!(relation.local_unit_data["requested-secrets"].contains("\"password\""));
    assert_eq!(relation.local_app_data["database"], "web-app");
    let out = harness.run(Event::relation_changed("postgresql").relation_id(id));
    assert_eq!(out.unit_status(), Status::active());
    assert_eq!(
        out.env()["POSTGRESQL_DB_CONNECT_STRING"],
        "postgresql://u:p@postgresql-k8s-primary.test-model.svc.cluster.local:5432/web-app"
    );
    // The library labelled the secret as it does under Juju.
    let labelled = out
        .secrets()
        .iter()
        .find(|s| &s.id == secret_id)
        .expect("secret");
    assert_eq!(
        labelled.label.as_deref(),
        Some(format!("postgresql.{id}.user.secret").as_str())
    );
}

#[test]
fn relation_broken_hides_the_relation_during_the_hook() {
    let out = ready().run(Event::relation_broken("postgresql"));
    assert_eq!(
        out.unit_status(),
        Status::blocked("missing integrations: postgresql")
    );
    assert!(out.juju().relations.iter().any(|r| r.hidden));
}

#[test]
fn the_hook_context_names_units_secrets_and_the_container() {
    let harness = ready()
        .secret("secret:cu0000000000000000s1", &[("k", "v")])
        .peer_unit(1);
    let relations: Vec<(String, MemoryRelation)> = Vec::new();
    let vars = harness.context_vars(
        &Event::secret_expired("secret:cu0000000000000000s1").revision(3),
        "web-app/0",
        &relations,
    );
    assert_eq!(vars["JUJU_DISPATCH_PATH"], "hooks/secret-expired");
    let out = harness.run(Event::storage_attached("data"));
    assert_eq!(out.error(), None);
    assert_eq!(vars["JUJU_SECRET_REVISION"], "3");
    let vars = harness.context_vars(&Event::pebble_ready(), "web-app/0", &relations);
    assert_eq!(vars["JUJU_DISPATCH_PATH"], "hooks/flask-app-pebble-ready");
    assert_eq!(vars["JUJU_WORKLOAD_NAME"], "flask-app");
    let vars = harness.context_vars(
        &Event::relation_departed("postgresql")
            .remote_unit(1)
            .departing_unit(1),
        "web-app/0",
        &relations,
    );
    assert_eq!(vars["JUJU_REMOTE_UNIT"], "postgresql-k8s/1");
    assert_eq!(vars["JUJU_DEPARTING_UNIT"], "postgresql-k8s/1");
    assert_eq!(vars["JUJU_RELATION_ID"], "postgresql:2");
    assert_eq!(
        vars["PAAS_CHARM_FQDN"],
        "web-app-0.web-app-endpoints.test-model.svc.cluster.local"
    );
}

#[test]
fn secret_changed_refreshes_to_the_new_revision() {
    let id = "secret:cu0000000000000000k1";
    let out = ready()
        .secret(id, &[("value", "old")])
        .config("flask-secret-key-id", id)
        .secret_revision(id, &[("value", "new")])
        .run(Event::secret_changed(id));
    assert_eq!(out.unit_status(), Status::active());
    assert_eq!(out.env()["FLASK_SECRET_KEY"], "new");
}

#[test]
fn one_state_runs_several_events() {
    let state = ready();
    let first = state.run(Event::config_changed());
    let second = state.run(Event::update_status());
    assert_eq!(first.unit_status(), Status::active());
    // update-status of a healthy charm changes nothing and logs nothing.
    assert_eq!(second.unit_status().name, crate::juju::StatusName::Unknown);
    assert!(second.log_lines().is_empty());
    assert!(
        second.layer("charm").is_none(),
        "each run starts from the harness state"
    );
}

#[test]
#[should_panic(
    expected = "web-app does not list the `redis` integration: its attribute lists integrations(postgresql)"
)]
fn an_unlisted_integration_panics_naming_it() {
    let _ = Harness::<WebApp>::new().relation(providers::redis());
}

#[test]
#[should_panic(
    expected = "config option `flask-debug` is declared `type: boolean` in charmcraft.yaml, but the test gives an integer"
)]
fn a_config_value_of_the_wrong_type_panics_naming_it() {
    let _ = Harness::<WebApp>::new().config("flask-debug", 1);
}

#[test]
fn rock_layers_match_the_corpus_base_layers() {
    let flask = rock_layer(FrameworkKind::Flask, "flask-k8s");
    assert_eq!(
        flask.services["flask"].command,
        "/bin/python3 -m gunicorn -c /flask/gunicorn.conf.py app:app -k [ sync ]"
    );
    assert_eq!(flask.services["flask"].after, ["statsd-exporter"]);
    assert_eq!(flask.services["statsd-exporter"].r#override, "merge");
    let django = rock_layer(FrameworkKind::Django, "django-k8s");
    assert!(django.services["django"]
        .command
        .contains("django_app.wsgi:application"));
    let go = rock_layer(FrameworkKind::Go, "go-k8s");
    assert_eq!(go.services["go"].command, "/usr/local/bin/go-k8s");
    let fastapi = rock_layer(FrameworkKind::FastApi, "fastapi-k8s");
    assert_eq!(
        fastapi.services["fastapi"].environment_strings()["UVICORN_HOST"],
        "0.0.0.0"
    );
    let spring = rock_layer(FrameworkKind::SpringBoot, "spring-boot-k8s");
    assert_eq!(
        spring.services["spring-boot"].command,
        "bash -c \"java -jar *.jar\""
    );
}

#[test]
fn a_failing_hook_tool_fails_the_hook_and_logs_it() {
    let out = ready()
        .failing_hook_tool("open-port", "ERROR cannot open port")
        .run(Event::config_changed());
    let error = out.error().expect("the hook failed");
    assert!(
        error.starts_with("the config-changed hook failed: "),
        "{error}"
    );
    assert_eq!(
        out.log_lines(),
        [format!(
            "ERROR: Uncaught exception while in charm code: {error}"
        )]
    );
}
