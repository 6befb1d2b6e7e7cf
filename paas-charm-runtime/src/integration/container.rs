//! What integrations may do to the workload container, in their own terms: read which log
//! targets it has and forward logs to theirs. The reconcile implements [`Container`] over
//! Pebble (building the layer); integrations know no Pebble.

use std::collections::BTreeMap;

/// A log target an integration forwards the workload's logs to (Pebble's `log-targets`
/// entry, which replaces any target of the same name).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LogTarget {
    /// The target type (`loki`).
    pub kind: String,
    /// Where to send logs (`(removed)` for a disabled target).
    pub location: String,
    /// Which services' logs (`all`, or `-all` to stop forwarding).
    pub services: Vec<String>,
    /// Labels added to each entry.
    pub labels: BTreeMap<String, String>,
}

/// Log targets by name (Pebble's `log-targets` mapping, which orders them itself).
pub type LogTargets = Vec<(String, LogTarget)>;

/// A failure of the workload container (the hook fails with it).
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct ContainerError(pub Box<dyn std::error::Error + Send + Sync>);

/// The workload container as integrations see it.
pub trait Container {
    /// Whether the container answers.
    fn can_connect(&mut self) -> bool;

    /// The names of the log targets in the container's plan.
    fn log_target_names(&mut self) -> Result<Vec<String>, ContainerError>;

    /// Adds (combining) the layer `label` that forwards logs to `targets` (name, target).
    fn forward_logs(
        &mut self,
        label: &str,
        targets: &[(String, LogTarget)],
    ) -> Result<(), ContainerError>;
}
