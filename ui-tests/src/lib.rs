//! The `#[paas_charm]` attribute's UI tests live in `tests/`: `fail/` holds compile-fail cases
//! with the compiler's expected `.stderr`, `pass/` compile-pass cases. The `.stderr` files are
//! made with the toolchain pinned in `rust-toolchain.toml`; regenerate them with
//! `TRYBUILD=overwrite cargo test -p paas-charm-ui-tests` and review the diff.
