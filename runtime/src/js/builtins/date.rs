//! `Date`: time values in milliseconds since the epoch, civil-calendar conversions and the
//! string forms. The guest's local time zone is UTC.

use crate::js::native::{constructor, define_methods, Method};
use crate::js::ops::range_error;
use crate::js::realm::Realm;
use crate::js::value::{Agent, Callable, Class, JsResult, Kind, Obj, Value};

const STATICS: &[Method] = &[("now", now)];

const PROTO: &[Method] = &[
    ("getTime", get_time),
    ("valueOf", get_time),
    ("getTimezoneOffset", get_timezone_offset),
    ("toISOString", to_iso_string),
    ("toJSON", to_iso_string),
    ("toString", to_string),
];

pub fn install(realm: &mut Realm) {
    let proto = realm.proto(Class::Date);
    define_methods(&proto, PROTO);
    let ctor = constructor(
        realm,
        "Date",
        Callable::Builtin(call),
        Callable::Builtin(make),
        &proto,
    );
    define_methods(&ctor, STATICS);
}

fn now(agent: &mut dyn Agent, _: &Value, _: &[Value]) -> JsResult {
    Ok(Value::Number(agent.realm().clock.now_ms()))
}

/// `Date()` without `new`: the current time as a string.
fn call(agent: &mut dyn Agent, _: &Value, _: &[Value]) -> JsResult {
    Ok(Value::from(date_string(agent.realm().clock.now_ms())))
}

fn make(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    let t = match args {
        [] => agent.realm().clock.now_ms(),
        [Value::Number(n)] => time_clip(*n),
        [Value::String(s)] => parse_iso_date(&s.to_str_lossy()).unwrap_or(f64::NAN),
        [v] => time_clip(v.to_number()),
        _ => f64::NAN,
    };
    Ok(Value::Object(Obj::new(Class::Date, Kind::Date(t))))
}

fn this_time(this: &Value) -> f64 {
    match this {
        Value::Object(o) => match o.borrow().kind {
            Kind::Date(t) => t,
            _ => f64::NAN,
        },
        _ => f64::NAN,
    }
}

fn get_time(_: &mut dyn Agent, this: &Value, _: &[Value]) -> JsResult {
    Ok(Value::Number(this_time(this)))
}

fn get_timezone_offset(_: &mut dyn Agent, this: &Value, _: &[Value]) -> JsResult {
    let t = this_time(this);
    Ok(Value::Number(if t.is_nan() { f64::NAN } else { 0.0 }))
}

fn to_iso_string(_: &mut dyn Agent, this: &Value, _: &[Value]) -> JsResult {
    let t = this_time(this);
    if t.is_nan() {
        return range_error("Invalid time value");
    }
    Ok(Value::from(iso_string(t)))
}

fn to_string(_: &mut dyn Agent, this: &Value, _: &[Value]) -> JsResult {
    Ok(Value::from(date_string(this_time(this))))
}

fn time_clip(t: f64) -> f64 {
    if t.is_finite() && t.abs() <= 8.64e15 {
        t.trunc() + 0.0
    } else {
        f64::NAN
    }
}

/// A time value's civil fields: year, month (1-12), day, hours, minutes, seconds,
/// milliseconds, weekday (0 = Sunday).
pub struct Civil {
    pub year: i64,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    pub milli: u32,
    pub weekday: u32,
}

/// Splits a time value into civil fields (proleptic Gregorian, UTC).
pub fn civil(t: f64) -> Civil {
    let ms = t as i64;
    let days = ms.div_euclid(86_400_000);
    let rem = ms.rem_euclid(86_400_000);
    // Howard Hinnant's days-to-civil algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    Civil {
        year: yoe + era * 400 + i64::from(month <= 2),
        month,
        day,
        hour: (rem / 3_600_000) as u32,
        minute: (rem / 60_000 % 60) as u32,
        second: (rem / 1000 % 60) as u32,
        milli: (rem % 1000) as u32,
        weekday: (days + 4).rem_euclid(7) as u32,
    }
}

/// Days since the epoch of a civil date.
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = if m > 2 { m - 3 } else { m + 9 } as i64;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn parse_iso_date(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<i64> { s.get(r)?.parse().ok() };
    let y = num(0..4)?;
    let (mut m, mut d, mut h, mut mi, mut sec, mut ms) = (1, 1, 0, 0, 0, 0);
    if b.len() >= 7 && b[4] == b'-' {
        m = num(5..7)?;
    }
    if b.len() >= 10 && b[7] == b'-' {
        d = num(8..10)?;
    }
    if b.len() >= 16 && b[10] == b'T' {
        h = num(11..13)?;
        mi = num(14..16)?;
        if b.len() >= 19 {
            sec = num(17..19)?;
        }
        if b.len() >= 23 && b[19] == b'.' {
            ms = num(20..23)?;
        }
    }
    let days = days_from_civil(y, m as u32, d as u32);
    Some((days * 86_400_000 + h * 3_600_000 + mi * 60_000 + sec * 1000 + ms) as f64)
}

const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// `String(date)`; the guest's local zone is UTC.
pub fn date_string(t: f64) -> String {
    if t.is_nan() {
        return "Invalid Date".into();
    }
    let c = civil(t);
    format!(
        "{} {} {:02} {:04} {:02}:{:02}:{:02} GMT+0000 (Coordinated Universal Time)",
        DAYS[c.weekday as usize],
        MONTHS[c.month as usize - 1],
        c.day,
        c.year,
        c.hour,
        c.minute,
        c.second
    )
}

fn iso_string(t: f64) -> String {
    let c = civil(t);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        c.year, c.month, c.day, c.hour, c.minute, c.second, c.milli
    )
}
