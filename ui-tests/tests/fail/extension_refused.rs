//! A charmcraft.yaml that leaves the container, relations, options and actions to the
//! flask-framework extension: Charmcraft refuses the extension beside the custom charm part a
//! Rust charm is built with, so the attribute refuses it too, with the sections to write.

use paas_charm_runtime::paas_charm;

#[paas_charm(
    framework = "flask",
    integrations(postgresql),
    charmcraft = "../charmcraft/bad/flask-extension.yaml"
)]
pub struct FlaskCharm;
