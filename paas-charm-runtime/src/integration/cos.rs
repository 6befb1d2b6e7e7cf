//! What the COS integrations share: the Juju topology, the bundled framework assets
//! (dashboards, alert rules) and the charm's `cos_custom/` directory (frameworks.md §12.3).

use std::path::Path;

use serde_json::{json, Map, Value};

use super::{Cx, IntegrationError};

use crate::juju::{Juju, Scope};

/// The charm's Juju topology (model, model uuid, application, unit, charm name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Topology {
    /// Model name.
    pub model: String,
    /// Model UUID.
    pub model_uuid: String,
    /// Application name.
    pub application: String,
    /// This unit's name.
    pub unit: String,
    /// The charm's metadata name.
    pub charm_name: String,
}

impl Topology {
    /// The topology of this hook's unit.
    pub fn of(juju: &Juju, charm_name: &str) -> Self {
        Self {
            model: juju.ctx.model_name.clone(),
            model_uuid: juju.ctx.model_uuid.clone(),
            application: juju.ctx.app_name.clone(),
            unit: juju.ctx.unit_name.clone(),
            charm_name: charm_name.to_owned(),
        }
    }

    /// The topology of this hook's unit of the charm `cx` runs.
    pub fn of_charm(cx: &Cx<'_>) -> Self {
        Self::of(cx.juju, &cx.meta.name)
    }

    /// The grafana dashboards' `juju_topology` object (model, model uuid, application, unit).
    pub fn juju_topology(&self) -> Value {
        json!({
            "model": self.model,
            "model_uuid": self.model_uuid,
            "application": self.application,
            "unit": self.unit,
        })
    }

    /// `<model>_<uuid[:8]>_<application>` (cosl's `identifier`).
    pub fn identifier(&self) -> String {
        let short: String = self.model_uuid.chars().take(8).collect();
        format!("{}_{}_{}", self.model, short, self.application)
    }

    /// The `scrape_metadata` / loki `metadata` object.
    pub fn metadata(&self) -> Value {
        json!({
            "model": self.model,
            "model_uuid": self.model_uuid,
            "application": self.application,
            "unit": self.unit,
            "charm_name": self.charm_name,
        })
    }

    /// The labels added to every alert rule.
    fn rule_labels(&self) -> [(&'static str, &str); 4] {
        [
            ("juju_model", &self.model),
            ("juju_model_uuid", &self.model_uuid),
            ("juju_application", &self.application),
            ("juju_charm", &self.charm_name),
        ]
    }
}

/// The leader writes the pairs `pairs` computes (from the context and the topology) in its
/// application bag of every relation in `relations`; a non-leader, or no relation, writes
/// nothing and computes nothing.
pub fn leader_publish<F>(
    cx: &mut Cx<'_>,
    relations: &[u32],
    pairs: F,
) -> Result<(), IntegrationError>
where
    F: FnOnce(&Cx<'_>, &Topology) -> Result<Vec<(String, String)>, IntegrationError>,
{
    if relations.is_empty() || !cx.juju.is_leader()? {
        return Ok(());
    }
    let topology = Topology::of_charm(cx);
    let pairs = pairs(cx, &topology)?;
    for id in relations {
        cx.juju.update_bag(*id, Scope::App, pairs.clone())?;
    }
    Ok(())
}

/// The three asset kinds of a COS directory.
pub const COS_KINDS: &[&str] = &[
    "grafana_dashboards",
    "loki_alert_rules",
    "prometheus_alert_rules",
];

/// The COS files a framework ships (paas-charm 1.12.3's `paas_charm/<framework>/cos/`), as the
/// binary stores them (see [`crate::framework::cos_assets`]). Loki alert rules: none (the
/// wheel's folders hold only `.gitkeep`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CosAssets {
    /// `grafana_dashboards/`: (file name, the file's bytes xz-compressed as Python's
    /// `lzma.compress` does: the `content` the relation publishes, before base64).
    pub grafana_dashboards: &'static [(&'static str, &'static [u8])],
    /// `prometheus_alert_rules/`: (file name, the file's bytes).
    pub prometheus_alert_rules: &'static [(&'static str, &'static [u8])],
}

/// The files of `<charm dir>/cos_custom/<kind>`, named `custom_<file name>`, sorted by name.
/// Empty when `cos_custom` is absent or invalid (anything but the three known sub-directories
/// at its root), as paas-charm then uses the defaults only.
pub fn custom_files(charm_dir: &Path, kind: &str) -> Vec<(String, Vec<u8>)> {
    let root = charm_dir.join("cos_custom");
    let Ok(entries) = std::fs::read_dir(&root) else {
        return Vec::new();
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if !path.is_dir() || !COS_KINDS.contains(&name.as_str()) {
            return Vec::new();
        }
    }
    let Ok(entries) = std::fs::read_dir(root.join(kind)) else {
        return Vec::new();
    };
    let mut files: Vec<(String, Vec<u8>)> = entries
        .flatten()
        .filter(|e| e.path().is_file())
        .filter_map(|e| {
            let bytes = std::fs::read(e.path()).ok()?;
            Some((format!("custom_{}", e.file_name().to_string_lossy()), bytes))
        })
        .collect();
    crate::sort::sort(&mut files);
    files
}

/// The merged COS directory's files of `kind`: `bundled` (file name, bytes) then the custom
/// ones, sorted by file name.
///
/// ```
/// use paas_charm_runtime::integration::cos::merged_files;
///
/// let bundled: &[(&str, &[u8])] = &[("go.rule", b"{}")];
/// let files = merged_files(bundled, std::path::Path::new("/nonexistent"), "prometheus_alert_rules");
/// assert_eq!(files, [("go.rule".to_owned(), b"{}".to_vec())]);
/// ```
pub fn merged_files(
    bundled: &[(&str, &[u8])],
    charm_dir: &Path,
    kind: &str,
) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = bundled
        .iter()
        .map(|(name, bytes)| ((*name).to_owned(), bytes.to_vec()))
        .collect();
    files.extend(custom_files(charm_dir, kind));
    crate::sort::sort_by(&mut files, |a, b| a.0 < b.0);
    files
}

/// `re.sub` of everything but `[A-Za-z0-9_]` by `_`, as cosl does for group names.
fn sanitize_group_name(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

fn file_stem(name: &str) -> &str {
    name.rsplit_once('.').map_or(name, |(stem, _)| stem)
}

/// Adds the topology labels to each rule of `group` and names it
/// `<identifier>_<group name>_rules` (cosl `AlertRules`).
fn finish_group(group: &mut Map<String, Value>, name: &str, topology: &Topology) {
    let full = format!("{}_{}_rules", topology.identifier(), name);
    group.insert("name".into(), Value::String(sanitize_group_name(&full)));
    if let Some(Value::Array(rules)) = group.get_mut("rules") {
        for rule in rules.iter_mut().filter_map(Value::as_object_mut) {
            let labels = rule
                .entry("labels")
                .or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(labels) = labels {
                for (k, v) in topology.rule_labels() {
                    labels.insert(k.into(), Value::String(v.to_owned()));
                }
            }
        }
    }
}

/// The Prometheus `alert_rules` object: one group per rule file of the merged
/// `prometheus_alert_rules` (official `groups:` format or a single rule), then cosl's generic
/// `HostHealth` group. Files that are not YAML rules are skipped, as cosl does.
pub fn prometheus_alert_rules(assets: &CosAssets, charm_dir: &Path, topology: &Topology) -> Value {
    let mut groups = Vec::new();
    let files = merged_files(
        assets.prometheus_alert_rules,
        charm_dir,
        "prometheus_alert_rules",
    );
    for suffix in [".rule", ".rules", ".yml", ".yaml"] {
        for (name, bytes) in files.iter().filter(|(n, _)| n.ends_with(suffix)) {
            let Ok(text) = std::str::from_utf8(bytes) else {
                continue;
            };
            let Ok(Value::Object(doc)) = crate::yaml::to_json_value(text) else {
                continue;
            };
            let file_groups: Vec<Value> = match doc.get("groups") {
                Some(Value::Array(list)) => list.clone(),
                Some(_) => continue,
                None if doc.contains_key("alert") && doc.contains_key("expr") => {
                    vec![json!({"name": file_stem(name), "rules": [Value::Object(doc.clone())]})]
                }
                None => continue,
            };
            for group in file_groups {
                let Value::Object(mut group) = group else {
                    continue;
                };
                let Some(group_name) = group.get("name").and_then(Value::as_str) else {
                    continue;
                };
                let group_name = group_name.to_owned();
                finish_group(&mut group, &group_name, topology);
                groups.push(Value::Object(group));
            }
        }
    }
    let mut host_health = host_health_group();
    finish_group(&mut host_health, "HostHealth", topology);
    groups.push(Value::Object(host_health));
    json!({ "groups": groups })
}

/// cosl's generic application rules.
fn host_health_group() -> Map<String, Value> {
    let value = json!({
        "name": "HostHealth",
        "rules": [
            {
                "alert": "HostDown",
                "expr": "up < 1",
                "for": "5m",
                "labels": {"severity": "critical"},
                "annotations": {
                    "summary": "Host '{{ $labels.instance }}' is down.",
                    "description": "Juju application '{{ $labels.juju_application }}' in model '{{ $labels.juju_model }}' is down. Prometheus has been unable to scrape it during at least the past five minutes."
                }
            },
            {
                "alert": "HostMetricsMissing",
                "expr": "absent(up)",
                "for": "5m",
                "labels": {"severity": "warning"},
                "annotations": {
                    "summary": "Unit '{{ $labels.juju_unit }}' of application '{{ $labels.juju_application }}' is down or failing to remote write.",
                    "description": "`Up` missing for unit '{{ $labels.juju_unit }}' of application {{ $labels.juju_application }} in model {{ $labels.juju_model }}. Please ensure the unit or the collector scraping it is up and is able to successfully reach the metrics backend."
                }
            }
        ]
    });
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

#[cfg(test)]
mod tests {
    use crate::framework::{cos_assets, FrameworkKind};
    use std::io::Read;

    use base64::Engine;
    use sha2::{Digest, Sha256};

    use super::*;
    use crate::integration::grafana_dashboard::{
        dashboard_files, dashboards_value, encode_content, DashboardFile,
    };

    fn topology(app: &str) -> Topology {
        Topology {
            model: "test-model".into(),
            model_uuid: "00000000-0000-4000-8000-000000000000".into(),
            application: app.into(),
            unit: format!("{app}/0"),
            charm_name: app.into(),
        }
    }

    fn sha256_hex(bytes: &[u8]) -> String {
        Sha256::digest(bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// The raw dashboards of `assets/cos/grafana_dashboards` (copies of paas-charm 1.12.3's
    /// wheel), by framework.
    const RAW_DASHBOARDS: [(FrameworkKind, &str, &[u8]); 6] = [
        (
            FrameworkKind::Flask,
            "flask",
            include_bytes!("../../assets/cos/grafana_dashboards/flask.json"),
        ),
        (
            FrameworkKind::Django,
            "django",
            include_bytes!("../../assets/cos/grafana_dashboards/django.json"),
        ),
        (
            FrameworkKind::FastApi,
            "fastapi",
            include_bytes!("../../assets/cos/grafana_dashboards/fastapi.json"),
        ),
        (
            FrameworkKind::Go,
            "go",
            include_bytes!("../../assets/cos/grafana_dashboards/go.json"),
        ),
        (
            FrameworkKind::ExpressJs,
            "expressjs",
            include_bytes!("../../assets/cos/grafana_dashboards/expressjs.json"),
        ),
        (
            FrameworkKind::SpringBoot,
            "spring_boot",
            include_bytes!("../../assets/cos/grafana_dashboards/spring_boot.json"),
        ),
    ];

    /// The hashes of paas-charm 1.12.3's wheel: the raw copies are the wheel's files; the
    /// bundled `.json.xz` of each decodes to them byte for byte and is exactly what our encoder
    /// (Python's `lzma.compress` defaults) makes of them; `content` is its base64.
    #[test]
    fn every_framework_publishes_its_wheel_dashboard() {
        let expected = [
            "61ad1a5efa4cf2497c05892346a177318db7a4b3967b890bb3ed7d60c2c91996",
            "da4678037e37c31ac07ef6d2bb69bc540cd02953371cd8553e82f805191162ca",
            "7855b62e44a0d3608e86b3b94e2de9e5e2fea0f009852f37b50d972651db2deb",
            "46081e5b4dbceb9c1a56d985ea22e2daa6031ad4c16148aca7e3f98d9312a89e",
            "8523e1736a0bf28ad4a8a84100472858e41563465f98fecb2fd5249f7823565a",
            "2e4e7d950d872f59f1fbb4822fe3f9d4f7b184337bcf21b2e0063d43d374f471",
        ];
        let none = std::env::temp_dir().join("paas-cos-dashboards-test-none");
        for ((kind, stem, raw), sha) in RAW_DASHBOARDS.into_iter().zip(expected) {
            assert_eq!(sha256_hex(raw), sha, "{stem}");
            let bundled = cos_assets::of(kind).grafana_dashboards;
            assert_eq!(bundled.len(), 1, "{stem}");
            let (name, xz) = bundled[0];
            assert_eq!(name, format!("{stem}.json"));
            let mut decoded = Vec::new();
            liblzma::read::XzDecoder::new(xz)
                .read_to_end(&mut decoded)
                .expect("xz");
            assert_eq!(decoded, raw, "{stem}");
            let stored = base64::engine::general_purpose::STANDARD.encode(xz);
            assert_eq!(encode_content(raw).expect("compressed"), stored, "{stem}");

            let files = dashboard_files(cos_assets::of(kind), &none);
            assert_eq!(files, [(name.to_owned(), DashboardFile::Compressed(xz))]);
            let app = format!("{}-k8s", kind.info().name);
            let value = dashboards_value(&files, &topology(&app)).expect("dashboards");
            let template = &value["templates"][format!("file:{stem}")];
            assert_eq!(template["content"], stored, "{stem}");
        }
        let go = dashboard_files(cos_assets::of(FrameworkKind::Go), &none);
        let value = dashboards_value(&go, &topology("go-k8s")).expect("dashboards");
        assert_eq!(
            value["templates"]["file:go"]["dashboard_alt_uid"],
            "7d33d40ec7adf982"
        );
        let fastapi = dashboard_files(cos_assets::of(FrameworkKind::FastApi), &none);
        let value = dashboards_value(&fastapi, &topology("fastapi-k8s")).expect("dashboards");
        assert_eq!(
            value["templates"]["file:fastapi"]["dashboard_alt_uid"],
            "3601d66e4d77218b"
        );
    }

    /// A custom dashboard is compressed when published, sorted among the bundled ones by name.
    #[test]
    fn custom_dashboards_are_compressed_beside_the_bundled_ones() {
        let dir = std::env::temp_dir().join(format!("paas-cos-custom-dash-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("cos_custom/grafana_dashboards")).expect("mkdir");
        std::fs::write(dir.join("cos_custom/grafana_dashboards/a.json"), b"{}").expect("write");
        let files = dashboard_files(cos_assets::of(FrameworkKind::Flask), &dir);
        std::fs::remove_dir_all(&dir).ok();
        let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["custom_a.json", "flask.json"]);
        assert_eq!(files[0].1, DashboardFile::Raw(b"{}".to_vec()));
        let value = dashboards_value(&files, &topology("flask-k8s")).expect("dashboards");
        let content = value["templates"]["file:custom_a"]["content"]
            .as_str()
            .expect("content");
        let compressed = base64::engine::general_purpose::STANDARD
            .decode(content)
            .expect("base64");
        let mut raw = Vec::new();
        liblzma::read::XzDecoder::new(&compressed[..])
            .read_to_end(&mut raw)
            .expect("xz");
        assert_eq!(raw, b"{}");
        assert_eq!(content, encode_content(b"{}").expect("compressed"));
    }

    #[test]
    fn flask_and_django_ship_alert_rules_the_others_only_host_health() {
        let dir = std::env::temp_dir().join("paas-cos-rules-test-none");
        let expected = [
            (
                FrameworkKind::Flask,
                "e557f433e007e13aad8d76ba444b748de19cdff2ae4e2fc274748a5dc4ced9af",
            ),
            (
                FrameworkKind::Django,
                "fe80016285711128d5cfbd7fe8708e48cc56955f0d92a31907aa9f454cbbfb4b",
            ),
        ];
        for (kind, sha) in expected {
            let files = cos_assets::of(kind).prometheus_alert_rules;
            assert_eq!(files.len(), 1);
            assert_eq!(sha256_hex(files[0].1), sha);
        }
        let rules = prometheus_alert_rules(
            cos_assets::of(FrameworkKind::Django),
            &dir,
            &topology("django-k8s"),
        );
        let names: Vec<&str> = rules["groups"]
            .as_array()
            .expect("groups")
            .iter()
            .map(|g| g["name"].as_str().expect("name"))
            .collect();
        assert_eq!(
            names,
            [
                "test_model_00000000_django_k8s_django_rules",
                "test_model_00000000_django_k8s_HostHealth_rules"
            ]
        );
        let rule = &rules["groups"][0]["rules"][0];
        assert_eq!(rule["alert"], "DjangoTargetMissing");
        assert_eq!(rule["expr"], "up == 0");
        assert_eq!(rule["labels"]["severity"], "critical");
        assert_eq!(rule["labels"]["juju_application"], "django-k8s");
        assert_eq!(rule["labels"]["juju_charm"], "django-k8s");
        for kind in [
            FrameworkKind::FastApi,
            FrameworkKind::Go,
            FrameworkKind::ExpressJs,
            FrameworkKind::SpringBoot,
        ] {
            let app = format!("{}-k8s", kind.info().name);
            let rules = prometheus_alert_rules(cos_assets::of(kind), &dir, &topology(&app));
            let groups = rules["groups"].as_array().expect("groups");
            assert_eq!(groups.len(), 1, "{app}");
            assert!(groups[0]["name"]
                .as_str()
                .is_some_and(|n| n.ends_with("_HostHealth_rules")));
            assert!(cos_assets::of(kind).prometheus_alert_rules.is_empty());
        }
    }
}
