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
    /// The guest reached one of its resource limits.
    Limit(Limit),
}

/// A resource limit of one instance (see [`crate::Config`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// Wasm linear memory, in bytes ([`crate::Config::max_memory`]).
    Memory(u64),
    /// Host memory held by the guest's JS values, in bytes ([`crate::Config::max_js_heap`]).
    JsHeap(u64),
    /// Calls between host and guest in progress at once ([`crate::Config::max_nesting`]).
    Nesting(u32),
}

impl fmt::Display for Limit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Limit::Memory(n) => write!(f, "its wasm memory limit of {} (max-memory)", size(*n)),
            Limit::JsHeap(n) => write!(f, "its JS heap limit of {} (max-js-heap)", size(*n)),
            Limit::Nesting(n) => write!(
                f,
                "its limit on calls nested between host and guest (max-nesting {n}, within \
                 the wasm stack)"
            ),
        }
    }
}

/// `n` bytes the way a person would write them (`64 MiB`, `1.5 GiB`, `1000 bytes`).
pub fn size(n: u64) -> String {
    const UNITS: [(u64, &str); 3] = [(1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")];
    for (unit, name) in UNITS {
        if n >= unit {
            return match n % unit {
                0 => format!("{} {name}", n / unit),
                _ => format!("{:.1} {name}", n as f64 / unit as f64),
            };
        }
    }
    format!("{n} bytes")
}

impl fmt::Display for Abort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Abort::Exit(code) => write!(f, "guest exited with status {code}"),
            Abort::Trap(msg) => write!(f, "guest trapped: {msg}"),
            Abort::Fault(msg) => write!(f, "guest fault: {msg}"),
            Abort::Interrupted => write!(f, "guest interrupted: deadline reached"),
            Abort::Limit(limit) => write!(f, "the guest reached {limit}"),
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
