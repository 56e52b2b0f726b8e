//! Engine backends: thin glue that links the `gojs` imports, exposes linear memory, and calls
//! `run`, `resume` and `getsp`. Each is behind a cargo feature.

use std::fmt;
use std::str::FromStr;

use crate::error::{Abort, Error};
use crate::guest::Guest;
use crate::host::Host;

#[cfg(feature = "wasmer")]
pub mod wasmer;
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
}

/// A compiled module of one engine.
#[derive(Clone)]
pub(crate) enum Compiled {
    #[cfg(feature = "wasmtime")]
    Wasmtime(::wasmtime::Module),
    #[cfg(feature = "wasmer")]
    Wasmer(::wasmer::Module),
    #[cfg(feature = "wasmi")]
    Wasmi(::wasmi::Module),
}

/// An engine with its settings.
pub(crate) enum Engine {
    #[cfg(feature = "wasmtime")]
    Wasmtime(self::wasmtime::Engine),
    #[cfg(feature = "wasmer")]
    Wasmer(self::wasmer::Engine),
    #[cfg(feature = "wasmi")]
    Wasmi(self::wasmi::Engine),
}

/// Engine settings that change compiled code (part of the cache key).
#[derive(Clone, Debug, Hash)]
pub struct Settings {
    /// Maximum wasm stack, in bytes.
    pub max_wasm_stack: usize,
}

impl Default for Settings {
    fn default() -> Self {
        // Go's Node runner raises V8's stack to 8 MiB for deeply recursive test suites.
        Settings {
            max_wasm_stack: 8 << 20,
        }
    }
}

impl Engine {
    pub fn new(kind: EngineKind, settings: &Settings) -> Result<Engine, Error> {
        let _ = settings;
        match kind {
            #[cfg(feature = "wasmtime")]
            EngineKind::Wasmtime => Ok(Engine::Wasmtime(self::wasmtime::Engine::new(settings)?)),
            #[cfg(feature = "wasmer")]
            EngineKind::Wasmer => Ok(Engine::Wasmer(self::wasmer::Engine::new(settings)?)),
            #[cfg(feature = "wasmi")]
            EngineKind::Wasmi => Ok(Engine::Wasmi(self::wasmi::Engine::new(settings)?)),
            #[allow(unreachable_patterns)]
            other => Err(Error::EngineUnavailable(other.name().into())),
        }
    }

    /// Compiles (validates) a module.
    pub fn compile(&self, wasm: &[u8]) -> Result<Compiled, Error> {
        match self {
            #[cfg(feature = "wasmtime")]
            Engine::Wasmtime(e) => e.compile(wasm).map(Compiled::Wasmtime),
            #[cfg(feature = "wasmer")]
            Engine::Wasmer(e) => e.compile(wasm).map(Compiled::Wasmer),
            #[cfg(feature = "wasmi")]
            Engine::Wasmi(e) => e.compile(wasm).map(Compiled::Wasmi),
            // Only reachable in a build without engines, where `Engine` is uninhabited.
            #[allow(unreachable_patterns)]
            _ => unreachable!("no engine compiled in"),
        }
    }

    /// Serialised compiled code, for engines that can reload it.
    pub fn serialize(&self, m: &Compiled) -> Option<Vec<u8>> {
        match (self, m) {
            #[cfg(feature = "wasmtime")]
            (Engine::Wasmtime(_), Compiled::Wasmtime(m)) => m.serialize().ok(),
            #[cfg(feature = "wasmer")]
            (Engine::Wasmer(_), Compiled::Wasmer(m)) => m.serialize().ok().map(|b| b.to_vec()),
            #[allow(unreachable_patterns)]
            _ => None,
        }
    }

    /// Reloads serialised compiled code; `None` if it is not usable.
    pub fn deserialize(&self, bytes: &[u8]) -> Option<Compiled> {
        let _ = bytes; // unused when only wasmi (which caches nothing) is compiled in
        match self {
            #[cfg(feature = "wasmtime")]
            Engine::Wasmtime(e) => e.deserialize(bytes).map(Compiled::Wasmtime),
            #[cfg(feature = "wasmer")]
            Engine::Wasmer(e) => e.deserialize(bytes).map(Compiled::Wasmer),
            #[allow(unreachable_patterns)]
            _ => None,
        }
    }

    /// Can this engine serialise compiled code?
    pub fn caches_code(&self) -> bool {
        match self {
            #[cfg(feature = "wasmi")]
            Engine::Wasmi(_) => false,
            #[allow(unreachable_patterns)]
            _ => true,
        }
    }

    /// A string that changes whenever compiled code would: engine and version.
    pub fn identity(&self) -> &'static str {
        match self {
            #[cfg(feature = "wasmtime")]
            Engine::Wasmtime(_) => "wasmtime-48",
            #[cfg(feature = "wasmer")]
            Engine::Wasmer(_) => "wasmer-7.4-cranelift",
            #[cfg(feature = "wasmi")]
            Engine::Wasmi(_) => "wasmi-2",
            #[allow(unreachable_patterns)]
            _ => unreachable!("no engine compiled in"),
        }
    }

    /// Instantiates with the `gojs` imports linked.
    pub fn instantiate(
        &self,
        m: &Compiled,
        host: Host,
        timeout: bool,
    ) -> Result<Box<dyn Backend>, Error> {
        match (self, m) {
            #[cfg(feature = "wasmtime")]
            (Engine::Wasmtime(e), Compiled::Wasmtime(m)) => e.instantiate(m, host, timeout),
            #[cfg(feature = "wasmer")]
            (Engine::Wasmer(e), Compiled::Wasmer(m)) => e.instantiate(m, host, timeout),
            #[cfg(feature = "wasmi")]
            (Engine::Wasmi(e), Compiled::Wasmi(m)) => e.instantiate(m, host, timeout),
            #[allow(unreachable_patterns)]
            _ => Err(Error::Engine("module compiled by another engine".into())),
        }
    }
}

/// Imports and exports of a module, engine-independent.
#[derive(Clone, Debug, Default)]
pub struct ModuleShape {
    /// `(module, name)` of every function import.
    pub imports: Vec<(String, String)>,
    /// Export names.
    pub exports: Vec<String>,
}

impl Compiled {
    pub fn shape(&self) -> ModuleShape {
        match self {
            #[cfg(feature = "wasmtime")]
            Compiled::Wasmtime(m) => ModuleShape {
                imports: m
                    .imports()
                    .map(|i| (i.module().to_string(), i.name().to_string()))
                    .collect(),
                exports: m.exports().map(|e| e.name().to_string()).collect(),
            },
            #[cfg(feature = "wasmer")]
            Compiled::Wasmer(m) => ModuleShape {
                imports: m
                    .imports()
                    .map(|i| (i.module().to_string(), i.name().to_string()))
                    .collect(),
                exports: m.exports().map(|e| e.name().to_string()).collect(),
            },
            #[cfg(feature = "wasmi")]
            Compiled::Wasmi(m) => ModuleShape {
                imports: m
                    .imports()
                    .map(|i| (i.module().to_string(), i.name().to_string()))
                    .collect(),
                exports: m.exports().map(|e| e.name().to_string()).collect(),
            },
            #[allow(unreachable_patterns)]
            _ => unreachable!("no engine compiled in"),
        }
    }
}

/// Checks that a module is a Go js/wasm program whose imports this runtime provides.
pub fn check_shape(shape: &ModuleShape) -> Result<(), Error> {
    for export in ["run", "resume", "getsp", "mem"] {
        if !shape.exports.iter().any(|e| e == export) {
            return Err(Error::NotGoProgram(format!(
                "it does not export {export:?}"
            )));
        }
    }
    if !shape.imports.iter().any(|(m, _)| m == "gojs" || m == "go") {
        return Err(Error::NotGoProgram(
            "it imports nothing from the gojs module".into(),
        ));
    }
    for (module, name) in &shape.imports {
        if crate::imports::lookup(module, name).is_none() {
            return Err(Error::UnknownImport {
                module: module.clone(),
                name: name.clone(),
            });
        }
    }
    Ok(())
}
