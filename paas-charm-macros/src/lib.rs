//! `#[paas_charm(framework = "...", integrations(...))]`: turns a unit struct into a charm.
//!
//! The stages, one module each: `attr` parses the arguments, `valid` checks them and the
//! item (collecting every error), `expand` writes the glue; `names` holds the known
//! frameworks and integrations.

mod attr;
mod expand;
mod names;
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
/// `spring-boot`), `integrations` (identifiers; `http-proxy` is written `http_proxy`) and
/// `main = false` to skip generating `fn main`.
#[proc_macro_attribute]
pub fn paas_charm(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::paas_charm(args.into(), item.into()).into()
}
