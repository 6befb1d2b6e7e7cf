//! The event a hook delivers, parsed from `JUJU_DISPATCH_PATH` (`hooks/<name>` or
//! `actions/<name>`).

use std::fmt;

/// What happened to a relation endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RelationEventKind {
    /// `<endpoint>-relation-created`
    Created,
    /// `<endpoint>-relation-joined`
    Joined,
    /// `<endpoint>-relation-changed`
    Changed,
    /// `<endpoint>-relation-departed`
    Departed,
    /// `<endpoint>-relation-broken`
    Broken,
}

/// What happened to a workload container's Pebble.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WorkloadEventKind {
    /// `<container>-pebble-ready`
    PebbleReady,
    /// `<container>-pebble-custom-notice`
    CustomNotice,
    /// `<container>-pebble-check-failed`
    CheckFailed,
    /// `<container>-pebble-check-recovered`
    CheckRecovered,
}

/// What happened to a secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SecretEventKind {
    /// `secret-changed`: a secret we track has a new revision.
    Changed,
    /// `secret-rotate`
    Rotate,
    /// `secret-expired`
    Expired,
    /// `secret-remove`
    Remove,
}

/// What happened to a storage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StorageEventKind {
    /// `<storage>-storage-attached`
    Attached,
    /// `<storage>-storage-detaching`
    Detaching,
}

/// One Juju event, as named by the dispatch path.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Event {
    /// `install`
    Install,
    /// `start`
    Start,
    /// `stop`
    Stop,
    /// `remove`
    Remove,
    /// `config-changed`
    ConfigChanged,
    /// `upgrade-charm`
    UpgradeCharm,
    /// `update-status`
    UpdateStatus,
    /// `leader-elected`
    LeaderElected,
    /// `leader-settings-changed`
    LeaderSettingsChanged,
    /// `collect-metrics`
    CollectMetrics,
    /// `secret-*`
    Secret(SecretEventKind),
    /// `<endpoint>-relation-*`
    Relation {
        /// The endpoint name (may contain dashes).
        endpoint: String,
        /// Which relation hook.
        kind: RelationEventKind,
    },
    /// `<container>-pebble-*`
    Workload {
        /// The container name.
        container: String,
        /// Which workload hook.
        kind: WorkloadEventKind,
    },
    /// `<storage>-storage-*`
    Storage {
        /// The storage name.
        storage: String,
        /// Which storage hook.
        kind: StorageEventKind,
    },
    /// `actions/<name>`
    Action(String),
}

/// The dispatch path names no hook Juju sends.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EventParseError {
    /// `JUJU_DISPATCH_PATH` is not `hooks/<name>` or `actions/<name>`.
    #[error("unknown dispatch path {0:?}: expected hooks/<hook name> or actions/<action name>")]
    BadPath(String),
    /// `hooks/<name>` with a name that is not a Juju hook.
    #[error("unknown hook {0:?} in the dispatch path")]
    UnknownHook(String),
}

impl Event {
    /// Parses `JUJU_DISPATCH_PATH` (`hooks/install`, `actions/rotate-secret-key`, ...).
    pub fn from_dispatch_path(path: &str) -> Result<Self, EventParseError> {
        let path = path.trim_start_matches("./");
        if let Some(name) = path.strip_prefix("actions/") {
            if name.is_empty() || name.contains('/') {
                return Err(EventParseError::BadPath(path.to_owned()));
            }
            return Ok(Event::Action(name.to_owned()));
        }
        match path.strip_prefix("hooks/") {
            Some(name) if !name.is_empty() && !name.contains('/') => Self::from_hook_name(name),
            _ => Err(EventParseError::BadPath(path.to_owned())),
        }
    }

    /// Parses a hook name (`config-changed`, `db-relation-joined`, `app-pebble-ready`, ...).
    pub fn from_hook_name(name: &str) -> Result<Self, EventParseError> {
        let simple = match name {
            "install" => Some(Event::Install),
            "start" => Some(Event::Start),
            "stop" => Some(Event::Stop),
            "remove" => Some(Event::Remove),
            "config-changed" => Some(Event::ConfigChanged),
            "upgrade-charm" => Some(Event::UpgradeCharm),
            "update-status" => Some(Event::UpdateStatus),
            "leader-elected" => Some(Event::LeaderElected),
            "leader-settings-changed" => Some(Event::LeaderSettingsChanged),
            "collect-metrics" => Some(Event::CollectMetrics),
            "secret-changed" => Some(Event::Secret(SecretEventKind::Changed)),
            "secret-rotate" => Some(Event::Secret(SecretEventKind::Rotate)),
            "secret-expired" => Some(Event::Secret(SecretEventKind::Expired)),
            "secret-remove" => Some(Event::Secret(SecretEventKind::Remove)),
            _ => None,
        };
        if let Some(event) = simple {
            return Ok(event);
        }
        const RELATION: [(&str, RelationEventKind); 5] = [
            ("-relation-created", RelationEventKind::Created),
            ("-relation-joined", RelationEventKind::Joined),
            ("-relation-changed", RelationEventKind::Changed),
            ("-relation-departed", RelationEventKind::Departed),
            ("-relation-broken", RelationEventKind::Broken),
        ];
        for (suffix, kind) in RELATION {
            if let Some(endpoint) = nonempty_prefix(name, suffix) {
                return Ok(Event::Relation {
                    endpoint: endpoint.to_owned(),
                    kind,
                });
            }
        }
        const WORKLOAD: [(&str, WorkloadEventKind); 4] = [
            ("-pebble-ready", WorkloadEventKind::PebbleReady),
            ("-pebble-custom-notice", WorkloadEventKind::CustomNotice),
            ("-pebble-check-failed", WorkloadEventKind::CheckFailed),
            ("-pebble-check-recovered", WorkloadEventKind::CheckRecovered),
        ];
        for (suffix, kind) in WORKLOAD {
            if let Some(container) = nonempty_prefix(name, suffix) {
                return Ok(Event::Workload {
                    container: container.to_owned(),
                    kind,
                });
            }
        }
        const STORAGE: [(&str, StorageEventKind); 2] = [
            ("-storage-attached", StorageEventKind::Attached),
            ("-storage-detaching", StorageEventKind::Detaching),
        ];
        for (suffix, kind) in STORAGE {
            if let Some(storage) = nonempty_prefix(name, suffix) {
                return Ok(Event::Storage {
                    storage: storage.to_owned(),
                    kind,
                });
            }
        }
        Err(EventParseError::UnknownHook(name.to_owned()))
    }

    /// The relation endpoint this event is about, if any.
    pub fn relation_endpoint(&self) -> Option<&str> {
        match self {
            Event::Relation { endpoint, .. } => Some(endpoint),
            _ => None,
        }
    }

    /// True for `<endpoint>-relation-<kind>`.
    pub fn is_relation(&self, endpoint: &str, kind: RelationEventKind) -> bool {
        matches!(self, Event::Relation { endpoint: e, kind: k } if e == endpoint && *k == kind)
    }
}

fn nonempty_prefix<'a>(name: &'a str, suffix: &str) -> Option<&'a str> {
    name.strip_suffix(suffix)
        .filter(|prefix| !prefix.is_empty())
}

impl fmt::Display for Event {
    /// The hook name (or `action:<name>`), as the scenario format writes events.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let suffix = |kind: RelationEventKind| match kind {
            RelationEventKind::Created => "created",
            RelationEventKind::Joined => "joined",
            RelationEventKind::Changed => "changed",
            RelationEventKind::Departed => "departed",
            RelationEventKind::Broken => "broken",
        };
        match self {
            Event::Install => f.write_str("install"),
            Event::Start => f.write_str("start"),
            Event::Stop => f.write_str("stop"),
            Event::Remove => f.write_str("remove"),
            Event::ConfigChanged => f.write_str("config-changed"),
            Event::UpgradeCharm => f.write_str("upgrade-charm"),
            Event::UpdateStatus => f.write_str("update-status"),
            Event::LeaderElected => f.write_str("leader-elected"),
            Event::LeaderSettingsChanged => f.write_str("leader-settings-changed"),
            Event::CollectMetrics => f.write_str("collect-metrics"),
            Event::Secret(kind) => f.write_str(match kind {
                SecretEventKind::Changed => "secret-changed",
                SecretEventKind::Rotate => "secret-rotate",
                SecretEventKind::Expired => "secret-expired",
                SecretEventKind::Remove => "secret-remove",
            }),
            Event::Relation { endpoint, kind } => {
                write!(f, "{endpoint}-relation-{}", suffix(*kind))
            }
            Event::Workload { container, kind } => write!(
                f,
                "{container}-{}",
                match kind {
                    WorkloadEventKind::PebbleReady => "pebble-ready",
                    WorkloadEventKind::CustomNotice => "pebble-custom-notice",
                    WorkloadEventKind::CheckFailed => "pebble-check-failed",
                    WorkloadEventKind::CheckRecovered => "pebble-check-recovered",
                }
            ),
            Event::Storage { storage, kind } => write!(
                f,
                "{storage}-storage-{}",
                match kind {
                    StorageEventKind::Attached => "attached",
                    StorageEventKind::Detaching => "detaching",
                }
            ),
            Event::Action(name) => write!(f, "action:{name}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_hook_kind() {
        let cases = [
            ("hooks/install", Event::Install),
            ("hooks/config-changed", Event::ConfigChanged),
            (
                "hooks/leader-settings-changed",
                Event::LeaderSettingsChanged,
            ),
            (
                "hooks/secret-expired",
                Event::Secret(SecretEventKind::Expired),
            ),
            (
                "hooks/secret-storage-relation-changed",
                Event::Relation {
                    endpoint: "secret-storage".into(),
                    kind: RelationEventKind::Changed,
                },
            ),
            (
                "hooks/http-proxy-relation-broken",
                Event::Relation {
                    endpoint: "http-proxy".into(),
                    kind: RelationEventKind::Broken,
                },
            ),
            (
                "hooks/flask-app-pebble-ready",
                Event::Workload {
                    container: "flask-app".into(),
                    kind: WorkloadEventKind::PebbleReady,
                },
            ),
            (
                "hooks/app-pebble-check-recovered",
                Event::Workload {
                    container: "app".into(),
                    kind: WorkloadEventKind::CheckRecovered,
                },
            ),
            (
                "hooks/data-storage-detaching",
                Event::Storage {
                    storage: "data".into(),
                    kind: StorageEventKind::Detaching,
                },
            ),
            (
                "actions/rotate-secret-key",
                Event::Action("rotate-secret-key".into()),
            ),
        ];
        for (path, event) in cases {
            assert_eq!(Event::from_dispatch_path(path), Ok(event.clone()), "{path}");
        }
    }

    #[test]
    fn display_round_trips_hook_names() {
        for name in [
            "install",
            "secret-remove",
            "grafana-dashboard-relation-created",
            "app-pebble-custom-notice",
            "cache-storage-attached",
        ] {
            let event = Event::from_hook_name(name).expect(name);
            assert_eq!(event.to_string(), name);
        }
        assert_eq!(
            Event::Action("create-superuser".into()).to_string(),
            "action:create-superuser"
        );
    }

    #[test]
    fn unknown_names_are_errors_naming_the_value() {
        let err = Event::from_dispatch_path("hooks/frobnicate").unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown hook \"frobnicate\" in the dispatch path"
        );
        let err = Event::from_dispatch_path("bin/thing").unwrap_err();
        assert!(err.to_string().contains("\"bin/thing\""));
        assert!(Event::from_dispatch_path("hooks/-relation-joined").is_err());
        assert!(Event::from_dispatch_path("actions/").is_err());
        assert!(Event::from_dispatch_path("").is_err());
    }
}
