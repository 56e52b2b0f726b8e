//! `Headers`: a list of name/value pairs, names compared without case and kept lowercase,
//! values normalised; `get` combines a name's values with ", " and iteration is sorted by
//! name, with each `set-cookie` on its own, as in Node.

use super::{byte_string, illegal_invocation, install_class, is_token, protos, require_args};
use crate::js::builtins::iterators::{iterator, Source, Yield};
use crate::js::conversions::{iterate, keys};
use crate::js::native::{arg, Method};
use crate::js::ops::{self, Key};
use crate::js::realm::Realm;
use crate::js::value::{attrs, Agent, Intrinsic, JsResult, Kind, Obj, Proto, Value};

/// Who may change a `Headers` object.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Guard {
    /// Anyone.
    None,
    /// No one (a response `fetch` made, `Response.error()`): changes throw "immutable".
    Immutable,
}

/// The state of a `Headers` object: `(lowercase name, value)` in the order added.
pub struct HeadersData {
    /// The pairs.
    pub list: Vec<(String, String)>,
    /// Who may change them.
    pub guard: Guard,
    /// The names and values again, as strings in an array, so the JS heap counts them.
    counted: Obj,
}

impl HeadersData {
    /// Brings the counted copy up to date after `list` changed from `before` pairs.
    fn recount(&mut self, before: usize) {
        let mut counted = self.counted.borrow_mut();
        let Kind::Array(items) = &mut counted.kind else {
            return;
        };
        // Appended one pair (by `append`, or `set` of a new name): the others are as they
        // were.
        let fresh = if before.checked_add(1) == Some(self.list.len()) {
            &self.list[before..]
        } else {
            items.clear();
            &self.list[..]
        };
        for (n, v) in fresh {
            items.push(Value::from(n.as_str()));
            items.push(Value::from(v.as_str()));
        }
    }
}

const PROTO: &[Method] = &[
    ("append", append),
    ("delete", delete),
    ("get", get),
    ("has", has),
    ("set", set),
    ("getSetCookie", get_set_cookie),
    ("keys", |a, t, _| iterate_headers(a, t, Yield::Keys)),
    ("values", |a, t, _| iterate_headers(a, t, Yield::Values)),
    ("entries", |a, t, _| iterate_headers(a, t, Yield::Entries)),
    ("forEach", for_each),
];

pub fn install(realm: &mut Realm) {
    install_class(
        realm,
        Intrinsic::Headers,
        "Headers",
        "_Headers",
        PROTO,
        &[],
        make,
    );
    let proto = realm.proto(crate::js::value::Class::Other(Intrinsic::Headers));
    let iterator_sym = realm.symbols.iterator.clone();
    proto.define_symbol(&iterator_sym, proto.own("entries"), attrs::HIDDEN);
    let it = realm
        .slot::<super::Protos>()
        .map(|p| p.headers_iterator.clone());
    if let Some(it) = it {
        super::tag(realm, &it, "Headers Iterator");
    }
}

/// A new `Headers` object holding `list` (names lowercase already).
pub fn new_headers(list: Vec<(String, String)>, guard: Guard) -> Obj {
    let mut data = HeadersData {
        list,
        guard,
        counted: Obj::array(Vec::new()),
    };
    data.recount(usize::MAX);
    Obj::host(Intrinsic::Headers, data)
}

/// The pairs of a `Headers` object, in the order added.
pub fn list_of(headers: &Obj) -> Vec<(String, String)> {
    headers
        .borrow()
        .host::<HeadersData>()
        .map(|h| h.list.clone())
        .unwrap_or_default()
}

/// Does the `Headers` object have a header `name` (lowercase)?
pub fn contains(headers: &Obj, name: &str) -> bool {
    let data = headers.borrow();
    data.host::<HeadersData>()
        .is_some_and(|h| h.list.iter().any(|(n, _)| n == name))
}

/// Appends a pair already checked (the content type a body implies).
pub fn append_checked(headers: &Obj, name: &str, value: &str) {
    if let Some(h) = headers.borrow_mut().host_mut::<HeadersData>() {
        h.list.push((name.to_ascii_lowercase(), value.to_string()));
        h.recount(h.list.len() - 1);
    }
}

/// The value `get(name)` gives: every value of the name, joined with ", ".
pub fn combined(list: &[(String, String)], name: &str) -> Option<String> {
    let mut values = list
        .iter()
        .filter(|(n, _)| n == name)
        .map(|(_, v)| v.as_str());
    let first = values.next()?;
    Some(values.fold(first.to_string(), |acc, v| acc + ", " + v))
}

/// The pairs as iteration yields them: sorted by name, values combined, except that each
/// `set-cookie` comes on its own.
pub fn sorted(list: &[(String, String)]) -> Vec<(String, String)> {
    let mut names: Vec<&str> = list.iter().map(|(n, _)| n.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    let mut out = Vec::new();
    for name in names {
        if name == "set-cookie" {
            out.extend(list.iter().filter(|(n, _)| n == name).cloned());
        } else if let Some(v) = combined(list, name) {
            out.push((name.to_string(), v));
        }
    }
    out
}

/// Strips HTTP whitespace from both ends of a value.
fn normalize(v: &str) -> &str {
    v.trim_matches(|c| matches!(c, '\t' | '\n' | '\r' | ' '))
}

/// A name and value as `append` and `set` take them, checked.
fn pair(agent: &mut dyn Agent, args: &[Value], method: &str) -> JsResult<(String, String)> {
    require_args(args, 2, &format!("Headers.{method}"))?;
    let name = byte_string(agent, &args[0])?;
    let value = byte_string(agent, &args[1])?;
    let value = normalize(&value).to_string();
    check_name(&name, method)?;
    if value.contains(['\0', '\n', '\r']) {
        return ops::type_error(format!(
            "Headers.{method}: \"{value}\" is an invalid header value."
        ));
    }
    Ok((name.to_ascii_lowercase(), value))
}

fn check_name(name: &str, method: &str) -> JsResult<()> {
    if is_token(name) {
        return Ok(());
    }
    ops::type_error(format!(
        "Headers.{method}: \"{name}\" is an invalid header name."
    ))
}

/// The name argument of `get`, `has` and `delete`, checked and lowercased.
fn name_arg(agent: &mut dyn Agent, args: &[Value], method: &str) -> JsResult<String> {
    require_args(args, 1, &format!("Headers.{method}"))?;
    let name = byte_string(agent, &args[0])?;
    check_name(&name, method)?;
    Ok(name.to_ascii_lowercase())
}

/// Runs `f` on the state of the `Headers` object `this`.
fn with_headers<R>(this: &Value, f: impl FnOnce(&mut HeadersData) -> R) -> JsResult<R> {
    let Some(o) = this.as_object() else {
        return Err(illegal_invocation());
    };
    let mut data = o.borrow_mut();
    match data.host_mut::<HeadersData>() {
        Some(h) => Ok(f(h)),
        None => Err(illegal_invocation()),
    }
}

/// Runs `f` on the list of `this`, unless its guard forbids changes.
fn change(this: &Value, f: impl FnOnce(&mut Vec<(String, String)>)) -> JsResult {
    let immutable = with_headers(this, |h| {
        if h.guard == Guard::Immutable {
            return true;
        }
        let before = h.list.len();
        f(&mut h.list);
        h.recount(before);
        false
    })?;
    if immutable {
        return ops::type_error("immutable");
    }
    Ok(Value::Undefined)
}

fn make(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    let o = new_headers(Vec::new(), Guard::None);
    fill(agent, &o, &arg(args, 0))?;
    Ok(Value::Object(o))
}

/// Adds the pairs of a `HeadersInit` (a sequence of pairs or a record) to `headers`.
pub fn fill(agent: &mut dyn Agent, headers: &Obj, init: &Value) -> JsResult<()> {
    let target = Value::Object(headers.clone());
    let Value::Object(o) = init else {
        if matches!(init, Value::Undefined) {
            return Ok(());
        }
        return ops::type_error(
            "Headers constructor: Argument 1 could not be converted to one of: \
             sequence<sequence<ByteString>>, record<ByteString, ByteString>.",
        );
    };
    let iterator_sym = agent.realm().symbols.iterator.clone();
    let method = ops::get_v(agent, init, Key::Sym(&iterator_sym))?;
    if method.is_function() {
        for item in iterate(agent, init)? {
            let pair = iterate(agent, &item)?;
            if pair.len() != 2 {
                return ops::type_error(format!(
                    "Headers constructor: expected name/value pair to be length 2, found {}.",
                    pair.len()
                ));
            }
            append(agent, &target, &pair)?;
        }
        return Ok(());
    }
    let record = Value::Object(o.clone());
    for key in keys(agent, &record)? {
        let v = ops::get(agent, &record, key.as_bytes())?;
        append(agent, &target, &[Value::String(key), v])?;
    }
    Ok(())
}

fn append(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    with_headers(this, |_| ())?;
    let (name, value) = pair(agent, args, "append")?;
    change(this, |list| list.push((name, value)))
}

fn set(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    with_headers(this, |_| ())?;
    let (name, value) = pair(agent, args, "set")?;
    change(this, |list| {
        match list.iter().position(|(n, _)| *n == name) {
            Some(i) => {
                list[i].1 = value;
                let mut seen = 0;
                list.retain(|(n, _)| {
                    seen += usize::from(*n == name);
                    *n != name || seen == 1
                });
            }
            None => list.push((name, value)),
        }
    })
}

fn delete(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    with_headers(this, |_| ())?;
    let name = name_arg(agent, args, "delete")?;
    change(this, |list| list.retain(|(n, _)| *n != name))
}

fn get(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    with_headers(this, |_| ())?;
    let name = name_arg(agent, args, "get")?;
    let found = with_headers(this, |h| combined(&h.list, &name))?;
    Ok(found.map_or(Value::Null, Value::from))
}

fn has(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    with_headers(this, |_| ())?;
    let name = name_arg(agent, args, "has")?;
    with_headers(this, |h| {
        Value::Bool(h.list.iter().any(|(n, _)| *n == name))
    })
}

fn get_set_cookie(_: &mut dyn Agent, this: &Value, _: &[Value]) -> JsResult {
    let cookies = with_headers(this, |h| {
        h.list
            .iter()
            .filter(|(n, _)| n == "set-cookie")
            .map(|(_, v)| Value::from(v.as_str()))
            .collect()
    })?;
    Ok(Value::Object(Obj::array(cookies)))
}

/// Steps a `Headers` object's sorted pairs, recomputed at each step (the iterator is live).
fn step(o: &Obj, pos: usize) -> Option<(usize, Value, Value)> {
    let data = o.borrow();
    let list = sorted(&data.host::<HeadersData>()?.list);
    let (k, v) = list.get(pos)?;
    Some((pos + 1, Value::from(k.as_str()), Value::from(v.as_str())))
}

fn iterate_headers(agent: &mut dyn Agent, this: &Value, yields: Yield) -> JsResult {
    with_headers(this, |_| ())?;
    let Some(o) = this.as_object() else {
        return Err(illegal_invocation());
    };
    let it = iterator(
        Intrinsic::ArrayIterator,
        Source::Live(o.clone(), step),
        yields,
    );
    if let Value::Object(i) = &it {
        i.borrow_mut().proto = Proto::Object(protos(agent).headers_iterator.clone());
    }
    Ok(it)
}

fn for_each(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    with_headers(this, |_| ())?;
    require_args(args, 1, "Headers.forEach")?;
    let callback = arg(args, 0);
    if !callback.is_function() {
        return ops::type_error(
            "Failed to execute 'forEach' on 'Headers': parameter 1 is not of type 'Function'.",
        );
    }
    let this_arg = arg(args, 1);
    let mut pos = 0;
    while let Some((next, k, v)) = this.as_object().and_then(|o| step(o, pos)) {
        ops::call(agent, &callback, &this_arg, &[v, k, this.clone()])?;
        pos = next;
    }
    Ok(Value::Undefined)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn values_combine_and_cookies_stay_apart_in_sorted_order() {
        let l = list(&[
            ("b", "1"),
            ("set-cookie", "x=1"),
            ("a", "2"),
            ("b", "3"),
            ("set-cookie", "y=2"),
        ]);
        assert_eq!(combined(&l, "b").as_deref(), Some("1, 3"));
        assert_eq!(combined(&l, "set-cookie").as_deref(), Some("x=1, y=2"));
        assert_eq!(combined(&l, "c"), None);
        let s = sorted(&l);
        let names: Vec<&str> = s.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["a", "b", "set-cookie", "set-cookie"]);
        assert_eq!(s[1].1, "1, 3");
    }

    #[test]
    fn values_lose_surrounding_whitespace_only() {
        assert_eq!(normalize(" \t a b \r\n"), "a b");
        assert!(is_token("X-Custom_1"));
        assert!(!is_token("a b") && !is_token("") && !is_token("ä"));
    }
}
