use paas_charm_runtime::paas_charm;

#[paas_charm(framework = "flask", integrations(oauth), charmcraft = "../charmcraft/bad/oauth-without-options.yaml")]
pub struct Charm;
