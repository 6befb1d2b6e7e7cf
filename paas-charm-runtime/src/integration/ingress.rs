//! `ingress` (traefik v2 `ingress` interface): the traefik_k8s v2 `IngressPerAppRequirer`
//! as paas-charm 1.x drives it, with the app port and `strip_prefix=True`
//! (integrations.md §2.12, §0a.2). Always on (Charmcraft's extensions declare it), never
//! required.
//!
//! What we publish, every value JSON-encoded and each bag cleared first:
//! * our app bag (leader): `model`, `name`, `port`, `strip-prefix` and, once the unit has
//!   opened the port, `is_port_open` (defaults such as `scheme: "http"` are omitted);
//! * our unit bag (every unit): `host` (the unit's FQDN) and `ip` (the binding's address).
//!
//! It is published on ingress relation-created/-joined/-changed/-departed, leader-elected and
//! upgrade-charm (the library's handlers), after every successful reconcile, and on every
//! update-status whose guard passes. The provider's `ingress` = `{"url": ...}` becomes the
//! base URL (normalised as pydantic's `AnyHttpUrl`).

use serde_json::Value;

use super::validated_url::http_url;
use super::{Contributions, Cx, Integration, IntegrationError, Trigger};
use crate::env::python_json::{dumps, dumps_str};
use crate::juju::{Bag, CharmMeta, Event, Port, RelationEventKind, Scope};

/// The endpoint name.
pub const ENDPOINT: &str = "ingress";

/// The ingress requirer.
#[derive(Debug, Clone, Default)]
pub struct Ingress {
    url: Option<String>,
}

impl Integration for Ingress {
    fn bind(meta: &CharmMeta) -> Option<Self> {
        meta.requires
            .get(ENDPOINT)
            .filter(|m| m.interface == "ingress")
            .map(|_| Self::default())
    }

    fn name(&self) -> &str {
        ENDPOINT
    }

    fn handle_event(&mut self, cx: &mut Cx<'_>) -> Result<Vec<Trigger>, IntegrationError> {
        match cx.juju.event().clone() {
            Event::Relation { endpoint, kind } if endpoint == ENDPOINT => match kind {
                RelationEventKind::Broken => Ok(vec![Trigger::Reconcile]),
                _ => {
                    publish(cx)?;
                    // The library emits `ready` when the URL differs from the one it stored;
                    // a hook starts with nothing stored, so any usable URL is new. Data that
                    // does not validate makes paas-charm's base URL fail the hook; we
                    // reconcile so that the guard blocks with the reason.
                    match url_from_relation(cx) {
                        Ok(Some(_)) | Err(IntegrationError::InvalidData(_)) => {
                            Ok(vec![Trigger::Reconcile])
                        }
                        Ok(None) => Ok(Vec::new()),
                        Err(other) => Err(other),
                    }
                }
            },
            Event::LeaderElected | Event::UpgradeCharm => {
                publish(cx)?;
                Ok(Vec::new())
            }
            _ => Ok(Vec::new()),
        }
    }

    /// Reads the URL. paas-charm's base URL reads it unguarded and fails the hook on data that
    /// does not validate; we block with the reason instead.
    fn load(&mut self, cx: &mut Cx<'_>) -> Result<(), IntegrationError> {
        self.url = url_from_relation(cx)?;
        Ok(())
    }

    fn is_ready(&self) -> bool {
        self.url.is_some()
    }

    fn contribute(&self, out: &mut Contributions) {
        out.ingress_url = self.url.clone();
    }

    fn after_reconcile(&mut self, cx: &mut Cx<'_>) -> Result<(), IntegrationError> {
        publish(cx)
    }

    fn update_status(&mut self, cx: &mut Cx<'_>) -> Result<(), IntegrationError> {
        publish(cx)
    }
}

/// The provider's URL, normalised: `None` while the provider has published none. Data that is
/// not JSON, not `{"url": ...}` or not an http(s) URL is an error naming the problem.
pub fn url_from_relation(cx: &mut Cx<'_>) -> Result<Option<String>, IntegrationError> {
    let Some(relation) = cx.juju.relation(ENDPOINT)? else {
        return Ok(None);
    };
    let bag = cx.juju.remote_app_bag(relation.id)?;
    parse_provider_bag(&bag)
}

/// Parses the provider's app bag (`ingress` = `{"url": "<url>"}`).
pub fn parse_provider_bag(bag: &Bag) -> Result<Option<String>, IntegrationError> {
    let Some(raw) = bag.get("ingress") else {
        return Ok(None);
    };
    let invalid = |why: String| {
        IntegrationError::InvalidData(format!("Invalid ingress relation data: {why}."))
    };
    let value: Value = crate::json::from_str(raw)
        .map_err(|_| invalid("the provider's 'ingress' value is not JSON".into()))?;
    match value {
        Value::Null => Ok(None),
        Value::Object(map) => match map.get("url") {
            Some(Value::String(url)) => http_url(url).map(Some).map_err(|e| invalid(e.to_string())),
            _ => Err(invalid(
                "the provider's 'ingress' value has no 'url' string".into(),
            )),
        },
        _ => Err(invalid(
            "the provider's 'ingress' value is not a JSON object".into(),
        )),
    }
}

/// Publishes our requirements on every ingress relation: the app bag when leader, the unit
/// bag always, each cleared of other keys first (the library's `dump(clear=True)`).
pub fn publish(cx: &mut Cx<'_>) -> Result<(), IntegrationError> {
    let relations = cx.juju.relations(ENDPOINT)?;
    if relations.is_empty() {
        return Ok(());
    }
    let port = cx.workload.app_port;
    let leader = cx.juju.is_leader()?;
    let app_data = if leader {
        let open = cx.juju.opened_ports()?.contains(&Port::tcp(port));
        Some(app_requirements(
            &cx.juju.ctx.model_name,
            &cx.juju.ctx.app_name,
            port,
            open,
        ))
    } else {
        None
    };
    let address = cx.juju.ingress_address(ENDPOINT)?;
    let unit_data = unit_requirements(&cx.juju.ctx.fqdn, address.as_deref());
    for relation in relations {
        if let Some(app_data) = &app_data {
            let current = cx.juju.local_app_bag(relation.id, false)?;
            cx.juju
                .update_bag(relation.id, Scope::App, replace(&current, app_data))?;
        }
        let current = cx.juju.local_unit_bag(relation.id)?;
        cx.juju
            .update_bag(relation.id, Scope::Unit, replace(&current, &unit_data))?;
    }
    Ok(())
}

/// Our app bag: `IngressRequirerAppData` dumped with defaults excluded.
pub fn app_requirements(model: &str, app: &str, port: u16, port_open: bool) -> Bag {
    let mut bag = Bag::new();
    bag.insert("model".into(), dumps_str(model));
    bag.insert("name".into(), dumps_str(app));
    bag.insert("port".into(), port.to_string());
    bag.insert("strip-prefix".into(), dumps(&Value::Bool(true)));
    if port_open {
        bag.insert("is_port_open".into(), dumps(&Value::Bool(true)));
    }
    bag
}

/// Our unit bag: `host` and, when the binding has an address, `ip`.
pub fn unit_requirements(fqdn: &str, ip: Option<&str>) -> Bag {
    let mut bag = Bag::new();
    bag.insert("host".into(), dumps_str(fqdn));
    if let Some(ip) = ip {
        bag.insert("ip".into(), dumps_str(ip));
    }
    bag
}

/// The writes that turn `current` into exactly `wanted` (`""` deletes a key).
pub(crate) fn replace(current: &Bag, wanted: &Bag) -> Vec<(String, String)> {
    current
        .keys()
        .filter(|k| !wanted.contains_key(*k))
        .map(|k| (k.clone(), String::new()))
        .chain(wanted.iter().map(|(k, v)| (k.clone(), v.clone())))
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::framework::FrameworkKind;
    use crate::integration::test_support::{bag, relation_with_unit, world, World, FLASK_META};

    const URL_BAG: &str = r#"{"url": "https://paas.example.com/test-model-flask-k8s"}"#;

    fn ingress_world(hook: &str, leader: bool, remote: crate::juju::Bag) -> World {
        let dir = std::env::temp_dir().join("paas-ingress-test-none");
        let juju_keys = bag(&[
            ("egress-subnets", "192.0.2.0"),
            ("ingress-address", "192.0.2.0"),
            ("private-address", "192.0.2.0"),
        ]);
        let mut rel = relation_with_unit(2, ENDPOINT, "ingress", "traefik-k8s", remote, bag(&[]));
        rel.local_unit_data = juju_keys;
        let mut w = world(
            FrameworkKind::Flask,
            FLASK_META,
            "flask-k8s",
            hook,
            Some((2, "traefik-k8s")),
            leader,
            vec![rel],
            json!({}),
            serde_json::Value::Null,
            &dir,
        );
        w.juju.ctx.fqdn = "flask-k8s-0.flask-k8s-endpoints.test-model.svc.cluster.local".into();
        w
    }

    type Sorted = std::collections::BTreeMap<String, String>;

    fn written(w: &mut World, leader: bool) -> (Option<Sorted>, Sorted) {
        let app = if leader {
            Some(
                w.juju
                    .local_app_bag(2, false)
                    .expect("app bag")
                    .into_iter()
                    .collect(),
            )
        } else {
            None
        };
        let unit = w.juju.local_unit_bag(2).expect("unit bag");
        (app, unit.into_iter().collect())
    }

    fn sorted(pairs: &[(&str, &str)]) -> Sorted {
        bag(pairs).into_iter().collect()
    }

    #[test]
    fn leader_relation_changed_publishes_and_reconciles() {
        let mut w = ingress_world(
            "ingress-relation-changed",
            true,
            bag(&[("ingress", URL_BAG)]),
        );
        let mut ingress = Ingress::bind(&w.meta).expect("bound");
        assert!(!ingress.required());
        assert_eq!(
            ingress.handle_event(&mut w.cx()).expect("event"),
            vec![Trigger::Reconcile]
        );
        ingress.load(&mut w.cx()).expect("load");
        let mut out = Contributions::default();
        ingress.contribute(&mut out);
        assert_eq!(
            out.ingress_url.as_deref(),
            Some("https://paas.example.com/test-model-flask-k8s")
        );
        insta::assert_yaml_snapshot!("ingress_leader_bags", written(&mut w, true));
    }

    #[test]
    fn non_leader_publishes_only_its_unit_bag() {
        let mut w = ingress_world(
            "ingress-relation-changed",
            false,
            bag(&[("ingress", URL_BAG)]),
        );
        let mut ingress = Ingress::bind(&w.meta).expect("bound");
        assert_eq!(
            ingress.handle_event(&mut w.cx()).expect("event"),
            vec![Trigger::Reconcile]
        );
        let (_, unit) = written(&mut w, false);
        assert_eq!(
            unit,
            sorted(&[
                (
                    "host",
                    "\"flask-k8s-0.flask-k8s-endpoints.test-model.svc.cluster.local\""
                ),
                ("ip", "\"192.0.2.0\""),
            ])
        );
        assert!(w.juju.local_app_bag(2, false).is_err());
    }

    #[test]
    fn port_open_is_published_once_the_port_is_open() {
        let mut w = ingress_world("update-status", true, bag(&[("ingress", URL_BAG)]));
        w.juju.set_ports(&[Port::tcp(8000)]).expect("ports");
        let mut ingress = Ingress::bind(&w.meta).expect("bound");
        ingress.update_status(&mut w.cx()).expect("publish");
        let (app, _) = written(&mut w, true);
        assert_eq!(
            app.expect("app").get("is_port_open").map(String::as_str),
            Some("true")
        );
    }

    #[test]
    fn no_url_yet_is_not_ready_and_does_not_reconcile() {
        let mut w = ingress_world("ingress-relation-joined", true, bag(&[]));
        let mut ingress = Ingress::bind(&w.meta).expect("bound");
        assert_eq!(ingress.handle_event(&mut w.cx()).expect("event"), vec![]);
        ingress.load(&mut w.cx()).expect("load");
        assert!(!ingress.is_ready());
        let (app, _) = written(&mut w, true);
        assert_eq!(
            app.expect("app").get("port").map(String::as_str),
            Some("8000")
        );
    }

    #[test]
    fn broken_reconciles_without_publishing() {
        let mut w = ingress_world(
            "ingress-relation-broken",
            true,
            bag(&[("ingress", URL_BAG)]),
        );
        let mut ingress = Ingress::bind(&w.meta).expect("bound");
        assert_eq!(
            ingress.handle_event(&mut w.cx()).expect("event"),
            vec![Trigger::Reconcile]
        );
        ingress.load(&mut w.cx()).expect("load");
        assert!(!ingress.is_ready());
    }

    #[test]
    fn bad_provider_data_is_an_error_never_a_panic() {
        let cases = [
            ("not json", "Invalid ingress relation data: the provider's 'ingress' value is not JSON."),
            ("[1]", "Invalid ingress relation data: the provider's 'ingress' value is not a JSON object."),
            ("{}", "Invalid ingress relation data: the provider's 'ingress' value has no 'url' string."),
            (
                r#"{"url": "paas.example.com/app"}"#,
                "Invalid ingress relation data: \"paas.example.com/app\" is not a valid URL (relative URL without a base).",
            ),
            (
                r#"{"url": "ftp://paas.example.com/"}"#,
                "Invalid ingress relation data: \"ftp://paas.example.com/\" is not an http or https URL.",
            ),
            (
                r#"{"url": "http://paas.example.com:port/"}"#,
                "Invalid ingress relation data: \"http://paas.example.com:port/\" is not a valid URL (invalid port number).",
            ),
        ];
        for (raw, message) in cases {
            let err = parse_provider_bag(&bag(&[("ingress", raw)])).expect_err(raw);
            assert_eq!(err.to_string(), message, "{raw}");
        }
        assert_eq!(
            parse_provider_bag(&bag(&[("ingress", r#"{"url": "http://juju.test"}"#)]))
                .expect("valid"),
            Some("http://juju.test/".into())
        );
        assert_eq!(parse_provider_bag(&bag(&[])).expect("empty"), None);
    }

    #[test]
    fn invalid_url_reconciles_so_that_the_guard_blocks() {
        let mut w = ingress_world(
            "ingress-relation-changed",
            true,
            bag(&[("ingress", r#"{"url": "example.com"}"#)]),
        );
        let mut ingress = Ingress::bind(&w.meta).expect("bound");
        assert_eq!(
            ingress.handle_event(&mut w.cx()).expect("event"),
            vec![Trigger::Reconcile]
        );
        assert!(matches!(
            ingress.load(&mut w.cx()),
            Err(IntegrationError::InvalidData(_))
        ));
    }
}
