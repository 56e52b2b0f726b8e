//! What the benchmarks share: the bench guest, built once into `target/bench/`.

use std::path::PathBuf;
use std::process::Command;

// The tests' shared pieces (the output writer), not copied here; the benches build their
// guest once into target/ instead of with the tests' `go_guest`.
#[path = "../../tests/common/mod.rs"]
#[allow(dead_code)]
mod tests_common;
#[allow(unused_imports)] // the throughput bench captures nothing
pub use tests_common::SharedBuf;

/// Builds `go-guests/bench` with `GOOS=js GOARCH=wasm`; its path.
pub fn build_guest() -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let out = root.join("target/bench/bench.wasm");
    let status = Command::new("go")
        .args(["build", "-trimpath", "-buildvcs=false", "-o"])
        .arg(&out)
        .arg("./bench")
        .current_dir(root.join("go-guests"))
        .env("GOOS", "js")
        .env("GOARCH", "wasm")
        .status()
        .expect("go on PATH");
    assert!(status.success(), "go build of the bench guest failed");
    out
}
