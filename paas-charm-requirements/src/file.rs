//! Reading the charm's `charmcraft.yaml`: the one place this crate (and so the macro) parses
//! YAML. Only the sections the checks need are modelled; [`top_level_keys`] lists the rest for
//! the project checks.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Deserializer};

/// The parts of `charmcraft.yaml` the checks read.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Charmcraft {
    /// `extensions: [flask-framework]`.
    #[serde(default, deserialize_with = "nullable")]
    pub extensions: Vec<String>,
    /// `containers`.
    #[serde(default, deserialize_with = "nullable")]
    pub containers: BTreeMap<String, Option<Container>>,
    /// `resources`.
    #[serde(default, deserialize_with = "nullable")]
    pub resources: BTreeMap<String, Option<Resource>>,
    /// `peers`.
    #[serde(default, deserialize_with = "nullable")]
    pub peers: BTreeMap<String, Relation>,
    /// `requires`.
    #[serde(default, deserialize_with = "nullable")]
    pub requires: BTreeMap<String, Relation>,
    /// `provides`.
    #[serde(default, deserialize_with = "nullable")]
    pub provides: BTreeMap<String, Relation>,
    /// `config`.
    #[serde(default, deserialize_with = "nullable")]
    pub config: Config,
    /// `actions`.
    #[serde(default, deserialize_with = "nullable")]
    pub actions: BTreeMap<String, Option<Action>>,
}

/// A container.
#[derive(Debug, Default, Deserialize)]
pub struct Container {
    /// Its OCI image resource.
    pub resource: Option<String>,
}

/// A resource.
#[derive(Debug, Default, Deserialize)]
pub struct Resource {
    /// Its type (`oci-image`).
    #[serde(rename = "type")]
    pub kind: Option<String>,
}

/// A relation endpoint.
#[derive(Debug, Default, Deserialize)]
pub struct Relation {
    /// Its interface.
    pub interface: String,
    /// `limit`.
    pub limit: Option<u64>,
}

/// `config`.
#[derive(Debug, Default, Deserialize)]
pub struct Config {
    /// Option name → declaration.
    #[serde(default, deserialize_with = "nullable")]
    pub options: BTreeMap<String, ConfigOption>,
}

/// A config option.
#[derive(Debug, Default, Deserialize)]
pub struct ConfigOption {
    /// Its declared type.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// Its default, as written.
    pub default: Option<serde_yaml::Value>,
}

/// An action.
#[derive(Debug, Default, Deserialize)]
pub struct Action {
    /// Its parameters.
    #[serde(default, deserialize_with = "nullable")]
    pub params: BTreeMap<String, Option<Param>>,
    /// The required parameters.
    #[serde(default, deserialize_with = "nullable")]
    pub required: Vec<String>,
}

/// An action parameter.
#[derive(Debug, Default, Deserialize)]
pub struct Param {
    /// Its JSON-schema type.
    #[serde(rename = "type")]
    pub kind: Option<String>,
}

/// `key:` with no value is the same as an absent key.
fn nullable<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// Why the file cannot be checked. Each message names the file.
#[derive(Debug, PartialEq, Eq)]
pub enum LoadError {
    /// The file does not exist or cannot be read.
    Unreadable(String),
    /// The file is empty (or only comments).
    Empty,
    /// The YAML does not parse, or a section has the wrong shape.
    Invalid {
        /// What is wrong, without the location.
        message: String,
        /// 1-based line and column, when known.
        location: Option<(usize, usize)>,
    },
    /// The top level is not a mapping.
    NotAMapping(&'static str),
}

impl LoadError {
    /// The error as a sentence naming the file as `shown` (not for [`LoadError::Unreadable`],
    /// whose message needs the path: the caller words it).
    pub fn describe(&self, shown: &str) -> String {
        match self {
            LoadError::Unreadable(why) => format!("cannot read {shown}: {why}"),
            LoadError::Empty => format!(
                "{shown} is empty: a charmcraft.yaml declares the charm's name, containers, \
                 relations, options and actions."
            ),
            LoadError::NotAMapping(what) => format!(
                "{shown} holds {what}, not a mapping: a charmcraft.yaml is a mapping of keys \
                 such as `name:`, `containers:`, `requires:` and `config:`"
            ),
            LoadError::Invalid {
                message,
                location: Some((line, column)),
            } => format!("{shown}:{line}:{column}: invalid charmcraft.yaml: {message}"),
            LoadError::Invalid {
                message,
                location: None,
            } => format!("{shown}: invalid charmcraft.yaml: {message}"),
        }
    }
}

/// The top-level keys of a charmcraft.yaml, in file order (for the project checks); an error
/// when the text is not a YAML mapping.
pub fn top_level_keys(text: &str) -> Result<Vec<String>, LoadError> {
    let value: serde_yaml::Value = serde_yaml::from_str(text).map_err(invalid)?;
    match value {
        serde_yaml::Value::Null => Err(LoadError::Empty),
        serde_yaml::Value::Mapping(map) => Ok(map
            .keys()
            .map(|k| match k {
                serde_yaml::Value::String(s) => s.clone(),
                other => serde_yaml::to_string(other)
                    .unwrap_or_default()
                    .trim()
                    .to_string(),
            })
            .collect()),
        serde_yaml::Value::Sequence(_) => Err(LoadError::NotAMapping("a list")),
        serde_yaml::Value::Tagged(_) => Err(LoadError::NotAMapping("a tagged value")),
        _ => Err(LoadError::NotAMapping("a single value")),
    }
}

/// Reads and parses the file.
pub fn load(path: &Path) -> Result<Charmcraft, LoadError> {
    let text =
        std::fs::read_to_string(path).map_err(|err| LoadError::Unreadable(err.to_string()))?;
    parse(&text)
}

/// Parses the file's text.
pub fn parse(text: &str) -> Result<Charmcraft, LoadError> {
    let value: serde_yaml::Value = serde_yaml::from_str(text).map_err(invalid)?;
    match value {
        serde_yaml::Value::Null => return Err(LoadError::Empty),
        serde_yaml::Value::Mapping(_) => {}
        serde_yaml::Value::Sequence(_) => return Err(LoadError::NotAMapping("a list")),
        serde_yaml::Value::Tagged(_) => return Err(LoadError::NotAMapping("a tagged value")),
        _ => return Err(LoadError::NotAMapping("a single value")),
    }
    // Parsed again as the typed model so shape errors carry their line and column.
    serde_yaml::from_str(text).map_err(invalid)
}

fn invalid(err: serde_yaml::Error) -> LoadError {
    let location = err.location().map(|l| (l.line(), l.column()));
    let mut message = err.to_string();
    if let Some((line, column)) = location {
        let suffix = format!(" at line {line} column {column}");
        if let Some(stripped) = message.strip_suffix(&suffix) {
            message = stripped.to_string();
        }
    }
    LoadError::Invalid { message, location }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_sections_and_ignores_the_rest() {
        let file = parse(
            "name: x\nparts: {charm: {plugin: rust}}\nextensions: [flask-framework]\n\
             containers:\n  app:\n    resource: app-image\nresources:\n  app-image:\n    type: oci-image\n\
             peers:\n  secret-storage:\n    interface: secret-storage\n\
             requires:\n  tracing: {interface: tracing, limit: 1, optional: true}\n\
             provides:\nconfig:\n  options:\n    a: {type: int, default: 1}\n\
             actions:\n  rotate-secret-key:\n  create-superuser:\n    params: {username: {type: string}}\n    required: [username]\n",
        )
        .expect("parses");
        assert_eq!(file.extensions, ["flask-framework"]);
        assert_eq!(
            file.containers["app"]
                .as_ref()
                .and_then(|c| c.resource.as_deref()),
            Some("app-image")
        );
        assert_eq!(file.requires["tracing"].limit, Some(1));
        assert!(file.provides.is_empty());
        assert_eq!(file.config.options["a"].kind.as_deref(), Some("int"));
        assert!(file.actions["rotate-secret-key"].is_none());
        let superuser = file.actions["create-superuser"].as_ref().expect("action");
        assert_eq!(superuser.required, ["username"]);
    }

    #[test]
    fn bad_files_say_what_is_wrong() {
        assert_eq!(parse("").err(), Some(LoadError::Empty));
        assert_eq!(parse("# only a comment\n").err(), Some(LoadError::Empty));
        assert_eq!(
            parse("- a\n- b\n").err(),
            Some(LoadError::NotAMapping("a list"))
        );
        assert_eq!(
            parse("flask\n").err(),
            Some(LoadError::NotAMapping("a single value"))
        );
        let Err(LoadError::Invalid { message, location }) = parse("name: x\n  bad: [\n") else {
            panic!("invalid YAML")
        };
        assert!(location.is_some(), "{message}");
        let Err(LoadError::Invalid { message, location }) =
            parse("name: x\nrequires:\n  redis:\n    limit: 1\n")
        else {
            panic!("missing interface")
        };
        assert_eq!(location, Some((4, 5)));
        assert!(message.contains("missing field `interface`"), "{message}");
        let Err(LoadError::Invalid { message, .. }) = parse("requires: [redis]\n") else {
            panic!("wrong shape")
        };
        assert!(message.contains("expected a map"), "{message}");
        assert!(matches!(
            load(Path::new("/nonexistent/charmcraft.yaml")),
            Err(LoadError::Unreadable(_))
        ));
    }
}
