use paas_charm_runtime::paas_charm;

pub struct AuditLog;

#[paas_charm(
    framework = "flask",
    custom_integrations(crate::AuditLog),
    charmcraft = "../charmcraft/flask.yaml"
)]
pub struct Charm;
