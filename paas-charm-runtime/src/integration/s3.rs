//! S3 (integrations.md §2.4, §3, §5.7): data_platform_libs v0 `S3Requirer` as paas-charm 1.12.3
//! subclasses it. The leader asks for a bucket named after the application on relation-joined;
//! every value of the provider's bag goes through a JSON decode attempt and the result is
//! validated as paas-charm's `S3RelationData`.

use serde_json::Value;

use crate::env::python_json;
use crate::env::Env;
use crate::integration::data_common::relation_event;
use crate::integration::{Cx, Integration, IntegrationError, Provided, Trigger};
use crate::juju::{Bag, CharmMeta, RelationEventKind, Scope};

/// The endpoint (and interface) name.
pub const ENDPOINT: &str = "s3";

/// The Blocked message for provider data that fails validation.
pub const INVALID: &str = "Invalid s3 relation data.";

/// The keys whose presence makes the library emit `credentials_changed`.
const REQUIRED_OPTIONS: &[&str] = &["access-key", "secret-key"];

/// paas-charm's `S3RelationData`, validated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct S3Data {
    /// `access-key`.
    pub access_key: String,
    /// `secret-key`.
    pub secret_key: String,
    /// `region`.
    pub region: Option<String>,
    /// `storage-class`.
    pub storage_class: Option<String>,
    /// `bucket` (the provider's, not necessarily the one we asked for).
    pub bucket: String,
    /// `endpoint`.
    pub endpoint: Option<String>,
    /// `path`.
    pub path: Option<String>,
    /// `s3-api-version`.
    pub s3_api_version: Option<String>,
    /// `s3-uri-style`.
    pub s3_uri_style: Option<String>,
    /// `tls-ca-chain`.
    pub tls_ca_chain: Option<Vec<String>>,
    /// `attributes`.
    pub attributes: Option<Vec<String>>,
}

/// Why a bag is not valid `S3RelationData` (the field, for the log).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid S3 relation data: {0}")]
pub struct S3Invalid(pub String);

/// The library's `_load_relation_data`: each value JSON-decoded when it is JSON (as Python's
/// `json.loads`, which also reads `NaN` and `Infinity`), else kept as the string.
pub fn decode_bag(bag: &Bag) -> Vec<(String, Value)> {
    bag.iter()
        .map(|(k, v)| {
            let value = match v.trim() {
                "NaN" | "Infinity" | "-Infinity" => Value::from(0.0),
                _ => crate::json::from_str::<Value>(v).unwrap_or_else(|_| Value::String(v.clone())),
            };
            (k.clone(), value)
        })
        .collect()
}

impl S3Data {
    /// Validates decoded provider data as pydantic would: string fields must be JSON strings
    /// (a bag value `12345` or `true` decodes to a number or a boolean and fails), list fields
    /// JSON lists of strings; `null` means absent.
    pub fn validate(decoded: &[(String, Value)]) -> Result<Self, S3Invalid> {
        let get = |key: &str| {
            decoded
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v)
                .filter(|v| !v.is_null())
        };
        let string = |key: &str| -> Result<Option<String>, S3Invalid> {
            match get(key) {
                None => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(_) => Err(S3Invalid(format!("{key} is not a string"))),
            }
        };
        let required = |key: &str| -> Result<String, S3Invalid> {
            string(key)?.ok_or_else(|| S3Invalid(format!("{key} is missing")))
        };
        let list = |key: &str| -> Result<Option<Vec<String>>, S3Invalid> {
            match get(key) {
                None => Ok(None),
                Some(Value::Array(items)) => items
                    .iter()
                    .map(|item| match item {
                        Value::String(s) => Ok(s.clone()),
                        _ => Err(S3Invalid(format!("{key} is not a list of strings"))),
                    })
                    .collect::<Result<Vec<_>, _>>()
                    .map(Some),
                Some(_) => Err(S3Invalid(format!("{key} is not a list of strings"))),
            }
        };
        Ok(Self {
            access_key: required("access-key")?,
            secret_key: required("secret-key")?,
            region: string("region")?,
            storage_class: string("storage-class")?,
            bucket: required("bucket")?,
            endpoint: string("endpoint")?,
            path: string("path")?,
            s3_api_version: string("s3-api-version")?,
            s3_uri_style: string("s3-uri-style")?,
            tls_ca_chain: list("tls-ca-chain")?,
            attributes: list("attributes")?,
        })
    }

    /// `addressing_style`: `virtual` for the `host` URI style, else the style itself.
    pub fn addressing_style(&self) -> Option<String> {
        self.s3_uri_style.as_deref().map(|style| {
            if style == "host" {
                "virtual".to_owned()
            } else {
                style.to_owned()
            }
        })
    }
}

fn json_strings(items: Option<&Vec<String>>) -> String {
    match items {
        Some(items) => python_json::dumps(&Value::Array(
            items.iter().cloned().map(Value::String).collect(),
        )),
        None => "null".to_owned(),
    }
}

/// The variables for validated data: `S3_*` (absent optional values omitted, empty ones kept;
/// `S3_TLS_CA_CHAIN` only when `attributes` is non-empty, as upstream).
pub fn env_vars(s3: &S3Data) -> Vec<(String, String)> {
    let with_attributes = s3.attributes.as_ref().is_some_and(|a| !a.is_empty());
    let candidates: [(&str, Option<String>); 12] = [
        ("S3_ACCESS_KEY", Some(s3.access_key.clone())),
        ("S3_SECRET_KEY", Some(s3.secret_key.clone())),
        ("S3_REGION", s3.region.clone()),
        ("S3_STORAGE_CLASS", s3.storage_class.clone()),
        ("S3_BUCKET", Some(s3.bucket.clone())),
        ("S3_ENDPOINT", s3.endpoint.clone()),
        ("S3_PATH", s3.path.clone()),
        ("S3_API_VERSION", s3.s3_api_version.clone()),
        ("S3_URI_STYLE", s3.s3_uri_style.clone()),
        ("S3_ADDRESSING_STYLE", s3.addressing_style()),
        (
            "S3_ATTRIBUTES",
            with_attributes.then(|| json_strings(s3.attributes.as_ref())),
        ),
        // Upstream tests `attributes` here, not `tls_ca_chain` (so a chain without attributes
        // is dropped, and attributes without a chain give `null`).
        (
            "S3_TLS_CA_CHAIN",
            with_attributes.then(|| json_strings(s3.tls_ca_chain.as_ref())),
        ),
    ];
    candidates
        .into_iter()
        .filter_map(|(name, value)| value.map(|v| (name.to_owned(), v)))
        .collect()
}

/// The S3 requirer.
#[derive(Debug, Clone)]
pub struct S3 {
    required: bool,
    data: Option<S3Data>,
}

impl S3 {
    /// The validated provider data (after `load`).
    pub fn data(&self) -> Option<&S3Data> {
        self.data.as_ref()
    }

    /// `get_s3_connection_info`: the decoded remote application bag of the first relation
    /// with a remote application (empty when there is none).
    fn connection_info(cx: &mut Cx<'_>) -> Result<Vec<(String, Value)>, IntegrationError> {
        for relation in cx.juju.relations(ENDPOINT)? {
            if relation.remote_app.is_some() {
                let bag = cx.juju.remote_app_bag(relation.id)?;
                return Ok(decode_bag(&bag));
            }
        }
        Ok(Vec::new())
    }
}

impl Integration for S3 {
    fn bind(meta: &CharmMeta) -> Option<Self> {
        let relation = meta.requires_with(ENDPOINT, ENDPOINT)?;
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

    /// relation-joined: the leader writes `bucket`; relation-changed with both credentials
    /// present: `credentials_changed` (migrations rerun); relation-broken:
    /// `credentials_gone` (reconcile without migrations).
    fn handle_event(&mut self, cx: &mut Cx<'_>) -> Result<Vec<Trigger>, IntegrationError> {
        let Some((id, kind)) = relation_event(cx.juju, ENDPOINT) else {
            return Ok(Vec::new());
        };
        match kind {
            RelationEventKind::Joined => {
                if cx.juju.is_leader()? {
                    let bucket = cx.juju.ctx.app_name.clone();
                    cx.juju
                        .update_bag(id, Scope::App, [("bucket".to_owned(), bucket)])?;
                }
                Ok(Vec::new())
            }
            RelationEventKind::Changed => {
                let info = Self::connection_info(cx)?;
                let complete = REQUIRED_OPTIONS
                    .iter()
                    .all(|key| info.iter().any(|(k, _)| k == key));
                if complete {
                    return Ok(vec![Trigger::ReconcileWithMigrations]);
                }
                // The library emits nothing for a bag without both keys; every other hook
                // finds it invalid and blocks. One verdict whatever the event: block here too.
                if !info.is_empty() {
                    if let Err(err) = S3Data::validate(&info) {
                        cx.juju.log(crate::juju::LogLevel::Error, &err.to_string());
                        return Err(IntegrationError::InvalidData(INVALID.into()));
                    }
                }
                Ok(Vec::new())
            }
            RelationEventKind::Broken => Ok(vec![Trigger::Reconcile]),
            RelationEventKind::Created | RelationEventKind::Departed => Ok(Vec::new()),
        }
    }

    fn load(&mut self, cx: &mut Cx<'_>) -> Result<(), IntegrationError> {
        self.data = None;
        let info = Self::connection_info(cx)?;
        if info.is_empty() {
            return Ok(());
        }
        match S3Data::validate(&info) {
            Ok(data) => {
                self.data = Some(data);
                Ok(())
            }
            Err(err) => {
                cx.juju.log(crate::juju::LogLevel::Error, &err.to_string());
                Err(IntegrationError::InvalidData(INVALID.into()))
            }
        }
    }

    fn is_ready(&self) -> bool {
        self.data.is_some()
    }

    fn env(&self, env: &mut Env) {
        if let Some(data) = &self.data {
            for (name, value) in env_vars(data) {
                env.set(name, value);
            }
        }
    }

    fn provided(&self) -> Option<Provided<'_>> {
        self.data.as_ref().map(Provided::S3)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::FrameworkKind;
    use crate::integration::test_support::*;

    fn world(
        kind: FrameworkKind,
        app: &str,
        leader: bool,
        remote: &[(&str, &str)],
        hook: &str,
        remote_unit: Option<&str>,
    ) -> World {
        let rel = relation(
            3,
            "s3",
            "s3",
            "s3-integrator",
            bag(remote),
            &[("s3-integrator/0", bag(&[]))],
        );
        let unit = format!("{app}/1");
        relation_world(kind, &unit, leader, rel, None, hook, remote_unit)
    }

    fn validate(remote: &[(&str, &str)]) -> Result<S3Data, S3Invalid> {
        S3Data::validate(&decode_bag(&bag(remote)))
    }

    const MINIMAL: &[(&str, &str)] = &[
        ("access-key", "access-key"),
        ("secret-key", "secret-key"),
        ("bucket", "bucket"),
    ];

    #[test]
    fn leader_writes_the_bucket_on_joined() {
        let mut w = world(
            FrameworkKind::Flask,
            "flask-k8s",
            true,
            &[],
            "s3-relation-joined",
            Some("s3-integrator/0"),
        );
        let mut s3 = S3::bind(&w.meta).expect("bound");
        let (triggers, env) = w.run(&mut s3);
        assert!(triggers.is_empty());
        assert!(env.expect("env").is_empty());
        assert_eq!(w.app_bag(3), bag(&[("bucket", "flask-k8s")]));
    }

    #[test]
    fn non_leader_writes_nothing() {
        let mut w = world(
            FrameworkKind::Flask,
            "flask-k8s",
            false,
            &[],
            "s3-relation-joined",
            Some("s3-integrator/0"),
        );
        let mut s3 = S3::bind(&w.meta).expect("bound");
        let (triggers, _) = w.run(&mut s3);
        assert!(triggers.is_empty());
        assert_eq!(
            w.unit_bag(3),
            bag(&[
                ("egress-subnets", "192.0.2.0"),
                ("ingress-address", "192.0.2.0"),
                ("private-address", "192.0.2.0"),
            ])
        );
    }

    #[test]
    fn which_events_reconcile() {
        type Case<'a> = (&'a str, &'a [(&'a str, &'a str)], &'a [Trigger]);
        let cases: &[Case<'_>] = &[
            ("s3-relation-created", MINIMAL, &[]),
            (
                "s3-relation-changed",
                MINIMAL,
                &[Trigger::ReconcileWithMigrations],
            ),
            // Both credentials present, even invalid ones, emit credentials_changed.
            (
                "s3-relation-changed",
                &[("access-key", "1"), ("secret-key", "2")],
                &[Trigger::ReconcileWithMigrations],
            ),
            ("s3-relation-changed", &[], &[]),
            ("s3-relation-departed", MINIMAL, &[]),
            ("s3-relation-broken", &[], &[Trigger::Reconcile]),
        ];
        for (hook, remote, expected) in cases {
            let mut w = world(FrameworkKind::Flask, "flask-k8s", true, remote, hook, None);
            let mut s3 = S3::bind(&w.meta).expect("bound");
            let triggers = s3.handle_event(&mut w.cx()).expect("handled");
            assert_eq!(triggers, *expected, "{hook} {remote:?}");
        }
        // A bag without both keys: the same Blocked verdict on relation-changed as on any
        // hook that builds the state.
        let partial: &[(&str, &str)] = &[("access-key", "a"), ("bucket", "b")];
        for hook in ["s3-relation-changed", "config-changed"] {
            let mut w = world(FrameworkKind::Flask, "flask-k8s", true, partial, hook, None);
            let mut s3 = S3::bind(&w.meta).expect("bound");
            let err = match s3.handle_event(&mut w.cx()) {
                Err(err) => err,
                Ok(_) => s3.load(&mut w.cx()).expect_err("invalid"),
            };
            assert_eq!(err.to_string(), INVALID, "{hook}");
        }
    }

    // integrations.md E7.1, E7.3, E7.4: what validates and what does not.
    #[test]
    fn validation() {
        assert_eq!(
            validate(MINIMAL),
            Ok(S3Data {
                access_key: "access-key".into(),
                secret_key: "secret-key".into(),
                bucket: "bucket".into(),
                ..S3Data::default()
            })
        );
        for bad in [
            vec![("invalid", "data")],
            vec![("secret-key", "s"), ("bucket", "b")],
            vec![("access-key", "a"), ("bucket", "b")],
            vec![("access-key", "a"), ("secret-key", "s")],
            vec![("bucket", "flask-bucket")],
            vec![
                ("access-key", "12345"),
                ("secret-key", "s"),
                ("bucket", "b"),
            ],
            vec![
                ("access-key", "a"),
                ("secret-key", "s"),
                ("bucket", "b"),
                ("s3-api-version", "4"),
            ],
            vec![
                ("access-key", "a"),
                ("secret-key", "s"),
                ("bucket", "b"),
                ("region", "true"),
            ],
            vec![
                ("access-key", "a"),
                ("secret-key", "s"),
                ("bucket", "b"),
                ("region", "NaN"),
            ],
            vec![
                ("access-key", "a"),
                ("secret-key", "s"),
                ("bucket", "b"),
                ("path", "{}"),
            ],
            vec![
                ("access-key", "a"),
                ("secret-key", "s"),
                ("bucket", "b"),
                ("attributes", "k:v"),
            ],
            vec![
                ("access-key", "a"),
                ("secret-key", "s"),
                ("bucket", "b"),
                ("tls-ca-chain", "[1]"),
            ],
            vec![("access-key", "null"), ("secret-key", "s"), ("bucket", "b")],
        ] {
            assert!(validate(&bad).is_err(), "{bad:?}");
        }
        // A JSON string is decoded; `null` for an optional value is absent; unknown keys are
        // ignored.
        let data = validate(&[
            ("access-key", "\"quoted\""),
            ("secret-key", "s"),
            ("bucket", "b"),
            ("region", "null"),
            ("delete-older-than-days", "7"),
        ])
        .expect("valid");
        assert_eq!(data.access_key, "quoted");
        assert_eq!(data.region, None);
    }

    // flask/flask_s3_full_credentials
    #[test]
    fn full_credentials_flask() {
        let remote = [
            ("access-key", "AKIAIOSFODNN7EXAMPLE"),
            ("secret-key", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
            ("bucket", "paas-media"),
            ("region", "eu-central-1"),
            ("storage-class", "STANDARD"),
            ("endpoint", "https://s3.eu-central-1.amazonaws.com"),
            ("path", "/uploads/"),
            ("s3-api-version", "s3v4"),
            ("s3-uri-style", "host"),
            (
                "tls-ca-chain",
                "[\"-----BEGIN CERTIFICATE-----\\nMIIBszCCAVmgAwIBAgIU\\n-----END CERTIFICATE-----\"]",
            ),
            ("attributes", "[\"x-amz-server-side-encryption:AES256\"]"),
        ];
        let mut w = world(
            FrameworkKind::Flask,
            "flask-k8s",
            true,
            &remote,
            "s3-relation-changed",
            Some("s3-integrator/0"),
        );
        let mut s3 = S3::bind(&w.meta).expect("bound");
        let (triggers, env) = w.run(&mut s3);
        assert_eq!(triggers, vec![Trigger::ReconcileWithMigrations]);
        assert_eq!(
            env_pairs(&env.expect("env")),
            pairs(&[
                ("S3_ACCESS_KEY", "AKIAIOSFODNN7EXAMPLE"),
                ("S3_ADDRESSING_STYLE", "virtual"),
                ("S3_API_VERSION", "s3v4"),
                ("S3_ATTRIBUTES", "[\"x-amz-server-side-encryption:AES256\"]"),
                ("S3_BUCKET", "paas-media"),
                ("S3_ENDPOINT", "https://s3.eu-central-1.amazonaws.com"),
                ("S3_PATH", "/uploads/"),
                ("S3_REGION", "eu-central-1"),
                ("S3_SECRET_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
                ("S3_STORAGE_CLASS", "STANDARD"),
                (
                    "S3_TLS_CA_CHAIN",
                    "[\"-----BEGIN CERTIFICATE-----\\nMIIBszCCAVmgAwIBAgIU\\n-----END CERTIFICATE-----\"]"
                ),
                ("S3_URI_STYLE", "host"),
            ])
        );
        // Nothing is written on relation-changed.
        assert_eq!(w.app_bag(3), bag(&[]));
    }

    #[test]
    fn upstream_quirks_of_the_env() {
        let mut data = validate(MINIMAL).expect("valid");
        data.tls_ca_chain = Some(vec!["CA".into()]);
        // A chain without attributes is dropped.
        assert!(!env_vars(&data).iter().any(|(k, _)| k == "S3_TLS_CA_CHAIN"));
        // Attributes without a chain give `null`.
        data.tls_ca_chain = None;
        data.attributes = Some(vec!["h:ü".into()]);
        let vars = env_vars(&data);
        assert!(vars.contains(&("S3_TLS_CA_CHAIN".into(), "null".into())));
        assert!(vars.contains(&("S3_ATTRIBUTES".into(), "[\"h:\\u00fc\"]".into())));
        // Empty attributes are like none; an empty region is kept.
        data.attributes = Some(Vec::new());
        data.region = Some(String::new());
        data.s3_uri_style = Some("path".into());
        let vars = env_vars(&data);
        assert!(!vars
            .iter()
            .any(|(k, _)| k == "S3_ATTRIBUTES" || k == "S3_TLS_CA_CHAIN"));
        assert!(vars.contains(&("S3_REGION".into(), String::new())));
        assert!(vars.contains(&("S3_ADDRESSING_STYLE".into(), "path".into())));
    }

    #[test]
    fn invalid_data_blocks_and_empty_bag_is_not_ready() {
        let mut w = world(
            FrameworkKind::Flask,
            "flask-k8s",
            true,
            &[("bucket", "flask-bucket")],
            "config-changed",
            None,
        );
        let mut s3 = S3::bind(&w.meta).expect("bound");
        let err = s3.load(&mut w.cx()).expect_err("invalid");
        assert_eq!(err.to_string(), INVALID);
        assert!(!s3.is_ready());
        let mut w = world(
            FrameworkKind::Flask,
            "flask-k8s",
            true,
            &[],
            "config-changed",
            None,
        );
        let mut s3 = S3::bind(&w.meta).expect("bound");
        s3.load(&mut w.cx()).expect("load");
        assert!(!s3.is_ready() && s3.required());
    }

    // spring-boot/springboot_redis_s3_rabbitmq
    #[test]
    fn spring_boot_properties() {
        let remote = [
            ("access-key", "access-key"),
            ("secret-key", "super-duper-secret-key"),
            ("bucket", "paas-bucket"),
            ("endpoint", "http://s3-0.test-endpoint:9000"),
            ("region", "mars-north-3"),
        ];
        let mut w = world(
            FrameworkKind::SpringBoot,
            "spring-boot-k8s",
            true,
            &remote,
            "config-changed",
            None,
        );
        let mut s3 = S3::bind(&w.meta).expect("bound");
        let (_, env) = w.run(&mut s3);
        assert_eq!(
            env_pairs(&env.expect("env")),
            pairs(&[
                ("spring.cloud.aws.credentials.accessKey", "access-key"),
                (
                    "spring.cloud.aws.credentials.secretKey",
                    "super-duper-secret-key"
                ),
                ("spring.cloud.aws.region.static", "mars-north-3"),
                ("spring.cloud.aws.s3.bucket", "paas-bucket"),
                (
                    "spring.cloud.aws.s3.endpoint",
                    "http://s3-0.test-endpoint:9000"
                ),
            ])
        );
        let mut data = validate(MINIMAL).expect("valid");
        data.region = Some(String::new());
        let mut env = Env::new();
        crate::framework::spring_properties::render(&Provided::S3(&data), &mut env);
        assert_eq!(env.len(), 3);
    }
}
