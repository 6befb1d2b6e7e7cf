use paas_charm_runtime::extensions::{Extensions, ExtraAction};
use paas_charm_runtime::integration::Cx;
use paas_charm_runtime::{paas_charm, Action};

#[paas_charm(framework = "flask", extensions, charmcraft = "../charmcraft/flask.yaml")]
pub struct Charm;

/// Params must be `serde::Deserialize`.
pub struct Params {
    pub name: String,
}

pub struct Greet;

impl Action for Greet {
    const NAME: &'static str = "greet";
    type Params = Params;
    type Results = ();

    fn run(_params: Params, _cx: &mut Cx<'_>) -> Result<(), String> {
        Ok(())
    }
}

impl Extensions for Charm {
    fn actions(&self) -> Vec<ExtraAction> {
        vec![ExtraAction::of::<Greet>()]
    }
}
