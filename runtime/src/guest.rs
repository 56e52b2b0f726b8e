//! The one interface between the engine-agnostic core and an engine backend.

use crate::abi::Memory;
use crate::error::Abort;
use crate::host::Host;

/// A running guest, as the core needs it: the host state, its linear memory, and the exports
/// that re-enter it. Backends implement it both for their store (the top level) and for the
/// caller handle a host function receives (nested calls), so a host function can resume the
/// guest to any depth.
pub trait Guest {
    /// The host state.
    fn host(&mut self) -> &mut Host;
    /// Runs `f` with linear memory and the host state borrowed together.
    fn with_memory(
        &mut self,
        f: &mut dyn FnMut(&mut dyn Memory, &mut Host) -> Result<(), Abort>,
    ) -> Result<(), Abort>;
    /// Calls the guest's `resume` export (delivers `_pendingEvent`).
    fn resume(&mut self) -> Result<(), Abort>;
    /// Calls the guest's `getsp` export: Go's stack pointer now, which moves when a goroutine's
    /// stack grows during a nested call.
    fn getsp(&mut self) -> Result<u32, Abort>;
}

/// [`Guest::with_memory`] for closures that return a value.
pub fn with_memory<R>(
    g: &mut dyn Guest,
    f: impl FnOnce(&mut dyn Memory, &mut Host) -> Result<R, Abort>,
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
