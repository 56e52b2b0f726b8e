//! The embedding API's calls into a running guest: global functions, function values, methods
//! of objects the embedder holds handles to, Promises awaited, and waPC invocations. Each call
//! lets the guest run until it is idle again.

use super::{Instance, Status};
use crate::convert::{self, from_value, to_value, JsObject, JsValue};
use crate::error::{Abort, Error};
use crate::handle::Handles;
use crate::js::builtins::promise;
use crate::js::{ops, Obj, Throw, Value};
use crate::wapc::Exchange;

impl Instance {
    /// Calls the global function `name` (or `"object.method"`, with the object as `this`)
    /// that the guest published with `js.FuncOf`, then lets the guest run until idle. Plain
    /// data in the result is copied; other objects come back as handles ([`JsValue::Handle`]).
    pub fn call(&mut self, name: &str, args: &[JsValue]) -> Result<JsValue, Error> {
        let _heap = self.enter_heap();
        self.check_alive()?;
        let (this, func) = self.lookup_function(name)?;
        let args = self.values_of(args)?;
        let outcome = self.guarded_call(&func, &this, &args);
        self.finish_call(outcome)
    }

    /// Calls like [`Instance::call`]; when the result is a Promise (an async Go function's,
    /// say), runs the event loop until it settles: its value, or [`Error::Rejected`] with its
    /// reason (or [`Error::NoAnswer`] if the guest goes idle with the promise pending).
    pub fn call_await(&mut self, name: &str, args: &[JsValue]) -> Result<JsValue, Error> {
        let _heap = self.enter_heap();
        self.check_alive()?;
        let (this, func) = self.lookup_function(name)?;
        let args = self.values_of(args)?;
        let outcome = self.guarded_call(&func, &this, &args);
        match &outcome {
            Ok(v) if promise::state_of(v).is_some() => {
                let p = v.as_object().cloned().expect("a promise is an object");
                self.settle_promise(&p, name)
            }
            _ => self.finish_call(outcome),
        }
    }

    /// Runs the event loop until the Promise `p` (a handle a call returned) settles: its
    /// value, or [`Error::Rejected`] with its reason. A value that is not a Promise is
    /// returned as it is, as `await` would.
    pub fn await_promise(&mut self, p: &JsValue) -> Result<JsValue, Error> {
        let _heap = self.enter_heap();
        self.check_alive()?;
        let v = to_value(p, &mut self.host().realm)?;
        match v.as_object() {
            Some(o) if promise::state_of(&v).is_some() => {
                let o = o.clone();
                self.settle_promise(&o, "the promise")
            }
            _ => Ok(p.clone()),
        }
    }

    fn settle_promise(&mut self, p: &Obj, what: &str) -> Result<JsValue, Error> {
        // Awaiting is handling: a rejection is the caller's, not an unhandled one.
        let ignore = crate::js::native::native(|_, _, _| Ok(Value::Undefined));
        promise::perform_then(self.backend.guest(), p, ignore.clone(), ignore, None);
        let pending = |p: &Obj| {
            matches!(
                promise::state_of(&Value::Object(p.clone())),
                Some(promise::State::Pending)
            )
        };
        let status = self.run_while(|_| pending(p))?;
        let realm = &mut self.host().realm;
        match promise::state_of(&Value::Object(p.clone())) {
            Some(promise::State::Fulfilled(v)) => Ok(from_value(&v, realm)),
            Some(promise::State::Rejected(r)) => Err(Error::Rejected(from_value(&r, realm))),
            _ => match status {
                Status::Exited(code) => Err(Error::Exited(code)),
                Status::Idle => Err(Error::NoAnswer(format!("{what} (its promise)"))),
            },
        }
    }

    /// Calls a function value the guest handed out (for example one of the functions of an
    /// object a call returned), with `this` undefined, then lets the guest run until idle.
    pub fn call_function(&mut self, f: &JsValue, args: &[JsValue]) -> Result<JsValue, Error> {
        let _heap = self.enter_heap();
        self.check_alive()?;
        let func = to_value(f, &mut self.host().realm)?;
        if !func.as_object().is_some_and(Obj::is_function) {
            return Err(Error::NotAFunction("<value>".into()));
        }
        let args = self.values_of(args)?;
        let outcome = self.guarded_call(&func, &Value::Undefined, &args);
        self.finish_call(outcome)
    }

    /// Calls `obj[name](...args)` with `obj` as `this`, then lets the guest run until idle.
    pub fn call_method(
        &mut self,
        obj: &JsObject,
        name: &str,
        args: &[JsValue],
    ) -> Result<JsValue, Error> {
        let _heap = self.enter_heap();
        self.check_alive()?;
        let this = self.resolve(obj)?;
        let guest = self.backend.guest();
        let func = ops::get(guest, &this, name.as_bytes()).map_err(|t| self.thrown(t))?;
        if !func.as_object().is_some_and(Obj::is_function) {
            return Err(Error::NotAFunction(name.into()));
        }
        let args = self.values_of(args)?;
        let outcome = self.guarded_call(&func, &this, &args);
        self.finish_call(outcome)
    }

    /// `obj[key]` (getters and proxy traps run).
    pub fn get(&mut self, obj: &JsObject, key: &str) -> Result<JsValue, Error> {
        self.guarded(|agent| convert::get(agent, obj, key))
    }

    /// `obj[key] = value` (setters and proxy traps run).
    pub fn set(&mut self, obj: &JsObject, key: &str, value: &JsValue) -> Result<(), Error> {
        self.guarded(|agent| convert::set(agent, obj, key, value))
    }

    /// `Object.keys(obj)` (a proxy's `ownKeys` trap runs).
    pub fn keys(&mut self, obj: &JsObject) -> Result<Vec<String>, Error> {
        self.guarded(|agent| convert::keys(agent, obj))
    }

    /// Runs `op` against the live guest, which may run guest code or the embedder's host
    /// functions (getters, traps): a panic in the latter stops this guest with a trap, and a
    /// guest that exits or traps meanwhile is settled, as after a call.
    fn guarded<T>(
        &mut self,
        op: impl FnOnce(&mut dyn crate::js::Agent) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let _heap = self.enter_heap();
        self.check_alive()?;
        let guest = self.backend.guest();
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| op(guest)))
            .unwrap_or_else(|payload| {
                Err(crate::imports::panic_trap("in a host function", payload).into())
            });
        match outcome {
            Err(e @ (Error::Trap(_) | Error::Fault(_) | Error::Timeout | Error::Exited(_))) => {
                let abort = match e {
                    Error::Trap(m) => Abort::Trap(m),
                    Error::Fault(m) => Abort::Fault(m),
                    Error::Exited(code) => Abort::Exit(code),
                    _ => Abort::Interrupted,
                };
                self.settle::<()>(Err(abort))?;
                Err(Error::Exited(self.host().exited.unwrap_or(0)))
            }
            other => other,
        }
    }

    /// A handle to the object at the global path `path` (`"mylib"`, `"mylib.sub"`), plain
    /// objects included: the way to keep an object's identity or call its methods with it as
    /// `this`.
    pub fn handle(&mut self, path: &str) -> Result<JsObject, Error> {
        let _heap = self.enter_heap();
        self.check_alive()?;
        let global = Value::Object(self.host().realm.global.clone());
        let (_, v) = resolve_path(self.backend.guest(), &global, path)?;
        match v {
            Value::Object(o) => Ok(convert::handle_of(&mut self.host().realm, &o)),
            _ => Err(Error::NotFound(path.into())),
        }
    }

    /// A handle to the object `obj[key]`, plain objects included.
    pub fn handle_at(&mut self, obj: &JsObject, key: &str) -> Result<JsObject, Error> {
        let _heap = self.enter_heap();
        self.check_alive()?;
        let o = self.resolve(obj)?;
        let guest = self.backend.guest();
        match ops::get(guest, &o, key.as_bytes()).map_err(|t| self.thrown(t))? {
            Value::Object(o) => Ok(convert::handle_of(&mut self.host().realm, &o)),
            _ => Err(Error::NotFound(key.into())),
        }
    }

    /// The value as plain data: handles (and objects inside arrays and objects) copied by
    /// their own enumerable properties, as `JSON.stringify` sees them; cycles cut as `null`.
    pub fn to_data(&mut self, v: &JsValue) -> Result<JsValue, Error> {
        let _heap = self.enter_heap();
        let realm = &mut self.host().realm;
        let value = to_value(v, realm)?;
        Ok(convert::data_of(&value, realm))
    }

    /// Objects the embedder holds handles to (released ones are counted out once the handle
    /// and all its clones are dropped).
    pub fn live_handles(&mut self) -> usize {
        Handles::of(&mut self.host().realm).live()
    }

    fn resolve(&mut self, obj: &JsObject) -> Result<Value, Error> {
        Handles::of(&mut self.host().realm)
            .resolve(obj)
            .map(Value::Object)
            .ok_or(Error::ForeignHandle)
    }

    fn thrown(&mut self, t: Throw) -> Error {
        match t {
            Throw::Value(e) => Error::Thrown(from_value(&e, &mut self.host().realm)),
            Throw::Abort(a) => a.into(),
        }
    }

    fn values_of(&mut self, args: &[JsValue]) -> Result<Vec<Value>, Error> {
        let realm = &mut self.host().realm;
        args.iter().map(|a| to_value(a, realm)).collect()
    }

    /// The function at a global path and the `this` it is called with.
    fn lookup_function(&mut self, name: &str) -> Result<(Value, Value), Error> {
        let global = Value::Object(self.host().realm.global.clone());
        let (this, func) = resolve_path(self.backend.guest(), &global, name)?;
        if !func.as_object().is_some_and(Obj::is_function) {
            return Err(Error::NotAFunction(name.into()));
        }
        Ok((this, func))
    }

    /// Calls `func`, which may be host code (an embedder's closure) rather than the guest's:
    /// a panic there stops this guest with a trap, as it would inside an import, instead of
    /// unwinding through the instance's state.
    fn guarded_call(&mut self, func: &Value, this: &Value, args: &[Value]) -> Result<Value, Throw> {
        let guest = self.backend.guest();
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            ops::call(guest as &mut dyn crate::js::Agent, func, this, args)
        }))
        .unwrap_or_else(|payload| {
            Err(Throw::Abort(crate::imports::panic_trap(
                "in a host function",
                payload,
            )))
        })
    }

    fn finish_call(&mut self, outcome: Result<Value, Throw>) -> Result<JsValue, Error> {
        let result = match outcome {
            Ok(v) => Ok(from_value(&v, &mut self.host().realm)),
            Err(Throw::Value(e)) => Err(e),
            Err(Throw::Abort(a)) => {
                self.settle::<()>(Err(a))?;
                return Err(Error::Exited(self.host().exited.unwrap_or(0)));
            }
        };
        if let Some(code) = self.host().exited {
            return Err(Error::Exited(code));
        }
        self.run_until_idle()?;
        result.map_err(|e| Error::Thrown(from_value(&e, &mut self.host().realm)))
    }

    /// waPC: invokes `operation` with `payload` and runs the guest until it answers.
    pub fn invoke(&mut self, operation: &str, payload: &[u8]) -> Result<Vec<u8>, Error> {
        let _heap = self.enter_heap();
        self.check_alive()?;
        let host = self.host();
        host.wapc().answer = None;
        host.wapc().record(Exchange::Invoke {
            operation: operation.into(),
            payload: payload.to_vec(),
        });
        let global = Value::Object(host.realm.global.clone());
        let guest = self.backend.guest();
        let guest_call = ops::get(guest, &global, b"__guest_call").unwrap_or_default();
        if !guest_call.as_object().is_some_and(Obj::is_function) {
            return Err(Error::NotFound("__guest_call".into()));
        }
        let args = [
            Value::from(operation),
            Value::Object(Obj::bytes(payload.to_vec())),
        ];
        let outcome = self.guarded_call(&guest_call, &Value::Undefined, &args);
        // As the reference decides, once __guest_call is back: a trap, then an answer given
        // during the call, then the guest's exit, then a thrown error, then a refusal.
        let (accepted, thrown) = match outcome {
            Ok(v) => (v.truthy(), None),
            Err(Throw::Value(e)) => (true, Some(e)),
            Err(Throw::Abort(a)) => {
                self.settle::<()>(Err(a))?;
                (true, None)
            }
        };
        match self.host().wapc().answer.take() {
            // The seed's guest package refuses an unknown operation with a message.
            Some(Err(msg)) if !accepted => {
                return Err(Error::UnknownOperation {
                    operation: operation.into(),
                    message: Some(msg),
                })
            }
            Some(answer) => return answer.map_err(Error::GuestError),
            None => {}
        }
        if let Some(code) = self.host().exited {
            return Err(Error::Exited(code));
        }
        if let Some(e) = thrown {
            return Err(Error::Thrown(from_value(&e, &mut self.host().realm)));
        }
        if !accepted {
            return Err(Error::UnknownOperation {
                operation: operation.into(),
                message: None,
            });
        }
        let status = self.run_while(|h| h.wapc().answer.is_none())?;
        match self.host().wapc().answer.take() {
            Some(answer) => answer.map_err(Error::GuestError),
            None => match status {
                Status::Exited(code) => Err(Error::Exited(code)),
                Status::Idle => Err(Error::NoAnswer(operation.into())),
            },
        }
    }

    /// The waPC exchanges recorded since the last call (with [`crate::Config::record_wapc`]).
    pub fn take_wapc_log(&mut self) -> Vec<Exchange> {
        self.host()
            .wapc()
            .log
            .as_mut()
            .map(std::mem::take)
            .unwrap_or_default()
    }

    /// Number of JS values the guest currently holds references to.
    pub fn live_references(&mut self) -> usize {
        self.host().table.live()
    }
}
fn resolve_path(
    agent: &mut dyn crate::js::Agent,
    global: &Value,
    name: &str,
) -> Result<(Value, Value), Error> {
    let mut this = global.clone();
    let mut cur = global.clone();
    for part in name.split('.') {
        if cur.as_object().is_none() {
            return Err(Error::NotFound(name.into()));
        }
        this = cur.clone();
        cur = ops::get(agent, &cur, part.as_bytes()).map_err(|_| Error::NotFound(name.into()))?;
    }
    if let Value::Undefined = cur {
        return Err(Error::NotFound(name.into()));
    }
    // A plain global function is called with `this` undefined, as `fn()` is in JS.
    if !name.contains('.') {
        this = Value::Undefined;
    }
    Ok((this, cur))
}
