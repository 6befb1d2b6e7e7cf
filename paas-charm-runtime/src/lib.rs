//! paas-charm-rs runtime: everything a 12-factor web-app charm does at hook time.
//!
//! **The model.** A charm is one annotated unit struct:
//!
//! ```
//! # // The doc test reads this crate's test charmcraft.yaml (relative to this file); a charm
//! # // reads the one next to its Cargo.toml.
//! use paas_charm_runtime::paas_charm;
//!
//! #[paas_charm(
//!     framework = "flask",
//!     integrations(postgresql, redis),
//!     charmcraft = "../tests/charmcraft/flask-postgresql-redis.yaml",
//!     main = false
//! )]
//! pub struct FlaskCharm;
//! # fn main() {}
//! ```
//!
//! - **At compile time** the attribute ([`paas_charm`]) reads the charm's `charmcraft.yaml` and
//!   checks it against what the framework and integrations need (the one checker in
//!   `paas-charm-requirements`, re-exported as [`requirements::table`]); every problem is a
//!   compile error with the YAML to write. It then generates `main`, the typed
//!   `IntegrationRequirers` set (one `Option<...>` field per integration) with the `match` that
//!   routes each hook to the integrations acting on it and the environment composition in
//!   paas-charm's order ([`integration::IntegrationSet`]), and the [`Charm`] impl with its
//!   framework's actions: glue only, from the one table in `paas-charm-requirements`.
//! - **At hook time** Juju runs the binary as the charm's `dispatch`. [`run_main`] reads the
//!   event, then [`reconcile`] converges: it reads config, relations and secrets through the
//!   hook tools ([`juju`]), builds the app's environment ([`env`], [`framework`],
//!   [`integration`]), runs migrations ([`migration`]), and replans the workload's Pebble layer
//!   ([`pebble`]) only when it changed, setting the same statuses as paas-charm 1.12.
//! - **Outside Juju** the same binary is a local tool: `metadata` (the charmcraft.yaml sections
//!   it needs; `--check <file>`, `--json`) and `simulate <scenario.json>` (a hook in an
//!   in-memory Juju and Pebble: the [`simulator`], feature `testing`), `env` and the authors'
//!   harness ([`testing::harness`]).
//! - **Extending** without forking: [`Extensions`] (extra env, hooks around the reconcile,
//!   extra actions) and custom [`integration::Integration`] impls, both named in the attribute.
//!
//! Dependencies run one way: mechanism (`juju`, `pebble`, `env`) ← integrations ← frameworks ←
//! reconcile ← entry points. `cargo paas-charm init` creates a project; the repository's
//! README has the author guide.

pub mod applied;
pub mod charm;
mod cli;
pub mod config;
pub mod container;
mod dispatch;
pub mod env;
pub mod extensions;
pub mod framework;
pub mod integration;
mod json;
pub mod juju;
pub mod migration;
pub mod oplog;
pub mod paas_config;
pub mod pebble;
pub mod reconcile;
pub mod requirements;
pub mod secret_storage;
mod sort;
pub mod state;
pub mod untrusted;
pub mod yaml;

#[cfg(feature = "testing")]
pub mod simulator;
#[cfg(feature = "testing")]
pub mod testing;

pub use charm::Charm;
pub use cli::run_main;
pub use extensions::{Action, Extensions, ExtraAction};
pub use paas_charm_macros::paas_charm;

/// Items the generated code names. Not part of the public API.
#[doc(hidden)]
pub mod __private {
    pub use crate::cli::run_main;
}
