//! Redis (integrations.md §2.2, §3, §5.5): the redis_k8s v0 `RedisRequires` as paas-charm
//! 1.12.3 subclasses it. The requirer writes nothing; it reads `hostname`/`port` from the first
//! remote unit and `leader-host` from the remote application, and builds
//! `redis://<host>:<port>` with Python's rendering of a missing value (`None`).

use crate::env::url::{decompose, UrlError};
use crate::env::Env;
use crate::integration::data_common::{relation_event, unparsable_url};
use crate::integration::{Cx, Integration, IntegrationError, Provided, Trigger};
use crate::juju::{CharmMeta, RelationEventKind};

/// The endpoint (and interface) name.
pub const ENDPOINT: &str = "redis";

/// The Blocked message for relation data that does not give a valid URL.
pub const INVALID: &str = "Invalid redis relation data.";

/// The Redis requirer.
#[derive(Debug, Clone)]
pub struct Redis {
    required: bool,
    url: Option<String>,
}

impl Redis {
    /// The validated Redis URL (after `load`), when the provider published a usable one.
    pub fn url(&self) -> Option<&str> {
        self.url.as_deref()
    }
}

/// `redis://<host>:<port>` as the library renders it: a missing value is Python's `None`.
pub fn library_url(
    hostname: Option<&str>,
    leader_host: Option<&str>,
    port: Option<&str>,
) -> String {
    let host = leader_host.or(hostname).unwrap_or("None");
    format!("redis://{host}:{}", port.unwrap_or("None"))
}

/// paas-charm's "not ready" pattern: `redis://[^:/]*:None` (the provider has not published
/// its port yet).
pub fn awaiting_port(url: &str) -> bool {
    url.strip_prefix("redis://")
        .and_then(|rest| rest.strip_suffix(":None"))
        .is_some_and(|host| !host.contains([':', '/']))
}

/// Validates the URL as pydantic's `AnyUrl` does (WHATWG, via the `url` crate as
/// pydantic-core) and returns its serialised form; `None` when it is not a valid URL.
pub fn validate(url: &str) -> Option<String> {
    url::Url::parse(url).ok().map(|u| u.to_string())
}

/// The variables for a validated URL: `REDIS_DB_*` (§1.7).
pub fn env_vars(url: &str) -> Result<Vec<(String, String)>, UrlError> {
    decompose("REDIS_DB", url, true)
}

impl Integration for Redis {
    fn bind(meta: &CharmMeta) -> Option<Self> {
        let relation = meta.requires_with(ENDPOINT, ENDPOINT)?;
        Some(Self {
            required: relation.is_required(),
            url: None,
        })
    }

    fn name(&self) -> &str {
        ENDPOINT
    }

    fn required(&self) -> bool {
        self.required
    }

    /// The library emits `redis_relation_updated` on joined/changed with a remote unit on the
    /// event and on broken; paas-charm reconciles with migrations on it.
    fn handle_event(&mut self, cx: &mut Cx<'_>) -> Result<Vec<Trigger>, IntegrationError> {
        let Some((_, kind)) = relation_event(cx.juju, ENDPOINT) else {
            return Ok(Vec::new());
        };
        let updated = match kind {
            RelationEventKind::Joined | RelationEventKind::Changed => {
                cx.juju.ctx.remote_unit.is_some()
            }
            RelationEventKind::Broken => true,
            RelationEventKind::Created | RelationEventKind::Departed => false,
        };
        Ok(if updated {
            vec![Trigger::ReconcileWithMigrations]
        } else {
            Vec::new()
        })
    }

    fn load(&mut self, cx: &mut Cx<'_>) -> Result<(), IntegrationError> {
        self.url = None;
        let Some(relation) = cx.juju.relation(ENDPOINT)? else {
            return Ok(());
        };
        let units = cx.juju.remote_units(relation.id)?;
        let Some(first) = units.first() else {
            return Ok(());
        };
        let unit_bag = cx.juju.remote_unit_bag(relation.id, first)?;
        if unit_bag.is_empty() {
            return Ok(());
        }
        let app_bag = cx.juju.remote_app_bag(relation.id)?;
        let url = library_url(
            unit_bag.get("hostname").map(String::as_str),
            app_bag.get("leader-host").map(String::as_str),
            unit_bag.get("port").map(String::as_str),
        );
        if awaiting_port(&url) {
            return Ok(());
        }
        let Some(url) = validate(&url) else {
            return Err(IntegrationError::InvalidData(INVALID.into()));
        };
        // paas-charm decomposes the URL while it builds the environment and crashes the hook
        // where Python's urlparse cannot read the port; we block instead.
        let unparsable = |err| unparsable_url(ENDPOINT, "Redis URL", &err);
        let provided = Provided::Redis { url: &url };
        if !cx.framework.forms.replaces(&provided) {
            env_vars(&url).map_err(unparsable)?;
        }
        cx.framework.check(&provided, unparsable)?;
        self.url = Some(url);
        Ok(())
    }

    fn is_ready(&self) -> bool {
        self.url.is_some()
    }

    fn env(&self, env: &mut Env) {
        let Some(url) = &self.url else { return };
        for (name, value) in env_vars(url).unwrap_or_default() {
            env.set(name, value);
        }
    }

    fn provided(&self) -> Option<Provided<'_>> {
        Some(Provided::Redis {
            url: self.url.as_deref()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::FrameworkKind;
    use crate::integration::test_support::*;

    fn world(
        kind: FrameworkKind,
        app: &str,
        leader: bool,
        remote_app_data: &[(&str, &str)],
        units: &[(&str, &[(&str, &str)])],
        hook: &str,
        remote_unit: Option<&str>,
    ) -> World {
        let units: Vec<(&str, crate::juju::Bag)> =
            units.iter().map(|(u, b)| (*u, bag(b))).collect();
        let rel = relation(
            2,
            "redis",
            "redis",
            "redis-k8s",
            bag(remote_app_data),
            &units,
        );
        let unit = format!("{app}/0");
        relation_world(kind, &unit, leader, rel, Some(true), hook, remote_unit)
    }

    fn load(remote_app: &[(&str, &str)], unit: &[(&str, &str)]) -> Result<Option<String>, String> {
        let mut w = world(
            FrameworkKind::Flask,
            "flask-k8s",
            true,
            remote_app,
            &[("redis-k8s/0", unit)],
            "config-changed",
            None,
        );
        let mut redis = Redis::bind(&w.meta).expect("bound");
        redis
            .load(&mut w.cx())
            .map(|()| redis.url().map(str::to_owned))
            .map_err(|e| e.to_string())
    }

    // integrations.md E5.1 (general/test_redis.py), row by row.
    #[test]
    fn relation_data_to_url() {
        assert_eq!(load(&[], &[]), Ok(None));
        assert_eq!(
            load(&[], &[("hostname", "redis.url"), ("port", "8888")]),
            Ok(Some("redis://redis.url:8888".into()))
        );
        assert_eq!(
            load(
                &[],
                &[("hostname", "user:pass@redis.url"), ("port", "8888")]
            ),
            Ok(Some("redis://user:pass@redis.url:8888".into()))
        );
        assert_eq!(
            load(
                &[("leader-host", "leader:host@redis.url")],
                &[("hostname", "user:pass@redis.url"), ("port", "8888")]
            ),
            Ok(Some("redis://leader:host@redis.url:8888".into()))
        );
        let invalid = Err(INVALID.to_owned());
        assert_eq!(
            load(&[], &[("hostname", ""), ("port", "notanumber")]),
            invalid
        );
        assert_eq!(
            load(&[], &[("hostname", "invalid:url:segments@noturl")]),
            invalid
        );
        assert_eq!(
            load(
                &[("leader-host", "invalid:url:segments@noturl")],
                &[("hostname", "overridden.url")]
            ),
            invalid
        );
        // No port yet: not ready (also for a unit bag with only Juju's address keys).
        assert_eq!(load(&[], &[("hostname", "10.1.88.132")]), Ok(None));
        assert_eq!(load(&[], &[("private-address", "10.1.88.132")]), Ok(None));
        assert_eq!(load(&[], &[("hostname", "h"), ("port", "abc")]), invalid);
        assert_eq!(load(&[], &[("hostname", "h"), ("port", "65536")]), invalid);
    }

    #[test]
    fn no_relation_or_no_units_is_not_ready() {
        let mut w = world(
            FrameworkKind::Flask,
            "flask-k8s",
            true,
            &[("leader-host", "redis-k8s-0")],
            &[],
            "config-changed",
            None,
        );
        let mut redis = Redis::bind(&w.meta).expect("bound");
        redis.load(&mut w.cx()).expect("load");
        assert!(!redis.is_ready());
        let m = meta("flask-k8s", &[("redis", "redis", None)]);
        let redis = Redis::bind(&m).expect("bound");
        assert!(redis.required());
        let m = meta("flask-k8s", &[("redis", "redis_client", None)]);
        assert!(Redis::bind(&m).is_none());
    }

    // flask/flask_redis_leader_host
    #[test]
    fn leader_host_wins_and_migrations_rerun() {
        let mut w = world(
            FrameworkKind::Flask,
            "flask-k8s",
            true,
            &[(
                "leader-host",
                "redis-k8s-0.redis-k8s-endpoints.test-model.svc.cluster.local",
            )],
            &[(
                "redis-k8s/0",
                &[("hostname", "10.1.88.132"), ("port", "6379")],
            )],
            "redis-relation-changed",
            Some("redis-k8s/0"),
        );
        let mut redis = Redis::bind(&w.meta).expect("bound");
        let (triggers, env) = w.run(&mut redis);
        assert_eq!(triggers, vec![Trigger::ReconcileWithMigrations]);
        let host = "redis-k8s-0.redis-k8s-endpoints.test-model.svc.cluster.local";
        assert_eq!(
            env_pairs(&env.expect("env")),
            pairs(&[
                ("REDIS_DB_CONNECT_STRING", &format!("redis://{host}:6379")),
                ("REDIS_DB_FRAGMENT", ""),
                ("REDIS_DB_HOSTNAME", host),
                ("REDIS_DB_NETLOC", &format!("{host}:6379")),
                ("REDIS_DB_PARAMS", ""),
                ("REDIS_DB_PATH", ""),
                ("REDIS_DB_PORT", "6379"),
                ("REDIS_DB_QUERY", ""),
                ("REDIS_DB_SCHEME", "redis"),
            ])
        );
        // The requirer never writes.
        assert_eq!(w.app_bag(2), bag(&[]));
    }

    #[test]
    fn which_events_reconcile() {
        let cases: &[(&str, Option<&str>, &[Trigger])] = &[
            ("redis-relation-created", None, &[]),
            (
                "redis-relation-joined",
                Some("redis-k8s/0"),
                &[Trigger::ReconcileWithMigrations],
            ),
            (
                "redis-relation-changed",
                Some("redis-k8s/0"),
                &[Trigger::ReconcileWithMigrations],
            ),
            // An app-bag-only change (no remote unit on the event) does not reconcile.
            ("redis-relation-changed", None, &[]),
            ("redis-relation-departed", Some("redis-k8s/0"), &[]),
            (
                "redis-relation-broken",
                None,
                &[Trigger::ReconcileWithMigrations],
            ),
        ];
        for (hook, unit, expected) in cases {
            let mut w = world(
                FrameworkKind::Flask,
                "flask-k8s",
                false,
                &[],
                &[("redis-k8s/0", &[])],
                hook,
                *unit,
            );
            let mut redis = Redis::bind(&w.meta).expect("bound");
            let (triggers, _) = w.run(&mut redis);
            assert_eq!(triggers, *expected, "{hook} {unit:?}");
            assert_eq!(w.unit_bag(2).get("data"), None, "nothing written");
        }
    }

    // The last unit departs: relation-departed does not reconcile, and afterwards the
    // relation has no unit, so Redis is not ready (no env) without an error.
    #[test]
    fn departing_last_unit() {
        let mut w = world(
            FrameworkKind::Flask,
            "flask-k8s",
            true,
            &[("leader-host", "redis-k8s-0")],
            &[],
            "redis-relation-departed",
            Some("redis-k8s/0"),
        );
        let mut redis = Redis::bind(&w.meta).expect("bound");
        let (triggers, env) = w.run(&mut redis);
        assert!(triggers.is_empty());
        assert!(env.expect("env").is_empty());
        assert!(!redis.is_ready());
    }

    #[test]
    fn ipv6_host_and_credentials_in_hostname() {
        assert_eq!(
            load(&[], &[("hostname", "[fd00::1]"), ("port", "6379")]),
            Ok(Some("redis://[fd00::1]:6379".into()))
        );
        let vars = env_vars("redis://[fd00::1]:6379").expect("vars");
        assert!(vars.contains(&("REDIS_DB_HOSTNAME".into(), "fd00::1".into())));
        // A password with '%', '@' or ':' smuggled in the hostname stays raw.
        let vars = env_vars("redis://u:p%40ss@h:6379").expect("vars");
        assert!(vars.contains(&("REDIS_DB_PASSWORD".into(), "p%40ss".into())));
    }

    #[test]
    fn spring_boot_world() {
        let mut w = world(
            FrameworkKind::SpringBoot,
            "spring-boot-k8s",
            true,
            &[],
            &[(
                "redis-k8s/0",
                &[("hostname", "10.1.88.132"), ("port", "6379")],
            )],
            "redis-relation-joined",
            Some("redis-k8s/0"),
        );
        let mut redis = Redis::bind(&w.meta).expect("bound");
        let (triggers, env) = w.run(&mut redis);
        assert_eq!(triggers, vec![Trigger::ReconcileWithMigrations]);
        assert_eq!(
            env_pairs(&env.expect("env")),
            pairs(&[
                ("spring.data.redis.host", "10.1.88.132"),
                ("spring.data.redis.port", "6379"),
                ("spring.data.redis.url", "redis://10.1.88.132:6379"),
            ])
        );
    }

    #[test]
    fn not_ready_pattern() {
        assert!(awaiting_port("redis://host:None"));
        assert!(awaiting_port("redis://None:None"));
        assert!(awaiting_port("redis://:None"));
        assert!(!awaiting_port("redis://a:b@host:None"));
        assert!(!awaiting_port("redis://a/b:None"));
        assert!(!awaiting_port("redis://host:6379"));
        assert_eq!(library_url(Some("h"), None, None), "redis://h:None");
        assert_eq!(library_url(Some("h"), Some("l"), Some("1")), "redis://l:1");
        assert_eq!(library_url(None, None, Some("1")), "redis://None:1");
    }
}
