//! The integrations every framework charm has, whatever its attribute lists: ingress,
//! metrics-endpoint, logging and grafana-dashboard (Charmcraft's extensions declare them).

use super::{Integration, IntegrationSet};
use crate::juju::CharmMeta;

/// The always-on integrations, bound from the metadata.
#[derive(Default)]
pub struct Core {
    bound: Vec<Box<dyn Integration>>,
}

impl IntegrationSet for Core {
    fn bind(meta: &CharmMeta) -> Self {
        let mut bound: Vec<Box<dyn Integration>> = Vec::new();
        if let Some(ingress) = super::ingress::Ingress::bind(meta) {
            bound.push(Box::new(ingress));
        }
        if let Some(metrics) = super::metrics_endpoint::MetricsEndpoint::bind(meta) {
            bound.push(Box::new(metrics));
        }
        if let Some(logging) = super::logging::Logging::bind(meta) {
            bound.push(Box::new(logging));
        }
        if let Some(dashboards) = super::grafana_dashboard::GrafanaDashboard::bind(meta) {
            bound.push(Box::new(dashboards));
        }
        Self { bound }
    }

    fn integrations_mut(&mut self) -> Vec<&mut dyn Integration> {
        self.bound
            .iter_mut()
            .map(|b| b.as_mut() as &mut dyn Integration)
            .collect()
    }
}
