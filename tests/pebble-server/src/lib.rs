//! A Pebble-protocol test server: Pebble's HTTP API (as juju-and-pebble.md §C and "observed
//! against a real daemon" describe it) on a unix socket, over an in-memory [`State`].
//!
//! It keeps layers (merged into the plan with the runtime's combine rules), service states,
//! a filesystem, changes and checks; it runs exec with real websockets (`stdio`, `stderr`,
//! `control`) and scripted results ([`ExecScript`]); and it records every request
//! ([`RequestRecord`]) and every exec ([`ExecRecord`]). Like Pebble it answers with its
//! envelope, uses chunked encoding for bodies over 2 KiB (as Go's `net/http` does), never closes
//! `stdio`/`stderr` after sending `end` and never answers a close handshake there.
//!
//! [`PebbleServer::start_with_faults`] makes it misbehave as a real Pebble can (frozen, killed
//! mid-request or mid-exec, a service failing to start): see [`Fault`] and docs/FAULTS.md.
//!
//! [`PebbleServer::start`] serves on a thread until dropped; the `pebble-test-server` binary
//! serves until killed and keeps a JSON state file up to date after every request.
//!
//! # Faithfulness to Pebble v1.32.1
//!
//! Checked against Pebble's own code (`internals/daemon/api_files.go`, `api_services.go`,
//! `overlord/servstate`), so that request counts and error paths measured here are the ones a
//! real Pebble would see:
//!
//! * **Missing paths.** Listing a missing path answers `404` with
//!   `{"kind": "not-found", "message": "stat <path>: no such file or directory"}`. Reading
//!   answers `200` with a multipart body whose `response` part carries one result per path:
//!   a missing file gets that same not-found error *inside the 200*, a directory gets
//!   `generic-file-error` `can only read a regular file: "<path>"`. Several `path` parameters
//!   are read in one request.
//! * **Replans.** A replan with nothing to stop or start still creates a change (summary
//!   `Replan - no services`, no tasks, `Done` at once) that the client waits on; otherwise the
//!   summary names the services (`Replan service "web"`, `... and N more`).
//! * **Change and task ids** are two sequences, each from 1, as Pebble's state numbers them
//!   (this server used to share one counter, so its change ids ran ahead of Pebble's).
//! * **`GET /v1/services`** reports `current-since` (left out while never set), which moves
//!   on every start and stop: a restarted service is told apart from one left running.
//! * **A service that exits within Pebble's first second** (`State::failing_services`) fails
//!   the change with `cannot perform the following tasks:\n- Start service "<name>" (cannot
//!   start service: exited quickly with code 1)` and is left in `backoff`.
//! * **Error bodies** use Pebble's envelope: `{"type": "error", "status-code": N, "status":
//!   "<reason>", "result": {"message": ..., "kind"?: ...}}`.
//!
//! Known differences that remain: no real processes run (a service's state is set by the
//! change that started or stopped it, at once), timestamps come from a deterministic tick
//! rather than the clock, `last-modified`/ownership in listings are fixed values, and only the
//! routes the runtime uses exist (others answer `404 invalid API endpoint requested`).

mod exec;
mod faults;
mod files;
mod http;
mod routes;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;

use paas_charm_runtime::pebble::{Layer, Plan};
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use faults::Fault;

/// A layer with its label.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LabelledLayer {
    /// The label (`rock`, `charm`, ...).
    pub label: String,
    /// The layer.
    pub layer: Layer,
}

/// A file in the in-memory filesystem.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct File {
    /// Content.
    pub content: Vec<u8>,
    /// Octal permissions (`644` when not given).
    pub permissions: String,
    /// Owner user name (empty: not given).
    pub user: String,
    /// Owner group name (empty: not given).
    pub group: String,
}

/// A scripted exec result: the entry with the longest matching argv prefix decides; a command
/// no entry matches exits 0 with no output.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ExecScript {
    /// argv prefix (whole elements).
    pub command_prefix: Vec<String>,
    /// Exit code.
    pub exit_code: i32,
    /// stdout.
    pub stdout: String,
    /// stderr.
    pub stderr: String,
    /// Also copy stdin to stdout (after `stdout`), like `cat`.
    pub echo_stdin: bool,
}

/// One exec the server ran.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ExecRecord {
    /// argv.
    pub command: Vec<String>,
    /// The request's environment.
    pub environment: BTreeMap<String, String>,
    /// `working-dir`.
    pub working_dir: Option<String>,
    /// `user`.
    pub user: Option<String>,
    /// `group`.
    pub group: Option<String>,
    /// `timeout`.
    pub timeout: Option<String>,
    /// `split-stderr`.
    pub split_stderr: bool,
    /// What arrived on stdin.
    pub stdin: String,
    /// The exit code sent back.
    pub exit_code: i32,
}

/// One HTTP request (websocket upgrades included).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RequestRecord {
    /// `GET`, `POST`, ...
    pub method: String,
    /// The path, without the query.
    pub path: String,
    /// The raw query string.
    pub query: String,
    /// The JSON body, when the body is JSON (multipart requests record their `request` part).
    pub body: Option<Value>,
}

impl RequestRecord {
    /// `METHOD /path` (the form request counts are compared in).
    pub fn line(&self) -> String {
        format!("{} {}", self.method, self.path)
    }
}

/// A check as `GET /v1/checks` reports it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CheckState {
    /// Name.
    pub name: String,
    /// Level.
    pub level: String,
    /// `up`, `down`, `inactive`.
    pub status: String,
    /// Failures.
    pub failures: u32,
    /// Threshold.
    pub threshold: u32,
}

/// One signal sent with `POST /v1/signals`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SignalRecord {
    /// The signal name.
    pub signal: String,
    /// The services.
    pub services: Vec<String>,
}

/// Everything the server knows. Tests set it up, and read it back after a run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct State {
    /// Layers in order.
    pub layers: Vec<LabelledLayer>,
    /// Service name → `active`, `inactive`, `backoff`, `error`; absent ones are `inactive`.
    pub service_status: BTreeMap<String, String>,
    /// The plan entry each running service was started with (replan restarts a changed one).
    pub started_with: BTreeMap<String, Value>,
    /// Services whose start fails (the change ends in error).
    pub failing_services: BTreeSet<String>,
    /// Files by absolute path.
    pub files: BTreeMap<String, File>,
    /// Directories (parents of files are implied).
    pub dirs: BTreeSet<String>,
    /// Scripted exec results.
    pub exec_scripts: Vec<ExecScript>,
    /// Executables `POST /v1/exec` reports as not found (a synchronous 400).
    pub missing_executables: BTreeSet<String>,
    /// Checks.
    pub checks: Vec<CheckState>,
    /// Changes by id.
    pub changes: BTreeMap<String, Value>,
    /// The last change id handed out (Pebble numbers changes and tasks separately, from 1).
    pub last_id: u64,
    /// The last task id handed out.
    pub last_task_id: u64,
    /// When each service entered its current state (`current-since`, RFC 3339): set on every
    /// start and stop, so a restarted service reports a new time, as Pebble's does.
    pub service_since: BTreeMap<String, String>,
    /// The server's clock for `current-since`: a tick per state change (deterministic).
    pub clock: u64,
    /// Every exec run, in order.
    pub execs: Vec<ExecRecord>,
    /// Every request, in order.
    pub requests: Vec<RequestRecord>,
    /// Every signal sent.
    pub signals: Vec<SignalRecord>,
    /// Crash tests: at the request with this number (1-based, counted in `requests`), the
    /// server carries the request out, then kills `kill_pid` with SIGKILL before answering and
    /// drops the connection: the hook dies at that exact point.
    pub kill_at_request: Option<usize>,
    /// The process `kill_at_request` kills (the hook under test).
    pub kill_pid: Option<u32>,
}

impl State {
    /// A Pebble whose only layer is `rock` (the workload image's).
    pub fn with_rock_layer(rock: Layer) -> Self {
        Self {
            layers: vec![LabelledLayer {
                label: "rock".into(),
                layer: rock,
            }],
            ..Self::default()
        }
    }

    /// Adds a file (its parent directories exist from then on).
    pub fn add_file(&mut self, path: &str, content: &[u8]) {
        files::add_parents(self, path);
        self.files.insert(
            path.to_owned(),
            File {
                content: content.to_vec(),
                permissions: "644".into(),
                ..File::default()
            },
        );
    }

    /// The merged plan.
    pub fn plan(&self) -> Plan {
        Layer::merge_into_plan(self.layers.iter().map(|l| &l.layer))
    }

    /// The layer with `label`, if added.
    pub fn layer(&self, label: &str) -> Option<&Layer> {
        self.layers
            .iter()
            .find(|l| l.label == label)
            .map(|l| &l.layer)
    }

    /// A service's current state.
    pub fn service_current(&self, name: &str) -> &str {
        self.service_status
            .get(name)
            .map_or("inactive", String::as_str)
    }

    /// The requests as `METHOD /path` lines.
    pub fn request_lines(&self) -> Vec<String> {
        self.requests.iter().map(RequestRecord::line).collect()
    }

    /// Reads a state file.
    pub fn load(path: &Path) -> io::Result<Self> {
        let text = std::fs::read_to_string(path)?;
        serde_json::from_str(&text).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
    }

    /// Writes a state file (through a temporary file and a rename).
    pub fn save(&self, path: &Path) -> io::Result<()> {
        let text = serde_json::to_string_pretty(self)
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
        let mut tmp = path.as_os_str().to_owned();
        tmp.push(".tmp");
        std::fs::write(&tmp, text)?;
        std::fs::rename(&tmp, path)
    }

    fn next_id(&mut self) -> String {
        self.last_id += 1;
        self.last_id.to_string()
    }

    fn next_task_id(&mut self) -> String {
        self.last_task_id += 1;
        self.last_task_id.to_string()
    }

    /// Puts a service in `current` now (its `current-since` moves on).
    pub fn set_service_current(&mut self, name: &str, current: &str) {
        self.clock += 1;
        self.service_status
            .insert(name.to_owned(), current.to_owned());
        let (secs, nanos) = (self.clock / 1_000_000_000, self.clock % 1_000_000_000);
        self.service_since.insert(
            name.to_owned(),
            format!(
                "2026-01-01T00:{:02}:{:02}.{nanos:09}Z",
                (secs / 60) % 60,
                secs % 60
            ),
        );
    }
}

/// What the connection threads share.
pub(crate) struct Shared {
    pub(crate) state: Mutex<State>,
    pub(crate) pending: Mutex<HashMap<String, exec::PendingExec>>,
    pub(crate) save_to: Option<PathBuf>,
    /// Every accepted connection, shut down when the server stops (as a restarted Pebble's).
    pub(crate) connections: Mutex<Vec<UnixStream>>,
    /// Injected faults (none for a well-behaved server).
    pub(crate) faults: faults::Faults,
}

impl Shared {
    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Saves the state file, when there is one (errors are reported, not fatal).
    pub(crate) fn persist(&self, state: &State) {
        if let Some(path) = &self.save_to {
            if let Err(e) = state.save(path) {
                eprintln!("pebble-test-server: cannot save {}: {e}", path.display());
            }
        }
    }
}

/// A running server; stops (and removes its socket) when dropped.
pub struct PebbleServer {
    socket: PathBuf,
    shared: Arc<Shared>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl PebbleServer {
    /// Serves `state` on `socket` (its directory is created; a stale socket is replaced).
    pub fn start(socket: impl Into<PathBuf>, state: State) -> io::Result<Self> {
        Self::start_with(socket.into(), state, None)
    }

    /// Like [`PebbleServer::start`], saving the state to `save_to` after every request.
    pub fn start_with(socket: PathBuf, state: State, save_to: Option<PathBuf>) -> io::Result<Self> {
        Self::start_with_faults(socket, state, save_to, Vec::new())
    }

    /// Like [`PebbleServer::start_with`], misbehaving as `faults` say (see [`Fault`]).
    pub fn start_with_faults(
        socket: PathBuf,
        state: State,
        save_to: Option<PathBuf>,
        faults: Vec<Fault>,
    ) -> io::Result<Self> {
        if let Some(dir) = socket.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let _ = std::fs::remove_file(&socket);
        let listener = UnixListener::bind(&socket)?;
        let shared = Arc::new(Shared {
            state: Mutex::new(state),
            pending: Mutex::new(HashMap::new()),
            save_to,
            connections: Mutex::new(Vec::new()),
            faults: faults::Faults::new(faults, &socket),
        });
        if let Some(path) = &shared.save_to {
            shared.lock().save(path)?;
        }
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let shared = Arc::clone(&shared);
            let stop = Arc::clone(&stop);
            std::thread::spawn(move || accept_loop(&listener, &shared, &stop))
        };
        Ok(Self {
            socket,
            shared,
            stop,
            thread: Some(thread),
        })
    }

    /// The socket path.
    pub fn socket(&self) -> &Path {
        &self.socket
    }

    /// The state now (a copy).
    pub fn state(&self) -> State {
        self.shared.lock().clone()
    }

    /// The injected faults that fired, in order.
    pub fn fired_faults(&self) -> Vec<Fault> {
        self.shared.faults.fired()
    }

    /// Changes the state in place (e.g. between two hooks).
    pub fn update(&self, change: impl FnOnce(&mut State)) {
        let mut state = self.shared.lock();
        change(&mut state);
        self.shared.persist(&state);
    }

    /// Blocks until the server stops (it stops only when dropped: for the binary).
    pub fn wait(mut self) {
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for PebbleServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop.
        let _ = UnixStream::connect(&self.socket);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        let connections = self
            .shared
            .connections
            .lock()
            .map(|mut c| std::mem::take(&mut *c))
            .unwrap_or_default();
        for connection in connections {
            let _ = connection.shutdown(std::net::Shutdown::Both);
        }
        let _ = std::fs::remove_file(&self.socket);
    }
}

fn accept_loop(listener: &UnixListener, shared: &Arc<Shared>, stop: &AtomicBool) {
    for stream in listener.incoming() {
        if stop.load(Ordering::SeqCst) || shared.faults.is_dead() {
            return;
        }
        let Ok(stream) = stream else { continue };
        if let (Ok(clone), Ok(mut connections)) = (stream.try_clone(), shared.connections.lock()) {
            connections.push(clone);
        }
        let shared = Arc::clone(shared);
        std::thread::spawn(move || http::serve_connection(stream, &shared));
    }
}
