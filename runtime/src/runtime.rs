//! [`Runtime`]: an engine, the modules it compiled (in memory, and on disk when asked), and
//! the tiers: baseline code at once, optimized code compiled in the background.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use crate::cache::{self, DiskCache, EntryId};
use crate::engine::tiered::Tiered;
use crate::engine::tiered::{Pending, Upgrade};
use crate::engine::{self, CodeTier, Compiled, EngineImpl, EngineKind, Settings, Tier};
use crate::error::Error;
use crate::instance::{Config, Instance};
use crate::shape::{self, ModuleShape};
use crate::{data_segments, tier_up};

mod tiers;

/// An engine plus a cache of the modules it compiled. Cheap to share between threads.
pub struct Runtime {
    kind: EngineKind,
    shared: Arc<Shared>,
    settings: Settings,
    /// This runtime's share of [`Shared::interest`].
    interest: Arc<()>,
}

/// What the background compiler shares with the runtime.
struct Shared {
    engine: Arc<dyn EngineImpl>,
    /// wasmi, when first runs of large modules start on it ([`Settings::interpreter_threshold`]).
    interpreter: Option<Arc<dyn EngineImpl>>,
    modules: Mutex<HashMap<String, Module>>,
    disk: OnceLock<Option<DiskCache>>,
    cache_dir: Option<PathBuf>,
    cache_limit: u64,
    /// The optimized code being compiled in the background, by module.
    optimizing: Mutex<HashMap<String, Arc<Upgrade>>>,
    /// The program each module is a build of ([`Runtime::compile_program`]), by module.
    programs: Mutex<HashMap<String, String>>,
    /// `max_wasm_stack`, which changes code.
    code_settings: String,
    /// Held by the runtime and by each of its instances that may still move to better
    /// code. Once only the background compiles hold the shared state, nothing can use the
    /// code they have not started yet (except later processes, through a disk cache).
    interest: Arc<()>,
}

/// A compiled guest module, ready to instantiate any number of times.
#[derive(Clone)]
pub struct Module {
    pub(crate) compiled: Compiled,
    shape: Arc<ModuleShape>,
    hash: String,
    tier: CodeTier,
    /// The code is the interpreter's (see [`Settings::interpreter_threshold`]).
    interpreted: bool,
    /// Better code its instances move to once it is ready.
    upgrade: Option<Arc<Upgrade>>,
}

impl Module {
    /// The module's imports and exports.
    pub fn shape(&self) -> &ModuleShape {
        &self.shape
    }

    /// SHA-256 of the wasm bytes (length-prefixed).
    pub fn hash(&self) -> &str {
        &self.hash
    }

    /// Whether its code came from the optimizing compiler (an interpreter's modules count as
    /// optimized: they have one tier).
    pub fn is_optimized(&self) -> bool {
        self.tier == CodeTier::Optimized && !self.interpreted
    }

    /// Whether its instances start on the interpreter while compiled code is made for them
    /// (see [`Settings::interpreter_threshold`]).
    pub fn is_interpreted(&self) -> bool {
        self.interpreted
    }

    /// Interpreted, baseline, optimized: which code replaces which.
    fn rank(&self) -> u8 {
        match (self.interpreted, self.tier) {
            (true, _) => 0,
            (false, CodeTier::Baseline) => 1,
            (false, CodeTier::Optimized) => 2,
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Runtime {
    /// A runtime on `kind` with default settings.
    pub fn new(kind: EngineKind) -> Result<Runtime, Error> {
        Runtime::with_settings(kind, Settings::default())
    }

    /// A runtime on `kind` with these settings.
    pub fn with_settings(kind: EngineKind, settings: Settings) -> Result<Runtime, Error> {
        let engine: Arc<dyn EngineImpl> = Arc::from(engine::new(kind, &settings)?);
        let mut shared = Shared::new(engine.clone(), &settings);
        let auto = settings.tier == Tier::Auto;
        if auto && engine.has_baseline() && settings.interpreter_threshold.is_some() {
            shared.interpreter = engine::new(EngineKind::Wasmi, &settings)
                .ok()
                .map(Arc::from);
        }
        Ok(Runtime {
            kind,
            interest: shared.interest.clone(),
            shared: Arc::new(shared),
            settings,
        })
    }

    /// The shared state, to configure; if a background compile still holds it, a fresh one
    /// on the same engine.
    fn shared_mut(&mut self) -> &mut Shared {
        if Arc::get_mut(&mut self.shared).is_none() {
            let mut fresh = Shared::new(self.shared.engine.clone(), &self.settings);
            fresh.interpreter = self.shared.interpreter.clone();
            fresh.cache_dir = self.shared.cache_dir.clone();
            fresh.cache_limit = self.shared.cache_limit;
            self.interest = fresh.interest.clone();
            self.shared = Arc::new(fresh);
        }
        Arc::get_mut(&mut self.shared).expect("the shared state was just made unique")
    }

    /// Also caches compiled code on disk under `dir` (engines that can serialise it). The
    /// directory is created 0700, entries are authenticated with a key kept in it, and it is
    /// kept under 2 GiB (see [`Runtime::cache_limit`]).
    ///
    /// Guests of this process cannot see into the directory, nor move the ones above it (see
    /// [`crate::hide_from_guests`]); a directory that cannot be hidden is not used.
    pub fn cache_dir(mut self, dir: impl Into<PathBuf>) -> Runtime {
        let dir = dir.into();
        let hidden = crate::hide_from_guests(&dir).is_ok();
        self.shared_mut().cache_dir = hidden.then_some(dir);
        self
    }

    /// Bounds the disk cache: after writing an entry, the least recently used entries are
    /// removed until the directory's entries take at most `bytes`.
    pub fn cache_limit(mut self, bytes: u64) -> Runtime {
        self.shared_mut().cache_limit = bytes;
        self
    }

    /// The engine.
    pub fn kind(&self) -> EngineKind {
        self.kind
    }

    /// The settings.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Compiles `wasm`, or returns the module compiled before from the same bytes (optimized
    /// code once the background compiler has made it). Fails with a clear error, before
    /// compiling anything, for bytes that are not wasm, for modules that are not Go js/wasm
    /// programs, and for guests importing functions this runtime does not provide.
    pub fn compile(&self, wasm: &[u8]) -> Result<Module, Error> {
        self.compile_hashed(wasm, cache::hex_digest(&[wasm]))
    }

    /// [`Runtime::compile`] of `wasm` whose digest is `hash`.
    fn compile_hashed(&self, wasm: &[u8], hash: String) -> Result<Module, Error> {
        let shape = shape::read(wasm)?;
        if let Some(m) = lock(&self.shared.modules)
            .get(&hash)
            .filter(|_| self.starts_on_code_made())
        {
            return Ok(m.clone());
        }
        shape::check(&shape)?;
        let shape = Arc::new(shape);
        let s = &self.shared;
        if s.engine.has_baseline() && self.settings.tier != Tier::Optimized {
            return self.compile_tiered(wasm, &shape, &hash);
        }
        if let Some(code) = s.load(&hash, CodeTier::Optimized) {
            return Ok(s.remember(Module::new(code, &shape, &hash, CodeTier::Optimized)));
        }
        let bytes = match s.engine.has_baseline() {
            true => tier_up::prepare(wasm),
            false => data_segments::coalesce(wasm),
        };
        let code = s.compile_optimized(bytes.as_deref().unwrap_or(wasm), &hash)?;
        let module = s.remember(Module::new(code, &shape, &hash, CodeTier::Optimized));
        s.store(&module);
        Ok(module)
    }

    /// [`Runtime::compile`] of a build of `program`: a name the embedder gives every build of
    /// one program (the CLI: the package directory it builds, the path of the wasm file, or
    /// for `go test` the package's directory and the test binary's name). With a disk cache, the optimized compile of
    /// each build saves its functions under that name, and the next build's compile reuses
    /// those it has too: successive builds of one Go package share all but a few functions
    /// (Go numbers functions into its return addresses and data addresses, so different
    /// programs share almost none). A run of a new build then gets optimized code sooner; the
    /// code it starts on is compiled as before.
    pub fn compile_program(&self, wasm: &[u8], program: &str) -> Result<Module, Error> {
        let hash = cache::hex_digest(&[wasm]);
        lock(&self.shared.programs).insert(hash.clone(), program.to_string());
        self.compile_hashed(wasm, hash)
    }

    /// Saves in the disk cache what the optimized compiles still running in the background
    /// have made so far, function by function, so that the next process compiling the same
    /// modules resumes them instead of starting over: a program that always ends before its
    /// optimized code is ready (a CPU-bound run shorter than the compile) then gets it after
    /// a few runs instead of never. A process about to end calls this (the CLI does, when the
    /// guest exits); without a cache directory, or with nothing unfinished, it does nothing.
    pub fn save_unfinished_compiles(&self) {
        let s = &self.shared;
        let unfinished: Vec<String> = lock(&s.optimizing).keys().cloned().collect();
        let Some(disk) = s.disk().filter(|_| !unfinished.is_empty()) else {
            return;
        };
        let Some(saved) = s.engine.unfinished_functions() else {
            return;
        };
        // The functions of every compile under way go with each module (content-keyed, so
        // the extra ones only take room): which module a function belongs to is not known.
        for hash in unfinished {
            let _ = disk.write(&s.unfinished_entry(&hash), &saved);
            if let Some(program) = lock(&s.programs).get(&hash) {
                let _ = disk.write(&s.program_entry(program), &saved);
            }
        }
    }

    /// Instantiates a module with the `gojs` imports linked and the JS world set up.
    pub fn instantiate(&self, module: &Module, mut config: Config) -> Result<Instance, Error> {
        let mut host = Instance::new_host(&mut config)?;
        host.stack_budget = self.settings.max_wasm_stack;
        // The timeout counts from instantiation (compiling is not the guest's time); one too
        // long to represent is no timeout, as it could never be reached.
        host.deadline = config
            .timeout
            .and_then(|d| std::time::Instant::now().checked_add(d));
        host.fs().deadline = host.deadline;
        let timeout = config.timeout.is_some();
        let engine = match (module.interpreted, &self.shared.interpreter) {
            (true, Some(interpreter)) => interpreter,
            _ => &self.shared.engine,
        };
        let mut backend = engine.instantiate(&module.compiled, host, timeout)?;
        if let Some(upgrade) = &module.upgrade {
            let pending = Pending {
                upgrade: upgrade.clone(),
                timeout,
                interest: self.interest.clone(),
                move_again_after: self.settings.move_again_after,
            };
            backend = Box::new(Tiered::new(backend, pending, module.interpreted));
        }
        let mut instance = Instance::new(backend, config)?;
        instance.on_interpreter = self.kind == EngineKind::Wasmi;
        Ok(instance)
    }
}

impl Module {
    fn new(compiled: Compiled, shape: &Arc<ModuleShape>, hash: &str, tier: CodeTier) -> Module {
        Module {
            compiled,
            shape: shape.clone(),
            hash: hash.to_string(),
            tier,
            interpreted: false,
            upgrade: None,
        }
    }
}

impl Shared {
    fn new(engine: Arc<dyn EngineImpl>, settings: &Settings) -> Shared {
        Shared {
            engine,
            interpreter: None,
            modules: Mutex::new(HashMap::new()),
            disk: OnceLock::new(),
            cache_dir: None,
            cache_limit: cache::DEFAULT_LIMIT,
            optimizing: Mutex::new(HashMap::new()),
            programs: Mutex::new(HashMap::new()),
            code_settings: format!(
                // Code is compiled from modules `tier_up::prepare` rewrote (2: its data
                // segments merged too).
                "max_wasm_stack={} memory_reservation={:?} prepared=2",
                settings.max_wasm_stack, settings.memory_reservation
            ),
            interest: Arc::new(()),
        }
    }

    /// Whether code compiled now could still be used: by the runtime, by an instance
    /// waiting to move, or by a later process reading the disk cache.
    fn wanted(&self) -> bool {
        Arc::strong_count(&self.interest) > 1 || self.disk().is_some()
    }

    fn disk(&self) -> Option<&DiskCache> {
        if !self.engine.caches_code() {
            return None;
        }
        self.disk
            .get_or_init(|| {
                let dir = self.cache_dir.as_ref()?;
                // A cache that cannot be opened safely only costs time.
                DiskCache::open(dir, self.cache_limit).ok()
            })
            .as_ref()
    }

    fn entry(&self, hash: &str, tier: CodeTier) -> EntryId {
        EntryId {
            module: hash.to_string(),
            engine: self.engine.identity(tier),
            settings: self.code_settings.clone(),
        }
    }

    /// The entry holding what an unfinished optimized compile of the module `hash` made.
    fn unfinished_entry(&self, hash: &str) -> EntryId {
        let mut id = self.entry(hash, CodeTier::Optimized);
        id.engine.push_str("+unfinished-functions");
        id
    }

    /// The entry holding the functions the last optimized compile of a build of `program`
    /// asked for or made ([`Runtime::compile_program`]).
    fn program_entry(&self, program: &str) -> EntryId {
        let mut id = self.entry(
            &cache::hex_digest(&[program.as_bytes()]),
            CodeTier::Optimized,
        );
        id.module.insert_str(0, "program-");
        id.engine.push_str("+program-functions");
        id
    }

    /// Compiles optimized code for the module `hash` (prepared as `bytes`), resuming what a
    /// process that ended during its compile saved and reusing what the last build of its
    /// program made; saves this compile's functions for the program's next build.
    fn compile_optimized(&self, bytes: &[u8], hash: &str) -> Result<Compiled, Error> {
        let program = lock(&self.programs).get(hash).cloned();
        let Some(disk) = self.disk() else {
            return self.engine.compile(bytes, CodeTier::Optimized);
        };
        // The unfinished entry is removed once the optimized code is stored.
        let saved = [
            Some(self.unfinished_entry(hash)),
            program.as_deref().map(|p| self.program_entry(p)),
        ];
        for id in saved.iter().flatten() {
            if let Some(functions) = disk.read(id) {
                self.engine.resume_functions(&functions);
            }
        }
        let Some(program) = program else {
            return self.engine.compile(bytes, CodeTier::Optimized);
        };
        // Not every function is found again when the compiles run on several threads:
        // Cranelift (in wasmtime 48) does not clear the exception tables of the contexts it
        // reuses, and each trampoline leaves one there, so the key of a function compiled on
        // a context after a trampoline depends on which thread compiled what (a third of a
        // 13 MB test binary's functions compiled on two threads, a handful on one).
        let (code, kept) = self.engine.compile_keeping_functions(bytes);
        if let Some(kept) = kept {
            let _ = disk.write(&self.program_entry(&program), &kept);
        }
        code
    }

    /// Code of `tier` for the module `hash` from the disk cache.
    fn load(&self, hash: &str, tier: CodeTier) -> Option<Compiled> {
        let bytes = self.disk()?.read(&self.entry(hash, tier))?;
        self.engine.deserialize(&bytes, tier)
    }

    /// Writes a module's code to the disk cache (a cache that cannot be written only costs
    /// time); optimized code replaces baseline code and what unfinished compiles of it saved.
    fn store(&self, module: &Module) {
        let Some(disk) = self.disk().filter(|_| !module.interpreted) else {
            return;
        };
        let Some(bytes) = self.engine.serialize(&module.compiled) else {
            return;
        };
        if disk
            .write(&self.entry(&module.hash, module.tier), &bytes)
            .is_ok()
            && module.tier == CodeTier::Optimized
            && self.engine.has_baseline()
        {
            disk.remove(&self.entry(&module.hash, CodeTier::Baseline));
            disk.remove(&self.unfinished_entry(&module.hash));
        }
    }

    /// Keeps `module` for later compiles of the same bytes, unless optimized code is there.
    fn remember(&self, module: Module) -> Module {
        let mut modules = lock(&self.modules);
        match modules.get(&module.hash) {
            // Better code replaces worse, never the reverse.
            Some(m) if m.rank() > module.rank() => m.clone(),
            _ => {
                modules.insert(module.hash.clone(), module.clone());
                module
            }
        }
    }
}
