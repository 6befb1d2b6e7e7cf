//! What the operator reads in `juju debug-log` when a hook goes wrong: one `juju-log` line per
//! failure, at paas-charm's level and in its words where it has them. A healthy hook logs
//! nothing (the hook-tool budget of a steady-state hook has no room for `juju-log`).
//!
//! Every line goes through [`crate::juju::Juju::log`], which masks URL credentials, escapes
//! control characters and caps the line ([`crate::untrusted::log_line`]); command output is
//! cut to its last [`OUTPUT_TAIL_CHARS`] characters first, where the error usually is.

use crate::juju::{Juju, LogLevel};
use crate::migration::{python_list, MigrationFailed};
use crate::pebble::ExecOutput;
use crate::untrusted::{tail, OUTPUT_TAIL_CHARS};

/// Gunicorn's `--check-config` failed: paas-charm's ERROR line with the check's output.
pub fn webserver_check_failed(juju: &mut Juju, output: &ExecOutput) {
    juju.log(
        LogLevel::Error,
        &format!(
            "webserver configuration check failed, stdout: {}, stderr: {}",
            tail(&output.stdout, OUTPUT_TAIL_CHARS),
            tail(&output.stderr, OUTPUT_TAIL_CHARS)
        ),
    );
}

/// The migration command failed: paas-charm's ERROR line, the command and its output's tail.
pub fn migration_failed(juju: &mut Juju, failed: &MigrationFailed) {
    juju.log(
        LogLevel::Error,
        &format!(
            "database migration command {} failed, stdout: {}, stderr: {}",
            python_list(&failed.command),
            tail(&failed.stdout, OUTPUT_TAIL_CHARS),
            tail(&failed.stderr, OUTPUT_TAIL_CHARS)
        ),
    );
}

/// Relation data the charm cannot use: the Blocked message (it says what is wrong and never
/// quotes a secret) at WARNING, as the charm libraries warn about data they reject.
pub fn invalid_relation_data(juju: &mut Juju, message: &str) {
    juju.log(LogLevel::Warning, message);
}

/// The hook failed: the error with its whole chain of causes at ERROR (ops logs an uncaught
/// exception with its traceback).
pub fn hook_failed(juju: &mut Juju, error: &(dyn std::error::Error + 'static)) {
    let event = juju.event().to_string();
    juju.log(
        LogLevel::Error,
        &format!(
            "Uncaught exception while in charm code: the {event} hook failed: {}",
            chain(error)
        ),
    );
}

/// `error` followed by each of its causes not already in the text: `a: b: c`.
pub fn chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let part = cause.to_string();
        if !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("outer")]
    struct Outer(#[source] Inner);

    #[derive(Debug, thiserror::Error)]
    #[error("inner: {0}")]
    struct Inner(#[source] std::io::Error);

    #[test]
    fn the_chain_names_every_cause_once() {
        let err = Outer(Inner(std::io::Error::other("socket closed")));
        assert_eq!(chain(&err), "outer: inner: socket closed");
        let io = std::io::Error::other("alone");
        assert_eq!(chain(&io), "alone");
    }

    #[test]
    fn a_pebble_failure_reads_as_pebble_said_it() {
        let err = crate::reconcile::HookError::Pebble(crate::pebble::PebbleError::Api {
            status: 500,
            kind: None,
            message: "cannot send signal to \"flask\": service is not running".into(),
        });
        assert_eq!(
            chain(&err),
            "Pebble API error (500): cannot send signal to \"flask\": service is not running"
        );
    }
}
