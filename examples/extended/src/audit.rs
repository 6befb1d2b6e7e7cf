//! A custom integration: `audit-log` (interface `audit_log`). The leader tells the audit
//! service which application writes to it; the service answers with the URL to send events to,
//! which the app gets as `AUDIT_LOG_URL`.

use paas_charm_runtime::env::Env;
use paas_charm_runtime::integration::{Cx, Integration, IntegrationError, Trigger};
use paas_charm_runtime::juju::{CharmMeta, Event, RelationEventKind, Scope};

/// The endpoint in charmcraft.yaml.
pub const ENDPOINT: &str = "audit-log";
/// Its interface.
pub const INTERFACE: &str = "audit_log";

/// The audit-log requirer.
#[derive(Debug, Default)]
pub struct AuditLog {
    url: Option<String>,
}

impl Integration for AuditLog {
    fn bind(meta: &CharmMeta) -> Option<Self> {
        meta.requires_with(ENDPOINT, INTERFACE)
            .map(|_| AuditLog::default())
    }

    fn name(&self) -> &str {
        ENDPOINT
    }

    /// On `audit-log-relation-joined` the leader writes the application's name; a change of
    /// the service's data reconciles.
    fn handle_event(&mut self, cx: &mut Cx<'_>) -> Result<Vec<Trigger>, IntegrationError> {
        let Some(id) = cx.juju.event_relation_id(ENDPOINT) else {
            return Ok(Vec::new());
        };
        let Event::Relation { kind, .. } = cx.juju.event().clone() else {
            return Ok(Vec::new());
        };
        match kind {
            RelationEventKind::Joined if cx.juju.is_leader()? => {
                let app = cx.juju.ctx.app_name.clone();
                cx.juju.update_bag(
                    id,
                    Scope::App,
                    [
                        ("application".to_owned(), app),
                        ("format".to_owned(), "json".to_owned()),
                    ],
                )?;
                Ok(Vec::new())
            }
            RelationEventKind::Changed | RelationEventKind::Broken => Ok(vec![Trigger::Reconcile]),
            _ => Ok(Vec::new()),
        }
    }

    /// Reads the service's `url`; one that is not http(s) blocks the charm.
    fn load(&mut self, cx: &mut Cx<'_>) -> Result<(), IntegrationError> {
        self.url = None;
        let Some(relation) = cx.juju.relation(ENDPOINT)? else {
            return Ok(());
        };
        if relation.remote_app.is_none() {
            return Ok(());
        }
        let bag = cx.juju.remote_app_bag(relation.id)?;
        match bag.get("url") {
            None => Ok(()),
            Some(url) if url.starts_with("http://") || url.starts_with("https://") => {
                self.url = Some(url.clone());
                Ok(())
            }
            Some(_) => Err(IntegrationError::InvalidData(
                "Invalid audit-log relation data: url must be an http(s) URL".to_owned(),
            )),
        }
    }

    fn is_ready(&self) -> bool {
        self.url.is_some()
    }

    fn env(&self, env: &mut Env) {
        if let Some(url) = &self.url {
            env.set("AUDIT_LOG_URL", url);
        }
    }
}
