//! `cargo paas-charm`: the author tool of paas-charm-rs.
//!
//! - [`init`] creates a standalone charm project (Cargo.toml, Cargo.lock, charmcraft.yaml,
//!   src/main.rs with the attribute, tests, README);
//! - [`pack`] builds it in release mode and writes the `.charm` file Charmcraft 4.x would,
//!   refusing what Charmcraft or Juju would refuse ([`project`], [`elf`], and the binary's own
//!   `metadata --check`).

pub mod elf;
pub mod init;
pub mod pack;
pub mod project;
mod yaml;
