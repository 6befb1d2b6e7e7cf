use paas_charm_runtime::paas_charm;

#[paas_charm(
    framework = "flask",
    integrations(postgresql, mysql, mongodb),
    endpoints(postgresql = db, mysql = "Cache", postgresql = "pg"),
    charmcraft = "../charmcraft/flask-databases.yaml"
)]
pub struct Charm;
