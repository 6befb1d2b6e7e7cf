use paas_charm_runtime::paas_charm;

#[paas_charm(framework = 1, charmcraft = "../charmcraft/flask.yaml")]
pub struct Charm;
