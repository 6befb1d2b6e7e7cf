//! `fake-hook-tool`: every Juju hook tool, chosen by the name it is invoked as (a symlink
//! `relation-get` → this binary), or by its first argument (`fake-hook-tool relation-get ...`).

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut argv = std::env::args_os();
    let argv0 = argv.next().unwrap_or_default();
    let mut args: Vec<String> = argv.map(|a| a.to_string_lossy().into_owned()).collect();
    let name = Path::new(&argv0)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tool = if name.starts_with("fake-hook-tool") {
        if args.is_empty() {
            eprintln!("ERROR usage: fake-hook-tool <tool> [args...]");
            return ExitCode::from(2);
        }
        args.remove(0)
    } else {
        name
    };
    let outcome = fake_juju::run_with_state_file(&tool, &args, &mut std::io::stdin().lock());
    let _ = std::io::stdout().write_all(outcome.stdout.as_bytes());
    let _ = std::io::stderr().write_all(outcome.stderr.as_bytes());
    ExitCode::from(u8::try_from(outcome.code).unwrap_or(1))
}
