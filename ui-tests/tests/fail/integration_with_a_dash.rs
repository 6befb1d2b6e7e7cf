use paas_charm_runtime::paas_charm;

#[paas_charm(framework = "flask", integrations(http-proxy))]
pub struct Charm;
