//! The hostile-guest suite: the CLI against guests that try to crash, hang or exhaust the host,
//! or to poison its compiled-module cache. One trial per case and engine configuration, named
//! `<config>::<case>`, configurations named as in the conformance harness: `wasmtime-winch` and
//! `wasmer-singlepass` (the baseline compilers, what a first run uses) and `wasmi` run every
//! case; `wasmtime` and `wasmer` (their optimizing Cranelift tiers) run the cases whose outcome
//! depends on the generated code (stack use, memory growth, interruption, cached code), which
//! keeps compiling in the suite to a few modules. Each case states the exit status, the first
//! (and where it matters the last) line of standard error, a bound on wall time, and for cases
//! about memory a bound on the child's peak RSS (`wait4`'s `ru_maxrss`).
//!
//! Guests are built once per run (one `go build` of `go-guests/hostile/...`) into
//! `target/tmp/hostile/guests`; compiled modules are cached per configuration under
//! `target/tmp/hostile/cache`, filled before a trial's timed run, so wall-time bounds measure
//! the guest, not the compiler.

use std::collections::HashMap;
use std::ffi::OsString;
use std::io::Read as _;
use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use libtest_mimic::{Arguments, Failed, Trial};
use sha2::{Digest as _, Sha256};

/// An engine configuration of the CLI.
#[derive(Clone, Copy)]
struct Cfg {
    name: &'static str,
    engine: &'static str,
    tier: &'static str,
    /// Writes compiled code to the disk cache (wasmi interprets: nothing to cache).
    caches: bool,
    /// Runs every case (otherwise only those of [`Scope::Code`] and [`Scope::Cache`]).
    every_case: bool,
}

const CONFIGS: [Cfg; 5] = [
    Cfg {
        name: "wasmtime",
        engine: "wasmtime",
        tier: "optimized",
        caches: true,
        every_case: false,
    },
    Cfg {
        name: "wasmtime-winch",
        engine: "wasmtime",
        tier: "baseline",
        caches: true,
        every_case: true,
    },
    Cfg {
        name: "wasmer",
        engine: "wasmer",
        tier: "optimized",
        caches: true,
        every_case: false,
    },
    Cfg {
        name: "wasmer-singlepass",
        engine: "wasmer",
        tier: "baseline",
        caches: true,
        every_case: true,
    },
    Cfg {
        name: "wasmi",
        engine: "wasmi",
        tier: "optimized",
        caches: false,
        every_case: true,
    },
];

/// `ulimit -v` (KiB) under which `hoard_memory --max-memory 256MiB` still reaches its cap
/// cleanly. Measured minimums (debug CLI): wasmtime 544 MiB (Winch; 512 with Cranelift),
/// wasmer 768 MiB (it moves a capped memory to grow it, holding old and new at once), wasmi
/// 576 MiB. Below them the guest either cannot start (wasmtime: its memory reservation
/// fails, one clear line) or sees its allocation fail early (Go's "out of memory", exit 2),
/// never a host crash. The address space a run needs varies by tens of MiB (malloc arenas
/// per thread, code mappings), hence the headroom: once, wasmer failed under 896 MiB.
fn ulimit_v_kib(engine: &str) -> u64 {
    let mib = match engine {
        "wasmer" => 1024,
        _ => 768,
    };
    mib * 1024
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("cli/ has a parent")
        .to_path_buf()
}

fn work() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("hostile")
}

fn guests_dir() -> PathBuf {
    work().join("guests")
}

/// Builds every guest once: the hostile programs, `hello` and `exit_code` (js/wasm), and
/// `hello` as a wasip1 program (a wasm module that is not a Go js/wasm program).
fn build_guests() -> Result<PathBuf, String> {
    static BUILT: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    BUILT
        .get_or_init(|| {
            let out = guests_dir();
            std::fs::create_dir_all(&out).map_err(|e| e.to_string())?;
            let go = |goos: &str, o: &Path, pkgs: &[&str]| -> Result<(), String> {
                let st = Command::new("go")
                    .args(["build", "-trimpath", "-buildvcs=false", "-o"])
                    .arg(o)
                    .args(pkgs)
                    .current_dir(repo().join("go-guests"))
                    .env("GOOS", goos)
                    .env("GOARCH", "wasm")
                    .status()
                    .map_err(|e| format!("go on PATH: {e}"))?;
                st.success()
                    .then_some(())
                    .ok_or_else(|| format!("go build {pkgs:?} failed"))
            };
            let mut dir = out.clone().into_os_string();
            dir.push("/");
            go(
                "js",
                Path::new(&dir),
                &["./hostile/...", "./hello", "./exit_code"],
            )?;
            go("wasip1", &out.join("wasip1_hello"), &["./hello"])?;
            Ok(out)
        })
        .clone()
}

fn guest(name: &str) -> Result<PathBuf, Failed> {
    Ok(build_guests()?.join(name))
}

/// The suite's module cache for a configuration (`XDG_CACHE_HOME`).
fn suite_cache(cfg: &Cfg) -> PathBuf {
    // Emptied once per run: entries an earlier build wrote (under other settings) would
    // sit next to this build's for the same module.
    static FRESH: OnceLock<()> = OnceLock::new();
    let root = work().join("cache");
    FRESH.get_or_init(|| {
        let _ = std::fs::remove_dir_all(&root);
    });
    root.join(cfg.name)
}

/// Compiles `guest` into the configuration's cache before a trial times it: a run stopped at
/// once by `--timeout 0ms`. Each (configuration, guest) compiles once; trials needing the same
/// module wait for it.
fn warm(cfg: &Cfg, guest: &Path) -> Result<(), Failed> {
    if !cfg.caches {
        return Ok(());
    }
    type Once = Arc<OnceLock<()>>;
    static WARM: OnceLock<Mutex<HashMap<(String, PathBuf), Once>>> = OnceLock::new();
    let once = WARM
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .entry((cfg.name.to_string(), guest.to_path_buf()))
        .or_default()
        .clone();
    once.get_or_init(|| {
        let mut r = Run::new(cfg, suite_cache(cfg));
        r.args(["--timeout", "0ms"]).arg(guest);
        r.kill_after = Duration::from_secs(300);
        let _ = r.run();
    });
    Ok(())
}

/// What a child's standard input is.
enum Input {
    Null,
    /// A pipe whose writing end the test holds open (and never writes) until the child ends.
    HeldPipe,
}

/// What a run does while the child runs, given its pid.
type During = Box<dyn FnOnce(u32) -> Result<(), String>>;

/// One run of the CLI.
struct Run {
    envs: Vec<(OsString, Option<OsString>)>,
    args: Vec<OsString>,
    stdin: Input,
    /// Close the reading end of stdout after this many bytes.
    stdout_limit: Option<usize>,
    /// Run under `ulimit -v` (KiB).
    ulimit_v: Option<u64>,
    /// A stuck child is killed after this long (the trial then fails on its wall time).
    kill_after: Duration,
    /// Called with the child's pid once it runs.
    during: Option<During>,
}

/// How a run ended.
struct Outcome {
    code: Option<i32>,
    signal: Option<i32>,
    stdout: String,
    stderr: String,
    wall: Duration,
    max_rss_mib: u64,
}

impl Outcome {
    fn first_err(&self) -> &str {
        self.stderr.lines().next().unwrap_or("")
    }

    fn last_err(&self) -> &str {
        self.stderr.lines().last().unwrap_or("")
    }

    fn describe(&self) -> String {
        let tail = |s: &str| {
            let lines: Vec<&str> = s.lines().collect();
            let from = lines.len().saturating_sub(8);
            lines[from..].join("\n")
        };
        format!(
            "exit {:?} signal {:?} after {:.2?}, peak RSS {} MiB\n--- stdout (tail)\n{}\n--- \
             stderr (first line) {:?}\n--- stderr (tail)\n{}",
            self.code,
            self.signal,
            self.wall,
            self.max_rss_mib,
            tail(&self.stdout),
            self.first_err(),
            tail(&self.stderr)
        )
    }
}

/// `wait4` on one child: `None` while it runs (`nohang`), else its wait status and the peak
/// RSS (KiB) of the process.
fn wait4(pid: u32, nohang: bool) -> std::io::Result<Option<(i32, u64)>> {
    let pid = libc::pid_t::try_from(pid).map_err(std::io::Error::other)?;
    let flags = if nohang { libc::WNOHANG } else { 0 };
    let mut status: libc::c_int = 0;
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: `wait4` writes only through the two pointers it is given: `status` is a live,
    // aligned `c_int` on this stack frame and `usage` a live, aligned `rusage`, both valid for
    // writes for the whole call. `rusage` is plain integers (`timeval`s and `c_long`s), for
    // which all-zero bytes are a valid value, so it is initialised (zeroed) before the call
    // whether or not the kernel fills it. Reaping a child is not a memory-safety concern: the
    // `Child` handle for this pid is never waited on by std afterwards (only `kill`ed while
    // this function still reports the child running).
    let (ret, usage) = unsafe {
        let ret = libc::wait4(pid, &mut status, flags, usage.as_mut_ptr());
        (ret, usage.assume_init())
    };
    match ret {
        -1 => Err(std::io::Error::last_os_error()),
        0 => Ok(None),
        _ => Ok(Some((status, usage.ru_maxrss.max(0) as u64))),
    }
}

impl Run {
    fn new(cfg: &Cfg, cache_home: PathBuf) -> Run {
        let mut envs: Vec<(OsString, Option<OsString>)> = [
            "WASMEXEC_ENGINE",
            "WASMEXEC_TIER",
            "WASMEXEC_MAX_MEMORY",
            "WASMEXEC_MAX_JS_HEAP",
            "WASMEXEC_MAX_NESTING",
        ]
        .into_iter()
        .map(|v| (v.into(), None))
        .collect();
        envs.push(("XDG_CACHE_HOME".into(), Some(cache_home.into())));
        Run {
            envs,
            args: vec![
                "--engine".into(),
                cfg.engine.into(),
                "--tier".into(),
                cfg.tier.into(),
            ],
            stdin: Input::Null,
            stdout_limit: None,
            ulimit_v: None,
            kill_after: Duration::from_secs(60),
            during: None,
        }
    }

    fn arg(&mut self, a: impl Into<OsString>) -> &mut Run {
        self.args.push(a.into());
        self
    }

    fn args<I: IntoIterator<Item = S>, S: Into<OsString>>(&mut self, a: I) -> &mut Run {
        self.args.extend(a.into_iter().map(Into::into));
        self
    }

    fn env(&mut self, k: &str, v: impl Into<OsString>) -> &mut Run {
        self.envs.push((k.into(), Some(v.into())));
        self
    }

    fn run(mut self) -> Result<Outcome, String> {
        let exe = env!("CARGO_BIN_EXE_wasmexec");
        let mut cmd = match self.ulimit_v {
            None => Command::new(exe),
            Some(kib) => {
                // The shell execs the CLI: same pid, so wait4 measures the CLI itself.
                let mut c = Command::new("sh");
                c.arg("-c")
                    .arg(format!("ulimit -v {kib} && exec \"$0\" \"$@\""))
                    .arg(exe);
                c
            }
        };
        cmd.args(&self.args);
        for (k, v) in &self.envs {
            match v {
                Some(v) => cmd.env(k, v),
                None => cmd.env_remove(k),
            };
        }
        cmd.stdin(match self.stdin {
            Input::Null => Stdio::null(),
            Input::HeldPipe => Stdio::piped(),
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
        let start = Instant::now();
        let mut child = cmd.spawn().map_err(|e| format!("spawning the CLI: {e}"))?;
        let held_stdin = child.stdin.take();
        let limit = self.stdout_limit;
        let mut out = child.stdout.take().expect("piped");
        let out_reader = std::thread::spawn(move || {
            let mut buf = Vec::new();
            match limit {
                Some(n) => {
                    let _ = out.by_ref().take(n as u64).read_to_end(&mut buf);
                    drop(out); // the reader goes away: the guest's next writes get EPIPE
                }
                None => {
                    let _ = out.read_to_end(&mut buf);
                }
            }
            buf
        });
        let mut err = child.stderr.take().expect("piped");
        let err_reader = std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = err.read_to_end(&mut buf);
            buf
        });
        let pid = child.id();
        let during = self.during.take().map(|f| f(pid));
        let mut killed = false;
        let (status, rss_kib) = loop {
            if let Some(done) = wait4(pid, true).map_err(|e| format!("wait4: {e}"))? {
                break done;
            }
            if !killed && start.elapsed() > self.kill_after {
                let _ = child.kill();
                killed = true;
            }
            std::thread::sleep(Duration::from_millis(5));
        };
        let wall = start.elapsed();
        drop(held_stdin);
        let stdout = out_reader.join().unwrap_or_default();
        let stderr = err_reader.join().unwrap_or_default();
        if let Some(Err(e)) = during {
            return Err(e);
        }
        Ok(Outcome {
            code: libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status)),
            signal: libc::WIFSIGNALED(status).then(|| libc::WTERMSIG(status)),
            stdout: String::from_utf8_lossy(&stdout).into_owned(),
            stderr: String::from_utf8_lossy(&stderr).into_owned(),
            wall,
            max_rss_mib: rss_kib / 1024,
        })
    }
}

/// What a run must show.
#[derive(Default)]
struct Expect {
    code: Option<i32>,
    first_err: Option<&'static str>,
    last_err: Option<&'static str>,
    stdout: Option<&'static str>,
    stdout_prefix: Option<&'static str>,
    min_wall: Option<Duration>,
    max_wall: Duration,
    max_rss_mib: Option<u64>,
}

fn secs(s: f64) -> Duration {
    Duration::from_secs_f64(s)
}

/// `WASMEXEC_HOSTILE_VERBOSE=1`: every run's wall time and peak RSS, and every trial's time.
fn verbose() -> bool {
    std::env::var_os("WASMEXEC_HOSTILE_VERBOSE").is_some()
}

fn check(o: &Outcome, e: &Expect) -> Result<(), Failed> {
    if verbose() {
        eprintln!(
            "  run: exit {:?}, {:.2?}, peak RSS {} MiB",
            o.code, o.wall, o.max_rss_mib
        );
    }
    let mut wrong = Vec::new();
    if o.signal.is_some() {
        wrong.push("killed by a signal".to_string());
    }
    if let Some(code) = e.code {
        if o.code != Some(code) {
            wrong.push(format!("exit status {:?}, expected {code}", o.code));
        }
    }
    for bad in [
        "panicked",
        "RUST_BACKTRACE",
        "stack backtrace",
        "overflowed its stack",
    ] {
        if o.stderr.contains(bad) {
            wrong.push(format!("a Rust panic or crash report ({bad:?})"));
        }
    }
    if let Some(p) = e.first_err {
        if !o.first_err().starts_with(p) {
            wrong.push(format!("first stderr line should start with {p:?}"));
        }
    }
    if let Some(p) = e.last_err {
        if !o.last_err().starts_with(p) {
            wrong.push(format!("last stderr line should start with {p:?}"));
        }
    }
    if let Some(s) = e.stdout {
        if o.stdout != s {
            wrong.push(format!("stdout should be {s:?}"));
        }
    }
    if let Some(s) = e.stdout_prefix {
        if !o.stdout.starts_with(s) {
            wrong.push(format!("stdout should start with {s:?}"));
        }
    }
    if let Some(min) = e.min_wall {
        if o.wall < min {
            wrong.push(format!("ended before {min:.2?}"));
        }
    }
    if o.wall > e.max_wall {
        wrong.push(format!("took longer than {:.2?}", e.max_wall));
    }
    if let Some(max) = e.max_rss_mib {
        if o.max_rss_mib > max {
            wrong.push(format!("peak RSS above {max} MiB"));
        }
    }
    if wrong.is_empty() {
        Ok(())
    } else {
        Err(format!("{}\n{}", wrong.join("; "), o.describe()).into())
    }
}

/// A trial's own directory, emptied.
fn trial_dir(cfg: &Cfg, case: &str) -> Result<PathBuf, Failed> {
    let d = work().join("trials").join(format!("{}-{case}", cfg.name));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).map_err(|e| format!("{}: {e}", d.display()))?;
    Ok(d)
}

/// A run of `guest` on `cfg` with the suite's cache, compiled beforehand.
fn run_guest(cfg: &Cfg, name: &str) -> Result<Run, Failed> {
    let g = guest(name)?;
    warm(cfg, &g)?;
    let mut r = Run::new(cfg, suite_cache(cfg));
    r.arg(g);
    Ok(r)
}

/// Puts options before the program (the CLI passes everything after it to the guest).
fn with_options(
    cfg: &Cfg,
    name: &str,
    options: &[&str],
    guest_args: &[&str],
) -> Result<Run, Failed> {
    let g = guest(name)?;
    warm(cfg, &g)?;
    let mut r = Run::new(cfg, suite_cache(cfg));
    r.args(options).arg(g).args(guest_args);
    Ok(r)
}

const TIMEOUT_LINE: &str = "wasmexec: timeout: guest interrupted: deadline reached";

fn recursion(cfg: &Cfg) -> Result<(), Failed> {
    let o = run_guest(cfg, "recursion")?.run()?;
    check(
        &o,
        &Expect {
            code: Some(1),
            // Go's panic for the RangeError the host throws at the limit, as under Node...
            first_err: Some("panic: JavaScript error: Maximum call stack size exceeded"),
            // ...then the host names the limit.
            last_err: Some(
                "wasmexec: the guest reached its limit on calls nested between host and guest",
            ),
            max_wall: secs(20.0),
            // Measured 48-85 MiB: the nesting limit, not the native stack, ends it.
            max_rss_mib: Some(256),
            ..Expect::default()
        },
    )
}

fn js_heap(cfg: &Cfg, name: &str, cap_mib: u32) -> Result<(), Failed> {
    let cap = format!("{cap_mib}MiB");
    let o = with_options(cfg, name, &["--max-js-heap", &cap], &[])?.run()?;
    let line =
        format!("wasmexec: the guest reached its JS heap limit of {cap_mib} MiB (max-js-heap)");
    if o.last_err() != line {
        return Err(format!("last stderr line should be {line:?}\n{}", o.describe()).into());
    }
    check(
        &o,
        &Expect {
            code: Some(1),
            max_wall: secs(60.0),
            // The cap plus the host and the guest's own memory (measured 270-315 MiB for a
            // 256 MiB cap, 159-179 for 64 MiB); without a cap these guests grow to gigabytes.
            max_rss_mib: Some(u64::from(cap_mib) * 2 + 128),
            ..Expect::default()
        },
    )
}

/// Peak RSS of `hoard_memory` under a 256 MiB cap: the cap and the host's own (~20 MiB),
/// with room. wasmer moves a capped memory to grow it (its dynamic memory style, used when
/// the reservation is bounded), so it briefly holds the old and the new: about twice the cap
/// (measured 496-561 MiB).
fn memory_rss_bound(engine: &str) -> u64 {
    match engine {
        "wasmer" => 640,
        _ => 384,
    }
}

fn hoard_memory(cfg: &Cfg, ulimit: bool) -> Result<(), Failed> {
    let mut r = with_options(cfg, "hoard_memory", &["--max-memory", "256MiB"], &[])?;
    if ulimit {
        r.ulimit_v = Some(ulimit_v_kib(cfg.engine));
    }
    let o = r.run()?;
    check(
        &o,
        &Expect {
            code: Some(1),
            // The refused memory.grow, as Go reports it...
            first_err: Some("runtime: out of memory: cannot allocate"),
            // ...and the host naming the cap.
            last_err: Some(
                "wasmexec: the guest reached its wasm memory limit of 256 MiB (max-memory)",
            ),
            stdout_prefix: Some("MiB kept: 16\n"),
            max_wall: secs(60.0),
            max_rss_mib: Some(memory_rss_bound(cfg.engine)),
            ..Expect::default()
        },
    )
}

fn timed_out(o: &Outcome) -> Result<(), Failed> {
    check(
        o,
        &Expect {
            code: Some(124),
            first_err: Some(TIMEOUT_LINE),
            min_wall: Some(secs(2.0)),
            max_wall: secs(4.0),
            ..Expect::default()
        },
    )
}

fn stdin_pipe_timeout(cfg: &Cfg) -> Result<(), Failed> {
    let mut r = with_options(cfg, "read_stdin", &["--timeout", "2s"], &[])?;
    r.stdin = Input::HeldPipe;
    timed_out(&r.run()?)
}

fn mkfifo(path: &Path) -> Result<(), Failed> {
    let st = Command::new("mkfifo")
        .arg(path)
        .status()
        .map_err(|e| format!("mkfifo: {e}"))?;
    st.success()
        .then_some(())
        .ok_or_else(|| "mkfifo failed".into())
}

/// A FIFO with no writer (read) or no reader (write): the open or the read waits, and the
/// timeout must stop it.
fn fifo_timeout(cfg: &Cfg, write: bool) -> Result<(), Failed> {
    let dir = trial_dir(cfg, if write { "fifo_write" } else { "fifo_read" })?;
    let fifo = dir.join("fifo");
    mkfifo(&fifo)?;
    let mount = dir.to_string_lossy().into_owned();
    let fifo = fifo.to_string_lossy().into_owned();
    let guest_args: Vec<&str> = if write {
        vec!["-w", &fifo]
    } else {
        vec![&fifo]
    };
    let o = with_options(
        cfg,
        "read_file",
        &["--timeout", "2s", "--mount", &mount],
        &guest_args,
    )?
    .run()?;
    timed_out(&o)
}

fn host_calls_timeout(cfg: &Cfg) -> Result<(), Failed> {
    let o = with_options(cfg, "host_calls", &["--timeout", "2s"], &[])?.run()?;
    check(
        &o,
        &Expect {
            code: Some(124),
            first_err: Some(TIMEOUT_LINE),
            stdout_prefix: Some("calls: 0\n"),
            min_wall: Some(secs(2.0)),
            max_wall: secs(4.0),
            ..Expect::default()
        },
    )
}

fn huge_timeout(cfg: &Cfg) -> Result<(), Failed> {
    let o = with_options(cfg, "hello", &["--timeout", "10000000000000000000s"], &[])?.run()?;
    check(
        &o,
        &Expect {
            code: Some(0),
            stdout: Some("Hello, wasmexec!\n"),
            max_wall: secs(10.0),
            ..Expect::default()
        },
    )?;
    if !o.stderr.is_empty() {
        return Err(format!("unexpected stderr: {}", o.stderr).into());
    }
    Ok(())
}

fn deep_values(cfg: &Cfg) -> Result<(), Failed> {
    let o = run_guest(cfg, "deep_values")?.run()?;
    check(
        &o,
        &Expect {
            code: Some(0),
            // Node's output.
            stdout: Some(
                "built a chain of a million objects\n\
                 JSON.stringify: JavaScript error: Maximum call stack size exceeded\n\
                 structuredClone: JavaScript error: Maximum call stack size exceeded\n\
                 String: no error\n\
                 dropped it\n",
            ),
            max_wall: secs(60.0),
            // A million objects (measured 554-574 MiB).
            max_rss_mib: Some(1024),
            ..Expect::default()
        },
    )
}

fn stat_spin(cfg: &Cfg) -> Result<(), Failed> {
    let o = with_options(cfg, "stat_spin", &["--mount", "/:/:ro"], &[])?.run()?;
    check(
        &o,
        &Expect {
            code: Some(0),
            stdout: Some("main finished: false\n"),
            max_wall: secs(10.0),
            ..Expect::default()
        },
    )
}

fn epipe(cfg: &Cfg) -> Result<(), Failed> {
    let mut r = run_guest(cfg, "epipe")?;
    r.stdout_limit = Some(10);
    let o = r.run()?;
    // Node: the write fails with EPIPE, the guest reports it and exits 3.
    check(
        &o,
        &Expect {
            code: Some(3),
            first_err: Some("write error: write /dev/stdout: Broken pipe"),
            max_wall: secs(20.0),
            ..Expect::default()
        },
    )
}

/// SIGTERM while a guest with a mount waits on stdin: the CLI exits 128+15 and removes the
/// read-only root it made in TMPDIR.
fn sigterm_mount(cfg: &Cfg) -> Result<(), Failed> {
    let dir = trial_dir(cfg, "sigterm_mount")?;
    let tmp = dir.join("tmp");
    std::fs::create_dir(&tmp).map_err(|e| e.to_string())?;
    let mount = dir.to_string_lossy().into_owned();
    let mut r = with_options(cfg, "read_stdin", &["--mount", &mount], &[])?;
    r.env("TMPDIR", tmp.clone());
    r.stdin = Input::HeldPipe;
    r.kill_after = secs(30.0);
    let tmp2 = tmp.clone();
    r.during = Some(Box::new(move |pid| {
        let prefix = format!("wasmexec-root-{pid}-");
        let start = Instant::now();
        while !roots(&tmp2, &prefix).is_ok_and(|n| n > 0) {
            if start.elapsed() > secs(20.0) {
                return Err("no wasmexec-root directory appeared in TMPDIR".into());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        // Give the guest a moment to block in its read.
        std::thread::sleep(Duration::from_millis(200));
        let pid = rustix::process::Pid::from_raw(pid as i32).ok_or("bad pid")?;
        rustix::process::kill_process(pid, rustix::process::Signal::TERM)
            .map_err(|e| format!("kill: {e}"))
    }));
    let o = r.run()?;
    check(
        &o,
        &Expect {
            code: Some(128 + 15),
            max_wall: secs(25.0),
            ..Expect::default()
        },
    )?;
    let left = roots(&tmp, "wasmexec-root-").map_err(|e| e.to_string())?;
    if left > 0 {
        return Err(format!("{left} wasmexec-root directories left in {}", tmp.display()).into());
    }
    Ok(())
}

fn roots(dir: &Path, prefix: &str) -> std::io::Result<usize> {
    Ok(std::fs::read_dir(dir)?
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with(prefix))
        .count())
}

/// SHA-256 of the wasm bytes, length-prefixed: the module hash an entry's header names.
fn module_hash(wasm: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update((wasm.len() as u64).to_le_bytes());
    h.update(wasm);
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The cache entry (in `modules`) whose header names `wasm`.
fn entry_for(modules: &Path, wasm: &[u8]) -> Result<PathBuf, Failed> {
    let needle = format!("module={}\n", module_hash(wasm));
    for e in std::fs::read_dir(modules).map_err(|e| format!("{}: {e}", modules.display()))? {
        let p = e.map_err(|e| e.to_string())?.path();
        if p.extension().is_some_and(|x| x == "bin") {
            let mut head = vec![0u8; 512];
            let n = std::fs::File::open(&p)
                .and_then(|mut f| f.read(&mut head))
                .map_err(|e| e.to_string())?;
            if String::from_utf8_lossy(&head[..n]).contains(&needle) {
                return Ok(p);
            }
        }
    }
    Err(format!("no cache entry for the module in {}", modules.display()).into())
}

/// Copies the suite's cache key and the entries of `hello` and `exit_code` into a private
/// cache, then tampers with hello's entry: (a) exit_code's entry copied over it, (b) bytes of
/// its payload flipped. Each next run must print hello's output (the entry refused and
/// rewritten), never run exit_code's code or crash.
fn cache_tamper(cfg: &Cfg) -> Result<(), Failed> {
    let hello = guest("hello")?;
    let other = guest("exit_code")?;
    warm(cfg, &hello)?;
    warm(cfg, &other)?;
    let dir = trial_dir(cfg, "cache_tamper")?;
    let modules = dir.join("wasmexec").join("modules");
    std::fs::create_dir_all(&modules).map_err(|e| e.to_string())?;
    for d in [dir.join("wasmexec"), modules.clone()] {
        std::fs::set_permissions(&d, std::fs::Permissions::from_mode(0o700))
            .map_err(|e| e.to_string())?;
    }
    let suite = suite_cache(cfg).join("wasmexec").join("modules");
    let hello_wasm = std::fs::read(&hello).map_err(|e| e.to_string())?;
    let other_wasm = std::fs::read(&other).map_err(|e| e.to_string())?;
    let hello_src = entry_for(&suite, &hello_wasm)?;
    let other_src = entry_for(&suite, &other_wasm)?;
    let copy = |from: &Path, to: &Path| {
        std::fs::copy(from, to)
            .map(|_| ())
            .map_err(|e| e.to_string())
    };
    copy(&suite.join("key"), &modules.join("key"))?;
    let hello_entry = modules.join(hello_src.file_name().ok_or("entry name")?);
    copy(&hello_src, &hello_entry)?;
    copy(
        &other_src,
        &modules.join(other_src.file_name().ok_or("entry name")?),
    )?;
    let run_hello = || -> Result<Outcome, Failed> {
        let mut r = Run::new(cfg, dir.clone());
        r.arg(&hello);
        r.kill_after = secs(120.0);
        Ok(r.run()?)
    };
    let expect = Expect {
        code: Some(0),
        stdout: Some("Hello, wasmexec!\n"),
        max_wall: secs(120.0),
        ..Expect::default()
    };
    // The copied entries are authentic under the copied key: used as they are.
    check(&run_hello()?, &expect)
        .map_err(|e| format!("untampered: {}", e.message().unwrap_or("")))?;
    // (a) Another module's entry in hello's place.
    copy(&other_src, &hello_entry)?;
    check(&run_hello()?, &expect)
        .map_err(|e| format!("swapped entry: {}", e.message().unwrap_or("")))?;
    if entry_for(&modules, &hello_wasm)? != hello_entry {
        return Err("hello's entry was not rewritten".into());
    }
    // (b) Bytes flipped in the middle of the payload (the code).
    let mut bytes = std::fs::read(&hello_entry).map_err(|e| e.to_string())?;
    let mid = bytes.len() / 2;
    for b in &mut bytes[mid..mid + 64] {
        *b ^= 0x5a;
    }
    std::fs::write(&hello_entry, &bytes).map_err(|e| e.to_string())?;
    check(&run_hello()?, &expect)
        .map_err(|e| format!("flipped bytes: {}", e.message().unwrap_or("")))?;
    let rewritten = std::fs::read(&hello_entry).map_err(|e| e.to_string())?;
    if rewritten == bytes {
        return Err("the tampered entry was kept".into());
    }
    Ok(())
}

/// A guest whose mount covers wasmexec's cache directory cannot list, read, plant, move or
/// remove anything in it; with `--no-cache` too (a run that does not use the cache must not
/// let a guest prepare one for the next run).
fn cache_mount(cfg: &Cfg, no_cache: bool) -> Result<(), Failed> {
    let dir = trial_dir(
        cfg,
        if no_cache {
            "cache_mount_no_cache"
        } else {
            "cache_mount"
        },
    )?;
    let g = guest("cache_poke")?;
    let mut r = Run::new(cfg, dir.clone());
    if no_cache {
        r.arg("--no-cache");
    }
    let cache = dir.join("wasmexec");
    r.arg("--mount").arg(&dir).arg(&g).arg(&cache);
    r.kill_after = secs(120.0);
    let o = r.run()?;
    check(
        &o,
        &Expect {
            code: Some(0),
            max_wall: secs(120.0),
            ..Expect::default()
        },
    )?;
    let lines: Vec<&str> = o.stdout.lines().collect();
    let refused = lines.iter().all(|l| l.ends_with(": Permission denied"));
    if lines.len() != 7 || !refused {
        return Err(format!("every attempt must get EACCES:\n{}", o.stdout).into());
    }
    if cache.join("modules").join("planted.bin").exists() {
        return Err("the guest planted a file in the cache".into());
    }
    Ok(())
}

/// A module that is not a Go js/wasm program (a wasip1 program) is refused from its
/// import/export sections at once: nothing compiled, nothing cached.
fn non_go_module(cfg: &Cfg) -> Result<(), Failed> {
    let dir = trial_dir(cfg, "non_go_module")?;
    let mut r = Run::new(cfg, dir.clone());
    r.arg(guest("wasip1_hello")?);
    let o = r.run()?;
    one_line(
        &o,
        "not a Go GOOS=js GOARCH=wasm program: it does not export \"run\"",
    )?;
    check(
        &o,
        &Expect {
            code: Some(1),
            max_wall: secs(2.0),
            ..Expect::default()
        },
    )?;
    let modules = dir.join("wasmexec").join("modules");
    let cached = std::fs::read_dir(&modules)
        .map(|d| {
            d.filter_map(|e| e.ok())
                .filter(|e| e.path().extension().is_some_and(|x| x == "bin"))
                .count()
        })
        .unwrap_or(0);
    if cached > 0 {
        return Err("the module was compiled and cached".into());
    }
    Ok(())
}

/// One `wasmexec: ...` line containing `needle`, and a non-zero exit.
fn one_line(o: &Outcome, needle: &str) -> Result<(), Failed> {
    let lines: Vec<&str> = o.stderr.lines().collect();
    let ok = o.code.is_some_and(|c| c != 0)
        && lines.len() == 1
        && lines[0].starts_with("wasmexec: ")
        && lines[0].contains(needle);
    if ok {
        Ok(())
    } else {
        Err(format!(
            "expected one line \"wasmexec: ...{needle}...\"\n{}",
            o.describe()
        )
        .into())
    }
}

/// Builds a module from sections `(id, body)`.
fn module(sections: &[(u8, Vec<u8>)]) -> Vec<u8> {
    let mut m = b"\0asm\x01\0\0\0".to_vec();
    for (id, body) in sections {
        m.push(*id);
        leb(&mut m, body.len() as u32);
        m.extend_from_slice(body);
    }
    m
}

fn leb(out: &mut Vec<u8>, mut n: u32) {
    loop {
        let b = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

fn name(out: &mut Vec<u8>, s: &str) {
    leb(out, s.len() as u32);
    out.extend_from_slice(s.as_bytes());
}

/// A module shaped like a Go js/wasm program (it imports `gojs.debug` and exports `run`,
/// `resume`, `getsp` and `mem` with Go's types) whose start function loops forever: it runs
/// during instantiation, before `run`.
fn start_loop_module() -> Vec<u8> {
    // Types: 0 (i32)->(), 1 (i32,i32)->(), 2 ()->(), 3 ()->(i32).
    let types = vec![
        4, 0x60, 1, 0x7f, 0, 0x60, 2, 0x7f, 0x7f, 0, 0x60, 0, 0, 0x60, 0, 1, 0x7f,
    ];
    let mut imports = vec![1];
    name(&mut imports, "gojs");
    name(&mut imports, "debug");
    imports.extend_from_slice(&[0x00, 0]);
    // Functions 1..=4: run, resume, getsp, the start function.
    let funcs = vec![4, 1, 2, 3, 2];
    let memory = vec![1, 0x00, 1];
    let mut exports = vec![4];
    for (n, kind, idx) in [
        ("run", 0, 1),
        ("resume", 0, 2),
        ("getsp", 0, 3),
        ("mem", 2, 0),
    ] {
        name(&mut exports, n);
        exports.extend_from_slice(&[kind, idx]);
    }
    let start = vec![4];
    let bodies: [&[u8]; 4] = [
        &[0, 0x0b],
        &[0, 0x0b],
        &[0, 0x41, 0, 0x0b],
        &[0, 0x03, 0x40, 0x0c, 0, 0x0b, 0x0b], // loop br 0 end
    ];
    let mut code = vec![bodies.len() as u8];
    for b in bodies {
        leb(&mut code, b.len() as u32);
        code.extend_from_slice(b);
    }
    module(&[
        (1, types),
        (2, imports),
        (3, funcs),
        (5, memory),
        (7, exports),
        (8, start),
        (10, code),
    ])
}

/// A start function would run guest code while instantiating, before anything the host set
/// up (and, on some engines, out of reach of the timeout): Go's linker never emits one, so a
/// module with one is refused before compiling.
fn start_function(cfg: &Cfg) -> Result<(), Failed> {
    let dir = trial_dir(cfg, "start_function")?;
    let p = dir.join("start_loop.wasm");
    std::fs::write(&p, start_loop_module()).map_err(|e| e.to_string())?;
    let mut r = Run::new(cfg, dir.clone());
    r.args(["--timeout", "2s"]).arg(&p);
    let o = r.run()?;
    one_line(
        &o,
        "not a Go GOOS=js GOARCH=wasm program: it has a start function",
    )?;
    check(
        &o,
        &Expect {
            code: Some(1),
            max_wall: secs(2.0),
            ..Expect::default()
        },
    )
}

/// Malformed bytes of several kinds: one clear line each, a non-zero exit, no panic.
fn malformed(cfg: &Cfg) -> Result<(), Failed> {
    let dir = trial_dir(cfg, "malformed")?;
    let hello = std::fs::read(guest("hello")?).map_err(|e| e.to_string())?;
    let mut flipped = hello.clone();
    // The code section is most of a Go module: garble a stretch in its middle.
    let mid = flipped.len() / 2;
    for b in &mut flipped[mid..mid + 4096] {
        *b = 0xff;
    }
    let mut cases: Vec<(&str, Vec<u8>)> = vec![
        ("text", b"hello, I am text\n".to_vec()),
        ("empty", Vec::new()),
        ("version", b"\0asm\x02\0\0\0".to_vec()),
        (
            "huge_section",
            b"\0asm\x01\0\0\0\x0a\xff\xff\xff\xff\x0f".to_vec(),
        ),
        (
            "bad_leb",
            b"\0asm\x01\0\0\0\x02\xff\xff\xff\xff\xff\xff".to_vec(),
        ),
        ("truncated", hello[..hello.len() / 3].to_vec()),
        ("garbled_code", flipped),
    ];
    let mut bad_import = hello.clone();
    if let Some(at) = bad_import.windows(4).position(|w| w == b"gojs") {
        bad_import[at] = 0xc3; // not UTF-8 in a name
        cases.push(("bad_name", bad_import));
    }
    // An unknown import whose name breaks lines and turns text around (found by fuzzing:
    // the name reached the error message as it was).
    let mut newline_name = hello.clone();
    let from = b"runtime.wasmWrite";
    if let Some(at) = newline_name.windows(from.len()).position(|w| w == from) {
        newline_name[at + 7] = b'\n';
        cases.push(("newline_name", newline_name));
    }
    let mut failures = Vec::new();
    for (what, bytes) in cases {
        let p = dir.join(format!("{what}.wasm"));
        std::fs::write(&p, bytes).map_err(|e| e.to_string())?;
        let mut r = Run::new(cfg, dir.clone());
        r.args(["--no-cache", "--timeout", "20s"]).arg(&p);
        let o = r.run()?;
        let shape = one_line(&o, "");
        if let Err(e) = shape.and_then(|_| {
            check(
                &o,
                &Expect {
                    max_wall: secs(30.0),
                    ..Expect::default()
                },
            )
        }) {
            failures.push(format!("{what}: {}", e.message().unwrap_or("")));
        }
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("\n").into())
    }
}

type CaseFn = fn(&Cfg) -> Result<(), Failed>;

/// Which configurations run a case.
#[derive(Clone, Copy, PartialEq)]
enum Scope {
    /// Those that run every case: the outcome is the host's.
    Host,
    /// Every configuration: the outcome depends on the code the engine generated.
    Code,
    /// Every configuration with a disk cache.
    Cache,
}

fn cases() -> Vec<(&'static str, CaseFn, Scope)> {
    use Scope::*;
    vec![
        ("recursion", recursion, Code),
        ("hoard_strings", |c| js_heap(c, "hoard_strings", 256), Host),
        // Objects are small: a lower cap reaches the same outcome in a quarter of the time.
        ("hoard_objects", |c| js_heap(c, "hoard_objects", 64), Host),
        ("js_cycles", |c| js_heap(c, "js_cycles", 256), Host),
        ("hoard_memory", |c| hoard_memory(c, false), Code),
        ("hoard_memory_ulimit", |c| hoard_memory(c, true), Code),
        ("stdin_pipe_timeout", stdin_pipe_timeout, Host),
        ("fifo_read_timeout", |c| fifo_timeout(c, false), Host),
        ("fifo_write_timeout", |c| fifo_timeout(c, true), Host),
        ("host_calls_timeout", host_calls_timeout, Code),
        ("huge_timeout", huge_timeout, Host),
        ("start_function", start_function, Code),
        ("deep_values", deep_values, Host),
        ("stat_spin", stat_spin, Host),
        ("epipe", epipe, Host),
        ("sigterm_mount", sigterm_mount, Host),
        ("cache_tamper", cache_tamper, Cache),
        ("cache_mount", |c| cache_mount(c, false), Host),
        ("cache_mount_no_cache", |c| cache_mount(c, true), Host),
        ("non_go_module", non_go_module, Host),
        ("malformed", malformed, Host),
    ]
}

fn main() {
    let mut args = Arguments::from_args();
    // Most trials wait (for a timeout, a pipe, a signal) more than they compute.
    if args.test_threads.is_none() {
        args.test_threads = Some(3);
    }
    let mut trials = Vec::new();
    for cfg in CONFIGS {
        for (name, f, scope) in cases() {
            let runs = match scope {
                Scope::Host => cfg.every_case,
                Scope::Code => true,
                Scope::Cache => cfg.caches,
            };
            if runs {
                let trial = format!("{}::{name}", cfg.name);
                let label = trial.clone();
                trials.push(Trial::test(trial, move || {
                    let start = Instant::now();
                    let r = f(&cfg);
                    if verbose() {
                        eprintln!("{label}: {:.1?}", start.elapsed());
                    }
                    // libtest prints causes only in its summary, after every trial: say
                    // it now, so a log cut short (or a cascade of failures) keeps the first.
                    if let Err(e) = &r {
                        let why = e.message().unwrap_or("(no message)");
                        let first: Vec<&str> = why.lines().take(3).collect();
                        eprintln!("[failed] {label}: {}", first.join(" | "));
                    }
                    r
                }));
            }
        }
    }
    libtest_mimic::run(&args, trials).exit();
}
