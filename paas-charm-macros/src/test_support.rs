//! Test helpers: a charmcraft.yaml written from the requirements table into a temporary
//! directory that stands for the crate's manifest directory.

use std::path::PathBuf;

use crate::valid::Context;

/// A directory holding `charmcraft.yaml` with `text`, unique to `name`.
pub fn manifest_dir_with(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir()
        .join(format!("paas-charm-macros-tests-{}", std::process::id()))
        .join(
            name.chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                .collect::<String>(),
        );
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    std::fs::write(dir.join("charmcraft.yaml"), text).expect("writes charmcraft.yaml");
    dir
}

/// A context whose charmcraft.yaml declares what `framework` and `integrations` need.
pub fn context(name: &str, framework: &str, integrations: &[&str]) -> Context {
    let framework = paas_charm_requirements::framework(framework).expect("a known framework");
    let integrations: Vec<_> = integrations
        .iter()
        .map(|i| paas_charm_requirements::integration_by_name(i).expect("a known integration"))
        .collect();
    let text = format!(
        "name: test\n{}",
        paas_charm_requirements::render::sections(framework, &integrations)
    );
    Context {
        manifest_dir: Some(manifest_dir_with(name, &text)),
        source_dir: None,
        user_main: false,
    }
}
