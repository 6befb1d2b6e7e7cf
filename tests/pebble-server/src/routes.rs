//! The API routes, with Pebble's answers and error texts.

use paas_charm_runtime::pebble::Layer;
use serde_json::{json, Value};

use crate::http::{async_change, error, sync, Reply, Request};
use crate::{exec, files, SignalRecord, State};

pub(crate) fn route(state: &mut State, shared: &crate::Shared, request: &Request) -> Reply {
    let method = request.method.as_str();
    let path = request.path.as_str();
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    match (method, segments.as_slice()) {
        ("GET", ["v1", "system-info"]) => {
            sync(json!({"boot-id": "00000000-0000-4000-8000-000000000001", "version": "v1.32.1"}))
        }
        ("GET", ["v1", "health"]) => sync(json!({"healthy": true})),
        ("GET", ["v1", "plan"]) => plan(state, request),
        ("POST", ["v1", "layers"]) => with_json(request, |body| add_layer(state, &body)),
        ("GET", ["v1", "services"]) => services(state, request),
        ("POST", ["v1", "services"]) => with_json(request, |body| services_action(state, &body)),
        ("GET", ["v1", "changes", id]) => change(state, id),
        ("GET", ["v1", "changes", id, "wait"]) => change(state, id),
        ("POST", ["v1", "signals"]) => with_json(request, |body| signal(state, &body)),
        ("GET", ["v1", "checks"]) => sync(json!(state.checks)),
        ("GET", ["v1", "files"]) => files::get(state, request),
        ("POST", ["v1", "files"]) => files::post(state, request),
        ("POST", ["v1", "exec"]) => with_json(request, |body| exec::start(state, shared, &body)),
        ("GET", ["v1", "tasks", task, "websocket", id]) => exec::route(state, shared, task, id),
        _ => error(404, None, "invalid API endpoint requested"),
    }
}

fn with_json(request: &Request, handle: impl FnOnce(Value) -> Reply) -> Reply {
    match serde_json::from_slice::<Value>(&request.body) {
        Ok(body) => handle(body),
        Err(e) => error(
            400,
            None,
            format!("cannot decode data from request body: {e}"),
        ),
    }
}

fn plan(state: &State, request: &Request) -> Reply {
    let format = request.query("format");
    if format != "yaml" {
        return error(400, None, format!("invalid format {format:?}"));
    }
    match state.plan().to_yaml() {
        Ok(text) => sync(json!(text)),
        Err(e) => error(500, None, e.to_string()),
    }
}

fn add_layer(state: &mut State, body: &Value) -> Reply {
    let text = |key: &str| body.get(key).and_then(Value::as_str).unwrap_or("");
    if text("action") != "add" {
        return error(400, None, format!("invalid action {:?}", text("action")));
    }
    let label = text("label");
    if label.is_empty() {
        return error(400, None, "label must be set");
    }
    if text("format") != "yaml" {
        return error(400, None, format!("invalid format {:?}", text("format")));
    }
    let layer = match Layer::from_yaml(text("layer")) {
        Ok(layer) => layer,
        Err(e) => {
            return error(
                400,
                None,
                format!("cannot parse layer YAML: cannot parse layer {label:?}: {e}"),
            )
        }
    };
    for (kind, names) in [
        ("service", overrides(&layer.services)),
        ("check", overrides(&layer.checks)),
        ("log target", overrides(&layer.log_targets)),
    ] {
        if let Some(name) = names {
            return error(
                400,
                None,
                format!("layer {label:?} must define \"override\" for {kind} {name:?}"),
            );
        }
    }
    let combine = body
        .get("combine")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    match state.layers.iter_mut().find(|l| l.label == label) {
        Some(_) if !combine => error(400, None, format!("layer {label:?} already exists")),
        Some(existing) => match existing.layer.combine(&layer) {
            Ok(()) => sync(json!(true)),
            Err(e) => error(400, None, e.to_string()),
        },
        None => {
            state.layers.push(crate::LabelledLayer {
                label: label.to_owned(),
                layer,
            });
            sync(json!(true))
        }
    }
}

/// The first entry without an `override`.
fn overrides<T: serde::Serialize>(
    entries: &std::collections::BTreeMap<String, T>,
) -> Option<String> {
    entries.iter().find_map(|(name, entry)| {
        let value = serde_json::to_value(entry).ok()?;
        let set = value
            .get("override")
            .and_then(Value::as_str)
            .is_some_and(|o| !o.is_empty());
        (!set).then(|| name.clone())
    })
}

fn services(state: &State, request: &Request) -> Reply {
    let wanted: Vec<String> = request
        .query("names")
        .split(',')
        .filter(|n| !n.is_empty())
        .map(str::to_owned)
        .collect();
    let plan = state.plan();
    let list: Vec<Value> = plan
        .services
        .iter()
        .filter(|(name, _)| wanted.is_empty() || wanted.contains(name))
        .map(|(name, service)| {
            let mut info = json!({
                "name": name,
                "startup": if service.startup.is_empty() { "disabled" } else { &service.startup },
                "current": state.service_current(name),
            });
            // Pebble leaves `current-since` out while it is zero (never started or stopped).
            if let Some(since) = state.service_since.get(name) {
                info["current-since"] = json!(since);
            }
            info
        })
        .collect();
    sync(json!(list))
}

fn services_action(state: &mut State, body: &Value) -> Reply {
    let action = body.get("action").and_then(Value::as_str).unwrap_or("");
    let names: Vec<String> = body
        .get("services")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    let plan = state.plan();
    let entry = |name: &str| {
        plan.services
            .get(name)
            .and_then(|s| serde_json::to_value(s).ok())
            .unwrap_or(Value::Null)
    };
    let mut tasks: Vec<(String, String)> = Vec::new();
    match action {
        "replan" | "autostart" => {
            if !names.is_empty() {
                return error(400, None, format!("{action} accepts no service names"));
            }
            for (name, service) in &plan.services {
                if service.startup != "enabled" {
                    continue;
                }
                let running = state.service_current(name) == "active";
                let changed = state.started_with.get(name) != Some(&entry(name));
                if !running {
                    tasks.push(("start".into(), name.clone()));
                } else if changed && action == "replan" {
                    tasks.push(("stop".into(), name.clone()));
                    tasks.push(("start".into(), name.clone()));
                }
            }
        }
        "start" | "stop" | "restart" => {
            if names.is_empty() {
                return error(
                    400,
                    None,
                    format!("must specify services for {action} action"),
                );
            }
            if let Some(name) = names.iter().find(|n| !plan.services.contains_key(*n)) {
                return error(
                    400,
                    None,
                    format!("cannot {action} services: service {name:?} does not exist"),
                );
            }
            for name in &names {
                if action != "start" {
                    tasks.push(("stop".into(), name.clone()));
                }
                if action != "stop" {
                    tasks.push(("start".into(), name.clone()));
                }
            }
        }
        other => return error(400, None, format!("invalid action {other:?}")),
    }
    let mut errors = Vec::new();
    let mut task_values = Vec::new();
    for (kind, name) in &tasks {
        let mut status = "Done";
        if kind == "stop" {
            state.set_service_current(name, "inactive");
            state.started_with.remove(name);
        } else if state.failing_services.contains(name) {
            status = "Error";
            state.set_service_current(name, "backoff");
            errors.push(format!(
                "- Start service {name:?} (cannot start service: exited quickly with code 1)"
            ));
        } else {
            state.set_service_current(name, "active");
            state.started_with.insert(name.clone(), entry(name));
        }
        let id = state.next_task_id();
        let verb = if kind == "stop" { "Stop" } else { "Start" };
        task_values.push(json!({
            "id": id, "kind": kind, "summary": format!("{verb} service {name:?}"), "status": status,
        }));
    }
    // Pebble's summaries (api_services.go): a replan names the services it stopped or started
    // (sorted); a replan with nothing to do still makes a change, done at once, with no tasks.
    let mut affected: Vec<&String> = tasks.iter().map(|(_, name)| name).collect();
    affected.sort();
    affected.dedup();
    let title = format!("{}{}", action[..1].to_uppercase(), &action[1..]);
    let summary = match (action, affected.as_slice()) {
        (_, []) => format!("{title} - no services"),
        (_, [one]) => format!("{title} service {one:?}"),
        ("replan", [first, rest @ ..]) => {
            format!("{title} service {first:?} and {} more", rest.len())
        }
        (_, _) => format!(
            "{title} service {:?} and {} more",
            names.first().map_or("", String::as_str),
            affected.len() - 1
        ),
    };
    let id = state.next_id();
    let mut change = json!({
        "id": id, "kind": action, "summary": summary,
        "status": if errors.is_empty() { "Done" } else { "Error" },
        "ready": true, "tasks": task_values,
    });
    if !errors.is_empty() {
        change["err"] = json!(format!(
            "cannot perform the following tasks:\n{}",
            errors.join("\n")
        ));
    }
    state.changes.insert(id.clone(), change);
    async_change(&id, Value::Null)
}

fn change(state: &State, id: &str) -> Reply {
    match state.changes.get(id) {
        Some(change) => sync(change.clone()),
        None => error(404, None, format!("cannot find change with id {id:?}")),
    }
}

fn signal(state: &mut State, body: &Value) -> Reply {
    let signal = body.get("signal").and_then(Value::as_str).unwrap_or("");
    let services: Vec<String> = body
        .get("services")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    for name in &services {
        if !signal.starts_with("SIG") || signal.len() < 4 {
            return error(
                500,
                None,
                format!("cannot send signal to {name:?}: invalid signal name {signal:?}"),
            );
        }
        if state.service_current(name) != "active" {
            return error(
                500,
                None,
                format!("cannot send signal to {name:?}: service is not running"),
            );
        }
    }
    state.signals.push(SignalRecord {
        signal: signal.to_owned(),
        services,
    });
    sync(json!(true))
}
