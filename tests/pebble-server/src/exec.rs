//! `POST /v1/exec` and the task websockets: the scripted command "runs" once `stdio` (and
//! `stderr` when split) are connected; stdin is read up to its `end` frame, output goes back
//! as binary frames then `end`, and the change gets the exit code. Like Pebble, nothing is
//! closed afterwards and a close handshake is never answered: the socket is drained until the
//! client drops it.

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::time::Duration;

use serde_json::{json, Value};
use tungstenite::protocol::Role;
use tungstenite::{Message, WebSocket};

use crate::http::{async_change, error, Reply};
use crate::{ExecRecord, Shared, State};

/// An exec waiting for its websockets.
pub(crate) struct PendingExec {
    change: String,
    record: ExecRecord,
    stdio: Option<WebSocket<UnixStream>>,
    stderr: Option<WebSocket<UnixStream>>,
}

fn strings(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

fn opt_text(body: &Value, key: &str) -> Option<String> {
    body.get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

pub(crate) fn start(state: &mut State, shared: &Shared, body: &Value) -> Reply {
    let command = strings(body.get("command"));
    let Some(program) = command.first() else {
        return error(400, None, "must specify command");
    };
    if state.missing_executables.contains(program) {
        return error(400, None, format!("cannot find executable {program:?}"));
    }
    let environment = body
        .get("environment")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
                .collect()
        })
        .unwrap_or_default();
    let record = ExecRecord {
        command: command.clone(),
        environment,
        working_dir: opt_text(body, "working-dir"),
        user: opt_text(body, "user"),
        group: opt_text(body, "group"),
        timeout: opt_text(body, "timeout"),
        split_stderr: body
            .get("split-stderr")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        ..ExecRecord::default()
    };
    let task = state.next_task_id();
    let change = state.next_id();
    state.changes.insert(
        change.clone(),
        json!({"id": change, "kind": "exec", "summary": format!("Execute command {program:?}"),
               "status": "Doing", "ready": false,
               "tasks": [{"id": task, "kind": "exec", "status": "Doing"}]}),
    );
    let working_dir = record.working_dir.clone().unwrap_or_else(|| "/root".into());
    lock_pending(shared).insert(
        task.clone(),
        PendingExec {
            change: change.clone(),
            record,
            stdio: None,
            stderr: None,
        },
    );
    async_change(
        &change,
        json!({"task-id": task, "environment": {"HOME": "/root", "LANG": "C.UTF-8",
               "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "USER": "root"},
               "working-dir": working_dir}),
    )
}

fn lock_pending(
    shared: &Shared,
) -> std::sync::MutexGuard<'_, std::collections::HashMap<String, PendingExec>> {
    shared.pending.lock().unwrap_or_else(|p| p.into_inner())
}

/// Checks a websocket request before the upgrade (Pebble's errors for wrong ones).
pub(crate) fn route(state: &State, shared: &Shared, task: &str, id: &str) -> Reply {
    let pending = lock_pending(shared);
    let Some(exec) = pending.get(task) else {
        let finished = state
            .changes
            .values()
            .find(|c| c.pointer("/tasks/0/id").and_then(Value::as_str) == Some(task));
        return match finished {
            Some(change) => error(
                500,
                None,
                change
                    .get("err")
                    .and_then(Value::as_str)
                    .unwrap_or("the exec has finished")
                    .to_owned(),
            ),
            None => error(404, None, format!("cannot find task {task:?}")),
        };
    };
    match id {
        "control" => {}
        "stdio" if exec.stdio.is_some() => {
            return error(500, None, "stdio websocket already connected")
        }
        "stderr" if !exec.record.split_stderr => {
            return error(
                404,
                None,
                format!("cannot find stderr websocket for task {task:?}"),
            )
        }
        "stderr" if exec.stderr.is_some() => {
            return error(500, None, "stderr websocket already connected")
        }
        "stdio" | "stderr" => {}
        other => return error(404, None, format!("invalid websocket id {other:?}")),
    }
    Reply::Websocket {
        task: task.to_owned(),
        id: id.to_owned(),
    }
}

/// Completes the upgrade and plays the exec once its sockets are all there.
pub(crate) fn websocket(mut stream: UnixStream, shared: &Shared, task: &str, id: &str, key: &str) {
    let accept = tungstenite::handshake::derive_accept_key(key.as_bytes());
    let head = format!(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n"
    );
    if stream.write_all(head.as_bytes()).is_err() {
        return;
    }
    let socket = WebSocket::from_raw_socket(stream, Role::Server, None);
    if id == "control" {
        drain(socket);
        return;
    }
    let ready = {
        let mut pending = lock_pending(shared);
        let Some(exec) = pending.get_mut(task) else {
            return;
        };
        if id == "stdio" {
            exec.stdio = Some(socket);
        } else {
            exec.stderr = Some(socket);
        }
        let ready = exec.stdio.is_some() && (!exec.record.split_stderr || exec.stderr.is_some());
        if ready {
            pending.remove(task)
        } else {
            None
        }
    };
    if let Some(mut exec) = ready {
        if let Some(verdict) = shared.faults.in_exec(&exec.record.command) {
            let stdio = exec.stdio.take().map(WebSocket::into_inner);
            let stderr = exec.stderr.take().map(WebSocket::into_inner);
            crate::faults::exec_fault(verdict, shared, stdio, stderr);
            return;
        }
        run(exec, shared);
    }
}

fn end() -> Message {
    Message::Text(r#"{"command":"end"}"#.into())
}

fn run(mut exec: PendingExec, shared: &Shared) {
    let Some(mut stdio) = exec.stdio.take() else {
        return;
    };
    let mut stdin = Vec::new();
    loop {
        match stdio.read() {
            Ok(Message::Binary(bytes)) => stdin.extend_from_slice(&bytes),
            Ok(Message::Text(text)) if text.as_str().contains("\"end\"") => break,
            Ok(Message::Text(_) | Message::Ping(_) | Message::Pong(_) | Message::Frame(_)) => {}
            Ok(Message::Close(_)) | Err(_) => break,
        }
    }
    let (stdout, stderr) = {
        let mut state = shared.lock();
        let script = state
            .exec_scripts
            .iter()
            .filter(|s| exec.record.command.starts_with(&s.command_prefix))
            .max_by_key(|s| s.command_prefix.len())
            .cloned()
            .unwrap_or_default();
        let mut stdout = script.stdout.into_bytes();
        if script.echo_stdin {
            stdout.extend_from_slice(&stdin);
        }
        exec.record.stdin = String::from_utf8_lossy(&stdin).into_owned();
        exec.record.exit_code = script.exit_code;
        state.execs.push(exec.record.clone());
        if let Some(change) = state.changes.get_mut(&exec.change) {
            change["status"] = json!("Done");
            change["ready"] = json!(true);
            change["tasks"][0]["status"] = json!("Done");
            change["tasks"][0]["data"] = json!({"exit-code": script.exit_code});
        }
        shared.persist(&state);
        (stdout, script.stderr.into_bytes())
    };
    let mut out = stdout;
    if !exec.record.split_stderr {
        out.extend_from_slice(&stderr);
    }
    let send = |socket: &mut WebSocket<UnixStream>, bytes: Vec<u8>| {
        if !bytes.is_empty() {
            let _ = socket.send(Message::Binary(bytes.into()));
        }
        let _ = socket.send(end());
    };
    let stderr_drain = exec.stderr.take().map(|mut socket| {
        send(&mut socket, stderr);
        std::thread::spawn(move || drain(socket))
    });
    send(&mut stdio, out);
    drain(stdio);
    if let Some(handle) = stderr_drain {
        let _ = handle.join();
    }
}

/// Reads raw bytes until the client drops the connection, answering nothing (Pebble does not
/// answer a close handshake after `end`). Bounded, so a client that never drops cannot pin a
/// thread forever.
fn drain(socket: WebSocket<UnixStream>) {
    let mut stream = socket.into_inner();
    let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
    let mut buf = [0u8; 4096];
    while let Ok(n) = stream.read(&mut buf) {
        if n == 0 {
            break;
        }
    }
}
