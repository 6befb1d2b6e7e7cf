use paas_charm_runtime::paas_charm;

#[paas_charm(framework = "flask", integrations(tracing), charmcraft = "../charmcraft/bad/tracing-without-limit.yaml")]
pub struct Charm;
