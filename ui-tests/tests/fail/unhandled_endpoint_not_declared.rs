use paas_charm_runtime::paas_charm;

#[paas_charm(framework = "flask", unhandled_endpoints("redis"), charmcraft = "../charmcraft/flask.yaml")]
pub struct Charm;
