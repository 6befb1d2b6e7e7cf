//! `#[paas_charm(framework = "...", integrations(...))]`: turns a unit struct into a charm.
//!
//! The stages, one module each: `attr` parses the arguments, `valid` checks them and the
//! item (collecting every error), `expand` writes the glue (`wiring` the integration set:
//! its event `match` and environment composition); `names` reads the known frameworks and
//! integrations from the one table in `paas-charm-requirements`.

mod attr;
mod expand;
mod names;
mod requirements;
#[cfg(test)]
mod test_support;
mod valid;
mod wiring;

use proc_macro::TokenStream;

/// Turns a unit struct into a complete paas charm (see the runtime crate's documentation).
///
/// The attribute reads the charm's `charmcraft.yaml` at compile time, checks it against what
/// the framework and integrations need (every problem is a compile error on the part of the
/// attribute it concerns, with the YAML to write), and generates `fn main`, the
/// `IntegrationRequirers` set (with the `match` that routes each hook to the integrations
/// acting on it and the environment composition in paas-charm's order) and the `Charm` impl.
/// The build re-runs when the file changes.
///
/// # Keys
///
/// **`framework = "..."`** (required): `flask`, `django`, `fastapi`, `go`, `expressjs` or
/// `spring-boot`. **`integrations(...)`**: identifiers (`postgresql`, `mysql`, `mongodb`,
/// `redis`, `valkey`, `s3`, `rabbitmq`, `saml`, `oauth`, `openfga`, `tracing`, `smtp`,
/// `http_proxy`); each becomes an `Option<...>` field of `IntegrationRequirers`.
/// **`charmcraft = "path"`**: the charm's charmcraft.yaml, relative to the file holding the
/// attribute (default: `charmcraft.yaml` next to the crate's `Cargo.toml`).
///
/// ```
/// use paas_charm_runtime::paas_charm;
///
/// #[paas_charm(
///     framework = "flask",
///     integrations(postgresql, redis),
///     charmcraft = "../tests/charmcraft/flask-postgresql-redis.yaml"
/// )]
/// pub struct FlaskCharm;
/// ```
///
/// **`main = false`**: no generated `fn main`; call the runtime from your own (a leftover
/// `fn main` from `cargo new` beside the attribute is an error that says so):
///
/// ```no_run
/// use paas_charm_runtime::paas_charm;
///
/// #[paas_charm(
///     framework = "flask",
///     integrations(postgresql, redis),
///     charmcraft = "../tests/charmcraft/flask-postgresql-redis.yaml",
///     main = false
/// )]
/// pub struct FlaskCharm;
///
/// fn main() -> std::process::ExitCode {
///     // Anything to do before the hook runs goes here.
///     paas_charm_runtime::run_main::<FlaskCharm>()
/// }
/// ```
///
/// **`unhandled_endpoints("...")`**: `requires` endpoints of paas-charm interfaces the file
/// declares but the charm leaves alone (otherwise an endpoint whose integration is not listed
/// is an error: the charm would ignore that relation). Here the file declares `redis`:
///
/// ```
/// use paas_charm_runtime::paas_charm;
///
/// #[paas_charm(
///     framework = "flask",
///     integrations(postgresql),
///     unhandled_endpoints("redis"),
///     charmcraft = "../tests/charmcraft/flask-postgresql-redis.yaml"
/// )]
/// pub struct FlaskCharm;
/// ```
///
/// **`endpoints(integration = "endpoint")`**: binds an integration to an endpoint named
/// differently from paas-charm's; **`custom_integrations(path::Type, ...)`**: the author's
/// own `Integration` impls, each a field of `IntegrationRequirers` after the listed ones;
/// **`extensions`**: the charm struct implements `Extensions` (extra env, hooks around the
/// reconcile, extra actions):
///
/// ```
/// use paas_charm_runtime::integration::Integration;
/// use paas_charm_runtime::juju::CharmMeta;
/// use paas_charm_runtime::{paas_charm, Extensions};
///
/// pub struct AuditLog;
///
/// impl Integration for AuditLog {
///     fn bind(meta: &CharmMeta) -> Option<Self> {
///         meta.requires_with("audit-log", "audit_log").map(|_| AuditLog)
///     }
///
///     fn name(&self) -> &str {
///         "audit-log"
///     }
/// }
///
/// #[paas_charm(
///     framework = "flask",
///     integrations(postgresql, redis),
///     endpoints(postgresql = "db"),
///     custom_integrations(crate::AuditLog),
///     extensions,
///     charmcraft = "../tests/charmcraft/extended.yaml",
///     main = false
/// )]
/// pub struct ExtendedCharm;
///
/// impl Extensions for ExtendedCharm {}
/// # fn main() {}
/// ```
#[proc_macro_attribute]
pub fn paas_charm(args: TokenStream, item: TokenStream) -> TokenStream {
    let source = proc_macro::Span::call_site().local_file();
    let cx = valid::Context {
        manifest_dir: std::env::var_os("CARGO_MANIFEST_DIR").map(Into::into),
        source_dir: source
            .as_ref()
            .and_then(|file| file.parent().map(ToOwned::to_owned)),
        // A leftover `fn main` would otherwise meet only rustc's E0428 ("defined multiple
        // times"): the attribute cannot see sibling items, so it reads its own source file.
        user_main: source
            .and_then(|file| std::fs::read_to_string(file).ok())
            .is_some_and(|text| valid::defines_main(&text)),
    };
    expand::paas_charm(args.into(), item.into(), &cx).into()
}

/// Not for charms: `paas_charm_runtime::testing` calls it once, with the runtime's path, to
/// generate `bind_by_name`, which binds any integration of the integration table by its name
/// (for integration sets assembled at run time, as tests assemble them).
#[doc(hidden)]
#[proc_macro]
pub fn __bind_by_name(krate: TokenStream) -> TokenStream {
    expand::bind_by_name(krate.into()).into()
}
