//! An in-memory Pebble implementing [`Pebble`] with the rules of the scenario format
//! (FORMAT.md §2.4): labelled layers merged into a plan, service statuses, one filesystem,
//! scripted exec results, and a record of every exec and request.

use std::collections::{BTreeMap, BTreeSet};

use crate::pebble::{
    CheckInfo, ExecOutput, ExecRequest, FileInfo, Layer, Pebble, PebbleError, Plan, PushOptions,
    ServiceInfo,
};

/// A scripted exec result: the longest matching argv prefix decides.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExecHandler {
    /// argv prefix (whole elements).
    pub command_prefix: Vec<String>,
    /// Exit code.
    pub return_code: i32,
    /// stdout.
    pub stdout: String,
    /// stderr.
    pub stderr: String,
}

/// The in-memory Pebble. Fields are public: tests set them up and read them back.
#[derive(Debug, Clone, Default)]
pub struct MemoryPebble {
    /// Whether Pebble answers (exec and reading the plan work regardless, as in the corpus).
    pub can_connect: bool,
    /// Layers in order: (label, layer).
    pub layers: Vec<(String, Layer)>,
    /// Service name → `active`/`inactive`/`error`/`backoff`.
    pub service_statuses: BTreeMap<String, String>,
    /// Files: absolute path → content.
    pub files: BTreeMap<String, Vec<u8>>,
    /// Directories known to exist.
    pub dirs: BTreeSet<String>,
    /// Owner (user, group) of the directories made with both given.
    pub dir_owners: BTreeMap<String, (String, String)>,
    /// Scripted exec results.
    pub exec_handlers: Vec<ExecHandler>,
    /// Every exec run, in order.
    pub execs: Vec<ExecRequest>,
    /// Signals sent: (signal, services).
    pub signals: Vec<(String, Vec<String>)>,
    /// Every request, as `METHOD /path` (for request-count assertions).
    pub requests: Vec<String>,
}

impl MemoryPebble {
    /// A reachable Pebble whose only layer is the rock's.
    pub fn with_rock_layer(rock: Layer) -> Self {
        Self {
            can_connect: true,
            layers: vec![("rock".into(), rock)],
            ..Self::default()
        }
    }

    /// Adds a file (and its parent directories) to the filesystem.
    pub fn add_file(&mut self, path: &str, content: &[u8]) {
        self.add_parents(path);
        self.files.insert(path.to_owned(), content.to_vec());
    }

    /// Adds a directory and its parents.
    pub fn add_dir(&mut self, path: &str) {
        let mut current = String::new();
        for part in path.split('/').filter(|p| !p.is_empty()) {
            current.push('/');
            current.push_str(part);
            self.dirs.insert(current.clone());
        }
        self.dirs.insert("/".into());
    }

    fn add_parents(&mut self, path: &str) {
        if let Some((parent, _)) = path.rsplit_once('/') {
            self.add_dir(if parent.is_empty() { "/" } else { parent });
        }
    }

    fn parent_exists(&self, path: &str) -> bool {
        match path.rsplit_once('/') {
            Some(("", _)) => true,
            Some((parent, _)) => self.dirs.contains(parent),
            None => false,
        }
    }

    /// The current plan.
    pub fn current_plan(&self) -> Plan {
        Layer::merge_into_plan(self.layers.iter().map(|(_, layer)| layer))
    }

    fn request(&mut self, what: &str) -> Result<(), PebbleError> {
        self.requests.push(what.to_owned());
        if self.can_connect {
            Ok(())
        } else {
            Err(PebbleError::Connection("socket not reachable".into()))
        }
    }

    fn check_services(&self, services: &[String]) -> Result<(), PebbleError> {
        let plan = self.current_plan();
        if services.is_empty() {
            return Err(api_error(400, "must specify services"));
        }
        for name in services {
            if !plan.services.contains_key(name) {
                return Err(api_error(
                    400,
                    &format!("service \"{name}\" does not exist"),
                ));
            }
        }
        Ok(())
    }
}

fn api_error(status: u16, message: &str) -> PebbleError {
    PebbleError::Api {
        status,
        kind: None,
        message: message.to_owned(),
    }
}

impl Pebble for MemoryPebble {
    fn can_connect(&mut self) -> bool {
        self.requests.push("GET /v1/system-info".into());
        self.can_connect
    }

    fn plan(&mut self) -> Result<Plan, PebbleError> {
        // The corpus's world returns the plan even when Pebble is not reachable.
        self.requests.push("GET /v1/plan".into());
        Ok(self.current_plan())
    }

    fn add_layer(&mut self, label: &str, layer: &Layer, combine: bool) -> Result<(), PebbleError> {
        self.request("POST /v1/layers")?;
        match self.layers.iter_mut().find(|(l, _)| l == label) {
            Some((_, existing)) if combine => existing
                .combine(layer)
                .map_err(|e| api_error(400, &e.to_string())),
            Some(_) => Err(api_error(400, &format!("layer \"{label}\" already exists"))),
            None => {
                self.layers.push((label.to_owned(), layer.clone()));
                Ok(())
            }
        }
    }

    fn replan(&mut self) -> Result<(), PebbleError> {
        self.request("POST /v1/services replan")?;
        for (name, service) in self.current_plan().services {
            if service.startup == "enabled" {
                self.service_statuses.insert(name, "active".into());
            }
        }
        Ok(())
    }

    fn start(&mut self, services: &[String]) -> Result<(), PebbleError> {
        self.request("POST /v1/services start")?;
        self.check_services(services)?;
        for name in services {
            self.service_statuses.insert(name.clone(), "active".into());
        }
        Ok(())
    }

    fn stop(&mut self, services: &[String]) -> Result<(), PebbleError> {
        self.request("POST /v1/services stop")?;
        self.check_services(services)?;
        for name in services {
            self.service_statuses
                .insert(name.clone(), "inactive".into());
        }
        Ok(())
    }

    fn restart(&mut self, services: &[String]) -> Result<(), PebbleError> {
        self.request("POST /v1/services restart")?;
        self.check_services(services)?;
        for name in services {
            self.service_statuses.insert(name.clone(), "active".into());
        }
        Ok(())
    }

    fn services(&mut self) -> Result<Vec<ServiceInfo>, PebbleError> {
        self.request("GET /v1/services")?;
        Ok(self
            .current_plan()
            .services
            .into_iter()
            .map(|(name, service)| ServiceInfo {
                current: self
                    .service_statuses
                    .get(&name)
                    .cloned()
                    .unwrap_or_else(|| "inactive".into()),
                startup: if service.startup.is_empty() {
                    "disabled".into()
                } else {
                    service.startup
                },
                // Not tracked: a memory Pebble never proves a service unchanged.
                current_since: None,
                name,
            })
            .collect())
    }

    fn send_signal(&mut self, signal: &str, services: &[String]) -> Result<(), PebbleError> {
        self.request("POST /v1/signals")?;
        self.check_services(services)?;
        for name in services {
            if self.service_statuses.get(name).map(String::as_str) != Some("active") {
                return Err(api_error(
                    500,
                    &format!("cannot send signal to \"{name}\": service is not running"),
                ));
            }
        }
        self.signals.push((signal.to_owned(), services.to_vec()));
        Ok(())
    }

    fn push(
        &mut self,
        path: &str,
        content: &[u8],
        options: &PushOptions,
    ) -> Result<(), PebbleError> {
        self.request("POST /v1/files write")?;
        if options.make_dirs {
            self.add_parents(path);
        } else if !self.parent_exists(path) {
            return Err(PebbleError::NotFound(format!(
                "parent directory of {path} does not exist"
            )));
        }
        self.files.insert(path.to_owned(), content.to_vec());
        Ok(())
    }

    fn pull(&mut self, path: &str) -> Result<Vec<u8>, PebbleError> {
        self.request("GET /v1/files read")?;
        self.files
            .get(path)
            .cloned()
            .ok_or_else(|| PebbleError::NotFound(path.to_owned()))
    }

    fn list_files(&mut self, path: &str) -> Result<Vec<FileInfo>, PebbleError> {
        self.request("GET /v1/files list")?;
        let dir = path.trim_end_matches('/');
        if !self.dirs.contains(if dir.is_empty() { "/" } else { dir }) {
            return Err(PebbleError::NotFound(path.to_owned()));
        }
        let prefix = format!("{dir}/");
        let mut entries: Vec<FileInfo> = Vec::new();
        let children = self
            .files
            .keys()
            .map(|p| (p, "file"))
            .chain(self.dirs.iter().map(|p| (p, "directory")));
        for (child, kind) in children {
            if let Some(name) = child.strip_prefix(&prefix) {
                if !name.is_empty() && !name.contains('/') {
                    entries.push(FileInfo {
                        path: child.clone(),
                        name: name.to_owned(),
                        kind: kind.into(),
                    });
                }
            }
        }
        crate::sort::sort_by(&mut entries, |a, b| a.name < b.name);
        Ok(entries)
    }

    fn make_dir(&mut self, path: &str, options: &PushOptions) -> Result<(), PebbleError> {
        self.request("POST /v1/files make-dirs")?;
        if !options.make_dirs && !self.parent_exists(path) {
            return Err(PebbleError::NotFound(path.to_owned()));
        }
        if !self.dirs.contains(path) {
            if let (Some(user), Some(group)) = (&options.user, &options.group) {
                self.dir_owners
                    .insert(path.to_owned(), (user.clone(), group.clone()));
            }
        }
        self.add_dir(path);
        Ok(())
    }

    fn exec(&mut self, request: &ExecRequest) -> Result<ExecOutput, PebbleError> {
        // Exec answers even when Pebble is otherwise unreachable (the corpus's world).
        self.requests.push("POST /v1/exec".into());
        self.execs.push(request.clone());
        let handler = self
            .exec_handlers
            .iter()
            .filter(|h| request.command.starts_with(&h.command_prefix))
            .max_by_key(|h| h.command_prefix.len());
        Ok(match handler {
            Some(h) => ExecOutput {
                exit_code: h.return_code,
                stdout: h.stdout.clone(),
                stderr: h.stderr.clone(),
            },
            None => ExecOutput::default(),
        })
    }

    fn checks(&mut self) -> Result<Vec<CheckInfo>, PebbleError> {
        self.request("GET /v1/checks")?;
        Ok(self
            .current_plan()
            .checks
            .into_iter()
            .map(|(name, check)| CheckInfo {
                name,
                level: check.level,
                status: "up".into(),
                failures: 0,
                threshold: check.threshold.unwrap_or(3),
            })
            .collect())
    }
}
