//! A one-line note on stderr while a module compiles for more than a second, on a terminal
//! only (never when stderr is redirected, so transcripts stay byte-identical).

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Runs `compile`, showing a note if it takes more than a second.
pub fn while_compiling<T>(wasm: &Path, size: usize, compile: impl FnOnce() -> T) -> T {
    if !std::io::stderr().is_terminal() {
        return compile();
    }
    let done = Arc::new(AtomicBool::new(false));
    let shown = Arc::new(AtomicBool::new(false));
    let (d, s) = (done.clone(), shown.clone());
    let name = wasm
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let note = format!(
        "wasmexec: compiling {name} ({:.1} MB), cached for the next run ...",
        size as f64 / 1e6
    );
    let width = note.len();
    let watcher = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_secs(1));
        if !d.load(Ordering::SeqCst) {
            s.store(true, Ordering::SeqCst);
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "{note}");
            let _ = err.flush();
        }
    });
    let out = compile();
    done.store(true, Ordering::SeqCst);
    if shown.load(Ordering::SeqCst) {
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r{:width$}\r", "");
        let _ = err.flush();
    }
    drop(watcher);
    out
}
