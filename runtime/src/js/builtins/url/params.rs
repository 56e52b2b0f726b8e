//! `URLSearchParams`: an ordered list of name/value pairs, serialised as
//! `application/x-www-form-urlencoded`, possibly the query of a `URL`.

use url::form_urlencoded;

use super::{query_of, set_query, usv};
use crate::js::builtins::iterators::{iterator, Source, Yield};
use crate::js::builtins::text::{invalid_this, node_error};
use crate::js::conversions::{iterate, keys};
use crate::js::native::{arg, builtin, constructor, define_methods, Method};
use crate::js::ops::{self, Key};
use crate::js::realm::Realm;
use crate::js::value::{
    attrs, Agent, Callable, Class, ErrorType, Intrinsic, JsResult, Kind, Obj, Throw, Value, WeakObj,
};

/// The state of a `URLSearchParams` object.
struct Params {
    list: Vec<(String, String)>,
    /// The `URL` whose query this is.
    owner: Option<WeakObj>,
}

const PROTO: &[Method] = &[
    ("append", append),
    ("delete", delete),
    ("get", get),
    ("getAll", get_all),
    ("has", has),
    ("set", set),
    ("sort", sort),
    ("toString", to_string),
    ("forEach", for_each),
    ("entries", |_, t, _| iterate_params(t, Yield::Entries)),
    ("keys", |_, t, _| iterate_params(t, Yield::Keys)),
    ("values", |_, t, _| iterate_params(t, Yield::Values)),
];

pub fn install(realm: &mut Realm) {
    let proto = realm.proto(Class::Other(Intrinsic::UrlSearchParams));
    define_methods(&proto, PROTO);
    let tag = realm.symbols.to_string_tag.clone();
    proto.define_symbol(&tag, Value::from("URLSearchParams"), attrs::CONFIGURABLE);
    let iterator_sym = realm.symbols.iterator.clone();
    proto.define_symbol(&iterator_sym, proto.own("entries"), attrs::HIDDEN);
    proto.define_accessor(
        "size",
        builtin(|_, t, _| with_params(t, |p| Value::Number(p.list.len() as f64))),
        Value::Undefined,
        attrs::CONFIGURABLE | attrs::ENUMERABLE,
    );
    let requires_new = Callable::Builtin(|_, _, _| {
        ops::type_error("Class constructor URLSearchParams cannot be invoked without 'new'")
    });
    let ctor = constructor(
        realm,
        "URLSearchParams",
        requires_new,
        Callable::Builtin(make),
        &proto,
    );
    ctor.define("name", Value::from("URLSearchParams"), attrs::CONFIGURABLE);
}

/// Parses a query (without its `?`).
fn parse(query: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// Serialises pairs as a form would.
fn serialize(list: &[(String, String)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(list.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .finish()
}

/// The `searchParams` object of a URL with this query.
pub(super) fn for_url(query: &str, owner: Option<WeakObj>) -> Obj {
    let list = parse(query);
    Obj::host(Intrinsic::UrlSearchParams, Params { list, owner })
}

/// Re-reads the query of the `URL` `url` into its `searchParams`, if it has them.
pub(super) fn refresh(url: &Value) {
    let Some((query, Some(params))) = url.as_object().and_then(query_of) else {
        return;
    };
    let mut data = params.borrow_mut();
    if let Some(p) = data.host_mut::<Params>() {
        p.list = parse(query.as_deref().unwrap_or(""));
    }
}

/// Runs `f` on the state of the `URLSearchParams` `this`.
fn with_params<R>(this: &Value, f: impl FnOnce(&mut Params) -> R) -> JsResult<R> {
    let Some(o) = this.as_object() else {
        return Err(invalid_this("URLSearchParams"));
    };
    let mut data = o.borrow_mut();
    match data.host_mut::<Params>() {
        Some(p) => Ok(f(p)),
        None => Err(invalid_this("URLSearchParams")),
    }
}

/// Runs `f` on the list, then writes it back to the owning URL's query.
fn update<R>(this: &Value, f: impl FnOnce(&mut Vec<(String, String)>) -> R) -> JsResult<R> {
    let (r, owner, query) = with_params(this, |p| {
        let r = f(&mut p.list);
        (r, p.owner.clone(), serialize(&p.list))
    })?;
    if let Some(url) = owner.and_then(|w| w.upgrade()) {
        set_query(&url, (!query.is_empty()).then_some(query.as_str()));
    }
    Ok(r)
}

fn missing(names: &str) -> Throw {
    node_error(
        ErrorType::TypeError,
        "ERR_MISSING_ARGS",
        &format!("The {names} must be specified"),
    )
}

/// The name argument (required).
fn name_arg(agent: &mut dyn Agent, args: &[Value]) -> JsResult<String> {
    match args.first() {
        Some(v) => usv(agent, v),
        None => Err(missing("\"name\" argument")),
    }
}

/// The name and value arguments (both required).
fn pair_args(agent: &mut dyn Agent, args: &[Value]) -> JsResult<(String, String)> {
    if args.len() < 2 {
        return Err(missing("\"name\" and \"value\" arguments"));
    }
    Ok((usv(agent, &args[0])?, usv(agent, &args[1])?))
}

/// The optional value argument of `has` and `delete`.
fn value_arg(agent: &mut dyn Agent, args: &[Value]) -> JsResult<Option<String>> {
    match arg(args, 1) {
        Value::Undefined => Ok(None),
        v => Ok(Some(usv(agent, &v)?)),
    }
}

/// `new URLSearchParams(init)`: a query string, pairs, a record or another params object.
fn make(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    let init = arg(args, 0);
    let list = match &init {
        Value::Undefined | Value::Null => Vec::new(),
        Value::Object(_) => {
            let iterator_sym = agent.realm().symbols.iterator.clone();
            let method = ops::get_v(agent, &init, Key::Sym(&iterator_sym))?;
            if matches!(method, Value::Undefined | Value::Null) {
                record(agent, &init)?
            } else if method.is_function() {
                pairs(agent, &init)?
            } else {
                return Err(node_error(
                    ErrorType::TypeError,
                    "ERR_ARG_NOT_ITERABLE",
                    "Query pairs must be iterable",
                ));
            }
        }
        v => {
            let s = usv(agent, v)?;
            parse(s.strip_prefix('?').unwrap_or(&s))
        }
    };
    let params = Params { list, owner: None };
    Ok(Value::Object(Obj::host(Intrinsic::UrlSearchParams, params)))
}

/// The values of an iterable (an array's directly).
fn items(agent: &mut dyn Agent, v: &Value) -> JsResult<Vec<Value>> {
    if let Some(o) = v.as_object() {
        if let Kind::Array(items) = &o.borrow().kind {
            return Ok(items.clone());
        }
    }
    iterate(agent, v)
}

/// Pairs from an iterable of `[name, value]` iterables.
fn pairs(agent: &mut dyn Agent, init: &Value) -> JsResult<Vec<(String, String)>> {
    let bad_tuple = || {
        node_error(
            ErrorType::TypeError,
            "ERR_INVALID_TUPLE",
            "Each query pair must be an iterable [name, value] tuple",
        )
    };
    let mut list = Vec::new();
    for pair in items(agent, init)? {
        if pair.as_object().is_none() {
            return Err(bad_tuple());
        }
        let parts = items(agent, &pair)?;
        let [name, value] = parts.as_slice() else {
            return Err(bad_tuple());
        };
        list.push((usv(agent, name)?, usv(agent, value)?));
    }
    Ok(list)
}

/// Pairs from an object's own enumerable properties.
fn record(agent: &mut dyn Agent, init: &Value) -> JsResult<Vec<(String, String)>> {
    let mut list = Vec::new();
    for key in keys(agent, init)? {
        let v = ops::get(agent, init, key.as_bytes())?;
        list.push((key.to_str_lossy().into_owned(), usv(agent, &v)?));
    }
    Ok(list)
}

fn append(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    with_params(this, |_| ())?;
    let pair = pair_args(agent, args)?;
    update(this, |list| list.push(pair))?;
    Ok(Value::Undefined)
}

fn delete(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    with_params(this, |_| ())?;
    let name = name_arg(agent, args)?;
    let value = value_arg(agent, args)?;
    update(this, |list| {
        list.retain(|(k, v)| *k != name || value.as_ref().is_some_and(|w| v != w))
    })?;
    Ok(Value::Undefined)
}

fn get(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    with_params(this, |_| ())?;
    let name = name_arg(agent, args)?;
    with_params(this, |p| {
        p.list
            .iter()
            .find(|(k, _)| *k == name)
            .map_or(Value::Null, |(_, v)| Value::from(v.as_str()))
    })
}

fn get_all(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    with_params(this, |_| ())?;
    let name = name_arg(agent, args)?;
    let values = with_params(this, |p| {
        p.list
            .iter()
            .filter(|(k, _)| *k == name)
            .map(|(_, v)| Value::from(v.as_str()))
            .collect()
    })?;
    Ok(Value::Object(Obj::array(values)))
}

fn has(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    with_params(this, |_| ())?;
    let name = name_arg(agent, args)?;
    let value = value_arg(agent, args)?;
    with_params(this, |p| {
        Value::Bool(
            p.list
                .iter()
                .any(|(k, v)| *k == name && value.as_ref().is_none_or(|w| v == w)),
        )
    })
}

/// `set(name, value)`: the first pair named `name` takes the value, the others go.
fn set(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    with_params(this, |_| ())?;
    let (name, value) = pair_args(agent, args)?;
    update(this, |list| {
        let mut seen = false;
        list.retain_mut(|(k, v)| {
            if *k != name {
                return true;
            }
            if seen {
                return false;
            }
            seen = true;
            *v = value.clone();
            true
        });
        if !seen {
            list.push((name, value));
        }
    })?;
    Ok(Value::Undefined)
}

/// `sort()`: stable, by the names' UTF-16 code units.
fn sort(_: &mut dyn Agent, this: &Value, _: &[Value]) -> JsResult {
    update(this, |list| {
        list.sort_by(|(a, _), (b, _)| a.encode_utf16().cmp(b.encode_utf16()))
    })?;
    Ok(Value::Undefined)
}

fn to_string(_: &mut dyn Agent, this: &Value, _: &[Value]) -> JsResult {
    with_params(this, |p| Value::from(serialize(&p.list)))
}

/// `forEach(callback, thisArg)`: `callback(value, name, params)`, seeing changes made meanwhile.
fn for_each(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    with_params(this, |_| ())?;
    let f = arg(args, 0);
    if !f.is_function() {
        return Err(node_error(
            ErrorType::TypeError,
            "ERR_INVALID_ARG_TYPE",
            &format!(
                "The \"callback\" argument must be of type function. {}",
                super::super::text::received(&f)
            ),
        ));
    }
    let mut i = 0;
    while let Some((k, v)) = with_params(this, |p| p.list.get(i).cloned())? {
        let call_args = [Value::from(v), Value::from(k), this.clone()];
        ops::call(agent, &f, &arg(args, 1), &call_args)?;
        i += 1;
    }
    Ok(Value::Undefined)
}

/// The pair at or after `pos`, for live iterators.
fn step(o: &Obj, pos: usize) -> Option<(usize, Value, Value)> {
    let data = o.borrow();
    let (k, v) = data.host::<Params>()?.list.get(pos)?;
    Some((pos + 1, Value::from(k.as_str()), Value::from(v.as_str())))
}

fn iterate_params(this: &Value, yields: Yield) -> JsResult {
    with_params(this, |_| ())?;
    let Some(o) = this.as_object() else {
        return Err(invalid_this("URLSearchParams"));
    };
    Ok(iterator(
        Intrinsic::ArrayIterator,
        Source::Live(o.clone(), step),
        yields,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialises_like_a_form() {
        let list = vec![(
            "s".to_owned(),
            "a~b*c-d.e_f g+h/i?j&k=l%m!n'o(p)q".to_owned(),
        )];
        assert_eq!(
            serialize(&list),
            "s=a%7Eb*c-d.e_f+g%2Bh%2Fi%3Fj%26k%3Dl%25m%21n%27o%28p%29q"
        );
        let parsed = parse("q=a+b%20c%2B&r=%zz&flag&&s=%FF");
        let values: Vec<&str> = parsed.iter().map(|(_, v)| v.as_str()).collect();
        assert_eq!(values, ["a b c+", "%zz", "", "\u{FFFD}"]);
    }
}
