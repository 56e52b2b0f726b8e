//! The standard JS world: `Object`, `Array`, typed arrays, `Date`, `Error`, `JSON`, `Math`,
//! `crypto`, `performance`, `process`, `path`, `console`, the Go object, and the built-in
//! methods their prototypes carry. `fs` lives in [`crate::fs`].

use std::rc::Rc;

use crate::guest::Guest;
use crate::host::Host;
use crate::ops::{self, type_error};
use crate::value::{
    Callable, Class, Function, JsResult, Kind, NativeFn, Obj, Throw, TypedArray, TypedKind, Value,
};

/// Wraps a closure as a native function value.
pub fn native(f: impl Fn(&mut dyn Guest, &Value, &[Value]) -> JsResult + 'static) -> Value {
    Value::Object(Obj::native(Rc::new(f)))
}

fn constructor(class: Class, call: NativeFn, construct: NativeFn) -> Obj {
    Obj::new(
        Class::Function,
        Kind::Function(Function {
            call: Callable::Native(call),
            construct: Some(construct),
            instances: Some(class),
        }),
    )
}

fn arg(args: &[Value], i: usize) -> Value {
    args.get(i).cloned().unwrap_or_default()
}

/// Installs the world into a new host's global object and Go object.
pub fn install(host: &mut Host) {
    let g = host.global.clone();
    g.set("globalThis", Value::Object(g.clone()));

    // Object
    let object = constructor(
        Class::Object,
        Rc::new(|_, _, args| Ok(object_of(&arg(args, 0)))),
        Rc::new(|_, _, args| Ok(object_of(&arg(args, 0)))),
    );
    object.set(
        "keys",
        native(|_, _, args| {
            Ok(Value::Object(Obj::array(
                own_keys(&arg(args, 0))
                    .into_iter()
                    .map(Value::from)
                    .collect(),
            )))
        }),
    );
    object.set(
        "assign",
        native(|g, _, args| {
            let target = arg(args, 0);
            for src in args.iter().skip(1) {
                for k in own_keys(src) {
                    let v = ops::get(g.host(), src, &k)?;
                    ops::set(&target, &k, v)?;
                }
            }
            Ok(target)
        }),
    );
    g.set("Object", Value::Object(object));

    // Array
    let make_array: NativeFn = Rc::new(|_, _, args| {
        Ok(Value::Object(match args {
            [Value::Number(n)] => {
                if n.fract() != 0.0 || *n < 0.0 || *n >= 4294967296.0 {
                    return Err(Throw::Value(Value::Object(Obj::error(
                        "RangeError",
                        "Invalid array length",
                    ))));
                }
                Obj::array(vec![Value::Undefined; *n as usize])
            }
            _ => Obj::array(args.to_vec()),
        }))
    });
    let array = constructor(Class::Array, make_array.clone(), make_array);
    array.set(
        "isArray",
        native(|_, _, args| {
            Ok(Value::Bool(matches!(&arg(args, 0), Value::Object(o) if matches!(o.borrow().kind, Kind::Array(_)))))
        }),
    );
    g.set("Array", Value::Object(array));

    // Typed arrays
    for kind in TypedKind::ALL {
        let make: NativeFn = Rc::new(move |g, _, args| new_typed(g, kind, args));
        let call: NativeFn = Rc::new(move |_, _, _| {
            type_error(format!("Constructor {} requires 'new'", kind.name()))
        });
        let ctor = constructor(Class::Typed(kind), call, make);
        ctor.set("BYTES_PER_ELEMENT", Value::Number(kind.size() as f64));
        g.set(kind.name(), Value::Object(ctor));
    }

    // Error and its common subclasses (one class: `instanceof Error` holds for all).
    for name in ["Error", "TypeError", "RangeError", "SyntaxError"] {
        let make: NativeFn = Rc::new(move |_, _, args| {
            let msg = match arg(args, 0) {
                Value::Undefined => String::new(),
                v => v.to_js_string(),
            };
            Ok(Value::Object(Obj::error(name, &msg)))
        });
        g.set(
            name,
            Value::Object(constructor(Class::Error, make.clone(), make)),
        );
    }

    // Date
    let date = constructor(
        Class::Date,
        Rc::new(|g, _, _| Ok(Value::from(date_string(now_ms(g.host()))))),
        Rc::new(|g, _, args| {
            let t = match args {
                [] => now_ms(g.host()),
                [Value::Number(n)] => time_clip(*n),
                [Value::String(s)] => parse_iso_date(s).unwrap_or(f64::NAN),
                [v] => time_clip(v.to_number()),
                _ => f64::NAN,
            };
            Ok(Value::Object(Obj::new(Class::Date, Kind::Date(t))))
        }),
    );
    date.set("now", native(|g, _, _| Ok(Value::Number(now_ms(g.host())))));
    g.set("Date", Value::Object(date));

    // Function (for instanceof)
    let function = constructor(
        Class::Function,
        Rc::new(|_, _, _| type_error("Function constructor is not supported")),
        Rc::new(|_, _, _| type_error("Function constructor is not supported")),
    );
    g.set("Function", Value::Object(function));

    g.set("JSON", Value::Object(crate::json::object()));
    g.set("Math", Value::Object(math()));

    // crypto
    let crypto = Obj::plain();
    crypto.set(
        "getRandomValues",
        native(|_, _, args| {
            let target = arg(args, 0);
            let Some(t) = ops::typed(&target) else {
                return type_error("getRandomValues: argument is not a typed array");
            };
            if matches!(t.kind, TypedKind::Float32 | TypedKind::Float64) {
                return type_error("getRandomValues: float arrays are not allowed");
            }
            if t.byte_len() > 65536 {
                return Err(Throw::Value(Value::Object(Obj::error(
                    "QuotaExceededError",
                    "The ArrayBufferView's byte length exceeds the number of bytes of entropy available via this API (65536)",
                ))));
            }
            t.with(getrandom::fill)
                .map_err(|e| Throw::Value(Value::Object(Obj::error("Error", &e.to_string()))))?;
            Ok(target)
        }),
    );
    g.set("crypto", Value::Object(crypto));

    let performance = Obj::plain();
    performance.set(
        "now",
        native(|g, _, _| Ok(Value::Number(g.host().clock.performance_now()))),
    );
    g.set("performance", Value::Object(performance));

    g.set("process", Value::Object(process(&host.process)));
    g.set("path", Value::Object(path()));
    g.set("fs", Value::Object(crate::fs::object()));

    let console = Obj::plain();
    for (name, fd) in [("log", 1), ("info", 1), ("error", 2), ("warn", 2)] {
        console.set(
            name,
            native(move |g, _, args| {
                let line: Vec<String> = args.iter().map(Value::to_js_string).collect();
                let host = g.host();
                let out = if fd == 1 {
                    &mut host.stdio.stdout
                } else {
                    &mut host.stdio.stderr
                };
                let _ = writeln!(out, "{}", line.join(" "));
                Ok(Value::Undefined)
            }),
        );
    }
    g.set("console", Value::Object(console));

    // The Go object: what syscall/js reaches as `jsGo`.
    let go = host.go.clone();
    go.set("_pendingEvent", Value::Null);
    go.set(
        "_makeFuncWrapper",
        native(|_, _, args| {
            let id = arg(args, 0).to_number();
            Ok(Value::Object(Obj::new(
                Class::Function,
                Kind::Function(Function {
                    call: Callable::Go(id as u32),
                    construct: None,
                    instances: None,
                }),
            )))
        }),
    );
}

use std::io::Write as _;

fn object_of(v: &Value) -> Value {
    match v {
        Value::Object(_) => v.clone(),
        _ => Value::Object(Obj::plain()),
    }
}

/// `Object.keys(v)`.
pub fn own_keys(v: &Value) -> Vec<String> {
    let Value::Object(o) = v else {
        return Vec::new();
    };
    let data = o.borrow();
    let mut keys: Vec<String> = match &data.kind {
        Kind::Array(items) => (0..items.len()).map(|i| i.to_string()).collect(),
        Kind::Typed(t) => (0..t.len).map(|i| i.to_string()).collect(),
        _ => Vec::new(),
    };
    // message, name and stack are not enumerable on errors.
    let enumerable =
        |k: &str| data.class != Class::Error || !matches!(k, "message" | "name" | "stack");
    // JS orders integer-like keys first, ascending, then the others in insertion order.
    let mut indices: Vec<(u32, String)> = Vec::new();
    let mut others = Vec::new();
    for k in data.props.keys().filter(|k| enumerable(k)) {
        match array_index(k) {
            Some(i) => indices.push((i, k.to_string())),
            None => others.push(k.to_string()),
        }
    }
    indices.sort();
    keys.extend(indices.into_iter().map(|(_, k)| k));
    keys.extend(others);
    keys
}

/// A canonical array index (`"0"`, `"17"`, not `"01"` or `"-1"`), below 2^32 - 1.
fn array_index(k: &str) -> Option<u32> {
    if k.is_empty() || (k.len() > 1 && k.starts_with('0')) || !k.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    k.parse::<u32>().ok().filter(|i| *i != u32::MAX)
}

fn new_typed(g: &mut dyn Guest, kind: TypedKind, args: &[Value]) -> JsResult {
    let array = match arg(args, 0) {
        Value::Undefined => TypedArray::zeroed(kind, 0),
        Value::Number(n) => {
            if n.fract() != 0.0 || n < 0.0 || n > (1u64 << 32) as f64 {
                return Err(Throw::Value(Value::Object(Obj::error(
                    "RangeError",
                    &format!("Invalid typed array length: {}", crate::jsnum::format(n)),
                ))));
            }
            TypedArray::zeroed(kind, n as usize)
        }
        source @ Value::Object(_) => {
            let items: Vec<f64> = match ops::typed(&source) {
                Some(t) => t.numbers(),
                None => {
                    let len = ops::length(g.host(), &source)?;
                    let len = if len.is_nan() { 0 } else { len as usize };
                    let mut v = Vec::with_capacity(len);
                    for i in 0..len {
                        v.push(ops::get(g.host(), &source, &i.to_string())?.to_number());
                    }
                    v
                }
            };
            let t = TypedArray::zeroed(kind, items.len());
            for (i, n) in items.into_iter().enumerate() {
                t.set(i, n);
            }
            t
        }
        _ => TypedArray::zeroed(kind, 0),
    };
    Ok(Value::Object(Obj::typed(array)))
}

fn now_ms(host: &Host) -> f64 {
    host.clock.walltime().as_millis() as f64
}

fn time_clip(t: f64) -> f64 {
    if t.is_finite() && t.abs() <= 8.64e15 {
        t.trunc() + 0.0
    } else {
        f64::NAN
    }
}

fn civil(t: f64) -> (i64, u32, u32, u32, u32, u32, u32, u32) {
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
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    let weekday = (days + 4).rem_euclid(7) as u32;
    let (h, mi, s, milli) = (
        (rem / 3_600_000) as u32,
        (rem / 60_000 % 60) as u32,
        (rem / 1000 % 60) as u32,
        (rem % 1000) as u32,
    );
    (y, m, d, h, mi, s, milli, weekday)
}

fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
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
    let (y, m, d, h, mi, s, _, wd) = civil(t);
    format!(
        "{} {} {d:02} {y:04} {h:02}:{mi:02}:{s:02} GMT+0000 (Coordinated Universal Time)",
        DAYS[wd as usize],
        MONTHS[m as usize - 1]
    )
}

fn iso_string(t: f64) -> String {
    let (y, m, d, h, mi, s, ms, _) = civil(t);
    format!("{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{ms:03}Z")
}

fn math() -> Obj {
    let m = Obj::plain();
    m.set("PI", Value::Number(std::f64::consts::PI));
    m.set("E", Value::Number(std::f64::consts::E));
    type Unary = fn(f64) -> f64;
    let unary: [(&str, Unary); 9] = [
        ("floor", f64::floor),
        ("ceil", f64::ceil),
        ("abs", f64::abs),
        ("sqrt", f64::sqrt),
        ("trunc", f64::trunc),
        ("round", |x| (x + 0.5).floor()),
        ("sign", |x| {
            if x.is_nan() || x == 0.0 {
                x
            } else {
                x.signum()
            }
        }),
        ("log", f64::ln),
        ("exp", f64::exp),
    ];
    for (name, f) in unary {
        m.set(
            name,
            native(move |_, _, args| Ok(Value::Number(f(arg(args, 0).to_number())))),
        );
    }
    m.set(
        "pow",
        native(|_, _, args| {
            Ok(Value::Number(
                arg(args, 0).to_number().powf(arg(args, 1).to_number()),
            ))
        }),
    );
    m.set(
        "max",
        native(|_, _, args| {
            Ok(Value::Number(args.iter().map(Value::to_number).fold(
                f64::NEG_INFINITY,
                |a, b| {
                    if a.is_nan() || b.is_nan() {
                        f64::NAN
                    } else {
                        a.max(b)
                    }
                },
            )))
        }),
    );
    m.set(
        "min",
        native(|_, _, args| {
            Ok(Value::Number(args.iter().map(Value::to_number).fold(
                f64::INFINITY,
                |a, b| {
                    if a.is_nan() || b.is_nan() {
                        f64::NAN
                    } else {
                        a.min(b)
                    }
                },
            )))
        }),
    );
    m.set(
        "random",
        native(|_, _, _| {
            let mut b = [0u8; 8];
            let _ = getrandom::fill(&mut b);
            Ok(Value::Number(
                (u64::from_le_bytes(b) >> 11) as f64 / (1u64 << 53) as f64,
            ))
        }),
    );
    m
}

fn process(info: &crate::host::ProcessInfo) -> Obj {
    let p = Obj::plain();
    p.set("pid", Value::Number(info.pid));
    p.set("ppid", Value::Number(info.ppid));
    p.set("platform", Value::from("linux"));
    for name in ["getuid", "geteuid"] {
        p.set(
            name,
            native(|g, _, _| Ok(Value::Number(g.host().process.uid))),
        );
    }
    for name in ["getgid", "getegid"] {
        p.set(
            name,
            native(|g, _, _| Ok(Value::Number(g.host().process.gid))),
        );
    }
    p.set(
        "getgroups",
        native(|g, _, _| {
            Ok(Value::Object(Obj::array(vec![Value::Number(
                g.host().process.gid,
            )])))
        }),
    );
    p.set(
        "umask",
        native(|g, _, args| {
            let host = g.host();
            let old = host.process.umask;
            if let Value::Number(n) = arg(args, 0) {
                host.process.umask = (n as u32 & 0o777) as f64;
            }
            Ok(Value::Number(old))
        }),
    );
    p.set(
        "cwd",
        native(|g, _, _| Ok(Value::from(g.host().cwd.clone()))),
    );
    p.set(
        "chdir",
        native(|g, _, args| {
            let target = arg(args, 0).to_js_string();
            let host = g.host();
            let path = resolve(&host.cwd, &[target.as_str()]);
            crate::fs::check_dir(host, &path)?;
            host.cwd = path;
            Ok(Value::Undefined)
        }),
    );
    p
}

/// Node's `path.resolve`: join segments onto `cwd` (an absolute one restarts), normalise.
pub fn resolve(cwd: &str, segments: &[&str]) -> String {
    let mut parts: Vec<&str> = Vec::new();
    let mut all = vec![cwd];
    all.extend_from_slice(segments);
    for seg in all {
        if seg.starts_with('/') {
            parts.clear();
        }
        for p in seg.split('/') {
            match p {
                "" | "." => {}
                ".." => {
                    parts.pop();
                }
                p => parts.push(p),
            }
        }
    }
    format!("/{}", parts.join("/"))
}

fn path() -> Obj {
    let p = Obj::plain();
    p.set("sep", Value::from("/"));
    p.set(
        "resolve",
        native(|g, _, args| {
            let segs: Vec<String> = args.iter().map(Value::to_js_string).collect();
            let refs: Vec<&str> = segs.iter().map(String::as_str).collect();
            Ok(Value::from(resolve(&g.host().cwd, &refs)))
        }),
    );
    p.set(
        "join",
        native(|_, _, args| {
            let segs: Vec<String> = args
                .iter()
                .map(Value::to_js_string)
                .filter(|s| !s.is_empty())
                .collect();
            let joined = segs.join("/");
            let abs = joined.starts_with('/');
            let norm = resolve("/", &[joined.as_str()]);
            Ok(Value::from(if abs {
                norm
            } else if norm == "/" {
                ".".into()
            } else {
                norm[1..].to_string()
            }))
        }),
    );
    p
}

/// The built-in method `key` that objects of `class` inherit, made once per host.
pub fn method(host: &mut Host, class: Class, key: &str) -> Option<Obj> {
    let (name, f) = lookup_method(class, key)?;
    Some(
        host.methods
            .entry((class, name))
            .or_insert_with(|| Obj::native(f))
            .clone(),
    )
}

fn this_typed(this: &Value) -> JsResult<TypedArray> {
    ops::typed(this).map_or_else(|| type_error("this is not a typed array"), Ok)
}

fn relative(v: &Value, len: usize, default: usize) -> usize {
    match v {
        Value::Undefined => default,
        v => {
            let n = v.to_number();
            let n = if n.is_nan() { 0.0 } else { n.trunc() };
            if n < 0.0 {
                (len as f64 + n).max(0.0) as usize
            } else {
                n.min(len as f64) as usize
            }
        }
    }
}

fn with_array<R>(this: &Value, f: impl FnOnce(&mut Vec<Value>) -> R) -> JsResult<R> {
    match this {
        Value::Object(o) => match &mut o.borrow_mut().kind {
            Kind::Array(items) => Ok(f(items)),
            _ => type_error("this is not an array"),
        },
        _ => type_error("this is not an array"),
    }
}

fn lookup_method(class: Class, key: &str) -> Option<(&'static str, NativeFn)> {
    let f: (&'static str, NativeFn) = match (class, key) {
        (Class::Array, "push") => (
            "push",
            Rc::new(|_, this, args| {
                with_array(this, |items| {
                    items.extend_from_slice(args);
                    Value::Number(items.len() as f64)
                })
            }),
        ),
        (Class::Array, "pop") => (
            "pop",
            Rc::new(|_, this, _| with_array(this, |items| items.pop().unwrap_or_default())),
        ),
        (Class::Array, "shift") => (
            "shift",
            Rc::new(|_, this, _| {
                with_array(this, |items| {
                    if items.is_empty() {
                        Value::Undefined
                    } else {
                        items.remove(0)
                    }
                })
            }),
        ),
        (Class::Array, "indexOf") => (
            "indexOf",
            Rc::new(|_, this, args| {
                let needle = arg(args, 0);
                with_array(this, |items| {
                    Value::Number(
                        items
                            .iter()
                            .position(|v| v.strict_eq(&needle))
                            .map_or(-1.0, |i| i as f64),
                    )
                })
            }),
        ),
        (Class::Array, "includes") => (
            "includes",
            Rc::new(|_, this, args| {
                let needle = arg(args, 0);
                with_array(this, |items| {
                    Value::Bool(items.iter().any(|v| v.strict_eq(&needle)))
                })
            }),
        ),
        (Class::Array, "join") => (
            "join",
            Rc::new(|_, this, args| {
                let sep = match arg(args, 0) {
                    Value::Undefined => ",".to_string(),
                    v => v.to_js_string(),
                };
                with_array(this, |items| {
                    Value::from(
                        items
                            .iter()
                            .map(|v| match v {
                                Value::Undefined | Value::Null => String::new(),
                                v => v.to_js_string(),
                            })
                            .collect::<Vec<_>>()
                            .join(&sep),
                    )
                })
            }),
        ),
        (Class::Array, "slice") => (
            "slice",
            Rc::new(|_, this, args| {
                with_array(this, |items| {
                    let len = items.len();
                    let start = relative(&arg(args, 0), len, 0);
                    let end = relative(&arg(args, 1), len, len).max(start);
                    Value::Object(Obj::array(items[start..end].to_vec()))
                })
            }),
        ),
        (Class::Typed(_), "subarray") => (
            "subarray",
            Rc::new(|_, this, args| {
                let t = this_typed(this)?;
                let start = relative(&arg(args, 0), t.len, 0);
                let end = relative(&arg(args, 1), t.len, t.len).max(start);
                Ok(Value::Object(Obj::typed(TypedArray {
                    offset: t.offset + start * t.kind.size(),
                    len: end - start,
                    ..t
                })))
            }),
        ),
        (Class::Typed(_), "slice") => (
            "slice",
            Rc::new(|_, this, args| {
                let t = this_typed(this)?;
                let start = relative(&arg(args, 0), t.len, 0);
                let end = relative(&arg(args, 1), t.len, t.len).max(start);
                let size = t.kind.size();
                let bytes = t.with(|b| b[start * size..end * size].to_vec());
                Ok(Value::Object(Obj::typed(TypedArray::from_bytes(
                    t.kind, bytes,
                ))))
            }),
        ),
        (Class::Typed(_), "fill") => (
            "fill",
            Rc::new(|_, this, args| {
                let t = this_typed(this)?;
                let v = arg(args, 0).to_number();
                let start = relative(&arg(args, 1), t.len, 0);
                let end = relative(&arg(args, 2), t.len, t.len);
                for i in start..end {
                    t.set(i, v);
                }
                Ok(this.clone())
            }),
        ),
        (Class::Typed(_), "set") => (
            "set",
            Rc::new(|g, this, args| {
                let t = this_typed(this)?;
                let source = arg(args, 0);
                let offset = relative(&arg(args, 1), usize::MAX, 0);
                let items: Vec<f64> = match ops::typed(&source) {
                    Some(s) => s.numbers(),
                    None => {
                        let len = ops::length(g.host(), &source)?;
                        let len = if len.is_nan() { 0 } else { len as usize };
                        let mut v = Vec::with_capacity(len);
                        for i in 0..len {
                            v.push(ops::get(g.host(), &source, &i.to_string())?.to_number());
                        }
                        v
                    }
                };
                if offset.saturating_add(items.len()) > t.len {
                    return Err(Throw::Value(Value::Object(Obj::error(
                        "RangeError",
                        "offset is out of bounds",
                    ))));
                }
                for (i, n) in items.into_iter().enumerate() {
                    t.set(offset + i, n);
                }
                Ok(Value::Undefined)
            }),
        ),
        (Class::Date, "getTime" | "valueOf") => (
            "getTime",
            Rc::new(|_, this, _| Ok(Value::Number(this.to_number()))),
        ),
        (Class::Date, "getTimezoneOffset") => (
            "getTimezoneOffset",
            Rc::new(|_, this, _| {
                Ok(Value::Number(if this.to_number().is_nan() {
                    f64::NAN
                } else {
                    0.0
                }))
            }),
        ),
        (Class::Date, "toISOString" | "toJSON") => (
            "toISOString",
            Rc::new(|_, this, _| {
                let t = this.to_number();
                if t.is_nan() {
                    return Err(Throw::Value(Value::Object(Obj::error(
                        "RangeError",
                        "Invalid time value",
                    ))));
                }
                Ok(Value::from(iso_string(t)))
            }),
        ),
        (Class::Function, "call") => (
            "call",
            Rc::new(|g, this, args| {
                let this_arg = arg(args, 0);
                ops::call(g, this, &this_arg, args.get(1..).unwrap_or(&[]))
            }),
        ),
        (Class::Function, "apply") => (
            "apply",
            Rc::new(|g, this, args| {
                let this_arg = arg(args, 0);
                let list = match arg(args, 1) {
                    Value::Object(o) => match &o.borrow().kind {
                        Kind::Array(items) => items.clone(),
                        _ => Vec::new(),
                    },
                    _ => Vec::new(),
                };
                ops::call(g, this, &this_arg, &list)
            }),
        ),
        (_, "hasOwnProperty") => (
            "hasOwnProperty",
            Rc::new(|_, this, args| {
                let key = arg(args, 0).to_js_string();
                Ok(Value::Bool(
                    own_keys(this).contains(&key)
                        || matches!(this, Value::Object(o) if o.borrow().props.contains_key(key.as_str())),
                ))
            }),
        ),
        (_, "toString") => (
            "toString",
            Rc::new(|_, this, _| Ok(Value::from(this.to_js_string()))),
        ),
        _ => return None,
    };
    Some(f)
}
