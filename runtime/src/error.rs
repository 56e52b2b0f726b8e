//! [`Error`]: what the embedding API returns.

use std::fmt;
use std::sync::Arc;

pub use crate::abort::{Abort, Limit};
use crate::JsValue;

/// Everything the embedding API can fail with: one variant per cause an embedder may want to
/// match on. New causes may be added, so matches need a catch-all arm.
#[derive(Debug, Clone)]
#[non_exhaustive]
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
    Engine(EngineError),
    /// The guest trapped (unreachable, out-of-bounds access, wasm stack exhausted, a panic in
    /// a host function, ...).
    Trap(String),
    /// The guest handed the host something it cannot honour (a wild pointer, an unknown
    /// value id, a malformed argument) and was stopped.
    Fault(String),
    /// The guest ran past its [`crate::Config::timeout`] and was stopped.
    Timeout,
    /// The guest has exited with this status; nothing more can run in it.
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
    /// Setting up the guest's files, directories or clock failed.
    Io(IoError),
    /// The guest reached one of its resource limits and was stopped.
    LimitExceeded(Limit),
    /// A [`crate::JsObject`] of another instance was passed to this one.
    ForeignHandle,
}

/// An engine failure: what failed, and the engine's own error when there is one.
#[derive(Debug, Clone)]
pub struct EngineError {
    message: String,
    source: Option<Arc<dyn std::error::Error + Send + Sync>>,
}

impl EngineError {
    /// An engine failure described by `message`, caused by `source` if given.
    pub(crate) fn new(
        message: impl Into<String>,
        source: Option<Arc<dyn std::error::Error + Send + Sync>>,
    ) -> EngineError {
        EngineError {
            message: message.into(),
            source,
        }
    }
}

impl fmt::Display for EngineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// A host I/O failure while setting a guest up: what was being done, and the system's error.
#[derive(Debug, Clone)]
pub struct IoError {
    context: String,
    source: Option<Arc<std::io::Error>>,
}

impl IoError {
    /// `context` failed with `source`.
    pub(crate) fn new(context: impl Into<String>, source: Option<std::io::Error>) -> IoError {
        IoError {
            context: context.into(),
            source: source.map(Arc::new),
        }
    }

    /// The system's error, if there was one.
    pub fn io_error(&self) -> Option<&std::io::Error> {
        self.source.as_deref()
    }
}

impl fmt::Display for IoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.source {
            Some(e) => write!(f, "{}: {e}", self.context),
            None => f.write_str(&self.context),
        }
    }
}

impl Error {
    /// An engine failure with only a message.
    pub(crate) fn engine(message: impl Into<String>) -> Error {
        Error::Engine(EngineError::new(message, None))
    }

    /// An I/O failure.
    pub(crate) fn io(context: impl Into<String>, source: Option<std::io::Error>) -> Error {
        Error::Io(IoError::new(context, source))
    }

    /// Did the guest stop abnormally (trap, fault, timeout) rather than exit or fail to start?
    pub fn is_abort(&self) -> bool {
        matches!(self, Error::Trap(_) | Error::Fault(_) | Error::Timeout)
    }
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
            Error::Trap(m) => write!(f, "{}", Abort::Trap(m.clone())),
            Error::Fault(m) => write!(f, "{}", Abort::Fault(m.clone())),
            Error::Timeout => write!(f, "{}", Abort::Interrupted),
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
            Error::ForeignHandle => f.write_str("the handle belongs to another instance"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Engine(EngineError {
                source: Some(e), ..
            }) => Some(e.as_ref()),
            Error::Io(IoError {
                source: Some(e), ..
            }) => Some(e.as_ref()),
            _ => None,
        }
    }
}

impl From<Abort> for Error {
    fn from(a: Abort) -> Self {
        match a {
            Abort::Exit(code) => Error::Exited(code),
            Abort::Limit(limit) => Error::LimitExceeded(limit),
            Abort::Trap(m) => Error::Trap(m),
            Abort::Fault(m) => Error::Fault(m),
            Abort::Interrupted => Error::Timeout,
        }
    }
}
