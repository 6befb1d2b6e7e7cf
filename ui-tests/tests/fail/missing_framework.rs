use paas_charm_runtime::paas_charm;

#[paas_charm(integrations(postgresql))]
pub struct Charm;
