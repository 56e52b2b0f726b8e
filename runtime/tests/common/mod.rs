//! What the integration tests share: building a guest of `go-guests/` with
//! `GOOS=js GOARCH=wasm`.

use std::path::PathBuf;
use std::process::Command;

/// The wasm of the package `go-guests/<package>`, built for this test process.
pub fn go_guest(package: &str) -> Vec<u8> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let out = std::env::temp_dir().join(format!(
        "wasmexec-test-{package}-{}.wasm",
        std::process::id()
    ));
    let status = Command::new("go")
        .args(["build", "-trimpath", "-buildvcs=false", "-o"])
        .arg(&out)
        .arg(format!("./{package}"))
        .current_dir(root.join("go-guests"))
        .env("GOOS", "js")
        .env("GOARCH", "wasm")
        .status()
        .expect("go on PATH");
    assert!(status.success(), "go build of {package} failed");
    let wasm = std::fs::read(&out).unwrap();
    let _ = std::fs::remove_file(out);
    wasm
}
