//! Prints the charmcraft.yaml sections for a framework and integrations:
//! `cargo run -p paas-charm-requirements --example sections -- flask postgresql oauth`.
//! (A charm binary's `metadata` command prints the same for its own attribute.)

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(framework) = args
        .first()
        .and_then(|f| paas_charm_requirements::framework(f))
    else {
        eprintln!("usage: sections <framework> [<integration>...]");
        return ExitCode::from(2);
    };
    let mut integrations = Vec::new();
    for name in &args[1..] {
        match paas_charm_requirements::integration_by_name(name) {
            Some(i) => integrations.push(i),
            None => {
                eprintln!("unknown integration {name:?}");
                return ExitCode::from(2);
            }
        }
    }
    print!(
        "{}",
        paas_charm_requirements::render::sections(framework, &integrations)
    );
    ExitCode::SUCCESS
}
