use paas_charm_runtime::paas_charm;

#[paas_charm(framework = "flask", integrations = "postgresql", charmcraft = "../charmcraft/flask.yaml")]
pub struct Charm;
