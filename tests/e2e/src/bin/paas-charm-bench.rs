//! `paas-charm-bench <package> <hook> [--runs N] [--debug] [--no-migration] [--empty-tmp]`: runs one hook of an example
//! charm end to end as a process (fake-juju hook tools, the Pebble test server) and prints
//! hook-tool calls by tool, Pebble requests, wall time, peak RSS and the binary's size, as a
//! Markdown section for BENCHMARKS.md.
//!
//! The unit is in its steady state: the leader, its `secret-storage` peer relation and one
//! related PostgreSQL database with credentials, after a first `<container>-pebble-ready` has
//! set the workload up (so the measured hook finds the layer, files and migration state that
//! hook left). `<hook>` is `config-changed`, `pebble-ready`, `update-status` or
//! `postgresql-relation-changed`. Peak RSS comes from `/usr/bin/time -v` when it is installed;
//! instructions from `valgrind --tool=callgrind` (the charm process only) when it is.
//!
//! Situations: by default the app directory holds a `migrate.py` whose migration completed
//! and the workload's `/tmp` is kept between hooks. `--no-migration` leaves the app directory
//! without a migration command; `--empty-tmp` empties the workload's `/tmp` (where
//! `original-services.json` and the migration status live) before every measured hook.

use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use paas_charm_e2e::{CharmBinary, Hook, Outcome, World, POSTGRESQL_ID};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let mut positional = Vec::new();
    let mut runs = 20usize;
    let mut release = true;
    let mut migration = true;
    let mut empty_tmp = false;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--no-migration" => migration = false,
            "--empty-tmp" => empty_tmp = true,
            "--runs" => {
                runs = args
                    .next()
                    .and_then(|n| n.parse().ok())
                    .filter(|n| *n > 0)
                    .ok_or("--runs takes a positive number")?;
            }
            "--debug" => release = false,
            other => positional.push(other.to_owned()),
        }
    }
    let [package, hook_name] = positional.as_slice() else {
        return Err(
            "usage: paas-charm-bench <package> <hook> [--runs N] [--debug]   e.g. flask-k8s config-changed"
                .into(),
        );
    };
    let charm = CharmBinary::build(package, release)?;
    let mut world = World::new(&charm);
    world.with_postgresql(true);
    if migration {
        world.with_app_file("migrate.py", "");
    }
    let setup = world.run(&world.pebble_ready())?;
    if !setup.success() {
        return Err(format!("the set-up pebble-ready failed: {}", setup.stderr));
    }
    world.continue_from(&setup);
    if empty_tmp {
        world
            .pebble
            .files
            .retain(|path, _| !path.starts_with("/tmp/"));
        world.pebble.dirs.retain(|dir| !dir.starts_with("/tmp/"));
    }
    let situation = format!(
        "{}, workload /tmp {}",
        if migration {
            "a completed migration"
        } else {
            "no migration command"
        },
        if empty_tmp {
            "emptied before the hook"
        } else {
            "kept"
        }
    );
    let hook = match hook_name.as_str() {
        "config-changed" | "update-status" => Hook::new(&format!("hooks/{hook_name}")),
        "pebble-ready" => world.pebble_ready(),
        "postgresql-relation-changed" => Hook::relation(
            "postgresql",
            "changed",
            POSTGRESQL_ID,
            "postgresql-k8s",
            Some("postgresql-k8s/0"),
        ),
        other => return Err(format!("unknown hook {other:?}")),
    };
    let mut walls = Vec::new();
    let mut last = None;
    for _ in 0..runs {
        let out = world.run(&hook)?;
        if !out.success() {
            return Err(format!("the hook failed: {}", out.stderr));
        }
        walls.push(out.wall);
        last = Some(out);
    }
    let out = last.ok_or("no run")?;
    walls.sort();
    let rss = peak_rss(&world, &hook)?;
    let traced = world.run(&hook.clone().var("PAAS_CHARM_TRACE_TOOLS", "1"))?;
    let charm_rss = traced.stderr.lines().find_map(|line| {
        line.strip_prefix("paas-charm: peak RSS ")?
            .strip_suffix(" KiB")?
            .parse::<u64>()
            .ok()
    });
    let instructions = callgrind(&world, &hook)?;
    let size = std::fs::metadata(&charm.binary)
        .map(|m| m.len())
        .map_err(|e| e.to_string())?;
    report(
        &charm,
        hook_name,
        &situation,
        &out,
        &walls,
        (rss, charm_rss),
        instructions,
        size,
    );
    Ok(())
}

/// Instructions executed (callgrind's `Ir` totals): the charm process alone, and the charm
/// with every hook-tool process it spawned (`--trace-children=yes`).
fn callgrind(world: &World, hook: &Hook) -> Result<Option<(u64, u64)>, String> {
    let valgrind = Path::new("/usr/bin/valgrind");
    if !valgrind.exists() {
        return Ok(None);
    }
    let mut totals = Vec::new();
    for children in ["no", "yes"] {
        let dir = std::env::temp_dir().join(format!(
            "paas-charm-bench-{}-cg-{children}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        let wrapper = vec![
            valgrind.display().to_string(),
            "--tool=callgrind".into(),
            format!("--trace-children={children}"),
            format!("--callgrind-out-file={}/cg.%p", dir.display()),
        ];
        let out = world.run_wrapped(hook, &wrapper)?;
        if !out.success() {
            return Err(format!("the hook failed under callgrind: {}", out.stderr));
        }
        let mut total = 0;
        for entry in std::fs::read_dir(&dir).map_err(|e| e.to_string())? {
            let path = entry.map_err(|e| e.to_string())?.path();
            let text = std::fs::read_to_string(&path).map_err(|e| e.to_string())?;
            total += text
                .lines()
                .find_map(|line| {
                    line.strip_prefix("summary:")
                        .or_else(|| line.strip_prefix("totals:"))
                        .and_then(|n| n.trim().parse::<u64>().ok())
                })
                .unwrap_or(0);
        }
        let _ = std::fs::remove_dir_all(&dir);
        totals.push(total);
    }
    Ok(Some((totals[0], totals[1])))
}

fn peak_rss(world: &World, hook: &Hook) -> Result<Option<u64>, String> {
    let time = Path::new("/usr/bin/time");
    if !time.exists() {
        return Ok(None);
    }
    let report = std::env::temp_dir().join(format!("paas-charm-bench-{}.time", std::process::id()));
    let wrapper = vec![
        time.display().to_string(),
        "-v".into(),
        "-o".into(),
        report.display().to_string(),
    ];
    let out = world.run_wrapped(hook, &wrapper)?;
    if !out.success() {
        return Err(format!("the hook failed under time: {}", out.stderr));
    }
    let text = std::fs::read_to_string(&report).map_err(|e| e.to_string())?;
    let _ = std::fs::remove_file(&report);
    Ok(text.lines().find_map(|line| {
        line.trim()
            .strip_prefix("Maximum resident set size (kbytes):")
            .and_then(|n| n.trim().parse().ok())
    }))
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

#[allow(clippy::too_many_arguments)]
fn report(
    charm: &CharmBinary,
    hook: &str,
    situation: &str,
    out: &Outcome,
    walls: &[Duration],
    (rss_kib, charm_kib): (Option<u64>, Option<u64>),
    instructions: Option<(u64, u64)>,
    size: u64,
) {
    let calls = out.tool_calls();
    let total: u32 = calls.values().sum();
    let requests = out.pebble_requests();
    println!(
        "### {} {hook} (one related PostgreSQL, steady state; {situation})\n",
        charm.package
    );
    println!("| measure | value |\n|---|---|");
    println!("| hook-tool calls | {total} |");
    println!("| Pebble requests | {} |", requests.len());
    println!(
        "| wall time (min / median / max of {}) | {} / {} / {} |",
        walls.len(),
        ms(walls[0]),
        ms(walls[walls.len() / 2]),
        ms(walls[walls.len() - 1])
    );
    match instructions {
        Some((charm, all)) => {
            println!(
                "| instructions, charm process (callgrind `Ir`) | {:.2} M |",
                charm as f64 / 1e6
            );
            println!(
                "| instructions, charm + its hook-tool processes | {:.2} M |",
                all as f64 / 1e6
            );
        }
        None => println!("| instructions | not measured (valgrind missing) |"),
    }
    let mib = |kib: u64| format!("{:.2} MiB ({kib} KiB)", kib as f64 / 1024.0);
    match charm_kib {
        Some(kib) => println!("| peak RSS of the charm process (VmHWM) | {} |", mib(kib)),
        None => println!("| peak RSS of the charm process (VmHWM) | not reported |"),
    }
    match rss_kib {
        Some(kib) => println!(
            "| max RSS, `/usr/bin/time -v` (largest of the charm and its hook tools) | {} |",
            mib(kib)
        ),
        None => println!("| max RSS, `/usr/bin/time -v` | not measured (/usr/bin/time missing) |"),
    }
    println!(
        "| release binary size | {:.2} MiB ({size} bytes) |",
        size as f64 / 1024.0 / 1024.0
    );
    println!(
        "| final unit status | {} {:?} |\n",
        out.unit_status().0,
        out.unit_status().1
    );
    println!("Hook-tool calls by tool:\n");
    for (tool, n) in &calls {
        println!("- `{tool}`: {n}");
    }
    println!("\nPebble requests, in order:\n");
    for request in &out.pebble.requests {
        let query = if request.query.is_empty() {
            String::new()
        } else {
            format!("?{}", request.query)
        };
        println!("- `{} {}{query}`", request.method, request.path);
    }
}
