//! What every backend shares: the export names, the context a store holds, the guest wrapper
//! that implements [`Guest`] and [`Agent`] over any store or caller handle, the top-level
//! instance, and the linking loop. A backend only maps its engine's types onto [`Access`] and
//! [`Link`].

use std::any::Any;
use std::marker::PhantomData;
use std::rc::Rc;

use super::state::Snapshot;
use super::tiered::Upgrade;
use super::Backend;
use crate::error::{Abort, Error};
use crate::guest::{call_go, Guest, MemoryFn};
use crate::host::Host;
use crate::imports::{self, Import, SpFn};
use crate::js::{Agent, JsResult, Value};

/// The guest's linear memory.
pub const MEM: &str = "mem";
/// `run(argc, argv)`: starts the program.
pub const RUN: &str = "run";
/// `resume()`: delivers `_pendingEvent`.
pub const RESUME: &str = "resume";
/// `getsp()`: Go's stack pointer.
pub const GETSP: &str = "getsp";
/// Exports every Go js/wasm program has.
pub const REQUIRED_EXPORTS: [&str; 4] = [RUN, RESUME, GETSP, MEM];
/// Called first by `_gotest.callExport` (Go's own `syscall/js` tests).
pub const TEST_EXPORT0: &str = "testExport0";
/// Called by `_gotest.callExport` with its arguments.
pub const TEST_EXPORT: &str = "testExport";

/// The state a backend's store holds: the host, and the guest's exports once instantiated.
pub struct Ctx<X> {
    /// The host state.
    pub host: Host,
    /// Shared, so a host function reaches an export without cloning its typed handle
    /// (cloning a wasmtime `TypedFunc` clones its registered type: measurable per call).
    pub exports: Option<Rc<X>>,
    /// The compiled code a guest on the interpreter moves to: once it is ready, the
    /// interpreter asks the guest to stop at its next goroutine switch.
    pub tier_up: Option<std::sync::Arc<Upgrade>>,
    /// Set when the guest's loop stopped as asked, a goroutine switch pending.
    pub preempted: bool,
}

impl<X> Ctx<X> {
    /// A context before instantiation.
    pub fn new(host: Host) -> Ctx<X> {
        Ctx {
            host,
            exports: None,
            tier_up: None,
            preempted: false,
        }
    }
}

/// The error of an export a Go program lacks or has with the wrong type.
pub fn not_go(export: &str) -> Error {
    Error::NotGoProgram(format!("missing or mistyped export {export:?}"))
}

/// The fault of a host function reached before the exports were known.
fn not_instantiated() -> Abort {
    Abort::Fault("guest not instantiated yet".into())
}

/// A backend's store, or the handle its host functions receive, seen through the exports of
/// type `X` (which also tells the engines' impls apart).
pub trait Access<X> {
    /// The context in the store.
    fn ctx(&mut self) -> &mut Ctx<X>;
    /// Runs `f` with linear memory and the host borrowed together.
    fn with_memory(&mut self, exports: &X, f: &mut MemoryFn<'_>) -> Result<(), Abort>;
    /// Calls `resume`.
    fn resume(&mut self, exports: &X) -> Result<(), Abort>;
    /// Calls `getsp`.
    fn getsp(&mut self, exports: &X) -> Result<i32, Abort>;
    /// Calls `run(argc, argv)`.
    fn run(&mut self, exports: &X, argc: i32, argv: i32) -> Result<(), Abort>;
    /// Copies out linear memory and the exported globals.
    fn save(&mut self, exports: &X) -> Result<Snapshot, Abort>;
    /// Grows linear memory to the snapshot's size, copies it in, and sets the globals.
    fn load(&mut self, exports: &X, snapshot: &Snapshot) -> Result<(), Abort>;
    /// Carries out the goroutine switch a preempted loop left pending (the module's
    /// [`super::state::LOOP_EXPORT`]), up to Go's next pause.
    fn continue_loop(&mut self, exports: &X) -> Result<(), Abort>;
    /// Gets ready to be asked to stop for `upgrade` (the interpreter runs on fuel slices).
    fn arm(&mut self, upgrade: std::sync::Arc<Upgrade>) {
        self.ctx().tier_up = Some(upgrade);
    }
}

/// The guest seen through a store or a caller handle `S`.
pub struct G<S, X>(pub S, PhantomData<fn() -> X>);

impl<S: Access<X>, X> G<S, X> {
    /// Wraps a store or caller handle.
    pub fn new(s: S) -> Self {
        G(s, PhantomData)
    }

    fn exports(&mut self) -> Result<Rc<X>, Abort> {
        self.0.ctx().exports.clone().ok_or_else(not_instantiated)
    }
}

impl<S: Access<X>, X: 'static> Guest for G<S, X> {
    fn host(&mut self) -> &mut Host {
        &mut self.0.ctx().host
    }

    fn with_memory(&mut self, f: &mut MemoryFn<'_>) -> Result<(), Abort> {
        let ex = self.exports()?;
        self.0.with_memory(&ex, f)
    }

    fn resume(&mut self) -> Result<(), Abort> {
        let ex = self.exports()?;
        self.0.resume(&ex)
    }

    fn getsp(&mut self) -> Result<u32, Abort> {
        let ex = self.exports()?;
        self.0.getsp(&ex).map(|sp| sp as u32)
    }
}

impl<S: Access<X>, X: 'static> Agent for G<S, X> {
    fn realm_any(&mut self) -> &mut dyn Any {
        &mut self.0.ctx().host.realm
    }

    fn call_foreign(&mut self, id: u32, this: &Value, args: &[Value]) -> JsResult {
        call_go(self, id, this, args)
    }
}

/// A guest at the top level: its store, plus whatever must live as long as it (a watchdog).
pub struct TopLevel<S, X> {
    /// The guest.
    pub guest: G<S, X>,
    /// Held only to be dropped with the instance (a watchdog thread stops then).
    pub _keep: Option<Box<dyn Any>>,
}

impl<S: Access<X>, X: 'static> Backend for TopLevel<S, X> {
    fn guest(&mut self) -> &mut dyn Guest {
        &mut self.guest
    }

    fn start(&mut self, argc: i32, argv: i32) -> Result<(), Abort> {
        let ex = self.guest.exports()?;
        self.guest.0.run(&ex, argc, argv)
    }

    fn snapshot(&mut self) -> Result<Snapshot, Abort> {
        let ex = self.guest.exports()?;
        self.guest.0.save(&ex)
    }

    fn restore(&mut self, snapshot: &Snapshot) -> Result<(), Abort> {
        let ex = self.guest.exports()?;
        self.guest.0.load(&ex, snapshot)
    }

    fn continue_loop(&mut self) -> Result<(), Abort> {
        let ex = self.guest.exports()?;
        self.guest.0.continue_loop(&ex)
    }

    fn arm(&mut self, upgrade: Option<std::sync::Arc<Upgrade>>) {
        match upgrade {
            Some(u) => self.guest.0.arm(u),
            None => self.guest.0.ctx().tier_up = None,
        }
    }

    fn take_preempted(&mut self) -> bool {
        std::mem::take(&mut self.guest.0.ctx().preempted)
    }
}

/// The globals a module exports for moving between engines ([`crate::tier_up`]), in index
/// order, looked up with `get` until the first missing one.
pub fn movable_globals<G>(mut get: impl FnMut(&str) -> Option<G>) -> Vec<G> {
    (0..)
        .map_while(|i| get(&super::state::global_export(i)))
        .collect()
}

#[cfg(any(feature = "wasmtime", feature = "wasmi"))]
/// Go's `stackPreempt`: a stack guard no stack pointer is above, so the goroutine's next
/// function prologue enters the scheduler, which preempts it.
const STACK_PREEMPT: u64 = 0xFFFF_FFFF_FFFF_FADE;
/// Offsets in Go's `g` (`stackguard0`, `m`) and `m` (`g0`): ones Go's assembly and linker
/// rely on, the same in every release.
#[cfg(any(feature = "wasmtime", feature = "wasmi"))]
const G_STACKGUARD0: u64 = 16;
#[cfg(any(feature = "wasmtime", feature = "wasmi"))]
const G_M: u64 = 48;
#[cfg(any(feature = "wasmtime", feature = "wasmi"))]
const M_G0: u64 = 0;

/// Marks the goroutine `g` (the guest's current one) for preemption, as Go's scheduler
/// marks one that ran too long, so the guest soon switches goroutines; not the scheduler's
/// own `g0`, which is never preempted. Wild values in guest memory only make the request
/// miss (the host asks again later).
///
/// Only for a guest stopped inside Go's code: in the dispatch loop, `g` is the goroutine
/// about to be resumed, maybe the event handler Go wakes to return to the host, and the guest
/// can deadlock (`clock_sanity` with a stop asked for every 50 ms of computing: 6 of 20 runs
/// when marked there, 0 of 20 otherwise); there the preempt global alone stops the guest
/// before its next call. By our reading of Go's `runtime/lock_js.go`, the handler's way back
/// to the host calls only nosplit code, so the mark outlives the event and preempts the
/// handler at the start of the next one, before it registers that event. A mark made inside
/// Go's code can outlive its call the same way, but only if the goroutine reaches `pause`
/// without passing another prologue. Each backend tells the two positions apart its own way.
#[cfg(any(feature = "wasmtime", feature = "wasmi"))]
pub fn mark_for_preemption(mem: &mut [u8], g: u64) {
    let span = |at: u64| {
        let at = usize::try_from(at).ok()?;
        Some(at..at.checked_add(8)?)
    };
    let word = |mem: &[u8], at: u64| {
        let bytes = mem.get(span(at)?)?;
        Some(u64::from_le_bytes(bytes.try_into().ok()?))
    };
    let g0 = g
        .checked_add(G_M)
        .and_then(|at| word(mem, at))
        .and_then(|m| word(mem, m.checked_add(M_G0)?));
    if g == 0 || g0.is_none_or(|g0| g0 == g) {
        return;
    }
    if let Some(guard) = g
        .checked_add(G_STACKGUARD0)
        .and_then(span)
        .and_then(|r| mem.get_mut(r))
    {
        guard.copy_from_slice(&STACK_PREEMPT.to_le_bytes());
    }
}

/// The fault of a module without the loop [`crate::tier_up::prepare`] adds.
pub fn not_prepared() -> Abort {
    Abort::Fault("the module was not prepared to move between engines".into())
}

/// What the loop's status means: [`super::state::LOOP_PREEMPTED`] is recorded in `ctx`.
pub fn loop_status<X>(ctx: &mut Ctx<X>, status: i32) {
    ctx.preempted |= status == super::state::LOOP_PREEMPTED;
}

/// The pages linear memory must grow by to take `snapshot`, whose module has `globals`
/// globals and `current` bytes of memory now; a fault if the snapshot does not fit.
pub fn pages_to_grow(snapshot: &Snapshot, globals: usize, current: u64) -> Result<u64, Abort> {
    if globals != snapshot.globals.len() {
        return Err(snapshot_mismatch("another number of globals"));
    }
    (snapshot.memory.len() as u64)
        .checked_sub(current)
        .filter(|n| n % (1 << 16) == 0)
        .map(|n| n >> 16)
        .ok_or_else(|| snapshot_mismatch("memory of another size"))
}

/// The fault of a snapshot that does not fit the instance it is loaded into.
pub fn snapshot_mismatch(what: &str) -> Abort {
    Abort::Fault(format!("moving the guest between engines: {what}"))
}

/// How a backend defines each kind of import under `module::name`.
pub trait Link {
    /// A `(sp i32) -> ()` function running `f`.
    fn sp(&mut self, module: &str, name: &str, f: SpFn) -> Result<(), String>;
    /// `gojs.debug(value i32)`.
    fn debug(&mut self, module: &str, name: &str) -> Result<(), String>;
    /// `_gotest.add(a i32, b i32) -> i32`.
    fn test_add(&mut self, module: &str, name: &str) -> Result<(), String>;
    /// `_gotest.callExport(a i32, b i64) -> i64`.
    fn test_call_export(&mut self, module: &str, name: &str) -> Result<(), String>;
}

/// Links every import of a module, failing on the first one this runtime does not provide.
pub fn link_imports<'a>(
    imports: impl IntoIterator<Item = (&'a str, &'a str)>,
    linker: &mut impl Link,
) -> Result<(), Error> {
    for (m, n) in imports {
        let import = imports::lookup(m, n).ok_or_else(|| Error::UnknownImport {
            module: m.into(),
            name: n.into(),
        })?;
        let linked = match import {
            Import::Sp(f) => linker.sp(m, n, f),
            Import::Debug => linker.debug(m, n),
            Import::TestAdd => linker.test_add(m, n),
            Import::TestCallExport => linker.test_call_export(m, n),
        };
        linked.map_err(|e| Error::engine(format!("linking {m}::{n}: {e}")))?;
    }
    Ok(())
}

/// `_gotest.add`: what Go's `syscall/js` tests expect of it.
pub fn test_add(a: i32, b: i32) -> i32 {
    a.wrapping_add(b)
}

/// The fault of a test export the guest lacks.
pub fn missing_export(name: &str) -> Abort {
    Abort::Fault(format!("the guest does not export {name}"))
}
