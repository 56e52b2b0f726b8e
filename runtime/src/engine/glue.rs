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
        if self.0.ctx().host.preempt_mark.is_some() {
            self.0.with_memory(&ex, &mut |mem, host| {
                unmark(mem, host);
                Ok(())
            })?;
        }
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

/// Go's `stackPreempt`: a stack guard no stack pointer is above, so the goroutine's next
/// function prologue enters the scheduler, which preempts it.
const STACK_PREEMPT: u64 = 0xFFFF_FFFF_FFFF_FADE;
/// Offsets in Go's `g` (`stackguard0`, `m`) and `m` (`g0`): ones Go's assembly and linker
/// rely on, the same in every release.
const G_STACKGUARD0: u64 = 16;
#[cfg(any(feature = "wasmtime", feature = "wasmi"))]
const G_M: u64 = 48;
#[cfg(any(feature = "wasmtime", feature = "wasmi"))]
const M_G0: u64 = 0;

/// Marks the goroutine `g` (the guest's current one) for preemption, as Go's scheduler
/// marks one that ran too long, so the guest soon switches goroutines; not the scheduler's
/// own `g0`, which is never preempted, and not while an event the host set is unread (see
/// below). Wild values in guest memory only make the request miss (the host asks again
/// later). The mark is recorded in `host` so [`unmark`] can take it back.
///
/// Only for a guest stopped inside Go's code: in the dispatch loop, `g` is the goroutine
/// about to be resumed, maybe the event handler Go wakes to return to the host, and the
/// guest could deadlock (`clock_sanity` with a stop asked for every 50 ms of computing: 6
/// of 20 runs when marked there, before [`unmark`] existed; 0 of 20 otherwise). Each
/// backend tells the two positions apart its own way.
///
/// A mark must never be spent between the host's entry into Go with an event (`resume`)
/// and Go's read of `_pendingEvent`: the goroutine would yield there, another goroutine
/// could call a Go function through the host, which sets `_pendingEvent` again, and the
/// first event is lost. So the host marks no goroutine while an event is unread, and takes
/// back an unspent mark before each `resume` ([`unmark`]). Without the first,
/// `js_concurrent_calls` on `wasmtime-restless` got undefined back from 1-9 of its 6,000
/// calls in every run; without the second, Go also found its stack corrupted
/// ("unexpected return pc").
#[cfg(any(feature = "wasmtime", feature = "wasmi"))]
pub fn mark_for_preemption(mem: &mut [u8], host: &mut Host, g: u64) {
    if host.event_unread() {
        return;
    }
    let g0 = g
        .checked_add(G_M)
        .and_then(|at| word(mem, at))
        .and_then(|m| word(mem, m.checked_add(M_G0)?));
    if g == 0 || g0.is_none_or(|g0| g0 == g) {
        return;
    }
    let Some(at) = g.checked_add(G_STACKGUARD0) else {
        return;
    };
    // Not one marked already, by us or by Go: its guard before is not known.
    let Some(old) = word(mem, at).filter(|&w| w != STACK_PREEMPT) else {
        return;
    };
    if let Some(bytes) = span(at).and_then(|r| mem.get_mut(r)) {
        bytes.copy_from_slice(&STACK_PREEMPT.to_le_bytes());
        host.preempt_mark = Some(crate::host::PreemptMark { g, guard: old });
    }
}

/// Takes back the host's preemption mark ([`mark_for_preemption`]) if the goroutine has
/// not spent it: called before each entry into Go with an event, whose handling must not
/// start with a goroutine switch. A spent mark is left alone (Go reset the guard itself).
pub fn unmark(mem: &mut [u8], host: &mut Host) {
    let Some(mark) = host.preempt_mark.take() else {
        return;
    };
    if let Some(bytes) = mark
        .g
        .checked_add(G_STACKGUARD0)
        .and_then(span)
        .and_then(|r| mem.get_mut(r))
        .filter(|b| **b == STACK_PREEMPT.to_le_bytes())
    {
        bytes.copy_from_slice(&mark.guard.to_le_bytes());
    }
}

/// The 8 bytes at `at` in guest memory, if they are inside it.
fn span(at: u64) -> Option<std::ops::Range<usize>> {
    let at = usize::try_from(at).ok()?;
    Some(at..at.checked_add(8)?)
}

/// The little-endian word at `at`, if it is inside guest memory.
#[cfg(any(feature = "wasmtime", feature = "wasmi"))]
fn word(mem: &[u8], at: u64) -> Option<u64> {
    let bytes = mem.get(span(at)?)?;
    Some(u64::from_le_bytes(bytes.try_into().ok()?))
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

#[cfg(all(test, any(feature = "wasmtime", feature = "wasmi")))]
mod tests {
    use super::*;
    use crate::js::{Obj, Value};

    const G: u64 = 0x100;
    const M: u64 = 0x200;
    const G0: u64 = 0x300;
    const GUARD: u64 = 0x1_0000 + 928;

    /// Memory holding a goroutine `G` on an `M` whose `g0` is `G0`.
    fn memory() -> Vec<u8> {
        let mut mem = vec![0u8; 0x400];
        let mut put = |at: u64, v: u64| {
            mem[at as usize..at as usize + 8].copy_from_slice(&v.to_le_bytes());
        };
        put(G + G_STACKGUARD0, GUARD);
        put(G + G_M, M);
        put(G0 + G_M, M);
        put(M + M_G0, G0);
        mem
    }

    fn guard(mem: &[u8]) -> u64 {
        word(mem, G + G_STACKGUARD0).unwrap()
    }

    fn host() -> Host {
        let stdio = crate::stdio::Stdio {
            stdin: Box::new(std::io::empty()),
            stdin_fd: None,
            stdout: Box::new(std::io::sink()),
            stderr: Box::new(std::io::sink()),
        };
        Host::new(stdio, crate::node::ProcessInfo::current())
    }

    #[test]
    fn an_unspent_mark_is_taken_back_before_the_next_event() {
        let (mut mem, mut host) = (memory(), host());
        mark_for_preemption(&mut mem, &mut host, G);
        assert_eq!(guard(&mem), STACK_PREEMPT);
        unmark(&mut mem, &mut host);
        assert_eq!(guard(&mem), GUARD);
        assert_eq!(host.preempt_mark, None);
    }

    #[test]
    fn a_spent_mark_is_left_to_go() {
        let (mut mem, mut host) = (memory(), host());
        mark_for_preemption(&mut mem, &mut host, G);
        // Go spent it and moved the goroutine to a new stack with a new guard.
        mem[(G + G_STACKGUARD0) as usize..][..8].copy_from_slice(&0x5_0000u64.to_le_bytes());
        unmark(&mut mem, &mut host);
        assert_eq!(guard(&mem), 0x5_0000);
    }

    #[test]
    fn no_goroutine_is_marked_while_an_event_is_unread_nor_g0() {
        let (mut mem, mut host) = (memory(), host());
        host.go.set("_pendingEvent", Value::Object(Obj::plain()));
        mark_for_preemption(&mut mem, &mut host, G);
        assert_eq!((guard(&mem), host.preempt_mark), (GUARD, None));
        host.go.set("_pendingEvent", Value::Null);
        mark_for_preemption(&mut mem, &mut host, G0);
        mark_for_preemption(&mut mem, &mut host, 0x3F8); // its fields out of memory
        assert_eq!(host.preempt_mark, None);
        mark_for_preemption(&mut mem, &mut host, G);
        assert_eq!(guard(&mem), STACK_PREEMPT);
    }
}
