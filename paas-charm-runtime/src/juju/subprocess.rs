//! [`SubprocessBackend`]: the [`Backend`] that runs Juju's hook tools as processes.
//!
//! Every method runs exactly one tool with the argv forms of the spec (juju-and-pebble.md §B)
//! and checks its exit code: a non-zero exit is classified from stderr with
//! [`HookToolError::classify`], a tool that cannot be started is [`HookToolError::Spawn`], and
//! output that is not the JSON the tool promises is [`HookToolError::BadOutput`].
//!
//! Secrets: relation data goes to `relation-set` as JSON on stdin (`--file -`), never in argv,
//! and stdin content never appears in an error. `action-set` has no stdin form, so action
//! results (which may hold a generated password) are passed as argv elements, one
//! `key=value` per element (no shell is involved, so `=`, spaces and quotes are safe); they are
//! visible in the process table for the duration of that call, as with ops. Tracing
//! (`PAAS_CHARM_TRACE_TOOLS`) logs tool names and durations only, never arguments.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::backend::{
    Backend, Bag, BagOwner, ConfigValues, GoalRelations, HookToolError, LogLevel, Port, RelationId,
    Scope, SecretQuery, Status,
};

/// The environment variable that turns on per-call timing on stderr.
pub const TRACE_ENV: &str = "PAAS_CHARM_TRACE_TOOLS";

/// Linux `ETXTBSY`: an executable still open for writing in some (forked) process.
const ETXTBSY: i32 = 26;

/// Runs the hook tools found on `PATH` (or first in a given directory).
#[derive(Debug, Clone, Default)]
pub struct SubprocessBackend {
    tool_dir: Option<PathBuf>,
    env: Vec<(OsString, OsString)>,
    calls: BTreeMap<String, u32>,
    trace: bool,
}

impl SubprocessBackend {
    /// Tools from `PATH`, as Juju sets it for a hook. Tracing follows `PAAS_CHARM_TRACE_TOOLS`.
    pub fn new() -> Self {
        Self {
            trace: std::env::var_os(TRACE_ENV).is_some_and(|v| !v.is_empty()),
            ..Self::default()
        }
    }

    /// Tools from `dir` first, then `PATH` (tests and emulators; the process `PATH` is not
    /// changed, only the child's).
    pub fn with_tool_dir(dir: impl Into<PathBuf>) -> Self {
        Self {
            tool_dir: Some(dir.into()),
            ..Self::new()
        }
    }

    /// Adds an environment variable to every tool's environment (e.g. an emulator's state
    /// file).
    pub fn env(mut self, key: impl Into<OsString>, value: impl Into<OsString>) -> Self {
        self.env.push((key.into(), value.into()));
        self
    }

    /// Turns per-call timing on stderr on or off.
    pub fn trace(mut self, on: bool) -> Self {
        self.trace = on;
        self
    }

    /// How many times each tool was run (attempted), by tool name.
    pub fn calls(&self) -> &BTreeMap<String, u32> {
        &self.calls
    }

    fn command(&self, tool: &str) -> Command {
        let mut command = match &self.tool_dir {
            Some(dir) => {
                let candidate = dir.join(tool);
                let mut command = if candidate.exists() {
                    Command::new(candidate)
                } else {
                    Command::new(tool)
                };
                let mut paths = vec![dir.clone()];
                if let Some(path) = std::env::var_os("PATH") {
                    paths.extend(std::env::split_paths(&path));
                }
                if let Ok(joined) = std::env::join_paths(paths) {
                    command.env("PATH", joined);
                }
                command
            }
            None => Command::new(tool),
        };
        for (key, value) in &self.env {
            command.env(key, value);
        }
        command
    }

    /// Runs `tool args...`, feeding `stdin` if given; returns stdout of a successful run.
    fn run(
        &mut self,
        tool: &str,
        args: &[&str],
        stdin: Option<&[u8]>,
    ) -> Result<Vec<u8>, HookToolError> {
        *self.calls.entry(tool.to_owned()).or_insert(0) += 1;
        let started = Instant::now();
        let result = self.run_once(tool, args, stdin);
        if self.trace {
            let outcome = match &result {
                Ok(_) => "ok",
                Err(_) => "error",
            };
            eprintln!(
                "paas-charm: hook tool {tool} took {:.3} ms ({outcome})",
                started.elapsed().as_secs_f64() * 1000.0
            );
        }
        result
    }

    fn run_once(
        &self,
        tool: &str,
        args: &[&str],
        stdin: Option<&[u8]>,
    ) -> Result<Vec<u8>, HookToolError> {
        let spawn_error = |e: std::io::Error| HookToolError::Spawn {
            tool: tool.to_owned(),
            message: e.to_string(),
        };
        check_args(tool, args)?;
        let mut attempt = 0;
        let mut child = loop {
            let mut command = self.command(tool);
            command
                .args(args)
                .stdin(if stdin.is_some() {
                    Stdio::piped()
                } else {
                    Stdio::null()
                })
                .stdout(Stdio::piped())
                .stderr(Stdio::piped());
            match command.spawn() {
                Ok(child) => break child,
                // A freshly written tool can be briefly busy while another thread forks.
                Err(e) if e.raw_os_error() == Some(ETXTBSY) && attempt < 5 => {
                    attempt += 1;
                    std::thread::sleep(Duration::from_millis(10 * attempt));
                }
                Err(e) => return Err(spawn_error(e)),
            }
        };
        // Write stdin on its own thread so a tool that prints before reading cannot deadlock.
        let (output, write_result) = std::thread::scope(|scope| {
            let writer = child.stdin.take().map(|mut pipe| {
                let data = stdin.unwrap_or_default();
                scope.spawn(move || pipe.write_all(data))
            });
            let output = child.wait_with_output();
            let write_result = match writer {
                Some(handle) => handle
                    .join()
                    .unwrap_or_else(|_| Err(std::io::Error::other("stdin writer panicked"))),
                None => Ok(()),
            };
            (output, write_result)
        });
        let output = output.map_err(spawn_error)?;
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            let message = if stderr.trim().is_empty() {
                format!("exited with {}", output.status)
            } else {
                stderr.into_owned()
            };
            return Err(HookToolError::classify(tool, &message));
        }
        if let Err(e) = write_result {
            // The error text is the OS error only, never the data.
            return Err(HookToolError::Failed {
                tool: tool.to_owned(),
                message: format!("could not write the input: {e}"),
            });
        }
        Ok(output.stdout)
    }

    /// Runs a tool and parses its stdout as JSON.
    fn run_json(&mut self, tool: &str, args: &[&str]) -> Result<Value, HookToolError> {
        let stdout = self.run(tool, args, None)?;
        serde_json::from_slice(&stdout).map_err(|e| bad_output(tool, e.to_string()))
    }
}

/// The longest single argument Linux accepts (`MAX_ARG_STRLEN`, 32 pages), terminating NUL
/// included: a longer one makes `execve` fail with E2BIG ("Argument list too long").
pub const MAX_ARG_BYTES: usize = 32 * 4096;

/// Refuses, before spawning, an argument the OS would refuse (too long, or with a NUL that
/// `execve` cannot pass). The error names the argument's position and size, never its text.
fn check_args(tool: &str, args: &[&str]) -> Result<(), HookToolError> {
    for (position, arg) in args.iter().enumerate() {
        if arg.len() >= MAX_ARG_BYTES || arg.contains('\0') {
            return Err(HookToolError::Failed {
                tool: tool.to_owned(),
                message: format!(
                    "argument {} ({} bytes) cannot be passed to a process: at most {} bytes \
                     and no NUL",
                    position + 1,
                    arg.len(),
                    MAX_ARG_BYTES - 1
                ),
            });
        }
    }
    Ok(())
}

fn bad_output(tool: &str, message: impl Into<String>) -> HookToolError {
    HookToolError::BadOutput {
        tool: tool.to_owned(),
        message: message.into(),
    }
}

/// A JSON type name for error messages (never the value: it may be a secret).
fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// An object, with `null` read as empty (Juju 4 may print `null`).
fn object_or_null(tool: &str, value: Value) -> Result<ConfigValues, HookToolError> {
    match value {
        Value::Null => Ok(ConfigValues::new()),
        Value::Object(map) => Ok(map),
        other => Err(bad_output(
            tool,
            format!("expected an object, got {}", kind(&other)),
        )),
    }
}

/// An object of strings.
fn string_bag(tool: &str, map: ConfigValues) -> Result<Bag, HookToolError> {
    map.into_iter()
        .map(|(key, value)| match value {
            Value::String(text) => Ok((key, text)),
            other => Err(bad_output(
                tool,
                format!("value of {key:?} is {}, expected a string", kind(&other)),
            )),
        })
        .collect()
}

/// A list of strings, with `null` read as empty.
fn string_list(tool: &str, value: Value) -> Result<Vec<String>, HookToolError> {
    match value {
        Value::Null => Ok(Vec::new()),
        Value::Array(items) => items
            .into_iter()
            .map(|item| match item {
                Value::String(text) => Ok(text),
                other => Err(bad_output(
                    tool,
                    format!("expected a list of strings, found {}", kind(&other)),
                )),
            })
            .collect(),
        other => Err(bad_output(
            tool,
            format!("expected a list, got {}", kind(&other)),
        )),
    }
}

/// `db:3` (or `3`) → 3.
fn parse_relation_id(text: &str) -> Option<RelationId> {
    text.rsplit(':').next()?.parse().ok()
}

impl Backend for SubprocessBackend {
    fn config_get(&mut self) -> Result<ConfigValues, HookToolError> {
        let value = self.run_json("config-get", &["--format=json"])?;
        object_or_null("config-get", value)
    }

    fn is_leader(&mut self) -> Result<bool, HookToolError> {
        match self.run_json("is-leader", &["--format=json"])? {
            Value::Bool(leader) => Ok(leader),
            other => Err(bad_output(
                "is-leader",
                format!("expected a boolean, got {}", kind(&other)),
            )),
        }
    }

    fn relation_ids(&mut self, endpoint: &str) -> Result<Vec<RelationId>, HookToolError> {
        let value = self.run_json("relation-ids", &["--format=json", endpoint])?;
        string_list("relation-ids", value)?
            .iter()
            .map(|text| {
                parse_relation_id(text)
                    .ok_or_else(|| bad_output("relation-ids", format!("bad relation id {text:?}")))
            })
            .collect()
    }

    fn relation_list(&mut self, id: RelationId) -> Result<Vec<String>, HookToolError> {
        let id = id.to_string();
        let value = self.run_json("relation-list", &["--format=json", "-r", &id])?;
        string_list("relation-list", value)
    }

    fn relation_remote_app(&mut self, id: RelationId) -> Result<Option<String>, HookToolError> {
        let id = id.to_string();
        match self.run_json("relation-list", &["--format=json", "-r", &id, "--app"])? {
            Value::Null => Ok(None),
            Value::String(app) if app.is_empty() => Ok(None),
            Value::String(app) => Ok(Some(app)),
            other => Err(bad_output(
                "relation-list",
                format!("expected an application name, got {}", kind(&other)),
            )),
        }
    }

    fn relation_get(&mut self, id: RelationId, owner: &BagOwner) -> Result<Bag, HookToolError> {
        let id = id.to_string();
        let mut args = vec!["--format=json", "-r", &id];
        let name = match owner {
            BagOwner::App(app) => {
                args.push("--app");
                app
            }
            BagOwner::Unit(unit) => unit,
        };
        args.extend(["-", name.as_str()]);
        let value = self.run_json("relation-get", &args)?;
        string_bag("relation-get", object_or_null("relation-get", value)?)
    }

    fn relation_set(
        &mut self,
        id: RelationId,
        scope: Scope,
        data: &Bag,
    ) -> Result<(), HookToolError> {
        let id = id.to_string();
        let mut args = vec!["-r", id.as_str()];
        if scope == Scope::App {
            args.push("--app");
        }
        args.extend(["--file", "-"]);
        let input = serde_json::to_vec(data).map_err(|e| HookToolError::Failed {
            tool: "relation-set".into(),
            message: format!("cannot encode the settings: {e}"),
        })?;
        self.run("relation-set", &args, Some(&input))?;
        Ok(())
    }

    fn status_set(&mut self, scope: Scope, status: &Status) -> Result<(), HookToolError> {
        let application = match scope {
            Scope::App => "--application=True",
            Scope::Unit => "--application=False",
        };
        self.run(
            "status-set",
            &[application, status.name.as_str(), "--", &status.message],
            None,
        )?;
        Ok(())
    }

    fn secret_get(&mut self, query: &SecretQuery) -> Result<Bag, HookToolError> {
        let mut args = vec!["--format=json"];
        match (&query.id, &query.label) {
            (Some(id), label) => {
                args.push(id);
                if let Some(label) = label {
                    args.extend(["--label", label]);
                }
            }
            (None, Some(label)) => args.extend(["--label", label]),
            (None, None) => {
                return Err(HookToolError::Failed {
                    tool: "secret-get".into(),
                    message: "a secret id or label is required".into(),
                })
            }
        }
        // Juju refuses both; --refresh already reads the latest revision.
        if query.refresh {
            args.push("--refresh");
        } else if query.peek {
            args.push("--peek");
        }
        let value = self.run_json("secret-get", &args)?;
        match value {
            Value::Object(map) => string_bag("secret-get", map),
            other => Err(bad_output(
                "secret-get",
                format!("expected an object, got {}", kind(&other)),
            )),
        }
    }

    fn opened_ports(&mut self) -> Result<Vec<Port>, HookToolError> {
        let value = self.run_json("opened-ports", &["--format=json"])?;
        string_list("opened-ports", value)?
            .iter()
            .map(|text| {
                Port::parse(text)
                    .ok_or_else(|| bad_output("opened-ports", format!("bad port {text:?}")))
            })
            .collect()
    }

    fn open_port(&mut self, port: &Port) -> Result<(), HookToolError> {
        self.run("open-port", &[&port.to_tool_arg()], None)?;
        Ok(())
    }

    fn close_port(&mut self, port: &Port) -> Result<(), HookToolError> {
        self.run("close-port", &[&port.to_tool_arg()], None)?;
        Ok(())
    }

    fn action_get(&mut self) -> Result<ConfigValues, HookToolError> {
        let value = self.run_json("action-get", &["--format=json"])?;
        object_or_null("action-get", value)
    }

    fn action_set(&mut self, results: &Bag) -> Result<(), HookToolError> {
        if results.is_empty() {
            return Ok(());
        }
        // No stdin form exists: each pair is one argv element (see the module documentation).
        let pairs: Vec<String> = results.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let args: Vec<&str> = pairs.iter().map(String::as_str).collect();
        self.run("action-set", &args, None)?;
        Ok(())
    }

    fn action_fail(&mut self, message: &str) -> Result<(), HookToolError> {
        self.run("action-fail", &["--", message], None)?;
        Ok(())
    }

    fn juju_log(&mut self, level: LogLevel, message: &str) -> Result<(), HookToolError> {
        self.run(
            "juju-log",
            &["--log-level", level.as_str(), "--", message],
            None,
        )?;
        Ok(())
    }

    fn ingress_address(&mut self, binding: &str) -> Result<Option<String>, HookToolError> {
        let value = self.run_json("network-get", &["--format=json", binding])?;
        let Value::Object(map) = value else {
            return Err(bad_output(
                "network-get",
                format!("expected an object, got {}", kind(&value)),
            ));
        };
        match map.get("ingress-addresses") {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Array(items)) => match items.first() {
                None => Ok(None),
                Some(Value::String(address)) => Ok(Some(address.clone())),
                Some(other) => Err(bad_output(
                    "network-get",
                    format!("ingress address is {}, expected a string", kind(other)),
                )),
            },
            Some(other) => Err(bad_output(
                "network-get",
                format!("ingress-addresses is {}, expected a list", kind(other)),
            )),
        }
    }

    fn goal_relations(&mut self) -> Result<Option<GoalRelations>, HookToolError> {
        let value = self.run_json("goal-state", &["--format=json"])?;
        let Value::Object(mut map) = value else {
            return Err(bad_output(
                "goal-state",
                format!("expected an object, got {}", kind(&value)),
            ));
        };
        let relations = match map.remove("relations") {
            None | Some(Value::Null) => return Ok(Some(GoalRelations::new())),
            Some(Value::Object(relations)) => relations,
            Some(other) => {
                return Err(bad_output(
                    "goal-state",
                    format!("relations is {}, expected an object", kind(&other)),
                ))
            }
        };
        // Built with insert, not collect (crate::sort).
        let mut goal = GoalRelations::new();
        for (endpoint, names) in relations {
            let mut units = std::collections::BTreeSet::new();
            match names {
                Value::Object(names) => units.extend(names.into_iter().map(|(k, _)| k)),
                Value::Null => {}
                other => {
                    return Err(bad_output(
                        "goal-state",
                        format!(
                            "relations of {endpoint:?} is {}, expected an object",
                            kind(&other)
                        ),
                    ))
                }
            }
            goal.insert(endpoint, units);
        }
        Ok(Some(goal))
    }
}

#[cfg(all(test, unix))]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::os::unix::fs::PermissionsExt;
    use std::path::{Path, PathBuf};
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;
    use crate::juju::StatusName;

    /// A fresh directory for fake tools; removed on drop.
    struct ToolDir(PathBuf);

    impl ToolDir {
        fn new() -> Self {
            static NEXT: AtomicU32 = AtomicU32::new(0);
            let dir = std::env::temp_dir().join(format!(
                "paas-charm-subprocess-{}-{}",
                std::process::id(),
                NEXT.fetch_add(1, Ordering::SeqCst)
            ));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            Self(dir)
        }

        fn log(&self) -> PathBuf {
            self.0.join("calls.log")
        }

        /// A tool that logs its argv (one line, arguments separated by `|`), saves stdin to
        /// `<tool>.stdin` when `save_stdin`, then runs `body`.
        fn tool(&self, name: &str, body: &str) {
            let path = self.0.join(name);
            let script = format!(
                "#!/bin/sh\n{{ printf '%s' '{name}'; for a in \"$@\"; do printf '|%s' \"$a\"; done; echo; }} >> '{}'\n{body}\n",
                self.log().display()
            );
            std::fs::write(&path, script).unwrap();
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        }

        fn calls(&self) -> Vec<String> {
            std::fs::read_to_string(self.log())
                .unwrap_or_default()
                .lines()
                .map(str::to_owned)
                .collect()
        }

        fn backend(&self) -> SubprocessBackend {
            SubprocessBackend::with_tool_dir(&self.0).trace(false)
        }

        fn path(&self) -> &Path {
            &self.0
        }
    }

    impl Drop for ToolDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn bag(pairs: &[(&str, &str)]) -> Bag {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn config_get_parses_object_and_null() {
        let dir = ToolDir::new();
        dir.tool("config-get", r#"echo '{"port": 8000, "name": "x"}'"#);
        let mut backend = dir.backend();
        let config = backend.config_get().unwrap();
        assert_eq!(config["port"], 8000);
        assert_eq!(config["name"], "x");
        assert_eq!(dir.calls(), ["config-get|--format=json"]);
        dir.tool("config-get", "echo null");
        assert!(backend.config_get().unwrap().is_empty());
        assert_eq!(backend.calls().get("config-get"), Some(&2));
    }

    #[test]
    fn non_json_and_wrong_shape_are_bad_output() {
        let dir = ToolDir::new();
        dir.tool("config-get", "echo 'not json'");
        dir.tool("is-leader", "echo '\"yes\"'");
        dir.tool("relation-get", r#"echo '{"a": 1}'"#);
        dir.tool("relation-ids", r#"echo '["db:x"]'"#);
        let mut backend = dir.backend();
        assert!(matches!(
            backend.config_get(),
            Err(HookToolError::BadOutput { .. })
        ));
        assert!(matches!(
            backend.is_leader(),
            Err(HookToolError::BadOutput { .. })
        ));
        assert!(matches!(
            backend.relation_get(1, &BagOwner::Unit("a/0".into())),
            Err(HookToolError::BadOutput { .. })
        ));
        assert!(matches!(
            backend.relation_ids("db"),
            Err(HookToolError::BadOutput { .. })
        ));
    }

    #[test]
    fn failures_are_classified_from_stderr() {
        let dir = ToolDir::new();
        dir.tool(
            "relation-list",
            r#"echo 'ERROR invalid value "39" for option -r: relation not found' >&2; exit 1"#,
        );
        dir.tool(
            "relation-set",
            "cat > /dev/null; echo 'ERROR cannot write relation settings' >&2; exit 1",
        );
        dir.tool(
            "secret-get",
            r#"echo 'ERROR secret "abc" not found' >&2; exit 1"#,
        );
        dir.tool("is-leader", "exit 3");
        let mut backend = dir.backend();
        assert!(matches!(
            backend.relation_list(39),
            Err(HookToolError::RelationNotFound { .. })
        ));
        let err = backend
            .relation_set(1, Scope::App, &bag(&[("password", "hunter2")]))
            .unwrap_err();
        assert!(matches!(err, HookToolError::NotLeader { .. }));
        assert!(!err.to_string().contains("hunter2"));
        assert!(matches!(
            backend.secret_get(&SecretQuery {
                id: Some("secret:abc".into()),
                label: None,
                refresh: false,
                peek: false,
            }),
            Err(HookToolError::SecretNotFound { .. })
        ));
        let err = backend.is_leader().unwrap_err();
        assert!(matches!(err, HookToolError::Failed { .. }), "{err:?}");
        assert!(err.to_string().contains("exit status: 3"), "{err}");
    }

    #[test]
    fn arguments_the_os_refuses_fail_before_spawning() {
        let dir = ToolDir::new();
        dir.tool("action-fail", "exit 0");
        let mut backend = dir.backend();
        let huge = "x".repeat(MAX_ARG_BYTES);
        let err = backend.action_fail(&huge).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "action-fail failed: argument 2 ({MAX_ARG_BYTES} bytes) cannot be passed to a \
                 process: at most {} bytes and no NUL",
                MAX_ARG_BYTES - 1
            )
        );
        let err = backend.action_fail("a\0b").unwrap_err();
        assert!(err.to_string().contains("argument 2 (3 bytes)"), "{err}");
        assert!(dir.calls().is_empty());
    }

    #[test]
    fn missing_tool_is_a_spawn_error() {
        let dir = ToolDir::new();
        let mut backend = SubprocessBackend::with_tool_dir(dir.path());
        let err = backend
            .juju_log(LogLevel::Info, "hello")
            .expect_err("no juju-log anywhere");
        // Unless the host has a real juju-log on PATH.
        if !matches!(err, HookToolError::Spawn { .. }) {
            assert!(std::process::Command::new("juju-log").output().is_ok());
        }
        assert_eq!(backend.calls().get("juju-log"), Some(&1));
    }

    #[test]
    fn relation_tools_use_the_exact_forms() {
        let dir = ToolDir::new();
        dir.tool("relation-ids", r#"echo '["db:3", "db:12"]'"#);
        dir.tool(
            "relation-list",
            r#"case "$*" in *--app*) echo '"pg"';; *) echo '["pg/0", "pg/1"]';; esac"#,
        );
        dir.tool("relation-get", r#"echo '{"host": "h", "user": "u"}'"#);
        dir.tool(
            "relation-set",
            &format!("cat > '{}'", dir.path().join("stdin").display()),
        );
        let mut backend = dir.backend();
        assert_eq!(backend.relation_ids("db").unwrap(), [3, 12]);
        assert_eq!(backend.relation_list(3).unwrap(), ["pg/0", "pg/1"]);
        assert_eq!(
            backend.relation_remote_app(3).unwrap().as_deref(),
            Some("pg")
        );
        assert_eq!(
            backend
                .relation_get(3, &BagOwner::Unit("pg/0".into()))
                .unwrap(),
            bag(&[("host", "h"), ("user", "u")])
        );
        backend
            .relation_get(3, &BagOwner::App("pg".into()))
            .unwrap();
        let data = bag(&[("password", "p w=\"x\""), ("gone", "")]);
        backend.relation_set(3, Scope::App, &data).unwrap();
        backend
            .relation_set(3, Scope::Unit, &bag(&[("k", "v")]))
            .unwrap();
        let stdin = std::fs::read_to_string(dir.path().join("stdin")).unwrap();
        assert_eq!(stdin, r#"{"k":"v"}"#);
        assert_eq!(
            dir.calls(),
            [
                "relation-ids|--format=json|db",
                "relation-list|--format=json|-r|3",
                "relation-list|--format=json|-r|3|--app",
                "relation-get|--format=json|-r|3|-|pg/0",
                "relation-get|--format=json|-r|3|--app|-|pg",
                "relation-set|-r|3|--app|--file|-",
                "relation-set|-r|3|--file|-",
            ]
        );
        assert!(!dir.calls().concat().contains("password"));
        assert_eq!(backend.calls().get("relation-set"), Some(&2));
        assert_eq!(backend.calls().get("relation-list"), Some(&2));
    }

    #[test]
    fn relation_set_sends_the_whole_object_on_stdin() {
        let dir = ToolDir::new();
        dir.tool(
            "relation-set",
            &format!("cat > '{}'", dir.path().join("stdin").display()),
        );
        let mut backend = dir.backend();
        let data = bag(&[("password", "p w=\"x\""), ("gone", "")]);
        backend.relation_set(3, Scope::App, &data).unwrap();
        let stdin = std::fs::read_to_string(dir.path().join("stdin")).unwrap();
        let sent: Bag = serde_json::from_str(&stdin).unwrap();
        assert_eq!(sent, data);
    }

    #[test]
    fn null_relation_data_is_empty() {
        let dir = ToolDir::new();
        dir.tool("relation-get", "echo null");
        dir.tool("relation-list", "echo null");
        let mut backend = dir.backend();
        assert!(backend
            .relation_get(1, &BagOwner::Unit("a/0".into()))
            .unwrap()
            .is_empty());
        assert_eq!(backend.relation_remote_app(1).unwrap(), None);
    }

    #[test]
    fn status_log_and_action_forms() {
        let dir = ToolDir::new();
        for tool in ["status-set", "juju-log", "action-set", "action-fail"] {
            dir.tool(tool, "");
        }
        dir.tool("action-get", r#"echo '{"name": "x", "n": 2}'"#);
        let mut backend = dir.backend();
        backend
            .status_set(Scope::Unit, &Status::blocked("-leading dash "))
            .unwrap();
        backend
            .status_set(
                Scope::App,
                &Status {
                    name: StatusName::Active,
                    message: String::new(),
                },
            )
            .unwrap();
        backend.juju_log(LogLevel::Warning, "--help me").unwrap();
        backend
            .action_set(&bag(&[("password", "a=b c"), ("user", "u")]))
            .unwrap();
        backend.action_set(&Bag::new()).unwrap();
        backend.action_fail("-x failed").unwrap();
        let params = backend.action_get().unwrap();
        assert_eq!(params["n"], 2);
        assert_eq!(
            dir.calls(),
            [
                "status-set|--application=False|blocked|--|-leading dash ",
                "status-set|--application=True|active|--|",
                "juju-log|--log-level|WARNING|--|--help me",
                "action-set|password=a=b c|user=u",
                "action-fail|--|-x failed",
                "action-get|--format=json",
            ]
        );
    }

    #[test]
    fn secret_get_forms() {
        let dir = ToolDir::new();
        dir.tool("secret-get", r#"echo '{"secret-key": "s"}'"#);
        let mut backend = dir.backend();
        let query = |id: Option<&str>, label: Option<&str>, refresh, peek| SecretQuery {
            id: id.map(str::to_owned),
            label: label.map(str::to_owned),
            refresh,
            peek,
        };
        assert_eq!(
            backend
                .secret_get(&query(Some("secret:abc"), None, false, false))
                .unwrap(),
            bag(&[("secret-key", "s")])
        );
        backend
            .secret_get(&query(Some("secret:abc"), Some("lbl"), true, false))
            .unwrap();
        backend
            .secret_get(&query(None, Some("lbl"), false, true))
            .unwrap();
        assert!(backend
            .secret_get(&query(None, None, false, false))
            .is_err());
        assert_eq!(
            dir.calls(),
            [
                "secret-get|--format=json|secret:abc",
                "secret-get|--format=json|secret:abc|--label|lbl|--refresh",
                "secret-get|--format=json|--label|lbl|--peek",
            ]
        );
    }

    #[test]
    fn ports_and_network() {
        let dir = ToolDir::new();
        dir.tool(
            "opened-ports",
            r#"echo '["80/tcp", "8080-8088/udp", "icmp"]'"#,
        );
        dir.tool("open-port", "");
        dir.tool("close-port", "");
        dir.tool(
            "network-get",
            r#"echo '{"bind-addresses": [], "ingress-addresses": ["10.0.0.5", "10.0.0.6"], "egress-subnets": []}'"#,
        );
        let mut backend = dir.backend();
        let ports = backend.opened_ports().unwrap();
        assert_eq!(ports.len(), 3);
        assert_eq!(ports[0], Port::tcp(80));
        backend.open_port(&Port::tcp(8000)).unwrap();
        backend.close_port(&Port::tcp(80)).unwrap();
        assert_eq!(
            backend.ingress_address("juju-info").unwrap().as_deref(),
            Some("10.0.0.5")
        );
        dir.tool("network-get", r#"echo '{"ingress-addresses": []}'"#);
        assert_eq!(backend.ingress_address("juju-info").unwrap(), None);
        dir.tool("opened-ports", r#"echo '["x/tcp"]'"#);
        assert!(matches!(
            backend.opened_ports(),
            Err(HookToolError::BadOutput { .. })
        ));
        assert_eq!(
            &dir.calls()[..4],
            [
                "opened-ports|--format=json",
                "open-port|8000/tcp",
                "close-port|80/tcp",
                "network-get|--format=json|juju-info",
            ]
        );
    }
}
