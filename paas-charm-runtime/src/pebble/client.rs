//! [`PebbleClient`]: the real [`Pebble`], over the workload container's unix socket
//! (juju-and-pebble.md §C and "observed against a real daemon").
//!
//! Requests go over one kept-alive HTTP/1.1 connection ([`super::http`]). Every JSON answer is
//! Pebble's envelope; an `error` envelope becomes [`PebbleError::Api`] (or
//! [`PebbleError::NotFound`] for a missing path on the files API), a missing or refusing socket
//! is [`PebbleError::Connection`]. Changes (replan, start, stop, restart, exec) are waited for
//! with `GET /v1/changes/{id}/wait`; a change in error is [`PebbleError::ChangeFailed`].
//!
//! Exec follows Pebble's Go client: `POST /v1/exec`, then the `stdio` (and, unless stderr is
//! combined, `stderr`) websockets — the process starts once they are connected; `control` is
//! optional and not used — stdin as binary frames and the `{"command":"end"}` text frame,
//! stdout/stderr read up to their `end` frames, then the sockets are dropped without a close
//! handshake (Pebble never answers one after the stdin `end`, so waiting for it would stall
//! every exec for the close timeout), and the exit code is read from the change.

use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::{json, Map, Value};
use tungstenite::{Message, WebSocket};

use super::http::{self, multipart, Body, Connection, Response};
use super::{
    CheckInfo, ExecOutput, ExecRequest, FileInfo, Layer, Pebble, PebbleError, Plan, PushOptions,
    ServiceInfo,
};

/// How long one request may take, from the first byte written to the last byte read: ops'
/// client timeout. A Pebble that accepts the connection and never answers fails the request
/// with [`PebbleError::Timeout`] after this long.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(5);

/// How long a service change (replan, start, stop, restart) is waited for (ops' default).
const CHANGE_TIMEOUT: Duration = Duration::from_secs(30);

/// The longest wait asked of `GET /v1/changes/{id}/wait` in one request: one second less than
/// [`REQUEST_TIMEOUT`], so Pebble answers (`504` when the change is not ready) before the
/// request's own timeout, as ops waits. A change wait is a loop of these up to its timeout.
const WAIT_STEP: Duration = Duration::from_secs(4);

/// What `GET /v1/system-info` says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SystemInfo {
    /// Pebble's version (`v1.32.1`).
    pub version: String,
    /// The kernel boot id.
    pub boot_id: String,
}

/// The Pebble client for one container. See the module documentation.
pub struct PebbleClient {
    connection: Connection,
    requests: u32,
}

impl PebbleClient {
    /// A client for the socket at `socket` (nothing is connected yet).
    pub fn new(socket: impl Into<PathBuf>) -> Self {
        let socket: PathBuf = socket.into();
        Self {
            connection: Connection::new(&socket),
            requests: 0,
        }
    }

    /// The client of a workload container's Pebble ([`super::socket_path`]).
    pub fn for_container(container: &str) -> Self {
        Self::new(super::socket_path(container))
    }

    /// The socket path.
    pub fn socket(&self) -> &Path {
        self.connection.socket()
    }

    /// How many HTTP requests (websocket upgrades included) this client has sent.
    pub fn requests(&self) -> u32 {
        self.requests
    }

    /// `GET /v1/system-info`.
    pub fn system_info(&mut self) -> Result<SystemInfo, PebbleError> {
        let result = self.sync("GET", "/v1/system-info", None)?;
        Ok(SystemInfo {
            version: str_field(&result, "version"),
            boot_id: str_field(&result, "boot-id"),
        })
    }

    fn send(
        &mut self,
        method: &str,
        target: &str,
        headers: &[(&str, &str)],
        body: Option<Body<'_>>,
        timeout: Option<Duration>,
    ) -> Result<Response, PebbleError> {
        self.requests += 1;
        self.connection
            .request(method, target, headers, body, timeout)
    }

    /// A request whose answer is a sync envelope; returns its `result` (null when absent).
    fn sync(
        &mut self,
        method: &str,
        target: &str,
        json_body: Option<&Value>,
    ) -> Result<Value, PebbleError> {
        let (_, result) = self.json(method, target, json_body, Some(REQUEST_TIMEOUT))?;
        Ok(result)
    }

    /// A request with a JSON body already encoded; returns the envelope and its `result`.
    /// The body is dropped before the answer is parsed.
    fn json_bytes(
        &mut self,
        method: &str,
        target: &str,
        bytes: Vec<u8>,
        timeout: Option<Duration>,
    ) -> Result<(Map<String, Value>, Value), PebbleError> {
        let body = Body {
            content_type: "application/json",
            bytes: &bytes,
        };
        let response = self.send(method, target, &[], Some(body), timeout)?;
        drop(bytes);
        envelope(&response)
    }

    /// A request with a JSON body (or none); returns the envelope and its `result`.
    fn json(
        &mut self,
        method: &str,
        target: &str,
        json_body: Option<&Value>,
        timeout: Option<Duration>,
    ) -> Result<(Map<String, Value>, Value), PebbleError> {
        let bytes = json_body.map(|v| v.to_string().into_bytes());
        let body = bytes.as_deref().map(|bytes| Body {
            content_type: "application/json",
            bytes,
        });
        let response = self.send(method, target, &[], body, timeout)?;
        envelope(&response)
    }

    /// A request answered with an async change; waits for it and returns the change.
    fn change(&mut self, target: &str, body: &Value) -> Result<Value, PebbleError> {
        let (envelope, _) = self.json("POST", target, Some(body), Some(REQUEST_TIMEOUT))?;
        let id = change_id(&envelope)?;
        let change = self.wait(&id, Some(CHANGE_TIMEOUT))?;
        check_change(&id, &change)?;
        Ok(change)
    }

    /// Waits for change `id` to be ready, up to `timeout` (none: no limit), as ops does: a loop
    /// of `GET /v1/changes/{id}/wait?timeout=` requests of at most [`WAIT_STEP`] each, every one
    /// bounded by [`REQUEST_TIMEOUT`]; Pebble's `504` means "not yet". Only a change wait may
    /// take longer than one request.
    fn wait(&mut self, id: &str, timeout: Option<Duration>) -> Result<Value, PebbleError> {
        let deadline = timeout.map(|t| Instant::now() + t);
        loop {
            let step = match deadline {
                Some(deadline) => {
                    let left = deadline.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        return Err(PebbleError::ChangeFailed {
                            id: id.to_owned(),
                            err: format!(
                                "timed out waiting for the change ({} s)",
                                timeout.map_or(0, |t| t.as_secs())
                            ),
                        });
                    }
                    left.min(WAIT_STEP)
                }
                None => WAIT_STEP,
            };
            let target = format!(
                "/v1/changes/{id}/wait?timeout={}ms",
                step.as_millis().max(1)
            );
            match self.json("GET", &target, None, Some(REQUEST_TIMEOUT)) {
                Ok((_, result)) => {
                    if result.get("ready").and_then(Value::as_bool) != Some(false) {
                        return Ok(result);
                    }
                    // Pebble answers when the change is ready or its wait times out; a "not
                    // ready" answer is waited out like ops' polling.
                    std::thread::sleep(Duration::from_millis(100));
                }
                Err(PebbleError::Api { status: 504, .. }) => {}
                Err(err) => return Err(err),
            }
        }
    }

    fn services_action(&mut self, action: &str, services: &[String]) -> Result<(), PebbleError> {
        let body = if action == "replan" {
            json!({"action": action})
        } else {
            json!({"action": action, "services": services})
        };
        self.change("/v1/services", &body).map(drop)
    }

    /// A files-API request whose result is `[{path, error?}]`: the first error, per item.
    fn files_result(path: &str, result: &Value) -> Result<(), PebbleError> {
        let items = result.as_array().map(Vec::as_slice).unwrap_or_default();
        for item in items {
            if let Some(error) = item.get("error").filter(|e| !e.is_null()) {
                return Err(item_error(path, error));
            }
        }
        Ok(())
    }

    /// Connects an exec task's websocket. The upgrade is bounded by [`REQUEST_TIMEOUT`]; the
    /// socket keeps that timeout on each read and write ([`read_stream`] handles silence).
    fn websocket(&mut self, task: &str, id: &str) -> Result<WebSocket<UnixStream>, PebbleError> {
        self.requests += 1;
        let path = format!("/v1/tasks/{task}/websocket/{id}");
        let named = |e: PebbleError| match e {
            PebbleError::Connection(message) => {
                PebbleError::Connection(format!("GET {path}: {message}"))
            }
            other => other,
        };
        let stream = http::connect(self.socket()).map_err(named)?;
        stream
            .set_read_timeout(Some(REQUEST_TIMEOUT))
            .and_then(|()| stream.set_write_timeout(Some(REQUEST_TIMEOUT)))
            .map_err(|e| named(http::io_error(&e)))?;
        let url = format!("ws://localhost{path}");
        match tungstenite::client::client(url.as_str(), stream) {
            Ok((socket, _)) => Ok(socket),
            Err(tungstenite::HandshakeError::Failure(tungstenite::Error::Io(e)))
                if http::is_timeout(&e) =>
            {
                Err(PebbleError::Timeout {
                    request: format!("GET {path}"),
                    seconds: REQUEST_TIMEOUT.as_secs(),
                })
            }
            Err(tungstenite::HandshakeError::Interrupted(_)) => Err(PebbleError::Timeout {
                request: format!("GET {path}"),
                seconds: REQUEST_TIMEOUT.as_secs(),
            }),
            Err(tungstenite::HandshakeError::Failure(tungstenite::Error::Http(response))) => {
                let status = response.status().as_u16();
                let body = response.body().clone().unwrap_or_default();
                Err(error_from_body(status, &body))
            }
            Err(e) => Err(PebbleError::Protocol(format!(
                "websocket {id} of task {task}: {e}"
            ))),
        }
    }
}

fn str_field(value: &Value, key: &str) -> String {
    value
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// Parses Pebble's envelope; an error envelope (or an error status) is an error.
fn envelope(response: &Response) -> Result<(Map<String, Value>, Value), PebbleError> {
    let value: Value = serde_json::from_slice(&response.body).map_err(|e| {
        PebbleError::Protocol(format!(
            "HTTP {} with a body that is not JSON ({e}): {}",
            response.status,
            snippet(&response.body)
        ))
    })?;
    let Value::Object(mut map) = value else {
        return Err(PebbleError::Protocol(format!(
            "HTTP {}: the answer is not an object",
            response.status
        )));
    };
    let result = map.remove("result").unwrap_or(Value::Null);
    let is_error = map.get("type").and_then(Value::as_str) == Some("error");
    if is_error || response.status >= 400 {
        return Err(api_error(response.status, &result));
    }
    Ok((map, result))
}

fn api_error(status: u16, result: &Value) -> PebbleError {
    PebbleError::Api {
        status,
        kind: result
            .get("kind")
            .and_then(Value::as_str)
            .filter(|k| !k.is_empty())
            .map(str::to_owned),
        message: result
            .get("message")
            .and_then(Value::as_str)
            .unwrap_or("Pebble gave no message")
            .to_owned(),
    }
}

/// An error from a non-envelope body (a failed websocket upgrade answers JSON or text).
fn error_from_body(status: u16, body: &[u8]) -> PebbleError {
    let text = String::from_utf8_lossy(body);
    let json_start = text.find('{').unwrap_or(0);
    match crate::json::from_str::<Value>(&text[json_start..]) {
        Ok(value) => api_error(status, value.get("result").unwrap_or(&value)),
        Err(_) => PebbleError::Api {
            status,
            kind: None,
            message: text.trim().to_owned(),
        },
    }
}

fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    text.chars().take(200).collect()
}

/// A files API error: `not-found` is [`PebbleError::NotFound`].
fn not_found_or(path: &str, err: PebbleError) -> PebbleError {
    match err {
        PebbleError::Api { status, kind, .. }
            if kind.as_deref() == Some("not-found") || (status == 404 && kind.is_none()) =>
        {
            PebbleError::NotFound(path.to_owned())
        }
        other => other,
    }
}

fn item_error(path: &str, error: &Value) -> PebbleError {
    let kind = error.get("kind").and_then(Value::as_str);
    if kind == Some("not-found") {
        return PebbleError::NotFound(path.to_owned());
    }
    PebbleError::Api {
        status: 200,
        kind: kind.map(str::to_owned),
        message: error
            .get("message")
            .and_then(Value::as_str)
            .unwrap_or("file operation failed")
            .to_owned(),
    }
}

fn change_id(envelope: &Map<String, Value>) -> Result<String, PebbleError> {
    envelope
        .get("change")
        .and_then(Value::as_str)
        .filter(|id| !id.is_empty())
        .map(str::to_owned)
        .ok_or_else(|| PebbleError::Protocol("an async answer without a change id".into()))
}

fn check_change(id: &str, change: &Value) -> Result<(), PebbleError> {
    let err = change.get("err").and_then(Value::as_str).unwrap_or("");
    let status = change.get("status").and_then(Value::as_str).unwrap_or("");
    if !err.is_empty() || status == "Error" {
        return Err(PebbleError::ChangeFailed {
            id: id.to_owned(),
            err: if err.is_empty() {
                format!("change status {status}")
            } else {
                err.to_owned()
            },
        });
    }
    if change.get("ready").and_then(Value::as_bool) == Some(false) {
        return Err(PebbleError::ChangeFailed {
            id: id.to_owned(),
            err: "the change did not finish in time".into(),
        });
    }
    Ok(())
}

/// Query-string encoding of one value.
fn encode(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

fn random_boundary() -> String {
    let mut bytes = [0u8; 16];
    // The time is a fallback only; any boundary absent from the content works.
    if getrandom::fill(&mut bytes).is_err() {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        bytes = nanos.to_le_bytes();
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn ownership(body: &mut Map<String, Value>, options: &PushOptions) {
    if let Some(permissions) = &options.permissions {
        body.insert("permissions".into(), json!(permissions));
    }
    if let Some(user) = &options.user {
        body.insert("user".into(), json!(user));
    }
    if let Some(group) = &options.group {
        body.insert("group".into(), json!(group));
    }
}

/// Asks Pebble about an exec's change on a connection of its own: whether it is ready.
/// Bounded by [`REQUEST_TIMEOUT`], so a frozen Pebble is an error.
fn probe_change(socket: &Path, change: &str) -> Result<bool, PebbleError> {
    let mut connection = Connection::new(socket);
    let response = connection.request(
        "GET",
        &format!("/v1/changes/{change}"),
        &[],
        None,
        Some(REQUEST_TIMEOUT),
    )?;
    let (_, result) = envelope(&response)?;
    Ok(result.get("ready").and_then(Value::as_bool) == Some(true))
}

/// Reads one exec stream up to its `end` frame (or the connection's end); returns the bytes
/// and how many probe requests were sent.
///
/// A command may legitimately print nothing for longer than a request may take (a migration
/// has no timeout), so silence alone is no error: after [`REQUEST_TIMEOUT`] without a frame,
/// `probe` asks Pebble about the change (one request, itself bounded). A Pebble that does not
/// answer fails the exec; one whose change is ready but which still sends nothing for another
/// period ends the stream with what arrived.
fn read_stream(
    socket: &mut WebSocket<UnixStream>,
    probe: &(dyn Fn() -> Result<bool, PebbleError> + Sync),
) -> Result<(Vec<u8>, u32), PebbleError> {
    let mut out = Vec::new();
    let mut probes = 0;
    let mut ready_seen = false;
    loop {
        let read = socket.read();
        if let Err(tungstenite::Error::Io(e)) = &read {
            if http::is_timeout(e) {
                if ready_seen {
                    return Ok((out, probes));
                }
                probes += 1;
                ready_seen = probe()?;
                continue;
            }
        }
        ready_seen = false;
        match read {
            Ok(Message::Binary(bytes)) => out.extend_from_slice(&bytes),
            Ok(Message::Text(text)) => {
                let command = crate::json::from_str::<Value>(text.as_str())
                    .ok()
                    .and_then(|v| v.get("command").and_then(Value::as_str).map(str::to_owned));
                if command.as_deref() == Some("end") {
                    return Ok((out, probes));
                }
            }
            Ok(Message::Close(_)) => return Ok((out, probes)),
            Ok(_) => {}
            Err(tungstenite::Error::ConnectionClosed | tungstenite::Error::AlreadyClosed) => {
                return Ok((out, probes))
            }
            Err(tungstenite::Error::Io(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
                return Ok((out, probes))
            }
            Err(tungstenite::Error::Protocol(
                tungstenite::error::ProtocolError::ResetWithoutClosingHandshake,
            )) => return Ok((out, probes)),
            Err(tungstenite::Error::Io(e)) => {
                return Err(PebbleError::Connection(format!("exec output: {e}")))
            }
            Err(e) => return Err(PebbleError::Protocol(format!("exec output: {e}"))),
        }
    }
}

fn end_frame() -> Message {
    Message::Text(r#"{"command":"end"}"#.into())
}

impl Pebble for PebbleClient {
    /// Whether the socket accepts a connection. The connection is kept and carries the next
    /// request, so asking costs no request (ops asks `GET /v1/system-info`; a unix socket that
    /// accepts is a Pebble that listens).
    fn can_connect(&mut self) -> bool {
        self.connection.open().is_ok()
    }

    fn plan(&mut self) -> Result<Plan, PebbleError> {
        let result = self.sync("GET", "/v1/plan?format=yaml", None)?;
        let text = result
            .as_str()
            .ok_or_else(|| PebbleError::Protocol("the plan is not a YAML string".into()))?;
        Layer::from_yaml(text).map_err(|e| PebbleError::Protocol(e.to_string()))
    }

    fn add_layer(&mut self, label: &str, layer: &Layer, combine: bool) -> Result<(), PebbleError> {
        // Built at its exact size, the YAML escaped straight into it (see `body`).
        let bytes = super::body::add_layer(label, layer, combine).map_err(PebbleError::Protocol)?;
        self.json_bytes("POST", "/v1/layers", bytes, Some(REQUEST_TIMEOUT))
            .map(drop)
    }

    fn replan(&mut self) -> Result<(), PebbleError> {
        self.services_action("replan", &[])
    }

    fn start(&mut self, services: &[String]) -> Result<(), PebbleError> {
        self.services_action("start", services)
    }

    fn stop(&mut self, services: &[String]) -> Result<(), PebbleError> {
        self.services_action("stop", services)
    }

    fn restart(&mut self, services: &[String]) -> Result<(), PebbleError> {
        self.services_action("restart", services)
    }

    fn services(&mut self) -> Result<Vec<ServiceInfo>, PebbleError> {
        let result = self.sync("GET", "/v1/services", None)?;
        let items = result
            .as_array()
            .ok_or_else(|| PebbleError::Protocol("services: not a list".into()))?;
        Ok(items
            .iter()
            .map(|item| ServiceInfo {
                name: str_field(item, "name"),
                startup: str_field(item, "startup"),
                current: str_field(item, "current"),
                current_since: item
                    .get("current-since")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
            })
            .collect())
    }

    fn send_signal(&mut self, signal: &str, services: &[String]) -> Result<(), PebbleError> {
        let body = json!({"signal": signal, "services": services});
        self.sync("POST", "/v1/signals", Some(&body)).map(drop)
    }

    fn push(
        &mut self,
        path: &str,
        content: &[u8],
        options: &PushOptions,
    ) -> Result<(), PebbleError> {
        let mut file = Map::new();
        file.insert("path".into(), json!(path));
        file.insert("make-dirs".into(), json!(options.make_dirs));
        ownership(&mut file, options);
        let request = json!({"action": "write", "files": [file]});
        let mut boundary = random_boundary();
        while content
            .windows(boundary.len())
            .any(|w| w == boundary.as_bytes())
        {
            boundary = random_boundary();
        }
        let body = multipart::write(
            &boundary,
            &[
                multipart::Part {
                    name: "request".into(),
                    filename: None,
                    content_type: Some("application/json".into()),
                    content: request.to_string().into_bytes(),
                },
                multipart::Part {
                    name: "files".into(),
                    filename: Some(path.to_owned()),
                    content_type: Some("application/octet-stream".into()),
                    content: content.to_vec(),
                },
            ],
        );
        let content_type = format!("multipart/form-data; boundary={boundary}");
        let response = self.send(
            "POST",
            "/v1/files",
            &[],
            Some(Body {
                content_type: &content_type,
                bytes: &body,
            }),
            Some(REQUEST_TIMEOUT),
        )?;
        let (_, result) = envelope(&response).map_err(|e| not_found_or(path, e))?;
        Self::files_result(path, &result)
    }

    fn pull(&mut self, path: &str) -> Result<Vec<u8>, PebbleError> {
        let target = format!("/v1/files?action=read&path={}", encode(path));
        let response = self.send(
            "GET",
            &target,
            &[("Accept", "multipart/form-data")],
            None,
            Some(REQUEST_TIMEOUT),
        )?;
        let content_type = response.content_type.clone().unwrap_or_default();
        let Some(boundary) = multipart::boundary(&content_type) else {
            // An error envelope (or something unexpected).
            let (_, result) = envelope(&response).map_err(|e| not_found_or(path, e))?;
            Self::files_result(path, &result)?;
            return Err(PebbleError::Protocol(format!(
                "a file read answered {content_type:?}, not multipart"
            )));
        };
        let parts = multipart::parse(&boundary, &response.body)
            .map_err(|e| PebbleError::Protocol(format!("file read: {e}")))?;
        let mut content = None;
        let mut status = None;
        for part in parts {
            match part.name.as_str() {
                "files" if part.filename.as_deref() == Some(path) => content = Some(part.content),
                "response" => status = Some(part.content),
                _ => {}
            }
        }
        let Some(status) = status else {
            return Err(PebbleError::Protocol(
                "a file read without its response part".into(),
            ));
        };
        let response = Response {
            status: response.status,
            content_type: Some("application/json".into()),
            body: status,
        };
        let (_, result) = envelope(&response).map_err(|e| not_found_or(path, e))?;
        Self::files_result(path, &result)?;
        content.ok_or_else(|| PebbleError::Protocol(format!("no content for {path}")))
    }

    fn list_files(&mut self, path: &str) -> Result<Vec<FileInfo>, PebbleError> {
        let target = format!("/v1/files?action=list&path={}", encode(path));
        let result = self
            .sync("GET", &target, None)
            .map_err(|e| not_found_or(path, e))?;
        let items = result
            .as_array()
            .ok_or_else(|| PebbleError::Protocol("file list: not a list".into()))?;
        Ok(items
            .iter()
            .map(|item| FileInfo {
                path: str_field(item, "path"),
                name: str_field(item, "name"),
                kind: str_field(item, "type"),
            })
            .collect())
    }

    fn make_dir(&mut self, path: &str, options: &PushOptions) -> Result<(), PebbleError> {
        let mut dir = Map::new();
        dir.insert("path".into(), json!(path));
        dir.insert("make-parents".into(), json!(options.make_dirs));
        ownership(&mut dir, options);
        let body = json!({"action": "make-dirs", "dirs": [dir]});
        let result = self
            .sync("POST", "/v1/files", Some(&body))
            .map_err(|e| not_found_or(path, e))?;
        Self::files_result(path, &result)
    }

    fn exec(&mut self, request: &ExecRequest) -> Result<ExecOutput, PebbleError> {
        // Borrowed fields, encoded once at the exact size: the environment can be large.
        #[derive(serde::Serialize)]
        struct ExecBody<'a> {
            command: &'a [String],
            #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
            environment: &'a std::collections::BTreeMap<String, String>,
            #[serde(rename = "working-dir", skip_serializing_if = "Option::is_none")]
            working_dir: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            user: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            group: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            timeout: Option<String>,
            #[serde(rename = "split-stderr")]
            split_stderr: bool,
            terminal: bool,
            interactive: bool,
        }
        let split = !request.combine_stderr;
        let body = ExecBody {
            command: &request.command,
            environment: &request.environment,
            working_dir: request.working_dir.as_deref(),
            user: request.user.as_deref(),
            group: request.group.as_deref(),
            timeout: request.timeout_secs.map(|secs| format!("{secs}s")),
            split_stderr: split,
            terminal: false,
            interactive: false,
        };
        let bytes = super::body::exact_json(&body)
            .map_err(|e| PebbleError::Protocol(format!("cannot encode the exec request: {e}")))?;
        let (envelope, result) =
            self.json_bytes("POST", "/v1/exec", bytes, Some(REQUEST_TIMEOUT))?;
        let change = change_id(&envelope)?;
        let task = result
            .get("task-id")
            .and_then(Value::as_str)
            .ok_or_else(|| PebbleError::Protocol("exec answered without a task id".into()))?
            .to_owned();
        let mut stdio = self.websocket(&task, "stdio")?;
        let mut stderr_socket = if split {
            Some(self.websocket(&task, "stderr")?)
        } else {
            None
        };
        let socket_path = self.socket().to_owned();
        let probe = || probe_change(&socket_path, &change);
        let (stdout, stderr) = std::thread::scope(|scope| {
            let stderr_reader = stderr_socket
                .as_mut()
                .map(|socket| scope.spawn(|| read_stream(socket, &probe)));
            let stdout = (|| {
                let write = |e: tungstenite::Error| match e {
                    tungstenite::Error::Io(e) if http::is_timeout(&e) => PebbleError::Timeout {
                        request: format!("exec stdin of task {task}"),
                        seconds: REQUEST_TIMEOUT.as_secs(),
                    },
                    tungstenite::Error::Io(e) => {
                        PebbleError::Connection(format!("exec stdin of task {task}: {e}"))
                    }
                    other => PebbleError::Protocol(format!("exec stdin: {other}")),
                };
                if let Some(input) = request.stdin.as_ref().filter(|i| !i.is_empty()) {
                    for chunk in input.chunks(128 * 1024) {
                        stdio
                            .send(Message::Binary(chunk.to_vec().into()))
                            .map_err(write)?;
                    }
                }
                stdio.send(end_frame()).map_err(write)?;
                read_stream(&mut stdio, &probe)
            })();
            let stderr = match stderr_reader {
                Some(handle) => handle.join().unwrap_or_else(|_| {
                    Err(PebbleError::Protocol("stderr reader panicked".into()))
                }),
                None => Ok((Vec::new(), 0)),
            };
            (stdout, stderr)
        });
        // Dropping the sockets closes them without a handshake (see the module docs).
        drop(stdio);
        drop(stderr_socket);
        let ((stdout, stdout_probes), (stderr, stderr_probes)) = (stdout?, stderr?);
        self.requests += stdout_probes + stderr_probes;
        let wait_timeout = request
            .timeout_secs
            .map(|secs| Duration::from_secs(secs + 1));
        let done = self.wait(&change, wait_timeout)?;
        let exit_code = done
            .pointer("/tasks/0/data/exit-code")
            .and_then(Value::as_i64)
            .and_then(|c| i32::try_from(c).ok());
        let exit_code = match exit_code {
            Some(code) => code,
            None => {
                check_change(&change, &done)?;
                return Err(PebbleError::Protocol(format!(
                    "exec change {change} finished without an exit code"
                )));
            }
        };
        Ok(ExecOutput {
            exit_code,
            stdout: String::from_utf8_lossy(&stdout).into_owned(),
            stderr: String::from_utf8_lossy(&stderr).into_owned(),
        })
    }

    fn checks(&mut self) -> Result<Vec<CheckInfo>, PebbleError> {
        let result = self.sync("GET", "/v1/checks", None)?;
        let items = result
            .as_array()
            .ok_or_else(|| PebbleError::Protocol("checks: not a list".into()))?;
        let number = |item: &Value, key: &str| {
            item.get(key)
                .and_then(Value::as_u64)
                .and_then(|n| u32::try_from(n).ok())
                .unwrap_or(0)
        };
        Ok(items
            .iter()
            .map(|item| CheckInfo {
                name: str_field(item, "name"),
                level: str_field(item, "level"),
                status: str_field(item, "status"),
                failures: number(item, "failures"),
                threshold: number(item, "threshold"),
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_socket_is_a_connection_error() {
        let mut client = PebbleClient::new("/nonexistent/dir/pebble.socket");
        assert!(!client.can_connect());
        assert!(matches!(client.plan(), Err(PebbleError::Connection(_))));
        assert!(matches!(client.pull("/x"), Err(PebbleError::Connection(_))));
    }

    #[test]
    fn error_envelopes_keep_status_kind_and_message() {
        let response = Response {
            status: 404,
            content_type: Some("application/json".into()),
            body: br#"{"type":"error","status-code":404,"status":"Not Found","result":{"message":"stat /x: no such file or directory","kind":"not-found"}}"#.to_vec(),
        };
        let err = envelope(&response).unwrap_err();
        assert_eq!(
            not_found_or("/x", err.clone()),
            PebbleError::NotFound("/x".into())
        );
        assert_eq!(
            err,
            PebbleError::Api {
                status: 404,
                kind: Some("not-found".into()),
                message: "stat /x: no such file or directory".into()
            }
        );
        let bad = Response {
            status: 200,
            content_type: None,
            body: b"<html>".to_vec(),
        };
        assert!(matches!(envelope(&bad), Err(PebbleError::Protocol(_))));
        let text = error_from_body(
            400,
            b"Bad Request\n{\"type\":\"error\",\"result\":{\"message\":\"no upgrade\"}}",
        );
        assert_eq!(
            text,
            PebbleError::Api {
                status: 400,
                kind: None,
                message: "no upgrade".into()
            }
        );
    }

    #[test]
    fn a_change_wait_asks_in_steps_until_pebble_says_ready() {
        use std::io::{BufRead, BufReader, Write};
        let dir = std::env::temp_dir().join(format!("pebble-wait-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("pebble.socket");
        let listener = std::os::unix::net::UnixListener::bind(&path).expect("bind");
        let server = std::thread::spawn(move || {
            let (stream, _) = listener.accept().expect("accept");
            let mut reader = BufReader::new(stream);
            let mut targets = Vec::new();
            let timeout = r#"{"type":"error","status-code":504,"result":{"message":"timed out waiting for change after 4s"}}"#;
            let ready = r#"{"type":"sync","status-code":200,"result":{"id":"7","status":"Done","ready":true}}"#;
            for body in [timeout, timeout, ready] {
                let mut line = String::new();
                reader.read_line(&mut line).expect("request line");
                targets.push(line.split(' ').nth(1).unwrap_or("").to_owned());
                loop {
                    let mut header = String::new();
                    reader.read_line(&mut header).expect("header");
                    if header == "\r\n" {
                        break;
                    }
                }
                let status = if body == ready {
                    "200 OK"
                } else {
                    "504 Gateway Timeout"
                };
                let answer = format!(
                    "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
                    body.len()
                );
                reader
                    .get_mut()
                    .write_all(answer.as_bytes())
                    .expect("answer");
            }
            targets
        });
        let mut client = PebbleClient::new(&path);
        let change = client.wait("7", Some(CHANGE_TIMEOUT)).expect("ready");
        assert_eq!(change["status"], "Done");
        assert_eq!(client.requests(), 3);
        assert_eq!(
            server.join().expect("server"),
            ["/v1/changes/7/wait?timeout=4000ms"; 3]
        );
    }

    #[test]
    fn failed_changes_carry_pebble_error_text() {
        let change =
            json!({"id": "3", "status": "Error", "ready": true, "err": "cannot start service"});
        assert_eq!(
            check_change("3", &change),
            Err(PebbleError::ChangeFailed {
                id: "3".into(),
                err: "cannot start service".into()
            })
        );
        assert_eq!(
            check_change("3", &json!({"status": "Done", "ready": true})),
            Ok(())
        );
        assert!(check_change("4", &json!({"status": "Doing", "ready": false})).is_err());
    }
}
