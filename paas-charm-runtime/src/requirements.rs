//! What a charm needs in its `charmcraft.yaml`, for the `metadata` command: the sections
//! Charmcraft's framework extension would expand to plus one `requires` endpoint per listed
//! integration, and a check of an existing file against them.
//!
//! The knowledge itself (each framework's container, options and actions, each integration's
//! endpoint and interface) and the checker are in the `paas-charm-requirements` crate,
//! re-exported here as [`table`]: the `#[paas_charm]` attribute checks a charm's file with the
//! same checker at compile time, so `metadata --check` and the compiler report the same
//! findings in the same words.

use serde_json::{json, Value};

pub use paas_charm_requirements as table;
use table::check::{Attribute, Finding, Listed};
use table::{FrameworkSpec, IntegrationSpec};

use crate::framework::FrameworkKind;

/// A reason the charm's requirements cannot be printed or checked.
#[derive(Debug, thiserror::Error)]
pub enum RequirementsError {
    /// The framework is not in the table.
    #[error("the requirements table does not know the framework {0:?}")]
    UnknownFramework(String),
    /// An integration is not in the table.
    #[error("the requirements table does not know the integration {0:?}")]
    UnknownIntegration(String),
    /// The file is not YAML, is empty, or is not a mapping.
    #[error("{0}")]
    File(String),
}

/// What the attribute says: the framework, the listed integrations, the endpoints it renames
/// (`endpoints(postgresql = "db")`: `(the integration's endpoint, the charm's)` pairs) and
/// `unhandled_endpoints(...)`.
#[derive(Debug, Clone, Copy)]
pub struct Declared<'a> {
    /// The framework.
    pub framework: FrameworkKind,
    /// The listed integrations' names.
    pub integrations: &'a [&'a str],
    /// The renamed endpoints.
    pub renames: &'a [(&'static str, &'static str)],
    /// The endpoints the charm leaves alone.
    pub unhandled: &'a [&'a str],
}

impl<'a> Declared<'a> {
    /// Just the framework and integrations (no renames, nothing unhandled).
    pub fn new(framework: FrameworkKind, integrations: &'a [&'a str]) -> Self {
        Declared {
            framework,
            integrations,
            renames: &[],
            unhandled: &[],
        }
    }

    /// The attribute of charm `C`.
    pub fn of<C: crate::charm::Charm>() -> Declared<'static> {
        Declared {
            framework: C::FRAMEWORK,
            integrations: C::INTEGRATIONS,
            renames: C::ENDPOINTS,
            unhandled: C::UNHANDLED_ENDPOINTS,
        }
    }

    fn attribute(&self) -> Result<Attribute<'a>, RequirementsError> {
        let name = self.framework.info().name;
        let framework = table::framework(name)
            .ok_or_else(|| RequirementsError::UnknownFramework(name.into()))?;
        let integrations = self
            .integrations
            .iter()
            .map(|i| {
                let spec = table::integration_by_name(i)
                    .ok_or_else(|| RequirementsError::UnknownIntegration(i.to_string()))?;
                let endpoint = self
                    .renames
                    .iter()
                    .find(|(ours, _)| spec.endpoint == Some(*ours) || spec.name == *ours)
                    .map(|(_, theirs)| *theirs);
                Ok(Listed { spec, endpoint })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Attribute {
            framework: Some(framework),
            integrations,
            integrations_complete: true,
            unhandled: self.unhandled.to_vec(),
        })
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

/// Checks charmcraft.yaml text against what the charm declares, with the one checker the
/// compiler uses. `path` names the file in the findings.
pub fn check(
    path: &str,
    text: &str,
    declared: &Declared<'_>,
) -> Result<Vec<Finding>, RequirementsError> {
    let attr = declared.attribute()?;
    table::check_text(path, text, &attr).map_err(|err| RequirementsError::File(err.describe(path)))
}

/// What `metadata --json` prints: the attribute, for tools (`cargo paas-charm pack`) that
/// compare a binary with a charmcraft.yaml.
pub fn declared_json(declared: &Declared<'_>) -> Value {
    json!({
        "framework": declared.framework.info().name,
        "integrations": declared.integrations,
        "endpoints": declared
            .renames
            .iter()
            .map(|(ours, theirs)| json!([ours, theirs]))
            .collect::<Vec<_>>(),
        "unhandled_endpoints": declared.unhandled,
    })
}

/// One finding as `metadata --check` prints it: its kind, its path in the YAML, then the same
/// words as the compiler's error.
pub fn finding_text(finding: &Finding) -> String {
    format!("error[{}] {}: {finding}\n", finding.kind, finding.path)
}

/// What the `metadata` command prints, and how it exits: the CLI writes it out.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MetadataOutput {
    /// The text for stdout.
    pub stdout: String,
    /// The text for stderr (an error line), empty when none.
    pub stderr: String,
    /// The exit code: 0, 1 when a checked file has problems, 2 on a usage or file error.
    pub code: u8,
}

impl MetadataOutput {
    fn printed(stdout: String, code: u8) -> Self {
        Self {
            stdout,
            code,
            ..Self::default()
        }
    }

    fn error(message: String) -> Self {
        Self {
            stderr: format!("error: {message}\n"),
            code: 2,
            ..Self::default()
        }
    }
}

/// `<charm> metadata [--check <charmcraft.yaml> | --json]`: the sections, or every finding of
/// a checked file (exit 1 when there is one, 2 on a usage or file error), or the attribute as
/// JSON.
pub fn run_metadata(declared: &Declared<'_>, args: &[String]) -> MetadataOutput {
    let framework = declared.framework;
    let integrations = declared.integrations;
    match args {
        [] => match sections(framework, integrations, declared.renames) {
            Ok(text) => MetadataOutput::printed(
                format!(
                    "# The charmcraft.yaml sections this {} charm needs (integrations: {}).\n{text}",
                    framework.info().name,
                    if integrations.is_empty() {
                        "none".to_string()
                    } else {
                        integrations.join(", ")
                    }
                ),
                0,
            ),
            Err(err) => MetadataOutput::error(err.to_string()),
        },
        [flag] if flag == "--json" => {
            MetadataOutput::printed(format!("{}\n", declared_json(declared)), 0)
        }
        [flag, path] if flag == "--check" => {
            let text = match std::fs::read_to_string(path) {
                Ok(text) => text,
                Err(err) => return MetadataOutput::error(format!("cannot read {path}: {err}")),
            };
            match check(path, &text, declared) {
                Ok(findings) if findings.is_empty() => MetadataOutput::printed(
                    format!("{path} declares everything this charm needs\n"),
                    0,
                ),
                Ok(findings) => {
                    let mut out: String = findings.iter().map(finding_text).collect();
                    out.push_str(&format!(
                        "{path}: {} problem{} (run `metadata` without --check for the full \
                         sections)\n",
                        findings.len(),
                        if findings.len() == 1 { "" } else { "s" }
                    ));
                    MetadataOutput::printed(out, 1)
                }
                Err(err) => MetadataOutput::error(err.to_string()),
            }
        }
        _ => MetadataOutput::error("usage: metadata [--check <charmcraft.yaml> | --json]".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use table::Kind;

    #[test]
    fn the_printed_sections_pass_their_own_check() {
        for kind in FrameworkKind::ALL {
            let all: Vec<&str> = table::INTEGRATIONS.iter().map(|i| i.name).collect();
            let text = sections(kind, &all, &[]).expect("sections");
            let findings =
                check("charmcraft.yaml", &text, &Declared::new(kind, &all)).expect("checks");
            assert_eq!(findings, [], "{kind}");
        }
    }

    #[test]
    fn the_flask_example_declares_what_it_needs() {
        let text = include_str!("../../examples/flask/charmcraft.yaml");
        // The Flask example's attribute.
        let listed = [
            "postgresql",
            "mysql",
            "mongodb",
            "redis",
            "valkey",
            "s3",
            "rabbitmq",
            "saml",
            "oauth",
            "openfga",
            "tracing",
            "smtp",
            "http-proxy",
        ];
        let findings = check(
            "charmcraft.yaml",
            text,
            &Declared::new(FrameworkKind::Flask, &listed),
        )
        .expect("checks");
        assert_eq!(findings, []);
        // Listing fewer integrations than the file declares endpoints for is a finding, as
        // it is a compile error.
        let fewer = Declared::new(
            FrameworkKind::Flask,
            &["postgresql", "mysql", "mongodb", "oauth"],
        );
        let findings = check("charmcraft.yaml", text, &fewer).expect("checks");
        assert_eq!(findings.len(), 1, "{findings:#?}");
        assert_eq!(findings[0].kind, Kind::UnlistedEndpoint);
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
            &Declared::new(FrameworkKind::Go, &["redis", "tracing"]),
        )
        .expect("checks");
        let lines: Vec<(Kind, &str)> = findings.iter().map(|f| (f.kind, f.path.as_str())).collect();
        assert_eq!(
            lines,
            [
                (Kind::Different, "containers.app.resource"),
                (Kind::Missing, "peers.secret-storage"),
                (Kind::Missing, "requires"),
                (Kind::Missing, "provides"),
                (Kind::Missing, "actions.rotate-secret-key"),
                (Kind::Missing, "config.options"),
                (Kind::Different, "config.options.app-port.type"),
                (Kind::ReservedName, "config.options.app-colour"),
                (Kind::Different, "requires.redis.interface"),
                (Kind::Different, "requires.tracing.limit"),
            ]
        );
        assert_eq!(
            finding_text(&findings[8]),
            "error[different] requires.redis.interface: the `redis` endpoint in charmcraft.yaml \
             has interface `redis_client`; the redis integration needs `redis`: write\n\n    \
             requires:\n      redis:\n        interface: redis\n        optional: true\n        \
             limit: 1\n"
        );
    }

    #[test]
    fn bad_files_are_errors_naming_the_file() {
        let flask = Declared::new(FrameworkKind::Flask, &[]);
        let err = check("c.yaml", "a: [1\n", &flask).expect_err("invalid");
        assert!(
            err.to_string()
                .starts_with("c.yaml:2:1: invalid charmcraft.yaml"),
            "{err}"
        );
        let err = check("c.yaml", "", &flask).expect_err("empty");
        assert!(err.to_string().starts_with("c.yaml is empty"), "{err}");
        let err = check("c.yaml", "- a\n", &flask).expect_err("list");
        assert!(
            err.to_string()
                .starts_with("c.yaml holds a list, not a mapping"),
            "{err}"
        );
        let err = sections(FrameworkKind::Flask, &["kafka"], &[]).expect_err("unknown");
        assert_eq!(
            err.to_string(),
            "the requirements table does not know the integration \"kafka\""
        );
    }

    #[test]
    fn an_extension_is_refused() {
        let text = "name: x\nextensions: [django-framework]\nrequires:\n  postgresql:\n    \
                    interface: postgresql_client\n";
        let findings = check(
            "c.yaml",
            text,
            &Declared::new(FrameworkKind::Django, &["postgresql"]),
        )
        .expect("checks");
        assert_eq!(findings.len(), 1, "{findings:#?}");
        assert_eq!(findings[0].kind, Kind::Extension);
    }

    #[test]
    fn unhandled_endpoints_are_not_unlisted() {
        let text = sections(FrameworkKind::Flask, &["postgresql", "redis"], &[]).expect("ok");
        let only_pg = Declared::new(FrameworkKind::Flask, &["postgresql"]);
        let findings = check("c.yaml", &text, &only_pg).expect("checks");
        assert_eq!(findings.len(), 1, "{findings:#?}");
        assert_eq!(findings[0].kind, Kind::UnlistedEndpoint);
        let unhandled = Declared {
            unhandled: &["redis"],
            ..only_pg
        };
        assert_eq!(check("c.yaml", &text, &unhandled).expect("checks"), []);
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
        let declared = Declared {
            renames: &renames,
            ..Declared::new(FrameworkKind::Go, &["postgresql"])
        };
        assert_eq!(check("c.yaml", &text, &declared).expect("checks"), []);
        let unrenamed = sections(FrameworkKind::Go, &["postgresql"], &[]).expect("sections");
        let findings = check("c.yaml", &unrenamed, &declared).expect("checks");
        assert_eq!(findings.len(), 1, "{findings:#?}");
        assert_eq!(findings[0].path, "requires.db");
    }

    #[test]
    fn the_json_names_the_attribute() {
        let declared = Declared {
            renames: &[("postgresql", "db")],
            unhandled: &["cache"],
            ..Declared::new(FrameworkKind::Go, &["postgresql"])
        };
        assert_eq!(
            declared_json(&declared).to_string(),
            r#"{"framework":"go","integrations":["postgresql"],"endpoints":[["postgresql","db"]],"unhandled_endpoints":["cache"]}"#
        );
    }
}
