use paas_charm_runtime::paas_charm;

#[paas_charm(framework = 1)]
pub struct Charm;
