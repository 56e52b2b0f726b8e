//! Module loading: arbitrary bytes, and structure-aware mutations of Go-shaped modules (small
//! ones built from the input, and a real Go program, `go-guests/hello`, built once per run
//! when Go is on PATH), through `Runtime::compile`, then `instantiate` and a short `run` (with
//! a timeout) of whatever compiles, on wasmi and wasmtime.
//!
//! Input: the first byte picks how the rest makes a module: `0`, `1` the rest is the module;
//! `2`..=`5` a small Go-shaped module described by the rest, mutated; `6`, `7` the Go program,
//! mutated as the rest says. A reproducer is always of the first kind.
//!
//! Every failure must be an error with a one-line message; a panic is a bug.

use std::cell::RefCell;
use std::sync::OnceLock;
use std::time::Duration;

use arbitrary::Unstructured;
use wasmexec::fuzzing::GOJS_IMPORTS;
use wasmexec::{Config, EngineKind, Runtime, Settings, Tier};

use crate::wasm::{go_shaped, mutate_module};
use crate::Target;

/// The target.
pub const TARGET: Target = Target {
    name: "module_loading",
    run,
    max_len: 8192,
    reproducer,
};

/// The real Go program used as a seed, if Go could build it.
pub fn go_seed() -> Option<&'static [u8]> {
    static SEED: OnceLock<Option<Vec<u8>>> = OnceLock::new();
    SEED.get_or_init(|| {
        if std::env::var_os("WASMEXEC_FUZZ_NO_GO").is_some() {
            return None;
        }
        let root = crate::repo_root();
        let out = root
            .join("target")
            .join("tmp")
            .join("fuzz-seeds")
            .join("hello.wasm");
        if !out.exists() {
            let built = std::process::Command::new("go")
                .args(["build", "-trimpath", "-buildvcs=false", "-o"])
                .arg(&out)
                .arg("./hello")
                .current_dir(root.join("go-guests"))
                .env("GOOS", "js")
                .env("GOARCH", "wasm")
                .status();
            if !built.is_ok_and(|s| s.success()) {
                return None;
            }
        }
        std::fs::read(out).ok()
    })
    .as_deref()
}

/// The module an input stands for.
pub fn module(input: &[u8]) -> Vec<u8> {
    let Some((&mode, rest)) = input.split_first() else {
        return Vec::new();
    };
    let mut u = Unstructured::new(rest);
    match mode % 8 {
        0 | 1 => rest.to_vec(),
        6 | 7 if go_seed().is_some() => {
            let seed = go_seed().unwrap_or_default();
            mutate_module(&mut u, seed).unwrap_or_else(|_| seed.to_vec())
        }
        _ => small(&mut u).unwrap_or_default(),
    }
}

/// A small Go-shaped module described by `u`, mutated.
fn small(u: &mut Unstructured<'_>) -> arbitrary::Result<Vec<u8>> {
    let mut imports = Vec::new();
    for _ in 0..u.int_in_range(0..=6)? {
        imports.push(*u.choose(GOJS_IMPORTS)?);
    }
    let mut calls = Vec::new();
    if !imports.is_empty() {
        for _ in 0..u.int_in_range(0..=8)? {
            let sp = if u.ratio(3, 4)? {
                u.int_in_range(0..=64u32)? * 8
            } else {
                u.arbitrary()?
            };
            calls.push((u.arbitrary()?, sp));
        }
    }
    let n = u.int_in_range(0..=512)?;
    let data: &[u8] = u.bytes(n)?;
    let m = go_shaped(&imports, &calls, data);
    if u.ratio(1, 3)? {
        return Ok(m);
    }
    mutate_module(u, &m)
}

fn reproducer(input: &[u8]) -> Option<Vec<u8>> {
    match input.first() {
        Some(m) if m % 8 >= 2 => {
            let mut out = vec![0];
            out.extend(module(input));
            Some(out)
        }
        _ => None,
    }
}

/// Runtimes kept across inputs (made afresh now and then: they remember every module).
struct Runtimes {
    uses: u32,
    list: Vec<Runtime>,
}

thread_local! {
    static RUNTIMES: RefCell<Runtimes> = const { RefCell::new(Runtimes { uses: 0, list: Vec::new() }) };
}

fn runtimes() -> Vec<Runtime> {
    let mut list = Vec::new();
    for (kind, tier) in [
        (EngineKind::Wasmi, Tier::Optimized),
        (EngineKind::Wasmtime, Tier::Baseline),
    ] {
        let settings = Settings {
            tier,
            memory_reservation: Some(64 << 20),
            ..Settings::default()
        };
        list.push(Runtime::with_settings(kind, settings).expect("the engine is compiled in"));
    }
    list
}

fn one_line(what: &str, e: &wasmexec::Error) {
    let text = e.to_string();
    assert!(
        !text.trim_end().contains('\n'),
        "{what} error spans lines: {text:?}"
    );
}

fn run(input: &[u8]) {
    let wasm = module(input);
    RUNTIMES.with(|r| {
        let mut r = r.borrow_mut();
        if r.uses % 64 == 0 {
            r.list = runtimes();
        }
        r.uses = r.uses.wrapping_add(1);
        for runtime in &r.list {
            let module = match runtime.compile(&wasm) {
                Ok(m) => m,
                Err(e) => {
                    one_line("compile", &e);
                    continue;
                }
            };
            let config = Config::new()
                .stdout(std::io::sink())
                .stderr(std::io::sink())
                .max_memory(64 << 20)
                .max_js_heap(64 << 20)
                .timeout(Duration::from_millis(200));
            match runtime.instantiate(&module, config) {
                Ok(mut instance) => {
                    if let Err(e) = instance.run() {
                        one_line("run", &e);
                    }
                }
                Err(e) => one_line("instantiate", &e),
            }
        }
    });
}
