//! The tools: argv parsing and Juju's rules, on a loaded [`State`].

use std::collections::BTreeMap;
use std::io;

use serde_json::{Map, Value};

use crate::{Call, LogLine, Relation, State, StatusEntry};

/// What a tool run prints and returns.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outcome {
    /// Standard output.
    pub stdout: String,
    /// Standard error (`ERROR ...`).
    pub stderr: String,
    /// Exit code: 0, 1 (the operation failed) or 2 (bad usage).
    pub code: i32,
}

impl Outcome {
    fn ok(stdout: String) -> Self {
        Self {
            stdout,
            ..Self::default()
        }
    }

    /// A usage error: `ERROR <message>`, exit 2.
    pub fn usage(message: impl AsRef<str>) -> Self {
        Self {
            stdout: String::new(),
            stderr: format!("ERROR {}\n", message.as_ref()),
            code: 2,
        }
    }

    fn failed(message: impl AsRef<str>) -> Self {
        Self {
            stdout: String::new(),
            stderr: format!("ERROR {}\n", message.as_ref()),
            code: 1,
        }
    }
}

/// Why a tool stopped.
enum Fail {
    /// The operation failed: exit 1.
    Op(String),
    /// Bad usage: exit 2.
    Usage(String),
}

type ToolResult = Result<String, Fail>;

fn op<T>(message: impl Into<String>) -> Result<T, Fail> {
    Err(Fail::Op(message.into()))
}

fn usage<T>(message: impl Into<String>) -> Result<T, Fail> {
    Err(Fail::Usage(message.into()))
}

/// Runs `tool args...` on `state`: logs the call, applies the tool, returns its output.
/// `stdin` is read only by `relation-set --file -`.
pub fn run_tool(
    state: &mut State,
    tool: &str,
    args: &[String],
    stdin: &mut dyn io::Read,
) -> Outcome {
    state.calls.push(Call {
        tool: tool.to_owned(),
        args: args.to_vec(),
    });
    if state.fail_at_call == Some(state.calls.len()) {
        return Outcome::failed(format!(
            "ERROR injected failure of {tool} (call {})",
            state.calls.len()
        ));
    }
    let result = match tool {
        "config-get" => config_get(state, args),
        "is-leader" => is_leader(state, args),
        "relation-ids" => relation_ids(state, args),
        "relation-list" => relation_list(state, args),
        "relation-get" => relation_get(state, args),
        "relation-set" => relation_set(state, args, stdin),
        "status-set" => status_set(state, args),
        "secret-get" => secret_get(state, args),
        "opened-ports" => opened_ports(state, args),
        "open-port" => open_close_port(state, args, true),
        "close-port" => open_close_port(state, args, false),
        "action-get" => action_get(state, args),
        "action-set" => action_set(state, args),
        "action-fail" => action_fail(state, args),
        "juju-log" => juju_log(state, args),
        "network-get" => network_get(state, args),
        "goal-state" => goal_state(state, args),
        other => usage(format!("unknown hook tool {other:?}")),
    };
    match result {
        Ok(stdout) => Outcome::ok(stdout),
        Err(Fail::Op(message)) => Outcome::failed(message),
        Err(Fail::Usage(message)) => Outcome::usage(message),
    }
}

/// A flag a tool accepts: its names (the first is canonical) and whether it takes a value.
struct Flag {
    names: &'static [&'static str],
    valued: bool,
}

const FORMAT: Flag = Flag {
    names: &["--format"],
    valued: true,
};
const RELATION: Flag = Flag {
    names: &["-r", "--relation"],
    valued: true,
};
const APP: Flag = Flag {
    names: &["--app"],
    valued: false,
};

#[derive(Default)]
struct Parsed {
    /// Canonical flag name → value (`"true"` for a bare boolean flag).
    flags: BTreeMap<&'static str, String>,
    positional: Vec<String>,
}

impl Parsed {
    fn get(&self, name: &str) -> Option<&str> {
        self.flags.get(name).map(String::as_str)
    }

    fn bool(&self, name: &str) -> Result<bool, Fail> {
        match self.get(name) {
            None => Ok(false),
            Some(value) => parse_bool(value).ok_or_else(|| {
                Fail::Usage(format!(
                    "invalid boolean value {value:?} for flag {name}: parse error"
                ))
            }),
        }
    }

    fn at_most(&self, n: usize) -> Result<(), Fail> {
        if self.positional.len() > n {
            return usage(format!("unrecognized args: {:?}", &self.positional[n..]));
        }
        Ok(())
    }
}

fn parse_bool(text: &str) -> Option<bool> {
    match text {
        "1" | "t" | "T" | "true" | "TRUE" | "True" => Some(true),
        "0" | "f" | "F" | "false" | "FALSE" | "False" => Some(false),
        _ => None,
    }
}

/// gnuflag-like parsing: `--name=value`, `--name value`, `-r value`, bare booleans,
/// `--` ends the flags, `-` alone is positional.
fn parse(args: &[String], flags: &[&Flag]) -> Result<Parsed, Fail> {
    let mut parsed = Parsed::default();
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        if arg == "--" {
            parsed.positional.extend(iter.by_ref().cloned());
            break;
        }
        if !arg.starts_with('-') || arg == "-" {
            parsed.positional.push(arg.clone());
            continue;
        }
        let (name, inline) = match arg.split_once('=') {
            Some((name, value)) => (name, Some(value.to_owned())),
            None => (arg.as_str(), None),
        };
        let Some(flag) = flags.iter().find(|f| f.names.contains(&name)) else {
            return usage(format!("flag provided but not defined: {name}"));
        };
        let value = match (flag.valued, inline) {
            (_, Some(value)) => value,
            (true, None) => match iter.next() {
                Some(value) => value.clone(),
                None => return usage(format!("flag needs an argument: {name}")),
            },
            (false, None) => "true".to_owned(),
        };
        parsed.flags.insert(flag.names[0], value);
    }
    if let Some(format) = parsed.get("--format") {
        if !["json", "yaml", "smart"].contains(&format) {
            return usage(format!("invalid value {format:?} for flag --format"));
        }
    }
    Ok(parsed)
}

fn json<T: serde::Serialize + ?Sized>(value: &T) -> ToolResult {
    serde_json::to_string(value)
        .map(|text| text + "\n")
        .map_err(|e| Fail::Op(format!("cannot encode output: {e}")))
}

/// The relation named by `-r` (or `JUJU_RELATION_ID`).
fn relation_index(state: &State, parsed: &Parsed) -> Result<usize, Fail> {
    let text = match parsed.get("-r") {
        Some(text) => text.to_owned(),
        None => match std::env::var("JUJU_RELATION_ID") {
            Ok(text) if !text.is_empty() => text,
            _ => return usage("no relation id specified"),
        },
    };
    let number = text.rsplit(':').next().unwrap_or(&text);
    let Ok(id) = number.parse::<u32>() else {
        return op(format!(
            "invalid value {text:?} for option -r: invalid relation id"
        ));
    };
    state
        .relations
        .iter()
        .position(|r| r.id == id)
        .ok_or_else(|| {
            Fail::Op(format!(
                "invalid value {text:?} for option -r: relation not found"
            ))
        })
}

fn relation_key(relation: &Relation) -> String {
    format!("{}:{}", relation.endpoint, relation.id)
}

fn config_get(state: &State, args: &[String]) -> ToolResult {
    let parsed = parse(
        args,
        &[
            &FORMAT,
            &Flag {
                names: &["-a", "--all"],
                valued: false,
            },
        ],
    )?;
    parsed.at_most(1)?;
    match parsed.positional.first() {
        Some(key) => json(state.config.get(key).unwrap_or(&Value::Null)),
        None => json(&state.config),
    }
}

fn is_leader(state: &State, args: &[String]) -> ToolResult {
    parse(args, &[&FORMAT])?.at_most(0)?;
    json(&state.leader)
}

fn relation_ids(state: &State, args: &[String]) -> ToolResult {
    let parsed = parse(args, &[&FORMAT])?;
    parsed.at_most(1)?;
    let endpoint = match parsed.positional.first() {
        Some(endpoint) => endpoint.clone(),
        None => match std::env::var("JUJU_RELATION") {
            Ok(endpoint) if !endpoint.is_empty() => endpoint,
            _ => return usage("no endpoint name specified"),
        },
    };
    let ids: Vec<String> = state
        .relations
        .iter()
        .filter(|r| r.endpoint == endpoint)
        .map(relation_key)
        .collect();
    json(&ids)
}

/// `goal-state`: our units and, per endpoint with relations, the remote application and its
/// units (for a peer relation: the peer units), each `{"status": "active", "since": ...}` as
/// Juju prints them.
fn goal_state(state: &State, args: &[String]) -> ToolResult {
    parse(args, &[&FORMAT])?.at_most(0)?;
    let entry = || serde_json::json!({"status": "active", "since": "2026-01-01 00:00:00Z"});
    let mut units = Map::new();
    units.insert(state.unit_name.clone(), entry());
    let mut relations: BTreeMap<String, Map<String, Value>> = BTreeMap::new();
    for relation in &state.relations {
        let endpoint = relations.entry(relation.endpoint.clone()).or_default();
        if relation.peer {
            for unit in relation.remote_units.keys() {
                units.insert(unit.clone(), entry());
                endpoint.insert(unit.clone(), entry());
            }
        } else {
            endpoint.insert(relation.remote_app.clone(), entry());
            for unit in relation.remote_units.keys() {
                endpoint.insert(unit.clone(), entry());
            }
        }
    }
    json(&serde_json::json!({"units": units, "relations": relations}))
}

fn relation_list(state: &State, args: &[String]) -> ToolResult {
    let parsed = parse(args, &[&FORMAT, &RELATION, &APP])?;
    parsed.at_most(0)?;
    let relation = &state.relations[relation_index(state, &parsed)?];
    if parsed.bool("--app")? {
        json(&relation.remote_app)
    } else {
        json(&relation.remote_units.keys().collect::<Vec<_>>())
    }
}

fn relation_get(state: &State, args: &[String]) -> ToolResult {
    let parsed = parse(args, &[&FORMAT, &RELATION, &APP])?;
    parsed.at_most(2)?;
    let relation = &state.relations[relation_index(state, &parsed)?];
    let app = parsed.bool("--app")?;
    let key = parsed.positional.first().map(String::as_str).unwrap_or("-");
    let owner = match parsed.positional.get(1) {
        Some(owner) => owner.clone(),
        None => {
            let var = if app {
                "JUJU_REMOTE_APP"
            } else {
                "JUJU_REMOTE_UNIT"
            };
            match std::env::var(var) {
                Ok(owner) if !owner.is_empty() => owner,
                _ => return usage("no unit or application specified"),
            }
        }
    };
    let key_name = relation_key(relation);
    let bag = if app {
        if owner == state.app_name {
            if !relation.peer && !state.leader {
                return op("permission denied");
            }
            &relation.local_app_data
        } else if owner == relation.remote_app {
            &relation.remote_app_data
        } else {
            return op(format!(
                "cannot read settings for application {owner:?} in relation {key_name:?}: settings not found"
            ));
        }
    } else if owner == state.unit_name {
        &relation.local_unit_data
    } else {
        match relation.remote_units.get(&owner) {
            Some(bag) => bag,
            None => {
                return op(format!(
                    "cannot read settings for unit {owner:?} in relation {key_name:?}: unit {owner:?}: settings not found"
                ))
            }
        }
    };
    if key == "-" {
        json(bag)
    } else {
        json(bag.get(key).map(String::as_str).unwrap_or(""))
    }
}

fn relation_set(state: &mut State, args: &[String], stdin: &mut dyn io::Read) -> ToolResult {
    let parsed = parse(
        args,
        &[
            &FORMAT,
            &RELATION,
            &APP,
            &Flag {
                names: &["--file"],
                valued: true,
            },
        ],
    )?;
    let index = relation_index(state, &parsed)?;
    let app = parsed.bool("--app")?;
    let mut changes: Vec<(String, String)> = Vec::new();
    if let Some(file) = parsed.get("--file") {
        let mut text = String::new();
        let read = if file == "-" {
            stdin.read_to_string(&mut text).map(|_| ())
        } else {
            std::fs::read_to_string(file).map(|t| text = t)
        };
        if let Err(e) = read {
            return usage(format!("cannot read settings file: {e}"));
        }
        // Juju reads YAML; JSON is what charms send. Never echo the content.
        let Ok(Value::Object(map)) = serde_json::from_str::<Value>(&text) else {
            return usage("settings file is not a JSON object");
        };
        for (key, value) in map {
            match value {
                Value::String(text) => changes.push((key, text)),
                Value::Null => changes.push((key, String::new())),
                _ => return usage(format!("value of {key:?} is not a string")),
            }
        }
    }
    for pair in &parsed.positional {
        let Some((key, value)) = pair.split_once('=') else {
            return usage(format!("expected \"key=value\", got {:?}", pair));
        };
        changes.push((key.to_owned(), value.to_owned()));
    }
    if app && !state.leader {
        return op("cannot write relation settings");
    }
    let relation = &mut state.relations[index];
    let bag = if app {
        &mut relation.local_app_data
    } else {
        &mut relation.local_unit_data
    };
    for (key, value) in changes {
        if value.is_empty() {
            bag.remove(&key);
        } else {
            bag.insert(key, value);
        }
    }
    Ok(String::new())
}

fn status_set(state: &mut State, args: &[String]) -> ToolResult {
    let parsed = parse(
        args,
        &[&Flag {
            names: &["--application"],
            valued: false,
        }],
    )?;
    parsed.at_most(2)?;
    let application = parsed.bool("--application")?;
    let Some(status) = parsed.positional.first() else {
        return usage("invalid args, require <status> [message] [data]");
    };
    const VALID: [&str; 4] = ["maintenance", "blocked", "waiting", "active"];
    if !VALID.contains(&status.as_str()) {
        return usage(format!(
            "invalid status {status:?}, expected one of [maintenance blocked waiting active]"
        ));
    }
    let entry = StatusEntry::new(status, parsed.positional.get(1).map_or("", String::as_str));
    let unknown = StatusEntry::new("unknown", "");
    if application {
        if !state.leader {
            return op("this unit is not the leader");
        }
        let previous = state.app_status.replace(entry).unwrap_or(unknown);
        state.app_status_history.push(previous);
    } else {
        let previous = state.unit_status.replace(entry).unwrap_or(unknown);
        state.unit_status_history.push(previous);
    }
    Ok(String::new())
}

/// Secret ids match with or without the `secret:` prefix or a model-uuid qualifier.
fn secret_ids_match(a: &str, b: &str) -> bool {
    fn short(id: &str) -> &str {
        id.rsplit(['/', ':']).next().unwrap_or(id)
    }
    short(a) == short(b)
}

fn secret_get(state: &mut State, args: &[String]) -> ToolResult {
    let parsed = parse(
        args,
        &[
            &FORMAT,
            &Flag {
                names: &["--label"],
                valued: true,
            },
            &Flag {
                names: &["--refresh"],
                valued: false,
            },
            &Flag {
                names: &["--peek"],
                valued: false,
            },
        ],
    )?;
    parsed.at_most(2)?;
    let refresh = parsed.bool("--refresh")?;
    let peek = parsed.bool("--peek")?;
    if refresh && peek {
        return usage("specify one of --peek or --refresh but not both");
    }
    let id = parsed.positional.first().cloned();
    let label = parsed.get("--label").map(str::to_owned);
    let index = match (&id, &label) {
        (Some(id), _) => state
            .secrets
            .iter()
            .position(|s| secret_ids_match(&s.id, id))
            .ok_or_else(|| Fail::Op(format!("secret {id:?} not found")))?,
        (None, Some(label)) => state
            .secrets
            .iter()
            .position(|s| s.label.as_deref() == Some(label))
            .ok_or_else(|| Fail::Op(format!("secret {label:?} not found")))?,
        (None, None) => return usage("require either a secret URI or label"),
    };
    let secret = &mut state.secrets[index];
    if id.is_some() {
        if let Some(label) = label {
            secret.label = Some(label);
        }
    }
    if refresh {
        secret.tracked = secret.latest.clone();
    }
    let content = if refresh || peek {
        &secret.latest
    } else {
        &secret.tracked
    };
    match parsed.positional.get(1) {
        Some(key) => match content.get(key) {
            Some(value) => json(value),
            None => op(format!("secret key {key:?} not found")),
        },
        None => json(content),
    }
}

fn opened_ports(state: &State, args: &[String]) -> ToolResult {
    let parsed = parse(
        args,
        &[
            &FORMAT,
            &Flag {
                names: &["--endpoints"],
                valued: false,
            },
        ],
    )?;
    parsed.at_most(0)?;
    json(&state.opened_ports)
}

/// `80`, `80/tcp`, `8000-8010/udp`, `icmp` → the form `opened-ports` prints.
fn normalise_port(text: &str) -> Option<String> {
    if text == "icmp" {
        return Some(text.to_owned());
    }
    let (range, protocol) = text.split_once('/').unwrap_or((text, "tcp"));
    let protocol = protocol.to_lowercase();
    if protocol != "tcp" && protocol != "udp" {
        return None;
    }
    let (from, to) = range.split_once('-').unwrap_or((range, range));
    let (from, to): (u16, u16) = (from.parse().ok()?, to.parse().ok()?);
    if from == 0 || to < from {
        return None;
    }
    Some(if from == to {
        format!("{from}/{protocol}")
    } else {
        format!("{from}-{to}/{protocol}")
    })
}

fn open_close_port(state: &mut State, args: &[String], open: bool) -> ToolResult {
    let parsed = parse(
        args,
        &[&Flag {
            names: &["--endpoints"],
            valued: true,
        }],
    )?;
    parsed.at_most(1)?;
    let Some(text) = parsed.positional.first() else {
        return usage("no port or range specified");
    };
    let Some(port) = normalise_port(text) else {
        return usage(format!("invalid port or range {text:?}"));
    };
    if open {
        if !state.opened_ports.contains(&port) {
            state.opened_ports.push(port);
        }
    } else {
        state.opened_ports.retain(|p| *p != port);
    }
    Ok(String::new())
}

fn in_action(state: &mut State) -> Result<&mut crate::Action, Fail> {
    state
        .action
        .as_mut()
        .ok_or_else(|| Fail::Op("not running an action".into()))
}

fn action_get(state: &mut State, args: &[String]) -> ToolResult {
    let parsed = parse(args, &[&FORMAT])?;
    parsed.at_most(1)?;
    let action = in_action(state)?;
    match parsed.positional.first() {
        None => json(&action.params),
        Some(key) => {
            let mut value = Some(&action.params);
            let mut found: Option<&Value> = None;
            for part in key.split('.') {
                found = value.and_then(|map| map.get(part));
                value = match found {
                    Some(Value::Object(map)) => Some(map),
                    _ => None,
                };
            }
            json(found.unwrap_or(&Value::Null))
        }
    }
}

fn valid_result_key(key: &str) -> bool {
    !key.is_empty()
        && key.split('.').all(|part| {
            let bytes = part.as_bytes();
            !bytes.is_empty()
                && bytes
                    .iter()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
                && bytes.first() != Some(&b'-')
                && bytes.last() != Some(&b'-')
        })
}

fn action_set(state: &mut State, args: &[String]) -> ToolResult {
    let parsed = parse(args, &[])?;
    if parsed.positional.is_empty() {
        return usage("no key=value pairs specified");
    }
    let mut pairs = Vec::new();
    for arg in &parsed.positional {
        let Some((key, value)) = arg.split_once('=') else {
            // Never echo the argument: it may hold a secret value.
            return usage("argument must be of the form key...=value");
        };
        if !valid_result_key(key) {
            return usage(format!(
                "key {key:?} must start and end with lowercase alphanumeric, and contain only lowercase alphanumeric, hyphens and periods"
            ));
        }
        let top = key.split('.').next().unwrap_or(key);
        if ["stdout", "stderr", "stdout-encoding", "stderr-encoding"].contains(&top) {
            return usage(format!("cannot set reserved action key {top:?}"));
        }
        pairs.push((key.to_owned(), value.to_owned()));
    }
    in_action(state)?.results.extend(pairs);
    Ok(String::new())
}

fn action_fail(state: &mut State, args: &[String]) -> ToolResult {
    let parsed = parse(args, &[])?;
    parsed.at_most(1)?;
    let message = parsed
        .positional
        .first()
        .cloned()
        .unwrap_or_else(|| "action failed without reason given".into());
    in_action(state)?.failure = Some(message);
    Ok(String::new())
}

fn juju_log(state: &mut State, args: &[String]) -> ToolResult {
    let parsed = parse(
        args,
        &[
            &FORMAT,
            &Flag {
                names: &["-l", "--log-level"],
                valued: true,
            },
            &Flag {
                names: &["--debug"],
                valued: false,
            },
        ],
    )?;
    let level = if parsed.bool("--debug")? {
        "DEBUG".to_owned()
    } else {
        parsed.get("-l").unwrap_or("INFO").to_uppercase()
    };
    if !["TRACE", "DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"].contains(&level.as_str()) {
        return usage(format!("invalid log level {level:?}"));
    }
    if parsed.positional.is_empty() {
        return usage("no message specified");
    }
    state.logs.push(LogLine {
        level,
        message: parsed.positional.join(" "),
    });
    Ok(String::new())
}

fn network_get(state: &State, args: &[String]) -> ToolResult {
    let mut flags = vec![&FORMAT, &RELATION];
    const EXTRA: [Flag; 4] = [
        Flag {
            names: &["--primary-address"],
            valued: false,
        },
        Flag {
            names: &["--bind-address"],
            valued: false,
        },
        Flag {
            names: &["--ingress-address"],
            valued: false,
        },
        Flag {
            names: &["--egress-subnets"],
            valued: false,
        },
    ];
    flags.extend(EXTRA.iter());
    let parsed = parse(args, &flags)?;
    parsed.at_most(1)?;
    let Some(binding) = parsed.positional.first() else {
        return usage("no arguments specified");
    };
    if parsed.get("-r").is_some() {
        relation_index(state, &parsed)?;
    }
    let Some(addresses) = state.bindings.get(binding) else {
        return op(format!("no network config found for binding {binding:?}"));
    };
    if parsed.bool("--ingress-address")? {
        return json(addresses.first().map(String::as_str).unwrap_or(""));
    }
    let mut network = Map::new();
    let bind: Vec<Value> = addresses
        .iter()
        .map(|a| serde_json::json!({"hostname": "", "value": a, "address": a, "cidr": format!("{a}/32")}))
        .collect();
    network.insert(
        "bind-addresses".into(),
        serde_json::json!([{"mac-address": "", "interface-name": "eth0", "addresses": bind}]),
    );
    network.insert(
        "egress-subnets".into(),
        Value::Array(
            addresses
                .iter()
                .map(|a| Value::String(format!("{a}/32")))
                .collect(),
        ),
    );
    network.insert("ingress-addresses".into(), serde_json::json!(addresses));
    json(&network)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn run(state: &mut State, tool: &str, args: &[&str], stdin: &str) -> Outcome {
        let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
        run_tool(state, tool, &args, &mut stdin.as_bytes())
    }

    #[test]
    fn parses_flags_like_gnuflag() {
        let args: Vec<String> = ["--format=json", "-r", "db:3", "--app", "-", "x", "--", "-y"]
            .iter()
            .map(|a| (*a).to_owned())
            .collect();
        let parsed = parse(&args, &[&FORMAT, &RELATION, &APP]).ok().unwrap();
        assert_eq!(parsed.get("-r"), Some("db:3"));
        assert!(parsed.bool("--app").ok().unwrap());
        assert_eq!(parsed.positional, ["-", "x", "-y"]);
        assert!(parse(&["--nope".to_owned()], &[&FORMAT]).is_err());
    }

    #[test]
    fn unknown_tool_and_bad_usage_exit_2() {
        let mut state = State::new("app/0");
        let out = run(&mut state, "frobnicate", &[], "");
        assert_eq!(out.code, 2);
        assert!(out.stderr.starts_with("ERROR unknown hook tool"));
        let out = run(&mut state, "status-set", &["bogus", "x"], "");
        assert_eq!(out.code, 2);
        let out = run(&mut state, "config-get", &["--bad"], "");
        assert_eq!(out.stderr, "ERROR flag provided but not defined: --bad\n");
        assert_eq!(state.calls.len(), 3);
    }

    #[test]
    fn relation_set_merges_and_deletes() {
        let mut state = State::new("app/0");
        state.relations.push(Relation {
            id: 3,
            endpoint: "db".into(),
            remote_app: "pg".into(),
            ..Relation::default()
        });
        let out = run(
            &mut state,
            "relation-set",
            &["-r", "3", "--file", "-"],
            r#"{"a":"1","b":"2"}"#,
        );
        assert_eq!(out.code, 0, "{out:?}");
        run(
            &mut state,
            "relation-set",
            &["-r", "db:3", "--file", "-", "c=3"],
            r#"{"a":""}"#,
        );
        let bag = &state.relations[0].local_unit_data;
        assert_eq!(bag.len(), 2);
        assert_eq!(bag["b"], "2");
        assert_eq!(bag["c"], "3");
        let out = run(
            &mut state,
            "relation-set",
            &["-r", "3", "--app", "--file", "-"],
            r#"{"a":"1"}"#,
        );
        assert_eq!(
            (out.code, out.stderr.as_str()),
            (1, "ERROR cannot write relation settings\n")
        );
        let out = run(&mut state, "relation-get", &["-r", "9", "-", "app/0"], "");
        assert_eq!(
            out.stderr,
            "ERROR invalid value \"9\" for option -r: relation not found\n"
        );
    }

    #[test]
    fn ports_normalise() {
        assert_eq!(normalise_port("80").as_deref(), Some("80/tcp"));
        assert_eq!(
            normalise_port("8000-8010/UDP").as_deref(),
            Some("8000-8010/udp")
        );
        assert_eq!(normalise_port("icmp").as_deref(), Some("icmp"));
        assert_eq!(normalise_port("x/tcp"), None);
        assert_eq!(normalise_port("80/sctp"), None);
    }
}
