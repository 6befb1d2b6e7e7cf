//! `go-k8s`: a complete Go charm, and the project's benchmark charm (config-changed with one
//! related PostgreSQL database). The attribute is the whole charm; OIDC is the oauth
//! integration on the example's `oidc` endpoint.

use paas_charm_runtime::paas_charm;

/// The Go example charm: every integration paas-charm supports (optional endpoints beyond
/// paas-charm's example are declared in charmcraft.yaml).
#[paas_charm(
    framework = "go",
    integrations(
        postgresql, mysql, mongodb, redis, valkey, s3, rabbitmq, saml, oauth, openfga, tracing,
        smtp, http_proxy
    )
)]
pub struct GoCharm;
