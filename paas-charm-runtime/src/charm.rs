//! The `Charm` trait the attribute implements, and how a charm binds its integrations.

use crate::extensions::{Extensions, NoExtensions};
use crate::framework::{FrameworkAction, FrameworkKind};
use crate::integration::IntegrationSet;

/// A paas charm: a framework and a set of integrations. `#[paas_charm(...)]` implements it.
pub trait Charm: 'static {
    /// The framework the charm runs.
    const FRAMEWORK: FrameworkKind;
    /// The charm's integrations (the generated `IntegrationRequirers`: the listed ones, the
    /// custom ones and the ones every framework charm has), with their event `match` and
    /// environment composition.
    type Integrations: IntegrationSet;
    /// The names of the listed integrations, in attribute order (`postgresql`, `http-proxy`):
    /// what the `metadata` command prints endpoints for. The attribute always sets it; the
    /// default is the set without integrations.
    const INTEGRATIONS: &'static [&'static str] = &[];

    /// Endpoints the charm names differently from paas-charm, from the attribute's
    /// `endpoints(postgresql = "db")`: (the integration's endpoint, the charm's).
    const ENDPOINTS: &'static [(&'static str, &'static str)] = &[];

    /// Endpoints of paas-charm interfaces the charm declares but leaves alone, from the
    /// attribute's `unhandled_endpoints(...)` (so `metadata --check` agrees with the compiler).
    const UNHANDLED_ENDPOINTS: &'static [&'static str] = &[];

    /// The text of the charmcraft.yaml the attribute was checked against at compile time,
    /// embedded in the binary: the metadata the local tools (`simulate`, `env`) and the test
    /// harness use when a scenario does not carry its own.
    const CHARMCRAFT_YAML: &'static str;

    /// The framework's action named `name`, if the framework declares one (the author's own
    /// actions are [`Extensions::actions`]). The attribute generates it from the framework's
    /// action table: one `match` arm per action.
    fn framework_action(name: &str) -> Option<FrameworkAction> {
        crate::framework::action(Self::FRAMEWORK, name)
    }

    /// The author's extensions: the attribute's `extensions` key returns the charm struct's
    /// own [`Extensions`] impl; without it, none.
    fn extensions() -> &'static dyn Extensions {
        &NoExtensions
    }
}
