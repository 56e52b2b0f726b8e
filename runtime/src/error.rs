//! [`Error`]: what the embedding API returns.

use std::fmt;

pub use crate::abort::{Abort, Limit};
use crate::JsValue;

/// Everything the embedding API can fail with.
#[derive(Debug, Clone)]
pub enum Error {
    /// The bytes are not a WebAssembly module the engine accepts.
    InvalidModule(String),
    /// A valid module that is not a Go `GOOS=js GOARCH=wasm` program.
    NotGoProgram(String),
    /// The module imports a function this runtime does not provide.
    UnknownImport {
        /// Import module (`gojs`, `go`, `_gotest`, ...).
        module: String,
        /// Import name.
        name: String,
    },
    /// The requested engine was not compiled in.
    EngineUnavailable(String),
    /// The engine failed for a reason of its own.
    Engine(String),
    /// The guest stopped: trap, fault or interruption (never a normal exit).
    Aborted(Abort),
    /// The guest has exited; nothing more can run in it.
    Exited(i32),
    /// No global of that name.
    NotFound(String),
    /// The global exists but cannot be called.
    NotAFunction(String),
    /// The called JS function threw this value.
    Thrown(JsValue),
    /// The Promise a call returned was rejected with this reason.
    Rejected(JsValue),
    /// waPC: the guest does not know this operation (it refused it, with this message if it
    /// sent one).
    UnknownOperation {
        /// The operation invoked.
        operation: String,
        /// What the guest sent with `__guest_error` while refusing, if anything.
        message: Option<String>,
    },
    /// waPC: the guest answered with an error.
    GuestError(String),
    /// waPC: the guest went idle without answering.
    NoAnswer(String),
    /// Reading or writing host files failed.
    Io(String),
    /// The guest reached one of its resource limits and was stopped.
    LimitExceeded(Limit),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidModule(m) => write!(f, "not a valid WebAssembly module: {m}"),
            Error::NotGoProgram(m) => write!(f, "not a Go GOOS=js GOARCH=wasm program: {m}"),
            Error::UnknownImport { module, name } => {
                write!(
                    f,
                    "the guest imports {module}::{name}, which wasmexec does not provide"
                )
            }
            Error::EngineUnavailable(e) => write!(f, "engine {e} is not compiled into this build"),
            Error::Engine(m) => write!(f, "engine error: {m}"),
            Error::Aborted(a) => write!(f, "{a}"),
            Error::Exited(code) => write!(f, "the guest has exited (status {code})"),
            Error::NotFound(n) => write!(f, "no global function {n:?}"),
            Error::NotAFunction(n) => write!(f, "global {n:?} is not a function"),
            Error::Thrown(v) => write!(f, "the function threw {v:?}"),
            Error::Rejected(v) => write!(f, "the promise was rejected with {v:?}"),
            Error::UnknownOperation {
                message: Some(m), ..
            } => f.write_str(m),
            Error::UnknownOperation { operation, .. } => {
                write!(f, "the guest has no waPC operation {operation:?}")
            }
            Error::GuestError(m) => f.write_str(m),
            Error::NoAnswer(op) => write!(f, "the guest went idle without answering {op:?}"),
            Error::Io(m) => write!(f, "i/o error: {m}"),
            Error::LimitExceeded(limit) => write!(f, "the guest reached {limit}"),
        }
    }
}

impl std::error::Error for Error {}

impl From<Abort> for Error {
    fn from(a: Abort) -> Self {
        match a {
            Abort::Exit(code) => Error::Exited(code),
            Abort::Limit(limit) => Error::LimitExceeded(limit),
            other => Error::Aborted(other),
        }
    }
}
