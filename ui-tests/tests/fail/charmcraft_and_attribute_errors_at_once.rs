use paas_charm_runtime::paas_charm;

// Attribute errors and charmcraft.yaml errors come together.
#[paas_charm(
    framework = "flask",
    integrations(redis, postgres),
    charmcraft = "../charmcraft/bad/reserved-prefixes.yaml"
)]
pub struct Charm;
