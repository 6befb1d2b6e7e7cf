use paas_charm_runtime::paas_charm;

#[paas_charm(framework = "flask", charmcraft = "../charmcraft/bad/container-wrong-resource.yaml")]
pub struct Charm;
