//! The workload container integrations act on ([`Container`]), over Pebble: the log targets
//! integrations forward to become a Pebble layer here, not in the integrations.

use crate::integration::container::{Container, ContainerError, LogTarget};
use crate::pebble::{self, Layer, Pebble, PebbleError};

/// The Pebble layer that forwards logs to `targets`.
///
/// ```
/// use paas_charm_runtime::container::log_forwarding_layer;
/// use paas_charm_runtime::integration::container::LogTarget;
///
/// let target = LogTarget {
///     kind: "loki".into(),
///     location: "http://loki:3100/loki/api/v1/push".into(),
///     services: vec!["all".into()],
///     ..LogTarget::default()
/// };
/// let layer = log_forwarding_layer(&[("loki/0".to_owned(), target)]);
/// assert_eq!(layer.log_targets["loki/0"].r#override, "replace");
/// assert_eq!(layer.log_targets["loki/0"].r#type, "loki");
/// ```
pub fn log_forwarding_layer(targets: &[(String, LogTarget)]) -> Layer {
    // Built with insert, not collect (crate::sort).
    let mut log_targets = std::collections::BTreeMap::new();
    log_targets.extend(targets.iter().map(|(name, target)| {
        let target = pebble::LogTarget {
            r#override: "replace".into(),
            r#type: target.kind.clone(),
            location: target.location.clone(),
            services: target.services.clone(),
            labels: target.labels.clone(),
            ..pebble::LogTarget::default()
        };
        (name.clone(), target)
    }));
    Layer {
        log_targets,
        ..Layer::default()
    }
}

fn failed(err: PebbleError) -> ContainerError {
    ContainerError(Box::new(err))
}

/// A Pebble failure behind a [`ContainerError`], when it is one.
pub fn pebble_error(err: ContainerError) -> Result<PebbleError, ContainerError> {
    err.0
        .downcast::<PebbleError>()
        .map(|e| *e)
        .map_err(ContainerError)
}

impl<P: Pebble> Container for P {
    fn can_connect(&mut self) -> bool {
        Pebble::can_connect(self)
    }

    fn log_target_names(&mut self) -> Result<Vec<String>, ContainerError> {
        log_target_names(self)
    }

    fn forward_logs(
        &mut self,
        label: &str,
        targets: &[(String, LogTarget)],
    ) -> Result<(), ContainerError> {
        forward_logs(self, label, targets)
    }
}

impl Container for &mut (dyn Pebble + '_) {
    fn can_connect(&mut self) -> bool {
        (**self).can_connect()
    }

    fn log_target_names(&mut self) -> Result<Vec<String>, ContainerError> {
        log_target_names(&mut **self)
    }

    fn forward_logs(
        &mut self,
        label: &str,
        targets: &[(String, LogTarget)],
    ) -> Result<(), ContainerError> {
        forward_logs(&mut **self, label, targets)
    }
}

/// The names of the log targets in the plan.
fn log_target_names(pebble: &mut (impl Pebble + ?Sized)) -> Result<Vec<String>, ContainerError> {
    Ok(pebble
        .plan()
        .map_err(failed)?
        .log_targets
        .into_keys()
        .collect())
}

/// Adds (combining) the log-forwarding layer `label` for `targets`.
fn forward_logs(
    pebble: &mut (impl Pebble + ?Sized),
    label: &str,
    targets: &[(String, LogTarget)],
) -> Result<(), ContainerError> {
    pebble
        .add_layer(label, &log_forwarding_layer(targets), true)
        .map_err(failed)
}
