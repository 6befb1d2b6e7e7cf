//! End-to-end harness: an example charm's binary run as a real hook process.
//!
//! [`CharmBinary::build`] builds `<framework>-k8s` (the examples' package and binary name) with
//! cargo and finds its charm directory (`examples/<framework>`) and its rock's Pebble layer
//! (the `base_layer` of the framework's scenarios). A [`World`] is one unit: a fake-juju state
//! (leader `<app>/0`, config defaults, the `secret-storage` peer relation with a secret key)
//! and a Pebble test-server state (the rock layer). [`World::run`] installs the hook tools in a
//! temporary `bin/` on `PATH`, serves Pebble on `<tmp>/containers/<container>/pebble.socket`
//! (`PAAS_CHARM_CONTAINERS_DIR`), runs the binary with `JUJU_DISPATCH_PATH` and the other
//! `JUJU_*` variables, and returns an [`Outcome`]: exit code, output, both states after the
//! hook, and the wall time.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use fake_juju::{Bag, Relation};
use paas_charm_runtime::framework::{FrameworkInfo, FrameworkKind};
use paas_charm_runtime::juju::CharmMeta;
use paas_charm_runtime::pebble::{Layer, Service};
use pebble_server::PebbleServer;
use serde_json::Value;

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap_or_else(|_| Path::new(env!("CARGO_MANIFEST_DIR")).join("../.."))
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|dir| {
            if dir.is_absolute() {
                dir
            } else {
                workspace_root().join(dir)
            }
        })
        .unwrap_or_else(|| workspace_root().join("target"))
}

/// Charms built in this process, by (package, release).
type Built = HashMap<(String, bool), Arc<CharmBinary>>;

/// An example charm, built.
#[derive(Debug, Clone)]
pub struct CharmBinary {
    /// The package (and binary) name, `<framework>-k8s`.
    pub package: String,
    /// The built binary.
    pub binary: PathBuf,
    /// Its charm directory (charmcraft.yaml, paas-config.yaml).
    pub charm_dir: PathBuf,
    /// The framework.
    pub framework: &'static FrameworkInfo,
    /// The charm's metadata.
    pub meta: CharmMeta,
    /// The rock's Pebble layer.
    pub rock: Layer,
    /// fake-juju's `fake-hook-tool`, built with the same profile.
    pub hook_tool: PathBuf,
}

impl CharmBinary {
    /// Builds `package` (debug or release) once per process and describes it.
    pub fn build(package: &str, release: bool) -> Result<Arc<Self>, String> {
        static BUILT: OnceLock<Mutex<Built>> = OnceLock::new();
        let cache = BUILT.get_or_init(|| Mutex::new(HashMap::new()));
        let mut cache = cache.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(charm) = cache.get(&(package.to_owned(), release)) {
            return Ok(Arc::clone(charm));
        }
        let charm = Arc::new(Self::build_uncached(package, release)?);
        cache.insert((package.to_owned(), release), Arc::clone(&charm));
        Ok(charm)
    }

    fn build_uncached(package: &str, release: bool) -> Result<Self, String> {
        let name = package
            .strip_suffix("-k8s")
            .ok_or_else(|| format!("{package:?}: example packages are named <framework>-k8s"))?;
        let kind = FrameworkKind::from_name(name)
            .ok_or_else(|| format!("{package:?}: {name:?} is not a framework"))?;
        let charm_dir = workspace_root().join("examples").join(name);
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let mut command = Command::new(cargo);
        command
            .args(["build", "--quiet", "-p", package, "--bin", package])
            .current_dir(workspace_root());
        if release {
            command.arg("--release");
        }
        let status = command
            .status()
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        if !status.success() {
            return Err(format!("cargo build -p {package} failed ({status})"));
        }
        let binary = target_dir()
            .join(if release { "release" } else { "debug" })
            .join(package);
        if !binary.exists() {
            return Err(format!("{} was not built", binary.display()));
        }
        let meta = CharmMeta::load(&charm_dir).map_err(|e| e.to_string())?;
        let rock = rock_layer(name)?;
        let hook_tool = build_fake_hook_tool(release)?;
        Ok(Self {
            hook_tool,
            package: package.to_owned(),
            binary,
            charm_dir,
            framework: kind.info(),
            meta,
            rock,
        })
    }

    /// The workload container's name.
    pub fn container(&self) -> &str {
        self.meta.container().unwrap_or(self.framework.container)
    }
}

/// The rock's layer: the `base_layer` of the framework's first scenario (they share it).
fn rock_layer(framework: &str) -> Result<Layer, String> {
    let dir = workspace_root().join("tests/scenarios").join(framework);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| {
            path.extension().is_some_and(|e| e == "json")
                && !path.to_string_lossy().ends_with(".out.json")
        })
        .collect();
    files.sort();
    let first = files
        .first()
        .ok_or_else(|| format!("no scenario in {}", dir.display()))?;
    let text = std::fs::read_to_string(first).map_err(|e| e.to_string())?;
    let scenario: Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    serde_json::from_value(scenario["base_layer"].clone()).map_err(|e| e.to_string())
}

/// The relation id of the `secret-storage` peer relation in a new [`World`].
pub const PEER_ID: u32 = 1;

/// The relation id of [`World::with_postgresql`]'s relation.
pub const POSTGRESQL_ID: u32 = 7;

/// One unit of the charm, before a hook.
pub struct World {
    /// The charm.
    pub charm: Arc<CharmBinary>,
    /// The Juju side.
    pub juju: fake_juju::State,
    /// The Pebble side.
    pub pebble: pebble_server::State,
    /// Whether the Pebble socket exists.
    pub pebble_up: bool,
    /// With `pebble_up` false: the socket file exists but nothing listens (a dead Pebble's).
    pub pebble_stale: bool,
    /// Faults the Pebble test server injects (docs/FAULTS.md).
    pub pebble_faults: Vec<pebble_server::Fault>,
    /// The Juju agent version.
    pub juju_version: String,
    /// Hook tools replaced by shell scripts: name → script body.
    pub tool_overrides: BTreeMap<String, String>,
    /// Variables to leave out of the hook's environment.
    pub unset: Vec<String>,
    /// The unit's own directory for the charm's record of what it applied
    /// (`PAAS_CHARM_STATE_DIR`): kept from one hook to the next, like Juju's charm directory.
    pub state_dir: PathBuf,
    dir: PathBuf,
}

impl World {
    /// A leader unit `<app>/0` with its peer relation (and secret key) and the rock layer.
    pub fn new(charm: &Arc<CharmBinary>) -> Self {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let dir = std::env::temp_dir().join(format!(
            "paas-charm-e2e-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        ));
        let app = charm.meta.name.clone();
        let mut juju = fake_juju::State::new(&format!("{app}/0"));
        juju.leader = true;
        for (name, option) in &charm.meta.config.options {
            if let Some(default) = &option.default {
                juju.config.insert(name.clone(), default.clone());
            }
        }
        juju.relations.push(Relation {
            id: PEER_ID,
            endpoint: "secret-storage".into(),
            remote_app: app.clone(),
            peer: true,
            local_app_data: Bag::from([(
                charm.framework.secret_key_field.to_owned(),
                "e2e-secret-key".to_owned(),
            )]),
            ..Relation::default()
        });
        juju.bindings
            .insert("juju-info".into(), vec!["10.1.0.10".into()]);
        let mut pebble = pebble_server::State::with_rock_layer(charm.rock.clone());
        pebble.dirs.insert(charm.framework.app_dir.to_owned());
        Self {
            charm: Arc::clone(charm),
            juju,
            pebble,
            pebble_up: true,
            pebble_stale: false,
            pebble_faults: Vec::new(),
            juju_version: "3.6.14".into(),
            tool_overrides: BTreeMap::new(),
            unset: Vec::new(),
            state_dir: dir.with_extension("state"),
            dir,
        }
    }

    /// Adds a `postgresql` relation (id [`POSTGRESQL_ID`]) whose provider has shared
    /// credentials; `remote_data` false leaves the provider's bag empty (just created).
    pub fn with_postgresql(&mut self, remote_data: bool) -> &mut Self {
        let mut remote_app_data = Bag::new();
        if remote_data {
            for (key, value) in [
                ("database", "flask-k8s"),
                (
                    "endpoints",
                    "postgresql-k8s-primary.test-model.svc.cluster.local:5432",
                ),
                ("username", "relation_id_7"),
                ("password", "hT4wQz8nBv2Lr6Yc"),
            ] {
                remote_app_data.insert(key.into(), value.into());
            }
        }
        self.juju.relations.push(Relation {
            id: POSTGRESQL_ID,
            endpoint: "postgresql".into(),
            remote_app: "postgresql-k8s".into(),
            remote_app_data,
            remote_units: BTreeMap::from([("postgresql-k8s/0".to_owned(), Bag::new())]),
            ..Relation::default()
        });
        self
    }

    /// Adds a file to the application directory in the workload.
    pub fn with_app_file(&mut self, name: &str, content: &str) -> &mut Self {
        let path = format!("{}/{name}", self.charm.framework.app_dir);
        self.pebble.add_file(&path, content.as_bytes());
        self
    }

    /// Replaces a hook tool with a shell script.
    pub fn override_tool(&mut self, tool: &str, script: &str) -> &mut Self {
        self.tool_overrides
            .insert(tool.to_owned(), script.to_owned());
        self
    }

    /// Continues from a hook's outcome (the next hook sees what it left), with the call,
    /// request and exec logs emptied.
    pub fn continue_from(&mut self, out: &Outcome) -> &mut Self {
        self.juju = out.juju.clone();
        self.juju.fail_at_call = None;
        self.juju.calls.clear();
        self.juju.logs.clear();
        self.juju.unit_status_history.clear();
        self.juju.app_status_history.clear();
        if self.pebble_up {
            self.pebble = out.pebble.clone();
            self.pebble.kill_at_request = None;
            self.pebble.kill_pid = None;
            self.pebble.requests.clear();
            self.pebble.execs.clear();
            self.pebble.signals.clear();
        }
        self
    }

    /// The dispatch path of the container's pebble-ready hook.
    pub fn pebble_ready(&self) -> Hook {
        Hook::new(&format!("hooks/{}-pebble-ready", self.charm.container()))
            .var("JUJU_WORKLOAD_NAME", self.charm.container())
    }

    /// Runs one hook. See the crate documentation.
    pub fn run(&self, hook: &Hook) -> Result<Outcome, String> {
        self.run_wrapped(hook, &[])
    }

    /// Runs one hook with `wrapper` (e.g. `/usr/bin/time -v`) in front of the binary.
    pub fn run_wrapped(&self, hook: &Hook, wrapper: &[String]) -> Result<Outcome, String> {
        let io = |e: std::io::Error| e.to_string();
        let _ = std::fs::remove_dir_all(&self.dir);
        let bin = self.dir.join("bin");
        fake_juju::install_tools(&bin, &self.charm.hook_tool).map_err(io)?;
        for (name, script) in &self.tool_overrides {
            let path = bin.join(name);
            let _ = std::fs::remove_file(&path);
            std::fs::write(&path, format!("#!/bin/sh\n{script}\n")).map_err(io)?;
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).map_err(io)?;
        }
        let state_file = self.dir.join("juju.json");
        self.juju.save(&state_file).map_err(io)?;
        let containers = self.dir.join("containers");
        let server = if self.pebble_up {
            let socket = containers
                .join(self.charm.container())
                .join("pebble.socket");
            Some(
                PebbleServer::start_with_faults(
                    socket,
                    self.pebble.clone(),
                    None,
                    self.pebble_faults.clone(),
                )
                .map_err(io)?,
            )
        } else {
            if self.pebble_stale {
                let socket = containers
                    .join(self.charm.container())
                    .join("pebble.socket");
                std::fs::create_dir_all(containers.join(self.charm.container())).map_err(io)?;
                // Bound then closed: the file stays and a connect is refused.
                drop(std::os::unix::net::UnixListener::bind(&socket).map_err(io)?);
            }
            None
        };
        let mut vars: BTreeMap<String, String> = BTreeMap::new();
        let path = format!("{}:/usr/local/bin:/usr/bin:/bin", bin.display());
        for (key, value) in [
            ("PATH", path.as_str()),
            ("JUJU_DISPATCH_PATH", hook.dispatch_path.as_str()),
            ("JUJU_UNIT_NAME", self.juju.unit_name.as_str()),
            ("JUJU_MODEL_NAME", "test-model"),
            ("JUJU_MODEL_UUID", "00000000-0000-4000-8000-000000000000"),
            ("JUJU_VERSION", self.juju_version.as_str()),
            ("JUJU_CHARM_HTTP_PROXY", ""),
            ("JUJU_CHARM_HTTPS_PROXY", ""),
            ("JUJU_CHARM_NO_PROXY", ""),
        ] {
            vars.insert(key.into(), value.into());
        }
        vars.insert(
            "JUJU_CHARM_DIR".into(),
            self.charm.charm_dir.display().to_string(),
        );
        vars.insert(
            "JUJU_HOOK_NAME".into(),
            hook.dispatch_path
                .strip_prefix("hooks/")
                .unwrap_or("")
                .to_owned(),
        );
        std::fs::create_dir_all(&self.state_dir).map_err(io)?;
        vars.insert(
            "PAAS_CHARM_STATE_DIR".into(),
            self.state_dir.display().to_string(),
        );
        vars.insert(
            fake_juju::STATE_ENV.into(),
            state_file.display().to_string(),
        );
        vars.insert(
            "PAAS_CHARM_CONTAINERS_DIR".into(),
            containers.display().to_string(),
        );
        vars.extend(hook.vars.clone());
        for name in &self.unset {
            vars.remove(name);
        }
        let (program, args) = match wrapper.split_first() {
            Some((first, rest)) => {
                let mut args: Vec<String> = rest.to_vec();
                args.push(self.charm.binary.display().to_string());
                (PathBuf::from(first), args)
            }
            None => (self.charm.binary.clone(), Vec::new()),
        };
        let started = Instant::now();
        let child = Command::new(program)
            .args(args)
            .env_clear()
            .envs(&vars)
            .current_dir(&self.charm.charm_dir)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot run {}: {e}", self.charm.binary.display()))?;
        if let Some(server) = &server {
            let pid = child.id();
            server.update(|state| state.kill_pid = Some(pid));
        }
        let output = child
            .wait_with_output()
            .map_err(|e| format!("cannot wait for {}: {e}", self.charm.binary.display()))?;
        let wall = started.elapsed();
        let pebble = server.as_ref().map(PebbleServer::state).unwrap_or_default();
        let fired_faults = server
            .as_ref()
            .map(PebbleServer::fired_faults)
            .unwrap_or_default();
        drop(server);
        let juju = fake_juju::State::load(&state_file).map_err(io)?;
        let _ = std::fs::remove_dir_all(&self.dir);
        Ok(Outcome {
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            juju,
            pebble,
            fired_faults,
            wall,
        })
    }
}

/// Builds fake-juju's `fake-hook-tool`.
fn build_fake_hook_tool(release: bool) -> Result<PathBuf, String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .args([
            "build",
            "--quiet",
            "-p",
            "fake-juju",
            "--bin",
            "fake-hook-tool",
        ])
        .current_dir(workspace_root());
    if release {
        command.arg("--release");
    }
    let status = command
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err("cargo build -p fake-juju failed".into());
    }
    let path = target_dir()
        .join(if release { "release" } else { "debug" })
        .join("fake-hook-tool");
    if path.exists() {
        Ok(path)
    } else {
        Err(format!("{} was not built", path.display()))
    }
}

/// A hook to dispatch: its path and extra variables.
#[derive(Debug, Clone)]
pub struct Hook {
    /// `JUJU_DISPATCH_PATH`.
    pub dispatch_path: String,
    /// Extra `JUJU_*` variables.
    pub vars: BTreeMap<String, String>,
}

impl Hook {
    /// A hook with no extra variables (`hooks/config-changed`).
    pub fn new(dispatch_path: &str) -> Self {
        Self {
            dispatch_path: dispatch_path.to_owned(),
            vars: BTreeMap::new(),
        }
    }

    /// A relation hook on relation `endpoint:id` with a remote app (and unit).
    pub fn relation(
        endpoint: &str,
        kind: &str,
        id: u32,
        remote_app: &str,
        remote_unit: Option<&str>,
    ) -> Self {
        let mut hook = Self::new(&format!("hooks/{endpoint}-relation-{kind}"))
            .var("JUJU_RELATION", endpoint)
            .var("JUJU_RELATION_ID", &format!("{endpoint}:{id}"))
            .var("JUJU_REMOTE_APP", remote_app);
        if let Some(unit) = remote_unit {
            hook = hook.var("JUJU_REMOTE_UNIT", unit);
        }
        hook
    }

    /// Adds a variable.
    pub fn var(mut self, key: &str, value: &str) -> Self {
        self.vars.insert(key.to_owned(), value.to_owned());
        self
    }
}

/// What a hook did.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The exit code (`None` when killed by a signal).
    pub code: Option<i32>,
    /// stdout.
    pub stdout: String,
    /// stderr.
    pub stderr: String,
    /// The Juju side after the hook.
    pub juju: fake_juju::State,
    /// The Pebble side after the hook (empty when Pebble was down).
    pub pebble: pebble_server::State,
    /// The injected Pebble faults that fired.
    pub fired_faults: Vec<pebble_server::Fault>,
    /// Wall time of the process.
    pub wall: Duration,
}

impl Outcome {
    /// The unit status as `(name, message)`.
    pub fn unit_status(&self) -> (String, String) {
        self.juju
            .unit_status
            .as_ref()
            .map(|s| (s.status.clone(), s.message.clone()))
            .unwrap_or_default()
    }

    /// Hook-tool calls by tool.
    pub fn tool_calls(&self) -> BTreeMap<String, u32> {
        let mut calls = BTreeMap::new();
        for call in &self.juju.calls {
            *calls.entry(call.tool.clone()).or_insert(0) += 1;
        }
        calls
    }

    /// Pebble requests as `METHOD /path`, in order.
    pub fn pebble_requests(&self) -> Vec<String> {
        self.pebble.request_lines()
    }

    /// The `charm` layer's service `name`.
    pub fn charm_service(&self, name: &str) -> Option<&Service> {
        self.pebble.layer("charm")?.services.get(name)
    }

    /// A relation after the hook.
    pub fn relation(&self, id: u32) -> Option<&Relation> {
        self.juju.relation(id)
    }

    /// Whether the process exited 0.
    pub fn success(&self) -> bool {
        self.code == Some(0)
    }
}
