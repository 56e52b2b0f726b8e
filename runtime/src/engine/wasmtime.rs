//! wasmtime backend: maps wasmtime's store, caller, typed functions and traps onto the shared
//! glue. Deadlines are enforced inside running code by epoch interruption.

use std::any::Any;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use wasmtime::{
    AsContextMut, Caller, Global, Linker, Memory, Module, Mutability, Store, Trap, TypedFunc, Val,
};

use super::function_store::FunctionStore;
use super::glue::{self, Access, Ctx, Link, TopLevel, G};
use super::state::{GlobalValue, Snapshot};
use super::{Backend, CodeTier, Compiled, EngineImpl, Settings};
use crate::error::{Abort, Error};
use crate::guest::MemoryFn;
use crate::host::Host;
use crate::imports::{self, SpFn};
use crate::limits::MemoryCap;

/// wasmtime configured for Go guests: a Cranelift engine and a Winch one.
pub struct Engine {
    optimized: wasmtime::Engine,
    baseline: wasmtime::Engine,
    /// Cranelift's functions, kept while it compiles (see [`FunctionStore`]).
    functions: Arc<FunctionStore>,
}

/// The exports the host calls.
pub struct Exports {
    mem: Memory,
    run: TypedFunc<(i32, i32), ()>,
    resume: TypedFunc<(), ()>,
    getsp: TypedFunc<(), i32>,
    /// The globals, when the module exports them to move between engines.
    globals: Vec<Global>,
    /// The loop that carries out a switch left pending by a guest stopped to move.
    tier_loop: Option<TypedFunc<(), i32>>,
    /// The module's additions for moving to better code, when it has them.
    tiering: Option<Tiering>,
}

/// The exports [`crate::tier_up::prepare`] adds for stopping a guest to move it: `run` and
/// `resume` returning why Go's loop stopped, and the global that asks it to stop.
pub struct Tiering {
    run: TypedFunc<(i32, i32), i32>,
    resume: TypedFunc<(), i32>,
    preempt: Global,
}

impl Tiering {
    fn of(instance: &wasmtime::Instance, store: &mut Store<WCtx>) -> Option<Tiering> {
        use super::state::{PREEMPT_EXPORT, RESUME_EXPORT, RUN_EXPORT};
        Some(Tiering {
            run: instance.get_typed_func(&mut *store, RUN_EXPORT).ok()?,
            resume: instance.get_typed_func(&mut *store, RESUME_EXPORT).ok()?,
            preempt: instance.get_global(&mut *store, PREEMPT_EXPORT)?,
        })
    }
}

/// Asks a guest whose better code is ready to stop at its next goroutine switch (see
/// [`glue::mark_for_preemption`]); called from the epoch callback.
fn request_stop(mut ctx: wasmtime::StoreContextMut<'_, WCtx>) {
    let ready = ctx
        .data()
        .tier_up
        .as_ref()
        .is_some_and(|u| u.ready().is_some());
    let Some(ex) = ctx.data().exports.clone().filter(|_| ready) else {
        return;
    };
    let Some(t) = &ex.tiering else { return };
    let _ = t.preempt.set(&mut ctx, Val::I32(1));
    if !in_go_code(&ctx) {
        return;
    }
    if let Some(Val::I64(g)) = ex
        .globals
        .get(super::state::G_GLOBAL as usize)
        .map(|g| g.get(&mut ctx))
    {
        let (mem, data) = ex.mem.data_and_store_mut(&mut ctx);
        glue::mark_for_preemption(mem, &mut data.host, g as u64);
    }
}

/// Whether the guest was stopped by the epoch inside one of Go's functions, not in the
/// dispatch loop [`crate::tier_up::prepare`] added (see [`glue::mark_for_preemption`]). The
/// loop has no name; Go names all of its functions unless the binary is stripped, whose
/// guests then move at their next goroutine switch only.
fn in_go_code(ctx: &wasmtime::StoreContextMut<'_, WCtx>) -> bool {
    let trace = wasmtime::WasmBacktrace::force_capture(ctx);
    trace
        .frames()
        .first()
        .is_some_and(|f| f.func_name().is_some())
}

/// The epoch's period, in milliseconds: 10, or shorter once an engine with a shorter
/// [`Settings::move_again_after`] was made (for the whole process: the ticker is one).
static TICK_MS: AtomicU64 = AtomicU64::new(10);

/// Ticks the epoch of `engine` every [`TICK_MS`] from one thread for the whole process, so
/// deadlines and moves are noticed inside running guest code.
fn tick(engine: &wasmtime::Engine) {
    static TICKED: OnceLock<Mutex<Vec<wasmtime::Engine>>> = OnceLock::new();
    let ticked = TICKED.get_or_init(|| {
        let spawned = std::thread::Builder::new()
            .name("wasmexec-epoch".into())
            .spawn(|| loop {
                std::thread::sleep(Duration::from_millis(TICK_MS.load(Ordering::Relaxed)));
                if let Some(engines) = TICKED.get() {
                    let engines = engines.lock().unwrap_or_else(|e| e.into_inner());
                    engines.iter().for_each(wasmtime::Engine::increment_epoch);
                }
            });
        // Without the thread, deadlines are enforced between calls only.
        drop(spawned);
        Mutex::new(Vec::new())
    });
    let mut engines = ticked.lock().unwrap_or_else(|e| e.into_inner());
    if !engines.iter().any(|e| wasmtime::Engine::same(e, engine)) {
        engines.push(engine.clone());
    }
}

type WCtx = Ctx<Exports>;

/// The errors of guest calls, mapped once: our own [`Abort`] comes back as it went in.
fn abort_of(e: wasmtime::Error) -> Abort {
    if let Some(a) = e.downcast_ref::<Abort>() {
        return a.clone();
    }
    match e.downcast_ref::<Trap>() {
        Some(Trap::Interrupt) => Abort::Interrupted,
        Some(t) => Abort::Trap(t.to_string()),
        None => Abort::Trap(format!("{e:#}")),
    }
}

/// A store or a caller: what lends the context for as long as it is borrowed.
trait StoreLike: AsContextMut<Data = WCtx> {
    /// The store itself (a call from the host's top level), not a host function's caller.
    const TOP_LEVEL: bool;
    fn data(&mut self) -> &mut WCtx;
}

impl StoreLike for Store<WCtx> {
    const TOP_LEVEL: bool = true;
    fn data(&mut self) -> &mut WCtx {
        self.data_mut()
    }
}

impl StoreLike for Caller<'_, WCtx> {
    const TOP_LEVEL: bool = false;
    fn data(&mut self) -> &mut WCtx {
        self.data_mut()
    }
}

impl<T: StoreLike> Access<Exports> for T {
    fn ctx(&mut self) -> &mut WCtx {
        StoreLike::data(self)
    }

    fn with_memory(&mut self, ex: &Exports, f: &mut MemoryFn<'_>) -> Result<(), Abort> {
        let (data, ctx) = ex.mem.data_and_store_mut(self.as_context_mut());
        f(data, &mut ctx.host)
    }

    fn resume(&mut self, ex: &Exports) -> Result<(), Abort> {
        match &ex.tiering {
            // Calls from the top level may stop for a move (nested ones must not: a host
            // function waits for their result).
            Some(t) if Self::TOP_LEVEL && StoreLike::data(self).tier_up.is_some() => {
                let status = t.resume.call(&mut *self, ()).map_err(abort_of)?;
                glue::loop_status(StoreLike::data(self), status);
                Ok(())
            }
            _ => ex.resume.call(self, ()).map_err(abort_of),
        }
    }

    fn getsp(&mut self, ex: &Exports) -> Result<i32, Abort> {
        ex.getsp.call(self, ()).map_err(abort_of)
    }

    fn run(&mut self, ex: &Exports, argc: i32, argv: i32) -> Result<(), Abort> {
        match &ex.tiering {
            Some(t) if Self::TOP_LEVEL && StoreLike::data(self).tier_up.is_some() => {
                let status = t.run.call(&mut *self, (argc, argv)).map_err(abort_of)?;
                glue::loop_status(StoreLike::data(self), status);
                Ok(())
            }
            _ => ex.run.call(self, (argc, argv)).map_err(abort_of),
        }
    }

    fn arm(&mut self, upgrade: Arc<super::tiered::Upgrade>) {
        StoreLike::data(self).tier_up = Some(upgrade);
        // The epoch callback asks the guest to stop once the code is ready.
        let mut ctx = self.as_context_mut();
        ctx.set_epoch_deadline(1);
        tick(ctx.engine());
    }

    fn save(&mut self, ex: &Exports) -> Result<Snapshot, Abort> {
        let mut ctx = self.as_context_mut();
        let memory = ex.mem.data(&ctx).to_vec();
        let globals = ex.globals.iter().map(|g| match g.get(&mut ctx) {
            Val::I32(v) => Ok(GlobalValue::I32(v)),
            Val::I64(v) => Ok(GlobalValue::I64(v)),
            Val::F32(v) => Ok(GlobalValue::F32(v)),
            Val::F64(v) => Ok(GlobalValue::F64(v)),
            _ => Err(glue::snapshot_mismatch("a global that is not a number")),
        });
        Ok(Snapshot {
            memory,
            globals: globals.collect::<Result<_, _>>()?,
        })
    }

    fn continue_loop(&mut self, ex: &Exports) -> Result<(), Abort> {
        let f = ex.tier_loop.as_ref().ok_or_else(glue::not_prepared)?;
        let status = f.call(&mut *self, ()).map_err(abort_of)?;
        glue::loop_status(StoreLike::data(self), status);
        Ok(())
    }

    fn load(&mut self, ex: &Exports, snapshot: &Snapshot) -> Result<(), Abort> {
        let mut ctx = self.as_context_mut();
        let current = ex.mem.data_size(&ctx) as u64;
        let grow = glue::pages_to_grow(snapshot, ex.globals.len(), current)?;
        if grow > 0 {
            ex.mem
                .grow(&mut ctx, grow)
                .map_err(|e| glue::snapshot_mismatch(&format!("growing memory: {e:#}")))?;
        }
        ex.mem.data_mut(&mut ctx).copy_from_slice(&snapshot.memory);
        for (g, v) in ex.globals.iter().zip(&snapshot.globals) {
            if g.ty(&ctx).mutability() == Mutability::Const {
                continue; // the same constant on both sides
            }
            let v = match *v {
                GlobalValue::I32(v) => Val::I32(v),
                GlobalValue::I64(v) => Val::I64(v),
                GlobalValue::F32(v) => Val::F32(v),
                GlobalValue::F64(v) => Val::F64(v),
            };
            g.set(&mut ctx, v)
                .map_err(|e| glue::snapshot_mismatch(&format!("setting a global: {e:#}")))?;
        }
        Ok(())
    }
}

fn call_test_export(caller: &mut Caller<'_, WCtx>, a: i32, b: i64) -> Result<i64, Abort> {
    let func = |caller: &mut Caller<'_, WCtx>, name: &str| {
        caller
            .get_export(name)
            .and_then(|e| e.into_func())
            .ok_or_else(|| glue::missing_export(name))
    };
    let f0 = func(caller, glue::TEST_EXPORT0)?;
    let f0 = f0.typed::<(), ()>(&*caller).map_err(abort_of)?;
    f0.call(&mut *caller, ()).map_err(abort_of)?;
    let f = func(caller, glue::TEST_EXPORT)?;
    let f = f.typed::<(i32, i64), i64>(&*caller).map_err(abort_of)?;
    f.call(&mut *caller, (a, b)).map_err(abort_of)
}

impl Link for Linker<WCtx> {
    fn sp(&mut self, m: &str, n: &str, f: SpFn) -> Result<(), String> {
        self.func_wrap(m, n, move |mut caller: Caller<'_, WCtx>, sp: i32| {
            if caller.data().tier_up.as_ref().is_some_and(|u| u.restless()) {
                // Moves for testing are also asked for at the guest's calls into the host.
                request_stop(caller.as_context_mut());
            }
            imports::guarded(f, &mut G::new(caller), sp as u32).map_err(wasmtime::Error::new)
        })
        .map(drop)
        .map_err(|e| format!("{e:#}"))
    }

    fn debug(&mut self, m: &str, n: &str) -> Result<(), String> {
        self.func_wrap(m, n, |caller: Caller<'_, WCtx>, v: i32| {
            imports::debug(&mut G::new(caller), v).map_err(wasmtime::Error::new)
        })
        .map(drop)
        .map_err(|e| format!("{e:#}"))
    }

    fn test_add(&mut self, m: &str, n: &str) -> Result<(), String> {
        self.func_wrap(m, n, glue::test_add)
            .map(drop)
            .map_err(|e| format!("{e:#}"))
    }

    fn test_call_export(&mut self, m: &str, n: &str) -> Result<(), String> {
        self.func_wrap(m, n, |mut caller: Caller<'_, WCtx>, a: i32, b: i64| {
            call_test_export(&mut caller, a, b).map_err(wasmtime::Error::new)
        })
        .map(drop)
        .map_err(|e| format!("{e:#}"))
    }
}

impl wasmtime::ResourceLimiter for MemoryCap {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        Ok(self.allows(desired as u64))
    }

    fn table_growing(
        &mut self,
        _current: usize,
        _desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        Ok(true)
    }
}

fn module(m: &Compiled) -> Result<&Module, Error> {
    m.downcast_ref::<Module>()
        .ok_or_else(|| Error::engine("module compiled by another engine"))
}

fn config(settings: &Settings, strategy: wasmtime::Strategy) -> wasmtime::Config {
    let mut config = wasmtime::Config::new();
    config.strategy(strategy);
    config.max_wasm_stack(settings.max_wasm_stack);
    // Unused (no async), but wasmtime checks it bounds the wasm stack.
    config.async_stack_size(settings.max_wasm_stack + (1 << 20));
    config.epoch_interruption(true);
    if let Some(bytes) = settings.memory_reservation {
        // Reserve what the cap allows instead of 4 GiB plus guards: code checks bounds, and
        // a memory that outgrows the reservation is moved.
        config.memory_reservation(bytes.next_multiple_of(1 << 16));
        config.memory_guard_size(1 << 16);
        config.memory_reservation_for_growth(0);
    }
    // Host panics are caught at every import, so no Rust unwinding crosses wasm frames, and
    // traps are reported without native backtraces: unwind tables are compile time spent for
    // nothing (a sixth of a baseline compile).
    config.native_unwind_info(false);
    // Traps are reported by kind only (`abort_of`), never with a wasm backtrace: capturing
    // one costs a stack walk on every trap and every error a host function returns (each
    // exit), and the address maps it reads cost a fifth of a Winch compile and the size of
    // every cached module.
    config.wasm_backtrace_max_frames(None);
    config.generate_address_map(false);
    if strategy == wasmtime::Strategy::Winch {
        // Winch still compiles the entry trampolines with Cranelift; optimising them costs
        // more time than they ever win back.
        config.cranelift_opt_level(wasmtime::OptLevel::None);
    }
    config
}

impl Engine {
    /// Engines with epoch interruption and Go's stack needs.
    pub fn new(settings: &Settings) -> Result<Engine, Error> {
        let failed = |e: wasmtime::Error| Error::engine(format!("{e:#}"));
        let functions = Arc::new(FunctionStore::default());
        let mut optimized = config(settings, wasmtime::Strategy::Cranelift);
        optimized
            .enable_incremental_compilation(functions.clone())
            .map_err(failed)?;
        let baseline = config(settings, wasmtime::Strategy::Winch);
        if let Some(every) = settings.move_again_after {
            // Guests moved this often must also be stopped this often while they compute.
            let ms = u64::try_from(every.as_millis()).unwrap_or(u64::MAX).max(1);
            TICK_MS.fetch_min(ms, Ordering::Relaxed);
        }
        Ok(Engine {
            optimized: wasmtime::Engine::new(&optimized).map_err(failed)?,
            baseline: wasmtime::Engine::new(&baseline).map_err(failed)?,
            functions,
        })
    }

    fn engine(&self, tier: CodeTier) -> &wasmtime::Engine {
        match tier {
            CodeTier::Baseline => &self.baseline,
            CodeTier::Optimized => &self.optimized,
        }
    }

    /// Sets the store's epoch callback: past `deadline`, it stops the guest; once better
    /// code is ready for a guest that may move, it asks the guest to stop.
    fn set_deadline(&self, store: &mut Store<WCtx>, deadline: Option<Instant>) {
        store.epoch_deadline_callback(move |ctx| {
            if deadline.is_some_and(|d| Instant::now() >= d) {
                return Err(wasmtime::Error::new(Abort::Interrupted));
            }
            request_stop(ctx);
            Ok(wasmtime::UpdateDeadline::Continue(1))
        });
        match deadline {
            Some(_) => {
                tick(store.engine());
                store.set_epoch_deadline(1);
            }
            // No deadline: far enough that the ticker (started by any instance with a
            // deadline or a move ahead) never reaches it, without overflowing the current
            // epoch plus this.
            None => store.set_epoch_deadline(u64::MAX / 2),
        }
    }
}

/// Compiles `wasm` with its indirect calls made direct. Each tier would compile (with
/// Cranelift) an entry trampoline for every function in the table, and Go's linker puts all
/// of them there: more than a third of a Winch compile, 8% of a Cranelift one, whose code
/// runs indirect calls no slower made direct.
fn direct_calls(
    wasm: &[u8],
    compile: impl FnOnce(&[u8]) -> wasmtime::Result<Module>,
) -> Result<Compiled, Error> {
    let direct = crate::indirect_calls::without_table(wasm);
    let m = compile(direct.as_deref().unwrap_or(wasm))
        .map_err(|e| super::compile_error(format!("{e:#}")))?;
    Ok(Arc::new(m))
}

impl EngineImpl for Engine {
    fn has_baseline(&self) -> bool {
        true
    }

    fn compile(&self, wasm: &[u8], tier: CodeTier) -> Result<Compiled, Error> {
        match tier {
            CodeTier::Optimized => self
                .functions
                .compiling(|| direct_calls(wasm, |wasm| Module::new(&self.optimized, wasm))),
            CodeTier::Baseline => direct_calls(wasm, |wasm| Module::new(&self.baseline, wasm)),
        }
    }

    fn compile_keeping_functions(&self, wasm: &[u8]) -> (Result<Compiled, Error>, Option<Vec<u8>>) {
        self.functions.compiling(|| {
            let m = direct_calls(wasm, |wasm| Module::new(&self.optimized, wasm));
            let kept = m.as_ref().ok().and_then(|_| self.functions.save_used());
            (m, kept)
        })
    }

    fn serialize(&self, m: &Compiled) -> Option<Vec<u8>> {
        module(m).ok()?.serialize().ok()
    }

    fn deserialize(&self, bytes: &[u8], tier: CodeTier) -> Option<Compiled> {
        // SAFETY: `Module::deserialize` requires bytes produced by `Module::serialize` of a
        // compatible wasmtime. The module cache only hands us bytes whose SHA-256 it verified
        // against the digest it recorded when it wrote them from `Module::serialize`, and
        // wasmtime itself rejects bytes from another version or configuration.
        let m = unsafe { Module::deserialize(self.engine(tier), bytes).ok()? };
        Some(Arc::new(m) as Arc<dyn Any + Send + Sync>)
    }

    fn unfinished_functions(&self) -> Option<Vec<u8>> {
        self.functions.save()
    }

    #[cfg(test)]
    fn functions_not_found(&self) -> usize {
        self.functions.misses()
    }

    fn resume_functions(&self, saved: &[u8]) {
        self.functions.restore(saved);
    }

    fn identity(&self, tier: CodeTier) -> String {
        let mut h = crate::cache::Digest::new();
        std::hash::Hash::hash(&self.engine(tier).precompile_compatibility_hash(), &mut h);
        // Code is compiled from the module with its indirect calls made direct.
        format!("wasmtime-48-{tier:?}-direct-calls-{}", h.hex())
    }

    fn instantiate(
        &self,
        m: &Compiled,
        host: Host,
        timeout: bool,
    ) -> Result<Box<dyn Backend>, Error> {
        let module = module(m)?;
        let deadline = host.deadline.filter(|_| timeout);
        let capped = host.memory_cap.max.is_some();
        let mut store = Store::new(module.engine(), Ctx::new(host));
        if capped {
            store.limiter(|ctx| &mut ctx.host.memory_cap);
        }
        self.set_deadline(&mut store, deadline);
        let mut linker: Linker<WCtx> = Linker::new(module.engine());
        // A module may import the same function twice.
        linker.allow_shadowing(true);
        glue::link_imports(
            module.imports().map(|i| (i.module(), i.name())),
            &mut linker,
        )?;
        let instance = linker.instantiate(&mut store, module).map_err(|e| {
            match store.data().host.memory_cap.reached() {
                Some(limit) => Error::LimitExceeded(limit),
                None => super::instantiate_error(format!("{e:#}"), e),
            }
        })?;
        let mut func = |name| {
            instance
                .get_func(&mut store, name)
                .ok_or_else(|| glue::not_go(name))
        };
        let (run, resume, getsp) = (func(glue::RUN)?, func(glue::RESUME)?, func(glue::GETSP)?);
        let exports = Exports {
            mem: instance
                .get_memory(&mut store, glue::MEM)
                .ok_or_else(|| glue::not_go(glue::MEM))?,
            run: run.typed(&store).map_err(|_| glue::not_go(glue::RUN))?,
            resume: resume
                .typed(&store)
                .map_err(|_| glue::not_go(glue::RESUME))?,
            getsp: getsp.typed(&store).map_err(|_| glue::not_go(glue::GETSP))?,
            globals: glue::movable_globals(|name| instance.get_global(&mut store, name)),
            tier_loop: instance
                .get_typed_func(&mut store, super::state::LOOP_EXPORT)
                .ok(),
            tiering: Tiering::of(&instance, &mut store),
        };
        store.data_mut().exports = Some(std::rc::Rc::new(exports));
        Ok(Box::new(TopLevel {
            guest: G::new(store),
            _keep: None,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two functions: `() -> 1` and `f(x) = x + 2`, exported.
    const TWO_FUNCTIONS: &[u8] = &[
        0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // header
        0x01, 0x0a, 0x02, 0x60, 0x00, 0x01, 0x7f, 0x60, 0x01, 0x7f, 0x01, 0x7f, // types
        0x03, 0x03, 0x02, 0x00, 0x01, // functions
        0x07, 0x05, 0x01, 0x01, b'f', 0x00, 0x01, // exports
        0x0a, 0x0e, 0x02, 0x04, 0x00, 0x41, 0x01, 0x0b, 0x07, 0x00, 0x20, 0x00, 0x41, 0x02, 0x6a,
        0x0b, // code
    ];

    #[test]
    fn a_compile_resumed_from_saved_functions_compiles_almost_none_again() {
        let first = Engine::new(&Settings::default()).unwrap();
        let saved = first.functions.compiling(|| {
            first.compile(TWO_FUNCTIONS, CodeTier::Optimized).unwrap();
            first
                .unfinished_functions()
                .expect("the compile kept its functions")
        });
        let compiled = first.functions.misses();
        assert!(
            compiled > 1,
            "a first compile finds nothing saved: it compiles every item"
        );
        assert!(
            first.unfinished_functions().is_none(),
            "nothing is kept once no compile is under way"
        );

        let next = Engine::new(&Settings::default()).unwrap();
        next.resume_functions(&saved);
        let module = next.compile(TWO_FUNCTIONS, CodeTier::Optimized).unwrap();
        // Every item comes back, but one of the six (two functions, their trampolines) gets
        // another key now and then (about one in a dozen test runs), when it is compiled on
        // a thread after a trampoline (see `Shared::compile_optimized`): compiled again.
        assert!(
            next.functions.misses() <= 1,
            "{} of {compiled} compiled again",
            next.functions.misses()
        );
        let module = super::module(&module).unwrap();
        let mut store = Store::new(module.engine(), ());
        store.set_epoch_deadline(u64::MAX / 2);
        let instance = wasmtime::Instance::new(&mut store, module, &[]).unwrap();
        let f = instance
            .get_typed_func::<i32, i32>(&mut store, "f")
            .unwrap();
        assert_eq!(f.call(&mut store, 3).unwrap(), 5, "the resumed code runs");
    }
}
