//! The command line: options (clap, derive), then the program, then the guest's arguments,
//! which are passed on unparsed (so `-test.v` reaches a Go test binary).

use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::Parser;
use wasmexec::{EngineKind, Tier};

/// Runs Go programs compiled with GOOS=js GOARCH=wasm, without Node.
#[derive(Parser, Debug)]
#[command(
    name = "wasmexec",
    version,
    long_version = crate::long_version(),
    about = "Runs Go programs compiled with GOOS=js GOARCH=wasm, without Node",
    after_help = "Everything after the program goes to the guest unparsed. Exit status: the \
                  guest's; 1 for host errors (\"wasmexec: ...\"), 2 for usage errors, 124 \
                  after --timeout.\n\nInstalled or linked as go_js_wasm_exec, or run with \
                  --go-test, it behaves like Go's Node runner (`go run`/`go test` with \
                  GOOS=js): the host root mounted at /, the environment inherited.",
    arg_required_else_help = true
)]
pub struct Cli {
    /// The program: a .wasm file, or a Go package directory (built with the go on PATH).
    #[arg(value_name = "PROGRAM")]
    pub program: PathBuf,

    /// Arguments for the guest.
    #[arg(
        value_name = "GUEST-ARGS",
        trailing_var_arg = true,
        allow_hyphen_values = true
    )]
    pub guest_args: Vec<String>,

    /// The engine.
    #[arg(long, env = "WASMEXEC_ENGINE", default_value = "wasmtime", value_parser = parse_engine, help_heading = "Engine")]
    pub engine: EngineKind,

    /// Compiler tier: auto (baseline code at once, optimized code compiled in the background
    /// for later runs), baseline or optimized.
    #[arg(long, env = "WASMEXEC_TIER", default_value = "auto", value_parser = parse_tier, help_heading = "Engine")]
    pub tier: Tier,

    /// Do not read or write the compiled-module cache.
    #[arg(long, help_heading = "Engine")]
    pub no_cache: bool,

    /// Stop the guest after this long (500ms, 10s, 2m), exit status 124.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, help_heading = "Engine")]
    pub timeout: Option<Duration>,

    /// Cap the guest's wasm memory (64MiB, 1GiB; K, M, G are binary units); also reserves
    /// only that much address space for it.
    #[arg(long, env = "WASMEXEC_MAX_MEMORY", value_name = "SIZE", value_parser = parse_size, help_heading = "Limits")]
    pub max_memory: Option<u64>,

    /// Cap the host memory the guest's JS values hold: strings, typed arrays, objects
    /// [default: 4GiB, about Node's heap limit]
    #[arg(long, env = "WASMEXEC_MAX_JS_HEAP", value_name = "SIZE", value_parser = parse_size, help_heading = "Limits")]
    pub max_js_heap: Option<u64>,

    /// How many calls between host and guest may nest (js.FuncOf calling JS calling Go ...)
    /// [default: 10000, where Node throws a RangeError]
    #[arg(
        long,
        env = "WASMEXEC_MAX_NESTING",
        value_name = "N",
        help_heading = "Limits"
    )]
    pub max_nesting: Option<u32>,

    /// Behave like go_js_wasm_exec (for `go test -exec "wasmexec --go-test"`).
    #[arg(long, help_heading = "Engine")]
    pub go_test: bool,

    /// Set a guest environment variable (repeatable).
    #[arg(long, value_name = "KEY=VALUE", value_parser = parse_pair, help_heading = "Guest world")]
    pub env: Vec<(String, String)>,

    /// Pass this process's environment to the guest.
    #[arg(long, help_heading = "Guest world")]
    pub env_inherit: bool,

    /// Make host directory HOST visible at GUEST (default: the same path), read-only with
    /// :ro (repeatable; nothing is visible by default).
    #[arg(long, value_name = "HOST[:GUEST][:ro]", value_parser = parse_mount, help_heading = "Guest world")]
    pub mount: Vec<(PathBuf, String, bool)>,

    /// Create a global before main from a JSON value (objects and arrays become JS objects
    /// and arrays), e.g. --global 'mylib={}' (repeatable).
    #[arg(long, value_name = "NAME=JSON", value_parser = parse_global, help_heading = "Guest world")]
    pub global: Vec<(String, serde_json::Value)>,

    /// Give the guest fetch (Go's net/http client) for these hosts only: HOST (any port),
    /// HOST:PORT, or * for any; comma-separated, repeatable. Redirects elsewhere are refused.
    /// Without it there is no fetch, as under a JS host without one.
    #[arg(long, env = "WASMEXEC_ALLOW_NET", value_name = "HOSTS", value_delimiter = ',', value_parser = parse_net_host, help_heading = "Guest world")]
    pub allow_net: Vec<String>,

    /// The guest's local time zone (default: this host's, as under Node).
    #[arg(long, value_name = "ZONE", help_heading = "Guest world")]
    pub time_zone: Option<String>,

    /// After main, call global function NAME (or OBJECT.METHOD) with TEXT as a Uint8Array;
    /// prints {"call":NAME,"result":...} (repeatable, in order with --invoke).
    #[arg(long, value_name = "NAME=TEXT", value_parser = parse_pair, help_heading = "Host-side steps")]
    pub call: Vec<(String, String)>,

    /// After main, waPC-invoke OP with PAYLOAD; prints {"invoke":OP,"result":...}.
    #[arg(long, value_name = "OP=PAYLOAD", value_parser = parse_pair, help_heading = "Host-side steps")]
    pub invoke: Vec<(String, String)>,

    /// Answer the guest's waPC host call B/N/O with TEMPLATE ({payload} is replaced).
    #[arg(long, value_name = "B/N/O=TEMPLATE", value_parser = parse_pair, help_heading = "Host-side steps")]
    pub host_call: Vec<(String, String)>,
}

fn parse_engine(s: &str) -> Result<EngineKind, String> {
    s.parse()
}

fn parse_tier(s: &str) -> Result<Tier, String> {
    s.parse()
}

/// `500ms`, `10s`, `2m`, `1h`, or a number of seconds; saturates instead of overflowing.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let bad = || format!("invalid duration {s:?} (try 500ms, 10s, 2m)");
    let (num, unit) = s
        .find(|c: char| c.is_ascii_alphabetic())
        .map_or((s, "s"), |i| s.split_at(i));
    let n: f64 = num.parse().map_err(|_| bad())?;
    let secs = match unit {
        "ms" => n / 1000.0,
        "s" => n,
        "m" => n * 60.0,
        "h" => n * 3600.0,
        _ => return Err(bad()),
    };
    // NaN and negatives are refused.
    if secs.is_nan() || secs < 0.0 {
        return Err(bad());
    }
    Ok(Duration::try_from_secs_f64(secs).unwrap_or(Duration::MAX))
}

/// `64MiB`, `64M`, `1.5GiB`, `512k`, `4096`: a size in bytes (K, M, G, T are binary units,
/// with or without `iB`/`B`).
pub fn parse_size(s: &str) -> Result<u64, String> {
    let bad = || format!("invalid size {s:?} (try 64MiB, 1GiB, 4096)");
    let t = s.trim();
    let split = t.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: f64 = num.trim().parse().map_err(|_| bad())?;
    let unit = unit.to_ascii_lowercase();
    let shift = match unit.trim_end_matches("ib").trim_end_matches('b') {
        "" => 0,
        "k" => 10,
        "m" => 20,
        "g" => 30,
        "t" => 40,
        _ => return Err(bad()),
    };
    let bytes = n * (1u64 << shift) as f64;
    // NaN and anything under a byte are refused.
    if bytes.is_nan() || bytes < 1.0 {
        return Err(bad());
    }
    // Saturates: a cap beyond what fits is no cap.
    Ok(if bytes >= u64::MAX as f64 {
        u64::MAX
    } else {
        bytes as u64
    })
}

fn parse_pair(s: &str) -> Result<(String, String), String> {
    s.split_once('=')
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .ok_or_else(|| format!("expected NAME=VALUE, got {s:?}"))
}

fn parse_global(s: &str) -> Result<(String, serde_json::Value), String> {
    let (name, json) = parse_pair(s)?;
    let v = serde_json::from_str(&json).map_err(|e| format!("{json:?} is not JSON: {e}"))?;
    Ok((name, v))
}

/// A host for `--allow-net`: `example.com`, `127.0.0.1:8080`, `[::1]:8080` or `*`.
pub fn parse_net_host(s: &str) -> Result<String, String> {
    let host = s.trim();
    if host.is_empty() || host.contains('/') || host.contains(char::is_whitespace) {
        return Err(format!(
            "expected HOST, HOST:PORT or *, got {s:?} (a host, not a URL)"
        ));
    }
    Ok(host.to_string())
}

/// `HOST[:GUEST][:ro|:rw]`.
pub fn parse_mount(s: &str) -> Result<(PathBuf, String, bool), String> {
    let mut parts: Vec<&str> = s.split(':').collect();
    let readonly = match parts.last() {
        Some(&"ro") if parts.len() > 1 => {
            parts.pop();
            true
        }
        Some(&"rw") if parts.len() > 1 => {
            parts.pop();
            false
        }
        _ => false,
    };
    let (host, guest) = match parts.as_slice() {
        [h] => (*h, None),
        [h, g] => (*h, Some(*g)),
        _ => return Err(format!("expected HOST[:GUEST][:ro], got {s:?}")),
    };
    let host = Path::new(host)
        .canonicalize()
        .map_err(|e| format!("{host}: {e}"))?;
    let guest = match guest {
        Some(g) if g.starts_with('/') => g.to_string(),
        Some(g) => return Err(format!("the guest path {g:?} must be absolute")),
        None => host.to_string_lossy().into_owned(),
    };
    Ok((host, guest, readonly))
}

/// The host-side steps in command-line order (`--call` and `--invoke` interleaved as given).
pub fn steps_in_order(matches: &clap::ArgMatches, cli: &Cli) -> Vec<crate::output::Step> {
    let positions = |id: &str| -> Vec<usize> {
        matches
            .indices_of(id)
            .map(|i| i.collect())
            .unwrap_or_default()
    };
    let mut steps: Vec<(usize, crate::output::Step)> = Vec::new();
    for (at, (n, t)) in positions("call").into_iter().zip(&cli.call) {
        steps.push((at, crate::output::Step::Call(n.clone(), t.clone())));
    }
    for (at, (n, t)) in positions("invoke").into_iter().zip(&cli.invoke) {
        steps.push((at, crate::output::Step::Invoke(n.clone(), t.clone())));
    }
    steps.sort_by_key(|(at, _)| *at);
    steps.into_iter().map(|(_, s)| s).collect()
}
