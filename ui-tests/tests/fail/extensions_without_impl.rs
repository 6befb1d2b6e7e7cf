use paas_charm_runtime::paas_charm;

// `extensions` says the struct implements `Extensions`; it does not.
#[paas_charm(framework = "flask", extensions, charmcraft = "../charmcraft/flask.yaml")]
pub struct Charm;
