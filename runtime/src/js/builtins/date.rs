//! `Date`: time values in milliseconds since the epoch, read and written in the realm's local
//! time zone (the host's, as Node's) or in UTC.

use super::date_text::{self, parse, time_clip};
use crate::js::conversions::{self, Hint};
use crate::js::native::{arg, builtin, constructor, define_methods, Method};
use crate::js::ops::{range_error, type_error};
use crate::js::realm::Realm;
use crate::js::value::{attrs, Agent, Callable, Class, JsResult, Kind, Obj, Value};

pub use super::date_text::{civil, days_from_civil, Civil};

const MS_PER_DAY: f64 = 86_400_000.0;

const STATICS: &[Method] = &[("now", now), ("parse", parse_static), ("UTC", utc)];

const PROTO: &[Method] = &[
    ("getTime", get_time),
    ("valueOf", get_time),
    ("getTimezoneOffset", get_timezone_offset),
    ("getFullYear", |a, t, _| {
        field(a, t, true, |c| c.year as f64)
    }),
    ("getMonth", |a, t, _| {
        field(a, t, true, |c| c.month as f64 - 1.0)
    }),
    ("getDate", |a, t, _| field(a, t, true, |c| c.day as f64)),
    ("getDay", |a, t, _| field(a, t, true, |c| c.weekday as f64)),
    ("getHours", |a, t, _| field(a, t, true, |c| c.hour as f64)),
    ("getMinutes", |a, t, _| {
        field(a, t, true, |c| c.minute as f64)
    }),
    ("getSeconds", |a, t, _| {
        field(a, t, true, |c| c.second as f64)
    }),
    ("getMilliseconds", |a, t, _| {
        field(a, t, true, |c| c.milli as f64)
    }),
    ("getUTCFullYear", |a, t, _| {
        field(a, t, false, |c| c.year as f64)
    }),
    ("getUTCMonth", |a, t, _| {
        field(a, t, false, |c| c.month as f64 - 1.0)
    }),
    ("getUTCDate", |a, t, _| field(a, t, false, |c| c.day as f64)),
    ("getUTCDay", |a, t, _| {
        field(a, t, false, |c| c.weekday as f64)
    }),
    ("getUTCHours", |a, t, _| {
        field(a, t, false, |c| c.hour as f64)
    }),
    ("getUTCMinutes", |a, t, _| {
        field(a, t, false, |c| c.minute as f64)
    }),
    ("getUTCSeconds", |a, t, _| {
        field(a, t, false, |c| c.second as f64)
    }),
    ("getUTCMilliseconds", |a, t, _| {
        field(a, t, false, |c| c.milli as f64)
    }),
    ("setTime", set_time),
    ("setMilliseconds", |a, t, args| {
        set(a, t, args, true, Part::Milli)
    }),
    ("setSeconds", |a, t, args| {
        set(a, t, args, true, Part::Second)
    }),
    ("setMinutes", |a, t, args| {
        set(a, t, args, true, Part::Minute)
    }),
    ("setHours", |a, t, args| set(a, t, args, true, Part::Hour)),
    ("setDate", |a, t, args| set(a, t, args, true, Part::Day)),
    ("setMonth", |a, t, args| set(a, t, args, true, Part::Month)),
    ("setFullYear", |a, t, args| {
        set(a, t, args, true, Part::Year)
    }),
    ("setUTCMilliseconds", |a, t, args| {
        set(a, t, args, false, Part::Milli)
    }),
    ("setUTCSeconds", |a, t, args| {
        set(a, t, args, false, Part::Second)
    }),
    ("setUTCMinutes", |a, t, args| {
        set(a, t, args, false, Part::Minute)
    }),
    ("setUTCHours", |a, t, args| {
        set(a, t, args, false, Part::Hour)
    }),
    ("setUTCDate", |a, t, args| set(a, t, args, false, Part::Day)),
    ("setUTCMonth", |a, t, args| {
        set(a, t, args, false, Part::Month)
    }),
    ("setUTCFullYear", |a, t, args| {
        set(a, t, args, false, Part::Year)
    }),
    ("toISOString", to_iso_string),
    ("toJSON", to_json),
    ("toString", |a, t, _| text(a, t, date_text::Form::Full)),
    ("toDateString", |a, t, _| text(a, t, date_text::Form::Date)),
    ("toTimeString", |a, t, _| text(a, t, date_text::Form::Time)),
    ("toUTCString", |a, t, _| text(a, t, date_text::Form::Utc)),
    ("toGMTString", |a, t, _| text(a, t, date_text::Form::Utc)),
    ("toLocaleString", |a, t, _| {
        text(a, t, date_text::Form::Locale)
    }),
    ("toLocaleDateString", |a, t, _| {
        text(a, t, date_text::Form::LocaleDate)
    }),
    ("toLocaleTimeString", |a, t, _| {
        text(a, t, date_text::Form::LocaleTime)
    }),
];

pub fn install(realm: &mut Realm) {
    let proto = realm.proto(Class::Date);
    define_methods(&proto, PROTO);
    let to_prim = realm.symbols.to_primitive.clone();
    proto.define_symbol(&to_prim, builtin(to_primitive), attrs::CONFIGURABLE);
    let ctor = constructor(
        realm,
        "Date",
        Callable::Builtin(call),
        Callable::Builtin(make),
        &proto,
    );
    define_methods(&ctor, STATICS);
}

/// A Date whose time value is `ms` since the epoch, as `new Date(ms)` makes it (TimeClip:
/// whole milliseconds, NaN beyond ±8.64e15).
pub fn date_at(ms: f64) -> Obj {
    Obj::new(Class::Date, Kind::Date(time_clip(ms)))
}

/// `MakeDay(year, month, date)` as days since the epoch (months may overflow).
pub fn make_day(year: f64, month: f64, date: f64) -> f64 {
    if !(year.is_finite() && month.is_finite() && date.is_finite()) {
        return f64::NAN;
    }
    let (y, m) = (year.trunc(), month.trunc());
    let ym = y + (m / 12.0).floor();
    if ym.abs() > 400_000.0 {
        return f64::NAN;
    }
    let mn = m.rem_euclid(12.0);
    days_from_civil(ym as i64, mn as u32 + 1, 1) as f64 + date.trunc() - 1.0
}

/// `MakeTime(h, m, s, ms)` in milliseconds.
pub fn make_time(h: f64, m: f64, s: f64, ms: f64) -> f64 {
    if !(h.is_finite() && m.is_finite() && s.is_finite() && ms.is_finite()) {
        return f64::NAN;
    }
    h.trunc() * 3_600_000.0 + m.trunc() * 60_000.0 + s.trunc() * 1000.0 + ms.trunc()
}

fn now(agent: &mut dyn Agent, _: &Value, _: &[Value]) -> JsResult {
    Ok(Value::Number(agent.realm().clock.now_ms()))
}

/// `Date()` without `new`: the current time as a string.
fn call(agent: &mut dyn Agent, _: &Value, _: &[Value]) -> JsResult {
    let realm = agent.realm();
    let t = realm.clock.now_ms();
    Ok(Value::from(date_text::format(
        &realm.tz,
        t,
        date_text::Form::Full,
    )))
}

/// Time value of date fields given as numbers (for `new Date(y, m, ...)` and `Date.UTC`).
fn from_fields(agent: &mut dyn Agent, args: &[Value]) -> JsResult<f64> {
    let mut n = [f64::NAN, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0];
    for (i, a) in args.iter().take(7).enumerate() {
        n[i] = conversions::to_number(agent, a)?;
    }
    let mut year = n[0];
    if year.is_finite() && (0.0..=99.0).contains(&year.trunc()) {
        year = 1900.0 + year.trunc();
    }
    let day = make_day(year, n[1], n[2]);
    Ok(day * MS_PER_DAY + make_time(n[3], n[4], n[5], n[6]))
}

fn make(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    let t = match args {
        [] => agent.realm().clock.now_ms(),
        [v] => {
            let date = v.as_object().and_then(|o| match o.borrow().kind {
                Kind::Date(t) => Some(t),
                _ => None,
            });
            match date {
                Some(t) => t,
                None => match conversions::to_primitive(agent, v, Hint::Default)? {
                    Value::String(s) => parse(&agent.realm().tz, &s.to_str_lossy()),
                    p => time_clip(conversions::to_number(agent, &p)?),
                },
            }
        }
        _ => {
            let local = from_fields(agent, args)?;
            time_clip(agent.realm().tz.local_to_utc(local))
        }
    };
    Ok(Value::Object(Obj::new(Class::Date, Kind::Date(t))))
}

fn parse_static(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    let s = conversions::to_string(agent, &arg(args, 0))?;
    Ok(Value::Number(parse(&agent.realm().tz, &s.to_str_lossy())))
}

fn utc(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    Ok(Value::Number(time_clip(from_fields(agent, args)?)))
}

/// The time value of a date `this`.
fn this_time(this: &Value) -> JsResult<f64> {
    match this {
        Value::Object(o) => match o.borrow().kind {
            Kind::Date(t) => Ok(t),
            _ => type_error("this is not a Date object."),
        },
        _ => type_error("this is not a Date object."),
    }
}

fn store(this: &Value, t: f64) -> JsResult {
    if let Value::Object(o) = this {
        o.borrow_mut().kind = Kind::Date(t);
    }
    Ok(Value::Number(t))
}

fn get_time(_: &mut dyn Agent, this: &Value, _: &[Value]) -> JsResult {
    Ok(Value::Number(this_time(this)?))
}

fn set_time(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    this_time(this)?;
    let t = conversions::to_number(agent, &arg(args, 0))?;
    store(this, time_clip(t))
}

/// The civil fields of `this`, local or UTC; NaN for an invalid date.
fn field(agent: &mut dyn Agent, this: &Value, local: bool, f: fn(&Civil) -> f64) -> JsResult {
    let t = this_time(this)?;
    if t.is_nan() {
        return Ok(Value::Number(f64::NAN));
    }
    let t = if local {
        t + agent.realm().tz.offset_ms(t)
    } else {
        t
    };
    Ok(Value::Number(f(&civil(t))))
}

fn get_timezone_offset(agent: &mut dyn Agent, this: &Value, _: &[Value]) -> JsResult {
    let t = this_time(this)?;
    if t.is_nan() {
        return Ok(Value::Number(f64::NAN));
    }
    Ok(Value::Number(
        -agent.realm().tz.offset_ms(t) / 60_000.0 + 0.0,
    ))
}

/// The field a setter starts from; later arguments set the smaller fields after it.
#[derive(Clone, Copy, PartialEq, PartialOrd)]
enum Part {
    Year,
    Month,
    Day,
    Hour,
    Minute,
    Second,
    Milli,
}

/// `setHours(h, m, s, ms)` and the like: replaces fields from `first` on, local or UTC.
fn set(agent: &mut dyn Agent, this: &Value, args: &[Value], local: bool, first: Part) -> JsResult {
    let t = this_time(this)?;
    let offset = |a: &mut dyn Agent, t: f64| {
        if local {
            a.realm().tz.offset_ms(t)
        } else {
            0.0
        }
    };
    let base = if t.is_nan() && first == Part::Year {
        0.0
    } else {
        t + offset(agent, t)
    };
    let c = civil(base);
    let mut f = [
        c.year as f64,
        c.month as f64 - 1.0,
        c.day as f64,
        c.hour as f64,
        c.minute as f64,
        c.second as f64,
        c.milli as f64,
    ];
    let count = match first {
        Part::Year => 3,
        Part::Month => 2,
        Part::Day => 1,
        Part::Hour => 4,
        Part::Minute => 3,
        Part::Second => 2,
        Part::Milli => 1,
    };
    let start = first as usize;
    for i in 0..count.min(args.len().max(1)) {
        f[start + i] = conversions::to_number(agent, &arg(args, i))?;
    }
    if base.is_nan() {
        return store(this, f64::NAN);
    }
    let new_local = make_day(f[0], f[1], f[2]) * MS_PER_DAY + make_time(f[3], f[4], f[5], f[6]);
    let utc = if local {
        agent.realm().tz.local_to_utc(new_local)
    } else {
        new_local
    };
    store(this, time_clip(utc))
}

fn to_iso_string(_: &mut dyn Agent, this: &Value, _: &[Value]) -> JsResult {
    let t = this_time(this)?;
    if t.is_nan() {
        return range_error("Invalid time value");
    }
    Ok(Value::from(date_text::iso(t)))
}

/// `toJSON`: `toISOString`, or null for an invalid date.
fn to_json(agent: &mut dyn Agent, this: &Value, _: &[Value]) -> JsResult {
    let p = conversions::to_primitive(agent, this, Hint::Number)?;
    if matches!(p, Value::Number(n) if !n.is_finite()) {
        return Ok(Value::Null);
    }
    let f = crate::js::ops::get_v(agent, this, crate::js::ops::Key::Str(b"toISOString"))?;
    crate::js::ops::call(agent, &f, this, &[])
}

fn text(agent: &mut dyn Agent, this: &Value, form: date_text::Form) -> JsResult {
    let t = this_time(this)?;
    if t.is_nan() && form == date_text::Form::Utc {
        return Ok(Value::from("Invalid Date"));
    }
    Ok(Value::from(date_text::format(&agent.realm().tz, t, form)))
}

/// `Date.prototype[Symbol.toPrimitive](hint)`: strings first unless the hint is "number".
fn to_primitive(agent: &mut dyn Agent, this: &Value, args: &[Value]) -> JsResult {
    let number = match arg(args, 0).primitive_string().map(|s| s.to_string()) {
        Some(h) if h == "number" => true,
        Some(h) if h == "string" || h == "default" => false,
        _ => return type_error("Invalid hint"),
    };
    let order: [&[u8]; 2] = if number {
        [b"valueOf", b"toString"]
    } else {
        [b"toString", b"valueOf"]
    };
    for m in order {
        let f = crate::js::ops::get(agent, this, m)?;
        if f.is_function() {
            let r = crate::js::ops::call(agent, &f, this, &[])?;
            if r.is_primitive() {
                return Ok(r);
            }
        }
    }
    type_error("Cannot convert object to primitive value")
}
