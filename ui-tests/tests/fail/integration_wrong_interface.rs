use paas_charm_runtime::paas_charm;

#[paas_charm(framework = "flask", integrations(redis), charmcraft = "../charmcraft/bad/redis-wrong-interface.yaml")]
pub struct Charm;
