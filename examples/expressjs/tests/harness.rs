//! The Express.js example tested with the typed harness (`paas_charm_runtime::testing::harness`):
//! one test per integration kind and per framework option family, plus the states around them.

#[allow(dead_code)]
#[path = "../src/main.rs"]
mod charm;

use charm::ExpressJsCharm;
use paas_charm_runtime::juju::Status;
use paas_charm_runtime::testing::harness::{providers, Event, Harness};

/// The charm requires PostgreSQL: every state starts with it.
fn harness() -> Harness<ExpressJsCharm> {
    Harness::<ExpressJsCharm>::new().relation(providers::postgresql().user("app").password("pg"))
}

const PG: &str =
    "postgresql://app:pg@postgresql-k8s-primary.test-model.svc.cluster.local:5432/expressjs-k8s";

#[test]
fn defaults_give_an_active_app() {
    let out = harness().run(Event::config_changed());
    assert_eq!(out.error(), None);
    assert_eq!(out.unit_status(), Status::active());
    let env = out.env();
    assert_eq!(env["APP_BASE_URL"], "http://expressjs-k8s.test-model:8080");
    assert_eq!(
        env["APP_SECRET_KEY"],
        paas_charm_runtime::testing::harness::SECRET_KEY
    );
    assert_eq!(out.opened_ports(), [8080]);
    assert!(out.log_lines().is_empty(), "{:?}", out.log_lines());
}

#[test]
fn postgresql_relation_changed_gives_the_connect_string() {
    let out = Harness::<ExpressJsCharm>::new()
        .relation(
            providers::postgresql()
                .user("shop")
                .password("pg-pass")
                .host("pg.internal")
                .database("shopdb"),
        )
        .run(Event::relation_changed("postgresql"));
    assert_eq!(out.unit_status(), Status::active());
    assert_eq!(
        out.env()["POSTGRESQL_DB_CONNECT_STRING"],
        "postgresql://shop:pg-pass@pg.internal:5432/shopdb"
    );
}

#[test]
fn mysql_gives_the_connect_string() {
    let out = harness()
        .relation(
            providers::mysql()
                .user("u")
                .password("p")
                .host("mysql.internal"),
        )
        .run(Event::relation_changed("mysql"));
    assert_eq!(out.unit_status(), Status::active());
    assert_eq!(
        out.env()["MYSQL_DB_CONNECT_STRING"],
        "mysql://u:p@mysql.internal:3306/expressjs-k8s"
    );
}

#[test]
fn mongodb_gives_the_connect_string() {
    let out = harness()
        .relation(
            providers::mongodb()
                .user("m")
                .password("q")
                .database("docs"),
        )
        .run(Event::relation_changed("mongodb"));
    assert_eq!(out.unit_status(), Status::active());
    assert_eq!(
        out.env()["MONGODB_DB_CONNECT_STRING"],
        "mongodb://m:q@mongodb-k8s-0.mongodb-k8s-endpoints:27017/docs?replicaSet=mongodb-k8s&authSource=admin"
    );
}

#[test]
fn redis_gives_its_url() {
    let out = harness()
        .relation(providers::redis().host("10.1.2.3"))
        .run(Event::relation_changed("redis"));
    assert_eq!(out.unit_status(), Status::active());
    assert_eq!(
        out.env()["REDIS_DB_CONNECT_STRING"],
        "redis://10.1.2.3:6379"
    );
}

#[test]
fn valkey_gives_its_url() {
    let out = harness()
        .relation(
            providers::valkey()
                .user("v")
                .password("vp")
                .host("valkey.internal"),
        )
        .run(Event::relation_changed("valkey"));
    assert_eq!(out.unit_status(), Status::active());
    assert_eq!(
        out.env()["VALKEY_DB_CONNECT_STRING"],
        "valkey://v:vp@valkey.internal:6379"
    );
}

#[test]
fn s3_gives_the_bucket_and_keys() {
    let out = harness()
        .relation(
            providers::s3()
                .access_key("AKIA")
                .secret_key("s3cr3t")
                .bucket("media"),
        )
        .run(Event::relation_changed("s3"));
    assert_eq!(out.unit_status(), Status::active());
    let env = out.env();
    assert_eq!(env["S3_ACCESS_KEY"], "AKIA");
    assert_eq!(env["S3_SECRET_KEY"], "s3cr3t");
    assert_eq!(env["S3_BUCKET"], "media");
}

#[test]
fn rabbitmq_gives_the_amqp_url() {
    let out = harness()
        .relation(
            providers::rabbitmq()
                .machine()
                .password("rmq")
                .host("10.0.0.5"),
        )
        .run(Event::relation_changed("rabbitmq"));
    assert_eq!(out.unit_status(), Status::active());
    assert_eq!(
        out.env()["RABBITMQ_CONNECT_STRING"],
        "amqp://expressjs-k8s:rmq@10.0.0.5:5672/%2F"
    );
}

#[test]
fn saml_gives_the_identity_provider() {
    let out = harness()
        .relation(providers::saml().entity_id("https://idp.example.com"))
        .run(Event::relation_changed("saml"));
    assert_eq!(out.unit_status(), Status::active());
    assert_eq!(out.env()["SAML_ENTITY_ID"], "https://idp.example.com");
}

#[test]
fn oauth_gives_the_client_once_ingress_is_there() {
    let out = harness()
        .relation(providers::ingress().url("https://app.example.com/"))
        .relation(providers::oauth().client_id("cid").client_secret("csecret"))
        .run(Event::relation_changed("oauth"));
    assert_eq!(out.unit_status(), Status::active());
    let env = out.env();
    assert_eq!(env["APP_OIDC_CLIENT_ID"], "cid");
    assert_eq!(env["APP_OIDC_CLIENT_SECRET"], "csecret");
    assert_eq!(
        out.relation("oauth").app["redirect_uri"],
        "https://app.example.com/callback"
    );
}

#[test]
fn openfga_gives_the_store_and_token() {
    let out = harness()
        .relation(providers::openfga().store_id("STORE1").token("fga-token"))
        .run(Event::relation_changed("openfga"));
    assert_eq!(out.unit_status(), Status::active());
    let env = out.env();
    assert_eq!(env["FGA_STORE_ID"], "STORE1");
    assert_eq!(env["FGA_TOKEN"], "fga-token");
}

#[test]
fn tracing_gives_the_otlp_endpoint() {
    let out = harness()
        .relation(providers::tracing().otlp_http("http://tempo.cos:4318"))
        .run(Event::relation_changed("tracing"));
    assert_eq!(out.unit_status(), Status::active());
    let env = out.env();
    assert_eq!(env["OTEL_EXPORTER_OTLP_ENDPOINT"], "http://tempo.cos:4318/");
    assert_eq!(env["OTEL_SERVICE_NAME"], "expressjs-k8s");
}

#[test]
fn smtp_gives_the_mail_server() {
    let out = harness()
        .relation(providers::smtp().host("mail.internal").port(1025))
        .run(Event::relation_changed("smtp"));
    assert_eq!(out.unit_status(), Status::active());
    let env = out.env();
    assert_eq!(env["SMTP_HOST"], "mail.internal");
    assert_eq!(env["SMTP_PORT"], "1025");
    // paas-charm leaves out values that are "none".
    assert!(!env.contains_key("SMTP_AUTH_TYPE"));
}

#[test]
fn http_proxy_gives_the_proxy_urls() {
    let out = harness()
        .relation(providers::http_proxy().http_proxy("http://squid.internal:3128"))
        .run(Event::relation_changed("http-proxy"));
    assert_eq!(out.unit_status(), Status::active());
    let env = out.env();
    // Normalised as pydantic's AnyUrl.
    assert_eq!(env["HTTP_PROXY"], "http://squid.internal:3128/");
    assert_eq!(env["https_proxy"], "http://squid.internal:3128/");
}

#[test]
fn ingress_sets_the_base_url() {
    let out = harness()
        .relation(providers::ingress().url("https://app.example.com/"))
        .run(Event::relation_changed("ingress"));
    assert_eq!(out.unit_status(), Status::active());
    assert_eq!(out.env()["APP_BASE_URL"], "https://app.example.com/");
}

#[test]
fn pebble_unreachable_waits() {
    let out = harness().pebble_unreachable().run(Event::config_changed());
    assert_eq!(
        out.unit_status(),
        Status::waiting("Waiting for pebble ready")
    );
    assert!(out.layer("charm").is_none());
}

#[test]
fn rotate_secret_key_action() {
    let out = harness().run(Event::action("rotate-secret-key"));
    assert_eq!(out.action_results().expect("results")["status"], "success");
    assert_ne!(
        out.env()["APP_SECRET_KEY"],
        paas_charm_runtime::testing::harness::SECRET_KEY
    );
}

#[test]
fn expressjs_options_become_node_variables() {
    let out = harness()
        .config("node-env", "development")
        .config("app-port", 3000)
        .config("user-defined-config", "hello")
        .run(Event::config_changed());
    assert_eq!(out.unit_status(), Status::active());
    let env = out.env();
    assert_eq!(env["NODE_ENV"], "development");
    assert_eq!(env["PORT"], "3000");
    assert_eq!(env["APP_USER_DEFINED_CONFIG"], "hello");
    assert_eq!(env["APP_BASE_URL"], "http://expressjs-k8s.test-model:3000");
    assert_eq!(out.opened_ports(), [3000]);
}

#[test]
fn the_rock_layer_keeps_npm_start() {
    let out = harness().run(Event::pebble_ready());
    let layer = out.layer("charm").expect("charm layer");
    assert_eq!(layer.services["expressjs"].command, "npm start");
    assert_eq!(out.env()["NODE_ENV"], "production");
}

#[test]
fn a_failing_migration_blocks_and_update_status_retries() {
    let state = harness().app_file("migrate.sh", "npm run migrate\n").exec(
        &["bash", "-eo", "pipefail", "migrate.sh"],
        1,
        "",
        "no database",
    );
    let out = state.run(Event::config_changed());
    assert_eq!(
        out.unit_status(),
        Status::blocked(
            "database migration command ['bash', '-eo', 'pipefail', 'migrate.sh'] failed, will \
             retry in next update-status"
        )
    );
    assert_eq!(out.service_status("expressjs"), None);
}

#[test]
fn migrations_get_the_database_url() {
    let out = harness()
        .app_file("migrate.sh", "npm run migrate\n")
        .run(Event::relation_changed("postgresql"));
    assert_eq!(out.unit_status(), Status::active());
    let migration = &out.execs()[0];
    assert_eq!(migration.command, ["bash", "-eo", "pipefail", "migrate.sh"]);
    assert_eq!(migration.environment["POSTGRESQL_DB_CONNECT_STRING"], PG);
}

#[test]
fn app_secret_key_option_replaces_the_generated_key() {
    let out = harness()
        .config("app-secret-key", "operator-chosen-key")
        .run(Event::config_changed());
    assert_eq!(out.unit_status(), Status::active());
    assert_eq!(out.env()["APP_SECRET_KEY"], "operator-chosen-key");
}
