//! wasmexec next to Node, in one run, as whole processes: the `wasmexec` CLI (release build)
//! against `node wasm_exec_node.js` (the Go toolchain's own runner). Not a timed test: it
//! prints figures and ratios (our time / Node's time: below 1 is faster than Node).
//!
//!     cargo bench -p wasmexec-cli --bench compare            # every engine compiled in
//!     WASMEXEC_BENCH_RUNS=5 cargo bench -p wasmexec-cli --bench compare
//!
//! Measured, for each engine with its default tier (`auto`):
//! - `first run, hello`: `go-guests/hello` with an empty compiled-module cache;
//! - `first run, 15 MB`: the `encoding/json` test binary (`-test.run=^$`), empty cache;
//! - `first run, CPU`: the bench guest's SHA-256 of 64 MiB, empty cache (wall time);
//! - `warm start, hello`: hello again once the cache holds optimized code;
//! - `CPU, warm`: the SHA-256 as the guest times it, optimized code;
//! - `Get`, `Set`, `Call`, `Copy 1 KiB`: one `syscall/js` crossing, as the guest times it.
//!
//! Each figure is the median of `WASMEXEC_BENCH_RUNS` runs (default 3).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

struct Guests {
    hello: PathBuf,
    bench: PathBuf,
    big: PathBuf,
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("cli/ has a parent")
        .to_path_buf()
}

fn go(args: &[&str], dir: &Path) {
    let status = Command::new("go")
        .args(args)
        .current_dir(dir)
        .env("GOOS", "js")
        .env("GOARCH", "wasm")
        .status()
        .expect("go on PATH");
    assert!(status.success(), "go {args:?} failed");
}

fn build() -> Guests {
    let out = root().join("target/bench-guests");
    std::fs::create_dir_all(&out).expect("create target/bench-guests");
    let guests = root().join("go-guests");
    for name in ["hello", "bench"] {
        let o = out.join(format!("{name}.wasm"));
        let o = o.to_str().expect("UTF-8 path");
        go(
            &[
                "build",
                "-trimpath",
                "-buildvcs=false",
                "-o",
                o,
                &format!("./{name}"),
            ],
            &guests,
        );
    }
    let big = out.join("encoding_json.test");
    go(
        &[
            "test",
            "-c",
            "-o",
            big.to_str().expect("UTF-8 path"),
            "encoding/json",
        ],
        &guests,
    );
    Guests {
        hello: out.join("hello.wasm"),
        bench: out.join("bench.wasm"),
        big,
    }
}

fn node_runner() -> Option<PathBuf> {
    let out = Command::new("go").args(["env", "GOROOT"]).output().ok()?;
    let goroot = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    let node_ok = Command::new("node").arg("--version").output().is_ok();
    ["lib/wasm", "misc/wasm"]
        .iter()
        .map(|d| goroot.join(d).join("wasm_exec_node.js"))
        .find(|p| p.exists())
        .filter(|_| node_ok)
}

/// One way of running a guest: a command line before the wasm file.
#[derive(Clone)]
struct Runner {
    name: String,
    program: PathBuf,
    pre: Vec<String>,
}

impl Runner {
    /// Runs `wasm args` with `cache` as the cache home; returns wall milliseconds and stdout.
    fn run(&self, wasm: &Path, args: &[&str], cache: &Path) -> (f64, String) {
        let start = Instant::now();
        let out = Command::new(&self.program)
            .args(&self.pre)
            .arg(wasm)
            .args(args)
            .env("XDG_CACHE_HOME", cache)
            .output()
            .expect("run the guest");
        let ms = start.elapsed().as_secs_f64() * 1000.0;
        assert!(
            out.status.success(),
            "{} {} failed: {}",
            self.name,
            wasm.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        (ms, String::from_utf8_lossy(&out.stdout).into_owned())
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn field(text: &str, name: &str) -> f64 {
    text.lines()
        .find_map(|l| {
            l.strip_prefix(name)
                .map(|v| v.trim().parse().unwrap_or(f64::NAN))
        })
        .unwrap_or(f64::NAN)
}

const METRICS: [&str; 9] = [
    "first run, hello (ms)",
    "first run, 15 MB (ms)",
    "first run, CPU (ms)",
    "warm start, hello (ms)",
    "CPU, warm (ms)",
    "Get (ns)",
    "Set (ns)",
    "Call (ns)",
    "Copy 1 KiB (ns)",
];

fn measure(r: &Runner, g: &Guests, runs: usize, scratch: &Path) -> Vec<f64> {
    let fresh = |i: usize| {
        let d = scratch.join(format!("{}-{i}", r.name));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).expect("scratch dir");
        d
    };
    let cold = |wasm: &Path, args: &[&str]| {
        median((0..runs).map(|i| r.run(wasm, args, &fresh(i)).0).collect())
    };
    let first_hello = cold(&g.hello, &[]);
    let first_big = cold(&g.big, &["-test.run=^$"]);
    let first_cpu = cold(&g.bench, &["cpu"]);
    // A warm cache: optimized code for both guests.
    let warm = fresh(runs);
    if r.name != "node" {
        let mut opt = r.clone();
        opt.pre.extend(["--tier".into(), "optimized".into()]);
        opt.run(&g.hello, &[], &warm);
        opt.run(&g.bench, &["exit"], &warm);
    }
    let warm_hello = median((0..runs).map(|_| r.run(&g.hello, &[], &warm).0).collect());
    let cpu = median(
        (0..runs)
            .map(|_| field(&r.run(&g.bench, &["cpu"], &warm).1, "cpu_ms"))
            .collect(),
    );
    let js: Vec<String> = (0..runs)
        .map(|_| r.run(&g.bench, &["js", "200000"], &warm).1)
        .collect();
    let js_field = |name| median(js.iter().map(|t| field(t, name)).collect());
    vec![
        first_hello,
        first_big,
        first_cpu,
        warm_hello,
        cpu,
        js_field("get_ns"),
        js_field("set_ns"),
        js_field("call_ns"),
        js_field("copy_ns"),
    ]
}

fn main() {
    let runs: usize = std::env::var("WASMEXEC_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3)
        .max(1);
    let guests = build();
    let scratch = root().join("target/bench-scratch");
    let ours = PathBuf::from(env!("CARGO_BIN_EXE_wasmexec"));
    let mut runners: Vec<Runner> = Vec::new();
    let node = node_runner();
    if let Some(js) = &node {
        runners.push(Runner {
            name: "node".into(),
            program: "node".into(),
            pre: vec![
                "--stack-size=8192".into(),
                js.to_string_lossy().into_owned(),
            ],
        });
    }
    for engine in wasmexec::EngineKind::available() {
        runners.push(Runner {
            name: engine.name().into(),
            program: ours.clone(),
            pre: vec!["--engine".into(), engine.name().into()],
        });
    }
    let results: Vec<(String, Vec<f64>)> = runners
        .iter()
        .map(|r| {
            eprintln!("measuring {} ...", r.name);
            (r.name.clone(), measure(r, &guests, runs, &scratch))
        })
        .collect();
    print_table(&results, node.is_some(), runs);
}

fn print_table(results: &[(String, Vec<f64>)], with_node: bool, runs: usize) {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_default();
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let version = |cmd: &str, arg: &str| {
        Command::new(cmd)
            .arg(arg)
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .unwrap_or_default()
    };
    println!(
        "\n{cpu}, {cores} cores; {}; node {}; median of {runs} runs; ratio = ours / Node's time\n",
        version("go", "version"),
        version("node", "--version"),
    );
    print!("| metric |");
    for (name, _) in results {
        print!(" {name} |");
    }
    print!("\n|---|");
    for _ in results {
        print!("---|");
    }
    println!();
    for (i, metric) in METRICS.iter().enumerate() {
        print!("| {metric} |");
        let node = with_node.then(|| results[0].1[i]);
        for (name, values) in results {
            let v = values[i];
            match node {
                Some(n) if name != "node" => print!(" {} ({:.2}x) |", fmt(v), v / n),
                _ => print!(" {} |", fmt(v)),
            }
        }
        println!();
    }
}

fn fmt(v: f64) -> String {
    if v >= 100.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}
