//! The example charms' metadata checks for the `app`-container frameworks (Go, Express.js,
//! Spring Boot): an example's charmcraft.yaml is paas-charm's v1 example charm (what
//! Charmcraft's extension declares plus that example's endpoints, recorded without
//! descriptions in a scenario's `metadata`), plus an optional endpoint for every other
//! integration.

use paas_charm_runtime::juju::CharmMeta;
use paas_charm_runtime::yaml;

/// The example's metadata without descriptions (the recorded metadata has none).
pub fn ours(charmcraft_yaml: &str) -> CharmMeta {
    let mut meta =
        CharmMeta::from_charmcraft_yaml(charmcraft_yaml).expect("charmcraft.yaml parses");
    for option in meta.config.options.values_mut() {
        option.description = None;
    }
    for action in meta.actions.values_mut() {
        action.description = None;
        for param in action.params.values_mut() {
            param.description = None;
        }
    }
    meta
}

/// The metadata a scenario recorded for paas-charm's example charm.
pub fn recorded(scenario_json: &str) -> CharmMeta {
    let scenario = yaml::to_json_value(scenario_json).expect("scenario parses");
    let text = yaml::to_string(&scenario["metadata"]).expect("metadata as yaml");
    CharmMeta::from_charmcraft_yaml(&text).expect("recorded metadata parses")
}

/// Beyond paas-charm's example, the charm declares an optional endpoint (limit 1) for every
/// other integration the framework supports, and nothing else differs.
pub fn assert_example_plus_optional_integrations(charmcraft_yaml: &str, scenario_json: &str) {
    let mut ours = ours(charmcraft_yaml);
    let recorded = recorded(scenario_json);
    let extra: Vec<String> = ours
        .requires
        .keys()
        .filter(|name| !recorded.requires.contains_key(*name))
        .cloned()
        .collect();
    for name in &extra {
        let relation = ours.requires.remove(name).expect("declared");
        assert_eq!(
            (relation.optional, relation.limit),
            (Some(true), Some(1)),
            "{name}"
        );
    }
    assert_eq!(ours, recorded);
}

/// What Charmcraft's extension declares for an `app`-container framework.
pub fn assert_app_extension_basics(charmcraft_yaml: &str) {
    let meta = ours(charmcraft_yaml);
    assert_eq!(
        meta.containers["app"].resource.as_deref(),
        Some("app-image")
    );
    assert_eq!(meta.peers["secret-storage"].interface, "secret-storage");
    assert_eq!(meta.requires["ingress"].interface, "ingress");
    assert_eq!(meta.requires["logging"].interface, "loki_push_api");
    assert_eq!(
        meta.provides["metrics-endpoint"].interface,
        "prometheus_scrape"
    );
    assert_eq!(
        meta.provides["grafana-dashboard"].interface,
        "grafana_dashboard"
    );
    assert!(meta.actions.contains_key("rotate-secret-key"));
    for option in [
        "app-port",
        "metrics-port",
        "metrics-path",
        "app-secret-key",
        "app-secret-key-id",
    ] {
        assert!(meta.config.options.contains_key(option), "{option}");
    }
}
