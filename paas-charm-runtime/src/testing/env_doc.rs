//! docs/ENVIRONMENT.md, derived from the runtime: every scenario of the repository's corpus
//! (`tests/scenarios/<framework>/`) is run for each of the six frameworks with every
//! integration bound (the example charm's charmcraft.yaml plus the scenario's endpoints, all
//! optional), and each framework's options are run at their defaults and changed one by
//! one. The environment composition records each variable's contributor
//! ([`crate::env::provenance`]); the document lists what was seen. The test fails when the
//! committed file differs; `UPDATE_ENVIRONMENT_MD=1` rewrites it.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;
use std::path::{Path, PathBuf};

use serde_json::{json, Map, Value};

use crate::env::{provenance, Env, Source};
use crate::framework::FrameworkKind;
use crate::integration::IntegrationSet;
use crate::juju::metadata::OptionType;
use crate::juju::CharmMeta;
use crate::simulator::complete::{rock_layer, PLACEHOLDER_SECRET_KEY};
use crate::simulator::{Scenario, World};
use crate::testing::DynamicSet;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The example charm directory of a framework.
fn example_dir(kind: FrameworkKind) -> &'static str {
    match kind {
        FrameworkKind::Flask => "flask",
        FrameworkKind::Django => "django",
        FrameworkKind::FastApi => "fastapi",
        FrameworkKind::Go => "go",
        FrameworkKind::ExpressJs => "expressjs",
        FrameworkKind::SpringBoot => "spring-boot",
    }
}

fn title(kind: FrameworkKind) -> &'static str {
    match kind {
        FrameworkKind::Flask => "Flask",
        FrameworkKind::Django => "Django",
        FrameworkKind::FastApi => "FastAPI",
        FrameworkKind::Go => "Go",
        FrameworkKind::ExpressJs => "Express.js",
        FrameworkKind::SpringBoot => "Spring Boot",
    }
}

/// What was seen: (framework, variable) → its contributors other than integrations;
/// integration → variable → frameworks; option-dependent variables → options.
#[derive(Default)]
struct Catalog {
    seen: BTreeMap<(usize, String), BTreeSet<String>>,
    integrations: BTreeMap<String, BTreeMap<String, BTreeSet<usize>>>,
    options: BTreeMap<(usize, String), BTreeSet<String>>,
}

fn index(kind: FrameworkKind) -> usize {
    FrameworkKind::ALL
        .iter()
        .position(|k| *k == kind)
        .unwrap_or_default()
}

/// Runs `scenario` and returns the composed environment when the charm went active.
fn run(scenario: Value) -> Option<Env> {
    let scenario: Scenario = serde_json::from_value(scenario).ok()?;
    let world = World::new(scenario).ok()?;
    // Every integration the attribute accepts and the always-on ones, bound when the metadata
    // has their endpoints.
    let mut all = DynamicSet::bind(&world.meta);
    let (output, env) = provenance::capture(|| world.run(&mut all));
    (output["unit_status"]["name"] == "active")
        .then_some(env)
        .flatten()
}

fn base_metadata(kind: FrameworkKind) -> Value {
    let path = repo()
        .join("examples")
        .join(example_dir(kind))
        .join("charmcraft.yaml");
    let text = std::fs::read_to_string(&path).expect("the example's charmcraft.yaml");
    let mut metadata = crate::yaml::to_json_value(&text).expect("charmcraft.yaml parses");
    if let Some(requires) = metadata["requires"].as_object_mut() {
        for endpoint in requires.values_mut() {
            endpoint["optional"] = json!(true);
        }
    }
    metadata
}

/// A config-changed scenario of `kind` with Juju model proxies and a second peer unit.
fn scenario_for(kind: FrameworkKind, metadata: &Value) -> Map<String, Value> {
    let info = kind.info();
    let app = metadata["name"].as_str().unwrap_or("app").to_owned();
    let mut map = Map::new();
    map.insert("framework".into(), json!(info.name));
    map.insert("metadata".into(), metadata.clone());
    map.insert(
        "proxy_env".into(),
        json!({"JUJU_CHARM_HTTP_PROXY": "http://proxy:3128",
               "JUJU_CHARM_HTTPS_PROXY": "http://proxy:3128",
               "JUJU_CHARM_NO_PROXY": "127.0.0.1"}),
    );
    map.insert(
        "peer".into(),
        json!({"id": 1, "local_app_data": {info.secret_key_field: PLACEHOLDER_SECRET_KEY},
               "local_unit_data": {}, "peers_data": {"1": {}}}),
    );
    map.insert("base_layer".into(), rock_layer(kind, &app));
    let own = crate::simulator::OwnCharm {
        framework: kind,
        charmcraft_yaml: "{}",
    };
    crate::simulator::complete::complete(&mut map, &own).expect("completes");
    map
}

fn record(catalog: &mut Catalog, kind: FrameworkKind, env: &Env, option: Option<&str>) {
    for (name, _) in env.iter() {
        let source = env.source(name).cloned().unwrap_or_default();
        let key = (index(kind), name.clone());
        match source {
            Source::UserOption | Source::Extension => continue,
            Source::Integration(integration) => {
                catalog
                    .integrations
                    .entry(integration)
                    .or_default()
                    .entry(name.clone())
                    .or_default()
                    .insert(index(kind));
            }
            other => {
                let label = match (&other, option) {
                    (Source::FrameworkOption | Source::Framework, Some(_)) => {
                        "framework option".to_owned()
                    }
                    _ => describe(&other),
                };
                catalog.seen.entry(key.clone()).or_default().insert(label);
            }
        }
        if let Some(option) = option {
            catalog
                .options
                .entry(key)
                .or_default()
                .insert(option.to_owned());
        }
    }
}

/// A PostgreSQL relation of the corpus (with its secrets), for Django runs without one.
fn database_relation(corpus: &[Value]) -> Option<(Value, Value)> {
    corpus.iter().find_map(|scenario| {
        let relation = scenario["relations"].as_array()?.iter().find(|r| {
            r["endpoint"] == "postgresql" && r["remote_app_data"]["endpoints"].is_string()
        })?;
        Some((relation.clone(), scenario["secrets"].clone()))
    })
}

fn add_database(map: &mut Map<String, Value>, database: &Option<(Value, Value)>) {
    let Some((relation, secrets)) = database else {
        return;
    };
    let relations = map["relations"].as_array().cloned().unwrap_or_default();
    if relations
        .iter()
        .any(|r| ["postgresql", "mysql", "mongodb"].contains(&r["endpoint"].as_str().unwrap_or("")))
    {
        return;
    }
    let id = relations
        .iter()
        .filter_map(|r| r["id"].as_u64())
        .max()
        .unwrap_or(1)
        + 1;
    let mut relation = relation.clone();
    relation["id"] = json!(id);
    let mut all = relations;
    all.push(relation);
    map.insert("relations".into(), Value::Array(all));
    let mut all_secrets = map["secrets"].as_array().cloned().unwrap_or_default();
    all_secrets.extend(secrets.as_array().cloned().unwrap_or_default());
    map.insert("secrets".into(), Value::Array(all_secrets));
}

/// For each framework option (declared by the example or set in the framework's corpus):
/// (metadata, config) variants that change it: another value of its type, the values the
/// corpus sets, and the option without its default.
fn option_variants(
    kind: FrameworkKind,
    meta: &CharmMeta,
    corpus: &[Value],
) -> BTreeMap<String, Vec<(Value, Value)>> {
    let base = base_metadata(kind);
    let framework_option = |name: &str| {
        !crate::state::is_user_option(kind.info(), name)
            || crate::framework::model_fields(kind).contains(&name.replace('-', "_").as_str())
    };
    let mut out: BTreeMap<String, Vec<(Value, Value)>> = BTreeMap::new();
    for (name, option) in &meta.config.options {
        if !framework_option(name) {
            continue;
        }
        let variants = out.entry(name.clone()).or_default();
        variants.push((
            base.clone(),
            json!({name: perturbed(option.kind, option.default.as_ref())}),
        ));
        if option.default.is_some() {
            let mut without = base.clone();
            if let Some(o) = without["config"]["options"][name].as_object_mut() {
                o.remove("default");
            }
            variants.push((without, json!({})));
        }
    }
    for scenario in corpus.iter().filter(|s| s["framework"] == kind.info().name) {
        for (name, value) in scenario["config"].as_object().into_iter().flatten() {
            if !framework_option(name) || value.is_null() {
                continue;
            }
            let mut metadata = base.clone();
            if metadata["config"]["options"].get(name).is_none() {
                metadata["config"]["options"][name] =
                    scenario["metadata"]["config"]["options"][name].clone();
            }
            out.entry(name.clone())
                .or_default()
                .push((metadata, json!({name: value})));
        }
    }
    out
}

fn perturbed(kind: OptionType, default: Option<&Value>) -> Value {
    match kind {
        OptionType::Int => json!(default.and_then(Value::as_i64).unwrap_or(0) + 1),
        OptionType::Float => json!(default.and_then(Value::as_f64).unwrap_or(0.0) + 1.0),
        OptionType::Boolean => json!(!default.and_then(Value::as_bool).unwrap_or(false)),
        OptionType::String | OptionType::Secret => json!("x"),
    }
}

fn collect() -> Catalog {
    let mut catalog = Catalog::default();
    let mut corpus: Vec<Value> = Vec::new();
    for kind in FrameworkKind::ALL {
        let dir = repo().join("tests/scenarios").join(example_dir(kind));
        let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
            .expect("the corpus folder")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                let name = p.to_string_lossy();
                name.ends_with(".json") && !name.ends_with(".out.json")
            })
            .collect();
        paths.sort();
        for path in paths {
            let text = std::fs::read_to_string(&path).expect("scenario");
            corpus.push(serde_json::from_str(&text).expect("scenario JSON"));
        }
    }
    let database = database_relation(&corpus);
    for kind in FrameworkKind::ALL {
        let metadata = base_metadata(kind);
        let meta: CharmMeta = serde_json::from_value(metadata.clone()).expect("metadata");
        // The framework's options at their defaults, then each changed.
        let mut base = scenario_for(kind, &metadata);
        if kind == FrameworkKind::Django {
            add_database(&mut base, &database);
        }
        let default_env = run(Value::Object(base.clone()));
        if let Some(env) = &default_env {
            record(&mut catalog, kind, env, None);
        }
        for (name, variants) in option_variants(kind, &meta, &corpus) {
            for (changed_meta, config) in variants {
                let mut changed = base.clone();
                changed.insert("metadata".into(), changed_meta);
                changed.insert("config".into(), config);
                let Some(env) = run(Value::Object(changed)) else {
                    continue;
                };
                let mut differs = Env::recording();
                for (var, value) in env.iter() {
                    let before = default_env.as_ref().and_then(|e| e.get(var));
                    if before.as_deref() != env.get(var).as_deref() {
                        differs.attribute(env.source(var).cloned().unwrap_or_default());
                        differs.set_value(var.clone(), value.clone());
                    }
                }
                record(&mut catalog, kind, &differs, Some(&name));
            }
        }
        // Every corpus scenario's relations, as this framework's.
        for scenario in &corpus {
            let mut map = scenario_for(kind, &metadata);
            let mut metadata = metadata.clone();
            for relation in scenario["relations"].as_array().into_iter().flatten() {
                let endpoint = relation["endpoint"].as_str().unwrap_or_default();
                let known = ["requires", "provides"]
                    .iter()
                    .any(|k| metadata[k].get(endpoint).is_some());
                if !known {
                    metadata["requires"][endpoint] =
                        json!({"interface": relation["interface"], "optional": true});
                }
            }
            map.insert("metadata".into(), metadata);
            for key in ["relations", "secrets", "app_name", "model_name", "fqdn"] {
                map.insert(key.into(), scenario[key].clone());
            }
            // Django blocks without a database: give it the corpus's first PostgreSQL.
            if kind == FrameworkKind::Django {
                add_database(&mut map, &database);
            }
            if let Some(env) = run(Value::Object(map)) {
                record(&mut catalog, kind, &env, None);
            }
        }
    }
    catalog
}

fn describe(source: &Source) -> String {
    match source {
        Source::FrameworkOption => "framework default".into(),
        Source::UserOption => "user option".into(),
        Source::BaseUrl => "base URL (ingress URL, else `http://<app>.<model>:<port>`)".into(),
        Source::PeerSecretKey => "the peer secret key (unless an option sets it)".into(),
        Source::PeerUnits => "the other units of the `secret-storage` peer relation".into(),
        Source::JujuProxy => "Juju model proxy (`JUJU_CHARM_*_PROXY`)".into(),
        Source::Integration(name) => format!("integration `{name}`"),
        Source::Framework => "framework (derived)".into(),
        Source::Extension => "the charm's extensions".into(),
        Source::Unknown => "unknown".into(),
    }
}

fn render(catalog: &Catalog) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Environment variables\n\n\
         Every variable a paas-charm-rs charm gives its workload, by framework and by \
         integration. Generated from the runtime: `cargo test -p paas-charm-runtime --lib \
         env_doc` runs the repository's scenario corpus for each framework with every \
         integration bound, and each framework option changed, and records which step of \
         the environment composition set each variable. Do not edit: regenerate with \
         `UPDATE_ENVIRONMENT_MD=1 cargo test -p paas-charm-runtime --lib env_doc`.\n\n\
         To see what your own charm gives, with values and where each comes from: \
         `<charm> env --explain` (README.md, \"Inspecting the environment\").\n\n\
         The main service gets these; `*-worker` services get the same environment and \
         `*-scheduler` services too on unit 0 (they are disabled on the other units).\n\n\
         ## User-defined options\n\n\
         Every option of charmcraft.yaml that is not a framework option (not \
         `<framework>-*`, `webserver-*` or `app-*`, nor a framework field such as \
         `metrics-port`) becomes `<prefix><OPTION>`: `-` becomes `_`, upper case \
         (`FLASK_` for Flask, `DJANGO_` for Django, `APP_` for the others). A `secret` \
         option becomes one `<prefix><OPTION>_<KEY>` per key of the secret's content.\n"
    );
    for kind in FrameworkKind::ALL {
        let i = index(kind);
        let _ = writeln!(
            out,
            "## {} (`{}`)\n\n| variable | from |\n|---|---|",
            title(kind),
            kind.info().config_prefix
        );
        for ((k, name), labels) in &catalog.seen {
            if *k != i {
                continue;
            }
            let options = catalog.options.get(&(i, name.clone()));
            let defaulted = labels.contains("framework default");
            let from: Vec<String> = labels
                .iter()
                .filter_map(|label| match (label.as_str(), options) {
                    ("framework option", Some(options)) => {
                        let list: Vec<String> = options.iter().map(|o| format!("`{o}`")).collect();
                        let unset = if defaulted {
                            " (a framework default when unset)"
                        } else {
                            ""
                        };
                        Some(format!("option {}{unset}", list.join(", ")))
                    }
                    ("framework option", None) => Some("framework default".into()),
                    ("framework default", Some(_)) => None,
                    (other, _) => Some(other.to_owned()),
                })
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect();
            let _ = writeln!(out, "| `{name}` | {} |", from.join("; "));
        }
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "## Integrations\n\nThe same names for every framework except Spring Boot, which gets \
         Spring properties. A variable is set only while the integration is ready. OAuth's \
         names carry the framework's prefix and the endpoint's name (`oidc` in the examples): \
         `<prefix><ENDPOINT>_CLIENT_ID`.\n"
    );
    let by_integration = &catalog.integrations;
    for integration in paas_charm_requirements::INTEGRATIONS.iter().map(|i| i.name) {
        let _ = writeln!(out, "### {integration}\n");
        let Some(vars) = by_integration.get(integration) else {
            let _ = writeln!(out, "No variables.\n");
            continue;
        };
        let _ = writeln!(out, "| variable | frameworks |\n|---|---|");
        for (name, kinds) in vars {
            let names: Vec<&str> = kinds
                .iter()
                .map(|k| title(FrameworkKind::ALL[*k]))
                .collect();
            let shown = if kinds.len() == FrameworkKind::ALL.len() - 1
                && !kinds.contains(&index(FrameworkKind::SpringBoot))
            {
                "all but Spring Boot".to_owned()
            } else {
                names.join(", ")
            };
            let _ = writeln!(out, "| `{name}` | {shown} |");
        }
        out.push('\n');
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

#[test]
fn environment_md_matches_the_runtime() {
    let catalog = collect();
    let text = render(&catalog);
    let path = repo().join("docs/ENVIRONMENT.md");
    if std::env::var_os("UPDATE_ENVIRONMENT_MD").is_some() {
        std::fs::create_dir_all(repo().join("docs")).expect("docs/");
        std::fs::write(&path, &text).expect("writes docs/ENVIRONMENT.md");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == text,
        "docs/ENVIRONMENT.md differs from what the runtime gives; regenerate it with \
         UPDATE_ENVIRONMENT_MD=1 cargo test -p paas-charm-runtime --lib env_doc"
    );
    // Every integration the attribute accepts shows up with at least one variable.
    for name in paas_charm_requirements::INTEGRATIONS.iter().map(|i| i.name) {
        assert!(
            text.contains(&format!("### {name}\n\n| variable")),
            "{name} has no variable in the corpus runs"
        );
    }
}
