//! `paas-charm-pack <charm dir> --binary <built charm binary> [--output <file.charm>]`: builds the
//! `.charm` file without charmcraft, for example
//! `cargo build --release -p flask-k8s && cargo run -p paas-charm-pack -- examples/flask
//! --binary target/release/flask-k8s`.

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str =
    "usage: paas-charm-pack <charm dir> --binary <built charm binary> [--output <file.charm>]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut dir = None;
    let mut binary = None;
    let mut output = None;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--binary" => binary = it.next().map(PathBuf::from),
            "--output" => output = it.next().map(PathBuf::from),
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            other if dir.is_none() && !other.starts_with('-') => dir = Some(PathBuf::from(other)),
            other => {
                eprintln!("error: unexpected argument {other:?}\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    let (Some(dir), Some(binary)) = (dir, binary) else {
        eprintln!("error: a charm directory and --binary are needed\n{USAGE}");
        return ExitCode::from(2);
    };
    let started = std::time::Instant::now();
    match paas_charm_pack::pack(&dir, &binary, output.as_deref()) {
        Ok(packed) => {
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
