//! The testing support (feature `testing`): the typed test [`harness`] for charm authors, on
//! the in-memory Juju model and Pebble of the [simulator](crate::simulator) (re-exported here),
//! and [`DynamicSet`], integrations assembled at run time for tests that pick their own.

pub use crate::simulator::juju;
pub use crate::simulator::pebble;

pub use juju::{MemoryAction, MemoryBackend, MemoryRelation, MemorySecret, SharedBackend};
pub use pebble::{ExecHandler, MemoryPebble};

pub mod harness;
pub mod sets;

pub use sets::DynamicSet;

#[cfg(test)]
mod env_doc;
