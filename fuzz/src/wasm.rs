//! Just enough of the wasm binary format to build small Go-shaped modules and to mutate
//! modules section by section.

use arbitrary::Unstructured;

/// The magic number and version 1.
pub const HEADER: &[u8; 8] = b"\0asm\x01\0\0\0";

/// Appends `n` as unsigned LEB128.
pub fn leb(out: &mut Vec<u8>, mut n: u64) {
    loop {
        let b = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

/// Appends a name (length, bytes).
pub fn name(out: &mut Vec<u8>, s: &[u8]) {
    leb(out, s.len() as u64);
    out.extend_from_slice(s);
}

/// A module as a header and sections `(id, body)`.
#[derive(Clone, Debug, PartialEq)]
pub struct Sections {
    /// The 8 bytes before the sections (magic and version).
    pub header: Vec<u8>,
    /// The sections in order.
    pub sections: Vec<(u8, Vec<u8>)>,
}

impl Sections {
    /// Splits a module into sections; `None` if its section structure is broken.
    pub fn parse(wasm: &[u8]) -> Option<Sections> {
        if wasm.len() < 8 {
            return None;
        }
        let mut pos = 8;
        let mut sections = Vec::new();
        while pos < wasm.len() {
            let id = wasm[pos];
            pos += 1;
            let (len, n) = read_leb(&wasm[pos..])?;
            pos += n;
            let end = pos.checked_add(usize::try_from(len).ok()?)?;
            sections.push((id, wasm.get(pos..end)?.to_vec()));
            pos = end;
        }
        Some(Sections {
            header: wasm[..8].to_vec(),
            sections,
        })
    }

    /// The module's bytes.
    pub fn encode(&self) -> Vec<u8> {
        let mut m = self.header.clone();
        for (id, body) in &self.sections {
            m.push(*id);
            leb(&mut m, body.len() as u64);
            m.extend_from_slice(body);
        }
        m
    }
}

/// Reads an unsigned LEB128 (at most 10 bytes): its value and length.
pub fn read_leb(b: &[u8]) -> Option<(u64, usize)> {
    let mut v: u64 = 0;
    for (i, byte) in b.iter().take(10).enumerate() {
        v |= u64::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            return Some((v, i + 1));
        }
    }
    None
}

/// A module shaped like a Go js/wasm program, small enough to compile in microseconds: it
/// imports `imports` from `gojs` as `(sp i32)` functions, exports `run`, `resume`, `getsp` and
/// `mem`, and its `run` calls each import in `calls` with its stack pointer, over a memory
/// whose first bytes are `data`.
pub fn go_shaped(imports: &[&str], calls: &[(u32, u32)], data: &[u8]) -> Vec<u8> {
    // Types: 0 (i32)->(), 1 (i32,i32)->(), 2 ()->(), 3 ()->(i32).
    let types = vec![
        4, 0x60, 1, 0x7f, 0, 0x60, 2, 0x7f, 0x7f, 0, 0x60, 0, 0, 0x60, 0, 1, 0x7f,
    ];
    let mut imp = Vec::new();
    leb(&mut imp, imports.len() as u64);
    for i in imports {
        name(&mut imp, b"gojs");
        name(&mut imp, i.as_bytes());
        imp.extend_from_slice(&[0x00, 0]);
    }
    let first = imports.len() as u64;
    let mut funcs = vec![3];
    funcs.extend_from_slice(&[1, 2, 3]); // run, resume, getsp
    let memory = vec![1, 0x00, 2]; // two pages, no maximum
    let mut exports = vec![4];
    for (n, kind, idx) in [
        ("run", 0, first),
        ("resume", 0, first + 1),
        ("getsp", 0, first + 2),
        ("mem", 2, 0),
    ] {
        name(&mut exports, n.as_bytes());
        exports.push(kind);
        leb(&mut exports, idx);
    }
    let mut run = vec![0];
    for &(import, sp) in calls {
        run.push(0x41); // i32.const sp
        sleb(&mut run, i64::from(sp as i32));
        run.push(0x10); // call
        leb(&mut run, u64::from(import) % first.max(1));
    }
    run.push(0x0b);
    let bodies: [&[u8]; 3] = [&run, &[0, 0x0b], &[0, 0x41, 0x80, 0x08, 0x0b]];
    let mut code = vec![3];
    for b in bodies {
        leb(&mut code, b.len() as u64);
        code.extend_from_slice(b);
    }
    let mut data_sec = vec![1, 0, 0x41, 0, 0x0b];
    name(&mut data_sec, data);
    let mut sections = vec![(1, types)];
    if !imports.is_empty() {
        sections.push((2, imp));
    }
    sections.extend([
        (3, funcs),
        (5, memory),
        (7, exports),
        (10, code),
        (11, data_sec),
    ]);
    Sections {
        header: HEADER.to_vec(),
        sections,
    }
    .encode()
}

/// Appends `n` as signed LEB128.
pub fn sleb(out: &mut Vec<u8>, mut n: i64) {
    loop {
        let b = (n & 0x7f) as u8;
        n >>= 7;
        let done = (n == 0 && b & 0x40 == 0) || (n == -1 && b & 0x40 != 0);
        if done {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

/// Applies mutations chosen by `u` to a module's sections (structure-aware: sections
/// dropped, duplicated, reordered, renumbered, truncated, their lengths or counts made wild,
/// names in them replaced, bytes flipped), then possibly to its raw bytes.
pub fn mutate_module(u: &mut Unstructured<'_>, wasm: &[u8]) -> arbitrary::Result<Vec<u8>> {
    let Some(mut m) = Sections::parse(wasm) else {
        return Ok(wasm.to_vec());
    };
    for _ in 0..u.int_in_range(1..=4)? {
        let n = m.sections.len();
        if n == 0 {
            m.sections.push((u.int_in_range(0..=13)?, u.arbitrary()?));
            continue;
        }
        let at = u.choose_index(n)?;
        match u.int_in_range(0..=11)? {
            0 => {
                m.sections.remove(at);
            }
            1 => {
                let s = m.sections[at].clone();
                m.sections.insert(u.choose_index(n + 1)?, s);
            }
            2 => {
                let other = u.choose_index(n)?;
                m.sections.swap(at, other);
            }
            3 => m.sections[at].0 = u.int_in_range(0..=14)?,
            4 => {
                let body = &mut m.sections[at].1;
                let keep = u.choose_index(body.len() + 1)?;
                body.truncate(keep);
            }
            5 => {
                // A wild count at the start of the section's vector.
                let body = &mut m.sections[at].1;
                let old = read_leb(body).map_or(0, |(_, n)| n);
                let mut count = Vec::new();
                leb(
                    &mut count,
                    *u.choose(&[0u64, 1, 0x7fff_ffff, 0xffff_ffff, 1 << 40])?,
                );
                body.splice(..old.min(body.len()), count);
            }
            6 => rename(u, &mut m.sections[at].1)?,
            7 | 8 => {
                let body = &mut m.sections[at].1;
                if !body.is_empty() {
                    for _ in 0..u.int_in_range(1..=8)? {
                        let i = u.choose_index(body.len())?;
                        body[i] ^= u.int_in_range(1..=255)?;
                    }
                }
            }
            9 => {
                let bytes: Vec<u8> = u.arbitrary()?;
                let i = u.choose_index(m.sections[at].1.len() + 1)?;
                m.sections[at].1.splice(i..i, bytes);
            }
            10 => {
                // A start section naming some function.
                let mut start = Vec::new();
                leb(&mut start, u.int_in_range(0..=40)?);
                m.sections.insert(u.choose_index(n + 1)?, (8, start));
            }
            _ => {
                // A memory section with wild limits.
                let mut mem = vec![1, *u.choose(&[0u8, 1, 2, 3])?];
                leb(&mut mem, *u.choose(&[0u64, 1, 0x1_0000, 0xffff_ffff])?);
                leb(&mut mem, *u.choose(&[0u64, 1, 0x1_0000, 0xffff_ffff])?);
                m.sections.push((5, mem));
            }
        }
    }
    let mut bytes = m.encode();
    if !u.ratio(7, 8)? {
        let cut = u.choose_index(bytes.len() + 1)?;
        bytes.truncate(cut);
    }
    Ok(bytes)
}

/// Replaces one length-prefixed name-like run in `body` (a run of printable bytes preceded by
/// its length) with another name: a `gojs` import name, an export name, or junk.
fn rename(u: &mut Unstructured<'_>, body: &mut Vec<u8>) -> arbitrary::Result<()> {
    const NAMES: &[&[u8]] = &[
        b"run",
        b"resume",
        b"getsp",
        b"mem",
        b"gojs",
        b"go",
        b"_gotest",
        b"debug",
        b"syscall/js.valueCall",
        b"syscall/js.valueGet",
        b"runtime.wasmExit",
        b"runtime.wasmWrite",
        b"wasi_snapshot_preview1",
        b"",
        b"\xff\xfe",
    ];
    let mut spots = Vec::new();
    let mut i = 0;
    while i < body.len() {
        let len = body[i] as usize;
        if len > 0 && len < 0x80 && i + 1 + len <= body.len() {
            let s = &body[i + 1..i + 1 + len];
            if s.iter().all(|b| b.is_ascii_graphic()) {
                spots.push((i, len));
                i += 1 + len;
                continue;
            }
        }
        i += 1;
    }
    if spots.is_empty() {
        return Ok(());
    }
    let (at, len) = spots[u.choose_index(spots.len())?];
    let new: Vec<u8> = if !u.ratio(3, 4)? {
        u.arbitrary()?
    } else {
        u.choose(NAMES)?.to_vec()
    };
    let mut encoded = Vec::new();
    name(&mut encoded, &new);
    body.splice(at..at + 1 + len, encoded);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_round_trip() {
        let m = go_shaped(&["debug", "runtime.wasmExit"], &[(0, 8), (1, 4096)], b"abc");
        let s = Sections::parse(&m).unwrap();
        assert_eq!(s.encode(), m);
        assert!(s.sections.iter().any(|(id, _)| *id == 11));
    }

    #[test]
    fn leb_round_trips() {
        for n in [0u64, 1, 127, 128, 300, u32::MAX as u64, u64::MAX] {
            let mut b = Vec::new();
            leb(&mut b, n);
            assert_eq!(read_leb(&b), Some((n, b.len())));
        }
        let mut b = Vec::new();
        sleb(&mut b, -1);
        assert_eq!(b, [0x7f]);
    }

    #[test]
    fn mutation_never_panics() {
        let m = go_shaped(&["debug"], &[(0, 1)], b"xyz");
        for seed in 0..2000u32 {
            let bytes: Vec<u8> = (0..200u32)
                .map(|i| (seed.wrapping_mul(2654435761) ^ i.wrapping_mul(40503)) as u8)
                .collect();
            let mut u = Unstructured::new(&bytes);
            let _ = mutate_module(&mut u, &m);
        }
    }
}
