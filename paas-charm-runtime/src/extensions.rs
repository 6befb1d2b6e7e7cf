//! Extension points an author reaches without forking: extra environment variables, code that
//! runs before and after the reconcile, and extra actions with typed params and results.
//!
//! The author implements [`Extensions`] for the charm struct and writes `extensions` in the
//! attribute (`#[paas_charm(framework = "flask", extensions)]`); every method has a default
//! that does nothing. Custom integrations are the author's own
//! [`Integration`](crate::integration::Integration) impls, listed in the attribute with
//! `custom_integrations(crate::MyIntegration)`.

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::env::Env;
use crate::integration::Cx;
use crate::juju::{Bag, ConfigValues, HookToolError, Status};
use crate::pebble::PebbleError;

/// What [`Extensions::extra_env`] sees of the charm state.
#[derive(Debug)]
pub struct EnvView<'a> {
    /// The charm's configuration (`config-get`), framework and user options alike.
    pub config: &'a ConfigValues,
    /// The application's name.
    pub app_name: &'a str,
    /// This unit's name (`app/0`).
    pub unit_name: &'a str,
    /// The base URL (the ingress URL, or `http://<app>.<model>:<port>`).
    pub base_url: &'a str,
    /// The environment built so far: framework, user options and integrations.
    pub env: &'a Env,
}

/// Why an extension hook stopped the reconcile.
#[derive(Debug, thiserror::Error)]
pub enum ExtensionError {
    /// Set this Blocked status and stop (the message tells the operator what to fix).
    #[error("{0}")]
    Blocked(String),
    /// Set this Waiting status and stop.
    #[error("{0}")]
    Waiting(String),
    /// A hook tool failed: the hook fails (Juju rolls back its relation writes).
    #[error(transparent)]
    Tool(#[from] HookToolError),
    /// Pebble failed.
    #[error(transparent)]
    Pebble(#[from] PebbleError),
}

impl ExtensionError {
    /// The status this error asks for, if it is one.
    pub fn status(&self) -> Option<Status> {
        match self {
            ExtensionError::Blocked(message) => Some(Status::blocked(message.clone())),
            ExtensionError::Waiting(message) => Some(Status::waiting(message.clone())),
            ExtensionError::Tool(_) | ExtensionError::Pebble(_) => None,
        }
    }
}

/// An extra action: its name (as declared under `actions:` in charmcraft.yaml), its params
/// (deserialised from `action-get`) and its results (serialised to `action-set`, nested
/// objects as dotted keys).
pub trait Action {
    /// The action's name in charmcraft.yaml.
    const NAME: &'static str;
    /// The params, read with serde from the action's params (missing or mistyped params fail
    /// the action with a message naming the problem).
    type Params: DeserializeOwned;
    /// The results, written with serde (an object; nested objects become dotted keys).
    type Results: Serialize;

    /// Runs the action. `Err(message)` fails the action with that message.
    fn run(params: Self::Params, cx: &mut Cx<'_>) -> Result<Self::Results, String>;
}

/// A registered extra action (see [`ExtraAction::of`]).
#[derive(Clone, Copy)]
pub struct ExtraAction {
    /// The action's name.
    pub name: &'static str,
    run: fn(&ConfigValues, &mut Cx<'_>) -> Result<Bag, String>,
}

impl std::fmt::Debug for ExtraAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExtraAction")
            .field("name", &self.name)
            .finish()
    }
}

impl ExtraAction {
    /// The extra action `A`.
    pub const fn of<A: Action>() -> Self {
        ExtraAction {
            name: A::NAME,
            run: run_typed::<A>,
        }
    }

    /// Runs the action with its raw params: the results to set, or the failure message.
    pub fn run(&self, params: &ConfigValues, cx: &mut Cx<'_>) -> Result<Bag, String> {
        (self.run)(params, cx)
    }
}

fn run_typed<A: Action>(params: &ConfigValues, cx: &mut Cx<'_>) -> Result<Bag, String> {
    let params: A::Params = serde_json::from_value(serde_json::Value::Object(params.clone()))
        .map_err(|err| format!("invalid params for action {:?}: {err}", A::NAME))?;
    let results = A::run(params, cx)?;
    let value = serde_json::to_value(results).map_err(|err| {
        format!(
            "action {:?} produced unserialisable results: {err}",
            A::NAME
        )
    })?;
    flatten_results(&value)
        .ok_or_else(|| format!("action {:?} must return an object of results", A::NAME))
}

/// Action results as `action-set` takes them: an object's leaves with dotted keys
/// (`{"a": {"b": 1}}` → `a.b=1`); strings as written, other values as JSON. `None` when the
/// value is not an object.
pub fn flatten_results(value: &serde_json::Value) -> Option<Bag> {
    fn walk(prefix: &str, value: &serde_json::Value, out: &mut Bag) {
        match value {
            serde_json::Value::Object(map) => {
                for (key, value) in map {
                    let key = if prefix.is_empty() {
                        key.clone()
                    } else {
                        format!("{prefix}.{key}")
                    };
                    walk(&key, value, out);
                }
            }
            serde_json::Value::String(s) => {
                out.insert(prefix.to_owned(), s.clone());
            }
            serde_json::Value::Null => {}
            other => {
                out.insert(prefix.to_owned(), other.to_string());
            }
        }
    }
    let serde_json::Value::Object(_) = value else {
        return None;
    };
    let mut out = Bag::new();
    walk("", value, &mut out);
    Some(out)
}

/// The author's extensions. Implement it for the charm struct and write `extensions` in the
/// attribute; every method defaults to doing nothing.
#[diagnostic::on_unimplemented(
    message = "`{Self}` has `extensions` in #[paas_charm] but does not implement `Extensions`",
    note = "add `impl paas_charm_runtime::extensions::Extensions for {Self} {{}}` (and override \
            the methods you need), or remove `extensions` from the attribute"
)]
pub trait Extensions: Sync {
    /// Extra environment variables for the workload, merged after the framework's, the user
    /// options' and the integrations' (an extra variable with the same name wins).
    fn extra_env(&self, _view: &EnvView<'_>) -> Vec<(String, String)> {
        Vec::new()
    }

    /// Runs at the start of every reconcile, before the charm state is built and checked.
    /// An error stops the reconcile with its status.
    fn before_reconcile(&self, _cx: &mut Cx<'_>) -> Result<(), ExtensionError> {
        Ok(())
    }

    /// Runs after a successful reconcile, once the status is Active (it may set another).
    fn after_reconcile(&self, _cx: &mut Cx<'_>) -> Result<(), ExtensionError> {
        Ok(())
    }

    /// The extra actions (`ExtraAction::of::<MyAction>()`), dispatched when the running action
    /// is not one of the framework's.
    fn actions(&self) -> Vec<ExtraAction> {
        Vec::new()
    }
}

/// The extensions of a charm that declares none.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoExtensions;

impl Extensions for NoExtensions {}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn results_flatten_to_dotted_keys() {
        let bag = flatten_results(&json!({"a": {"b": 1, "c": "x"}, "n": null, "t": true}))
            .expect("an object");
        let pairs: Vec<(&str, &str)> = bag.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(pairs, [("a.b", "1"), ("a.c", "x"), ("t", "true")]);
        assert_eq!(flatten_results(&json!([1, 2])), None);
    }

    #[test]
    fn blocked_and_waiting_errors_are_statuses() {
        assert_eq!(
            ExtensionError::Blocked("fix it".into()).status(),
            Some(Status::blocked("fix it"))
        );
        assert_eq!(
            ExtensionError::Waiting("wait".into()).status(),
            Some(Status::waiting("wait"))
        );
    }
}
