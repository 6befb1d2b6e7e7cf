//! The hook context: who we are and what the hook is about, from the `JUJU_*` variables.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::event::{Event, EventParseError};

/// A Juju agent version (`3.6.14`, `3.4-beta1`); compared on major.minor.patch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct JujuVersion {
    /// Major.
    pub major: u32,
    /// Minor.
    pub minor: u32,
    /// Patch (0 when absent or a pre-release tag).
    pub patch: u32,
}

impl JujuVersion {
    /// Parses `3.6.14`, `3.4`, `3.4-beta1`, `2.9.42.1`; `None` when not a version.
    pub fn parse(text: &str) -> Option<Self> {
        let mut parts = text.trim().split('.');
        let major = parts.next()?.parse().ok()?;
        let minor_text = parts.next()?;
        let minor = minor_text.split('-').next()?.parse().ok()?;
        let patch = parts
            .next()
            .and_then(|p| p.split('-').next()?.parse().ok())
            .unwrap_or(0);
        Some(Self {
            major,
            minor,
            patch,
        })
    }

    /// Pebble log forwarding is supported from Juju 3.4.
    pub fn supports_log_forwarding(&self) -> bool {
        (self.major, self.minor) >= (3, 4)
    }
}

/// Everything the hook environment tells the charm.
#[derive(Debug, Clone)]
pub struct HookContext {
    /// The event.
    pub event: Event,
    /// `JUJU_UNIT_NAME`, e.g. `flask-k8s/0`.
    pub unit_name: String,
    /// The application name (unit name before `/`).
    pub app_name: String,
    /// The unit number (after `/`).
    pub unit_number: u32,
    /// `JUJU_MODEL_NAME`.
    pub model_name: String,
    /// `JUJU_MODEL_UUID`.
    pub model_uuid: String,
    /// `JUJU_VERSION`.
    pub juju_version: JujuVersion,
    /// `JUJU_CHARM_DIR` (the hook's working directory).
    pub charm_dir: PathBuf,
    /// `JUJU_RELATION_ID` as a number, in relation hooks.
    pub relation_id: Option<u32>,
    /// `JUJU_REMOTE_UNIT`, in relation hooks that have one.
    pub remote_unit: Option<String>,
    /// `JUJU_REMOTE_APP`, in relation hooks.
    pub remote_app: Option<String>,
    /// `JUJU_DEPARTING_UNIT`, in `-relation-departed`.
    pub departing_unit: Option<String>,
    /// `JUJU_SECRET_ID`, in secret hooks.
    pub secret_id: Option<String>,
    /// `JUJU_SECRET_LABEL`, in secret hooks.
    pub secret_label: Option<String>,
    /// `JUJU_SECRET_REVISION`, in secret hooks that carry it.
    pub secret_revision: Option<u64>,
    /// `JUJU_WORKLOAD_NAME`, in Pebble hooks.
    pub workload_name: Option<String>,
    /// Model proxy settings: `JUJU_CHARM_HTTP_PROXY`, `_HTTPS_PROXY`, `_NO_PROXY` (non-empty only).
    pub proxy: ProxySettings,
    /// The unit's fully qualified host name (what a host-name lookup returns on the unit).
    pub fqdn: String,
}

/// The model's proxy settings as Juju exports them to the hook.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProxySettings {
    /// `JUJU_CHARM_HTTP_PROXY`
    pub http_proxy: Option<String>,
    /// `JUJU_CHARM_HTTPS_PROXY`
    pub https_proxy: Option<String>,
    /// `JUJU_CHARM_NO_PROXY`
    pub no_proxy: Option<String>,
}

/// The hook environment is incomplete or malformed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ContextError {
    /// A variable Juju always sets is absent.
    #[error("{0} is not set: this program runs as a Juju charm (dispatch) or as `<charm> simulate <scenario.json>`")]
    Missing(&'static str),
    /// A variable has a value that cannot be used.
    #[error("{name} has an invalid value {value:?}")]
    Invalid {
        /// The variable.
        name: &'static str,
        /// Its value.
        value: String,
    },
    /// The dispatch path is not a known hook or action.
    #[error(transparent)]
    Event(#[from] EventParseError),
}

impl HookContext {
    /// Reads the context from the process environment.
    pub fn from_env() -> Result<Self, ContextError> {
        // Built with insert, not collect (crate::sort).
        let mut vars = BTreeMap::new();
        vars.extend(std::env::vars());
        Self::from_vars(&vars)
    }

    /// Reads the context from a set of environment variables.
    pub fn from_vars(vars: &BTreeMap<String, String>) -> Result<Self, ContextError> {
        let get = |name: &str| vars.get(name).filter(|v| !v.is_empty()).cloned();
        let require = |name: &'static str| get(name).ok_or(ContextError::Missing(name));
        let dispatch = require("JUJU_DISPATCH_PATH")?;
        let event = Event::from_dispatch_path(&dispatch)?;
        let unit_name = require("JUJU_UNIT_NAME")?;
        let (app_name, unit_number) = split_unit_name(&unit_name).ok_or(ContextError::Invalid {
            name: "JUJU_UNIT_NAME",
            value: unit_name.clone(),
        })?;
        let version_text = require("JUJU_VERSION")?;
        let juju_version = JujuVersion::parse(&version_text).ok_or(ContextError::Invalid {
            name: "JUJU_VERSION",
            value: version_text,
        })?;
        let relation_id = match get("JUJU_RELATION_ID") {
            Some(text) => Some(parse_relation_id(&text).ok_or(ContextError::Invalid {
                name: "JUJU_RELATION_ID",
                value: text,
            })?),
            None => None,
        };
        let secret_revision = match get("JUJU_SECRET_REVISION") {
            Some(text) => Some(text.parse().map_err(|_| ContextError::Invalid {
                name: "JUJU_SECRET_REVISION",
                value: text,
            })?),
            None => None,
        };
        let charm_dir = get("JUJU_CHARM_DIR")
            .or_else(|| get("CHARM_DIR"))
            .map(PathBuf::from)
            .or_else(|| std::env::current_dir().ok())
            .unwrap_or_else(|| PathBuf::from("."));
        let fqdn = get("PAAS_CHARM_FQDN").unwrap_or_else(|| {
            kubernetes_fqdn(
                &app_name,
                unit_number,
                vars.get("JUJU_MODEL_NAME").map_or("", |m| m),
            )
        });
        Ok(Self {
            fqdn,
            event,
            unit_name,
            app_name,
            unit_number,
            model_name: require("JUJU_MODEL_NAME")?,
            model_uuid: get("JUJU_MODEL_UUID").unwrap_or_default(),
            juju_version,
            charm_dir,
            relation_id,
            remote_unit: get("JUJU_REMOTE_UNIT"),
            remote_app: get("JUJU_REMOTE_APP"),
            departing_unit: get("JUJU_DEPARTING_UNIT"),
            secret_id: get("JUJU_SECRET_ID"),
            secret_label: get("JUJU_SECRET_LABEL"),
            secret_revision,
            workload_name: get("JUJU_WORKLOAD_NAME"),
            proxy: ProxySettings {
                http_proxy: get("JUJU_CHARM_HTTP_PROXY"),
                https_proxy: get("JUJU_CHARM_HTTPS_PROXY"),
                no_proxy: get("JUJU_CHARM_NO_PROXY"),
            },
        })
    }
}

/// The host name Kubernetes gives a unit's pod:
/// `<app>-<n>.<app>-endpoints.<model>.svc.cluster.local`. `PAAS_CHARM_FQDN` overrides it.
pub fn kubernetes_fqdn(app: &str, unit_number: u32, model: &str) -> String {
    format!("{app}-{unit_number}.{app}-endpoints.{model}.svc.cluster.local")
}

/// Splits `app/3` into (`app`, 3).
pub fn split_unit_name(unit: &str) -> Option<(String, u32)> {
    let (app, number) = unit.rsplit_once('/')?;
    if app.is_empty() {
        return None;
    }
    Some((app.to_owned(), number.parse().ok()?))
}

/// Parses `JUJU_RELATION_ID` (`db:3` or `3`) to its number.
pub fn parse_relation_id(text: &str) -> Option<u32> {
    text.rsplit(':').next()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> BTreeMap<String, String> {
        [
            ("JUJU_DISPATCH_PATH", "hooks/db-relation-departed"),
            ("JUJU_UNIT_NAME", "flask-k8s/2"),
            ("JUJU_MODEL_NAME", "test-model"),
            ("JUJU_MODEL_UUID", "00000000-0000-4000-8000-000000000000"),
            ("JUJU_VERSION", "3.6.14"),
            (
                "JUJU_CHARM_DIR",
                "/var/lib/juju/agents/unit-flask-k8s-2/charm",
            ),
            ("JUJU_RELATION_ID", "db:7"),
            ("JUJU_REMOTE_UNIT", "postgresql/0"),
            ("JUJU_REMOTE_APP", "postgresql"),
            ("JUJU_DEPARTING_UNIT", "postgresql/1"),
            ("JUJU_CHARM_HTTP_PROXY", "http://proxy:3128"),
            ("JUJU_CHARM_HTTPS_PROXY", ""),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
    }

    #[test]
    fn reads_relation_hook_context() {
        let ctx = HookContext::from_vars(&base()).expect("valid context");
        assert_eq!(ctx.app_name, "flask-k8s");
        assert_eq!(ctx.unit_number, 2);
        assert_eq!(ctx.relation_id, Some(7));
        assert_eq!(ctx.departing_unit.as_deref(), Some("postgresql/1"));
        assert_eq!(ctx.proxy.http_proxy.as_deref(), Some("http://proxy:3128"));
        assert_eq!(
            ctx.proxy.https_proxy, None,
            "empty proxy variables count as unset"
        );
        assert!(ctx.juju_version.supports_log_forwarding());
    }

    #[test]
    fn missing_and_invalid_variables_are_named() {
        let mut vars = base();
        vars.remove("JUJU_UNIT_NAME");
        assert_eq!(
            HookContext::from_vars(&vars).unwrap_err(),
            ContextError::Missing("JUJU_UNIT_NAME")
        );
        let mut vars = base();
        vars.insert("JUJU_RELATION_ID".into(), "db:x".into());
        assert!(HookContext::from_vars(&vars)
            .unwrap_err()
            .to_string()
            .contains("db:x"));
        let mut vars = base();
        vars.insert("JUJU_DISPATCH_PATH".into(), "hooks/nonsense".into());
        assert!(HookContext::from_vars(&vars)
            .unwrap_err()
            .to_string()
            .contains("nonsense"));
    }

    #[test]
    fn versions_compare_on_numbers() {
        let v = |s| JujuVersion::parse(s).expect(s);
        assert!(!v("3.3.1").supports_log_forwarding());
        assert!(v("3.4-beta1").supports_log_forwarding());
        assert!(v("2.9.42.1") < v("3.0"));
        assert_eq!(JujuVersion::parse("three"), None);
    }
}
