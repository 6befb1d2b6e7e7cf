use paas_charm_runtime::paas_charm;

#[paas_charm(framework = "flask", charmcraft = "../charmcraft/bad/flask-option-types.yaml")]
pub struct Charm;
