//! `Symbol`: the function (not a constructor), `Symbol.for`/`keyFor`, the well-known symbols,
//! and `Symbol.prototype`.

use std::rc::Rc;

use crate::js::conversions::{self, symbol_text};
use crate::js::native::{arg, builtin, constructor, define_methods, Method};
use crate::js::ops::type_error;
use crate::js::realm::Realm;
use crate::js::value::{
    attrs, Agent, Callable, Class, Intrinsic, JsResult, Kind, Sym, SymbolData, Value,
};

const STATICS: &[Method] = &[("for", symbol_for), ("keyFor", key_for)];

const PROTO: &[Method] = &[("toString", to_string), ("valueOf", value_of)];

/// Installs `Symbol` and `Symbol.prototype`.
pub fn install(realm: &mut Realm) {
    let proto = realm.proto(Class::Other(Intrinsic::Symbol));
    define_methods(&proto, PROTO);
    proto.define_accessor(
        "description",
        builtin(description),
        Value::Undefined,
        attrs::CONFIGURABLE,
    );
    let w = &realm.symbols;
    let (to_primitive, tag) = (w.to_primitive.clone(), w.to_string_tag.clone());
    proto.define_symbol(&to_primitive, builtin(value_of), attrs::CONFIGURABLE);
    proto.define_symbol(&tag, Value::from("Symbol"), attrs::CONFIGURABLE);
    let known = [
        ("iterator", w.iterator.clone()),
        ("asyncIterator", w.async_iterator.clone()),
        ("hasInstance", w.has_instance.clone()),
        ("toPrimitive", w.to_primitive.clone()),
        ("toStringTag", w.to_string_tag.clone()),
    ];
    let ctor = constructor(
        realm,
        "Symbol",
        Callable::Builtin(make),
        Callable::Builtin(|_, _, _| type_error("Symbol is not a constructor")),
        &proto,
    );
    define_methods(&ctor, STATICS);
    for (name, sym) in known {
        ctor.define(name, Value::Symbol(sym), 0);
    }
    // Well-known symbols nothing here consults yet: present so that programs can name them.
    for name in [
        "isConcatSpreadable",
        "match",
        "matchAll",
        "replace",
        "search",
        "species",
        "split",
        "unscopables",
    ] {
        if matches!(ctor.own(name), Value::Undefined) {
            let sym = Sym::new(Some(format!("Symbol.{name}").as_str().into()));
            ctor.define(name, Value::Symbol(sym), 0);
        }
    }
}

/// `Symbol(description)`.
fn make(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    let description = match arg(args, 0) {
        Value::Undefined => None,
        v => Some(conversions::to_string(agent, &v)?),
    };
    Ok(Value::Symbol(Sym::new(description)))
}

/// `Symbol.for(key)`: the registry's symbol for the key, made on first use.
fn symbol_for(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    let key = conversions::to_string(agent, &arg(args, 0))?;
    let registry = &mut agent.realm().registry;
    let sym = registry
        .entry(key.clone())
        .or_insert_with(|| {
            Sym(Rc::new(SymbolData {
                description: Some(key),
                registered: true,
            }))
        })
        .clone();
    Ok(Value::Symbol(sym))
}

fn key_for(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    match arg(args, 0) {
        Value::Symbol(s) if s.0.registered => Ok(s
            .0
            .description
            .clone()
            .map_or(Value::Undefined, Value::String)),
        Value::Symbol(_) => Ok(Value::Undefined),
        v => {
            let shown = conversions::display(agent.realm(), &v);
            type_error(format!("{shown} is not a symbol"))
        }
    }
}

/// `thisSymbolValue`: a symbol, or a `Symbol` wrapper's.
fn this_symbol(this: &Value, method: &str) -> JsResult<Sym> {
    match this {
        Value::Symbol(s) => return Ok(s.clone()),
        Value::Object(o) => {
            if let Kind::Primitive(Value::Symbol(s)) = &o.borrow().kind {
                return Ok(s.clone());
            }
        }
        _ => {}
    }
    type_error(format!(
        "Symbol.prototype.{method} requires that 'this' be a Symbol"
    ))
}

fn to_string(_: &mut dyn Agent, this: &Value, _: &[Value]) -> JsResult {
    let s = this_symbol(this, "toString")?;
    Ok(Value::from(symbol_text(&s)))
}

fn value_of(_: &mut dyn Agent, this: &Value, _: &[Value]) -> JsResult {
    Ok(Value::Symbol(this_symbol(this, "valueOf")?))
}

fn description(_: &mut dyn Agent, this: &Value, _: &[Value]) -> JsResult {
    let s = this_symbol(this, "description")?;
    Ok(s.0
        .description
        .clone()
        .map_or(Value::Undefined, Value::String))
}
