//! The methods that apply a `RegExp` to a string: `String.prototype.match`, `matchAll`,
//! `search`, and the `RegExp` cases of `replace`, `replaceAll` and `split` (other patterns
//! go to the string versions installed before), and `RegExp.prototype[Symbol.match]` and
//! its siblings where the realm's `Symbol` has those symbols.

use super::iterators::{iterator, Source, Yield};
use super::regexp_exec::{
    advance, builtin_exec, find, last_index, match_array, set_last_index, slice,
};
use super::regexp_object::{
    create, is_regexp, source_and_flags, state_of, this_regexp, with_program,
};
use super::regexp_replace::{regexp_replace, regexp_split};
use super::regexp_syntax::{Flags, Subject};
use crate::js::conversions::to_string;
use crate::js::native::{arg, builtin, named, native, Method};
use crate::js::ops::{self, type_error};
use crate::js::realm::Realm;
use crate::js::string::JsStr;
use crate::js::value::{attrs, Agent, Class, Intrinsic, JsResult, Obj, Value};

/// The `RegExp` methods under their well-known symbols' names in `Symbol`.
const SYMBOL_METHODS: &[Method] = &[
    ("match", symbol_match),
    ("matchAll", symbol_match_all),
    ("replace", symbol_replace),
    ("search", symbol_search),
    ("split", symbol_split),
];

/// Puts the pattern methods on `String.prototype` (over the string-only versions) and the
/// `Symbol.match`-style methods on `RegExp.prototype`.
pub fn install(realm: &mut Realm) {
    let string_proto = realm.proto(Class::Other(Intrinsic::String));
    string_proto.define(
        "match",
        named(builtin(string_match), "match"),
        attrs::HIDDEN,
    );
    string_proto.define(
        "matchAll",
        named(builtin(string_match_all), "matchAll"),
        attrs::HIDDEN,
    );
    string_proto.define(
        "search",
        named(builtin(string_search), "search"),
        attrs::HIDDEN,
    );
    for (name, global_only) in [("replace", false), ("replaceAll", true)] {
        let fallback = string_proto.own(name);
        let f = native(move |agent, this, args| {
            replace_method(agent, this, args, global_only, &fallback)
        });
        string_proto.define(name, f, attrs::HIDDEN);
    }
    let fallback = string_proto.own("split");
    let split = native(move |agent, this, args| split_method(agent, this, args, &fallback));
    string_proto.define("split", split, attrs::HIDDEN);
    let proto = realm.proto(Class::Other(Intrinsic::RegExp));
    let symbol_ctor = realm.global.own("Symbol");
    for &(name, f) in SYMBOL_METHODS {
        let sym = symbol_ctor.as_object().map(|s| s.own(name));
        if let Some(Value::Symbol(sym)) = sym {
            proto.define_symbol(&sym, builtin(f), attrs::HIDDEN);
        }
    }
}

/// `this` of a `String.prototype` method as a string (a `TypeError` for null and undefined).
fn this_str(agent: &mut dyn Agent, this: &Value, method: &str) -> JsResult<JsStr> {
    if matches!(this, Value::Undefined | Value::Null) {
        return type_error(format!(
            "String.prototype.{method} called on null or undefined"
        ));
    }
    to_string(agent, this)
}

/// The `RegExp` object a pattern argument is, if it is one.
fn as_regexp(v: &Value) -> Option<Obj> {
    if is_regexp(v) {
        v.as_object().cloned()
    } else {
        None
    }
}

/// `new RegExp(pattern, flags)` for a pattern that is not a `RegExp` (undefined is `""`).
fn regexp_of(agent: &mut dyn Agent, pattern: &Value, flags: &str) -> JsResult<Obj> {
    let source = match pattern {
        Value::Undefined => JsStr::default(),
        p => to_string(agent, p)?,
    };
    create(&source, flags)
}

/// The flags and program of a `RegExp` object (checked by the caller).
fn flags_of(re: &Obj) -> Flags {
    state_of(&Value::Object(re.clone())).map_or_else(Flags::default, |(f, _)| f)
}

fn string_match(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let s = this_str(agent, this, "match")?;
    let re = match as_regexp(&arg(args, 0)) {
        Some(re) => re,
        None => regexp_of(agent, &arg(args, 0), "")?,
    };
    regexp_match(agent, &re, &s)
}

fn string_match_all(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let s = this_str(agent, this, "matchAll")?;
    let re = match as_regexp(&arg(args, 0)) {
        Some(re) if !flags_of(&re).g => {
            return type_error("String.prototype.matchAll called with a non-global RegExp argument")
        }
        Some(re) => re,
        None => regexp_of(agent, &arg(args, 0), "g")?,
    };
    regexp_match_all(agent, &re, &s)
}

fn string_search(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let s = this_str(agent, this, "search")?;
    let re = match as_regexp(&arg(args, 0)) {
        Some(re) => re,
        None => regexp_of(agent, &arg(args, 0), "")?,
    };
    regexp_search(agent, &re, &s)
}

/// `replace`/`replaceAll`: a `RegExp` pattern here, others by the string version.
fn replace_method(
    agent: &mut dyn Agent,
    this: &Value,
    args: &[Value],
    global_only: bool,
    fallback: &Value,
) -> JsResult {
    let name = if global_only { "replaceAll" } else { "replace" };
    let Some(re) = as_regexp(&arg(args, 0)) else {
        if !fallback.is_function() {
            return type_error(format!("String.prototype.{name} is not available"));
        }
        return ops::call(agent, fallback, this, args);
    };
    if matches!(this, Value::Undefined | Value::Null) {
        return this_str(agent, this, name).map(Value::String);
    }
    if global_only && !flags_of(&re).g {
        return type_error("String.prototype.replaceAll called with a non-global RegExp argument");
    }
    let s = to_string(agent, this)?;
    regexp_replace(agent, &re, &s, &arg(args, 1)).map(Value::String)
}

/// `split`: a `RegExp` separator here, others by the string version.
fn split_method(agent: &mut dyn Agent, this: &Value, args: &[Value], fallback: &Value) -> JsResult {
    let Some(re) = as_regexp(&arg(args, 0)) else {
        if !fallback.is_function() {
            return type_error("String.prototype.split is not available");
        }
        return ops::call(agent, fallback, this, args);
    };
    let s = this_str(agent, this, "split")?;
    regexp_split(agent, &re, &s, &arg(args, 1))
}

/// The `RegExp` `this` and the string argument of a `RegExp.prototype[Symbol.x]` method.
fn symbol_args(
    agent: &mut dyn Agent,
    this: &Value,
    args: &[Value],
    name: &str,
) -> JsResult<(Obj, JsStr)> {
    let re = this_regexp(agent, this, name)?;
    let s = to_string(agent, &arg(args, 0))?;
    Ok((re, s))
}

fn symbol_match(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let (re, s) = symbol_args(agent, this, args, "@@match")?;
    regexp_match(agent, &re, &s)
}

fn symbol_match_all(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let (re, s) = symbol_args(agent, this, args, "@@matchAll")?;
    regexp_match_all(agent, &re, &s)
}

fn symbol_replace(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let (re, s) = symbol_args(agent, this, args, "@@replace")?;
    regexp_replace(agent, &re, &s, &arg(args, 1)).map(Value::String)
}

fn symbol_search(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let (re, s) = symbol_args(agent, this, args, "@@search")?;
    regexp_search(agent, &re, &s)
}

fn symbol_split(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let (re, s) = symbol_args(agent, this, args, "@@split")?;
    regexp_split(agent, &re, &s, &arg(args, 1))
}

/// `RegExp.prototype[Symbol.match]`: the first match, or every matched text with `g`.
pub fn regexp_match(agent: &mut dyn Agent, re: &Obj, s: &JsStr) -> JsResult {
    let Some((flags, regex)) = state_of(&Value::Object(re.clone())) else {
        return Ok(Value::Null);
    };
    let subject = Subject::new(s, flags);
    let units = &subject.units;
    if !flags.g {
        return Ok(match builtin_exec(agent, re, &subject)? {
            Some(m) => match_array(&m, s, units, flags),
            None => Value::Null,
        });
    }
    set_last_index(agent, re, 0)?;
    let mut found = Vec::new();
    let mut pos = 0;
    while let Some(m) = find(&regex, flags, &subject, pos) {
        pos = if m.range.is_empty() {
            advance(units, m.end(), flags.unicode())
        } else {
            m.end()
        };
        found.push(Value::String(slice(units, m.range())));
    }
    if found.is_empty() {
        return Ok(Value::Null);
    }
    Ok(Value::Object(Obj::array(found)))
}

/// `RegExp.prototype[Symbol.matchAll]`: an iterator over the match arrays of a copy of the
/// expression, starting at its `lastIndex`.
pub fn regexp_match_all(agent: &mut dyn Agent, re: &Obj, s: &JsStr) -> JsResult {
    let Some((source, flags, regex)) = source_and_flags(&Value::Object(re.clone())) else {
        return type_error("Method RegExp.prototype.@@matchAll called on incompatible receiver");
    };
    let copy = with_program(source, flags, regex);
    let start = last_index(agent, re)?;
    set_last_index(agent, &copy, start)?;
    let subject = Subject::new(s, flags);
    let units = &subject.units;
    let mut items = Vec::new();
    while let Some(m) = builtin_exec(agent, &copy, &subject)? {
        items.push(match_array(&m, s, units, flags));
        if !flags.g {
            break;
        }
        if m.range.is_empty() {
            let next = advance(units, last_index(agent, &copy)?, flags.unicode());
            set_last_index(agent, &copy, next)?;
        }
    }
    Ok(iterator(
        Intrinsic::RegExpStringIterator,
        Source::List(items),
        Yield::Values,
    ))
}

/// `RegExp.prototype[Symbol.search]`: the index of the first match from the start, leaving
/// `lastIndex` as it was.
pub fn regexp_search(agent: &mut dyn Agent, re: &Obj, s: &JsStr) -> JsResult {
    let target = Value::Object(re.clone());
    let previous = ops::get(agent, &target, b"lastIndex")?;
    if !previous.same_value(&Value::Number(0.0)) {
        set_last_index(agent, re, 0)?;
    }
    let flags = flags_of(re);
    let found = builtin_exec(agent, re, &Subject::new(s, flags))?;
    let current = ops::get(agent, &target, b"lastIndex")?;
    if !current.same_value(&previous) && !ops::set(agent, &target, b"lastIndex", previous)? {
        return type_error(
            "Cannot assign to read only property 'lastIndex' of object '[object RegExp]'",
        );
    }
    Ok(Value::Number(found.map_or(-1.0, |m| m.start() as f64)))
}
