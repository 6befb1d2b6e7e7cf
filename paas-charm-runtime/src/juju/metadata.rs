//! Charm metadata: `charmcraft.yaml`, or `metadata.yaml` + `config.yaml` + `actions.yaml` as
//! charmcraft packs them. Mappings are kept in code-point order of their keys, which is the
//! order paas-charm iterates them in (FORMAT.md §1.1).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::yaml;

/// A relation endpoint's declaration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct RelationMeta {
    /// The interface name.
    pub interface: String,
    /// `optional: true` makes it optional; absent means required.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub optional: Option<bool>,
    /// The relation limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}

impl RelationMeta {
    /// Juju's default: an endpoint is required unless it says `optional: true`.
    pub fn is_required(&self) -> bool {
        !self.optional.unwrap_or(false)
    }
}

/// A workload container.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ContainerMeta {
    /// The OCI image resource.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
}

/// The declared type of a config option.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OptionType {
    /// `string`
    String,
    /// `int`
    Int,
    /// `float`
    Float,
    /// `boolean`
    Boolean,
    /// `secret` (the value is a secret id)
    Secret,
}

impl OptionType {
    /// The type as charm metadata spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            OptionType::String => "string",
            OptionType::Int => "int",
            OptionType::Float => "float",
            OptionType::Boolean => "boolean",
            OptionType::Secret => "secret",
        }
    }
}

/// A config option.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OptionMeta {
    /// Its type.
    #[serde(rename = "type")]
    pub kind: OptionType,
    /// Its default, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<serde_json::Value>,
    /// paas-charm's extension: `optional: false` marks an option that must be set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub optional: Option<bool>,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// The `config` section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ConfigMeta {
    /// Option name → declaration.
    #[serde(default)]
    pub options: BTreeMap<String, OptionMeta>,
}

/// An action parameter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ActionParamMeta {
    /// JSON-schema type (`string`, `integer`, ...).
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// An action.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ActionMeta {
    /// Parameters.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub params: BTreeMap<String, ActionParamMeta>,
    /// Required parameter names.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub required: Vec<String>,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// Everything the runtime needs from the charm's metadata.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct CharmMeta {
    /// The charm name.
    #[serde(default)]
    pub name: String,
    /// Workload containers.
    #[serde(default)]
    pub containers: BTreeMap<String, ContainerMeta>,
    /// Peer relations.
    #[serde(default)]
    pub peers: BTreeMap<String, RelationMeta>,
    /// Required (consumed) relations.
    #[serde(default)]
    pub requires: BTreeMap<String, RelationMeta>,
    /// Provided relations.
    #[serde(default)]
    pub provides: BTreeMap<String, RelationMeta>,
    /// Config options.
    #[serde(default)]
    pub config: ConfigMeta,
    /// Actions.
    #[serde(default)]
    pub actions: BTreeMap<String, ActionMeta>,
}

/// The charm directory has no usable metadata.
#[derive(Debug, thiserror::Error)]
pub enum MetadataError {
    /// Neither `charmcraft.yaml` nor `metadata.yaml` exists.
    #[error("no charm metadata in {0}: expected charmcraft.yaml or metadata.yaml")]
    Missing(PathBuf),
    /// A file exists but cannot be read.
    #[error("cannot read {path}: {message}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The OS error.
        message: String,
    },
    /// A file is not valid YAML of the expected shape.
    #[error("invalid {path}: {source}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// The YAML error.
        source: yaml::YamlError,
    },
}

impl CharmMeta {
    /// Loads the metadata of the charm in `dir`.
    pub fn load(dir: &Path) -> Result<Self, MetadataError> {
        let metadata = dir.join("metadata.yaml");
        if metadata.exists() {
            let mut meta: CharmMeta = read_yaml(&metadata)?;
            let config = dir.join("config.yaml");
            if config.exists() {
                meta.config = read_yaml(&config)?;
            }
            let actions = dir.join("actions.yaml");
            if actions.exists() {
                meta.actions = read_yaml(&actions)?;
            }
            return Ok(meta);
        }
        let charmcraft = dir.join("charmcraft.yaml");
        if charmcraft.exists() {
            return read_yaml(&charmcraft);
        }
        Err(MetadataError::Missing(dir.to_owned()))
    }

    /// Parses a unified `charmcraft.yaml` text.
    pub fn from_charmcraft_yaml(text: &str) -> Result<Self, yaml::YamlError> {
        yaml::from_str(text)
    }

    /// The single workload container's name, if there is exactly one.
    pub fn container(&self) -> Option<&str> {
        self.containers.keys().next().map(String::as_str)
    }

    /// The `requires` endpoint named `endpoint` if its interface is `interface`.
    pub fn requires_with(&self, endpoint: &str, interface: &str) -> Option<&RelationMeta> {
        self.requires
            .get(endpoint)
            .filter(|r| r.interface == interface)
    }

    /// The metadata with `requires` endpoints renamed to paas-charm's names
    /// (`("postgresql", "db")` serves the charm's `db` endpoint as `postgresql`).
    pub fn with_renamed_endpoints(&self, renamed: &[(&str, &str)]) -> CharmMeta {
        let mut meta = self.clone();
        for (ours, theirs) in renamed {
            if let Some(relation) = meta.requires.remove(*theirs) {
                meta.requires.insert((*ours).to_owned(), relation);
            }
        }
        meta
    }

    /// Every `requires` endpoint whose interface is `interface`, in key order.
    pub fn requires_of_interface<'a>(
        &'a self,
        interface: &'a str,
    ) -> impl Iterator<Item = (&'a str, &'a RelationMeta)> + 'a {
        self.requires
            .iter()
            .filter(move |(_, r)| r.interface == interface)
            .map(|(name, r)| (name.as_str(), r))
    }

    /// Any endpoint (requires, provides or peers) by name.
    pub fn endpoint(&self, name: &str) -> Option<&RelationMeta> {
        self.requires
            .get(name)
            .or_else(|| self.provides.get(name))
            .or_else(|| self.peers.get(name))
    }
}

fn read_yaml<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, MetadataError> {
    let text = std::fs::read_to_string(path).map_err(|err| MetadataError::Read {
        path: path.to_owned(),
        message: err.to_string(),
    })?;
    yaml::from_str(&text).map_err(|source| MetadataError::Invalid {
        path: path.to_owned(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHARMCRAFT: &str = r#"
name: flask-k8s
type: charm
containers:
  flask-app:
    resource: flask-app-image
peers:
  secret-storage:
    interface: secret-storage
requires:
  postgresql:
    interface: postgresql_client
    optional: false
    limit: 1
  ingress:
    interface: ingress
    limit: 1
  redis:
    interface: redis
    optional: true
config:
  options:
    flask-env:
      type: string
      description: env
    flask-preferred-url-scheme:
      type: string
      default: HTTPS
    webserver-workers:
      type: int
actions:
  rotate-secret-key:
    description: Rotate
parts:
  charm:
    plugin: rust
"#;

    #[test]
    fn reads_unified_charmcraft_yaml() {
        let meta = CharmMeta::from_charmcraft_yaml(CHARMCRAFT).expect("valid");
        assert_eq!(meta.container(), Some("flask-app"));
        assert!(meta.requires["postgresql"].is_required());
        assert!(
            meta.requires["ingress"].is_required(),
            "absent optional means required"
        );
        assert!(!meta.requires["redis"].is_required());
        assert_eq!(
            meta.config.options["webserver-workers"].kind,
            OptionType::Int
        );
        assert_eq!(
            meta.config.options["flask-preferred-url-scheme"].default,
            Some(serde_json::json!("HTTPS"))
        );
        assert!(meta.actions.contains_key("rotate-secret-key"));
        let keys: Vec<_> = meta.requires.keys().cloned().collect();
        assert_eq!(
            keys,
            ["ingress", "postgresql", "redis"],
            "keys iterate in code-point order"
        );
    }

    #[test]
    fn reads_packed_metadata_files() {
        let dir = std::env::temp_dir().join(format!("paas-meta-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        std::fs::write(
            dir.join("metadata.yaml"),
            "name: x\ncontainers: {app: {resource: app-image}}\n",
        )
        .expect("write");
        std::fs::write(
            dir.join("config.yaml"),
            "options:\n  app-port: {type: int, default: 8080}\n",
        )
        .expect("write");
        std::fs::write(dir.join("actions.yaml"), "rotate-secret-key: {}\n").expect("write");
        let meta = CharmMeta::load(&dir).expect("loads");
        assert_eq!(
            meta.config.options["app-port"].default,
            Some(serde_json::json!(8080))
        );
        assert!(meta.actions.contains_key("rotate-secret-key"));
        std::fs::write(dir.join("config.yaml"), "options: [oops").expect("write");
        let err = CharmMeta::load(&dir).unwrap_err();
        assert!(err.to_string().contains("config.yaml"), "{err}");
        std::fs::remove_dir_all(&dir).ok();
        assert!(matches!(
            CharmMeta::load(&dir),
            Err(MetadataError::Missing(_))
        ));
    }
}
