use paas_charm_runtime::paas_charm;

#[paas_charm(framework = "flask", integrations(postgresql), integrations(mysql))]
pub struct Charm;
