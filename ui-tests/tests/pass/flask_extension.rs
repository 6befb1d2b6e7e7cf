//! A charmcraft.yaml that uses the flask-framework extension declares only the app's own
//! endpoints: the extension adds the container, relations, options and actions.

use paas_charm_runtime::framework::FrameworkKind;
use paas_charm_runtime::{paas_charm, Charm};

#[paas_charm(
    framework = "flask",
    integrations(postgresql),
    charmcraft = "../charmcraft/flask-extension.yaml",
    main = false
)]
pub struct FlaskCharm;

fn main() {
    assert_eq!(<FlaskCharm as Charm>::FRAMEWORK, FrameworkKind::Flask);
    let _: fn(IntegrationRequirers) -> Option<paas_charm_runtime::integration::database::Postgresql> =
        |set| set.postgresql;
}
