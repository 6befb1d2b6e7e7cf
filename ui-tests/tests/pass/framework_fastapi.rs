//! A fastapi charm without integrations: the attribute picks the framework.

use paas_charm_runtime::framework::FrameworkKind;
use paas_charm_runtime::integration::IntegrationSet;
use paas_charm_runtime::{paas_charm, Charm};

#[paas_charm(
    framework = "fastapi",
    charmcraft = "../charmcraft/fastapi.yaml",
    main = false
)]
pub struct MyCharm;

fn main() {
    assert_eq!(<MyCharm as Charm>::FRAMEWORK, FrameworkKind::FastApi);
    let meta = paas_charm_runtime::juju::CharmMeta::default();
    let mut set = <MyCharm as Charm>::Integrations::bind(&meta);
    assert!(set.integrations_mut().is_empty());
}
