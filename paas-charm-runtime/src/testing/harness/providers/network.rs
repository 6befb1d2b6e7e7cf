//! Tracing (Tempo), http-proxy (Squid), ingress (Traefik), logging (Loki) and the COS
//! consumers of what we provide (Prometheus, Grafana).

use serde_json::json;

use super::{Provider, ProviderSide};

/// Tracing (`tracing`), as Tempo provides it: its `receivers` (OTLP gRPC and HTTP); our app
/// bag holds the `receivers` we asked for.
#[derive(Debug, Clone, Default)]
pub struct Tracing {
    remote_app: Option<String>,
    units: Option<u32>,
    otlp_http: Option<String>,
}

/// Tracing, as Tempo provides it.
pub fn tracing() -> Tracing {
    Tracing::default()
}

common!(Tracing, "tempo");
setters!(Tracing {
    otlp_http: "The OTLP HTTP receiver's URL (default `http://tempo-0.tempo-endpoints.<model>.svc.cluster.local:4318`).",
});

impl Provider for Tracing {
    provider_impl!(Tracing, "tracing");

    fn lay_out(&self, side: &mut ProviderSide) {
        let remote = self.app().to_owned();
        let host = side.service_host(&format!("{remote}-0.{remote}-endpoints"));
        let http = self
            .otlp_http
            .clone()
            .unwrap_or_else(|| format!("http://{host}:4318"));
        let receivers = json!([
            {"protocol": {"name": "otlp_grpc", "type": "grpc"}, "url": format!("{host}:4317")},
            {"protocol": {"name": "otlp_http", "type": "http"}, "url": http},
        ]);
        side.set_app("receivers", crate::env::python_json::dumps(&receivers));
        side.our_app.insert(
            "receivers".into(),
            crate::integration::tracing::RECEIVERS_REQUEST.to_owned(),
        );
    }
}

/// http-proxy (`http_proxy`), as squid-forward-proxy answers the request our leader wrote:
/// a `ready` response for our requirer id with the proxy URLs, and optionally a `user`
/// secret (`username`, `password`).
#[derive(Debug, Clone, Default)]
pub struct HttpProxy {
    remote_app: Option<String>,
    units: Option<u32>,
    http_proxy: Option<String>,
    https_proxy: Option<String>,
    user: Option<(String, String)>,
    status: Option<String>,
}

/// http-proxy, as squid-forward-proxy provides it.
pub fn http_proxy() -> HttpProxy {
    HttpProxy::default()
}

common!(HttpProxy, "squid-forward-proxy");
setters!(HttpProxy {
    http_proxy: "`http_proxy` (default `http://squid.internal:3128`).",
    https_proxy: "`https_proxy` (default: the `http_proxy` URL).",
    status: "The response's `status` (default `ready`; `pending` makes it unusable).",
});

impl HttpProxy {
    /// Proxy credentials, shared as the response's `user` secret (`auth: userpass`).
    pub fn user(mut self, username: &str, password: &str) -> Self {
        self.user = Some((username.to_owned(), password.to_owned()));
        self
    }
}

/// The requirer id our leader wrote in an earlier hook.
const PROXY_REQUIRER: &str = "9b2a3c1e-1111-4222-8333-444455556666";

impl Provider for HttpProxy {
    provider_impl!(HttpProxy, "http-proxy");

    fn lay_out(&self, side: &mut ProviderSide) {
        let http = self
            .http_proxy
            .clone()
            .unwrap_or_else(|| "http://squid.internal:3128".into());
        let https = self.https_proxy.clone().unwrap_or_else(|| http.clone());
        let mut response = json!({
            "requirer": PROXY_REQUIRER,
            "status": self.status.as_deref().unwrap_or("ready"),
            "auth": if self.user.is_some() { "userpass" } else { "none" },
            "http_proxy": http,
            "https_proxy": https,
        });
        if let Some((username, password)) = &self.user {
            let id = side.share_secret(&[("username", username), ("password", password)]);
            response["user"] = json!(id);
        }
        side.set_app(
            "responses",
            crate::env::python_json::dumps(&json!([response])),
        );
        side.our_app.insert(
            "requests".into(),
            crate::env::python_json::dumps(
                &json!([{"auth": [], "domains": [], "requirer": PROXY_REQUIRER}]),
            ),
        );
    }
}

/// Ingress (`ingress`), as Traefik provides it: the URL in its app bag (`{"url": ...}`).
#[derive(Debug, Clone, Default)]
pub struct Ingress {
    remote_app: Option<String>,
    units: Option<u32>,
    url: Option<String>,
}

/// Ingress, as traefik-k8s provides it.
pub fn ingress() -> Ingress {
    Ingress::default()
}

common!(Ingress, "traefik-k8s");
setters!(Ingress {
    url: "The URL Traefik serves us under (default `https://<app>.example.com/`).",
});

impl Provider for Ingress {
    provider_impl!(Ingress, "ingress");

    fn lay_out(&self, side: &mut ProviderSide) {
        let url = self
            .url
            .clone()
            .unwrap_or_else(|| format!("https://{}.example.com/", side.app_name));
        side.set_app(
            "ingress",
            crate::env::python_json::dumps(&json!({ "url": url })),
        );
    }
}

/// Logging (`loki_push_api`), as Loki provides it: each unit's bag holds its push endpoint.
#[derive(Debug, Clone, Default)]
pub struct Logging {
    remote_app: Option<String>,
    units: Option<u32>,
}

/// Logging, as loki-k8s provides it.
pub fn logging() -> Logging {
    Logging::default()
}

common!(Logging, "loki-k8s");

impl Provider for Logging {
    provider_impl!(Logging, "logging");

    fn lay_out(&self, side: &mut ProviderSide) {
        let remote = self.app().to_owned();
        let model = side.model_name.clone();
        for (number, unit) in side.units.iter_mut() {
            let url = format!(
                "http://{remote}-{number}.{remote}-endpoints.{model}.svc.cluster.local:3100/loki/api/v1/push"
            );
            unit.insert(
                "endpoint".into(),
                crate::env::python_json::dumps(&json!({ "url": url })),
            );
        }
    }
}

/// A COS consumer of what we provide (`metrics-endpoint`: Prometheus, `grafana-dashboard`:
/// Grafana): the consumer writes nothing our charm reads.
#[derive(Debug, Clone)]
pub struct Consumer {
    endpoint: &'static str,
    remote_app: Option<String>,
    units: Option<u32>,
}

/// Prometheus scraping our `metrics-endpoint`.
pub fn metrics_endpoint() -> Consumer {
    Consumer {
        endpoint: "metrics-endpoint",
        remote_app: None,
        units: None,
    }
}

/// Grafana reading our `grafana-dashboard`.
pub fn grafana_dashboard() -> Consumer {
    Consumer {
        endpoint: "grafana-dashboard",
        remote_app: None,
        units: None,
    }
}

impl Consumer {
    /// The consumer application's name.
    pub fn remote_app(mut self, name: &str) -> Self {
        self.remote_app = Some(name.to_owned());
        self
    }
}

impl Provider for Consumer {
    fn integration(&self) -> &str {
        self.endpoint
    }
    fn remote_app(&self) -> &str {
        self.remote_app.as_deref().unwrap_or(match self.endpoint {
            "metrics-endpoint" => "prometheus-k8s",
            _ => "grafana-k8s",
        })
    }
    fn units(&self) -> u32 {
        self.units.unwrap_or(1)
    }
    fn lay_out(&self, _side: &mut ProviderSide) {}
}
