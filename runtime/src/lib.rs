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
//! ## Values, handles and Promises
//!
//! Arguments and results cross as [`JsValue`]: primitives, strings (lone surrogates kept),
//! bytes and plain objects and arrays are copied; functions and every other object (a
//! Promise, a Map, a class instance) stay in the guest and cross as a [`JsObject`] handle,
//! with identity, usable with [`Instance::get`], [`Instance::set`],
//! [`Instance::call_method`] (the object as `this`) and [`Instance::keys`], and passed back
//! as an argument. [`Instance::handle`] gives a handle to a plain object too.
//! [`Instance::call_await`] and [`Instance::await_promise`] run the event loop until a
//! Promise settles.
//!
//! ```no_run
//! # use wasmexec::{Config, EngineKind, JsValue, Runtime};
//! # let runtime = Runtime::new(EngineKind::Wasmtime)?;
//! # let module = runtime.compile(&[])?;
//! # let mut guest = runtime.instantiate(&module, Config::new())?;
//! let account = guest.handle("accounts.alice")?;
//! guest.call_method(&account, "deposit", &[JsValue::from(5)])?;
//! let square = guest.call_await("asyncSquare", &[JsValue::from(7)])?; // a Go async function
//! # Ok::<(), wasmexec::Error>(())
//! ```
//!
//! ## Threads
//!
//! [`Runtime`] and [`Module`] are `Send + Sync` (share them with an `Arc`); an [`Instance`] is
//! `Send`: one thread uses it at a time, and it may move between calls, so it fits tokio's
//! `spawn_blocking` or a pool of instances behind a mutex.
//!
//! ```no_run
//! # use wasmexec::{Config, EngineKind, JsValue, Runtime};
//! # let runtime = Runtime::new(EngineKind::Wasmtime)?;
//! # let module = runtime.compile(&[])?;
//! let mut guest = runtime.instantiate(&module, Config::new())?;
//! guest.run()?;
//! let sum = std::thread::spawn(move || guest.call("add", &[JsValue::from(2), JsValue::from(3)]))
//!     .join()
//!     .unwrap()?;
//! # Ok::<(), wasmexec::Error>(())
//! ```
//!
//! ## Features
//!
//! | feature | default | what it adds |
//! |---|---|---|
//! | `wasmtime` | yes | the wasmtime engine (Cranelift, and Winch for fast first runs) |
//! | `wasmer` | | the wasmer engine (Cranelift and singlepass) |
//! | `wasmi` | | the wasmi interpreter (starts at once, runs slower) |
//! | `serde` | | `serde_json::Value` into [`JsValue`], and [`JsValue::to_json`] |
//! | `wapc-provider` | | `wapc_provider::WasmexecProvider` for the `wapc` crate's `WapcHost` |
//! | `net` | | `fetch` for guests, for the hosts `Config::allow_net` lists |
//!
//! ## Layout
//!
//! Bottom up: `js` is the JS world (values, operations, built-ins; it knows nothing of guests
//! or engines); `table` is Go's value table and `abi` decodes arguments at Go's stack
//! pointer; `fs`, `node` (`process`, `path`, `console`) and `wapc` are the objects the host
//! installs into the world; `imports` is the `gojs` module; [`instance`] is the event loop and
//! host API; `engine` holds one thin backend per engine over shared glue.

#![deny(missing_docs)]
// A build without any engine compiles (every `Runtime::new` then reports the engine as
// unavailable); it is the baseline `scripts/build-times` measures the engines against.
#![cfg_attr(
    not(any(feature = "wasmtime", feature = "wasmer", feature = "wasmi")),
    allow(unused, unreachable_code)
)]

mod abi;
mod abort;
mod cache;
mod convert;
mod data_segments;
mod engine;
mod error;
mod fs;
// Entry points for the fuzz targets (`fuzz/`): not part of the stable API.
#[doc(hidden)]
pub mod fuzzing;
mod guest;
mod handle;
mod host;
mod imports;
#[cfg(feature = "wasmtime")]
mod indirect_calls;
pub mod instance;
mod js;
#[cfg(feature = "serde")]
mod json_value;
mod limits;
#[cfg(feature = "net")]
mod net;
mod node;
mod runtime;
mod shape;
mod stdio;
mod syscall_js;
mod table;
mod tier_up;
mod wapc;
#[cfg(feature = "wapc-provider")]
pub mod wapc_provider;

pub use convert::{Context, HostFn, JsFunction, JsObject, JsString, JsValue};
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
