//! `Blob`: immutable bytes with a media type, made from strings, buffers, views and other
//! blobs; read back (as Promises) with `text()`, `arrayBuffer()`, `bytes()` or `stream()`.
//! The bytes live in an `ArrayBuffer` the guest cannot reach, so the JS heap counts them.

use super::install_class;
use crate::js::builtins::array_buffer::{buffer_of, source_bytes};
use crate::js::builtins::promise;
use crate::js::builtins::text::{invalid_this, node_error, received};
use crate::js::conversions::{iterate, to_string};
use crate::js::native::{arg, relative, Method};
use crate::js::ops::{self, Key};
use crate::js::realm::Realm;
use crate::js::value::{
    buffer_object, Agent, Buffer, ErrorType, Intrinsic, JsResult, Obj, Throw, Value,
};

/// The state of a `Blob`: a byte range of storage it shares with its slices.
pub struct BlobData {
    /// The storage, as an `ArrayBuffer` object only this blob (and its slices) hold.
    holder: Obj,
    start: usize,
    len: usize,
    /// The media type, lowercase (or empty).
    pub ty: String,
}

impl BlobData {
    /// A copy of the bytes.
    pub fn bytes(&self) -> Vec<u8> {
        let Some(buffer) = buffer_of(&Value::Object(self.holder.clone())) else {
            return Vec::new();
        };
        let bytes = buffer.bytes();
        let end = (self.start + self.len).min(bytes.len());
        bytes[self.start.min(end)..end].to_vec()
    }
}

const PROTO: &[Method] = &[
    ("slice", slice),
    ("arrayBuffer", |a, t, _| read(a, t, Read::ArrayBuffer)),
    ("text", |a, t, _| read(a, t, Read::Text)),
    ("bytes", |a, t, _| read(a, t, Read::Bytes)),
    ("stream", stream),
];

const GETTERS: &[Method] = &[
    ("type", |_, t, _| {
        with_blob(t, |b| Value::from(b.ty.as_str()))
    }),
    ("size", |_, t, _| {
        with_blob(t, |b| Value::Number(b.len as f64))
    }),
];

pub fn install(realm: &mut Realm) {
    install_class(realm, Intrinsic::Blob, "Blob", "Blob", PROTO, GETTERS, make);
}

/// A new `Blob` holding `bytes`, of media type `ty` (lowercase).
pub fn new_blob(bytes: Vec<u8>, ty: String) -> Obj {
    let len = bytes.len();
    let holder = buffer_object(&Buffer::new(bytes));
    Obj::host(
        Intrinsic::Blob,
        BlobData {
            holder,
            start: 0,
            len,
            ty,
        },
    )
}

/// The bytes and media type of `v`, if it is a `Blob`.
pub fn blob_parts(v: &Value) -> Option<(Vec<u8>, String)> {
    let o = v.as_object()?;
    let data = o.borrow();
    let b = data.host::<BlobData>()?;
    Some((b.bytes(), b.ty.clone()))
}

fn with_blob<R>(this: &Value, f: impl FnOnce(&BlobData) -> R) -> JsResult<R> {
    let Some(o) = this.as_object() else {
        return Err(invalid_this("Blob"));
    };
    let data = o.borrow();
    match data.host::<BlobData>() {
        Some(b) => Ok(f(b)),
        None => Err(invalid_this("Blob")),
    }
}

/// A media type as a blob keeps it: lowercase, or empty if any character is outside
/// printable ASCII.
pub fn media_type(s: &str) -> String {
    if s.chars().all(|c| (' '..='~').contains(&c)) {
        s.to_ascii_lowercase()
    } else {
        String::new()
    }
}

fn invalid_arg_type(what: &str, expected: &str, v: &Value) -> Throw {
    node_error(
        ErrorType::TypeError,
        "ERR_INVALID_ARG_TYPE",
        &format!(
            "The \"{what}\" argument must be {expected}. {}",
            received(v)
        ),
    )
}

/// `new Blob(sources, options)`.
fn make(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    let sources = arg(args, 0);
    let options = arg(args, 1);
    let (ty, native) = options_of(agent, &options)?;
    let mut bytes = Vec::new();
    match &sources {
        Value::Undefined => {}
        Value::Object(_) => {
            let iterator_sym = agent.realm().symbols.iterator.clone();
            if !ops::get_v(agent, &sources, Key::Sym(&iterator_sym))?.is_function() {
                return Err(invalid_arg_type("sources", "a sequence", &sources));
            }
            for part in iterate(agent, &sources)? {
                append_part(agent, &part, native, &mut bytes)?;
            }
        }
        v => return Err(invalid_arg_type("sources", "a sequence", v)),
    }
    crate::js::heap::reserve(bytes.len())?;
    Ok(Value::Object(new_blob(bytes, ty)))
}

/// The `type` and whether `endings` is `"native"`.
fn options_of(agent: &mut dyn Agent, options: &Value) -> JsResult<(String, bool)> {
    match options {
        Value::Undefined | Value::Null => return Ok((String::new(), false)),
        Value::Object(_) => {}
        v => return Err(invalid_arg_type("options", "a dictionary", v)),
    }
    let native = match ops::get(agent, options, b"endings")? {
        Value::Undefined => false,
        v => match to_string(agent, &v)?.as_str() {
            Some("transparent") => false,
            Some("native") => true,
            _ => {
                let shown = match &v {
                    Value::String(s) => format!("'{s}'"),
                    v => crate::js::conversions::display(agent.realm(), v),
                };
                return Err(node_error(
                    ErrorType::TypeError,
                    "ERR_INVALID_ARG_VALUE",
                    &format!("The property 'options.endings' is invalid. Received {shown}"),
                ));
            }
        },
    };
    let ty = match ops::get(agent, options, b"type")? {
        Value::Undefined => String::new(),
        v => media_type(&to_string(agent, &v)?.to_str_lossy()),
    };
    Ok((ty, native))
}

/// Appends the bytes of one source: a buffer or view, a blob, or a string as UTF-8.
fn append_part(
    agent: &mut dyn Agent,
    part: &Value,
    native: bool,
    out: &mut Vec<u8>,
) -> JsResult<()> {
    if let Some(b) = source_bytes(part) {
        out.extend_from_slice(&b);
    } else if let Some((b, _)) = blob_parts(part) {
        out.extend_from_slice(&b);
    } else {
        let s = to_string(agent, part)?;
        let s = s.to_str_lossy();
        if native {
            // Node's conversion: `\r?\n` to the platform's `\n` (a lone `\r` stays).
            out.extend_from_slice(s.replace("\r\n", "\n").as_bytes());
        } else {
            out.extend_from_slice(s.as_bytes());
        }
    }
    if out.len() > crate::js::builtins::array_buffer::MAX_BYTES {
        return ops::range_error("Array buffer allocation failed");
    }
    Ok(())
}

/// `blob.slice(start, end, contentType)`: a blob sharing the bytes.
fn slice(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let (holder, start, len) = with_blob(this, |b| (b.holder.clone(), b.start, b.len))?;
    let from = relative_arg(agent, &arg(args, 0), len, 0)?;
    let to = relative_arg(agent, &arg(args, 1), len, len)?;
    let ty = match arg(args, 2) {
        Value::Undefined => String::new(),
        v => media_type(&to_string(agent, &v)?.to_str_lossy()),
    };
    Ok(Value::Object(Obj::host(
        Intrinsic::Blob,
        BlobData {
            holder,
            start: start + from,
            len: to.saturating_sub(from),
            ty,
        },
    )))
}

fn relative_arg(agent: &mut dyn Agent, v: &Value, len: usize, default: usize) -> JsResult<usize> {
    let n = match v {
        Value::Undefined => return Ok(default),
        v => crate::js::conversions::to_integer(agent, v)?,
    };
    Ok(relative(&Value::Number(n), len, default))
}

/// What a read gives.
#[derive(Clone, Copy)]
pub enum Read {
    /// An `ArrayBuffer`.
    ArrayBuffer,
    /// A string (UTF-8, invalid sequences replaced, a leading BOM dropped).
    Text,
    /// A `Uint8Array`.
    Bytes,
}

/// The value a read of `bytes` gives.
pub fn read_value(bytes: Vec<u8>, how: Read) -> Value {
    match how {
        Read::ArrayBuffer => Value::Object(buffer_object(&Buffer::new(bytes))),
        Read::Bytes => Value::Object(Obj::bytes(bytes)),
        Read::Text => Value::from(utf8_text(&bytes)),
    }
}

/// Bytes as UTF-8 text as `TextDecoder` gives it: invalid sequences replaced, a BOM
/// dropped.
pub fn utf8_text(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    String::from_utf8_lossy(bytes).into_owned()
}

/// `arrayBuffer()`, `text()`, `bytes()`: a promise of the contents (rejected for a receiver
/// that is not a blob, as in Node).
fn read(agent: &mut dyn Agent, this: &Value, how: Read) -> JsResult {
    let cap = promise::capability();
    match with_blob(this, BlobData::bytes) {
        Ok(bytes) => {
            let v = read_value(bytes, how);
            cap.resolve(agent, v)?;
        }
        Err(Throw::Value(e)) => cap.reject(agent, e)?,
        Err(abort) => return Err(abort),
    }
    Ok(cap.promise)
}

/// `blob.stream()`: a stream of the bytes.
fn stream(agent: &mut dyn Agent, this: &Value, _: &[Value]) -> JsResult {
    let bytes = with_blob(this, BlobData::bytes)?;
    Ok(Value::Object(super::stream::from_bytes(agent, bytes)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_types_are_lowercase_printable_ascii_or_nothing() {
        assert_eq!(
            media_type("Text/PLAIN;charset=UTF-8"),
            "text/plain;charset=utf-8"
        );
        assert_eq!(media_type("a\u{19}b"), "");
        assert_eq!(media_type("caf\u{e9}"), "");
    }

    #[test]
    fn text_drops_a_bom_and_replaces_bad_bytes() {
        assert_eq!(utf8_text(b"\xEF\xBB\xBFhi"), "hi");
        assert_eq!(utf8_text(b"a\xFFb"), "a\u{FFFD}b");
    }

    #[test]
    fn slices_share_the_bytes() {
        let b = new_blob(b"hello".to_vec(), String::new());
        let d = b.borrow();
        let data = d.host::<BlobData>().unwrap();
        assert_eq!(data.bytes(), b"hello");
    }
}
