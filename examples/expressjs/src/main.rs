//! `expressjs-k8s`: a complete Express.js charm. The attribute is the whole charm.

use paas_charm_runtime::paas_charm;

/// The Express.js example charm (PostgreSQL is required, as in paas-charm's example).
#[paas_charm(
    framework = "expressjs",
    integrations(
        postgresql, mysql, mongodb, redis, valkey, s3, rabbitmq, saml, oauth, openfga, tracing,
        smtp, http_proxy
    )
)]
pub struct ExpressJsCharm;
