//! The state an `AbortSignal` object holds, shared by the signal's own methods
//! ([`super::abort`]) and the `EventTarget` part of it ([`super::event`]).

use crate::js::builtins::text::invalid_this;
use crate::js::value::{Agent, JsResult, Obj, Value, WeakObj};

/// A step to run when a signal aborts, with its reason.
pub type Algorithm = Box<dyn FnOnce(&mut dyn Agent, &Value) -> JsResult<()>>;

/// An event listener of a signal.
pub(super) struct Listener {
    /// The event type it listens for.
    pub(super) ty: String,
    /// The function (or `handleEvent` object) to call.
    pub(super) callback: Value,
    /// Removed before its first call.
    pub(super) once: bool,
    /// The `onabort` attribute's place in the order.
    pub(super) handler: bool,
}

/// The state of an `AbortSignal`.
pub struct SignalData {
    /// Has it aborted?
    pub(super) aborted: bool,
    /// Why it aborted (`undefined` until it has).
    pub(super) reason: Value,
    /// The reason again, in an array, so the JS heap counts a string or BigInt one.
    pub(super) counted: Obj,
    /// Its event listeners, `onabort` among them, in the order they were added.
    pub(super) listeners: Vec<Listener>,
    /// The steps to run when it aborts.
    pub(super) algorithms: Vec<Algorithm>,
    /// Signals that abort when this one does (`AbortSignal.any`, a request's signal).
    pub(super) dependents: Vec<WeakObj>,
}

impl SignalData {
    /// The state of a new signal, not aborted.
    pub(super) fn new() -> Self {
        SignalData {
            aborted: false,
            reason: Value::Undefined,
            counted: Obj::array(Vec::new()),
            listeners: Vec::new(),
            algorithms: Vec::new(),
            dependents: Vec::new(),
        }
    }
}

/// Runs `f` on the state of the signal `this` (an "invalid this" error if it is none).
pub(super) fn with_signal<R>(this: &Value, f: impl FnOnce(&mut SignalData) -> R) -> JsResult<R> {
    let Some(o) = this.as_object() else {
        return Err(invalid_this("AbortSignal"));
    };
    let mut data = o.borrow_mut();
    match data.host_mut::<SignalData>() {
        Some(s) => Ok(f(s)),
        None => Err(invalid_this("AbortSignal")),
    }
}
