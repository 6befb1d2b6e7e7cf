//! `flask-k8s`: a complete Flask charm. The attribute is the whole charm.

use paas_charm_runtime::paas_charm;

/// The Flask example charm.
#[paas_charm(
    framework = "flask",
    integrations(
        postgresql, mysql, mongodb, saml, oauth, openfga, tracing, smtp, http_proxy
    )
)]
pub struct FlaskCharm;
