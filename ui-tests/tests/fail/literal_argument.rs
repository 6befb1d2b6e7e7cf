use paas_charm_runtime::paas_charm;

#[paas_charm("flask", charmcraft = "../charmcraft/flask.yaml")]
pub struct Charm;
