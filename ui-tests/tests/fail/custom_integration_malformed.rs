use paas_charm_runtime::paas_charm;

#[paas_charm(
    framework = "flask",
    custom_integrations("audit-log"),
    charmcraft = "../charmcraft/flask.yaml"
)]
pub struct Charm;
