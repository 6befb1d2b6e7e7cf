use paas_charm_runtime::paas_charm;

#[paas_charm(framework = "django", charmcraft = "../charmcraft/bad/django-superuser-without-params.yaml")]
pub struct Charm;
