//! Moving a running guest from the interpreter to compiled code.
//!
//! A Go js/wasm guest keeps all of its state in linear memory and a few globals: goroutines
//! run on stacks Go keeps in linear memory, and Go unwinds the wasm stack down to its
//! dispatch loop (`wasm_pc_f_loop`) at every goroutine switch, and out of `run` or
//! `resume` when it waits for an event. At those points, copying memory and globals into an
//! instance of the same module on another engine moves the program there; the host's state
//! (the JS world, the value table, timers, files) belongs to no engine and moves as it is.
//!
//! A guest waiting for an event moves before the host delivers the next one. A guest that
//! keeps computing is asked to stop at its next goroutine switch: the host sets a global the
//! module's loop checks ([`prepare`] adds both) and marks the running goroutine for
//! preemption, as Go's scheduler does to a goroutine that ran too long; the loop then
//! returns with the switch still pending, and the compiled instance's loop carries it out.

use crate::engine::state::{
    global_export, LOOP_EXPORT, LOOP_PAUSED, LOOP_PREEMPTED, PREEMPT_EXPORT, RESUME_EXPORT,
    RUN_EXPORT,
};
use crate::shape::{
    append_entries, numeric_globals, put_leb, rewrite_sections, sections, Reader, Section,
    CODE_SECTION, EXPORT_SECTION, FUNCTION_SECTION, GLOBAL_SECTION, IMPORT_FUNC, IMPORT_MEMORY,
    IMPORT_SECTION, IMPORT_TABLE, TYPE_SECTION,
};

const GLOBAL_KIND: u8 = 0x03;

/// What [`prepare`] learns of a module before rewriting it.
#[derive(Default)]
struct Layout {
    types: u32,
    imported_funcs: u32,
    defined_funcs: u32,
    globals: Option<u32>,
    run: Option<u32>,
    resume: Option<u32>,
    /// Whether an export already has a name of ours.
    names_taken: bool,
    /// Bodies of the code section, by defined function.
    bodies: Vec<(usize, usize)>,
}

/// `wasm` made ready to move between engines, or `None` for a module that cannot move
/// (it does not have the shape Go's linker gives every js/wasm program, imports globals,
/// holds references in globals, already uses one of our names) or is malformed: such a
/// module simply never starts on the interpreter.
///
/// The rewrite only appends: every global is exported ([`global_export`]), one global is
/// added ([`PREEMPT_EXPORT`]), and three functions: [`LOOP_EXPORT`], a copy of Go's
/// dispatch loop that also stops, with a pending call left in place, when the host set that
/// global, and [`RUN_EXPORT`] and [`RESUME_EXPORT`], `run` and `resume` ending in it. No
/// index of the module changes, and Go's own functions are untouched. The data segments are
/// also merged ([`crate::data_segments`]), which leaves the memory they make as it was.
pub(crate) fn prepare(wasm: &[u8]) -> Option<Vec<u8>> {
    let layout = read_layout(wasm)?;
    let globals = layout.globals.filter(|_| !layout.names_taken)?;
    let body = |f: u32| {
        let (at, len) = *layout
            .bodies
            .get(f.checked_sub(layout.imported_funcs)? as usize)?;
        wasm.get(at..at + len)
    };
    let resume = body(layout.resume?)?;
    let run = body(layout.run?)?;
    let go_loop = loop_called_by(resume)?;
    let ours = layout.imported_funcs + layout.defined_funcs;
    let (returns_i32, run_type) = (layout.types, layout.types + 1);
    let mut add = Additions {
        // () -> i32 and (i32, i32) -> i32
        types: (2, vec![0x60, 0, 1, 0x7F, 0x60, 2, 0x7F, 0x7F, 1, 0x7F]),
        // i32, mutable, 0
        globals: (1, vec![0x7F, 0x01, 0x41, 0x00, 0x0B]),
        funcs: (3, Vec::new()),
        exports: (globals + 4, Vec::new()),
        code: (3, Vec::new()),
    };
    for t in [returns_i32, returns_i32, run_type] {
        put_leb(&mut add.funcs.1, t);
    }
    let exports = &mut add.exports.1;
    for i in 0..globals {
        put_export(exports, &global_export(i), GLOBAL_KIND, i);
    }
    put_export(exports, PREEMPT_EXPORT, GLOBAL_KIND, globals);
    put_export(exports, LOOP_EXPORT, 0x00, ours);
    put_export(exports, RESUME_EXPORT, 0x00, ours + 1);
    put_export(exports, RUN_EXPORT, 0x00, ours + 2);
    let bodies = [
        loop_body(body(go_loop)?, globals)?,
        ending_in(resume, go_loop, ours)?,
        ending_in(run, go_loop, ours)?,
    ];
    for b in bodies {
        put_leb(&mut add.code.1, u32::try_from(b.len()).ok()?);
        add.code.1.extend_from_slice(&b);
    }
    let prepared = append_all(wasm, &add)?;
    Some(crate::data_segments::coalesce(&prepared).unwrap_or(prepared))
}

/// Entries appended to each section [`prepare`] extends: their number and their bytes.
struct Additions {
    types: (u32, Vec<u8>),
    funcs: (u32, Vec<u8>),
    globals: (u32, Vec<u8>),
    exports: (u32, Vec<u8>),
    code: (u32, Vec<u8>),
}

/// Go's loop, from Go's `resume`: no locals, `i32.const 0; call handleEvent; drop; call
/// wasm_pc_f_loop`.
fn loop_called_by(resume: &[u8]) -> Option<u32> {
    let mut r = Reader {
        bytes: resume,
        pos: 0,
    };
    if r.take(3).ok()? != [0x00, 0x41, 0x00] || r.byte().ok()? != 0x10 {
        return None;
    }
    r.leb_u32().ok()?;
    if r.take(2).ok()? != [0x1A, 0x10] {
        return None;
    }
    r.leb_u32().ok()
}

/// `wasm` with `add`'s entries appended to its sections, the others copied as they are.
fn append_all(wasm: &[u8], add: &Additions) -> Option<Vec<u8>> {
    rewrite_sections(wasm, 1024, |id, section| {
        let (more, entries) = match id {
            TYPE_SECTION => &add.types,
            FUNCTION_SECTION => &add.funcs,
            GLOBAL_SECTION => &add.globals,
            EXPORT_SECTION => &add.exports,
            CODE_SECTION => &add.code,
            _ => return Some(Section::Keep),
        };
        Some(Section::Replace(append_entries(section, *more, entries)?))
    })
}

/// Reads the counts, the two exports and the code bodies [`prepare`] needs.
fn read_layout(wasm: &[u8]) -> Option<Layout> {
    let mut layout = Layout::default();
    for section in sections(wasm)? {
        let mut s = Reader {
            bytes: section.body,
            pos: 0,
        };
        match section.id {
            TYPE_SECTION => layout.types = s.leb_u32().ok()?,
            IMPORT_SECTION => layout.imported_funcs = imported_funcs(&mut s)?,
            FUNCTION_SECTION => layout.defined_funcs = s.leb_u32().ok()?,
            GLOBAL_SECTION => layout.globals = Some(numeric_globals(&mut s)?),
            EXPORT_SECTION => {
                for _ in 0..s.leb_u32().ok()? {
                    let name = s.name().ok()?;
                    let (kind, index) = (s.byte().ok()?, s.leb_u32().ok()?);
                    layout.names_taken |= name.starts_with("wasmexec.");
                    match (name.as_str(), kind) {
                        ("run", 0x00) => layout.run = Some(index),
                        ("resume", 0x00) => layout.resume = Some(index),
                        _ => {}
                    }
                }
            }
            CODE_SECTION => {
                let offset = section.at;
                for _ in 0..s.leb_u32().ok()? {
                    let n = s.leb_u32().ok()? as usize;
                    let at = s.pos;
                    s.take(n).ok()?;
                    layout.bodies.push((offset + at, n));
                }
            }
            _ => {}
        }
    }
    Some(layout)
}

/// The function imports of an import section; `None` if it imports a global.
fn imported_funcs(s: &mut Reader<'_>) -> Option<u32> {
    let mut funcs = 0;
    for _ in 0..s.leb_u32().ok()? {
        match s.import().ok()?.2 {
            IMPORT_FUNC => funcs += 1,
            IMPORT_TABLE | IMPORT_MEMORY => {}
            _ => return None,
        }
    }
    Some(funcs)
}

/// Our dispatch loop, from Go's: no locals, `if !PAUSE { loop { <call the pending
/// function>; br_if !PAUSE } }; PAUSE = 0; return`. Ours checks, before each pending call,
/// PAUSE (stop: [`LOOP_PAUSED`]) and the preempt global (clear it and stop, the pending call
/// left in place: [`LOOP_PREEMPTED`]).
fn loop_body(go: &[u8], preempt: u32) -> Option<Vec<u8>> {
    let mut r = Reader { bytes: go, pos: 0 };
    if r.take(2).ok()? != [0x00, 0x23] {
        return None;
    }
    let pause = r.leb_u32().ok()?;
    if r.take(5).ok()? != [0x45, 0x04, 0x40, 0x03, 0x40] {
        return None;
    }
    // The pending call runs up to `global.get PAUSE; i32.eqz; br_if 0; end; end`.
    let mut tail = vec![0x23];
    put_leb(&mut tail, pause);
    tail.extend_from_slice(&[0x45, 0x0D, 0x00, 0x0B, 0x0B]);
    let rest = &go[r.pos..];
    let call = &rest[..find(rest, &tail)?];
    let (mut p, mut f) = (Vec::new(), Vec::new());
    put_leb(&mut p, pause);
    put_leb(&mut f, preempt);
    let mut b = vec![0x00, 0x02, 0x40, 0x03, 0x40];
    b.push(0x23);
    b.extend_from_slice(&p);
    b.extend_from_slice(&[0x0D, 0x01, 0x23]); // br_if 1 (out of the block)
    b.extend_from_slice(&f);
    b.extend_from_slice(&[0x04, 0x40, 0x41, 0x00, 0x24]); // if { preempt = 0
    b.extend_from_slice(&f);
    b.extend_from_slice(&[0x41, LOOP_PREEMPTED as u8, 0x0F, 0x0B]); // return 2 }
    b.extend_from_slice(call);
    b.extend_from_slice(&[0x0C, 0x00, 0x0B, 0x0B, 0x41, 0x00, 0x24]); // br 0; end; end; PAUSE = 0
    b.extend_from_slice(&p);
    b.extend_from_slice(&[0x41, LOOP_PAUSED as u8, 0x0B]);
    Some(b)
}

/// A body ending in `call go_loop; return; unreachable; end`, calling
/// `ours` instead and returning its result.
fn ending_in(body: &[u8], go_loop: u32, ours: u32) -> Option<Vec<u8>> {
    let mut call = vec![0x10];
    put_leb(&mut call, go_loop);
    let at = body.len().checked_sub(call.len() + 3)?;
    let end = &body[at..];
    if !end.starts_with(&call) || end[call.len()..] != [0x0F, 0x00, 0x0B] {
        return None;
    }
    let mut out = body[..at].to_vec();
    out.push(0x10);
    put_leb(&mut out, ours);
    out.push(0x0B);
    Some(out)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn put_export(out: &mut Vec<u8>, name: &str, kind: u8, index: u32) {
    put_leb(out, name.len() as u32);
    out.extend_from_slice(name.as_bytes());
    out.push(kind);
    put_leb(out, index);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn section(id: u8, body: &[u8]) -> Vec<u8> {
        let mut s = vec![id];
        put_leb(&mut s, body.len() as u32);
        s.extend_from_slice(body);
        s
    }

    /// A module shaped as Go links one: an import, globals SP, CTXT, g and PAUSE (fewer than
    /// Go's eight), `run`, `resume` and the dispatch loop, and `export` naming the memory.
    fn go_like(export: &str) -> Vec<u8> {
        let mut m = b"\0asm\x01\0\0\0".to_vec();
        // types: 0 (i32) -> i32, 1 (i32, i32) -> (), 2 () -> ()
        let types = [
            3, 0x60, 1, 0x7F, 1, 0x7F, 0x60, 2, 0x7F, 0x7F, 0, 0x60, 0, 0,
        ];
        m.extend(section(TYPE_SECTION, &types));
        let mut imports = vec![1, 4];
        imports.extend_from_slice(b"gojs");
        imports.push(5);
        imports.extend_from_slice(b"debug");
        imports.extend_from_slice(&[0x00, 0]);
        m.extend(section(IMPORT_SECTION, &imports));
        // functions 1 handleEvent, 2 loop, 3 run, 4 resume
        m.extend(section(FUNCTION_SECTION, &[4, 0, 2, 1, 2]));
        m.extend(section(4, &[1, 0x70, 0, 1])); // a table
        m.extend(section(5, &[1, 0, 1])); // a memory
        let mut globals = vec![4];
        globals.extend_from_slice(&[0x7F, 1, 0x41, 0x80, 0x80, 0x04, 0x0B]); // SP
        globals.extend_from_slice(&[0x7E, 1, 0x42, 0x00, 0x0B]); // CTXT
        globals.extend_from_slice(&[0x7E, 1, 0x42, 0x7F, 0x0B]); // g
        globals.extend_from_slice(&[0x7F, 1, 0x41, 0x00, 0x0B]); // PAUSE
        m.extend(section(GLOBAL_SECTION, &globals));
        let mut exports = vec![3];
        put_export(&mut exports, export, 0x02, 0);
        put_export(&mut exports, "run", 0x00, 3);
        put_export(&mut exports, "resume", 0x00, 4);
        m.extend(section(EXPORT_SECTION, &exports));
        let handle_event: &[u8] = &[0x00, 0x41, 0x00, 0x0B];
        let go_loop: &[u8] = &[
            0x00, 0x23, 0x03, 0x45, 0x04, 0x40, 0x03, 0x40, // if !PAUSE { loop {
            0x23, 0x00, 0x41, 0x08, 0x6B, 0x2F, 0x01, 0x00, // PC_B
            0x23, 0x00, 0x41, 0x08, 0x6B, 0x2F, 0x01, 0x02, // PC_F
            0x11, 0x00, 0x00, 0x1A, // call_indirect; drop
            0x23, 0x03, 0x45, 0x0D, 0x00, 0x0B, 0x0B, // br_if !PAUSE } }
            0x41, 0x00, 0x24, 0x03, 0x0F, 0x00, 0x0B, // PAUSE = 0; return
        ];
        let run: &[u8] = &[
            0x00, 0x41, 0x00, 0x10, 0x01, 0x1A, 0x10, 0x02, 0x0F, 0x00, 0x0B,
        ];
        let resume = run;
        let mut code = vec![4];
        for b in [handle_event, go_loop, run, resume] {
            code.push(b.len() as u8);
            code.extend_from_slice(b);
        }
        m.extend(section(CODE_SECTION, &code));
        m.extend(section(0, b"\x04namex"));
        m
    }

    #[test]
    fn globals_and_the_loop_get_exports_and_nothing_else_changes() {
        let out = prepare(&go_like("mem")).unwrap();
        let shape = crate::shape::read(&out).unwrap();
        let mut expected = vec!["mem", "run", "resume"];
        let globals: Vec<String> = (0..4).map(global_export).collect();
        expected.extend(globals.iter().map(String::as_str));
        expected.extend([PREEMPT_EXPORT, LOOP_EXPORT, RESUME_EXPORT, RUN_EXPORT]);
        assert_eq!(shape.exports, expected);
        assert!(out.ends_with(&section(0, b"\x04namex")));
        let layout = read_layout(&out).unwrap();
        assert_eq!((layout.types, layout.defined_funcs), (5, 7));
        assert_eq!(layout.globals, Some(5));
        // The new `resume` calls the new loop (function 5) and returns its result.
        let (at, len) = layout.bodies[5];
        assert_eq!(
            &out[at..at + len],
            [0x00, 0x41, 0x00, 0x10, 0x01, 0x1A, 0x10, 0x05, 0x0B]
        );
    }

    #[test]
    fn modules_that_cannot_move_are_left_alone() {
        assert!(prepare(&go_like(&global_export(0))).is_none());
        let mut no_loop = go_like("mem");
        let at = find(&no_loop, &[0x1A, 0x10, 0x02, 0x0F]).unwrap();
        no_loop[at + 2] = 0x01; // `run` ends in another call
        assert!(prepare(&no_loop).is_none());
        // Every prefix of a module is refused or rewritten, never a panic.
        let m = go_like("mem");
        for n in 0..m.len() {
            let _ = prepare(&m[..n]);
        }
    }
}
