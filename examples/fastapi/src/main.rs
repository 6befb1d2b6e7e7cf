//! `fastapi-k8s`: a complete FastAPI charm. The attribute is the whole charm.

use paas_charm_runtime::paas_charm;

/// The FastAPI example charm.
#[paas_charm(
    framework = "fastapi",
    integrations(
        postgresql, mysql, s3, rabbitmq, saml, oauth, openfga, smtp, tracing, http_proxy
    )
)]
pub struct FastApiCharm;
