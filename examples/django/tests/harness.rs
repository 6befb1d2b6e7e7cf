//! The Django example tested with the typed harness (`paas_charm_runtime::testing::harness`):
//! one test per integration kind and per framework option family, plus the states around them.

#[allow(dead_code)]
#[path = "../src/main.rs"]
mod charm;

use charm::DjangoCharm;
use paas_charm_runtime::juju::Status;
use paas_charm_runtime::testing::harness::{providers, Event, Harness};

/// The charm requires PostgreSQL: every state starts with it.
fn harness() -> Harness<DjangoCharm> {
    Harness::<DjangoCharm>::new().relation(providers::postgresql().user("app").password("pg"))
}

const PG: &str =
    "postgresql://app:pg@postgresql-k8s-primary.test-model.svc.cluster.local:5432/django-k8s";

#[test]
fn defaults_give_an_active_app() {
    let out = harness().run(Event::config_changed());
    assert_eq!(out.error(), None);
    assert_eq!(out.unit_status(), Status::active());
    let env = out.env();
    assert_eq!(env["DJANGO_BASE_URL"], "http://django-k8s.test-model:8000");
    assert_eq!(
        env["DJANGO_SECRET_KEY"],
        paas_charm_runtime::testing::harness::SECRET_KEY
    );
    assert_eq!(out.opened_ports(), [8000]);
    assert!(out.log_lines().is_empty(), "{:?}", out.log_lines());
}

#[test]
fn postgresql_relation_changed_gives_the_connect_string() {
    let out = Harness::<DjangoCharm>::new()
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
        "mysql://u:p@mysql.internal:3306/django-k8s"
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
        "amqp://django-k8s:rmq@10.0.0.5:5672/%2F"
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
    assert_eq!(env["DJANGO_OIDC_CLIENT_ID"], "cid");
    assert_eq!(env["DJANGO_OIDC_CLIENT_SECRET"], "csecret");
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
    assert_eq!(env["OTEL_SERVICE_NAME"], "django-k8s");
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
    assert_eq!(out.env()["DJANGO_BASE_URL"], "https://app.example.com/");
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
        out.env()["DJANGO_SECRET_KEY"],
        paas_charm_runtime::testing::harness::SECRET_KEY
    );
}

#[test]
fn without_postgresql_django_is_blocked_and_its_services_stopped() {
    let out = Harness::<DjangoCharm>::new().run(Event::config_changed());
    assert_eq!(
        out.unit_status(),
        Status::blocked("missing integrations: postgresql")
    );
    assert_eq!(out.service_status("django"), Some("inactive"));
    assert!(out.env().is_empty());
}

#[test]
fn the_database_url_reaches_the_app() {
    let out = harness().run(Event::relation_changed("postgresql"));
    assert_eq!(out.env()["POSTGRESQL_DB_CONNECT_STRING"], PG);
}

#[test]
fn django_options_become_django_variables() {
    let out = harness()
        .config("django-debug", true)
        .config("django-allowed-hosts", "shop.example.com")
        .relation(providers::ingress().url("https://django.example.com/"))
        .run(Event::config_changed());
    assert_eq!(out.unit_status(), Status::active());
    let env = out.env();
    assert_eq!(env["DJANGO_DEBUG"], "true");
    assert_eq!(
        env["DJANGO_ALLOWED_HOSTS"],
        "[\"shop.example.com\", \"django.example.com\"]"
    );
}

#[test]
fn webserver_options_go_into_gunicorn_conf() {
    let out = harness()
        .config("webserver-workers", 5)
        .config("webserver-timeout", 90)
        .run(Event::config_changed());
    let conf = out
        .file("/django/gunicorn.conf.py")
        .expect("gunicorn.conf.py");
    assert!(conf.contains("workers = 5"), "{conf}");
    assert!(conf.contains("timeout = 90"), "{conf}");
}

#[test]
fn manage_py_migrates_with_the_database_url() {
    let out = harness()
        .app_file("manage.py", "#!/usr/bin/env python3\n")
        .run(Event::relation_changed("postgresql"));
    assert_eq!(out.unit_status(), Status::active());
    let migrate = out
        .execs()
        .iter()
        .find(|e| e.command == ["python3", "manage.py", "migrate"])
        .expect("manage.py migrate ran");
    assert_eq!(migrate.environment["POSTGRESQL_DB_CONNECT_STRING"], PG);
    assert_eq!(migrate.working_dir.as_deref(), Some("/django/app"));
}

#[test]
fn create_superuser_action_returns_the_password() {
    let out = harness().run(
        Event::action("create-superuser")
            .param("username", "admin")
            .param("email", "admin@example.com"),
    );
    let password = &out.action_results().expect("results")["password"];
    assert!(password.len() >= 20, "{password}");
    let exec = out
        .execs()
        .iter()
        .find(|e| e.command == ["python3", "manage.py", "createsuperuser", "--noinput"])
        .expect("createsuperuser ran");
    assert_eq!(exec.environment["DJANGO_SUPERUSER_USERNAME"], "admin");
    assert_eq!(exec.environment["DJANGO_SUPERUSER_PASSWORD"], *password);
    let failed = harness()
        .exec(
            &["python3", "manage.py", "createsuperuser"],
            1,
            "username taken",
            "",
        )
        .run(
            Event::action("create-superuser")
                .param("username", "admin")
                .param("email", "admin@example.com"),
        );
    assert_eq!(failed.action_failure(), Some("username taken"));
}

#[test]
fn a_non_leader_without_the_peer_key_waits() {
    let out = harness()
        .leader(false)
        .without_secret_key()
        .run(Event::config_changed());
    assert_eq!(
        out.unit_status(),
        Status::waiting("Waiting for peer integration")
    );
}

/// The harness gives what paas-charm 1.12.3 gave in the public scenario
/// `tests/scenarios/django/django_pg_database_created_manage_py` (its recorded output): the
/// same state, built with the harness's builders, ends in the same environment, status and
/// commands. (The scenario's metadata declares `django-debug` without the `default: false`
/// this example's charmcraft.yaml has, hence the unset option.)
#[test]
fn matches_paas_charm_s_recorded_output_for_the_same_state() {
    let out = Harness::<DjangoCharm>::new()
        .unset_config("django-debug")
        .secret_key("test-secret-key")
        .app_file("manage.py", "")
        .relation(
            providers::postgresql()
                .user("relation_id_7")
                .password("hT4wQz8nBv2Lr6Yc")
                .read_only_host("postgresql-k8s-replicas.test-model.svc.cluster.local"),
        )
        .run(Event::relation_changed("postgresql"));
    assert_eq!(out.unit_status(), Status::active());
    let host = "postgresql-k8s-primary.test-model.svc.cluster.local";
    let netloc = format!("relation_id_7:hT4wQz8nBv2Lr6Yc@{host}:5432");
    let recorded: std::collections::BTreeMap<String, String> = [
        ("DJANGO_ALLOWED_HOSTS", "[\"django-k8s.test-model\"]"),
        ("DJANGO_BASE_URL", "http://django-k8s.test-model:8000"),
        ("DJANGO_OIDC_REDIRECT_PATH", "/callback"),
        ("DJANGO_OIDC_SCOPES", "openid profile email"),
        ("DJANGO_SECRET_KEY", "test-secret-key"),
        (
            "POSTGRESQL_DB_CONNECT_STRING",
            &format!("postgresql://{netloc}/django-k8s"),
        ),
        ("POSTGRESQL_DB_FRAGMENT", ""),
        ("POSTGRESQL_DB_HOSTNAME", host),
        ("POSTGRESQL_DB_NAME", "django-k8s"),
        ("POSTGRESQL_DB_NETLOC", &netloc),
        ("POSTGRESQL_DB_PARAMS", ""),
        ("POSTGRESQL_DB_PASSWORD", "hT4wQz8nBv2Lr6Yc"),
        ("POSTGRESQL_DB_PATH", "/django-k8s"),
        ("POSTGRESQL_DB_PORT", "5432"),
        ("POSTGRESQL_DB_QUERY", ""),
        ("POSTGRESQL_DB_SCHEME", "postgresql"),
        ("POSTGRESQL_DB_USERNAME", "relation_id_7"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    assert_eq!(out.env(), recorded);
    assert_eq!(
        out.exec_commands(),
        [
            "/bin/python3 -m gunicorn -c /django/gunicorn.conf.py django_app.wsgi:application -k sync --check-config",
            "python3 manage.py migrate",
        ]
    );
}
