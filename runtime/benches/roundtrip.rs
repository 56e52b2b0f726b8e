//! Benchmarks, side by side with Node in one run (not timed tests). Run with
//! `cargo bench -p wasmexec --features wasmtime,wasmer,wasmi` (needs Go; Node for the
//! comparison column). Measures, on the guest go-guests/bench:
//!
//! - `get_ns`, `set_ns`, `call_ns`, `copy_ns`: one `syscall/js` crossing (`Value.Get`,
//!   `Value.Set`, `Value.Call`, a 1 KiB `CopyBytesToJS`/`CopyBytesToGo`), timed by Go;
//! - `cpu_ms`: a CPU-bound guest (SHA-256 over 64 MiB), timed by Go;
//! - `start_ms`: instantiate and run a guest that exits at once, module already compiled;
//! - `call_us`: one host -> `js.FuncOf` call round trip;
//! - `invoke_us`: one waPC invoke round trip.
//!
//! Each engine compiles the guest once; then `WASMEXEC_BENCH_ROUNDS` rounds (default 5) each
//! run Node and every engine in turn, and every figure is the median of its rounds (the
//! machine's other work moves single runs by up to ±30%). Ratios are our median divided by
//! Node's: below 1 means wasmexec is faster; the spread of the ratio taken in each round is
//! printed next to it. With `WASMEXEC_BENCH_TSV=FILE`, the medians are also written to FILE
//! as `metric<TAB>runner<TAB>value` lines (`scripts/bench` makes the README's table from them).

mod common;

use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

use wasmexec::{Config, EngineKind, JsValue, Runtime, Settings, Status, Tier};

const ITERATIONS: usize = 20_000;

/// What every round measures, in the table's order (Node's side has the same names).
const METRICS: [&str; 8] = [
    "get_ns",
    "set_ns",
    "call_ns",
    "copy_ns",
    "cpu_ms",
    "start_ms",
    "call_us",
    "invoke_us",
];

fn capture() -> (Config, common::SharedBuf) {
    let buf = common::SharedBuf::default();
    (Config::new().stdout(buf.clone()), buf)
}

fn field(text: &str, name: &str) -> f64 {
    text.lines()
        .find_map(|l| {
            l.strip_prefix(name)
                .map(|v| v.trim().parse().unwrap_or(f64::NAN))
        })
        .unwrap_or(f64::NAN)
}

fn run_mode(runtime: &Runtime, module: &wasmexec::Module, args: &[&str]) -> String {
    let (config, out) = capture();
    let mut g = runtime
        .instantiate(
            module,
            config.args(std::iter::once("bench").chain(args.iter().copied())),
        )
        .unwrap();
    assert!(matches!(g.run_to_exit(), Ok(0)));
    let text = String::from_utf8_lossy(&out.0.lock().unwrap()).into_owned();
    text
}

/// An engine with the bench guest compiled once, for every round.
struct Subject {
    name: &'static str,
    runtime: Runtime,
    module: wasmexec::Module,
}

impl Subject {
    fn new(kind: EngineKind, wasm: &[u8]) -> Subject {
        let runtime = Runtime::with_settings(
            kind,
            // What later runs get: optimized code (a first run starts on baseline code).
            Settings {
                tier: Tier::Optimized,
                ..Settings::default()
            },
        )
        .unwrap();
        let module = runtime.compile(wasm).unwrap();
        Subject {
            name: kind.name(),
            runtime,
            module,
        }
    }
}

/// One round of every metric on one engine, in the order of [`METRICS`].
fn measure(subject: &Subject) -> [f64; METRICS.len()] {
    let (runtime, module) = (&subject.runtime, &subject.module);
    let js = run_mode(runtime, module, &["js", &(ITERATIONS * 5).to_string()]);
    let cpu = run_mode(runtime, module, &["cpu"]);

    let starts = 20;
    let t = Instant::now();
    for _ in 0..starts {
        run_mode(runtime, module, &["exit"]);
    }
    let start_ms = t.elapsed().as_secs_f64() * 1000.0 / starts as f64;

    let (config, _) = capture();
    let mut g = runtime
        .instantiate(module, config.args(["bench", "serve"]))
        .unwrap();
    assert_eq!(g.run().unwrap(), Status::Idle);
    let payload = JsValue::Bytes(vec![1, 2, 3, 4]);
    let t = Instant::now();
    for _ in 0..ITERATIONS {
        g.call("echo", std::slice::from_ref(&payload)).unwrap();
    }
    let call_us = t.elapsed().as_secs_f64() * 1e6 / ITERATIONS as f64;
    let t = Instant::now();
    for _ in 0..ITERATIONS {
        g.invoke("echo", &[1, 2, 3, 4]).unwrap();
    }
    let invoke_us = t.elapsed().as_secs_f64() * 1e6 / ITERATIONS as f64;
    [
        field(&js, "get_ns"),
        field(&js, "set_ns"),
        field(&js, "call_ns"),
        field(&js, "copy_ns"),
        field(&cpu, "cpu_ms"),
        start_ms,
        call_us,
        invoke_us,
    ]
}

/// The median of the figures, ignoring missing ones (NaN when there are none).
fn median(values: impl IntoIterator<Item = f64>) -> f64 {
    let mut v: Vec<f64> = values.into_iter().filter(|x| !x.is_nan()).collect();
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    let mid = v.len() / 2;
    if v.len() % 2 == 1 {
        v[mid]
    } else {
        (v[mid - 1] + v[mid]) / 2.0
    }
}

/// A runner's figures of every round: for each of [`METRICS`], one value per round.
#[derive(Default)]
struct Rounds([Vec<f64>; METRICS.len()]);

impl Rounds {
    fn push(&mut self, round: [f64; METRICS.len()]) {
        for (values, v) in self.0.iter_mut().zip(round) {
            values.push(v);
        }
    }

    fn values(&self, metric: usize) -> &[f64] {
        &self.0[metric]
    }

    fn median(&self, metric: usize) -> f64 {
        median(self.0[metric].iter().copied())
    }
}

fn node(wasm: &std::path::Path) -> Option<serde_json::Value> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let out = Command::new("node")
        .arg(root.join("scripts/bench.mjs"))
        .arg("--wasm")
        .arg(wasm)
        .args(["--iterations", &ITERATIONS.to_string()])
        .output()
        .ok()?;
    if !out.status.success() {
        eprintln!(
            "node benchmark failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        return None;
    }
    serde_json::from_slice(&out.stdout).ok()
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` would pass nothing useful: only run
    // when asked to benchmark.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let path = common::build_guest();
    let wasm = std::fs::read(&path).unwrap();
    let rounds: usize = std::env::var("WASMEXEC_BENCH_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .filter(|&r| r > 0)
        .unwrap_or(5);
    // Rounds alternate Node and the engines, so a slow spell of the machine falls on all of
    // them alike; each figure is the median of its rounds. wasmtime runs guests on the
    // calling thread's stack, which must be larger than `Settings::max_wasm_stack` (8 MiB).
    let (reference, rows) = std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(move || {
            let subjects: Vec<Subject> = EngineKind::available()
                .into_iter()
                .map(|kind| Subject::new(kind, &wasm))
                .collect();
            let mut reference = Rounds::default();
            let mut node_ran = false;
            let mut rows: Vec<Rounds> = subjects.iter().map(|_| Rounds::default()).collect();
            for round in 1..=rounds {
                eprintln!("round {round} of {rounds}");
                // A round Node failed still counts (as missing figures), so that round k of
                // Node stays next to round k of each engine.
                let n = node(&path);
                node_ran |= n.is_some();
                reference.push(
                    METRICS.map(|m| n.as_ref().and_then(|n| n[m].as_f64()).unwrap_or(f64::NAN)),
                );
                for (subject, row) in subjects.iter().zip(&mut rows) {
                    row.push(measure(subject));
                }
            }
            let names = subjects.iter().map(|s| s.name);
            let reference = node_ran.then_some(reference);
            (reference, names.zip(rows).collect::<Vec<_>>())
        })
        .unwrap()
        .join()
        .unwrap();
    print!("{:<10}", "metric");
    if reference.is_some() {
        print!("{:>12}", "node");
    }
    for (name, _) in &rows {
        print!("{:>12}{:>10}{:>15}", name, "it/node", "rounds");
    }
    println!();
    for (i, m) in METRICS.iter().enumerate() {
        print!("{m:<10}");
        let node_rounds = reference.as_ref().map(|r| r.values(i));
        let node_v = reference.as_ref().map(|r| r.median(i));
        if reference.is_some() {
            print!("{:>12.3}", node_v.unwrap_or(f64::NAN));
        }
        for (_, r) in &rows {
            let v = r.median(i);
            let ratio = node_v.map(|n| v / n).unwrap_or(f64::NAN);
            // The spread of the ratio taken round by round: how far to trust the median.
            let per_round: Vec<f64> = match node_rounds {
                Some(n) => r.values(i).iter().zip(n).map(|(v, n)| v / n).collect(),
                None => Vec::new(),
            };
            let lo = per_round.iter().copied().fold(f64::NAN, f64::min);
            let hi = per_round.iter().copied().fold(f64::NAN, f64::max);
            print!("{v:>12.3}{ratio:>9.2}x{:>15}", format!("{lo:.2}-{hi:.2}x"));
        }
        println!();
    }
    if let Some(path) = std::env::var_os("WASMEXEC_BENCH_TSV") {
        let mut tsv = String::new();
        for (i, m) in METRICS.iter().enumerate() {
            if let Some(r) = &reference {
                tsv.push_str(&format!("{m}\tnode\t{}\n", r.median(i)));
            }
            for (name, r) in &rows {
                tsv.push_str(&format!("{m}\t{name}\t{}\n", r.median(i)));
            }
        }
        std::fs::write(&path, tsv).expect("the TSV file is writable");
    }
}
