//! `fastapi-k8s`: a complete FastAPI charm. The attribute is the whole charm.

use paas_charm_runtime::paas_charm;

/// The FastAPI example charm.
#[paas_charm(
    framework = "fastapi",
    integrations(postgresql, mysql, rabbitmq, s3, oauth),
    unhandled_endpoints("http-proxy", "openfga", "saml", "smtp", "tracing")
)]
pub struct FastApiCharm;
