//! wasmtime backend.

use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use wasmtime::{
    AsContextMut, Caller, Linker, Memory, Module, Store, Trap, TypedFunc, UpdateDeadline,
};

use super::{Backend, Settings};
use crate::error::{Abort, Error};
use crate::guest::Guest;
use crate::host::Host;
use crate::imports::{self, Import};

/// A wasmtime engine configured for Go guests.
pub struct Engine {
    engine: wasmtime::Engine,
    ticker: Arc<OnceLock<()>>,
}

struct Ctx {
    host: Host,
    /// Shared, so a host function reaches an export without cloning its typed handle
    /// (cloning a wasmtime `TypedFunc` clones its registered type: measurable per call).
    exports: Option<std::rc::Rc<Exports>>,
}

#[derive(Clone)]
struct Exports {
    mem: Memory,
    resume: TypedFunc<(), ()>,
    getsp: TypedFunc<(), i32>,
}

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
        let mem = self.0.ctx().exports.as_ref().map(|e| e.mem);
        let mem = mem.ok_or_else(|| Abort::Fault("guest not instantiated yet".into()))?;
        let (mut data, ctx) = mem.data_and_store_mut(&mut self.0);
        f(&mut data, &mut ctx.host)
    }

    fn resume(&mut self) -> Result<(), Abort> {
        let ex = self.exports()?;
        let resume = &ex.resume;
        resume.call(&mut self.0, ()).map_err(abort_of)
    }

    fn getsp(&mut self) -> Result<u32, Abort> {
        let ex = self.exports()?;
        let getsp = &ex.getsp;
        getsp
            .call(&mut self.0, ())
            .map(|sp| sp as u32)
            .map_err(abort_of)
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
        self.run
            .call(&mut self.guest.0, (argc, argv))
            .map_err(abort_of)
    }
}

fn call_test_export(caller: &mut Caller<'_, Ctx>, a: i32, b: i64) -> Result<i64, Abort> {
    let missing = |n: &str| Abort::Fault(format!("the guest does not export {n}"));
    let f0 = caller
        .get_export("testExport0")
        .and_then(|e| e.into_func())
        .ok_or_else(|| missing("testExport0"))?;
    let f0 = f0.typed::<(), ()>(&*caller).map_err(abort_of)?;
    f0.call(&mut *caller, ()).map_err(abort_of)?;
    let f = caller
        .get_export("testExport")
        .and_then(|e| e.into_func())
        .ok_or_else(|| missing("testExport"))?;
    let f = f.typed::<(i32, i64), i64>(&*caller).map_err(abort_of)?;
    f.call(&mut *caller, (a, b)).map_err(abort_of)
}

impl Engine {
    pub fn new(settings: &Settings) -> Result<Engine, Error> {
        let mut config = wasmtime::Config::new();
        config.max_wasm_stack(settings.max_wasm_stack);
        // Unused (no async), but wasmtime checks it bounds the wasm stack.
        config.async_stack_size(settings.max_wasm_stack + (1 << 20));
        config.epoch_interruption(true);
        let engine = wasmtime::Engine::new(&config).map_err(|e| Error::Engine(format!("{e:#}")))?;
        Ok(Engine {
            engine,
            ticker: Arc::new(OnceLock::new()),
        })
    }

    pub fn compile(&self, wasm: &[u8]) -> Result<Module, Error> {
        Module::new(&self.engine, wasm).map_err(|e| Error::InvalidModule(format!("{e:#}")))
    }

    pub fn deserialize(&self, bytes: &[u8]) -> Option<Module> {
        // SAFETY: `Module::deserialize` requires bytes produced by `Module::serialize` of a
        // compatible wasmtime. The module cache only hands us bytes whose SHA-256 it verified
        // against the digest it recorded when it wrote them from `Module::serialize`, and
        // wasmtime itself rejects bytes from another version or configuration.
        unsafe { Module::deserialize(&self.engine, bytes).ok() }
    }

    /// Ticks the engine's epoch so deadlines are noticed inside running guest code.
    fn start_ticker(&self) {
        self.ticker.get_or_init(|| {
            let engine = self.engine.clone();
            std::thread::Builder::new()
                .name("wasmexec-epoch".into())
                .spawn(move || loop {
                    std::thread::sleep(Duration::from_millis(10));
                    engine.increment_epoch();
                })
                .expect("spawn the epoch ticker thread");
        });
    }

    pub fn instantiate(
        &self,
        module: &Module,
        host: Host,
        timeout: bool,
    ) -> Result<Box<dyn Backend>, Error> {
        let deadline = host.deadline;
        let mut store = Store::new(
            &self.engine,
            Ctx {
                host,
                exports: None,
            },
        );
        match deadline {
            Some(deadline) if timeout => {
                self.start_ticker();
                store.set_epoch_deadline(1);
                store.epoch_deadline_callback(move |_| {
                    if Instant::now() >= deadline {
                        Err(wasmtime::Error::new(Abort::Interrupted))
                    } else {
                        Ok(UpdateDeadline::Continue(1))
                    }
                });
            }
            // No deadline: far enough that the ticker (started by any instance with a deadline)
            // never reaches it, without overflowing the current epoch plus this delta.
            _ => store.set_epoch_deadline(u64::MAX / 2),
        }
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
                    imports::guarded(f, &mut G(caller), sp as u32).map_err(wasmtime::Error::new)
                }),
                Import::Debug => linker.func_wrap(m, n, |caller: Caller<'_, Ctx>, v: i32| {
                    imports::debug(&mut G(caller), v).map_err(wasmtime::Error::new)
                }),
                Import::TestAdd => linker.func_wrap(m, n, |a: i32, b: i32| a.wrapping_add(b)),
                Import::TestCallExport => {
                    linker.func_wrap(m, n, |mut caller: Caller<'_, Ctx>, a: i32, b: i64| {
                        call_test_export(&mut caller, a, b).map_err(wasmtime::Error::new)
                    })
                }
            };
            linked.map_err(|e| Error::Engine(format!("linking {m}::{n}: {e:#}")))?;
        }
        let instance = linker
            .instantiate(&mut store, module)
            .map_err(|e| Error::Engine(format!("instantiating: {e:#}")))?;
        let not_go =
            |what: &str| Error::NotGoProgram(format!("missing or mistyped export {what:?}"));
        let mem = instance
            .get_memory(&mut store, "mem")
            .ok_or_else(|| not_go("mem"))?;
        let resume = instance
            .get_typed_func::<(), ()>(&mut store, "resume")
            .map_err(|_| not_go("resume"))?;
        let getsp = instance
            .get_typed_func::<(), i32>(&mut store, "getsp")
            .map_err(|_| not_go("getsp"))?;
        let run = instance
            .get_typed_func::<(i32, i32), ()>(&mut store, "run")
            .map_err(|_| not_go("run"))?;
        store.data_mut().exports = Some(std::rc::Rc::new(Exports { mem, resume, getsp }));
        Ok(Box::new(Instance {
            guest: G(store),
            run,
        }))
    }
}
