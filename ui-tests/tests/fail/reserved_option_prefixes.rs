use paas_charm_runtime::paas_charm;

#[paas_charm(framework = "flask", charmcraft = "../charmcraft/bad/reserved-prefixes.yaml")]
pub struct Charm;
