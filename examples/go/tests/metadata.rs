//! The example's charmcraft.yaml is paas-charm's v1 Go example charm: what Charmcraft's
//! extension declares (frameworks.md §2.2) plus that example's integration endpoints. The
//! scenario corpus records that charm's metadata (without descriptions); ours must equal it.

use paas_charm_runtime::juju::CharmMeta;
use paas_charm_runtime::yaml;

fn ours() -> CharmMeta {
    let mut meta = CharmMeta::from_charmcraft_yaml(include_str!("../charmcraft.yaml"))
        .expect("charmcraft.yaml parses");
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

fn recorded() -> CharmMeta {
    let scenario = yaml::to_json_value(include_str!(
        "../../../tests/scenarios/go/go_app_port_metrics_options.json"
    ))
    .expect("scenario parses");
    let text = yaml::to_string(&scenario["metadata"]).expect("metadata as yaml");
    CharmMeta::from_charmcraft_yaml(&text).expect("recorded metadata parses")
}

/// Beyond paas-charm's example, the charm declares an optional endpoint (limit 1) for every
/// other integration the framework supports, so it serves them all.
#[test]
fn metadata_is_paas_charms_example_plus_optional_integrations() {
    let mut ours = ours();
    let recorded = recorded();
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

#[test]
fn declares_the_extension_basics() {
    let meta = ours();
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
