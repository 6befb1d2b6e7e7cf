use paas_charm_runtime::paas_charm;

#[paas_charm(framework = "flask", charmcraft = "../charmcraft/bad/not-yaml.yaml")]
pub struct Charm;
