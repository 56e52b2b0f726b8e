//! `setTimeout`, `setInterval`, `setImmediate`, their `clear*` functions and
//! `queueMicrotask`, on the realm's one timer queue (which the guest's own timeout events
//! share). Timers return Node's `Timeout` objects.

use crate::js::native::{arg, builtin, define_methods, Method};
use crate::js::ops::type_error;
use crate::js::realm::Realm;
use crate::js::timers::{clamp_delay, Task};
use crate::js::value::{attrs, Agent, Class, Intrinsic, JsResult, Obj, Value};

/// A `Timeout` object's timer and delay.
struct TimeoutState {
    id: u64,
    delay: std::time::Duration,
}

const GLOBALS: &[Method] = &[
    ("setTimeout", set_timeout),
    ("setInterval", set_interval),
    ("setImmediate", set_immediate),
    ("clearTimeout", clear),
    ("clearInterval", clear),
    ("clearImmediate", clear),
    ("queueMicrotask", queue_microtask),
];

const TIMEOUT_PROTO: &[Method] = &[
    ("ref", ref_),
    ("unref", unref),
    ("hasRef", has_ref),
    ("refresh", refresh),
    ("close", close),
];

pub fn install(realm: &mut Realm) {
    let global = realm.global.clone();
    define_methods(&global, GLOBALS);
    let proto = realm.proto(Class::Other(Intrinsic::Timeout));
    define_methods(&proto, TIMEOUT_PROTO);
    let to_primitive = realm.symbols.to_primitive.clone();
    proto.define_symbol(&to_primitive, builtin(primitive), attrs::HIDDEN);
}

/// Node's `ERR_INVALID_ARG_TYPE` for a callback that is not a function.
fn not_a_callback(v: &Value) -> crate::js::Throw {
    super::text::node_error(
        crate::js::ErrorType::TypeError,
        "ERR_INVALID_ARG_TYPE",
        &format!(
            "The \"callback\" argument must be of type function. {}",
            super::text::received(v)
        ),
    )
}

fn schedule(agent: &mut dyn Agent, args: &[Value], repeat: bool, delay: f64) -> JsResult {
    let callback = arg(args, 0);
    if !callback.is_function() {
        return Err(not_a_callback(&callback));
    }
    let delay = clamp_delay(delay);
    let timeout = Obj::host(Intrinsic::Timeout, TimeoutState { id: 0, delay });
    let task = Task::Js {
        callback,
        this: Value::Object(timeout.clone()),
        args: args.get(2..).unwrap_or_default().to_vec(),
    };
    let id = agent.realm().timers.add(task, delay, repeat);
    if let Some(s) = timeout.borrow_mut().host_mut::<TimeoutState>() {
        s.id = id;
    }
    Ok(Value::Object(timeout))
}

fn set_timeout(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    let delay = arg(args, 1).to_number();
    schedule(agent, args, false, delay)
}

fn set_interval(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    let delay = arg(args, 1).to_number();
    schedule(agent, args, true, delay)
}

/// `setImmediate(f, ...args)`: after the timers now due (a 0 ms timer here).
fn set_immediate(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    let mut shifted = vec![arg(args, 0), Value::Number(0.0)];
    shifted.extend_from_slice(args.get(1..).unwrap_or_default());
    schedule(agent, &shifted, false, 0.0)
}

/// The timer of a `Timeout` object, or of the number its `[Symbol.toPrimitive]` gives.
fn timer_of(v: &Value) -> Option<u64> {
    match v {
        Value::Object(o) => o.borrow().host::<TimeoutState>().map(|s| s.id),
        Value::Number(n) if *n >= 1.0 => Some(*n as u64),
        Value::String(s) => s.to_str_lossy().parse().ok(),
        _ => None,
    }
}

fn clear(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    if let Some(id) = timer_of(&arg(args, 0)) {
        // Only JS timers: the guest's own events are not theirs to clear.
        agent.realm().timers.clear_js(id);
    }
    Ok(Value::Undefined)
}

fn queue_microtask(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    let callback = arg(args, 0);
    if !callback.is_function() {
        return Err(not_a_callback(&callback));
    }
    agent.realm().enqueue(Box::new(move |agent| {
        crate::js::ops::call(agent, &callback, &Value::Undefined, &[]).map(drop)
    }));
    Ok(Value::Undefined)
}

fn this_state(this: &Value) -> JsResult<(u64, std::time::Duration)> {
    match this {
        Value::Object(o) => match o.borrow().host::<TimeoutState>() {
            Some(s) => Ok((s.id, s.delay)),
            None => type_error("not a Timeout"),
        },
        _ => type_error("not a Timeout"),
    }
}

fn ref_(agent: &mut dyn Agent, this: &Value, _: &[Value]) -> JsResult {
    let (id, _) = this_state(this)?;
    agent.realm().timers.set_ref(id, true);
    Ok(this.clone())
}

fn unref(agent: &mut dyn Agent, this: &Value, _: &[Value]) -> JsResult {
    let (id, _) = this_state(this)?;
    agent.realm().timers.set_ref(id, false);
    Ok(this.clone())
}

fn has_ref(agent: &mut dyn Agent, this: &Value, _: &[Value]) -> JsResult {
    let (id, _) = this_state(this)?;
    Ok(Value::Bool(agent.realm().timers.has_ref(id)))
}

fn refresh(agent: &mut dyn Agent, this: &Value, _: &[Value]) -> JsResult {
    let (id, delay) = this_state(this)?;
    agent.realm().timers.refresh(id, delay);
    Ok(this.clone())
}

fn close(agent: &mut dyn Agent, this: &Value, _: &[Value]) -> JsResult {
    let (id, _) = this_state(this)?;
    agent.realm().timers.clear_js(id);
    Ok(this.clone())
}

fn primitive(_: &mut dyn Agent, this: &Value, _: &[Value]) -> JsResult {
    let (id, _) = this_state(this)?;
    Ok(Value::Number(id as f64))
}
