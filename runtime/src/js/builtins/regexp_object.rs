//! `RegExp` objects: their state (flags, program, the last subject decoded), making them,
//! recognising them, and V8's names for receivers in messages.

use std::cell::RefCell;
use std::rc::Rc;

use super::regexp_syntax::{compile, Flags, Subject};
use crate::js::conversions;
use crate::js::ops::{throw, type_error};
use crate::js::string::JsStr;
use crate::js::value::{attrs, Agent, Class, ErrorType, Intrinsic, JsResult, Kind, Obj, Value};

/// The state of a `RegExp` object (its `lastIndex` is an ordinary own property).
pub struct RegExpState {
    /// The pattern as given.
    pub source: JsStr,
    /// The flags.
    pub flags: Flags,
    /// The compiled program, shared by copies of the expression.
    pub regex: Rc<regress::Regex>,
    /// The last long string `exec` or `test` ran on, decoded: a loop of `exec` calls over
    /// one string (a tokenizer) decodes it once.
    last: RefCell<Option<(JsStr, Rc<Subject>)>>,
}

/// Strings shorter than this (in bytes) are decoded for each `exec`.
const CACHED_SUBJECT: usize = 256;

/// The decoded subject `s` for `exec` or `test` on `re`, reusing the last one.
pub fn subject_for(re: &Obj, s: &JsStr, flags: Flags) -> Rc<Subject> {
    let data = re.borrow();
    let Some(state) = data.host::<RegExpState>() else {
        return Rc::new(Subject::new(s, flags));
    };
    if s.as_bytes().len() < CACHED_SUBJECT {
        return Rc::new(Subject::new(s, flags));
    }
    let mut last = state.last.borrow_mut();
    if let Some((text, subject)) = last.as_ref() {
        // The cache holds its string, so the same bytes at the same address are the same
        // string.
        if std::ptr::eq(text.as_bytes(), s.as_bytes()) {
            return subject.clone();
        }
    }
    let subject = Rc::new(Subject::new(s, flags));
    *last = Some((s.clone(), subject.clone()));
    subject
}

/// The state of `v` if it is a `RegExp` object: its flags and program.
pub fn state_of(v: &Value) -> Option<(Flags, Rc<regress::Regex>)> {
    let o = v.as_object()?;
    let data = o.borrow();
    let s = data.host::<RegExpState>()?;
    Some((s.flags, s.regex.clone()))
}

/// Is `v` a `RegExp` object?
pub fn is_regexp(v: &Value) -> bool {
    state_of(v).is_some()
}

/// A new `RegExp` object for `source` and `flags` (a `SyntaxError` if either is invalid).
pub fn create(source: &JsStr, flags: &str) -> JsResult<Obj> {
    let Some(parsed) = Flags::parse(flags) else {
        return throw(
            ErrorType::SyntaxError,
            format!("Invalid flags supplied to RegExp constructor '{flags}'"),
        );
    };
    let regex = match compile(source, parsed) {
        Ok(r) => r,
        Err(msg) => {
            return throw(
                ErrorType::SyntaxError,
                format!(
                    "Invalid regular expression: /{}/{}: {msg}",
                    source.to_str_lossy(),
                    parsed.text()
                ),
            )
        }
    };
    Ok(with_program(source.clone(), parsed, Rc::new(regex)))
}

/// A new `RegExp` object around a compiled program, `lastIndex` 0.
pub fn with_program(source: JsStr, flags: Flags, regex: Rc<regress::Regex>) -> Obj {
    let o = Obj::host(
        Intrinsic::RegExp,
        RegExpState {
            source,
            flags,
            regex,
            last: RefCell::new(None),
        },
    );
    o.define("lastIndex", Value::Number(0.0), attrs::WRITABLE);
    o
}

/// The source and flags of a `RegExp` object.
pub fn source_and_flags(v: &Value) -> Option<(JsStr, Flags, Rc<regress::Regex>)> {
    let o = v.as_object()?;
    let data = o.borrow();
    let s = data.host::<RegExpState>()?;
    Some((s.source.clone(), s.flags, s.regex.clone()))
}

/// The `RegExp` object `this` must be, with the method's name for the error.
pub fn this_regexp(agent: &mut dyn Agent, this: &Value, method: &str) -> JsResult<Obj> {
    match this {
        Value::Object(o) if is_regexp(this) => Ok(o.clone()),
        _ => {
            let shown = receiver_text(agent, this);
            type_error(format!(
                "Method RegExp.prototype.{method} called on incompatible receiver {shown}"
            ))
        }
    }
}

/// How V8 shows a receiver in messages: `#<Object>` for objects.
pub fn receiver_text(agent: &mut dyn Agent, v: &Value) -> String {
    match v {
        Value::Object(o) => format!("#<{}>", constructor_name(agent, o)),
        Value::String(s) => s.to_string(),
        v => conversions::display(agent.realm(), v),
    }
}

/// The name of an object's constructor as V8 shows it (`Object` when there is none).
pub fn constructor_name(agent: &mut dyn Agent, o: &Obj) -> String {
    let realm = agent.realm();
    let mut next = realm.proto_of(&o.borrow());
    while let Some(p) = next {
        let ctor = p.borrow().get_own(b"constructor").cloned();
        if let Some(Value::Object(c)) = ctor {
            if c.is_function() {
                if let Some(Value::String(n)) = c.borrow().get_own(b"name") {
                    if !n.is_empty() {
                        return n.to_string();
                    }
                }
                return class_name(o);
            }
        }
        next = realm.proto_of(&p.borrow());
    }
    "Object".into()
}

/// The built-in class name of an object, for constructors that carry no `name`.
fn class_name(o: &Obj) -> String {
    let data = o.borrow();
    match (&data.class, &data.kind) {
        (Class::Function, _) | (_, Kind::Function(_)) => "Function".into(),
        (Class::Array, _) => "Array".into(),
        (Class::Date, _) => "Date".into(),
        (Class::Typed(k), _) => k.name().into(),
        (Class::Error(e), _) => e.name().into(),
        (Class::Other(i), _) => format!("{i:?}"),
        (Class::Object, _) => "Object".into(),
    }
}
