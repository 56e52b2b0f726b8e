//! The `syscall/js.*` imports: Go's view of the JS world through the value table.
//!
//! Each reads its arguments at Go's stack pointer. The common case needs no JS code to run (a
//! data property, a plain assignment) and is served while the property name is still borrowed
//! from guest memory; a getter, setter, proxy trap or `toString` may run Go code, which can
//! move Go's stack, so those paths finish outside the memory borrow and ask the guest for its
//! stack pointer again if Go code ran.

use crate::abi::{js_int64, Frame, Memory as _};
use crate::error::Abort;
use crate::guest::{with_memory, Guest};
use crate::host::Host;
use crate::js::conversions;
use crate::js::ops::{self, Key};
use crate::js::{JsStr, Obj, Realm, Throw, Value};

/// A JS exception escaping an import that has no error result: wasm_exec.js would let it
/// propagate out of the guest, which ends the program.
pub fn uncaught(realm: &Realm, t: Throw) -> Abort {
    match t {
        Throw::Abort(a) => a,
        Throw::Value(v) => Abort::Trap(format!(
            "uncaught JavaScript exception: {}",
            conversions::display(realm, &v)
        )),
    }
}

/// Go's stack pointer after host code that may have run Go code since `entries`.
fn current_sp(g: &mut dyn Guest, sp: u32, entries: u64) -> Result<u32, Abort> {
    if g.host().reentries == entries {
        Ok(sp)
    } else {
        g.getsp()
    }
}

/// Runs `op` (which may run Go code), then stores with `store` at the right stack pointer.
fn slow<R>(
    g: &mut dyn Guest,
    sp: u32,
    op: impl FnOnce(&mut dyn Guest) -> Result<R, Throw>,
    store: impl FnOnce(&mut Frame<'_>, &mut Host, R) -> Result<(), Abort>,
) -> Result<(), Abort> {
    let entries = g.host().reentries;
    let r = op(g).map_err(|t| uncaught(&g.host().realm, t))?;
    let sp = current_sp(g, sp, entries)?;
    with_memory(g, |mem, host| store(&mut Frame::new(mem, sp), host, r))
}

pub fn finalize_ref(g: &mut dyn Guest, sp: u32) -> Result<(), Abort> {
    with_memory(g, |mem, host| {
        let id = Frame::new(mem, sp).u32(8)?;
        host.table.release(id);
        Ok(())
    })
}

pub fn string_val(g: &mut dyn Guest, sp: u32) -> Result<(), Abort> {
    with_memory(g, |mem, host| {
        let mut f = Frame::new(mem, sp);
        let s = JsStr::from(&*f.str(8)?);
        f.set_value(24, &Value::String(s), &mut host.table)
    })
}

/// A property read: the data property while the name is borrowed, else `Reflect.get`.
fn get_at(g: &mut dyn Guest, sp: u32, key_off: u64, index: bool, out: u64) -> Result<(), Abort> {
    let pending = with_memory(g, |mem, host| {
        let mut f = Frame::new(mem, sp);
        let target = f.value(8, &host.table)?;
        let key: Vec<u8>;
        let name = if index {
            key = f.i64(key_off)?.to_string().into_bytes();
            std::borrow::Cow::Borrowed(&key[..])
        } else {
            match f.str(key_off)? {
                std::borrow::Cow::Borrowed(s) => std::borrow::Cow::Borrowed(s.as_bytes()),
                std::borrow::Cow::Owned(s) => std::borrow::Cow::Owned(s.into_bytes()),
            }
        };
        let found = match &target {
            Value::Object(o) => ops::get_data(&host.realm, o, &name),
            _ => Ok(None),
        };
        match found {
            Ok(v) if target.as_object().is_some() => {
                f.set_value(out, &v.unwrap_or_default(), &mut host.table)?;
                Ok(None)
            }
            _ => Ok(Some((target, name.into_owned()))),
        }
    })?;
    let Some((target, name)) = pending else {
        return Ok(());
    };
    slow(
        g,
        sp,
        |g| ops::get(g, &target, &name),
        |f, host, v| f.set_value(out, &v, &mut host.table),
    )
}

/// An assignment: a plain one while the name is borrowed, else `Reflect.set`.
fn set_at(g: &mut dyn Guest, sp: u32, key_off: u64, index: bool, val: u64) -> Result<(), Abort> {
    let pending = with_memory(g, |mem, host| {
        let f = Frame::new(mem, sp);
        let target = f.value(8, &host.table)?;
        let v = f.value(val, &host.table)?;
        let name: Vec<u8> = if index {
            f.i64(key_off)?.to_string().into_bytes()
        } else {
            let s = f.str(key_off)?;
            if let Value::Object(o) = &target {
                if let Ok(r) = ops::set_data(&host.realm, o, s.as_bytes(), v.clone()) {
                    return r
                        .map(drop)
                        .map(|_| None)
                        .map_err(|t| uncaught(&host.realm, t));
                }
            }
            s.into_owned().into_bytes()
        };
        Ok(Some((target, name, v)))
    })?;
    let Some((target, name, v)) = pending else {
        return Ok(());
    };
    slow(g, sp, |g| ops::set(g, &target, &name, v), |_, _, _| Ok(()))
}

pub fn value_get(g: &mut dyn Guest, sp: u32) -> Result<(), Abort> {
    get_at(g, sp, 16, false, 32)
}

pub fn value_set(g: &mut dyn Guest, sp: u32) -> Result<(), Abort> {
    set_at(g, sp, 16, false, 32)
}

pub fn value_index(g: &mut dyn Guest, sp: u32) -> Result<(), Abort> {
    get_at(g, sp, 16, true, 24)
}

pub fn value_set_index(g: &mut dyn Guest, sp: u32) -> Result<(), Abort> {
    set_at(g, sp, 16, true, 24)
}

pub fn value_delete(g: &mut dyn Guest, sp: u32) -> Result<(), Abort> {
    let (target, name) = with_memory(g, |mem, host| {
        let f = Frame::new(mem, sp);
        Ok((f.value(8, &host.table)?, f.string(16)?))
    })?;
    slow(
        g,
        sp,
        |g| ops::delete(g, &target, Key::Str(name.as_bytes())),
        |_, _, _| Ok(()),
    )
}

/// Stores the `(ref, bool)` result of valueCall/valueInvoke/valueNew at `off`. If the call ran
/// Go code (`reentries` moved on from `entries`), the stack may have moved: SP is asked again.
fn store_outcome(
    g: &mut dyn Guest,
    sp: u32,
    entries: u64,
    off: u64,
    outcome: Result<Value, Throw>,
) -> Result<(), Abort> {
    let (v, ok) = match outcome {
        Ok(v) => (v, true),
        Err(Throw::Value(e)) => (e, false),
        Err(Throw::Abort(a)) => return Err(a),
    };
    let sp = current_sp(g, sp, entries)?;
    with_memory(g, |mem, host| {
        let mut f = Frame::new(mem, sp);
        f.set_value(off, &v, &mut host.table)?;
        f.set_bool(off + 8, ok)
    })
}

pub fn value_call(g: &mut dyn Guest, sp: u32) -> Result<(), Abort> {
    // The method is looked up while the name can still be borrowed from guest memory.
    let (this, method, args) = with_memory(g, |mem, host| {
        let f = Frame::new(mem, sp);
        let this = f.value(8, &host.table)?;
        let name = f.str(16)?;
        let method = match &this {
            Value::Object(o) => match ops::get_data(&host.realm, o, name.as_bytes()) {
                Ok(m) => Ok(m.unwrap_or_default()),
                Err(_) => Err(name.into_owned()),
            },
            _ => Err(name.into_owned()),
        };
        Ok((this, method, f.values(32, &host.table)?))
    })?;
    let entries = g.host().reentries;
    let method = match method {
        Ok(m) => Ok(m),
        Err(name) => ops::get(g, &this, name.as_bytes()),
    };
    let outcome = method.and_then(|m| ops::call(g, &m, &this, &args));
    store_outcome(g, sp, entries, 56, outcome)
}

pub fn value_invoke(g: &mut dyn Guest, sp: u32) -> Result<(), Abort> {
    let (func, args) = with_memory(g, |mem, host| {
        let f = Frame::new(mem, sp);
        Ok((f.value(8, &host.table)?, f.values(16, &host.table)?))
    })?;
    let entries = g.host().reentries;
    let outcome = ops::call(g, &func, &Value::Undefined, &args);
    store_outcome(g, sp, entries, 40, outcome)
}

pub fn value_new(g: &mut dyn Guest, sp: u32) -> Result<(), Abort> {
    let (ctor, args) = with_memory(g, |mem, host| {
        let f = Frame::new(mem, sp);
        Ok((f.value(8, &host.table)?, f.values(16, &host.table)?))
    })?;
    let entries = g.host().reentries;
    let outcome = ops::construct(g, &ctor, &args);
    store_outcome(g, sp, entries, 40, outcome)
}

pub fn value_length(g: &mut dyn Guest, sp: u32) -> Result<(), Abort> {
    let v = with_memory(g, |mem, host| Frame::new(mem, sp).value(8, &host.table))?;
    slow(
        g,
        sp,
        |g| conversions::length(g, &v),
        |f, _, len| f.set_i64(16, js_int64(len)),
    )
}

pub fn value_prepare_string(g: &mut dyn Guest, sp: u32) -> Result<(), Abort> {
    let v = with_memory(g, |mem, host| Frame::new(mem, sp).value(8, &host.table))?;
    // `String(v)`: an object's `toString` may be Go code. TextEncoder makes lone surrogates
    // U+FFFD.
    slow(
        g,
        sp,
        |g| match v.primitive_string() {
            Some(s) => Ok(s),
            None => conversions::string_of(g, &v),
        },
        |f, host, text| {
            let bytes = text.to_str_lossy().into_owned().into_bytes();
            let len = bytes.len();
            f.set_value(16, &Value::Object(Obj::bytes(bytes)), &mut host.table)?;
            f.set_i64(24, len as i64)
        },
    )
}

pub fn value_load_string(g: &mut dyn Guest, sp: u32) -> Result<(), Abort> {
    with_memory(g, |mem, host| {
        let f = Frame::new(mem, sp);
        let v = f.value(8, &host.table)?;
        let (ptr, len) = f.slice(16)?;
        let Some(t) = ops::typed(&v) else {
            return Err(Abort::Fault(
                "valueLoadString on a value that is not a prepared string".into(),
            ));
        };
        t.with(|b| {
            let n = (len as usize).min(b.len());
            f.mem.write_at(ptr, &b[..n])
        })
    })
}

pub fn value_instance_of(g: &mut dyn Guest, sp: u32) -> Result<(), Abort> {
    let (v, t) = with_memory(g, |mem, host| {
        let f = Frame::new(mem, sp);
        Ok((f.value(8, &host.table)?, f.value(16, &host.table)?))
    })?;
    slow(
        g,
        sp,
        |g| ops::instance_of(g, &v, &t),
        |f, _, r| f.set_bool(24, r),
    )
}

pub fn copy_bytes_to_go(g: &mut dyn Guest, sp: u32) -> Result<(), Abort> {
    with_memory(g, |mem, host| {
        let mut f = Frame::new(mem, sp);
        let (dst, dst_len) = f.slice(8)?;
        let src = f.value(32, &host.table)?;
        let Some(view) = src.as_object().and_then(|o| o.byte_view()) else {
            return f.set_bool(48, false);
        };
        let n = view.with(|b| {
            let n = (dst_len as usize).min(b.len());
            f.mem.write_at(dst, &b[..n]).map(|_| n)
        })?;
        f.set_i64(40, n as i64)?;
        f.set_bool(48, true)
    })
}

pub fn copy_bytes_to_js(g: &mut dyn Guest, sp: u32) -> Result<(), Abort> {
    with_memory(g, |mem, host| {
        let mut f = Frame::new(mem, sp);
        let dst = f.value(8, &host.table)?;
        let (src, src_len) = f.slice(16)?;
        let Some(view) = dst.as_object().and_then(|o| o.byte_view()) else {
            return f.set_bool(48, false);
        };
        let n = view.with(|b| {
            let n = (src_len as usize).min(b.len());
            f.mem.read_at(src, &mut b[..n]).map(|_| n)
        })?;
        f.set_i64(40, n as i64)?;
        f.set_bool(48, true)
    })
}
