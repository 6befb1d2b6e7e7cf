//! The Pebble layer a framework's rock ships (Rockcraft's `*-framework` extensions,
//! frameworks.md §1.1): what the harness's workload container starts from.

use crate::framework::FrameworkKind;
use crate::pebble::{Layer, Service};

/// The rock's default layer for `framework`; `charm_name` names the Go binary
/// (`/usr/local/bin/<charm name>`, as the go-framework rock names it after the project).
///
/// ```
/// use paas_charm_runtime::framework::FrameworkKind;
/// use paas_charm_runtime::testing::harness::rock_layer;
///
/// let layer = rock_layer(FrameworkKind::ExpressJs, "expressjs-k8s");
/// assert_eq!(layer.services["expressjs"].command, "npm start");
/// assert_eq!(layer.services["expressjs"].working_dir, "/app");
/// ```
pub fn rock_layer(framework: FrameworkKind, charm_name: &str) -> Layer {
    let mut services = std::collections::BTreeMap::new();
    let service = |command: &str, working_dir: &str| Service {
        r#override: "replace".into(),
        startup: "enabled".into(),
        command: command.to_owned(),
        user: "_daemon_".into(),
        working_dir: working_dir.to_owned(),
        ..Service::default()
    };
    match framework {
        FrameworkKind::Flask | FrameworkKind::Django => {
            let (name, wsgi) = if framework == FrameworkKind::Flask {
                ("flask", "app:app")
            } else {
                ("django", "django_app.wsgi:application")
            };
            let mut main = service(
                &format!("/bin/python3 -m gunicorn -c /{name}/gunicorn.conf.py {wsgi} -k [ sync ]"),
                "",
            );
            main.after = vec!["statsd-exporter".into()];
            services.insert(name.to_owned(), main);
            let mut statsd = service(
                "/bin/statsd_exporter --statsd.mapping-config=/statsd-mapping.conf \
                 --statsd.listen-udp=localhost:9125 --statsd.listen-tcp=localhost:9125",
                "",
            );
            statsd.r#override = "merge".into();
            statsd.summary = "statsd exporter service".into();
            services.insert("statsd-exporter".into(), statsd);
        }
        FrameworkKind::FastApi => {
            let mut main = service("/bin/python3 -m uvicorn app:app", "/app");
            main.environment
                .insert("UVICORN_HOST".into(), serde_json::json!("0.0.0.0"));
            services.insert("fastapi".into(), main);
        }
        FrameworkKind::Go => {
            services.insert(
                "go".into(),
                service(&format!("/usr/local/bin/{charm_name}"), "/app"),
            );
        }
        FrameworkKind::ExpressJs => {
            let mut main = service("npm start", "/app");
            main.environment
                .insert("NODE_ENV".into(), serde_json::json!("production"));
            services.insert("expressjs".into(), main);
        }
        FrameworkKind::SpringBoot => {
            services.insert(
                "spring-boot".into(),
                service("bash -c \"java -jar *.jar\"", "/app"),
            );
        }
    }
    Layer {
        services,
        ..Layer::default()
    }
}
