//! `AbortController` and `AbortSignal`: a signal aborts once, with a reason (by default a
//! `DOMException` named `AbortError`), then runs the steps the host registered (a fetch
//! giving up) and fires `abort` at its listeners and `onabort`, synchronously, in the order
//! they were added. `AbortSignal.abort`, `.timeout` and `.any` make signals too.

use super::event;
pub use super::signal::Algorithm;
use super::signal::{with_signal, SignalData};
use super::{dom_exception, install_class};
use crate::js::builtins::text::{node_error, received};
use crate::js::conversions::iterate;
use crate::js::native::{arg, builtin, define_methods, native, Method};
use crate::js::ops;
use crate::js::realm::Realm;
use crate::js::timers::{clamp_delay, Task};
use crate::js::value::{
    attrs, Agent, Class, ErrorType, Intrinsic, JsResult, Obj, Throw, Value, WeakObj,
};

/// The state of an `AbortController`.
struct ControllerData {
    signal: Obj,
}

const CONTROLLER_PROTO: &[Method] = &[("abort", controller_abort)];

const CONTROLLER_GETTERS: &[Method] = &[("signal", |_, t, _| controller(t).map(Value::Object))];

const SIGNAL_PROTO: &[Method] = &[
    ("throwIfAborted", throw_if_aborted),
    ("addEventListener", event::add_event_listener),
    ("removeEventListener", event::remove_event_listener),
];

const SIGNAL_GETTERS: &[Method] = &[
    ("aborted", |_, t, _| {
        with_signal(t, |s| Value::Bool(s.aborted))
    }),
    ("reason", |_, t, _| with_signal(t, |s| s.reason.clone())),
];

const SIGNAL_STATICS: &[Method] = &[("abort", abort_static), ("timeout", timeout), ("any", any)];

/// Installs `AbortController`, `AbortSignal` and the abort event's `Event.prototype`.
pub fn install(realm: &mut Realm) {
    let illegal: crate::js::value::Builtin = |_, _, _| {
        Err(node_error(
            ErrorType::TypeError,
            "ERR_ILLEGAL_CONSTRUCTOR",
            "Illegal constructor",
        ))
    };
    let signal = install_class(
        realm,
        Intrinsic::AbortSignal,
        "AbortSignal",
        "AbortSignal",
        SIGNAL_PROTO,
        SIGNAL_GETTERS,
        illegal,
    );
    define_methods(&signal, SIGNAL_STATICS);
    let proto = realm.proto(Class::Other(Intrinsic::AbortSignal));
    proto.define_accessor(
        "onabort",
        builtin(event::get_onabort),
        builtin(event::set_onabort),
        attrs::CONFIGURABLE | attrs::ENUMERABLE,
    );
    install_class(
        realm,
        Intrinsic::AbortController,
        "AbortController",
        "AbortController",
        CONTROLLER_PROTO,
        CONTROLLER_GETTERS,
        |_, _, _| {
            let signal = new_signal();
            Ok(Value::Object(Obj::host(
                Intrinsic::AbortController,
                ControllerData { signal },
            )))
        },
    );
    event::install(realm);
}

/// A new signal, not aborted.
pub fn new_signal() -> Obj {
    Obj::host(Intrinsic::AbortSignal, SignalData::new())
}

/// The reason an abort without one gets.
pub fn abort_error() -> Value {
    dom_exception("This operation was aborted", "AbortError", 20)
}

/// Is `v` an `AbortSignal`?
pub fn is_signal(v: &Value) -> bool {
    v.as_object()
        .is_some_and(|o| o.borrow().host::<SignalData>().is_some())
}

/// The reason of `v`, if it is an aborted signal.
pub fn reason_if_aborted(v: &Value) -> Option<Value> {
    let o = v.as_object()?;
    let data = o.borrow();
    let s = data.host::<SignalData>()?;
    s.aborted.then(|| s.reason.clone())
}

/// Runs `f` when `signal` aborts (not at all if it has already).
pub fn on_abort(signal: &Obj, f: Algorithm) {
    if let Some(s) = signal.borrow_mut().host_mut::<SignalData>() {
        if !s.aborted {
            s.algorithms.push(f);
        }
    }
}

/// A new signal that aborts when any of `parents` does (at once, if one has).
pub fn follow(parents: &[Obj]) -> Obj {
    let child = new_signal();
    if let Some(reason) = parents
        .iter()
        .find_map(|p| reason_if_aborted(&Value::Object(p.clone())))
    {
        mark_aborted(&child, reason);
        return child;
    }
    for parent in parents {
        if let Some(s) = parent.borrow_mut().host_mut::<SignalData>() {
            s.dependents.push(child.downgrade());
        }
    }
    child
}

/// Sets the aborted state; the steps to run and the signals that follow, if it was not
/// aborted yet.
fn mark_aborted(signal: &Obj, reason: Value) -> Option<(Vec<Algorithm>, Vec<WeakObj>)> {
    let mut data = signal.borrow_mut();
    let s = data.host_mut::<SignalData>()?;
    if s.aborted {
        return None;
    }
    s.aborted = true;
    s.counted = Obj::array(vec![reason.clone()]);
    s.reason = reason;
    Some((
        std::mem::take(&mut s.algorithms),
        std::mem::take(&mut s.dependents),
    ))
}

/// Aborts `signal` with `reason`, and the signals that follow it (however deep they
/// chain, without recursion): each runs its steps, then fires its `abort` event.
pub fn abort(agent: &mut dyn Agent, signal: &Obj, reason: Value) -> JsResult<()> {
    let mut aborted = Vec::new();
    let mut todo = vec![signal.clone()];
    while let Some(s) = todo.pop() {
        if let Some((algorithms, dependents)) = mark_aborted(&s, reason.clone()) {
            todo.extend(dependents.iter().rev().filter_map(WeakObj::upgrade));
            aborted.push((s, algorithms));
        }
    }
    for (s, algorithms) in aborted {
        for f in algorithms {
            f(agent, &reason)?;
        }
        event::fire(agent, &s)?;
    }
    Ok(())
}

fn controller(this: &Value) -> JsResult<Obj> {
    let found = this.as_object().and_then(|o| {
        let data = o.borrow();
        data.host::<ControllerData>().map(|c| c.signal.clone())
    });
    match found {
        Some(signal) => Ok(signal),
        None => ops::type_error(
            "Cannot read private member #signal from an object whose class did not declare it",
        ),
    }
}

fn controller_abort(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let signal = controller(this)?;
    let reason = match arg(args, 0) {
        Value::Undefined => abort_error(),
        v => v,
    };
    abort(agent, &signal, reason)?;
    Ok(Value::Undefined)
}

fn throw_if_aborted(_: &mut dyn Agent, this: &Value, _: &[Value]) -> JsResult {
    match with_signal(this, |s| s.aborted.then(|| s.reason.clone()))? {
        Some(reason) => Err(Throw::Value(reason)),
        None => Ok(Value::Undefined),
    }
}

/// `AbortSignal.abort(reason)`: a signal aborted already.
fn abort_static(_: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    let signal = new_signal();
    let reason = match arg(args, 0) {
        Value::Undefined => abort_error(),
        v => v,
    };
    mark_aborted(&signal, reason);
    Ok(Value::Object(signal))
}

/// `AbortSignal.timeout(ms)`: a signal that aborts with a `TimeoutError` after `ms`, on a
/// timer that does not keep the event loop alive.
fn timeout(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    let delay = arg(args, 0);
    let Value::Number(ms) = delay else {
        return Err(node_error(
            ErrorType::TypeError,
            "ERR_INVALID_ARG_TYPE",
            &format!(
                "The \"delay\" argument must be of type number. {}",
                received(&delay)
            ),
        ));
    };
    if ms.fract() != 0.0 || !(0.0..=4294967295.0).contains(&ms) {
        let rule = if ms.fract() != 0.0 && ms.is_finite() {
            "an integer"
        } else {
            ">= 0 && <= 4294967295"
        };
        return Err(node_error(
            ErrorType::RangeError,
            "ERR_OUT_OF_RANGE",
            &format!(
                "The value of \"delay\" is out of range. It must be {rule}. Received {}",
                crate::js::number::format(ms)
            ),
        ));
    }
    let signal = new_signal();
    let target = signal.clone();
    let fire = native(move |agent, _, _| {
        let reason = dom_exception(
            "The operation was aborted due to timeout",
            "TimeoutError",
            23,
        );
        abort(agent, &target, reason).map(|_| Value::Undefined)
    });
    let task = Task::Js {
        callback: fire,
        this: Value::Undefined,
        args: Vec::new(),
    };
    let timers = &mut agent.realm().timers;
    let id = timers.add(task, clamp_delay(ms), false);
    timers.set_ref(id, false);
    Ok(Value::Object(signal))
}

/// `AbortSignal.any(signals)`: a signal that aborts with the first of them.
fn any(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    let mut parents = Vec::new();
    for v in iterate(agent, &arg(args, 0))? {
        match v {
            Value::Object(o) if is_signal(&Value::Object(o.clone())) => parents.push(o),
            _ => {
                return Err(node_error(
                    ErrorType::TypeError,
                    "ERR_INVALID_ARG_TYPE",
                    "The \"signals[0]\" argument must be an instance of AbortSignal.",
                ))
            }
        }
    }
    Ok(Value::Object(follow(&parents)))
}
