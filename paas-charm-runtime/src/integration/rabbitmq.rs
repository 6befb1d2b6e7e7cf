//! RabbitMQ (integrations.md §2.6, §3, §5.9): paas-charm's own requirer, which reads both
//! provider dialects: rabbitmq-k8s publishes `hostname`/`password` in its application bag,
//! the machine charm rabbitmq-server in each unit's bag. The leader asks for a user named after
//! the application on vhost `/`.

use crate::env::url::{decompose, quote_all, unquote, urlparse, UrlError};
use crate::env::Env;
use crate::integration::data_common::{relation_event, unparsable_url};
use crate::integration::{Cx, Integration, IntegrationError, Provided, Trigger};
use crate::juju::{CharmMeta, RelationEventKind, Scope};

/// The endpoint (and interface) name.
pub const ENDPOINT: &str = "rabbitmq";

/// The vhost we ask for.
pub const VHOST: &str = "/";

/// The AMQP port (a constant of the requirer, not read from the relation).
pub const PORT: u16 = 5672;

/// paas-charm's `PaaSRabbitMQRelationData`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RabbitMqData {
    /// Our requested vhost.
    pub vhost: String,
    /// Always 5672.
    pub port: u16,
    /// The provider's host.
    pub hostname: String,
    /// Our requested username (the application name).
    pub username: String,
    /// The provider's password.
    pub password: String,
    /// Every remote unit's `hostname`, in unit order.
    pub hostnames: Vec<String>,
}

impl RabbitMqData {
    /// `amqp://<user>:<password>@<host>:<port>/<vhost quoted with no safe characters>`; the
    /// credentials are not encoded (as upstream).
    pub fn uri_for(&self, hostname: &str) -> String {
        format!(
            "amqp://{}:{}@{hostname}:{}/{}",
            self.username,
            self.password,
            self.port,
            quote_all(&self.vhost)
        )
    }

    /// The primary URI.
    pub fn amqp_uri(&self) -> String {
        self.uri_for(&self.hostname)
    }

    /// One URI per host: the units' hostnames, or the chosen host when no unit publishes one
    /// (rabbitmq-k8s).
    pub fn uris(&self) -> Vec<String> {
        if self.hostnames.is_empty() {
            vec![self.amqp_uri()]
        } else {
            self.hostnames.iter().map(|h| self.uri_for(h)).collect()
        }
    }
}

/// The variables: `RABBITMQ_*` (§1.7 without `_NAME`, plus `RABBITMQ_VHOST` and
/// `RABBITMQ_CONNECT_STRINGS`).
pub fn env_vars(data: &RabbitMqData) -> Result<Vec<(String, String)>, UrlError> {
    let uri = data.amqp_uri();
    let mut vars = decompose("RABBITMQ", &uri, false)?;
    let path = urlparse(&uri)?.path;
    if path.len() > 1 {
        let first = path[1..].split('/').next().unwrap_or_default();
        vars.push(("RABBITMQ_VHOST".into(), unquote(first)));
    }
    vars.push(("RABBITMQ_CONNECT_STRINGS".into(), data.uris().join(",")));
    Ok(vars)
}

/// The RabbitMQ requirer.
#[derive(Debug, Clone)]
pub struct RabbitMq {
    required: bool,
    data: Option<RabbitMqData>,
}

impl RabbitMq {
    /// The relation data (after `load`), when usable.
    pub fn data(&self) -> Option<&RabbitMqData> {
        self.data.as_ref()
    }

    /// `get_relation_data`: the k8s dialect (remote application bag) wins when complete, else
    /// the first remote unit with both `hostname` and `password`.
    fn read(cx: &mut Cx<'_>) -> Result<Option<RabbitMqData>, IntegrationError> {
        let Some(relation) = cx.juju.relation(ENDPOINT)? else {
            return Ok(None);
        };
        let app_bag = cx.juju.remote_app_bag(relation.id)?;
        let non_empty =
            |bag: &crate::juju::Bag, key: &str| bag.get(key).filter(|v| !v.is_empty()).cloned();
        let mut credentials = match (
            non_empty(&app_bag, "hostname"),
            non_empty(&app_bag, "password"),
        ) {
            (Some(h), Some(p)) => Some((h, p)),
            _ => None,
        };
        let mut hostnames = Vec::new();
        for unit in cx.juju.remote_units(relation.id)? {
            let bag = cx.juju.remote_unit_bag(relation.id, &unit)?;
            let hostname = non_empty(&bag, "hostname");
            if credentials.is_none() {
                if let (Some(h), Some(p)) = (hostname.clone(), non_empty(&bag, "password")) {
                    credentials = Some((h, p));
                }
            }
            hostnames.extend(hostname);
        }
        let Some((hostname, password)) = credentials else {
            return Ok(None);
        };
        Ok(Some(RabbitMqData {
            vhost: VHOST.to_owned(),
            port: PORT,
            hostname,
            username: cx.juju.ctx.app_name.clone(),
            password,
            hostnames,
        }))
    }
}

impl Integration for RabbitMq {
    fn bind(meta: &CharmMeta) -> Option<Self> {
        let relation = meta.requires_with(ENDPOINT, ENDPOINT)?;
        Some(Self {
            required: relation.is_required(),
            data: None,
        })
    }

    fn name(&self) -> &str {
        ENDPOINT
    }

    fn required(&self) -> bool {
        self.required
    }

    /// joined: `connected` (1.x reconciles without migrations), then the leader writes
    /// `username`/`vhost`; changed and departed: `ready` when the data is usable (migrations
    /// rerun); broken: `departed` (without migrations).
    fn handle_event(&mut self, cx: &mut Cx<'_>) -> Result<Vec<Trigger>, IntegrationError> {
        let Some((id, kind)) = relation_event(cx.juju, ENDPOINT) else {
            return Ok(Vec::new());
        };
        match kind {
            RelationEventKind::Joined => {
                if cx.juju.is_leader()? {
                    let username = cx.juju.ctx.app_name.clone();
                    cx.juju.update_bag(
                        id,
                        Scope::App,
                        [
                            ("username".to_owned(), username),
                            ("vhost".to_owned(), VHOST.to_owned()),
                        ],
                    )?;
                }
                Ok(vec![Trigger::Reconcile])
            }
            RelationEventKind::Changed | RelationEventKind::Departed => {
                Ok(if Self::read(cx)?.is_some() {
                    vec![Trigger::ReconcileWithMigrations]
                } else {
                    Vec::new()
                })
            }
            RelationEventKind::Broken => Ok(vec![Trigger::Reconcile]),
            RelationEventKind::Created => Ok(Vec::new()),
        }
    }

    fn load(&mut self, cx: &mut Cx<'_>) -> Result<(), IntegrationError> {
        self.data = None;
        let Some(data) = Self::read(cx)? else {
            return Ok(());
        };
        // Upstream decomposes the URI while building the environment and crashes the hook on
        // a port it cannot read (a password with '?' or '#'); we block instead.
        let unparsable = |err| unparsable_url(ENDPOINT, "AMQP URI", &err);
        let provided = Provided::RabbitMq(&data);
        if !cx.framework.forms.replaces(&provided) {
            env_vars(&data).map_err(unparsable)?;
        }
        cx.framework.check(&provided, unparsable)?;
        self.data = Some(data);
        Ok(())
    }

    fn is_ready(&self) -> bool {
        self.data.is_some()
    }

    fn env(&self, env: &mut Env) {
        let Some(data) = &self.data else { return };
        for (name, value) in env_vars(data).unwrap_or_default() {
            env.set(name, value);
        }
    }

    fn provided(&self) -> Option<Provided<'_>> {
        self.data.as_ref().map(Provided::RabbitMq)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::FrameworkKind;
    use crate::integration::test_support::*;
    use crate::juju::Bag;

    fn world(
        kind: FrameworkKind,
        app: &str,
        leader: bool,
        remote_app: &[(&str, &str)],
        units: &[(&str, &[(&str, &str)])],
        hook: &str,
        remote_unit: Option<&str>,
    ) -> World {
        let units: Vec<(&str, Bag)> = units.iter().map(|(u, b)| (*u, bag(b))).collect();
        let rel = relation(
            2,
            "rabbitmq",
            "rabbitmq",
            "rabbitmq-k8s",
            bag(remote_app),
            &units,
        );
        let unit = format!("{app}/0");
        relation_world(kind, &unit, leader, rel, Some(true), hook, remote_unit)
    }

    const K8S_APP: &[(&str, &str)] = &[
        (
            "hostname",
            "rabbitmq-k8s-endpoints.test-model.svc.cluster.local",
        ),
        ("password", "3m036hhyiDHs"),
    ];
    const K8S_UNIT: &[(&str, &str)] = &[
        ("egress-subnets", "10.152.183.168/32"),
        ("ingress-address", "10.152.183.168"),
        ("private-address", "10.152.183.168"),
    ];

    fn read(
        remote_app: &[(&str, &str)],
        units: &[(&str, &[(&str, &str)])],
    ) -> Option<RabbitMqData> {
        let mut w = world(
            FrameworkKind::Flask,
            "flask-k8s",
            true,
            remote_app,
            units,
            "config-changed",
            None,
        );
        let mut r = RabbitMq::bind(&w.meta).expect("bound");
        r.load(&mut w.cx()).expect("load");
        r.data().cloned()
    }

    // integrations.md E9.1 (general/test_rabbitmq.py).
    #[test]
    fn both_dialects() {
        assert_eq!(read(&[], &[("r/0", &[])]), None);
        assert_eq!(
            read(&[], &[("r/0", &[("hostname", "testinghostname")])]),
            None
        );
        assert_eq!(read(&[], &[("r/0", &[("password", "testingvalue")])]), None);
        let expected = RabbitMqData {
            vhost: "/".into(),
            port: 5672,
            hostname: "testinghostname".into(),
            username: "flask-k8s".into(),
            password: "testingvalue".into(),
            hostnames: vec!["testinghostname".into()],
        };
        let unit: &[(&str, &str)] = &[
            ("password", "testingvalue"),
            ("hostname", "testinghostname"),
        ];
        let server = read(&[], &[("r/0", unit)]).expect("server dialect");
        assert_eq!(server, expected);
        assert_eq!(
            server.uris(),
            vec!["amqp://flask-k8s:testingvalue@testinghostname:5672/%2F".to_owned()]
        );
        let k8s = read(unit, &[("r/0", &[])]).expect("k8s dialect");
        assert_eq!(
            k8s,
            RabbitMqData {
                hostnames: vec![],
                ..expected
            }
        );
        assert_eq!(
            k8s.uris(),
            vec!["amqp://flask-k8s:testingvalue@testinghostname:5672/%2F".to_owned()]
        );
        // The k8s dialect wins when complete; an incomplete app bag falls back to the units.
        let mixed = read(
            &[("hostname", "app-host"), ("password", "app-pw")],
            &[("r/0", &[("hostname", "u0"), ("password", "u-pw")])],
        )
        .expect("ready");
        assert_eq!(
            (mixed.hostname.as_str(), mixed.password.as_str()),
            ("app-host", "app-pw")
        );
        assert_eq!(mixed.hostnames, vec!["u0".to_owned()]);
        let fallback = read(
            &[("hostname", "app-host")],
            &[("r/0", &[("hostname", "u0"), ("password", "u-pw")])],
        )
        .expect("ready");
        assert_eq!(fallback.hostname, "u0");
    }

    // go/go_rabbitmq_k8s_joined
    #[test]
    fn k8s_joined_leader_requests_access_and_reconciles_without_migrations() {
        let mut w = world(
            FrameworkKind::Go,
            "go-k8s",
            true,
            K8S_APP,
            &[("rabbitmq-k8s/0", K8S_UNIT)],
            "rabbitmq-relation-joined",
            Some("rabbitmq-k8s/0"),
        );
        let mut r = RabbitMq::bind(&w.meta).expect("bound");
        let (triggers, env) = w.run(&mut r);
        assert_eq!(triggers, vec![Trigger::Reconcile]);
        assert_eq!(w.app_bag(2), bag(&[("username", "go-k8s"), ("vhost", "/")]));
        let host = "rabbitmq-k8s-endpoints.test-model.svc.cluster.local";
        let uri = format!("amqp://go-k8s:3m036hhyiDHs@{host}:5672/%2F");
        assert_eq!(
            env_pairs(&env.expect("env")),
            pairs(&[
                ("RABBITMQ_CONNECT_STRING", &uri),
                ("RABBITMQ_CONNECT_STRINGS", &uri),
                ("RABBITMQ_FRAGMENT", ""),
                ("RABBITMQ_HOSTNAME", host),
                (
                    "RABBITMQ_NETLOC",
                    &format!("go-k8s:3m036hhyiDHs@{host}:5672")
                ),
                ("RABBITMQ_PARAMS", ""),
                ("RABBITMQ_PASSWORD", "3m036hhyiDHs"),
                ("RABBITMQ_PATH", "/%2F"),
                ("RABBITMQ_PORT", "5672"),
                ("RABBITMQ_QUERY", ""),
                ("RABBITMQ_SCHEME", "amqp"),
                ("RABBITMQ_USERNAME", "go-k8s"),
                ("RABBITMQ_VHOST", "/"),
            ])
        );
    }

    #[test]
    fn non_leader_joined_writes_nothing_but_reconciles() {
        let mut w = world(
            FrameworkKind::Flask,
            "flask-k8s",
            false,
            &[],
            &[("rabbitmq-k8s/0", K8S_UNIT)],
            "rabbitmq-relation-joined",
            Some("rabbitmq-k8s/0"),
        );
        let mut r = RabbitMq::bind(&w.meta).expect("bound");
        let (triggers, env) = w.run(&mut r);
        assert_eq!(triggers, vec![Trigger::Reconcile]);
        assert!(env.expect("env").is_empty());
        assert!(!w.unit_bag(2).contains_key("username"));
    }

    #[test]
    fn which_events_reconcile() {
        type Case<'a> = (&'a str, &'a [(&'a str, &'a str)], &'a [Trigger]);
        let cases: &[Case<'_>] = &[
            ("rabbitmq-relation-created", K8S_APP, &[]),
            (
                "rabbitmq-relation-changed",
                K8S_APP,
                &[Trigger::ReconcileWithMigrations],
            ),
            ("rabbitmq-relation-changed", &[], &[]),
            (
                "rabbitmq-relation-departed",
                K8S_APP,
                &[Trigger::ReconcileWithMigrations],
            ),
            ("rabbitmq-relation-departed", &[], &[]),
            ("rabbitmq-relation-broken", &[], &[Trigger::Reconcile]),
        ];
        for (hook, app, expected) in cases {
            let mut w = world(
                FrameworkKind::Flask,
                "flask-k8s",
                true,
                app,
                &[("rabbitmq-k8s/0", K8S_UNIT)],
                hook,
                Some("rabbitmq-k8s/0"),
            );
            let mut r = RabbitMq::bind(&w.meta).expect("bound");
            let triggers = r.handle_event(&mut w.cx()).expect("handled");
            assert_eq!(triggers, *expected, "{hook} {app:?}");
        }
    }

    // The last rabbitmq-server unit departs: no unit is left to give the password, so the
    // data is not usable, no reconcile follows, and later hooks see no RABBITMQ_* (no error).
    #[test]
    fn departing_last_server_unit() {
        let mut w = world(
            FrameworkKind::Flask,
            "flask-k8s",
            true,
            &[],
            &[],
            "rabbitmq-relation-departed",
            Some("rabbitmq-server/0"),
        );
        let mut r = RabbitMq::bind(&w.meta).expect("bound");
        let (triggers, env) = w.run(&mut r);
        assert!(triggers.is_empty());
        assert!(env.expect("env").is_empty());
        assert!(!r.is_ready() && !r.required());
    }

    // integrations.md E9.3: two rabbitmq-server units.
    #[test]
    fn server_dialect_with_two_units() {
        let data = read(
            &[],
            &[
                (
                    "rabbitmq-server/0",
                    &[("hostname", "10.0.0.1"), ("password", "pw")],
                ),
                (
                    "rabbitmq-server/1",
                    &[("hostname", "10.0.0.2"), ("password", "pw")],
                ),
            ],
        )
        .expect("ready");
        let vars = env_vars(&data).expect("vars");
        let get = |name: &str| {
            vars.iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(
            get("RABBITMQ_CONNECT_STRING"),
            Some("amqp://flask-k8s:pw@10.0.0.1:5672/%2F")
        );
        assert_eq!(
            get("RABBITMQ_CONNECT_STRINGS"),
            Some("amqp://flask-k8s:pw@10.0.0.1:5672/%2F,amqp://flask-k8s:pw@10.0.0.2:5672/%2F")
        );
    }

    // integrations.md E9.3 and E2.7: passwords with special characters.
    #[test]
    fn passwords_with_special_characters() {
        let mut data = RabbitMqData {
            vhost: "/".into(),
            port: 5672,
            hostname: "h".into(),
            username: "flask-k8s".into(),
            password: "p@ss/w:rd".into(),
            hostnames: vec![],
        };
        // '/' gives upstream's garbage, without an error.
        let vars = env_vars(&data).expect("vars");
        let get = |vars: &[(String, String)], name: &str| {
            vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
        };
        assert_eq!(
            get(&vars, "RABBITMQ_NETLOC").as_deref(),
            Some("flask-k8s:p@ss")
        );
        assert_eq!(get(&vars, "RABBITMQ_HOSTNAME").as_deref(), Some("ss"));
        assert_eq!(get(&vars, "RABBITMQ_PASSWORD").as_deref(), Some("p"));
        assert_eq!(
            get(&vars, "RABBITMQ_PATH").as_deref(),
            Some("/w:rd@h:5672/%2F")
        );
        assert_eq!(get(&vars, "RABBITMQ_VHOST").as_deref(), Some("w:rd@h:5672"));
        assert_eq!(get(&vars, "RABBITMQ_PORT"), None);
        // '@' and '%' are kept raw.
        data.password = "p@s%25s".into();
        let vars = env_vars(&data).expect("vars");
        assert_eq!(get(&vars, "RABBITMQ_PASSWORD").as_deref(), Some("p@s%25s"));
        assert_eq!(get(&vars, "RABBITMQ_HOSTNAME").as_deref(), Some("h"));
        // '?' and '#' make the port unreadable: upstream crashes, we report it (below).
        for password in ["pa?ss", "pa#ss"] {
            data.password = password.into();
            assert!(env_vars(&data).is_err(), "{password}");
            // Spring Boot does not parse the URI: its properties replace the variables.
            let spring = crate::framework::facts(FrameworkKind::SpringBoot).forms;
            let provided = crate::integration::Provided::RabbitMq(&data);
            assert!(spring.replaces(&provided) && spring.check(&provided).is_ok());
        }
        // E2.7 variant: an empty vhost gives the path `/` and no RABBITMQ_VHOST.
        data.password = "testpassword".into();
        data.vhost = String::new();
        let vars = env_vars(&data).expect("vars");
        assert_eq!(get(&vars, "RABBITMQ_PATH").as_deref(), Some("/"));
        assert_eq!(get(&vars, "RABBITMQ_VHOST"), None);
    }

    #[test]
    fn unparsable_password_blocks_naming_the_relation() {
        let mut w = world(
            FrameworkKind::Flask,
            "flask-k8s",
            true,
            &[("hostname", "h"), ("password", "se#cret")],
            &[("rabbitmq-k8s/0", K8S_UNIT)],
            "config-changed",
            None,
        );
        let mut r = RabbitMq::bind(&w.meta).expect("bound");
        let err = r.load(&mut w.cx()).expect_err("blocked").to_string();
        assert!(
            err.starts_with("Invalid rabbitmq relation data: the AMQP URI"),
            "{err}"
        );
        assert!(!err.contains("se#cret") && !err.contains("cret"), "{err}");
    }

    // spring-boot/springboot_rabbitmq_departed
    #[test]
    fn spring_boot_departed_with_a_unit_left() {
        let mut w = world(
            FrameworkKind::SpringBoot,
            "spring-boot-k8s",
            true,
            K8S_APP,
            &[("rabbitmq-k8s/0", K8S_UNIT)],
            "rabbitmq-relation-departed",
            Some("rabbitmq-k8s/1"),
        );
        let mut r = RabbitMq::bind(&w.meta).expect("bound");
        let (triggers, env) = w.run(&mut r);
        assert_eq!(triggers, vec![Trigger::ReconcileWithMigrations]);
        assert_eq!(
            env_pairs(&env.expect("env")),
            pairs(&[
                (
                    "spring.rabbitmq.host",
                    "rabbitmq-k8s-endpoints.test-model.svc.cluster.local"
                ),
                ("spring.rabbitmq.password", "3m036hhyiDHs"),
                ("spring.rabbitmq.port", "5672"),
                ("spring.rabbitmq.username", "spring-boot-k8s"),
                ("spring.rabbitmq.virtual-host", "/"),
            ])
        );
    }
}
