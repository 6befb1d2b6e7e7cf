use paas_charm_runtime::paas_charm;

#[paas_charm(framework = "flask", charmcraft = "../charmcraft/bad/endpoint-without-interface.yaml")]
pub struct Charm;
