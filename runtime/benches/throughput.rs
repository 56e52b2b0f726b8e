//! Embedding throughput, side by side with Node in one run (not a timed test). Run with
//! `cargo bench -p wasmexec --features wasmtime,wasmer,wasmi --bench throughput` (needs Go;
//! Node for the comparison column). On the guest go-guests/bench in `serve` mode (it publishes
//! `echo` and waits):
//!
//! - `inst/s`: instances made and run until they wait for calls, per second, with one thread
//!   and with two threads sharing one `Runtime` and `Module`;
//! - `calls/s`: host -> `js.FuncOf` calls (`echo` of 4 bytes) per second, one instance per
//!   thread, with one and with two threads.
//!
//! Node's column: `new Go()` + instantiate + run per instance, and `echo` calls, on its one
//! thread (scripts/bench.mjs). Ratios are ours divided by Node's: above 1 means wasmexec is
//! faster.

mod common;

use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use wasmexec::{Config, EngineKind, JsValue, Module, Runtime, Settings, Status, Tier};

/// How long each measurement runs.
const WINDOW: Duration = Duration::from_millis(1500);

fn serving(runtime: &Runtime, module: &Module) -> wasmexec::Instance {
    let config = Config::new()
        .args(["bench", "serve"])
        .stdout(std::io::sink());
    let mut g = runtime.instantiate(module, config).unwrap();
    assert_eq!(g.run().unwrap(), Status::Idle);
    g
}

/// Runs `work` on `threads` threads for [`WINDOW`]; operations per second in total.
fn per_second(threads: usize, work: impl Fn() -> Box<dyn FnMut() + Send> + Sync) -> f64 {
    let total: u64 = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                let mut step = work();
                s.spawn(move || {
                    let start = Instant::now();
                    let mut n = 0u64;
                    while start.elapsed() < WINDOW {
                        step();
                        n += 1;
                    }
                    n
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    });
    total as f64 / WINDOW.as_secs_f64()
}

fn measure(kind: EngineKind, wasm: &[u8]) -> Vec<(&'static str, f64)> {
    let runtime = Arc::new(
        Runtime::with_settings(
            kind,
            // What later runs get: optimized code (a first run starts on baseline code).
            Settings {
                tier: Tier::Optimized,
                ..Settings::default()
            },
        )
        .unwrap(),
    );
    let module = Arc::new(runtime.compile(wasm).unwrap());
    let instantiations = |threads| {
        per_second(threads, || {
            let (r, m) = (runtime.clone(), module.clone());
            Box::new(move || drop(serving(&r, &m)))
        })
    };
    let calls = |threads| {
        per_second(threads, || {
            let mut g = serving(&runtime, &module);
            let payload = [JsValue::Bytes(vec![1, 2, 3, 4])];
            Box::new(move || {
                g.call("echo", &payload).unwrap();
            })
        })
    };
    vec![
        ("inst/s 1t", instantiations(1)),
        ("inst/s 2t", instantiations(2)),
        ("calls/s 1t", calls(1)),
        ("calls/s 2t", calls(2)),
    ]
}

/// Node's figures: instances per second and calls per second, on one thread.
fn node(wasm: &std::path::Path) -> Option<(f64, f64)> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let out = Command::new("node")
        .arg(root.join("scripts/bench.mjs"))
        .arg("--wasm")
        .arg(wasm)
        .args(["--iterations", "20000"])
        .output()
        .ok()?;
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).ok()?;
    Some((
        1000.0 / v["serve_start_ms"].as_f64()?,
        1e6 / v["call_us"].as_f64()?,
    ))
}

fn main() {
    // Only when asked to benchmark (`cargo test --benches` passes no --bench).
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let path = common::build_guest();
    let wasm = std::fs::read(&path).unwrap();
    let reference = node(&path);
    let rows: Vec<(String, Vec<(&str, f64)>)> = EngineKind::available()
        .into_iter()
        .map(|kind| (kind.name().to_string(), measure(kind, &wasm)))
        .collect();
    print!("{:<12}", "metric");
    if reference.is_some() {
        print!("{:>12}", "node (1t)");
    }
    for (name, _) in &rows {
        print!("{:>12}{:>10}", name, "it/node");
    }
    println!();
    for (i, metric) in ["inst/s 1t", "inst/s 2t", "calls/s 1t", "calls/s 2t"]
        .iter()
        .enumerate()
    {
        print!("{metric:<12}");
        let node_v = reference.map(|(inst, calls)| if i < 2 { inst } else { calls });
        if let Some(n) = node_v {
            print!("{n:>12.0}");
        }
        for (_, r) in &rows {
            let v = r[i].1;
            let ratio = node_v.map_or(f64::NAN, |n| v / n);
            print!("{v:>12.0}{ratio:>9.2}x");
        }
        println!();
    }
}
