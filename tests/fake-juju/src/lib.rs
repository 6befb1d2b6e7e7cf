//! A Juju hook-tool emulator for end-to-end tests.
//!
//! The model lives in a JSON file ([`State`], path from `FAKE_JUJU_STATE`). The binary
//! `fake-hook-tool` is installed under every tool name ([`install_tools`] makes the symlinks)
//! and, invoked as `relation-get`, `status-set`, ..., loads the state, applies Juju's rules
//! ([`run_tool`]), prints what Juju prints, appends the call (tool and argv, never stdin) to
//! the call log and saves the state.
//!
//! Differences from a real unit agent, on purpose: changes are visible at once (Juju commits
//! relation data and ports when the hook succeeds), and output is always JSON whatever
//! `--format` says. One hook runs at a time, so the state file is not locked.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

mod tools;

pub use tools::{run_tool, Outcome};

/// The environment variable naming the state file.
pub const STATE_ENV: &str = "FAKE_JUJU_STATE";

/// Every tool name the emulator answers to.
pub const TOOLS: &[&str] = &[
    "config-get",
    "is-leader",
    "relation-ids",
    "relation-list",
    "relation-get",
    "relation-set",
    "status-set",
    "secret-get",
    "opened-ports",
    "open-port",
    "close-port",
    "action-get",
    "action-set",
    "action-fail",
    "juju-log",
    "network-get",
    "goal-state",
];

/// A relation bag.
pub type Bag = BTreeMap<String, String>;

/// One relation.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Relation {
    /// The relation id (`N` in `endpoint:N`).
    pub id: u32,
    /// Our endpoint.
    pub endpoint: String,
    /// The remote application (our own for a peer relation).
    pub remote_app: String,
    /// Whether this is a peer relation.
    pub peer: bool,
    /// The remote application's bag.
    pub remote_app_data: Bag,
    /// Remote unit name → its bag.
    pub remote_units: BTreeMap<String, Bag>,
    /// Our application's bag.
    pub local_app_data: Bag,
    /// Our unit's bag.
    pub local_unit_data: Bag,
}

/// One secret this unit can read.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Secret {
    /// `secret:...`
    pub id: String,
    /// The label this unit knows it by.
    pub label: Option<String>,
    /// Content of the revision this unit tracks.
    pub tracked: Bag,
    /// Content of the latest revision.
    pub latest: Bag,
}

/// A workload or application status.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct StatusEntry {
    /// `active`, `blocked`, `waiting`, `maintenance` (or `unknown` before any set).
    pub status: String,
    /// The message.
    pub message: String,
}

impl StatusEntry {
    /// A status with a message.
    pub fn new(status: &str, message: &str) -> Self {
        Self {
            status: status.to_owned(),
            message: message.to_owned(),
        }
    }
}

/// The running action.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Action {
    /// Its parameters (`action-get`).
    pub params: Map<String, Value>,
    /// Results set with `action-set` (dotted keys as given).
    pub results: Bag,
    /// The `action-fail` message (the last one wins, as in Juju).
    pub failure: Option<String>,
}

/// One `juju-log` line.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LogLine {
    /// The level (`INFO`, ...).
    pub level: String,
    /// The message.
    pub message: String,
}

/// One tool invocation (argv only: stdin is never recorded).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Call {
    /// The tool name.
    pub tool: String,
    /// Its arguments.
    pub args: Vec<String>,
}

/// The emulated model, as stored in the state file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct State {
    /// Our unit (`app/0`).
    pub unit_name: String,
    /// Our application.
    pub app_name: String,
    /// Whether this unit leads.
    pub leader: bool,
    /// Charm config (`config-get`).
    pub config: Map<String, Value>,
    /// Relations, peer ones included.
    pub relations: Vec<Relation>,
    /// Secrets.
    pub secrets: Vec<Secret>,
    /// Current unit status.
    pub unit_status: Option<StatusEntry>,
    /// Current application status.
    pub app_status: Option<StatusEntry>,
    /// The unit status current before each unit `status-set`.
    pub unit_status_history: Vec<StatusEntry>,
    /// The application status current before each application `status-set`.
    pub app_status_history: Vec<StatusEntry>,
    /// Opened ports as `opened-ports` prints them (`80/tcp`, `icmp`).
    pub opened_ports: Vec<String>,
    /// The running action, if this is an action.
    pub action: Option<Action>,
    /// `juju-log` lines.
    pub logs: Vec<LogLine>,
    /// Every tool invocation, in order.
    pub calls: Vec<Call>,
    /// Network binding → ingress addresses (`network-get`).
    pub bindings: BTreeMap<String, Vec<String>>,
    /// Crash tests: the call with this number (1-based, counted in `calls`) fails (exit 1,
    /// nothing done), as a hook tool whose agent connection broke.
    pub fail_at_call: Option<usize>,
}

impl State {
    /// A unit `app/n` of application `app`, with nothing else.
    pub fn new(unit_name: &str) -> Self {
        Self {
            unit_name: unit_name.to_owned(),
            app_name: unit_name.split('/').next().unwrap_or(unit_name).to_owned(),
            ..Self::default()
        }
    }

    /// Reads a state file.
    pub fn load(path: &Path) -> io::Result<Self> {
        let text = std::fs::read_to_string(path)?;
        serde_json::from_str(&text).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
    }

    /// Writes a state file (via a temporary file and a rename).
    pub fn save(&self, path: &Path) -> io::Result<()> {
        let text = serde_json::to_string_pretty(self)
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
        let mut tmp = path.as_os_str().to_owned();
        tmp.push(".tmp");
        let tmp = PathBuf::from(tmp);
        std::fs::write(&tmp, text)?;
        std::fs::rename(&tmp, path)
    }

    /// The relation with this id.
    pub fn relation(&self, id: u32) -> Option<&Relation> {
        self.relations.iter().find(|r| r.id == id)
    }

    /// The tool names called, in order.
    pub fn called_tools(&self) -> Vec<&str> {
        self.calls.iter().map(|c| c.tool.as_str()).collect()
    }
}

/// The state file named by `FAKE_JUJU_STATE`.
pub fn state_path() -> Option<PathBuf> {
    std::env::var_os(STATE_ENV)
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
}

/// Creates `dir/<tool>` → `binary` symlinks for every name in [`TOOLS`] (replacing old ones).
#[cfg(unix)]
pub fn install_tools(dir: &Path, binary: &Path) -> io::Result<()> {
    std::fs::create_dir_all(dir)?;
    for tool in TOOLS {
        let link = dir.join(tool);
        match std::fs::remove_file(&link) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
        std::os::unix::fs::symlink(binary, &link)?;
    }
    Ok(())
}

/// Runs one tool against the state file named by `FAKE_JUJU_STATE`: load, log the call, apply,
/// save. A missing or unreadable state file is a usage error (exit 2).
pub fn run_with_state_file(tool: &str, args: &[String], stdin: &mut dyn io::Read) -> Outcome {
    let Some(path) = state_path() else {
        return Outcome::usage(format!("{STATE_ENV} is not set"));
    };
    let mut state = match State::load(&path) {
        Ok(state) => state,
        Err(e) => {
            return Outcome::usage(format!(
                "cannot read fake Juju state {}: {e}",
                path.display()
            ))
        }
    };
    let outcome = run_tool(&mut state, tool, args, stdin);
    match state.save(&path) {
        Ok(()) => outcome,
        Err(e) => Outcome::usage(format!(
            "cannot write fake Juju state {}: {e}",
            path.display()
        )),
    }
}
