//! HTTP/1.1 over Pebble's unix socket, synchronously: one kept-alive connection, requests
//! written by hand (they are a request line and three headers), responses parsed with
//! `httparse` (heads and chunk sizes), bodies framed by `Content-Length`, chunked encoding or
//! the end of the connection. Also the `multipart/form-data` bodies of Pebble's files API.

use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::PebbleError;

/// A response: status, content type and the whole (de-chunked) body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// HTTP status code.
    pub status: u16,
    /// The `Content-Type` header, when given.
    pub content_type: Option<String>,
    /// The body.
    pub body: Vec<u8>,
}

/// A request body with its content type.
pub struct Body<'a> {
    /// `Content-Type`.
    pub content_type: &'a str,
    /// The bytes.
    pub bytes: &'a [u8],
}

/// One connection to the socket, reused while the server keeps it open.
pub struct Connection {
    socket: PathBuf,
    stream: Option<BufReader<Timed>>,
}

/// The largest response head accepted (Pebble's are a few hundred bytes).
const MAX_HEAD: usize = 64 * 1024;

/// A unix stream whose reads and writes end at a deadline: before each one, the socket's
/// timeout is set to the time left, so a whole request (not each read) is bounded.
pub struct Timed {
    stream: UnixStream,
    deadline: Option<Instant>,
}

impl Timed {
    /// `stream`, with no deadline yet.
    pub fn new(stream: UnixStream) -> Self {
        Self {
            stream,
            deadline: None,
        }
    }

    /// Every read and write from now on ends by `now + timeout` (none: no deadline).
    pub fn set_timeout(&mut self, timeout: Option<Duration>) {
        self.deadline = timeout.map(|t| Instant::now() + t);
    }

    /// The stream.
    pub fn get_ref(&self) -> &UnixStream {
        &self.stream
    }

    fn left(&self) -> std::io::Result<Option<Duration>> {
        let Some(deadline) = self.deadline else {
            return Ok(None);
        };
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                "deadline passed",
            ));
        }
        Ok(Some(left))
    }
}

impl Read for Timed {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let left = self.left()?;
        self.stream.set_read_timeout(left)?;
        self.stream.read(buf)
    }
}

impl Write for Timed {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let left = self.left()?;
        self.stream.set_write_timeout(left)?;
        self.stream.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.stream.flush()
    }
}

impl Connection {
    /// A connection to `socket`, opened on first use.
    pub fn new(socket: &Path) -> Self {
        Self {
            socket: socket.to_owned(),
            stream: None,
        }
    }

    /// The socket path.
    pub fn socket(&self) -> &Path {
        &self.socket
    }

    /// Opens the connection now (no request is sent); kept for the next request.
    pub fn open(&mut self) -> Result<(), PebbleError> {
        if self.stream.is_none() {
            self.stream = Some(BufReader::new(Timed::new(connect(&self.socket)?)));
        }
        Ok(())
    }

    /// Sends one request and reads its response, all within `timeout` (none: wait). A server
    /// that does not answer in time is [`PebbleError::Timeout`] naming the request.
    ///
    /// A kept-alive connection the server has closed meanwhile is reopened once, when that is
    /// safe: the request could not be written, or it is a `GET` (a `POST` the server may have
    /// acted on before closing, such as an exec, is never sent twice).
    pub fn request(
        &mut self,
        method: &str,
        target: &str,
        extra_headers: &[(&str, &str)],
        body: Option<Body<'_>>,
        timeout: Option<Duration>,
    ) -> Result<Response, PebbleError> {
        let mut head = format!("{method} {target} HTTP/1.1\r\nHost: localhost\r\n");
        for (name, value) in extra_headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        if let Some(body) = &body {
            head.push_str(&format!(
                "Content-Type: {}\r\nContent-Length: {}\r\n",
                body.content_type,
                body.bytes.len()
            ));
        }
        head.push_str("\r\n");
        let body = body.map_or(&[][..], |b| b.bytes);
        let reused = self.stream.is_some();
        let result = match self.exchange(head.as_bytes(), body, timeout) {
            Err(Exchange::Stale { written }) if reused && (!written || method == "GET") => {
                self.stream = None;
                self.exchange(head.as_bytes(), body, timeout)
            }
            other => other,
        };
        let name = request_name(method, target);
        result.map_err(|e| e.into_error(&name, timeout))
    }

    fn exchange(
        &mut self,
        head: &[u8],
        body: &[u8],
        timeout: Option<Duration>,
    ) -> Result<Response, Exchange> {
        if self.stream.is_none() {
            self.stream = Some(BufReader::new(Timed::new(
                connect(&self.socket).map_err(Exchange::Other)?,
            )));
        }
        let Some(stream) = self.stream.as_mut() else {
            return Err(Exchange::Other(PebbleError::Connection(
                "no connection".into(),
            )));
        };
        stream.get_mut().set_timeout(timeout);
        let written = stream
            .get_mut()
            .write_all(head)
            .and_then(|()| stream.get_mut().write_all(body))
            .and_then(|()| stream.get_mut().flush());
        if let Err(e) = written {
            self.stream = None;
            return Err(if is_closed(&e) {
                Exchange::Stale { written: false }
            } else {
                Exchange::io(&e)
            });
        }
        let result = read_response(stream);
        match &result {
            Ok((_, keep)) if *keep => {}
            _ => self.stream = None,
        }
        result.map(|(response, _)| response)
    }
}

/// `METHOD /path` of a request target (the query left out), as errors name a request.
pub fn request_name(method: &str, target: &str) -> String {
    let path = target.split_once('?').map_or(target, |(path, _)| path);
    format!("{method} {path}")
}

/// Why an exchange failed: a closed kept-alive connection (maybe retried), the deadline, or
/// anything else.
enum Exchange {
    Stale { written: bool },
    Timeout,
    Other(PebbleError),
}

impl Exchange {
    fn io(e: &std::io::Error) -> Self {
        if is_timeout(e) {
            Exchange::Timeout
        } else {
            Exchange::Other(io_error(e))
        }
    }

    fn into_error(self, request: &str, timeout: Option<Duration>) -> PebbleError {
        match self {
            Exchange::Stale { .. } => {
                PebbleError::Connection(format!("{request}: Pebble closed the connection"))
            }
            Exchange::Timeout => PebbleError::Timeout {
                request: request.to_owned(),
                seconds: timeout.map_or(0, |t| {
                    u64::try_from(t.as_millis().div_ceil(1000)).unwrap_or(u64::MAX)
                }),
            },
            Exchange::Other(PebbleError::Connection(message)) => {
                PebbleError::Connection(format!("{request}: {message}"))
            }
            Exchange::Other(err) => err,
        }
    }
}

/// Whether an I/O error is a socket timeout (`EAGAIN` on a socket with a timeout).
pub fn is_timeout(e: &std::io::Error) -> bool {
    use std::io::ErrorKind::*;
    matches!(e.kind(), WouldBlock | TimedOut)
}

/// Connects to the socket; a missing or refusing socket is [`PebbleError::Connection`].
pub fn connect(socket: &Path) -> Result<UnixStream, PebbleError> {
    UnixStream::connect(socket)
        .map_err(|e| PebbleError::Connection(format!("{}: {e}", socket.display())))
}

fn is_closed(e: &std::io::Error) -> bool {
    use std::io::ErrorKind::*;
    matches!(
        e.kind(),
        BrokenPipe | ConnectionReset | ConnectionAborted | UnexpectedEof
    )
}

/// An I/O error on an open connection.
pub fn io_error(e: &std::io::Error) -> PebbleError {
    if is_timeout(e) {
        PebbleError::Connection("timed out waiting for Pebble".into())
    } else {
        PebbleError::Connection(e.to_string())
    }
}

fn protocol(message: impl Into<String>) -> Exchange {
    Exchange::Other(PebbleError::Protocol(message.into()))
}

/// Reads one response; the flag says whether the connection can be reused.
fn read_response(stream: &mut BufReader<Timed>) -> Result<(Response, bool), Exchange> {
    let mut head = Vec::new();
    loop {
        let before = head.len();
        let n = stream
            .read_until(b'\n', &mut head)
            .map_err(|e| match e.kind() {
                // Reset before any answer: the server closed the kept-alive connection.
                std::io::ErrorKind::ConnectionReset if before == 0 => {
                    Exchange::Stale { written: true }
                }
                _ => Exchange::io(&e),
            })?;
        if n == 0 {
            return Err(if before == 0 {
                Exchange::Stale { written: true }
            } else {
                protocol("connection closed inside the response head")
            });
        }
        if head.ends_with(b"\r\n\r\n") || head.ends_with(b"\n\n") {
            break;
        }
        if head.len() > MAX_HEAD {
            return Err(protocol("response head too large"));
        }
    }
    let mut headers = [httparse::EMPTY_HEADER; 32];
    let mut parsed = httparse::Response::new(&mut headers);
    match parsed.parse(&head) {
        Ok(httparse::Status::Complete(_)) => {}
        Ok(httparse::Status::Partial) => return Err(protocol("incomplete response head")),
        Err(e) => return Err(protocol(format!("bad response head: {e}"))),
    }
    let status = parsed.code.unwrap_or(0);
    let header = |name: &str| {
        parsed
            .headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| String::from_utf8_lossy(h.value).trim().to_owned())
    };
    let content_type = header("content-type");
    let close = header("connection").is_some_and(|v| v.eq_ignore_ascii_case("close"));
    let chunked = header("transfer-encoding").is_some_and(|v| v.to_lowercase().contains("chunked"));
    let length = header("content-length");
    let io = |e: std::io::Error| Exchange::io(&e);
    let (body, keep) = if status == 101 {
        (Vec::new(), false)
    } else if chunked {
        (read_chunked(stream)?, !close)
    } else if let Some(length) = length {
        let length: usize = length
            .parse()
            .map_err(|_| protocol(format!("bad Content-Length {length:?}")))?;
        let mut body = vec![0; length];
        stream.read_exact(&mut body).map_err(io)?;
        (body, !close)
    } else if status == 204 || status == 304 {
        (Vec::new(), !close)
    } else {
        let mut body = Vec::new();
        stream.read_to_end(&mut body).map_err(io)?;
        (body, false)
    };
    Ok((
        Response {
            status,
            content_type,
            body,
        },
        keep,
    ))
}

fn read_chunked(stream: &mut BufReader<Timed>) -> Result<Vec<u8>, Exchange> {
    let io = |e: std::io::Error| Exchange::io(&e);
    let mut body = Vec::new();
    loop {
        let mut line = Vec::new();
        stream.read_until(b'\n', &mut line).map_err(io)?;
        let size = match httparse::parse_chunk_size(&line) {
            Ok(httparse::Status::Complete((_, size))) => size,
            _ => return Err(protocol("bad chunk size line")),
        };
        if size == 0 {
            // Trailers, up to the empty line.
            loop {
                let mut trailer = Vec::new();
                let n = stream.read_until(b'\n', &mut trailer).map_err(io)?;
                if n == 0 || trailer == b"\r\n" || trailer == b"\n" {
                    return Ok(body);
                }
            }
        }
        let size = usize::try_from(size).map_err(|_| protocol("chunk too large"))?;
        let start = body.len();
        body.resize(start + size, 0);
        stream.read_exact(&mut body[start..]).map_err(io)?;
        let mut crlf = Vec::new();
        stream.read_until(b'\n', &mut crlf).map_err(io)?;
    }
}

/// `multipart/form-data` bodies as Pebble's files API writes and reads them.
pub mod multipart {
    /// One part of a multipart body.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct Part {
        /// The `name` of its `Content-Disposition`.
        pub name: String,
        /// The `filename` of its `Content-Disposition`, when given.
        pub filename: Option<String>,
        /// The part's `Content-Type`, when given.
        pub content_type: Option<String>,
        /// The content.
        pub content: Vec<u8>,
    }

    /// The boundary parameter of a `multipart/form-data; boundary=...` content type.
    pub fn boundary(content_type: &str) -> Option<String> {
        let (kind, params) = content_type.split_once(';')?;
        if !kind.trim().eq_ignore_ascii_case("multipart/form-data") {
            return None;
        }
        params.split(';').find_map(|param| {
            let (name, value) = param.split_once('=')?;
            name.trim()
                .eq_ignore_ascii_case("boundary")
                .then(|| value.trim().trim_matches('"').to_owned())
        })
    }

    /// Writes parts with `boundary`.
    pub fn write(boundary: &str, parts: &[Part]) -> Vec<u8> {
        let mut out = Vec::new();
        for part in parts {
            out.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
            let mut disposition = format!("Content-Disposition: form-data; name=\"{}\"", part.name);
            if let Some(filename) = &part.filename {
                disposition.push_str(&format!("; filename=\"{}\"", escape(filename)));
            }
            out.extend_from_slice(disposition.as_bytes());
            out.extend_from_slice(b"\r\n");
            if let Some(kind) = &part.content_type {
                out.extend_from_slice(format!("Content-Type: {kind}\r\n").as_bytes());
            }
            out.extend_from_slice(b"\r\n");
            out.extend_from_slice(&part.content);
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        out
    }

    fn escape(filename: &str) -> String {
        filename.replace('\\', "\\\\").replace('"', "\\\"")
    }

    fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
        haystack
            .get(from..)?
            .windows(needle.len())
            .position(|w| w == needle)
            .map(|i| i + from)
    }

    /// Splits a multipart body into its parts (`Err` says what is malformed).
    pub fn parse(boundary: &str, body: &[u8]) -> Result<Vec<Part>, String> {
        let delimiter = format!("--{boundary}");
        let delimiter = delimiter.as_bytes();
        let mut pos = find(body, delimiter, 0).ok_or("no multipart boundary in the body")?;
        let mut parts = Vec::new();
        loop {
            pos += delimiter.len();
            if body.get(pos..pos + 2) == Some(b"--") {
                return Ok(parts);
            }
            // The rest of the delimiter line.
            let line_end = find(body, b"\n", pos).ok_or("truncated multipart body")?;
            let start = line_end + 1;
            let mut headers = [httparse::EMPTY_HEADER; 8];
            let (head_len, headers) = match httparse::parse_headers(&body[start..], &mut headers) {
                Ok(httparse::Status::Complete((len, headers))) => (len, headers),
                Ok(httparse::Status::Partial) => return Err("truncated part headers".into()),
                Err(e) => return Err(format!("bad part headers: {e}")),
            };
            let header = |name: &str| {
                headers
                    .iter()
                    .find(|h| h.name.eq_ignore_ascii_case(name))
                    .map(|h| String::from_utf8_lossy(h.value).into_owned())
            };
            let disposition = header("content-disposition").unwrap_or_default();
            let content_type = header("content-type");
            let content_start = start + head_len;
            let mut closing = b"\r\n".to_vec();
            closing.extend_from_slice(delimiter);
            let end = find(body, &closing, content_start).ok_or("unterminated part")?;
            parts.push(Part {
                name: param(&disposition, "name").unwrap_or_default(),
                filename: param(&disposition, "filename"),
                content_type,
                content: body[content_start..end].to_vec(),
            });
            pos = end + 2;
        }
    }

    /// A parameter of a `Content-Disposition` value (quoted or not).
    fn param(disposition: &str, name: &str) -> Option<String> {
        let mut rest = disposition;
        while let Some(index) = rest.find(';') {
            rest = rest[index + 1..].trim_start();
            let (key, value) = rest.split_once('=')?;
            if let Some(quoted) = value.strip_prefix('"') {
                let mut out = String::new();
                let mut chars = quoted.chars();
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => out.extend(chars.next()),
                        '"' => break,
                        other => out.push(other),
                    }
                }
                if key.trim().eq_ignore_ascii_case(name) {
                    return Some(out);
                }
            } else if key.trim().eq_ignore_ascii_case(name) {
                return Some(value.split(';').next().unwrap_or("").trim().to_owned());
            }
        }
        None
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn round_trips_parts_with_binary_content() {
            let parts = vec![
                Part {
                    name: "request".into(),
                    filename: None,
                    content_type: Some("application/json".into()),
                    content: br#"{"action":"write"}"#.to_vec(),
                },
                Part {
                    name: "files".into(),
                    filename: Some("/a \"b\".txt".into()),
                    content_type: Some("application/octet-stream".into()),
                    content: b"line\r\n--not-the-boundary\r\n\0\xff".to_vec(),
                },
            ];
            let body = write("XyZ", &parts);
            assert_eq!(parse("XyZ", &body).unwrap(), parts);
            assert_eq!(
                boundary("multipart/form-data; boundary=\"XyZ\"").as_deref(),
                Some("XyZ")
            );
            assert_eq!(boundary("application/json"), None);
            assert!(parse("XyZ", b"garbage").is_err());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::net::UnixListener;
    use std::sync::mpsc;

    fn socket(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("pebble-http-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("dir");
        dir.join("pebble.socket")
    }

    /// Reads one request head (the tests send no bodies).
    fn read_head(reader: &mut BufReader<UnixStream>) -> Option<String> {
        let mut head = String::new();
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).ok()? == 0 {
                return None;
            }
            head.push_str(&line);
            if line == "\r\n" {
                return Some(head);
            }
        }
    }

    #[test]
    fn a_server_that_never_answers_times_out_naming_the_request() {
        let path = socket("frozen");
        let listener = UnixListener::bind(&path).expect("bind");
        let (done, held) = mpsc::channel::<()>();
        let server = std::thread::spawn(move || {
            let (stream, _) = listener.accept().expect("accept");
            // Hold the connection, never answer.
            let _ = held.recv();
            drop(stream);
        });
        let mut connection = Connection::new(&path);
        let started = Instant::now();
        let err = connection
            .request(
                "GET",
                "/v1/plan?format=yaml",
                &[],
                None,
                Some(Duration::from_millis(300)),
            )
            .expect_err("no answer");
        assert!(started.elapsed() < Duration::from_secs(2));
        assert_eq!(
            err,
            PebbleError::Timeout {
                request: "GET /v1/plan".into(),
                seconds: 1
            }
        );
        assert_eq!(
            err.to_string(),
            "Pebble did not answer GET /v1/plan within 1 s"
        );
        let _ = done.send(());
        let _ = server.join();
    }

    #[test]
    fn a_post_the_server_dropped_is_not_sent_again_but_a_get_is() {
        let path = socket("dropped");
        let listener = UnixListener::bind(&path).expect("bind");
        let server = std::thread::spawn(move || {
            let mut seen = Vec::new();
            // First connection: answer one GET, then drop the next request unanswered.
            let (stream, _) = listener.accept().expect("accept");
            let mut reader = BufReader::new(stream);
            for answer in [true, false] {
                let head = read_head(&mut reader).expect("a request");
                seen.push(head.lines().next().unwrap_or("").to_owned());
                if answer {
                    let _ = reader
                        .get_mut()
                        .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}");
                }
            }
            drop(reader);
            // Second connection: the retried GET.
            let (stream, _) = listener.accept().expect("accept");
            let mut reader = BufReader::new(stream);
            let head = read_head(&mut reader).expect("a request");
            seen.push(head.lines().next().unwrap_or("").to_owned());
            let _ = reader
                .get_mut()
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}");
            seen
        });
        let timeout = Some(Duration::from_secs(5));
        let mut connection = Connection::new(&path);
        connection
            .request("GET", "/v1/system-info", &[], None, timeout)
            .expect("answered");
        let err = connection
            .request("POST", "/v1/services", &[], None, timeout)
            .expect_err("dropped");
        assert_eq!(
            err,
            PebbleError::Connection("POST /v1/services: Pebble closed the connection".into())
        );
        connection
            .request("GET", "/v1/services", &[], None, timeout)
            .expect("a new connection");
        assert_eq!(
            server.join().expect("server"),
            [
                "GET /v1/system-info HTTP/1.1",
                "POST /v1/services HTTP/1.1",
                "GET /v1/services HTTP/1.1"
            ]
        );
    }
}
