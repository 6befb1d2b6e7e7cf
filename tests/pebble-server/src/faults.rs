//! Fault injection: a Pebble that misbehaves as a real one can, for the fault tests
//! (docs/FAULTS.md). Faults are given to [`crate::PebbleServer::start_with_faults`]; the request
//! handling asks this module at three points only (before routing a request, after routing it,
//! and when an exec's websockets are all connected), so the routes stay Pebble's.
//!
//! - [`Fault::Freeze`]: from the first request that matches, the server reads requests and
//!   never answers (a Pebble that accepts connections and hangs).
//! - [`Fault::Die`]: the first matching request is carried out, then Pebble dies before
//!   answering: every connection is closed and nothing listens any more, but the socket file
//!   stays (as a killed Pebble leaves it), so a connect is refused.
//! - [`Fault::DieMidExec`]: Pebble dies once a matching exec's websockets are connected: the
//!   command's output, its `end` frames and its exit code never come.
//! - [`Fault::FreezeMidExec`]: Pebble freezes once a matching exec's websockets are connected:
//!   they stay open and silent, and no request is answered any more.
//! - [`Fault::SlowExec`]: not a fault of Pebble's: a matching command runs silently for a
//!   while before its output (a long migration), while Pebble answers everything else.
//! - [`Fault::StartFails`]: every start of a service fails the change as Pebble fails it, e.g.
//!   `exited quickly with code 3` (the service exited within its first second) or
//!   `fork/exec /bin/app: no such file or directory` (its binary is missing).

use std::io::Read;
use std::os::unix::net::UnixStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use serde_json::{json, Value};

use crate::http::{Reply, Request};
use crate::{Shared, State};

/// One way for the server to misbehave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Never answer, from the first request whose `METHOD /path` starts with this (empty:
    /// every request).
    Freeze(String),
    /// Carry out the first request whose `METHOD /path` starts with this, then die unanswered.
    Die(String),
    /// Die once the websockets of an exec whose argv starts with this are connected.
    DieMidExec(Vec<String>),
    /// Freeze once the websockets of an exec whose argv starts with this are connected.
    FreezeMidExec(Vec<String>),
    /// A command whose argv starts with `command` runs silently for `seconds` first.
    SlowExec {
        /// argv prefix.
        command: Vec<String>,
        /// How long it runs before its output.
        seconds: u64,
    },
    /// Starting the service fails its change with this error (`exited quickly with code 3`).
    StartFails {
        /// The service.
        service: String,
        /// Pebble's error for the start task, after `cannot start service: `.
        error: String,
    },
}

/// The faults of a server and whether it has died.
#[derive(Debug, Default)]
pub(crate) struct Faults {
    faults: Vec<Fault>,
    socket: std::path::PathBuf,
    frozen: AtomicBool,
    dead: AtomicBool,
    /// The faults that fired, in order (a test asserts its fault was reached).
    fired: Mutex<Vec<Fault>>,
}

/// What the connection does with a request.
pub(crate) enum Verdict {
    /// Route it and answer.
    Answer,
    /// Hold the connection without answering.
    Hang,
    /// Die without answering.
    Die,
}

impl Faults {
    pub(crate) fn new(faults: Vec<Fault>, socket: &std::path::Path) -> Self {
        Self {
            faults,
            socket: socket.to_owned(),
            ..Self::default()
        }
    }

    /// Whether the server has died (nothing may listen or answer any more).
    pub(crate) fn is_dead(&self) -> bool {
        self.dead.load(Ordering::SeqCst)
    }

    pub(crate) fn fired(&self) -> Vec<Fault> {
        self.fired.lock().map(|f| f.clone()).unwrap_or_default()
    }

    fn fire(&self, fault: &Fault) {
        if let Ok(mut fired) = self.fired.lock() {
            fired.push(fault.clone());
        }
    }

    /// Before routing: freeze (from a matching request on) or answer.
    pub(crate) fn before(&self, request: &Request) -> Verdict {
        if self.is_dead() {
            return Verdict::Hang;
        }
        if self.frozen.load(Ordering::SeqCst) {
            return Verdict::Hang;
        }
        let line = format!("{} {}", request.method, request.path);
        for fault in &self.faults {
            if let Fault::Freeze(prefix) = fault {
                if line.starts_with(prefix.as_str()) {
                    self.frozen.store(true, Ordering::SeqCst);
                    self.fire(fault);
                    return Verdict::Hang;
                }
            }
        }
        Verdict::Answer
    }

    /// After routing (state lock held): failing starts rewrite the change; a matching `Die`
    /// makes the request go unanswered ([`Verdict::Hang`] after [`die`]).
    pub(crate) fn after(&self, state: &mut State, request: &Request, reply: &Reply) -> Verdict {
        let line = format!("{} {}", request.method, request.path);
        if line == "POST /v1/services" {
            if let Reply::Json(202, envelope) = reply {
                if let Some(id) = envelope.get("change").and_then(Value::as_str) {
                    self.fail_starts(state, id);
                }
            }
        }
        for fault in &self.faults {
            if let Fault::Die(prefix) = fault {
                if line.starts_with(prefix.as_str()) && !self.is_dead() {
                    self.fire(fault);
                    return Verdict::Die;
                }
            }
        }
        Verdict::Answer
    }

    /// Whether exec `command` runs, or Pebble dies or freezes instead (its websockets are
    /// connected).
    pub(crate) fn in_exec(&self, command: &[String]) -> Option<Verdict> {
        for fault in &self.faults {
            match fault {
                Fault::DieMidExec(prefix) if command.starts_with(prefix) => {
                    self.fire(fault);
                    return Some(Verdict::Die);
                }
                Fault::FreezeMidExec(prefix) if command.starts_with(prefix) => {
                    self.frozen.store(true, Ordering::SeqCst);
                    self.fire(fault);
                    return Some(Verdict::Hang);
                }
                Fault::SlowExec {
                    command: prefix,
                    seconds,
                } if command.starts_with(prefix) => {
                    self.fire(fault);
                    std::thread::sleep(std::time::Duration::from_secs(*seconds));
                    return None;
                }
                _ => {}
            }
        }
        None
    }

    fn fail_starts(&self, state: &mut State, change_id: &str) {
        let Some(mut change) = state.changes.get(change_id).cloned() else {
            return;
        };
        let mut errors = Vec::new();
        if let Some(tasks) = change.get_mut("tasks").and_then(Value::as_array_mut) {
            for task in tasks.iter_mut() {
                let summary = task
                    .get("summary")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_owned();
                for fault in &self.faults {
                    let Fault::StartFails { service, error } = fault else {
                        continue;
                    };
                    if summary != format!("Start service {service:?}") {
                        continue;
                    }
                    task["status"] = json!("Error");
                    errors.push(format!(
                        "- Start service {service:?} (cannot start service: {error})"
                    ));
                    let exited = error.starts_with("exited quickly");
                    state.service_status.insert(
                        service.clone(),
                        if exited { "error" } else { "inactive" }.into(),
                    );
                    state.started_with.remove(service);
                    self.fire(fault);
                }
            }
        }
        if errors.is_empty() {
            return;
        }
        change["status"] = json!("Error");
        change["err"] = json!(format!(
            "cannot perform the following tasks:\n{}",
            errors.join("\n")
        ));
        state.changes.insert(change_id.to_owned(), change);
    }
}

/// Dies: every connection is closed and the accept loop stops listening (it is woken by one
/// last connection). The socket file is left, as a killed Pebble leaves it.
pub(crate) fn die(shared: &Shared) {
    shared.faults.dead.store(true, Ordering::SeqCst);
    let connections = shared
        .connections
        .lock()
        .map(|mut c| std::mem::take(&mut *c))
        .unwrap_or_default();
    for connection in connections {
        let _ = connection.shutdown(std::net::Shutdown::Both);
    }
    let _ = UnixStream::connect(&shared.faults.socket);
}

/// Carries out an exec's fault: dies, or holds its websockets open and silent.
pub(crate) fn exec_fault(
    verdict: Verdict,
    shared: &Shared,
    stdio: Option<UnixStream>,
    stderr: Option<UnixStream>,
) {
    match verdict {
        Verdict::Die => die(shared),
        Verdict::Hang | Verdict::Answer => {
            let stderr = stderr.map(|s| std::thread::spawn(move || hang(s)));
            if let Some(stdio) = stdio {
                hang(stdio);
            }
            if let Some(handle) = stderr {
                let _ = handle.join();
            }
        }
    }
}

/// Holds a connection without answering, until the client or the server closes it.
pub(crate) fn hang(mut stream: UnixStream) {
    let mut buf = [0u8; 4096];
    while let Ok(n) = stream.read(&mut buf) {
        if n == 0 {
            break;
        }
    }
}
