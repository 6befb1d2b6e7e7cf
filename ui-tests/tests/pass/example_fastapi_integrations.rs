//! The integration set of examples/fastapi, checked against that example's charmcraft.yaml: one
//! typed field per listed integration, in attribute order, then the ones every framework charm
//! has, bound from the metadata (an endpoint the metadata lacks binds to `None`).

use paas_charm_runtime::integration::*;
use paas_charm_runtime::juju::CharmMeta;
use paas_charm_runtime::{paas_charm, Charm};

#[paas_charm(
    framework = "fastapi",
    integrations(
        postgresql, mysql, mongodb, redis, valkey, s3, rabbitmq, saml, oauth, openfga, tracing,
        smtp, http_proxy
    ),
    charmcraft = "../../../examples/fastapi/charmcraft.yaml",
    main = false
)]
pub struct ExampleCharm;

fn main() {
    let mut set = IntegrationRequirers::bind(&CharmMeta::default());
    let IntegrationRequirers {
        postgresql,
        mysql,
        mongodb,
        redis,
        valkey,
        s3,
        rabbitmq,
        saml,
        oauth,
        openfga,
        tracing,
        smtp,
        http_proxy,
        ingress,
        metrics_endpoint,
        logging,
        grafana_dashboard,
    } = &set;
    let _: &Option<database::Postgresql> = postgresql;
    let _: &Option<database::Mysql> = mysql;
    let _: &Option<database::Mongodb> = mongodb;
    let _: &Option<redis::Redis> = redis;
    let _: &Option<valkey::Valkey> = valkey;
    let _: &Option<s3::S3> = s3;
    let _: &Option<rabbitmq::RabbitMq> = rabbitmq;
    let _: &Option<saml::Saml> = saml;
    let _: &Option<oauth::OAuth> = oauth;
    let _: &Option<openfga::OpenFga> = openfga;
    let _: &Option<tracing::Tracing> = tracing;
    let _: &Option<smtp::Smtp> = smtp;
    let _: &Option<http_proxy::HttpProxy> = http_proxy;
    let _: &Option<ingress::Ingress> = ingress;
    let _: &Option<metrics_endpoint::MetricsEndpoint> = metrics_endpoint;
    let _: &Option<logging::Logging> = logging;
    let _: &Option<grafana_dashboard::GrafanaDashboard> = grafana_dashboard;
    let mut bound = 0;
    let _ = set.for_each(&mut |_| {
        bound += 1;
        std::ops::ControlFlow::Continue(())
    });
    assert_eq!(bound, 0, "nothing binds to empty metadata");
    assert_eq!(
        <ExampleCharm as Charm>::INTEGRATIONS,
        ["postgresql", "mysql", "mongodb", "redis", "valkey", "s3", "rabbitmq", "saml", "oauth", "openfga", "tracing", "smtp", "http-proxy"]
    );
}
