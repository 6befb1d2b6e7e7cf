//! `saml`: the saml_integrator v0 `SamlRequires` as paas-charm drives it (integrations.md
//! §2.5, §3, §0a.3). We write nothing; the provider's app bag is validated as the library's
//! `SamlRelationData`:
//!
//! * `entity_id` (required), `metadata_url` (optional http(s) URL, normalised),
//!   `x509certs` (comma-separated certificates);
//! * one endpoint per `<name>_<method>_url` key ending in `_redirect_url` or `_post_url`, with
//!   its required `<name>_<method>_binding` and optional `<name>_<method>_response_url`; the
//!   endpoint's name is the CamelCase of `<name>` (`SingleSignOnService`).
//!
//! Env: `SAML_ENTITY_ID`, `SAML_METADATA_URL`, `SAML_SINGLE_SIGN_ON_REDIRECT_URL` (the
//! `SingleSignOnService` endpoint whose binding says redirect), `SAML_SIGNING_CERTIFICATE`;
//! a framework with its own forms (Spring Boot) renders [`Provided::Saml`] instead, and may
//! ask for the metadata URL and a certificate file. A relation-changed with provider data
//! reconciles with migrations; broken does nothing.

use super::validated_url::http_url;
use super::{Contributions, Cx, Integration, IntegrationError, Provided, Trigger};
use crate::env::Env;
use crate::juju::{Bag, CharmMeta, Event, LogLevel, RelationEventKind};

/// The endpoint name.
pub const ENDPOINT: &str = "saml";

/// paas-charm's Blocked message for SAML data that does not validate.
pub const INVALID: &str = "Invalid saml relation data.";

/// One endpoint of the identity provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SamlEndpoint {
    /// CamelCase name (`SingleSignOnService`).
    pub name: String,
    /// The URL, normalised.
    pub url: Option<String>,
    /// The binding (`urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect`).
    pub binding: String,
    /// The response URL, normalised.
    pub response_url: Option<String>,
}

/// The provider's data after validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SamlData {
    /// `entity_id`.
    pub entity_id: String,
    /// `metadata_url`, normalised.
    pub metadata_url: Option<String>,
    /// The certificates of `x509certs`, in order.
    pub certificates: Vec<String>,
    /// The endpoints, sorted by name.
    pub endpoints: Vec<SamlEndpoint>,
}

impl SamlData {
    /// The first certificate.
    pub fn signing_certificate(&self) -> Option<&str> {
        self.certificates.first().map(String::as_str)
    }

    /// The URL of the first `SingleSignOnService` endpoint with a redirect binding.
    pub fn single_sign_on_redirect_url(&self) -> Option<&str> {
        self.endpoints
            .iter()
            .filter(|e| e.name == "SingleSignOnService")
            .filter(|e| e.binding.to_lowercase().contains("redirect"))
            .find_map(|e| e.url.as_deref())
    }
}

/// The SAML requirer.
#[derive(Debug, Clone, Default)]
pub struct Saml {
    required: bool,
    data: Option<SamlData>,
    /// The files the framework renders from the data (after `load`).
    files: Vec<(String, String)>,
}

impl Integration for Saml {
    fn bind(meta: &CharmMeta) -> Option<Self> {
        let relation = meta
            .requires
            .get(ENDPOINT)
            .filter(|m| m.interface == "saml")?;
        Some(Self {
            required: relation.is_required(),
            ..Self::default()
        })
    }

    fn name(&self) -> &str {
        ENDPOINT
    }

    fn required(&self) -> bool {
        self.required
    }

    fn handle_event(&mut self, cx: &mut Cx<'_>) -> Result<Vec<Trigger>, IntegrationError> {
        match cx.juju.event() {
            Event::Relation {
                endpoint,
                kind: RelationEventKind::Changed,
            } if endpoint == ENDPOINT => {}
            _ => return Ok(Vec::new()),
        }
        let Some(id) = cx.juju.event_relation_id(ENDPOINT) else {
            return Ok(Vec::new());
        };
        // The library emits `saml_data_available` for any non-empty provider bag.
        Ok(if cx.juju.remote_app_bag(id)?.is_empty() {
            Vec::new()
        } else {
            vec![Trigger::ReconcileWithMigrations]
        })
    }

    /// Reads and validates the provider's bag. paas-charm fails the hook on a bag without
    /// `x509certs` and, for Spring Boot, without `metadata_url`; we block instead.
    fn load(&mut self, cx: &mut Cx<'_>) -> Result<(), IntegrationError> {
        self.data = None;
        self.files.clear();
        let Some(relation) = cx.juju.relation(ENDPOINT)? else {
            return Ok(());
        };
        let bag = cx.juju.remote_app_bag(relation.id)?;
        let data = match validate(&bag) {
            Ok(Some(data)) => data,
            Ok(None) => return Ok(()),
            Err(problem) => {
                cx.juju.log(
                    LogLevel::Warning,
                    &format!("saml relation data is not usable: {problem}"),
                );
                return Err(IntegrationError::InvalidData(problem.status_message()));
            }
        };
        let provided = Provided::Saml(&data);
        cx.framework.check(&provided, |err| {
            IntegrationError::InvalidData(format!("Invalid saml relation data. {err}"))
        })?;
        self.files = cx.framework.forms.files(&provided);
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
        env.set("SAML_ENTITY_ID", data.entity_id.clone());
        if let Some(metadata) = &data.metadata_url {
            env.set("SAML_METADATA_URL", metadata.clone());
        }
        if let Some(sso) = data.single_sign_on_redirect_url() {
            env.set("SAML_SINGLE_SIGN_ON_REDIRECT_URL", sso);
        }
        if let Some(cert) = data.signing_certificate() {
            env.set("SAML_SIGNING_CERTIFICATE", cert);
        }
    }

    fn provided(&self) -> Option<Provided<'_>> {
        self.data.as_ref().map(Provided::Saml)
    }

    /// The files the framework needs for the data (Spring Boot's signing certificate).
    fn contribute(&self, out: &mut Contributions) {
        out.files.extend(self.files.iter().cloned());
    }
}

/// Why the provider's bag is not usable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SamlProblem {
    /// The library's model rejects it: paas-charm blocks with [`INVALID`].
    #[error("{0}")]
    Invalid(String),
    /// paas-charm fails the hook on it (no `x509certs`); we block naming it.
    #[error("{0}")]
    Unusable(String),
}

impl SamlProblem {
    /// The Blocked message: paas-charm's for what it handles, with the reason otherwise.
    pub fn status_message(&self) -> String {
        match self {
            SamlProblem::Invalid(_) => INVALID.to_owned(),
            SamlProblem::Unusable(why) => format!("{INVALID} {why}"),
        }
    }
}

/// Validates the provider's bag: `None` for an empty bag, the problem otherwise.
pub fn validate(bag: &Bag) -> Result<Option<SamlData>, SamlProblem> {
    if bag.is_empty() {
        return Ok(None);
    }
    let invalid = SamlProblem::Invalid;
    let entity_id = bag
        .get("entity_id")
        .filter(|e| !e.is_empty())
        .ok_or_else(|| invalid("The provider's entity_id is missing.".into()))?;
    let url = |key: &str| -> Result<Option<String>, SamlProblem> {
        bag.get(key)
            .map(|u| http_url(u).map_err(|e| invalid(format!("{key}: {e}."))))
            .transpose()
    };
    let metadata_url = url("metadata_url")?;
    let certificates: Vec<String> = bag
        .get("x509certs")
        .ok_or_else(|| SamlProblem::Unusable("The provider's x509certs is missing.".into()))?
        .split(',')
        .map(str::to_owned)
        .collect();
    let mut endpoints = Vec::new();
    for key in bag.keys() {
        let Some(prefix) = key
            .strip_suffix("_redirect_url")
            .map(|p| (p, "redirect"))
            .or_else(|| key.strip_suffix("_post_url").map(|p| (p, "post")))
        else {
            continue;
        };
        let (snake_name, method) = prefix;
        let group = format!("{snake_name}_{method}");
        let binding = bag.get(&format!("{group}_binding")).ok_or_else(|| {
            invalid(format!(
                "{}_binding is missing.",
                crate::untrusted::bounded(&group)
            ))
        })?;
        endpoints.push(SamlEndpoint {
            name: camel_case(snake_name),
            url: url(key)?,
            binding: binding.clone(),
            response_url: url(&format!("{group}_response_url"))?,
        });
    }
    crate::sort::sort_by(&mut endpoints, |a, b| a.name < b.name);
    Ok(Some(SamlData {
        entity_id: entity_id.clone(),
        metadata_url,
        certificates,
        endpoints,
    }))
}

/// `single_sign_on_service` → `SingleSignOnService`.
fn camel_case(snake: &str) -> String {
    snake
        .split('_')
        .map(|part| {
            let mut chars = part.chars();
            match chars.next() {
                Some(first) => first
                    .to_uppercase()
                    .chain(chars.flat_map(char::to_lowercase))
                    .collect(),
                None => String::new(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::framework::FrameworkKind;
    use serde_json::json;

    use super::*;
    use crate::integration::test_support::{bag, relation_with_unit, world, World};

    const META: &str = r#"
name: flask-k8s
containers:
  flask-app:
    resource: flask-app-image
peers:
  secret-storage:
    interface: secret-storage
requires:
  saml:
    interface: saml
    optional: true
    limit: 1
"#;

    const CERT: &str = "MIIDuzCCAqOgAwIBAgIJALRwYFkmH3k9MA0GCSqGSIb3DQEBCwUAMHQxCzAJBgNVBAYTAkdCMRMwEQYDVQQIDApTb21lLVN0YXRlMQ0wCwYDVQQKDARBY21lMScwJQYDVQQLDB5BY21lIElkZW50aXR5IFByb3ZpZGVy";

    fn integrator_bag() -> Bag {
        let certs = format!("{CERT},{CERT}");
        let pairs: Vec<(&str, &str)> = vec![
            ("entity_id", "https://login.staging.ubuntu.com"),
            (
                "metadata_url",
                "https://login.staging.ubuntu.com/saml/metadata",
            ),
            (
                "single_logout_service_redirect_binding",
                "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect",
            ),
            (
                "single_logout_service_redirect_url",
                "https://login.staging.ubuntu.com/+logout",
            ),
            (
                "single_sign_on_service_redirect_binding",
                "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect",
            ),
            (
                "single_sign_on_service_redirect_url",
                "https://login.staging.ubuntu.com/saml/",
            ),
        ];
        let mut b = bag(&pairs);
        b.insert("x509certs".into(), certs);
        b
    }

    fn saml_world(kind: FrameworkKind, hook: &str, remote: Bag) -> World {
        let dir = std::env::temp_dir().join("paas-saml-test-none");
        world(
            kind,
            META,
            "flask-k8s",
            hook,
            Some((2, "saml-integrator")),
            true,
            vec![relation_with_unit(
                2,
                ENDPOINT,
                "saml",
                "saml-integrator",
                remote,
                bag(&[]),
            )],
            json!({}),
            serde_json::Value::Null,
            &dir,
        )
    }

    #[test]
    fn flask_saml_data_available() {
        let mut w = saml_world(
            FrameworkKind::Flask,
            "saml-relation-changed",
            integrator_bag(),
        );
        let mut s = Saml::bind(&w.meta).expect("bound");
        assert!(!s.required());
        assert_eq!(
            s.handle_event(&mut w.cx()).expect("event"),
            vec![Trigger::ReconcileWithMigrations]
        );
        s.load(&mut w.cx()).expect("load");
        assert!(s.is_ready());
        let mut env = Env::new();
        crate::framework::integration_env(FrameworkKind::Flask.info(), &s, &mut env);
        insta::assert_yaml_snapshot!("saml_env", env.to_strings());
        let mut out = Contributions::default();
        s.contribute(&mut out);
        assert!(
            out.files.is_empty(),
            "only Spring Boot gets the certificate file"
        );
    }

    #[test]
    fn spring_boot_properties_and_certificate_file() {
        let mut w = saml_world(
            FrameworkKind::SpringBoot,
            "saml-relation-changed",
            integrator_bag(),
        );
        let mut s = Saml::bind(&w.meta).expect("bound");
        s.load(&mut w.cx()).expect("load");
        let mut env = Env::new();
        crate::framework::integration_env(FrameworkKind::SpringBoot.info(), &s, &mut env);
        insta::assert_yaml_snapshot!("saml_spring_env", env.to_strings());
        let mut out = Contributions::default();
        s.contribute(&mut out);
        assert_eq!(
            out.files,
            vec![(
                "/app/saml.cert".to_owned(),
                format!("-----BEGIN CERTIFICATE-----\n{CERT}\n-----END CERTIFICATE-----")
            )]
        );
    }

    #[test]
    fn minimal_and_post_only_data() {
        let data = validate(&bag(&[("entity_id", "e"), ("x509certs", "C")]))
            .expect("valid")
            .expect("some");
        assert_eq!(data.signing_certificate(), Some("C"));
        assert_eq!(data.single_sign_on_redirect_url(), None);
        let data = validate(&bag(&[
            ("entity_id", "e"),
            ("x509certs", ""),
            ("metadata_url", "https://idp.example.com"),
            (
                "single_sign_on_service_post_url",
                "https://idp.example.com/sso",
            ),
            (
                "single_sign_on_service_post_binding",
                "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST",
            ),
        ]))
        .expect("valid")
        .expect("some");
        assert_eq!(
            data.metadata_url.as_deref(),
            Some("https://idp.example.com/")
        );
        assert_eq!(data.single_sign_on_redirect_url(), None);
        assert_eq!(data.signing_certificate(), Some(""));
        assert_eq!(validate(&bag(&[])).expect("empty"), None);
    }

    #[test]
    fn bad_input_blocks_never_panics() {
        let cases: Vec<(Vec<(&str, &str)>, SamlProblem)> = vec![
            (
                vec![("metadata_url", "https://idp/"), ("x509certs", "C")],
                SamlProblem::Invalid("The provider's entity_id is missing.".into()),
            ),
            (
                vec![("entity_id", "e")],
                SamlProblem::Unusable("The provider's x509certs is missing.".into()),
            ),
            (
                vec![("entity_id", "e"), ("x509certs", "C"), ("metadata_url", "idp.example.com/md")],
                SamlProblem::Invalid(
                    "metadata_url: \"idp.example.com/md\" is not a valid URL (relative URL without a base).".into(),
                ),
            ),
            (
                vec![
                    ("entity_id", "e"),
                    ("x509certs", "C"),
                    ("single_sign_on_service_redirect_url", "https://idp.example.com/sso"),
                ],
                SamlProblem::Invalid("single_sign_on_service_redirect_binding is missing.".into()),
            ),
        ];
        for (pairs, problem) in cases {
            assert_eq!(validate(&bag(&pairs)), Err(problem.clone()));
            let mut w = saml_world(FrameworkKind::Flask, "config-changed", bag(&pairs));
            let mut s = Saml::bind(&w.meta).expect("bound");
            let message = s.load(&mut w.cx()).expect_err("blocked").to_string();
            assert_eq!(message, problem.status_message());
        }
        assert_eq!(
            SamlProblem::Invalid("x".into()).status_message(),
            "Invalid saml relation data."
        );
        assert_eq!(
            SamlProblem::Unusable("The provider's x509certs is missing.".into()).status_message(),
            "Invalid saml relation data. The provider's x509certs is missing."
        );
        let mut w = saml_world(
            FrameworkKind::SpringBoot,
            "config-changed",
            bag(&[("entity_id", "e"), ("x509certs", "C")]),
        );
        let mut s = Saml::bind(&w.meta).expect("bound");
        assert_eq!(
            s.load(&mut w.cx()).expect_err("no metadata").to_string(),
            "Invalid saml relation data. Spring Boot needs the provider's metadata_url."
        );
        let mut w = saml_world(FrameworkKind::Flask, "saml-relation-changed", bag(&[]));
        assert_eq!(s.handle_event(&mut w.cx()).expect("event"), vec![]);
    }

    /// paas-charm's Spring Boot `_create_app` pushes `/app/saml.cert` whenever the state holds
    /// SAML data, and `is_ready` builds the app to stop the services when a required
    /// integration is missing: the certificate is written, then the charm blocks.
    #[test]
    fn spring_boot_writes_the_certificate_even_when_blocked_on_a_missing_integration() {
        use crate::framework::test_world::ScenarioBuilder;
        use crate::integration::database::Postgresql;

        const SPRING: &str = r#"
name: spring-boot-k8s
containers:
  app:
    resource: app-image
peers:
  secret-storage:
    interface: secret-storage
requires:
  saml:
    interface: saml
    optional: true
    limit: 1
  postgresql:
    interface: postgresql_client
    limit: 1
"#;
        let scenario = |can_connect: bool, remote: serde_json::Value| {
            let event = if remote.as_object().is_some_and(|o| o.is_empty()) {
                "config-changed"
            } else {
                "saml-relation-changed"
            };
            ScenarioBuilder::new("spring-boot", SPRING)
                .rock(
                    json!({"spring-boot": {"override": "replace", "startup": "enabled",
                                             "command": "java -jar app.jar"}}),
                )
                .event(event)
                .set("event_args", json!({"relation_id": 3, "remote_unit": 0}))
                .set("can_connect", json!(can_connect))
                .relation(json!({
                    "endpoint": "saml", "interface": "saml", "id": 3,
                    "remote_app_name": "saml-integrator",
                    "remote_app_data": remote,
                    "remote_units_data": {"0": {}},
                    "local_app_data": {}, "local_unit_data": {}
                }))
                .into_world()
        };
        let run = |world: crate::simulator::World| {
            let mut saml = Saml::bind(&world.meta).expect("saml");
            let mut postgresql = Postgresql::bind(&world.meta).expect("postgresql");
            world.run(
                &mut crate::testing::DynamicSet::new()
                    .with(&mut saml)
                    .with(&mut postgresql),
            )
        };
        let saml_data = json!({
            "entity_id": "https://login.staging.ubuntu.com",
            "metadata_url": "https://login.staging.ubuntu.com/saml/metadata",
            "single_sign_on_service_redirect_binding":
                "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect",
            "single_sign_on_service_redirect_url": "https://login.staging.ubuntu.com/saml/",
            "x509certs": "MIIBexampleCERT"
        });
        let out = run(scenario(true, saml_data.clone()));
        assert_eq!(
            out["unit_status"],
            json!({"name": "blocked", "message": "missing integrations: postgresql"})
        );
        assert_eq!(
            out["files"]["/app/saml.cert"],
            "-----BEGIN CERTIFICATE-----\nMIIBexampleCERT\n-----END CERTIFICATE-----"
        );
        // No SAML data yet (config-changed): blocked, nothing to write.
        let out = run(scenario(true, json!({})));
        assert_eq!(
            out["unit_status"]["message"],
            "missing integrations: postgresql"
        );
        assert!(out["files"].get("/app/saml.cert").is_none());
        // Pebble not reachable: paas-charm waits before it builds the app.
        let out = run(scenario(false, saml_data));
        assert_eq!(
            out["unit_status"],
            json!({"name": "waiting", "message": "Waiting for pebble ready"})
        );
        assert!(out["files"].get("/app/saml.cert").is_none());
    }
}
