//! Tests of the `Object`, `Reflect`, `Array`, `String`, `Number`, `Symbol` and global
//! built-ins run against a realm, with Node's answers.

use crate::js::conversions::display;
use crate::js::ops::{self, type_error, Key};
use crate::js::realm::Realm;
use crate::js::value::{Agent, JsResult, Obj, Sym, Value};

struct TestAgent(Realm);

impl Agent for TestAgent {
    fn realm_any(&mut self) -> &mut dyn std::any::Any {
        &mut self.0
    }
    fn call_foreign(&mut self, _: u32, _: &Value, _: &[Value]) -> JsResult {
        type_error("no foreign functions here")
    }
}

fn agent() -> TestAgent {
    TestAgent(crate::js::new_realm())
}

fn global(g: &mut dyn Agent, name: &str) -> Value {
    let global = Value::Object(g.realm().global.clone());
    ops::get_str(g, &global, name).unwrap_or_default()
}

/// `target[method](...args)`, or what it threw as `Name: message`.
fn call(g: &mut dyn Agent, target: &Value, method: &str, args: &[Value]) -> Result<Value, String> {
    let f = ops::get_v(g, target, Key::Str(method.as_bytes())).map_err(|_| "no method")?;
    ops::call(g, &f, target, args).map_err(|t| match t {
        crate::js::Throw::Value(e) => display(g.realm(), &e),
        crate::js::Throw::Abort(_) => "abort".into(),
    })
}

/// `Global[method](...args)`.
fn stat(g: &mut dyn Agent, ctor: &str, method: &str, args: &[Value]) -> Result<Value, String> {
    let c = global(g, ctor);
    call(g, &c, method, args)
}

/// A compact, JSON-like rendering.
fn show(g: &mut dyn Agent, r: Result<Value, String>) -> String {
    let v = match r {
        Ok(v) => v,
        Err(e) => return format!("threw {e}"),
    };
    match &v {
        Value::String(s) => format!("{s:?}"),
        Value::Object(o) if o.is_array() => {
            let items = super::super::array::elements(g, &v).unwrap_or_default();
            let parts: Vec<String> = items.into_iter().map(|x| show(g, Ok(x))).collect();
            format!("[{}]", parts.join(","))
        }
        Value::Object(_) => {
            let json = global(g, "JSON");
            let r = call(g, &json, "stringify", std::slice::from_ref(&v));
            match r {
                Ok(Value::String(s)) => s.to_string(),
                _ => "?".into(),
            }
        }
        v => display(g.realm(), v),
    }
}

/// `Global[method](...args)`, shown.
fn st(g: &mut dyn Agent, ctor: &str, method: &str, args: &[Value]) -> String {
    let r = stat(g, ctor, method, args);
    show(g, r)
}

/// `target[method](...args)`, shown.
fn cm(g: &mut dyn Agent, target: &Value, method: &str, args: &[Value]) -> String {
    let r = call(g, target, method, args);
    show(g, r)
}

/// `v[name]`.
fn prop(g: &mut dyn Agent, v: &Value, name: &str) -> Value {
    ops::get_str(g, v, name).unwrap_or_default()
}

fn s(text: &str) -> Value {
    Value::from(text)
}

fn n(x: f64) -> Value {
    Value::Number(x)
}

fn arr(items: &[Value]) -> Value {
    Value::Object(Obj::array(items.to_vec()))
}

#[test]
fn frozen_arrays_stay_frozen() {
    let g = &mut agent();
    let a = arr(&[n(1.0), n(2.0)]);
    stat(g, "Object", "freeze", std::slice::from_ref(&a)).ok();
    assert_eq!(
        st(g, "Reflect", "set", &[a.clone(), s("0"), n(9.0)]),
        "false"
    );
    assert_eq!(
        st(g, "Object", "isFrozen", std::slice::from_ref(&a)),
        "true"
    );
    let d = stat(
        g,
        "Object",
        "getOwnPropertyDescriptor",
        &[a.clone(), s("0")],
    );
    assert_eq!(
        show(g, d),
        r#"{"value":1,"writable":false,"enumerable":true,"configurable":false}"#
    );
    assert_eq!(
        cm(g, &a, "push", &[n(3.0)]),
        "threw TypeError: Cannot add property 2, object is not extensible"
    );
    assert_eq!(
        cm(g, &a, "sort", &[]),
        "threw TypeError: Cannot assign to read only property '0' of object '[object Array]'"
    );
    assert_eq!(show(g, Ok(a)), "[1,2]");
    let empty = arr(&[]);
    assert_eq!(st(g, "Object", "isFrozen", &[empty]), "false");
}

#[test]
fn define_property_and_descriptors() {
    let g = &mut agent();
    let o = Value::Object(Obj::plain());
    let desc = Value::Object(Obj::plain());
    if let Some(d) = desc.as_object() {
        d.set("value", n(1.0));
    }
    stat(
        g,
        "Object",
        "defineProperty",
        &[o.clone(), s("x"), desc.clone()],
    )
    .ok();
    let again = Value::Object(Obj::plain());
    if let Some(d) = again.as_object() {
        d.set("value", n(2.0));
    }
    assert_eq!(
        st(g, "Object", "defineProperty", &[o.clone(), s("x"), again]),
        "threw TypeError: Cannot redefine property: x"
    );
    assert_eq!(st(g, "Object", "keys", std::slice::from_ref(&o)), "[]");
    assert_eq!(
        st(g, "Object", "getOwnPropertyNames", std::slice::from_ref(&o)),
        r#"["x"]"#
    );
    let d = stat(
        g,
        "Object",
        "getOwnPropertyDescriptor",
        &[o.clone(), s("x")],
    );
    assert_eq!(
        show(g, d),
        r#"{"value":1,"writable":false,"enumerable":false,"configurable":false}"#
    );
    assert_eq!(
        st(g, "Object", "defineProperty", &[n(1.0), s("x"), desc]),
        "threw TypeError: Object.defineProperty called on non-object"
    );
}

#[test]
fn reflect_and_tags() {
    let g = &mut agent();
    let o = Obj::plain();
    let sym = Sym::new(Some("s".into()));
    for k in ["b", "2", "a"] {
        o.set(k, n(1.0));
    }
    o.define_symbol(&sym, n(1.0), crate::js::value::attrs::DEFAULT);
    let keys = stat(g, "Reflect", "ownKeys", &[Value::Object(o)]);
    assert_eq!(show(g, keys), r#"["2","b","a",Symbol(s)]"#);
    let max = stat(g, "Math", "max", &[]).ok();
    assert!(max.is_some());
    let math_max = {
        let c = global(g, "Math");
        prop(g, &c, "max")
    };
    let three = arr(&[n(1.0), n(3.0), n(2.0)]);
    let r = stat(g, "Reflect", "apply", &[math_max, Value::Null, three]);
    assert_eq!(show(g, r), "3");
    let object = global(g, "Object");
    let object_proto = prop(g, &object, "prototype");
    let to_string = prop(g, &object_proto, "toString");
    for (v, want) in [
        (arr(&[]), "[object Array]"),
        (Value::Null, "[object Null]"),
        (Value::Symbol(Sym::new(None)), "[object Symbol]"),
        (global(g, "Map"), "[object Function]"),
    ] {
        assert_eq!(cm(g, &to_string, "call", &[v]), format!("{want:?}"));
    }
}

#[test]
fn strings() {
    let g = &mut agent();
    let proto = {
        let c = global(g, "String");
        prop(g, &c, "prototype")
    };
    let sm = |g: &mut TestAgent, this: &str, m: &str, args: &[Value]| {
        let f = ops::get_str(g, &proto, m).unwrap_or_default();
        let mut all = vec![s(this)];
        all.extend_from_slice(args);
        let r = call(g, &f, "call", &all);
        show(g, r)
    };
    assert_eq!(sm(g, "abc", "padStart", &[n(6.0), s("12")]), r#""121abc""#);
    assert_eq!(sm(g, "a-b-c", "split", &[s("-"), n(1.0)]), r#"["a"]"#);
    assert_eq!(sm(g, "ΑΣ", "toLowerCase", &[]), r#""ας""#);
    assert_eq!(sm(g, "ﬁ", "normalize", &[s("NFKC")]), r#""fi""#);
    assert_eq!(sm(g, "x", "codePointAt", &[n(5.0)]), "undefined");
    assert_eq!(sm(g, "abc", "localeCompare", &[s("abd")]), "-1");
    assert_eq!(
        sm(g, "ab", "repeat", &[n(-1.5)]),
        "threw RangeError: Invalid count value: -1.5"
    );
    assert_eq!(
        sm(g, "x", "repeat", &[n(536870912.0)]),
        "threw RangeError: Invalid string length"
    );
    let raw = Obj::plain();
    raw.set("raw", arr(&[s("a"), s("b"), s("c")]));
    let r = stat(
        g,
        "String",
        "raw",
        &[Value::Object(raw), n(1.0), n(2.0), n(3.0)],
    );
    assert_eq!(show(g, r), r#""a1b2c""#);
    let trim = ops::get_str(g, &proto, "trim").unwrap_or_default();
    assert_eq!(
        cm(g, &trim, "call", &[Value::Null]),
        "threw TypeError: String.prototype.trim called on null or undefined"
    );
}

#[test]
fn numbers_and_globals() {
    let g = &mut agent();
    let proto = {
        let c = global(g, "Number");
        prop(g, &c, "prototype")
    };
    let to_string = ops::get_str(g, &proto, "toString").unwrap_or_default();
    for (x, radix, want) in [
        (25.0, 36.0, "p"),
        (-0.0, 2.0, "0"),
        (1e21, 36.0, "5v1j4f4ds7c000"),
    ] {
        let r = call(g, &to_string, "call", &[n(x), n(radix)]);
        assert_eq!(show(g, r), format!("{want:?}"));
    }
    let r = call(g, &to_string, "call", &[s("x")]);
    assert_eq!(
        show(g, r),
        "threw TypeError: Number.prototype.toString requires that 'this' be a Number"
    );
    let escaped = stat(g, "globalThis", "escape", &[s("ä b\u{107}")]);
    assert_eq!(show(g, escaped), r#""%E4%20b%u0107""#);
    let plain = stat(g, "globalThis", "unescape", &[s("%u0107%41%zz")]);
    assert_eq!(show(g, plain), r#""ćA%zz""#);
    let pf = global(g, "parseFloat");
    let npf = {
        let c = global(g, "Number");
        prop(g, &c, "parseFloat")
    };
    assert!(pf.strict_eq(&npf));
}

#[test]
fn arrays() {
    let g = &mut agent();
    let nums = |xs: &[f64]| arr(&xs.iter().map(|&x| n(x)).collect::<Vec<_>>());
    let a = nums(&[1.0, 2.0, 3.0, 4.0, 5.0]);
    assert_eq!(cm(g, &a, "copyWithin", &[n(0.0), n(3.0)]), "[4,5,3,4,5]");
    let a = nums(&[1.0, 2.0, 3.0]);
    assert_eq!(cm(g, &a, "lastIndexOf", &[n(3.0), n(-2.0)]), "-1");
    assert_eq!(cm(g, &a, "includes", &[n(1.0), n(1.0)]), "false");
    assert_eq!(
        cm(g, &a, "toSpliced", &[n(1.0), n(1.0), s("x")]),
        r#"[1,"x",3]"#
    );
    assert_eq!(
        cm(g, &a, "with", &[n(5.0), n(0.0)]),
        "threw RangeError: Invalid index : 5"
    );
    let nested = arr(&[n(1.0), arr(&[n(2.0), arr(&[n(3.0)])])]);
    assert_eq!(cm(g, &nested, "join", &[s(";")]), r#""1;2,3""#);
    assert_eq!(cm(g, &nested, "flat", &[n(f64::INFINITY)]), "[1,2,3]");
    let cyclic = nums(&[1.0, 2.0]);
    if let Some(o) = cyclic.as_object() {
        o.set_element(2, cyclic.clone());
    }
    assert_eq!(cm(g, &cyclic, "join", &[]), r#""1,2,""#);
    if let Some(o) = cyclic.as_object() {
        // Break the cycle, or the array would never be freed.
        o.set_element(2, Value::Undefined);
    }
    let of = {
        let c = global(g, "Array");
        prop(g, &c, "of")
    };
    let bound = call(g, &of, "bind", &[Value::Null, n(1.0)]).unwrap_or_default();
    let r = ops::call(g, &bound, &Value::Undefined, &[n(2.0)]).map_err(|_| String::new());
    assert_eq!(show(g, r), "[1,2]");
    let set_ctor = global(g, "Set");
    let set = ops::construct(g, &set_ctor, &[nums(&[1.0, 1.0, 2.0])]).unwrap_or_default();
    assert_eq!(st(g, "Array", "from", &[set]), "[1,2]");
    assert_eq!(
        st(g, "Array", "from", &[Value::Undefined]),
        "threw TypeError: undefined is not iterable (cannot read property Symbol(Symbol.iterator))"
    );
}

#[test]
fn deep_nesting_is_bounded() {
    let g = &mut agent();
    let mut v = arr(&[n(1.0)]);
    for _ in 0..990 {
        v = arr(&[v]);
    }
    assert_eq!(cm(g, &v, "join", &[]), r#""1""#);
    assert_eq!(cm(g, &v, "flat", &[n(f64::INFINITY)]), "[1]");
    for _ in 0..20 {
        v = arr(&[v]);
    }
    assert_eq!(
        cm(g, &v, "join", &[]),
        "threw RangeError: Maximum call stack size exceeded"
    );
    let huge = Obj::plain();
    huge.set("length", n(1e12));
    assert_eq!(
        st(g, "Array", "from", &[Value::Object(huge)]),
        "threw RangeError: Invalid array length"
    );
}
