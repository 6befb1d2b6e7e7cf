//! The extension points in a reconcile, on the extended example's scenarios (the runtime
//! side only: this test charm's extensions are its own).

use crate::extensions::*;
use crate::integration::database::Postgresql;
use crate::integration::{Cx, Integration};
use crate::simulator::World;
use crate::testing::DynamicSet;
use serde_json::{json, Value};

const RENAMED: &[(&str, &str)] = &[("postgresql", "db")];

struct TestExtensions;

struct Echo;

#[derive(serde::Deserialize)]
struct EchoParams {
    word: String,
    #[serde(default)]
    times: u8,
}

impl Action for Echo {
    const NAME: &'static str = "greet";
    type Params = EchoParams;
    type Results = Value;

    fn run(params: EchoParams, cx: &mut Cx<'_>) -> Result<Value, String> {
        if params.times == 0 {
            return Err("times must be at least 1".into());
        }
        Ok(json!({
            "echo": {"text": params.word.repeat(params.times.into()), "times": params.times},
            "leader": cx.juju.is_leader().map_err(|e| e.to_string())?,
        }))
    }
}

impl Extensions for TestExtensions {
    fn extra_env(&self, view: &EnvView<'_>) -> Vec<(String, String)> {
        vec![
            // Overrides the framework's variable: extra env comes last.
            ("FLASK_BASE_URL".into(), format!("{}/app", view.base_url)),
            (
                "SEEN_DB_NAME".into(),
                view.env.get("POSTGRESQL_DB_NAME").unwrap_or_default(),
            ),
        ]
    }

    fn before_reconcile(&self, cx: &mut Cx<'_>) -> Result<(), ExtensionError> {
        match cx.juju.config()?.get("greeting") {
            Some(Value::String(s)) if s.trim().is_empty() => {
                Err(ExtensionError::Waiting("waiting for a greeting".into()))
            }
            _ => Ok(()),
        }
    }

    fn after_reconcile(&self, _cx: &mut Cx<'_>) -> Result<(), ExtensionError> {
        Err(ExtensionError::Blocked("after the reconcile".into()))
    }

    fn actions(&self) -> Vec<ExtraAction> {
        vec![ExtraAction::of::<Echo>()]
    }
}

fn run(name: &str, params: Option<Value>) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(format!("../tests/scenarios/extended/{name}.json"));
    let mut text: Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("scenario")).expect("json");
    if let Some(params) = params {
        text["event_args"]["params"] = params;
    }
    let tmp = std::env::temp_dir().join(format!("ext-{}-{name}.json", std::process::id()));
    std::fs::write(&tmp, text.to_string()).expect("write");
    let mut world = World::load(&tmp).expect("loads");
    std::fs::remove_file(&tmp).ok();
    world.meta = world.meta.with_renamed_endpoints(RENAMED);
    let mut pg = Postgresql::bind(&world.meta).expect("db is served as postgresql");
    let mut all = DynamicSet::new().with(&mut pg).with_always_on(&world.meta);
    world.run_with(&mut all, &TestExtensions, RENAMED)
}

#[test]
fn extra_env_comes_last_and_sees_the_integrations_env() {
    let out = run("extended_db_changed_with_audit", None);
    let env = &out["pebble"]["layers"]["charm"]["services"]["flask"]["environment"];
    assert_eq!(
        env["FLASK_BASE_URL"],
        "http://extended-k8s.test-model:8000/app"
    );
    assert_eq!(env["SEEN_DB_NAME"], "extended-k8s");
    // after_reconcile runs once Active is set, and its error sets its status.
    assert_eq!(
        out["unit_status"],
        json!({"name": "blocked", "message": "after the reconcile"})
    );
    assert_eq!(out["error"], Value::Null);
}

#[test]
fn before_reconcile_stops_with_its_status() {
    let out = run("extended_empty_greeting_blocked", None);
    assert_eq!(
        out["unit_status"],
        json!({"name": "waiting", "message": "waiting for a greeting"})
    );
    assert_eq!(out["pebble"]["layers"], json!({}));
}

#[test]
fn extra_actions_parse_params_and_flatten_results() {
    let out = run(
        "extended_greet_action",
        Some(json!({"word": "ab", "times": 2})),
    );
    assert_eq!(
        out["action"],
        json!({"name": "greet", "failed": false, "results": {
            "echo.text": "abab", "echo.times": "2", "leader": "false"
        }})
    );
    let out = run("extended_greet_action", Some(json!({"times": 2})));
    assert_eq!(
        out["action"]["message"],
        "invalid params for action \"greet\": missing field `word`"
    );
    let out = run("extended_greet_action", Some(json!({"word": "a"})));
    assert_eq!(out["action"]["message"], "times must be at least 1");
}

#[test]
fn an_unknown_action_still_fails_naming_it() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/scenarios/extended/extended_greet_action.json");
    let mut text: Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("scenario")).expect("json");
    text["event"] = json!("action:wave");
    let tmp = std::env::temp_dir().join(format!("ext-{}-wave.json", std::process::id()));
    std::fs::write(&tmp, text.to_string()).expect("write");
    let world = World::load(&tmp).expect("loads");
    std::fs::remove_file(&tmp).ok();
    let out = world.run_with(&mut (), &TestExtensions, &[]);
    assert_eq!(
        out["action"]["message"],
        "this charm has no action named \"wave\""
    );
}
