//! `extended-k8s`: a Flask charm that uses every extension point of paas-charm-rs: extra
//! environment variables, code before and after the reconcile, an extra typed action, a custom
//! integration ([`audit::AuditLog`]) and a renamed endpoint (PostgreSQL on `db`).

mod audit;

use paas_charm_runtime::extensions::{EnvView, ExtensionError, Extensions, ExtraAction};
use paas_charm_runtime::integration::Cx;
use paas_charm_runtime::juju::Scope;
use paas_charm_runtime::{paas_charm, Action};
use serde::{Deserialize, Serialize};

/// The extended example charm.
#[paas_charm(
    framework = "flask",
    integrations(postgresql, redis),
    endpoints(postgresql = "db"),
    custom_integrations(crate::audit::AuditLog),
    extensions
)]
pub struct ExtendedCharm;

impl Extensions for ExtendedCharm {
    /// `DATABASE_URL` (what many apps read) from the PostgreSQL integration's connect string,
    /// and `APP_UNIT_NUMBER` from the unit's name.
    fn extra_env(&self, view: &EnvView<'_>) -> Vec<(String, String)> {
        let mut extra = Vec::new();
        if let Some(url) = view.env.get("POSTGRESQL_DB_CONNECT_STRING") {
            extra.push(("DATABASE_URL".to_owned(), url));
        }
        if let Some((_, number)) = view.unit_name.rsplit_once('/') {
            extra.push(("APP_UNIT_NUMBER".to_owned(), number.to_owned()));
        }
        extra
    }

    /// The `greeting` option must not be empty: the charm blocks before anything else.
    fn before_reconcile(&self, cx: &mut Cx<'_>) -> Result<(), ExtensionError> {
        let greeting = cx.juju.config()?.get("greeting").cloned();
        match greeting {
            Some(serde_json::Value::String(s)) if s.trim().is_empty() => Err(
                ExtensionError::Blocked("the greeting option must not be empty".to_owned()),
            ),
            _ => Ok(()),
        }
    }

    /// Once the app runs, this unit tells the audit-log relation it is serving.
    fn after_reconcile(&self, cx: &mut Cx<'_>) -> Result<(), ExtensionError> {
        if let Some(relation) = cx.juju.relation(audit::ENDPOINT)? {
            cx.juju.update_bag(
                relation.id,
                Scope::Unit,
                [("serving".to_owned(), "true".to_owned())],
            )?;
        }
        Ok(())
    }

    fn actions(&self) -> Vec<ExtraAction> {
        vec![ExtraAction::of::<Greet>()]
    }
}

/// The `greet` action: a greeting for `name`, optionally shouted.
pub struct Greet;

/// The `greet` action's params.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GreetParams {
    /// Who to greet.
    pub name: String,
    /// Upper-case the greeting.
    #[serde(default)]
    pub shout: bool,
}

/// The `greet` action's results (`greeting.text`, `greeting.length`, `unit`).
#[derive(Debug, Serialize)]
pub struct GreetResults {
    /// The greeting.
    pub greeting: Greeting,
    /// The unit that answered.
    pub unit: String,
}

/// The greeting itself.
#[derive(Debug, Serialize)]
pub struct Greeting {
    /// Its text.
    pub text: String,
    /// Its length in characters.
    pub length: usize,
}

impl Action for Greet {
    const NAME: &'static str = "greet";
    type Params = GreetParams;
    type Results = GreetResults;

    fn run(params: GreetParams, cx: &mut Cx<'_>) -> Result<GreetResults, String> {
        if params.name.trim().is_empty() {
            return Err("name must not be empty".to_owned());
        }
        let config = cx.juju.config().map_err(|e| e.to_string())?;
        let word = config
            .get("greeting")
            .and_then(serde_json::Value::as_str)
            .unwrap_or("Hello")
            .to_owned();
        let mut text = format!("{word}, {}!", params.name);
        if params.shout {
            text = text.to_uppercase();
        }
        Ok(GreetResults {
            greeting: Greeting {
                length: text.chars().count(),
                text,
            },
            unit: cx.juju.ctx.unit_name.clone(),
        })
    }
}
