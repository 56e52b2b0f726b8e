//! Go's indirect calls made direct, for wasmtime's compilers.
//!
//! Go's linker puts every function of a program into the module's table, and its code
//! reaches functions through `call_indirect` (the dispatch loop resuming a goroutine,
//! closures, interface methods). The host could take any function in a table out of it and
//! call it, so wasmtime compiles an entry trampoline for each one, with Cranelift even when
//! Winch compiles the rest: 8,574 trampolines for the `encoding/json` test binary, more than
//! a third of its baseline compile (8% of an optimized one, where identical trampolines hit
//! Cranelift's incremental cache). [`without_table`] rewrites a module so that
//! no function is in a table: each `call_indirect` becomes a call of a dispatcher (one per
//! signature called indirectly) that branches with `br_table` on the table index to a
//! direct call of the function the table held there, and traps where the table's call
//! would have trapped (an empty slot, an index out of range, another signature).
//!
//! Only functions are appended (the dispatchers), so every other index, the memory and the
//! globals stay as they were: a guest moves between this code and the other tiers' (see
//! [`crate::tier_up`]) as before.

use std::collections::{BTreeMap, HashMap};

use crate::shape::{
    append_entries, numeric_globals, put_leb, put_sleb, rewrite_sections, sections, Reader,
    Section, CODE_SECTION, EXPORT_SECTION, FUNCTION_SECTION, GLOBAL_SECTION, IMPORT_FUNC,
    IMPORT_SECTION, IMPORT_TABLE, TYPE_SECTION,
};

const ELEMENT_SECTION: u8 = 9;

const FUNC_TYPE: u8 = 0x60;
const TABLE_KIND: u8 = 0x01;

const END: u8 = 0x0B;
const CALL: u8 = 0x10;
const CALL_INDIRECT: u8 = 0x11;
const LOCAL_GET: u8 = 0x20;
const I32_CONST: u8 = 0x41;
const I32_SUB: u8 = 0x6B;

/// The most signatures called indirectly that a rewritten module may have.
const MAX_DISPATCHERS: usize = 16;

/// The engines' limits on a function's size and its parameters (wasmparser's).
const MAX_FUNCTION_SIZE: usize = 7_654_321;
const MAX_PARAMS: usize = 1000;

/// What [`without_table`] reads of a module.
#[derive(Default)]
struct Module<'a> {
    /// Each type's encoding (`0x60`, parameters, results): equal bytes, equal types.
    types: Vec<&'a [u8]>,
    /// The type of every function, imported ones first.
    func_types: Vec<u32>,
    /// The one element segment: the table index of its first entry, and its functions.
    table: Option<(i32, Vec<u32>)>,
    /// Where each function body starts and ends.
    bodies: Vec<(usize, usize)>,
}

/// `wasm` with no function in a table and every `call_indirect` made a call of a
/// dispatcher, or `None` when the module is not one this applies to: it has no element
/// segment or more than one, or one that is not an active list of functions at a constant
/// offset in table 0; it calls more than [`MAX_DISPATCHERS`] signatures indirectly; it
/// imports or exports a table, or holds references in globals; its code uses an instruction
/// this module does not know (SIMD, tail calls, ...) or one that reads or changes a table
/// other than `call_indirect`. Malformed modules are left to the engine.
pub(crate) fn without_table(wasm: &[u8]) -> Option<Vec<u8>> {
    let module = read(wasm)?;
    let (offset, entries) = module.table.as_ref()?;
    let functions = module.func_types.len() as u32;
    if entries.iter().any(|&f| f >= functions) {
        return None;
    }
    // Every body's indirect calls; then a dispatcher for each type they call, numbered
    // after the module's functions in the order of the types.
    let mut calls = Vec::with_capacity(module.bodies.len());
    let mut called = BTreeMap::new();
    for &(start, end) in &module.bodies {
        let found = indirect_calls(&wasm[start..end])?;
        for &(_, _, ty) in &found {
            module.types.get(ty as usize)?;
            called.insert(ty, 0);
        }
        calls.push(found);
    }
    // Each dispatcher is as long as the segment: a bound keeps the rewrite linear in the
    // module's size (Go calls one or two types indirectly).
    if called.len() > MAX_DISPATCHERS {
        return None;
    }
    let mut dispatchers = called;
    for (i, index) in dispatchers.values_mut().enumerate() {
        *index = functions.checked_add(i as u32)?;
    }
    let new_types = module.types.len() as u32;
    let mut types = Vec::new();
    let mut funcs = Vec::new();
    let mut code = Vec::new();
    for (i, (&ty, _)) in dispatchers.iter().enumerate() {
        let (params, results) = split_type(module.types[ty as usize])?;
        // The called type's parameters, then the table index, as `call_indirect` pops them.
        types.push(FUNC_TYPE);
        put_leb(&mut types, params.len() as u32 + 1);
        types.extend_from_slice(params);
        types.push(0x7F);
        put_leb(&mut types, results.len() as u32);
        types.extend_from_slice(results);
        put_leb(&mut funcs, new_types + i as u32);
        let targets: Vec<Option<u32>> = entries
            .iter()
            .map(|&f| {
                let same = module.types.get(module.func_types[f as usize] as usize);
                (same == Some(&module.types[ty as usize])).then_some(f)
            })
            .collect();
        let body = dispatcher(params.len() as u32, *offset, &targets);
        if params.len() >= MAX_PARAMS || body.len() > MAX_FUNCTION_SIZE {
            return None; // the rewritten module would fail to compile
        }
        put_leb(&mut code, body.len() as u32);
        code.extend_from_slice(&body);
    }
    let added = dispatchers.len() as u32;
    rewrite_sections(wasm, code.len(), |id, section| {
        Some(match id {
            ELEMENT_SECTION => Section::Drop,
            TYPE_SECTION => Section::Replace(append_entries(section, added, &types)?),
            FUNCTION_SECTION => Section::Replace(append_entries(section, added, &funcs)?),
            CODE_SECTION => {
                let mut body = Vec::with_capacity(section.len() + code.len());
                put_leb(&mut body, module.bodies.len() as u32 + added);
                for (&(s, e), found) in module.bodies.iter().zip(&calls) {
                    rewrite(&mut body, &wasm[s..e], found, &dispatchers);
                }
                body.extend_from_slice(&code);
                Section::Replace(body)
            }
            _ => Section::Keep,
        })
    })
}

/// Reads the types, functions, element segment and code bodies; `None` where
/// [`without_table`] does not apply.
fn read(wasm: &[u8]) -> Option<Module<'_>> {
    let mut m = Module::default();
    for section in sections(wasm)? {
        let at = section.at;
        let mut s = Reader {
            bytes: section.body,
            pos: 0,
        };
        match section.id {
            TYPE_SECTION => {
                for _ in 0..s.leb_u32().ok()? {
                    let start = s.pos;
                    if s.byte().ok()? != FUNC_TYPE {
                        return None;
                    }
                    for _ in 0..2 {
                        let n = s.leb_u32().ok()? as usize;
                        value_types(s.take(n).ok()?)?;
                    }
                    m.types.push(&s.bytes[start..s.pos]);
                }
            }
            IMPORT_SECTION => {
                for _ in 0..s.leb_u32().ok()? {
                    let entry = s.pos;
                    s.name().ok()?;
                    s.name().ok()?;
                    if s.byte().ok()? == IMPORT_FUNC {
                        m.func_types.push(s.leb_u32().ok()?);
                        continue;
                    }
                    s.pos = entry;
                    if s.import().ok()?.2 == IMPORT_TABLE {
                        return None;
                    }
                }
            }
            FUNCTION_SECTION => {
                for _ in 0..s.leb_u32().ok()? {
                    m.func_types.push(s.leb_u32().ok()?);
                }
            }
            GLOBAL_SECTION => drop(numeric_globals(&mut s)?),
            EXPORT_SECTION => {
                for _ in 0..s.leb_u32().ok()? {
                    s.name().ok()?;
                    if s.byte().ok()? == TABLE_KIND {
                        return None;
                    }
                    s.leb_u32().ok()?;
                }
            }
            ELEMENT_SECTION => {
                // One segment, flags 0: active in table 0 at `i32.const offset`, functions.
                if s.leb_u32().ok()? != 1 || s.leb_u32().ok()? != 0 {
                    return None;
                }
                if s.byte().ok()? != I32_CONST {
                    return None;
                }
                let offset = s.sleb_i32()?;
                if s.byte().ok()? != END {
                    return None;
                }
                let n = s.leb_u32().ok()?;
                let mut funcs = Vec::with_capacity(n.min(1 << 20) as usize);
                for _ in 0..n {
                    funcs.push(s.leb_u32().ok()?);
                }
                m.table = Some((offset, funcs));
            }
            CODE_SECTION => {
                for _ in 0..s.leb_u32().ok()? {
                    let n = s.leb_u32().ok()? as usize;
                    let start = at + s.pos;
                    s.take(n).ok()?;
                    m.bodies.push((start, start + n));
                }
            }
            _ => continue,
        }
        if s.pos != s.bytes.len() {
            return None;
        }
    }
    Some(m)
}

/// Checks that `types` are number types (all Go's code uses).
fn value_types(types: &[u8]) -> Option<()> {
    types
        .iter()
        .all(|t| (0x7C..=0x7F).contains(t))
        .then_some(())
}

/// A function type's parameters and results.
fn split_type(ty: &[u8]) -> Option<(&[u8], &[u8])> {
    let mut r = Reader { bytes: ty, pos: 1 };
    let n = r.leb_u32().ok()? as usize;
    let params = r.take(n).ok()?;
    let n = r.leb_u32().ok()? as usize;
    Some((params, r.take(n).ok()?))
}

/// The `call_indirect`s of a function body: where each starts and ends, and its type.
/// `None` for an instruction this module does not know, or one that uses a table.
fn indirect_calls(body: &[u8]) -> Option<Vec<(usize, usize, u32)>> {
    let mut r = Reader {
        bytes: body,
        pos: 0,
    };
    for _ in 0..r.leb_u32().ok()? {
        r.leb_u32().ok()?;
        value_types(&[r.byte().ok()?])?;
    }
    let mut calls = Vec::new();
    while r.pos < body.len() {
        let at = r.pos;
        match r.byte().ok()? {
            // No immediates: control, parametric and numeric instructions, sign extension.
            0x00 | 0x01 | 0x05 | END | 0x0F | 0x1A | 0x1B | 0x45..=0xC4 => {}
            0x02..=0x04 => block_type(&mut r)?,
            0x0C | 0x0D | CALL | 0x20..=0x24 => drop(r.leb_u32().ok()?),
            0x0E => {
                for _ in 0..=r.leb_u32().ok()? {
                    r.leb_u32().ok()?;
                }
            }
            CALL_INDIRECT => {
                let ty = r.leb_u32().ok()?;
                if r.leb_u32().ok()? != 0 {
                    return None;
                }
                calls.push((at, r.pos, ty));
            }
            0x1C => {
                let n = r.leb_u32().ok()? as usize;
                value_types(r.take(n).ok()?)?;
            }
            // Loads and stores: alignment (without a memory index) and offset.
            0x28..=0x3E => {
                if r.leb_u32().ok()? & 0x40 != 0 {
                    return None;
                }
                r.skip_leb(10)?;
            }
            0x3F | 0x40 => drop(r.leb_u32().ok()?),
            I32_CONST => r.skip_leb(5)?,
            0x42 => r.skip_leb(10)?,
            0x43 => drop(r.take(4).ok()?),
            0x44 => drop(r.take(8).ok()?),
            0xFC => match r.leb_u32().ok()? {
                0..=7 => {}                                             // saturating truncation
                8 | 10 => drop((r.leb_u32().ok()?, r.leb_u32().ok()?)), // memory.init, copy
                9 | 11 => drop(r.leb_u32().ok()?),                      // data.drop, memory.fill
                _ => return None,                                       // the table instructions
            },
            _ => return None,
        }
    }
    Some(calls)
}

/// Skips a block type: empty, a number type, or a type index.
fn block_type(r: &mut Reader<'_>) -> Option<()> {
    let b = *r.bytes.get(r.pos)?;
    match b {
        0x40 | 0x7C..=0x7F => drop(r.byte().ok()?),
        _ if b & 0x40 == 0 => r.skip_leb(5)?, // a non-negative type index
        _ => return None,
    }
    Some(())
}

/// Appends `body`, length first, with each of its `calls` replaced by a call of its type's
/// dispatcher.
fn rewrite(
    out: &mut Vec<u8>,
    body: &[u8],
    calls: &[(usize, usize, u32)],
    dispatchers: &BTreeMap<u32, u32>,
) {
    let call = |ty: &u32| {
        let mut c = vec![CALL];
        put_leb(&mut c, dispatchers[ty]);
        c
    };
    let len = calls.iter().fold(body.len(), |len, (start, end, ty)| {
        len - (end - start) + call(ty).len()
    });
    put_leb(out, len as u32);
    let mut copied = 0;
    for (start, end, ty) in calls {
        out.extend_from_slice(&body[copied..*start]);
        out.extend_from_slice(&call(ty));
        copied = *end;
    }
    out.extend_from_slice(&body[copied..]);
}

/// A dispatcher's body: its parameters are the called type's `params`, then the table
/// index. `targets` are the segment's entries from table index `offset` on, each the
/// function if it has the called type. One block per distinct function, the innermost
/// first; `br_table` leaves the block of the entry's function, and after that block's end
/// the function is called with the parameters and its results returned. Anything else
/// branches out of the outermost block, to `unreachable`.
fn dispatcher(params: u32, offset: i32, targets: &[Option<u32>]) -> Vec<u8> {
    let mut order: Vec<u32> = Vec::new();
    let mut label: HashMap<u32, u32> = HashMap::new();
    for f in targets.iter().flatten() {
        label.entry(*f).or_insert_with(|| {
            order.push(*f);
            order.len() as u32 - 1
        });
    }
    let missing = order.len() as u32;
    let mut b = vec![0x00]; // no locals
    for _ in 0..=missing {
        b.extend_from_slice(&[0x02, 0x40]);
    }
    b.push(LOCAL_GET);
    put_leb(&mut b, params);
    if offset != 0 {
        b.push(I32_CONST);
        put_sleb(&mut b, offset);
        b.push(I32_SUB);
    }
    b.push(0x0E);
    put_leb(&mut b, targets.len() as u32);
    for t in targets {
        put_leb(&mut b, t.map_or(missing, |f| label[&f]));
    }
    put_leb(&mut b, missing);
    for f in order {
        b.push(END);
        for p in 0..params {
            b.push(LOCAL_GET);
            put_leb(&mut b, p);
        }
        b.push(CALL);
        put_leb(&mut b, f);
        b.push(0x0F);
    }
    b.extend_from_slice(&[END, 0x00, END]);
    b
}

#[cfg(all(test, feature = "wasmtime"))]
mod tests {
    use super::*;

    fn section(id: u8, body: &[u8]) -> Vec<u8> {
        let mut s = vec![id];
        put_leb(&mut s, body.len() as u32);
        s.extend_from_slice(body);
        s
    }

    /// Imports `m.f` (() -> i32) and defines `x + 1`, `x * 2` and `7`, in the table from
    /// index 2 as [x + 1, x * 2, 7, x + 1, m.f]; exports `a(i, x)` with the body `a` (a call
    /// through slot `i` as (i32) -> i32, in [`A`]) and `b(i)`, a call as () -> i32.
    fn module(a: &[u8], exports_table: bool) -> Vec<u8> {
        let mut m = b"\0asm\x01\0\0\0".to_vec();
        let types = [
            3, 0x60, 1, 0x7F, 1, 0x7F, 0x60, 0, 1, 0x7F, 0x60, 2, 0x7F, 0x7F, 1, 0x7F,
        ];
        m.extend(section(TYPE_SECTION, &types));
        m.extend(section(IMPORT_SECTION, &[1, 1, b'm', 1, b'f', 0x00, 1]));
        m.extend(section(FUNCTION_SECTION, &[5, 0, 0, 1, 2, 0]));
        m.extend(section(4, &[1, 0x70, 0, 10]));
        let mut exports = vec![2 + u8::from(exports_table)];
        exports.extend_from_slice(&[1, b'a', 0x00, 4, 1, b'b', 0x00, 5]);
        if exports_table {
            exports.extend_from_slice(&[1, b't', TABLE_KIND, 0]);
        }
        m.extend(section(EXPORT_SECTION, &exports));
        m.extend(section(
            ELEMENT_SECTION,
            &[1, 0, I32_CONST, 2, END, 5, 1, 2, 3, 1, 0],
        ));
        let bodies: [&[u8]; 5] = [
            &[0, 0x20, 0, 0x41, 1, 0x6A, END],
            &[0, 0x20, 0, 0x41, 2, 0x6C, END],
            &[0, 0x41, 7, END],
            a,
            &[0, 0x20, 0, CALL_INDIRECT, 1, 0, END],
        ];
        let mut code = vec![5];
        for b in bodies {
            code.push(b.len() as u8);
            code.extend_from_slice(b);
        }
        m.extend(section(CODE_SECTION, &code));
        m
    }

    const A: &[u8] = &[0, 0x20, 1, 0x20, 0, CALL_INDIRECT, 0, 0, END];

    /// `a(i, 5)` and `b(i)` for the table indices around the segment (`None`: a trap).
    fn calls(wasm: &[u8]) -> Vec<(Option<i32>, Option<i32>)> {
        let engine = wasmtime::Engine::default();
        let module = wasmtime::Module::new(&engine, wasm).expect("the module compiles");
        let mut store = wasmtime::Store::new(&engine, ());
        let f = wasmtime::Func::wrap(&mut store, || 42i32);
        let instance = wasmtime::Instance::new(&mut store, &module, &[f.into()]).unwrap();
        let a = instance
            .get_typed_func::<(i32, i32), i32>(&mut store, "a")
            .unwrap();
        let b = instance
            .get_typed_func::<i32, i32>(&mut store, "b")
            .unwrap();
        [-1, 0, 1, 2, 3, 4, 5, 6, 7, 9, 10, i32::MAX, i32::MIN]
            .into_iter()
            .map(|i| {
                let x = a.call(&mut store, (i, 5)).ok();
                (x, b.call(&mut store, i).ok())
            })
            .collect()
    }

    #[test]
    fn calls_through_the_table_become_direct_calls_with_the_same_results_and_traps() {
        let original = module(A, false);
        let direct = without_table(&original).expect("the module is rewritten");
        let expected = calls(&original);
        assert_eq!(expected[3], (Some(6), None), "slot 2: x + 1");
        assert_eq!(expected[4], (Some(10), None), "slot 3: x * 2");
        assert_eq!(
            expected[5],
            (None, Some(7)),
            "slot 4: 7, another type for a"
        );
        assert_eq!(expected[7], (None, Some(42)), "slot 6: the import");
        assert_eq!(calls(&direct), expected);
        // No element segment is left (so nothing is left to rewrite), and no function
        // escapes: the only calls are direct.
        assert!(without_table(&direct).is_none());
        let m = read(&direct).unwrap();
        assert!(m.table.is_none());
        assert_eq!(
            m.func_types.len(),
            1 + 5 + 2,
            "a dispatcher per called type"
        );
        for &(s, e) in &m.bodies {
            assert!(indirect_calls(&direct[s..e]).unwrap().is_empty());
        }
    }

    #[test]
    fn modules_whose_table_may_be_used_otherwise_are_left_alone() {
        assert!(without_table(&module(A, true)).is_none(), "exported table");
        let table_get = [0, 0x20, 0, 0x25, 0, 0x1A, 0x41, 0, END];
        assert!(
            without_table(&module(&table_get, false)).is_none(),
            "table.get"
        );
        let simd = [0, 0xFD, 0x0C, END];
        assert!(
            without_table(&module(&simd, false)).is_none(),
            "an unknown instruction"
        );
        let other_table = [0, 0x20, 1, 0x20, 0, CALL_INDIRECT, 0, 1, END];
        assert!(
            without_table(&module(&other_table, false)).is_none(),
            "table 1"
        );
    }

    #[test]
    fn signed_leb_round_trips() {
        for v in [0, 1, -1, 63, 64, -64, -65, 4096, i32::MAX, i32::MIN] {
            let mut out = Vec::new();
            put_sleb(&mut out, v);
            let mut r = Reader {
                bytes: &out,
                pos: 0,
            };
            assert_eq!(r.sleb_i32(), Some(v));
            assert_eq!(r.pos, out.len());
        }
    }
}
