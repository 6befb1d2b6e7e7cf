//! Option defaults that do not match their `type:` (Charmcraft's JujuConfig refuses the file).

use paas_charm_runtime::paas_charm;

#[paas_charm(framework = "flask", charmcraft = "../charmcraft/bad/option-defaults.yaml")]
pub struct Charm;
