//! The charmcraft.yaml sections a charm needs, as YAML text: what Charmcraft's
//! `<framework>-framework` extension expands to, plus one `requires` endpoint per integration.

use std::fmt::Write as _;

use crate::{
    DefaultValue, FrameworkSpec, IntegrationSpec, RelationSpec, ASSUMES, PEERS, PROVIDES, REQUIRES,
};

/// The sections (`assumes`, `containers`, `resources`, `peers`, `requires`, `provides`,
/// `config`, `actions`) for a charm of `framework` with these integrations, in this order.
pub fn sections(framework: &FrameworkSpec, integrations: &[&IntegrationSpec]) -> String {
    let mut out = String::new();
    out.push_str("assumes:\n");
    for a in ASSUMES {
        let _ = writeln!(out, "  - {a}");
    }
    let _ = write!(
        out,
        "containers:\n  {c}:\n    resource: {r}\nresources:\n  {r}:\n    type: oci-image\n",
        c = framework.container,
        r = framework.resource
    );
    relations(&mut out, "peers", PEERS, &[]);
    relations(&mut out, "requires", REQUIRES, integrations);
    relations(&mut out, "provides", PROVIDES, &[]);
    out.push_str("config:\n  options:\n");
    for option in framework.options {
        let _ = write!(
            out,
            "    {}:\n      type: {}\n",
            option.name,
            option.kind.as_str()
        );
        if let Some(default) = option.default {
            let _ = writeln!(out, "      default: {}", default_text(default));
        }
    }
    for integration in integrations.iter().filter(|i| i.endpoint.is_none()) {
        for (name, default) in framework.oauth_options(integration.default_endpoint()) {
            let _ = write!(
                out,
                "    {name}:\n      type: string\n      default: {}\n",
                scalar(&default)
            );
        }
    }
    out.push_str("actions:\n");
    for action in framework.actions {
        let _ = write!(
            out,
            "  {}:\n    description: {}\n",
            action.name,
            scalar(action.description)
        );
        if !action.params.is_empty() {
            out.push_str("    params:\n");
            for p in action.params {
                let _ = write!(
                    out,
                    "      {}:\n        type: {}\n        description: {}\n",
                    p.name,
                    p.kind,
                    scalar(p.description)
                );
            }
            let _ = writeln!(out, "    required: [{}]", action.required.join(", "));
        }
    }
    out
}

fn relations(out: &mut String, section: &str, core: &[RelationSpec], listed: &[&IntegrationSpec]) {
    let _ = writeln!(out, "{section}:");
    for r in core {
        let _ = write!(out, "  {}:\n    interface: {}\n", r.endpoint, r.interface);
        if let Some(limit) = r.limit {
            let _ = writeln!(out, "    limit: {limit}");
        }
    }
    for i in listed {
        let _ = write!(
            out,
            "  {}:\n    interface: {}\n    optional: true\n    limit: 1\n",
            i.default_endpoint(),
            i.interface
        );
    }
}

fn default_text(default: DefaultValue) -> String {
    match default {
        DefaultValue::Str(s) => scalar(s),
        DefaultValue::Int(i) => i.to_string(),
        DefaultValue::Bool(b) => b.to_string(),
    }
}

/// A string as a YAML scalar, double-quoted when YAML would read it as something else.
pub fn scalar(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "/-_. ,".contains(c))
        && !s.starts_with([' ', '-'])
        && !s.ends_with(' ')
        && s.parse::<f64>().is_err()
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "~"
        );
    if plain {
        s.to_string()
    } else {
        format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{framework, integration_by_name};

    #[test]
    fn scalars_are_quoted_only_when_needed() {
        assert_eq!(scalar("HTTPS"), "HTTPS");
        assert_eq!(scalar("/actuator/prometheus"), "/actuator/prometheus");
        assert_eq!(scalar("openid profile email"), "openid profile email");
        assert_eq!(scalar("True"), "\"True\"");
        assert_eq!(scalar("8080"), "\"8080\"");
        assert_eq!(scalar("a: b"), "\"a: b\"");
        assert_eq!(scalar("-x"), "\"-x\"");
    }

    #[test]
    fn go_with_redis_and_oauth() {
        let go = framework("go").expect("go");
        let listed = [
            integration_by_name("redis").expect("redis"),
            integration_by_name("oauth").expect("oauth"),
        ];
        let text = sections(go, &listed);
        let expected = "\
assumes:
  - k8s-api
containers:
  app:
    resource: app-image
resources:
  app-image:
    type: oci-image
peers:
  secret-storage:
    interface: secret-storage
requires:
  ingress:
    interface: ingress
    limit: 1
  logging:
    interface: loki_push_api
  redis:
    interface: redis
    optional: true
    limit: 1
  oidc:
    interface: oauth
    optional: true
    limit: 1
provides:
  metrics-endpoint:
    interface: prometheus_scrape
  grafana-dashboard:
    interface: grafana_dashboard
config:
  options:
    app-port:
      type: int
      default: 8080
    metrics-port:
      type: int
      default: 8080
    metrics-path:
      type: string
      default: /metrics
    app-secret-key:
      type: string
    app-secret-key-id:
      type: secret
    oidc-redirect-path:
      type: string
      default: /callback
    oidc-scopes:
      type: string
      default: openid profile email
actions:
  rotate-secret-key:
    description: Rotate the secret key. Users will be forced to log in again. This might be useful if a security breach occurs.
";
        assert_eq!(text, expected);
    }

    #[test]
    fn django_declares_create_superuser() {
        let text = sections(framework("django").expect("django"), &[]);
        assert!(text.contains(
            "  create-superuser:\n    description: Create a new Django superuser account.\n    \
             params:\n      username:\n        type: string\n        description: The username \
             of the superuser.\n      email:\n        type: string\n        description: The email \
             address of the superuser.\n    required: [username, email]\n"
        ), "{text}");
        assert!(text.contains("    django-debug:\n      type: boolean\n      default: false\n"));
        assert!(text.contains("  django-app:\n    resource: django-app-image\n"));
    }
}
