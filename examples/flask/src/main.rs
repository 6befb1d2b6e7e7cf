//! `flask-k8s`: a complete Flask charm. The attribute is the whole charm.

use paas_charm_runtime::paas_charm;

/// The Flask example charm. Its charmcraft.yaml declares every endpoint of paas-charm's Flask
/// example, and the attribute lists every integration for them.
#[paas_charm(
    framework = "flask",
    integrations(
        postgresql, mysql, mongodb, redis, valkey, s3, rabbitmq, saml, oauth, openfga, tracing,
        smtp, http_proxy
    )
)]
pub struct FlaskCharm;
