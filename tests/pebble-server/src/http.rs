//! HTTP/1.1 server side: requests parsed with `httparse`, kept-alive connections, replies in
//! Pebble's envelope, chunked above 2 KiB.

use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::net::UnixStream;

use serde_json::{json, Value};

use crate::{exec, faults, routes, RequestRecord, Shared};

/// A parsed request.
pub(crate) struct Request {
    pub(crate) method: String,
    pub(crate) path: String,
    pub(crate) query: String,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
}

impl Request {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Every value of a query parameter.
    pub(crate) fn query_all(&self, name: &str) -> Vec<String> {
        url::form_urlencoded::parse(self.query.as_bytes())
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
            .collect()
    }

    /// The first value of a query parameter (empty when absent).
    pub(crate) fn query(&self, name: &str) -> String {
        self.query_all(name).into_iter().next().unwrap_or_default()
    }

    pub(crate) fn record(&self) -> RequestRecord {
        let is_json = self
            .header("content-type")
            .is_some_and(|t| t.starts_with("application/json"));
        RequestRecord {
            method: self.method.clone(),
            path: self.path.clone(),
            query: self.query.clone(),
            body: if is_json {
                serde_json::from_slice(&self.body).ok()
            } else {
                None
            },
        }
    }
}

/// What a route answers.
pub(crate) enum Reply {
    /// A JSON body with a status.
    Json(u16, Value),
    /// Raw bytes with a content type.
    Raw(u16, String, Vec<u8>),
    /// Upgrade to a websocket of an exec task.
    Websocket { task: String, id: String },
}

pub(crate) fn sync(result: Value) -> Reply {
    Reply::Json(
        200,
        json!({"type": "sync", "status-code": 200, "status": "OK", "result": result}),
    )
}

pub(crate) fn async_change(change: &str, result: Value) -> Reply {
    Reply::Json(
        202,
        json!({"type": "async", "status-code": 202, "status": "Accepted", "change": change, "result": result}),
    )
}

pub(crate) fn error(status: u16, kind: Option<&str>, message: impl Into<String>) -> Reply {
    let mut result = json!({"message": message.into()});
    if let Some(kind) = kind {
        result["kind"] = json!(kind);
    }
    Reply::Json(
        status,
        json!({"type": "error", "status-code": status, "status": reason(status), "result": result}),
    )
}

pub(crate) fn reason(status: u16) -> &'static str {
    match status {
        101 => "Switching Protocols",
        200 => "OK",
        202 => "Accepted",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        500 => "Internal Server Error",
        504 => "Gateway Timeout",
        _ => "Unknown",
    }
}

pub(crate) fn serve_connection(stream: UnixStream, shared: &Shared) {
    let mut reader = BufReader::new(stream);
    loop {
        let request = match read_request(&mut reader) {
            Ok(Some(request)) => request,
            Ok(None) => return,
            Err(message) => {
                let _ = write_reply(reader.get_mut(), &error(400, None, message), true);
                return;
            }
        };
        let (reply, kill) = {
            let mut state = shared.lock();
            state.requests.push(request.record());
            if !matches!(shared.faults.before(&request), faults::Verdict::Answer) {
                shared.persist(&state);
                drop(state);
                faults::hang(reader.into_inner());
                return;
            }
            let reply = routes::route(&mut state, shared, &request);
            let verdict = shared.faults.after(&mut state, &request, &reply);
            shared.persist(&state);
            if let faults::Verdict::Die = verdict {
                drop(state);
                faults::die(shared);
                return;
            }
            let kill = state
                .kill_pid
                .filter(|_| state.kill_at_request == Some(state.requests.len()));
            (reply, kill)
        };
        if let Some(pid) = kill {
            // The hook is blocked on this answer: it dies having sent the request.
            let _ = std::process::Command::new("kill")
                .args(["-KILL", &pid.to_string()])
                .status();
            return;
        }
        match reply {
            Reply::Websocket { task, id } => {
                let Some(key) = request.header("sec-websocket-key").map(str::to_owned) else {
                    let _ = write_reply(
                        reader.get_mut(),
                        &error(400, None, "websocket upgrade headers missing"),
                        true,
                    );
                    return;
                };
                exec::websocket(reader.into_inner(), shared, &task, &id, &key);
                return;
            }
            other => {
                let close = request
                    .header("connection")
                    .is_some_and(|v| v.eq_ignore_ascii_case("close"));
                if write_reply(reader.get_mut(), &other, close).is_err() || close {
                    return;
                }
            }
        }
    }
}

fn read_request(reader: &mut BufReader<UnixStream>) -> Result<Option<Request>, String> {
    let mut head = Vec::new();
    loop {
        let n = reader
            .read_until(b'\n', &mut head)
            .map_err(|e| e.to_string())?;
        if n == 0 {
            return if head.is_empty() {
                Ok(None)
            } else {
                Err("connection closed inside the request head".into())
            };
        }
        if head.ends_with(b"\r\n\r\n") || head.ends_with(b"\n\n") {
            break;
        }
    }
    let mut headers = [httparse::EMPTY_HEADER; 32];
    let mut parsed = httparse::Request::new(&mut headers);
    match parsed.parse(&head) {
        Ok(httparse::Status::Complete(_)) => {}
        _ => return Err("malformed request head".into()),
    }
    let target = parsed.path.unwrap_or("/").to_owned();
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p.to_owned(), q.to_owned()),
        None => (target, String::new()),
    };
    let headers: Vec<(String, String)> = parsed
        .headers
        .iter()
        .map(|h| {
            (
                h.name.to_owned(),
                String::from_utf8_lossy(h.value).trim().to_owned(),
            )
        })
        .collect();
    let length = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .map(|(_, v)| {
            v.parse::<usize>()
                .map_err(|_| "bad Content-Length".to_owned())
        })
        .transpose()?
        .unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body).map_err(|e| e.to_string())?;
    Ok(Some(Request {
        method: parsed.method.unwrap_or("GET").to_owned(),
        path,
        query,
        headers,
        body,
    }))
}

/// Go's `net/http` sends a Content-Length for small bodies and chunks the rest.
const CHUNK_ABOVE: usize = 2048;

pub(crate) fn write_reply(
    stream: &mut UnixStream,
    reply: &Reply,
    close: bool,
) -> std::io::Result<()> {
    let (status, content_type, body) = match reply {
        Reply::Json(status, value) => (
            *status,
            "application/json".to_owned(),
            value.to_string().into_bytes(),
        ),
        Reply::Raw(status, content_type, body) => (*status, content_type.clone(), body.clone()),
        Reply::Websocket { .. } => return Ok(()),
    };
    let mut out = format!(
        "HTTP/1.1 {status} {}\r\nContent-Type: {content_type}\r\n",
        reason(status)
    )
    .into_bytes();
    if close {
        out.extend_from_slice(b"Connection: close\r\n");
    }
    if body.len() > CHUNK_ABOVE {
        out.extend_from_slice(b"Transfer-Encoding: chunked\r\n\r\n");
        for chunk in body.chunks(1000) {
            out.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
            out.extend_from_slice(chunk);
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(b"0\r\n\r\n");
    } else {
        out.extend_from_slice(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes());
        out.extend_from_slice(&body);
    }
    stream.write_all(&out)?;
    stream.flush()
}
