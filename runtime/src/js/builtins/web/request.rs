//! `Request`: a URL, a method, headers, a body, a signal and a redirect mode, made from a
//! URL or another request and an init dictionary with undici's checks and messages. `fetch`
//! builds one the same way ([`fetch_request`]).

use super::abort::{follow, is_signal, new_signal};
use super::body::{body_used, body_value, clone_body, consume, extract, Body, Consume};
use super::headers::{self, append_checked, contains, fill, list_of, new_headers, Guard};
use super::{
    byte_string, define_getters, install_class, is_token, require_args, type_error_with_cause,
};
use crate::js::builtins::text::node_error;
use crate::js::conversions::{display, to_string};
use crate::js::native::{arg, Method};
use crate::js::ops;
use crate::js::realm::Realm;
use crate::js::value::{Agent, Builtin, ErrorType, Intrinsic, JsResult, Obj, Throw, Value};

/// What a request does with a redirect response.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Redirect {
    /// Follows it (the default).
    Follow,
    /// Returns it.
    Manual,
    /// Fails.
    Error,
}

impl Redirect {
    fn name(self) -> &'static str {
        match self {
            Redirect::Follow => "follow",
            Redirect::Manual => "manual",
            Redirect::Error => "error",
        }
    }
}

/// The state of a `Request`.
struct RequestData {
    url: String,
    method: String,
    headers: Obj,
    body: Option<Body>,
    signal: Obj,
    redirect: Redirect,
    /// The URL and method again, in an array, so the JS heap counts them.
    counted: Obj,
}

impl RequestData {
    /// Counts the URL and method as they are now.
    fn recount(mut self) -> RequestData {
        let strings = vec![
            Value::from(self.url.as_str()),
            Value::from(self.method.as_str()),
        ];
        self.counted = Obj::array(strings);
        self
    }
}

/// A request as `fetch` sends it.
pub struct FetchRequest {
    /// The URL, parsed.
    pub url: url::Url,
    /// The method (normalised).
    pub method: String,
    /// The headers, lowercase names, in the order added.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Option<Vec<u8>>,
    /// The redirect mode.
    pub redirect: Redirect,
    /// The signal that aborts it.
    pub signal: Obj,
}

const PROTO: &[Method] = &[
    ("clone", clone),
    ("blob", |a, t, _| read(a, t, None)),
    ("arrayBuffer", |a, t, _| {
        read(a, t, Some(Consume::ArrayBuffer))
    }),
    ("text", |a, t, _| read(a, t, Some(Consume::Text))),
    ("json", |a, t, _| read(a, t, Some(Consume::Json))),
    ("bytes", |a, t, _| read(a, t, Some(Consume::Bytes))),
];

const GETTERS: &[Method] = &[
    ("method", |_, t, _| {
        with(t, |r| Value::from(r.method.as_str()))
    }),
    ("url", |_, t, _| with(t, |r| Value::from(r.url.as_str()))),
    ("headers", |_, t, _| {
        with(t, |r| Value::Object(r.headers.clone()))
    }),
    ("redirect", |_, t, _| {
        with(t, |r| Value::from(r.redirect.name()))
    }),
    ("signal", |_, t, _| {
        with(t, |r| Value::Object(r.signal.clone()))
    }),
    ("body", |_, t, _| with(t, |r| body_value(r.body.as_ref()))),
    ("bodyUsed", |_, t, _| {
        with(t, |r| body_used(r.body.as_ref()))
    }),
];

/// The attributes that never change here (no browser context, no cache).
const FIXED: &[(&str, Builtin)] = &[
    ("destination", |_, t, _| with(t, |_| Value::from(""))),
    ("referrer", |_, t, _| {
        with(t, |_| Value::from("about:client"))
    }),
    ("referrerPolicy", |_, t, _| with(t, |_| Value::from(""))),
    ("mode", |_, t, _| with(t, |_| Value::from("cors"))),
    ("credentials", |_, t, _| {
        with(t, |_| Value::from("same-origin"))
    }),
    ("cache", |_, t, _| with(t, |_| Value::from("default"))),
    ("integrity", |_, t, _| with(t, |_| Value::from(""))),
    ("keepalive", |_, t, _| with(t, |_| Value::Bool(false))),
    ("isReloadNavigation", |_, t, _| {
        with(t, |_| Value::Bool(false))
    }),
    ("isHistoryNavigation", |_, t, _| {
        with(t, |_| Value::Bool(false))
    }),
    ("duplex", |_, t, _| with(t, |_| Value::from("half"))),
];

pub fn install(realm: &mut Realm) {
    install_class(
        realm,
        Intrinsic::Request,
        "Request",
        "_Request",
        PROTO,
        GETTERS,
        make,
    );
    let proto = realm.proto(crate::js::value::Class::Other(Intrinsic::Request));
    define_getters(&proto, FIXED);
}

fn with<R>(this: &Value, f: impl FnOnce(&RequestData) -> R) -> JsResult<R> {
    let Some(o) = this.as_object() else {
        return Err(super::illegal_invocation());
    };
    let data = o.borrow();
    data.host::<RequestData>()
        .map(f)
        .ok_or_else(super::illegal_invocation)
}

fn make(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    require_args(args, 1, "Request constructor")?;
    let data = build(agent, &args[0], &arg(args, 1))?;
    Ok(Value::Object(Obj::host(Intrinsic::Request, data)))
}

/// `fetch(input, init)`'s request, its body taken (the request's is used up).
pub fn fetch_request(agent: &mut dyn Agent, input: &Value, init: &Value) -> JsResult<FetchRequest> {
    let data = build(agent, input, init)?;
    let body = match &data.body {
        None => None,
        Some(b) => match b.known_bytes() {
            Some(bytes) => {
                super::stream::disturb(&b.stream);
                Some(bytes)
            }
            None => return ops::type_error("fetch: a streamed request body cannot be sent"),
        },
    };
    let url = parse_url(&data.url)?;
    Ok(FetchRequest {
        url,
        method: data.method,
        headers: list_of(&data.headers),
        body,
        redirect: data.redirect,
        signal: data.signal,
    })
}

/// Parses an absolute URL, with undici's error (whose cause is `ERR_INVALID_URL`).
pub fn parse_url(input: &str) -> JsResult<url::Url> {
    url::Url::parse(input).map_err(|_| {
        let cause = match node_error(ErrorType::TypeError, "ERR_INVALID_URL", "Invalid URL") {
            Throw::Value(v) => v,
            other => return other,
        };
        if let Value::Object(o) = &cause {
            o.set("input", Value::from(input));
        }
        Throw::Value(type_error_with_cause(
            &format!("Failed to parse URL from {input}"),
            cause,
        ))
    })
}

/// What `input` gives before the init dictionary: a request's fields, or a URL's.
fn from_input(agent: &mut dyn Agent, input: &Value) -> JsResult<RequestData> {
    let copied = input.as_object().and_then(|o| {
        let data = o.borrow();
        data.host::<RequestData>().map(|r| {
            let headers = new_headers(list_of(&r.headers), Guard::None);
            (
                r.url.clone(),
                r.method.clone(),
                headers,
                r.body.clone(),
                r.signal.clone(),
                r.redirect,
            )
        })
    });
    if let Some((url, method, headers, body, parent, redirect)) = copied {
        let signal = follow(&[parent]);
        return Ok(RequestData {
            url,
            method,
            headers,
            body,
            signal,
            redirect,
            counted: Obj::array(Vec::new()),
        });
    }
    let text = to_string(agent, input)?.to_str_lossy().into_owned();
    let url = parse_url(&text)?;
    if !url.username().is_empty() || url.password().is_some() {
        return ops::type_error(format!(
            "Request cannot be constructed from a URL that includes credentials: {text}"
        ));
    }
    Ok(RequestData {
        url: url.into(),
        method: "GET".into(),
        headers: new_headers(Vec::new(), Guard::None),
        body: None,
        signal: new_signal(),
        redirect: Redirect::Follow,
        counted: Obj::array(Vec::new()),
    })
}

/// `new Request(input, init)`.
fn build(agent: &mut dyn Agent, input: &Value, init: &Value) -> JsResult<RequestData> {
    let mut r = from_input(agent, input)?;
    let get = |agent: &mut dyn Agent, key: &[u8]| match init {
        Value::Object(_) => ops::get(agent, init, key),
        _ => Ok(Value::Undefined),
    };
    if !matches!(init, Value::Undefined | Value::Null | Value::Object(_)) {
        let shown = display(agent.realm(), init);
        return ops::type_error(format!(
            "Request constructor: Expected {shown} to be one of: Null, Undefined, Object."
        ));
    }
    let body_init = get(agent, b"body")?;
    let duplex = get(agent, b"duplex")?;
    let headers_init = get(agent, b"headers")?;
    match get(agent, b"method")? {
        Value::Undefined => {}
        v => r.method = method(agent, &v)?,
    }
    match get(agent, b"redirect")? {
        Value::Undefined => {}
        v => r.redirect = redirect(agent, &v)?,
    }
    match get(agent, b"signal")? {
        Value::Undefined => {}
        Value::Null => r.signal = new_signal(),
        v if is_signal(&v) => {
            if let Value::Object(parent) = v {
                r.signal = follow(&[parent]);
            }
        }
        _ => {
            return ops::type_error(
                "Failed to construct 'Request': member signal is not of type AbortSignal.",
            )
        }
    }
    if !matches!(headers_init, Value::Undefined) {
        r.headers = new_headers(Vec::new(), Guard::None);
        fill(agent, &r.headers, &headers_init)?;
    }
    set_body(agent, &mut r, input, &body_init, &duplex)?;
    Ok(r.recount())
}

/// The body from `init.body`, or the one `input` (a request) hands over.
fn set_body(
    agent: &mut dyn Agent,
    r: &mut RequestData,
    input: &Value,
    body_init: &Value,
    duplex: &Value,
) -> JsResult<()> {
    let given = !matches!(body_init, Value::Undefined | Value::Null);
    if (given || r.body.is_some()) && (r.method == "GET" || r.method == "HEAD") {
        return ops::type_error("Request with GET/HEAD method cannot have body.");
    }
    if !given {
        if let Some(b) = &r.body {
            if b.unusable() {
                return ops::type_error(
                    "Cannot construct a Request with a Request object that has already been used.",
                );
            }
            if input.as_object().is_some() {
                super::stream::disturb(&b.stream);
                r.body = Some(b.tee(agent)?);
            }
        }
        return Ok(());
    }
    let Some((body, ty)) = extract(agent, body_init)? else {
        return Ok(());
    };
    if body.bytes.is_none() && !matches!(duplex, Value::String(s) if s.as_str() == Some("half")) {
        return ops::type_error("RequestInit: duplex option is required when sending a body.");
    }
    if let Some(ty) = ty {
        if !contains(&r.headers, "content-type") {
            append_checked(&r.headers, "content-type", &ty);
        }
    }
    r.body = Some(body);
    Ok(())
}

/// A method as a request keeps it: checked, the standard ones uppercase.
fn method(agent: &mut dyn Agent, v: &Value) -> JsResult<String> {
    let m = byte_string(agent, v)?;
    if !is_token(&m) {
        return ops::type_error(format!("'{m}' is not a valid HTTP method."));
    }
    let upper = m.to_ascii_uppercase();
    if ["CONNECT", "TRACE", "TRACK"].contains(&upper.as_str()) {
        return ops::type_error(format!("'{m}' HTTP method is unsupported."));
    }
    let standard = ["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"];
    Ok(if standard.contains(&upper.as_str()) {
        upper
    } else {
        m
    })
}

fn redirect(agent: &mut dyn Agent, v: &Value) -> JsResult<Redirect> {
    let s = to_string(agent, v)?.to_str_lossy().into_owned();
    match s.as_str() {
        "follow" => Ok(Redirect::Follow),
        "manual" => Ok(Redirect::Manual),
        "error" => Ok(Redirect::Error),
        _ => ops::type_error(format!(
            "Request constructor: {s} is not an accepted type. Expected one of follow, manual, error."
        )),
    }
}

fn clone(agent: &mut dyn Agent, this: &Value, _: &[Value]) -> JsResult {
    let (url, method, list, body, parent, redirect) = with(this, |r| {
        (
            r.url.clone(),
            r.method.clone(),
            list_of(&r.headers),
            r.body.clone(),
            r.signal.clone(),
            r.redirect,
        )
    })?;
    let body = clone_body(agent, body.as_ref(), "Request")?;
    let data = RequestData {
        url,
        method,
        headers: new_headers(list, Guard::None),
        body,
        signal: follow(&[parent]),
        redirect,
        counted: Obj::array(Vec::new()),
    };
    Ok(Value::Object(Obj::host(Intrinsic::Request, data.recount())))
}

/// The body readers (`None`: a blob of the request's content type).
fn read(agent: &mut dyn Agent, this: &Value, how: Option<Consume>) -> JsResult {
    let (body, list) = with(this, |r| (r.body.clone(), list_of(&r.headers)))?;
    let how = how.unwrap_or_else(|| {
        Consume::Blob(headers::combined(&list, "content-type").unwrap_or_default())
    });
    consume(agent, body.as_ref(), how)
}
