//! The COS files each framework ships (paas-charm 1.12.3's `paas_charm/<framework>/cos/`),
//! byte-identical to the wheel's. Every framework has a dashboard; Flask and Django also have an
//! alert rule; the `loki_alert_rules` folders hold only `.gitkeep`, which no library reads.

use super::FrameworkKind;

/// One shipped file: (kind directory, file name, bytes).
pub type Asset = (&'static str, &'static str, &'static [u8]);

/// The files `kind` ships.
///
/// ```
/// use paas_charm_runtime::framework::{cos_assets, FrameworkKind};
///
/// let names: Vec<&str> = cos_assets::of(FrameworkKind::Django).iter().map(|a| a.1).collect();
/// assert_eq!(names, ["django.json", "django.rule"]);
/// ```
pub const fn of(kind: FrameworkKind) -> &'static [Asset] {
    match kind {
        FrameworkKind::Flask => &[
            (
                "grafana_dashboards",
                "flask.json",
                include_bytes!("../../assets/cos/grafana_dashboards/flask.json"),
            ),
            (
                "prometheus_alert_rules",
                "flask.rule",
                include_bytes!("../../assets/cos/prometheus_alert_rules/flask.rule"),
            ),
        ],
        FrameworkKind::Django => &[
            (
                "grafana_dashboards",
                "django.json",
                include_bytes!("../../assets/cos/grafana_dashboards/django.json"),
            ),
            (
                "prometheus_alert_rules",
                "django.rule",
                include_bytes!("../../assets/cos/prometheus_alert_rules/django.rule"),
            ),
        ],
        FrameworkKind::FastApi => &[(
            "grafana_dashboards",
            "fastapi.json",
            include_bytes!("../../assets/cos/grafana_dashboards/fastapi.json"),
        )],
        FrameworkKind::Go => &[(
            "grafana_dashboards",
            "go.json",
            include_bytes!("../../assets/cos/grafana_dashboards/go.json"),
        )],
        FrameworkKind::ExpressJs => &[(
            "grafana_dashboards",
            "expressjs.json",
            include_bytes!("../../assets/cos/grafana_dashboards/expressjs.json"),
        )],
        FrameworkKind::SpringBoot => &[(
            "grafana_dashboards",
            "spring_boot.json",
            include_bytes!("../../assets/cos/grafana_dashboards/spring_boot.json"),
        )],
    }
}
