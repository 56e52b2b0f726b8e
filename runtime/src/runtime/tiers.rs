//! The tiers of an engine with two compilers: which code a module starts on (the
//! interpreter's, baseline or optimized code), and the background compiles that make the
//! better code its instances then move to (see [`crate::tier_up`]).

use std::sync::{Arc, OnceLock};

use super::{lock, Module, Runtime, Shared};
use crate::engine::tiered::Upgrade;
use crate::engine::{CodeTier, Compiled};
use crate::error::Error;
use crate::shape::ModuleShape;
use crate::tier_up;
use crate::Tier;

impl Runtime {
    /// [`Runtime::compile`] for [`Tier::Auto`] and [`Tier::Baseline`] on an engine with a
    /// baseline compiler: optimized code from the disk cache if there is some (with
    /// `Auto`); otherwise baseline code, from the cache or, for a large module, made in the
    /// background while its instances start on the interpreter, or compiled at once. With
    /// `Auto`, the optimized code follows in the background, and instances move to it.
    pub(super) fn compile_tiered(
        &self,
        wasm: &[u8],
        shape: &Arc<ModuleShape>,
        hash: &str,
    ) -> Result<Module, Error> {
        let module = self.start_tiers(wasm, shape, hash)?;
        if let Some(upgrade) = module
            .upgrade
            .as_ref()
            .filter(|_| self.settings.tier_up_wait)
        {
            upgrade.wait_all();
        }
        Ok(module)
    }

    /// May a module start on better code that is already made (in memory or in the disk
    /// cache)? Not under [`crate::Settings::tier_up_wait`]: there every run starts on the
    /// first tier, so that it makes every move, and code already made only spares compiling.
    pub(super) fn starts_on_code_made(&self) -> bool {
        !self.settings.tier_up_wait
    }

    fn start_tiers(
        &self,
        wasm: &[u8],
        shape: &Arc<ModuleShape>,
        hash: &str,
    ) -> Result<Module, Error> {
        let s = &self.shared;
        let auto = self.settings.tier == Tier::Auto;
        let start_on_cached = self.starts_on_code_made();
        if auto && start_on_cached {
            if let Some(code) = s.load(hash, CodeTier::Optimized) {
                return Ok(s.remember(Module::new(code, shape, hash, CodeTier::Optimized)));
            }
        }
        // Code that can move between tiers is compiled from the rewritten module; one that
        // cannot (not shaped as Go links) stays on the code it starts with.
        let movable: Option<Arc<[u8]>> = tier_up::prepare(wasm).map(Arc::from);
        let bytes: Arc<[u8]> = movable.clone().unwrap_or_else(|| Arc::from(wasm));
        let (optimized, ours) = match auto {
            true => {
                let (upgrade, ours) = self.optimized_upgrade(hash);
                (Some(upgrade), ours)
            }
            false => (None, false),
        };
        let next = optimized.clone().filter(|_| movable.is_some());
        // Stores fresh baseline code, then compiles optimized code unless another compile
        // of the same module already does (both in the background, so the guest starts at
        // once).
        let later = |module: Module, fresh: bool| {
            let optimize = optimized.clone().filter(|_| ours);
            if optimize.is_none() {
                // Nothing else to do in the background: the entry is written now, before
                // a short run ends the process.
                if fresh {
                    s.store(&module);
                }
                return;
            }
            let (shared, bytes, shape) = (s.clone(), bytes.clone(), shape.clone());
            spawn(optimize.iter().cloned().collect(), move || {
                if fresh {
                    shared.store(&module);
                }
                if let Some(upgrade) = optimize {
                    shared.optimize(&bytes, &shape, &module.hash, &upgrade);
                }
            });
        };
        if let Some(code) = s.load(hash, CodeTier::Baseline).filter(|_| start_on_cached) {
            let module = s.remember(self.module(code, shape, hash, next));
            later(module.clone(), false);
            return Ok(module);
        }
        let interpreted = movable
            .as_ref()
            .and_then(|m| self.interpreted(shape, hash, m));
        if let (Some(movable), Some(module)) = (&movable, interpreted) {
            let optimize = optimized.filter(|_| ours);
            return Ok(self.start_interpreted(module?, movable.clone(), next, optimize));
        }
        let code = s.engine.compile(&bytes, CodeTier::Baseline)?;
        let module = s.remember(self.module(code, shape, hash, next));
        later(module.clone(), true);
        Ok(module)
    }

    /// A baseline module moving to `next`.
    fn module(
        &self,
        code: crate::engine::Compiled,
        shape: &Arc<ModuleShape>,
        hash: &str,
        next: Option<Arc<Upgrade>>,
    ) -> Module {
        let mut module = Module::new(code, shape, hash, CodeTier::Baseline);
        module.upgrade = next;
        module
    }

    /// The optimized code of `hash` being compiled, or a new slot for it (then `true`: the
    /// caller compiles it).
    fn optimized_upgrade(&self, hash: &str) -> (Arc<Upgrade>, bool) {
        let mut optimizing = lock(&self.shared.optimizing);
        if let Some(upgrade) = optimizing.get(hash) {
            return (upgrade.clone(), false);
        }
        let upgrade = Arc::new(Upgrade::new(self.shared.engine.clone(), None));
        optimizing.insert(hash.to_string(), upgrade.clone());
        (upgrade, true)
    }

    /// The interpreter's module of `movable` (a prepared module) at least
    /// [`crate::Settings::interpreter_threshold`] long, when wasmi is compiled in: `None` if
    /// that does not apply.
    fn interpreted(
        &self,
        shape: &Arc<ModuleShape>,
        hash: &str,
        movable: &[u8],
    ) -> Option<Result<Module, Error>> {
        let interpreter = self.shared.interpreter.as_ref()?;
        if movable.len() < self.settings.interpreter_threshold? {
            return None;
        }
        Some(
            interpreter
                .compile(movable, CodeTier::Optimized)
                .map(|code| {
                    let mut m = Module::new(code, shape, hash, CodeTier::Baseline);
                    m.interpreted = true;
                    m
                }),
        )
    }

    /// Starts `module` (the interpreter's) with baseline code compiled in the background
    /// for its instances to move to, then to `next`; compiles `optimize` after the
    /// baseline code.
    fn start_interpreted(
        &self,
        mut module: Module,
        movable: Arc<[u8]>,
        next: Option<Arc<Upgrade>>,
        optimize: Option<Arc<Upgrade>>,
    ) -> Module {
        let baseline = Arc::new(Upgrade::new(self.shared.engine.clone(), next.clone()));
        module.upgrade = Some(baseline.clone());
        let remembered = self.shared.remember(module.clone());
        if !remembered.is_interpreted() && self.starts_on_code_made() {
            return remembered; // compiled code arrived meanwhile
        }
        let (shared, shape, hash) = (
            self.shared.clone(),
            module.shape.clone(),
            module.hash.clone(),
        );
        let upgrades = [Some(baseline.clone()), optimize.clone()];
        spawn(upgrades.into_iter().flatten().collect(), move || {
            let (code, fresh) = shared.load_or_compile(&movable, &hash, CodeTier::Baseline);
            let _ = baseline.code.set(code.clone());
            let Some(code) = code else {
                // Not compiled (failed, or not wanted): nor is the optimized code, which
                // later compiles of the module must not wait for.
                if let Some(upgrade) = optimize {
                    let _ = upgrade.code.set(None);
                    lock(&shared.optimizing).remove(&hash);
                }
                return;
            };
            let mut m = Module::new(code, &shape, &hash, CodeTier::Baseline);
            m.upgrade = next;
            if fresh {
                shared.store(&m);
            }
            shared.remember(m);
            if let Some(upgrade) = optimize {
                shared.optimize(&movable, &shape, &hash, &upgrade);
            }
        });
        module
    }
}

impl Shared {
    /// Compiles optimized code for the module `hash` (on the background pool), hands it to
    /// the instances waiting in `upgrade`, and keeps it in memory and on disk.
    fn optimize(&self, bytes: &[u8], shape: &Arc<ModuleShape>, hash: &str, upgrade: &Upgrade) {
        let (code, fresh) = self.load_or_compile(bytes, hash, CodeTier::Optimized);
        let _ = upgrade.code.set(code.clone());
        if let Some(code) = code {
            // On disk before in memory: whoever sees it in memory finds it on disk too.
            let m = Module::new(code, shape, hash, CodeTier::Optimized);
            if fresh {
                self.store(&m);
            }
            self.remember(m);
        }
        lock(&self.optimizing).remove(hash);
    }

    /// The code of `tier` for the module `hash` (prepared as `bytes`): from the disk cache
    /// (another process may have compiled it meanwhile), else compiled on the background
    /// pool (then `true`: it is new).
    fn load_or_compile(
        &self,
        bytes: &[u8],
        hash: &str,
        tier: CodeTier,
    ) -> (Option<Compiled>, bool) {
        match self.load(hash, tier) {
            Some(code) => (Some(code), false),
            None => (
                on_background_pool(|| {
                    // A runtime dropped with its instances (no disk cache) before this
                    // compile's turn came: nothing could use the code.
                    if !self.wanted() {
                        return None;
                    }
                    match tier {
                        CodeTier::Optimized => self.compile_optimized(bytes, hash).ok(),
                        CodeTier::Baseline => self.engine.compile(bytes, tier).ok(),
                    }
                }),
                true,
            ),
        }
    }
}

/// Runs `f` on the threads for background compiles: all cores but one, which the guest
/// keeps.
fn on_background_pool<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    static POOL: OnceLock<Option<rayon::ThreadPool>> = OnceLock::new();
    let pool = POOL.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        rayon::ThreadPoolBuilder::new()
            .num_threads(cores.saturating_sub(1).max(1))
            .thread_name(|i| format!("wasmexec-compile-{i}"))
            .build()
            .ok()
    });
    match pool {
        Some(pool) => pool.install(f),
        None => f(),
    }
}

/// Runs `job` on a thread of its own. Nothing waits for it: a process that ends first
/// leaves it undone (cache entries are written whole or not at all). If no thread can be
/// started, the instances waiting for `upgrades` stay where they are.
fn spawn(upgrades: Vec<Arc<Upgrade>>, job: impl FnOnce() + Send + 'static) {
    let spawned = std::thread::Builder::new()
        .name("wasmexec-background".into())
        .spawn(job);
    if spawned.is_err() {
        for u in upgrades {
            let _ = u.code.set(None);
        }
    }
}

#[cfg(all(test, feature = "wasmtime"))]
mod tests {
    use super::*;
    use crate::EngineKind;

    /// The smallest module: compiles on any engine.
    const EMPTY: &[u8] = b"\0asm\x01\0\0\0";

    fn compiled(shared: &Shared, hash: &str) -> bool {
        shared
            .load_or_compile(EMPTY, hash, CodeTier::Baseline)
            .0
            .is_some()
    }

    #[test]
    fn background_compiles_nothing_could_use_are_skipped() {
        let runtime = Runtime::new(EngineKind::Wasmtime).unwrap();
        let shared = runtime.shared.clone();
        assert!(compiled(&shared, "a"), "for the runtime");
        // An instance that may still move keeps its runtime's compiles wanted.
        let instance = runtime.interest.clone();
        drop(runtime);
        assert!(compiled(&shared, "b"), "for an instance");
        drop(instance);
        assert!(!compiled(&shared, "c"), "for nobody");

        // With a disk cache, the code is for later processes.
        let dir = std::env::temp_dir().join(format!("wasmexec-wanted-{}", std::process::id()));
        let runtime = Runtime::new(EngineKind::Wasmtime).unwrap().cache_dir(&dir);
        let shared = runtime.shared.clone();
        drop(runtime);
        assert!(compiled(&shared, "d"), "for the disk cache");
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// A build of a program: two functions, `() -> 1` and `f(x) = x + n`, exported.
    fn build(n: u8) -> Vec<u8> {
        let mut wasm = vec![
            0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // header
            0x01, 0x0a, 0x02, 0x60, 0x00, 0x01, 0x7f, 0x60, 0x01, 0x7f, 0x01, 0x7f, // types
            0x03, 0x03, 0x02, 0x00, 0x01, // functions
            0x07, 0x05, 0x01, 0x01, b'f', 0x00, 0x01, // exports
            0x0a, 0x0e, 0x02, 0x04, 0x00, 0x41, 0x01, 0x0b, 0x07, 0x00, 0x20, 0x00, 0x41,
        ];
        wasm.extend([n, 0x6a, 0x0b]); // code
        wasm
    }

    #[test]
    fn a_programs_next_build_compiles_only_what_changed() {
        let dir = std::env::temp_dir().join(format!("wasmexec-program-{}", std::process::id()));
        // Each compile in a runtime (a process) of its own, sharing the disk cache.
        let compile = |wasm: &[u8], program: &str| {
            let runtime = Runtime::new(EngineKind::Wasmtime).unwrap().cache_dir(&dir);
            let hash = crate::cache::hex_digest(&[wasm]);
            lock(&runtime.shared.programs).insert(hash.clone(), program.into());
            runtime.shared.compile_optimized(wasm, &hash).unwrap();
            runtime.shared.engine.functions_not_found()
        };
        let first = compile(&build(2), "p");
        assert!(
            first >= 2,
            "a first build compiles every function ({first})"
        );
        // The changed function is compiled again; now and then one more, compiled on the
        // other thread after a trampoline (see `Shared::compile_optimized`).
        let next = compile(&build(3), "p");
        assert!(
            next <= 2 && next < first,
            "{next} of {first} compiled again"
        );
        assert_eq!(
            compile(&build(4), "q"),
            first,
            "another program reuses nothing"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
