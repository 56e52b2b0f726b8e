//! Every `gojs` import called with arbitrary arguments: stack pointers (mostly at a frame the
//! input fills, sometimes anywhere), lengths, value ids and memory contents. The frames are
//! laid out as Go lays out each import's arguments, each field made of the kind the import
//! reads there most of the time (a reference, a string or slice header, an integer) and of
//! any kind otherwise; references name live ids, results of earlier calls, numbers or junk.
//! Calls into Go (`js.FuncOf` wrappers made with `_makeFuncWrapper`) run queued imports of
//! their own, as Go's event handler would. Memory is a plain vector (no engine).
//!
//! Errors are the guest's (faults, traps, exits): expected. A panic is a bug.

use arbitrary::Unstructured;
use wasmexec::fuzzing::{ImportSandbox, GOJS_IMPORTS};

use crate::Target;

/// The target.
pub const TARGET: Target = Target {
    name: "gojs_imports",
    run,
    max_len: 4096,
    reproducer: |_| None,
};

const MEMORY: usize = 128 << 10;
/// Frames of successive calls.
const FRAMES: u32 = 0x1000;
const FRAME_SIZE: u32 = 0x80;
const MAX_CALLS: usize = 24;
/// Arrays of references (`[]js.Value` arguments).
const ARGS: u32 = 0x3000;
/// Buffers for byte slices.
const SCRATCH: u32 = 0x5000;
/// The dictionary of names.
const DICT: u32 = 0x8000;

/// Names and strings that reach interesting host code.
const DICTIONARY: &[&str] = &[
    "Object",
    "Array",
    "Uint8Array",
    "Int32Array",
    "Float64Array",
    "BigInt64Array",
    "String",
    "Number",
    "Boolean",
    "Date",
    "JSON",
    "parse",
    "stringify",
    "Promise",
    "then",
    "resolve",
    "reject",
    "Reflect",
    "apply",
    "construct",
    "get",
    "set",
    "has",
    "ownKeys",
    "Proxy",
    "Map",
    "Set",
    "WeakMap",
    "WeakRef",
    "Symbol",
    "iterator",
    "for",
    "fs",
    "open",
    "read",
    "write",
    "writeSync",
    "readSync",
    "stat",
    "lstat",
    "fstat",
    "mkdir",
    "readdir",
    "unlink",
    "rename",
    "rmdir",
    "close",
    "fsync",
    "ftruncate",
    "symlink",
    "readlink",
    "chmod",
    "utimes",
    "constants",
    "process",
    "cwd",
    "chdir",
    "pid",
    "path",
    "join",
    "resolve",
    "console",
    "log",
    "error",
    "crypto",
    "getRandomValues",
    "randomUUID",
    "TextEncoder",
    "TextDecoder",
    "encode",
    "decode",
    "URL",
    "URLSearchParams",
    "RegExp",
    "exec",
    "replace",
    "split",
    "match",
    "length",
    "prototype",
    "constructor",
    "__proto__",
    "toString",
    "valueOf",
    "toJSON",
    "_makeFuncWrapper",
    "_pendingEvent",
    "id",
    "this",
    "args",
    "result",
    "setTimeout",
    "clearTimeout",
    "setInterval",
    "queueMicrotask",
    "structuredClone",
    "BigInt",
    "asIntN",
    "ArrayBuffer",
    "SharedArrayBuffer",
    "DataView",
    "getFloat64",
    "setBigUint64",
    "Error",
    "RangeError",
    "TypeError",
    "AggregateError",
    "message",
    "stack",
    "cause",
    "name",
    "call",
    "bind",
    "defineProperty",
    "getOwnPropertyDescriptor",
    "freeze",
    "seal",
    "keys",
    "values",
    "entries",
    "assign",
    "create",
    "fromCharCode",
    "fromCodePoint",
    "codePointAt",
    "repeat",
    "padStart",
    "localeCompare",
    "normalize",
    "Intl",
    "Math",
    "max",
    "hypot",
    "sort",
    "reverse",
    "concat",
    "flat",
    "fill",
    "copyWithin",
    "subarray",
    "slice",
    "splice",
    "buffer",
    "byteLength",
    "byteOffset",
    "resize",
    "transfer",
    "fetch",
    "performance",
    "now",
    "Atomics",
    "wait",
    "globalThis",
    "Function",
    "eval",
    "escape",
    "decodeURIComponent",
    "atob",
    "btoa",
    "Headers",
    "AbortController",
    "abort",
    "Blob",
    "arrayBuffer",
    "text",
    "0",
    "1",
    "-1",
    "4294967295",
    "4294967296",
    "1e21",
    "NaN",
    "Infinity",
    "-0",
    "\u{1F600}",
    "é",
    "",
    "/",
    "/tmp",
    "..",
    "a/b",
    "w",
    "wx",
    "r+",
    "a+",
    "utf8",
    "base64",
    "hex",
    "latin1",
    "ucs2",
    "(a+)+$",
    "[\\d]{2,}",
    "\\u{D800}",
    "gimsuyv",
    "{\"a\":[1,2,{\"b\":null}]}",
    "2024-02-30T25:00:00Z",
];

/// What a frame field holds.
#[derive(Clone, Copy)]
enum Field {
    /// A `js.Value` reference (8 bytes).
    Ref,
    /// A Go string header (pointer, length).
    Str,
    /// A `[]js.Value` header (pointer, length, capacity).
    Args,
    /// A `[]byte` header (pointer, length, capacity).
    Bytes,
    /// An integer.
    Int,
}

/// How Go lays out each import's arguments after its stack pointer.
fn layout(import: &str) -> &'static [(u32, Field)] {
    use Field::*;
    match import {
        "runtime.wasmExit" | "runtime.clearTimeoutEvent" | "runtime.scheduleTimeoutEvent" => {
            &[(8, Int)]
        }
        "runtime.wasmWrite" => &[(8, Int), (16, Bytes)],
        "runtime.getRandomData" => &[(8, Bytes)],
        "syscall/js.finalizeRef" | "syscall/js.valueLength" | "syscall/js.valuePrepareString" => {
            &[(8, Ref)]
        }
        "syscall/js.stringVal" => &[(8, Str)],
        "syscall/js.valueGet" | "syscall/js.valueDelete" => &[(8, Ref), (16, Str)],
        "syscall/js.valueSet" => &[(8, Ref), (16, Str), (32, Ref)],
        "syscall/js.valueIndex" => &[(8, Ref), (16, Int)],
        "syscall/js.valueSetIndex" => &[(8, Ref), (16, Int), (24, Ref)],
        "syscall/js.valueCall" => &[(8, Ref), (16, Str), (32, Args)],
        "syscall/js.valueInvoke" | "syscall/js.valueNew" => &[(8, Ref), (16, Args)],
        "syscall/js.valueLoadString" | "syscall/js.copyBytesToJS" => &[(8, Ref), (16, Bytes)],
        "syscall/js.valueInstanceOf" => &[(8, Ref), (16, Ref)],
        "syscall/js.copyBytesToGo" => &[(8, Bytes), (32, Ref)],
        _ => &[],
    }
}

/// Where the dictionary's strings are: `(address, length)`.
fn dictionary(mem: &mut [u8]) -> Vec<(u32, u32)> {
    let mut at = DICT as usize;
    let mut out = Vec::new();
    for s in DICTIONARY {
        let b = s.as_bytes();
        mem[at..at + b.len()].copy_from_slice(b);
        out.push((at as u32, b.len() as u32));
        at += b.len();
    }
    out
}

struct Gen<'a, 'b> {
    u: &'a mut Unstructured<'b>,
    dict: Vec<(u32, u32)>,
    ids: u32,
    frames: u32,
}

impl Gen<'_, '_> {
    fn number(&mut self) -> arbitrary::Result<f64> {
        const N: [f64; 10] = [
            1.0,
            -1.0,
            0.5,
            -0.0,
            4294967296.0,
            1e308,
            f64::INFINITY,
            f64::NEG_INFINITY,
            9007199254740993.0,
            3.0,
        ];
        Ok(if self.u.ratio(1, 3)? {
            f64::from_bits(self.u.arbitrary()?)
        } else {
            *self.u.choose(&N)?
        })
    }

    fn int(&mut self) -> arbitrary::Result<u64> {
        Ok(match self.u.int_in_range(0..=5)? {
            0 => 0,
            1 => u64::from(self.u.int_in_range(0u8..=16)?),
            2 => u64::MAX,
            3 => 1 << self.u.int_in_range(0..=63)?,
            4 => self.u.arbitrary::<u32>()? as u64,
            _ => self.u.arbitrary()?,
        })
    }

    /// A reference: the global object or Go's, an earlier result, any id below the live
    /// bound, a number, undefined or junk.
    fn reference(&mut self, mem: &[u8]) -> arbitrary::Result<u64> {
        let boxed = |flag: u64, id: u32| ((0x7FF8_0000 | flag) << 32) | u64::from(id);
        Ok(match self.u.int_in_range(0..=11)? {
            0..=2 => boxed(1, self.u.int_in_range(5..=6)?),
            3..=6 if self.frames > 0 => {
                // What an earlier call stored in its frame (a result, most likely).
                let frame = FRAMES + self.u.int_in_range(0..=self.frames - 1)? * FRAME_SIZE;
                let slot = (frame + 8 * self.u.int_in_range(1..=9)?) as usize;
                u64::from_le_bytes(mem[slot..slot + 8].try_into().expect("8 bytes"))
            }
            3..=8 => {
                let id = self.u.int_in_range(0..=self.ids + 2)?;
                boxed(u64::from(self.u.int_in_range(0u8..=4)?), id)
            }
            9 => self.number()?.to_bits(),
            10 => 0,
            _ => self.u.arbitrary()?,
        })
    }

    /// A string header: a dictionary entry, or a wild pointer and length.
    fn string(&mut self) -> arbitrary::Result<(u64, u64)> {
        if self.u.ratio(7, 8)? {
            let (p, n) = *self.u.choose(&self.dict)?;
            Ok((u64::from(p), u64::from(n)))
        } else {
            Ok((self.int()?, self.int()?))
        }
    }

    fn field(&mut self, mem: &mut [u8], at: usize, kind: Field) -> arbitrary::Result<()> {
        let put = |mem: &mut [u8], off: usize, v: u64| {
            if let Some(s) = mem.get_mut(at + off..at + off + 8) {
                s.copy_from_slice(&v.to_le_bytes());
            }
        };
        // Now and then a field of another kind than the import expects.
        let kind = if !self.u.ratio(11, 12)? {
            *self.u.choose(&[
                Field::Ref,
                Field::Str,
                Field::Args,
                Field::Bytes,
                Field::Int,
            ])?
        } else {
            kind
        };
        match kind {
            Field::Ref => {
                let r = self.reference(mem)?;
                put(mem, 0, r);
            }
            Field::Int => {
                let v = self.int()?;
                put(mem, 0, v);
            }
            Field::Str => {
                let (p, n) = self.string()?;
                put(mem, 0, p);
                put(mem, 8, n);
            }
            Field::Args => {
                let n = self.u.int_in_range(0..=6u32)?;
                let base = ARGS + self.u.int_in_range(0..=63u32)? * 64;
                for i in 0..n {
                    let r = self.reference(mem)?;
                    let slot = (base + 8 * i) as usize;
                    mem[slot..slot + 8].copy_from_slice(&r.to_le_bytes());
                }
                let (p, len) = if !self.u.ratio(9, 10)? {
                    (self.int()?, self.int()?)
                } else {
                    (u64::from(base), u64::from(n))
                };
                put(mem, 0, p);
                put(mem, 8, len);
                put(mem, 16, len);
            }
            Field::Bytes => {
                let (p, len) = if !self.u.ratio(7, 8)? {
                    (self.int()?, self.int()?)
                } else {
                    let p = SCRATCH + self.u.int_in_range(0..=0x1000u32)?;
                    (u64::from(p), u64::from(self.u.int_in_range(0..=0x1000u32)?))
                };
                put(mem, 0, p);
                put(mem, 8, len);
                put(mem, 16, len);
            }
        }
        Ok(())
    }
}

/// Imports to call, each as often as it appears: `syscall/js` ones (the most host code)
/// twice, `runtime.wasmExit` (which ends the program) rarely.
fn imports() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = vec!["debug"];
    for n in GOJS_IMPORTS {
        match *n {
            "runtime.wasmExit" => {}
            n if n.starts_with("syscall/js.") => names.extend([n, n, n]),
            n => names.push(n),
        }
    }
    names
}

fn program(u: &mut Unstructured<'_>) -> arbitrary::Result<()> {
    let mount = crate::targets::scratch_dir("gojs_imports");
    let mut sandbox = ImportSandbox::new(vec![0u8; MEMORY], mount.as_deref(), 64 << 20)
        .expect("a sandbox with a scratch mount");
    let dict = dictionary(sandbox.memory());
    // Raw patches anywhere in memory.
    for _ in 0..u.int_in_range(0..=4)? {
        let at = u.choose_index(MEMORY)?;
        let n = u.int_in_range(0..=64)?;
        let bytes: &[u8] = u.bytes(n)?;
        let end = (at + bytes.len()).min(MEMORY);
        sandbox.memory()[at..end].copy_from_slice(&bytes[..end - at]);
    }
    let names = imports();
    let microtasks = u.ratio(1, 2)?;
    let mut g = Gen {
        u,
        dict,
        ids: 0,
        frames: 0,
    };
    let calls = g.u.int_in_range(1..=MAX_CALLS)? as u32;
    for k in 0..calls {
        // Each frame is filled once the calls before it have stored their results.
        if g.u.is_empty() {
            break;
        }
        let name = match !g.u.ratio(63, 64)? {
            true => "runtime.wasmExit",
            false => *g.u.choose(&names)?,
        };
        let frame = FRAMES + k * FRAME_SIZE;
        g.ids = sandbox.id_bound();
        for &(off, kind) in layout(name) {
            g.field(sandbox.memory(), (frame + off) as usize, kind)?;
        }
        let sp = match g.u.int_in_range(0..=15)? {
            15 => g.u.arbitrary()?,
            14 => MEMORY as u32 - g.u.int_in_range(0..=64u32)?,
            _ => frame,
        };
        g.frames = k + 1;
        // A call into Go (a `js.FuncOf` wrapper) runs this, as Go's event handler would.
        if !g.u.ratio(5, 6)? {
            let nested = *g.u.choose(&names)?;
            let at = FRAMES + g.u.int_in_range(0..=k)? * FRAME_SIZE;
            sandbox.queue_nested(nested, at);
        }
        sandbox.set_sp(sp);
        let r = sandbox.call(name, sp);
        if cfg!(debug_assertions) && std::env::var_os("WASMEXEC_FUZZ_STATS").is_some() {
            let r = r
                .as_ref()
                .map(|_| "ok".to_string())
                .unwrap_or_else(|e| e.chars().take(60).collect());
            eprintln!("stat: {name} {r}");
        }
        if microtasks {
            sandbox.run_microtasks();
        }
        if sandbox.exited().is_some() {
            break;
        }
    }
    Ok(())
}

fn run(input: &[u8]) {
    let mut u = Unstructured::new(input);
    let _ = program(&mut u);
    crate::targets::clear_scratch("gojs_imports");
}
