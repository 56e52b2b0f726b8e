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
//! Ratios are our time divided by Node's: below 1 means wasmexec is faster. With
//! `WASMEXEC_BENCH_TSV=FILE`, the figures are also written to FILE as `metric<TAB>runner<TAB>
//! value` lines (`scripts/bench` makes the README's table from them).

mod common;

use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

use wasmexec::{Config, EngineKind, JsValue, Runtime, Settings, Status, Tier};

const ITERATIONS: usize = 20_000;

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

fn measure(kind: EngineKind, wasm: &[u8]) -> Vec<(&'static str, f64)> {
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
    let js = run_mode(&runtime, &module, &["js", &(ITERATIONS * 5).to_string()]);
    let cpu = run_mode(&runtime, &module, &["cpu"]);

    let starts = 20;
    let t = Instant::now();
    for _ in 0..starts {
        run_mode(&runtime, &module, &["exit"]);
    }
    let start_ms = t.elapsed().as_secs_f64() * 1000.0 / starts as f64;

    let (config, _) = capture();
    let mut g = runtime
        .instantiate(&module, config.args(["bench", "serve"]))
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
    vec![
        ("get_ns", field(&js, "get_ns")),
        ("set_ns", field(&js, "set_ns")),
        ("call_ns", field(&js, "call_ns")),
        ("copy_ns", field(&js, "copy_ns")),
        ("cpu_ms", field(&cpu, "cpu_ms")),
        ("start_ms", start_ms),
        ("call_us", call_us),
        ("invoke_us", invoke_us),
    ]
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
    let reference = node(&path);
    let mut rows: Vec<(String, Vec<(&str, f64)>)> = Vec::new();
    for kind in EngineKind::available() {
        let w = wasm.clone();
        let r = std::thread::Builder::new()
            .stack_size(256 << 20)
            .spawn(move || measure(kind, &w))
            .unwrap()
            .join()
            .unwrap();
        rows.push((kind.name().to_string(), r));
    }
    // The metrics, in the order `measure` gives them (Node's side has the same names).
    let metrics: Vec<&str> = rows
        .first()
        .map(|(_, r)| r.iter().map(|(k, _)| *k).collect())
        .unwrap_or_default();
    print!("{:<10}", "metric");
    if reference.is_some() {
        print!("{:>12}", "node");
    }
    for (name, _) in &rows {
        print!("{:>12}{:>10}", name, "it/node");
    }
    println!();
    for &m in &metrics {
        print!("{m:<10}");
        let node_v = reference.as_ref().and_then(|r| r[m].as_f64());
        if reference.is_some() {
            print!("{:>12.3}", node_v.unwrap_or(f64::NAN));
        }
        for (_, r) in &rows {
            let v = r
                .iter()
                .find(|(k, _)| *k == m)
                .map(|(_, v)| *v)
                .unwrap_or(f64::NAN);
            let ratio = node_v.map(|n| v / n).unwrap_or(f64::NAN);
            print!("{v:>12.3}{ratio:>9.2}x");
        }
        println!();
    }
    if let Some(path) = std::env::var_os("WASMEXEC_BENCH_TSV") {
        let mut tsv = String::new();
        for &m in &metrics {
            if let Some(v) = reference.as_ref().and_then(|r| r[m].as_f64()) {
                tsv.push_str(&format!("{m}\tnode\t{v}\n"));
            }
            for (name, r) in &rows {
                if let Some((_, v)) = r.iter().find(|(k, _)| *k == m) {
                    tsv.push_str(&format!("{m}\t{name}\t{v}\n"));
                }
            }
        }
        std::fs::write(&path, tsv).expect("the TSV file is writable");
    }
}
