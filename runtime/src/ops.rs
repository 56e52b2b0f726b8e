//! The JS operations `syscall/js` performs: property get/set/delete, call, construct,
//! `instanceof`, `length`. The semantics follow `Reflect` on the objects of [`crate::value`].

use std::rc::Rc;

use crate::builtins;
use crate::guest::Guest;
use crate::host::Host;
use crate::value::{Callable, Class, JsResult, Kind, Obj, Throw, TypedArray, Value};

/// Throws a new `TypeError`.
pub fn type_error<T>(msg: impl AsRef<str>) -> JsResult<T> {
    Err(Throw::Value(Value::Object(Obj::error(
        "TypeError",
        msg.as_ref(),
    ))))
}

/// Throws a new `Error` with a Node-style `code` (what Go's `mapJSError` reads).
pub fn errno<T>(code: &str, msg: &str) -> JsResult<T> {
    let e = Obj::error("Error", &format!("{code}: {msg}"));
    e.set("code", Value::from(code));
    Err(Throw::Value(Value::Object(e)))
}

fn index_of(key: &str) -> Option<usize> {
    if key.is_empty() || (key.len() > 1 && key.starts_with('0')) {
        return None;
    }
    key.parse().ok()
}

/// Number of UTF-16 code units, JS's string length.
pub fn utf16_len(s: &str) -> usize {
    s.chars().map(char::len_utf16).sum()
}

/// `Reflect.get(target, key)`.
pub fn get(host: &mut Host, target: &Value, key: &str) -> JsResult {
    let Value::Object(o) = target else {
        return type_error(format!(
            "Reflect.get called on non-object (property {key:?})"
        ));
    };
    let class = {
        let data = o.borrow();
        match &data.kind {
            Kind::Array(items) => {
                if key == "length" {
                    return Ok(Value::Number(items.len() as f64));
                }
                if let Some(i) = index_of(key) {
                    return Ok(items.get(i).cloned().unwrap_or_default());
                }
            }
            Kind::Typed(t) => match key {
                "length" => return Ok(Value::Number(t.len as f64)),
                "byteLength" => return Ok(Value::Number(t.byte_len() as f64)),
                "byteOffset" => return Ok(Value::Number(t.offset as f64)),
                "BYTES_PER_ELEMENT" => return Ok(Value::Number(t.kind.size() as f64)),
                _ => {
                    if let Some(i) = index_of(key) {
                        return Ok(if i < t.len {
                            Value::Number(t.get(i))
                        } else {
                            Value::Undefined
                        });
                    }
                }
            },
            _ => {}
        }
        if let Some(v) = data.props.get(key) {
            return Ok(v.clone());
        }
        data.class
    };
    Ok(builtins::method(host, class, key)
        .map(Value::Object)
        .unwrap_or_default())
}

/// `Reflect.set(target, key, value)`.
pub fn set(target: &Value, key: &str, value: Value) -> JsResult<()> {
    let Value::Object(o) = target else {
        return type_error(format!(
            "Reflect.set called on non-object (property {key:?})"
        ));
    };
    let mut data = o.borrow_mut();
    match &mut data.kind {
        Kind::Array(items) => {
            if key == "length" {
                let n = value.to_number();
                if n >= 0.0 && n.fract() == 0.0 && n < 4294967296.0 {
                    items.resize(n as usize, Value::Undefined);
                    return Ok(());
                }
                drop(data);
                return Err(Throw::Value(Value::Object(Obj::error(
                    "RangeError",
                    "Invalid array length",
                ))));
            }
            if let Some(i) = index_of(key) {
                if i >= items.len() {
                    items.resize(i + 1, Value::Undefined);
                }
                items[i] = value;
                return Ok(());
            }
        }
        Kind::Typed(t) => {
            if let Some(i) = index_of(key) {
                if i < t.len {
                    t.set(i, value.to_number());
                }
                return Ok(());
            }
            if matches!(key, "length" | "byteLength" | "byteOffset") {
                return Ok(());
            }
        }
        _ => {}
    }
    data.props.insert(Rc::from(key), value);
    Ok(())
}

/// `Reflect.deleteProperty(target, key)`.
pub fn delete(target: &Value, key: &str) -> JsResult<()> {
    let Value::Object(o) = target else {
        return type_error("Reflect.deleteProperty called on non-object");
    };
    let mut data = o.borrow_mut();
    if let (Kind::Array(items), Some(i)) = (&mut data.kind, index_of(key)) {
        if i < items.len() {
            items[i] = Value::Undefined;
        }
        return Ok(());
    }
    data.props.shift_remove(key);
    Ok(())
}

/// `Reflect.apply(f, this, args)`: calls a host function, or delivers an event to the guest
/// for a `js.FuncOf` function.
pub fn call(g: &mut dyn Guest, f: &Value, this: &Value, args: &[Value]) -> JsResult {
    let callable = match f {
        Value::Object(o) => match &o.borrow().kind {
            Kind::Function(func) => func.call.clone(),
            _ => return type_error("value is not a function"),
        },
        _ => return type_error("value is not a function"),
    };
    match callable {
        Callable::Native(native) => native(g, this, args),
        Callable::Go(id) => call_go(g, id, this, args),
    }
}

/// What wasm_exec.js's `_makeFuncWrapper` functions do: set `_pendingEvent`, resume the guest,
/// return what the Go handler stored in `event.result`.
fn call_go(g: &mut dyn Guest, id: u32, this: &Value, args: &[Value]) -> JsResult {
    let host = g.host();
    if host.exited.is_some() {
        return Err(Throw::Value(Value::Object(Obj::error(
            "Error",
            "Go program has already exited",
        ))));
    }
    let event = Obj::plain();
    event.set("id", Value::Number(id as f64));
    event.set("this", this.clone());
    event.set("args", Value::Object(Obj::array(args.to_vec())));
    host.go.set("_pendingEvent", Value::Object(event.clone()));
    host.reentries += 1;
    g.resume()?;
    Ok(event.own("result"))
}

/// `Reflect.construct(ctor, args)`.
pub fn construct(g: &mut dyn Guest, ctor: &Value, args: &[Value]) -> JsResult {
    let construct = match ctor {
        Value::Object(o) => match &o.borrow().kind {
            Kind::Function(f) => f.construct.clone(),
            _ => None,
        },
        _ => None,
    };
    match construct {
        Some(c) => c(g, &Value::Undefined, args),
        None => type_error("value is not a constructor"),
    }
}

/// `v instanceof ctor`.
pub fn instance_of(v: &Value, ctor: &Value) -> JsResult<bool> {
    let Value::Object(c) = ctor else {
        return type_error("Right-hand side of 'instanceof' is not an object");
    };
    let instances = match &c.borrow().kind {
        Kind::Function(f) => f.instances,
        _ => return type_error("Right-hand side of 'instanceof' is not callable"),
    };
    let (Some(class), Value::Object(o)) = (instances, v) else {
        return Ok(false);
    };
    let data = o.borrow();
    Ok(match class {
        Class::Object => true,
        Class::Function => matches!(data.kind, Kind::Function(_)),
        other => data.class == other,
    })
}

/// `v.length`, as wasm_exec.js's `valueLength` reads it (then `parseInt`).
pub fn length(host: &mut Host, v: &Value) -> JsResult<f64> {
    let len = match v {
        Value::String(s) => return Ok(utf16_len(s) as f64),
        Value::Object(_) => get(host, v, "length")?,
        Value::Undefined | Value::Null => return type_error("Cannot read properties of null"),
        _ => Value::Undefined,
    };
    Ok(match len {
        Value::Number(n) if n.is_finite() => n.trunc(),
        Value::String(s) => crate::jsnum::parse_number(&s).trunc(),
        _ => f64::NAN,
    })
}

/// The typed array inside `v`, if any.
pub fn typed(v: &Value) -> Option<TypedArray> {
    v.as_object().and_then(Obj::typed_array)
}
