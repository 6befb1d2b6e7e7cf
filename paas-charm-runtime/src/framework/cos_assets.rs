//! The COS files each framework ships (paas-charm 1.12.3's `paas_charm/<framework>/cos/`).
//! Every framework has a dashboard; Flask and Django also have an alert rule; the
//! `loki_alert_rules` folders hold only `.gitkeep`, which no library reads.
//!
//! Provenance (`paas-charm-runtime/assets/cos/`): `grafana_dashboards/<name>.json` and
//! `prometheus_alert_rules/<name>.rule` are byte-identical copies of the wheel's files (their
//! SHA-256 are checked by `integration::cos`'s tests). The binary carries each alert rule as
//! is, but each dashboard as `grafana_dashboards/<name>.json.xz`: the file's bytes compressed
//! exactly as paas-charm's `lzma.compress` does (xz, preset 6, CRC64), which is what the
//! `grafana-dashboard` relation publishes (base64-encoded). Stored that way a dashboard costs
//! 1.9-2.8 KB of binary instead of 17-52 KB, and publishing it compresses nothing. Made with
//! `python3 -c 'import lzma, sys; sys.stdout.buffer.write(lzma.compress(open(sys.argv[1], "rb").read()))' <name>.json > <name>.json.xz`
//! (the same bytes as `xz -6 -T1`); a test checks that each one decodes to its `.json` and
//! equals our own encoder's output for it
//! (`integration::grafana_dashboard::encode_content`).

use super::FrameworkKind;
use crate::integration::cos::CosAssets;

/// The files `kind` ships.
///
/// ```
/// use paas_charm_runtime::framework::{cos_assets, FrameworkKind};
///
/// let django = cos_assets::of(FrameworkKind::Django);
/// assert_eq!(django.grafana_dashboards[0].0, "django.json");
/// assert_eq!(django.prometheus_alert_rules[0].0, "django.rule");
/// assert!(cos_assets::of(FrameworkKind::Go).prometheus_alert_rules.is_empty());
/// ```
pub const fn of(kind: FrameworkKind) -> &'static CosAssets {
    /// A dashboard of `assets/cos/grafana_dashboards`, as its `.json.xz` (see the module).
    macro_rules! dashboard {
        ($name:literal) => {
            (
                $name,
                include_bytes!(concat!(
                    "../../assets/cos/grafana_dashboards/",
                    $name,
                    ".xz"
                )) as &[u8],
            )
        };
    }
    /// An alert rule of `assets/cos/prometheus_alert_rules`, as is.
    macro_rules! rule {
        ($name:literal) => {
            (
                $name,
                include_bytes!(concat!("../../assets/cos/prometheus_alert_rules/", $name))
                    as &[u8],
            )
        };
    }
    match kind {
        FrameworkKind::Flask => &CosAssets {
            grafana_dashboards: &[dashboard!("flask.json")],
            prometheus_alert_rules: &[rule!("flask.rule")],
        },
        FrameworkKind::Django => &CosAssets {
            grafana_dashboards: &[dashboard!("django.json")],
            prometheus_alert_rules: &[rule!("django.rule")],
        },
        FrameworkKind::FastApi => &CosAssets {
            grafana_dashboards: &[dashboard!("fastapi.json")],
            prometheus_alert_rules: &[],
        },
        FrameworkKind::Go => &CosAssets {
            grafana_dashboards: &[dashboard!("go.json")],
            prometheus_alert_rules: &[],
        },
        FrameworkKind::ExpressJs => &CosAssets {
            grafana_dashboards: &[dashboard!("expressjs.json")],
            prometheus_alert_rules: &[],
        },
        FrameworkKind::SpringBoot => &CosAssets {
            grafana_dashboards: &[dashboard!("spring_boot.json")],
            prometheus_alert_rules: &[],
        },
    }
}
