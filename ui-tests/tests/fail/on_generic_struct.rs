use paas_charm_runtime::paas_charm;

#[paas_charm(framework = "flask", charmcraft = "../charmcraft/flask.yaml")]
pub struct Charm<const N: usize>;
