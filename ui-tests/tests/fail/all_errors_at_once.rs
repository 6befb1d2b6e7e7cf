use paas_charm_runtime::paas_charm;

#[paas_charm(
    framework = "djnago",
    integrations(postgres, redis, redis),
    colour = "red",
    main = 0,
    charmcraft = "../charmcraft/flask.yaml"
)]
pub struct Charm<T>(T);
