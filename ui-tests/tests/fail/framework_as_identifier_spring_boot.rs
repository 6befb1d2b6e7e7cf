use paas_charm_runtime::paas_charm;

#[paas_charm(framework = spring_boot, integrations(postgresql), charmcraft = "../charmcraft/flask-databases.yaml")]
pub struct Charm;
