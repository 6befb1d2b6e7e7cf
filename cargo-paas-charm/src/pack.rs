//! `cargo paas-charm pack`: the `.charm` file (a zip archive) of a charm project, laid out as
//! Charmcraft 4.x lays it out: `dispatch` (the binary), `metadata.yaml` (with `display-name`
//! from `title` and `links` flattened), `config.yaml`, `actions.yaml`, `manifest.yaml`
//! (`charmcraft-version`, `charmcraft-started-at`, `bases`, `analysis`), and the project's
//! `README.md`, `LICENSE`, `icon.svg`, `paas-config.yaml` and `cos_custom/` when they exist.
//!
//! Before writing anything it refuses what Charmcraft or Juju would refuse: project keys
//! ([`crate::project`]), a binary that is not an ELF executable for one of the file's
//! platforms, and a binary whose attribute (framework, integrations) does not match the file
//! (the binary's own `metadata --check`, when this host can run it).

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Map, Value};
use zip::write::SimpleFileOptions;

use crate::{elf, project, yaml};

/// The keys of charmcraft.yaml that go into `metadata.yaml` as they are (Charmcraft's
/// `CHARM_METADATA_KEYS`; `title` and `links` are translated).
const METADATA_KEYS: &[&str] = &[
    "name",
    "summary",
    "description",
    "assumes",
    "containers",
    "devices",
    "extra-bindings",
    "peers",
    "provides",
    "requires",
    "resources",
    "storage",
    "subordinate",
    "terms",
    "charm-user",
];

/// Files copied from the project directory when they exist.
const EXTRA_FILES: &[&str] = &["README.md", "LICENSE", "icon.svg", "paas-config.yaml"];

/// Why a charm could not be packed.
#[derive(Debug, thiserror::Error)]
pub enum PackError {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// What failed.
        source: std::io::Error,
    },
    /// charmcraft.yaml is not valid YAML, or a packed file could not be written as YAML.
    #[error("{path}: {message}")]
    Yaml {
        /// The file.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// charmcraft.yaml has problems Charmcraft would refuse (one per line).
    #[error("{path} cannot be packed:\n{}", .problems.iter().map(|p| format!("  - {p}")).collect::<Vec<_>>().join("\n"))]
    Project {
        /// The file.
        path: String,
        /// Every problem.
        problems: Vec<String>,
    },
    /// The binary is not an ELF executable for one of the platforms.
    #[error("{path} {reason}: build the charm with `cargo build --release` and pack target/release/<name>")]
    Binary {
        /// The binary.
        path: String,
        /// What it is instead.
        reason: String,
    },
    /// The binary's attribute does not match charmcraft.yaml.
    #[error("{binary} does not match {charmcraft} (its `metadata --check` says):\n{report}")]
    Mismatch {
        /// The binary.
        binary: String,
        /// The file.
        charmcraft: String,
        /// What the check printed.
        report: String,
    },
    /// `cargo build` failed.
    #[error("{0}")]
    Build(String),
    /// The archive could not be written.
    #[error("{path}: {source}")]
    Zip {
        /// The archive.
        path: String,
        /// What failed.
        source: zip::result::ZipError,
    },
}

/// What was packed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Packed {
    /// The `.charm` file.
    pub path: PathBuf,
    /// The archive's entries, in order.
    pub entries: Vec<String>,
    /// Warnings (a debug build, an attribute not compared).
    pub warnings: Vec<String>,
    /// The binary's attribute (`metadata --json`), when this host could run it.
    pub attribute: Option<Value>,
}

/// The `.charm` file name Charmcraft 4.x gives a charm built for `platform`:
/// `<name>_<platform>.charm`.
///
/// ```
/// assert_eq!(cargo_paas_charm::pack::charm_file_name("flask-k8s", "amd64"), "flask-k8s_amd64.charm");
/// ```
pub fn charm_file_name(name: &str, platform: &str) -> String {
    format!("{name}_{platform}.charm")
}

/// A platform of charmcraft.yaml: its name (the key) and what it builds for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Platform {
    /// The key under `platforms:` (`amd64`).
    pub name: String,
    /// `ubuntu`.
    pub base_name: String,
    /// `24.04`.
    pub channel: String,
    /// The architecture it builds for (`amd64`).
    pub arch: String,
}

/// The platforms of `base: ubuntu@24.04` + `platforms:` (a key alone, or `build-for:`).
pub fn platforms(file: &Map<String, Value>) -> Result<Vec<Platform>, String> {
    let written = file
        .get("base")
        .and_then(Value::as_str)
        .ok_or("no `base` (for example `base: ubuntu@24.04`)")?;
    let (base_name, channel) = written
        .split_once('@')
        .ok_or_else(|| format!("`base: {written}` is not of the form ubuntu@24.04"))?;
    let Some(Value::Object(declared)) = file.get("platforms") else {
        return Err("no `platforms` (for example `platforms: {amd64: }`)".into());
    };
    let mut out = Vec::new();
    for (key, value) in declared {
        let build_for: Vec<String> = value
            .get("build-for")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(|s| s.rsplit(':').next().unwrap_or(s).to_string())
                    .collect()
            })
            .unwrap_or_else(|| vec![key.rsplit(':').next().unwrap_or(key).to_string()]);
        for arch in build_for {
            out.push(Platform {
                name: key.clone(),
                base_name: base_name.to_string(),
                channel: channel.to_string(),
                arch,
            });
        }
    }
    if out.is_empty() {
        return Err("no `platforms` (for example `platforms: {amd64: }`)".into());
    }
    Ok(out)
}

/// What `pack` is given.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The project directory (holding charmcraft.yaml and Cargo.toml).
    pub project: PathBuf,
    /// The built binary; `None` builds it with `cargo build --release`.
    pub binary: Option<PathBuf>,
    /// Where to write the `.charm` (a directory); default: the project directory.
    pub output: Option<PathBuf>,
}

/// Builds (unless given a binary), checks and packs the project. charmcraft.yaml is checked
/// first, so a file Charmcraft would refuse costs no build.
pub fn run(options: &Options) -> Result<Packed, PackError> {
    load(&options.project)?;
    let binary = match &options.binary {
        Some(binary) => binary.clone(),
        None => build_release(&options.project)?,
    };
    pack(&options.project, &binary, options.output.as_deref())
}

/// A project's charmcraft.yaml, read and checked.
struct Loaded {
    /// The file's path.
    source: PathBuf,
    /// Its top-level mapping.
    file: Map<String, Value>,
    /// Its platforms.
    platforms: Vec<Platform>,
}

/// Reads the project's charmcraft.yaml and checks its project keys and platforms.
fn load(project: &Path) -> Result<Loaded, PackError> {
    let source = project.join("charmcraft.yaml");
    let shown = source.display().to_string();
    let text = read_string(&source)?;
    let file = match yaml::parse(&text).map_err(|message| PackError::Yaml {
        path: shown.clone(),
        message,
    })? {
        Value::Object(map) => map,
        _ => {
            return Err(PackError::Project {
                path: shown,
                problems: vec!["the top level is not a mapping".into()],
            })
        }
    };
    let mut problems = project::problems(&shown, &file);
    let platforms = platforms(&file).unwrap_or_else(|message| {
        if file.contains_key("bases") {
            problems.push(format!(
                "{shown} uses the older `bases:`; pack writes Charmcraft 4.x charms, from \
                 `base:` and `platforms:` (for example `base: ubuntu@24.04` and \
                 `platforms: {{amd64: }}`)"
            ));
        } else if file.contains_key("base") && file.contains_key("platforms") {
            problems.push(message);
        }
        Vec::new()
    });
    if !problems.is_empty() {
        return Err(PackError::Project {
            path: shown,
            problems,
        });
    }
    Ok(Loaded {
        source,
        file,
        platforms,
    })
}

/// `cargo build --release` in the project; the path of the binary it built.
pub fn build_release(project: &Path) -> Result<PathBuf, PackError> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = Command::new(cargo)
        .current_dir(project)
        .args([
            "build",
            "--release",
            "--message-format=json-render-diagnostics",
        ])
        .stderr(std::process::Stdio::inherit())
        .output()
        .map_err(|err| PackError::Build(format!("cannot run cargo: {err}")))?;
    if !out.status.success() {
        return Err(PackError::Build(format!(
            "`cargo build --release` in {} failed ({})",
            project.display(),
            out.status
        )));
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    let executables: Vec<PathBuf> = stdout
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|m| m["reason"] == "compiler-artifact")
        .filter_map(|m| m["executable"].as_str().map(PathBuf::from))
        .collect();
    match executables.as_slice() {
        [one] => Ok(one.clone()),
        [] => Err(PackError::Build(format!(
            "`cargo build --release` in {} built no binary: a charm project has one \
             (src/main.rs)",
            project.display()
        ))),
        several => Err(PackError::Build(format!(
            "`cargo build --release` in {} built {} binaries: pick the charm's with --binary",
            project.display(),
            several.len()
        ))),
    }
}

/// Checks and packs the project in `project` with `binary` as its `dispatch`, into `output`
/// (a directory; default: `project`).
pub fn pack(project: &Path, binary: &Path, output: Option<&Path>) -> Result<Packed, PackError> {
    let Loaded {
        source,
        file,
        platforms,
    } = load(project)?;
    let shown = source.display().to_string();
    let name = file
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();

    let shown_binary = binary.display().to_string();
    let dispatch = read_bytes(binary)?;
    let elf = elf::inspect(&dispatch).map_err(|err| PackError::Binary {
        path: shown_binary.clone(),
        reason: err.to_string(),
    })?;
    let Some(platform) = platforms.iter().find(|p| p.arch == elf.arch) else {
        let archs: Vec<&str> = platforms.iter().map(|p| p.arch.as_str()).collect();
        return Err(PackError::Binary {
            path: shown_binary,
            reason: format!(
                "is built for {}, but {shown} builds for {} only",
                elf.arch,
                archs.join(", ")
            ),
        });
    };
    let mut warnings = Vec::new();
    if elf.debug_info {
        warnings.push(format!(
            "{shown_binary} is a debug build ({} MB, with debug information): build with \
             `cargo build --release` for a small, fast charm",
            dispatch.len() / 1_000_000
        ));
    }
    let attribute = if elf::host_arch() == Some(elf.arch) {
        Some(compare_attribute(binary, &source)?)
    } else {
        warnings.push(format!(
            "{shown_binary} is an {} binary and this host cannot run it: its framework and \
             integrations were not compared with {shown}",
            elf.arch
        ));
        None
    };

    let mut entries: Vec<(String, Vec<u8>, u32)> = vec![("dispatch".into(), dispatch, 0o755)];
    entries.push((
        "metadata.yaml".into(),
        to_yaml(&shown, &Value::Object(metadata(&file)))?,
        0o644,
    ));
    if let Some(config) = file.get("config") {
        entries.push(("config.yaml".into(), to_yaml(&shown, config)?, 0o644));
    }
    if let Some(actions) = file.get("actions") {
        entries.push(("actions.yaml".into(), to_yaml(&shown, actions)?, 0o644));
    }
    entries.push((
        "manifest.yaml".into(),
        to_yaml(&shown, &manifest(platform))?,
        0o644,
    ));
    for extra in EXTRA_FILES {
        let path = project.join(extra);
        if path.is_file() {
            entries.push((extra.to_string(), read_bytes(&path)?, 0o644));
        }
    }
    let cos = project.join("cos_custom");
    if cos.is_dir() {
        let mut files = Vec::new();
        walk(&cos, &mut files)?;
        files.sort();
        for path in files {
            let relative = path
                .strip_prefix(project)
                .map(|p| p.to_string_lossy().replace('\\', "/"))
                .unwrap_or_default();
            entries.push((relative, read_bytes(&path)?, 0o644));
        }
    }

    let dir = output.unwrap_or(project);
    std::fs::create_dir_all(dir).map_err(|source| PackError::Io {
        path: dir.display().to_string(),
        source,
    })?;
    let path = dir.join(charm_file_name(&name, &platform.name));
    write_zip(&path, &entries)?;
    Ok(Packed {
        path,
        entries: entries.into_iter().map(|(name, _, _)| name).collect(),
        warnings,
        attribute,
    })
}

/// Asks the binary which attribute it was built with (`metadata --json`: a binary that cannot
/// answer is not a paas-charm-rs charm), then whether charmcraft.yaml declares what that
/// attribute needs (`metadata --check`: the one checker, as the compiler ran it).
fn compare_attribute(binary: &Path, charmcraft: &Path) -> Result<Value, PackError> {
    let shown = binary.display().to_string();
    let not_a_charm = |why: String| PackError::Binary {
        path: shown.clone(),
        reason: format!("is not a paas-charm-rs charm binary ({why})"),
    };
    let out = Command::new(binary)
        .args(["metadata", "--json"])
        .env_remove("JUJU_DISPATCH_PATH")
        .output()
        .map_err(|err| not_a_charm(format!("it cannot be run: {err}")))?;
    let attribute = serde_json::from_slice::<Value>(&out.stdout)
        .ok()
        .filter(|v| out.status.success() && v["framework"].is_string())
        .ok_or_else(|| {
            not_a_charm(format!(
                "`metadata --json` did not print its framework: {}",
                out.status
            ))
        })?;
    let out = Command::new(binary)
        .arg("metadata")
        .arg("--check")
        .arg(charmcraft)
        .env_remove("JUJU_DISPATCH_PATH")
        .output()
        .map_err(|err| PackError::Binary {
            path: shown.clone(),
            reason: format!("cannot be run ({err})"),
        })?;
    match out.status.code() {
        Some(0) => Ok(attribute),
        Some(1) => Err(PackError::Mismatch {
            binary: shown,
            charmcraft: charmcraft.display().to_string(),
            report: String::from_utf8_lossy(&out.stdout).trim_end().to_string(),
        }),
        _ => Err(PackError::Binary {
            path: shown,
            reason: format!(
                "is not a paas-charm-rs charm binary (`metadata --check` exited with {}: {})",
                out.status,
                String::from_utf8_lossy(&out.stderr).trim()
            ),
        }),
    }
}

/// metadata.yaml as Charmcraft writes it from charmcraft.yaml: the metadata keys as they are,
/// `title` as `display-name`, and `links` flattened (`documentation` → `docs`, `contact` →
/// `maintainers`, `issues`, `source`, `website`).
pub fn metadata(file: &Map<String, Value>) -> Map<String, Value> {
    let mut out = Map::new();
    for key in METADATA_KEYS {
        if let Some(value) = file.get(*key) {
            out.insert((*key).to_string(), value.clone());
        }
        if *key == "name" {
            if let Some(title) = file.get("title") {
                out.insert("display-name".into(), title.clone());
            }
        }
    }
    if let Some(Value::Object(links)) = file.get("links") {
        if let Some(docs) = links.get("documentation") {
            out.insert("docs".into(), docs.clone());
        }
        if let Some(contact) = links.get("contact") {
            let maintainers = match contact {
                Value::Array(_) => contact.clone(),
                other => Value::Array(vec![other.clone()]),
            };
            out.insert("maintainers".into(), maintainers);
        }
        for key in ["issues", "source", "website"] {
            if let Some(value) = links.get(key) {
                out.insert(key.into(), value.clone());
            }
        }
    }
    out
}

/// manifest.yaml in Charmcraft 4.x's shape. `analysis` holds what `charmcraft analyse`
/// reports for a charm whose dispatch is not a Python operator: language and framework
/// `unknown`.
pub fn manifest(platform: &Platform) -> Value {
    json!({
        "charmcraft-version": format!("cargo-paas-charm {}", env!("CARGO_PKG_VERSION")),
        "charmcraft-started-at": now_rfc3339(),
        "bases": [{
            "name": platform.base_name,
            "channel": platform.channel,
            "architectures": [platform.arch],
        }],
        "analysis": {
            "attributes": [
                {"name": "language", "result": "unknown"},
                {"name": "framework", "result": "unknown"},
            ],
        },
    })
}

fn read_string(path: &Path) -> Result<String, PackError> {
    std::fs::read_to_string(path).map_err(|source| PackError::Io {
        path: path.display().to_string(),
        source,
    })
}

fn read_bytes(path: &Path) -> Result<Vec<u8>, PackError> {
    std::fs::read(path).map_err(|source| PackError::Io {
        path: path.display().to_string(),
        source,
    })
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), PackError> {
    let io = |source| PackError::Io {
        path: dir.display().to_string(),
        source,
    };
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        if path.is_dir() {
            walk(&path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}

fn to_yaml(path: &str, value: &Value) -> Result<Vec<u8>, PackError> {
    yaml::write(value)
        .map(String::into_bytes)
        .map_err(|message| PackError::Yaml {
            path: path.to_string(),
            message,
        })
}

/// The current UTC time as `2024-05-01T12:00:00.000000Z`.
fn now_rfc3339() -> String {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let secs = since.as_secs();
    let (days, rest) = (secs / 86_400, secs % 86_400);
    let (y, m, d) = civil_from_days(i64::try_from(days).unwrap_or_default());
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:06}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60,
        since.subsec_micros()
    )
}

/// Days since 1970-01-01 to (year, month, day) (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = u32::try_from(doy - (153 * mp + 2) / 5 + 1).unwrap_or(1);
    let m = u32::try_from(if mp < 10 { mp + 3 } else { mp - 9 }).unwrap_or(1);
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

fn write_zip(path: &Path, entries: &[(String, Vec<u8>, u32)]) -> Result<(), PackError> {
    let shown = path.display().to_string();
    let zip_err = |source| PackError::Zip {
        path: shown.clone(),
        source,
    };
    let file = File::create(path).map_err(|source| PackError::Io {
        path: shown.clone(),
        source,
    })?;
    let mut zip = zip::ZipWriter::new(file);
    for (name, bytes, mode) in entries {
        let options = SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .unix_permissions(*mode);
        zip.start_file(name.as_str(), options).map_err(zip_err)?;
        zip.write_all(bytes).map_err(|source| PackError::Io {
            path: shown.clone(),
            source,
        })?;
    }
    zip.finish().map_err(zip_err)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(text: &str) -> Map<String, Value> {
        match yaml::parse(text).expect("yaml") {
            Value::Object(map) => map,
            _ => panic!("a mapping"),
        }
    }

    #[test]
    fn dates_are_civil() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
        assert_eq!(civil_from_days(20_513), (2026, 3, 1));
        assert!(now_rfc3339().ends_with('Z'));
    }

    #[test]
    fn platforms_from_base_and_platforms() {
        let p = platforms(&map("base: ubuntu@24.04\nplatforms:\n  amd64:\n")).expect("ok");
        assert_eq!(
            p,
            [Platform {
                name: "amd64".into(),
                base_name: "ubuntu".into(),
                channel: "24.04".into(),
                arch: "amd64".into()
            }]
        );
        let p = platforms(&map(
            "base: ubuntu@22.04\nplatforms:\n  x:\n    build-on: [amd64]\n    build-for: [ubuntu@22.04:arm64]\n",
        ))
        .expect("ok");
        assert_eq!((p[0].name.as_str(), p[0].arch.as_str()), ("x", "arm64"));
        assert!(platforms(&map("name: x\n")).is_err());
        assert!(platforms(&map("base: ubuntu\nplatforms: {amd64: }\n")).is_err());
        assert!(platforms(&map("base: ubuntu@24.04\n")).is_err());
    }

    #[test]
    fn metadata_translates_title_and_links() {
        let file = map(
            "name: x\ntype: charm\ntitle: X\nsummary: s\nparts: {}\nconfig: {}\nlinks:\n  \
             documentation: https://d\n  contact: me@example.com\n  issues: [https://i]\n  \
             source: https://s\n  website: https://w\nrequires: {db: {interface: pg}}\n",
        );
        assert_eq!(
            Value::Object(metadata(&file)),
            json!({
                "name": "x", "display-name": "X", "summary": "s",
                "requires": {"db": {"interface": "pg"}},
                "docs": "https://d", "maintainers": ["me@example.com"],
                "issues": ["https://i"], "source": "https://s", "website": "https://w",
            })
        );
    }
}
