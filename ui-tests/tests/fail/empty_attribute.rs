use paas_charm_runtime::paas_charm;

#[paas_charm]
pub struct Charm;
