//! The Pebble side: the workload container's service manager, as a trait ([`Pebble`]) with
//! the real client over the unix socket (`client`) and an in-memory one in the harness.

pub mod body;
pub mod client;
pub mod http;
pub mod layer;

use std::collections::BTreeMap;
use std::path::PathBuf;

pub use client::{PebbleClient, SystemInfo};
pub use layer::{Check, Layer, LogTarget, Plan, Service};

/// The default directory holding `<container>/pebble.socket` in the charm container.
pub const DEFAULT_CONTAINERS_DIR: &str = "/charm/containers";

/// The environment variable that overrides [`DEFAULT_CONTAINERS_DIR`] (tests point it elsewhere).
pub const CONTAINERS_DIR_ENV: &str = "PAAS_CHARM_CONTAINERS_DIR";

/// The socket path of a container's Pebble.
pub fn socket_path(container: &str) -> PathBuf {
    let dir = std::env::var(CONTAINERS_DIR_ENV)
        .ok()
        .filter(|d| !d.is_empty())
        .unwrap_or_else(|| DEFAULT_CONTAINERS_DIR.to_owned());
    PathBuf::from(dir).join(container).join("pebble.socket")
}

/// A Pebble request failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PebbleError {
    /// The socket does not answer (missing, refused, closed).
    #[error("cannot connect to Pebble: {0}")]
    Connection(String),
    /// Pebble answered with an error (`kind` as Pebble reports it, e.g. `not-found`).
    #[error("Pebble API error ({status}): {message}")]
    Api {
        /// HTTP status code.
        status: u16,
        /// Pebble's error kind, when given.
        kind: Option<String>,
        /// Pebble's message.
        message: String,
    },
    /// Pebble accepted the connection but did not answer the request in time (ops' client
    /// gives up after 5 s too).
    #[error("Pebble did not answer {request} within {seconds} s")]
    Timeout {
        /// The request, `METHOD /path`.
        request: String,
        /// The time it was given.
        seconds: u64,
    },
    /// A path that does not exist.
    #[error("not found: {0}")]
    NotFound(String),
    /// A change (replan, start, ...) ended in error.
    #[error("Pebble change {id} failed: {err}")]
    ChangeFailed {
        /// The change id.
        id: String,
        /// Pebble's error text.
        err: String,
    },
    /// Pebble's answer does not have the documented shape.
    #[error("unexpected Pebble response: {0}")]
    Protocol(String),
}

/// Ownership and creation options of a file write.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PushOptions {
    /// Create missing parent directories.
    pub make_dirs: bool,
    /// Octal permissions (`644`); Pebble's default when absent.
    pub permissions: Option<String>,
    /// Owner user name.
    pub user: Option<String>,
    /// Owner group name.
    pub group: Option<String>,
}

/// One entry of a directory listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileInfo {
    /// Absolute path.
    pub path: String,
    /// Base name.
    pub name: String,
    /// `file`, `directory`, `symlink`, ...
    pub kind: String,
}

/// A service's current state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceInfo {
    /// Service name.
    pub name: String,
    /// `enabled` or `disabled`.
    pub startup: String,
    /// `active`, `inactive`, `backoff` or `error`.
    pub current: String,
    /// When the service entered its current state (Pebble's `current-since`, RFC 3339), as
    /// Pebble reports it; `None` when Pebble leaves it out (never started). A restarted
    /// service reports a new time.
    pub current_since: Option<String>,
}

impl ServiceInfo {
    /// Whether the service is running.
    pub fn is_running(&self) -> bool {
        self.current == "active"
    }
}

/// A check's current state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckInfo {
    /// Check name.
    pub name: String,
    /// `alive`/`ready`/empty.
    pub level: String,
    /// `up`, `down` or `inactive`.
    pub status: String,
    /// Consecutive failures.
    pub failures: u32,
    /// Failure threshold.
    pub threshold: u32,
}

/// A command to run in the workload container.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExecRequest {
    /// argv.
    pub command: Vec<String>,
    /// Environment (added to Pebble's defaults).
    pub environment: BTreeMap<String, String>,
    /// Working directory.
    pub working_dir: Option<String>,
    /// User name.
    pub user: Option<String>,
    /// Group name.
    pub group: Option<String>,
    /// Timeout in seconds; none means no timeout.
    pub timeout_secs: Option<u64>,
    /// Bytes for the command's stdin.
    pub stdin: Option<Vec<u8>>,
    /// Merge stderr into stdout.
    pub combine_stderr: bool,
}

impl ExecRequest {
    /// A request for `argv` with no other parameters.
    pub fn new<I, S>(argv: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self {
            command: argv.into_iter().map(Into::into).collect(),
            ..Self::default()
        }
    }
}

/// What a finished command produced.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExecOutput {
    /// Exit code (-1 when the command timed out).
    pub exit_code: i32,
    /// Captured stdout.
    pub stdout: String,
    /// Captured stderr (empty when combined).
    pub stderr: String,
}

impl ExecOutput {
    /// Exit code zero.
    pub fn success(&self) -> bool {
        self.exit_code == 0
    }
}

/// The Pebble API a paas charm uses. One method is one request (or one exec).
pub trait Pebble {
    /// `GET /v1/system-info` answers.
    fn can_connect(&mut self) -> bool;
    /// `GET /v1/plan?format=yaml`
    fn plan(&mut self) -> Result<Plan, PebbleError>;
    /// `POST /v1/layers` (action add).
    fn add_layer(&mut self, label: &str, layer: &Layer, combine: bool) -> Result<(), PebbleError>;
    /// `POST /v1/services` replan, waiting for the change.
    fn replan(&mut self) -> Result<(), PebbleError>;
    /// `POST /v1/services` start, waiting for the change.
    fn start(&mut self, services: &[String]) -> Result<(), PebbleError>;
    /// `POST /v1/services` stop, waiting for the change.
    fn stop(&mut self, services: &[String]) -> Result<(), PebbleError>;
    /// `POST /v1/services` restart, waiting for the change.
    fn restart(&mut self, services: &[String]) -> Result<(), PebbleError>;
    /// `GET /v1/services`
    fn services(&mut self) -> Result<Vec<ServiceInfo>, PebbleError>;
    /// `POST /v1/signals`
    fn send_signal(&mut self, signal: &str, services: &[String]) -> Result<(), PebbleError>;
    /// `POST /v1/files` write.
    fn push(
        &mut self,
        path: &str,
        content: &[u8],
        options: &PushOptions,
    ) -> Result<(), PebbleError>;
    /// `GET /v1/files?action=read`; a missing file is [`PebbleError::NotFound`].
    fn pull(&mut self, path: &str) -> Result<Vec<u8>, PebbleError>;
    /// `GET /v1/files?action=list`; a missing directory is [`PebbleError::NotFound`].
    fn list_files(&mut self, path: &str) -> Result<Vec<FileInfo>, PebbleError>;
    /// `POST /v1/files` make-dirs.
    fn make_dir(&mut self, path: &str, options: &PushOptions) -> Result<(), PebbleError>;
    /// `POST /v1/exec` with its websockets, then the change's exit code.
    fn exec(&mut self, request: &ExecRequest) -> Result<ExecOutput, PebbleError>;
    /// `GET /v1/checks`
    fn checks(&mut self) -> Result<Vec<CheckInfo>, PebbleError>;
}
