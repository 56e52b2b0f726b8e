//! The one interface between the engine-agnostic core and an engine backend.

use crate::error::Abort;
use crate::host::Host;
use crate::js::{Agent, JsResult, Obj, Throw, Value};

/// What [`Guest::with_memory`] runs: guest memory (as a byte slice) and the host state,
/// borrowed together.
pub type MemoryFn<'a> = dyn FnMut(&mut [u8], &mut Host) -> Result<(), Abort> + 'a;

/// A running guest, as the core needs it: the host state, its linear memory, and the exports
/// that re-enter it. Backends implement it both for their store (the top level) and for the
/// caller handle a host function receives (nested calls), so a host function can resume the
/// guest to any depth. Every guest is an [`Agent`] of its realm (see [`call_go`]).
pub trait Guest: Agent {
    /// The host state.
    fn host(&mut self) -> &mut Host;
    /// Runs `f` with linear memory and the host state borrowed together.
    fn with_memory(&mut self, f: &mut MemoryFn<'_>) -> Result<(), Abort>;
    /// Calls the guest's `resume` export (delivers `_pendingEvent`).
    fn resume(&mut self) -> Result<(), Abort>;
    /// Calls the guest's `getsp` export: Go's stack pointer now, which moves when a goroutine's
    /// stack grows during a nested call.
    fn getsp(&mut self) -> Result<u32, Abort>;
}

/// [`Guest::with_memory`] for closures that return a value.
pub fn with_memory<R>(
    g: &mut dyn Guest,
    f: impl FnOnce(&mut [u8], &mut Host) -> Result<R, Abort>,
) -> Result<R, Abort> {
    let mut f = Some(f);
    let mut out = None;
    g.with_memory(&mut |mem, host| {
        let f = f.take().expect("with_memory runs its closure once");
        out = Some(f(mem, host)?);
        Ok(())
    })?;
    Ok(out.expect("with_memory ran its closure"))
}

/// Calls the Go function `id` (a `js.FuncOf`), as wasm_exec.js's `_makeFuncWrapper` functions
/// do: set `_pendingEvent`, resume the guest, return what the Go handler stored in
/// `event.result`. This is every guest's [`Agent::call_foreign`].
pub fn call_go(g: &mut dyn Guest, id: u32, this: &Value, args: &[Value]) -> JsResult {
    let host = g.host();
    if host.exited.is_some() {
        return Err(Throw::Value(Value::Object(Obj::error(
            crate::js::ErrorType::Error,
            "Go program has already exited",
        ))));
    }
    if !host.enter_nested() {
        return Err(Throw::Value(Value::Object(Obj::error(
            crate::js::ErrorType::RangeError,
            "Maximum call stack size exceeded",
        ))));
    }
    let event = Obj::plain();
    event.set("id", Value::Number(id as f64));
    event.set("this", this.clone());
    event.set("args", Value::Object(Obj::array(args.to_vec())));
    host.go.set("_pendingEvent", Value::Object(event.clone()));
    host.reentries += 1;
    let resumed = g.resume();
    g.host().leave_nested();
    resumed?;
    Ok(event.own("result"))
}
