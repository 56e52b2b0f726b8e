//! `Response`: a status, status text, headers and a body; made by `new Response(body,
//! init)`, `Response.json`, `.redirect` and `.error` with undici's checks, or by `fetch`
//! from what the server sent ([`network_response`]).

use super::body::{body_used, body_value, clone_body, consume, extract, Body, Consume};
use super::headers::{self, append_checked, contains, fill, list_of, new_headers, Guard};
use super::request::parse_url;
use super::{byte_string, install_class};
use crate::js::conversions::{display, to_number};
use crate::js::native::{arg, define_methods, Method};
use crate::js::ops;
use crate::js::realm::Realm;
use crate::js::value::{Agent, Intrinsic, JsResult, Obj, Value};

/// The state of a `Response`.
struct ResponseData {
    status: u16,
    status_text: String,
    headers: Obj,
    body: Option<Body>,
    url: String,
    redirected: bool,
    /// `default`, `basic` (from `fetch`) or `error`.
    kind: &'static str,
    /// The URL and status text again, in an array, so the JS heap counts them.
    counted: Obj,
}

impl ResponseData {
    /// Counts the URL and status text as they are now.
    fn recount(mut self) -> ResponseData {
        let strings = vec![
            Value::from(self.url.as_str()),
            Value::from(self.status_text.as_str()),
        ];
        self.counted = Obj::array(strings);
        self
    }
}

/// What a server answered, as `fetch` resolves it.
pub struct NetworkResponse {
    /// The status code.
    pub status: u16,
    /// The reason phrase.
    pub status_text: String,
    /// The headers, lowercase names, Latin-1 values.
    pub headers: Vec<(String, String)>,
    /// The URL the response came from (after redirects).
    pub url: String,
    /// Did redirects lead to it?
    pub redirected: bool,
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
    ("type", |_, t, _| with(t, |r| Value::from(r.kind))),
    ("url", |_, t, _| with(t, |r| Value::from(r.url.as_str()))),
    ("redirected", |_, t, _| {
        with(t, |r| Value::Bool(r.redirected))
    }),
    ("status", |_, t, _| {
        with(t, |r| Value::Number(r.status as f64))
    }),
    ("ok", |_, t, _| {
        with(t, |r| Value::Bool((200..300).contains(&r.status)))
    }),
    ("statusText", |_, t, _| {
        with(t, |r| Value::from(r.status_text.as_str()))
    }),
    ("headers", |_, t, _| {
        with(t, |r| Value::Object(r.headers.clone()))
    }),
    ("body", |_, t, _| with(t, |r| body_value(r.body.as_ref()))),
    ("bodyUsed", |_, t, _| {
        with(t, |r| body_used(r.body.as_ref()))
    }),
];

const STATICS: &[Method] = &[("error", error), ("json", json), ("redirect", redirect)];

pub fn install(realm: &mut Realm) {
    let ctor = install_class(
        realm,
        Intrinsic::Response,
        "Response",
        "_Response",
        PROTO,
        GETTERS,
        make,
    );
    define_methods(&ctor, STATICS);
}

/// The `Response` `fetch` resolves with; `body` is the stream the host feeds (none for
/// `HEAD` and the statuses that have no body).
pub fn network_response(parts: NetworkResponse, body: Option<Obj>) -> Value {
    let data = ResponseData {
        status: parts.status,
        status_text: parts.status_text,
        headers: new_headers(parts.headers, Guard::Immutable),
        body: body.map(|stream| Body {
            stream,
            bytes: None,
        }),
        url: parts.url,
        redirected: parts.redirected,
        kind: "basic",
        counted: Obj::array(Vec::new()),
    };
    Value::Object(Obj::host(Intrinsic::Response, data.recount()))
}

fn with<R>(this: &Value, f: impl FnOnce(&ResponseData) -> R) -> JsResult<R> {
    let Some(o) = this.as_object() else {
        return Err(super::illegal_invocation());
    };
    let data = o.borrow();
    data.host::<ResponseData>()
        .map(f)
        .ok_or_else(super::illegal_invocation)
}

fn plain(status: u16, headers: Obj, body: Option<Body>) -> ResponseData {
    ResponseData {
        status,
        status_text: String::new(),
        headers,
        body,
        url: String::new(),
        redirected: false,
        kind: "default",
        counted: Obj::array(Vec::new()),
    }
}

/// Statuses whose responses have no body.
fn null_body(status: u16) -> bool {
    matches!(status, 101 | 103 | 204 | 205 | 304)
}

/// Is `s` a reason phrase (tabs, spaces, visible characters, obs-text)?
fn reason_phrase(s: &str) -> bool {
    s.chars().all(|c| {
        c == '\t' || c == ' ' || ('!'..='~').contains(&c) || ('\u{80}'..='\u{ff}').contains(&c)
    })
}

/// `new Response(body, init)`.
fn make(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    let init = arg(args, 1);
    let body = extract(agent, &arg(args, 0))?;
    let data = initialize(agent, &init, body)?;
    Ok(Value::Object(Obj::host(Intrinsic::Response, data)))
}

/// `initialize a response` from `init` and an extracted body.
fn initialize(
    agent: &mut dyn Agent,
    init: &Value,
    body: Option<(Body, Option<String>)>,
) -> JsResult<ResponseData> {
    if !matches!(init, Value::Undefined | Value::Null | Value::Object(_)) {
        let shown = display(agent.realm(), init);
        return ops::type_error(format!(
            "undefined: Expected {shown} to be one of: Null, Undefined, Object."
        ));
    }
    let get = |agent: &mut dyn Agent, key: &[u8]| match init {
        Value::Object(_) => ops::get(agent, init, key),
        _ => Ok(Value::Undefined),
    };
    let headers_init = get(agent, b"headers")?;
    let status = match get(agent, b"status")? {
        Value::Undefined => 200,
        v => unsigned_short(to_number(agent, &v)?),
    };
    let status_text = match get(agent, b"statusText")? {
        Value::Undefined => String::new(),
        v => byte_string(agent, &v)?,
    };
    if !(200..=599).contains(&status) {
        return ops::range_error("init[\"status\"] must be in the range of 200 to 599, inclusive.");
    }
    if !reason_phrase(&status_text) {
        return ops::type_error("Invalid statusText");
    }
    let headers = new_headers(Vec::new(), Guard::None);
    fill(agent, &headers, &headers_init)?;
    let mut r = plain(status, headers, None);
    r.status_text = status_text;
    let mut r = r.recount();
    if let Some((body, ty)) = body {
        if null_body(status) {
            return ops::type_error(format!(
                "Response constructor: Invalid response status code {status}"
            ));
        }
        if let Some(ty) = ty {
            if !contains(&r.headers, "content-type") {
                append_checked(&r.headers, "content-type", &ty);
            }
        }
        r.body = Some(body);
    }
    Ok(r)
}

/// Web IDL's `unsigned short`: integers modulo 2^16, NaN and infinities 0.
fn unsigned_short(n: f64) -> u16 {
    if !n.is_finite() {
        return 0;
    }
    n.trunc().rem_euclid(65536.0) as u16
}

/// `Response.error()`.
fn error(_: &mut dyn Agent, _: &Value, _: &[Value]) -> JsResult {
    let mut r = plain(0, new_headers(Vec::new(), Guard::Immutable), None);
    r.kind = "error";
    Ok(Value::Object(Obj::host(Intrinsic::Response, r)))
}

/// `Response.json(data, init)`.
fn json(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    let global = Value::Object(agent.realm().global.clone());
    let json = ops::get(agent, &global, b"JSON")?;
    let stringify = ops::get(agent, &json, b"stringify")?;
    let text = match ops::call(agent, &stringify, &json, &[arg(args, 0)])? {
        Value::String(s) => s,
        _ => return ops::type_error("Value is not JSON serializable"),
    };
    let body = Body::of_bytes(agent, text.to_str_lossy().into_owned().into_bytes());
    let r = initialize(
        agent,
        &arg(args, 1),
        Some((body, Some("application/json".into()))),
    )?;
    Ok(Value::Object(Obj::host(Intrinsic::Response, r)))
}

/// `Response.redirect(url, status)`.
fn redirect(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    let text = crate::js::conversions::to_string(agent, &arg(args, 0))?;
    let url = parse_url(&text.to_str_lossy())?;
    let status = match arg(args, 1) {
        Value::Undefined => 302,
        v => unsigned_short(to_number(agent, &v)?),
    };
    if ![301, 302, 303, 307, 308].contains(&status) {
        return ops::range_error(format!("Invalid status code {status}"));
    }
    let list = vec![("location".to_string(), url.to_string())];
    let r = plain(status, new_headers(list, Guard::Immutable), None);
    Ok(Value::Object(Obj::host(Intrinsic::Response, r)))
}

fn clone(agent: &mut dyn Agent, this: &Value, _: &[Value]) -> JsResult {
    let (copy, body, list, guard) = with(this, |r| {
        let guard = r
            .headers
            .borrow()
            .host::<headers::HeadersData>()
            .map_or(Guard::None, |h| h.guard);
        let copy = ResponseData {
            status: r.status,
            status_text: r.status_text.clone(),
            headers: r.headers.clone(),
            body: None,
            url: r.url.clone(),
            redirected: r.redirected,
            kind: r.kind,
            counted: Obj::array(Vec::new()),
        };
        (copy, r.body.clone(), list_of(&r.headers), guard)
    })?;
    let body = clone_body(agent, body.as_ref(), "Response")?;
    let data = ResponseData {
        headers: new_headers(list, guard),
        body,
        ..copy
    };
    Ok(Value::Object(Obj::host(
        Intrinsic::Response,
        data.recount(),
    )))
}

/// The body readers (`None`: a blob of the response's content type).
fn read(agent: &mut dyn Agent, this: &Value, how: Option<Consume>) -> JsResult {
    let (body, list) = with(this, |r| (r.body.clone(), list_of(&r.headers)))?;
    let how = how.unwrap_or_else(|| {
        Consume::Blob(headers::combined(&list, "content-type").unwrap_or_default())
    });
    consume(agent, body.as_ref(), how)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_wrap_as_unsigned_shorts() {
        assert_eq!(unsigned_short(200.9), 200);
        assert_eq!(unsigned_short(65536.0 + 201.0), 201);
        assert_eq!(unsigned_short(-1.0), 65535);
        assert_eq!(unsigned_short(f64::NAN), 0);
    }

    #[test]
    fn reason_phrases_exclude_line_breaks() {
        assert!(reason_phrase("Not Found"));
        assert!(reason_phrase("caf\u{e9}"));
        assert!(!reason_phrase("a\nb"));
    }
}
