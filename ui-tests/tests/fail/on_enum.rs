use paas_charm_runtime::paas_charm;

#[paas_charm(framework = "flask")]
pub enum Charm {
    Flask,
}
