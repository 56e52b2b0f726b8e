//! `wasmexec`: runs Go `GOOS=js GOARCH=wasm` programs like Go's Node-based runner does.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Duration;

use wasmexec::{Config, EngineKind, Error, JsValue, Runtime, Settings, Tier};

const USAGE: &str = "\
usage: wasmexec [OPTIONS] <PROGRAM.wasm | GO-PACKAGE-DIR> [GUEST-ARGS]...

Runs a Go program compiled with GOOS=js GOARCH=wasm. Options come before the program;
everything after it is passed to the guest unparsed.

options:
  --engine NAME          wasmtime (default), wasmer or wasmi; or set WASMEXEC_ENGINE
  --tier TIER            auto (default: baseline code at once, optimized code compiled in the
                         background for later runs), baseline or optimized; or WASMEXEC_TIER
  --env KEY=VALUE        set a guest environment variable (repeatable)
  --env-inherit          pass this process's environment to the guest
  --timeout DURATION     stop the guest after DURATION (e.g. 500ms, 10s, 2m)
  --mount HOST[:GUEST][:ro]
                         make host directory HOST visible at GUEST (default: the same path),
                         read-only with :ro (repeatable; nothing is visible by default)
  --no-cache             do not read or write the compiled-module cache
  --call NAME=TEXT       after main, call global function NAME with TEXT as a Uint8Array
  --invoke OP=PAYLOAD    after main, waPC-invoke OP with PAYLOAD
  --host-call B/N/O=TEMPLATE
                         answer the guest's waPC host call B/N/O with TEMPLATE
                         ({payload} is replaced by the payload)
  -h, --help             print this help";

enum Step {
    Call(String, String),
    Invoke(String, String),
}

struct Options {
    engine: EngineKind,
    tier: Tier,
    env: Vec<(String, String)>,
    env_inherit: bool,
    timeout: Option<Duration>,
    cache: bool,
    steps: Vec<Step>,
    host_calls: Vec<(String, String)>,
    mounts: Vec<(PathBuf, String, bool)>,
    program: String,
    guest_args: Vec<String>,
}

fn parse_duration(s: &str) -> Result<Duration, String> {
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
    Duration::try_from_secs_f64(secs).map_err(|_| bad())
}

fn split_pair(s: &str, what: &str) -> Result<(String, String), String> {
    s.split_once('=')
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .ok_or_else(|| format!("{what} expects NAME=VALUE, got {s:?}"))
}

fn env_tier() -> Result<Tier, String> {
    match std::env::var("WASMEXEC_TIER") {
        Ok(t) if !t.is_empty() => t.parse(),
        _ => Ok(Tier::Auto),
    }
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Option<Options>, String> {
    let engine = match std::env::var("WASMEXEC_ENGINE") {
        Ok(e) if !e.is_empty() => e.parse()?,
        _ => EngineKind::Wasmtime,
    };
    let mut o = Options {
        engine,
        tier: env_tier()?,
        env: Vec::new(),
        env_inherit: false,
        timeout: None,
        cache: true,
        steps: Vec::new(),
        host_calls: Vec::new(),
        mounts: Vec::new(),
        program: String::new(),
        guest_args: Vec::new(),
    };
    while let Some(a) = args.next() {
        let (flag, inline) = match a.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (a.clone(), None),
        };
        let mut value = |name: &str| -> Result<String, String> {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match flag.as_str() {
            "-h" | "--help" => return Ok(None),
            "--engine" => o.engine = value("--engine")?.parse()?,
            "--tier" => o.tier = value("--tier")?.parse()?,
            "--env" => o.env.push(split_pair(&value("--env")?, "--env")?),
            "--env-inherit" => o.env_inherit = true,
            "--timeout" => o.timeout = Some(parse_duration(&value("--timeout")?)?),
            "--no-cache" => o.cache = false,
            "--call" => {
                let (n, t) = split_pair(&value("--call")?, "--call")?;
                o.steps.push(Step::Call(n, t));
            }
            "--invoke" => {
                let (n, t) = split_pair(&value("--invoke")?, "--invoke")?;
                o.steps.push(Step::Invoke(n, t));
            }
            "--mount" => o.mounts.push(parse_mount(&value("--mount")?)?),
            "--host-call" => o
                .host_calls
                .push(split_pair(&value("--host-call")?, "--host-call")?),
            "--" => {
                o.program = args.next().ok_or("missing program")?;
                break;
            }
            f if f.starts_with('-') && f.len() > 1 => {
                return Err(format!("unknown option {f}\n\n{USAGE}"))
            }
            _ => {
                o.program = a;
                break;
            }
        }
    }
    if o.program.is_empty() {
        return Err(format!("missing program\n\n{USAGE}"));
    }
    o.guest_args = args.collect();
    Ok(Some(o))
}

/// `HOST[:GUEST][:ro|:rw]`.
fn parse_mount(s: &str) -> Result<(PathBuf, String, bool), String> {
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
        _ => return Err(format!("--mount expects HOST[:GUEST][:ro], got {s:?}")),
    };
    let host = Path::new(host)
        .canonicalize()
        .map_err(|e| format!("--mount {host}: {e}"))?;
    let guest = match guest {
        Some(g) if g.starts_with('/') => g.to_string(),
        Some(g) => return Err(format!("--mount: the guest path {g:?} must be absolute")),
        None => host.to_string_lossy().into_owned(),
    };
    Ok((host, guest, readonly))
}

/// Invoked as `go_js_wasm_exec` (the name `go run`/`go test` look for on PATH when GOOS=js),
/// behave like Go's Node-based runner: the host root at `/`, the environment inherited, the
/// working directory the host's.
fn go_runner_options(mut args: impl Iterator<Item = String>) -> Result<Options, String> {
    let engine = match std::env::var("WASMEXEC_ENGINE") {
        Ok(e) if !e.is_empty() => e.parse()?,
        _ => EngineKind::Wasmtime,
    };
    let program = args
        .next()
        .ok_or("usage: go_js_wasm_exec [wasm binary] [arguments]")?;
    Ok(Options {
        engine,
        tier: env_tier()?,
        env: Vec::new(),
        env_inherit: true,
        timeout: None,
        cache: true,
        steps: Vec::new(),
        host_calls: Vec::new(),
        mounts: vec![(PathBuf::from("/"), "/".into(), false)],
        program,
        guest_args: args.collect(),
    })
}

fn cache_root() -> PathBuf {
    std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(std::env::temp_dir)
        .join("wasmexec")
}

/// Builds a Go package directory with GOOS=js GOARCH=wasm (Go's own build cache makes
/// rebuilds cheap) and returns the wasm file.
fn build_package(dir: &Path) -> Result<PathBuf, String> {
    let abs = dir
        .canonicalize()
        .map_err(|e| format!("{}: {e}", dir.display()))?;
    let name = abs
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "main".into());
    let key: String = abs
        .to_string_lossy()
        .bytes()
        .fold(0xcbf29ce484222325u64, |h, b| {
            (h ^ b as u64).wrapping_mul(0x100000001b3)
        })
        .to_string();
    let out = cache_root()
        .join("builds")
        .join(key)
        .join(format!("{name}.wasm"));
    let status = Command::new("go")
        .args(["build", "-trimpath", "-o"])
        .arg(&out)
        .arg(".")
        .current_dir(&abs)
        .env("GOOS", "js")
        .env("GOARCH", "wasm")
        .status()
        .map_err(|e| format!("running go: {e} (is Go on PATH?)"))?;
    if !status.success() {
        return Err(format!("go build failed for {}", dir.display()));
    }
    Ok(out)
}

fn render(v: &JsValue) -> String {
    fn esc(s: &str) -> String {
        let mut out = String::from("\"");
        for c in s.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
                c => out.push(c),
            }
        }
        out.push('"');
        out
    }
    match v {
        JsValue::Undefined | JsValue::Null | JsValue::Function(_) | JsValue::Symbol(_) => {
            "null".into()
        }
        JsValue::BigInt(digits) => digits.clone(),
        JsValue::Bool(b) => b.to_string(),
        JsValue::Number(n) if n.is_finite() => {
            if n.fract() == 0.0 && n.abs() < 9.007199254740992e15 {
                format!("{}", *n as i64)
            } else {
                n.to_string()
            }
        }
        JsValue::Number(_) => "null".into(),
        JsValue::String(s) | JsValue::Error(s) => esc(s),
        JsValue::Bytes(b) => esc(&String::from_utf8_lossy(b)),
        JsValue::Typed(_, items) => format!(
            "[{}]",
            items
                .iter()
                .map(|n| render(&JsValue::Number(*n)))
                .collect::<Vec<_>>()
                .join(",")
        ),
        JsValue::Array(items) => format!(
            "[{}]",
            items.iter().map(render).collect::<Vec<_>>().join(",")
        ),
        JsValue::Object(pairs) => format!(
            "{{{}}}",
            pairs
                .iter()
                .map(|(k, v)| format!("{}:{}", esc(k), render(v)))
                .collect::<Vec<_>>()
                .join(",")
        ),
    }
}

fn run(o: Options) -> Result<i32, String> {
    let path = Path::new(&o.program);
    let wasm_path = if path.is_dir() {
        build_package(path)?
    } else {
        path.to_path_buf()
    };
    let wasm = std::fs::read(&wasm_path).map_err(|e| format!("{}: {e}", wasm_path.display()))?;
    let settings = Settings {
        tier: o.tier,
        ..Settings::default()
    };
    let mut runtime = Runtime::with_settings(o.engine, settings).map_err(|e| e.to_string())?;
    if o.cache {
        runtime = runtime.cache_dir(cache_root().join("modules"));
    }
    let module = runtime
        .compile(&wasm)
        .map_err(|e| format!("{}: {e}", wasm_path.display()))?;

    let mut config =
        Config::new().args(std::iter::once(o.program.clone()).chain(o.guest_args.clone()));
    if o.env_inherit {
        // As Go's Node runner: TMPDIR defaults to the system's temporary directory.
        config = config.env("TMPDIR", std::env::temp_dir().to_string_lossy());
        for (k, v) in std::env::vars() {
            config = config.env(k, v);
        }
    }
    for (host, guest, ro) in &o.mounts {
        config = config.mount(host, guest, *ro);
    }
    for (k, v) in &o.env {
        config = config.env(k, v);
    }
    config = config.stdin(std::io::stdin());
    if let Some(t) = o.timeout {
        config = config.timeout(t);
    }
    let answers = o.host_calls.clone();
    config = config.host_call(move |b, n, op, payload| {
        let key = format!("{b}/{n}/{op}");
        match answers.iter().find(|(k, _)| *k == key) {
            Some((_, template)) => Ok(template
                .replace("{payload}", &String::from_utf8_lossy(payload))
                .into_bytes()),
            None => Err(format!("no --host-call answer for {key}")),
        }
    });
    let mut guest = runtime
        .instantiate(&module, config)
        .map_err(|e| e.to_string())?;
    if o.steps.is_empty() {
        return guest.run_to_exit().map_err(|e| e.to_string());
    }
    let mut exited = match guest.run().map_err(|e| e.to_string())? {
        wasmexec::Status::Exited(code) => Some(code),
        wasmexec::Status::Idle => None,
    };
    if let Some(code) = exited {
        eprintln!(
            "wasmexec: the guest exited (status {code}) before the host-side steps; if main \
             returned, block it (for example with select {{}}) to keep its functions callable"
        );
    }
    let mut missed = false;
    for step in &o.steps {
        let line = match exited {
            Some(code) => {
                missed = true;
                step_line(step, Err(format!("the guest has exited (status {code})")))
            }
            None => {
                let outcome = run_step(&mut guest, step);
                if let Err(Error::Exited(code)) = &outcome {
                    exited = Some(*code);
                }
                step_line(step, outcome.map_err(|e| e.to_string()))
            }
        };
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{line}");
        let _ = out.flush();
    }
    let code = guest.exit_code().or(exited).unwrap_or(0);
    // Steps were asked for and could not run: that is a failure even if the guest's was not.
    Ok(if missed && code == 0 { 1 } else { code })
}

use std::io::Write as _;

fn run_step(guest: &mut wasmexec::Instance, step: &Step) -> Result<JsValue, Error> {
    match step {
        Step::Call(name, text) => guest.call(name, &[JsValue::Bytes(text.clone().into_bytes())]),
        Step::Invoke(op, payload) => guest.invoke(op, payload.as_bytes()).map(JsValue::Bytes),
    }
}

/// The JSON line of a step: `{"call":NAME,"result":...}` or `{"invoke":OP,"error":TEXT}`.
/// Error texts are the guest's own words where it sent some (waPC errors).
fn step_line(step: &Step, outcome: Result<JsValue, String>) -> String {
    let (kind, name) = match step {
        Step::Call(name, _) => ("call", name),
        Step::Invoke(op, _) => ("invoke", op),
    };
    let name = render(&JsValue::from(name.as_str()));
    match outcome {
        Ok(v) => format!("{{\"{kind}\":{name},\"result\":{}}}", render(&v)),
        Err(e) => format!(
            "{{\"{kind}\":{name},\"error\":{}}}",
            render(&JsValue::String(e))
        ),
    }
}

fn main() -> ExitCode {
    let invoked_as = std::env::args().next().unwrap_or_default();
    let as_go_runner = Path::new(&invoked_as)
        .file_name()
        .is_some_and(|n| n == "go_js_wasm_exec");
    let parsed = if as_go_runner {
        go_runner_options(std::env::args().skip(1)).map(Some)
    } else {
        parse_args(std::env::args().skip(1))
    };
    let options = match parsed {
        Ok(Some(o)) => o,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("wasmexec: {e}");
            return ExitCode::from(2);
        }
    };
    // Go recurses deeply on the wasm stack (Node's runner raises V8's stack to 8 MiB); give the
    // guest a thread whose native stack comfortably holds that.
    let worker = std::thread::Builder::new()
        .name("guest".into())
        .stack_size(256 << 20)
        .spawn(move || run(options));
    let result = match worker {
        Ok(handle) => handle
            .join()
            .unwrap_or_else(|_| Err("internal error: the guest thread panicked".into())),
        Err(e) => Err(format!("cannot start the guest thread: {e}")),
    };
    match result {
        Ok(code) => ExitCode::from(code as u8),
        Err(e) if e.contains("deadline reached") => {
            eprintln!("wasmexec: timeout: {e}");
            ExitCode::from(124)
        }
        Err(e) => {
            eprintln!("wasmexec: {e}");
            ExitCode::from(1)
        }
    }
}
