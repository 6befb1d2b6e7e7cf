//! Every extension point at once, checked against examples/extended's charmcraft.yaml: the
//! custom integration gets a typed field after the listed ones, the renamed endpoint and the
//! extensions reach the `Charm` impl.

use paas_charm_runtime::extensions::{EnvView, Extensions, ExtraAction};
use paas_charm_runtime::integration::{Cx, Integration, IntegrationSet};
use paas_charm_runtime::juju::CharmMeta;
use paas_charm_runtime::{paas_charm, Action, Charm};

pub struct AuditLog;

impl Integration for AuditLog {
    fn bind(meta: &CharmMeta) -> Option<Self> {
        meta.requires_with("audit-log", "audit_log").map(|_| AuditLog)
    }

    fn name(&self) -> &str {
        "audit-log"
    }
}

#[paas_charm(
    framework = "flask",
    integrations(postgresql, redis),
    endpoints(postgresql = "db"),
    custom_integrations(crate::AuditLog),
    extensions,
    charmcraft = "../../../examples/extended/charmcraft.yaml",
    main = false
)]
pub struct ExtendedCharm;

#[derive(serde::Deserialize)]
pub struct GreetParams {
    pub name: String,
}

#[derive(serde::Serialize)]
pub struct GreetResults {
    pub text: String,
}

pub struct Greet;

impl Action for Greet {
    const NAME: &'static str = "greet";
    type Params = GreetParams;
    type Results = GreetResults;

    fn run(params: GreetParams, _cx: &mut Cx<'_>) -> Result<GreetResults, String> {
        Ok(GreetResults {
            text: format!("Hello, {}!", params.name),
        })
    }
}

impl Extensions for ExtendedCharm {
    fn extra_env(&self, _view: &EnvView<'_>) -> Vec<(String, String)> {
        vec![("GREETING".to_owned(), "hello".to_owned())]
    }

    fn actions(&self) -> Vec<ExtraAction> {
        vec![ExtraAction::of::<Greet>()]
    }
}

fn main() {
    let set = IntegrationRequirers::bind(&CharmMeta::default());
    let IntegrationRequirers {
        postgresql: _,
        redis: _,
        audit_log,
        ingress: _,
        metrics_endpoint: _,
        logging: _,
        grafana_dashboard: _,
    } = &set;
    let _: &Option<AuditLog> = audit_log;
    assert_eq!(ExtendedCharm::ENDPOINTS, &[("postgresql", "db")]);
    let names: Vec<&str> = ExtendedCharm::extensions()
        .actions()
        .iter()
        .map(|a| a.name)
        .collect();
    assert_eq!(names, ["greet"]);
}
