//! A complete Flask charm.
use paas_charm_runtime::framework::FrameworkKind;

/// The charm.
pub struct FlaskCharm;
impl paas_charm_runtime::Charm for FlaskCharm {
    const FRAMEWORK: FrameworkKind = FrameworkKind::Flask;
    type Integrations = ();
}
fn main() -> std::process::ExitCode {
    paas_charm_runtime::run_main::<FlaskCharm>()
}
