//! `cargo paas-charm init <DIR> --framework <fw> [--integrations a,b] [--runtime-path <path>]`:
//! a standalone charm project that builds, tests and packs outside this repository.
//!
//! It writes `Cargo.toml` (the runtime by version, or by path; the size-optimised release
//! profile; its own `[workspace]`), `Cargo.lock`, `charmcraft.yaml` (the project keys, `parts:`
//! that Charmcraft packs in managed mode, and exactly the sections the attribute needs, from
//! the same table as the binary's `metadata`), `src/main.rs` (the attribute), `tests/` (from
//! the one test template) and a README.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use paas_charm_requirements::{self as req, FrameworkSpec, IntegrationSpec};

/// The release profile of paas-charm-rs's workspace, which a project of its own does not
/// inherit (without it a charm binary is twice as large).
pub const RELEASE_PROFILE: &str = r#"[profile.release]
# A hook is a short-lived process: favour a small, fast-starting binary. Size-optimised, whole-
# program LTO in one codegen unit and abort on panic take the Go example's binary from 3.0 to
# 2.0 MiB and its config-changed peak RSS from 4.4 to 3.7 MiB (BENCHMARKS.md); a hook does no
# heavy computation, so opt-level "s" costs nothing measurable. A panic still prints its message
# and exits non-zero (Juju rolls the hook back either way).
# opt-level "z" since issue 15: the Go example's binary 2.11 -> 1.96 MiB (back under the 2.1 MiB
# budget, with room for what later issues add), for 0.7 M more instructions in a steady-state
# config-changed (2.06 -> 2.75 M, about 0.2 ms; its 12 hook-tool processes cost far more).
opt-level = "z"
lto = "fat"
codegen-units = 1
panic = "abort"
strip = "symbols"
"#;

/// The version requirement on the published runtime.
pub const RUNTIME_VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION_MAJOR"),
    ".",
    env!("CARGO_PKG_VERSION_MINOR")
);

const TESTS_TEMPLATE: &str = include_str!("../templates/tests.rs");
const README_TEMPLATE: &str = include_str!("../templates/README.md");
const SCENARIOS_MARKER: &str = "// --- scenarios ---\n";

/// Recorded paas-charm scenarios a new project's tests can run, per framework: (file stem,
/// input, recorded output). Each runs when every listed integration's endpoint is in the
/// scenario's metadata.
const SCENARIOS: &[(&str, &str, &str, &str)] = &[
    (
        "flask",
        "flask_minimal_defaults_pebble_ready",
        include_str!("../templates/scenarios/flask_minimal_defaults_pebble_ready.json"),
        include_str!("../templates/scenarios/flask_minimal_defaults_pebble_ready.out.json"),
    ),
    (
        "fastapi",
        "fastapi_secret_key_id",
        include_str!("../templates/scenarios/fastapi_secret_key_id.json"),
        include_str!("../templates/scenarios/fastapi_secret_key_id.out.json"),
    ),
    (
        "go",
        "go_app_port_metrics_options",
        include_str!("../templates/scenarios/go_app_port_metrics_options.json"),
        include_str!("../templates/scenarios/go_app_port_metrics_options.out.json"),
    ),
];

/// Why a project could not be created.
#[derive(Debug, thiserror::Error)]
pub enum InitError {
    /// The framework is not one paas-charm knows.
    #[error("unknown framework {0:?}: paas-charm knows {1}")]
    UnknownFramework(String, String),
    /// An integration is not one paas-charm knows.
    #[error("unknown integration {0:?}: paas-charm knows {1}")]
    UnknownIntegration(String, String),
    /// The directory's name is not a charm name.
    #[error("{0:?} is not a charm name: use lowercase letters, digits and hyphens, starting with a letter (for example my-app-k8s)")]
    BadName(String),
    /// The directory exists and is not empty.
    #[error("{0} exists and is not empty: pick a new directory")]
    NotEmpty(String),
    /// `--runtime-path` is not the runtime crate.
    #[error("{0} is not the paas-charm-runtime crate (no Cargo.toml naming it)")]
    BadRuntimePath(String),
    /// A file could not be written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// What failed.
        source: std::io::Error,
    },
}

/// What `init` is given.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The new project's directory; its name is the charm's and the crate's.
    pub dir: PathBuf,
    /// The framework (`flask`, ..., `spring-boot`).
    pub framework: String,
    /// The integrations, as paas-charm names them (`postgresql`, `http-proxy`).
    pub integrations: Vec<String>,
    /// A local checkout's paas-charm-runtime directory, instead of the published crate.
    pub runtime_path: Option<PathBuf>,
}

/// What was created.
#[derive(Debug, Clone)]
pub struct Created {
    /// The files written, relative to the project directory.
    pub files: Vec<String>,
    /// What could not be done (the lock file, offline).
    pub warnings: Vec<String>,
}

/// A charm name: lowercase letters, digits and hyphens, starting with a letter.
pub fn is_charm_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !name.ends_with('-')
}

/// Creates the project.
pub fn init(options: &Options) -> Result<Created, InitError> {
    let fw = req::framework(&options.framework).ok_or_else(|| {
        InitError::UnknownFramework(
            options.framework.clone(),
            req::FRAMEWORKS
                .iter()
                .map(|f| f.name)
                .collect::<Vec<_>>()
                .join(", "),
        )
    })?;
    let mut integrations = Vec::new();
    for name in &options.integrations {
        let name = name.trim().replace('_', "-");
        let spec = req::integration_by_name(&name).ok_or_else(|| {
            InitError::UnknownIntegration(
                name.clone(),
                req::INTEGRATIONS
                    .iter()
                    .map(|i| i.name)
                    .collect::<Vec<_>>()
                    .join(", "),
            )
        })?;
        if !integrations.contains(&spec) {
            integrations.push(spec);
        }
    }
    let name = options
        .dir
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
        .to_string();
    if !is_charm_name(&name) {
        return Err(InitError::BadName(name));
    }
    let dir = &options.dir;
    if dir.exists()
        && std::fs::read_dir(dir)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        return Err(InitError::NotEmpty(dir.display().to_string()));
    }
    let runtime = match &options.runtime_path {
        Some(path) => {
            let path = std::fs::canonicalize(path)
                .map_err(|_| InitError::BadRuntimePath(path.display().to_string()))?;
            let manifest = std::fs::read_to_string(path.join("Cargo.toml")).unwrap_or_default();
            if !manifest.contains("name = \"paas-charm-runtime\"") {
                return Err(InitError::BadRuntimePath(path.display().to_string()));
            }
            Some(path)
        }
        None => None,
    };
    let arch = crate::elf::host_arch().unwrap_or("amd64");
    let mut files = Vec::new();
    let mut write = |relative: &str, text: &str| -> Result<(), InitError> {
        let path = dir.join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|source| InitError::Io {
                path: parent.display().to_string(),
                source,
            })?;
        }
        std::fs::write(&path, text).map_err(|source| InitError::Io {
            path: path.display().to_string(),
            source,
        })?;
        files.push(relative.to_string());
        Ok(())
    };
    write("Cargo.toml", &cargo_toml(&name, runtime.as_deref()))?;
    write(
        "charmcraft.yaml",
        &charmcraft_yaml(&name, fw, &integrations, arch),
    )?;
    write("src/main.rs", &main_rs(fw, &integrations))?;
    let scenarios: Vec<_> = SCENARIOS
        .iter()
        .filter(|(framework, _, input, _)| {
            *framework == fw.name && scenario_fits(input, &integrations)
        })
        .collect();
    write(
        "tests/charm.rs",
        &tests_rs(&name, fw, &integrations, !scenarios.is_empty()),
    )?;
    for (_, stem, input, output) in &scenarios {
        write(&format!("tests/scenarios/{stem}.json"), input)?;
        write(&format!("tests/scenarios/{stem}.out.json"), output)?;
    }
    write("README.md", &readme(&name, fw, arch))?;
    write(".gitignore", "/target\n*.charm\n")?;
    let mut warnings = Vec::new();
    match lock(dir, runtime.as_deref()) {
        Ok(()) => files.push("Cargo.lock".into()),
        Err(why) => warnings.push(format!(
            "no Cargo.lock ({why}): run `cargo generate-lockfile` in {} before `charmcraft pack` \
             (its rust plugin builds with --locked)",
            dir.display()
        )),
    }
    Ok(Created { files, warnings })
}

/// Whether the scenario's metadata has the endpoint of every integration (so the charm binds
/// them as paas-charm's example did).
fn scenario_fits(input: &str, integrations: &[&IntegrationSpec]) -> bool {
    let Ok(scenario) = serde_json::from_str::<serde_json::Value>(input) else {
        return false;
    };
    let requires = &scenario["metadata"]["requires"];
    integrations
        .iter()
        .all(|i| requires.get(i.default_endpoint()).is_some())
}

fn cargo_toml(name: &str, runtime: Option<&Path>) -> String {
    let dependency = match runtime {
        Some(path) => format!("{{ path = {:?} }}", path.display().to_string()),
        None => format!("\"{RUNTIME_VERSION}\""),
    };
    format!(
        "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n\
         [dependencies]\npaas-charm-runtime = {dependency}\n\n\
         [dev-dependencies]\nserde_json = \"1\"\n\n\
         {RELEASE_PROFILE}\n\
         # A project of its own, even when created inside another Cargo workspace.\n[workspace]\n"
    )
}

fn charmcraft_yaml(
    name: &str,
    fw: &FrameworkSpec,
    integrations: &[&IntegrationSpec],
    arch: &str,
) -> String {
    let mut out = format!(
        "name: {name}\ntype: charm\ntitle: {name}\nsummary: A {fw} application, operated by a \
         paas-charm-rs charm.\ndescription: |\n  Runs a {fw} application in the `{container}` \
         container; the charm is a Rust binary\n  built with paas-charm-rs.\n\
         base: ubuntu@24.04\nplatforms:\n  {arch}:\n\
         # Charmcraft's managed mode sees only this directory: the rust plugin runs\n\
         # `cargo install --locked --path .` and the binary becomes the charm's dispatch.\n\
         parts:\n  charm:\n    plugin: rust\n    source: .\n    organize:\n      \
         bin/{name}: dispatch\n    prime:\n      - dispatch\n\
         # What the {fw} framework and the integrations need (the binary's `metadata`\n\
         # prints the same; the #[paas_charm] attribute checks it at compile time).\n",
        fw = fw.name,
        container = fw.container,
    );
    out.push_str(&req::render::sections(fw, integrations));
    out
}

fn main_rs(fw: &FrameworkSpec, integrations: &[&IntegrationSpec]) -> String {
    let mut attr = format!("framework = \"{}\"", fw.name);
    if !integrations.is_empty() {
        let names: Vec<String> = integrations
            .iter()
            .map(|i| req::check::attr_name(i))
            .collect();
        let _ = write!(attr, ", integrations({})", names.join(", "));
    }
    format!(
        "//! The charm: the attribute generates `main`, the charm's integrations and the glue to\n\
         //! the paas-charm-rs runtime; charmcraft.yaml is checked against it at compile time.\n\n\
         use paas_charm_runtime::paas_charm;\n\n\
         #[paas_charm({attr})]\npub struct Charm;\n"
    )
}

fn tests_rs(
    name: &str,
    fw: &FrameworkSpec,
    integrations: &[&IntegrationSpec],
    scenarios: bool,
) -> String {
    let template = if scenarios {
        TESTS_TEMPLATE.replace(SCENARIOS_MARKER, "")
    } else {
        let head = TESTS_TEMPLATE
            .split(SCENARIOS_MARKER)
            .next()
            .unwrap_or_default();
        head.replace("use std::path::Path;\n", "")
    };
    let names: Vec<String> = integrations
        .iter()
        .map(|i| format!("{:?}", i.name))
        .collect();
    let relations: String = integrations
        .iter()
        .map(|i| {
            format!(
                "        .relation(providers::{}())\n",
                i.name.replace('-', "_")
            )
        })
        .collect();
    let postgresql_test = if integrations.iter().any(|i| i.name == "postgresql") {
        POSTGRESQL_TEST
    } else {
        ""
    };
    template
        .replace("{{relations}}", &relations)
        .replace("{{postgresql_test}}", postgresql_test)
        .replace("{{name}}", name)
        .replace("{{framework}}", fw.name)
        .replace("{{integrations_json}}", &format!("[{}]", names.join(", ")))
}

/// The harness test a project listing PostgreSQL gets: the provider's data in, the app's
/// connect string out.
const POSTGRESQL_TEST: &str = r#"
/// PostgreSQL's provider publishes the credentials (in a Juju secret) and the endpoint: the app
/// gets the connect string.
#[test]
fn postgresql_relation_changed_gives_the_connect_string() {
    let out = Harness::<charm::Charm>::new()
        .relation(
            providers::postgresql()
                .user("app")
                .password("s3cret")
                .host("pg.internal")
                .database("appdb"),
        )
        .run(Event::relation_changed("postgresql"));
    assert_eq!(out.unit_status(), Status::active());
    assert_eq!(
        out.env()["POSTGRESQL_DB_CONNECT_STRING"],
        "postgresql://app:s3cret@pg.internal:5432/appdb"
    );
}
"#;

fn readme(name: &str, fw: &FrameworkSpec, arch: &str) -> String {
    README_TEMPLATE
        .replace("{{name}}", name)
        .replace("{{framework}}", fw.name)
        .replace("{{arch}}", arch)
        .replace("{{resource}}", fw.resource)
}

/// Writes Cargo.lock: from the checkout's own lock when the runtime is a local path (offline,
/// the versions the checkout is tested with), else by resolving against the registry.
fn lock(dir: &Path, runtime: Option<&Path>) -> Result<(), String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let workspace_lock = runtime
        .and_then(|r| r.parent())
        .map(|w| w.join("Cargo.lock"));
    let args: &[&str] = match workspace_lock {
        Some(lock) if lock.is_file() => {
            std::fs::copy(&lock, dir.join("Cargo.lock")).map_err(|err| err.to_string())?;
            // Keeps the copied versions, drops what this project does not use.
            &["update", "--workspace", "--offline", "--quiet"]
        }
        _ => &["generate-lockfile", "--quiet"],
    };
    let out = Command::new(cargo)
        .current_dir(dir)
        .args(args)
        .output()
        .map_err(|err| format!("cannot run cargo: {err}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "`cargo {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_release_profile_is_the_workspaces() {
        let workspace = include_str!("../../Cargo.toml");
        assert!(workspace.contains(RELEASE_PROFILE), "the profiles drifted");
    }

    #[test]
    fn charm_names() {
        assert!(is_charm_name("my-app-k8s"));
        assert!(!is_charm_name("My-App"));
        assert!(!is_charm_name("1app"));
        assert!(!is_charm_name("app_k8s"));
        assert!(!is_charm_name("app-"));
    }

    #[test]
    fn the_charmcraft_yaml_passes_the_checker() {
        for fw in req::FRAMEWORKS {
            let all: Vec<&IntegrationSpec> = req::INTEGRATIONS.iter().collect();
            let text = charmcraft_yaml("my-app", fw, &all, "amd64");
            let attr = req::Attribute {
                framework: Some(fw),
                integrations: all
                    .iter()
                    .map(|spec| req::Listed {
                        spec,
                        endpoint: None,
                    })
                    .collect(),
                integrations_complete: true,
                unhandled: Vec::new(),
            };
            let findings = req::check_text("charmcraft.yaml", &text, &attr).expect("parses");
            assert_eq!(findings, [], "{}", fw.name);
            let keys = req::file::top_level_keys(&text).expect("a mapping");
            assert!(keys.starts_with(&[
                "name".to_string(),
                "type".into(),
                "title".into(),
                "summary".into(),
                "description".into(),
                "base".into(),
                "platforms".into(),
                "parts".into()
            ]));
        }
    }

    #[test]
    fn the_test_template_with_and_without_scenarios() {
        let flask = req::framework("flask").expect("flask");
        let pg = req::integration_by_name("postgresql").expect("pg");
        let with = tests_rs("my-app", flask, &[pg], true);
        assert!(with.contains("env!(\"CARGO_BIN_EXE_my-app\")"));
        assert!(with.contains("serde_json::json!([\"postgresql\"])"));
        assert!(with.contains("fn the_recorded_scenarios_give_paas_charms_output"));
        assert!(with.contains("        .relation(providers::postgresql())\n"));
        assert!(with.contains("fn postgresql_relation_changed_gives_the_connect_string"));
        assert!(with.contains("Some(format!(\"http://my-app.test-model:{port}\"))"));
        assert!(!with.contains("{{"));
        let without = tests_rs("my-app", flask, &[], false);
        assert!(!without.contains("scenarios"));
        assert!(!without.contains("use std::path::Path"));
        assert!(without.contains("serde_json::json!([])"));
        assert!(without
            .contains("Harness::<charm::Charm>::new()\n        .run(Event::config_changed())"));
        assert!(!without.contains("postgresql"));
    }
}
