//! A short deterministic run of every fuzz target, so `cargo test` covers them: the checked-in
//! corpus replayed, then a few seconds of generated inputs from a fixed seed, in this process
//! (a panic is caught and fails the test; an abort fails it too).

use wasmexec_fuzz::driver::{run, Options};
use wasmexec_fuzz::Target;

fn short(target: &Target, iterations: u64) {
    let mut o = Options::new(target);
    o.iterations = iterations;
    o.seed = 20251126;
    o.fork = false;
    let report = run(target, &o);
    assert!(
        report.crashes.is_empty(),
        "{}: inputs that failed: {:?}",
        target.name,
        report.crashes
    );
    assert_eq!(report.iterations, iterations);
    eprintln!(
        "{}: {} corpus inputs, {} generated, {:.1?}",
        target.name, report.replayed, report.iterations, report.elapsed
    );
}

#[test]
fn gojs_imports() {
    short(&wasmexec_fuzz::targets::gojs_imports::TARGET, 600);
}

#[test]
fn module_loading() {
    short(&wasmexec_fuzz::targets::module_loading::TARGET, 120);
}

#[test]
fn cache_entries() {
    short(&wasmexec_fuzz::targets::cache_entries::TARGET, 1500);
}

/// Writes the seed inputs of the checked-in corpus (`fuzz/corpus/<target>/seed-*`); run with
/// `cargo test -p wasmexec-fuzz --test short -- --ignored write_seeds`. Reproducers of bugs
/// found (`panic-*`, `abort-*`) are added to the corpus beside them by hand.
#[test]
#[ignore]
fn write_seeds() {
    use wasmexec_fuzz::rng::Rng;
    use wasmexec_fuzz::wasm::go_shaped;
    let corpus = wasmexec_fuzz::repo_root().join("fuzz").join("corpus");
    let write = |target: &str, name: &str, bytes: &[u8]| {
        let dir = corpus.join(target);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(format!("seed-{name}")), bytes).unwrap();
    };
    // Modules (raw mode): Go-shaped ones whose run calls imports with frames in their data.
    let mut rng = Rng::new(11);
    let frames = rng.bytes(512);
    let all: Vec<&str> = wasmexec::fuzzing::GOJS_IMPORTS.to_vec();
    // Every import once, runtime.wasmExit (the first) last.
    let mut calls: Vec<(u32, u32)> = (1..all.len() as u32).map(|i| (i, 64 + 8 * i)).collect();
    calls.push((0, 64));
    for (name, module) in [
        ("every-import", go_shaped(&all, &calls, &frames)),
        ("no-imports", go_shaped(&[], &[], b"")),
        ("debug-only", go_shaped(&["debug"], &[(0, 0)], b"\x01\x02")),
    ] {
        let mut input = vec![0u8];
        input.extend(&module);
        write("module_loading", name, &input);
    }
    // Descriptions of small modules and of mutations of the Go program.
    for i in 0..3u8 {
        let mut input = vec![2 + i];
        input.extend(rng.bytes(256));
        write("module_loading", &format!("small-{i}"), &input);
        let mut input = vec![6 + i % 2];
        input.extend(rng.bytes(64));
        write("module_loading", &format!("go-{i}"), &input);
    }
    // Structured inputs of the other targets are bytes for `Unstructured`: random ones of a
    // few lengths.
    for (target, lens) in [
        ("gojs_imports", [256usize, 1024, 4096]),
        ("cache_entries", [16, 128, 1024]),
    ] {
        for len in lens {
            write(target, &format!("random-{len}"), &rng.bytes(len));
        }
    }
}
