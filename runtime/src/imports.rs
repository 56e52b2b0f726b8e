//! The `gojs` import module: what wasm_exec.js's `importObject.gojs` provides, engine-agnostic.
//! Every function takes Go's stack pointer and reads its arguments / writes its results at fixed
//! offsets from it (see [`crate::abi`]).

use crate::abi::{js_int64, Frame};
use crate::error::Abort;
use crate::guest::{with_memory, Guest};
use crate::js::{ops, Realm, Throw, Value};

/// A `gojs` import: `(guest, sp)`.
pub type SpFn = fn(&mut dyn Guest, u32) -> Result<(), Abort>;

/// How an import is linked.
#[derive(Clone, Copy)]
pub enum Import {
    /// `(sp i32) -> ()`, the convention of every `gojs` function.
    Sp(SpFn),
    /// `gojs.debug(value i32)`: prints the value.
    Debug,
    /// `_gotest.add(a i32, b i32) -> i32`, imported by Go's own `syscall/js` tests.
    TestAdd,
    /// `_gotest.callExport(a i32, b i64) -> i64`: calls the guest's `testExport0` and
    /// `testExport` exports.
    TestCallExport,
}

/// The import `module::name`, if this runtime provides it. Go 1.21+ imports from `gojs`; older
/// toolchains from `go`.
pub fn lookup(module: &str, name: &str) -> Option<Import> {
    match module {
        "gojs" | "go" => {}
        "_gotest" => {
            return match name {
                "add" => Some(Import::TestAdd),
                "callExport" => Some(Import::TestCallExport),
                _ => None,
            }
        }
        _ => return None,
    }
    let f: SpFn = match name {
        "debug" => return Some(Import::Debug),
        "runtime.wasmExit" => wasm_exit,
        "runtime.wasmWrite" => wasm_write,
        "runtime.resetMemoryDataView" => |_, _| Ok(()),
        "runtime.nanotime1" | "runtime.nanotime" => nanotime1,
        "runtime.walltime" | "runtime.walltime1" => walltime,
        "runtime.scheduleTimeoutEvent" => schedule_timeout_event,
        "runtime.clearTimeoutEvent" => clear_timeout_event,
        "runtime.getRandomData" => get_random_data,
        "syscall/js.finalizeRef" => finalize_ref,
        "syscall/js.stringVal" => string_val,
        "syscall/js.valueGet" => value_get,
        "syscall/js.valueSet" => value_set,
        "syscall/js.valueDelete" => value_delete,
        "syscall/js.valueIndex" => value_index,
        "syscall/js.valueSetIndex" => value_set_index,
        "syscall/js.valueCall" => value_call,
        "syscall/js.valueInvoke" => value_invoke,
        "syscall/js.valueNew" => value_new,
        "syscall/js.valueLength" => value_length,
        "syscall/js.valuePrepareString" => value_prepare_string,
        "syscall/js.valueLoadString" => value_load_string,
        "syscall/js.valueInstanceOf" => value_instance_of,
        "syscall/js.copyBytesToGo" => copy_bytes_to_go,
        "syscall/js.copyBytesToJS" => copy_bytes_to_js,
        _ => return None,
    };
    Some(Import::Sp(f))
}

/// Runs a `gojs` import, turning a panic of host code (ours or an embedder's closure) into a
/// trap of this guest, so a host bug stops the guest with an error instead of unwinding
/// through the engine into the embedder.
pub fn guarded(f: SpFn, g: &mut dyn Guest, sp: u32) -> Result<(), Abort> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(g, sp)))
        .unwrap_or_else(|payload| Err(panic_trap("in a gojs import", payload)))
}

pub use crate::abort::panic_trap;

/// A JS exception escaping an import that has no error result: wasm_exec.js would let it
/// propagate out of the guest, which ends the program.
fn uncaught(realm: &Realm, t: Throw) -> Abort {
    match t {
        Throw::Abort(a) => a,
        Throw::Value(v) => Abort::Trap(format!(
            "uncaught JavaScript exception: {}",
            ops::display(realm, &v)
        )),
    }
}

fn wasm_exit(g: &mut dyn Guest, sp: u32) -> Result<(), Abort> {
    let code = with_memory(g, |mem, _| Frame::new(mem, sp).i32(8))?;
    let host = g.host();
    host.exited = Some(code);
    host.stdio().flush();
    Err(Abort::Exit(code))
}

use std::io::Write as _;

fn wasm_write(g: &mut dyn Guest, sp: u32) -> Result<(), Abort> {
    with_memory(g, |mem, host| {
        let f = Frame::new(mem, sp);
        let fd = f.i64(8)?;
        let ptr = f.usize(16)?;
        let n = f.i32(24)?;
        let n = u64::try_from(n).map_err(|_| Abort::Fault(format!("wasmWrite of {n} bytes")))?;
        let mut buf = vec![0u8; n as usize];
        f.mem.read(ptr, &mut buf)?;
        let Some(out) = host.stdio().out(fd) else {
            return Err(Abort::Fault(format!("wasmWrite to fd {fd}")));
        };
        let _ = out.write_all(&buf);
        let _ = out.flush();
        Ok(())
    })
}

fn nanotime1(g: &mut dyn Guest, sp: u32) -> Result<(), Abort> {
    with_memory(g, |mem, host| {
        Frame::new(mem, sp).set_i64(8, host.realm.clock.nanotime())
    })
}

fn walltime(g: &mut dyn Guest, sp: u32) -> Result<(), Abort> {
    with_memory(g, |mem, host| {
        let now = host.realm.clock.walltime();
        let mut f = Frame::new(mem, sp);
        f.set_i64(8, now.as_secs() as i64)?;
        f.set_i32(16, now.subsec_nanos() as i32)
    })
}

fn schedule_timeout_event(g: &mut dyn Guest, sp: u32) -> Result<(), Abort> {
    with_memory(g, |mem, host| {
        let mut f = Frame::new(mem, sp);
        let delay = f.i64(8)?;
        let id = host.timers.schedule(delay);
        f.set_i32(16, id)
    })
}

fn clear_timeout_event(g: &mut dyn Guest, sp: u32) -> Result<(), Abort> {
    with_memory(g, |mem, host| {
        let id = Frame::new(mem, sp).i32(8)?;
        host.timers.clear(id);
        Ok(())
    })
}

fn get_random_data(g: &mut dyn Guest, sp: u32) -> Result<(), Abort> {
    with_memory(g, |mem, _| {
        let f = Frame::new(mem, sp);
        let buf_len = f.slice(8)?.1;
        let mut buf = f.slice_bytes(8)?; // bounds-checked before filling
        debug_assert_eq!(buf.len() as u64, buf_len);
        getrandom::fill(&mut buf).map_err(|e| Abort::Trap(format!("no randomness: {e}")))?;
        f.mem.write(f.slice(8)?.0, &buf)
    })
}

fn finalize_ref(g: &mut dyn Guest, sp: u32) -> Result<(), Abort> {
    with_memory(g, |mem, host| {
        let id = Frame::new(mem, sp).u32(8)?;
        host.table.release(id);
        Ok(())
    })
}

fn string_val(g: &mut dyn Guest, sp: u32) -> Result<(), Abort> {
    with_memory(g, |mem, host| {
        let mut f = Frame::new(mem, sp);
        let s = f.string(8)?;
        f.set_value(24, &Value::from(s), &mut host.table)
    })
}

fn value_get(g: &mut dyn Guest, sp: u32) -> Result<(), Abort> {
    // wasm_exec.js re-reads SP before storing the result, in case a getter ran Go code. Ours
    // cannot (properties are plain values), so the frame stays where it is: one memory borrow.
    with_memory(g, |mem, host| {
        let mut f = Frame::new(mem, sp);
        let target = f.value(8, &host.table)?;
        let result = ops::get(&host.realm, &target, f.str(16)?.as_bytes())
            .map_err(|t| uncaught(&host.realm, t))?;
        f.set_value(32, &result, &mut host.table)
    })
}

fn value_set(g: &mut dyn Guest, sp: u32) -> Result<(), Abort> {
    with_memory(g, |mem, host| {
        let f = Frame::new(mem, sp);
        let target = f.value(8, &host.table)?;
        let v = f.value(32, &host.table)?;
        ops::set(&target, f.str(16)?.as_bytes(), v).map_err(|t| uncaught(&host.realm, t))
    })
}

fn value_delete(g: &mut dyn Guest, sp: u32) -> Result<(), Abort> {
    with_memory(g, |mem, host| {
        let f = Frame::new(mem, sp);
        let target = f.value(8, &host.table)?;
        ops::delete(&target, f.str(16)?.as_bytes()).map_err(|t| uncaught(&host.realm, t))
    })
}

fn value_index(g: &mut dyn Guest, sp: u32) -> Result<(), Abort> {
    with_memory(g, |mem, host| {
        let mut f = Frame::new(mem, sp);
        let target = f.value(8, &host.table)?;
        let i = f.i64(16)?;
        let v = ops::get(&host.realm, &target, i.to_string().as_bytes())
            .map_err(|t| uncaught(&host.realm, t))?;
        f.set_value(24, &v, &mut host.table)
    })
}

fn value_set_index(g: &mut dyn Guest, sp: u32) -> Result<(), Abort> {
    with_memory(g, |mem, host| {
        let f = Frame::new(mem, sp);
        let target = f.value(8, &host.table)?;
        let i = f.i64(16)?;
        let v = f.value(24, &host.table)?;
        ops::set(&target, i.to_string().as_bytes(), v).map_err(|t| uncaught(&host.realm, t))
    })
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
    let sp = if g.host().reentries == entries {
        sp
    } else {
        g.getsp()?
    };
    with_memory(g, |mem, host| {
        let mut f = Frame::new(mem, sp);
        f.set_value(off, &v, &mut host.table)?;
        f.set_bool(off + 8, ok)
    })
}

fn value_call(g: &mut dyn Guest, sp: u32) -> Result<(), Abort> {
    // The method is looked up while the name can still be borrowed from guest memory.
    let (this, method, args) = with_memory(g, |mem, host| {
        let f = Frame::new(mem, sp);
        let this = f.value(8, &host.table)?;
        let method = ops::get(&host.realm, &this, f.str(16)?.as_bytes());
        Ok((this, method, f.values(32, &host.table)?))
    })?;
    let entries = g.host().reentries;
    let outcome = method.and_then(|m| ops::call(g, &m, &this, &args));
    store_outcome(g, sp, entries, 56, outcome)
}

fn value_invoke(g: &mut dyn Guest, sp: u32) -> Result<(), Abort> {
    let (func, args) = with_memory(g, |mem, host| {
        let f = Frame::new(mem, sp);
        Ok((f.value(8, &host.table)?, f.values(16, &host.table)?))
    })?;
    let entries = g.host().reentries;
    let outcome = ops::call(g, &func, &Value::Undefined, &args);
    store_outcome(g, sp, entries, 40, outcome)
}

fn value_new(g: &mut dyn Guest, sp: u32) -> Result<(), Abort> {
    let (ctor, args) = with_memory(g, |mem, host| {
        let f = Frame::new(mem, sp);
        Ok((f.value(8, &host.table)?, f.values(16, &host.table)?))
    })?;
    let entries = g.host().reentries;
    let outcome = ops::construct(g, &ctor, &args);
    store_outcome(g, sp, entries, 40, outcome)
}

fn value_length(g: &mut dyn Guest, sp: u32) -> Result<(), Abort> {
    with_memory(g, |mem, host| {
        let mut f = Frame::new(mem, sp);
        let v = f.value(8, &host.table)?;
        let len = ops::length(&host.realm, &v).map_err(|t| uncaught(&host.realm, t))?;
        f.set_i64(16, js_int64(len))
    })
}

fn value_prepare_string(g: &mut dyn Guest, sp: u32) -> Result<(), Abort> {
    let v = with_memory(g, |mem, host| Frame::new(mem, sp).value(8, &host.table))?;
    // `String(v)`: an object's `toString` may be Go code, which can move the stack.
    let entries = g.host().reentries;
    let text = match v.primitive_string() {
        Some(s) => s,
        None => {
            let s = ops::to_string(g, &v);
            s.map_err(|t| uncaught(&g.host().realm, t))?
        }
    };
    let sp = if g.host().reentries == entries {
        sp
    } else {
        g.getsp()?
    };
    // TextEncoder: lone surrogates become U+FFFD.
    let bytes = text.to_str_lossy().into_owned().into_bytes();
    with_memory(g, |mem, host| {
        let mut f = Frame::new(mem, sp);
        let len = bytes.len();
        let encoded = Value::Object(crate::js::Obj::bytes(bytes));
        f.set_value(16, &encoded, &mut host.table)?;
        f.set_i64(24, len as i64)
    })
}

fn value_load_string(g: &mut dyn Guest, sp: u32) -> Result<(), Abort> {
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
            f.mem.write(ptr, &b[..n])
        })
    })
}

fn value_instance_of(g: &mut dyn Guest, sp: u32) -> Result<(), Abort> {
    with_memory(g, |mem, host| {
        let mut f = Frame::new(mem, sp);
        let v = f.value(8, &host.table)?;
        let t = f.value(16, &host.table)?;
        let r = ops::instance_of(&host.realm, &v, &t).map_err(|t| uncaught(&host.realm, t))?;
        f.set_bool(24, r)
    })
}

fn copy_bytes_to_go(g: &mut dyn Guest, sp: u32) -> Result<(), Abort> {
    with_memory(g, |mem, host| {
        let mut f = Frame::new(mem, sp);
        let (dst, dst_len) = f.slice(8)?;
        let src = f.value(32, &host.table)?;
        let Some(view) = src.as_object().and_then(|o| o.byte_view()) else {
            return f.set_bool(48, false);
        };
        let n = view.with(|b| {
            let n = (dst_len as usize).min(b.len());
            f.mem.write(dst, &b[..n]).map(|_| n)
        })?;
        f.set_i64(40, n as i64)?;
        f.set_bool(48, true)
    })
}

fn copy_bytes_to_js(g: &mut dyn Guest, sp: u32) -> Result<(), Abort> {
    with_memory(g, |mem, host| {
        let mut f = Frame::new(mem, sp);
        let dst = f.value(8, &host.table)?;
        let (src, src_len) = f.slice(16)?;
        let Some(view) = dst.as_object().and_then(|o| o.byte_view()) else {
            return f.set_bool(48, false);
        };
        let n = view.with(|b| {
            let n = (src_len as usize).min(b.len());
            f.mem.read(src, &mut b[..n]).map(|_| n)
        })?;
        f.set_i64(40, n as i64)?;
        f.set_bool(48, true)
    })
}

/// `gojs.debug(value)`: wasm_exec.js logs the value to the console.
pub fn debug(g: &mut dyn Guest, value: i32) -> Result<(), Abort> {
    let _ = writeln!(g.host().stdio().stdout, "{value}");
    Ok(())
}
