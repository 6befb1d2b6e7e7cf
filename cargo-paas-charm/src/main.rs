//! `cargo-paas-charm`: `cargo paas-charm <init|pack> ...` once installed (cargo passes
//! "paas-charm" as the first argument), or run directly as `cargo-paas-charm <init|pack> ...`.

use std::path::PathBuf;
use std::process::ExitCode;

use cargo_paas_charm::{init, pack};

const USAGE: &str = "\
usage: cargo paas-charm init <DIR> --framework <flask|django|fastapi|go|expressjs|spring-boot>
                             [--integrations a,b,...] [--runtime-path <paas-charm-runtime dir>]
       cargo paas-charm pack [--project DIR] [--binary FILE] [--output DIR]";

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().is_some_and(|a| a == "paas-charm") {
        args.remove(0);
    }
    match args.first().map(String::as_str) {
        Some("init") => run_init(&args[1..]),
        Some("pack") => run_pack(&args[1..]),
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        Some(other) => usage_error(&format!("unknown command {other:?}")),
        None => usage_error("a command is needed"),
    }
}

fn usage_error(message: &str) -> ExitCode {
    eprintln!("error: {message}\n{USAGE}");
    ExitCode::from(2)
}

/// The `--flag value` pairs and the positional arguments.
type Parsed = (Vec<(String, String)>, Vec<String>);

/// Splits `args` into the given flags' values and positional arguments.
fn parse(args: &[String], flags: &[&str]) -> Result<Parsed, String> {
    let mut given = Vec::new();
    let mut positional = Vec::new();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        if let Some((flag, value)) = arg.split_once('=').filter(|(f, _)| flags.contains(f)) {
            given.push((flag.to_string(), value.to_string()));
        } else if flags.contains(&arg.as_str()) {
            let value = it.next().ok_or_else(|| format!("{arg} needs a value"))?;
            given.push((arg.clone(), value.clone()));
        } else if arg.starts_with('-') {
            return Err(format!("unknown option {arg:?}"));
        } else {
            positional.push(arg.clone());
        }
    }
    Ok((given, positional))
}

fn value(given: &[(String, String)], flag: &str) -> Option<String> {
    given
        .iter()
        .rev()
        .find(|(f, _)| f == flag)
        .map(|(_, v)| v.clone())
}

fn run_init(args: &[String]) -> ExitCode {
    let (given, positional) =
        match parse(args, &["--framework", "--integrations", "--runtime-path"]) {
            Ok(parsed) => parsed,
            Err(message) => return usage_error(&message),
        };
    let [dir] = positional.as_slice() else {
        return usage_error("init takes one directory");
    };
    let Some(framework) = value(&given, "--framework") else {
        return usage_error("init needs --framework");
    };
    let options = init::Options {
        dir: PathBuf::from(dir),
        framework,
        integrations: value(&given, "--integrations")
            .map(|list| {
                list.split(',')
                    .filter(|s| !s.trim().is_empty())
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default(),
        runtime_path: value(&given, "--runtime-path").map(PathBuf::from),
    };
    match init::init(&options) {
        Ok(created) => {
            for warning in &created.warnings {
                eprintln!("warning: {warning}");
            }
            println!("created {dir}: {}", created.files.join(", "));
            println!("next: cd {dir} && cargo test && cargo paas-charm pack");
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::from(1)
        }
    }
}

fn run_pack(args: &[String]) -> ExitCode {
    let (given, positional) = match parse(args, &["--project", "--binary", "--output"]) {
        Ok(parsed) => parsed,
        Err(message) => return usage_error(&message),
    };
    if !positional.is_empty() {
        return usage_error(&format!("unexpected argument {:?}", positional[0]));
    }
    let options = pack::Options {
        project: value(&given, "--project").map_or_else(|| PathBuf::from("."), PathBuf::from),
        binary: value(&given, "--binary").map(PathBuf::from),
        output: value(&given, "--output").map(PathBuf::from),
    };
    let started = std::time::Instant::now();
    match pack::run(&options) {
        Ok(packed) => {
            for warning in &packed.warnings {
                eprintln!("warning: {warning}");
            }
            if let Some(attribute) = &packed.attribute {
                println!(
                    "the binary is a {} charm with integrations {}; charmcraft.yaml declares what \
                     it needs",
                    attribute["framework"].as_str().unwrap_or_default(),
                    attribute["integrations"]
                );
            }
            let size = std::fs::metadata(&packed.path).map_or(0, |m| m.len());
            println!(
                "packed {} ({size} bytes, {} entries: {}) in {:.0?}",
                packed.path.display(),
                packed.entries.len(),
                packed.entries.join(", "),
                started.elapsed()
            );
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::from(1)
        }
    }
}
