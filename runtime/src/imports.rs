//! The `gojs` import module: what wasm_exec.js's `importObject.gojs` provides, engine-agnostic.
//! Every function takes Go's stack pointer and reads its arguments / writes its results at fixed
//! offsets from it (see [`crate::abi`]).

use crate::abi::{Frame, Memory as _};
use crate::error::Abort;
use crate::guest::{with_memory, Guest};
use crate::syscall_js;

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
        "syscall/js.finalizeRef" => syscall_js::finalize_ref,
        "syscall/js.stringVal" => syscall_js::string_val,
        "syscall/js.valueGet" => syscall_js::value_get,
        "syscall/js.valueSet" => syscall_js::value_set,
        "syscall/js.valueDelete" => syscall_js::value_delete,
        "syscall/js.valueIndex" => syscall_js::value_index,
        "syscall/js.valueSetIndex" => syscall_js::value_set_index,
        "syscall/js.valueCall" => syscall_js::value_call,
        "syscall/js.valueInvoke" => syscall_js::value_invoke,
        "syscall/js.valueNew" => syscall_js::value_new,
        "syscall/js.valueLength" => syscall_js::value_length,
        "syscall/js.valuePrepareString" => syscall_js::value_prepare_string,
        "syscall/js.valueLoadString" => syscall_js::value_load_string,
        "syscall/js.valueInstanceOf" => syscall_js::value_instance_of,
        "syscall/js.copyBytesToGo" => syscall_js::copy_bytes_to_go,
        "syscall/js.copyBytesToJS" => syscall_js::copy_bytes_to_js,
        _ => return None,
    };
    Some(Import::Sp(f))
}

/// Runs a `gojs` import, turning a panic of host code (ours or an embedder's closure) into a
/// trap of this guest, so a host bug stops the guest with an error instead of unwinding
/// through the engine into the embedder.
pub fn guarded(f: SpFn, g: &mut dyn Guest, sp: u32) -> Result<(), Abort> {
    // An interpreter notices a deadline only between instructions it counts: time spent in
    // host calls counts too. wasmer's watchdog also leans on this check: it holds its
    // interrupt signal back until shortly after the deadline, so that a guest calling the host
    // is stopped here, not by a signal landing in wasmer's trampolines.
    if g.host().deadline_passed() {
        return Err(Abort::Interrupted);
    }
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(g, sp)))
        .unwrap_or_else(|payload| Err(panic_trap("in a gojs import", payload)))?;
    // What the import made is charged by now: the guest cannot go on past its JS heap limit.
    g.host().check_js_heap()
}

pub use crate::abort::panic_trap;

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
        // Borrowed, bounds-checked before anything is allocated for it.
        let buf = f.mem.bytes_at(ptr, n)?;
        let Some(out) = host.stdio().out(fd) else {
            return Err(Abort::Fault(format!("wasmWrite to fd {fd}")));
        };
        let _ = out.write_all(buf);
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
        let id = host.go_timers.schedule(&mut host.realm.timers, delay);
        f.set_i32(16, id)
    })
}

fn clear_timeout_event(g: &mut dyn Guest, sp: u32) -> Result<(), Abort> {
    with_memory(g, |mem, host| {
        let id = Frame::new(mem, sp).i32(8)?;
        host.go_timers.clear(&mut host.realm.timers, id);
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
        f.mem.write_at(f.slice(8)?.0, &buf)
    })
}

/// `gojs.debug(value)`: wasm_exec.js logs the value to the console.
pub fn debug(g: &mut dyn Guest, value: i32) -> Result<(), Abort> {
    let _ = writeln!(g.host().stdio().stdout, "{value}");
    Ok(())
}
