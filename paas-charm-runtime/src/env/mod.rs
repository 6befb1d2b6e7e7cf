//! The environment handed to the workload, and the encodings paas-charm uses for it
//! (Python-style JSON; URL decomposition lives beside it).

pub mod python_json;
pub mod url;

use std::collections::BTreeMap;

use serde_json::Value;

/// Environment variables for the workload. Values are strings, except for the one Spring Boot
/// SMTP case where paas-charm passes an integer port and a null password (frameworks.md §16).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Env(BTreeMap<String, Value>);

impl Env {
    /// An empty environment.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets a string variable (later sets overwrite earlier ones).
    pub fn set(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.0.insert(name.into(), Value::String(value.into()));
    }

    /// Sets a variable to any JSON value (only Spring Boot's SMTP port/password need this).
    pub fn set_value(&mut self, name: impl Into<String>, value: Value) {
        self.0.insert(name.into(), value);
    }

    /// Sets `name` only if it is not already set.
    pub fn set_default(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.0
            .entry(name.into())
            .or_insert_with(|| Value::String(value.into()));
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
        self.0.remove(name)
    }

    /// Adds every variable of `other`, overwriting.
    pub fn extend(&mut self, other: Env) {
        self.0.extend(other.0);
    }

    /// The variables as Pebble's service `environment`.
    pub fn to_values(&self) -> BTreeMap<String, Value> {
        self.0.clone()
    }

    /// The variables as strings (for an exec environment).
    pub fn to_strings(&self) -> BTreeMap<String, String> {
        self.0
            .iter()
            .map(|(k, v)| (k.clone(), value_text(v)))
            .collect()
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
