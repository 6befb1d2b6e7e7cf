use paas_charm_runtime::paas_charm;

// No `charmcraft` key: the file next to the crate's Cargo.toml, which this crate lacks.
#[paas_charm(framework = "flask")]
pub struct Charm;
