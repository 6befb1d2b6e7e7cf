//! The runtime's modules depend one way (DESIGN.md): mechanism (`juju/`, `pebble/`, `env/`
//! and the small parsers) ← `integration/` ← `framework/` ← the reconcile ← the entry points
//! (dispatch, CLI, simulator, harness). This test reads the sources and fails on any `crate::`
//! path that points up, on an import circle between the top-level modules (folders and files
//! alike: `cli` ↔ `requirements` or `migration` ↔ `oplog` would be one), and on any module but
//! the CLI and the harness entering the simulator.
//! Test code (`#[cfg(test)]` modules) may reach anywhere: it exercises the whole stack.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Each top-level module of `src/` and its layer: a module may name only modules of its own
/// layer or below.
const LAYERS: &[(&str, u8)] = &[
    // Mechanism: hook tools, Pebble, env rendering, parsers, secret storage.
    ("juju", 0),
    ("pebble", 0),
    ("env", 0),
    ("yaml", 0),
    ("json", 0),
    ("untrusted", 0),
    ("config", 0),
    ("paas_config", 0),
    ("secret_storage", 0),
    ("sort", 0),
    // Relation protocols.
    ("integration", 1),
    // The six frameworks.
    ("framework", 2),
    // The reconcile and what it drives.
    ("reconcile", 3),
    ("state", 3),
    ("migration", 3),
    ("container", 3),
    ("applied", 3),
    ("extensions", 3),
    ("oplog", 3),
    // Entry points (`requirements` is the `metadata` command).
    ("requirements", 4),
    ("charm", 4),
    ("dispatch", 4),
    ("cli", 4),
    ("simulator", 4),
    ("testing", 4),
    ("lib", 4),
    ("__private", 4),
];

/// The only modules that may enter the simulator (besides itself).
const SIMULATOR_ENTRIES: &[&str] = &["cli", "testing", "simulator"];

fn layer(module: &str) -> Option<u8> {
    LAYERS.iter().find(|(m, _)| *m == module).map(|(_, l)| *l)
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src is readable").flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn is_test_attribute(line: &str) -> bool {
    let line = line.trim();
    line == "#[cfg(test)]" || line.starts_with("#[cfg(all(test")
}

/// The files declared as test-only modules (`#[cfg(test)] mod name;`).
fn test_only_files(files: &[PathBuf]) -> BTreeSet<PathBuf> {
    let mut out = BTreeSet::new();
    for file in files {
        let text = std::fs::read_to_string(file).expect("readable");
        let lines: Vec<&str> = text.lines().collect();
        let dir = if file
            .file_name()
            .is_some_and(|n| n == "mod.rs" || n == "lib.rs")
        {
            file.parent().expect("dir").to_path_buf()
        } else {
            file.with_extension("")
        };
        for pair in lines.windows(2) {
            let declared = pair[1]
                .trim()
                .trim_start_matches("pub(crate) ")
                .trim_start_matches("pub ")
                .strip_prefix("mod ")
                .and_then(|rest| rest.strip_suffix(';'));
            if let (true, Some(name)) = (is_test_attribute(pair[0]), declared) {
                out.insert(dir.join(format!("{name}.rs")));
                out.insert(dir.join(name).join("mod.rs"));
            }
        }
    }
    out
}

/// The production code of a file: up to its first inline test module (which the house style
/// puts last), without comments.
fn production_code(text: &str) -> String {
    let mut out = String::new();
    let lines: Vec<&str> = text.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        let next = lines.get(i + 1).map_or("", |l| l.trim());
        if is_test_attribute(line) && next.starts_with("mod ") && next.ends_with('{') {
            break;
        }
        let code = line.split("//").next().unwrap_or_default();
        out.push_str(code);
        out.push('\n');
    }
    out
}

/// The top-level modules a piece of code names through `crate::`.
fn named_modules(code: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        let after = &rest[at + "crate::".len()..];
        let preceded_ok = at == 0 || {
            let c = rest.as_bytes()[at - 1];
            !(c.is_ascii_alphanumeric() || c == b'_')
        };
        let name: String = after
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if preceded_ok && !name.is_empty() {
            out.insert(name);
        }
        // `use crate::{a, b}` names several.
        if preceded_ok && after.starts_with('{') {
            let group = &after[1..after.find('}').unwrap_or(after.len())];
            for item in group.split(',') {
                let name: String = item
                    .trim()
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    out.insert(name);
                }
            }
        }
        rest = after;
    }
    out
}

/// Whether code names an item inside an integration's module (`crate::integration::redis::`),
/// not only the trait surface of `integration/mod.rs`.
fn reaches_inside(code: &str) -> bool {
    code.match_indices("crate::integration::").any(|(at, m)| {
        code[at + m.len()..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_lowercase())
    })
}

/// A path from `start` back to itself in the module graph, if there is one.
fn circle(graph: &BTreeMap<String, BTreeSet<String>>, start: &str) -> Option<Vec<String>> {
    let mut stack = vec![vec![start.to_owned()]];
    let mut seen = BTreeSet::new();
    while let Some(path) = stack.pop() {
        let last = path.last().expect("non-empty");
        for next in graph.get(last).into_iter().flatten() {
            if next == start {
                let mut found = path.clone();
                found.push(next.clone());
                return Some(found);
            }
            if seen.insert(next.clone()) {
                let mut longer = path.clone();
                longer.push(next.clone());
                stack.push(longer);
            }
        }
    }
    None
}

fn module_of(src: &Path, file: &Path) -> String {
    let relative = file.strip_prefix(src).expect("under src");
    let first = relative.components().next().expect("a component");
    first
        .as_os_str()
        .to_string_lossy()
        .trim_end_matches(".rs")
        .to_owned()
}

#[test]
fn modules_depend_one_way() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let test_only = test_only_files(&files);
    let mut problems = Vec::new();
    let mut checked = 0;
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in files.iter().filter(|f| !test_only.contains(*f)) {
        let module = module_of(&src, file);
        let Some(own) = layer(&module) else {
            problems.push(format!("{}: module {module} has no layer", file.display()));
            continue;
        };
        let code = production_code(&std::fs::read_to_string(file).expect("readable"));
        checked += 1;
        for named in named_modules(&code) {
            if named != module {
                graph
                    .entry(module.clone())
                    .or_default()
                    .insert(named.clone());
            }
            let Some(theirs) = layer(&named) else {
                problems.push(format!("{}: names unknown module {named}", file.display()));
                continue;
            };
            if theirs > own {
                problems.push(format!(
                    "{}: {module} (layer {own}) names {named} (layer {theirs})",
                    file.strip_prefix(&src).unwrap_or(file).display()
                ));
            }
            if module == "simulator" && named == "integration" && reaches_inside(&code) {
                problems.push(format!(
                    "{}: the simulator uses integrations only through their traits",
                    file.strip_prefix(&src).unwrap_or(file).display()
                ));
            }
            if named == "simulator" && !SIMULATOR_ENTRIES.contains(&module.as_str()) {
                problems.push(format!(
                    "{}: only the CLI and the harness enter the simulator",
                    file.strip_prefix(&src).unwrap_or(file).display()
                ));
            }
        }
    }
    assert!(checked > 50, "only {checked} files checked");
    // No module, folder or file, reaches itself through the others.
    for module in graph.keys() {
        if let Some(path) = circle(&graph, module) {
            problems.push(format!("import circle: {}", path.join(" -> ")));
        }
    }
    assert!(graph.len() > 15, "only {} modules name others", graph.len());
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_checker_sees_an_upward_path_and_skips_tests() {
    let code = production_code(
        "use crate::juju::Juju;\n// crate::reconcile in a comment\nfn f() { crate::framework::x(); }\n\
         use crate::{env, pebble::Layer};\n#[cfg(test)]\nmod tests {\n    use crate::testing::X;\n}\n",
    );
    let named: Vec<String> = named_modules(&code).into_iter().collect();
    assert_eq!(named, ["env", "framework", "juju", "pebble"]);
    assert!(reaches_inside("use crate::integration::redis::Redis;"));
    assert!(!reaches_inside(
        "use crate::integration::{Integration, IntegrationSet};"
    ));
    assert!(!reaches_inside("use crate::integration::Integration;"));
    let graph: BTreeMap<String, BTreeSet<String>> = [
        ("simulator", "charm"),
        ("charm", "cli"),
        ("cli", "simulator"),
    ]
    .into_iter()
    .map(|(a, b)| (a.to_owned(), BTreeSet::from([b.to_owned()])))
    .collect();
    assert_eq!(
        circle(&graph, "simulator"),
        Some(vec![
            "simulator".to_owned(),
            "charm".to_owned(),
            "cli".to_owned(),
            "simulator".to_owned()
        ])
    );
    assert_eq!(circle(&graph, "juju"), None);
}
