//! The framework's log directory: paas-charm's `_prepare_log_dir` (frameworks.md §7.4, step 1).
//!
//! Gunicorn (Flask, Django) is configured with `/var/log/<framework>/access.log` and
//! `error.log`. paas-charm creates their directory before it writes `gunicorn.conf.py`: with
//! parents, owned by the workload's user and group (`_daemon_`), and whether the logs go to
//! these files or to stdout (Pebble log forwarding). The other frameworks have no log files, so
//! nothing is created for them.
//!
//! paas-charm asks Pebble whether the directory exists in every reconcile (one request in every
//! hook). This crate asks for it only when the workload container's filesystem is new: the
//! reconcile calls [`prepare`] when it (re)writes the snapshot of the rock's services
//! (`original-services.json`, in the same container filesystem, under `/tmp`). A restarted
//! container has lost both, and the first reconcile after it (its pebble-ready hook, or any
//! later one) sees the snapshot missing; the directory is made before the snapshot is written,
//! so a hook killed in between makes it again on its rerun. A steady-state hook, which finds the
//! snapshot, sends no request for the directory.

use super::FrameworkKind;
use crate::pebble::{Pebble, PebbleError, PushOptions};

/// The user and group that own what paas-charm creates in the workload container.
pub const WORKLOAD_USER: &str = "_daemon_";

/// The log directories a framework needs (`/var/log/flask`; none for non-Gunicorn ones).
///
/// ```
/// use paas_charm_runtime::framework::{log_dir, FrameworkKind};
///
/// assert_eq!(log_dir::log_dirs(FrameworkKind::Django), ["/var/log/django"]);
/// assert!(log_dir::log_dirs(FrameworkKind::Go).is_empty());
/// ```
pub fn log_dirs(kind: FrameworkKind) -> &'static [&'static str] {
    match kind {
        FrameworkKind::Flask => &["/var/log/flask"],
        FrameworkKind::Django => &["/var/log/django"],
        FrameworkKind::FastApi
        | FrameworkKind::Go
        | FrameworkKind::ExpressJs
        | FrameworkKind::SpringBoot => &[],
    }
}

/// Creates the framework's log directories (with parents, owned by `_daemon_:_daemon_`): one
/// `make-dirs` request per directory. An existing directory is left as it is (Pebble's
/// `make-parents` accepts it and does not change its owner), as paas-charm leaves it.
///
/// ```
/// use paas_charm_runtime::framework::{log_dir, FrameworkKind};
/// use paas_charm_runtime::testing::pebble::MemoryPebble;
///
/// let mut pebble = MemoryPebble::with_rock_layer(Default::default());
/// log_dir::prepare(&mut pebble, FrameworkKind::Flask).unwrap();
/// assert!(pebble.dirs.contains("/var/log/flask"));
/// assert_eq!(pebble.requests, ["POST /v1/files make-dirs"]);
/// ```
pub fn prepare(pebble: &mut dyn Pebble, kind: FrameworkKind) -> Result<(), PebbleError> {
    let owner = PushOptions {
        make_dirs: true,
        user: Some(WORKLOAD_USER.into()),
        group: Some(WORKLOAD_USER.into()),
        ..PushOptions::default()
    };
    for dir in log_dirs(kind) {
        pebble.make_dir(dir, &owner)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::pebble::MemoryPebble;

    #[test]
    fn gunicorn_frameworks_get_their_directory_owned_by_the_workload_user() {
        for (kind, dir) in [
            (FrameworkKind::Flask, "/var/log/flask"),
            (FrameworkKind::Django, "/var/log/django"),
        ] {
            let mut pebble = MemoryPebble::with_rock_layer(Default::default());
            prepare(&mut pebble, kind).unwrap();
            assert!(pebble.dirs.contains(dir), "{kind}");
            assert!(pebble.dirs.contains("/var/log"), "parents are made");
            assert_eq!(
                pebble.dir_owners.get(dir),
                Some(&("_daemon_".to_owned(), "_daemon_".to_owned()))
            );
        }
    }

    #[test]
    fn other_frameworks_send_no_request() {
        for kind in [
            FrameworkKind::FastApi,
            FrameworkKind::Go,
            FrameworkKind::ExpressJs,
            FrameworkKind::SpringBoot,
        ] {
            let mut pebble = MemoryPebble::with_rock_layer(Default::default());
            prepare(&mut pebble, kind).unwrap();
            assert!(pebble.requests.is_empty(), "{kind}: {:?}", pebble.requests);
        }
    }

    #[test]
    fn an_unreachable_pebble_is_an_error() {
        let mut pebble = MemoryPebble::default();
        assert!(matches!(
            prepare(&mut pebble, FrameworkKind::Flask),
            Err(PebbleError::Connection(_))
        ));
    }
}
