//! `go-k8s`: a complete Go charm, and the project's benchmark charm (config-changed with one
//! related PostgreSQL database). The attribute is the whole charm; OIDC is the oauth
//! integration on the example's `oidc` endpoint.

use paas_charm_runtime::paas_charm;

/// The Go example charm.
#[paas_charm(
    framework = "go",
    integrations(postgresql, redis, s3, rabbitmq, oauth),
    unhandled_endpoints("http-proxy", "openfga", "smtp", "tracing")
)]
pub struct GoCharm;
