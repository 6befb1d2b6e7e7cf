//! paas-charm-rs runtime: everything a 12-factor web-app charm does at hook time.
//!
//! An author writes one annotated struct (see [`paas_charm`]); the attribute generates the glue
//! and this crate holds every behaviour: the Juju hook tools ([`juju`]), the workload's Pebble
//! ([`pebble`]), the frameworks ([`framework`]), the integrations ([`integration`]), the
//! reconcile ([`reconcile`]) and the [`simulator`] (`simulate`, `env`, the
//! authors' harness; behind feature `testing`).

pub mod charm;
mod cli;
pub mod config;
pub mod container;
mod dispatch;
pub mod env;
pub mod extensions;
pub mod framework;
pub mod integration;
pub mod juju;
pub mod migration;
pub mod oplog;
pub mod paas_config;
pub mod pebble;
pub mod reconcile;
pub mod requirements;
pub mod secret_storage;
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
