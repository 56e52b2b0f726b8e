//! wasmi backend (an interpreter: no native code, nothing to cache).
//!
//! Deadlines are enforced with fuel: when the guest has a deadline, the store gets a slice of
//! fuel at a time and every call into the guest is resumable; each time a slice runs out we
//! check the clock and either refill or stop the guest. Without a deadline the store gets fuel
//! it never exhausts.

use std::sync::Arc;
use std::time::Instant;

use wasmi::errors::HostError;
use wasmi::{
    AsContextMut, Caller, CustomFuelCosts, Extern, Global, Linker, Memory, Module, Mutability,
    Store, TrapCode, TypedFunc, TypedResumableCall, Val, WasmParams, WasmResults,
};

use super::glue::{self, Access, Ctx, Link, TopLevel, G};
use super::state::{GlobalValue, Snapshot};
use super::{Backend, CodeTier, Compiled, EngineImpl, Settings};
use crate::error::{Abort, Error};
use crate::guest::MemoryFn;
use crate::host::Host;
use crate::imports::{self, SpFn};
use crate::limits::MemoryCap;

/// Fuel handed out per slice when a deadline is set: a few milliseconds of interpretation, so
/// the deadline is noticed promptly without checking the clock on every branch.
const FUEL_SLICE: u64 = 5_000_000;

/// Bytes of native (wasmtime) stack we assume one wasm frame of a Go guest takes, to turn
/// [`Settings::max_wasm_stack`] into wasmi's frame-count limit. Go's wasm functions are small
/// frames; erring low only allows deeper recursion.
const BYTES_PER_FRAME: usize = 32;

/// A wasmi engine configured for Go guests.
pub struct Engine {
    engine: wasmi::Engine,
}

/// Carries [`Abort`] through wasmi as a host error, so it comes back out unchanged.
impl HostError for Abort {}

/// The exports the host calls, and the deadline the guest runs against.
pub struct Exports {
    mem: Memory,
    run: TypedFunc<(i32, i32), ()>,
    resume: TypedFunc<(), ()>,
    getsp: TypedFunc<(), i32>,
    /// Set when the guest runs on fuel slices and must stop at this instant.
    deadline: Option<Instant>,
    /// The globals, when the module exports them to move between engines.
    globals: Vec<Global>,
    /// The module's additions for moving to compiled code, when it has them.
    tiering: Option<Tiering>,
}

/// The exports [`crate::tier_up::prepare`] adds: `run`, `resume` and Go's loop returning why
/// the loop stopped, and the global that asks it to stop.
pub struct Tiering {
    run: TypedFunc<(i32, i32), i32>,
    resume: TypedFunc<(), i32>,
    dispatch: TypedFunc<(), i32>,
    preempt: Global,
}

impl Tiering {
    fn of(instance: &wasmi::Instance, store: &Store<WCtx>) -> Option<Tiering> {
        use super::state::{LOOP_EXPORT, PREEMPT_EXPORT, RESUME_EXPORT, RUN_EXPORT};
        Some(Tiering {
            run: instance.get_typed_func(store, RUN_EXPORT).ok()?,
            resume: instance.get_typed_func(store, RESUME_EXPORT).ok()?,
            dispatch: instance.get_typed_func(store, LOOP_EXPORT).ok()?,
            preempt: instance.get_global(store, PREEMPT_EXPORT)?,
        })
    }
}

/// Asks a guest whose better code is ready to stop at its next goroutine switch (see
/// [`glue::mark_for_preemption`], which must not be done in the dispatch loop). The
/// interpreter cannot tell where a fuel slice ended: the preempt global stops the guest the
/// next time it passes through the loop, and only a guest still running a slice later
/// (which the loop would have stopped, so inside Go's code) has its goroutine marked.
fn request_stop(ctx: &mut impl AsContextMut<Data = WCtx>, ex: &Exports) {
    let Some(t) = &ex.tiering else { return };
    let mut c = ctx.as_context_mut();
    let asked_before = matches!(t.preempt.get(&c), Val::I32(1));
    let _ = t.preempt.set(&mut c, Val::I32(1));
    if !asked_before {
        return;
    }
    if let Some(Val::I64(g)) = ex
        .globals
        .get(super::state::G_GLOBAL as usize)
        .map(|g| g.get(&c))
    {
        let (mem, data) = ex.mem.data_and_store_mut(&mut c);
        glue::mark_for_preemption(mem, &mut data.host, g as u64);
    }
}

/// Whether the guest's compiled code is ready (the interpreter then asks it to stop).
fn upgrade_ready(ctx: &mut impl AsContextMut<Data = WCtx>) -> bool {
    let c = ctx.as_context_mut();
    c.data()
        .tier_up
        .as_ref()
        .is_some_and(|u| u.ready().is_some())
}

type WCtx = Ctx<Exports>;

/// The errors of guest calls, mapped once: our own [`Abort`] comes back as it went in.
fn abort_of(e: &wasmi::Error) -> Abort {
    if let Some(a) = e.downcast_ref::<Abort>() {
        return a.clone();
    }
    match e.as_trap_code() {
        Some(TrapCode::OutOfFuel) => Abort::Interrupted,
        // Worded as wasmtime words traps.
        Some(code) => Abort::Trap(format!("wasm trap: {code}")),
        None => Abort::Trap(e.to_string()),
    }
}

/// Calls `f`, on fuel slices when there is a deadline or the guest may move: each exhausted
/// slice either gets refilled or, past the deadline, stops the guest with
/// [`Abort::Interrupted`]; once the guest's compiled code is ready, each slice also asks the
/// guest to stop ([`request_stop`]).
fn call<P, R>(
    ctx: &mut impl AsContextMut<Data = WCtx>,
    ex: &Exports,
    f: &TypedFunc<P, R>,
    params: P,
) -> Result<R, Abort>
where
    P: WasmParams,
    R: WasmResults,
{
    let tiering = ctx.as_context_mut().data().tier_up.is_some();
    if ex.deadline.is_none() && !tiering {
        return f.call(&mut *ctx, params).map_err(|e| abort_of(&e));
    }
    let mut state = f
        .call_resumable(&mut *ctx, params)
        .map_err(|e| abort_of(&e))?;
    loop {
        match state {
            TypedResumableCall::Finished(r) => return Ok(r),
            TypedResumableCall::HostTrap(t) => return Err(abort_of(t.host_error())),
            TypedResumableCall::OutOfFuel(t) => {
                if ex.deadline.is_some_and(|d| Instant::now() >= d) {
                    return Err(Abort::Interrupted);
                }
                if upgrade_ready(ctx) {
                    request_stop(ctx, ex);
                }
                let fuel = FUEL_SLICE.max(t.required_fuel());
                ctx.as_context_mut()
                    .set_fuel(fuel)
                    .map_err(|e| abort_of(&e))?;
                state = t.resume(&mut *ctx).map_err(|e| abort_of(&e))?;
            }
        }
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
            // Calls from the top level may stop for the move (nested ones must not: a host
            // function waits for their result).
            Some(t) if Self::TOP_LEVEL => {
                let status = call(self, ex, &t.resume, ())?;
                glue::loop_status(StoreLike::data(self), status);
                Ok(())
            }
            _ => call(self, ex, &ex.resume, ()),
        }
    }

    fn getsp(&mut self, ex: &Exports) -> Result<i32, Abort> {
        call(self, ex, &ex.getsp, ())
    }

    fn run(&mut self, ex: &Exports, argc: i32, argv: i32) -> Result<(), Abort> {
        match &ex.tiering {
            Some(t) if Self::TOP_LEVEL => {
                let status = call(self, ex, &t.run, (argc, argv))?;
                glue::loop_status(StoreLike::data(self), status);
                Ok(())
            }
            _ => call(self, ex, &ex.run, (argc, argv)),
        }
    }

    fn continue_loop(&mut self, ex: &Exports) -> Result<(), Abort> {
        let t = ex.tiering.as_ref().ok_or_else(glue::not_prepared)?;
        let status = call(self, ex, &t.dispatch, ())?;
        glue::loop_status(StoreLike::data(self), status);
        Ok(())
    }

    fn arm(&mut self, upgrade: std::sync::Arc<super::tiered::Upgrade>) {
        StoreLike::data(self).tier_up = Some(upgrade);
        // Fuel in slices, so the host gets control back to ask the guest to stop.
        let _ = self.as_context_mut().set_fuel(FUEL_SLICE);
    }

    fn save(&mut self, ex: &Exports) -> Result<Snapshot, Abort> {
        let ctx = self.as_context_mut();
        let memory = ex.mem.data(&ctx).to_vec();
        let globals = ex.globals.iter().map(|g| match g.get(&ctx) {
            Val::I32(v) => Ok(GlobalValue::I32(v)),
            Val::I64(v) => Ok(GlobalValue::I64(v)),
            Val::F32(v) => Ok(GlobalValue::F32(v.to_bits())),
            Val::F64(v) => Ok(GlobalValue::F64(v.to_bits())),
            _ => Err(glue::snapshot_mismatch("a global that is not a number")),
        });
        Ok(Snapshot {
            memory,
            globals: globals.collect::<Result<_, _>>()?,
        })
    }

    fn load(&mut self, ex: &Exports, snapshot: &Snapshot) -> Result<(), Abort> {
        let mut ctx = self.as_context_mut();
        let current = ex.mem.data(&ctx).len() as u64;
        let grow = glue::pages_to_grow(snapshot, ex.globals.len(), current)?;
        if grow > 0 {
            ex.mem
                .grow(&mut ctx, grow)
                .map_err(|e| glue::snapshot_mismatch(&format!("growing memory: {e}")))?;
        }
        ex.mem.data_mut(&mut ctx).copy_from_slice(&snapshot.memory);
        for (g, v) in ex.globals.iter().zip(&snapshot.globals) {
            if g.ty(&ctx).mutability() == Mutability::Const {
                continue; // the same constant on both sides
            }
            let v = match *v {
                GlobalValue::I32(v) => Val::I32(v),
                GlobalValue::I64(v) => Val::I64(v),
                GlobalValue::F32(v) => Val::F32(wasmi::F32::from_bits(v)),
                GlobalValue::F64(v) => Val::F64(wasmi::F64::from_bits(v)),
            };
            g.set(&mut ctx, v)
                .map_err(|e| glue::snapshot_mismatch(&format!("setting a global: {e}")))?;
        }
        Ok(())
    }
}

fn call_test_export(caller: &mut Caller<'_, WCtx>, a: i32, b: i64) -> Result<i64, Abort> {
    let func = |caller: &mut Caller<'_, WCtx>, name: &str| {
        caller
            .get_export(name)
            .and_then(Extern::into_func)
            .ok_or_else(|| glue::missing_export(name))
    };
    let ex = caller
        .data()
        .exports
        .clone()
        .ok_or_else(|| glue::missing_export(glue::TEST_EXPORT0))?;
    let f0 = func(caller, glue::TEST_EXPORT0)?;
    let f0 = f0.typed::<(), ()>(&*caller).map_err(|e| abort_of(&e))?;
    call(caller, &ex, &f0, ())?;
    let f = func(caller, glue::TEST_EXPORT)?;
    let f = f
        .typed::<(i32, i64), i64>(&*caller)
        .map_err(|e| abort_of(&e))?;
    call(caller, &ex, &f, (a, b))
}

impl Link for Linker<WCtx> {
    fn sp(&mut self, m: &str, n: &str, f: SpFn) -> Result<(), String> {
        self.func_wrap(m, n, move |caller: Caller<'_, WCtx>, sp: i32| {
            imports::guarded(f, &mut G::new(caller), sp as u32).map_err(wasmi::Error::host)
        })
        .map(drop)
        .map_err(|e| e.to_string())
    }

    fn debug(&mut self, m: &str, n: &str) -> Result<(), String> {
        self.func_wrap(m, n, |caller: Caller<'_, WCtx>, v: i32| {
            imports::debug(&mut G::new(caller), v).map_err(wasmi::Error::host)
        })
        .map(drop)
        .map_err(|e| e.to_string())
    }

    fn test_add(&mut self, m: &str, n: &str) -> Result<(), String> {
        self.func_wrap(m, n, glue::test_add)
            .map(drop)
            .map_err(|e| e.to_string())
    }

    fn test_call_export(&mut self, m: &str, n: &str) -> Result<(), String> {
        self.func_wrap(m, n, |mut caller: Caller<'_, WCtx>, a: i32, b: i64| {
            call_test_export(&mut caller, a, b).map_err(wasmi::Error::host)
        })
        .map(drop)
        .map_err(|e| e.to_string())
    }
}

impl wasmi::ResourceLimiter for MemoryCap {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> Result<bool, wasmi_core::LimiterError> {
        Ok(self.allows(desired as u64))
    }

    fn table_growing(
        &mut self,
        _current: usize,
        _desired: usize,
        _maximum: Option<usize>,
    ) -> Result<bool, wasmi_core::LimiterError> {
        Ok(true)
    }

    fn instances(&self) -> usize {
        1
    }

    fn tables(&self) -> usize {
        1
    }

    fn memories(&self) -> usize {
        1
    }
}

fn module(m: &Compiled) -> Result<&Module, Error> {
    m.downcast_ref::<Module>()
        .ok_or_else(|| Error::engine("module compiled by another engine"))
}

impl Engine {
    /// An engine whose stack limits allow at least the recursion `settings.max_wasm_stack`
    /// allows on wasmtime, with fuel metering on so deadlines can be enforced.
    pub fn new(settings: &Settings) -> Result<Engine, Error> {
        let mut config = wasmi::Config::default();
        // wasmi counts frames and value-stack bytes separately; both grow on demand, so
        // generous limits cost nothing until a guest recurses that deep.
        config.set_max_recursion_depth((settings.max_wasm_stack / BYTES_PER_FRAME).max(1024));
        config.set_max_stack_height(settings.max_wasm_stack.saturating_mul(8).max(1 << 20));
        config.consume_fuel(true);
        // Functions are translated lazily, on first call; running out of fuel for that is not
        // resumable in wasmi, so translation is free and only execution spends fuel.
        config.fuel_cost(CustomFuelCosts {
            bytes_copied_per_fuel: 64, // wasmi's default
            fuel_per_bytes_translated: 0,
            fuel_per_bytes_validated: 0,
        });
        Ok(Engine {
            engine: wasmi::Engine::new(&config),
        })
    }
}

impl EngineImpl for Engine {
    /// Validates `wasm` (functions are translated lazily, on first call): an interpreter has
    /// one tier.
    fn compile(&self, wasm: &[u8], _tier: CodeTier) -> Result<Compiled, Error> {
        let m = Module::new(&self.engine, wasm).map_err(|e| super::compile_error(e.to_string()))?;
        Ok(Arc::new(m))
    }

    fn caches_code(&self) -> bool {
        false
    }

    fn identity(&self, _tier: CodeTier) -> String {
        "wasmi-2".into()
    }

    /// With `timeout`, the guest runs on fuel slices and is stopped once `host.deadline`
    /// passes.
    fn instantiate(
        &self,
        m: &Compiled,
        host: Host,
        timeout: bool,
    ) -> Result<Box<dyn Backend>, Error> {
        let module = module(m)?;
        let deadline = host.deadline.filter(|_| timeout);
        let capped = host.memory_cap.max.is_some();
        let mut store = Store::new(&self.engine, Ctx::new(host));
        if capped {
            store.limiter(|ctx| &mut ctx.host.memory_cap);
        }
        let fuel = if deadline.is_some() {
            FUEL_SLICE
        } else {
            u64::MAX
        };
        store
            .set_fuel(fuel)
            .map_err(|e| Error::engine(format!("setting fuel: {e}")))?;
        let mut linker: Linker<WCtx> = Linker::new(&self.engine);
        // A module may import the same function twice.
        linker.allow_shadowing(true);
        glue::link_imports(
            module.imports().map(|i| (i.module(), i.name())),
            &mut linker,
        )?;
        let instance = linker
            .instantiate_and_start(&mut store, module)
            .map_err(|e| match store.data().host.memory_cap.reached() {
                Some(limit) => Error::LimitExceeded(limit),
                None => super::instantiate_error(e.to_string(), e),
            })?;
        let func = |name| {
            instance
                .get_func(&store, name)
                .ok_or_else(|| glue::not_go(name))
        };
        let (run, resume, getsp) = (func(glue::RUN)?, func(glue::RESUME)?, func(glue::GETSP)?);
        let exports = Exports {
            mem: instance
                .get_memory(&store, glue::MEM)
                .ok_or_else(|| glue::not_go(glue::MEM))?,
            run: run.typed(&store).map_err(|_| glue::not_go(glue::RUN))?,
            resume: resume
                .typed(&store)
                .map_err(|_| glue::not_go(glue::RESUME))?,
            getsp: getsp.typed(&store).map_err(|_| glue::not_go(glue::GETSP))?,
            deadline,
            globals: glue::movable_globals(|name| instance.get_global(&store, name)),
            tiering: Tiering::of(&instance, &store),
        };
        store.data_mut().exports = Some(std::rc::Rc::new(exports));
        Ok(Box::new(TopLevel {
            guest: G::new(store),
            _keep: None,
        }))
    }
}
