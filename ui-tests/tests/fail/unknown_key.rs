use paas_charm_runtime::paas_charm;

#[paas_charm(framework = "flask", integration(postgresql))]
pub struct Charm;
