//! `smtp`: the smtp_integrator v0 `SmtpRequires` as paas-charm drives it (integrations.md
//! §2.8, §3, §0a.2). We write nothing; the provider's app bag is validated as the library's
//! `SmtpRelationData` and becomes `SMTP_*` (or Spring Boot's `spring.mail.*`).
//!
//! paas-charm drops every `SMTP_*` value that is a substring of `"none"` (a one-element tuple
//! written without its comma), so `""`, `n`, `no`, `one`, `none`, ... never reach the app.
//! A valid relation-changed reconciles, and so does the secret-changed of the `password_id`
//! secret (on top of the global secret-changed reconcile). An invalid bag fails every later
//! hook upstream; we block naming the problem instead.

use super::{Cx, Integration, IntegrationError, Provided, Trigger};
use crate::env::Env;
use crate::juju::{
    Bag, CharmMeta, Event, HookToolError, RelationEventKind, SecretEventKind, SecretQuery,
};
use crate::untrusted::quoted;

/// The endpoint name.
pub const ENDPOINT: &str = "smtp";

/// The provider's data after validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmtpData {
    /// `host`.
    pub host: String,
    /// `port` (1..=65536).
    pub port: u32,
    /// `user`.
    pub user: Option<String>,
    /// `password`, or the `password` key of the `password_id` secret.
    pub password: Option<String>,
    /// `password_id`.
    pub password_id: Option<String>,
    /// `auth_type`: `none`, `not_provided` or `plain`.
    pub auth_type: String,
    /// `transport_security`: `none`, `starttls` or `tls`.
    pub transport_security: String,
    /// `domain`.
    pub domain: Option<String>,
    /// `skip_ssl_verify` (default false).
    pub skip_ssl_verify: bool,
}

/// The SMTP requirer.
#[derive(Debug, Clone, Default)]
pub struct Smtp {
    required: bool,
    data: Option<SmtpData>,
}

impl Integration for Smtp {
    fn bind(meta: &CharmMeta) -> Option<Self> {
        let relation = meta
            .requires
            .get(ENDPOINT)
            .filter(|m| m.interface == "smtp")?;
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
        match cx.juju.event().clone() {
            Event::Relation {
                endpoint,
                kind: RelationEventKind::Changed,
            } if endpoint == ENDPOINT => {
                let Some(id) = cx.juju.event_relation_id(ENDPOINT) else {
                    return Ok(Vec::new());
                };
                let bag = cx.juju.remote_app_bag(id)?;
                // The library emits `smtp_data_available` only for a bag that validates. For
                // one that does not, it either fails the hook (no `auth_type` or
                // `transport_security`, an unreadable secret) or only warns, leaving the old
                // settings running until the next hook that reads the data fails. One verdict
                // whatever the event: the same Blocked status as config-changed or
                // update-status give.
                Ok(match validate(&bag)? {
                    Some(_) => vec![Trigger::Reconcile],
                    None => Vec::new(),
                })
            }
            Event::Secret(SecretEventKind::Changed) => {
                let Some(changed) = cx.juju.ctx.secret_id.clone() else {
                    return Ok(Vec::new());
                };
                let Some(relation) = cx.juju.relation(ENDPOINT)? else {
                    return Ok(Vec::new());
                };
                let bag = cx.juju.remote_app_bag(relation.id)?;
                let ours = bag
                    .get("password_id")
                    .is_some_and(|id| same_secret(id, &changed));
                Ok(if ours && matches!(validate(&bag), Ok(Some(_))) {
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
        let Some(mut data) = validate(&bag)? else {
            return Ok(());
        };
        if data.password.is_none() {
            if let Some(id) = data.password_id.clone() {
                let content = cx
                    .juju
                    .secret(&SecretQuery {
                        id: Some(id),
                        label: None,
                        refresh: true,
                        peek: false,
                    })
                    .map_err(secret_error)?;
                data.password = content.get("password").cloned();
            }
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
        let skip = if data.skip_ssl_verify {
            "True"
        } else {
            "False"
        };
        let candidates = [
            ("SMTP_HOST", Some(data.host.clone())),
            ("SMTP_PORT", Some(data.port.to_string())),
            ("SMTP_USER", data.user.clone()),
            ("SMTP_PASSWORD", data.password.clone()),
            ("SMTP_AUTH_TYPE", Some(data.auth_type.clone())),
            (
                "SMTP_TRANSPORT_SECURITY",
                Some(data.transport_security.clone()),
            ),
            ("SMTP_DOMAIN", data.domain.clone()),
            ("SMTP_SKIP_SSL_VERIFY", Some(skip.to_owned())),
        ];
        for (name, value) in candidates {
            if let Some(value) = value.filter(|v| !"none".contains(v.as_str())) {
                env.set(name, value);
            }
        }
    }

    fn provided(&self) -> Option<Provided<'_>> {
        self.data.as_ref().map(Provided::Smtp)
    }
}

/// Validates the provider's bag as `SmtpRelationData`: `None` for an empty bag, an error
/// naming the first problem otherwise.
pub fn validate(bag: &Bag) -> Result<Option<SmtpData>, IntegrationError> {
    if bag.is_empty() {
        return Ok(None);
    }
    let invalid =
        |why: String| IntegrationError::InvalidData(format!("Invalid smtp relation data: {why}."));
    let host = bag
        .get("host")
        .filter(|h| !h.is_empty())
        .ok_or_else(|| invalid("'host' is missing or empty".into()))?;
    let port = bag
        .get("port")
        .ok_or_else(|| invalid("'port' is missing".into()))?;
    let port: u32 = port
        .trim()
        .parse()
        .ok()
        .filter(|p| (1..=65536).contains(p))
        .ok_or_else(|| {
            invalid(format!(
                "'port' {} is not an integer from 1 to 65536",
                quoted(port)
            ))
        })?;
    let choice = |key: &str, allowed: &[&str]| -> Result<String, IntegrationError> {
        match bag.get(key) {
            Some(v) if allowed.contains(&v.as_str()) => Ok(v.clone()),
            Some(v) => Err(invalid(format!(
                "'{key}' {} is not one of {}",
                quoted(v),
                allowed.join(", ")
            ))),
            None => Err(invalid(format!("'{key}' is missing"))),
        }
    };
    let auth_type = choice("auth_type", &["none", "not_provided", "plain"])?;
    let transport_security = choice("transport_security", &["none", "starttls", "tls"])?;
    let skip_ssl_verify = match bag.get("skip_ssl_verify") {
        None => false,
        Some(v) => lax_bool(v)
            .ok_or_else(|| invalid(format!("'skip_ssl_verify' {} is not a boolean", quoted(v))))?,
    };
    Ok(Some(SmtpData {
        host: host.clone(),
        port,
        user: bag.get("user").cloned(),
        password: bag.get("password").cloned(),
        password_id: bag.get("password_id").cloned(),
        auth_type,
        transport_security,
        domain: bag.get("domain").cloned(),
        skip_ssl_verify,
    }))
}

/// pydantic's lax boolean parsing of a string.
fn lax_bool(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "1" | "on" | "t" | "true" | "y" | "yes" => Some(true),
        "0" | "off" | "f" | "false" | "n" | "no" => Some(false),
        _ => None,
    }
}

/// Whether two secret references name the same secret (`secret:<id>` or a bare id, possibly
/// with a model-uuid prefix).
fn same_secret(a: &str, b: &str) -> bool {
    let id = |s: &str| s.rsplit(['/', ':']).next().unwrap_or(s).to_owned();
    id(a) == id(b)
}

/// A secret that cannot be read makes the relation unusable (paas-charm fails the hook).
fn secret_error(err: HookToolError) -> IntegrationError {
    match err {
        HookToolError::SecretNotFound { .. } | HookToolError::PermissionDenied { .. } => {
            IntegrationError::InvalidData(
                "Invalid smtp relation data: the password_id secret cannot be read.".into(),
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
  smtp:
    interface: smtp
    optional: true
    limit: 1
"#;

    const SECRET: &str = "secret:32gm7i61osvlgi171uko";

    fn integrator_bag() -> Bag {
        bag(&[
            ("host", "smtp.example.com"),
            ("port", "587"),
            ("user", "mailer"),
            ("password_id", SECRET),
            ("auth_type", "plain"),
            ("transport_security", "starttls"),
            ("domain", "example.com"),
            ("skip_ssl_verify", "false"),
        ])
    }

    fn smtp_world(hook: &str, remote: Bag, secrets: Vec<MemorySecret>) -> World {
        let dir = std::env::temp_dir().join("paas-smtp-test-none");
        let mut w = world(
            FrameworkKind::Flask,
            META,
            "flask-k8s",
            hook,
            Some((2, "smtp-integrator")),
            true,
            vec![],
            json!({}),
            serde_json::Value::Null,
            &dir,
        );
        let mut backend = crate::testing::MemoryBackend::new("flask-k8s/0");
        backend.leader = true;
        backend.relations = vec![relation_with_unit(
            2,
            ENDPOINT,
            "smtp",
            "smtp-integrator",
            remote,
            bag(&[]),
        )];
        backend.secrets = secrets;
        w.juju = crate::juju::Juju::new(Box::new(backend), w.juju.ctx.clone());
        w
    }

    fn password_secret() -> MemorySecret {
        MemorySecret {
            id: SECRET.into(),
            tracked_content: bag(&[("password", "old")]),
            latest_content: bag(&[("password", "sMtPp4ss!")]),
            ..MemorySecret::default()
        }
    }

    fn envs(s: &Smtp) -> (Env, Env) {
        let mut flask = Env::new();
        crate::framework::integration_env(FrameworkKind::Flask.info(), s, &mut flask);
        let mut spring = Env::new();
        crate::framework::integration_env(FrameworkKind::SpringBoot.info(), s, &mut spring);
        (flask, spring)
    }

    #[test]
    fn flask_smtp_password_secret() {
        let mut w = smtp_world(
            "smtp-relation-changed",
            integrator_bag(),
            vec![password_secret()],
        );
        let mut s = Smtp::bind(&w.meta).expect("bound");
        assert!(!s.required());
        assert_eq!(
            s.handle_event(&mut w.cx()).expect("event"),
            vec![Trigger::Reconcile]
        );
        s.load(&mut w.cx()).expect("load");
        assert!(s.is_ready());
        let (flask, spring) = envs(&s);
        insta::assert_yaml_snapshot!("smtp_env", flask.to_strings());
        insta::assert_json_snapshot!("smtp_spring_env", spring.to_values());
    }

    #[test]
    fn spring_boot_without_user_or_password() {
        let remote = bag(&[
            ("auth_type", "none"),
            ("domain", "example.com"),
            ("host", "mailcatcher"),
            ("port", "1025"),
            ("skip_ssl_verify", "false"),
            ("transport_security", "none"),
        ]);
        let mut w = smtp_world("smtp-relation-changed", remote, vec![]);
        let mut s = Smtp::bind(&w.meta).expect("bound");
        s.load(&mut w.cx()).expect("load");
        let (flask, spring) = envs(&s);
        assert_eq!(
            flask.to_strings(),
            [
                ("SMTP_DOMAIN", "example.com"),
                ("SMTP_HOST", "mailcatcher"),
                ("SMTP_PORT", "1025"),
                ("SMTP_SKIP_SSL_VERIFY", "False"),
            ]
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
        );
        assert_eq!(
            serde_json::to_value(spring.to_values()).expect("json"),
            json!({
                "spring.mail.host": "mailcatcher",
                "spring.mail.password": null,
                "spring.mail.port": 1025,
                "spring.mail.properties.mail.smtp.auth": "none",
                "spring.mail.properties.mail.smtp.starttls.enable": "false",
                "spring.mail.username": "None@example.com",
            })
        );
    }

    #[test]
    fn substrings_of_none_are_dropped() {
        let remote = bag(&[
            ("auth_type", "not_provided"),
            ("host", "h"),
            ("port", "25"),
            ("user", "no"),
            ("domain", "one"),
            ("password", ""),
            ("transport_security", "none"),
            ("skip_ssl_verify", "yes"),
        ]);
        let mut w = smtp_world("config-changed", remote, vec![]);
        let mut s = Smtp::bind(&w.meta).expect("bound");
        s.load(&mut w.cx()).expect("load");
        let (flask, _) = envs(&s);
        assert_eq!(
            flask.to_strings(),
            [
                ("SMTP_AUTH_TYPE", "not_provided"),
                ("SMTP_HOST", "h"),
                ("SMTP_PORT", "25"),
                ("SMTP_SKIP_SSL_VERIFY", "True"),
            ]
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
        );
    }

    #[test]
    fn secret_changed_of_the_password_reconciles() {
        let mut w = smtp_world("secret-changed", integrator_bag(), vec![password_secret()]);
        w.juju.ctx.secret_id = Some(SECRET.into());
        let mut s = Smtp::bind(&w.meta).expect("bound");
        assert_eq!(
            s.handle_event(&mut w.cx()).expect("event"),
            vec![Trigger::Reconcile]
        );
        w.juju.ctx.secret_id = Some("secret:someothersecret00000".into());
        assert_eq!(s.handle_event(&mut w.cx()).expect("event"), vec![]);
    }

    #[test]
    fn bad_input_blocks_never_panics() {
        let with = |key: &str, value: Option<&str>| -> Bag {
            let mut remote: Bag = integrator_bag()
                .into_iter()
                .filter(|(k, _)| k != key)
                .collect();
            if let Some(value) = value {
                remote.insert(key.into(), value.into());
            }
            remote
        };
        let missing_host = with("host", None);
        let bad_port = with("port", Some("abc"));
        let big_port = with("port", Some("70000"));
        let weird_auth = with("auth_type", Some("weird"));
        let bad_bool = with("skip_ssl_verify", Some("maybe"));
        let cases = [
            (missing_host, "Invalid smtp relation data: 'host' is missing or empty."),
            (bad_port, "Invalid smtp relation data: 'port' \"abc\" is not an integer from 1 to 65536."),
            (big_port, "Invalid smtp relation data: 'port' \"70000\" is not an integer from 1 to 65536."),
            (weird_auth, "Invalid smtp relation data: 'auth_type' \"weird\" is not one of none, not_provided, plain."),
            (bad_bool, "Invalid smtp relation data: 'skip_ssl_verify' \"maybe\" is not a boolean."),
        ];
        for (remote, message) in cases {
            let mut w = smtp_world("smtp-relation-changed", remote, vec![password_secret()]);
            let mut s = Smtp::bind(&w.meta).expect("bound");
            // relation-changed with an invalid bag blocks with the reason ...
            let err = s.handle_event(&mut w.cx()).expect_err(message);
            assert_eq!(err.to_string(), message);
            // ... exactly as building the state on any other hook does.
            let err = s.load(&mut w.cx()).expect_err(message);
            assert_eq!(err.to_string(), message);
        }
        // An unreadable password secret blocks, without the secret's content in the message.
        let mut w = smtp_world("config-changed", integrator_bag(), vec![]);
        let mut s = Smtp::bind(&w.meta).expect("bound");
        assert_eq!(
            s.load(&mut w.cx()).expect_err("no secret").to_string(),
            "Invalid smtp relation data: the password_id secret cannot be read."
        );
        // An empty bag is simply not ready.
        let mut w = smtp_world("smtp-relation-changed", bag(&[]), vec![]);
        assert_eq!(s.handle_event(&mut w.cx()).expect("event"), vec![]);
        s.load(&mut w.cx()).expect("load");
        assert!(!s.is_ready());
    }
}
