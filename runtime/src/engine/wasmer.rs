//! wasmer backend (Cranelift).
//!
//! wasmer's sys API has no epoch interruption, so a deadline is only enforced between guest
//! calls (by the event loop), not inside running guest code.

use std::marker::PhantomData;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use wasmer::sys::vm::TrapCode;
use wasmer::{
    Function, FunctionEnv, FunctionEnvMut, Imports, Memory, MemoryView, Module, RuntimeError,
    Store, TypedFunction,
};

use super::{Backend, Settings};
use crate::error::{Abort, Error};
use crate::guest::Guest;
use crate::host::Host;
use crate::imports::{self, Import};

/// A wasmer engine (Cranelift) configured for Go guests.
pub struct Engine {
    engine: wasmer::Engine,
}

/// The state host functions reach through their [`FunctionEnv`].
struct Ctx {
    host: Host,
    /// Shared, so a host function reaches an export without cloning its typed handle
    /// (cloning a wasmtime `TypedFunc` clones its registered type: measurable per call).
    exports: Option<std::rc::Rc<Exports>>,
    /// Every export, for `_gotest.callExport`.
    all_exports: Option<wasmer::Exports>,
}

// SAFETY: wasmer requires `Send` of function environments, and `Host` is not `Send` (its JS
// values are `Rc`s that the embedder may share). A `Ctx` is only ever reachable through the one
// `Store` it was created in, which lives in an `Instance` that is neither `Send` nor `Sync`
// (see its marker field) and is not handed out; and wasmer's sys backend runs host functions
// synchronously on the thread that called into the guest. So a `Ctx` is only ever touched, and
// dropped, on the thread that created it.
unsafe impl Send for Ctx {}

#[derive(Clone)]
struct Exports {
    mem: Memory,
    resume: TypedFunction<(), ()>,
    getsp: TypedFunction<(), i32>,
}

/// Interrupts a store's running wasm once a deadline passes, and keeps re-sending the
/// interrupt (wasmer may miss one that lands between calls) until dropped.
struct Watchdog {
    stop: Arc<AtomicBool>,
}

impl Watchdog {
    fn start(interrupter: wasmer::Interrupter, deadline: Instant) -> Watchdog {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        std::thread::spawn(move || {
            while !flag.load(Ordering::Relaxed) {
                let now = Instant::now();
                if now >= deadline {
                    interrupter.interrupt();
                    std::thread::sleep(Duration::from_millis(20));
                } else {
                    std::thread::sleep((deadline - now).min(Duration::from_millis(50)));
                }
            }
        });
        Watchdog { stop }
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// The errors of guest calls, mapped once: our own [`Abort`] comes back as it went in.
fn abort_of(e: RuntimeError) -> Abort {
    if let Some(a) = e.downcast_ref::<Abort>() {
        return a.clone();
    }
    match e.clone().to_trap() {
        // Worded as wasmtime words traps.
        Some(TrapCode::UnreachableCodeReached) => {
            Abort::Trap("wasm trap: wasm `unreachable` instruction executed".into())
        }
        Some(TrapCode::HostInterrupt) => Abort::Interrupted,
        Some(code) => Abort::Trap(format!("wasm trap: {}", code.message())),
        None => Abort::Trap(e.message()),
    }
}

/// Linear memory seen through a [`MemoryView`], bounds-checked by wasmer.
struct View<'a>(MemoryView<'a>);

impl View<'_> {
    fn fault(&self, addr: u64, n: usize) -> Abort {
        Abort::Fault(format!(
            "memory access of {n} bytes at {addr:#x} is outside linear memory ({} bytes)",
            self.0.data_size()
        ))
    }
}

impl crate::abi::Memory for View<'_> {
    fn read(&self, addr: u64, out: &mut [u8]) -> Result<(), Abort> {
        self.0
            .read(addr, out)
            .map_err(|_| self.fault(addr, out.len()))
    }

    fn write(&mut self, addr: u64, data: &[u8]) -> Result<(), Abort> {
        self.0
            .write(addr, data)
            .map_err(|_| self.fault(addr, data.len()))
    }
}

/// Something that lends the guest's store together with its [`Ctx`]: the store itself at the
/// top level, the [`FunctionEnvMut`] a host function receives when nested.
trait EnvLike {
    fn env(&mut self) -> FunctionEnvMut<'_, Ctx>;
    fn ctx(&mut self) -> &mut Ctx;
}

struct Top {
    store: Store,
    env: FunctionEnv<Ctx>,
}

impl EnvLike for Top {
    fn env(&mut self) -> FunctionEnvMut<'_, Ctx> {
        self.env.clone().into_mut(&mut self.store)
    }

    fn ctx(&mut self) -> &mut Ctx {
        self.env.as_mut(&mut self.store)
    }
}

impl EnvLike for FunctionEnvMut<'_, Ctx> {
    fn env(&mut self) -> FunctionEnvMut<'_, Ctx> {
        self.as_mut()
    }

    fn ctx(&mut self) -> &mut Ctx {
        self.data_mut()
    }
}

/// The guest seen through a store or a host function's environment.
struct G<S>(S);

impl<S: EnvLike> G<S> {
    fn exports(&mut self) -> Result<std::rc::Rc<Exports>, Abort> {
        self.0
            .ctx()
            .exports
            .clone()
            .ok_or_else(|| Abort::Fault("guest not instantiated yet".into()))
    }
}

impl<S: EnvLike> crate::js::Agent for G<S> {
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

impl<S: EnvLike> Guest for G<S> {
    fn host(&mut self) -> &mut Host {
        &mut self.0.ctx().host
    }

    fn with_memory(
        &mut self,
        f: &mut dyn FnMut(&mut dyn crate::abi::Memory, &mut Host) -> Result<(), Abort>,
    ) -> Result<(), Abort> {
        let mut env = self.0.env();
        let (ctx, store) = env.data_and_store_mut();
        let mem = &ctx
            .exports
            .as_ref()
            .ok_or_else(|| Abort::Fault("guest not instantiated yet".into()))?
            .mem;
        let mut view = View(mem.view(&store));
        f(&mut view, &mut ctx.host)
    }

    fn resume(&mut self) -> Result<(), Abort> {
        let ex = self.exports()?;
        let resume = &ex.resume;
        resume.call(&mut self.0.env()).map_err(abort_of)
    }

    fn getsp(&mut self) -> Result<u32, Abort> {
        let ex = self.exports()?;
        let getsp = &ex.getsp;
        getsp
            .call(&mut self.0.env())
            .map(|sp| sp as u32)
            .map_err(abort_of)
    }
}

struct Instance {
    guest: G<Top>,
    run: TypedFunction<(i32, i32), ()>,
    /// Interrupts the guest once its deadline passes; stops when the instance is dropped.
    _watchdog: Option<Watchdog>,
    /// Keeps the instance (and so the `Ctx` in its store) on the thread that made it.
    _not_send: PhantomData<*const ()>,
}

impl Backend for Instance {
    fn guest(&mut self) -> &mut dyn Guest {
        &mut self.guest
    }

    fn start(&mut self, argc: i32, argv: i32) -> Result<(), Abort> {
        self.run
            .call(&mut self.guest.0.env(), argc, argv)
            .map_err(abort_of)
    }
}

fn call_test_export(env: &mut FunctionEnvMut<'_, Ctx>, a: i32, b: i64) -> Result<i64, Abort> {
    let missing = |n: &str| Abort::Fault(format!("the guest does not export {n}"));
    let (f0, f) = {
        let exports = env
            .data()
            .all_exports
            .as_ref()
            .ok_or_else(|| missing("anything yet"))?;
        let f0 = exports
            .get_typed_function::<(), ()>(&*env, "testExport0")
            .map_err(|_| missing("testExport0"))?;
        let f = exports
            .get_typed_function::<(i32, i64), i64>(&*env, "testExport")
            .map_err(|_| missing("testExport"))?;
        (f0, f)
    };
    f0.call(env).map_err(abort_of)?;
    f.call(env, a, b).map_err(abort_of)
}

impl Engine {
    /// A Cranelift engine. wasmer runs guests on stacks of its own, sized process-wide: this
    /// raises that size to at least `settings.max_wasm_stack`.
    pub fn new(settings: &Settings) -> Result<Engine, Error> {
        let vm = wasmer::sys::vm::get_stack_size();
        if vm < settings.max_wasm_stack {
            wasmer::sys::vm::set_stack_size(settings.max_wasm_stack);
        }
        let engine = wasmer::Engine::from(wasmer::sys::Cranelift::new());
        Ok(Engine { engine })
    }

    /// Compiles `wasm` to native code.
    pub fn compile(&self, wasm: &[u8]) -> Result<Module, Error> {
        Module::new(&self.engine, wasm).map_err(|e| Error::InvalidModule(e.to_string()))
    }

    /// Reloads code serialised by [`Module::serialize`]; `None` if it is not usable.
    pub fn deserialize(&self, bytes: &[u8]) -> Option<Module> {
        // SAFETY: `Module::deserialize` requires bytes produced by `Module::serialize` of a
        // compatible wasmer. The module cache only hands us bytes whose SHA-256 it verified
        // against the digest it recorded when it wrote them from `Module::serialize`, and
        // wasmer itself rejects bytes from another artifact version or for missing CPU features.
        unsafe { Module::deserialize(&self.engine, bytes).ok() }
    }

    /// Instantiates `module` with the `gojs` imports linked. With `timeout`, running guest code
    /// is interrupted at the host's deadline (wasmer's signal-based host interrupt).
    pub fn instantiate(
        &self,
        module: &Module,
        host: Host,
        timeout: bool,
    ) -> Result<Box<dyn Backend>, Error> {
        let deadline = host.deadline;
        let mut store = Store::new(self.engine.clone());
        let env = FunctionEnv::new(
            &mut store,
            Ctx {
                host,
                exports: None,
                all_exports: None,
            },
        );
        let mut linked = Imports::new();
        for import in module.imports() {
            let (m, n) = (import.module(), import.name());
            let unknown = || Error::UnknownImport {
                module: m.into(),
                name: n.into(),
            };
            let func = match imports::lookup(m, n).ok_or_else(unknown)? {
                Import::Sp(f) => Function::new_typed_with_env(
                    &mut store,
                    &env,
                    move |env: FunctionEnvMut<'_, Ctx>, sp: i32| {
                        imports::guarded(f, &mut G(env), sp as u32)
                    },
                ),
                Import::Debug => Function::new_typed_with_env(
                    &mut store,
                    &env,
                    |env: FunctionEnvMut<'_, Ctx>, v: i32| imports::debug(&mut G(env), v),
                ),
                Import::TestAdd => {
                    Function::new_typed(&mut store, |a: i32, b: i32| a.wrapping_add(b))
                }
                Import::TestCallExport => Function::new_typed_with_env(
                    &mut store,
                    &env,
                    |mut env: FunctionEnvMut<'_, Ctx>, a: i32, b: i64| {
                        call_test_export(&mut env, a, b)
                    },
                ),
            };
            // A module may import the same function twice: defining it again is harmless.
            linked.define(m, n, func);
        }
        let instance = wasmer::Instance::new(&mut store, module, &linked)
            .map_err(|e| Error::Engine(format!("instantiating: {e}")))?;
        let not_go =
            |what: &str| Error::NotGoProgram(format!("missing or mistyped export {what:?}"));
        let ex = &instance.exports;
        let mem = ex.get_memory("mem").map_err(|_| not_go("mem"))?.clone();
        let resume = ex
            .get_typed_function::<(), ()>(&store, "resume")
            .map_err(|_| not_go("resume"))?;
        let getsp = ex
            .get_typed_function::<(), i32>(&store, "getsp")
            .map_err(|_| not_go("getsp"))?;
        let run = ex
            .get_typed_function::<(i32, i32), ()>(&store, "run")
            .map_err(|_| not_go("run"))?;
        let ctx = env.as_mut(&mut store);
        ctx.exports = Some(std::rc::Rc::new(Exports {
            mem: mem.clone(),
            resume,
            getsp,
        }));
        ctx.all_exports = Some(instance.exports.clone());
        let watchdog = match (timeout, deadline) {
            (true, Some(deadline)) => Some(Watchdog::start(store.interrupter(), deadline)),
            _ => None,
        };
        let guest = G(Top { store, env });
        Ok(Box::new(Instance {
            guest,
            run,
            _watchdog: watchdog,
            _not_send: PhantomData,
        }))
    }
}
