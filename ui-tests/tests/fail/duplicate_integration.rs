use paas_charm_runtime::paas_charm;

#[paas_charm(framework = "flask", integrations(postgresql, mysql, postgresql))]
pub struct Charm;
