//! Database migrations: which command, how it runs, and its state file in the workload
//! container (frameworks.md §10).

use crate::env::Env;
use crate::framework::FrameworkInfo;
use crate::pebble::{ExecRequest, Pebble, PebbleError, PushOptions};

/// The migration state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MigrationStatus {
    /// Must run.
    Pending,
    /// Ran successfully.
    Completed,
    /// Failed; retried on update-status.
    Failed,
}

impl MigrationStatus {
    /// The file content.
    pub fn as_str(self) -> &'static str {
        match self {
            MigrationStatus::Pending => "PENDING",
            MigrationStatus::Completed => "COMPLETED",
            MigrationStatus::Failed => "FAILED",
        }
    }
}

fn status_path(framework: &FrameworkInfo) -> String {
    format!(
        "{}/database-migration-status",
        framework.migration_state_dir
    )
}

/// Reads the state: a missing file or an unreachable Pebble count as PENDING.
pub fn read_status(pebble: &mut dyn Pebble, framework: &FrameworkInfo) -> MigrationStatus {
    match pebble.pull(&status_path(framework)) {
        Ok(bytes) => match String::from_utf8_lossy(&bytes).trim() {
            "COMPLETED" => MigrationStatus::Completed,
            "FAILED" => MigrationStatus::Failed,
            _ => MigrationStatus::Pending,
        },
        Err(_) => MigrationStatus::Pending,
    }
}

/// Writes the state (creating its directory).
pub fn write_status(
    pebble: &mut dyn Pebble,
    framework: &FrameworkInfo,
    status: MigrationStatus,
) -> Result<(), PebbleError> {
    let options = PushOptions {
        make_dirs: true,
        ..PushOptions::default()
    };
    pebble.push(
        &status_path(framework),
        status.as_str().as_bytes(),
        &options,
    )
}

/// The migration command for the files in the app directory (`manage.py` > `migrate.py` >
/// `migrate.sh` > `migrate`); `None` when there is none. One directory listing.
pub fn command(
    pebble: &mut dyn Pebble,
    framework: &FrameworkInfo,
) -> Result<Option<Vec<String>>, PebbleError> {
    let names: Vec<String> = match pebble.list_files(framework.app_dir) {
        Ok(entries) => entries.into_iter().map(|e| e.name).collect(),
        Err(PebbleError::NotFound(_)) => Vec::new(),
        Err(err) => return Err(err),
    };
    let has = |name: &str| names.iter().any(|n| n == name);
    let argv: Option<Vec<String>> = if has("manage.py") {
        Some(vec!["python3".into(), "manage.py".into(), "migrate".into()])
    } else if has("migrate.py") {
        Some(vec!["python3".into(), "migrate.py".into()])
    } else if has("migrate.sh") {
        Some(vec![
            "bash".into(),
            "-eo".into(),
            "pipefail".into(),
            "migrate.sh".into(),
        ])
    } else if has("migrate") {
        Some(vec![format!("{}/migrate", framework.app_dir)])
    } else {
        None
    };
    Ok(argv)
}

/// The migration failed; `Display` is the Blocked message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("database migration command {} failed, will retry in next update-status", python_list(.command))]
pub struct MigrationFailed {
    /// The argv that failed.
    pub command: Vec<String>,
    /// The end of its stdout (for the operator's log; never in the status).
    pub stdout: String,
    /// The end of its stderr.
    pub stderr: String,
}

/// Renders argv as Python's `repr(list)` of strings.
pub fn python_list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| python_str_repr(s)).collect();
    format!("[{}]", quoted.join(", "))
}

fn python_str_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::new();
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// Runs the migration if its state says so (PENDING or FAILED) and records the outcome.
pub fn run(
    pebble: &mut dyn Pebble,
    framework: &FrameworkInfo,
    env: &Env,
) -> Result<Result<(), MigrationFailed>, PebbleError> {
    // The status first: in the steady state (migrations completed) the application directory
    // is never listed, which saves a Pebble request on every reconcile.
    if read_status(pebble, framework) == MigrationStatus::Completed {
        return Ok(Ok(()));
    }
    let Some(argv) = command(pebble, framework)? else {
        return Ok(Ok(()));
    };
    let request = ExecRequest {
        command: argv.clone(),
        environment: env.to_strings(),
        working_dir: Some(framework.app_dir.to_owned()),
        user: Some("_daemon_".into()),
        group: Some("_daemon_".into()),
        ..ExecRequest::default()
    };
    let output = pebble.exec(&request)?;
    if output.success() {
        write_status(pebble, framework, MigrationStatus::Completed)?;
        Ok(Ok(()))
    } else {
        write_status(pebble, framework, MigrationStatus::Failed)?;
        let keep = crate::untrusted::OUTPUT_TAIL_CHARS;
        Ok(Err(MigrationFailed {
            command: argv,
            stdout: crate::untrusted::tail(&output.stdout, keep),
            stderr: crate::untrusted::tail(&output.stderr, keep),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::FrameworkKind;
    use crate::testing::{ExecHandler, MemoryPebble};

    fn pebble_with(files: &[&str]) -> MemoryPebble {
        let mut pebble = MemoryPebble::with_rock_layer(Default::default());
        pebble.add_dir("/flask/app");
        for file in files {
            pebble.add_file(&format!("/flask/app/{file}"), b"");
        }
        pebble
    }

    #[test]
    fn command_precedence() {
        let flask = FrameworkKind::Flask.info();
        let cases: [(&[&str], Option<&str>); 5] = [
            (&[], None),
            (&["migrate"], Some("/flask/app/migrate")),
            (&["migrate", "migrate.sh"], Some("bash")),
            (&["migrate.sh", "migrate.py"], Some("python3")),
            (&["migrate.py", "manage.py"], Some("python3")),
        ];
        for (files, first) in cases {
            let argv = command(&mut pebble_with(files), flask).unwrap();
            assert_eq!(argv.as_ref().map(|a| a[0].as_str()), first, "{files:?}");
        }
        let argv = command(&mut pebble_with(&["migrate.py", "manage.py"]), flask)
            .unwrap()
            .unwrap();
        assert_eq!(argv, ["python3", "manage.py", "migrate"]);
    }

    #[test]
    fn failure_is_recorded_and_reported() {
        let flask = FrameworkKind::Flask.info();
        let mut pebble = pebble_with(&["migrate.sh"]);
        pebble.exec_handlers.push(ExecHandler {
            command_prefix: vec!["bash".into()],
            return_code: 1,
            ..Default::default()
        });
        let result = run(&mut pebble, flask, &Env::new()).unwrap();
        assert_eq!(
            result.unwrap_err().to_string(),
            "database migration command ['bash', '-eo', 'pipefail', 'migrate.sh'] failed, will retry in next update-status"
        );
        assert_eq!(read_status(&mut pebble, flask), MigrationStatus::Failed);
        assert_eq!(pebble.execs[0].working_dir.as_deref(), Some("/flask/app"));
        assert_eq!(pebble.execs[0].user.as_deref(), Some("_daemon_"));
        pebble.exec_handlers.clear();
        run(&mut pebble, flask, &Env::new()).unwrap().unwrap();
        assert_eq!(read_status(&mut pebble, flask), MigrationStatus::Completed);
        run(&mut pebble, flask, &Env::new()).unwrap().unwrap();
        assert_eq!(
            pebble.execs.len(),
            2,
            "a completed migration does not run again"
        );
    }

    #[test]
    fn a_completed_migration_costs_one_request() {
        let flask = FrameworkKind::Flask.info();
        let mut pebble = pebble_with(&["migrate.py"]);
        write_status(&mut pebble, flask, MigrationStatus::Completed).unwrap();
        pebble.requests.clear();
        run(&mut pebble, flask, &Env::new()).unwrap().unwrap();
        assert_eq!(pebble.requests, ["GET /v1/files read"]);
        assert!(pebble.execs.is_empty());
    }
}
