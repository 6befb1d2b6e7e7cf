//! The example's charmcraft.yaml is paas-charm's v1 Express.js example charm (what Charmcraft's
//! extension declares, frameworks.md §2.2, plus that example's integration endpoints, as the
//! scenario corpus records it) plus an optional endpoint for every other integration.

use paas_charm_conformance::metadata;

const CHARMCRAFT: &str = include_str!("../charmcraft.yaml");

#[test]
fn metadata_is_paas_charms_example_plus_optional_integrations() {
    metadata::assert_example_plus_optional_integrations(
        CHARMCRAFT,
        include_str!("../../../tests/scenarios/expressjs/expressjs_http_proxy_ready.json"),
    );
}

#[test]
fn declares_the_extension_basics() {
    metadata::assert_app_extension_basics(CHARMCRAFT);
}
