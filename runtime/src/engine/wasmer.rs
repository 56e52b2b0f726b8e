//! wasmer backend (Cranelift): maps wasmer's store, function environments, typed functions
//! and runtime errors onto the shared glue. A deadline interrupts running code with wasmer's
//! signal-based host interrupt.

use std::any::Any;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use wasmer::sys::vm::TrapCode;
use wasmer::{
    Function, FunctionEnv, FunctionEnvMut, Imports, Memory, Module, RuntimeError, Store,
    TypedFunction, Value,
};

use super::glue::{self, Access, Ctx, Link, TopLevel, G};
use super::state::{GlobalValue, Snapshot};
use super::wasmer_memory::{with_cap, GuestTunables};
use super::{Backend, CodeTier, Compiled, EngineImpl, Settings};
use crate::error::{Abort, Error};
use crate::guest::MemoryFn;
use crate::host::Host;
use crate::imports::{self, SpFn};
use wasmer::sys::NativeEngineExt as _;

/// wasmer configured for Go guests: a Cranelift engine and a Singlepass one.
pub struct Engine {
    optimized: wasmer::Engine,
    baseline: wasmer::Engine,
}

/// A compiled module and the engine that made it (its stores must be of that engine).
struct Compiled2 {
    module: Module,
    engine: wasmer::Engine,
}

/// The exports the host calls; all of them, for `_gotest.callExport`.
pub struct Exports {
    mem: Memory,
    run: TypedFunction<(i32, i32), ()>,
    resume: TypedFunction<(), ()>,
    getsp: TypedFunction<(), i32>,
    all: wasmer::Exports,
    /// The globals, when the module exports them to move between engines.
    globals: Vec<wasmer::Global>,
    /// The loop that carries out a switch the interpreter left pending.
    tier_loop: Option<TypedFunction<(), i32>>,
}

type WCtx = Ctx<Exports>;

// SAFETY: wasmer requires `Send` of function environments, and `Host` is not `Send` (its JS
// values are `Rc`s). A `WCtx` is only ever reachable through the one `Store` it was created
// in, which the `Instance` owning this backend owns exclusively; wasmer's sys backend runs
// host functions synchronously on the thread that called into the guest. So a `WCtx` moves
// only together with its whole instance, which is `Send` on the grounds given at
// `unsafe impl Send for Instance`, and is touched by one thread at a time.
unsafe impl Send for WCtx {}

/// Interrupts a store's running wasm once a deadline passes, and keeps re-sending the
/// interrupt (wasmer may miss one that lands between calls) until dropped.
struct Watchdog {
    stop: Arc<AtomicBool>,
}

/// How long after the deadline the first interrupt is sent. wasmer's interrupt is a signal
/// whose handler unwinds whatever runs on the guest's stack, wasmer's own host-call
/// trampolines included; once (CI, a guest calling the host in a tight loop, singlepass) the
/// guest faulted with "out of bounds memory access" instead of being interrupted, most
/// likely a signal landing there. A guest that calls the host is stopped first, and cleanly,
/// by the imports' own deadline check (`imports::guarded`, every 64 calls); only code that
/// never calls the host needs the signal, and there it lands in compiled wasm.
const SIGNAL_GRACE: Duration = Duration::from_millis(100);

impl Watchdog {
    fn start(interrupter: wasmer::Interrupter, deadline: Instant) -> Watchdog {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let deadline = deadline.checked_add(SIGNAL_GRACE).unwrap_or(deadline);
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

/// Something that lends the guest's store together with its context: the store itself at
/// the top level, the [`FunctionEnvMut`] a host function receives when nested.
trait EnvLike {
    fn env(&mut self) -> FunctionEnvMut<'_, WCtx>;
    fn data(&mut self) -> &mut WCtx;
}

/// The store at the top level, with the environment its host functions share.
pub struct Top {
    store: Store,
    env: FunctionEnv<WCtx>,
}

impl EnvLike for Top {
    fn env(&mut self) -> FunctionEnvMut<'_, WCtx> {
        self.env.clone().into_mut(&mut self.store)
    }

    fn data(&mut self) -> &mut WCtx {
        self.env.as_mut(&mut self.store)
    }
}

impl EnvLike for FunctionEnvMut<'_, WCtx> {
    fn env(&mut self) -> FunctionEnvMut<'_, WCtx> {
        self.as_mut()
    }

    fn data(&mut self) -> &mut WCtx {
        self.data_mut()
    }
}

impl<T: EnvLike> Access<Exports> for T {
    fn ctx(&mut self) -> &mut WCtx {
        self.data()
    }

    fn with_memory(&mut self, ex: &Exports, f: &mut MemoryFn<'_>) -> Result<(), Abort> {
        let mut env = self.env();
        let (ctx, store) = env.data_and_store_mut();
        let view = ex.mem.view(&store);
        // SAFETY: `data_unchecked_mut` asks that nothing else reads, writes or resizes this
        // memory while the slice lives. The slice lives only during `f`, which borrows the
        // store (through `env`) the whole time, so no wasm code runs and nothing grows the
        // memory: both need the store. `f` gets only the slice and the host state, which
        // holds no handle to the memory, and the memory is not shared with another thread
        // (one thread runs a store at a time, and Go guests have no threads). A slice also
        // spares wasmer's per-access view checks and lets strings be borrowed, not copied.
        let data = unsafe { view.data_unchecked_mut() };
        f(data, &mut ctx.host)
    }

    fn resume(&mut self, ex: &Exports) -> Result<(), Abort> {
        ex.resume.call(&mut self.env()).map_err(abort_of)
    }

    fn getsp(&mut self, ex: &Exports) -> Result<i32, Abort> {
        ex.getsp.call(&mut self.env()).map_err(abort_of)
    }

    fn run(&mut self, ex: &Exports, argc: i32, argv: i32) -> Result<(), Abort> {
        ex.run.call(&mut self.env(), argc, argv).map_err(abort_of)
    }

    fn save(&mut self, ex: &Exports) -> Result<Snapshot, Abort> {
        let mut env = self.env();
        let memory = ex
            .mem
            .view(&env)
            .copy_to_vec()
            .map_err(|e| glue::snapshot_mismatch(&format!("reading memory: {e}")))?;
        let globals = ex.globals.iter().map(|g| match g.get(&mut env) {
            Value::I32(v) => Ok(GlobalValue::I32(v)),
            Value::I64(v) => Ok(GlobalValue::I64(v)),
            Value::F32(v) => Ok(GlobalValue::F32(v.to_bits())),
            Value::F64(v) => Ok(GlobalValue::F64(v.to_bits())),
            _ => Err(glue::snapshot_mismatch("a global that is not a number")),
        });
        Ok(Snapshot {
            memory,
            globals: globals.collect::<Result<_, _>>()?,
        })
    }

    fn continue_loop(&mut self, ex: &Exports) -> Result<(), Abort> {
        let f = ex.tier_loop.as_ref().ok_or_else(glue::not_prepared)?;
        let status = f.call(&mut self.env()).map_err(abort_of)?;
        glue::loop_status(self.data(), status);
        Ok(())
    }

    fn load(&mut self, ex: &Exports, snapshot: &Snapshot) -> Result<(), Abort> {
        let mut env = self.env();
        let current = ex.mem.view(&env).data_size();
        let grow = glue::pages_to_grow(snapshot, ex.globals.len(), current)?;
        if grow > 0 {
            let pages = u32::try_from(grow).map_err(|_| glue::snapshot_mismatch("memory size"))?;
            ex.mem
                .grow(&mut env, wasmer::Pages(pages))
                .map_err(|e| glue::snapshot_mismatch(&format!("growing memory: {e}")))?;
        }
        ex.mem
            .view(&env)
            .write(0, &snapshot.memory)
            .map_err(|e| glue::snapshot_mismatch(&format!("writing memory: {e}")))?;
        for (g, v) in ex.globals.iter().zip(&snapshot.globals) {
            if g.ty(&env).mutability == wasmer::Mutability::Const {
                continue; // the same constant on both sides
            }
            let v = match *v {
                GlobalValue::I32(v) => Value::I32(v),
                GlobalValue::I64(v) => Value::I64(v),
                GlobalValue::F32(v) => Value::F32(f32::from_bits(v)),
                GlobalValue::F64(v) => Value::F64(f64::from_bits(v)),
            };
            g.set(&mut env, v)
                .map_err(|e| glue::snapshot_mismatch(&format!("setting a global: {e}")))?;
        }
        Ok(())
    }
}

fn call_test_export(env: &mut FunctionEnvMut<'_, WCtx>, a: i32, b: i64) -> Result<i64, Abort> {
    let exports = env.data().exports.clone();
    let all = &exports
        .as_ref()
        .ok_or_else(|| glue::missing_export("anything yet"))?
        .all;
    let f0 = all
        .get_typed_function::<(), ()>(&*env, glue::TEST_EXPORT0)
        .map_err(|_| glue::missing_export(glue::TEST_EXPORT0))?;
    let f = all
        .get_typed_function::<(i32, i64), i64>(&*env, glue::TEST_EXPORT)
        .map_err(|_| glue::missing_export(glue::TEST_EXPORT))?;
    f0.call(env).map_err(abort_of)?;
    f.call(env, a, b).map_err(abort_of)
}

/// Imports being defined against one store and environment.
struct Linking<'a> {
    store: &'a mut Store,
    env: &'a FunctionEnv<WCtx>,
    imports: Imports,
}

impl Link for Linking<'_> {
    fn sp(&mut self, m: &str, n: &str, f: SpFn) -> Result<(), String> {
        let func = Function::new_typed_with_env(
            self.store,
            self.env,
            move |env: FunctionEnvMut<'_, WCtx>, sp: i32| {
                imports::guarded(f, &mut G::new(env), sp as u32)
            },
        );
        // A module may import the same function twice: defining it again is harmless.
        self.imports.define(m, n, func);
        Ok(())
    }

    fn debug(&mut self, m: &str, n: &str) -> Result<(), String> {
        let func = Function::new_typed_with_env(
            self.store,
            self.env,
            |env: FunctionEnvMut<'_, WCtx>, v: i32| imports::debug(&mut G::new(env), v),
        );
        self.imports.define(m, n, func);
        Ok(())
    }

    fn test_add(&mut self, m: &str, n: &str) -> Result<(), String> {
        let func = Function::new_typed(self.store, glue::test_add);
        self.imports.define(m, n, func);
        Ok(())
    }

    fn test_call_export(&mut self, m: &str, n: &str) -> Result<(), String> {
        let func = Function::new_typed_with_env(
            self.store,
            self.env,
            |mut env: FunctionEnvMut<'_, WCtx>, a: i32, b: i64| call_test_export(&mut env, a, b),
        );
        self.imports.define(m, n, func);
        Ok(())
    }
}

fn module(m: &Compiled) -> Result<&Compiled2, Error> {
    m.downcast_ref::<Compiled2>()
        .ok_or_else(|| Error::engine("module compiled by another engine"))
}

impl Engine {
    /// A Cranelift engine. wasmer runs guests on stacks of its own, sized process-wide: this
    /// raises that size to at least `settings.max_wasm_stack`.
    pub fn new(settings: &Settings) -> Result<Engine, Error> {
        let vm = wasmer::sys::vm::get_stack_size();
        if vm < settings.max_wasm_stack {
            wasmer::sys::vm::set_stack_size(settings.max_wasm_stack);
        }
        let tunables = GuestTunables {
            reservation: settings.memory_reservation,
        };
        let engine = |compiler: wasmer::Engine| {
            let mut engine = compiler;
            engine.set_tunables(tunables);
            engine
        };
        Ok(Engine {
            optimized: engine(wasmer::Engine::from(wasmer::sys::Cranelift::new())),
            baseline: engine(wasmer::Engine::from(wasmer::sys::Singlepass::new())),
        })
    }

    fn engine(&self, tier: CodeTier) -> &wasmer::Engine {
        match tier {
            CodeTier::Baseline => &self.baseline,
            CodeTier::Optimized => &self.optimized,
        }
    }

    fn wrap(&self, module: Module, tier: CodeTier) -> Compiled {
        let engine = self.engine(tier).clone();
        Arc::new(Compiled2 { module, engine })
    }
}

impl EngineImpl for Engine {
    fn has_baseline(&self) -> bool {
        true
    }

    fn compile(&self, wasm: &[u8], tier: CodeTier) -> Result<Compiled, Error> {
        let m = Module::new(self.engine(tier), wasm)
            .map_err(|e| super::compile_error(e.to_string()))?;
        Ok(self.wrap(m, tier))
    }

    fn serialize(&self, m: &Compiled) -> Option<Vec<u8>> {
        module(m).ok()?.module.serialize().ok().map(|b| b.to_vec())
    }

    fn deserialize(&self, bytes: &[u8], tier: CodeTier) -> Option<Compiled> {
        // SAFETY: `Module::deserialize` requires bytes produced by `Module::serialize` of a
        // compatible wasmer. The module cache only hands us bytes whose SHA-256 it verified
        // against the digest it recorded when it wrote them from `Module::serialize` of the
        // engine of this tier (the tier is part of the entry's key: wasmer cannot tell
        // compilers' artifacts apart), and wasmer rejects bytes from another artifact version
        // or for missing CPU features.
        let m = unsafe { Module::deserialize(self.engine(tier), bytes).ok()? };
        Some(self.wrap(m, tier))
    }

    fn identity(&self, tier: CodeTier) -> String {
        format!("wasmer-7.4-{}", self.engine(tier).deterministic_id())
    }

    /// With `timeout`, running guest code is interrupted at the host's deadline.
    fn instantiate(
        &self,
        m: &Compiled,
        host: Host,
        timeout: bool,
    ) -> Result<Box<dyn Backend>, Error> {
        let Compiled2 { module, engine } = module(m)?;
        let deadline = host.deadline.filter(|_| timeout);
        let mut store = Store::new(engine.clone());
        let env = FunctionEnv::new(&mut store, Ctx::new(host));
        let mut linking = Linking {
            store: &mut store,
            env: &env,
            imports: Imports::new(),
        };
        let names: Vec<(String, String)> = module
            .imports()
            .map(|i| (i.module().to_string(), i.name().to_string()))
            .collect();
        let names = names.iter().map(|(m, n)| (m.as_str(), n.as_str()));
        glue::link_imports(names, &mut linking)?;
        let imports = linking.imports;
        // Watched from before instantiation: a start function runs inside it.
        let keep =
            deadline.map(|d| Box::new(Watchdog::start(store.interrupter(), d)) as Box<dyn Any>);
        let cap = env.as_ref(&store).host.memory_cap.clone();
        let instance = with_cap(&cap, || {
            wasmer::Instance::new(&mut store, module, &imports).map_err(Box::new)
        })
        .map_err(|e| match cap.reached() {
            Some(limit) => Error::LimitExceeded(limit),
            None => super::instantiate_error(e.to_string(), e),
        })?;
        let ex = &instance.exports;
        let func = |name| ex.get_function(name).map_err(|_| glue::not_go(name));
        let (run, resume, getsp) = (func(glue::RUN)?, func(glue::RESUME)?, func(glue::GETSP)?);
        let exports = Exports {
            mem: ex
                .get_memory(glue::MEM)
                .map_err(|_| glue::not_go(glue::MEM))?
                .clone(),
            run: run.typed(&store).map_err(|_| glue::not_go(glue::RUN))?,
            resume: resume
                .typed(&store)
                .map_err(|_| glue::not_go(glue::RESUME))?,
            getsp: getsp.typed(&store).map_err(|_| glue::not_go(glue::GETSP))?,
            all: ex.clone(),
            globals: glue::movable_globals(|name| ex.get_global(name).ok().cloned()),
            tier_loop: ex
                .get_typed_function(&store, super::state::LOOP_EXPORT)
                .ok(),
        };
        env.as_mut(&mut store).exports = Some(std::rc::Rc::new(exports));
        Ok(Box::new(TopLevel {
            guest: G::new(Top { store, env }),
            _keep: keep,
        }))
    }
}
