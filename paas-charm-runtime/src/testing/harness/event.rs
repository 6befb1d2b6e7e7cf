//! The event a harness run dispatches: every hook Juju runs a paas charm for, and actions with
//! their parameters.

use serde_json::Value;

use crate::juju::ConfigValues;

/// What the event is about, before the harness resolves names against the charm.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Kind {
    /// A hook named as Juju names it (`config-changed`, `update-status`).
    Hook(&'static str),
    /// The framework container's `pebble-ready` (or another workload hook, by suffix).
    Workload(&'static str),
    /// `<endpoint>-relation-<suffix>` of an integration or endpoint.
    Relation {
        /// The integration name (`postgresql`) or the endpoint (`audit-log`).
        target: String,
        /// `created`, `joined`, `changed`, `departed`, `broken`.
        suffix: &'static str,
    },
    /// `secret-<suffix>` of a secret id.
    Secret {
        /// The secret's id.
        id: String,
        /// `changed`, `rotate`, `expired`, `remove`.
        suffix: &'static str,
    },
    /// `<storage>-storage-<suffix>`.
    Storage {
        /// The storage name.
        name: String,
        /// `attached` or `detaching`.
        suffix: &'static str,
    },
    /// An action.
    Action(String),
}

/// One event for [`Harness::run`](super::Harness::run).
///
/// Relation events name the integration (`Event::relation_changed("postgresql")`, whatever the
/// charm calls its endpoint) or, for an author's own integration, the endpoint
/// (`"audit-log"`); the harness finds the relation it holds for it.
///
/// ```
/// use paas_charm_runtime::testing::harness::Event;
///
/// let event = Event::action("create-superuser")
///     .param("username", "admin")
///     .param("email", "admin@example.com");
/// assert_eq!(event.params().len(), 2);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub(crate) kind: Kind,
    pub(crate) relation_id: Option<u32>,
    pub(crate) remote_unit: Option<u32>,
    pub(crate) departing_unit: Option<u32>,
    pub(crate) revision: Option<u64>,
    pub(crate) params: ConfigValues,
}

impl Event {
    fn of(kind: Kind) -> Self {
        Self {
            kind,
            relation_id: None,
            remote_unit: None,
            departing_unit: None,
            revision: None,
            params: ConfigValues::new(),
        }
    }

    /// `install`.
    pub fn install() -> Self {
        Self::of(Kind::Hook("install"))
    }
    /// `start`.
    pub fn start() -> Self {
        Self::of(Kind::Hook("start"))
    }
    /// `stop`.
    pub fn stop() -> Self {
        Self::of(Kind::Hook("stop"))
    }
    /// `remove`.
    pub fn remove() -> Self {
        Self::of(Kind::Hook("remove"))
    }
    /// `config-changed`.
    pub fn config_changed() -> Self {
        Self::of(Kind::Hook("config-changed"))
    }
    /// `upgrade-charm`.
    pub fn upgrade_charm() -> Self {
        Self::of(Kind::Hook("upgrade-charm"))
    }
    /// `update-status`.
    pub fn update_status() -> Self {
        Self::of(Kind::Hook("update-status"))
    }
    /// `leader-elected`.
    pub fn leader_elected() -> Self {
        Self::of(Kind::Hook("leader-elected"))
    }
    /// `leader-settings-changed`.
    pub fn leader_settings_changed() -> Self {
        Self::of(Kind::Hook("leader-settings-changed"))
    }
    /// `collect-metrics`.
    pub fn collect_metrics() -> Self {
        Self::of(Kind::Hook("collect-metrics"))
    }
    /// `<container>-pebble-ready` of the framework's workload container.
    pub fn pebble_ready() -> Self {
        Self::of(Kind::Workload("pebble-ready"))
    }
    /// `<container>-pebble-custom-notice`.
    pub fn pebble_custom_notice() -> Self {
        Self::of(Kind::Workload("pebble-custom-notice"))
    }
    /// `<container>-pebble-check-failed`.
    pub fn pebble_check_failed() -> Self {
        Self::of(Kind::Workload("pebble-check-failed"))
    }
    /// `<container>-pebble-check-recovered`.
    pub fn pebble_check_recovered() -> Self {
        Self::of(Kind::Workload("pebble-check-recovered"))
    }

    fn relation(target: &str, suffix: &'static str) -> Self {
        let mut event = Self::of(Kind::Relation {
            target: target.to_owned(),
            suffix,
        });
        if matches!(suffix, "joined" | "changed" | "departed") {
            event.remote_unit = Some(0);
        }
        event
    }
    /// `<endpoint>-relation-created` of an integration (`"postgresql"`) or endpoint.
    pub fn relation_created(integration: &str) -> Self {
        Self::relation(integration, "created")
    }
    /// `<endpoint>-relation-joined` (remote unit 0 unless [`Event::remote_unit`] says).
    pub fn relation_joined(integration: &str) -> Self {
        Self::relation(integration, "joined")
    }
    /// `<endpoint>-relation-changed` (remote unit 0 unless [`Event::remote_unit`] says).
    pub fn relation_changed(integration: &str) -> Self {
        Self::relation(integration, "changed")
    }
    /// `<endpoint>-relation-departed` (remote unit 0 unless [`Event::remote_unit`] says).
    pub fn relation_departed(integration: &str) -> Self {
        Self::relation(integration, "departed")
    }
    /// `<endpoint>-relation-broken`: the relation is no longer listed during the hook.
    pub fn relation_broken(integration: &str) -> Self {
        Self::relation(integration, "broken")
    }

    fn secret(id: &str, suffix: &'static str) -> Self {
        Self::of(Kind::Secret {
            id: id.to_owned(),
            suffix,
        })
    }
    /// `secret-changed` of the secret `id` (one the harness holds).
    pub fn secret_changed(id: &str) -> Self {
        Self::secret(id, "changed")
    }
    /// `secret-rotate`.
    pub fn secret_rotate(id: &str) -> Self {
        Self::secret(id, "rotate")
    }
    /// `secret-expired` (of `revision`, see [`Event::revision`]).
    pub fn secret_expired(id: &str) -> Self {
        Self::secret(id, "expired")
    }
    /// `secret-remove` (of `revision`, see [`Event::revision`]).
    pub fn secret_remove(id: &str) -> Self {
        Self::secret(id, "remove")
    }

    /// `<storage>-storage-attached`.
    pub fn storage_attached(storage: &str) -> Self {
        Self::of(Kind::Storage {
            name: storage.to_owned(),
            suffix: "attached",
        })
    }
    /// `<storage>-storage-detaching`.
    pub fn storage_detaching(storage: &str) -> Self {
        Self::of(Kind::Storage {
            name: storage.to_owned(),
            suffix: "detaching",
        })
    }

    /// The action `name`; add parameters with [`Event::param`].
    pub fn action(name: &str) -> Self {
        Self::of(Kind::Action(name.to_owned()))
    }

    /// An action parameter (a string, number, boolean or JSON value).
    pub fn param(mut self, name: &str, value: impl Into<Value>) -> Self {
        self.params.insert(name.to_owned(), value.into());
        self
    }

    /// The action's parameters so far.
    pub fn params(&self) -> &ConfigValues {
        &self.params
    }

    /// Which relation of the endpoint, when the harness holds several (the id
    /// [`Harness::relation_id`](super::Harness::relation_id) returned).
    pub fn relation_id(mut self, id: u32) -> Self {
        self.relation_id = Some(id);
        self
    }

    /// The remote unit number of a relation event (`JUJU_REMOTE_UNIT`).
    pub fn remote_unit(mut self, unit: u32) -> Self {
        self.remote_unit = Some(unit);
        self
    }

    /// The departing unit number of `-relation-departed` (`JUJU_DEPARTING_UNIT`).
    pub fn departing_unit(mut self, unit: u32) -> Self {
        self.departing_unit = Some(unit);
        self
    }

    /// The secret revision of `secret-expired` / `secret-remove` (`JUJU_SECRET_REVISION`).
    pub fn revision(mut self, revision: u64) -> Self {
        self.revision = Some(revision);
        self
    }
}
