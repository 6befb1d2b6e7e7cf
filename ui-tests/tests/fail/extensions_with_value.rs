use paas_charm_runtime::paas_charm;

#[paas_charm(framework = "flask", extensions = true, charmcraft = "../charmcraft/flask.yaml")]
pub struct Charm;
