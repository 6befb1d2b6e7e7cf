use paas_charm_runtime::paas_charm;

#[paas_charm(framework = django)]
pub struct Charm;
