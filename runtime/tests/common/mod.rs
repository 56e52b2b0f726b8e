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

/// A writer into a buffer the test keeps a clone of (a guest's stdout or stderr).
#[derive(Clone, Default)]
#[allow(dead_code)] // not every test binary that includes this module uses it
pub struct SharedBuf(pub std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for SharedBuf {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
