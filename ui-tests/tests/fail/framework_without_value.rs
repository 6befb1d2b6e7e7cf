use paas_charm_runtime::paas_charm;

#[paas_charm(framework, charmcraft = "../charmcraft/flask.yaml")]
pub struct Charm;
