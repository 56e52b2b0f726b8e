//! Engine backends: each maps one engine's types onto the shared [`glue`] (linking the `gojs`
//! imports, exposing linear memory, calling `run`, `resume` and `getsp`) and implements
//! [`EngineImpl`]. Each is behind a cargo feature.

use std::any::Any;
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use crate::error::{Abort, Error};
use crate::guest::Guest;
use crate::host::Host;
use state::Snapshot;
use tiered::Upgrade;

#[cfg(feature = "wasmtime")]
mod function_store;
pub mod glue;
pub(crate) mod state;
pub(crate) mod tiered;
#[cfg(feature = "wasmer")]
pub mod wasmer;
#[cfg(feature = "wasmer")]
mod wasmer_memory;
#[cfg(feature = "wasmi")]
pub mod wasmi;
#[cfg(feature = "wasmtime")]
pub mod wasmtime;

/// Which WebAssembly engine runs the guest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EngineKind {
    /// wasmtime (Cranelift JIT).
    Wasmtime,
    /// wasmer (Cranelift JIT).
    Wasmer,
    /// wasmi (interpreter).
    Wasmi,
}

impl EngineKind {
    /// Every engine, compiled in or not.
    pub const ALL: [EngineKind; 3] = [EngineKind::Wasmtime, EngineKind::Wasmer, EngineKind::Wasmi];

    /// The engines compiled into this build.
    pub fn available() -> Vec<EngineKind> {
        EngineKind::ALL
            .into_iter()
            .filter(|e| e.is_available())
            .collect()
    }

    /// Is this engine compiled in?
    pub fn is_available(self) -> bool {
        match self {
            EngineKind::Wasmtime => cfg!(feature = "wasmtime"),
            EngineKind::Wasmer => cfg!(feature = "wasmer"),
            EngineKind::Wasmi => cfg!(feature = "wasmi"),
        }
    }

    /// The engine crate's version this build links, and its compilers.
    pub fn version(self) -> &'static str {
        // Kept equal to Cargo.lock by the test `engine_versions_match_the_lock_file`.
        match self {
            EngineKind::Wasmtime => "48.0.0 (Cranelift, Winch)",
            EngineKind::Wasmer => "7.4.2 (Cranelift, Singlepass)",
            EngineKind::Wasmi => "2.0.0 (interpreter)",
        }
    }

    /// Lower-case name.
    pub fn name(self) -> &'static str {
        match self {
            EngineKind::Wasmtime => "wasmtime",
            EngineKind::Wasmer => "wasmer",
            EngineKind::Wasmi => "wasmi",
        }
    }
}

impl fmt::Display for EngineKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for EngineKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        EngineKind::ALL
            .into_iter()
            .find(|e| e.name() == s)
            .ok_or_else(|| format!("unknown engine {s:?} (expected wasmtime, wasmer or wasmi)"))
    }
}

/// A guest instantiated on some engine, seen from the top level.
pub(crate) trait Backend {
    /// The guest, to run host-side operations against.
    fn guest(&mut self) -> &mut dyn Guest;
    /// Calls the `run(argc, argv)` export.
    fn start(&mut self, argc: i32, argv: i32) -> Result<(), Abort>;
    /// Linear memory and the exported globals (see [`crate::tier_up`]), between two events.
    fn snapshot(&mut self) -> Result<Snapshot, Abort>;
    /// Takes the state of a snapshot of the same module from another engine.
    fn restore(&mut self, snapshot: &Snapshot) -> Result<(), Abort>;
    /// Carries out a goroutine switch a preempted loop left pending (see [`crate::tier_up`]).
    fn continue_loop(&mut self) -> Result<(), Abort>;
    /// Arms (or, with `None`, disarms) the interpreter's request to stop once `upgrade`'s
    /// code is ready.
    fn arm(&mut self, upgrade: Option<Arc<Upgrade>>);
    /// Whether the last call stopped as asked, a goroutine switch pending (and clears it).
    fn take_preempted(&mut self) -> bool;
    /// Whether the guest runs on the interpreter, waiting to move to compiled code.
    fn is_tiering(&self) -> bool {
        false
    }
    /// How many times the guest moved to better code.
    fn moves(&self) -> u32 {
        0
    }
}

/// A compiled module of one engine (each backend downcasts to its own module type).
pub(crate) type Compiled = Arc<dyn Any + Send + Sync>;

/// The code an engine made: by its fast baseline compiler or its optimizing one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CodeTier {
    /// Compiled quickly, runs slower (wasmtime: Winch; wasmer: Singlepass).
    Baseline,
    /// Compiled slowly, runs fast (Cranelift).
    Optimized,
}

/// Which compiler a [`crate::Runtime`] uses.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Tier {
    /// Optimized code from the cache if there is some; otherwise baseline code at once (or,
    /// for a large module, the interpreter: [`Settings::interpreter_threshold`]), while the
    /// optimizing compiler runs in the background. Running instances move to the better
    /// code as soon as it is ready (see [`crate::Instance::tier_ups`]); later compiles of
    /// the same module in this process and, through the disk cache, later runs start on it.
    #[default]
    Auto,
    /// The baseline compiler only (no interpreter first, no optimized code).
    Baseline,
    /// The optimizing compiler only.
    Optimized,
}

impl FromStr for Tier {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "auto" => Ok(Tier::Auto),
            "baseline" => Ok(Tier::Baseline),
            "optimized" => Ok(Tier::Optimized),
            _ => Err(format!(
                "unknown tier {s:?} (expected auto, baseline or optimized)"
            )),
        }
    }
}

/// What the core asks of an engine.
pub(crate) trait EngineImpl: Send + Sync {
    /// Does it have a baseline compiler besides its optimizing one?
    fn has_baseline(&self) -> bool {
        false
    }
    /// Compiles (or validates) a module with the compiler of `tier`.
    fn compile(&self, wasm: &[u8], tier: CodeTier) -> Result<Compiled, Error>;
    /// Can it serialise compiled code?
    fn caches_code(&self) -> bool {
        true
    }
    /// Serialised compiled code, for engines that can reload it.
    fn serialize(&self, _m: &Compiled) -> Option<Vec<u8>> {
        None
    }
    /// Reloads serialised code of `tier`; `None` if it is not usable.
    fn deserialize(&self, _bytes: &[u8], _tier: CodeTier) -> Option<Compiled> {
        None
    }
    /// A string that changes whenever the code of `tier` would: engine, compiler, version and
    /// configuration.
    fn identity(&self, tier: CodeTier) -> String;
    /// What the optimizing compiler has made so far of the compiles under way, function by
    /// function, for a later process to resume them (`None`: nothing, or an engine that
    /// compiles whole modules only).
    fn unfinished_functions(&self) -> Option<Vec<u8>> {
        None
    }
    /// Gives back what [`EngineImpl::unfinished_functions`] returned, before compiling the
    /// same module again.
    fn resume_functions(&self, _saved: &[u8]) {}
    /// Compiles optimized code, and returns with it the functions this compile asked the
    /// optimizing compiler's store for or made (as [`EngineImpl::unfinished_functions`]
    /// does; `None` for an engine that compiles whole modules only), for the next build
    /// of the same program.
    fn compile_keeping_functions(&self, wasm: &[u8]) -> (Result<Compiled, Error>, Option<Vec<u8>>) {
        (self.compile(wasm, CodeTier::Optimized), None)
    }
    /// How many functions the optimizing compiler asked its store for and did not find, in
    /// the engine's life (what the tests see of the reuse).
    #[cfg(test)]
    fn functions_not_found(&self) -> usize {
        0
    }
    /// Instantiates with the `gojs` imports linked; with `timeout`, the host's deadline
    /// interrupts running code.
    fn instantiate(
        &self,
        m: &Compiled,
        host: Host,
        timeout: bool,
    ) -> Result<Box<dyn Backend>, Error>;
}

/// Does an engine's message say the host ran out of memory or address space?
fn out_of_memory(msg: &str) -> bool {
    msg.contains("os error 12") || msg.contains("Cannot allocate memory")
}

/// The error of a failed compile: the host out of memory, or a module the engine rejects.
pub(crate) fn compile_error(msg: String) -> Error {
    match out_of_memory(&msg) {
        true => Error::engine(format!("compiling: the host is out of memory: {msg}")),
        false => Error::InvalidModule(msg),
    }
}

/// The error of a failed instantiation, with a hint when address space ran out (wasmtime
/// and wasmer reserve several GiB per instance unless a reservation is set).
pub(crate) fn instantiate_error(
    msg: String,
    source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
) -> Error {
    let hint = match out_of_memory(&msg) {
        true => {
            " (reserving the guest's memory failed; under ulimit -v, cap it: --max-memory, or \
             Config::max_memory with Settings::memory_reservation)"
        }
        false => "",
    };
    Error::Engine(crate::error::EngineError::new(
        format!("instantiating: {msg}{hint}"),
        Some(std::sync::Arc::from(source.into())),
    ))
}

/// An engine of `kind` with `settings`.
pub(crate) fn new(kind: EngineKind, settings: &Settings) -> Result<Box<dyn EngineImpl>, Error> {
    let _ = settings; // unused in a build without engines
    match kind {
        #[cfg(feature = "wasmtime")]
        EngineKind::Wasmtime => Ok(Box::new(self::wasmtime::Engine::new(settings)?)),
        #[cfg(feature = "wasmer")]
        EngineKind::Wasmer => Ok(Box::new(self::wasmer::Engine::new(settings)?)),
        #[cfg(feature = "wasmi")]
        EngineKind::Wasmi => Ok(Box::new(self::wasmi::Engine::new(settings)?)),
        #[allow(unreachable_patterns)]
        other => Err(Error::EngineUnavailable(other.name().into())),
    }
}

/// Engine settings.
#[derive(Clone, Debug, Hash)]
pub struct Settings {
    /// Maximum wasm stack, in bytes (it changes compiled code, so it is part of the cache
    /// key).
    pub max_wasm_stack: usize,
    /// Which compiler to use.
    pub tier: Tier,
    /// Address space reserved for each instance's linear memory, in bytes; `None` for the
    /// engine's default (wasmtime and wasmer reserve the whole 4 GiB wasm32 space plus
    /// guard regions, so bounds checks cost nothing). A smaller reservation lets many
    /// instances, or one under `ulimit -v`, fit in less address space; code then checks
    /// bounds, and memory may move when it grows past the reservation. Set it to the
    /// [`crate::Config::max_memory`] you use. It changes compiled code, so it is part of
    /// the cache key. wasmi allocates memory as it grows and ignores it.
    pub memory_reservation: Option<u64>,
    /// With [`Tier::Auto`], and wasmi compiled in besides a compiling
    /// engine: a module of at least this many bytes that has no compiled code yet (in memory
    /// or in the disk cache) starts on the interpreter at once, while baseline code is
    /// compiled on background threads; the guest moves to that code as soon as it is ready
    /// (at its next event, or stopped at its next goroutine switch if it keeps computing).
    /// `None`: first runs wait for baseline code. The interpreter runs while the compiler
    /// works, where the guest would otherwise wait: a short program is done before any
    /// code is compiled (hello: 0.05 s where compiling it first takes 0.3 s).
    pub interpreter_threshold: Option<usize>,
    /// Makes [`crate::Runtime::compile`] return only once the code of every tier is made,
    /// while instances still start on the first tier and move at their first chance (their
    /// first event, or their first milliseconds of computing): tests then see every move,
    /// early and at points that do not depend on how fast the machine compiles. Code already
    /// made (in memory or in the disk cache) then only spares compiling it: every
    /// [`crate::Runtime::compile`] gives a module that starts on the first tier.
    pub tier_up_wait: bool,
    /// For testing moves: once a guest made its last move to better code, it keeps moving,
    /// to a fresh instance of the same code, whenever this long has passed since its last
    /// move (stopped while computing or, on wasmtime, at a call into the host; or at its
    /// next event), so that a test run moves it at many more points than the one or two of
    /// a real run. `None` (the default) in use.
    pub move_again_after: Option<std::time::Duration>,
}

/// The default [`Settings::interpreter_threshold`]: every first run starts on the
/// interpreter (even a small module's baseline code takes longer to compile than Node takes
/// to start it).
pub const INTERPRETER_THRESHOLD: usize = 0;

impl Default for Settings {
    fn default() -> Self {
        // Go's Node runner raises V8's stack to 8 MiB for deeply recursive test suites.
        Settings {
            max_wasm_stack: 8 << 20,
            tier: Tier::default(),
            memory_reservation: None,
            interpreter_threshold: Some(INTERPRETER_THRESHOLD),
            tier_up_wait: false,
            move_again_after: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::EngineKind;

    #[test]
    fn engine_versions_match_the_lock_file() {
        let lock = include_str!("../../../Cargo.lock");
        for kind in EngineKind::ALL {
            let version = kind.version().split(' ').next().unwrap_or_default();
            let entry = format!("name = \"{}\"\nversion = \"{version}\"", kind.name());
            assert!(
                lock.contains(&entry),
                "{kind} {version} is not in Cargo.lock"
            );
        }
    }
}
