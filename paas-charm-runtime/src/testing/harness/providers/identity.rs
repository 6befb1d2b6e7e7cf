//! The identity and messaging providers: OAuth (Hydra), SAML, OpenFGA and SMTP.

use super::{Provider, ProviderSide};

/// OAuth / OIDC (`oauth`), as Hydra provides it once it registered our client: the issuer's
/// endpoints, `client_id` and `client_secret_id` (a secret holding `secret`).
#[derive(Debug, Clone, Default)]
pub struct OAuth {
    remote_app: Option<String>,
    units: Option<u32>,
    issuer: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
    scope: Option<String>,
}

/// OAuth, as Hydra provides it.
pub fn oauth() -> OAuth {
    OAuth::default()
}

common!(OAuth, "hydra");
setters!(OAuth {
    issuer: "The issuer URL (default `https://iam.example.com/<model>-hydra`); the other endpoints derive from it.",
    client_id: "Our client's id.",
    client_secret: "Our client's secret.",
    scope: "The scopes the provider supports (default `openid profile email phone`).",
});

impl Provider for OAuth {
    provider_impl!(OAuth, "oauth");

    fn lay_out(&self, side: &mut ProviderSide) {
        let issuer = self
            .issuer
            .clone()
            .unwrap_or_else(|| format!("https://iam.example.com/{}-hydra", side.model_name));
        let remote = self.app().to_owned();
        side.set_app("authorization_endpoint", format!("{issuer}/oauth2/auth"));
        side.set_app(
            "introspection_endpoint",
            format!(
                "http://{}:4445/admin/oauth2/introspect",
                side.service_host(&remote)
            ),
        );
        side.set_app("issuer_url", issuer.clone());
        side.set_app("jwks_endpoint", format!("{issuer}/.well-known/jwks.json"));
        side.set_app(
            "scope",
            self.scope
                .as_deref()
                .unwrap_or("openid profile email phone"),
        );
        side.set_app("token_endpoint", format!("{issuer}/oauth2/token"));
        side.set_app("userinfo_endpoint", format!("{issuer}/userinfo"));
        side.set_app(
            "client_id",
            self.client_id
                .as_deref()
                .unwrap_or("b6e1c7f2-3a0d-4c55-9f1e-7d2a8c4b9e01"),
        );
        let secret = self
            .client_secret
            .as_deref()
            .unwrap_or("harness-client-secret");
        let id = side.share_secret(&[("secret", secret)]);
        side.set_app("client_secret_id", id);
    }
}

/// SAML (`saml`), as saml-integrator provides it: the IdP's entity id, metadata URL,
/// single-sign-on URL and certificate.
#[derive(Debug, Clone, Default)]
pub struct Saml {
    remote_app: Option<String>,
    units: Option<u32>,
    entity_id: Option<String>,
    metadata_url: Option<String>,
    sso_url: Option<String>,
    certificate: Option<String>,
}

/// SAML, as saml-integrator provides it.
pub fn saml() -> Saml {
    Saml::default()
}

common!(Saml, "saml-integrator");
setters!(Saml {
    entity_id: "`entity_id` (default `https://login.example.com`).",
    metadata_url: "`metadata_url` (default `<entity id>/saml/metadata`).",
    sso_url: "`single_sign_on_service_redirect_url` (default `<entity id>/saml/`).",
    certificate: "`x509certs` (base64 DER).",
});

impl Provider for Saml {
    provider_impl!(Saml, "saml");

    fn lay_out(&self, side: &mut ProviderSide) {
        let entity = self
            .entity_id
            .clone()
            .unwrap_or_else(|| "https://login.example.com".into());
        side.set_app("entity_id", entity.clone());
        side.set_app(
            "metadata_url",
            self.metadata_url
                .clone()
                .unwrap_or_else(|| format!("{entity}/saml/metadata")),
        );
        side.set_app(
            "single_sign_on_service_redirect_binding",
            "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect",
        );
        side.set_app(
            "single_sign_on_service_redirect_url",
            self.sso_url
                .clone()
                .unwrap_or_else(|| format!("{entity}/saml/")),
        );
        side.set_app(
            "x509certs",
            self.certificate.as_deref().unwrap_or("MIIBexampleCERT"),
        );
    }
}

/// OpenFGA (`openfga`), as openfga-k8s provides it once it created our store: `store_id`,
/// the API URLs and `token_secret_id` (a secret holding `token`); our app bag holds the store
/// name we asked for.
#[derive(Debug, Clone, Default)]
pub struct OpenFga {
    remote_app: Option<String>,
    units: Option<u32>,
    store_id: Option<String>,
    token: Option<String>,
    http_api_url: Option<String>,
    grpc_api_url: Option<String>,
}

/// OpenFGA, as openfga-k8s provides it.
pub fn openfga() -> OpenFga {
    OpenFga::default()
}

common!(OpenFga, "openfga-k8s");
setters!(OpenFga {
    store_id: "`store_id`.",
    token: "The preshared API token.",
    http_api_url: "`http_api_url` (default `http://openfga-k8s.<model>.svc.cluster.local:8080`).",
    grpc_api_url: "`grpc_api_url` (default `http://openfga-k8s.<model>.svc.cluster.local:8081`).",
});

impl Provider for OpenFga {
    provider_impl!(OpenFga, "openfga");

    fn lay_out(&self, side: &mut ProviderSide) {
        let host = side.service_host(self.app());
        side.set_app(
            "store_id",
            self.store_id
                .as_deref()
                .unwrap_or("01JQ8E3V5N7Z9K2M4P6R8T0W1Y"),
        );
        let token = self.token.as_deref().unwrap_or("harness-fga-token");
        let id = side.share_secret(&[("token", token)]);
        side.set_app("token_secret_id", id);
        side.set_app(
            "grpc_api_url",
            self.grpc_api_url
                .clone()
                .unwrap_or_else(|| format!("http://{host}:8081")),
        );
        side.set_app(
            "http_api_url",
            self.http_api_url
                .clone()
                .unwrap_or_else(|| format!("http://{host}:8080")),
        );
        side.our_app.insert(
            "store_name".into(),
            crate::integration::openfga::STORE_NAME.to_owned(),
        );
    }
}

/// SMTP (`smtp`), as smtp-integrator provides it: host, port, user, `password_id` (a secret
/// holding `password`), auth type, transport security and domain.
#[derive(Debug, Clone, Default)]
pub struct Smtp {
    remote_app: Option<String>,
    units: Option<u32>,
    host: Option<String>,
    port: Option<String>,
    user: Option<String>,
    password: Option<String>,
    auth_type: Option<String>,
    transport_security: Option<String>,
    domain: Option<String>,
}

/// SMTP, as smtp-integrator provides it.
pub fn smtp() -> Smtp {
    Smtp::default()
}

common!(Smtp, "smtp-integrator");
setters!(Smtp {
    host: "`host` (default `smtp.example.com`).",
    user: "`user` (none by default).",
    password: "The password, shared as a secret (none by default).",
    auth_type: "`auth_type` (default `plain` with a user, else `none`).",
    transport_security: "`transport_security` (default `starttls`).",
    domain: "`domain` (default `example.com`).",
});

impl Smtp {
    /// `port` (default 587).
    pub fn port(mut self, port: u16) -> Self {
        self.port = Some(port.to_string());
        self
    }
}

impl Provider for Smtp {
    provider_impl!(Smtp, "smtp");

    fn lay_out(&self, side: &mut ProviderSide) {
        side.set_app("host", self.host.as_deref().unwrap_or("smtp.example.com"));
        side.set_app("port", self.port.as_deref().unwrap_or("587"));
        if let Some(user) = &self.user {
            side.set_app("user", user.clone());
        }
        if let Some(password) = &self.password {
            let id = side.share_secret(&[("password", password)]);
            side.set_app("password_id", id);
        }
        let auth = match (&self.auth_type, &self.user) {
            (Some(auth), _) => auth.clone(),
            (None, Some(_)) => "plain".into(),
            (None, None) => "none".into(),
        };
        side.set_app("auth_type", auth);
        side.set_app(
            "transport_security",
            self.transport_security.as_deref().unwrap_or("starttls"),
        );
        side.set_app("domain", self.domain.as_deref().unwrap_or("example.com"));
        side.set_app("skip_ssl_verify", "false");
    }
}
