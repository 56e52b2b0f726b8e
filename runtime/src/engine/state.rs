//! A guest's state between two events, as engines copy it when the guest moves from one to
//! another (see [`crate::tier_up`]), and the names under which a prepared module exports
//! what the host needs for that.

/// The export name given to global `index`.
pub fn global_export(index: u32) -> String {
    format!("wasmexec.global.{index}")
}

/// A global's value, whatever the engine (floats as their bits).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GlobalValue {
    I32(i32),
    I64(i64),
    F32(u32),
    F64(u64),
}

/// A guest between two events, as an engine holds it: its linear memory and its globals.
pub struct Snapshot {
    pub memory: Vec<u8>,
    pub globals: Vec<GlobalValue>,
}

/// The export that continues a guest interrupted for its move: Go's dispatch loop
/// (`wasm_pc_f_loop`), which also returns why it stopped ([`LOOP_PAUSED`] or
/// [`LOOP_PREEMPTED`]).
pub const LOOP_EXPORT: &str = "wasmexec.loop";
/// `resume` ending in that loop (for calls at the top level, which may be interrupted).
pub const RESUME_EXPORT: &str = "wasmexec.resume";
/// `run` ending in that loop.
pub const RUN_EXPORT: &str = "wasmexec.run";
/// The global that asks the loop to stop at the next goroutine switch.
pub const PREEMPT_EXPORT: &str = "wasmexec.preempt";
/// The loop stopped because Go paused (it waits for an event, or exited).
pub const LOOP_PAUSED: i32 = 1;
/// The loop stopped because the host asked: a goroutine switch is pending.
pub const LOOP_PREEMPTED: i32 = 2;
/// The global holding Go's current goroutine (`g`), in the order Go's linker emits them
/// (SP, CTXT, g, RET0-3, PAUSE).
#[cfg(any(feature = "wasmtime", feature = "wasmi"))]
pub const G_GLOBAL: u32 = 2;
