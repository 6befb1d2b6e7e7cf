use paas_charm_runtime::paas_charm;

#[paas_charm(
    framework = "flask",
    integrations(oauth),
    endpoints(oauth = "sso"),
    charmcraft = "../charmcraft/flask.yaml"
)]
pub struct Charm;
