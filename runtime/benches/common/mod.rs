//! What the benchmarks share: the bench guest, built once into `target/bench/`.

use std::path::PathBuf;
use std::process::Command;

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
