//! `cargo paas-charm init` for every framework into a temporary directory (the runtime by
//! path), then each project is built, its own tests run, and it is packed; the `.charm` is
//! unzipped and every entry checked. Then what `pack` must refuse, and a build the way
//! Charmcraft's rust plugin does it (`cargo install --locked --path . --root <install>` from a
//! copy of the project directory alone).
//!
//! The six projects share one CARGO_TARGET_DIR (under this workspace's target/), so the
//! runtime and its dependencies build once; the projects are debug builds (release's fat LTO
//! would take minutes per project), which `pack` warns about.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

const FRAMEWORKS: &[(&str, &str)] = &[
    ("flask", ""),
    ("django", "postgresql"),
    ("fastapi", "postgresql"),
    ("go", ""),
    ("expressjs", "redis,s3"),
    ("spring-boot", "mysql,http-proxy"),
];

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace")
        .to_path_buf()
}

fn target_dir() -> PathBuf {
    workspace().join("target").join("init-projects")
}

/// A fresh directory for one test.
fn scratch(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cargo-paas-charm-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    dir
}

fn tool(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cargo-paas-charm"))
        .args(args)
        .output()
        .expect("cargo-paas-charm runs")
}

fn cargo(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO"))
        .current_dir(dir)
        .args(args)
        .env("CARGO_TARGET_DIR", target_dir())
        .output()
        .expect("cargo runs")
}

fn ok(what: &str, out: &Output) -> String {
    assert!(
        out.status.success(),
        "{what} failed ({}):\n{}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn yaml(bytes: &[u8]) -> Value {
    serde_yaml::from_slice(bytes).expect("YAML")
}

fn unzip(path: &Path) -> Vec<(String, Option<u32>, Vec<u8>)> {
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

/// `init <root>/<name>`; the projects of all tests share a target directory, so each has a
/// name of its own.
fn init(root: &Path, name: &str, framework: &str, integrations: &str) -> PathBuf {
    let dir = root.join(name);
    let runtime = workspace().join("paas-charm-runtime");
    let mut args = vec![
        "paas-charm",
        "init",
        dir.to_str().expect("utf-8"),
        "--framework",
        framework,
        "--runtime-path",
        runtime.to_str().expect("utf-8"),
    ];
    if !integrations.is_empty() {
        args.extend(["--integrations", integrations]);
    }
    let stdout = ok("init", &tool(&args));
    assert!(
        stdout.starts_with(&format!("created {}: ", dir.display())),
        "{stdout}"
    );
    dir
}

/// Every entry of the packed charm, against the project it came from.
fn check_charm(charm: &Path, project: &Path, binary: &Path, name: &str) {
    let entries = unzip(charm);
    let names: Vec<&str> = entries.iter().map(|(n, _, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "dispatch",
            "metadata.yaml",
            "config.yaml",
            "actions.yaml",
            "manifest.yaml",
            "README.md"
        ],
        "{name}"
    );
    let entry = |n: &str| &entries.iter().find(|(e, _, _)| e == n).expect("an entry").2;
    let (_, mode, dispatch) = &entries[0];
    assert_eq!(mode.map(|m| m & 0o777), Some(0o755));
    assert_eq!(dispatch, &std::fs::read(binary).expect("the binary"));
    let source = yaml(&std::fs::read(project.join("charmcraft.yaml")).expect("reads"));
    let metadata = yaml(entry("metadata.yaml"));
    assert_eq!(metadata["name"], name);
    assert_eq!(metadata["display-name"], source["title"]);
    for key in [
        "summary",
        "description",
        "assumes",
        "containers",
        "resources",
        "peers",
        "requires",
        "provides",
    ] {
        assert_eq!(metadata[key], source[key], "{name}: metadata.yaml {key}");
    }
    for key in [
        "title",
        "config",
        "actions",
        "parts",
        "platforms",
        "base",
        "type",
    ] {
        assert!(
            metadata.get(key).is_none(),
            "{name}: metadata.yaml has {key}"
        );
    }
    assert_eq!(yaml(entry("config.yaml")), source["config"]);
    assert_eq!(yaml(entry("actions.yaml")), source["actions"]);
    let manifest = yaml(entry("manifest.yaml"));
    let arch = cargo_paas_charm::elf::host_arch().expect("a Juju architecture");
    assert_eq!(
        manifest["bases"],
        serde_json::json!([{"name": "ubuntu", "channel": "24.04", "architectures": [arch]}])
    );
    assert_eq!(
        manifest["analysis"],
        serde_json::json!({"attributes": [
            {"name": "language", "result": "unknown"},
            {"name": "framework", "result": "unknown"},
        ]})
    );
    assert!(manifest["charmcraft-version"]
        .as_str()
        .is_some_and(|v| v.starts_with("cargo-paas-charm ")));
    assert!(manifest["charmcraft-started-at"]
        .as_str()
        .is_some_and(|t| t.ends_with('Z')));
    assert_eq!(
        entry("README.md"),
        &std::fs::read(project.join("README.md")).expect("reads")
    );
}

#[test]
fn every_framework_inits_builds_tests_and_packs() {
    let root = scratch("frameworks");
    let arch = cargo_paas_charm::elf::host_arch().expect("a Juju architecture");
    let mut projects = Vec::new();
    for (framework, integrations) in FRAMEWORKS {
        let name = format!("{framework}-charm");
        let dir = init(&root, &name, framework, integrations);
        let tests = cargo(&dir, &["test", "--locked", "--offline"]);
        let report = String::from_utf8_lossy(&tests.stdout).into_owned();
        ok(&format!("{name}: cargo test"), &tests);
        assert!(
            report.contains("test charmcraft_yaml_declares_what_the_charm_needs ... ok"),
            "{report}"
        );
        // The typed harness runs the charm's hooks in memory.
        assert!(
            report.contains("test with_its_integrations_related_the_charm_is_active ... ok"),
            "{report}"
        );
        assert_eq!(
            report.contains("test postgresql_relation_changed_gives_the_connect_string ... ok"),
            integrations.split(',').any(|i| i == "postgresql"),
            "{name}: {report}"
        );
        // Flask, FastAPI and Go projects carry a recorded paas-charm scenario their integrations
        // fit; it runs through `simulate` and matches.
        let scenario = "test the_recorded_scenarios_give_paas_charms_output ... ok";
        assert_eq!(
            report.contains(scenario),
            ["flask", "fastapi", "go"].contains(framework),
            "{name}: {report}"
        );
        let binary = target_dir().join("debug").join(&name);
        let out_dir = root.join("charms");
        let packed = tool(&[
            "pack",
            "--project",
            dir.to_str().expect("utf-8"),
            "--binary",
            binary.to_str().expect("utf-8"),
            "--output",
            out_dir.to_str().expect("utf-8"),
        ]);
        let stdout = ok(&format!("{name}: pack"), &packed);
        let charm = out_dir.join(format!("{name}_{arch}.charm"));
        assert!(
            stdout.contains(&format!("packed {}", charm.display())),
            "{stdout}"
        );
        let stderr = String::from_utf8_lossy(&packed.stderr);
        assert!(
            stderr.starts_with(&format!("warning: {} is a debug build", binary.display())),
            "{stderr}"
        );
        check_charm(&charm, &dir, &binary, &name);
        projects.push((dir, binary));
    }

    // A Flask binary in a Django project: the binary's own check refuses the file.
    let (django, _) = &projects[1];
    let (_, flask_binary) = &projects[0];
    let out = tool(&[
        "pack",
        "--project",
        django.to_str().expect("utf-8"),
        "--binary",
        flask_binary.to_str().expect("utf-8"),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("does not match") && stderr.contains("declares no `flask-app` container"),
        "{stderr}"
    );
}

#[test]
fn pack_refuses_what_charmcraft_or_juju_would() {
    let root = scratch("refusals");
    let project = root.join("my-charm");
    let stdout = ok(
        "init",
        &tool(&[
            "init",
            project.to_str().expect("utf-8"),
            "--framework",
            "go",
            "--runtime-path",
            workspace()
                .join("paas-charm-runtime")
                .to_str()
                .expect("utf-8"),
        ]),
    );
    assert!(stdout.contains("Cargo.lock"), "{stdout}");
    let pack = |binary: &str| {
        tool(&[
            "pack",
            "--project",
            project.to_str().expect("utf-8"),
            "--binary",
            binary,
        ])
    };
    let refused = |out: Output, why: &str| {
        assert_eq!(out.status.code(), Some(1), "{why}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(why), "{stderr}");
    };
    refused(pack("/etc/passwd"), "/etc/passwd is not an ELF executable");
    // An ELF executable that is not a charm.
    let sh = std::fs::canonicalize("/bin/sh").expect("a shell");
    refused(
        pack(sh.to_str().expect("utf-8")),
        "is not a paas-charm-rs charm binary",
    );
    let charmcraft = project.join("charmcraft.yaml");
    let good = std::fs::read_to_string(&charmcraft).expect("reads");
    std::fs::write(
        &charmcraft,
        format!("{good}extensions: [go-framework]\nsumary: x\n"),
    )
    .expect("writes");
    refused(
        pack("/etc/passwd"),
        "extension is incompatible with customized charm part",
    );
    refused(
        pack("/etc/passwd"),
        "has the key `sumary`, which Charmcraft does not know",
    );
    std::fs::write(&charmcraft, good.replace("summary:", "# summary:")).expect("writes");
    refused(
        pack("/etc/passwd"),
        "lacks `summary:`, which Charmcraft requires",
    );
    // Nothing is built for a project that cannot be packed.
    refused(
        tool(&[
            "pack",
            "--project",
            root.join("absent").to_str().expect("utf-8"),
        ]),
        "charmcraft.yaml: No such file or directory",
    );
    let usage = tool(&["pack", "--frobnicate"]);
    assert_eq!(usage.status.code(), Some(2));
    let bad = tool(&[
        "init",
        root.join("x").to_str().expect("utf-8"),
        "--framework",
        "rails",
    ]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).starts_with("error: unknown framework \"rails\""));
}

/// Charmcraft's rust plugin builds the part with `cargo install --locked --path . --root
/// <install>` in a copy of the project directory alone; the binary must land in `bin/`, where
/// charmcraft.yaml's `organize` takes it to `dispatch`. (`--debug` shares the dependencies the
/// other test built; the plugin builds release, which differs only in the profile.)
#[test]
fn the_project_builds_as_charmcrafts_rust_plugin_builds_it() {
    let root = scratch("plugin");
    let project = init(&root, "plugin-built-k8s", "flask", "redis");
    let copy = root.join("part-src");
    std::fs::create_dir_all(copy.join("src")).expect("mkdir");
    for file in ["Cargo.toml", "Cargo.lock", "charmcraft.yaml", "src/main.rs"] {
        std::fs::copy(project.join(file), copy.join(file)).expect("copies");
    }
    let install = root.join("install");
    ok(
        "cargo install",
        &cargo(
            &copy,
            &[
                "install",
                "--locked",
                "--offline",
                "--debug",
                "--path",
                ".",
                "--root",
                install.to_str().expect("utf-8"),
            ],
        ),
    );
    let bin = install.join("bin").join("plugin-built-k8s");
    let parts = std::fs::read_to_string(project.join("charmcraft.yaml")).expect("reads");
    assert!(parts.contains("    source: .\n"), "{parts}");
    assert!(
        parts.contains("      bin/plugin-built-k8s: dispatch\n"),
        "{parts}"
    );
    let out = Command::new(&bin)
        .args(["metadata", "--json"])
        .output()
        .expect("the installed binary runs");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "{\"framework\":\"flask\",\"integrations\":[\"redis\"],\"endpoints\":[],\"unhandled_endpoints\":[]}\n"
    );
}
