//! A module's data segments, merged before it is compiled.
//!
//! Go's linker writes a program's data as many active segments (up to 100,000: 33,000 for a
//! 2.5 MB program), starting a new one wherever a few zero bytes separate two symbols.
//! wasmer and wasmi set every segment up at each instantiation (an offset expression
//! evaluated, a bounds check, a copy), which took most of the time they need to start a
//! small guest. Merging neighbours across gaps of at most [`MAX_GAP`] bytes leaves a handful
//! of segments and the same memory: a module's own memory starts zeroed, so a gap filled
//! with zeros holds what it held before. wasmtime, which builds a memory image once at
//! compile time, starts as fast either way.

use crate::shape::{
    put_leb, put_sleb, sections, Reader, IMPORT_FUNC, IMPORT_GLOBAL, IMPORT_MEMORY, IMPORT_SECTION,
    IMPORT_TABLE,
};

const DATA_SECTION: u8 = 11;
const DATA_COUNT_SECTION: u8 = 12;
const I32_CONST: u8 = 0x41;
const END: u8 = 0x0B;

/// Largest run of zero bytes written to join two segments (a segment costs more to set up
/// than writing this many bytes; Go's gaps are mostly alignment, a few bytes each).
const MAX_GAP: u32 = 256;

/// The most segments a module may have (the engines' limit): more is left to the engine
/// to refuse, before anything is allocated for them.
const MAX_SEGMENTS: u32 = 100_000;

/// `wasm` with its data segments merged, or `None` when there is nothing to merge or the
/// module does not allow it: its memory is imported (a gap may hold data already), code may
/// name segments (a data count section, for `memory.init` and `data.drop`), a segment is
/// passive or not at a constant `i32` offset, or two segments overlap (the later one would
/// overwrite the other: without overlaps, the order they are written in does not matter, and
/// Go's linker writes them section by section, not by address). Malformed modules are left
/// to the engine.
pub(crate) fn coalesce(wasm: &[u8]) -> Option<Vec<u8>> {
    let mut data = None;
    for s in sections(wasm)? {
        match s.id {
            IMPORT_SECTION if imports_memory(s.body)? => return None,
            DATA_COUNT_SECTION => return None,
            DATA_SECTION => data = Some((s.start, s.end(), s.body)),
            _ => {}
        }
    }
    let (start, end, body) = data?;
    let segments = read_segments(body)?;
    let merged = merge(&segments)?;
    if merged.len() == segments.len() {
        return None;
    }
    let mut section = Vec::new();
    put_leb(&mut section, merged.len() as u32);
    for (offset, bytes) in &merged {
        section.extend_from_slice(&[0, I32_CONST]);
        put_sleb(&mut section, *offset as i32);
        section.push(END);
        put_leb(&mut section, u32::try_from(bytes.len()).ok()?);
        section.extend_from_slice(bytes);
    }
    let mut out = Vec::with_capacity(wasm.len() + section.len());
    out.extend_from_slice(&wasm[..start]);
    out.push(DATA_SECTION);
    put_leb(&mut out, u32::try_from(section.len()).ok()?);
    out.extend_from_slice(&section);
    out.extend_from_slice(&wasm[end..]);
    Some(out)
}

/// Whether an import section imports a memory (`None` if it does not parse).
fn imports_memory(body: &[u8]) -> Option<bool> {
    let mut s = Reader {
        bytes: body,
        pos: 0,
    };
    for _ in 0..s.leb_u32().ok()? {
        match s.import().ok()?.2 {
            IMPORT_MEMORY => return Some(true),
            IMPORT_FUNC | IMPORT_TABLE | IMPORT_GLOBAL => {}
            _ => return None,
        }
    }
    Some(false)
}

/// The segments of a data section as `(offset, bytes)`, by address, if every one is active
/// in memory 0 at an `i32.const` offset and none overlaps another.
fn read_segments(body: &[u8]) -> Option<Vec<(u32, &[u8])>> {
    let mut s = Reader {
        bytes: body,
        pos: 0,
    };
    let count = s.leb_u32().ok().filter(|&n| n <= MAX_SEGMENTS)?;
    let mut segments = Vec::with_capacity(count as usize);
    for _ in 0..count {
        if s.leb_u32().ok()? != 0 || s.byte().ok()? != I32_CONST {
            return None;
        }
        let offset = s.sleb_i32()? as u32;
        if s.byte().ok()? != END {
            return None;
        }
        let len = s.leb_u32().ok()? as usize;
        segments.push((offset, s.take(len).ok()?));
    }
    if s.pos != body.len() {
        return None;
    }
    segments.sort_by_key(|&(offset, _)| offset);
    let overlap = segments
        .windows(2)
        .any(|w| u64::from(w[0].0) + w[0].1.len() as u64 > u64::from(w[1].0));
    (!overlap).then_some(segments)
}

/// Joins segments separated by at most [`MAX_GAP`] bytes, filling the gaps with zeros;
/// `None` if the zeros would more than double the data (Go's programs grow by a third; a
/// module made of tiny segments far apart is left as it is).
fn merge(segments: &[(u32, &[u8])]) -> Option<Vec<(u32, Vec<u8>)>> {
    let data: usize = segments.iter().map(|(_, b)| b.len()).sum();
    let mut zeros = 0;
    let mut merged: Vec<(u32, Vec<u8>)> = Vec::new();
    for &(offset, bytes) in segments {
        match merged.last_mut() {
            Some((start, joined))
                if u64::from(offset)
                    <= u64::from(*start) + joined.len() as u64 + u64::from(MAX_GAP) =>
            {
                let gap = (offset - *start) as usize - joined.len();
                zeros += gap;
                if zeros > data + (64 << 10) {
                    return None;
                }
                joined.resize(joined.len() + gap, 0);
                joined.extend_from_slice(bytes);
            }
            _ => merged.push((offset, bytes.to_vec())),
        }
    }
    Some(merged)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A module with one memory of a page, and `sections` after it.
    fn module(sections: &[(u8, Vec<u8>)]) -> Vec<u8> {
        let mut m = b"\0asm\x01\0\0\0".to_vec();
        m.extend_from_slice(&[5, 3, 1, 0, 1]); // memory section: one memory, min 1 page
        for (id, body) in sections {
            m.push(*id);
            put_leb(&mut m, body.len() as u32);
            m.extend_from_slice(body);
        }
        m
    }

    fn data_section(segments: &[(i32, &[u8])]) -> Vec<u8> {
        let mut s = Vec::new();
        put_leb(&mut s, segments.len() as u32);
        for (offset, bytes) in segments {
            s.extend_from_slice(&[0, I32_CONST]);
            put_sleb(&mut s, *offset);
            s.push(END);
            put_leb(&mut s, bytes.len() as u32);
            s.extend_from_slice(bytes);
        }
        s
    }

    /// Memory as instantiation leaves it (the first 64 KiB).
    fn image(wasm: &[u8]) -> Vec<u8> {
        let mut r = Reader {
            bytes: wasm,
            pos: 8,
        };
        let mut memory = vec![0u8; 1 << 16];
        while r.pos < wasm.len() {
            let id = r.byte().unwrap();
            let len = r.leb_u32().unwrap() as usize;
            let body = r.take(len).unwrap();
            if id == DATA_SECTION {
                for (offset, bytes) in read_segments(body).unwrap() {
                    memory[offset as usize..][..bytes.len()].copy_from_slice(bytes);
                }
            }
        }
        memory
    }

    fn segments(wasm: &[u8]) -> usize {
        let mut r = Reader {
            bytes: wasm,
            pos: 8,
        };
        while r.pos < wasm.len() {
            let id = r.byte().unwrap();
            let len = r.leb_u32().unwrap() as usize;
            let body = r.take(len).unwrap();
            if id == DATA_SECTION {
                return read_segments(body).unwrap().len();
            }
        }
        0
    }

    #[test]
    fn neighbours_merge_and_memory_stays_the_same() {
        let wasm = module(&[(
            DATA_SECTION,
            data_section(&[
                (16, b"abc"),
                (19, b"de"),            // adjacent
                (40, b"fgh"),           // a gap of 19 bytes
                (40 + 3 + 300, b"ij"),  // a gap longer than MAX_GAP
                (60_000, &[7u8; 1000]), // far away, a multi-byte offset
            ]),
        )]);
        let merged = coalesce(&wasm).expect("segments to merge");
        assert_eq!(segments(&wasm), 5);
        assert_eq!(segments(&merged), 3);
        assert!(image(&merged) == image(&wasm), "the memory is unchanged");
        // Nothing left to merge: no rewrite.
        assert!(coalesce(&merged).is_none());
    }

    #[test]
    fn modules_that_do_not_allow_merging_are_left_alone() {
        let two = data_section(&[(0, b"a"), (1, b"b")]);
        let mut imported = vec![1]; // one import: "m" "mem", a memory of 1 page
        imported.extend_from_slice(&[1, b'm', 3, b'm', b'e', b'm', IMPORT_MEMORY, 0, 1]);
        let cases = [
            (
                "an imported memory",
                module(&[(IMPORT_SECTION, imported), (DATA_SECTION, two.clone())]),
            ),
            (
                "a data count",
                module(&[(DATA_COUNT_SECTION, vec![2]), (DATA_SECTION, two.clone())]),
            ),
            (
                "overlapping",
                module(&[(DATA_SECTION, data_section(&[(0, b"abc"), (1, b"b")]))]),
            ),
            (
                "a passive segment",
                module(&[(
                    DATA_SECTION,
                    vec![2, 1, 1, b'a', 0, I32_CONST, 1, END, 1, b'b'],
                )]),
            ),
            (
                "mostly gaps",
                module(&[(
                    DATA_SECTION,
                    data_section(&(0..300).map(|i| (i * 256, &b"x"[..])).collect::<Vec<_>>()),
                )]),
            ),
            (
                "truncated",
                module(&[(DATA_SECTION, two[..two.len() - 1].to_vec())]),
            ),
        ];
        assert!(coalesce(&module(&[(DATA_SECTION, two)])).is_some());
        // Out of order (as Go writes them) is fine: without overlaps, order does not matter.
        let shuffled = module(&[(
            DATA_SECTION,
            data_section(&[(9, b"c"), (0, b"a"), (5, b"b")]),
        )]);
        let merged = coalesce(&shuffled).expect("merged");
        assert_eq!(segments(&merged), 1);
        assert!(image(&merged) == image(&shuffled));
        for (what, wasm) in cases {
            assert!(coalesce(&wasm).is_none(), "{what}");
        }
    }
}
