//! Host panics never reach the terminal as Rust's panic report: the runtime turns a panic in
//! host code into an error of the guest that caused it, which `main` prints as one
//! `wasmexec: ...` line. This hook keeps the report for the rare panic nothing catches.

use std::sync::Mutex;

static LAST: Mutex<Option<String>> = Mutex::new(None);

/// Replaces the default hook (which prints a report and a backtrace note) with one that only
/// remembers the panic.
pub fn install() {
    std::panic::set_hook(Box::new(|info| {
        let payload = info.payload();
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".into());
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        *LAST.lock().unwrap_or_else(|e| e.into_inner()) = Some(format!("{message}{place}"));
    }));
}

/// The last panic's message and place.
pub fn last() -> Option<String> {
    LAST.lock().unwrap_or_else(|e| e.into_inner()).clone()
}
