//! The Spring Boot example tested with the typed harness (`paas_charm_runtime::testing::harness`):
//! one test per integration kind (in Spring's property forms) and per framework option family.

#[allow(dead_code)]
#[path = "../src/main.rs"]
mod charm;

use charm::SpringBootCharm;
use paas_charm_runtime::juju::Status;
use paas_charm_runtime::testing::harness::{providers, Event, Harness};

fn harness() -> Harness<SpringBootCharm> {
    Harness::<SpringBootCharm>::new()
}

#[test]
fn defaults_give_spring_s_server_and_actuator_settings() {
    let out = harness().run(Event::config_changed());
    assert_eq!(out.unit_status(), Status::active());
    let env = out.env();
    assert_eq!(env["SERVER_PORT"], "8080");
    assert_eq!(
        env["APP_BASE_URL"],
        "http://spring-boot-k8s.test-model:8080"
    );
    assert_eq!(env["METRICS_PATH"], "/actuator/prometheus");
    assert_eq!(
        env["management.endpoints.web.exposure.include"],
        "prometheus"
    );
    assert_eq!(env["server.forward-headers-strategy"], "framework");
    assert_eq!(out.opened_ports(), [8080]);
}

#[test]
fn app_options_set_ports_and_profiles() {
    let out = harness()
        .config("app-port", 9090)
        .config("metrics-port", 9091)
        .config("app-profiles", "prod,metrics")
        .config("user-defined-config", "hello")
        .run(Event::config_changed());
    assert_eq!(out.unit_status(), Status::active());
    let env = out.env();
    assert_eq!(env["SERVER_PORT"], "9090");
    assert_eq!(env["MANAGEMENT_SERVER_PORT"], "9091");
    assert_eq!(env["APP_USER_DEFINED_CONFIG"], "hello");
    assert_eq!(env["APP_PROFILES"], "prod,metrics");
    assert_eq!(env["spring.profiles.active"], "prod,metrics");
}

#[test]
fn postgresql_gives_the_datasource() {
    let out = harness()
        .relation(
            providers::postgresql()
                .user("sb")
                .password("pw")
                .host("pg.internal")
                .database("shop"),
        )
        .run(Event::relation_changed("postgresql"));
    assert_eq!(out.unit_status(), Status::active());
    let env = out.env();
    assert_eq!(
        env["spring.datasource.url"],
        "jdbc:postgresql://pg.internal:5432/shop"
    );
    assert_eq!(env["spring.datasource.username"], "sb");
    assert_eq!(env["spring.datasource.password"], "pw");
    assert_eq!(env["spring.jpa.hibernate.ddl-auto"], "none");
}

#[test]
fn mysql_gives_the_datasource() {
    let out = harness()
        .relation(providers::mysql().host("mysql.internal"))
        .run(Event::relation_changed("mysql"));
    assert_eq!(
        out.env()["spring.datasource.url"],
        "jdbc:mysql://mysql.internal:3306/spring-boot-k8s"
    );
}

#[test]
fn mongodb_gives_the_data_uri() {
    let out = harness()
        .relation(providers::mongodb().user("m").password("q"))
        .run(Event::relation_changed("mongodb"));
    assert_eq!(
        out.env()["spring.data.mongodb.uri"],
        "mongodb://m:q@mongodb-k8s-0.mongodb-k8s-endpoints:27017/spring-boot-k8s?replicaSet=mongodb-k8s&authSource=admin"
    );
}

#[test]
fn redis_gives_spring_data_redis() {
    let out = harness()
        .relation(providers::redis().host("10.1.2.3").port(6380))
        .run(Event::relation_changed("redis"));
    let env = out.env();
    assert_eq!(env["spring.data.redis.host"], "10.1.2.3");
    assert_eq!(env["spring.data.redis.port"], "6380");
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
    assert_eq!(
        out.env()["VALKEY_DB_CONNECT_STRING"],
        "valkey://v:vp@valkey.internal:6379"
    );
}

#[test]
fn s3_gives_spring_cloud_aws() {
    let out = harness()
        .relation(
            providers::s3()
                .access_key("AKIA")
                .secret_key("s3cr3t")
                .bucket("media")
                .region("eu-west-1"),
        )
        .run(Event::relation_changed("s3"));
    let env = out.env();
    assert_eq!(env["spring.cloud.aws.credentials.accessKey"], "AKIA");
    assert_eq!(env["spring.cloud.aws.credentials.secretKey"], "s3cr3t");
    assert_eq!(env["spring.cloud.aws.s3.bucket"], "media");
    assert_eq!(env["spring.cloud.aws.region.static"], "eu-west-1");
}

#[test]
fn rabbitmq_gives_spring_rabbitmq() {
    let out = harness()
        .relation(
            providers::rabbitmq()
                .password("rmq")
                .host("rabbit.internal"),
        )
        .run(Event::relation_changed("rabbitmq"));
    let env = out.env();
    assert_eq!(env["spring.rabbitmq.host"], "rabbit.internal");
    assert_eq!(env["spring.rabbitmq.username"], "spring-boot-k8s");
    assert_eq!(env["spring.rabbitmq.password"], "rmq");
    assert_eq!(env["spring.rabbitmq.virtual-host"], "/");
}

#[test]
fn saml_writes_the_certificate_and_its_properties() {
    let out = harness()
        .relation(providers::saml().certificate("MIIBcertificate"))
        .run(Event::relation_changed("saml"));
    assert_eq!(out.unit_status(), Status::active());
    let cert = out
        .file("/app/saml.cert")
        .expect("the certificate was pushed");
    assert!(cert.contains("MIIBcertificate"), "{cert}");
    let env = out.env();
    let location = env
        .iter()
        .find(|(k, _)| k.ends_with("certificate-location"))
        .map(|(_, v)| v.as_str());
    assert_eq!(location, Some("file:/app/saml.cert"));
}

#[test]
fn oauth_gives_the_spring_security_registration() {
    let out = harness()
        .relation(providers::ingress().url("https://sb.example.com/"))
        .relation(providers::oauth().client_id("cid").client_secret("cs"))
        .run(Event::relation_changed("oauth"));
    assert_eq!(out.unit_status(), Status::active());
    let env = out.env();
    let reg = "spring.security.oauth2.client.registration.oidc";
    assert_eq!(env[&format!("{reg}.client-id")], "cid");
    assert_eq!(env[&format!("{reg}.client-secret")], "cs");
    assert_eq!(
        env[&format!("{reg}.redirect-uri")],
        "https://sb.example.com/login/oauth2/code/oidc"
    );
    assert_eq!(env[&format!("{reg}.scope")], "openid,profile,email");
}

#[test]
fn openfga_gives_the_openfga_properties() {
    let out = harness()
        .relation(providers::openfga().store_id("STORE").token("tok"))
        .run(Event::relation_changed("openfga"));
    let env = out.env();
    assert_eq!(env["openfga.store-id"], "STORE");
    assert_eq!(env["openfga.credentials.method"], "API_TOKEN");
    assert_eq!(env["openfga.credentials.config.api-token"], "tok");
}

#[test]
fn tracing_gives_the_otlp_endpoint() {
    let out = harness()
        .relation(providers::tracing())
        .run(Event::relation_changed("tracing"));
    assert_eq!(
        out.env()["OTEL_EXPORTER_OTLP_ENDPOINT"],
        "http://tempo-0.tempo-endpoints.test-model.svc.cluster.local:4318/"
    );
}

#[test]
fn smtp_gives_spring_mail() {
    let out = harness()
        .relation(
            providers::smtp()
                .user("mailer")
                .password("mp")
                .domain("shop.example"),
        )
        .run(Event::relation_changed("smtp"));
    let env = out.env();
    assert_eq!(env["spring.mail.host"], "smtp.example.com");
    assert_eq!(env["spring.mail.username"], "mailer@shop.example");
    assert_eq!(env["spring.mail.password"], "mp");
    assert_eq!(
        env["spring.mail.properties.mail.smtp.starttls.enable"],
        "true"
    );
}

#[test]
fn http_proxy_gives_the_proxy_variables() {
    let out = harness()
        .relation(providers::http_proxy())
        .run(Event::relation_changed("http-proxy"));
    assert_eq!(out.env()["HTTPS_PROXY"], "http://squid.internal:3128/");
}

#[test]
fn ingress_sets_the_base_url() {
    let out = harness()
        .relation(providers::ingress().url("https://sb.example.com/"))
        .run(Event::relation_changed("ingress"));
    assert_eq!(out.env()["APP_BASE_URL"], "https://sb.example.com/");
}

#[test]
fn a_relation_beyond_the_endpoint_limit_is_refused() {
    let result = std::panic::catch_unwind(|| {
        harness()
            .relation(providers::redis())
            .relation(providers::redis().remote_app("redis-two"))
    });
    let message = result
        .err()
        .and_then(|e| e.downcast::<String>().ok())
        .expect("a panic with a message");
    assert!(
        message.contains("endpoint `redis` has `limit: 1`"),
        "{message}"
    );
}

#[test]
fn app_secret_key_option_becomes_secret_key_beside_the_peer_key() {
    let out = harness()
        .config("app-secret-key", "operator-chosen-key")
        .run(Event::config_changed());
    assert_eq!(out.unit_status(), Status::active());
    let env = out.env();
    // Spring Boot gets the option as SECRET_KEY; APP_SECRET_KEY stays the peer's key.
    assert_eq!(env["SECRET_KEY"], "operator-chosen-key");
    assert_eq!(
        env["APP_SECRET_KEY"],
        paas_charm_runtime::testing::harness::SECRET_KEY
    );
}
