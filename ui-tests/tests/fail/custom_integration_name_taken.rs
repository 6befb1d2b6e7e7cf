use paas_charm_runtime::paas_charm;

mod mine {
    pub struct Postgresql;
    pub struct MetricsEndpoint;
}

// The generated field of a custom integration is its type's name in snake case, and the set
// has a field for each integration every framework charm has.
#[paas_charm(
    framework = "flask",
    integrations(postgresql, mysql, mongodb),
    custom_integrations(crate::mine::Postgresql, crate::mine::MetricsEndpoint),
    charmcraft = "../charmcraft/flask-databases.yaml"
)]
pub struct Charm;
