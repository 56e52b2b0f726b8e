//! Running one program: build it if it is a package, compile it (cached), set up the guest's
//! world from the options, run it, then the host-side steps.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use wasmexec::{Config, EngineKind, Error, JsValue, Runtime, Settings, Tier};

use crate::output::{step_line, Step};

/// What a run needs.
pub struct Options {
    pub engine: EngineKind,
    pub tier: Tier,
    pub env: Vec<(String, String)>,
    pub env_inherit: bool,
    pub timeout: Option<Duration>,
    pub cache: bool,
    pub steps: Vec<Step>,
    pub host_calls: Vec<(String, String)>,
    pub mounts: Vec<(PathBuf, String, bool)>,
    pub globals: Vec<(String, serde_json::Value)>,
    pub time_zone: Option<String>,
    pub limits: Limits,
    /// `--allow-net`: the hosts `fetch` may reach (none: no `fetch`).
    pub allow_net: Vec<String>,
    /// With `--tier auto`, a program not in the cache starts on the interpreter (the CLI:
    /// a short program is done before Winch would be) or on baseline code (test binaries,
    /// which run long enough to pay the compile back several times over).
    pub interpreter_first: bool,
    /// Run as Go's `go_js_wasm_exec`: the program is a test binary `go test` just built.
    pub go_test: bool,
    pub program: PathBuf,
    pub guest_args: Vec<String>,
}

/// `--max-memory`, `--max-js-heap`, `--max-nesting`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Limits {
    pub max_memory: Option<u64>,
    pub max_js_heap: Option<u64>,
    pub max_nesting: Option<u32>,
}

impl Options {
    /// Go's Node runner's setup (`go_js_wasm_exec`, `--go-test`): the host root mounted at
    /// `/`, the environment inherited, the working directory the host's.
    pub fn go_runner(engine: EngineKind, tier: Tier, program: PathBuf, args: Vec<String>) -> Self {
        Options {
            engine,
            tier,
            env: Vec::new(),
            env_inherit: true,
            timeout: None,
            cache: true,
            steps: Vec::new(),
            host_calls: Vec::new(),
            mounts: vec![(PathBuf::from("/"), "/".into(), false)],
            globals: Vec::new(),
            time_zone: None,
            limits: Limits::default(),
            allow_net: Vec::new(),
            interpreter_first: false,
            go_test: true,
            program,
            guest_args: args,
        }
    }
}

/// Where compiled modules and built packages are cached.
pub fn cache_root() -> PathBuf {
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
    // Guests must not swap the programs built for the next runs.
    let _ = wasmexec::hide_from_guests(&cache_root());
    let out = cache_root()
        .join("builds")
        .join(key)
        .join(format!("{name}.wasm"));
    let status = crate::signals::child_status(
        std::process::Command::new("go")
            .args(["build", "-trimpath", "-o"])
            .arg(&out)
            .arg(".")
            .current_dir(&abs)
            .env("GOOS", "js")
            .env("GOARCH", "wasm"),
    )
    .map_err(|e| format!("running go: {e} (is Go on PATH?)"))?;
    if !status.success() {
        return Err(format!(
            "go build failed for {} (is it a main package?)",
            dir.display()
        ));
    }
    // `go build -o` of a package that is not `main` writes the package's archive, not a
    // program: say so, rather than that the archive is not wasm.
    let mut magic = [0u8; 4];
    let is_wasm = std::fs::File::open(&out)
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut magic))
        .is_ok()
        && &magic == b"\0asm";
    if !is_wasm {
        let _ = std::fs::remove_file(&out);
        return Err(not_a_program(dir, &abs));
    }
    Ok(out)
}

/// The error for a package directory whose build is not a program: names its package.
fn not_a_program(dir: &Path, abs: &Path) -> String {
    let listed = std::process::Command::new("go")
        .args(["list", "-f", "{{.Name}}", "."])
        .current_dir(abs)
        .env("GOOS", "js")
        .env("GOARCH", "wasm")
        .stderr(std::process::Stdio::null())
        .output();
    match listed {
        Ok(o) if o.status.success() && !o.stdout.is_empty() => format!(
            "{} is package {}, not a main package",
            dir.display(),
            String::from_utf8_lossy(&o.stdout).trim()
        ),
        _ => format!("{} is not a main package", dir.display()),
    }
}

fn config(o: &Options) -> Config {
    let program = o.program.to_string_lossy().into_owned();
    let mut config = Config::new().args(std::iter::once(program).chain(o.guest_args.clone()));
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
    for (name, v) in &o.globals {
        config = config.global(name.clone(), JsValue::from(v.clone()));
    }
    if let Some(tz) = &o.time_zone {
        config = config.time_zone(tz.clone());
    }
    config = config.inherit_stdin();
    config = config.allow_net(o.allow_net.iter().cloned());
    if let Some(t) = o.timeout {
        config = config.timeout(t);
    }
    if let Some(bytes) = o.limits.max_memory {
        config = config.max_memory(bytes);
    }
    if let Some(bytes) = o.limits.max_js_heap {
        config = config.max_js_heap(bytes);
    }
    if let Some(depth) = o.limits.max_nesting {
        config = config.max_nesting(depth);
    }
    let answers = o.host_calls.clone();
    config.host_call(move |b, n, op, payload| {
        let key = format!("{b}/{n}/{op}");
        match answers.iter().find(|(k, _)| *k == key) {
            Some((_, template)) => Ok(template
                .replace("{payload}", &String::from_utf8_lossy(payload))
                .into_bytes()),
            None => Err(format!("no --host-call answer for {key}")),
        }
    })
}

/// What the builds of one program have in common ([`wasmexec::Runtime::compile_program`]):
/// the package directory the CLI builds, the wasm file's path, or, for `go test`, which
/// writes every test binary to a new temporary directory and runs it in its package's
/// directory, that directory and the binary's name.
fn program_name(o: &Options, wasm_path: &Path) -> String {
    let absolute = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
    if o.program.is_dir() {
        return format!("package {}", absolute(&o.program).display());
    }
    match (o.go_test, std::env::current_dir(), wasm_path.file_name()) {
        (true, Ok(dir), Some(name)) => format!(
            "go test {} {}",
            absolute(&dir).display(),
            name.to_string_lossy()
        ),
        _ => format!("file {}", absolute(wasm_path).display()),
    }
}

/// Runs the program; returns the exit status.
pub fn run(o: Options) -> Result<i32, String> {
    let wasm_path = if o.program.is_dir() {
        build_package(&o.program)?
    } else {
        o.program.clone()
    };
    let wasm = std::fs::read(&wasm_path).map_err(|e| format!("{}: {e}", wasm_path.display()))?;
    let defaults = Settings::default();
    let settings = Settings {
        tier: o.tier,
        // A cap also shrinks what each memory reserves, so the host fits under `ulimit -v`.
        memory_reservation: o.limits.max_memory,
        interpreter_threshold: defaults
            .interpreter_threshold
            .filter(|_| o.interpreter_first),
        ..defaults
    };
    let mut runtime = Runtime::with_settings(o.engine, settings).map_err(|e| e.to_string())?;
    // Hidden from the guest even when this run does not use it: a guest must not prepare a
    // cache (with a key of its own) for the next run that does.
    let _ = wasmexec::hide_from_guests(&cache_root());
    if o.cache {
        runtime = runtime.cache_dir(cache_root().join("modules"));
    }
    let program = program_name(&o, &wasm_path);
    let module = crate::progress::while_compiling(&wasm_path, wasm.len(), || {
        runtime.compile_program(&wasm, &program)
    })
    .map_err(|e| format!("{}: {e}", wasm_path.display()))?;
    let mut guest = runtime
        .instantiate(&module, config(&o))
        .map_err(|e| e.to_string())?;
    let status = match o.steps.is_empty() {
        true => guest.run_to_exit().map_err(|e| e.to_string()),
        false => run_steps(&mut guest, &o.steps),
    };
    // The process ends with the guest; background compiles end with it.
    runtime.save_unfinished_compiles();
    status
}

fn run_steps(guest: &mut wasmexec::Instance, steps: &[Step]) -> Result<i32, String> {
    let mut exited = match guest.run().map_err(|e| e.to_string())? {
        wasmexec::Status::Exited(code) => Some(code),
        wasmexec::Status::Idle => None,
    };
    if let Some(code) = exited {
        crate::error_line(&format!(
            "wasmexec: the guest exited (status {code}) before the host-side steps; if main \
             returned, block it (for example with select {{}}) to keep its functions callable"
        ));
    }
    let mut missed = false;
    for step in steps {
        let line = match exited {
            Some(code) => {
                missed = true;
                step_line(step, Err(format!("the guest has exited (status {code})")))
            }
            None => {
                let outcome = run_step(guest, step);
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

fn run_step(guest: &mut wasmexec::Instance, step: &Step) -> Result<JsValue, Error> {
    match step {
        Step::Call(name, text) => {
            // Printed as JSON.stringify would show it.
            let v = guest.call_await(name, &[JsValue::Bytes(text.clone().into_bytes())])?;
            guest.to_data(&v)
        }
        Step::Invoke(op, payload) => guest.invoke(op, payload.as_bytes()).map(JsValue::Bytes),
    }
}
