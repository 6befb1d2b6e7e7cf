//! The hook tools, as a trait. `SubprocessBackend` runs the real tools; the testing harness
//! implements the same trait in memory.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A relation bag: string keys to string values, in the order the bag was read (Juju's
/// `relation-get` output order; libraries serialise bags in that order, e.g. the
/// data_interfaces `data` snapshot).
pub type Bag = indexmap::IndexMap<String, String>;

/// What `goal-state` says about relations: endpoint → the names it lists under it (the remote
/// application and its units; the peer units for a peer endpoint).
pub type GoalRelations = std::collections::BTreeMap<String, std::collections::BTreeSet<String>>;

/// Charm config as `config-get --format=json` returns it.
pub type ConfigValues = serde_json::Map<String, serde_json::Value>;

/// A workload or application status name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StatusName {
    /// No status set yet.
    Unknown,
    /// Ready.
    Active,
    /// Needs an operator's action.
    Blocked,
    /// Waiting for something outside the charm.
    Waiting,
    /// The charm is working on it.
    Maintenance,
    /// The hook failed.
    Error,
}

impl StatusName {
    /// The name as Juju spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            StatusName::Unknown => "unknown",
            StatusName::Active => "active",
            StatusName::Blocked => "blocked",
            StatusName::Waiting => "waiting",
            StatusName::Maintenance => "maintenance",
            StatusName::Error => "error",
        }
    }
}

/// A status with its message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Status {
    /// The status name.
    pub name: StatusName,
    /// The message (exact: some paas-charm messages start or end with spaces).
    pub message: String,
}

impl Status {
    /// `active` with an empty message.
    pub fn active() -> Self {
        Self {
            name: StatusName::Active,
            message: String::new(),
        }
    }
    /// `blocked` with a message.
    pub fn blocked(message: impl Into<String>) -> Self {
        Self {
            name: StatusName::Blocked,
            message: message.into(),
        }
    }
    /// `waiting` with a message.
    pub fn waiting(message: impl Into<String>) -> Self {
        Self {
            name: StatusName::Waiting,
            message: message.into(),
        }
    }
    /// `maintenance` with a message.
    pub fn maintenance(message: impl Into<String>) -> Self {
        Self {
            name: StatusName::Maintenance,
            message: message.into(),
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {:?}", self.name.as_str(), self.message)
    }
}

/// Whose status or bag: this unit's or the application's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scope {
    /// This unit.
    Unit,
    /// The application (writes are leader-only).
    App,
}

/// A relation id (the number in `db:3`).
pub type RelationId = u32;

/// Which bag to read with `relation-get`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum BagOwner {
    /// A unit's bag, by unit name (ours or a remote one).
    Unit(String),
    /// An application's bag, by application name (ours or the remote one).
    App(String),
}

/// How to read a secret.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SecretQuery {
    /// The secret id (`secret:...`), when known.
    pub id: Option<String>,
    /// The label: with an id it attaches this label; alone it names the secret.
    pub label: Option<String>,
    /// Read the latest revision and track it from now on.
    pub refresh: bool,
    /// Read the latest revision without tracking it.
    pub peek: bool,
}

/// A port opened by the unit.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Port {
    /// `tcp`, `udp` or `icmp`.
    pub protocol: String,
    /// The port number (absent for icmp).
    pub port: Option<u16>,
}

impl Port {
    /// A TCP port.
    pub fn tcp(port: u16) -> Self {
        Self {
            protocol: "tcp".into(),
            port: Some(port),
        }
    }

    /// The hook-tool form: `8000/tcp`, `icmp`.
    pub fn to_tool_arg(&self) -> String {
        match self.port {
            Some(port) => format!("{port}/{}", self.protocol),
            None => self.protocol.clone(),
        }
    }

    /// Parses `8000/tcp`, `8000` (tcp), `icmp`; ranges keep their first port.
    pub fn parse(text: &str) -> Option<Self> {
        if text == "icmp" {
            return Some(Self {
                protocol: "icmp".into(),
                port: None,
            });
        }
        let (ports, protocol) = text.split_once('/').unwrap_or((text, "tcp"));
        let first = ports.split('-').next()?;
        Some(Self {
            protocol: protocol.to_owned(),
            port: Some(first.parse().ok()?),
        })
    }
}

/// Log levels of `juju-log`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogLevel {
    /// DEBUG
    Debug,
    /// INFO
    Info,
    /// WARNING
    Warning,
    /// ERROR
    Error,
}

impl LogLevel {
    /// The level as juju-log spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            LogLevel::Debug => "DEBUG",
            LogLevel::Info => "INFO",
            LogLevel::Warning => "WARNING",
            LogLevel::Error => "ERROR",
        }
    }
}

/// A hook tool failed. Classified from its stderr as ops does.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HookToolError {
    /// `relation not found`.
    #[error("{tool}: relation not found: {message}")]
    RelationNotFound {
        /// The tool.
        tool: String,
        /// Its stderr.
        message: String,
    },
    /// The operation needs leadership (`not the leader`, `cannot write relation settings`).
    #[error("{tool}: this unit is not the leader: {message}")]
    NotLeader {
        /// The tool.
        tool: String,
        /// Its stderr.
        message: String,
    },
    /// `secret ... not found`.
    #[error("{tool}: secret not found: {message}")]
    SecretNotFound {
        /// The tool.
        tool: String,
        /// Its stderr.
        message: String,
    },
    /// `permission denied` / `access denied`.
    #[error("{tool}: permission denied: {message}")]
    PermissionDenied {
        /// The tool.
        tool: String,
        /// Its stderr.
        message: String,
    },
    /// Any other failure (non-zero exit with that stderr).
    #[error("{tool} failed: {message}")]
    Failed {
        /// The tool.
        tool: String,
        /// Its stderr (or exit description).
        message: String,
    },
    /// The tool could not be started at all.
    #[error("cannot run {tool}: {message}")]
    Spawn {
        /// The tool.
        tool: String,
        /// The OS error.
        message: String,
    },
    /// The tool's output is not the JSON its format promises.
    #[error("{tool} printed output that is not the expected JSON: {message}")]
    BadOutput {
        /// The tool.
        tool: String,
        /// The parse error.
        message: String,
    },
}

impl HookToolError {
    /// Classifies a failed tool's stderr (ops `_ModelBackend._wrap_hookcmd` rules).
    pub fn classify(tool: &str, stderr: &str) -> Self {
        let message = stderr.trim().trim_start_matches("ERROR ").to_owned();
        let tool = tool.to_owned();
        let lower = message.to_lowercase();
        if (tool.starts_with("relation-") || tool.starts_with("network-"))
            && lower.contains("relation not found")
        {
            HookToolError::RelationNotFound { tool, message }
        } else if tool.starts_with("secret-") && lower.contains("not found") {
            HookToolError::SecretNotFound { tool, message }
        } else if lower.contains("not the leader")
            || lower.contains("cannot write relation settings")
        {
            HookToolError::NotLeader { tool, message }
        } else if lower.contains("permission denied") || lower.contains("access denied") {
            HookToolError::PermissionDenied { tool, message }
        } else {
            HookToolError::Failed { tool, message }
        }
    }
}

/// The hook tools a paas charm uses. Every method is one tool invocation; callers go through
/// [`crate::juju::Juju`], which reads each datum at most once per hook.
pub trait Backend {
    /// `config-get --format=json`
    fn config_get(&mut self) -> Result<ConfigValues, HookToolError>;
    /// `is-leader --format=json`
    fn is_leader(&mut self) -> Result<bool, HookToolError>;
    /// `relation-ids --format=json <endpoint>`
    fn relation_ids(&mut self, endpoint: &str) -> Result<Vec<RelationId>, HookToolError>;
    /// `relation-list --format=json -r <id>`: the remote units.
    fn relation_list(&mut self, id: RelationId) -> Result<Vec<String>, HookToolError>;
    /// `relation-list --format=json -r <id> --app`: the remote application.
    fn relation_remote_app(&mut self, id: RelationId) -> Result<Option<String>, HookToolError>;
    /// `relation-get --format=json -r <id> [--app] - <owner>`
    fn relation_get(&mut self, id: RelationId, owner: &BagOwner) -> Result<Bag, HookToolError>;
    /// `relation-set -r <id> [--app] --file -`: `""` values delete keys.
    fn relation_set(
        &mut self,
        id: RelationId,
        scope: Scope,
        data: &Bag,
    ) -> Result<(), HookToolError>;
    /// `status-set --application=<bool> <name> -- <message>`
    fn status_set(&mut self, scope: Scope, status: &Status) -> Result<(), HookToolError>;
    /// `secret-get --format=json ...`
    fn secret_get(&mut self, query: &SecretQuery) -> Result<Bag, HookToolError>;
    /// `opened-ports --format=json`
    fn opened_ports(&mut self) -> Result<Vec<Port>, HookToolError>;
    /// `open-port <port>/<protocol>`
    fn open_port(&mut self, port: &Port) -> Result<(), HookToolError>;
    /// `close-port <port>/<protocol>`
    fn close_port(&mut self, port: &Port) -> Result<(), HookToolError>;
    /// `action-get --format=json`
    fn action_get(&mut self) -> Result<ConfigValues, HookToolError>;
    /// `action-set key=value ...`
    fn action_set(&mut self, results: &Bag) -> Result<(), HookToolError>;
    /// `action-fail -- <message>`
    fn action_fail(&mut self, message: &str) -> Result<(), HookToolError>;
    /// `juju-log --log-level <LEVEL> -- <message>`
    fn juju_log(&mut self, level: LogLevel, message: &str) -> Result<(), HookToolError>;
    /// `network-get --format=json <binding>`: the first ingress address.
    fn ingress_address(&mut self, binding: &str) -> Result<Option<String>, HookToolError>;
    /// `goal-state --format=json`: which endpoints have relations, and with whom. `None` when
    /// the backend cannot tell; then every endpoint is asked with `relation-ids`.
    fn goal_relations(&mut self) -> Result<Option<GoalRelations>, HookToolError> {
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_stderr_like_ops() {
        let e = HookToolError::classify(
            "relation-get",
            "ERROR invalid value \"39\" for option -r: relation not found\n",
        );
        assert!(matches!(e, HookToolError::RelationNotFound { .. }));
        let e = HookToolError::classify("secret-get", "ERROR secret \"abc\" not found");
        assert!(matches!(e, HookToolError::SecretNotFound { .. }));
        let e = HookToolError::classify("relation-set", "ERROR cannot write relation settings");
        assert!(matches!(e, HookToolError::NotLeader { .. }));
        let e = HookToolError::classify("status-set", "ERROR this unit is not the leader");
        assert!(matches!(e, HookToolError::NotLeader { .. }));
        let e = HookToolError::classify("secret-get", "ERROR permission denied");
        assert!(matches!(e, HookToolError::PermissionDenied { .. }));
        let e = HookToolError::classify("config-get", "ERROR boom");
        assert_eq!(e.to_string(), "config-get failed: boom");
    }

    #[test]
    fn ports_parse_and_format() {
        assert_eq!(Port::parse("8000/tcp"), Some(Port::tcp(8000)));
        assert_eq!(
            Port::parse("8080-8088/udp").map(|p| p.port),
            Some(Some(8080))
        );
        assert_eq!(
            Port::parse("icmp").map(|p| p.to_tool_arg()).as_deref(),
            Some("icmp")
        );
        assert_eq!(Port::tcp(8000).to_tool_arg(), "8000/tcp");
        assert_eq!(Port::parse("x/tcp"), None);
    }
}
