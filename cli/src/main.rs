//! `wasmexec`: runs Go `GOOS=js GOARCH=wasm` programs like Go's Node-based runner does.

mod args;
mod output;
mod panics;
mod progress;
mod run;
mod signals;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};
use wasmexec::{EngineKind, Tier};

use args::Cli;
use run::Options;

/// `--version`: ours, and the engines compiled in with their versions.
fn long_version() -> String {
    let engines: Vec<String> = EngineKind::available()
        .into_iter()
        .map(|e| format!("{e} {}", e.version()))
        .collect();
    format!(
        "{}\nengines: {}",
        env!("CARGO_PKG_VERSION"),
        engines.join(", ")
    )
}

/// The options of `go_js_wasm_exec PROGRAM ARGS...` (or `--go-test PROGRAM ARGS...`):
/// everything after the program is the guest's; the engine and tier come from the
/// environment.
fn go_runner(args: &[String]) -> Result<Options, String> {
    let engine = match std::env::var("WASMEXEC_ENGINE") {
        Ok(e) if !e.is_empty() => e.parse()?,
        _ => EngineKind::Wasmtime,
    };
    let tier = match std::env::var("WASMEXEC_TIER") {
        Ok(t) if !t.is_empty() => t.parse()?,
        _ => Tier::Auto,
    };
    let (program, rest) = args
        .split_first()
        .ok_or("usage: go_js_wasm_exec PROGRAM.wasm [ARGS]...")?;
    let mut o = Options::go_runner(engine, tier, PathBuf::from(program), rest.to_vec());
    o.limits = limits_from_env()?;
    o.allow_net = allow_net_from_env()?;
    Ok(o)
}

fn limits(cli: &Cli) -> run::Limits {
    run::Limits {
        max_memory: cli.max_memory,
        max_js_heap: cli.max_js_heap,
        max_nesting: cli.max_nesting,
    }
}

/// The hosts go_js_wasm_exec lets `fetch` reach: `WASMEXEC_ALLOW_NET`, comma-separated.
fn allow_net_from_env() -> Result<Vec<String>, String> {
    let Ok(list) = std::env::var("WASMEXEC_ALLOW_NET") else {
        return Ok(Vec::new());
    };
    list.split(',')
        .filter(|h| !h.trim().is_empty())
        .map(|h| args::parse_net_host(h).map_err(|e| format!("WASMEXEC_ALLOW_NET: {e}")))
        .collect()
}

/// The limits go_js_wasm_exec reads from the environment (it takes no options).
fn limits_from_env() -> Result<run::Limits, String> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let size = |name: &str| var(name).map(|v| args::parse_size(&v)).transpose();
    Ok(run::Limits {
        max_memory: size("WASMEXEC_MAX_MEMORY")?,
        max_js_heap: size("WASMEXEC_MAX_JS_HEAP")?,
        max_nesting: var("WASMEXEC_MAX_NESTING")
            .map(|v| {
                v.parse()
                    .map_err(|_| format!("WASMEXEC_MAX_NESTING: {v:?} is not a count"))
            })
            .transpose()?,
    })
}

fn parse() -> Result<Options, clap::Error> {
    let matches = Cli::command().try_get_matches()?;
    let cli = Cli::from_arg_matches(&matches)?;
    let steps = args::steps_in_order(&matches, &cli);
    let limits = limits(&cli);
    if cli.go_test {
        let mut o = Options::go_runner(cli.engine, cli.tier, cli.program, cli.guest_args);
        o.timeout = cli.timeout;
        o.cache = !cli.no_cache;
        o.limits = limits;
        o.allow_net = cli.allow_net;
        return Ok(o);
    }
    Ok(Options {
        engine: cli.engine,
        tier: cli.tier,
        env: cli.env,
        env_inherit: cli.env_inherit,
        timeout: cli.timeout,
        cache: !cli.no_cache,
        steps,
        host_calls: cli.host_call,
        mounts: cli.mount,
        globals: cli.global,
        time_zone: cli.time_zone,
        limits,
        allow_net: cli.allow_net,
        interpreter_first: true,
        go_test: false,
        program: cli.program,
        guest_args: cli.guest_args,
    })
}

fn main() -> ExitCode {
    signals::install();
    panics::install();
    let argv: Vec<String> = std::env::args().collect();
    let as_go_runner = argv
        .first()
        .and_then(|a| Path::new(a).file_name())
        .is_some_and(|n| n == "go_js_wasm_exec");
    let options = if as_go_runner {
        match go_runner(&argv[1..]) {
            Ok(o) => o,
            Err(e) => {
                error_line(&format!("wasmexec: {e}"));
                return ExitCode::from(2);
            }
        }
    } else {
        match parse() {
            Ok(o) => o,
            // Usage errors print in clap's style and exit 2; --help and --version exit 0.
            Err(e) => e.exit(),
        }
    };
    // Go recurses deeply on the wasm stack (Node's runner raises V8's stack to 8 MiB), and
    // host-guest nesting may use as much again: give the guest a thread whose native stack
    // comfortably holds both (it is address space, touched only as used).
    let worker = std::thread::Builder::new()
        .name("guest".into())
        .stack_size(64 << 20)
        .spawn(move || run::run(options));
    let result = match worker {
        Ok(handle) => handle.join().unwrap_or_else(|_| {
            Err(format!(
                "internal error: {}",
                panics::last().unwrap_or_else(|| "the guest thread panicked".into())
            ))
        }),
        Err(e) => Err(format!("cannot start the guest thread: {e}")),
    };
    match result {
        Ok(code) => ExitCode::from(code as u8),
        Err(e) if e.contains("deadline reached") => {
            error_line(&format!("wasmexec: timeout: {e}"));
            ExitCode::from(124)
        }
        Err(e) => {
            error_line(&format!("wasmexec: {e}"));
            ExitCode::from(1)
        }
    }
}

/// Prints a line on stderr; a stderr that is gone (a closed pipe) does not turn the exit
/// status into a panic's. Control characters and bidi overrides are escaped, whatever put them
/// in the message (a guest's names reach error messages): it stays one line and reads as it is.
pub fn error_line(line: &str) {
    use std::io::Write as _;
    let mut clean = String::with_capacity(line.len());
    for c in line.chars() {
        let bidi = matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
        if c.is_control() || bidi {
            clean.extend(c.escape_default());
        } else {
            clean.push(c);
        }
    }
    let _ = writeln!(std::io::stderr().lock(), "{clean}");
}
