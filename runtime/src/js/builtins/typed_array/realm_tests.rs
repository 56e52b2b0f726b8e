//! Tests of the binary data built-ins (`ArrayBuffer`, `DataView`, typed arrays, `BigInt`)
//! run against a realm; the expected results are Node's.

use crate::js::conversions::display;
use crate::js::native::native;
use crate::js::number::format;
use crate::js::ops::{self, type_error, Key};
use crate::js::realm::Realm;
use crate::js::value::{Agent, JsResult, Kind, Obj, Throw, Value};

/// An agent over a fresh realm, shared with the other built-in tests of this family.
pub struct TestAgent(pub Realm);

impl Agent for TestAgent {
    fn realm_any(&mut self) -> &mut dyn std::any::Any {
        &mut self.0
    }
    fn call_foreign(&mut self, _: u32, _: &Value, _: &[Value]) -> JsResult {
        type_error("no foreign functions here")
    }
}

/// A new agent.
pub fn agent() -> TestAgent {
    TestAgent(crate::js::new_realm())
}

/// A global.
pub fn global(a: &mut dyn Agent, name: &str) -> Value {
    let g = Value::Object(a.realm().global.clone());
    ops::get_str(a, &g, name).unwrap_or_default()
}

/// `new name(...args)`.
pub fn new(a: &mut dyn Agent, name: &str, args: &[Value]) -> JsResult {
    let c = global(a, name);
    ops::construct(a, &c, args)
}

/// `v.method(...args)`.
pub fn call(a: &mut dyn Agent, v: &Value, method: &str, args: &[Value]) -> JsResult {
    let f = ops::get_v(a, v, Key::Str(method.as_bytes()))?;
    ops::call(a, &f, v, args)
}

/// A number value.
pub fn n(x: f64) -> Value {
    Value::Number(x)
}

/// A BigInt value.
pub fn bi(x: i64) -> Value {
    Value::BigInt(std::rc::Rc::new(x.into()))
}

/// A string value.
pub fn s(x: &str) -> Value {
    Value::from(x)
}

/// A JS-like rendering of a result: typed arrays as `Name[a,b]`, errors as `Name: message`.
pub fn show(a: &mut TestAgent, r: JsResult) -> String {
    match r {
        Ok(v) => render(&a.0, &v),
        Err(Throw::Value(e)) => display(&a.0, &e),
        Err(Throw::Abort(_)) => "abort".into(),
    }
}

fn render(realm: &Realm, v: &Value) -> String {
    match v {
        Value::String(s) => format!("{s:?}"),
        Value::Number(x) => format(*x),
        Value::BigInt(b) => format!("{b}n"),
        Value::Object(o) => {
            if let Some(t) = o.typed_array() {
                let items: Vec<String> = (0..t.len)
                    .map(|i| render(realm, &super::read(&t, i)))
                    .collect();
                return format!("{}[{}]", t.kind.name(), items.join(","));
            }
            match &o.borrow().kind {
                Kind::Array(items) => {
                    let parts: Vec<String> = items.iter().map(|v| render(realm, v)).collect();
                    format!("[{}]", parts.join(","))
                }
                _ => display(realm, v),
            }
        }
        v => display(realm, v),
    }
}

fn bytes(a: &mut TestAgent, items: &[f64]) -> Value {
    let list = Value::Object(Obj::array(items.iter().map(|x| n(*x)).collect()));
    new(a, "Uint8Array", &[list]).unwrap_or_default()
}

#[test]
fn typed_array_methods() {
    let a = &mut agent();
    let t = bytes(a, &[1.0, 2.0, 3.0]);
    let r = call(a, &t, "copyWithin", &[n(0.0), n(1.0)]);
    assert_eq!(show(a, r), "Uint8Array[2,3,3]");
    let r = call(a, &t, "with", &[n(5.0), n(1.0)]);
    assert_eq!(show(a, r), "RangeError: Invalid typed array index");
    let r = call(a, &t, "with", &[n(-1.0), n(9.0)]);
    assert_eq!(show(a, r), "Uint8Array[2,3,9]");
    let r = call(a, &t, "lastIndexOf", &[n(3.0), n(-2.0)]);
    assert_eq!(show(a, r), "1");
    let r = call(
        a,
        &t,
        "set",
        &[Value::Object(Obj::array(vec![])), n(f64::INFINITY)],
    );
    assert_eq!(show(a, r), "RangeError: offset is out of bounds");
    let sum = native(|_, _, args| Ok(n(args[0].to_number() * 10.0 + args[1].to_number())));
    let r = call(a, &t, "reduceRight", &[sum]);
    assert_eq!(show(a, r), "332");
    let r = call(a, &t, "toReversed", &[]);
    assert_eq!(show(a, r), "Uint8Array[3,3,2]");
    let entries = call(a, &t, "entries", &[]).unwrap_or_default();
    let first = call(a, &entries, "next", &[]).unwrap_or_default();
    let r = ops::get(a, &first, b"value");
    assert_eq!(show(a, r), "[0,2]");
    let r = call(a, &t, "sort", &[n(5.0)]);
    assert_eq!(
        show(a, r),
        "TypeError: The comparison function must be either a function or undefined"
    );
}

#[test]
fn constructors_and_their_errors() {
    let a = &mut agent();
    let buf = new(a, "ArrayBuffer", &[n(4.0)]).unwrap_or_default();
    let r = new(a, "Uint8Array", &[buf.clone(), n(1.0), n(4.0)]);
    assert_eq!(show(a, r), "RangeError: Invalid typed array length: 4");
    let r = new(a, "Uint8Array", &[buf.clone(), n(5.0)]);
    assert_eq!(
        show(a, r),
        "RangeError: Start offset 5 is outside the bounds of the buffer"
    );
    let r = new(a, "DataView", &[buf.clone(), n(1.0), n(4.0)]);
    assert_eq!(show(a, r), "RangeError: Invalid DataView length 4");
    let r = new(a, "Uint8Array", &[n(-1.0)]);
    assert_eq!(show(a, r), "RangeError: Invalid typed array length: -1");
    let r = new(a, "ArrayBuffer", &[n(2f64.powi(40))]);
    assert_eq!(show(a, r), "RangeError: Array buffer allocation failed");
    let small = bytes(a, &[1.0]);
    let r = new(a, "BigInt64Array", &[small]);
    assert_eq!(
        show(a, r),
        "TypeError: Cannot mix BigInt and other types, use explicit conversions"
    );
    let like = Obj::plain();
    like.set("length", n(2.0));
    like.set("0", n(7.0));
    let ctor = global(a, "Int16Array");
    let r = call(a, &ctor, "from", &[Value::Object(like)]);
    assert_eq!(show(a, r), "Int16Array[7,0]");
    let base = ctor.as_object().and_then(|o| a.0.proto_of(&o.borrow()));
    let base = Value::Object(base.unwrap_or_else(Obj::plain));
    let r = ops::construct(a, &base, &[]);
    assert_eq!(
        show(a, r),
        "TypeError: Abstract class TypedArray not directly constructable"
    );
}

#[test]
fn bigints() {
    let a = &mut agent();
    let big = global(a, "BigInt");
    let r = call(a, &big, "asUintN", &[n(2f64.powi(40)), bi(-1)]);
    assert_eq!(show(a, r), "RangeError: Maximum BigInt size exceeded");
    let r = call(a, &big, "asIntN", &[n(-1.0), bi(1)]);
    assert_eq!(
        show(a, r),
        "RangeError: Invalid value: not (convertible to) a safe integer"
    );
    let r = ops::call(a, &big, &Value::Undefined, &[n(f64::NAN)]);
    assert_eq!(
        show(a, r),
        "RangeError: The number NaN cannot be converted to a BigInt because it is not an integer"
    );
    let r = ops::call(a, &big, &Value::Undefined, &[s(" 0b101 ")]);
    assert_eq!(show(a, r), "5n");
    let b = bi(-255);
    let r = call(a, &b, "toString", &[n(16.0)]);
    assert_eq!(show(a, r), "\"-ff\"");
    let r = call(a, &b, "toString", &[n(37.0)]);
    assert_eq!(
        show(a, r),
        "RangeError: toString() radix argument must be between 2 and 36"
    );
    let list = Obj::array(vec![bi(12345)]);
    let t = new(a, "BigInt64Array", &[Value::Object(list)]).unwrap_or_default();
    let r = call(a, &t, "toLocaleString", &[]);
    assert_eq!(show(a, r), "\"12,345\"");
}
