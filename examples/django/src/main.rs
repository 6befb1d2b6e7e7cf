//! `django-k8s`: a complete Django charm. The attribute is the whole charm.

use paas_charm_runtime::paas_charm;

/// The Django example charm.
#[paas_charm(
    framework = "django",
    integrations(postgresql, mongodb, redis, s3, oauth),
    unhandled_endpoints("http-proxy", "openfga", "smtp", "tracing")
)]
pub struct DjangoCharm;
