//! wasmi backend (an interpreter: no native code, nothing to cache).
//!
//! Deadlines are enforced with fuel: when the guest has a deadline, the store gets a slice of
//! fuel at a time and every call into the guest is resumable; each time a slice runs out we
//! check the clock and either refill or stop the guest. Without a deadline the store gets fuel
//! it never exhausts.

use std::time::Instant;

use wasmi::errors::HostError;
use wasmi::{
    AsContext, AsContextMut, Caller, CustomFuelCosts, Extern, Linker, Memory, Module, Store,
    TrapCode, TypedFunc, TypedResumableCall, WasmParams, WasmResults,
};

use super::{Backend, Settings};
use crate::error::{Abort, Error};
use crate::guest::Guest;
use crate::host::Host;
use crate::imports::{self, Import};

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

struct Ctx {
    host: Host,
    /// Shared, so a host function reaches an export without cloning its typed handle
    /// (cloning a wasmtime `TypedFunc` clones its registered type: measurable per call).
    exports: Option<std::rc::Rc<Exports>>,
    /// Set when the guest runs on fuel slices and must stop at this instant.
    deadline: Option<Instant>,
}

#[derive(Clone)]
struct Exports {
    mem: Memory,
    resume: TypedFunc<(), ()>,
    getsp: TypedFunc<(), i32>,
}

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

/// Calls `f`, on fuel slices when the store has a deadline: each exhausted slice either gets
/// refilled or, past the deadline, stops the guest with [`Abort::Interrupted`].
fn call<P, R>(
    ctx: &mut impl AsContextMut<Data = Ctx>,
    f: &TypedFunc<P, R>,
    params: P,
) -> Result<R, Abort>
where
    P: WasmParams,
    R: WasmResults,
{
    let Some(deadline) = ctx.as_context().data().deadline else {
        return f.call(&mut *ctx, params).map_err(|e| abort_of(&e));
    };
    let mut state = f
        .call_resumable(&mut *ctx, params)
        .map_err(|e| abort_of(&e))?;
    loop {
        match state {
            TypedResumableCall::Finished(r) => return Ok(r),
            TypedResumableCall::HostTrap(t) => return Err(abort_of(t.host_error())),
            TypedResumableCall::OutOfFuel(t) => {
                if Instant::now() >= deadline {
                    return Err(Abort::Interrupted);
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

trait StoreLike: AsContextMut<Data = Ctx> {
    fn ctx(&mut self) -> &mut Ctx;
}

impl StoreLike for Store<Ctx> {
    fn ctx(&mut self) -> &mut Ctx {
        self.data_mut()
    }
}

impl StoreLike for Caller<'_, Ctx> {
    fn ctx(&mut self) -> &mut Ctx {
        self.data_mut()
    }
}

/// The guest seen through a store or a caller.
struct G<S>(S);

impl<S: StoreLike> G<S> {
    fn exports(&mut self) -> Result<std::rc::Rc<Exports>, Abort> {
        self.0
            .ctx()
            .exports
            .clone()
            .ok_or_else(|| Abort::Fault("guest not instantiated yet".into()))
    }
}

impl<S: StoreLike> crate::js::Agent for G<S> {
    fn realm_any(&mut self) -> &mut dyn std::any::Any {
        &mut self.host().realm
    }

    fn call_foreign(
        &mut self,
        id: u32,
        this: &crate::js::Value,
        args: &[crate::js::Value],
    ) -> crate::js::JsResult {
        crate::guest::call_go(self, id, this, args)
    }
}

impl<S: StoreLike> Guest for G<S> {
    fn host(&mut self) -> &mut Host {
        &mut self.0.ctx().host
    }

    fn with_memory(
        &mut self,
        f: &mut dyn FnMut(&mut dyn crate::abi::Memory, &mut Host) -> Result<(), Abort>,
    ) -> Result<(), Abort> {
        let mem = self.exports()?.mem;
        let (mut data, ctx) = mem.data_and_store_mut(&mut self.0);
        f(&mut data, &mut ctx.host)
    }

    fn resume(&mut self) -> Result<(), Abort> {
        let ex = self.exports()?;
        let resume = &ex.resume;
        call(&mut self.0, resume, ())
    }

    fn getsp(&mut self) -> Result<u32, Abort> {
        let ex = self.exports()?;
        let getsp = &ex.getsp;
        call(&mut self.0, getsp, ()).map(|sp| sp as u32)
    }
}

struct Instance {
    guest: G<Store<Ctx>>,
    run: TypedFunc<(i32, i32), ()>,
}

impl Backend for Instance {
    fn guest(&mut self) -> &mut dyn Guest {
        &mut self.guest
    }

    fn start(&mut self, argc: i32, argv: i32) -> Result<(), Abort> {
        call(&mut self.guest.0, &self.run, (argc, argv))
    }
}

fn call_test_export(caller: &mut Caller<'_, Ctx>, a: i32, b: i64) -> Result<i64, Abort> {
    let missing = |n: &str| Abort::Fault(format!("the guest does not export {n}"));
    let f0 = caller
        .get_export("testExport0")
        .and_then(Extern::into_func)
        .ok_or_else(|| missing("testExport0"))?;
    let f0 = f0.typed::<(), ()>(&*caller).map_err(|e| abort_of(&e))?;
    call(caller, &f0, ())?;
    let f = caller
        .get_export("testExport")
        .and_then(Extern::into_func)
        .ok_or_else(|| missing("testExport"))?;
    let f = f
        .typed::<(i32, i64), i64>(&*caller)
        .map_err(|e| abort_of(&e))?;
    call(caller, &f, (a, b))
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

    /// Validates `wasm` (functions are translated lazily, on first call).
    pub fn compile(&self, wasm: &[u8]) -> Result<Module, Error> {
        Module::new(&self.engine, wasm).map_err(|e| Error::InvalidModule(e.to_string()))
    }

    /// Instantiates `module` with the `gojs` imports linked. With `timeout`, the guest runs on
    /// fuel slices and is stopped once `host.deadline` passes.
    pub fn instantiate(
        &self,
        module: &Module,
        host: Host,
        timeout: bool,
    ) -> Result<Box<dyn Backend>, Error> {
        let deadline = host.deadline.filter(|_| timeout);
        let mut store = Store::new(
            &self.engine,
            Ctx {
                host,
                exports: None,
                deadline,
            },
        );
        let fuel = if deadline.is_some() {
            FUEL_SLICE
        } else {
            u64::MAX
        };
        store
            .set_fuel(fuel)
            .map_err(|e| Error::Engine(format!("setting fuel: {e}")))?;
        let mut linker: Linker<Ctx> = Linker::new(&self.engine);
        // A module may import the same function twice.
        linker.allow_shadowing(true);
        for import in module.imports() {
            let (m, n) = (import.module(), import.name());
            let unknown = || Error::UnknownImport {
                module: m.into(),
                name: n.into(),
            };
            let linked = match imports::lookup(m, n).ok_or_else(unknown)? {
                Import::Sp(f) => linker.func_wrap(m, n, move |caller: Caller<'_, Ctx>, sp: i32| {
                    imports::guarded(f, &mut G(caller), sp as u32).map_err(wasmi::Error::host)
                }),
                Import::Debug => linker.func_wrap(m, n, |caller: Caller<'_, Ctx>, v: i32| {
                    imports::debug(&mut G(caller), v).map_err(wasmi::Error::host)
                }),
                Import::TestAdd => linker.func_wrap(m, n, |a: i32, b: i32| a.wrapping_add(b)),
                Import::TestCallExport => {
                    linker.func_wrap(m, n, |mut caller: Caller<'_, Ctx>, a: i32, b: i64| {
                        call_test_export(&mut caller, a, b).map_err(wasmi::Error::host)
                    })
                }
            };
            linked.map_err(|e| Error::Engine(format!("linking {m}::{n}: {e}")))?;
        }
        let instance = linker
            .instantiate_and_start(&mut store, module)
            .map_err(|e| Error::Engine(format!("instantiating: {e}")))?;
        let not_go =
            |what: &str| Error::NotGoProgram(format!("missing or mistyped export {what:?}"));
        let mem = instance
            .get_memory(&store, "mem")
            .ok_or_else(|| not_go("mem"))?;
        let resume = instance
            .get_typed_func::<(), ()>(&store, "resume")
            .map_err(|_| not_go("resume"))?;
        let getsp = instance
            .get_typed_func::<(), i32>(&store, "getsp")
            .map_err(|_| not_go("getsp"))?;
        let run = instance
            .get_typed_func::<(i32, i32), ()>(&store, "run")
            .map_err(|_| not_go("run"))?;
        store.data_mut().exports = Some(std::rc::Rc::new(Exports { mem, resume, getsp }));
        Ok(Box::new(Instance {
            guest: G(store),
            run,
        }))
    }
}
