//! `grafana-dashboard` (provides, `grafana_dashboard`): grafana_k8s v0
//! `GrafanaDashboardProvider` LIBPATCH 35 (integrations.md §4.3, §0a.8). Each dashboard file's
//! raw bytes are xz-compressed (Python `lzma.compress` defaults) and base64-encoded; the leader
//! publishes them with a fresh random `uuid`. Never required, never reconciles. The framework's
//! own dashboards are bundled already compressed; the charm's `cos_custom/` ones are compressed
//! here.

use std::io::Read;
use std::path::Path;

use base64::Engine;
use serde_json::{json, Map, Value};
use sha3::digest::{ExtendableOutput, Update, XofReader};

use super::cos::{custom_files, leader_publish, CosAssets, Topology};
use super::{Cx, Integration, IntegrationError, Trigger};
use crate::env::python_json::dumps;
use crate::juju::{CharmMeta, Event, RelationEventKind};

/// The endpoint name.
pub const ENDPOINT: &str = "grafana-dashboard";

/// The dashboards provider.
#[derive(Debug, Clone, Default)]
pub struct GrafanaDashboard;

impl Integration for GrafanaDashboard {
    fn bind(meta: &CharmMeta) -> Option<Self> {
        meta.provides
            .get(ENDPOINT)
            .filter(|m| m.interface == "grafana_dashboard")
            .map(|_| Self)
    }

    fn name(&self) -> &str {
        "grafana-dashboard"
    }

    fn handle_event(&mut self, cx: &mut Cx<'_>) -> Result<Vec<Trigger>, IntegrationError> {
        let publishes = match cx.juju.event() {
            Event::ConfigChanged | Event::UpgradeCharm | Event::LeaderElected => true,
            Event::Relation { endpoint, kind } => {
                endpoint == ENDPOINT && *kind == RelationEventKind::Created
            }
            _ => false,
        };
        if publishes {
            publish(cx)?;
        }
        Ok(Vec::new())
    }
}

/// The leader writes `dashboards` on every relation of the endpoint.
pub fn publish(cx: &mut Cx<'_>) -> Result<(), IntegrationError> {
    let relations: Vec<u32> = cx.juju.relations(ENDPOINT)?.iter().map(|r| r.id).collect();
    leader_publish(cx, &relations, |cx, topology| {
        let files = dashboard_files(cx.framework.cos_assets, &cx.juju.ctx.charm_dir);
        let dashboards = dashboards_value(&files, topology)?;
        Ok(vec![("dashboards".to_owned(), dumps(&dashboards))])
    })
}

/// A file of the merged `grafana_dashboards` directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DashboardFile {
    /// A dashboard the framework ships, bundled as the xz stream that is published
    /// ([`CosAssets::grafana_dashboards`]).
    Compressed(&'static [u8]),
    /// A file of the charm's `cos_custom/grafana_dashboards`, compressed when published.
    Raw(Vec<u8>),
}

impl DashboardFile {
    /// `content`: base64 of the file's bytes xz-compressed as Python's `lzma.compress` does.
    pub fn content(&self) -> Result<String, IntegrationError> {
        match self {
            Self::Compressed(xz) => Ok(base64::engine::general_purpose::STANDARD.encode(xz)),
            Self::Raw(bytes) => encode_content(bytes),
        }
    }
}

/// The merged `grafana_dashboards` directory: the framework's dashboards, then the charm's
/// `cos_custom/grafana_dashboards` files (named `custom_<file name>`), sorted by file name.
///
/// ```
/// use paas_charm_runtime::framework::{cos_assets, FrameworkKind};
/// use paas_charm_runtime::integration::grafana_dashboard::dashboard_files;
///
/// let files = dashboard_files(cos_assets::of(FrameworkKind::Go), std::path::Path::new("/none"));
/// let names: Vec<&str> = files.iter().map(|(name, _)| name.as_str()).collect();
/// assert_eq!(names, ["go.json"]);
/// ```
pub fn dashboard_files(assets: &CosAssets, charm_dir: &Path) -> Vec<(String, DashboardFile)> {
    let mut files: Vec<(String, DashboardFile)> = assets
        .grafana_dashboards
        .iter()
        .map(|(name, xz)| ((*name).to_owned(), DashboardFile::Compressed(xz)))
        .collect();
    files.extend(
        custom_files(charm_dir, "grafana_dashboards")
            .into_iter()
            .map(|(name, bytes)| (name, DashboardFile::Raw(bytes))),
    );
    crate::sort::sort_by(&mut files, |a, b| a.0 < b.0);
    files
}

/// `{"templates": {"file:<stem>": {...}}, "uuid": "<uuid4>"}` for dashboard files
/// (`.json`, `.json.tmpl`, `.tmpl`), keyed by `file:<stem>` (Python's `Path.stem`).
pub fn dashboards_value(
    files: &[(String, DashboardFile)],
    topology: &Topology,
) -> Result<Value, IntegrationError> {
    let mut templates = Map::new();
    for (name, file) in files {
        if !(name.ends_with(".json") || name.ends_with(".tmpl")) {
            continue;
        }
        let stem = name.rsplit_once('.').map_or(name.as_str(), |(s, _)| s);
        let key = format!("file:{stem}");
        let template = json!({
            "charm": topology.charm_name,
            "content": file.content()?,
            "juju_topology": topology.juju_topology(),
            "inject_dropdowns": true,
            "dashboard_alt_uid": alt_uid(&topology.charm_name, &key),
        });
        templates.insert(key, template);
    }
    Ok(json!({
        "templates": templates,
        "uuid": uuid::Uuid::new_v4().to_string(),
    }))
}

/// base64(xz(bytes)) with Python's `lzma.compress` defaults: preset 6, CRC64 check.
pub fn encode_content(bytes: &[u8]) -> Result<String, IntegrationError> {
    let mut encoder =
        liblzma::read::XzEncoder::new_stream(bytes, xz_stream().map_err(compression_error)?);
    let mut compressed = Vec::new();
    encoder
        .read_to_end(&mut compressed)
        .map_err(compression_error)?;
    Ok(base64::engine::general_purpose::STANDARD.encode(compressed))
}

fn xz_stream() -> Result<liblzma::stream::Stream, liblzma::stream::Error> {
    liblzma::stream::Stream::new_easy_encoder(6, liblzma::stream::Check::Crc64)
}

fn compression_error(e: impl std::fmt::Display) -> IntegrationError {
    IntegrationError::InvalidData(format!("cannot compress a Grafana dashboard: {e}"))
}

/// `hashlib.shake_256("<charm>-<key>").hexdigest(8)`.
pub fn alt_uid(charm_name: &str, key: &str) -> String {
    let mut hasher = sha3::Shake256::default();
    hasher.update(format!("{charm_name}-{key}").as_bytes());
    let mut out = [0u8; 8];
    XofReader::read(&mut hasher.finalize_xof(), &mut out);
    out.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::*;
    use crate::framework::FrameworkKind;
    use crate::integration::test_support::{bag, relation_with_unit, world, FLASK_META};

    #[test]
    fn flask_relation_created_publishes_the_bundled_dashboard() {
        let dir = std::env::temp_dir().join("paas-grafana-test-none");
        let rels = vec![relation_with_unit(
            2,
            ENDPOINT,
            "grafana_dashboard",
            "grafana-k8s",
            bag(&[]),
            bag(&[]),
        )];
        let mut w = world(
            FrameworkKind::Flask,
            FLASK_META,
            "flask-k8s",
            "grafana-dashboard-relation-created",
            Some((2, "grafana-k8s")),
            true,
            rels,
            json!({}),
            Value::Null,
            &dir,
        );
        let mut g = GrafanaDashboard::bind(&w.meta).expect("bound");
        assert_eq!(g.name(), "grafana-dashboard");
        g.handle_event(&mut w.cx()).expect("handled");
        let text = w.juju.local_app_bag(2, false).expect("bag")["dashboards"].clone();
        let value: Value = serde_json::from_str(&text).expect("json");
        let keys: Vec<&String> = value.as_object().expect("object").keys().collect();
        assert_eq!(keys, ["templates", "uuid"]);
        let uuid = value["uuid"].as_str().expect("uuid");
        assert_eq!(
            uuid::Uuid::parse_str(uuid).expect("uuid").get_version_num(),
            4
        );
        let t = &value["templates"]["file:flask"];
        let tkeys: Vec<&String> = t.as_object().expect("object").keys().collect();
        assert_eq!(
            tkeys,
            [
                "charm",
                "content",
                "juju_topology",
                "inject_dropdowns",
                "dashboard_alt_uid"
            ]
        );
        assert_eq!(t["charm"], "flask-k8s");
        assert_eq!(t["dashboard_alt_uid"], "e1ea98eb0d057b44");
        assert_eq!(t["inject_dropdowns"], true);
        assert_eq!(
            t["juju_topology"],
            json!({"model": "test-model",
            "model_uuid": "00000000-0000-4000-8000-000000000000",
            "application": "flask-k8s", "unit": "flask-k8s/0"})
        );
        // Round trip: base64 + xz back to the bundled file's bytes.
        let compressed = base64::engine::general_purpose::STANDARD
            .decode(t["content"].as_str().expect("content"))
            .expect("base64");
        let mut raw = Vec::new();
        liblzma::read::XzDecoder::new(&compressed[..])
            .read_to_end(&mut raw)
            .expect("xz");
        assert_eq!(
            raw,
            include_bytes!("../../assets/cos/grafana_dashboards/flask.json")
        );
        // The scenario's expected content starts like ours (same liblzma, same defaults).
        assert!(t["content"]
            .as_str()
            .expect("content")
            .starts_with("/Td6WFoAAATm1rRGAgAhARYAAAB0L+Wj4GX+CGldAD2CgBccKBCJ5n4VBEYaY924"));
    }

    #[test]
    fn non_leader_and_other_events_publish_nothing() {
        let dir = std::env::temp_dir().join("paas-grafana-test-none");
        let rels = vec![relation_with_unit(
            2,
            ENDPOINT,
            "grafana_dashboard",
            "grafana-k8s",
            bag(&[]),
            bag(&[]),
        )];
        let mut w = world(
            FrameworkKind::Go,
            FLASK_META,
            "flask-k8s",
            "flask-app-pebble-ready",
            None,
            true,
            rels,
            json!({}),
            Value::Null,
            &dir,
        );
        let mut g = GrafanaDashboard::bind(&w.meta).expect("bound");
        g.handle_event(&mut w.cx()).expect("handled");
        assert!(!w
            .juju
            .local_app_bag(2, false)
            .expect("bag")
            .contains_key("dashboards"));
    }

    #[test]
    fn custom_dashboards_are_published_as_custom_templates() {
        let dir = std::env::temp_dir().join(format!("paas-grafana-custom-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("cos_custom/grafana_dashboards")).expect("mkdir");
        std::fs::write(dir.join("cos_custom/grafana_dashboards/mine.json"), b"{}").expect("write");
        let rels = vec![relation_with_unit(
            2,
            ENDPOINT,
            "grafana_dashboard",
            "grafana-k8s",
            bag(&[]),
            bag(&[]),
        )];
        let mut w = world(
            FrameworkKind::Go,
            FLASK_META,
            "flask-k8s",
            "config-changed",
            None,
            true,
            rels,
            json!({}),
            Value::Null,
            &dir,
        );
        let mut g = GrafanaDashboard::bind(&w.meta).expect("bound");
        g.handle_event(&mut w.cx()).expect("handled");
        let text = w.juju.local_app_bag(2, false).expect("bag")["dashboards"].clone();
        let value: Value = serde_json::from_str(&text).expect("json");
        let keys: Vec<&String> = value["templates"].as_object().expect("o").keys().collect();
        assert_eq!(keys, ["file:custom_mine", "file:go"]);
        std::fs::remove_dir_all(&dir).ok();
    }
}
