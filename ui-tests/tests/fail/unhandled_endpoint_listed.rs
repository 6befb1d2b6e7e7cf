use paas_charm_runtime::paas_charm;

#[paas_charm(framework = "flask", integrations(postgresql, mysql, mongodb), unhandled_endpoints("mysql"), charmcraft = "../charmcraft/flask-databases.yaml")]
pub struct Charm;
