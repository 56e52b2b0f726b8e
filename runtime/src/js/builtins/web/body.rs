//! What requests and responses share: a body made from a `BodyInit` (string, buffer or view,
//! `Blob`, `URLSearchParams`, stream) with the content type it implies, read once whole as
//! text, JSON, bytes or a blob, and cloned by teeing its stream.

use super::blob::{blob_parts, media_type, new_blob, read_value, utf8_text, Read};
use super::stream::{collect, from_bytes, is_stream, is_unusable, tee};
use crate::js::builtins::array_buffer::{buffer_of, source_bytes};
use crate::js::builtins::json_parse::parse_text;
use crate::js::builtins::promise;
use crate::js::conversions::to_string;
use crate::js::ops;
use crate::js::value::{
    attrs, buffer_object, Agent, Buffer, Class, ErrorType, Intrinsic, JsResult, Obj, Throw, Value,
};

/// A body: its stream, and its bytes when they were known when it was made (what `fetch`
/// sends).
#[derive(Clone)]
pub struct Body {
    /// The `ReadableStream` the body is.
    pub stream: Obj,
    /// The bytes, if known up front: an `ArrayBuffer` only the body holds (an object, so
    /// the JS heap counts it).
    pub bytes: Option<Obj>,
}

impl Body {
    /// A body of known bytes.
    pub fn of_bytes(agent: &mut dyn Agent, bytes: Vec<u8>) -> Body {
        let holder = buffer_object(&Buffer::new(bytes.clone()));
        Body {
            stream: from_bytes(agent, bytes),
            bytes: Some(holder),
        }
    }

    /// The bytes, if they were known when the body was made.
    pub fn known_bytes(&self) -> Option<Vec<u8>> {
        let holder = Value::Object(self.bytes.clone()?);
        buffer_of(&holder).map(|b| b.bytes().clone())
    }

    /// Has it been read, or is it being read?
    pub fn unusable(&self) -> bool {
        is_unusable(&self.stream)
    }

    /// A copy that reads the same bytes: a branch of the stream.
    pub fn tee(&self, agent: &mut dyn Agent) -> JsResult<Body> {
        Ok(Body {
            stream: tee(agent, &self.stream)?,
            bytes: self.bytes.clone(),
        })
    }
}

/// `extract a body`: the body of `v` and the content type it implies (`None` for null and
/// undefined).
pub fn extract(agent: &mut dyn Agent, v: &Value) -> JsResult<Option<(Body, Option<String>)>> {
    if matches!(v, Value::Undefined | Value::Null) {
        return Ok(None);
    }
    if let Some(bytes) = source_bytes(v) {
        return Ok(Some((Body::of_bytes(agent, bytes), None)));
    }
    if let Some((bytes, ty)) = blob_parts(v) {
        let ty = (!ty.is_empty()).then_some(ty);
        return Ok(Some((Body::of_bytes(agent, bytes), ty)));
    }
    if is_stream(v) {
        let Some(stream) = v.as_object().cloned() else {
            return Ok(None);
        };
        if is_unusable(&stream) {
            return ops::type_error("Response body object should not be disturbed or locked");
        }
        return Ok(Some((
            Body {
                stream,
                bytes: None,
            },
            None,
        )));
    }
    let form = v
        .as_object()
        .is_some_and(|o| o.borrow().class == Class::Other(Intrinsic::UrlSearchParams));
    let text = to_string(agent, v)?;
    let ty = if form {
        "application/x-www-form-urlencoded;charset=UTF-8"
    } else {
        "text/plain;charset=UTF-8"
    };
    let bytes = text.to_str_lossy().into_owned().into_bytes();
    Ok(Some((Body::of_bytes(agent, bytes), Some(ty.into()))))
}

/// What a whole-body read gives.
#[derive(Clone)]
pub enum Consume {
    /// A string.
    Text,
    /// `JSON.parse` of the text.
    Json,
    /// An `ArrayBuffer`.
    ArrayBuffer,
    /// A `Uint8Array`.
    Bytes,
    /// A `Blob` of this content type.
    Blob(String),
}

/// The value a read of `bytes` gives, or the reason it fails (bad JSON).
fn convert(bytes: Vec<u8>, how: &Consume) -> Result<Value, Value> {
    Ok(match how {
        Consume::Text => read_value(bytes, Read::Text),
        Consume::ArrayBuffer => read_value(bytes, Read::ArrayBuffer),
        Consume::Bytes => read_value(bytes, Read::Bytes),
        Consume::Blob(ty) => Value::Object(new_blob(bytes, media_type(ty))),
        Consume::Json => {
            let units: Vec<u16> = utf8_text(&bytes).encode_utf16().collect();
            return parse_text(&units).map_err(|message| {
                let e = Obj::error(ErrorType::SyntaxError, "");
                e.define("message", Value::String(message), attrs::HIDDEN);
                Value::Object(e)
            });
        }
    })
}

/// Reads `body` whole (none is empty): a promise of what `how` asks for, rejected if the
/// body was read already.
pub fn consume(agent: &mut dyn Agent, body: Option<&Body>, how: Consume) -> JsResult {
    let cap = promise::capability();
    let Some(body) = body else {
        match convert(Vec::new(), &how) {
            Ok(v) => cap.resolve(agent, v)?,
            Err(e) => cap.reject(agent, e)?,
        }
        return Ok(cap.promise);
    };
    if body.unusable() {
        let e = Obj::error(
            ErrorType::TypeError,
            "Body is unusable: Body has already been read",
        );
        cap.reject(agent, Value::Object(e))?;
        return Ok(cap.promise);
    }
    let promise = cap.promise.clone();
    let finish = Box::new(
        move |agent: &mut dyn Agent, outcome: Result<Vec<u8>, Value>| match outcome
            .and_then(|bytes| convert(bytes, &how))
        {
            Ok(v) => cap.resolve(agent, v),
            Err(e) => cap.reject(agent, e),
        },
    );
    collect(agent, &body.stream, finish)?;
    Ok(promise)
}

/// The `body` getter: the stream, or null.
pub fn body_value(body: Option<&Body>) -> Value {
    body.map_or(Value::Null, |b| Value::Object(b.stream.clone()))
}

/// The `bodyUsed` getter.
pub fn body_used(body: Option<&Body>) -> Value {
    Value::Bool(body.is_some_and(|b| super::stream::is_disturbed(&b.stream)))
}

/// The `clone()` check: a body read or being read cannot be cloned.
pub fn clone_body(
    agent: &mut dyn Agent,
    body: Option<&Body>,
    what: &str,
) -> JsResult<Option<Body>> {
    match body {
        // undici's words differ between the two.
        Some(b) if b.unusable() => {
            let message = match what {
                "Request" => "unusable".to_string(),
                _ => format!("{what}.clone: Body has already been consumed."),
            };
            Err(Throw::Value(Value::Object(Obj::error(
                ErrorType::TypeError,
                &message,
            ))))
        }
        Some(b) => Ok(Some(b.tee(agent)?)),
        None => Ok(None),
    }
}
