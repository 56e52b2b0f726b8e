//! wasmtime backend: maps wasmtime's store, caller, typed functions and traps onto the shared
//! glue. Deadlines are enforced inside running code by epoch interruption.

use std::any::Any;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use wasmtime::{AsContextMut, Caller, Linker, Memory, Module, Store, Trap, TypedFunc};

use super::glue::{self, Access, Ctx, Link, TopLevel, G};
use super::{Backend, CodeTier, Compiled, EngineImpl, Settings};
use crate::error::{Abort, Error};
use crate::host::Host;
use crate::imports::{self, SpFn};
use crate::limits::MemoryCap;

/// wasmtime configured for Go guests: a Cranelift engine and a Winch one.
pub struct Engine {
    optimized: wasmtime::Engine,
    baseline: wasmtime::Engine,
    ticker: Arc<OnceLock<()>>,
}

/// The exports the host calls.
pub struct Exports {
    mem: Memory,
    run: TypedFunc<(i32, i32), ()>,
    resume: TypedFunc<(), ()>,
    getsp: TypedFunc<(), i32>,
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
    fn data(&mut self) -> &mut WCtx;
}

impl StoreLike for Store<WCtx> {
    fn data(&mut self) -> &mut WCtx {
        self.data_mut()
    }
}

impl StoreLike for Caller<'_, WCtx> {
    fn data(&mut self) -> &mut WCtx {
        self.data_mut()
    }
}

impl<T: StoreLike> Access<Exports> for T {
    fn ctx(&mut self) -> &mut WCtx {
        StoreLike::data(self)
    }

    fn with_memory(
        &mut self,
        ex: &Exports,
        f: &mut dyn FnMut(&mut dyn crate::abi::Memory, &mut Host) -> Result<(), Abort>,
    ) -> Result<(), Abort> {
        let (mut data, ctx) = ex.mem.data_and_store_mut(self.as_context_mut());
        f(&mut data, &mut ctx.host)
    }

    fn resume(&mut self, ex: &Exports) -> Result<(), Abort> {
        ex.resume.call(self, ()).map_err(abort_of)
    }

    fn getsp(&mut self, ex: &Exports) -> Result<i32, Abort> {
        ex.getsp.call(self, ()).map_err(abort_of)
    }

    fn run(&mut self, ex: &Exports, argc: i32, argv: i32) -> Result<(), Abort> {
        ex.run.call(self, (argc, argv)).map_err(abort_of)
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
        self.func_wrap(m, n, move |caller: Caller<'_, WCtx>, sp: i32| {
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
        let engine = |strategy| {
            wasmtime::Engine::new(&config(settings, strategy))
                .map_err(|e| Error::engine(format!("{e:#}")))
        };
        Ok(Engine {
            optimized: engine(wasmtime::Strategy::Cranelift)?,
            baseline: engine(wasmtime::Strategy::Winch)?,
            ticker: Arc::new(OnceLock::new()),
        })
    }

    fn engine(&self, tier: CodeTier) -> &wasmtime::Engine {
        match tier {
            CodeTier::Baseline => &self.baseline,
            CodeTier::Optimized => &self.optimized,
        }
    }

    /// Ticks the engine's epoch so deadlines are noticed inside running guest code.
    fn start_ticker(&self) {
        self.ticker.get_or_init(|| {
            let engines = [self.optimized.clone(), self.baseline.clone()];
            std::thread::Builder::new()
                .name("wasmexec-epoch".into())
                .spawn(move || loop {
                    std::thread::sleep(Duration::from_millis(10));
                    engines.iter().for_each(wasmtime::Engine::increment_epoch);
                })
                .expect("spawn the epoch ticker thread");
        });
    }

    fn set_deadline(&self, store: &mut Store<WCtx>, deadline: Option<Instant>) {
        match deadline {
            Some(deadline) => {
                self.start_ticker();
                store.set_epoch_deadline(1);
                store.epoch_deadline_callback(move |_| {
                    if Instant::now() >= deadline {
                        Err(wasmtime::Error::new(Abort::Interrupted))
                    } else {
                        Ok(wasmtime::UpdateDeadline::Continue(1))
                    }
                });
            }
            // No deadline: far enough that the ticker (started by any instance with a
            // deadline) never reaches it, without overflowing the current epoch plus this.
            None => store.set_epoch_deadline(u64::MAX / 2),
        }
    }
}

impl EngineImpl for Engine {
    fn has_baseline(&self) -> bool {
        true
    }

    fn compile(&self, wasm: &[u8], tier: CodeTier) -> Result<Compiled, Error> {
        let m = Module::new(self.engine(tier), wasm)
            .map_err(|e| super::compile_error(format!("{e:#}")))?;
        Ok(Arc::new(m))
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

    fn identity(&self, tier: CodeTier) -> String {
        let mut h = crate::cache::Digest::new();
        std::hash::Hash::hash(&self.engine(tier).precompile_compatibility_hash(), &mut h);
        format!("wasmtime-48-{tier:?}-{}", h.hex())
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
        };
        store.data_mut().exports = Some(std::rc::Rc::new(exports));
        Ok(Box::new(TopLevel {
            guest: G::new(store),
            _keep: None,
        }))
    }
}
