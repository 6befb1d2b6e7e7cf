//! `django-k8s`: a complete Django charm. The attribute is the whole charm.

use paas_charm_runtime::paas_charm;

/// The Django example charm.
#[paas_charm(
    framework = "django",
    integrations(
        postgresql, mysql, mongodb, redis, valkey, s3, rabbitmq, saml, oauth, openfga, tracing,
        smtp, http_proxy
    )
)]
pub struct DjangoCharm;
