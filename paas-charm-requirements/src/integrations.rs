//! The one table of integrations. Everything else that names an integration derives from it:
//! the names `#[paas_charm(integrations(...))]` accepts and the typed fields it generates, the
//! event `match` and the environment composition the attribute generates, the charmcraft.yaml
//! checks (this crate's [`crate::check`]), the runtime's `missing integrations:` order and the
//! test harness's interfaces.
//!
//! Adding an integration is its module in `paas-charm-runtime/src/integration/` (a type that
//! implements `Integration`) plus one entry in [`INTEGRATIONS`] (CONTRIBUTING.md).

/// A hook an integration acts on besides the relation events of its own endpoint. The
/// generated event `match` routes these hooks to it; nothing else does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Hook {
    /// `config-changed`.
    ConfigChanged,
    /// `upgrade-charm`.
    UpgradeCharm,
    /// `leader-elected`.
    LeaderElected,
    /// `update-status`.
    UpdateStatus,
    /// `secret-changed` (a secret the charm tracks has a new revision).
    SecretChanged,
    /// `<container>-pebble-ready` of the charm's workload container.
    PebbleReady,
    /// Every hook, whatever its event (tracing requests its receivers on each one).
    Every,
}

impl Hook {
    /// Every hook kind, in the order the generated `match` lists its arms.
    pub const ALL: [Hook; 7] = [
        Hook::ConfigChanged,
        Hook::UpgradeCharm,
        Hook::LeaderElected,
        Hook::UpdateStatus,
        Hook::SecretChanged,
        Hook::PebbleReady,
        Hook::Every,
    ];
}

/// An integration: how the attribute names it, which runtime type implements it, the endpoint
/// and interface it binds to, and where paas-charm puts it among the others.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IntegrationSpec {
    /// Its name (`postgresql`, ..., `http-proxy`): the runtime's `Integration::name`, the name
    /// `missing integrations:` and `env --explain` print. `integrations(...)` takes it with `_`
    /// for `-` ([`IntegrationSpec::ident`]), which is also the generated field's name.
    pub name: &'static str,
    /// The module under `paas_charm_runtime::integration` that implements it.
    pub module: &'static str,
    /// The type in that module that implements `Integration`.
    pub ty: &'static str,
    /// The endpoint paas-charm binds it to; `None` for OAuth, whose endpoint may have any name
    /// (the charm's one `requires` endpoint with interface `oauth`).
    pub endpoint: Option<&'static str>,
    /// The endpoint's interface.
    pub interface: &'static str,
    /// Whether its library needs `limit: 1` (tracing refuses any other).
    pub needs_limit_one: bool,
    /// Its place in paas-charm's order of merging integration variables into the environment
    /// (integrations.md §1.6 step 8), lowest first; `None` after every ordered one.
    pub env_order: Option<u8>,
    /// Its place in paas-charm's `missing integrations:` list (integrations.md §1.2), lowest
    /// first; `None` after every ordered one.
    pub missing_order: Option<u8>,
    /// The hooks it acts on besides its own endpoint's relation events.
    pub also_on: &'static [Hook],
}

impl IntegrationSpec {
    /// The identifier `integrations(...)` takes and the generated field's name (`http_proxy`).
    pub fn ident(&self) -> String {
        self.name.replace('-', "_")
    }

    /// The endpoint name to declare (OAuth's examples use `oidc`).
    pub fn default_endpoint(&self) -> &'static str {
        self.endpoint.unwrap_or(OAUTH_DEFAULT_ENDPOINT)
    }

    /// Whether the generated wiring routes `hook` to it.
    pub fn acts_on(&self, hook: Hook) -> bool {
        self.also_on.contains(&hook) || self.also_on.contains(&Hook::Every)
    }
}

/// The endpoint name paas-charm's examples give the OAuth integration.
pub const OAUTH_DEFAULT_ENDPOINT: &str = "oidc";

/// What most entries share: no `limit: 1`, no order, no hook besides the endpoint's.
const PLAIN: IntegrationSpec = IntegrationSpec {
    name: "",
    module: "",
    ty: "",
    endpoint: None,
    interface: "",
    needs_limit_one: false,
    env_order: None,
    missing_order: None,
    also_on: &[],
};

/// The integrations `integrations(...)` accepts, in documentation order.
pub const INTEGRATIONS: &[IntegrationSpec] = &[
    IntegrationSpec {
        name: "postgresql",
        module: "database",
        ty: "Postgresql",
        endpoint: Some("postgresql"),
        interface: "postgresql_client",
        env_order: Some(7),
        missing_order: Some(2),
        ..PLAIN
    },
    IntegrationSpec {
        name: "mysql",
        module: "database",
        ty: "Mysql",
        endpoint: Some("mysql"),
        interface: "mysql_client",
        env_order: Some(6),
        missing_order: Some(1),
        ..PLAIN
    },
    IntegrationSpec {
        name: "mongodb",
        module: "database",
        ty: "Mongodb",
        endpoint: Some("mongodb"),
        interface: "mongodb_client",
        env_order: Some(5),
        missing_order: Some(0),
        ..PLAIN
    },
    IntegrationSpec {
        name: "redis",
        module: "redis",
        ty: "Redis",
        endpoint: Some("redis"),
        interface: "redis",
        env_order: Some(2),
        missing_order: Some(4),
        ..PLAIN
    },
    IntegrationSpec {
        name: "valkey",
        module: "valkey",
        ty: "Valkey",
        endpoint: Some("valkey"),
        interface: "valkey_client",
        env_order: Some(3),
        ..PLAIN
    },
    IntegrationSpec {
        name: "s3",
        module: "s3",
        ty: "S3",
        endpoint: Some("s3"),
        interface: "s3",
        env_order: Some(4),
        missing_order: Some(5),
        ..PLAIN
    },
    IntegrationSpec {
        name: "rabbitmq",
        module: "rabbitmq",
        ty: "RabbitMq",
        endpoint: Some("rabbitmq"),
        interface: "rabbitmq",
        env_order: Some(1),
        missing_order: Some(3),
        ..PLAIN
    },
    IntegrationSpec {
        name: "saml",
        module: "saml",
        ty: "Saml",
        endpoint: Some("saml"),
        interface: "saml",
        env_order: Some(8),
        missing_order: Some(7),
        ..PLAIN
    },
    // OAuth binds to the charm's one `oauth` endpoint, whatever its name.
    IntegrationSpec {
        name: "oauth",
        module: "oauth",
        ty: "OAuth",
        endpoint: None,
        interface: "oauth",
        env_order: Some(11),
        missing_order: Some(10),
        ..PLAIN
    },
    IntegrationSpec {
        name: "openfga",
        module: "openfga",
        ty: "OpenFga",
        endpoint: Some("openfga"),
        interface: "openfga",
        env_order: Some(0),
        missing_order: Some(6),
        ..PLAIN
    },
    IntegrationSpec {
        name: "smtp",
        module: "smtp",
        ty: "Smtp",
        endpoint: Some("smtp"),
        interface: "smtp",
        env_order: Some(9),
        missing_order: Some(9),
        // Reconciles when its `password_id` secret gets a new revision.
        also_on: &[Hook::SecretChanged],
        ..PLAIN
    },
    IntegrationSpec {
        name: "tracing",
        module: "tracing",
        ty: "Tracing",
        endpoint: Some("tracing"),
        interface: "tracing",
        needs_limit_one: true,
        env_order: Some(10),
        missing_order: Some(8),
        // The leader requests its receivers on every hook.
        also_on: &[Hook::Every],
    },
    // Never missing; no variables of its own (the reconcile puts its proxies in place of the
    // model's).
    IntegrationSpec {
        name: "http-proxy",
        module: "http_proxy",
        ty: "HttpProxy",
        endpoint: Some("http-proxy"),
        interface: "http_proxy",
        // The leader re-writes its request after an upgrade.
        also_on: &[Hook::UpgradeCharm],
        ..PLAIN
    },
];

/// The integrations every framework charm has, whatever its attribute lists (Charmcraft's
/// extensions declare their endpoints: [`crate::REQUIRES`], [`crate::PROVIDES`]), in the order
/// they act after the listed ones. None is ever missing, none has variables of its own.
pub const ALWAYS_ON: &[IntegrationSpec] = &[
    IntegrationSpec {
        name: "ingress",
        module: "ingress",
        ty: "Ingress",
        endpoint: Some("ingress"),
        interface: "ingress",
        // Re-publishes its data when leadership or the charm changes.
        also_on: &[Hook::LeaderElected, Hook::UpgradeCharm],
        ..PLAIN
    },
    IntegrationSpec {
        name: "metrics-endpoint",
        module: "metrics_endpoint",
        ty: "MetricsEndpoint",
        endpoint: Some("metrics-endpoint"),
        interface: "prometheus_scrape",
        // Publishes its scrape jobs (on update-status the unit's address only).
        also_on: &[Hook::ConfigChanged, Hook::PebbleReady, Hook::UpdateStatus],
        ..PLAIN
    },
    IntegrationSpec {
        name: "logging",
        module: "logging",
        ty: "Logging",
        endpoint: Some("logging"),
        interface: "loki_push_api",
        // Forwards the workload's logs once its Pebble is ready.
        also_on: &[Hook::PebbleReady],
        ..PLAIN
    },
    IntegrationSpec {
        name: "grafana-dashboard",
        module: "grafana_dashboard",
        ty: "GrafanaDashboard",
        endpoint: Some("grafana-dashboard"),
        interface: "grafana_dashboard",
        // Publishes the dashboards.
        also_on: &[Hook::ConfigChanged, Hook::UpgradeCharm, Hook::LeaderElected],
        ..PLAIN
    },
];

/// An integration `integrations(...)` accepts, by name (`http-proxy`; `http_proxy` is
/// accepted too).
pub fn integration_by_name(name: &str) -> Option<&'static IntegrationSpec> {
    let name = name.replace('_', "-");
    INTEGRATIONS.iter().find(|i| i.name == name)
}

/// An integration `integrations(...)` accepts, by the identifier the attribute takes
/// (`http_proxy`).
pub fn integration_by_ident(ident: &str) -> Option<&'static IntegrationSpec> {
    INTEGRATIONS.iter().find(|i| i.ident() == ident)
}

/// The integration `integrations(...)` accepts whose interface this is.
pub fn integration_by_interface(interface: &str) -> Option<&'static IntegrationSpec> {
    INTEGRATIONS.iter().find(|i| i.interface == interface)
}

/// Any integration, listable or always on, by its runtime name.
pub fn any_integration(name: &str) -> Option<&'static IntegrationSpec> {
    INTEGRATIONS
        .iter()
        .chain(ALWAYS_ON)
        .find(|i| i.name == name)
}

/// Where `name` goes in paas-charm's env order: an author's own integrations, and those
/// paas-charm does not order, after every ordered one.
pub fn env_rank(name: &str) -> usize {
    rank(integration_by_name_exact(name).and_then(|i| i.env_order))
}

/// Where `name` goes in paas-charm's `missing integrations:` list (unordered ones last).
pub fn missing_rank(name: &str) -> usize {
    rank(integration_by_name_exact(name).and_then(|i| i.missing_order))
}

fn integration_by_name_exact(name: &str) -> Option<&'static IntegrationSpec> {
    INTEGRATIONS.iter().find(|i| i.name == name)
}

fn rank(order: Option<u8>) -> usize {
    order.map_or(usize::from(u8::MAX) + 1, usize::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ordered_by(key: impl Fn(&IntegrationSpec) -> Option<u8>) -> Vec<&'static str> {
        let mut ordered: Vec<&IntegrationSpec> =
            INTEGRATIONS.iter().filter(|i| key(i).is_some()).collect();
        ordered.sort_by_key(|i| key(i));
        ordered.iter().map(|i| i.name).collect()
    }

    /// paas-charm's orders (integrations.md §1.6 step 8 and §1.2), each place taken once.
    #[test]
    fn the_orders_are_paas_charms() {
        assert_eq!(
            ordered_by(|i| i.env_order),
            [
                "openfga",
                "rabbitmq",
                "redis",
                "valkey",
                "s3",
                "mongodb",
                "mysql",
                "postgresql",
                "saml",
                "smtp",
                "tracing",
                "oauth",
            ]
        );
        assert_eq!(
            ordered_by(|i| i.missing_order),
            [
                "mongodb",
                "mysql",
                "postgresql",
                "rabbitmq",
                "redis",
                "s3",
                "openfga",
                "saml",
                "tracing",
                "smtp",
                "oauth",
            ]
        );
        for key in [
            (|i: &IntegrationSpec| i.env_order) as fn(&IntegrationSpec) -> Option<u8>,
            |i| i.missing_order,
        ] {
            let mut places: Vec<u8> = INTEGRATIONS.iter().filter_map(key).collect();
            let count = places.len();
            places.dedup();
            assert_eq!(places.len(), count, "each place is taken once");
        }
        assert!(env_rank("openfga") < env_rank("postgresql"));
        assert!(env_rank("postgresql") < env_rank("http-proxy"));
        assert_eq!(env_rank("http-proxy"), env_rank("audit-log"));
        assert!(missing_rank("oauth") < missing_rank("valkey"));
    }

    /// Names, endpoints and interfaces are unique, and each name is one Rust can spell as a
    /// field (with `_` for `-`).
    #[test]
    fn names_are_unique_and_spelled_alike() {
        let all: Vec<&IntegrationSpec> = INTEGRATIONS.iter().chain(ALWAYS_ON).collect();
        for (i, a) in all.iter().enumerate() {
            assert!(
                a.name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{}",
                a.name
            );
            for b in &all[i + 1..] {
                assert_ne!(a.name, b.name);
                assert_ne!(a.interface, b.interface);
                assert!(a.endpoint.is_none() || a.endpoint != b.endpoint);
            }
        }
        assert_eq!(
            integration_by_ident("http_proxy").map(|i| i.name),
            Some("http-proxy")
        );
        assert_eq!(any_integration("ingress").map(|i| i.ty), Some("Ingress"));
        assert!(integration_by_name("ingress").is_none());
    }

    /// The always-on integrations are the endpoints Charmcraft's extensions declare.
    #[test]
    fn the_always_on_integrations_are_the_extensions_endpoints() {
        let mut theirs: Vec<(&str, &str)> = crate::REQUIRES
            .iter()
            .chain(crate::PROVIDES)
            .map(|r| (r.endpoint, r.interface))
            .collect();
        let mut ours: Vec<(&str, &str)> = ALWAYS_ON
            .iter()
            .map(|i| (i.default_endpoint(), i.interface))
            .collect();
        theirs.sort();
        ours.sort();
        assert_eq!(ours, theirs);
    }

    #[test]
    fn every_routes_every_hook() {
        let tracing = integration_by_name("tracing").expect("tracing");
        assert!(Hook::ALL.iter().all(|h| tracing.acts_on(*h)));
        let redis = integration_by_name("redis").expect("redis");
        assert!(!Hook::ALL.iter().any(|h| redis.acts_on(*h)));
    }
}
