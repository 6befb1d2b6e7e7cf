//! `openfga`: the openfga_k8s v1 `OpenFGARequires` as paas-charm 1.x drives it
//! (integrations.md §2.9, §3, §0a.4).
//!
//! * We request the store `app-store` (paas-charm 1.x's constant) in our app bag on
//!   relation-created (leader).
//! * We read `grpc_api_url` and `http_api_url` (required: without them the relation is not
//!   ready), `store_id`, `token`, and `token_secret_id` whose secret's `token` replaces `token`.
//! * Env: `FGA_*` (values verbatim, only absent ones omitted) or Spring Boot's `openfga.*`.
//! * A relation-changed whose bag validates reconciles; departed and broken do nothing.

use super::{Cx, Integration, IntegrationError, Provided, Trigger};
use crate::env::Env;
use crate::juju::{Bag, CharmMeta, Event, HookToolError, RelationEventKind, Scope, SecretQuery};

/// The endpoint name.
pub const ENDPOINT: &str = "openfga";

/// The store name paas-charm 1.x requests for every charm.
pub const STORE_NAME: &str = "app-store";

/// What the provider published.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OpenFgaData {
    /// `store_id`.
    pub store_id: Option<String>,
    /// `token`, or the `token` key of the `token_secret_id` secret.
    pub token: Option<String>,
    /// `grpc_api_url`.
    pub grpc_api_url: String,
    /// `http_api_url`.
    pub http_api_url: String,
}

/// The OpenFGA requirer.
#[derive(Debug, Clone, Default)]
pub struct OpenFga {
    required: bool,
    data: Option<OpenFgaData>,
}

impl Integration for OpenFga {
    fn bind(meta: &CharmMeta) -> Option<Self> {
        let relation = meta
            .requires
            .get(ENDPOINT)
            .filter(|m| m.interface == "openfga")?;
        Some(Self {
            required: relation.is_required(),
            data: None,
        })
    }

    fn name(&self) -> &str {
        ENDPOINT
    }

    fn required(&self) -> bool {
        self.required
    }

    fn handle_event(&mut self, cx: &mut Cx<'_>) -> Result<Vec<Trigger>, IntegrationError> {
        let kind = match cx.juju.event() {
            Event::Relation { endpoint, kind } if endpoint == ENDPOINT => *kind,
            _ => return Ok(Vec::new()),
        };
        let Some(id) = cx.juju.event_relation_id(ENDPOINT) else {
            return Ok(Vec::new());
        };
        match kind {
            RelationEventKind::Created => {
                if cx.juju.is_leader()? {
                    cx.juju.update_bag(
                        id,
                        Scope::App,
                        [("store_name".to_owned(), STORE_NAME.to_owned())],
                    )?;
                }
                Ok(Vec::new())
            }
            RelationEventKind::Changed => {
                let bag = cx.juju.remote_app_bag(id)?;
                Ok(if provider_fields(&bag).is_some() {
                    vec![Trigger::Reconcile]
                } else {
                    Vec::new()
                })
            }
            _ => Ok(Vec::new()),
        }
    }

    fn load(&mut self, cx: &mut Cx<'_>) -> Result<(), IntegrationError> {
        self.data = None;
        let Some(relation) = cx.juju.relation(ENDPOINT)? else {
            return Ok(());
        };
        let bag = cx.juju.remote_app_bag(relation.id)?;
        let Some(mut data) = provider_fields(&bag) else {
            return Ok(());
        };
        if let Some(secret_id) = bag.get("token_secret_id").filter(|id| !id.is_empty()) {
            let content = cx
                .juju
                .secret(&SecretQuery {
                    id: Some(secret_id.clone()),
                    label: None,
                    refresh: false,
                    peek: false,
                })
                .map_err(secret_error)?;
            data.token = Some(content.get("token").cloned().ok_or_else(|| {
                IntegrationError::InvalidData(
                    "Invalid openfga relation data: the token_secret_id secret has no 'token'."
                        .into(),
                )
            })?);
        }
        self.data = Some(data);
        Ok(())
    }

    fn is_ready(&self) -> bool {
        self.data.is_some()
    }

    fn env(&self, env: &mut Env) {
        let Some(data) = &self.data else {
            return;
        };
        if let Some(store) = &data.store_id {
            env.set("FGA_STORE_ID", store.clone());
        }
        if let Some(token) = &data.token {
            env.set("FGA_TOKEN", token.clone());
        }
        env.set("FGA_GRPC_API_URL", data.grpc_api_url.clone());
        env.set("FGA_HTTP_API_URL", data.http_api_url.clone());
    }

    fn provided(&self) -> Option<Provided<'_>> {
        self.data.as_ref().map(Provided::OpenFga)
    }
}

/// The provider's fields when both API URLs are there (the library's model), else `None`.
pub fn provider_fields(bag: &Bag) -> Option<OpenFgaData> {
    Some(OpenFgaData {
        store_id: bag.get("store_id").cloned(),
        token: bag.get("token").cloned(),
        grpc_api_url: bag.get("grpc_api_url")?.clone(),
        http_api_url: bag.get("http_api_url")?.clone(),
    })
}

/// A token secret that cannot be read makes the relation unusable (paas-charm fails the hook).
fn secret_error(err: HookToolError) -> IntegrationError {
    match err {
        HookToolError::SecretNotFound { .. } | HookToolError::PermissionDenied { .. } => {
            IntegrationError::InvalidData(
                "Invalid openfga relation data: the token_secret_id secret cannot be read.".into(),
            )
        }
        other => IntegrationError::Tool(other),
    }
}

#[cfg(test)]
mod tests {
    use crate::framework::FrameworkKind;
    use serde_json::json;

    use super::*;
    use crate::integration::test_support::{bag, relation_with_unit, world, World};
    use crate::testing::MemorySecret;

    const META: &str = r#"
name: flask-k8s
containers:
  flask-app:
    resource: flask-app-image
peers:
  secret-storage:
    interface: secret-storage
requires:
  openfga:
    interface: openfga
"#;

    const SECRET: &str = "secret:9bgmb509fntuhund0lf6";

    fn provider_bag() -> Bag {
        bag(&[
            ("store_id", "01JQ8E3V5N7Z9K2M4P6R8T0W1Y"),
            ("token_secret_id", SECRET),
            (
                "grpc_api_url",
                "http://openfga-k8s.test-model.svc.cluster.local:8081",
            ),
            (
                "http_api_url",
                "http://openfga-k8s.test-model.svc.cluster.local:8080",
            ),
        ])
    }

    fn fga_world(hook: &str, leader: bool, remote: Bag, secrets: Vec<MemorySecret>) -> World {
        let dir = std::env::temp_dir().join("paas-openfga-test-none");
        let mut w = world(
            FrameworkKind::Flask,
            META,
            "flask-k8s",
            hook,
            Some((2, "openfga-k8s")),
            leader,
            vec![],
            json!({}),
            serde_json::Value::Null,
            &dir,
        );
        let mut backend = crate::testing::MemoryBackend::new("flask-k8s/0");
        backend.leader = leader;
        backend.relations = vec![relation_with_unit(
            2,
            ENDPOINT,
            "openfga",
            "openfga-k8s",
            remote,
            bag(&[]),
        )];
        backend.secrets = secrets;
        w.juju = crate::juju::Juju::new(Box::new(backend), w.juju.ctx.clone());
        w
    }

    fn token_secret() -> MemorySecret {
        MemorySecret {
            id: SECRET.into(),
            tracked_content: bag(&[("token", "fga-preshared-token-8f3a")]),
            latest_content: bag(&[("token", "fga-preshared-token-8f3a")]),
            ..MemorySecret::default()
        }
    }

    #[test]
    fn relation_created_requests_the_store_on_the_leader() {
        let mut w = fga_world("openfga-relation-created", true, bag(&[]), vec![]);
        let mut o = OpenFga::bind(&w.meta).expect("bound");
        assert!(o.required(), "no `optional` means required");
        assert_eq!(o.handle_event(&mut w.cx()).expect("event"), vec![]);
        let written: std::collections::BTreeMap<String, String> = w
            .juju
            .local_app_bag(2, false)
            .expect("bag")
            .into_iter()
            .collect();
        insta::assert_yaml_snapshot!("openfga_request", written);
        let mut w = fga_world("openfga-relation-created", false, bag(&[]), vec![]);
        assert_eq!(o.handle_event(&mut w.cx()).expect("non-leader"), vec![]);
    }

    #[test]
    fn flask_openfga_token_secret() {
        let mut w = fga_world(
            "openfga-relation-changed",
            true,
            provider_bag(),
            vec![token_secret()],
        );
        let mut o = OpenFga::bind(&w.meta).expect("bound");
        assert_eq!(
            o.handle_event(&mut w.cx()).expect("event"),
            vec![Trigger::Reconcile]
        );
        o.load(&mut w.cx()).expect("load");
        assert!(o.is_ready());
        let mut env = Env::new();
        crate::framework::integration_env(FrameworkKind::Flask.info(), &o, &mut env);
        insta::assert_yaml_snapshot!("openfga_env", env.to_strings());
        let mut spring = Env::new();
        crate::framework::integration_env(FrameworkKind::SpringBoot.info(), &o, &mut spring);
        insta::assert_yaml_snapshot!("openfga_spring_env", spring.to_strings());
    }

    #[test]
    fn empty_values_are_kept_and_absent_ones_omitted() {
        let remote = bag(&[
            ("store_id", ""),
            ("token_secret_id", ""),
            ("grpc_api_url", "g:8081"),
            ("http_api_url", "http://h:8080"),
        ]);
        let mut w = fga_world("config-changed", true, remote, vec![]);
        let mut o = OpenFga::bind(&w.meta).expect("bound");
        o.load(&mut w.cx()).expect("load");
        let mut env = Env::new();
        crate::framework::integration_env(FrameworkKind::Flask.info(), &o, &mut env);
        assert_eq!(env.get("FGA_STORE_ID").as_deref(), Some(""));
        assert_eq!(env.get("FGA_GRPC_API_URL").as_deref(), Some("g:8081"));
        assert!(!env.contains("FGA_TOKEN"));
    }

    #[test]
    fn missing_urls_or_secret_never_panic() {
        let mut w = fga_world(
            "openfga-relation-changed",
            true,
            bag(&[("store_id", "s")]),
            vec![],
        );
        let mut o = OpenFga::bind(&w.meta).expect("bound");
        assert_eq!(o.handle_event(&mut w.cx()).expect("event"), vec![]);
        o.load(&mut w.cx()).expect("load");
        assert!(!o.is_ready());
        let mut w = fga_world("config-changed", true, provider_bag(), vec![]);
        assert_eq!(
            o.load(&mut w.cx()).expect_err("unreadable").to_string(),
            "Invalid openfga relation data: the token_secret_id secret cannot be read."
        );
        let empty = MemorySecret {
            id: SECRET.into(),
            ..MemorySecret::default()
        };
        let mut w = fga_world("config-changed", true, provider_bag(), vec![empty]);
        assert_eq!(
            o.load(&mut w.cx()).expect_err("no token").to_string(),
            "Invalid openfga relation data: the token_secret_id secret has no 'token'."
        );
    }
}
