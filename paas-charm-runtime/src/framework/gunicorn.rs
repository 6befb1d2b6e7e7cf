//! Gunicorn, shared by Flask and Django: the `webserver-*` options, `gunicorn.conf.py`
//! rendering (byte for byte as paas-charm's template), the worker-class rewrite of the service
//! command and the `--check-config` command line (frameworks.md §7).

use crate::config::ConfigError;
use crate::juju::ConfigValues;

/// paas-charm's bundled JSON-logging snippet, inserted verbatim into the config.
const JSON_LOGGING_ASSET: &str = include_str!("../../assets/gunicorn/_gunicorn_json_logging.py");

const TRACING_IMPORTS: &str = "from opentelemetry import trace\n\
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter\n\
from opentelemetry.sdk.trace import TracerProvider\n\
from opentelemetry.sdk.trace.export import BatchSpanProcessor\n";

const ACCESS_LOG_FORMAT: &str = "access_log_format = '%(h)s %(l)s %(u)s %(t)s \"%(r)s\" %(s)s %(b)s \"%(f)s\" \"%(a)s\" %({x-request-id}o)s'";

const TRACER_SETUP: &str = "    trace.set_tracer_provider(TracerProvider())\n    \
span_processor = BatchSpanProcessor(OTLPSpanExporter())\n    \
trace.get_tracer_provider().add_span_processor(span_processor)\n";

const WSGI_PATCH: &str = "    _original_wsgi = worker.app.wsgi\n\n    \
def _patched_wsgi():\n        return OtelSpanMiddleware(_original_wsgi())\n\n    \
worker.app.wsgi = _patched_wsgi\n";

/// The `webserver-*` options (frameworks.md §7.1).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WebserverOptions {
    /// `webserver-workers`
    pub workers: Option<i64>,
    /// `webserver-threads`
    pub threads: Option<i64>,
    /// `webserver-keepalive`
    pub keepalive: Option<i64>,
    /// `webserver-timeout`
    pub timeout: Option<i64>,
    /// `webserver-worker-class`
    pub worker_class: Option<String>,
}

impl WebserverOptions {
    /// Reads the options (integers as Python's `int()` would take them).
    pub fn from_config(config: &ConfigValues) -> Result<Self, ConfigError> {
        let mut errors = ConfigError::default();
        let mut int = |name: &str| match config.get(name) {
            None | Some(serde_json::Value::Null) => None,
            Some(value) => match as_int(value) {
                Some(n) => Some(n),
                None => {
                    errors.merge(ConfigError::invalid(name));
                    None
                }
            },
        };
        let options = Self {
            workers: int("webserver-workers"),
            threads: int("webserver-threads"),
            keepalive: int("webserver-keepalive"),
            timeout: int("webserver-timeout"),
            worker_class: match config.get("webserver-worker-class") {
                Some(serde_json::Value::String(s)) => Some(s.clone()),
                None | Some(serde_json::Value::Null) => None,
                Some(other) => Some(other.to_string()),
            },
        };
        errors.into_result()?;
        Ok(options)
    }
}

fn as_int(value: &serde_json::Value) -> Option<i64> {
    match value {
        serde_json::Value::Number(n) => n.as_i64().or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                .map(|f| f as i64)
        }),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        serde_json::Value::Bool(b) => Some(i64::from(*b)),
        _ => None,
    }
}

/// Inputs of `gunicorn.conf.py`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GunicornConfig<'a> {
    /// The port Gunicorn binds (8000 in 1.x).
    pub port: u16,
    /// The application directory (`chdir`).
    pub app_dir: &'a str,
    /// Access log path, or `-` when Pebble forwards logs.
    pub access_log: &'a str,
    /// Error log path, or `-` when Pebble forwards logs.
    pub error_log: &'a str,
    /// The `webserver-*` options.
    pub options: &'a WebserverOptions,
    /// A tracing relation is ready.
    pub tracing: bool,
    /// `framework_logging_format: json`.
    pub json_logging: bool,
}

/// HTML escaping as Jinja's autoescape does (markupsafe).
fn escape(value: &str) -> String {
    value
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
}

impl GunicornConfig<'_> {
    /// Renders the file exactly as paas-charm's template does.
    pub fn render(&self) -> String {
        let mut lines = vec![
            format!("bind = ['0.0.0.0:{}']", self.port),
            format!("chdir = '{}'", escape(self.app_dir)),
            format!("accesslog = '{}'", escape(self.access_log)),
            format!("errorlog = '{}'", escape(self.error_log)),
            "statsd_host = 'localhost:9125'".to_owned(),
        ];
        let options = self.options;
        for (name, value) in [
            ("workers", options.workers),
            ("threads", options.threads),
            ("keepalive", options.keepalive),
            ("timeout", options.timeout),
        ] {
            if let Some(value) = value {
                lines.push(format!("{name} = {value}"));
            }
        }
        let mut out = String::new();
        if self.tracing {
            out.push_str(TRACING_IMPORTS);
            out.push('\n');
        }
        if self.json_logging {
            out.push('\n');
            out.push_str(JSON_LOGGING_ASSET);
            out.push_str("logger_class = GunicornJsonLogger\n");
        }
        out.push_str(&lines.join("\n"));
        if self.tracing {
            out.push('\n');
            out.push_str(ACCESS_LOG_FORMAT);
        }
        if self.tracing || self.json_logging {
            out.push_str("\n\n");
            if self.tracing {
                out.push('\n');
            }
            out.push_str("def post_fork(server, worker):\n");
            if self.tracing {
                out.push_str(TRACER_SETUP);
            }
            if self.json_logging {
                out.push_str(WSGI_PATCH);
            }
        }
        out
    }
}

/// Why a worker class cannot be applied; each `Display` is the Blocked message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WorkerClassError {
    /// Not `sync` or `gevent`.
    #[error("Only 'gevent' and 'sync' are allowed. https://bit.ly/{0}-async-doc")]
    NotAllowed(&'static str),
    /// `import gevent` failed in the workload.
    #[error("gunicorn[gevent] must be installed in the rock. https://bit.ly/{0}-async-doc")]
    GeventMissing(&'static str),
    /// The rock's command has no `-k`.
    #[error("Worker class is set through `juju config` but the `-k` worker class argument is not in the service command.")]
    NoWorkerArgument,
}

/// Checks the worker-class value (step 2 of §7.5).
pub fn check_worker_class(value: &str, framework: &'static str) -> Result<bool, WorkerClassError> {
    match value {
        "sync" => Ok(false),
        "gevent" => Ok(true),
        _ => Err(WorkerClassError::NotAllowed(framework)),
    }
}

/// Rewrites the `-k` argument of the rock's command to `worker_class` (step 4 of §7.5).
/// `Ok(None)` when the command already uses it.
pub fn rewrite_worker_class(
    command: &str,
    worker_class: &str,
) -> Result<Option<String>, WorkerClassError> {
    let mut tokens = shlex::split(command).ok_or(WorkerClassError::NoWorkerArgument)?;
    let k = tokens
        .iter()
        .position(|t| t == "-k")
        .ok_or(WorkerClassError::NoWorkerArgument)?;
    let mut index = k + 1;
    if tokens.get(index).map(String::as_str) == Some("[") {
        index += 1;
    }
    let token = tokens
        .get_mut(index)
        .ok_or(WorkerClassError::NoWorkerArgument)?;
    if token == worker_class {
        return Ok(None);
    }
    *token = worker_class.to_owned();
    Ok(Some(tokens.join(" ")))
}

/// The `--check-config` argv: the service command tokenised, `[`/`]` dropped.
pub fn check_config_command(command: &str) -> Option<Vec<String>> {
    let mut tokens: Vec<String> = shlex::split(command)?
        .into_iter()
        .filter(|t| t != "[" && t != "]")
        .collect();
    tokens.push("--check-config".into());
    Some(tokens)
}

/// The Blocked message when `--check-config` fails.
pub const CHECK_CONFIG_FAILED: &str =
    "Webserver configuration check failed, please review your charm configuration or database relation";

#[cfg(test)]
mod tests {
    use super::*;

    fn config(options: &WebserverOptions, tracing: bool, json: bool, juju_34: bool) -> String {
        let (access, error) = if juju_34 {
            ("-", "-")
        } else {
            ("/var/log/flask/access.log", "/var/log/flask/error.log")
        };
        GunicornConfig {
            port: 8000,
            app_dir: "/flask/app",
            access_log: access,
            error_log: error,
            options,
            tracing,
            json_logging: json,
        }
        .render()
    }

    #[test]
    fn renders_the_plain_config() {
        let options = WebserverOptions {
            workers: Some(10),
            ..Default::default()
        };
        assert_eq!(
            config(&options, false, false, false),
            "bind = ['0.0.0.0:8000']\nchdir = '/flask/app'\naccesslog = '/var/log/flask/access.log'\nerrorlog = '/var/log/flask/error.log'\nstatsd_host = 'localhost:9125'\nworkers = 10"
        );
        let options = WebserverOptions {
            threads: Some(2),
            timeout: Some(3),
            keepalive: Some(4),
            ..Default::default()
        };
        assert!(config(&options, false, false, true)
            .ends_with("accesslog = '-'\nerrorlog = '-'\nstatsd_host = 'localhost:9125'\nthreads = 2\nkeepalive = 4\ntimeout = 3"));
    }

    #[test]
    fn renders_tracing_and_json_blocks() {
        let options = WebserverOptions::default();
        let tracing = config(&options, true, false, false);
        assert!(tracing.starts_with(TRACING_IMPORTS));
        assert!(tracing.ends_with(
            "%({x-request-id}o)s'\n\n\ndef post_fork(server, worker):\n    trace.set_tracer_provider(TracerProvider())\n    span_processor = BatchSpanProcessor(OTLPSpanExporter())\n    trace.get_tracer_provider().add_span_processor(span_processor)\n"
        ));
        let json = config(
            &WebserverOptions {
                workers: Some(2),
                ..Default::default()
            },
            false,
            true,
            true,
        );
        assert!(json.starts_with("\n# Copyright"));
        assert!(json.contains("logger_class = GunicornJsonLogger\nbind = ['0.0.0.0:8000']"));
        assert!(json.ends_with("workers = 2\n\ndef post_fork(server, worker):\n    _original_wsgi = worker.app.wsgi\n\n    def _patched_wsgi():\n        return OtelSpanMiddleware(_original_wsgi())\n\n    worker.app.wsgi = _patched_wsgi\n"));
        let both = config(&options, true, true, true);
        assert!(both.starts_with(&format!("{TRACING_IMPORTS}\n\n# Copyright")));
        assert!(both.contains("span_processor)\n    _original_wsgi"));
        let plain = config(&options, false, false, true);
        assert!(!plain.contains("GunicornJsonLogger") && !plain.contains("post_fork"));
    }

    #[test]
    fn escapes_substituted_values() {
        let options = WebserverOptions::default();
        let text = GunicornConfig {
            port: 8000,
            app_dir: "/it's",
            access_log: "-",
            error_log: "-",
            options: &options,
            tracing: false,
            json_logging: false,
        }
        .render();
        assert!(text.contains("chdir = '/it&#39;s'"));
    }

    #[test]
    fn worker_class_rewrite() {
        let rock = "/bin/python3 -m gunicorn -c /django/gunicorn.conf.py django_app.wsgi:application -k [ sync ]";
        assert_eq!(
            rewrite_worker_class(rock, "gevent").unwrap().as_deref(),
            Some("/bin/python3 -m gunicorn -c /django/gunicorn.conf.py django_app.wsgi:application -k [ gevent ]")
        );
        assert_eq!(rewrite_worker_class(rock, "sync").unwrap(), None);
        assert_eq!(
            rewrite_worker_class(
                "/bin/python3 -m gunicorn -c /flask/gunicorn.conf.py app:app",
                "gevent"
            ),
            Err(WorkerClassError::NoWorkerArgument)
        );
        assert_eq!(
            check_worker_class("eventlet", "flask")
                .unwrap_err()
                .to_string(),
            "Only 'gevent' and 'sync' are allowed. https://bit.ly/flask-async-doc"
        );
        assert_eq!(
            check_config_command(
                "/bin/python3 -m gunicorn -c /flask/gunicorn.conf.py app:app -k [ sync ]"
            )
            .unwrap(),
            [
                "/bin/python3",
                "-m",
                "gunicorn",
                "-c",
                "/flask/gunicorn.conf.py",
                "app:app",
                "-k",
                "sync",
                "--check-config"
            ]
        );
    }

    #[test]
    fn invalid_integers_are_invalid_options() {
        let mut values = ConfigValues::new();
        values.insert("webserver-workers".into(), serde_json::json!("many"));
        values.insert("webserver-timeout".into(), serde_json::json!(30));
        let err = WebserverOptions::from_config(&values).unwrap_err();
        assert_eq!(
            err.to_string(),
            "        invalid options: webserver-workers"
        );
    }
}
