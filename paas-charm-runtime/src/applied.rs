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

use crate::juju::Port;
use crate::pebble::{Service, ServiceInfo};

/// The record's file name in the charm directory.
pub const FILE_NAME: &str = ".paas-charm-rs-applied.json";

/// One service as Pebble reported it right after the replan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceMark {
    /// Service name.
    pub name: String,
    /// `active`, `inactive`, ...
    pub current: String,
    /// Pebble's `current-since`.
    pub since: Option<String>,
}

/// The record. See the module documentation.
///
/// It is kept as tab-separated lines (`fingerprint`, `gunicorn`, `port`, `service`,
/// `originals` with the JSON of `original-services.json`) rather than through serde, which
/// would add its (de)serialisers to every charm binary.
#[derive(Debug, Clone, Default, PartialEq)]
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
    /// The record as text; `None` when a value cannot be written unambiguously (a tab or a
    /// line break in it), in which case no record is kept.
    pub fn to_text(&self) -> Option<String> {
        let mut lines = vec![format!("fingerprint\t{}", self.fingerprint)];
        if let Some(hash) = &self.gunicorn {
            lines.push(format!("gunicorn\t{hash}"));
        }
        for port in self.ports.iter().flatten() {
            let number = port.port.map_or_else(String::new, |n| n.to_string());
            lines.push(format!("port\t{}\t{number}", port.protocol));
        }
        if self.ports.as_ref().is_some_and(Vec::is_empty) {
            lines.push("ports\tnone".into());
        }
        for service in &self.services {
            let since = service.since.as_deref().unwrap_or("");
            lines.push(format!(
                "service\t{}\t{}\t{since}",
                service.name, service.current
            ));
        }
        lines.push(format!(
            "originals\t{}",
            serde_json::to_string(&self.originals).ok()?
        ));
        let text = lines.join("\n");
        // Every line has its fixed number of fields, or the record is not kept.
        let fields = |line: &str| line.split('\t').count();
        let expected = |line: &str| match line.split('\t').next() {
            Some("service") => 4,
            Some("port") => 3,
            _ => 2,
        };
        let clean = !text.contains('\r')
            && text.lines().count() == lines.len()
            && lines.iter().all(|l| fields(l) == expected(l));
        clean.then_some(text)
    }

    /// Reads [`Applied::to_text`]'s output; `None` for anything else.
    pub fn parse(text: &str) -> Option<Self> {
        let mut applied = Applied::default();
        let mut has_originals = false;
        for line in text.lines() {
            let fields: Vec<&str> = line.split('\t').collect();
            match fields.as_slice() {
                ["fingerprint", hash] => applied.fingerprint = (*hash).to_owned(),
                ["gunicorn", hash] => applied.gunicorn = Some((*hash).to_owned()),
                ["ports", "none"] => applied.ports = Some(Vec::new()),
                ["port", protocol, number] => {
                    let port = if number.is_empty() {
                        None
                    } else {
                        Some(number.parse().ok()?)
                    };
                    applied.ports.get_or_insert_with(Vec::new).push(Port {
                        protocol: (*protocol).to_owned(),
                        port,
                    });
                }
                ["service", name, current, since] => applied.services.push(ServiceMark {
                    name: (*name).to_owned(),
                    current: (*current).to_owned(),
                    since: (!since.is_empty()).then(|| (*since).to_owned()),
                }),
                ["originals", json] => {
                    applied.originals = crate::pebble::layer::services_from_json(json.as_bytes())?;
                    has_originals = true;
                }
                _ => return None,
            }
        }
        (has_originals && !applied.fingerprint.is_empty()).then_some(applied)
    }

    /// Whether Pebble's services are exactly the ones this record saw after its replan: every
    /// service with the same state and `current-since`, and `main` active with a
    /// `current-since` (a Pebble that does not report it proves nothing).
    pub fn proven_by(&self, services: &[ServiceInfo], main: &str) -> bool {
        let main_known = services
            .iter()
            .any(|s| s.name == main && s.current == "active" && s.current_since.is_some());
        // Service names are unique in both lists: equal lengths and every one found.
        main_known
            && services.len() == self.services.len()
            && services.iter().all(|s| self.services.contains(&mark(s)))
    }
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
        let text = std::fs::read_to_string(self.path.as_ref()?).ok()?;
        Applied::parse(&text)
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
        let Some(text) = applied.to_text() else {
            let _ = std::fs::remove_file(path);
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
        let mut originals = BTreeMap::new();
        originals.insert(
            "web".to_owned(),
            Service {
                command: "/bin/web --say \"a\tb\"\n".into(),
                ..Service::default()
            },
        );
        let applied = Applied {
            fingerprint: fingerprint(&[b"layer"]),
            gunicorn: Some("g".into()),
            originals,
            services: vec![
                mark(&info("web", "active", Some("2026-01-01T00:00:00.1Z"))),
                mark(&info("cron", "inactive", None)),
            ],
            ports: Some(vec![Port::tcp(8080)]),
        };
        store.save(&applied);
        assert_eq!(store.load(), Some(applied.clone()));
        let none = Applied {
            ports: Some(Vec::new()),
            ..applied.clone()
        };
        assert_eq!(Applied::parse(&none.to_text().unwrap()), Some(none));
        // A value that cannot be written unambiguously keeps no record at all.
        let odd = Applied {
            services: vec![mark(&info("we\tb", "active", None))],
            ..applied
        };
        assert_eq!(odd.to_text(), None);
        store.save(&odd);
        assert_eq!(store.load(), None);
        assert_eq!(Applied::parse("fingerprint\tx"), None);
        assert_eq!(Applied::parse("nonsense"), None);
        store.forget().unwrap();
        assert_eq!(store.load(), None);
        store.forget().unwrap();
        assert!(!Store::none().enabled());
        assert_eq!(Store::none().load(), None);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
