//! `URL` (WHATWG URL parsing and the component getters and setters, by the `url` crate) and
//! `URLSearchParams` (in [`params`]). A URL's `searchParams` is one object, live both ways:
//! changing it rewrites the URL's query, and setting `search` or `href` re-reads it.

mod params;
#[cfg(test)]
mod realm_tests;

use url::{quirks, Url};

use super::text::{invalid_this, node_error};
use crate::js::conversions::to_string;
use crate::js::native::{arg, builtin, constructor, define_methods, native, Method};
use crate::js::ops;
use crate::js::realm::Realm;
use crate::js::value::{
    attrs, Agent, Callable, Class, ErrorType, Intrinsic, JsResult, Obj, Throw, Value,
};

/// The state of a `URL` object.
struct UrlData {
    url: Url,
    /// Its `searchParams` object, once asked for.
    params: Option<Obj>,
}

const STATICS: &[Method] = &[("canParse", can_parse)];

const PROTO: &[Method] = &[("toString", href), ("toJSON", href)];

type Getter = fn(&Url) -> String;
type Setter = fn(&mut Url, &str);
type Component = (&'static str, Getter, Option<Setter>);

/// The components: getter, and setter where there is one (invalid values are ignored).
const COMPONENTS: &[Component] = &[
    ("origin", quirks::origin, None),
    (
        "protocol",
        |u| quirks::protocol(u).into(),
        Some(|u, v| quirks::set_protocol(u, v).unwrap_or_default()),
    ),
    (
        "username",
        |u| quirks::username(u).into(),
        Some(|u, v| quirks::set_username(u, v).unwrap_or_default()),
    ),
    (
        "password",
        |u| quirks::password(u).into(),
        Some(|u, v| quirks::set_password(u, v).unwrap_or_default()),
    ),
    (
        "host",
        |u| quirks::host(u).into(),
        Some(|u, v| quirks::set_host(u, v).unwrap_or_default()),
    ),
    (
        "hostname",
        |u| quirks::hostname(u).into(),
        Some(|u, v| quirks::set_hostname(u, v).unwrap_or_default()),
    ),
    (
        "port",
        |u| quirks::port(u).into(),
        Some(|u, v| quirks::set_port(u, v).unwrap_or_default()),
    ),
    (
        "pathname",
        |u| quirks::pathname(u).into(),
        Some(quirks::set_pathname),
    ),
    (
        "search",
        |u| quirks::search(u).into(),
        Some(quirks::set_search),
    ),
    ("hash", |u| quirks::hash(u).into(), Some(quirks::set_hash)),
];

pub fn install(realm: &mut Realm) {
    let proto = realm.proto(Class::Other(Intrinsic::Url));
    define_methods(&proto, PROTO);
    let tag = realm.symbols.to_string_tag.clone();
    proto.define_symbol(&tag, Value::from("URL"), attrs::CONFIGURABLE);
    let shown = attrs::CONFIGURABLE | attrs::ENUMERABLE;
    proto.define_accessor("href", builtin(href), builtin(set_href), shown);
    for &(name, get, set) in COMPONENTS {
        let getter = native(move |_, this, _| with_url(this, |d| Value::from(get(&d.url))));
        let setter = match set {
            Some(set) => native(move |agent, this, args| {
                let v = usv(agent, &arg(args, 0))?;
                with_url(this, |d| set(&mut d.url, &v))?;
                params::refresh(this);
                Ok(Value::Undefined)
            }),
            None => Value::Undefined,
        };
        proto.define_accessor(name, getter, setter, shown);
    }
    proto.define_accessor(
        "searchParams",
        builtin(search_params),
        Value::Undefined,
        shown,
    );
    let requires_new = Callable::Builtin(|_, _, _| {
        ops::type_error("Class constructor URL cannot be invoked without 'new'")
    });
    let ctor = constructor(realm, "URL", requires_new, Callable::Builtin(make), &proto);
    ctor.define("name", Value::from("URL"), attrs::CONFIGURABLE);
    define_methods(&ctor, STATICS);
    params::install(realm);
}

/// A value as a `USVString`: `ToString`, lone surrogates replaced by U+FFFD.
fn usv(agent: &mut dyn Agent, v: &Value) -> JsResult<String> {
    Ok(to_string(agent, v)?.to_str_lossy().into_owned())
}

/// Node's `ERR_INVALID_URL`, carrying the input (and the base, when there was one).
fn invalid_url(input: &str, base: Option<&str>) -> Throw {
    let e = node_error(ErrorType::TypeError, "ERR_INVALID_URL", "Invalid URL");
    if let Throw::Value(Value::Object(o)) = &e {
        o.set("input", Value::from(input));
        if let Some(b) = base {
            o.set("base", Value::from(b));
        }
    }
    e
}

/// Parses `input` against `base` as `new URL(input, base)` does.
fn parse(input: &str, base: Option<&str>) -> Option<Url> {
    match base {
        Some(b) => Url::parse(b).ok()?.join(input).ok(),
        None => Url::parse(input).ok(),
    }
}

/// The input and base arguments of `new URL` and `URL.canParse`.
fn url_args(agent: &mut dyn Agent, args: &[Value]) -> JsResult<(String, Option<String>)> {
    let Some(input) = args.first() else {
        return Err(node_error(
            ErrorType::TypeError,
            "ERR_MISSING_ARGS",
            "The \"url\" argument must be specified",
        ));
    };
    let input = usv(agent, input)?;
    let base = match arg(args, 1) {
        Value::Undefined => None,
        v => Some(usv(agent, &v)?),
    };
    Ok((input, base))
}

/// `new URL(input, base)`.
fn make(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    let (input, base) = url_args(agent, args)?;
    match parse(&input, base.as_deref()) {
        Some(url) => Ok(Value::Object(Obj::host(
            Intrinsic::Url,
            UrlData { url, params: None },
        ))),
        None => Err(invalid_url(&input, base.as_deref())),
    }
}

fn can_parse(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    let (input, base) = url_args(agent, args)?;
    Ok(Value::Bool(parse(&input, base.as_deref()).is_some()))
}

/// Runs `f` on the state of the `URL` `this`.
fn with_url<R>(this: &Value, f: impl FnOnce(&mut UrlData) -> R) -> JsResult<R> {
    let Some(o) = this.as_object() else {
        return Err(invalid_this("URL"));
    };
    let mut data = o.borrow_mut();
    match data.host_mut::<UrlData>() {
        Some(d) => Ok(f(d)),
        None => Err(invalid_this("URL")),
    }
}

/// `href`, `toString()`, `toJSON()`.
fn href(_: &mut dyn Agent, this: &Value, _: &[Value]) -> JsResult {
    with_url(this, |d| Value::from(d.url.as_str()))
}

/// `url.href = value`: a whole new URL, or `ERR_INVALID_URL`.
fn set_href(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let v = usv(agent, &arg(args, 0))?;
    let Some(url) = parse(&v, None) else {
        return Err(invalid_url(&v, None));
    };
    with_url(this, |d| d.url = url)?;
    params::refresh(this);
    Ok(Value::Undefined)
}

/// `url.searchParams`: made on first use, the same object afterwards.
fn search_params(_: &mut dyn Agent, this: &Value, _: &[Value]) -> JsResult {
    let (existing, query) = with_url(this, |d| {
        (d.params.clone(), d.url.query().map(str::to_owned))
    })?;
    if let Some(p) = existing {
        return Ok(Value::Object(p));
    }
    let owner = this.as_object().map(Obj::downgrade);
    let p = params::for_url(query.as_deref().unwrap_or(""), owner);
    with_url(this, |d| d.params = Some(p.clone()))?;
    Ok(Value::Object(p))
}

/// The query and `searchParams` object of the `URL` `url`, if it is one.
fn query_of(url: &Obj) -> Option<(Option<String>, Option<Obj>)> {
    let data = url.borrow();
    let d = data.host::<UrlData>()?;
    Some((d.url.query().map(str::to_owned), d.params.clone()))
}

/// Sets the query of the `URL` `url` (`None`: no query).
fn set_query(url: &Obj, query: Option<&str>) {
    if let Some(d) = url.borrow_mut().host_mut::<UrlData>() {
        d.url.set_query(query);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn href_of(input: &str, base: Option<&str>) -> Option<String> {
        parse(input, base).map(|u| u.as_str().to_owned())
    }

    #[test]
    fn parses_and_resolves_like_node() {
        let base = Some("https://a.com/b/c/d?q=1#h");
        assert_eq!(href_of("../x", base).as_deref(), Some("https://a.com/b/x"));
        assert_eq!(
            href_of("", base).as_deref(),
            Some("https://a.com/b/c/d?q=1")
        );
        assert_eq!(
            href_of("//other.org/p", base).as_deref(),
            Some("https://other.org/p")
        );
        assert_eq!(href_of("x", Some("bad base")), None);
        assert_eq!(href_of("https://exa mple.com", None), None);
        let u = parse("http://[::FFFF:127.0.0.1]:81/", None);
        assert_eq!(u.as_ref().map(quirks::host), Some("[::ffff:7f00:1]:81"));
        let u = parse("https://mañana.com/", None);
        assert_eq!(u.as_ref().map(quirks::hostname), Some("xn--maana-pta.com"));
    }
}
