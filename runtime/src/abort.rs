//! [`Abort`]: why a running guest stopped. Host functions return it to unwind the guest's wasm
//! stack; each engine backend carries it through its own trap type, and the JS layer carries
//! it through JS calls, so every layer sees one type.

use std::fmt;

/// Why a guest stopped before its export returned normally.
///
/// Host functions return it to unwind the guest's wasm stack; each engine backend carries it
/// through its own trap type and recovers it on the way out, so the core sees one type.
#[derive(Debug, Clone, PartialEq)]
pub enum Abort {
    /// The guest called `runtime.wasmExit` with this status.
    Exit(i32),
    /// The guest trapped (unreachable, out of bounds, stack exhausted, ...).
    Trap(String),
    /// The guest handed the host something it cannot honour: a wild pointer, an unknown
    /// reference id, a malformed argument.
    Fault(String),
    /// The embedder stopped the guest (deadline reached).
    Interrupted,
}

impl fmt::Display for Abort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Abort::Exit(code) => write!(f, "guest exited with status {code}"),
            Abort::Trap(msg) => write!(f, "guest trapped: {msg}"),
            Abort::Fault(msg) => write!(f, "guest fault: {msg}"),
            Abort::Interrupted => write!(f, "guest interrupted: deadline reached"),
        }
    }
}

impl std::error::Error for Abort {}

/// The trap that stands for a host panic caught `place` (a panic payload is a `&str` or a
/// `String` in practice).
pub fn panic_trap(place: &str, payload: Box<dyn std::any::Any + Send>) -> Abort {
    let msg = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into());
    Abort::Trap(format!("host panic {place}: {msg}"))
}
