use paas_charm_runtime::paas_charm;

#[paas_charm(framework = "flask")]
pub struct Charm {
    pub name: String,
}
