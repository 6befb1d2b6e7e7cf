//! The runtime's `PebbleClient` against the Pebble-protocol test server: every method, the
//! error paths, and exec with its websockets.

#![allow(clippy::unwrap_used, missing_docs)]

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use paas_charm_runtime::pebble::{
    ExecRequest, Layer, Pebble, PebbleClient, PebbleError, PushOptions, Service,
};
use pebble_server::{CheckState, ExecScript, PebbleServer, State};

fn socket() -> PathBuf {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    std::env::temp_dir()
        .join(format!(
            "pebble-client-test-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        ))
        .join("pebble.socket")
}

fn rock() -> Layer {
    let mut services = BTreeMap::new();
    services.insert(
        "web".to_owned(),
        Service {
            r#override: "replace".into(),
            startup: "enabled".into(),
            command: "/bin/web --port 8000".into(),
            ..Service::default()
        },
    );
    Layer {
        services,
        ..Layer::default()
    }
}

fn serve(state: State) -> (PebbleServer, PebbleClient) {
    let server = PebbleServer::start(socket(), state).unwrap();
    let client = PebbleClient::new(server.socket());
    (server, client)
}

#[test]
fn system_info_and_can_connect_share_one_connection() {
    let (server, mut client) = serve(State::default());
    assert!(client.can_connect());
    let info = client.system_info().unwrap();
    assert_eq!(info.version, "v1.32.1");
    assert_eq!(server.state().request_lines(), ["GET /v1/system-info"]);
    assert_eq!(client.requests(), 1);
}

#[test]
fn a_missing_socket_is_a_connection_error_everywhere() {
    let mut client = PebbleClient::new(socket());
    assert!(!client.can_connect());
    assert!(matches!(client.plan(), Err(PebbleError::Connection(_))));
    assert!(matches!(client.replan(), Err(PebbleError::Connection(_))));
    assert!(matches!(
        client.exec(&ExecRequest::new(["true"])),
        Err(PebbleError::Connection(_))
    ));
    assert!(matches!(client.pull("/a"), Err(PebbleError::Connection(_))));
}

#[test]
fn layers_combine_into_the_plan_and_replan_starts_services() {
    let (server, mut client) = serve(State::with_rock_layer(rock()));
    let plan = client.plan().unwrap();
    assert_eq!(plan.services["web"].command, "/bin/web --port 8000");

    let mut charm = rock();
    let web = charm.services.get_mut("web").unwrap();
    web.environment
        .insert("PORT".into(), serde_json::json!("8000"));
    client.add_layer("charm", &charm, true).unwrap();
    client.add_layer("charm", &charm, true).unwrap();
    let err = client.add_layer("charm", &charm, false).unwrap_err();
    assert_eq!(
        err,
        PebbleError::Api {
            status: 400,
            kind: None,
            message: "layer \"charm\" already exists".into()
        }
    );
    let plan = client.plan().unwrap();
    assert_eq!(plan.services["web"].environment["PORT"], "8000");

    client.replan().unwrap();
    let services = client.services().unwrap();
    assert_eq!(services.len(), 1);
    assert!(services[0].is_running());
    assert_eq!(services[0].startup, "enabled");

    let state = server.state();
    assert_eq!(state.layers.len(), 2);
    let body = state.requests[1].body.as_ref().unwrap();
    assert_eq!(body["action"], "add");
    assert_eq!(body["label"], "charm");
    assert_eq!(body["combine"], true);
    assert_eq!(body["format"], "yaml");
    let replan = state
        .requests
        .iter()
        .position(|r| r.path == "/v1/services" && r.method == "POST")
        .unwrap();
    assert_eq!(
        state.requests[replan].body.as_ref().unwrap()["action"],
        "replan"
    );
    assert!(state.requests[replan + 1].path.ends_with("/wait"));
    assert!(state
        .requests
        .iter()
        .any(|r| r.path == "/v1/plan" && r.query == "format=yaml"));
}

#[test]
fn a_layer_without_override_is_refused_with_pebbles_text() {
    let (_server, mut client) = serve(State::default());
    let mut layer = rock();
    layer.services.get_mut("web").unwrap().r#override = String::new();
    let err = client.add_layer("bad", &layer, true).unwrap_err();
    assert_eq!(
        err.to_string(),
        "Pebble API error (400): layer \"bad\" must define \"override\" for service \"web\""
    );
}

#[test]
fn start_stop_restart_and_a_failing_change() {
    let mut state = State::with_rock_layer(rock());
    state.failing_services.insert("broken".into());
    state.layers[0].layer.services.insert(
        "broken".into(),
        Service {
            r#override: "replace".into(),
            command: "/bin/false".into(),
            ..Service::default()
        },
    );
    let (server, mut client) = serve(state);
    client.start(&["web".into()]).unwrap();
    assert_eq!(server.state().service_current("web"), "active");
    client.restart(&["web".into()]).unwrap();
    client.stop(&["web".into()]).unwrap();
    assert_eq!(server.state().service_current("web"), "inactive");

    match client.start(&["broken".into()]).unwrap_err() {
        PebbleError::ChangeFailed { err, .. } => {
            assert!(
                err.starts_with("cannot perform the following tasks:"),
                "{err}"
            );
            assert!(err.contains("Start service \"broken\""), "{err}");
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(
        client.start(&["nosuch".into()]).unwrap_err().to_string(),
        "Pebble API error (400): cannot start services: service \"nosuch\" does not exist"
    );
}

#[test]
fn signals_reach_running_services_and_fail_on_stopped_ones() {
    let (server, mut client) = serve(State::with_rock_layer(rock()));
    let err = client.send_signal("SIGHUP", &["web".into()]).unwrap_err();
    assert!(
        matches!(err, PebbleError::Api { status: 500, .. }),
        "{err:?}"
    );
    client.replan().unwrap();
    client.send_signal("SIGHUP", &["web".into()]).unwrap();
    let signals = server.state().signals;
    assert_eq!(signals.len(), 1);
    assert_eq!(signals[0].signal, "SIGHUP");
    assert_eq!(signals[0].services, ["web"]);
}

#[test]
fn files_push_pull_list_make_dirs_and_not_found() {
    let (server, mut client) = serve(State::default());
    assert_eq!(
        client.pull("/etc/missing").unwrap_err(),
        PebbleError::NotFound("/etc/missing".into())
    );
    assert_eq!(
        client.list_files("/nowhere").unwrap_err(),
        PebbleError::NotFound("/nowhere".into())
    );
    // No parent and no make-dirs: a per-item not-found inside a 200.
    assert_eq!(
        client
            .push("/srv/a/b.txt", b"x", &PushOptions::default())
            .unwrap_err(),
        PebbleError::NotFound("/srv/a/b.txt".into())
    );
    let content: Vec<u8> = (0..5000u32).map(|i| (i % 251) as u8).collect();
    let options = PushOptions {
        make_dirs: true,
        permissions: Some("600".into()),
        user: Some("_daemon_".into()),
        group: Some("_daemon_".into()),
    };
    client.push("/srv/a/b 1.bin", &content, &options).unwrap();
    // Big enough to come back chunked.
    assert_eq!(client.pull("/srv/a/b 1.bin").unwrap(), content);
    client
        .make_dir("/srv/a/logs", &PushOptions::default())
        .unwrap();
    assert_eq!(
        client
            .make_dir("/x/y/z", &PushOptions::default())
            .unwrap_err(),
        PebbleError::NotFound("/x/y/z".into())
    );
    let mut listing: Vec<(String, String, String)> = client
        .list_files("/srv/a")
        .unwrap()
        .into_iter()
        .map(|f| (f.path, f.name, f.kind))
        .collect();
    listing.sort();
    assert_eq!(
        listing,
        [
            ("/srv/a/b 1.bin".into(), "b 1.bin".into(), "file".into()),
            ("/srv/a/logs".into(), "logs".into(), "directory".into()),
        ]
    );
    let state = server.state();
    let file = &state.files["/srv/a/b 1.bin"];
    assert_eq!(file.permissions, "600");
    assert_eq!(file.user, "_daemon_");
    assert_eq!(file.group, "_daemon_");
    let read = state
        .requests
        .iter()
        .find(|r| r.method == "GET" && r.query.starts_with("action=read"))
        .unwrap();
    assert_eq!(read.query, "action=read&path=%2Fetc%2Fmissing");
}

#[test]
fn checks_are_listed() {
    let mut state = State::default();
    state.checks.push(CheckState {
        name: "up".into(),
        level: "alive".into(),
        status: "down".into(),
        failures: 3,
        threshold: 3,
    });
    let (_server, mut client) = serve(state);
    let checks = client.checks().unwrap();
    assert_eq!(checks.len(), 1);
    assert_eq!(checks[0].name, "up");
    assert_eq!(checks[0].status, "down");
    assert_eq!(checks[0].failures, 3);
}

#[test]
fn exec_carries_stdin_stdout_stderr_and_a_non_zero_exit_without_stalling() {
    let mut state = State::default();
    state.exec_scripts.push(ExecScript {
        command_prefix: vec!["cat".into()],
        stdout: "got: ".into(),
        stderr: "warning: cats\n".into(),
        exit_code: 3,
        echo_stdin: true,
    });
    let (server, mut client) = serve(state);
    let mut request = ExecRequest::new(["cat", "-"]);
    request.stdin = Some(b"hello world\n".to_vec());
    request.environment.insert("A".into(), "b".into());
    request.working_dir = Some("/flask/app".into());
    request.user = Some("_daemon_".into());
    request.timeout_secs = Some(60);
    let started = Instant::now();
    let output = client.exec(&request).unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "exec stalled for {:?}",
        started.elapsed()
    );
    assert_eq!(output.exit_code, 3);
    assert!(!output.success());
    assert_eq!(output.stdout, "got: hello world\n");
    assert_eq!(output.stderr, "warning: cats\n");

    // Unscripted: exit 0, no output; combined stderr goes to stdout.
    let output = client.exec(&ExecRequest::new(["true"])).unwrap();
    assert_eq!((output.exit_code, output.stdout.as_str()), (0, ""));
    let mut combined = ExecRequest::new(["cat"]);
    combined.combine_stderr = true;
    let output = client.exec(&combined).unwrap();
    assert_eq!(output.stdout, "got: warning: cats\n");
    assert_eq!(output.stderr, "");

    let state = server.state();
    assert_eq!(state.execs.len(), 3);
    let first = &state.execs[0];
    assert_eq!(first.command, ["cat", "-"]);
    assert_eq!(first.stdin, "hello world\n");
    assert_eq!(first.environment["A"], "b");
    assert_eq!(first.working_dir.as_deref(), Some("/flask/app"));
    assert_eq!(first.user.as_deref(), Some("_daemon_"));
    assert_eq!(first.timeout.as_deref(), Some("60s"));
    assert!(first.split_stderr);
    let lines = state.request_lines();
    let websockets = lines.iter().filter(|l| l.contains("/websocket/")).count();
    assert_eq!(websockets, 2 + 2 + 1, "{lines:?}");
}

#[test]
fn exec_of_a_missing_executable_is_an_api_error() {
    let mut state = State::default();
    state.missing_executables.insert("/no/such/exe".into());
    let (_server, mut client) = serve(state);
    assert_eq!(
        client
            .exec(&ExecRequest::new(["/no/such/exe"]))
            .unwrap_err(),
        PebbleError::Api {
            status: 400,
            kind: None,
            message: "cannot find executable \"/no/such/exe\"".into()
        }
    );
}

#[test]
fn a_kept_alive_connection_survives_a_server_restart() {
    let path = socket();
    let server = PebbleServer::start(path.clone(), State::with_rock_layer(rock())).unwrap();
    let mut client = PebbleClient::new(&path);
    assert_eq!(client.plan().unwrap().services.len(), 1);
    drop(server);
    let _server = PebbleServer::start(path, State::default()).unwrap();
    assert!(client.plan().unwrap().services.is_empty());
}

#[test]
fn a_no_op_replan_still_makes_a_change_and_ids_count_like_pebble() {
    let (server, mut client) = serve(State::with_rock_layer(rock()));
    client.replan().unwrap();
    let first = client.services().unwrap();
    let since = first[0].current_since.clone();
    assert!(since.is_some(), "{first:?}");
    // Nothing changed: Pebble still makes a change, done at once, and the client waits on it.
    client.replan().unwrap();
    let state = server.state();
    assert_eq!(
        state.request_lines(),
        [
            "POST /v1/services",
            "GET /v1/changes/1/wait",
            "GET /v1/services",
            "POST /v1/services",
            "GET /v1/changes/2/wait",
        ]
    );
    assert_eq!(state.changes["1"]["summary"], "Replan service \"web\"");
    assert_eq!(state.changes["2"]["summary"], "Replan - no services");
    assert_eq!(state.changes["2"]["tasks"], serde_json::json!([]));
    assert_eq!(state.changes["2"]["status"], "Done");
    // The service kept running: the same `current-since`; a restart moves it.
    assert_eq!(client.services().unwrap()[0].current_since, since);
    client.restart(&["web".into()]).unwrap();
    assert_ne!(client.services().unwrap()[0].current_since, since);
}

#[test]
fn missing_paths_answer_as_pebble_does() {
    let (_server, mut client) = serve(State::default());
    match client.list_files("/app").unwrap_err() {
        // The client maps Pebble's 404 `not-found` to `NotFound(path)`.
        PebbleError::NotFound(path) => assert_eq!(path, "/app"),
        other => panic!("unexpected {other:?}"),
    }
    match client.pull("/tmp/nothing").unwrap_err() {
        PebbleError::NotFound(path) => assert_eq!(path, "/tmp/nothing"),
        other => panic!("unexpected {other:?}"),
    }
}
