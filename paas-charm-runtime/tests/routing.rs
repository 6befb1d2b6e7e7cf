//! The generated event `match` hands each hook to every integration that acts on it. A charm
//! with every integration related (with its provider's data, and before either side wrote
//! anything) runs each hook, leader and not: through its generated set, and through the same
//! set handing every hook to every integration (as the runtime did
//! before the wiring was generated: each integration's `handle_event` looks at the event
//! itself). The two end states must be the same; a hook an integration acts on that the
//! integration table (`paas_charm_requirements::INTEGRATIONS`, `also_on`) does not route to it
//! would make them differ.

use std::ops::ControlFlow;

use paas_charm_runtime::framework::FrameworkKind;
use paas_charm_runtime::integration::{
    ComposeEnv, Cx, Integration, IntegrationError, IntegrationSet, Trigger,
};
use paas_charm_runtime::juju::{CharmMeta, Event as JujuEvent};
use paas_charm_runtime::testing::harness::{providers, Event, Harness, Outcome};
use paas_charm_runtime::testing::DynamicSet;
use paas_charm_runtime::{paas_charm, Charm};

#[paas_charm(
    framework = "go",
    integrations(
        postgresql, mysql, mongodb, redis, valkey, s3, rabbitmq, saml, oauth, openfga, tracing,
        smtp, http_proxy
    ),
    charmcraft = "../../examples/go/charmcraft.yaml",
    main = false
)]
/// The charm: the Go example's attribute.
pub struct Routed;

/// The same charm, whose every hook goes to every integration.
struct Unrouted;

impl Charm for Unrouted {
    const FRAMEWORK: FrameworkKind = <Routed as Charm>::FRAMEWORK;
    type Integrations = EveryHook;
    const INTEGRATIONS: &'static [&'static str] = <Routed as Charm>::INTEGRATIONS;
    const CHARMCRAFT_YAML: &'static str = <Routed as Charm>::CHARMCRAFT_YAML;
}

/// The generated set, with every hook handed to each integration in its order.
struct EveryHook(IntegrationRequirers);

impl IntegrationSet for EveryHook {
    fn bind(meta: &CharmMeta) -> Self {
        Self(IntegrationRequirers::bind(meta))
    }

    fn handle_event(
        &mut self,
        _event: &JujuEvent,
        cx: &mut Cx<'_>,
    ) -> Result<Vec<Trigger>, IntegrationError> {
        let mut triggers = Vec::new();
        let mut failed = None;
        let _ = self
            .0
            .for_each(&mut |integration| match integration.handle_event(cx) {
                Ok(more) => {
                    triggers.extend(more);
                    ControlFlow::Continue(())
                }
                Err(err) => {
                    failed = Some(err);
                    ControlFlow::Break(())
                }
            });
        failed.map_or(Ok(triggers), Err)
    }

    fn compose_env(&mut self, env: &mut dyn ComposeEnv) {
        self.0.compose_env(env);
    }

    fn for_each(
        &mut self,
        visit: &mut dyn FnMut(&mut dyn Integration) -> ControlFlow<()>,
    ) -> ControlFlow<()> {
        self.0.for_each(visit)
    }
}

/// The same charm with its integrations assembled at run time ([`DynamicSet`], which routes by
/// the same table when the hook runs).
struct Assembled;

impl Charm for Assembled {
    const FRAMEWORK: FrameworkKind = <Routed as Charm>::FRAMEWORK;
    type Integrations = AssembledSet;
    const INTEGRATIONS: &'static [&'static str] = <Routed as Charm>::INTEGRATIONS;
    const CHARMCRAFT_YAML: &'static str = <Routed as Charm>::CHARMCRAFT_YAML;
}

/// The listed integrations in attribute order, then the always-on ones.
struct AssembledSet(DynamicSet<'static>);

impl IntegrationSet for AssembledSet {
    fn bind(meta: &CharmMeta) -> Self {
        Self(
            DynamicSet::new()
                .with_named(<Routed as Charm>::INTEGRATIONS, meta)
                .with_always_on(meta),
        )
    }

    fn handle_event(
        &mut self,
        event: &JujuEvent,
        cx: &mut Cx<'_>,
    ) -> Result<Vec<Trigger>, IntegrationError> {
        self.0.handle_event(event, cx)
    }

    fn compose_env(&mut self, env: &mut dyn ComposeEnv) {
        self.0.compose_env(env);
    }

    fn for_each(
        &mut self,
        visit: &mut dyn FnMut(&mut dyn Integration) -> ControlFlow<()>,
    ) -> ControlFlow<()> {
        self.0.for_each(visit)
    }
}

/// Every integration related, with the data its provider gives.
fn related<C: Charm>(leader: bool) -> Harness<C> {
    Harness::<C>::new()
        .leader(leader)
        .relation(providers::postgresql())
        .relation(providers::mysql())
        .relation(providers::mongodb())
        .relation(providers::redis())
        .relation(providers::valkey())
        .relation(providers::s3())
        .relation(providers::rabbitmq())
        .relation(providers::saml())
        .relation(providers::oauth())
        .relation(providers::openfga())
        .relation(providers::tracing())
        .relation(providers::smtp().user("mailer").password("smtp-pass"))
        .relation(providers::http_proxy())
        .relation(providers::ingress())
        .relation(providers::logging())
        .relation(providers::metrics_endpoint())
        .relation(providers::grafana_dashboard())
}

/// The secret the SMTP provider shares its password in.
const SMTP_PASSWORD: &str = "secret:cu000000013000000001";
/// The secret the OpenFGA provider shares its token in.
const FGA_TOKEN: &str = "secret:cu000000011000000001";

/// Every integration related, before either side wrote anything.
fn fresh<C: Charm>(leader: bool) -> Harness<C> {
    let mut harness = Harness::<C>::new()
        .leader(leader)
        .secret(SMTP_PASSWORD, &[("password", "smtp-pass")])
        .secret(FGA_TOKEN, &[("token", "fga-token")]);
    for endpoint in &ENDPOINTS[..ENDPOINTS.len() - 1] {
        harness = harness.relation(providers::Relation::new(endpoint, "provider"));
    }
    harness
}

/// The endpoints of the charm's integrations, then its peer endpoint.
const ENDPOINTS: &[&str] = &[
    "postgresql",
    "mysql",
    "mongodb",
    "redis",
    "valkey",
    "s3",
    "rabbitmq",
    "saml",
    "oauth",
    "openfga",
    "tracing",
    "smtp",
    "http-proxy",
    "ingress",
    "logging",
    "metrics-endpoint",
    "grafana-dashboard",
    "secret-storage",
];

/// Every hook the charm can get.
fn events() -> Vec<Event> {
    let mut events = vec![
        Event::install(),
        Event::start(),
        Event::stop(),
        Event::remove(),
        Event::config_changed(),
        Event::upgrade_charm(),
        Event::update_status(),
        Event::leader_elected(),
        Event::leader_settings_changed(),
        Event::collect_metrics(),
        Event::pebble_ready(),
        Event::pebble_custom_notice(),
        Event::pebble_check_failed(),
        Event::pebble_check_recovered(),
        // SMTP's password (relation 13's first secret) and OpenFGA's token (relation 11's).
        Event::secret_changed(SMTP_PASSWORD),
        Event::secret_changed(FGA_TOKEN),
        Event::secret_rotate(SMTP_PASSWORD),
        Event::secret_expired(FGA_TOKEN),
        Event::secret_remove(SMTP_PASSWORD),
        Event::action("rotate-secret-key"),
    ];
    for endpoint in ENDPOINTS {
        events.extend([
            Event::relation_created(endpoint),
            Event::relation_joined(endpoint),
            Event::relation_changed(endpoint),
            Event::relation_departed(endpoint),
            Event::relation_broken(endpoint),
        ]);
    }
    events
}

/// What a hook leaves, one fact a line: everything but how many hook-tool calls and Pebble
/// requests it took.
fn end_state(out: &Outcome) -> String {
    let juju = out.juju();
    let pebble = out.pebble();
    format!(
        "error: {:?}\nrelations: {:#?}\nunit status: {:?} {:?}\napp status: {:?} {:?}\n\
         logs: {:?}\nports: {:?}\nsecrets: {:?}\naction: {:?}\nlayers: {:#?}\nfiles: {:?}\n\
         execs: {:?}\nsignals: {:?}\nservices: {:?}",
        out.error(),
        juju.relations,
        juju.unit_status,
        juju.unit_status_history,
        juju.app_status,
        juju.app_status_history,
        juju.logs,
        juju.ports,
        juju.secrets,
        juju.action,
        pebble.layers,
        pebble.files,
        pebble.execs,
        pebble.signals,
        pebble.service_statuses,
    )
}

/// The three charms in one state.
struct State {
    name: &'static str,
    leader: bool,
    routed: Harness<Routed>,
    unrouted: Harness<Unrouted>,
    assembled: Harness<Assembled>,
}

fn states() -> Vec<State> {
    let mut out = Vec::new();
    for leader in [true, false] {
        out.push(State {
            name: "related",
            leader,
            routed: related(leader),
            unrouted: related(leader),
            assembled: related(leader),
        });
        out.push(State {
            name: "fresh",
            leader,
            routed: fresh(leader),
            unrouted: fresh(leader),
            assembled: fresh(leader),
        });
    }
    out
}

#[test]
fn every_hook_ends_as_when_every_integration_saw_it() {
    let mut runs = 0;
    let mut wrote = 0;
    for state in states() {
        for event in events() {
            let shown = format!("{event:?} ({}, leader: {})", state.name, state.leader);
            let ours = state.routed.run(event.clone());
            let again = state.routed.run(event.clone());
            let theirs = state.unrouted.run(event.clone());
            // Lines that differ between two runs of the same hook hold random values (a
            // dashboards publication's UUID, a rotated key, a Valkey salt): not compared.
            let (ours_state, again, theirs_state) =
                (end_state(&ours), end_state(&again), end_state(&theirs));
            assert_eq!(
                ours_state.lines().count(),
                theirs_state.lines().count(),
                "{shown}: {ours_state}\n---\n{theirs_state}"
            );
            let compared = ours_state
                .lines()
                .zip(again.lines())
                .zip(theirs_state.lines())
                .filter(|((a, a2), _)| a == a2);
            for ((a, _), b) in compared {
                assert_eq!(
                    a, b,
                    "{shown}: the routed hook and the hook every integration saw differ"
                );
            }
            assert!(
                ours.hook_tool_calls().len() <= theirs.hook_tool_calls().len(),
                "{shown}: routing made more hook-tool calls"
            );
            // The set assembled at run time routes as the generated one: the same calls.
            let assembled = state.assembled.run(event);
            assert_eq!(
                assembled.hook_tool_calls(),
                ours.hook_tool_calls(),
                "{shown}: DynamicSet"
            );
            assert_eq!(
                assembled.pebble_requests(),
                ours.pebble_requests(),
                "{shown}: DynamicSet"
            );
            runs += 1;
            if !ours.relation("postgresql").app_written.is_empty()
                || !ours.relation("ingress").unit_written.is_empty()
            {
                wrote += 1;
            }
        }
    }
    assert_eq!(runs, 2 * 2 * (20 + 18 * 5));
    // The states make the integrations act: the comparison is not of idle hooks.
    assert!(wrote > 4, "only {wrote} hooks wrote relation data");
}
