//! The integration set of examples/flask, checked against its charmcraft.yaml: one typed field
//! per listed integration, in attribute order, bound from the metadata (an endpoint the
//! metadata lacks binds to `None`).

use paas_charm_runtime::integration::{database, oauth, IntegrationSet};
use paas_charm_runtime::juju::CharmMeta;
use paas_charm_runtime::paas_charm;

#[paas_charm(
    framework = "flask",
    integrations(postgresql, mysql, mongodb, oauth),
    unhandled_endpoints(
        "http-proxy",
        "openfga",
        "rabbitmq",
        "redis",
        "s3",
        "saml",
        "smtp",
        "tracing",
        "valkey"
    ),
    charmcraft = "../../../examples/flask/charmcraft.yaml",
    main = false
)]
pub struct FlaskCharm;

fn main() {
    let mut set = IntegrationRequirers::bind(&CharmMeta::default());
    let IntegrationRequirers {
        postgresql,
        mysql,
        mongodb,
        oauth,
    } = &set;
    let _: &Option<database::Postgresql> = postgresql;
    let _: &Option<database::Mysql> = mysql;
    let _: &Option<database::Mongodb> = mongodb;
    let _: &Option<oauth::OAuth> = oauth;
    assert!(set.integrations_mut().is_empty());
}
