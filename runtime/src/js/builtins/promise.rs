//! `Promise`: states, reactions run as microtasks in Node's order, the combinators, and the
//! bookkeeping of rejections nobody handled.

use std::cell::Cell;
use std::rc::Rc;

use crate::js::conversions::iterate;
use crate::js::native::{arg, constructor, define_methods, native, Method};
use crate::js::ops::{self, type_error};
use crate::js::realm::Realm;
use crate::js::value::{Agent, Callable, Class, ErrorType, Intrinsic, JsResult, Obj, Throw, Value};

/// Where a promise stands.
#[derive(Clone)]
pub enum State {
    /// Not settled yet.
    Pending,
    /// Fulfilled with a value.
    Fulfilled(Value),
    /// Rejected with a reason.
    Rejected(Value),
}

/// A reaction waiting for a promise to settle.
struct Reaction {
    /// The promise `then` returned, settled with the handler's outcome.
    derived: Option<Capability>,
    /// The handlers (either may be undefined: the outcome passes through).
    on_fulfilled: Value,
    on_rejected: Value,
}

/// A promise with its resolving functions.
#[derive(Clone)]
pub struct Capability {
    /// The promise.
    pub promise: Value,
    resolve: Value,
    reject: Value,
}

/// The values a promise's state holds, for [`crate::js::heap`]'s measures.
pub fn held_values(state: &dyn std::any::Any, out: &mut Vec<Value>) {
    if let Some(p) = state.downcast_ref::<PromiseData>() {
        if let State::Fulfilled(v) | State::Rejected(v) = &p.state {
            out.push(v.clone());
        }
    }
}

/// The state of a promise object.
pub struct PromiseData {
    /// Where it stands.
    pub state: State,
    reactions: Vec<Reaction>,
    /// Has a handler ever been attached?
    handled: bool,
}

const STATICS: &[Method] = &[
    ("resolve", resolve_static),
    ("reject", reject_static),
    ("all", all),
    ("allSettled", all_settled),
    ("race", race),
    ("any", any),
    ("withResolvers", with_resolvers),
];

const PROTO: &[Method] = &[("then", then), ("catch", catch), ("finally", finally)];

pub fn install(realm: &mut Realm) {
    crate::js::heap::count_held_values(held_values);
    let proto = realm.proto(Class::Other(Intrinsic::Promise));
    define_methods(&proto, PROTO);
    let tag = realm.symbols.to_string_tag.clone();
    proto.define_symbol(
        &tag,
        Value::from("Promise"),
        crate::js::value::attrs::CONFIGURABLE,
    );
    let ctor = constructor(
        realm,
        "Promise",
        Callable::Builtin(|_, _, _| {
            type_error("Promise constructor cannot be invoked without 'new'")
        }),
        Callable::Builtin(make),
        &proto,
    );
    define_methods(&ctor, STATICS);
}

/// A new pending promise.
pub fn new_promise() -> Obj {
    Obj::host(
        Intrinsic::Promise,
        PromiseData {
            state: State::Pending,
            reactions: Vec::new(),
            handled: false,
        },
    )
}

/// The state of `v` if it is a promise.
pub fn state_of(v: &Value) -> Option<State> {
    let o = v.as_object()?;
    let data = o.borrow();
    data.host::<PromiseData>().map(|p| p.state.clone())
}

/// A new promise and its resolving functions.
pub fn capability() -> Capability {
    let promise = new_promise();
    let (resolve, reject) = resolving_functions(&promise);
    Capability {
        promise: Value::Object(promise),
        resolve,
        reject,
    }
}

impl Capability {
    /// Resolves the promise with `v`.
    pub fn resolve(&self, agent: &mut dyn Agent, v: Value) -> JsResult<()> {
        ops::call(agent, &self.resolve, &Value::Undefined, &[v]).map(drop)
    }

    /// Rejects the promise with `reason`.
    pub fn reject(&self, agent: &mut dyn Agent, reason: Value) -> JsResult<()> {
        ops::call(agent, &self.reject, &Value::Undefined, &[reason]).map(drop)
    }
}

/// `resolve` and `reject` for `promise`, which settle it once between them.
fn resolving_functions(promise: &Obj) -> (Value, Value) {
    let done = Rc::new(Cell::new(false));
    let (p, d) = (promise.clone(), done.clone());
    let resolve = native(move |agent, _, args| {
        if !d.replace(true) {
            resolve_promise(agent, &p, arg(args, 0))?;
        }
        Ok(Value::Undefined)
    });
    let p = promise.clone();
    let reject = native(move |agent, _, args| {
        if !done.replace(true) {
            settle(agent, &p, State::Rejected(arg(args, 0)));
        }
        Ok(Value::Undefined)
    });
    (resolve, reject)
}

/// Promise Resolve Functions: a thenable is followed (in a microtask), anything else
/// fulfills.
pub fn resolve_promise(agent: &mut dyn Agent, promise: &Obj, resolution: Value) -> JsResult<()> {
    if let Value::Object(r) = &resolution {
        if r.ptr_eq(promise) {
            let e = Obj::error(ErrorType::TypeError, "Chaining cycle detected for promise");
            settle(agent, promise, State::Rejected(Value::Object(e)));
            return Ok(());
        }
        let then = match ops::get(agent, &resolution, b"then") {
            Ok(t) => t,
            Err(Throw::Value(e)) => {
                settle(agent, promise, State::Rejected(e));
                return Ok(());
            }
            Err(abort) => return Err(abort),
        };
        if then.is_function() {
            let (p, thenable) = (promise.clone(), resolution.clone());
            agent.realm().enqueue(Box::new(move |agent| {
                let (resolve, reject) = resolving_functions(&p);
                match ops::call(agent, &then, &thenable, &[resolve, reject.clone()]) {
                    Err(Throw::Value(e)) => {
                        ops::call(agent, &reject, &Value::Undefined, &[e]).map(drop)
                    }
                    other => other.map(drop),
                }
            }));
            return Ok(());
        }
    }
    settle(agent, promise, State::Fulfilled(resolution));
    Ok(())
}

/// Fulfills or rejects a pending promise and queues its reactions.
fn settle(agent: &mut dyn Agent, promise: &Obj, state: State) {
    let (reactions, unhandled) = {
        let mut data = promise.borrow_mut();
        let Some(p) = data.host_mut::<PromiseData>() else {
            return;
        };
        if !matches!(p.state, State::Pending) {
            return;
        }
        p.state = state.clone();
        let unhandled = matches!(state, State::Rejected(_)) && !p.handled;
        (std::mem::take(&mut p.reactions), unhandled)
    };
    if unhandled {
        agent.realm().unhandled.push(promise.clone());
    }
    for r in reactions {
        queue_reaction(agent, r, state.clone());
    }
}

fn queue_reaction(agent: &mut dyn Agent, r: Reaction, state: State) {
    agent.realm().enqueue(Box::new(move |agent| {
        let (handler, value, rejected) = match state {
            State::Fulfilled(v) => (r.on_fulfilled, v, false),
            State::Rejected(e) => (r.on_rejected, e, true),
            State::Pending => return Ok(()),
        };
        let outcome = if handler.is_function() {
            ops::call(agent, &handler, &Value::Undefined, &[value])
        } else if rejected {
            Err(Throw::Value(value))
        } else {
            Ok(value)
        };
        let Some(derived) = r.derived else {
            return outcome.map(drop).or_else(|t| match t {
                Throw::Value(_) => Ok(()),
                abort => Err(abort),
            });
        };
        match outcome {
            Ok(v) => derived.resolve(agent, v),
            Err(Throw::Value(e)) => derived.reject(agent, e),
            Err(abort) => Err(abort),
        }
    }));
}

/// `promise.then(onFulfilled, onRejected)` into `derived` (or nowhere).
pub fn perform_then(
    agent: &mut dyn Agent,
    promise: &Obj,
    on_fulfilled: Value,
    on_rejected: Value,
    derived: Option<Capability>,
) {
    let reaction = Reaction {
        derived,
        on_fulfilled: if on_fulfilled.is_function() {
            on_fulfilled
        } else {
            Value::Undefined
        },
        on_rejected: if on_rejected.is_function() {
            on_rejected
        } else {
            Value::Undefined
        },
    };
    let settled = {
        let mut data = promise.borrow_mut();
        let Some(p) = data.host_mut::<PromiseData>() else {
            return;
        };
        p.handled = true;
        match &p.state {
            State::Pending => {
                p.reactions.push(reaction);
                return;
            }
            s => s.clone(),
        }
    };
    if matches!(settled, State::Rejected(_)) {
        agent.realm().unhandled.retain(|u| !u.ptr_eq(promise));
    }
    queue_reaction(agent, reaction, settled);
}

fn this_promise(this: &Value) -> JsResult<Obj> {
    match this {
        Value::Object(o) if o.borrow().host::<PromiseData>().is_some() => Ok(o.clone()),
        _ => type_error("Method Promise.prototype.then called on incompatible receiver"),
    }
}

/// `new Promise(executor)`.
fn make(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    let executor = arg(args, 0);
    if !executor.is_function() {
        let shown = crate::js::conversions::display(agent.realm(), &executor);
        return type_error(format!("Promise resolver {shown} is not a function"));
    }
    let promise = new_promise();
    let (resolve, reject) = resolving_functions(&promise);
    match ops::call(
        agent,
        &executor,
        &Value::Undefined,
        &[resolve, reject.clone()],
    ) {
        Ok(_) => {}
        Err(Throw::Value(e)) => {
            ops::call(agent, &reject, &Value::Undefined, &[e])?;
        }
        Err(abort) => return Err(abort),
    }
    Ok(Value::Object(promise))
}

fn then(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let promise = this_promise(this)?;
    let derived = capability();
    let result = derived.promise.clone();
    perform_then(agent, &promise, arg(args, 0), arg(args, 1), Some(derived));
    Ok(result)
}

fn catch(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let then = ops::get_v(agent, this, ops::Key::Str(b"then"))?;
    ops::call(agent, &then, this, &[Value::Undefined, arg(args, 0)])
}

/// `finally(f)`: `f` runs either way; the outcome passes through once what `f` returns has
/// settled (a rejection from `f` wins).
fn finally(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let on_finally = arg(args, 0);
    let then = ops::get_v(agent, this, ops::Key::Str(b"then"))?;
    if !on_finally.is_function() {
        return ops::call(agent, &then, this, &[on_finally.clone(), on_finally]);
    }
    let after = |rejected: bool, f: Value| {
        native(move |agent, _, args| {
            let outcome = arg(args, 0);
            let r = ops::call(agent, &f, &Value::Undefined, &[])?;
            let p = promise_resolve(agent, r)?;
            let pass = native(move |_, _, _| {
                if rejected {
                    Err(Throw::Value(outcome.clone()))
                } else {
                    Ok(outcome.clone())
                }
            });
            let then = ops::get(agent, &p, b"then")?;
            ops::call(agent, &then, &p, &[pass])
        })
    };
    let (f, r) = (after(false, on_finally.clone()), after(true, on_finally));
    ops::call(agent, &then, this, &[f, r])
}

/// `Promise.resolve(v)`: a promise as it is, anything else in a new fulfilled promise.
pub fn promise_resolve(agent: &mut dyn Agent, v: Value) -> JsResult {
    if state_of(&v).is_some() {
        return Ok(v);
    }
    let cap = capability();
    cap.resolve(agent, v)?;
    Ok(cap.promise)
}

fn resolve_static(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    promise_resolve(agent, arg(args, 0))
}

fn reject_static(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    let cap = capability();
    cap.reject(agent, arg(args, 0))?;
    Ok(cap.promise)
}

fn with_resolvers(_: &mut dyn Agent, _: &Value, _: &[Value]) -> JsResult {
    let cap = capability();
    let o = Obj::plain();
    o.set("promise", cap.promise);
    o.set("resolve", cap.resolve);
    o.set("reject", cap.reject);
    Ok(Value::Object(o))
}

/// What a combinator does with each settled input.
#[derive(Clone, Copy, PartialEq)]
enum Combine {
    All,
    AllSettled,
    Race,
    Any,
}

fn all(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    combine(agent, &arg(args, 0), Combine::All)
}

fn all_settled(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    combine(agent, &arg(args, 0), Combine::AllSettled)
}

fn race(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    combine(agent, &arg(args, 0), Combine::Race)
}

fn any(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    combine(agent, &arg(args, 0), Combine::Any)
}

fn settled_record(status: &str, key: &str, v: Value) -> Value {
    let o = Obj::plain();
    o.set("status", Value::from(status));
    o.set(key, v);
    Value::Object(o)
}

/// The four combinators: each input through `Promise.resolve(x).then(...)`, results kept in
/// input order.
fn combine(agent: &mut dyn Agent, iterable: &Value, how: Combine) -> JsResult {
    let cap = capability();
    let items = match iterate(agent, iterable) {
        Ok(items) => items,
        Err(Throw::Value(e)) => {
            cap.reject(agent, e)?;
            return Ok(cap.promise);
        }
        Err(abort) => return Err(abort),
    };
    let results = Obj::array(vec![Value::Undefined; items.len()]);
    let remaining = Rc::new(Cell::new(items.len()));
    if items.is_empty() {
        finish_empty(agent, &cap, &results, how)?;
        return Ok(cap.promise);
    }
    for (i, item) in items.into_iter().enumerate() {
        let p = promise_resolve(agent, item)?;
        let on = |fulfilled: bool| {
            let (cap, results, remaining) = (cap.clone(), results.clone(), remaining.clone());
            native(move |agent, _, args| {
                let v = arg(args, 0);
                on_settled(agent, &cap, &results, &remaining, i, v, fulfilled, how)?;
                Ok(Value::Undefined)
            })
        };
        let then = ops::get(agent, &p, b"then")?;
        ops::call(agent, &then, &p, &[on(true), on(false)])?;
    }
    Ok(cap.promise)
}

fn finish_empty(
    agent: &mut dyn Agent,
    cap: &Capability,
    results: &Obj,
    how: Combine,
) -> JsResult<()> {
    match how {
        Combine::All | Combine::AllSettled => cap.resolve(agent, Value::Object(results.clone())),
        Combine::Race => Ok(()),
        Combine::Any => cap.reject(agent, aggregate(results)),
    }
}

fn aggregate(errors: &Obj) -> Value {
    let e = Obj::error(ErrorType::AggregateError, "All promises were rejected");
    e.define(
        "errors",
        Value::Object(errors.clone()),
        crate::js::value::attrs::HIDDEN,
    );
    Value::Object(e)
}

#[allow(clippy::too_many_arguments)]
fn on_settled(
    agent: &mut dyn Agent,
    cap: &Capability,
    results: &Obj,
    remaining: &Cell<usize>,
    i: usize,
    v: Value,
    fulfilled: bool,
    how: Combine,
) -> JsResult<()> {
    let store = |v: Value| results.set_element(i, v);
    match (how, fulfilled) {
        (Combine::Race, true) => return cap.resolve(agent, v),
        (Combine::Race, false) | (Combine::All, false) => return cap.reject(agent, v),
        (Combine::Any, true) => return cap.resolve(agent, v),
        (Combine::All, true) | (Combine::Any, false) => store(v),
        (Combine::AllSettled, true) => store(settled_record("fulfilled", "value", v)),
        (Combine::AllSettled, false) => store(settled_record("rejected", "reason", v)),
    }
    remaining.set(remaining.get() - 1);
    if remaining.get() > 0 {
        return Ok(());
    }
    match how {
        Combine::Any => cap.reject(agent, aggregate(results)),
        _ => cap.resolve(agent, Value::Object(results.clone())),
    }
}
