//! Spring Boot's property forms of what integrations provide (integrations.md §3): the
//! framework, not the integrations, knows `spring.datasource.*`, `spring.data.redis.*`, ...
//! Each integration yields its typed data ([`Provided`]); this module renders it.

use serde_json::Value;

use super::spring_boot;
use crate::env::url::urlparse;
use crate::env::Env;
use crate::integration::{FormProblem, Forms, Provided};

/// Spring Boot's forms: the properties replace the integrations' variables, except for the
/// SQL databases, whose `<DB>_DB_*` variables stay beside the `spring.datasource.*` ones.
#[derive(Debug, Clone, Copy, Default)]
pub struct SpringForms;

/// The SAML registration's property prefix.
const SAML_REGISTRATION: &str = "spring.security.saml2.relyingparty.registration.testentity";

impl Forms for SpringForms {
    fn replaces(&self, data: &Provided<'_>) -> bool {
        match data {
            Provided::Database { endpoint, .. } => *endpoint == "mongodb",
            _ => true,
        }
    }

    /// The SQL databases' first URI and Redis' URL must have a readable port (paas-charm
    /// crashes the hook otherwise; we block); SAML needs the provider's metadata URL.
    fn check(&self, data: &Provided<'_>) -> Result<(), FormProblem> {
        match data {
            Provided::Database { endpoint, uris } if *endpoint != "mongodb" => {
                let first = uris.split(',').next().unwrap_or_default();
                urlparse(first)
                    .and_then(|parsed| parsed.port())
                    .map(drop)
                    .map_err(FormProblem::Url)
            }
            Provided::Redis { url } => urlparse(url)
                .and_then(|parsed| parsed.port())
                .map(drop)
                .map_err(FormProblem::Url),
            Provided::Saml(saml) if saml.metadata_url.is_none() => Err(FormProblem::Invalid(
                "Invalid saml relation data. Spring Boot needs the provider's metadata_url.".into(),
            )),
            _ => Ok(()),
        }
    }

    /// The SAML signing certificate, as a PEM file.
    fn files(&self, data: &Provided<'_>) -> Vec<(String, String)> {
        match data {
            Provided::Saml(saml) => saml
                .signing_certificate()
                .filter(|c| !c.is_empty())
                .map(spring_boot::saml_certificate_file)
                .into_iter()
                .collect(),
            _ => Vec::new(),
        }
    }
}

/// Adds the Spring properties of `data` to `env` (after the integration's own variables, when
/// [`SpringForms`] keeps them).
pub fn render(data: &Provided<'_>, env: &mut Env) {
    match data {
        Provided::Database { endpoint, uris } => database(endpoint, uris, env),
        Provided::Redis { url } => redis(url, env),
        Provided::S3(s3) => {
            env.set(
                "spring.cloud.aws.credentials.accessKey",
                s3.access_key.clone(),
            );
            env.set(
                "spring.cloud.aws.credentials.secretKey",
                s3.secret_key.clone(),
            );
            env.set("spring.cloud.aws.s3.bucket", s3.bucket.clone());
            if let Some(region) = s3.region.clone().filter(|r| !r.is_empty()) {
                env.set("spring.cloud.aws.region.static", region);
            }
            if let Some(endpoint) = s3.endpoint.clone().filter(|e| !e.is_empty()) {
                env.set("spring.cloud.aws.s3.endpoint", endpoint);
            }
        }
        Provided::RabbitMq(data) => {
            env.set("spring.rabbitmq.virtual-host", data.vhost.clone());
            env.set("spring.rabbitmq.username", data.username.clone());
            env.set("spring.rabbitmq.password", data.password.clone());
            env.set("spring.rabbitmq.host", data.hostname.clone());
            env.set("spring.rabbitmq.port", data.port.to_string());
        }
        Provided::Smtp(data) => smtp(data, env),
        Provided::OAuth(oauth) => {
            if let Some(p) = oauth.provider() {
                let ep = oauth.endpoint();
                let reg = format!("spring.security.oauth2.client.registration.{ep}");
                let prov = format!("spring.security.oauth2.client.provider.{ep}");
                let scope = oauth.scopes().split_whitespace().collect::<Vec<_>>();
                let name_attribute = oauth.user_name_attribute();
                env.set(format!("{reg}.client-id"), p.client_id.clone());
                env.set(format!("{reg}.client-secret"), p.client_secret.clone());
                env.set(format!("{reg}.redirect-uri"), oauth.redirect_uri());
                env.set(format!("{reg}.scope"), scope.join(","));
                env.set(format!("{reg}.user-name-attribute"), name_attribute);
                env.set(
                    format!("{reg}.authorization-grant-type"),
                    "authorization_code",
                );
                env.set(
                    format!("{prov}.authorization-uri"),
                    p.authorization_endpoint.clone(),
                );
                env.set(format!("{prov}.issuer-uri"), p.issuer_url.clone());
                env.set(format!("{prov}.jwk-set-uri"), p.jwks_endpoint.clone());
                env.set(format!("{prov}.token-uri"), p.token_endpoint.clone());
                env.set(format!("{prov}.user-info-uri"), p.userinfo_endpoint.clone());
                env.set(format!("{prov}.user-name-attribute"), name_attribute);
            }
        }
        Provided::OpenFga(data) => {
            if let Some(store) = &data.store_id {
                env.set("openfga.store-id", store.clone());
            }
            env.set("openfga.credentials.method", "API_TOKEN");
            if let Some(token) = &data.token {
                env.set("openfga.credentials.config.api-token", token.clone());
            }
            env.set("openfga.api-url", data.http_api_url.clone());
        }
        Provided::Saml(data) => {
            let reg = SAML_REGISTRATION;
            if let Some(metadata) = &data.metadata_url {
                env.set(
                    format!("{reg}.assertingparty.metadata-uri"),
                    metadata.clone(),
                );
            }
            env.set(format!("{reg}.entity-id"), data.entity_id.clone());
            if let Some(sso) = data.single_sign_on_redirect_url() {
                env.set(format!("{reg}.assertingparty.singlesignin.url"), sso);
            }
            if data.signing_certificate().is_some_and(|c| !c.is_empty()) {
                env.set(
                    format!(
                        "{reg}.assertingparty.verification.credentials[0].certificate-location"
                    ),
                    format!("file:{}", spring_boot::SAML_CERTIFICATE_PATH),
                );
            }
        }
    }
}

/// `spring.data.mongodb.uri`, or the SQL databases' `spring.datasource.*` from the first URI.
fn database(endpoint: &str, uris: &str, env: &mut Env) {
    let uri = uris.split(',').next().unwrap_or_default();
    if endpoint == "mongodb" {
        env.set("spring.data.mongodb.uri", uri);
        return;
    }
    // Checked when the integration loaded its data (`SpringForms::check`).
    let Ok(parsed) = urlparse(uri) else { return };
    let Ok(port) = parsed.port() else { return };
    let port = port.map_or_else(|| "None".to_owned(), |p| p.to_string());
    let hostname = parsed.hostname().unwrap_or_else(|| "None".into());
    env.set(
        "spring.datasource.url",
        format!("jdbc:{}://{hostname}:{port}{}", parsed.scheme, parsed.path),
    );
    env.set("spring.jpa.hibernate.ddl-auto", "none");
    if let Some(username) = parsed.username().filter(|u| !u.is_empty()) {
        env.set("spring.datasource.username", username);
    }
    if let Some(password) = parsed.password().filter(|p| !p.is_empty()) {
        env.set("spring.datasource.password", password);
    }
}

/// `spring.data.redis.*` from a validated URL.
fn redis(url: &str, env: &mut Env) {
    // Checked when the integration loaded its data (`SpringForms::check`).
    let Ok(parsed) = urlparse(url) else { return };
    let Ok(port) = parsed.port() else { return };
    env.set("spring.data.redis.url", url);
    if let Some(host) = parsed.hostname() {
        env.set("spring.data.redis.host", host);
    }
    // Python's `if parsed.port:` also skips port 0.
    if let Some(port) = port.filter(|p| *p != 0) {
        env.set("spring.data.redis.port", port.to_string());
    }
    if let Some(username) = parsed.username().filter(|u| !u.is_empty()) {
        env.set("spring.data.redis.username", username);
    }
    if let Some(password) = parsed.password().filter(|p| !p.is_empty()) {
        env.set("spring.data.redis.password", password);
    }
}

/// Spring Boot's mail properties: the port stays an integer, missing parts of the user name
/// render as Python's `None`, and an absent password is a null (integrations.md §3).
fn smtp(data: &crate::integration::smtp::SmtpData, env: &mut Env) {
    let or_none = |v: &Option<String>| v.clone().unwrap_or_else(|| "None".into());
    env.set("spring.mail.host", data.host.clone());
    env.set_value("spring.mail.port", Value::from(data.port));
    env.set(
        "spring.mail.username",
        format!("{}@{}", or_none(&data.user), or_none(&data.domain)),
    );
    env.set_value(
        "spring.mail.password",
        data.password.clone().map_or(Value::Null, Value::String),
    );
    env.set(
        "spring.mail.properties.mail.smtp.auth",
        data.auth_type.clone(),
    );
    env.set(
        "spring.mail.properties.mail.smtp.starttls.enable",
        if data.transport_security == "starttls" {
            "true"
        } else {
            "false"
        },
    );
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn redis_env(url: &str) -> BTreeMap<String, String> {
        let mut env = Env::new();
        render(&Provided::Redis { url }, &mut env);
        env.to_strings()
    }

    fn pairs(items: &[(&str, &str)]) -> BTreeMap<String, String> {
        items
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    // spring-boot/springboot_redis_s3_rabbitmq and integrations.md §5.16.
    #[test]
    fn redis_properties() {
        let host = "redis-k8s-0.redis-k8s-endpoints.test-model.svc.cluster.local";
        let url = format!("redis://{host}:6379");
        assert_eq!(
            redis_env(&url),
            pairs(&[
                ("spring.data.redis.url", &url),
                ("spring.data.redis.host", host),
                ("spring.data.redis.port", "6379"),
            ])
        );
        assert_eq!(
            redis_env("redis://User:PW@Redis.Host:6380"),
            pairs(&[
                ("spring.data.redis.url", "redis://User:PW@Redis.Host:6380"),
                ("spring.data.redis.host", "redis.host"),
                ("spring.data.redis.port", "6380"),
                ("spring.data.redis.username", "User"),
                ("spring.data.redis.password", "PW"),
            ])
        );
        // Empty username/password and port 0 are left out, as Python's truthiness does.
        assert_eq!(
            redis_env("redis://:@h:0"),
            pairs(&[
                ("spring.data.redis.url", "redis://:@h:0"),
                ("spring.data.redis.host", "h"),
            ])
        );
    }

    #[test]
    fn sql_databases_keep_their_variables_mongodb_is_replaced() {
        let forms = SpringForms;
        let mysql = Provided::Database {
            endpoint: "mysql",
            uris: "mysql://u:p@h:3306/db",
        };
        let mongodb = Provided::Database {
            endpoint: "mongodb",
            uris: "mongodb://u:p@h:27017/db",
        };
        assert!(!forms.replaces(&mysql));
        assert!(forms.replaces(&mongodb));
        let bad_port = Provided::Database {
            endpoint: "mysql",
            uris: "mysql://u:p@h:99999/db",
        };
        assert!(matches!(forms.check(&bad_port), Err(FormProblem::Url(_))));
        let mut env = Env::new();
        render(&mysql, &mut env);
        assert_eq!(
            env.to_strings(),
            pairs(&[
                ("spring.datasource.password", "p"),
                ("spring.datasource.url", "jdbc:mysql://h:3306/db"),
                ("spring.datasource.username", "u"),
                ("spring.jpa.hibernate.ddl-auto", "none"),
            ])
        );
    }
}
