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
use std::time::Duration;

use serde_json::{json, Map, Value};
use tungstenite::{Message, WebSocket};

use super::http::{self, multipart, Body, Connection, Response};
use super::{
    CheckInfo, ExecOutput, ExecRequest, FileInfo, Layer, Pebble, PebbleError, Plan, PushOptions,
    ServiceInfo,
};

/// How long a plain request may take.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// How long a service change (replan, start, stop, restart) is waited for (ops' default).
const CHANGE_TIMEOUT: Duration = Duration::from_secs(30);

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

    /// `GET /v1/changes/{id}/wait`, with Pebble's timeout when given.
    fn wait(&mut self, id: &str, timeout: Option<Duration>) -> Result<Value, PebbleError> {
        let target = match timeout {
            Some(t) => format!("/v1/changes/{id}/wait?timeout={}ms", t.as_millis()),
            None => format!("/v1/changes/{id}/wait"),
        };
        let read_timeout = timeout.map(|t| t + Duration::from_secs(5));
        let (_, result) = self.json("GET", &target, None, read_timeout)?;
        Ok(result)
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

    fn websocket(&mut self, task: &str, id: &str) -> Result<WebSocket<UnixStream>, PebbleError> {
        self.requests += 1;
        let stream = http::connect(self.socket())?;
        stream
            .set_read_timeout(None)
            .map_err(|e| http::io_error(&e))?;
        let url = format!("ws://localhost/v1/tasks/{task}/websocket/{id}");
        match tungstenite::client::client(url.as_str(), stream) {
            Ok((socket, _)) => Ok(socket),
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
    match serde_json::from_str::<Value>(&text[json_start..]) {
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

/// Reads one exec stream up to its `end` frame (or the connection's end).
fn read_stream(socket: &mut WebSocket<UnixStream>) -> Result<Vec<u8>, PebbleError> {
    let mut out = Vec::new();
    loop {
        match socket.read() {
            Ok(Message::Binary(bytes)) => out.extend_from_slice(&bytes),
            Ok(Message::Text(text)) => {
                let command = serde_json::from_str::<Value>(text.as_str())
                    .ok()
                    .and_then(|v| v.get("command").and_then(Value::as_str).map(str::to_owned));
                if command.as_deref() == Some("end") {
                    return Ok(out);
                }
            }
            Ok(Message::Close(_)) => return Ok(out),
            Ok(_) => {}
            Err(tungstenite::Error::ConnectionClosed | tungstenite::Error::AlreadyClosed) => {
                return Ok(out)
            }
            Err(tungstenite::Error::Io(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
                return Ok(out)
            }
            Err(tungstenite::Error::Protocol(
                tungstenite::error::ProtocolError::ResetWithoutClosingHandshake,
            )) => return Ok(out),
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
        let yaml = layer
            .to_yaml()
            .map_err(|e| PebbleError::Protocol(e.to_string()))?;
        let body = json!({
            "action": "add",
            "label": label,
            "combine": combine,
            "format": "yaml",
            "layer": yaml,
        });
        self.sync("POST", "/v1/layers", Some(&body)).map(drop)
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
        let mut body = Map::new();
        body.insert("command".into(), json!(request.command));
        if !request.environment.is_empty() {
            body.insert("environment".into(), json!(request.environment));
        }
        if let Some(dir) = &request.working_dir {
            body.insert("working-dir".into(), json!(dir));
        }
        if let Some(user) = &request.user {
            body.insert("user".into(), json!(user));
        }
        if let Some(group) = &request.group {
            body.insert("group".into(), json!(group));
        }
        if let Some(secs) = request.timeout_secs {
            body.insert("timeout".into(), json!(format!("{secs}s")));
        }
        let split = !request.combine_stderr;
        body.insert("split-stderr".into(), json!(split));
        body.insert("terminal".into(), json!(false));
        body.insert("interactive".into(), json!(false));
        let (envelope, result) = self.json(
            "POST",
            "/v1/exec",
            Some(&Value::Object(body)),
            Some(REQUEST_TIMEOUT),
        )?;
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
        let (stdout, stderr) = std::thread::scope(|scope| {
            let stderr_reader = stderr_socket
                .as_mut()
                .map(|socket| scope.spawn(move || read_stream(socket)));
            let stdout = (|| {
                let write =
                    |e: tungstenite::Error| PebbleError::Protocol(format!("exec stdin: {e}"));
                if let Some(input) = request.stdin.as_ref().filter(|i| !i.is_empty()) {
                    for chunk in input.chunks(128 * 1024) {
                        stdio
                            .send(Message::Binary(chunk.to_vec().into()))
                            .map_err(write)?;
                    }
                }
                stdio.send(end_frame()).map_err(write)?;
                read_stream(&mut stdio)
            })();
            let stderr = match stderr_reader {
                Some(handle) => handle.join().unwrap_or_else(|_| {
                    Err(PebbleError::Protocol("stderr reader panicked".into()))
                }),
                None => Ok(Vec::new()),
            };
            (stdout, stderr)
        });
        // Dropping the sockets closes them without a handshake (see the module docs).
        drop(stdio);
        drop(stderr_socket);
        let (stdout, stderr) = (stdout?, stderr?);
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
