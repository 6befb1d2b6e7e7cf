//! Packs examples/flask with a stand-in binary, unpacks the `.charm` and checks every entry.

use std::io::Read;
use std::path::{Path, PathBuf};

use paas_charm_runtime::yaml;
use serde_json::Value;

fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../examples")
        .join(name)
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("paas-charm-pack-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    dir
}

/// Every entry of the archive: name, unix mode, bytes.
fn unpack(path: &Path) -> Vec<(String, Option<u32>, Vec<u8>)> {
    let file = std::fs::File::open(path).expect("the .charm exists");
    let mut zip = zip::ZipArchive::new(file).expect("a zip archive");
    (0..zip.len())
        .map(|i| {
            let mut entry = zip.by_index(i).expect("an entry");
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes).expect("reads");
            (entry.name().to_string(), entry.unix_mode(), bytes)
        })
        .collect()
}

fn yaml_of(bytes: &[u8]) -> Value {
    yaml::to_json_value(std::str::from_utf8(bytes).expect("utf-8")).expect("YAML")
}

#[test]
fn the_flask_example_packs_with_charmcrafts_layout() {
    let out = temp_dir("flask");
    let binary = out.join("flask-k8s");
    std::fs::write(&binary, b"\x7fELF stand-in for the charm binary").expect("writes");
    let charm = out.join("flask-k8s.charm");
    let packed = paas_charm_pack::pack(&example("flask"), &binary, Some(&charm)).expect("packs");
    assert_eq!(packed.path, charm);
    let entries = unpack(&charm);
    let names: Vec<&str> = entries.iter().map(|(n, _, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "dispatch",
            "metadata.yaml",
            "config.yaml",
            "actions.yaml",
            "manifest.yaml",
            "paas-config.yaml"
        ]
    );
    let entry = |name: &str| {
        entries
            .iter()
            .find(|(n, _, _)| n == name)
            .unwrap_or_else(|| panic!("{name} is packed"))
    };

    let (_, mode, bytes) = entry("dispatch");
    assert_eq!(bytes, b"\x7fELF stand-in for the charm binary");
    assert_eq!(mode.map(|m| m & 0o777), Some(0o755));

    let source = yaml_of(&std::fs::read(example("flask").join("charmcraft.yaml")).expect("reads"));
    let metadata = yaml_of(&entry("metadata.yaml").2);
    assert_eq!(metadata["name"], "flask-k8s");
    assert_eq!(metadata["containers"], source["containers"]);
    assert_eq!(metadata["requires"], source["requires"]);
    assert_eq!(metadata["provides"], source["provides"]);
    assert_eq!(metadata["peers"], source["peers"]);
    assert_eq!(metadata["assumes"], source["assumes"]);
    for key in ["config", "actions", "parts", "platforms", "base", "type"] {
        assert!(metadata.get(key).is_none(), "metadata.yaml has no {key}");
    }
    assert_eq!(yaml_of(&entry("config.yaml").2), source["config"]);
    assert_eq!(yaml_of(&entry("actions.yaml").2), source["actions"]);
    let manifest = yaml_of(&entry("manifest.yaml").2);
    assert_eq!(
        manifest["bases"],
        serde_json::json!([{"name": "ubuntu", "channel": "24.04", "architectures": ["amd64"]}])
    );
    assert!(manifest["charmcraft-started-at"]
        .as_str()
        .is_some_and(|t| t.ends_with('Z')));
    assert_eq!(
        entry("paas-config.yaml").2,
        std::fs::read(example("flask").join("paas-config.yaml")).expect("reads")
    );
}

#[test]
fn cos_custom_readme_and_the_default_file_name() {
    let dir = temp_dir("custom");
    std::fs::write(
        dir.join("charmcraft.yaml"),
        "name: my-go\ntype: charm\nbase: ubuntu@24.04\nplatforms:\n  amd64:\nactions:\n  rotate-secret-key:\n",
    )
    .expect("writes");
    std::fs::write(dir.join("README.md"), "# my-go\n").expect("writes");
    std::fs::create_dir_all(dir.join("cos_custom/grafana_dashboards")).expect("mkdir");
    std::fs::write(dir.join("cos_custom/grafana_dashboards/app.json"), "{}").expect("writes");
    let binary = dir.join("bin");
    std::fs::write(&binary, b"bin").expect("writes");
    let packed = paas_charm_pack::pack(&dir, &binary, None).expect("packs");
    assert_eq!(packed.path, dir.join("my-go_ubuntu-24.04-amd64.charm"));
    let names: Vec<String> = unpack(&packed.path)
        .into_iter()
        .map(|(n, _, _)| n)
        .collect();
    assert_eq!(
        names,
        [
            "dispatch",
            "metadata.yaml",
            "actions.yaml",
            "manifest.yaml",
            "README.md",
            "cos_custom/grafana_dashboards/app.json"
        ]
    );
}

#[test]
fn bad_charm_directories_are_errors() {
    let dir = temp_dir("bad");
    let binary = dir.join("bin");
    std::fs::write(&binary, b"bin").expect("writes");
    let err = paas_charm_pack::pack(&dir.join("absent"), &binary, None).expect_err("no file");
    assert!(err.to_string().contains("charmcraft.yaml"), "{err}");
    std::fs::write(dir.join("charmcraft.yaml"), "type: charm\n").expect("writes");
    let err = paas_charm_pack::pack(&dir, &binary, None).expect_err("no name");
    assert!(
        err.to_string().ends_with("charmcraft.yaml: no `name`"),
        "{err}"
    );
    std::fs::write(dir.join("charmcraft.yaml"), "name: x\n").expect("writes");
    let err = paas_charm_pack::pack(&dir, &binary, None).expect_err("no base");
    assert!(err.to_string().contains("no `base`"), "{err}");
    std::fs::write(dir.join("charmcraft.yaml"), "name: x\n  bad: [\n").expect("writes");
    let err = paas_charm_pack::pack(&dir, &binary, None).expect_err("not YAML");
    assert!(err.to_string().contains("line"), "{err}");
    std::fs::write(
        dir.join("charmcraft.yaml"),
        "name: x\nbase: ubuntu@24.04\nplatforms: {amd64: }\n",
    )
    .expect("writes");
    let err = paas_charm_pack::pack(&dir, &dir.join("no-binary"), None).expect_err("no binary");
    assert!(err.to_string().contains("no-binary"), "{err}");
}
