use paas_charm_runtime::paas_charm;

#[paas_charm(framework = "djnago", charmcraft = "../charmcraft/flask.yaml")]
pub struct Charm;
