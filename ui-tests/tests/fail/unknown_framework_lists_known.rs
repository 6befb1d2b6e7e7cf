use paas_charm_runtime::paas_charm;

#[paas_charm(framework = "rails", charmcraft = "../charmcraft/flask.yaml")]
pub struct Charm;
