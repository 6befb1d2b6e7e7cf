//! OAuth / OIDC (`oauth` interface, any endpoint name): the hydra v0 `OAuthRequirer` as
//! paas-charm drives it (integrations.md §2.10, §1.3 steps 5, 6 and 8, §3 for Spring Boot).

use serde_json::Value;

use super::{Cx, Integration, IntegrationError, Provided, ReadinessView, Trigger};
use crate::env::python_json::dumps;
use crate::env::Env;
use crate::juju::{CharmMeta, Event, HookToolError, RelationEventKind, Scope, SecretQuery, Status};

/// The provider keys the schema requires.
const REQUIRED_KEYS: &[&str] = &[
    "issuer_url",
    "authorization_endpoint",
    "token_endpoint",
    "introspection_endpoint",
    "userinfo_endpoint",
    "jwks_endpoint",
    "scope",
];

/// What the provider published, once the client is created.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProviderInfo {
    /// `client_id`.
    pub client_id: String,
    /// `client_secret` (from its secret).
    pub client_secret: String,
    /// `issuer_url`.
    pub issuer_url: String,
    /// `authorization_endpoint`.
    pub authorization_endpoint: String,
    /// `token_endpoint`.
    pub token_endpoint: String,
    /// `userinfo_endpoint`.
    pub userinfo_endpoint: String,
    /// `jwks_endpoint`.
    pub jwks_endpoint: String,
}

/// The OAuth requirer.
#[derive(Debug, Clone, Default)]
pub struct OAuth {
    endpoint: String,
    multiple: bool,
    required: bool,
    /// The related provider application, when a relation exists.
    remote_app: Option<String>,
    provider: Option<ProviderInfo>,
    scopes: String,
    redirect_path: String,
    user_name_attribute: String,
    redirect_uri: String,
    /// The framework's config prefix its variables carry (set by `load`).
    prefix: &'static str,
}

impl OAuth {
    /// The endpoint (the client registration's name).
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// What the provider published (after `load`), when the client is created.
    pub fn provider(&self) -> Option<&ProviderInfo> {
        self.provider.as_ref()
    }

    /// The `<endpoint>-scopes` option (`None` when the option does not exist).
    pub fn scopes(&self) -> &str {
        &self.scopes
    }

    /// The redirect URI registered with the provider.
    pub fn redirect_uri(&self) -> &str {
        &self.redirect_uri
    }

    /// The `<endpoint>-user-name-attribute` option.
    pub fn user_name_attribute(&self) -> &str {
        &self.user_name_attribute
    }

    /// Reads the endpoint's options (`<ep>-scopes` → `None` when the option does not exist).
    fn read_options(&mut self, cx: &mut Cx<'_>) -> Result<(), IntegrationError> {
        let config = cx.juju.config()?.clone();
        let option = |name: String| -> Option<String> {
            let value = config.get(&name).cloned().or_else(|| {
                cx.meta
                    .config
                    .options
                    .get(&name)
                    .and_then(|o| o.default.clone())
            });
            value.map(|v| match v {
                Value::String(s) => s,
                other => dumps(&other),
            })
        };
        let ep = &self.endpoint;
        self.scopes = option(format!("{ep}-scopes")).unwrap_or_else(|| "None".into());
        self.redirect_path =
            option(format!("{ep}-redirect-path")).unwrap_or_else(|| "/callback".into());
        self.user_name_attribute =
            option(format!("{ep}-user-name-attribute")).unwrap_or_else(|| "sub".into());
        Ok(())
    }

    /// The client registration written to the provider.
    fn client_config(&self, base_url: &str) -> Vec<(String, String)> {
        vec![
            (
                "redirect_uri".into(),
                redirect_uri(base_url, &self.redirect_path),
            ),
            ("scope".into(), self.scopes.clone()),
            ("grant_types".into(), r#"["authorization_code"]"#.into()),
            ("audience".into(), "[]".into()),
            (
                "token_endpoint_auth_method".into(),
                "client_secret_basic".into(),
            ),
        ]
    }
}

impl Integration for OAuth {
    fn bind(meta: &CharmMeta) -> Option<Self> {
        let endpoints: Vec<(&String, _)> = meta
            .requires
            .iter()
            .filter(|(_, m)| m.interface == "oauth")
            .collect();
        let (name, relation_meta) = endpoints.first()?;
        Some(Self {
            endpoint: (*name).clone(),
            multiple: endpoints.len() > 1,
            required: endpoints.len() == 1 && relation_meta.is_required(),
            ..Self::default()
        })
    }

    fn name(&self) -> &str {
        "oauth"
    }

    fn required(&self) -> bool {
        self.required
    }

    fn handle_event(&mut self, cx: &mut Cx<'_>) -> Result<Vec<Trigger>, IntegrationError> {
        if self.multiple {
            return Ok(Vec::new());
        }
        let kind = match cx.juju.event() {
            Event::Relation { endpoint, kind } if *endpoint == self.endpoint => *kind,
            _ => return Ok(Vec::new()),
        };
        let Some(id) = cx.juju.event_relation_id(&self.endpoint) else {
            return Ok(Vec::new());
        };
        match kind {
            RelationEventKind::Created => {
                if cx.juju.is_leader()? {
                    self.read_options(cx)?;
                    let base = base_url_from_relations(cx)?;
                    let config = self.client_config(&base);
                    // The library only reports an invalid config (an event nobody observes).
                    if valid_redirect_uri(&config[0].1) {
                        cx.juju.update_bag(id, Scope::App, config)?;
                    }
                }
                Ok(Vec::new())
            }
            RelationEventKind::Changed => {
                // The library emits `oauth_info_changed` (on every unit) once both credentials
                // are non-empty.
                let bag = cx.juju.remote_app_bag(id)?;
                let present = |key: &str| bag.get(key).is_some_and(|v| !v.is_empty());
                if present("client_id") && present("client_secret_id") {
                    Ok(vec![Trigger::Reconcile])
                } else {
                    Ok(Vec::new())
                }
            }
            RelationEventKind::Broken => Ok(vec![Trigger::Reconcile]),
            _ => Ok(Vec::new()),
        }
    }

    fn load(&mut self, cx: &mut Cx<'_>) -> Result<(), IntegrationError> {
        self.remote_app = None;
        self.provider = None;
        self.prefix = cx.framework.config_prefix;
        self.read_options(cx)?;
        if self.multiple {
            return Ok(());
        }
        let broken = match cx.juju.event() {
            Event::Relation {
                endpoint,
                kind: RelationEventKind::Broken,
            } if *endpoint == self.endpoint => cx.juju.event_relation_id(&self.endpoint),
            _ => None,
        };
        let Some(relation) = cx
            .juju
            .relations(&self.endpoint)?
            .into_iter()
            .find(|r| Some(r.id) != broken)
        else {
            return Ok(());
        };
        self.remote_app = Some(
            cx.juju
                .remote_app(relation.id)?
                .or(relation.remote_app.clone())
                .unwrap_or_default(),
        );
        let bag = cx.juju.remote_app_bag(relation.id)?;
        if !(bag.contains_key("client_id") && bag.contains_key("client_secret_id")) {
            return Ok(());
        }
        // Values are JSON-decoded when possible, then must be strings.
        let get = |key: &str| -> Option<String> {
            let raw = bag.get(key)?;
            match crate::json::from_str::<Value>(raw) {
                Ok(Value::String(s)) => Some(s),
                Ok(_) => None,
                Err(_) => Some(raw.clone()),
            }
        };
        for key in REQUIRED_KEYS
            .iter()
            .chain(["client_id", "client_secret_id"].iter())
        {
            if get(key).is_none() {
                return Err(IntegrationError::InvalidData(format!(
                    "Invalid oauth relation data: '{key}' is missing or not a string."
                )));
            }
        }
        let secret_id = get("client_secret_id").unwrap_or_default();
        let secret =
            cx.juju
                .secret(&SecretQuery {
                    id: Some(secret_id),
                    label: None,
                    refresh: false,
                    peek: false,
                })
                .map_err(|err| match err {
                    // paas-charm fails the hook on a secret it cannot read; we block.
                    HookToolError::SecretNotFound { .. }
                    | HookToolError::PermissionDenied { .. } => IntegrationError::InvalidData(
                        "Invalid oauth relation data: the client secret cannot be read.".into(),
                    ),
                    other => IntegrationError::Tool(other),
                })?;
        let client_secret = secret.get("secret").cloned().ok_or_else(|| {
            IntegrationError::InvalidData(
                "Invalid oauth relation data: the client secret has no 'secret' key.".into(),
            )
        })?;
        self.provider = Some(ProviderInfo {
            client_id: get("client_id").unwrap_or_default(),
            client_secret,
            issuer_url: get("issuer_url").unwrap_or_default(),
            authorization_endpoint: get("authorization_endpoint").unwrap_or_default(),
            token_endpoint: get("token_endpoint").unwrap_or_default(),
            userinfo_endpoint: get("userinfo_endpoint").unwrap_or_default(),
            jwks_endpoint: get("jwks_endpoint").unwrap_or_default(),
        });
        Ok(())
    }

    fn is_ready(&self) -> bool {
        self.provider.is_some()
    }

    fn blocked(&self, view: &ReadinessView) -> Option<Status> {
        if self.multiple {
            return Some(Status::blocked(
                "Multiple OAuth relations are not supported at the moment",
            ));
        }
        let remote = self.remote_app.as_ref()?;
        if self.provider.is_none() {
            return Some(Status::blocked(format!("Please check {remote} charm!")));
        }
        if view.ingress_url.is_none() {
            return Some(Status::blocked(
                "Ingress relation is required for OIDC to work correctly!",
            ));
        }
        None
    }

    /// Checks the `openid` scope, then rewrites the client registration (leader, every
    /// relation): without `openid` it blocks and writes nothing, as paas-charm's
    /// `update_client`. paas-charm crashes the hook on an invalid redirect URI; we block instead.
    fn before_restart(
        &mut self,
        cx: &mut Cx<'_>,
        view: &ReadinessView,
    ) -> Result<(), IntegrationError> {
        if self.multiple {
            return Ok(());
        }
        self.redirect_uri = redirect_uri(&view.base_url, &self.redirect_path);
        // paas-charm's `update_client` checks the scopes before it hands the configuration to
        // the library: without `openid` nothing is written.
        if !self.scopes.contains("openid") {
            return Err(IntegrationError::InvalidData(
                "The 'openid' scope is required for OAuth integration, please add it to the scopes."
                    .into(),
            ));
        }
        if cx.juju.is_leader()? {
            if !valid_redirect_uri(&self.redirect_uri) {
                // The registration keeps paas-charm's URI; the status masks its credentials.
                return Err(IntegrationError::InvalidData(format!(
                    "Invalid OAuth redirect URI: {}",
                    crate::untrusted::bounded(&self.redirect_uri)
                )));
            }
            let config = self.client_config(&view.base_url);
            for relation in cx.juju.relations(&self.endpoint)? {
                cx.juju
                    .update_bag(relation.id, Scope::App, config.clone())?;
            }
        }
        Ok(())
    }

    fn env(&self, env: &mut Env) {
        let Some(p) = &self.provider else {
            return;
        };
        let ep = &self.endpoint;
        let n = format!("{}{}", self.prefix, ep.to_uppercase());
        env.set(format!("{n}_CLIENT_ID"), p.client_id.clone());
        env.set(format!("{n}_CLIENT_SECRET"), p.client_secret.clone());
        env.set(format!("{n}_API_BASE_URL"), p.issuer_url.clone());
        env.set(
            format!("{n}_AUTHORIZE_URL"),
            p.authorization_endpoint.clone(),
        );
        env.set(format!("{n}_ACCESS_TOKEN_URL"), p.token_endpoint.clone());
        env.set(format!("{n}_USER_URL"), p.userinfo_endpoint.clone());
        env.set(format!("{n}_JWKS_URL"), p.jwks_endpoint.clone());
        env.set(
            format!("{n}_CLIENT_KWARGS"),
            dumps(&serde_json::json!({"scope": self.scopes})),
        );
    }

    fn provided(&self) -> Option<Provided<'_>> {
        self.provider.as_ref().map(|_| Provided::OAuth(self))
    }
}

/// `<base without trailing '/'>/<path without leading '/'>`.
pub fn redirect_uri(base_url: &str, path: &str) -> String {
    format!(
        "{}/{}",
        base_url.trim_end_matches('/'),
        path.trim_start_matches('/')
    )
}

/// The base URL before the reconcile: the ingress URL (normalised as the ingress library
/// does) when the `ingress` relation provides a usable one, else `http://<app>.<model>:<port>`.
fn base_url_from_relations(cx: &mut Cx<'_>) -> Result<String, IntegrationError> {
    // Unusable ingress data blocks the reconcile later; the registration falls back meanwhile.
    if let Ok(Some(url)) = super::ingress::url_from_relation(cx) {
        return Ok(url);
    }
    let ctx = &cx.juju.ctx;
    Ok(format!(
        "http://{}.{}:{}",
        ctx.app_name, ctx.model_name, cx.workload.app_port
    ))
}

/// The hydra library's redirect URI check: `http(s)://`, a dotted domain whose last label has
/// two or more characters or an IPv4 address (a single label such as `localhost` fails), an optional port and an
/// optional path without whitespace.
pub fn valid_redirect_uri(uri: &str) -> bool {
    let lower = uri.to_ascii_lowercase();
    let Some(rest) = lower
        .strip_prefix("http://")
        .or_else(|| lower.strip_prefix("https://"))
    else {
        return false;
    };
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(end);
    if path.chars().any(char::is_whitespace) {
        return false;
    }
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (authority, None),
    };
    if let Some(port) = port {
        if port.is_empty() || !port.chars().all(|c| c.is_ascii_digit()) {
            return false;
        }
    }
    let ipv4 = host.split('.').count() == 4
        && host
            .split('.')
            .all(|p| (1..=3).contains(&p.len()) && p.chars().all(|c| c.is_ascii_digit()));
    if ipv4 {
        return true;
    }
    let host = host.strip_suffix('.').unwrap_or(host);
    let labels: Vec<&str> = host.split('.').collect();
    if labels.len() < 2 {
        return false;
    }
    let (last, first) = labels.split_last().unwrap_or((&"", &[]));
    let label_ok = |l: &&str| {
        !l.is_empty()
            && l.len() <= 63
            && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    first.iter().all(label_ok)
        && last.len() >= 2
        && last.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

#[cfg(test)]
mod tests {
    use crate::framework::FrameworkKind;
    use serde_json::json;

    use super::*;
    use crate::integration::test_support::{bag, relation_with_unit, world, World, FLASK_META};
    use crate::testing::MemorySecret;

    fn hydra_bag() -> crate::juju::Bag {
        bag(&[
            (
                "authorization_endpoint",
                "https://iam.example.com/test-model-hydra/oauth2/auth",
            ),
            (
                "introspection_endpoint",
                "http://hydra.test-model.svc.cluster.local:4445/admin/oauth2/introspect",
            ),
            ("issuer_url", "https://iam.example.com/test-model-hydra"),
            (
                "jwks_endpoint",
                "https://iam.example.com/test-model-hydra/.well-known/jwks.json",
            ),
            ("scope", "openid profile email phone"),
            (
                "token_endpoint",
                "https://iam.example.com/test-model-hydra/oauth2/token",
            ),
            (
                "userinfo_endpoint",
                "https://iam.example.com/test-model-hydra/userinfo",
            ),
            ("client_id", "b6e1c7f2-3a0d-4c55-9f1e-7d2a8c4b9e01"),
            ("client_secret_id", "secret:6ba1b7otbbqne9ec8h74"),
        ])
    }

    fn oauth_world(config: serde_json::Value) -> World {
        let dir = std::env::temp_dir().join("paas-oauth-test-none");
        let rels = vec![relation_with_unit(
            3,
            "oidc",
            "oauth",
            "hydra",
            hydra_bag(),
            bag(&[]),
        )];
        let w = world(
            FrameworkKind::Flask,
            FLASK_META,
            "flask-k8s",
            "oidc-relation-changed",
            Some((3, "hydra")),
            true,
            rels,
            config,
            serde_json::Value::Null,
            &dir,
        );
        let mut w = w;
        let secret = MemorySecret {
            id: "secret:6ba1b7otbbqne9ec8h74".into(),
            tracked_content: bag(&[("secret", "hYdRaCl1entS3cret")]),
            latest_content: bag(&[("secret", "hYdRaCl1entS3cret")]),
            ..MemorySecret::default()
        };
        // The backend was moved into Juju: rebuild it with the secret.
        let mut backend = crate::testing::MemoryBackend::new("flask-k8s/0");
        backend.leader = true;
        backend.relations = vec![relation_with_unit(
            3,
            "oidc",
            "oauth",
            "hydra",
            hydra_bag(),
            bag(&[]),
        )];
        backend.secrets = vec![secret];
        backend.config = crate::testing::juju::config_values(json!({
            "oidc-redirect-path": "/oauth/callback", "oidc-scopes": "openid profile email phone"}));
        w.juju = crate::juju::Juju::new(Box::new(backend), w.juju.ctx.clone());
        w
    }

    #[test]
    fn flask_oauth_with_ingress() {
        let mut w = oauth_world(json!({}));
        let mut o = OAuth::bind(&w.meta).expect("bound");
        assert_eq!(o.name(), "oauth");
        assert!(!o.required());
        assert_eq!(
            o.handle_event(&mut w.cx()).expect("event"),
            vec![Trigger::Reconcile]
        );
        o.load(&mut w.cx()).expect("load");
        assert!(o.is_ready());
        let view = ReadinessView {
            ingress_url: Some("https://paas.example.com/test-model-flask-k8s".into()),
            base_url: "https://paas.example.com/test-model-flask-k8s".into(),
        };
        assert_eq!(o.blocked(&view), None);
        o.before_restart(&mut w.cx(), &view).expect("restart");
        let app = w.juju.local_app_bag(3, false).expect("bag");
        assert_eq!(
            app,
            bag(&[
                ("audience", "[]"),
                ("grant_types", "[\"authorization_code\"]"),
                (
                    "redirect_uri",
                    "https://paas.example.com/test-model-flask-k8s/oauth/callback"
                ),
                ("scope", "openid profile email phone"),
                ("token_endpoint_auth_method", "client_secret_basic"),
            ])
        );
        let mut env = Env::new();
        crate::framework::integration_env(FrameworkKind::Flask.info(), &o, &mut env);
        let expected = [
            (
                "FLASK_OIDC_ACCESS_TOKEN_URL",
                "https://iam.example.com/test-model-hydra/oauth2/token",
            ),
            (
                "FLASK_OIDC_API_BASE_URL",
                "https://iam.example.com/test-model-hydra",
            ),
            (
                "FLASK_OIDC_AUTHORIZE_URL",
                "https://iam.example.com/test-model-hydra/oauth2/auth",
            ),
            (
                "FLASK_OIDC_CLIENT_ID",
                "b6e1c7f2-3a0d-4c55-9f1e-7d2a8c4b9e01",
            ),
            (
                "FLASK_OIDC_CLIENT_KWARGS",
                "{\"scope\": \"openid profile email phone\"}",
            ),
            ("FLASK_OIDC_CLIENT_SECRET", "hYdRaCl1entS3cret"),
            (
                "FLASK_OIDC_JWKS_URL",
                "https://iam.example.com/test-model-hydra/.well-known/jwks.json",
            ),
            (
                "FLASK_OIDC_USER_URL",
                "https://iam.example.com/test-model-hydra/userinfo",
            ),
        ];
        assert_eq!(
            env.to_strings(),
            expected
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect()
        );
        let mut spring = Env::new();
        crate::framework::integration_env(FrameworkKind::SpringBoot.info(), &o, &mut spring);
        assert_eq!(
            spring
                .get("spring.security.oauth2.client.registration.oidc.scope")
                .as_deref(),
            Some("openid,profile,email,phone")
        );
        assert_eq!(
            spring
                .get("spring.security.oauth2.client.provider.oidc.user-name-attribute")
                .as_deref(),
            Some("sub")
        );
    }

    #[test]
    fn flask_oauth_without_ingress_blocks() {
        let mut w = oauth_world(json!({}));
        let mut o = OAuth::bind(&w.meta).expect("bound");
        o.load(&mut w.cx()).expect("load");
        let view = ReadinessView {
            ingress_url: None,
            base_url: "http://flask-k8s.test-model:8000".into(),
        };
        assert_eq!(
            o.blocked(&view),
            Some(Status::blocked(
                "Ingress relation is required for OIDC to work correctly!"
            ))
        );
    }

    #[test]
    fn missing_or_unreadable_client_secret_blocks() {
        let mut w = oauth_world(json!({}));
        let mut backend = crate::testing::MemoryBackend::new("flask-k8s/0");
        backend.leader = true;
        backend.relations = vec![relation_with_unit(
            3,
            "oidc",
            "oauth",
            "hydra",
            hydra_bag(),
            bag(&[]),
        )];
        w.juju = crate::juju::Juju::new(Box::new(backend), w.juju.ctx.clone());
        let mut o = OAuth::bind(&w.meta).expect("bound");
        assert_eq!(
            o.load(&mut w.cx()).expect_err("no secret").to_string(),
            "Invalid oauth relation data: the client secret cannot be read."
        );
        let mut w = oauth_world(json!({}));
        let mut backend = crate::testing::MemoryBackend::new("flask-k8s/0");
        backend.leader = true;
        backend.relations = vec![relation_with_unit(
            3,
            "oidc",
            "oauth",
            "hydra",
            hydra_bag(),
            bag(&[]),
        )];
        backend.secrets = vec![MemorySecret {
            id: "secret:6ba1b7otbbqne9ec8h74".into(),
            tracked_content: bag(&[("other", "x")]),
            ..MemorySecret::default()
        }];
        w.juju = crate::juju::Juju::new(Box::new(backend), w.juju.ctx.clone());
        assert_eq!(
            o.load(&mut w.cx()).expect_err("no key").to_string(),
            "Invalid oauth relation data: the client secret has no 'secret' key."
        );
    }

    #[test]
    fn scopes_without_openid_block_even_without_a_relation() {
        let dir = std::env::temp_dir().join("paas-oauth-test-none");
        let mut w = world(
            FrameworkKind::Flask,
            FLASK_META,
            "flask-k8s",
            "config-changed",
            None,
            true,
            vec![],
            json!({"oidc-scopes": "profile email"}),
            serde_json::Value::Null,
            &dir,
        );
        let mut o = OAuth::bind(&w.meta).expect("bound");
        o.load(&mut w.cx()).expect("load");
        let view = ReadinessView {
            ingress_url: None,
            base_url: "http://flask-k8s.test-model:8000".into(),
        };
        assert_eq!(o.blocked(&view), None, "no relation: nothing to wait for");
        assert_eq!(
            o.before_restart(&mut w.cx(), &view)
                .expect_err("no openid")
                .to_string(),
            "The 'openid' scope is required for OAuth integration, please add it to the scopes."
        );
    }

    /// hydra's `_on_relation_changed_event` waits for non-empty credentials (on any unit):
    /// an empty `client_id` emits no `oauth_info_changed`, so nothing reconciles.
    #[test]
    fn relation_changed_reconciles_once_credentials_are_non_empty() {
        let mut w = oauth_world(json!({}));
        let mut o = OAuth::bind(&w.meta).expect("bound");
        assert_eq!(
            o.handle_event(&mut w.cx()).expect("event"),
            vec![Trigger::Reconcile]
        );
        let follower = |remote: crate::juju::Bag, leader: bool| {
            let mut w = oauth_world(json!({}));
            let mut backend = crate::testing::MemoryBackend::new("flask-k8s/1");
            backend.leader = leader;
            backend.relations = vec![relation_with_unit(
                3,
                "oidc",
                "oauth",
                "hydra",
                remote,
                bag(&[]),
            )];
            w.juju = crate::juju::Juju::new(Box::new(backend), w.juju.ctx.clone());
            w
        };
        let mut w = follower(hydra_bag(), false);
        assert_eq!(
            o.handle_event(&mut w.cx()).expect("event"),
            vec![Trigger::Reconcile]
        );
        let mut empty_id = hydra_bag();
        empty_id.insert("client_id".into(), String::new());
        let mut w = follower(empty_id, true);
        assert_eq!(o.handle_event(&mut w.cx()).expect("event"), vec![]);
    }

    /// paas-charm's `update_client` raises before `update_client_config`: a ready relation
    /// with scopes lacking `openid` blocks and gets no client configuration.
    #[test]
    fn scopes_without_openid_write_no_client_configuration() {
        let mut w = oauth_world(json!({}));
        let mut backend = crate::testing::MemoryBackend::new("flask-k8s/0");
        backend.leader = true;
        backend.relations = vec![relation_with_unit(
            3,
            "oidc",
            "oauth",
            "hydra",
            hydra_bag(),
            bag(&[]),
        )];
        backend.secrets = vec![MemorySecret {
            id: "secret:6ba1b7otbbqne9ec8h74".into(),
            tracked_content: bag(&[("secret", "hYdRaCl1entS3cret")]),
            latest_content: bag(&[("secret", "hYdRaCl1entS3cret")]),
            ..MemorySecret::default()
        }];
        backend.config =
            crate::testing::juju::config_values(json!({"oidc-scopes": "profile email"}));
        w.juju = crate::juju::Juju::new(Box::new(backend), w.juju.ctx.clone());
        let mut o = OAuth::bind(&w.meta).expect("bound");
        o.load(&mut w.cx()).expect("load");
        let view = ReadinessView {
            ingress_url: Some("https://paas.example.com/test-model-flask-k8s".into()),
            base_url: "https://paas.example.com/test-model-flask-k8s".into(),
        };
        assert_eq!(o.blocked(&view), None);
        assert_eq!(
            o.before_restart(&mut w.cx(), &view)
                .expect_err("no openid")
                .to_string(),
            "The 'openid' scope is required for OAuth integration, please add it to the scopes."
        );
        assert!(w.juju.local_app_bag(3, false).expect("bag").is_empty());
    }

    #[test]
    fn provider_data_that_fails_the_schema_blocks() {
        let mut w = oauth_world(json!({}));
        let mut backend = crate::testing::MemoryBackend::new("flask-k8s/0");
        backend.leader = true;
        let partial: crate::juju::Bag = hydra_bag()
            .into_iter()
            .filter(|(k, _)| k != "jwks_endpoint")
            .collect();
        backend.relations = vec![relation_with_unit(
            3,
            "oidc",
            "oauth",
            "hydra",
            partial,
            bag(&[]),
        )];
        w.juju = crate::juju::Juju::new(Box::new(backend), w.juju.ctx.clone());
        let mut o = OAuth::bind(&w.meta).expect("bound");
        assert_eq!(
            o.load(&mut w.cx()).expect_err("schema").to_string(),
            "Invalid oauth relation data: 'jwks_endpoint' is missing or not a string."
        );
    }

    #[test]
    fn redirect_uri_rules() {
        assert_eq!(
            redirect_uri("https://a.example.com/prefix/", "/cb"),
            "https://a.example.com/prefix/cb"
        );
        assert!(valid_redirect_uri(
            "http://flask-k8s.test-model:8000/callback"
        ));
        assert!(valid_redirect_uri("https://10.0.0.1/x"));
        assert!(!valid_redirect_uri("http://localhost:8000/callback"));
        assert!(!valid_redirect_uri("ftp://a.example.com/"));
    }
}
