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
mod limits;
mod node;
mod runtime;
mod shape;
mod stdio;
mod syscall_js;
pub mod table;
mod wapc;

pub use convert::{Context, HostFn, JsFunction, JsString, JsValue};
pub use engine::{EngineKind, Settings, Tier};
pub use error::{Abort, Error, Limit};
pub use fs::sandbox::hide_from_guests;
pub use instance::{Config, Instance, Status};
pub use runtime::{Module, Runtime};
pub use shape::ModuleShape;
pub use wapc::Exchange;

/// Removes the temporary directories live instances hold (the read-only root shown above their
/// mounts), for a program about to end on a signal, which drops nothing. Instances that still
/// run afterwards lose that root.
pub fn remove_temporary_files() {
    fs::sandbox::remove_skeletons();
}

/// Does this runtime provide the import `module::name`?
pub fn provides_import(module: &str, name: &str) -> bool {
    imports::lookup(module, name).is_some()
}

/// The README's examples, compiled as doctests.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
