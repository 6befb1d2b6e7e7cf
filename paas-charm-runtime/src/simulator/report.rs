//! `simulate --report`: the output JSON of FORMAT.md §3 as one screen for a person: statuses,
//! the main service's environment (secrets masked), files, commands, relation data written,
//! ports and log lines (when the output has them).

use std::fmt::Write;

use serde_json::{Map, Value};

use super::redact;

/// Renders `output` (what `simulate` prints) for a person. `service` is the main Pebble
/// service whose environment is shown; secrets print as `***` unless `show_secrets`.
///
/// ```
/// use paas_charm_runtime::simulator::report::render;
/// let output = serde_json::json!({
///     "scenario": "s", "event": "config-changed", "error": null,
///     "unit_status": {"name": "active", "message": ""},
///     "app_status": {"name": "active", "message": ""},
///     "opened_ports": [{"port": 8000, "protocol": "tcp"}],
///     "pebble": {"plan": {"services": {"flask": {"environment": {"FLASK_SECRET_KEY": "k"}}}}},
/// });
/// let text = render(&output, "flask", false);
/// assert!(text.contains("unit    active\n"));
/// assert!(text.contains("  FLASK_SECRET_KEY=***"));
/// assert!(text.contains("ports   8000/tcp"));
/// ```
pub fn render(output: &Value, service: &str, show_secrets: bool) -> String {
    let mut out = String::new();
    let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
    let _ = writeln!(
        out,
        "scenario {} · event {}",
        text(&output["scenario"]),
        text(&output["event"])
    );
    if let Some(error) = output.get("error").filter(|e| !e.is_null()) {
        let _ = writeln!(
            out,
            "hook    FAILED: {} (Juju discards its changes and retries)",
            text(&error["message"])
        );
    }
    // Each status the hook went through, ending with the one it left.
    for (label, key) in [("unit", "unit_status"), ("app", "app_status")] {
        let mut chain: Vec<String> = output["status_history"][label]
            .as_array()
            .map(|a| a.iter().map(status_line).collect())
            .unwrap_or_default();
        if let Some(status) = output.get(key) {
            chain.push(status_line(status));
        }
        if !chain.is_empty() {
            let _ = writeln!(out, "{label:<7} {}", chain.join(" → "));
        }
    }
    if let Some(ports) = output.get("opened_ports").and_then(Value::as_array) {
        let list: Vec<String> = ports
            .iter()
            .map(|p| format!("{}/{}", p["port"], text(&p["protocol"])))
            .collect();
        let shown = if list.is_empty() {
            "none".to_owned()
        } else {
            list.join(", ")
        };
        let _ = writeln!(out, "ports   {shown}");
    }
    if let Some(action) = output.get("action") {
        let line = if action["failed"] == Value::Bool(true) {
            format!("FAILED: {}", text(&action["message"]))
        } else {
            let results = action["results"].as_object().cloned().unwrap_or_default();
            bag_line(&results, show_secrets)
        };
        let _ = writeln!(out, "action  {} {line}", text(&action["name"]));
    }
    environment(&mut out, output, service, show_secrets);
    services(&mut out, output);
    files(&mut out, output);
    execs(&mut out, output, show_secrets);
    relations(&mut out, output, show_secrets);
    logs(&mut out, output);
    out
}

fn status_line(status: &Value) -> String {
    let name = status["name"].as_str().unwrap_or("unknown");
    match status["message"].as_str().filter(|m| !m.is_empty()) {
        Some(message) => format!("{name} \"{message}\""),
        None => name.to_owned(),
    }
}

fn shown(name: &str, value: &Value, show_secrets: bool) -> String {
    let text = match value {
        Value::String(s) => s.clone(),
        other => crate::env::python_json::dumps(other),
    };
    if show_secrets {
        text
    } else {
        redact::masked(name, &text)
    }
}

fn bag_line(bag: &Map<String, Value>, show_secrets: bool) -> String {
    bag.iter()
        .map(|(k, v)| format!("{k}={}", shown(k, v, show_secrets)))
        .collect::<Vec<_>>()
        .join(" ")
}

fn environment(out: &mut String, output: &Value, service: &str, show_secrets: bool) {
    let Some(env) = output["pebble"]["plan"]["services"][service]["environment"].as_object() else {
        let _ = writeln!(out, "\nenvironment of {service}: none (no charm layer)");
        return;
    };
    let note = if show_secrets { "" } else { ", secrets as ***" };
    let _ = writeln!(
        out,
        "\nenvironment of {service} ({} variables{note})",
        env.len()
    );
    for (name, value) in env {
        let _ = writeln!(out, "  {name}={}", shown(name, value, show_secrets));
    }
}

fn services(out: &mut String, output: &Value) {
    let Some(plan) = output["pebble"]["plan"]["services"].as_object() else {
        return;
    };
    let statuses = &output["pebble"]["service_statuses"];
    let _ = writeln!(out, "\nservices");
    for (name, service) in plan {
        let state = statuses[name].as_str().unwrap_or("inactive");
        let startup = service["startup"].as_str().unwrap_or("");
        let _ = writeln!(
            out,
            "  {name:<20} {state:<9} {startup:<9} {}",
            service["command"].as_str().unwrap_or("")
        );
    }
}

fn files(out: &mut String, output: &Value) {
    let Some(files) = output["files"].as_object().filter(|f| !f.is_empty()) else {
        return;
    };
    let _ = writeln!(out, "\nfiles written");
    for (path, content) in files {
        let bytes = content.as_str().map_or(0, str::len);
        let _ = writeln!(out, "  {path} ({bytes} bytes)");
    }
}

fn execs(out: &mut String, output: &Value, show_secrets: bool) {
    let Some(execs) = output["exec"].as_array().filter(|e| !e.is_empty()) else {
        return;
    };
    let _ = writeln!(out, "\ncommands run");
    for exec in execs {
        let argv: Vec<String> = exec["command"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|s| {
                        let arg = s.as_str().unwrap_or_default();
                        if show_secrets {
                            arg.to_owned()
                        } else {
                            redact::mask_url_passwords(arg)
                        }
                    })
                    .collect()
            })
            .unwrap_or_default();
        let dir = exec["working_dir"]
            .as_str()
            .map(|d| format!(" (in {d})"))
            .unwrap_or_default();
        let _ = writeln!(out, "  {}{dir}", argv.join(" "));
    }
}

fn relations(out: &mut String, output: &Value, show_secrets: bool) {
    let Some(relations) = output["relations"].as_array() else {
        return;
    };
    let mut lines = Vec::new();
    for relation in relations {
        let Some(written) = relation["written"].as_object() else {
            continue;
        };
        for (scope, diff) in written {
            let mut parts = Vec::new();
            if let Some(set) = diff["set"].as_object() {
                parts.push(bag_line(set, show_secrets));
            }
            if let Some(removed) = diff["removed"].as_array() {
                let names: Vec<&str> = removed.iter().filter_map(Value::as_str).collect();
                parts.push(format!("removed {}", names.join(", ")));
            }
            lines.push(format!(
                "  {} #{} {scope}: {}",
                relation["endpoint"].as_str().unwrap_or_default(),
                relation["id"],
                parts.join("; ")
            ));
        }
    }
    if !lines.is_empty() {
        let _ = writeln!(out, "\nrelation data written\n{}", lines.join("\n"));
    }
}

fn logs(out: &mut String, output: &Value) {
    let Some(logs) = output.get("logs").and_then(Value::as_array) else {
        return;
    };
    if logs.is_empty() {
        return;
    }
    let _ = writeln!(out, "\nlog");
    for line in logs {
        let text = match line {
            Value::String(s) => s.clone(),
            Value::Object(entry) => format!(
                "{} {}",
                entry.get("level").and_then(Value::as_str).unwrap_or("INFO"),
                entry
                    .get("message")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
            ),
            other => other.to_string(),
        };
        let _ = writeln!(out, "  {text}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_failed_hook_and_written_relation_data_are_shown() {
        let output = json!({
            "scenario": "x", "event": "ingress-relation-changed",
            "error": {"type": "HookError", "message": "pebble: cannot connect"},
            "exec": [{"command": ["psql", "postgresql://u:pw@h/db"], "working_dir": "/app"}],
            "relations": [{"endpoint": "ingress", "id": 2, "written": {
                "app": {"set": {"port": "8000"}}, "unit": {"removed": ["ingress-address"]}}}],
            "logs": [{"level": "ERROR", "message": "webserver configuration check failed"}],
        });
        let text = render(&output, "flask", false);
        assert!(text.contains(
            "hook    FAILED: pebble: cannot connect (Juju discards its changes and retries)"
        ));
        assert!(text.contains("  psql postgresql://u:***@h/db (in /app)"));
        assert!(text.contains("  ingress #2 app: port=8000"));
        assert!(text.contains("  ingress #2 unit: removed ingress-address"));
        assert!(text.contains("  ERROR webserver configuration check failed"));
    }
}
