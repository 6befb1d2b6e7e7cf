use paas_charm_runtime::paas_charm;

mod mine {
    pub struct Postgresql;
}

// The generated field of a custom integration is its type's name in snake case.
#[paas_charm(
    framework = "flask",
    integrations(postgresql, mysql, mongodb),
    custom_integrations(crate::mine::Postgresql),
    charmcraft = "../charmcraft/flask-databases.yaml"
)]
pub struct Charm;
