//! What `AbortSignal` has of `EventTarget`: listeners added and removed, `onabort`, and
//! the `abort` event fired at them in order.

use super::signal::{with_signal, Listener, SignalData};
use super::{protos, tag};
use crate::js::conversions::to_string;
use crate::js::native::{arg, define_methods, native, Method};
use crate::js::ops;
use crate::js::realm::Realm;
use crate::js::timers::Task;
use crate::js::value::{Agent, Class, JsResult, Kind, Obj, Proto, Throw, Value};

/// The state of an event being dispatched.
struct EventData {
    stopped: bool,
}

const EVENT_PROTO: &[Method] = &[
    ("preventDefault", |_, _, _| Ok(Value::Undefined)),
    ("stopPropagation", |_, _, _| Ok(Value::Undefined)),
    ("stopImmediatePropagation", stop_immediate),
];

/// Installs `Event.prototype` (the abort event's).
pub fn install(realm: &mut Realm) {
    let event = realm.slot::<super::Protos>().map(|p| p.event.clone());
    if let Some(event) = event {
        define_methods(&event, EVENT_PROTO);
        tag(realm, &event, "Event");
    }
}

/// The abort event (an `Event` as Node's has the fields Go code may read).
fn event(agent: &mut dyn Agent, target: &Obj) -> Obj {
    let proto = protos(agent).event.clone();
    let e = Obj::with_proto(
        Class::Object,
        Kind::Host(Box::new(EventData { stopped: false })),
        Proto::Object(proto),
    );
    let t = Value::Object(target.clone());
    let fields: [(&str, Value); 10] = [
        ("type", Value::from("abort")),
        ("target", t.clone()),
        ("currentTarget", t.clone()),
        ("srcElement", t),
        ("isTrusted", Value::Bool(true)),
        ("bubbles", Value::Bool(false)),
        ("cancelable", Value::Bool(false)),
        ("composed", Value::Bool(false)),
        ("defaultPrevented", Value::Bool(false)),
        ("eventPhase", Value::Number(2.0)),
    ];
    for (k, v) in fields {
        e.set(k, v);
    }
    e.set(
        "timeStamp",
        Value::Number(agent.realm().clock.performance_now()),
    );
    e
}

/// Calls the `abort` listeners in order. An exception one throws does not stop the others:
/// it is uncaught, as in Node, reported from the event loop.
pub(super) fn fire(agent: &mut dyn Agent, signal: &Obj) -> JsResult<()> {
    let e = event(agent, signal);
    let callbacks: Vec<(Value, bool, bool)> = {
        let data = signal.borrow();
        let Some(s) = data.host::<SignalData>() else {
            return Ok(());
        };
        let listening = s.listeners.iter().filter(|l| l.ty == "abort");
        listening
            .map(|l| (l.callback.clone(), l.once, l.handler))
            .collect()
    };
    let this = Value::Object(signal.clone());
    for (callback, once, handler) in callbacks {
        if e.borrow().host::<EventData>().is_some_and(|d| d.stopped) {
            break;
        }
        if once {
            remove(signal, "abort", &callback);
        }
        let outcome = if callback.is_function() {
            ops::call(agent, &callback, &this, &[Value::Object(e.clone())])
        } else if handler || callback.as_object().is_none() {
            continue;
        } else {
            match ops::get(agent, &callback, b"handleEvent") {
                Ok(f) if f.is_function() => {
                    ops::call(agent, &f, &callback, &[Value::Object(e.clone())])
                }
                Ok(_) => continue,
                Err(t) => Err(t),
            }
        };
        match outcome {
            Ok(_) => {}
            Err(Throw::Value(err)) => report_uncaught(agent, err),
            Err(abort) => return Err(abort),
        }
    }
    e.set("currentTarget", Value::Null);
    e.set("eventPhase", Value::Number(0.0));
    Ok(())
}

/// Throws `err` from the event loop, as an exception no code caught.
fn report_uncaught(agent: &mut dyn Agent, err: Value) {
    let rethrow = native(move |_, _, _| Err(Throw::Value(err.clone())));
    agent.realm().io.push_back(Task::Js {
        callback: rethrow,
        this: Value::Undefined,
        args: Vec::new(),
    });
}

fn stop_immediate(_: &mut dyn Agent, this: &Value, _: &[Value]) -> JsResult {
    if let Some(o) = this.as_object() {
        if let Some(d) = o.borrow_mut().host_mut::<EventData>() {
            d.stopped = true;
        }
    }
    Ok(Value::Undefined)
}

/// Removes the listener `callback` for `ty` (not the `onabort` handler).
fn remove(signal: &Obj, ty: &str, callback: &Value) {
    if let Some(s) = signal.borrow_mut().host_mut::<SignalData>() {
        s.listeners
            .retain(|l| l.handler || l.ty != ty || !l.callback.strict_eq(callback));
    }
}

/// `signal.addEventListener(type, callback, options)`: adds a listener once (`once` from
/// the options).
pub(super) fn add_event_listener(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    with_signal(this, |_| ())?;
    let ty = to_string(agent, &arg(args, 0))?.to_str_lossy().into_owned();
    let callback = arg(args, 1);
    if matches!(callback, Value::Undefined | Value::Null) {
        return Ok(Value::Undefined);
    }
    let options = arg(args, 2);
    let once = match &options {
        Value::Object(_) => ops::get(agent, &options, b"once")?.truthy(),
        _ => false,
    };
    with_signal(this, |s| {
        let known = s
            .listeners
            .iter()
            .any(|l| !l.handler && l.ty == ty && l.callback.strict_eq(&callback));
        if !known {
            s.listeners.push(Listener {
                ty,
                callback,
                once,
                handler: false,
            });
        }
    })?;
    Ok(Value::Undefined)
}

/// `signal.removeEventListener(type, callback)`.
pub(super) fn remove_event_listener(
    agent: &mut dyn Agent,
    this: &Value,
    args: &[Value],
) -> JsResult {
    with_signal(this, |_| ())?;
    let ty = to_string(agent, &arg(args, 0))?.to_str_lossy().into_owned();
    if let Some(o) = this.as_object() {
        remove(o, &ty, &arg(args, 1));
    }
    Ok(Value::Undefined)
}

/// The `onabort` getter: the handler, or `null`.
pub(super) fn get_onabort(_: &mut dyn Agent, this: &Value, _: &[Value]) -> JsResult {
    with_signal(this, |s| {
        s.listeners
            .iter()
            .find(|l| l.handler)
            .map_or(Value::Null, |l| l.callback.clone())
    })
}

/// The `onabort` setter: a function takes the handler's place in the order (the first
/// one set keeps it); anything else clears it.
pub(super) fn set_onabort(_: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let v = arg(args, 0);
    let v = if v.is_function() { v } else { Value::Null };
    with_signal(this, |s| match s.listeners.iter_mut().find(|l| l.handler) {
        Some(l) => l.callback = v,
        None if v.is_function() => s.listeners.push(Listener {
            ty: "abort".into(),
            callback: v,
            once: false,
            handler: true,
        }),
        None => {}
    })?;
    Ok(Value::Undefined)
}
