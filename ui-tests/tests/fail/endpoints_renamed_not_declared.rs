use paas_charm_runtime::paas_charm;

// The charmcraft.yaml declares PostgreSQL on `postgresql`, not on `db`.
#[paas_charm(
    framework = "flask",
    integrations(postgresql, mysql, mongodb),
    endpoints(postgresql = "db"),
    charmcraft = "../charmcraft/flask-databases.yaml"
)]
pub struct Charm;
