//! `RegExp`: the constructor, the flag and `source` getters, `exec`, `test` and `toString`,
//! running patterns with the `regress` engine over a string's UTF-16 code units (so indices
//! are JS indices and lone surrogates match as themselves). The methods that take a string
//! and a pattern (`match`, `replace`, `split`, ... on both prototypes) are in
//! [`super::regexp_string`].

use super::regexp_exec::{builtin_exec, match_array};
use super::regexp_object::{
    create, is_regexp, receiver_text, source_and_flags, state_of, subject_for, this_regexp,
};
use super::regexp_string;
use super::regexp_syntax::{escape_source, Flags};
use crate::js::conversions::{self, to_string};
use crate::js::native::{arg, builtin, constructor, define_methods, Method};
use crate::js::ops::{self, type_error};
use crate::js::realm::Realm;
use crate::js::string::JsStr;
use crate::js::value::{attrs, Agent, Callable, Class, Intrinsic, JsResult, Value};

const PROTO: &[Method] = &[
    ("exec", exec),
    ("test", test),
    ("toString", to_string_method),
];

/// Reads one flag.
type FlagOf = fn(&Flags) -> bool;

/// The flag getters, with the flag each reads.
const FLAG_GETTERS: &[(&str, FlagOf)] = &[
    ("hasIndices", |f| f.d),
    ("global", |f| f.g),
    ("ignoreCase", |f| f.i),
    ("multiline", |f| f.m),
    ("dotAll", |f| f.s),
    ("unicode", |f| f.u),
    ("unicodeSets", |f| f.v),
    ("sticky", |f| f.y),
];

/// Installs `RegExp` and its prototype, then the string methods that take patterns.
pub fn install(realm: &mut Realm) {
    let proto = realm.proto(Class::Other(Intrinsic::RegExp));
    define_methods(&proto, PROTO);
    for (i, (name, _)) in FLAG_GETTERS.iter().enumerate() {
        let getter = crate::js::native::native(move |agent, this, _| flag_getter(agent, this, i));
        proto.define_accessor(name, getter, Value::Undefined, attrs::CONFIGURABLE);
    }
    proto.define_accessor(
        "source",
        builtin(source_getter),
        Value::Undefined,
        attrs::CONFIGURABLE,
    );
    proto.define_accessor(
        "flags",
        builtin(flags_getter),
        Value::Undefined,
        attrs::CONFIGURABLE,
    );
    let ctor = constructor(
        realm,
        "RegExp",
        Callable::Builtin(call),
        Callable::Builtin(construct),
        &proto,
    );
    ctor.define("length", Value::Number(2.0), attrs::CONFIGURABLE);
    regexp_string::install(realm);
}

/// `RegExp(pattern, flags)` without `new`: a `RegExp` with no new flags is returned as is.
fn call(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let pattern = arg(args, 0);
    if is_regexp(&pattern) && matches!(arg(args, 1), Value::Undefined) {
        let ctor = ops::get(agent, &pattern, b"constructor")?;
        let own = agent
            .realm()
            .proto(Class::Other(Intrinsic::RegExp))
            .own("constructor");
        if ctor.strict_eq(&own) {
            return Ok(pattern);
        }
    }
    construct(agent, this, args)
}

/// `new RegExp(pattern, flags)`.
fn construct(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    let (pattern, flags) = (arg(args, 0), arg(args, 1));
    let (source, own_flags) = match source_and_flags(&pattern) {
        Some((s, f, _)) => (s, Some(f.text())),
        None => match pattern {
            Value::Undefined => (JsStr::default(), None),
            p => (to_string(agent, &p)?, None),
        },
    };
    let flags = match flags {
        Value::Undefined => own_flags.unwrap_or_default(),
        f => to_string(agent, &f)?.to_str_lossy().into_owned(),
    };
    Ok(Value::Object(create(&source, &flags)?))
}

fn proto_is(agent: &mut dyn Agent, this: &Value) -> bool {
    let proto = agent.realm().proto(Class::Other(Intrinsic::RegExp));
    matches!(this, Value::Object(o) if o.ptr_eq(&proto))
}

fn flag_getter(agent: &mut dyn Agent, this: &Value, i: usize) -> JsResult {
    let (name, read) = FLAG_GETTERS[i];
    match state_of(this) {
        Some((f, _)) => Ok(Value::Bool(read(&f))),
        None if proto_is(agent, this) => Ok(Value::Undefined),
        None => type_error(format!(
            "RegExp.prototype.{name} getter called on non-RegExp object"
        )),
    }
}

fn source_getter(agent: &mut dyn Agent, this: &Value, _: &[Value]) -> JsResult {
    match source_and_flags(this) {
        Some((s, _, _)) => Ok(Value::String(escape_source(&s))),
        None if proto_is(agent, this) => Ok(Value::from("(?:)")),
        None => type_error("RegExp.prototype.source getter called on non-RegExp object"),
    }
}

/// `flags`: built from the flag getters, so it works on any object.
fn flags_getter(agent: &mut dyn Agent, this: &Value, _: &[Value]) -> JsResult {
    if this.as_object().is_none() {
        let shown = conversions::display(agent.realm(), this);
        return type_error(format!(
            "RegExp.prototype.flags getter called on non-object {shown}"
        ));
    }
    let mut out = String::new();
    for (key, c) in [
        ("hasIndices", 'd'),
        ("global", 'g'),
        ("ignoreCase", 'i'),
        ("multiline", 'm'),
        ("dotAll", 's'),
        ("unicode", 'u'),
        ("unicodeSets", 'v'),
        ("sticky", 'y'),
    ] {
        if ops::get_str(agent, this, key)?.truthy() {
            out.push(c);
        }
    }
    Ok(Value::from(out))
}

/// `RegExp.prototype.exec(string)`.
fn exec(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let re = this_regexp(agent, this, "exec")?;
    let s = to_string(agent, &arg(args, 0))?;
    let Some((flags, _)) = state_of(this) else {
        return Ok(Value::Null);
    };
    let subject = subject_for(&re, &s, flags);
    Ok(match builtin_exec(agent, &re, &subject)? {
        Some(m) => match_array(&m, &s, &subject.units, flags),
        None => Value::Null,
    })
}

/// `RegExp.prototype.test(string)`.
fn test(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let re = this_regexp(agent, this, "exec")?;
    let s = to_string(agent, &arg(args, 0))?;
    let flags = state_of(this).map_or_else(Flags::default, |(f, _)| f);
    let subject = subject_for(&re, &s, flags);
    Ok(Value::Bool(builtin_exec(agent, &re, &subject)?.is_some()))
}

/// `RegExp.prototype.toString()`: `/source/flags`, read through the getters.
fn to_string_method(agent: &mut dyn Agent, this: &Value, _: &[Value]) -> JsResult {
    if this.as_object().is_none() {
        let shown = receiver_text(agent, this);
        return type_error(format!(
            "Method RegExp.prototype.toString called on incompatible receiver {shown}"
        ));
    }
    let source = ops::get(agent, this, b"source")?;
    let source = to_string(agent, &source)?;
    let flags = ops::get(agent, this, b"flags")?;
    let flags = to_string(agent, &flags)?;
    let mut out = JsStr::from("/").concat(&source);
    out = out.concat(&JsStr::from("/")).concat(&flags);
    Ok(Value::String(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_parse_and_print_canonically() {
        assert_eq!(
            Flags::parse("ysmigu").map(|f| f.text()),
            Some("gimsuy".into())
        );
        assert_eq!(Flags::parse("gg"), None);
        assert_eq!(Flags::parse("x"), None);
        assert_eq!(Flags::parse("uv"), None);
        assert_eq!(Flags::parse("").map(|f| f.text()), Some(String::new()));
    }
}
