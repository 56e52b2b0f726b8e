//! A waPC host provider (feature `wapc-provider`): the `wapc` crate's
//! `WebAssemblyEngineProvider` on top of wasmexec, so `wapc::WapcHost` runs standard Go guests
//! (`go build` with `GOOS=js GOARCH=wasm`, using the seed's waPC protocol over `syscall/js`,
//! as `go-guests/wapc` implements it), which no other waPC host runs.
//!
//! ```no_run
//! use wasmexec::{wapc_provider::WasmexecProvider, EngineKind, Runtime};
//!
//! let runtime = Runtime::new(EngineKind::Wasmtime)?;
//! let provider = WasmexecProvider::new(runtime, &std::fs::read("plugin.wasm")?)?;
//! let host = wapc::WapcHost::new(
//!     Box::new(provider),
//!     Some(Box::new(|_id, binding, namespace, operation, payload| {
//!         Ok(format!("{binding}/{namespace}/{operation}: {}", payload.len()).into_bytes())
//!     })),
//! )?;
//! let answer = host.call("greet", b"World")?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::error::Error as StdError;
use std::sync::Arc;

use wapc::{ModuleState, WebAssemblyEngineProvider};

use crate::{Config, Error, Instance, Module, Runtime, Status};

type BoxError = Box<dyn StdError + Send + Sync>;

/// Makes the [`Config`] of each instance the provider starts (a fresh one per module load).
type ConfigFn = Box<dyn Fn() -> Config + Send + Sync>;

/// Runs a Go waPC guest for `wapc::WapcHost`.
pub struct WasmexecProvider {
    runtime: Runtime,
    module: Module,
    config: ConfigFn,
    state: Option<Arc<ModuleState>>,
    instance: Option<Instance>,
}

impl WasmexecProvider {
    /// Compiles `wasm` for `runtime`. Each instance gets `Config::new()` (argv `["js"]`, the
    /// process's stdout and stderr); see [`WasmexecProvider::with_config`].
    pub fn new(runtime: Runtime, wasm: &[u8]) -> Result<WasmexecProvider, Error> {
        let module = runtime.compile(wasm)?;
        Ok(WasmexecProvider {
            runtime,
            module,
            config: Box::new(Config::new),
            state: None,
            instance: None,
        })
    }

    /// Uses `make` for each instance's settings (mounts, environment, limits, output...); the
    /// provider adds the waPC host-call handler.
    pub fn with_config(mut self, make: impl Fn() -> Config + Send + Sync + 'static) -> Self {
        self.config = Box::new(make);
        self
    }

    /// Instantiates the module and runs the guest's `main` until it waits for calls.
    fn start(&mut self) -> Result<(), BoxError> {
        let state = self
            .state
            .clone()
            .ok_or("the provider was not initialised")?;
        let config = (self.config)().host_call(move |binding, namespace, operation, payload| {
            match state.do_host_call(binding, namespace, operation, payload) {
                Ok(1) => Ok(state.with_host_response(|b| b.to_vec()).unwrap_or_default()),
                _ => Err(state
                    .get_host_error()
                    .unwrap_or_else(|| "the host call failed".into())),
            }
        });
        let mut instance = self.runtime.instantiate(&self.module, config)?;
        if let Status::Exited(code) = instance.run()? {
            return Err(format!(
                "the guest exited (status {code}) after registering its functions; block main \
                 (for example with select {{}}) to keep them callable"
            )
            .into());
        }
        self.instance = Some(instance);
        Ok(())
    }
}

impl WebAssemblyEngineProvider for WasmexecProvider {
    fn init(&mut self, host: Arc<ModuleState>) -> Result<(), BoxError> {
        self.state = Some(host);
        self.start()
    }

    fn call(&mut self, _op_length: i32, _msg_length: i32) -> Result<i32, BoxError> {
        let state = self
            .state
            .clone()
            .ok_or("the provider was not initialised")?;
        let request = state
            .get_guest_request()
            .ok_or("no guest request was set")?;
        let instance = self.instance.as_mut().ok_or("no instance is running")?;
        match instance.invoke(&request.operation, &request.msg) {
            Ok(response) => {
                state.set_guest_response(response);
                Ok(1)
            }
            // The guest's own words, verbatim, unknown operations included; the host's wording
            // only where the guest sent none (as wapc's wasmtime provider reports traps).
            Err(Error::GuestError(m))
            | Err(Error::UnknownOperation {
                message: Some(m), ..
            }) => {
                state.set_guest_error(m);
                Ok(0)
            }
            Err(e) => {
                state.set_guest_error(e.to_string());
                Ok(0)
            }
        }
    }

    fn replace(&mut self, bytes: &[u8]) -> Result<(), BoxError> {
        self.module = self.runtime.compile(bytes)?;
        self.instance = None;
        self.start()
    }
}
