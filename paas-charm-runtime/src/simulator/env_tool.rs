//! `<charm> env`: the environment the workload's main service would get, as `NAME=value`
//! lines, for the charm's defaults, a scenario file and `--config key=value` overrides;
//! `--explain` says where each variable came from (recorded by the reconcile's composition,
//! [`crate::env::provenance`]); secrets print as `***` unless `--show-secrets`.

use std::fmt::Write;
use std::path::PathBuf;

use serde_json::Value;

use super::redact;
use super::{Scenario, ScenarioError};
use crate::env::{Env, Source};
use crate::framework::{self, FrameworkKind};
use crate::juju::metadata::OptionType;
use crate::juju::{CharmMeta, ConfigValues};
use crate::state::is_user_option;

/// The command line of `env`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EnvArgs {
    /// A scenario file (otherwise the charm's defaults with no relations).
    pub scenario: Option<PathBuf>,
    /// `--config key=value`, in order.
    pub config: Vec<(String, String)>,
    /// `--explain`.
    pub explain: bool,
    /// `--show-secrets`.
    pub show_secrets: bool,
}

impl EnvArgs {
    /// Parses the arguments after `env`.
    ///
    /// ```
    /// use paas_charm_runtime::simulator::env_tool::EnvArgs;
    /// let args: Vec<String> = ["--config", "debug=true", "--explain"].map(String::from).into();
    /// let parsed = EnvArgs::parse(&args).unwrap();
    /// assert_eq!(parsed.config, [("debug".to_owned(), "true".to_owned())]);
    /// assert!(parsed.explain && !parsed.show_secrets && parsed.scenario.is_none());
    /// ```
    pub fn parse(args: &[String]) -> Result<Self, String> {
        let mut parsed = EnvArgs::default();
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--explain" => parsed.explain = true,
                "--show-secrets" => parsed.show_secrets = true,
                "--config" => {
                    let pair = args.next().ok_or("--config needs key=value")?;
                    parsed.config.push(split_pair(pair)?);
                }
                other if other.starts_with("--config=") => {
                    parsed.config.push(split_pair(&other["--config=".len()..])?);
                }
                other if other.starts_with('-') => return Err(format!("unknown option {other:?}")),
                path if parsed.scenario.is_none() => parsed.scenario = Some(path.into()),
                extra => return Err(format!("one scenario file at most ({extra:?})")),
            }
        }
        Ok(parsed)
    }
}

fn split_pair(pair: &str) -> Result<(String, String), String> {
    pair.split_once('=')
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .ok_or_else(|| format!("--config {pair:?}: expected key=value"))
}

/// Sets `--config` values into the scenario's `config`, typed by each option's type in
/// the metadata. The error names the option (`--config webserver-workers`).
pub fn apply_config(
    scenario: &mut Scenario,
    meta: &CharmMeta,
    pairs: &[(String, String)],
) -> Result<(), ScenarioError> {
    for (key, text) in pairs {
        let field = format!("--config {key}");
        let Some(option) = meta.config.options.get(key) else {
            let known: Vec<&str> = meta.config.options.keys().map(String::as_str).collect();
            return Err(ScenarioError::new(
                field,
                format!(
                    "not an option of charmcraft.yaml (options: {})",
                    known.join(", ")
                ),
            ));
        };
        let value = match option.kind {
            OptionType::String | OptionType::Secret => Value::String(text.clone()),
            OptionType::Int => text
                .parse::<i64>()
                .map(Value::from)
                .map_err(|_| ScenarioError::new(&field, format!("{text:?} is not an int")))?,
            OptionType::Float => text
                .parse::<f64>()
                .ok()
                .and_then(|f| serde_json::Number::from_f64(f).map(Value::Number))
                .ok_or_else(|| ScenarioError::new(&field, format!("{text:?} is not a float")))?,
            OptionType::Boolean => match text.as_str() {
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                _ => {
                    return Err(ScenarioError::new(
                        field,
                        format!("{text:?} is not a boolean (true or false)"),
                    ))
                }
            },
        };
        scenario.config.insert(key.clone(), value);
    }
    Ok(())
}

/// What one `env` run saw: the scenario (after `--config`), its metadata, the output JSON of
/// the hook and the recorded workload environment.
pub struct EnvRun<'a> {
    /// The scenario that ran.
    pub scenario: &'a Scenario,
    /// Its metadata, endpoints renamed as the charm names them.
    pub meta: &'a CharmMeta,
    /// The framework.
    pub framework: FrameworkKind,
    /// The charm's renamed endpoints (`Charm::ENDPOINTS`).
    pub renamed: &'a [(&'a str, &'a str)],
    /// `simulate`'s output JSON.
    pub output: &'a Value,
    /// The environment the reconcile composed, with sources.
    pub env: Option<&'a Env>,
}

/// Why there is no environment to print.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoEnv {
    /// The charm would not start the workload: the status says why.
    #[error("the charm would be {status}: {message}\nthe workload gets no environment until that is resolved")]
    NotReady {
        /// `blocked`, `waiting`, ...
        status: String,
        /// The status message.
        message: String,
    },
    /// The hook failed.
    #[error("the hook failed: {0}")]
    HookFailed(String),
}

/// The `NAME=value` lines (with `--explain`'s `# source` comments and the workers' and
/// schedulers' differences), or why the workload would get none.
pub fn render(run: &EnvRun<'_>, explain: bool, show_secrets: bool) -> Result<String, NoEnv> {
    let output = run.output;
    if let Some(error) = output.get("error").filter(|e| !e.is_null()) {
        let message = error["message"].as_str().unwrap_or_default().to_owned();
        return Err(NoEnv::HookFailed(message));
    }
    let status = &output["unit_status"];
    let name = status["name"].as_str().unwrap_or("unknown");
    let service = run.framework.info().service;
    let services = &output["pebble"]["plan"]["services"];
    let main = services[service]["environment"].as_object();
    let main = match (name, main) {
        ("active", Some(main)) => main,
        _ => {
            return Err(NoEnv::NotReady {
                status: name.to_owned(),
                message: status["message"].as_str().unwrap_or_default().to_owned(),
            })
        }
    };
    let config = effective_config(run);
    let mut out = String::new();
    for (name, value) in main {
        let text = value_text(value);
        let text = if show_secrets {
            text
        } else if from_secret_option(run, name) {
            redact::MASK.to_owned()
        } else {
            redact::masked(name, &text)
        };
        let _ = write!(out, "{name}={text}");
        if explain {
            let _ = write!(out, "  # {}", explain_source(run, &config, name, value));
        }
        out.push('\n');
    }
    others(&mut out, run, main, explain);
    Ok(out)
}

/// Whether `name` holds the content of a user option of type `secret`.
fn from_secret_option(run: &EnvRun<'_>, name: &str) -> bool {
    run.env.and_then(|e| e.source(name)) == Some(&Source::UserOption)
        && user_option_of(run, name).is_some_and(|(_, kind)| kind == OptionType::Secret)
}

fn value_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => crate::env::python_json::dumps(other),
    }
}

/// The config the charm saw: metadata defaults, then the scenario's values.
fn effective_config(run: &EnvRun<'_>) -> ConfigValues {
    let mut config = ConfigValues::new();
    for (name, option) in &run.meta.config.options {
        if let Some(default) = &option.default {
            config.insert(name.clone(), default.clone());
        }
    }
    for (name, value) in &run.scenario.config {
        config.insert(name.clone(), value.clone());
    }
    config
}

/// The user option that gives `name` (`<P><OPTION>` or, for a secret option,
/// `<P><OPTION>_<KEY>`), with its type.
fn user_option_of(run: &EnvRun<'_>, name: &str) -> Option<(String, OptionType)> {
    let info = run.framework.info();
    run.meta.config.options.iter().find_map(|(option, meta)| {
        let fields = framework::model_fields(run.framework);
        if !is_user_option(info, option) || fields.contains(&option.replace('-', "_").as_str()) {
            return None;
        }
        let var = format!(
            "{}{}",
            info.config_prefix,
            option.replace('-', "_").to_uppercase()
        );
        let hit = name == var
            || (meta.kind == OptionType::Secret && name.starts_with(&format!("{var}_")));
        hit.then(|| (option.clone(), meta.kind))
    })
}

/// The framework option whose value gives `name`: the first option whose change (the
/// value plus one, a flipped boolean, a longer string) or removal changes the variable,
/// running the framework's own option code.
fn framework_option_of(run: &EnvRun<'_>, config: &ConfigValues, name: &str) -> Option<String> {
    let value_in = |config: &ConfigValues| {
        framework::framework_env(run.framework, config, None)
            .ok()
            .map(|vars| vars.into_iter().find(|(n, _)| n == name).map(|(_, v)| v))
    };
    let before = value_in(config)?;
    run.meta
        .config
        .options
        .iter()
        .find(|(option, meta)| {
            let mut changed = config.clone();
            changed.insert((*option).clone(), perturbed(meta.kind, config.get(*option)));
            let mut removed = config.clone();
            removed.remove(*option);
            [changed, removed]
                .iter()
                .any(|c| value_in(c).is_some_and(|after| after != before))
        })
        .map(|(option, _)| option.clone())
}

/// A different valid value of an option's type.
fn perturbed(kind: OptionType, value: Option<&Value>) -> Value {
    match kind {
        OptionType::Int => Value::from(value.and_then(Value::as_i64).unwrap_or(0) + 1),
        OptionType::Float => {
            let f = value.and_then(Value::as_f64).unwrap_or(0.0) + 1.0;
            serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)
        }
        OptionType::Boolean => Value::Bool(!value.and_then(Value::as_bool).unwrap_or(false)),
        OptionType::String | OptionType::Secret => {
            Value::String(format!("{}x", value.and_then(Value::as_str).unwrap_or("")))
        }
    }
}

fn explain_source(run: &EnvRun<'_>, config: &ConfigValues, name: &str, value: &Value) -> String {
    let source = run.env.and_then(|e| e.source(name)).cloned();
    let scenario = run.scenario;
    match source.unwrap_or_default() {
        Source::UserOption => match user_option_of(run, name) {
            Some((option, kind)) => {
                let secret = if kind == OptionType::Secret {
                    ", a secret: its content"
                } else {
                    ""
                };
                format!(
                    "user option `{option}`{}{secret}",
                    set_or_default(run, &option)
                )
            }
            None => "user option".into(),
        },
        Source::FrameworkOption => match framework_option_of(run, config, name) {
            Some(option) => format!("option `{option}`{}", set_or_default(run, &option)),
            None => match secret_key_option(run, name) {
                Some(option) => format!("option `{option}` (set; a secret: its `value`)"),
                None => "framework default".into(),
            },
        },
        Source::BaseUrl => {
            let own = format!("http://{}.{}:", scenario.app_name, scenario.model_name);
            if value.as_str().is_some_and(|v| v.starts_with(&own)) {
                "base URL (no ingress: http://<app>.<model>:<port>)".into()
            } else {
                "base URL (the ingress integration's URL)".into()
            }
        }
        Source::PeerSecretKey => {
            let field = run.framework.info().secret_key_field;
            match &scenario.peer {
                Some(peer) => format!(
                    "peer secret key (secret-storage relation {}, app bag key {field})",
                    peer.id
                ),
                None => format!("peer secret key ({field})"),
            }
        }
        Source::PeerUnits => "the other units of the secret-storage peer relation".into(),
        Source::JujuProxy => format!("Juju model proxy (JUJU_CHARM_{})", name.to_uppercase()),
        Source::Integration(integration) => integration_source(run, &integration),
        Source::Framework => format!("{} framework (derived)", run.framework),
        Source::Extension => "the charm's extensions (extra_env)".into(),
        Source::Unknown => "unknown".into(),
    }
}

/// The `*-secret-key-id` option that gave a `*SECRET_KEY` variable (the framework reads
/// the secret, so changing the option's text alone does not show it).
fn secret_key_option(run: &EnvRun<'_>, name: &str) -> Option<String> {
    if !name.ends_with("SECRET_KEY") {
        return None;
    }
    run.scenario
        .config
        .iter()
        .find(|(option, value)| option.ends_with("secret-key-id") && !value.is_null())
        .map(|(option, _)| option.clone())
}

fn set_or_default(run: &EnvRun<'_>, option: &str) -> String {
    if run.scenario.config.contains_key(option) {
        " (set)".into()
    } else {
        " (its default)".into()
    }
}

fn integration_source(run: &EnvRun<'_>, integration: &str) -> String {
    let endpoint = run
        .renamed
        .iter()
        .find(|(ours, _)| *ours == integration)
        .map_or(integration, |(_, theirs)| *theirs);
    let relations: Vec<String> = run
        .scenario
        .relations
        .iter()
        .filter(|r| r.endpoint == endpoint)
        .map(|r| format!("relation {}, remote app {}", r.id, r.remote_app_name))
        .collect();
    if relations.is_empty() {
        format!("integration {integration} (endpoint {endpoint})")
    } else {
        format!(
            "integration {integration} (endpoint {endpoint}, {})",
            relations.join("; ")
        )
    }
}

/// Worker and scheduler services: a comment when their environment differs from the main
/// service's (or, with `--explain`, that it is the same).
fn others(
    out: &mut String,
    run: &EnvRun<'_>,
    main: &serde_json::Map<String, Value>,
    explain: bool,
) {
    let service = run.framework.info().service;
    let Some(services) = run.output["pebble"]["plan"]["services"].as_object() else {
        return;
    };
    for (name, definition) in services {
        let lower = name.to_lowercase();
        if name == service || !(lower.ends_with("-worker") || lower.ends_with("-scheduler")) {
            continue;
        }
        if definition["startup"] == "disabled" {
            let _ = writeln!(
                out,
                "# {name}: disabled on unit {} (schedulers run on unit 0 only)",
                run.scenario.unit_id
            );
            continue;
        }
        match definition["environment"].as_object() {
            Some(env) if env == main => {
                if explain {
                    let _ = writeln!(out, "# {name}: the same environment");
                }
            }
            other => {
                let env = other.cloned().unwrap_or_default();
                let _ = writeln!(out, "# {name}: a different environment:");
                for (var, value) in &env {
                    if main.get(var) != Some(value) {
                        let text = redact::masked(var, &value_text(value));
                        let _ = writeln!(out, "#   {var}={text}");
                    }
                }
                for var in main.keys().filter(|v| !env.contains_key(*v)) {
                    let _ = writeln!(out, "#   {var} unset");
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use serde_json::json;

    use super::*;
    use crate::simulator::OwnCharm;

    const YAML: &str = "name: go-app\ncontainers:\n  app:\n    resource: app-image\n\
                        config:\n  options:\n    app-port:\n      type: int\n      default: 8080\n\
                        \x20   ratio:\n      type: float\n    debug:\n      type: boolean\n";

    fn scenario() -> (Scenario, CharmMeta) {
        let own = OwnCharm {
            framework: FrameworkKind::Go,
            charmcraft_yaml: YAML,
        };
        let scenario = Scenario::parse("{}", Some(&own)).expect("scenario");
        let meta: CharmMeta = serde_json::from_value(scenario.metadata.clone()).expect("meta");
        (scenario, meta)
    }

    fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn config_values_take_their_options_type() {
        let (mut scenario, meta) = scenario();
        let given = pairs(&[("app-port", "9000"), ("ratio", "0.5"), ("debug", "true")]);
        apply_config(&mut scenario, &meta, &given).expect("typed");
        assert_eq!(scenario.config["app-port"], json!(9000));
        assert_eq!(scenario.config["ratio"], json!(0.5));
        assert_eq!(scenario.config["debug"], json!(true));
        let err = apply_config(&mut scenario, &meta, &pairs(&[("app-port", "80a")])).unwrap_err();
        assert_eq!(err.to_string(), "--config app-port: \"80a\" is not an int");
        let err = apply_config(&mut scenario, &meta, &pairs(&[("ratio", "x")])).unwrap_err();
        assert_eq!(err.to_string(), "--config ratio: \"x\" is not a float");
        let err = apply_config(&mut scenario, &meta, &pairs(&[("colour", "red")])).unwrap_err();
        assert_eq!(
            err.to_string(),
            "--config colour: not an option of charmcraft.yaml (options: app-port, debug, ratio)"
        );
    }

    #[test]
    fn arguments_are_parsed_or_refused() {
        let args =
            |a: &[&str]| EnvArgs::parse(&a.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>());
        let parsed = args(&["s.json", "--config=a=b=c", "--show-secrets"]).expect("parses");
        assert_eq!(parsed.scenario.as_deref(), Some(Path::new("s.json")));
        assert_eq!(parsed.config, pairs(&[("a", "b=c")]));
        assert!(parsed.show_secrets);
        assert_eq!(args(&["--config"]).unwrap_err(), "--config needs key=value");
        assert_eq!(
            args(&["--config", "novalue"]).unwrap_err(),
            "--config \"novalue\": expected key=value"
        );
        assert_eq!(
            args(&["--verbose"]).unwrap_err(),
            "unknown option \"--verbose\""
        );
        assert_eq!(
            args(&["a", "b"]).unwrap_err(),
            "one scenario file at most (\"b\")"
        );
    }

    #[test]
    fn a_blocked_or_failed_run_has_no_environment() {
        let (scenario, meta) = scenario();
        let blocked = json!({"error": null,
            "unit_status": {"name": "blocked", "message": "missing integrations: postgresql"},
            "pebble": {"plan": {"services": {}}}});
        let run = EnvRun {
            scenario: &scenario,
            meta: &meta,
            framework: FrameworkKind::Go,
            renamed: &[],
            output: &blocked,
            env: None,
        };
        assert_eq!(
            render(&run, false, false).unwrap_err(),
            NoEnv::NotReady {
                status: "blocked".into(),
                message: "missing integrations: postgresql".into()
            }
        );
        let failed = json!({"error": {"message": "pebble: connection reset"}});
        let run = EnvRun {
            output: &failed,
            ..run
        };
        assert_eq!(
            render(&run, false, false).unwrap_err().to_string(),
            "the hook failed: pebble: connection reset"
        );
    }

    #[test]
    fn an_active_run_prints_the_main_service_with_sources() {
        let (scenario, meta) = scenario();
        let output = json!({"error": null, "unit_status": {"name": "active", "message": ""},
            "pebble": {"plan": {"services": {
                "go": {"environment": {"APP_PORT": "8080", "APP_SECRET_KEY": "k",
                                       "REDIS_DB_CONNECT_STRING": "redis://:pw@r:6379"}},
                "go-worker": {"environment": {"APP_PORT": "8080"}}}}}});
        let mut env = Env::recording();
        env.attribute(Source::FrameworkOption);
        env.set("APP_PORT", "8080");
        env.attribute(Source::PeerSecretKey);
        env.set("APP_SECRET_KEY", "k");
        env.attribute_integration("redis");
        env.set("REDIS_DB_CONNECT_STRING", "redis://:pw@r:6379");
        let run = EnvRun {
            scenario: &scenario,
            meta: &meta,
            framework: FrameworkKind::Go,
            renamed: &[],
            output: &output,
            env: Some(&env),
        };
        assert_eq!(
            render(&run, true, false).expect("active"),
            "APP_PORT=8080  # option `app-port` (its default)\n\
             APP_SECRET_KEY=***  # peer secret key (secret-storage relation 1, app bag key go_secret_key)\n\
             REDIS_DB_CONNECT_STRING=redis://:***@r:6379  # integration redis (endpoint redis)\n\
             # go-worker: a different environment:\n\
             #   APP_SECRET_KEY unset\n\
             #   REDIS_DB_CONNECT_STRING unset\n"
        );
        assert_eq!(
            render(&run, false, true).expect("active"),
            "APP_PORT=8080\nAPP_SECRET_KEY=k\nREDIS_DB_CONNECT_STRING=redis://:pw@r:6379\n\
             # go-worker: a different environment:\n\
             #   APP_SECRET_KEY unset\n\
             #   REDIS_DB_CONNECT_STRING unset\n"
        );
    }
}
