//! A expressjs charm without integrations: the attribute picks the framework.

use paas_charm_runtime::framework::{FrameworkAction, FrameworkKind};
use paas_charm_runtime::integration::IntegrationSet;
use paas_charm_runtime::{paas_charm, Charm};

#[paas_charm(
    framework = "expressjs",
    charmcraft = "../charmcraft/expressjs.yaml",
    main = false
)]
pub struct MyCharm;

fn main() {
    assert_eq!(<MyCharm as Charm>::FRAMEWORK, FrameworkKind::ExpressJs);
    let meta = paas_charm_runtime::juju::CharmMeta::default();
    let mut set = <MyCharm as Charm>::Integrations::bind(&meta);
    let mut bound = 0;
    let _ = set.for_each(&mut |_| {
        bound += 1;
        std::ops::ControlFlow::Continue(())
    });
    assert_eq!(bound, 0, "nothing binds to empty metadata");
    assert_eq!(
        MyCharm::framework_action("rotate-secret-key"),
        Some(FrameworkAction::RotateSecretKey)
    );
    assert_eq!(
        MyCharm::framework_action("create-superuser"),
        None
    );
    assert_eq!(MyCharm::framework_action("greet"), None);
}
