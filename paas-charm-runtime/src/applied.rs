//! What the last complete reconcile applied to the workload, remembered in the charm's own
//! container, so that a steady-state hook proves "nothing to do" with one Pebble request
//! instead of re-applying everything.
//!
//! The record is written only **after** an apply finished (layers added, files pushed,
//! Gunicorn checked and reloaded, migrations done, replan waited on), and it is removed
//! **before** the first change of a new apply. A hook killed anywhere in between leaves no
//! record, so its rerun applies everything again (and reloads Gunicorn even when the file it
//! finds is already the wanted one: the interrupted hook may have pushed it without reloading).
//!
//! A record is trusted only while Pebble proves that the workload is the one it describes:
//! every service is in the state the record saw right after its replan, with the same
//! `current-since`. A restarted workload container (new Pebble, plan back to the rock's), a
//! service Pebble restarted or someone stopped, all change `current-since`, and the next hook
//! applies everything again. The record holds hashes, never the environment's values.
//!
//! Ports are remembered the same way, but only as Juju reported them (`opened-ports` read and
//! found equal to the wanted ones): Juju commits port changes only when the hook succeeds, so
//! a port this hook opened is not "confirmed" until a later hook reads it back.

use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::juju::Port;
use crate::pebble::{Service, ServiceInfo};

/// The record's file name in the charm directory.
pub const FILE_NAME: &str = ".paas-charm-rs-applied.json";

/// One service as Pebble reported it right after the replan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceMark {
    /// Service name.
    pub name: String,
    /// `active`, `inactive`, ...
    pub current: String,
    /// Pebble's `current-since`.
    pub since: Option<String>,
}

/// The record. See the module documentation.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Applied {
    /// Hash of everything the apply sent (layers, files, Gunicorn config and check, the
    /// environment the migration and the check ran with).
    pub fingerprint: String,
    /// The rock's services as first seen (`original-services.json`'s content).
    pub originals: BTreeMap<String, Service>,
    /// The services right after the replan; empty until the apply finished.
    pub services: Vec<ServiceMark>,
    /// Hash of the `gunicorn.conf.py` the running Gunicorn has loaded.
    pub gunicorn: Option<String>,
    /// The unit's opened ports as `opened-ports` last reported them, when they were the
    /// wanted ones.
    pub ports: Option<Vec<Port>>,
}

impl Applied {
    /// Whether Pebble's services are exactly the ones this record saw after its replan: every
    /// service with the same state and `current-since`, and `main` active with a
    /// `current-since` (a Pebble that does not report it proves nothing).
    pub fn proven_by(&self, services: &[ServiceInfo], main: &str) -> bool {
        let now: Vec<ServiceMark> = services.iter().map(mark).collect();
        let main_known = now
            .iter()
            .any(|s| s.name == main && s.current == "active" && s.since.is_some());
        main_known && !self.services.is_empty() && sorted(now) == sorted(self.services.clone())
    }
}

fn sorted(mut marks: Vec<ServiceMark>) -> Vec<ServiceMark> {
    marks.sort_by(|a, b| a.name.cmp(&b.name));
    marks
}

/// A service as a [`ServiceMark`].
pub fn mark(service: &ServiceInfo) -> ServiceMark {
    ServiceMark {
        name: service.name.clone(),
        current: service.current.clone(),
        since: service.current_since.clone(),
    }
}

/// A 128-bit hash of `parts` (two SipHash-1-3 passes with distinct prefixes), in hex. Parts
/// are length-prefixed, so `["ab", "c"]` and `["a", "bc"]` differ.
///
/// ```
/// use paas_charm_runtime::applied::fingerprint;
/// assert_eq!(fingerprint(&[b"a", b"bc"]), fingerprint(&[b"a", b"bc"]));
/// assert_ne!(fingerprint(&[b"ab", b"c"]), fingerprint(&[b"a", b"bc"]));
/// assert_eq!(fingerprint(&[b"x"]).len(), 32);
/// ```
pub fn fingerprint(parts: &[&[u8]]) -> String {
    let half = |salt: u8| {
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        salt.hash(&mut hasher);
        for part in parts {
            part.len().hash(&mut hasher);
            hasher.write(part);
        }
        hasher.finish()
    };
    format!("{:016x}{:016x}", half(1), half(2))
}

/// Where the record lives: the charm directory of a real hook, or nowhere (tests, `simulate`:
/// every reconcile applies everything, as paas-charm does).
#[derive(Debug, Clone, Default)]
pub struct Store {
    path: Option<PathBuf>,
}

/// The record could not be removed: an apply must not start while a stale one remains.
#[derive(Debug, thiserror::Error)]
#[error("cannot remove {path}: {source}")]
pub struct ForgetError {
    /// The record's path.
    pub path: String,
    /// Why.
    pub source: std::io::Error,
}

impl Store {
    /// No record: every reconcile applies everything.
    pub fn none() -> Self {
        Self { path: None }
    }

    /// The record in `dir`.
    pub fn in_dir(dir: &Path) -> Self {
        Self {
            path: Some(dir.join(FILE_NAME)),
        }
    }

    /// Whether records are kept at all.
    pub fn enabled(&self) -> bool {
        self.path.is_some()
    }

    /// The record, when there is a readable one.
    pub fn load(&self) -> Option<Applied> {
        let text = std::fs::read(self.path.as_ref()?).ok()?;
        serde_json::from_slice(&text).ok()
    }

    /// Removes the record (before an apply changes anything).
    pub fn forget(&self) -> Result<(), ForgetError> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        match std::fs::remove_file(path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(source) => Err(ForgetError {
                path: path.display().to_string(),
                source,
            }),
        }
    }

    /// Writes the record (a temporary file renamed over it). A failure only costs the next
    /// hook a full apply, so it is not an error.
    pub fn save(&self, applied: &Applied) {
        let Some(path) = &self.path else { return };
        let Ok(text) = serde_json::to_vec(applied) else {
            return;
        };
        let mut tmp = path.as_os_str().to_owned();
        tmp.push(".tmp");
        let tmp = PathBuf::from(tmp);
        if std::fs::write(&tmp, text).is_ok() && std::fs::rename(&tmp, path).is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(name: &str, current: &str, since: Option<&str>) -> ServiceInfo {
        ServiceInfo {
            name: name.into(),
            startup: "enabled".into(),
            current: current.into(),
            current_since: since.map(str::to_owned),
        }
    }

    #[test]
    fn only_the_same_service_processes_prove_a_record() {
        let after_replan = [
            info("web", "active", Some("t1")),
            info("x", "inactive", None),
        ];
        let applied = Applied {
            services: after_replan.iter().map(mark).collect(),
            ..Applied::default()
        };
        assert!(applied.proven_by(&after_replan, "web"));
        // Restarted (by Pebble, by a new container, by anyone): a new current-since.
        assert!(!applied.proven_by(
            &[
                info("web", "active", Some("t2")),
                info("x", "inactive", None)
            ],
            "web"
        ));
        assert!(!applied.proven_by(
            &[
                info("web", "inactive", Some("t1")),
                info("x", "inactive", None)
            ],
            "web"
        ));
        assert!(!applied.proven_by(&[info("web", "active", Some("t1"))], "web"));
        // A Pebble without current-since proves nothing.
        let blind = [info("web", "active", None)];
        let record = Applied {
            services: blind.iter().map(mark).collect(),
            ..Applied::default()
        };
        assert!(!record.proven_by(&blind, "web"));
        assert!(!Applied::default().proven_by(&[], "web"));
    }

    #[test]
    fn saved_loaded_and_forgotten() {
        let dir = std::env::temp_dir().join(format!("applied-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let store = Store::in_dir(&dir);
        assert_eq!(store.load(), None);
        let applied = Applied {
            fingerprint: fingerprint(&[b"layer"]),
            gunicorn: Some("g".into()),
            ..Applied::default()
        };
        store.save(&applied);
        assert_eq!(store.load(), Some(applied));
        store.forget().unwrap();
        assert_eq!(store.load(), None);
        store.forget().unwrap();
        assert!(!Store::none().enabled());
        assert_eq!(Store::none().load(), None);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
