//! The testing support (feature `testing`): an in-memory Juju model and Pebble, the typed
//! test [`harness`] for charm authors, and `simulate`, which runs a charm against a scenario
//! file.

pub mod juju;
pub mod pebble;

pub use juju::{MemoryAction, MemoryBackend, MemoryRelation, MemorySecret, SharedBackend};
pub use pebble::{ExecHandler, MemoryPebble};

pub mod harness;
pub mod simulate;

pub mod redact;

#[cfg(test)]
mod env_doc;
pub mod env_tool;
