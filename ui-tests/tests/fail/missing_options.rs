use paas_charm_runtime::paas_charm;

#[paas_charm(framework = "go", charmcraft = "../charmcraft/bad/go-missing-options.yaml")]
pub struct Charm;
