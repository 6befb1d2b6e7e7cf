use paas_charm_runtime::paas_charm;

#[paas_charm(
    framework = "flask",
    endpoints(redis = "cache"),
    charmcraft = "../charmcraft/flask.yaml"
)]
pub struct Charm;
