//! A pool of Go plugin instances serving calls from several threads: one `Runtime` and one
//! compiled `Module` shared by all, one `Instance` per slot, each used by one thread at a
//! time. Run with `cargo run -p wasmexec --example pool` (needs Go on PATH).
//!
//! Under tokio the same pattern is `tokio::task::spawn_blocking(move || pool.with(|g| ...))`:
//! calls into a guest are synchronous and may block, so they belong on blocking threads.

use std::path::Path;
use std::process::Command;
use std::sync::{Condvar, Mutex};

use wasmexec::{Config, EngineKind, Instance, JsValue, Runtime};

/// Instances waiting to be used.
struct Pool {
    idle: Mutex<Vec<Instance>>,
    returned: Condvar,
}

impl Pool {
    /// Runs `f` with an idle instance, waiting for one if all are busy.
    fn with<R>(&self, f: impl FnOnce(&mut Instance) -> R) -> R {
        let mut idle = self.idle.lock().unwrap();
        let mut guest = loop {
            match idle.pop() {
                Some(g) => break g,
                None => idle = self.returned.wait(idle).unwrap(),
            }
        };
        drop(idle);
        let result = f(&mut guest);
        self.idle.lock().unwrap().push(guest);
        self.returned.notify_one();
        result
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let wasm_path = std::env::temp_dir().join("wasmexec-example-pool.wasm");
    let status = Command::new("go")
        .args(["build", "-trimpath", "-buildvcs=false", "-o"])
        .arg(&wasm_path)
        .arg("./plugin")
        .current_dir(root.join("go-guests"))
        .env("GOOS", "js")
        .env("GOARCH", "wasm")
        .status()?;
    if !status.success() {
        return Err("go build failed".into());
    }
    let runtime = Runtime::new(EngineKind::Wasmtime)?;
    let module = runtime.compile(&std::fs::read(&wasm_path)?)?;
    let mut idle = Vec::new();
    for _ in 0..2 {
        let config = Config::new().stdout(std::io::sink()).global(
            "myHost",
            JsValue::object([("log", JsValue::function(|_, _| Ok(JsValue::Undefined)))]),
        );
        let mut guest = runtime.instantiate(&module, config)?;
        guest.run()?;
        idle.push(guest);
    }
    let pool = Pool {
        idle: Mutex::new(idle),
        returned: Condvar::new(),
    };
    let total: f64 = std::thread::scope(|s| {
        let workers: Vec<_> = (0..4)
            .map(|t| {
                let pool = &pool;
                s.spawn(move || {
                    (0..100)
                        .map(|i| {
                            let args = [JsValue::from(t), JsValue::from(i)];
                            pool.with(|g| g.call("add", &args).unwrap().as_f64().unwrap())
                        })
                        .sum::<f64>()
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).sum()
    });
    println!("4 threads, 2 instances, 400 calls: sum {total}");
    Ok(())
}
