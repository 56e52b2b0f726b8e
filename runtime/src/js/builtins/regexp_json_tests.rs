//! Tests of the `RegExp`, `JSON` and `structuredClone` built-ins run against a realm.

use super::regexp_exec::{builtin_exec, captures};
use super::regexp_object::create;
use super::regexp_replace::{regexp_replace, regexp_split};
use super::regexp_string::regexp_match;
use super::regexp_syntax::{Flags, Subject};
use crate::js::ops::type_error;
use crate::js::realm::Realm;
use crate::js::string::JsStr;
use crate::js::value::{Agent, JsResult, Obj, Value};

struct TestAgent(Realm);
impl Agent for TestAgent {
    fn realm_any(&mut self) -> &mut dyn std::any::Any {
        &mut self.0
    }
    fn call_foreign(&mut self, _: u32, _: &Value, _: &[Value]) -> JsResult {
        type_error("no foreign functions here")
    }
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => format!("{s:?}"),
        Value::Object(o) => match &o.borrow().kind {
            crate::js::value::Kind::Array(items) => {
                let parts: Vec<String> = items.iter().map(text).collect();
                let mut out = format!("[{}]", parts.join(", "));
                if let Some(Value::Number(i)) = o.borrow().get_own(b"index") {
                    out += &format!(" index={i}");
                }
                out
            }
            _ => "object".into(),
        },
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Null => "null".into(),
        Value::Undefined => "undefined".into(),
        _ => "?".into(),
    }
}

fn run(f: impl FnOnce(&mut dyn Agent) -> JsResult) -> String {
    let mut agent = TestAgent(crate::js::new_realm());
    match f(&mut agent) {
        Ok(v) => text(&v),
        Err(crate::js::Throw::Value(e)) => {
            format!("threw {}", crate::js::conversions::display(&agent.0, &e))
        }
        Err(_) => "abort".into(),
    }
}

fn re(p: &str, f: &str) -> Obj {
    create(&JsStr::from(p), f).unwrap_or_else(|_| panic!("{p} compiles"))
}

fn js(s: &str) -> JsStr {
    JsStr::from(s)
}

#[test]
fn replace_like_v8() {
    let r = |p: &str, f: &str, s: &str, t: &str| {
        run(|a| regexp_replace(a, &re(p, f), &js(s), &Value::from(t)).map(Value::String))
    };
    assert_eq!(
        r(
            r"(?<y>\d+)-(?<m>\d+)-(?<d>\d+)",
            "",
            "2024-05-17",
            "$<d>/$<m>/$<y>"
        ),
        "\"17/05/2024\""
    );
    assert_eq!(
        r(r"(\w+)\s(\w+)", "", "John Smith", "$2, $1"),
        "\"Smith, John\""
    );
    assert_eq!(r("b", "", "abc", "[$&|$`|$'|$$|$9]"), "\"a[b|a|c|$|$9]c\"");
    assert_eq!(r("a", "g", "aaa", "b"), "\"bbb\"");
    assert_eq!(r("x*", "g", "abc", "-"), "\"-a-b-c-\"");
    assert_eq!(r("(?:)", "gu", "😀😀", "-"), "\"-😀-😀-\"");
    assert_eq!(r("a", "gy", "baaa", "b"), "\"baaa\"");
}

#[test]
fn split_like_v8() {
    let sp =
        |p: &str, f: &str, s: &str, lim: Value| run(|a| regexp_split(a, &re(p, f), &js(s), &lim));
    assert_eq!(
        sp(r"\d+", "", "a1b22c333d", Value::Undefined),
        r#"["a", "b", "c", "d"]"#
    );
    assert_eq!(
        sp(r"(\d)", "", "a1b2c", Value::Undefined),
        r#"["a", "1", "b", "2", "c"]"#
    );
    assert_eq!(
        sp(r"\s*[,;]\s*", "", "a, b;c ,d", Value::Number(3.0)),
        r#"["a", "b", "c"]"#
    );
    assert_eq!(
        sp("(?:)", "u", "abc", Value::Undefined),
        r#"["a", "b", "c"]"#
    );
    assert_eq!(sp("(?:)", "u", "😀a", Value::Undefined), r#"["😀", "a"]"#);
    assert_eq!(
        sp("(b)|(z)", "", "abc", Value::Undefined),
        r#"["a", "b", undefined, "c"]"#
    );
    assert_eq!(sp("x", "", "", Value::Undefined), r#"[""]"#);
    assert_eq!(sp("(?:)", "", "", Value::Undefined), "[]");
}

#[test]
fn match_and_exec_like_v8() {
    let m = |p: &str, f: &str, s: &str| run(|a| regexp_match(a, &re(p, f), &js(s)));
    assert_eq!(m(r"\d+", "g", "a1b22c333"), r#"["1", "22", "333"]"#);
    assert_eq!(m(r"\d+", "", "a1b22c333"), r#"["1"] index=1"#);
    assert_eq!(m(r"\d", "g", "abc"), "null");
    assert_eq!(m("^b", "", "a\nb"), "null");
    assert_eq!(m("^b", "m", "a\nb"), r#"["b"] index=2"#);
    assert_eq!(m(".", "g", "😀😀").matches("lone").count(), 4);
    assert_eq!(m(".", "gu", "😀😀"), r#"["😀", "😀"]"#);
    assert_eq!(
        m(r"\p{L}+", "gu", "héllo wörld 123 Ωmega"),
        r#"["héllo", "wörld", "Ωmega"]"#
    );
    assert_eq!(m(r"\p{Nd}", "gu", "a1٣४"), r#"["1", "٣", "४"]"#);
    assert_eq!(m(r"\d", "g", "a1٣४"), r#"["1"]"#);
    assert_eq!(m("STRASSE", "i", "Straße"), "null");
    assert_eq!(m(r"(?<!\$)\b\d", "g", "$1 2 $3 4"), r#"["2", "4"]"#);
    assert_eq!(
        m(r"(?<=\$)\d+(\.\d+)?", "", "cost: $42.50, tax 3"),
        r#"["42.50", ".50"] index=7"#
    );
    let t = |p: &str, f: &str, s: &str| {
        run(|a| {
            let subject = Subject::new(&js(s), Flags::parse(f).unwrap_or_default());
            Ok(Value::Bool(builtin_exec(a, &re(p, f), &subject)?.is_some()))
        })
    };
    assert_eq!(t("^.$", "", "😀"), "false");
    assert_eq!(t("^.$", "u", "😀"), "true");
    assert_eq!(t(r"\u017f", "i", "s"), "false");
    assert_eq!(t(r"\u017f", "iu", "s"), "true");
    assert_eq!(t("ı", "i", "I"), "false");
    assert_eq!(t("i", "i", "ı"), "false");
    assert_eq!(t("[ſ]", "i", "s"), "false");
    assert_eq!(t(r"\u017F", "i", "ſ"), "true");
    assert_eq!(t("ſ", "i", "ſ"), "true");
    assert_eq!(t(r"\u{1F600}", "", "😀"), "false");
    assert_eq!(t(r"\u{1F600}", "u", "😀"), "true");
    assert_eq!(t(r"\p{L}", "", "p{L}"), "true");
    assert_eq!(t(r"\bé", "", "é"), "false");
    assert_eq!(t(r"\w", "", "é"), "false");
    assert_eq!(t("HELLO", "i", "hello"), "true");
    assert_eq!(t("a.b", "", "a\nb"), "false");
    assert_eq!(t("a.b", "s", "a\nb"), "true");
}

#[test]
fn sticky_tokenizer() {
    let out = run(|a| {
        let r = re(r"\s*(\d+|[+*])", "y");
        let s = js("12 + 3*4");
        let subject = Subject::new(&s, Flags::parse("y").unwrap_or_default());
        let mut toks = Vec::new();
        while let Some(m) = builtin_exec(a, &r, &subject)? {
            toks.push(captures(&m, &subject.units)[0].clone());
        }
        Ok(Value::Object(Obj::array(toks)))
    });
    assert_eq!(out, r#"["12", "+", "3", "*", "4"]"#);
}

#[test]
fn deep_values_fit_in_a_small_stack() {
    let run_deep = || {
        let mut agent = TestAgent(crate::js::new_realm());
        let mut v = Value::Number(1.0);
        for _ in 0..999 {
            v = Value::Object(Obj::array(vec![v]));
        }
        let json = agent.0.global.own("JSON");
        let stringify = crate::js::ops::get(&mut agent, &json, b"stringify").ok();
        let text =
            stringify.map(|f| crate::js::ops::call(&mut agent, &f, &json, &[v.clone()]).is_ok());
        let clone = agent.0.global.own("structuredClone");
        let cloned = crate::js::ops::call(&mut agent, &clone, &Value::Undefined, &[v]).is_ok();
        (text, cloned)
    };
    let out = std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(run_deep)
        .map(|h| h.join().ok());
    assert_eq!(out.ok().flatten(), Some((Some(true), true)));
}

#[test]
fn exec_loops_over_long_strings() {
    let out = run(|a| {
        let r = Value::Object(re(r"\w+", "g"));
        let text = Value::from("ab ".repeat(1000));
        let exec = crate::js::ops::get(a, &r, b"exec")?;
        let mut n = 0.0;
        while !matches!(
            crate::js::ops::call(a, &exec, &r, std::slice::from_ref(&text))?,
            Value::Null
        ) {
            n += 1.0;
        }
        let li = crate::js::ops::get(a, &r, b"lastIndex")?;
        Ok(Value::Object(Obj::array(vec![Value::Number(n), li])))
    });
    assert_eq!(out, "[1000, 0]");
}

#[test]
fn data_views_clone_over_one_buffer_copy() {
    let out = run(|a| {
        let global = Value::Object(a.realm().global.clone());
        let get = |a: &mut dyn Agent, v: &Value, k: &str| crate::js::ops::get(a, v, k.as_bytes());
        let buffer_ctor = get(a, &global, "ArrayBuffer")?;
        let buffer = crate::js::ops::construct(a, &buffer_ctor, &[Value::Number(4.0)])?;
        let view_ctor = get(a, &global, "DataView")?;
        let view = crate::js::ops::construct(a, &view_ctor, &[buffer.clone(), Value::Number(1.0)])?;
        let pair = Value::Object(Obj::array(vec![buffer, view]));
        let clone = get(a, &global, "structuredClone")?;
        let copy = crate::js::ops::call(a, &clone, &Value::Undefined, &[pair])?;
        let (b, v) = (get(a, &copy, "0")?, get(a, &copy, "1")?);
        let same = get(a, &v, "buffer")?.strict_eq(&b);
        let offset = get(a, &v, "byteOffset")?;
        Ok(Value::Object(Obj::array(vec![Value::Bool(same), offset])))
    });
    assert_eq!(out, "[true, 1]");
}
