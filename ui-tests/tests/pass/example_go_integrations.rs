//! The integration set of examples/go, checked against that example's charmcraft.yaml: one
//! typed field per listed integration, in attribute order, bound from the metadata (an
//! endpoint the metadata lacks binds to `None`).

use paas_charm_runtime::integration::*;
use paas_charm_runtime::juju::CharmMeta;
use paas_charm_runtime::{paas_charm, Charm};

#[paas_charm(
    framework = "go",
    integrations(postgresql, redis, s3, rabbitmq, oauth),
    unhandled_endpoints("http-proxy", "openfga", "smtp", "tracing"),
    charmcraft = "../../../examples/go/charmcraft.yaml",
    main = false
)]
pub struct ExampleCharm;

fn main() {
    let mut set = IntegrationRequirers::bind(&CharmMeta::default());
    let IntegrationRequirers {
        postgresql,
        redis,
        s3,
        rabbitmq,
        oauth,
    } = &set;
    let _: &Option<database::Postgresql> = postgresql;
    let _: &Option<redis::Redis> = redis;
    let _: &Option<s3::S3> = s3;
    let _: &Option<rabbitmq::RabbitMq> = rabbitmq;
    let _: &Option<oauth::OAuth> = oauth;
    assert!(set.integrations_mut().is_empty());
    assert_eq!(
        <ExampleCharm as Charm>::INTEGRATIONS,
        ["postgresql", "redis", "s3", "rabbitmq", "oauth"]
    );
}
