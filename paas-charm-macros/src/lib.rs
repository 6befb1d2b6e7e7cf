//! `#[paas_charm(framework = "...", integrations(...))]`: turns a unit struct into a charm.
//!
//! The stages, one module each: `attr` parses the arguments, `valid` checks them and the
//! item (collecting every error), `expand` writes the glue; `names` holds the known
//! frameworks and integrations.

mod attr;
mod charmcraft;
mod expand;
mod names;
mod requirements;
#[cfg(test)]
mod test_support;
mod valid;

use proc_macro::TokenStream;

/// Turns a unit struct into a complete paas charm (see the runtime crate's documentation).
///
/// ```ignore
/// use paas_charm_runtime::paas_charm;
///
/// #[paas_charm(framework = "flask", integrations(postgresql, redis))]
/// pub struct MyCharm;
/// ```
///
/// Keys: `framework` (a string: `flask`, `django`, `fastapi`, `go`, `expressjs`,
/// `spring-boot`), `integrations` (identifiers; `http-proxy` is written `http_proxy`),
/// `charmcraft = "path"` (the charm's charmcraft.yaml, relative to the file holding the
/// attribute; default: `charmcraft.yaml` next to the crate's Cargo.toml),
/// `unhandled_endpoints("name", ...)` (endpoints of known interfaces the charm declares but
/// leaves alone) and `main = false` to skip generating `fn main`.
///
/// The charmcraft.yaml is read at compile time and checked against what the framework and the
/// integrations need; the build re-runs when it changes.
#[proc_macro_attribute]
pub fn paas_charm(args: TokenStream, item: TokenStream) -> TokenStream {
    let cx = valid::Context {
        manifest_dir: std::env::var_os("CARGO_MANIFEST_DIR").map(Into::into),
        source_dir: proc_macro::Span::call_site()
            .local_file()
            .and_then(|file| file.parent().map(ToOwned::to_owned)),
    };
    expand::paas_charm(args.into(), item.into(), &cx).into()
}
