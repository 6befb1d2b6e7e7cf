//! `fastapi-k8s`: a complete FastAPI charm. The attribute is the whole charm.

use paas_charm_runtime::paas_charm;

/// The FastAPI example charm.
#[paas_charm(
    framework = "fastapi",
    integrations(
        postgresql, mysql, mongodb, redis, valkey, s3, rabbitmq, saml, oauth, openfga, tracing,
        smtp, http_proxy
    )
)]
pub struct FastApiCharm;
