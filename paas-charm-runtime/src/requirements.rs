//! What a charm needs in its `charmcraft.yaml`, for the `metadata` command: the sections
//! Charmcraft's framework extension would expand to plus one `requires` endpoint per listed
//! integration, and a check of an existing file against them.
//!
//! The knowledge itself (each framework's container, options and actions, each integration's
//! endpoint and interface) is the table in the `paas-charm-requirements` crate, re-exported here
//! as [`table`]; the `#[paas_charm]` attribute checks a charm's file against the same table at
//! compile time.

use std::fmt;

use serde_json::{Map, Value};

pub use paas_charm_requirements as table;
use table::{DefaultValue, FrameworkSpec, IntegrationSpec};

use crate::framework::FrameworkKind;
use crate::yaml;

/// A reason the charm's requirements cannot be printed or checked.
#[derive(Debug, thiserror::Error)]
pub enum RequirementsError {
    /// The framework is not in the table.
    #[error("the requirements table does not know the framework {0:?}")]
    UnknownFramework(String),
    /// An integration is not in the table.
    #[error("the requirements table does not know the integration {0:?}")]
    UnknownIntegration(String),
    /// The file is not YAML.
    #[error("{path}: not valid YAML{}: {message}", location(.line, .column))]
    InvalidYaml {
        /// The file.
        path: String,
        /// What is wrong.
        message: String,
        /// 1-based line, when known.
        line: Option<usize>,
        /// 1-based column, when known.
        column: Option<usize>,
    },
    /// The file is empty or not a mapping.
    #[error("{path}: {what}")]
    WrongShape {
        /// The file.
        path: String,
        /// What is wrong.
        what: String,
    },
}

fn location(line: &Option<usize>, column: &Option<usize>) -> String {
    match (line, column) {
        (Some(l), Some(c)) => format!(" at line {l}, column {c}"),
        (Some(l), None) => format!(" at line {l}"),
        _ => String::new(),
    }
}

/// The framework's and the integrations' entries in the table, with the endpoints the
/// attribute renames (`endpoints(postgresql = "db")`: `(integration, endpoint)` pairs) applied.
pub fn specs(
    framework: FrameworkKind,
    integrations: &[&str],
    renames: &[(&'static str, &'static str)],
) -> Result<(&'static FrameworkSpec, Vec<IntegrationSpec>), RequirementsError> {
    let name = framework.info().name;
    let spec =
        table::framework(name).ok_or_else(|| RequirementsError::UnknownFramework(name.into()))?;
    let listed = integrations
        .iter()
        .map(|i| {
            let mut found = *table::integration_by_name(i)
                .ok_or_else(|| RequirementsError::UnknownIntegration(i.to_string()))?;
            if let Some((_, endpoint)) = renames.iter().find(|(n, _)| n == i) {
                found.endpoint = Some(endpoint);
            }
            Ok(found)
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok((spec, listed))
}

/// The charmcraft.yaml sections the charm needs, as YAML text.
pub fn sections(
    framework: FrameworkKind,
    integrations: &[&str],
    renames: &[(&'static str, &'static str)],
) -> Result<String, RequirementsError> {
    let (spec, listed) = specs(framework, integrations, renames)?;
    let listed: Vec<&IntegrationSpec> = listed.iter().collect();
    Ok(table::render::sections(spec, &listed))
}

/// One thing a checked file lacks or has differently.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Where, as a dotted path (`requires.redis`, `config.options.app-port`).
    pub at: String,
    /// Whether it is missing (rather than different).
    pub missing: bool,
    /// What the charm needs there.
    pub needed: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = if self.missing { "missing" } else { "different" };
        write!(f, "{kind}: {}: {}", self.at, self.needed)
    }
}

/// Checks charmcraft.yaml text against what the charm needs. `path` names the file in errors.
pub fn check(
    path: &str,
    text: &str,
    framework: FrameworkKind,
    integrations: &[&str],
    renames: &[(&'static str, &'static str)],
) -> Result<Vec<Finding>, RequirementsError> {
    let (spec, listed) = specs(framework, integrations, renames)?;
    let value = yaml::to_json_value(text).map_err(|err| RequirementsError::InvalidYaml {
        path: path.to_string(),
        message: err.message,
        line: err.line,
        column: err.column,
    })?;
    let file = match value {
        Value::Object(map) => map,
        Value::Null => {
            return Err(RequirementsError::WrongShape {
                path: path.into(),
                what: "the file is empty".into(),
            })
        }
        _ => {
            return Err(RequirementsError::WrongShape {
                path: path.into(),
                what: "the top level is not a mapping".into(),
            })
        }
    };
    let mut out = Findings(Vec::new());
    let by_extension = file
        .get("extensions")
        .and_then(Value::as_array)
        .is_some_and(|e| {
            e.iter()
                .any(|x| x.as_str() == Some(spec.extension().as_str()))
        });
    if !by_extension {
        framework_parts(&file, spec, &mut out);
    }
    let options = section(&file, "config")
        .and_then(|c| c.get("options"))
        .and_then(Value::as_object);
    for (name, declared) in options.into_iter().flatten() {
        let kind = declared.get("type").and_then(Value::as_str);
        if let Some(needed) = spec.option(name) {
            if kind != Some(needed.kind.as_str()) {
                out.different(
                    format!("config.options.{name}.type"),
                    format!("type: {}", needed.kind.as_str()),
                );
            }
        } else if !is_oauth_option(&file, spec, name) {
            if let Some(prefix) = spec
                .reserved_prefixes()
                .into_iter()
                .find(|p| name.starts_with(p.as_str()))
            {
                out.different(
                    format!("config.options.{name}"),
                    format!(
                        "the prefix `{prefix}` is reserved by the {} framework: rename it",
                        spec.name
                    ),
                );
            }
        }
    }
    for integration in &listed {
        integration_parts(&file, spec, integration, &mut out);
    }
    Ok(out.0)
}

struct Findings(Vec<Finding>);

impl Findings {
    fn missing(&mut self, at: String, needed: String) {
        self.0.push(Finding {
            at,
            missing: true,
            needed,
        });
    }

    fn different(&mut self, at: String, needed: String) {
        self.0.push(Finding {
            at,
            missing: false,
            needed,
        });
    }
}

fn section<'a>(file: &'a Map<String, Value>, name: &str) -> Option<&'a Map<String, Value>> {
    file.get(name).and_then(Value::as_object)
}

fn get_str<'a>(value: Option<&'a Value>, key: &str) -> Option<&'a str> {
    value.and_then(|v| v.get(key)).and_then(Value::as_str)
}

fn framework_parts(file: &Map<String, Value>, spec: &FrameworkSpec, out: &mut Findings) {
    let assumes = file.get("assumes").and_then(Value::as_array);
    for needed in table::ASSUMES {
        if !assumes.is_some_and(|a| a.iter().any(|x| x.as_str() == Some(needed))) {
            out.missing("assumes".into(), format!("- {needed}"));
        }
    }
    let container = section(file, "containers").and_then(|c| c.get(spec.container));
    match container {
        None => out.missing(
            format!("containers.{}", spec.container),
            format!("resource: {}", spec.resource),
        ),
        Some(c) if get_str(Some(c), "resource") != Some(spec.resource) => out.different(
            format!("containers.{}.resource", spec.container),
            spec.resource.to_string(),
        ),
        Some(_) => {}
    }
    let resource = section(file, "resources").and_then(|r| r.get(spec.resource));
    match resource {
        None => out.missing(
            format!("resources.{}", spec.resource),
            "type: oci-image".into(),
        ),
        Some(r) if get_str(Some(r), "type") != Some("oci-image") => out.different(
            format!("resources.{}.type", spec.resource),
            "oci-image".into(),
        ),
        Some(_) => {}
    }
    for (name, relations) in [
        ("peers", table::PEERS),
        ("requires", table::REQUIRES),
        ("provides", table::PROVIDES),
    ] {
        for relation in relations {
            let declared = section(file, name).and_then(|s| s.get(relation.endpoint));
            relation_parts(
                name,
                relation.endpoint,
                relation.interface,
                relation.limit,
                declared,
                out,
            );
        }
    }
    let options = section(file, "config")
        .and_then(|c| c.get("options"))
        .and_then(Value::as_object);
    for option in spec.options {
        let declared = options.and_then(|o| o.get(option.name));
        let Some(declared) = declared else {
            let mut needed = format!("type: {}", option.kind.as_str());
            if let Some(default) = option.default {
                needed.push_str(&format!(", default: {}", default_json(default)));
            }
            out.missing(format!("config.options.{}", option.name), needed);
            continue;
        };
        if let Some(default) = option.default {
            if declared.get("default") != Some(&default_json(default)) {
                out.different(
                    format!("config.options.{}.default", option.name),
                    default_json(default).to_string(),
                );
            }
        }
    }
    let actions = section(file, "actions");
    for action in spec.actions {
        let Some(declared) = actions.and_then(|a| a.get(action.name)) else {
            out.missing(
                format!("actions.{}", action.name),
                action.description.into(),
            );
            continue;
        };
        for param in action.params {
            let kind = declared
                .get("params")
                .and_then(|p| p.get(param.name))
                .and_then(|p| p.get("type"))
                .and_then(Value::as_str);
            if kind == Some(param.kind) {
                continue;
            }
            out.missing(
                format!("actions.{}.params.{}", action.name, param.name),
                format!("type: {}", param.kind),
            );
        }
        let required = declared.get("required").and_then(Value::as_array);
        for name in action.required {
            if !required.is_some_and(|r| r.iter().any(|x| x.as_str() == Some(name))) {
                out.missing(
                    format!("actions.{}.required", action.name),
                    format!("[{}]", action.required.join(", ")),
                );
                break;
            }
        }
    }
}

fn relation_parts(
    section_name: &str,
    endpoint: &str,
    interface: &str,
    limit: Option<u32>,
    declared: Option<&Value>,
    out: &mut Findings,
) {
    let at = format!("{section_name}.{endpoint}");
    let Some(declared) = declared else {
        let mut needed = format!("interface: {interface}");
        if let Some(limit) = limit {
            needed.push_str(&format!(", limit: {limit}"));
        }
        out.missing(at, needed);
        return;
    };
    if get_str(Some(declared), "interface") != Some(interface) {
        out.different(format!("{at}.interface"), interface.into());
    }
    if let Some(limit) = limit {
        if declared.get("limit").and_then(Value::as_u64) != Some(u64::from(limit)) {
            out.different(format!("{at}.limit"), limit.to_string());
        }
    }
}

fn oauth_endpoints(file: &Map<String, Value>) -> Vec<String> {
    section(file, "requires")
        .into_iter()
        .flatten()
        .filter(|(_, r)| get_str(Some(r), "interface") == Some("oauth"))
        .map(|(name, _)| name.clone())
        .collect()
}

fn is_oauth_option(file: &Map<String, Value>, spec: &FrameworkSpec, name: &str) -> bool {
    oauth_endpoints(file)
        .iter()
        .any(|ep| spec.oauth_options(ep).iter().any(|(o, _)| o == name))
}

fn integration_parts(
    file: &Map<String, Value>,
    spec: &FrameworkSpec,
    integration: &IntegrationSpec,
    out: &mut Findings,
) {
    let requires = section(file, "requires");
    let Some(endpoint) = integration.endpoint else {
        let endpoints = oauth_endpoints(file);
        match endpoints.as_slice() {
            [] => out.missing(
                format!("requires.{}", integration.default_endpoint()),
                "interface: oauth, optional: true, limit: 1".into(),
            ),
            [endpoint] => {
                let options = section(file, "config")
                    .and_then(|c| c.get("options"))
                    .and_then(Value::as_object);
                for (name, default) in spec.oauth_options(endpoint) {
                    match options.and_then(|o| o.get(&name)) {
                        None => out.missing(
                            format!("config.options.{name}"),
                            format!("type: string, default: {default}"),
                        ),
                        Some(o) if get_str(Some(o), "type") != Some("string") => {
                            out.different(format!("config.options.{name}.type"), "string".into())
                        }
                        Some(_) => {}
                    }
                }
            }
            several => out.different(
                "requires".into(),
                format!(
                    "exactly one endpoint with interface oauth, not {}",
                    several.join(", ")
                ),
            ),
        }
        return;
    };
    let Some(declared) = requires.and_then(|r| r.get(endpoint)) else {
        out.missing(
            format!("requires.{endpoint}"),
            format!(
                "interface: {}, optional: true, limit: 1",
                integration.interface
            ),
        );
        return;
    };
    let limit = integration.needs_limit_one.then_some(1);
    relation_parts(
        "requires",
        endpoint,
        integration.interface,
        limit,
        Some(declared),
        out,
    );
}

fn default_json(default: DefaultValue) -> Value {
    match default {
        DefaultValue::Str(s) => Value::from(s),
        DefaultValue::Int(i) => Value::from(i),
        DefaultValue::Bool(b) => Value::from(b),
    }
}

/// `<charm> metadata [--check <charmcraft.yaml>]`: prints the sections, or checks a file and
/// lists what it lacks or has differently (exit 1 when something is, 2 on a usage or file
/// error).
pub fn run_metadata(
    framework: FrameworkKind,
    integrations: &[&str],
    renames: &[(&'static str, &'static str)],
    args: &[String],
) -> std::process::ExitCode {
    use std::process::ExitCode;
    match args {
        [] => match sections(framework, integrations, renames) {
            Ok(text) => {
                crate::cli::emit(&format!(
                    "# The charmcraft.yaml sections this {} charm needs (integrations: {}).\n",
                    framework.info().name,
                    if integrations.is_empty() {
                        "none".to_string()
                    } else {
                        integrations.join(", ")
                    }
                ));
                crate::cli::emit(&text);
                ExitCode::SUCCESS
            }
            Err(err) => {
                eprintln!("error: {err}");
                ExitCode::from(2)
            }
        },
        [flag, path] if flag == "--check" => {
            let text = match std::fs::read_to_string(path) {
                Ok(text) => text,
                Err(err) => {
                    eprintln!("error: cannot read {path}: {err}");
                    return ExitCode::from(2);
                }
            };
            match check(path, &text, framework, integrations, renames) {
                Ok(findings) if findings.is_empty() => {
                    crate::cli::emit(&format!("{path} declares everything this charm needs\n"));
                    ExitCode::SUCCESS
                }
                Ok(findings) => {
                    for finding in &findings {
                        crate::cli::emit(&format!("{finding}\n"));
                    }
                    crate::cli::emit(&format!(
                        "{path}: {} difference{} (run `metadata` without --check for the full \
                         sections)\n",
                        findings.len(),
                        if findings.len() == 1 { "" } else { "s" }
                    ));
                    ExitCode::from(1)
                }
                Err(err) => {
                    eprintln!("error: {err}");
                    ExitCode::from(2)
                }
            }
        }
        _ => {
            eprintln!("error: usage: metadata [--check <charmcraft.yaml>]");
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_printed_sections_pass_their_own_check() {
        for kind in FrameworkKind::ALL {
            let all: Vec<&str> = table::INTEGRATIONS.iter().map(|i| i.name).collect();
            let text = sections(kind, &all, &[]).expect("sections");
            let findings = check("charmcraft.yaml", &text, kind, &all, &[]).expect("checks");
            assert_eq!(findings, [], "{kind}");
        }
    }

    #[test]
    fn the_flask_example_declares_what_it_needs() {
        let text = include_str!("../../examples/flask/charmcraft.yaml");
        let findings = check(
            "charmcraft.yaml",
            text,
            FrameworkKind::Flask,
            &["postgresql", "mysql", "mongodb", "oauth"],
            &[],
        )
        .expect("checks");
        assert_eq!(findings, []);
    }

    #[test]
    fn reports_what_is_missing_or_different() {
        let text = "name: x\nassumes: [k8s-api]\ncontainers:\n  app:\n    resource: other\n\
                    requires:\n  redis:\n    interface: redis_client\n  tracing:\n    interface: tracing\n\
                    config:\n  options:\n    app-port:\n      type: string\n      default: 8080\n\
                    \x20   app-colour:\n      type: string\n";
        let findings = check(
            "charmcraft.yaml",
            text,
            FrameworkKind::Go,
            &["redis", "tracing"],
            &[],
        )
        .expect("checks");
        let lines: Vec<String> = findings.iter().map(ToString::to_string).collect();
        assert_eq!(
            lines,
            [
                "different: containers.app.resource: app-image",
                "missing: resources.app-image: type: oci-image",
                "missing: peers.secret-storage: interface: secret-storage",
                "missing: requires.ingress: interface: ingress, limit: 1",
                "missing: requires.logging: interface: loki_push_api",
                "missing: provides.metrics-endpoint: interface: prometheus_scrape",
                "missing: provides.grafana-dashboard: interface: grafana_dashboard",
                "missing: config.options.metrics-port: type: int, default: 8080",
                "missing: config.options.metrics-path: type: string, default: \"/metrics\"",
                "missing: config.options.app-secret-key: type: string",
                "missing: config.options.app-secret-key-id: type: secret",
                "missing: actions.rotate-secret-key: Rotate the secret key. Users will be \
                 forced to log in again. This might be useful if a security breach occurs.",
                "different: config.options.app-port.type: type: int",
                "different: config.options.app-colour: the prefix `app-` is reserved by the go \
                 framework: rename it",
                "different: requires.redis.interface: redis",
                "different: requires.tracing.limit: 1",
            ]
        );
    }

    #[test]
    fn bad_files_are_errors_naming_the_file() {
        let err = check("c.yaml", "a: [1\n", FrameworkKind::Flask, &[], &[]).expect_err("invalid");
        assert!(
            err.to_string()
                .starts_with("c.yaml: not valid YAML at line"),
            "{err}"
        );
        let err = check("c.yaml", "", FrameworkKind::Flask, &[], &[]).expect_err("empty");
        assert_eq!(err.to_string(), "c.yaml: the file is empty");
        let err = check("c.yaml", "- a\n", FrameworkKind::Flask, &[], &[]).expect_err("list");
        assert_eq!(err.to_string(), "c.yaml: the top level is not a mapping");
        let err = sections(FrameworkKind::Flask, &["kafka"], &[]).expect_err("unknown");
        assert_eq!(
            err.to_string(),
            "the requirements table does not know the integration \"kafka\""
        );
    }

    #[test]
    fn an_extension_supplies_the_framework_parts() {
        let text = "name: x\nextensions: [django-framework]\nrequires:\n  postgresql:\n    \
                    interface: postgresql_client\n";
        let findings =
            check("c.yaml", text, FrameworkKind::Django, &["postgresql"], &[]).expect("checks");
        assert_eq!(findings, []);
    }

    #[test]
    fn a_renamed_endpoint_is_printed_and_checked_under_its_name() {
        let renames = [("postgresql", "db")];
        let text = sections(FrameworkKind::Go, &["postgresql"], &renames).expect("sections");
        assert!(
            text.contains("  db:\n    interface: postgresql_client\n"),
            "{text}"
        );
        assert!(!text.contains("  postgresql:\n"), "{text}");
        let findings = check(
            "c.yaml",
            &text,
            FrameworkKind::Go,
            &["postgresql"],
            &renames,
        )
        .expect("checks");
        assert_eq!(findings, []);
        let unrenamed = sections(FrameworkKind::Go, &["postgresql"], &[]).expect("sections");
        let lines: Vec<String> = check(
            "c.yaml",
            &unrenamed,
            FrameworkKind::Go,
            &["postgresql"],
            &renames,
        )
        .expect("checks")
        .iter()
        .map(ToString::to_string)
        .collect();
        assert_eq!(
            lines,
            ["missing: requires.db: interface: postgresql_client, optional: true, limit: 1"]
        );
    }
}
