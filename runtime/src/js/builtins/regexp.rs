//! `RegExp`: the constructor, the flag and `source` getters, `exec`, `test` and `toString`,
//! running patterns with the `regress` engine over a string's UTF-16 code units (so indices
//! are JS indices and lone surrogates match as themselves). The methods that take a string
//! and a pattern (`match`, `replace`, `split`, ... on both prototypes) are in
//! [`super::regexp_string`].

use std::cell::RefCell;
use std::rc::Rc;

use super::regexp_exec::{builtin_exec, match_array, Subject};
use super::regexp_string;
use super::regexp_syntax::{compile, escape_source};
use crate::js::conversions::{self, to_string};
use crate::js::native::{arg, builtin, constructor, define_methods, Method};
use crate::js::ops::{self, throw, type_error};
use crate::js::realm::Realm;
use crate::js::string::JsStr;
use crate::js::value::{
    attrs, Agent, Callable, Class, ErrorType, Intrinsic, JsResult, Kind, Obj, Value,
};

/// The flags of a regular expression.
#[derive(Clone, Copy, Default, PartialEq, Eq, Debug)]
pub struct Flags {
    /// `d`: `hasIndices`.
    pub d: bool,
    /// `g`: `global`.
    pub g: bool,
    /// `i`: `ignoreCase`.
    pub i: bool,
    /// `m`: `multiline`.
    pub m: bool,
    /// `s`: `dotAll`.
    pub s: bool,
    /// `u`: `unicode`.
    pub u: bool,
    /// `v`: `unicodeSets`.
    pub v: bool,
    /// `y`: `sticky`.
    pub y: bool,
}

impl Flags {
    /// Parses a flags string: each of `dgimsuvy` at most once, and not both `u` and `v`.
    pub fn parse(text: &str) -> Option<Flags> {
        let mut f = Flags::default();
        for c in text.chars() {
            let slot = match c {
                'd' => &mut f.d,
                'g' => &mut f.g,
                'i' => &mut f.i,
                'm' => &mut f.m,
                's' => &mut f.s,
                'u' => &mut f.u,
                'v' => &mut f.v,
                'y' => &mut f.y,
                _ => return None,
            };
            if *slot {
                return None;
            }
            *slot = true;
        }
        (!(f.u && f.v)).then_some(f)
    }

    /// The canonical flags string (`dgimsuvy` order).
    pub fn text(&self) -> String {
        let all = [
            (self.d, 'd'),
            (self.g, 'g'),
            (self.i, 'i'),
            (self.m, 'm'),
            (self.s, 's'),
            (self.u, 'u'),
            (self.v, 'v'),
            (self.y, 'y'),
        ];
        all.iter().filter(|(on, _)| *on).map(|(_, c)| *c).collect()
    }

    /// Does the pattern see code points rather than code units (`u` or `v`)?
    pub fn unicode(&self) -> bool {
        self.u || self.v
    }
}

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
fn subject_for(re: &Obj, s: &JsStr, flags: Flags) -> Rc<Subject> {
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
fn receiver_text(agent: &mut dyn Agent, v: &Value) -> String {
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
