//! `spring-boot-k8s`: a complete Spring Boot charm. The attribute is the whole charm.

use paas_charm_runtime::paas_charm;

/// The Spring Boot example charm.
#[paas_charm(
    framework = "spring-boot",
    integrations(
        postgresql, mysql, mongodb, redis, valkey, s3, rabbitmq, saml, oauth, openfga, tracing,
        smtp, http_proxy
    )
)]
pub struct SpringBootCharm;
