//! `/v1/files`: read (multipart answer), list, make-dirs, remove, write (multipart request),
//! with Pebble's per-item errors inside a 200.

use paas_charm_runtime::pebble::http::multipart::{self, Part};
use serde_json::{json, Value};

use crate::http::{error, sync, Reply, Request};
use crate::{File, State};

pub(crate) fn add_parents(state: &mut State, path: &str) {
    let mut current = String::new();
    let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    for part in parts.iter().take(parts.len().saturating_sub(1)) {
        current.push('/');
        current.push_str(part);
        state.dirs.insert(current.clone());
    }
}

fn parent(path: &str) -> &str {
    match path.rsplit_once('/') {
        Some(("", _)) | None => "/",
        Some((parent, _)) => parent,
    }
}

fn is_dir(state: &State, path: &str) -> bool {
    path == "/" || state.dirs.contains(path)
}

fn not_found(path: &str) -> Value {
    json!({"message": format!("stat {path}: no such file or directory"), "kind": "not-found"})
}

pub(crate) fn get(state: &State, request: &Request) -> Reply {
    match request.query("action").as_str() {
        "read" => read(state, request),
        "list" => list(state, request),
        other => error(400, None, format!("invalid action {other:?}")),
    }
}

fn read(state: &State, request: &Request) -> Reply {
    let paths = request.query_all("path");
    if paths.is_empty() {
        return error(400, None, "must specify one or more paths");
    }
    if request.header("accept") != Some("multipart/form-data") {
        return error(400, None, "must accept multipart/form-data");
    }
    let mut parts = Vec::new();
    let mut results = Vec::new();
    for path in &paths {
        match state.files.get(path) {
            Some(file) => {
                parts.push(Part {
                    name: "files".into(),
                    filename: Some(path.clone()),
                    content_type: Some("application/octet-stream".into()),
                    content: file.content.clone(),
                });
                results.push(json!({"path": path}));
            }
            None if is_dir(state, path) => results.push(json!({"path": path, "error": {
                "message": format!("can only read a regular file: {path:?}"), "kind": "generic-file-error"}})),
            None => results.push(json!({"path": path, "error": not_found(path)})),
        }
    }
    parts.push(Part {
        name: "response".into(),
        filename: None,
        content_type: Some("application/json".into()),
        content: json!({"type": "sync", "status-code": 200, "status": "OK", "result": results})
            .to_string()
            .into_bytes(),
    });
    let boundary = "5eb0c9c2e1f34a6bb1a7c3d8e9f0a1b2c3d4e5f6";
    Reply::Raw(
        200,
        format!("multipart/form-data; boundary={boundary}"),
        multipart::write(boundary, &parts),
    )
}

fn list(state: &State, request: &Request) -> Reply {
    let path = request.query("path");
    if !path.starts_with('/') {
        return error(400, None, format!("path must be absolute, got {path:?}"));
    }
    let itself = request.query("itself") == "true";
    let entry = |full: &str, kind: &str, file: Option<&File>| {
        let name = full.rsplit('/').next().unwrap_or(full);
        let mut value = json!({"path": full, "name": name, "type": kind,
            "permissions": file.map_or("755", |f| f.permissions.as_str()),
            "last-modified": "2026-01-01T00:00:00Z", "user-id": 0, "user": "root", "group-id": 0, "group": "root"});
        if let Some(file) = file {
            value["size"] = json!(file.content.len());
        }
        value
    };
    if let Some(file) = state.files.get(&path) {
        return sync(json!([entry(&path, "file", Some(file))]));
    }
    if !is_dir(state, &path) {
        return Reply::Json(
            404,
            json!({"type": "error", "status-code": 404, "status": "Not Found", "result": not_found(&path)}),
        );
    }
    if itself {
        return sync(json!([entry(&path, "directory", None)]));
    }
    let mut entries = Vec::new();
    for dir in state
        .dirs
        .iter()
        .filter(|d| parent(d) == path && *d != &path)
    {
        entries.push(entry(dir, "directory", None));
    }
    for (file_path, file) in state.files.iter().filter(|(p, _)| parent(p) == path) {
        entries.push(entry(file_path, "file", Some(file)));
    }
    entries.sort_by(|a, b| a["name"].as_str().cmp(&b["name"].as_str()));
    sync(json!(entries))
}

pub(crate) fn post(state: &mut State, request: &Request) -> Reply {
    let content_type = request.header("content-type").unwrap_or("");
    if let Some(boundary) = multipart::boundary(content_type) {
        if boundary.len() < 32 {
            return error(400, None, format!("invalid boundary {boundary:?}"));
        }
        return write(state, &boundary, &request.body);
    }
    if !content_type.starts_with("application/json") {
        return error(400, None, format!("invalid media type {content_type:?}"));
    }
    let body: Value = match serde_json::from_slice(&request.body) {
        Ok(body) => body,
        Err(e) => return error(400, None, format!("cannot decode request body: {e}")),
    };
    match body.get("action").and_then(Value::as_str).unwrap_or("") {
        "make-dirs" => make_dirs(state, &body),
        "remove" => remove(state, &body),
        "write" => error(400, None, "must use multipart with \"write\" action"),
        other => error(400, None, format!("invalid action {other:?}")),
    }
}

fn text<'a>(item: &'a Value, key: &str) -> &'a str {
    item.get(key).and_then(Value::as_str).unwrap_or("")
}

fn make_dirs(state: &mut State, body: &Value) -> Reply {
    let dirs = body
        .get("dirs")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut results = Vec::new();
    for dir in &dirs {
        let path = text(dir, "path");
        let parents = dir
            .get("make-parents")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        if !path.starts_with('/') {
            results.push(json!({"path": path, "error": {"message": format!("paths must be absolute, got {path:?}"), "kind": "generic-file-error"}}));
        } else if state.files.contains_key(path) {
            results.push(json!({"path": path, "error": {"message": format!("mkdir {path}: file exists"), "kind": "generic-file-error"}}));
        } else if !parents && !is_dir(state, parent(path)) {
            results.push(json!({"path": path, "error": not_found(path)}));
        } else {
            add_parents(state, path);
            state.dirs.insert(path.to_owned());
            results.push(json!({"path": path}));
        }
    }
    sync(json!(results))
}

fn remove(state: &mut State, body: &Value) -> Reply {
    let paths = body
        .get("paths")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut results = Vec::new();
    for item in &paths {
        let path = text(item, "path").to_owned();
        let recursive = item
            .get("recursive")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        if state.files.remove(&path).is_some() {
            results.push(json!({"path": path}));
        } else if is_dir(state, &path) {
            let prefix = format!("{path}/");
            let has_children = state.files.keys().any(|p| p.starts_with(&prefix))
                || state.dirs.iter().any(|d| d.starts_with(&prefix));
            if has_children && !recursive {
                results.push(json!({"path": path, "error": {"message": format!("remove {path}: directory not empty"), "kind": "generic-file-error"}}));
                continue;
            }
            state.files.retain(|p, _| !p.starts_with(&prefix));
            state.dirs.retain(|d| !d.starts_with(&prefix) && *d != path);
            results.push(json!({"path": path}));
        } else {
            results.push(json!({"path": path, "error": {"message": format!("remove {path}: no such file or directory"), "kind": "not-found"}}));
        }
    }
    sync(json!(results))
}

fn write(state: &mut State, boundary: &str, body: &[u8]) -> Reply {
    let parts = match multipart::parse(boundary, body) {
        Ok(parts) => parts,
        Err(e) => return error(400, None, format!("cannot read request metadata: {e}")),
    };
    let Some((request, files)) = parts.split_first() else {
        return error(400, None, "cannot read request metadata: no parts");
    };
    if request.name != "request" {
        return error(
            400,
            None,
            format!(
                "metadata field name must be \"request\", got {:?}",
                request.name
            ),
        );
    }
    let metadata: Value = match serde_json::from_slice(&request.content) {
        Ok(value) => value,
        Err(e) => return error(400, None, format!("cannot decode request metadata: {e}")),
    };
    if text(&metadata, "action") != "write" {
        return error(
            400,
            None,
            format!(
                "multipart action must be \"write\", got {:?}",
                text(&metadata, "action")
            ),
        );
    }
    let items = metadata
        .get("files")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if items.is_empty() {
        return error(400, None, "must specify one or more files");
    }
    let mut results = Vec::new();
    for item in &items {
        let path = text(item, "path");
        let Some(part) = files
            .iter()
            .find(|p| p.name == "files" && p.filename.as_deref() == Some(path))
        else {
            results.push(json!({"path": path, "error": {"message": format!("no file content for path {path:?}"), "kind": "generic-file-error"}}));
            continue;
        };
        let make_dirs = item
            .get("make-dirs")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        if !path.starts_with('/') {
            results.push(json!({"path": path, "error": {"message": format!("paths must be absolute, got {path:?}"), "kind": "generic-file-error"}}));
            continue;
        }
        if !make_dirs && !is_dir(state, parent(path)) {
            results.push(json!({"path": path, "error": {"message": format!("open {path}: no such file or directory"), "kind": "not-found"}}));
            continue;
        }
        add_parents(state, path);
        let permissions = match text(item, "permissions") {
            "" => "644".to_owned(),
            p => p.to_owned(),
        };
        state.files.insert(
            path.to_owned(),
            File {
                content: part.content.clone(),
                permissions,
                user: text(item, "user").to_owned(),
                group: text(item, "group").to_owned(),
            },
        );
        results.push(json!({"path": path}));
    }
    sync(json!(results))
}
