//! Tests of `URL`, `URLSearchParams`, `TextEncoder`/`TextDecoder` and `atob`/`btoa` run
//! against a realm; the expected results are Node's.

use crate::js::builtins::typed_array::realm_tests::{agent, call, global, n, new, s, show};
use crate::js::ops;
use crate::js::value::{Obj, Value};

#[test]
fn search_params_are_live_both_ways() {
    let a = &mut agent();
    let u = new(a, "URL", &[s("http://h.com/?a=1")]).unwrap_or_default();
    let p = ops::get(a, &u, b"searchParams").unwrap_or_default();
    let _ = ops::set(a, &u, b"search", s("?b=2"));
    let r = call(a, &p, "get", &[s("b")]);
    assert_eq!(show(a, r), "\"2\"");
    let _ = call(a, &p, "delete", &[s("b")]);
    let r = ops::get(a, &u, b"href");
    assert_eq!(show(a, r), "\"http://h.com/\"");
    let _ = call(a, &p, "append", &[s("c"), s("d e")]);
    let r = ops::get(a, &u, b"href");
    assert_eq!(show(a, r), "\"http://h.com/?c=d+e\"");
    let _ = ops::set(a, &u, b"href", s("https://x.org/?q=9"));
    let r = call(a, &p, "toString", &[]);
    assert_eq!(show(a, r), "\"q=9\"");
    let r = ops::set(a, &u, b"href", s("no scheme"));
    assert_eq!(show(a, r.map(Value::Bool)), "TypeError: Invalid URL");
    let r = new(a, "URL", &[]);
    assert_eq!(
        show(a, r),
        "TypeError: The \"url\" argument must be specified"
    );
}

#[test]
fn search_params_methods() {
    let a = &mut agent();
    let p = new(a, "URLSearchParams", &[s("a=1&a=2&b=3")]).unwrap_or_default();
    let r = call(a, &p, "has", &[s("a"), s("2")]);
    assert_eq!(show(a, r), "true");
    let r = call(a, &p, "has", &[s("a"), s("5")]);
    assert_eq!(show(a, r), "false");
    let _ = call(a, &p, "delete", &[s("a"), s("1")]);
    let r = call(a, &p, "toString", &[]);
    assert_eq!(show(a, r), "\"a=2&b=3\"");
    let record = Obj::plain();
    record.set("é", s("ü"));
    record.set("b", Value::Undefined);
    let q = new(a, "URLSearchParams", &[Value::Object(record)]).unwrap_or_default();
    let r = call(a, &q, "toString", &[]);
    assert_eq!(show(a, r), "\"%C3%A9=%C3%BC&b=undefined\"");
    let r = call(a, &q, "get", &[]);
    assert_eq!(
        show(a, r),
        "TypeError: The \"name\" argument must be specified"
    );
}

#[test]
fn text_decoder_streams_and_recovers() {
    let a = &mut agent();
    let opts = Obj::plain();
    opts.set("fatal", Value::Bool(true));
    let d = new(a, "TextDecoder", &[s("utf-8"), Value::Object(opts)]).unwrap_or_default();
    let stream = Obj::plain();
    stream.set("stream", Value::Bool(true));
    let chunk = bytes(a, &[0xe2, 0x82]);
    let r = call(a, &d, "decode", &[chunk, Value::Object(stream)]);
    assert_eq!(show(a, r), "\"\"");
    let r = call(a, &d, "decode", &[]);
    assert_eq!(
        show(a, r),
        "TypeError: The encoded data was not valid for encoding utf-8"
    );
    let chunk = bytes(a, &[0x41]);
    let r = call(a, &d, "decode", &[chunk]);
    assert_eq!(show(a, r), "\"A\"");
    let e = new(a, "TextEncoder", &[]).unwrap_or_default();
    let dest = new(a, "Uint8Array", &[n(10.0)]).unwrap_or_default();
    let lone = Value::String(crate::js::string::JsStr::from_utf16(&[0xD800, 0x78]));
    let r = call(a, &e, "encodeInto", &[lone, dest]);
    let read = r.as_ref().map(|o| ops::get(a, o, b"read"));
    let read = show(a, read.unwrap_or(Ok(Value::Undefined)));
    assert_eq!(read, "2");
    let btoa = global(a, "btoa");
    let r = ops::call(a, &btoa, &Value::Undefined, &[]);
    assert_eq!(
        show(a, r),
        "TypeError: The \"input\" argument must be specified"
    );
}

fn bytes(a: &mut crate::js::builtins::typed_array::realm_tests::TestAgent, b: &[u8]) -> Value {
    let list = Obj::array(b.iter().map(|x| n(*x as f64)).collect());
    new(a, "Uint8Array", &[Value::Object(list)]).unwrap_or_default()
}
