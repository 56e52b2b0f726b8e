//! A module's imports and exports, read from its import and export sections without compiling
//! anything, so a module that is not a Go js/wasm program is refused before the engine spends
//! seconds on it. Only the sections' structure is read; the engine validates the rest.

use crate::error::Error;

/// Imports and exports of a module, engine-independent.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ModuleShape {
    /// `(module, name)` of every function import.
    pub imports: Vec<(String, String)>,
    /// Export names.
    pub exports: Vec<String>,
    /// The start function's index, if the module has one (Go's linker never emits one).
    pub start: Option<u32>,
}

/// Section ids (the module rewrites read and write these too).
pub(crate) const TYPE_SECTION: u8 = 1;
pub(crate) const IMPORT_SECTION: u8 = 2;
pub(crate) const FUNCTION_SECTION: u8 = 3;
pub(crate) const GLOBAL_SECTION: u8 = 6;
pub(crate) const EXPORT_SECTION: u8 = 7;
const START_SECTION: u8 = 8;
pub(crate) const CODE_SECTION: u8 = 10;

/// The kinds of an import.
pub(crate) const IMPORT_FUNC: u8 = 0x00;
pub(crate) const IMPORT_TABLE: u8 = 0x01;
pub(crate) const IMPORT_MEMORY: u8 = 0x02;
pub(crate) const IMPORT_GLOBAL: u8 = 0x03;
const IMPORT_TAG: u8 = 0x04;

/// A cursor over a module's bytes (also used to rewrite them, see [`crate::tier_up`]).
pub(crate) struct Reader<'a> {
    pub(crate) bytes: &'a [u8],
    pub(crate) pos: usize,
}

pub(crate) fn malformed(what: &str) -> Error {
    Error::InvalidModule(format!("malformed module: {what}"))
}

impl<'a> Reader<'a> {
    pub(crate) fn byte(&mut self) -> Result<u8, Error> {
        let b = *self
            .bytes
            .get(self.pos)
            .ok_or_else(|| malformed("unexpected end"))?;
        self.pos += 1;
        Ok(b)
    }

    pub(crate) fn leb_u32(&mut self) -> Result<u32, Error> {
        let mut result: u64 = 0;
        for shift in (0..35).step_by(7) {
            let b = self.byte()?;
            result |= u64::from(b & 0x7F) << shift;
            if b & 0x80 == 0 {
                return u32::try_from(result).map_err(|_| malformed("integer too large"));
            }
        }
        Err(malformed("integer too long"))
    }

    pub(crate) fn take(&mut self, n: usize) -> Result<&'a [u8], Error> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&e| e <= self.bytes.len())
            .ok_or_else(|| malformed("unexpected end"))?;
        let out = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(out)
    }

    pub(crate) fn name(&mut self) -> Result<String, Error> {
        let b = self.name_bytes()?;
        String::from_utf8(b.to_vec()).map_err(|_| malformed("name is not UTF-8"))
    }

    fn name_bytes(&mut self) -> Result<&'a [u8], Error> {
        let n = self.leb_u32()? as usize;
        self.take(n)
    }

    /// Reads one entry of an import section: its module and name (unchecked bytes) and its
    /// kind ([`IMPORT_FUNC`], ...), with what describes it skipped.
    pub(crate) fn import(&mut self) -> Result<(&'a [u8], &'a [u8], u8), Error> {
        let module = self.name_bytes()?;
        let name = self.name_bytes()?;
        let kind = self.byte()?;
        match kind {
            IMPORT_FUNC => drop(self.leb_u32()?), // type index
            IMPORT_TABLE => {
                self.byte()?; // element type
                self.limits()?;
            }
            IMPORT_MEMORY => self.limits()?,
            IMPORT_GLOBAL => drop(self.take(2)?), // value type, mutability
            IMPORT_TAG => {
                self.byte()?; // attribute
                self.leb_u32()?;
            }
            _ => return Err(malformed("unknown import kind")),
        }
        Ok((module, name, kind))
    }

    /// Reads a signed LEB128 `i32`.
    pub(crate) fn sleb_i32(&mut self) -> Option<i32> {
        let mut result: i64 = 0;
        for shift in (0..35).step_by(7) {
            let b = self.byte().ok()?;
            result |= i64::from(b & 0x7F) << shift;
            if b & 0x80 == 0 {
                if b & 0x40 != 0 {
                    result |= -1i64 << (shift + 7);
                }
                return i32::try_from(result).ok();
            }
        }
        None
    }

    /// Skips a (signed or unsigned) LEB128 of at most `max` bytes.
    pub(crate) fn skip_leb(&mut self, max: usize) -> Option<()> {
        for _ in 0..max {
            if self.byte().ok()? & 0x80 == 0 {
                return Some(());
            }
        }
        None
    }

    /// Skips a `limits` (memory or table).
    pub(crate) fn limits(&mut self) -> Result<(), Error> {
        let flags = self.byte()?;
        self.leb_u32()?;
        if flags & 1 != 0 {
            self.leb_u32()?;
        }
        Ok(())
    }
}

/// Reads a global section's entries: their number, if all hold numbers and start from
/// constants (numbers or reads of other globals).
pub(crate) fn numeric_globals(s: &mut Reader<'_>) -> Option<u32> {
    let n = s.leb_u32().ok()?;
    for _ in 0..n {
        let ty = s.byte().ok()?;
        if !(0x7C..=0x7F).contains(&ty) {
            return None;
        }
        s.byte().ok()?; // mutability
        loop {
            match s.byte().ok()? {
                0x0B => break,
                0x41 => s.skip_leb(5)?,
                0x42 => s.skip_leb(10)?,
                0x43 => drop(s.take(4).ok()?),
                0x44 => drop(s.take(8).ok()?),
                0x23 => drop(s.leb_u32().ok()?),
                _ => return None,
            }
        }
    }
    Some(n)
}

/// A vector section's body with `more` entries (already encoded) appended.
pub(crate) fn append_entries(section: &[u8], more: u32, entries: &[u8]) -> Option<Vec<u8>> {
    let mut s = Reader {
        bytes: section,
        pos: 0,
    };
    let n = s.leb_u32().ok()?;
    let mut out = Vec::with_capacity(section.len() + entries.len() + 5);
    put_leb(&mut out, n.checked_add(more)?);
    out.extend_from_slice(&section[s.pos..]);
    out.extend_from_slice(entries);
    Some(out)
}

/// One section of a module, as [`sections`] finds it.
pub(crate) struct RawSection<'a> {
    pub(crate) id: u8,
    pub(crate) body: &'a [u8],
    /// Where the section (its id) starts in the module, and where its body starts.
    pub(crate) start: usize,
    pub(crate) at: usize,
}

impl RawSection<'_> {
    /// Where the section ends in the module.
    pub(crate) fn end(&self) -> usize {
        self.at + self.body.len()
    }
}

/// The sections of `wasm` (after the magic and version), or `None` if they are malformed.
pub(crate) fn sections(wasm: &[u8]) -> Option<Vec<RawSection<'_>>> {
    let mut r = Reader {
        bytes: wasm,
        pos: 8,
    };
    let mut out = Vec::new();
    while r.pos < wasm.len() {
        let start = r.pos;
        let id = r.byte().ok()?;
        let len = r.leb_u32().ok()? as usize;
        let at = r.pos;
        let body = r.take(len).ok()?;
        out.push(RawSection {
            id,
            body,
            start,
            at,
        });
    }
    Some(out)
}

/// What [`rewrite_sections`] does with a section.
pub(crate) enum Section {
    /// Copied as it is.
    Keep,
    /// Left out (only wasmtime's rewrite drops a section).
    #[cfg_attr(not(feature = "wasmtime"), allow(dead_code))]
    Drop,
    /// Written with this body instead.
    Replace(Vec<u8>),
}

/// `wasm` (starting with the magic and version) with each section kept, dropped or given a
/// new body as `edit` says from its id and body; `None` if `edit` returns `None` or the
/// module's sections are malformed.
pub(crate) fn rewrite_sections(
    wasm: &[u8],
    extra: usize,
    mut edit: impl FnMut(u8, &[u8]) -> Option<Section>,
) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(wasm.len() + extra);
    out.extend_from_slice(wasm.get(..8)?);
    for s in sections(wasm)? {
        match edit(s.id, s.body)? {
            Section::Keep => out.extend_from_slice(&wasm[s.start..s.end()]),
            Section::Drop => {}
            Section::Replace(body) => {
                out.push(s.id);
                put_leb(&mut out, u32::try_from(body.len()).ok()?);
                out.extend_from_slice(&body);
            }
        }
    }
    Some(out)
}

/// Appends `v` as a signed LEB128.
pub(crate) fn put_sleb(out: &mut Vec<u8>, mut v: i32) {
    loop {
        let byte = (v & 0x7F) as u8;
        v >>= 7;
        let done = (v == 0 && byte & 0x40 == 0) || (v == -1 && byte & 0x40 != 0);
        out.push(if done { byte } else { byte | 0x80 });
        if done {
            return;
        }
    }
}

/// Appends `v` as an unsigned LEB128 (for the module rewrites, see [`crate::tier_up`]).
pub(crate) fn put_leb(out: &mut Vec<u8>, mut v: u32) {
    loop {
        let byte = (v & 0x7F) as u8;
        v >>= 7;
        if v == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// Reads the imports and exports of `wasm` (which starts with the wasm magic and version).
pub fn read(wasm: &[u8]) -> Result<ModuleShape, Error> {
    if wasm.len() < 8 || &wasm[..4] != b"\0asm" {
        return Err(Error::InvalidModule(
            "missing the \\0asm magic number".into(),
        ));
    }
    let mut r = Reader {
        bytes: wasm,
        pos: 8,
    };
    let mut shape = ModuleShape::default();
    while r.pos < wasm.len() {
        let id = r.byte()?;
        let len = r.leb_u32()? as usize;
        let body = r.take(len)?;
        let mut s = Reader {
            bytes: body,
            pos: 0,
        };
        match id {
            IMPORT_SECTION => imports(&mut s, &mut shape)?,
            EXPORT_SECTION => exports(&mut s, &mut shape)?,
            START_SECTION => shape.start = Some(s.leb_u32()?),
            _ => {}
        }
    }
    Ok(shape)
}

fn imports(s: &mut Reader<'_>, shape: &mut ModuleShape) -> Result<(), Error> {
    for _ in 0..s.leb_u32()? {
        let (module, name, kind) = s.import()?;
        let text = |b: &[u8]| String::from_utf8(b.to_vec());
        let (Ok(module), Ok(name)) = (text(module), text(name)) else {
            return Err(malformed("name is not UTF-8"));
        };
        if kind == IMPORT_FUNC {
            shape.imports.push((module, name));
        }
    }
    Ok(())
}

fn exports(s: &mut Reader<'_>, shape: &mut ModuleShape) -> Result<(), Error> {
    for _ in 0..s.leb_u32()? {
        shape.exports.push(s.name()?);
        s.byte()?; // kind
        s.leb_u32()?; // index
    }
    Ok(())
}

/// Checks that a module is a Go js/wasm program whose imports this runtime provides.
pub fn check(shape: &ModuleShape) -> Result<(), Error> {
    for export in crate::engine::glue::REQUIRED_EXPORTS {
        if !shape.exports.iter().any(|e| e == export) {
            return Err(Error::NotGoProgram(format!(
                "it does not export {export:?}"
            )));
        }
    }
    // A start function would run guest code while the module is instantiated, before the
    // host has set anything up (and outside what `run` and its timeout cover).
    if shape.start.is_some() {
        return Err(Error::NotGoProgram(
            "it has a start function, which Go's linker never emits".into(),
        ));
    }
    if !shape.imports.iter().any(|(m, _)| m == "gojs" || m == "go") {
        return Err(Error::NotGoProgram(
            "it imports nothing from the gojs module".into(),
        ));
    }
    for (module, name) in &shape.imports {
        if crate::imports::lookup(module, name).is_none() {
            return Err(Error::UnknownImport {
                module: printable(module),
                name: printable(name),
            });
        }
    }
    Ok(())
}

/// A name from the module as it can appear in a one-line message: control characters, bidi
/// overrides and quotes escaped (the guest chose it: it must not break lines or turn text
/// around on a terminal).
fn printable(name: &str) -> String {
    name.escape_debug().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A module importing `gojs.debug` and exporting `run` and `mem`.
    fn sample() -> Vec<u8> {
        let mut m = b"\0asm\x01\0\0\0".to_vec();
        // type section: one func type () -> ()
        m.extend_from_slice(&[1, 4, 1, 0x60, 0, 0]);
        // import section: gojs.debug, func type 0
        let mut imp = vec![1, 4];
        imp.extend_from_slice(b"gojs");
        imp.push(5);
        imp.extend_from_slice(b"debug");
        imp.extend_from_slice(&[0, 0]);
        m.push(2);
        m.push(imp.len() as u8);
        m.extend_from_slice(&imp);
        // export section: "run" func 0, "mem" memory 0
        let exp = [2, 3, b'r', b'u', b'n', 0, 0, 3, b'm', b'e', b'm', 2, 0];
        m.push(7);
        m.push(exp.len() as u8);
        m.extend_from_slice(&exp);
        m
    }

    #[test]
    fn reads_imports_and_exports() {
        let shape = read(&sample()).unwrap();
        assert_eq!(shape.imports, vec![("gojs".into(), "debug".into())]);
        assert_eq!(shape.exports, vec!["run".to_string(), "mem".to_string()]);
        assert!(matches!(check(&shape), Err(Error::NotGoProgram(_))));
    }

    #[test]
    fn a_start_function_is_refused() {
        let mut m = sample();
        m.extend_from_slice(&[8, 1, 0]);
        let mut shape = read(&m).unwrap();
        assert_eq!(shape.start, Some(0));
        shape.exports = ["run", "resume", "getsp", "mem"].map(String::from).to_vec();
        let err = check(&shape).unwrap_err().to_string();
        assert!(err.contains("start function"), "{err}");
        shape.start = None;
        assert!(check(&shape).is_ok());
    }

    #[test]
    fn unknown_names_print_on_one_line() {
        let shape = ModuleShape {
            imports: vec![("gojs".into(), "x\n\u{202e}y".into())],
            exports: ["run", "resume", "getsp", "mem"].map(String::from).to_vec(),
            start: None,
        };
        let err = check(&shape).unwrap_err().to_string();
        assert!(err.contains(r"gojs::x\n\u{202e}y"), "{err}");
    }

    #[test]
    fn truncated_and_hostile_bytes_are_errors() {
        let m = sample();
        for n in 8..m.len() {
            // Every prefix either parses (a section boundary) or is an error: never a panic.
            let _ = read(&m[..n]);
        }
        assert!(read(b"\0asm\x01\0\0\0\x02\xff\xff\xff\xff\x0f").is_err());
        assert!(read(b"not wasm").is_err());
    }
}
