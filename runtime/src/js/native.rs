//! Making native functions and objects: the registration API the built-ins, the host's
//! objects (`fs`, `process`, `wapc`) and embedders' globals share.

use std::rc::Rc;

use super::realm::Realm;
use super::value::{attrs, Agent, Builtin, Callable, JsResult, Obj, Value};

/// A method table entry: name and body.
pub type Method = (&'static str, Builtin);

/// Argument `i`, or undefined.
pub fn arg(args: &[Value], i: usize) -> Value {
    args.get(i).cloned().unwrap_or_default()
}

/// Wraps a closure as a function value.
pub fn native(f: impl Fn(&mut dyn Agent, &Value, &[Value]) -> JsResult + 'static) -> Value {
    Value::Object(Obj::native(Rc::new(f)))
}

/// A function value for a built-in.
pub fn builtin(f: Builtin) -> Value {
    Value::Object(Obj::function(Callable::Builtin(f), None))
}

/// Gives a function value its `name` (read-only, as JS engines define it).
pub fn named(f: Value, name: &str) -> Value {
    if let Value::Object(o) = &f {
        o.define("name", Value::from(name), attrs::CONFIGURABLE);
    }
    f
}

/// Defines the methods of `table` on `target`, not enumerable (as built-in methods are).
pub fn define_methods(target: &Obj, table: &[Method]) {
    for &(name, f) in table {
        target.define(name, named(builtin(f), name), attrs::HIDDEN);
    }
}

/// A constructor: `call` runs for `C(...)`, `construct` for `new C(...)`; it is linked with
/// its prototype both ways and installed as the global `name`.
pub fn constructor(
    realm: &mut Realm,
    name: &str,
    call: Callable,
    construct: Callable,
    proto: &Obj,
) -> Obj {
    let ctor = Obj::function(call, Some(construct));
    ctor.define("name", Value::from(name), attrs::CONFIGURABLE);
    ctor.define("prototype", Value::Object(proto.clone()), 0);
    proto.define("constructor", Value::Object(ctor.clone()), attrs::HIDDEN);
    realm.define_builtin(name, Value::Object(ctor.clone()));
    ctor
}

/// `relative` index arguments (`slice(start, end)`): negative counts from `len`, clamped to
/// `0..=len`; undefined gives `default`.
pub fn relative(v: &Value, len: usize, default: usize) -> usize {
    match v {
        Value::Undefined => default,
        v => {
            let n = v.to_number();
            let n = if n.is_nan() { 0.0 } else { n.trunc() };
            if n < 0.0 {
                (len as f64 + n).max(0.0) as usize
            } else {
                n.min(len as f64) as usize
            }
        }
    }
}
