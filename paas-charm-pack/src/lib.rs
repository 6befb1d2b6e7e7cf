//! Builds a `.charm` file (a zip archive) from a paas-charm-rs charm's directory and its built
//! binary, with the layout charmcraft produces: `dispatch` (the binary), `metadata.yaml`,
//! `config.yaml`, `actions.yaml` (charmcraft.yaml split as charmcraft splits it),
//! `manifest.yaml`, and the charm's `README.md`, `LICENSE`, `paas-config.yaml` and
//! `cos_custom/` when they exist.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use paas_charm_runtime::yaml;
use serde_json::{Map, Value};
use zip::write::SimpleFileOptions;

/// Keys of charmcraft.yaml that do not go into `metadata.yaml` (they are build settings, or go
/// into `config.yaml` / `actions.yaml`).
const NOT_METADATA: &[&str] = &[
    "type",
    "base",
    "build-base",
    "bases",
    "platforms",
    "parts",
    "config",
    "actions",
    "charmhub",
    "charm-libs",
    "analysis",
    "extensions",
];

/// Files copied from the charm directory when they exist.
const EXTRA_FILES: &[&str] = &["README.md", "LICENSE", "paas-config.yaml"];

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
    /// charmcraft.yaml is not valid YAML.
    #[error("{path}: {source}")]
    Yaml {
        /// The file.
        path: String,
        /// What is wrong (with line and column).
        source: yaml::YamlError,
    },
    /// charmcraft.yaml lacks something packing needs.
    #[error("{path}: {message}")]
    Invalid {
        /// The file.
        path: String,
        /// What is missing.
        message: String,
    },
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
}

/// The `.charm` file name charmcraft gives a charm: `<name>_<base>-<channel>-<arch>.charm`.
pub fn charm_file_name(name: &str, base: &Base) -> String {
    format!(
        "{name}_{}-{}-{}.charm",
        base.name,
        base.channel,
        base.architectures.join("-")
    )
}

/// The base the charm runs on (`base: ubuntu@24.04` and the platforms' architectures).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Base {
    /// `ubuntu`.
    pub name: String,
    /// `24.04`.
    pub channel: String,
    /// `amd64`, ...
    pub architectures: Vec<String>,
}

/// Packs the charm in `charm_dir` with `binary` as its `dispatch`, into `output` or, by default,
/// charmcraft's file name in `charm_dir`.
pub fn pack(charm_dir: &Path, binary: &Path, output: Option<&Path>) -> Result<Packed, PackError> {
    let source = charm_dir.join("charmcraft.yaml");
    let shown = source.display().to_string();
    let text = read_string(&source)?;
    let file = match yaml::to_json_value(&text).map_err(|source| PackError::Yaml {
        path: shown.clone(),
        source,
    })? {
        Value::Object(map) => map,
        _ => {
            return Err(invalid(&shown, "the top level is not a mapping"));
        }
    };
    let name = file
        .get("name")
        .and_then(Value::as_str)
        .ok_or_else(|| invalid(&shown, "no `name`"))?
        .to_string();
    let base = base(&file).map_err(|message| invalid(&shown, &message))?;

    let mut entries: Vec<(String, Vec<u8>, u32)> = Vec::new();
    let dispatch = std::fs::read(binary).map_err(|source| PackError::Io {
        path: binary.display().to_string(),
        source,
    })?;
    entries.push(("dispatch".into(), dispatch, 0o755));
    let metadata: Map<String, Value> = file
        .iter()
        .filter(|(k, _)| !NOT_METADATA.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    entries.push(("metadata.yaml".into(), to_yaml(&shown, &metadata)?, 0o644));
    if let Some(config) = file.get("config") {
        entries.push(("config.yaml".into(), to_yaml(&shown, config)?, 0o644));
    }
    if let Some(actions) = file.get("actions") {
        entries.push(("actions.yaml".into(), to_yaml(&shown, actions)?, 0o644));
    }
    entries.push((
        "manifest.yaml".into(),
        to_yaml(&shown, &manifest(&base))?,
        0o644,
    ));
    for extra in EXTRA_FILES {
        let path = charm_dir.join(extra);
        if path.is_file() {
            entries.push((extra.to_string(), read_bytes(&path)?, 0o644));
        }
    }
    let cos = charm_dir.join("cos_custom");
    if cos.is_dir() {
        let mut files = Vec::new();
        walk(&cos, &mut files)?;
        files.sort();
        for path in files {
            let relative = path
                .strip_prefix(charm_dir)
                .map(|p| p.to_string_lossy().replace('\\', "/"))
                .unwrap_or_default();
            entries.push((relative, read_bytes(&path)?, 0o644));
        }
    }

    let path = output.map_or_else(
        || charm_dir.join(charm_file_name(&name, &base)),
        Path::to_path_buf,
    );
    write_zip(&path, &entries)?;
    Ok(Packed {
        path,
        entries: entries.into_iter().map(|(name, _, _)| name).collect(),
    })
}

fn invalid(path: &str, message: &str) -> PackError {
    PackError::Invalid {
        path: path.to_string(),
        message: message.to_string(),
    }
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

fn to_yaml<T: serde::Serialize>(path: &str, value: &T) -> Result<Vec<u8>, PackError> {
    yaml::to_string(value)
        .map(String::into_bytes)
        .map_err(|source| PackError::Yaml {
            path: path.to_string(),
            source,
        })
}

/// `base: ubuntu@24.04` and `platforms: {amd64: ...}` (or the older `bases:`).
fn base(file: &Map<String, Value>) -> Result<Base, String> {
    let written = file
        .get("base")
        .and_then(Value::as_str)
        .ok_or("no `base` (for example `base: ubuntu@24.04`)")?;
    let (name, channel) = written
        .split_once('@')
        .ok_or_else(|| format!("`base: {written}` is not of the form ubuntu@24.04"))?;
    let mut architectures: Vec<String> = match file.get("platforms") {
        Some(Value::Object(platforms)) => platforms
            .iter()
            .flat_map(|(key, value)| {
                let build_for = value.get("build-for").and_then(Value::as_array).map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(|s| s.rsplit(':').next().unwrap_or(s).to_string())
                        .collect::<Vec<_>>()
                });
                build_for.unwrap_or_else(|| vec![key.clone()])
            })
            .collect(),
        _ => Vec::new(),
    };
    architectures.dedup();
    if architectures.is_empty() {
        return Err("no `platforms` (for example `platforms: {amd64: }`)".into());
    }
    Ok(Base {
        name: name.to_string(),
        channel: channel.to_string(),
        architectures,
    })
}

fn manifest(base: &Base) -> Value {
    serde_json::json!({
        "charmcraft-version": format!("paas-charm-pack {}", env!("CARGO_PKG_VERSION")),
        "charmcraft-started-at": now_rfc3339(),
        "bases": [{
            "name": base.name,
            "channel": base.channel,
            "architectures": base.architectures,
        }],
    })
}

/// The current UTC time as `2024-05-01T12:00:00.000000Z`.
fn now_rfc3339() -> String {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let secs = since.as_secs();
    let (days, rest) = (secs / 86_400, secs % 86_400);
    let (y, m, d) = civil_from_days(days as i64);
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
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
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

    #[test]
    fn dates_are_civil() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
        assert_eq!(civil_from_days(20_513), (2026, 3, 1));
        assert!(now_rfc3339().ends_with('Z'));
    }

    #[test]
    fn base_from_base_and_platforms() {
        let file = |text: &str| match yaml::to_json_value(text).expect("yaml") {
            Value::Object(map) => map,
            _ => panic!("a mapping"),
        };
        let b = base(&file("base: ubuntu@24.04\nplatforms:\n  amd64:\n")).expect("base");
        assert_eq!(
            (b.name.as_str(), b.channel.as_str(), b.architectures.clone()),
            ("ubuntu", "24.04", vec!["amd64".to_string()])
        );
        assert_eq!(
            charm_file_name("flask-k8s", &b),
            "flask-k8s_ubuntu-24.04-amd64.charm"
        );
        let b = base(&file(
            "base: ubuntu@22.04\nplatforms:\n  x:\n    build-on: [amd64]\n    build-for: [ubuntu@22.04:arm64]\n",
        ))
        .expect("base");
        assert_eq!(b.architectures, ["arm64"]);
        assert!(base(&file("name: x\n")).is_err());
        assert!(base(&file("base: ubuntu\nplatforms: {amd64: }\n")).is_err());
        assert!(base(&file("base: ubuntu@24.04\n")).is_err());
    }
}
