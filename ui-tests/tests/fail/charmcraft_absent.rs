use paas_charm_runtime::paas_charm;

#[paas_charm(framework = "flask", charmcraft = "../charmcraft/does-not-exist.yaml")]
pub struct Charm;
