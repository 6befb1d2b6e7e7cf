//! `flask-k8s`: a complete Flask charm. The attribute is the whole charm.

use paas_charm_runtime::paas_charm;

/// The Flask example charm. Its charmcraft.yaml declares every endpoint of paas-charm's Flask
/// example; those whose integration this release does not implement yet are named in
/// `unhandled_endpoints` (the attribute refuses a declared endpoint it would silently ignore).
#[paas_charm(
    framework = "flask",
    integrations(postgresql, mysql, mongodb, redis, valkey, s3, rabbitmq, oauth),
    unhandled_endpoints("http-proxy", "openfga", "saml", "smtp", "tracing")
)]
pub struct FlaskCharm;
