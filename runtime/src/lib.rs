//! # wasmexec
//!
//! Runs Go programs compiled with `GOOS=js GOARCH=wasm` outside a JavaScript engine: a Rust
//! implementation of the host side of Go's `wasm_exec.js` (the `gojs` imports and the JS world
//! Go's standard library expects), on wasmtime, wasmer or wasmi.
//!
//! ```no_run
//! use wasmexec::{Config, EngineKind, JsValue, Runtime};
//!
//! let runtime = Runtime::new(EngineKind::Wasmtime)?;
//! let module = runtime.compile(&std::fs::read("plugin.wasm").unwrap())?;
//! let mut guest = runtime.instantiate(&module, Config::new().args(["plugin"]))?;
//! guest.run()?; // main runs until it exits or waits for events
//! let sum = guest.call("add", &[JsValue::from(1.0), JsValue::from(2.0)])?;
//! # Ok::<(), wasmexec::Error>(())
//! ```
//!
//! Layout, bottom up: `js` is the JS world (values, operations, built-ins; it knows nothing of
//! guests or engines); [`table`] is Go's value table and [`abi`] decodes arguments at Go's
//! stack pointer; `fs`, `node` (`process`, `path`, `console`) and `wapc` are the objects the
//! host installs into the world; `imports` is the `gojs` module; [`instance`] is the event
//! loop and host API; `engine` holds one thin backend per engine.

#![deny(missing_docs)]
// A build without any engine compiles (every `Runtime::new` then reports the engine as
// unavailable); it is the baseline `scripts/build-times` measures the engines against.
#![cfg_attr(
    not(any(feature = "wasmtime", feature = "wasmer", feature = "wasmi")),
    allow(unused, unreachable_code)
)]

pub mod abi;
mod abort;
mod cache;
mod convert;
mod engine;
mod error;
mod fs;
mod guest;
mod host;
mod imports;
pub mod instance;
mod js;
mod node;
mod stdio;
pub mod table;
mod wapc;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

pub use convert::{Context, HostFn, JsFunction, JsValue};
pub use engine::{EngineKind, ModuleShape, Settings};
pub use error::{Abort, Error};
pub use instance::{Config, Instance, Status};
pub use wapc::Exchange;

/// An engine plus a cache of the modules it compiled. Cheap to share between threads.
pub struct Runtime {
    kind: EngineKind,
    engine: Arc<dyn engine::EngineImpl>,
    modules: Mutex<HashMap<String, Module>>,
    cache_dir: Option<PathBuf>,
    cache_limit: u64,
    settings: Settings,
}

/// A compiled guest module, ready to instantiate any number of times.
#[derive(Clone)]
pub struct Module {
    compiled: engine::Compiled,
    shape: Arc<ModuleShape>,
    hash: String,
}

impl Module {
    /// The module's imports and exports.
    pub fn shape(&self) -> &ModuleShape {
        &self.shape
    }

    /// SHA-256 of the wasm bytes.
    pub fn hash(&self) -> &str {
        &self.hash
    }
}

impl Runtime {
    /// A runtime on `kind` with default settings.
    pub fn new(kind: EngineKind) -> Result<Runtime, Error> {
        Runtime::with_settings(kind, Settings::default())
    }

    /// A runtime on `kind` with these settings.
    pub fn with_settings(kind: EngineKind, settings: Settings) -> Result<Runtime, Error> {
        Ok(Runtime {
            kind,
            engine: Arc::from(engine::new(kind, &settings)?),
            modules: Mutex::new(HashMap::new()),
            cache_dir: None,
            cache_limit: cache::DEFAULT_LIMIT,
            settings,
        })
    }

    /// Also caches compiled code on disk under `dir` (engines that can serialise it). The
    /// directory is kept under 2 GiB (see [`Runtime::cache_limit`]).
    pub fn cache_dir(mut self, dir: impl Into<PathBuf>) -> Runtime {
        self.cache_dir = Some(dir.into());
        self
    }

    /// Bounds the disk cache: after writing an entry, the least recently used entries are
    /// removed until the directory's entries take at most `bytes`.
    pub fn cache_limit(mut self, bytes: u64) -> Runtime {
        self.cache_limit = bytes;
        self
    }

    /// The engine.
    pub fn kind(&self) -> EngineKind {
        self.kind
    }

    /// Compiles `wasm`, or returns the module compiled before from the same bytes. Fails with
    /// a clear error for bytes that are not wasm, for modules that are not Go js/wasm programs,
    /// and for guests importing functions this runtime does not provide.
    pub fn compile(&self, wasm: &[u8]) -> Result<Module, Error> {
        if !wasm.starts_with(b"\0asm") {
            return Err(Error::InvalidModule(
                "missing the \\0asm magic number".into(),
            ));
        }
        let hash = cache::hex_digest(&[wasm]);
        if let Some(m) = self
            .modules
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&hash)
        {
            return Ok(m.clone());
        }
        let compiled = self.compile_cached(wasm, &hash)?;
        let shape = self.engine.shape(&compiled);
        engine::check_shape(&shape)?;
        let module = Module {
            compiled,
            shape: Arc::new(shape),
            hash: hash.clone(),
        };
        self.modules
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(hash, module.clone());
        Ok(module)
    }

    fn compile_cached(&self, wasm: &[u8], hash: &str) -> Result<engine::Compiled, Error> {
        let Some(dir) = self
            .cache_dir
            .as_ref()
            .filter(|_| self.engine.caches_code())
        else {
            return self.engine.compile(wasm);
        };
        let settings = format!("{:?}", self.settings);
        let key = cache::hex_digest(&[
            hash.as_bytes(),
            self.engine.identity().as_bytes(),
            settings.as_bytes(),
        ]);
        let path = cache::entry_path(dir, &key);
        if let Some(m) = cache::read(&path).and_then(|bytes| self.engine.deserialize(&bytes)) {
            return Ok(m);
        }
        let compiled = self.engine.compile(wasm)?;
        if let Some(bytes) = self.engine.serialize(&compiled) {
            // A cache that cannot be written only costs time.
            if cache::write(&path, &bytes).is_ok() {
                cache::trim(dir, self.cache_limit);
            }
        }
        Ok(compiled)
    }

    /// Instantiates a module with the `gojs` imports linked and the JS world set up.
    pub fn instantiate(&self, module: &Module, mut config: Config) -> Result<Instance, Error> {
        let mut host = Instance::new_host(&mut config)?;
        host.deadline = config.timeout.map(|d| std::time::Instant::now() + d);
        let backend = self
            .engine
            .instantiate(&module.compiled, host, config.timeout.is_some())?;
        Ok(Instance::new(backend, config))
    }
}

/// Does this runtime provide the import `module::name`?
pub fn provides_import(module: &str, name: &str) -> bool {
    imports::lookup(module, name).is_some()
}

/// The README's examples, compiled as doctests.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
