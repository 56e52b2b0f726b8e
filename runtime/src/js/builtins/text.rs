//! `TextEncoder` and `TextDecoder` (UTF-8, UTF-16LE/BE and Node's Latin-1 "windows-1252"),
//! with Node's errors, which carry a `code` property ([`node_error`]).

mod decode;

use super::array_buffer::source_bytes;
use crate::js::conversions::to_string;
use crate::js::native::{arg, builtin, constructor, define_methods, Method};
use crate::js::ops;
use crate::js::realm::Realm;
use crate::js::string::JsStr;
use crate::js::typed::TypedKind;
use crate::js::value::{
    attrs, Agent, Builtin, Callable, Class, ErrorType, Intrinsic, JsResult, Obj, Throw, Value,
};
use decode::{Decoder, Encoding};

/// An error as Node's internals make them: a native error with an enumerable `code`.
pub fn node_error(ty: ErrorType, code: &str, message: &str) -> Throw {
    let e = Obj::error(ty, message);
    e.set("code", Value::from(code));
    Throw::Value(Value::Object(e))
}

/// How Node describes a received value in `ERR_INVALID_ARG_TYPE` messages.
pub fn received(v: &Value) -> String {
    match v {
        Value::Undefined => "Received undefined".into(),
        Value::Null => "Received null".into(),
        Value::Object(o) if o.is_function() => "Received function".into(),
        Value::Object(o) => match o.typed_array() {
            Some(t) => format!("Received an instance of {}", t.kind.name()),
            None if o.is_array() => "Received an instance of Array".into(),
            None => "Received an instance of Object".into(),
        },
        Value::String(s) => format!("Received type string ('{s}')"),
        Value::Symbol(_) => "Received type symbol".into(),
        v => format!(
            "Received type {} ({})",
            v.type_of(),
            v.primitive_string().unwrap_or_default()
        ),
    }
}

/// A `TextEncoder` (it has no state).
struct Encoder;

const ENCODER_PROTO: &[Method] = &[("encode", encode), ("encodeInto", encode_into)];

const DECODER_PROTO: &[Method] = &[("decode", decode)];

pub fn install(realm: &mut Realm) {
    install_class(realm, Intrinsic::TextEncoder, ENCODER_PROTO, make_encoder);
    let proto = realm.proto(Class::Other(Intrinsic::TextEncoder));
    proto.define_accessor(
        "encoding",
        builtin(|_, t, _| this_encoder(t).map(|_| Value::from("utf-8"))),
        Value::Undefined,
        attrs::CONFIGURABLE | attrs::ENUMERABLE,
    );
    install_class(realm, Intrinsic::TextDecoder, DECODER_PROTO, make_decoder);
    let proto = realm.proto(Class::Other(Intrinsic::TextDecoder));
    let getters: [(&str, Builtin); 3] = [
        ("encoding", |_, t, _| {
            with_decoder(t, |d| Value::from(d.encoding.name()))
        }),
        ("fatal", |_, t, _| with_decoder(t, |d| Value::Bool(d.fatal))),
        ("ignoreBOM", |_, t, _| {
            with_decoder(t, |d| Value::Bool(d.ignore_bom))
        }),
    ];
    for (name, f) in getters {
        proto.define_accessor(
            name,
            builtin(f),
            Value::Undefined,
            attrs::CONFIGURABLE | attrs::ENUMERABLE,
        );
    }
}

fn install_class(realm: &mut Realm, class: Intrinsic, table: &[Method], make: Builtin) {
    let name = match class {
        Intrinsic::TextEncoder => "TextEncoder",
        _ => "TextDecoder",
    };
    let proto = realm.proto(Class::Other(class));
    define_methods(&proto, table);
    let tag = realm.symbols.to_string_tag.clone();
    proto.define_symbol(&tag, Value::from(name), attrs::CONFIGURABLE);
    let requires_new: Builtin = match class {
        Intrinsic::TextEncoder => |_, _, _| {
            ops::type_error("Class constructor TextEncoder cannot be invoked without 'new'")
        },
        _ => |_, _, _| {
            ops::type_error("Class constructor TextDecoder cannot be invoked without 'new'")
        },
    };
    let ctor = constructor(
        realm,
        name,
        Callable::Builtin(requires_new),
        Callable::Builtin(make),
        &proto,
    );
    ctor.define("name", Value::from(name), attrs::CONFIGURABLE);
}

/// Node's `ERR_INVALID_THIS` for a method called on the wrong kind of object.
pub fn invalid_this(class: &str) -> Throw {
    node_error(
        ErrorType::TypeError,
        "ERR_INVALID_THIS",
        &format!("Value of \"this\" must be of type {class}"),
    )
}

fn this_encoder(this: &Value) -> JsResult<()> {
    match this.as_object() {
        Some(o) if o.borrow().host::<Encoder>().is_some() => Ok(()),
        _ => Err(invalid_this("TextEncoder")),
    }
}

fn with_decoder<R>(this: &Value, f: impl FnOnce(&mut Decoder) -> R) -> JsResult<R> {
    let Some(o) = this.as_object() else {
        return Err(invalid_this("TextDecoder"));
    };
    let mut data = o.borrow_mut();
    match data.host_mut::<Decoder>() {
        Some(d) => Ok(f(d)),
        None => Err(invalid_this("TextDecoder")),
    }
}

fn make_encoder(_: &mut dyn Agent, _: &Value, _: &[Value]) -> JsResult {
    Ok(Value::Object(Obj::host(Intrinsic::TextEncoder, Encoder)))
}

/// `encode(input = "")`: UTF-8 bytes, lone surrogates as U+FFFD.
fn encode(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    this_encoder(this)?;
    let s = match arg(args, 0) {
        Value::Undefined => JsStr::default(),
        v => to_string(agent, &v)?,
    };
    let bytes = s.to_str_lossy().as_bytes().to_vec();
    Ok(Value::Object(Obj::bytes(bytes)))
}

/// `encodeInto(src, dest)`: as many whole characters as fit; `{read, written}`.
fn encode_into(_: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    this_encoder(this)?;
    let src = match arg(args, 0) {
        Value::String(s) => s,
        v => {
            return Err(node_error(
                ErrorType::TypeError,
                "ERR_INVALID_ARG_TYPE",
                &format!(
                    "The \"src\" argument must be of type string. {}",
                    received(&v)
                ),
            ))
        }
    };
    let dest = arg(args, 1);
    let Some(view) = ops::typed(&dest).filter(|t| t.kind == TypedKind::Uint8) else {
        return Err(node_error(
            ErrorType::TypeError,
            "ERR_INVALID_ARG_TYPE",
            &format!(
                "The \"dest\" argument must be an instance of Uint8Array. {}",
                received(&dest)
            ),
        ));
    };
    let (mut read, mut written) = (0, 0);
    view.with(|out| {
        let mut buf = [0u8; 4];
        for c in src.to_str_lossy().chars() {
            let encoded = c.encode_utf8(&mut buf).as_bytes();
            let Some(slot) = out.get_mut(written..written + encoded.len()) else {
                break;
            };
            slot.copy_from_slice(encoded);
            written += encoded.len();
            read += c.len_utf16();
        }
    });
    let result = Obj::plain();
    result.set("read", Value::Number(read as f64));
    result.set("written", Value::Number(written as f64));
    Ok(Value::Object(result))
}

/// Checks an options argument: undefined, null or an object.
fn options(v: &Value) -> JsResult<Option<Value>> {
    match v {
        Value::Undefined | Value::Null => Ok(None),
        Value::Object(_) => Ok(Some(v.clone())),
        v => Err(node_error(
            ErrorType::TypeError,
            "ERR_INVALID_ARG_TYPE",
            &format!(
                "The \"options\" argument must be of type object. {}",
                received(v)
            ),
        )),
    }
}

/// A boolean option.
fn flag(agent: &mut dyn Agent, options: &Option<Value>, name: &[u8]) -> JsResult<bool> {
    match options {
        Some(o) => Ok(ops::get(agent, o, name)?.truthy()),
        None => Ok(false),
    }
}

/// `new TextDecoder(label = "utf-8", {fatal, ignoreBOM})`.
fn make_decoder(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    let encoding = match arg(args, 0) {
        Value::Undefined => Encoding::Utf8,
        v => {
            let label = to_string(agent, &v)?.to_string();
            match Encoding::of_label(&label) {
                Some(e) => e,
                None => {
                    return Err(node_error(
                        ErrorType::RangeError,
                        "ERR_ENCODING_NOT_SUPPORTED",
                        &format!("The \"{label}\" encoding is not supported"),
                    ))
                }
            }
        }
    };
    let opts = options(&arg(args, 1))?;
    let fatal = flag(agent, &opts, b"fatal")?;
    let ignore_bom = flag(agent, &opts, b"ignoreBOM")?;
    let decoder = Decoder::new(encoding, fatal, ignore_bom);
    Ok(Value::Object(Obj::host(Intrinsic::TextDecoder, decoder)))
}

/// `decode(input, {stream})`.
fn decode(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    with_decoder(this, |_| ())?;
    let input = arg(args, 0);
    let bytes = match &input {
        Value::Undefined => Vec::new(),
        v => match source_bytes(v) {
            Some(b) => b,
            None => {
                return Err(node_error(
                    ErrorType::TypeError,
                    "ERR_INVALID_ARG_TYPE",
                    "The \"list\" argument must be an instance of SharedArrayBuffer, ArrayBuffer or ArrayBufferView.",
                ))
            }
        },
    };
    let opts = options(&arg(args, 1))?;
    let stream = flag(agent, &opts, b"stream")?;
    let result = with_decoder(this, |d| d.decode(&bytes, stream))?;
    match result {
        Some(text) => Ok(Value::from(text)),
        None => {
            let name = with_decoder(this, |d| d.encoding.name())?;
            Err(node_error(
                ErrorType::TypeError,
                "ERR_ENCODING_INVALID_ENCODED_DATA",
                &format!("The encoded data was not valid for encoding {name}"),
            ))
        }
    }
}
