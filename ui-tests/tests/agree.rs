//! The two front ends of the one charmcraft.yaml checker agree on every case: for each
//! compile-fail and compile-pass case that names a charmcraft.yaml, the runtime's
//! `metadata --check` (with the attribute the case writes) finds exactly the problems the
//! compiler reported about that file (the `.stderr` trybuild holds, and re-checks in `ui`).

use std::path::{Path, PathBuf};

use paas_charm_runtime::framework::FrameworkKind;
use paas_charm_runtime::requirements::{check, Declared, RequirementsError};
use syn::punctuated::Punctuated;
use syn::{Expr, Lit, LitStr, Meta, Token};

/// The attribute of a case, when it is one the runtime's attribute could hold (every key
/// valid); `None` for cases about the attribute's own errors.
struct Case {
    framework: FrameworkKind,
    integrations: Vec<String>,
    renames: Vec<(String, String)>,
    unhandled: Vec<String>,
    charmcraft: String,
}

fn string(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Lit(lit) => match &lit.lit {
            Lit::Str(s) => Some(s.value()),
            _ => None,
        },
        _ => None,
    }
}

fn case(source: &str) -> Option<Case> {
    let file = syn::parse_file(source).ok()?;
    let attr = file.items.iter().find_map(|item| match item {
        syn::Item::Struct(s) => s
            .attrs
            .iter()
            .find(|a| a.path().is_ident("paas_charm"))
            .cloned(),
        _ => None,
    })?;
    let metas = attr
        .parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated)
        .ok()?;
    let mut framework = None;
    let mut integrations = Vec::new();
    let mut renames = Vec::new();
    let mut unhandled = Vec::new();
    let mut charmcraft = None;
    let mut seen = Vec::new();
    for meta in metas {
        let key = meta.path().get_ident()?.to_string();
        if seen.contains(&key) {
            return None;
        }
        seen.push(key.clone());
        match (key.as_str(), &meta) {
            ("framework", Meta::NameValue(nv)) => {
                framework = Some(FrameworkKind::from_name(&string(&nv.value)?)?);
            }
            ("charmcraft", Meta::NameValue(nv)) => charmcraft = Some(string(&nv.value)?),
            // Neither changes what the file must declare.
            ("main", Meta::NameValue(_))
            | ("extensions", Meta::Path(_))
            | ("custom_integrations", Meta::List(_)) => {}
            ("integrations", Meta::List(list)) => {
                let idents = list
                    .parse_args_with(Punctuated::<syn::Ident, Token![,]>::parse_terminated)
                    .ok()?;
                for ident in idents {
                    let name = ident.to_string().replace('_', "-");
                    paas_charm_runtime::requirements::table::integration_by_name(&name)?;
                    if integrations.contains(&name) {
                        return None;
                    }
                    integrations.push(name);
                }
            }
            ("endpoints", Meta::List(list)) => {
                let pairs = list
                    .parse_args_with(Punctuated::<syn::MetaNameValue, Token![,]>::parse_terminated)
                    .ok()?;
                for pair in pairs {
                    let name = pair.path.get_ident()?.to_string().replace('_', "-");
                    let spec = paas_charm_runtime::requirements::table::integration_by_name(&name)?;
                    renames.push((spec.endpoint?.to_string(), string(&pair.value)?));
                }
            }
            ("unhandled_endpoints", Meta::List(list)) => {
                let names = list
                    .parse_args_with(Punctuated::<LitStr, Token![,]>::parse_terminated)
                    .ok()?;
                unhandled.extend(names.iter().map(LitStr::value));
            }
            _ => return None,
        }
    }
    Some(Case {
        framework: framework?,
        integrations,
        renames,
        unhandled,
        charmcraft: charmcraft?,
    })
}

/// The messages of the compiler's errors (`error: <message>\n --> ...`), without the indent
/// rustc gives a message's later lines.
fn errors(stderr: &str) -> Vec<String> {
    stderr
        .split("\nerror: ")
        .map(|chunk| chunk.strip_prefix("error: ").unwrap_or(chunk))
        .filter_map(|chunk| chunk.split_once("\n --> ").map(|(m, _)| m.to_string()))
        .map(|message| message.replace("\n       ", "\n"))
        .collect()
}

fn cases(dir: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join(dir);
    let mut out: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("the cases")
        .map(|e| e.expect("an entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .collect();
    out.sort();
    out
}

/// What `metadata --check` finds for a case: each finding as the compiler words it, or the
/// file error.
fn check_case(path: &Path, case: &Case) -> Result<Vec<String>, String> {
    let file = path.parent().expect("a directory").join(&case.charmcraft);
    let Ok(text) = std::fs::read_to_string(&file) else {
        return Err(String::from("unreadable"));
    };
    let integrations: Vec<&str> = case.integrations.iter().map(String::as_str).collect();
    let renames: Vec<(&'static str, &'static str)> = case
        .renames
        .iter()
        .map(|(a, b)| -> (&'static str, &'static str) {
            (
                Box::leak(a.clone().into_boxed_str()),
                Box::leak(b.clone().into_boxed_str()),
            )
        })
        .collect();
    let unhandled: Vec<&str> = case.unhandled.iter().map(String::as_str).collect();
    let declared = Declared {
        framework: case.framework,
        integrations: &integrations,
        renames: &renames,
        unhandled: &unhandled,
    };
    match check(&case.charmcraft, &text, &declared) {
        Ok(findings) => Ok(findings.iter().map(ToString::to_string).collect()),
        Err(RequirementsError::File(message)) => Err(message),
        Err(other) => panic!("{}: {other}", path.display()),
    }
}

#[test]
fn metadata_check_finds_what_the_compiler_reports() {
    let mut compared = 0;
    for path in cases("fail") {
        let source = std::fs::read_to_string(&path).expect("the case");
        let Some(case) = case(&source) else { continue };
        let stderr =
            std::fs::read_to_string(path.with_extension("stderr")).expect("the expected output");
        let reported = errors(&stderr);
        match check_case(&path, &case) {
            Ok(findings) => {
                for finding in &findings {
                    assert!(
                        reported.contains(finding),
                        "{}: metadata --check finds\n{finding}\nbut the compiler reports\n{reported:#?}",
                        path.display()
                    );
                }
                // Every error the compiler gives about the file, the check finds too.
                for error in reported.iter().filter(|e| e.contains(&case.charmcraft)) {
                    assert!(
                        findings.contains(error),
                        "{}: the compiler reports\n{error}\nbut metadata --check finds\n{findings:#?}",
                        path.display()
                    );
                }
            }
            Err(message) if message == "unreadable" => continue,
            Err(message) => assert!(
                reported.iter().any(|e| e.starts_with(&message)),
                "{}: metadata --check fails with\n{message}\nbut the compiler reports\n{reported:#?}",
                path.display()
            ),
        }
        compared += 1;
    }
    assert!(compared >= 25, "only {compared} cases compared");
}

#[test]
fn metadata_check_passes_what_the_compiler_accepts() {
    for path in cases("pass") {
        let source = std::fs::read_to_string(&path).expect("the case");
        let case = case(&source).unwrap_or_else(|| panic!("{}: a plain case", path.display()));
        assert_eq!(
            check_case(&path, &case),
            Ok(Vec::new()),
            "{}",
            path.display()
        );
    }
}
