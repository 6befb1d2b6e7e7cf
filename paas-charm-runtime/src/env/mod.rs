//! The environment handed to the workload, and the encodings paas-charm uses for it
//! (Python-style JSON; URL decomposition lives beside it).

pub mod provenance;
pub mod python_json;
pub mod url;

use std::collections::BTreeMap;

use serde_json::Value;

pub use provenance::Source;
use provenance::Sources;

/// Environment variables for the workload. Values are strings, except for the one Spring Boot
/// SMTP case where paas-charm passes an integer port and a null password (frameworks.md §16).
///
/// An environment may record where each variable came from ([`Env::recording`],
/// [`Env::attribute`]): the local `env --explain` tool turns it on; a hook never does, so it
/// costs one `None` check per set.
#[derive(Debug, Clone, Default)]
pub struct Env(BTreeMap<String, Value>, Option<Box<Sources>>);

impl PartialEq for Env {
    /// Two environments are equal when their variables are (provenance is not compared).
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

impl Env {
    /// An empty environment.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty environment that records the source of each variable set from now on.
    ///
    /// ```
    /// use paas_charm_runtime::env::{Env, Source};
    /// let mut env = Env::recording();
    /// env.attribute(Source::BaseUrl);
    /// env.set("FLASK_BASE_URL", "http://app.model:8000");
    /// assert_eq!(env.source("FLASK_BASE_URL"), Some(&Source::BaseUrl));
    /// ```
    pub fn recording() -> Self {
        Self(BTreeMap::new(), Some(Box::default()))
    }

    /// The workload environment of a hook: [`Env::recording`] while
    /// [`provenance::capture`] runs (the local `env --explain` tool), else [`Env::new`].
    pub fn for_workload() -> Self {
        if provenance::capturing() {
            Self::recording()
        } else {
            Self::new()
        }
    }

    /// Names the contributor of the variables set from now on (no-op unless recording).
    pub fn attribute(&mut self, source: Source) {
        if let Some(sources) = &mut self.1 {
            sources.current = source;
        }
    }

    /// [`Env::attribute`] to the integration `name`, allocating only when recording.
    pub fn attribute_integration(&mut self, name: &str) {
        if let Some(sources) = &mut self.1 {
            sources.current = Source::Integration(name.to_owned());
        }
    }

    /// Where `name` came from, when recording.
    pub fn source(&self, name: &str) -> Option<&Source> {
        self.1.as_ref().and_then(|s| s.by_name.get(name))
    }

    fn record(&mut self, name: &str) {
        if let Some(sources) = &mut self.1 {
            let current = sources.current.clone();
            sources.by_name.insert(name.to_owned(), current);
        }
    }

    /// Sets a string variable (later sets overwrite earlier ones).
    pub fn set(&mut self, name: impl Into<String>, value: impl Into<String>) {
        let name = name.into();
        self.record(&name);
        self.0.insert(name, Value::String(value.into()));
    }

    /// Sets a variable to any JSON value (only Spring Boot's SMTP port/password need this).
    pub fn set_value(&mut self, name: impl Into<String>, value: Value) {
        let name = name.into();
        self.record(&name);
        self.0.insert(name, value);
    }

    /// Sets `name` only if it is not already set.
    pub fn set_default(&mut self, name: impl Into<String>, value: impl Into<String>) {
        let name = name.into();
        if !self.0.contains_key(&name) {
            self.set(name, value);
        }
    }

    /// The value of a variable as text (non-strings rendered as JSON).
    pub fn get(&self, name: &str) -> Option<String> {
        self.0.get(name).map(value_text)
    }

    /// Whether a variable is set.
    pub fn contains(&self, name: &str) -> bool {
        self.0.contains_key(name)
    }

    /// Removes a variable.
    pub fn remove(&mut self, name: &str) -> Option<Value> {
        if let Some(sources) = &mut self.1 {
            sources.by_name.remove(name);
        }
        self.0.remove(name)
    }

    /// Adds every variable of `other`, overwriting.
    pub fn extend(&mut self, other: Env) {
        for (name, value) in other.0 {
            self.set_value(name, value);
        }
    }

    /// The variables as Pebble's service `environment`.
    pub fn to_values(&self) -> BTreeMap<String, Value> {
        self.0.clone()
    }

    /// The variables as strings (for an exec environment).
    pub fn to_strings(&self) -> BTreeMap<String, String> {
        // Built with insert, not collect (crate::sort).
        let mut strings = BTreeMap::new();
        strings.extend(self.0.iter().map(|(k, v)| (k.clone(), value_text(v))));
        strings
    }

    /// Iterates over the variables in name order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &Value)> {
        self.0.iter()
    }

    /// Number of variables.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are no variables.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

fn value_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => python_json::dumps(other),
    }
}
