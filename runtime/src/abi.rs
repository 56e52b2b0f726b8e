//! Go's js/wasm calling convention: arguments and results at fixed offsets from the stack
//! pointer Go passes to every `gojs` import, little-endian, with JS references NaN-boxed.

use std::borrow::Cow;

use crate::error::Abort;
use crate::js::Value;
use crate::table::{ids, ValueTable};

/// The high word of a boxed reference: a quiet NaN; the low three bits carry the type flag.
pub const NAN_HEAD: u32 = 0x7FF8_0000;

/// Bounds-checked access to a guest's linear memory. Every engine lends its memory as a byte
/// slice for the length of one import call, so these are plain slice operations that the
/// compiler inlines into each decoder (a `js.ref` read is a bounds check and a load).
pub trait Memory {
    /// Copies `out.len()` bytes at `addr` into `out`.
    fn read_at(&self, addr: u64, out: &mut [u8]) -> Result<(), Abort>;
    /// Copies `data` to `addr`.
    fn write_at(&mut self, addr: u64, data: &[u8]) -> Result<(), Abort>;
    /// The `len` bytes at `addr`, borrowed.
    fn bytes_at(&self, addr: u64, len: u64) -> Result<&[u8], Abort>;
}

fn range(len: usize, addr: u64, n: usize) -> Result<std::ops::Range<usize>, Abort> {
    let start = usize::try_from(addr).ok();
    match start.and_then(|s| s.checked_add(n).map(|e| (s, e))) {
        Some((s, e)) if e <= len => Ok(s..e),
        _ => Err(Abort::Fault(format!(
            "memory access of {n} bytes at {addr:#x} is outside linear memory ({len} bytes)"
        ))),
    }
}

impl Memory for [u8] {
    #[inline]
    fn read_at(&self, addr: u64, out: &mut [u8]) -> Result<(), Abort> {
        let r = range(self.len(), addr, out.len())?;
        out.copy_from_slice(&self[r]);
        Ok(())
    }

    #[inline]
    fn write_at(&mut self, addr: u64, data: &[u8]) -> Result<(), Abort> {
        let r = range(self.len(), addr, data.len())?;
        self[r].copy_from_slice(data);
        Ok(())
    }

    #[inline]
    fn bytes_at(&self, addr: u64, len: u64) -> Result<&[u8], Abort> {
        let n = usize::try_from(len).map_err(|_| Abort::Fault("slice too long".into()))?;
        Ok(&self[range(self.len(), addr, n)?])
    }
}

/// Typed reads and writes at the stack pointer of one import call.
pub struct Frame<'a> {
    /// The guest memory.
    pub mem: &'a mut [u8],
    /// Go's stack pointer for this call.
    pub sp: u64,
}

impl<'a> Frame<'a> {
    /// A frame over `mem` at `sp`.
    pub fn new(mem: &'a mut [u8], sp: u32) -> Frame<'a> {
        Frame { mem, sp: sp as u64 }
    }

    fn bytes<const N: usize>(&self, off: u64) -> Result<[u8; N], Abort> {
        let mut b = [0u8; N];
        self.mem.read_at(self.sp + off, &mut b)?;
        Ok(b)
    }

    /// An `int64` argument.
    pub fn i64(&self, off: u64) -> Result<i64, Abort> {
        Ok(i64::from_le_bytes(self.bytes(off)?))
    }

    /// An `int32` argument.
    pub fn i32(&self, off: u64) -> Result<i32, Abort> {
        Ok(i32::from_le_bytes(self.bytes(off)?))
    }

    /// A `uint32` argument.
    pub fn u32(&self, off: u64) -> Result<u32, Abort> {
        Ok(u32::from_le_bytes(self.bytes(off)?))
    }

    /// A pointer-sized non-negative argument (address or length), as a Go `int`.
    pub fn usize(&self, off: u64) -> Result<u64, Abort> {
        let v = self.i64(off)?;
        u64::try_from(v).map_err(|_| Abort::Fault(format!("negative address or length {v}")))
    }

    /// Stores an `int64` result.
    pub fn set_i64(&mut self, off: u64, v: i64) -> Result<(), Abort> {
        self.mem.write_at(self.sp + off, &v.to_le_bytes())
    }

    /// Stores an `int32` result.
    pub fn set_i32(&mut self, off: u64, v: i32) -> Result<(), Abort> {
        self.mem.write_at(self.sp + off, &v.to_le_bytes())
    }

    /// Stores a `bool` result.
    pub fn set_bool(&mut self, off: u64, v: bool) -> Result<(), Abort> {
        self.mem.write_at(self.sp + off, &[v as u8])
    }

    /// A Go slice header `(ptr, len)` at `off` (capacity ignored).
    pub fn slice(&self, off: u64) -> Result<(u64, u64), Abort> {
        Ok((self.usize(off)?, self.usize(off + 8)?))
    }

    /// The bytes of a Go slice or string at `off`.
    pub fn slice_bytes(&self, off: u64) -> Result<Vec<u8>, Abort> {
        let (ptr, len) = self.slice(off)?;
        Ok(self.mem.bytes_at(ptr, len)?.to_vec())
    }

    /// A Go string at `off`, decoded as UTF-8 with replacement (as `TextDecoder` does);
    /// borrowed from guest memory when it is valid UTF-8.
    pub fn str(&self, off: u64) -> Result<Cow<'_, str>, Abort> {
        let (ptr, len) = self.slice(off)?;
        let bytes = self.mem.bytes_at(ptr, len)?;
        // Valid UTF-8 (nearly every string) is checked by the fast validator and borrowed.
        Ok(match std::str::from_utf8(bytes) {
            Ok(s) => Cow::Borrowed(s),
            Err(_) => String::from_utf8_lossy(bytes),
        })
    }

    /// A Go string at `off`, as [`Frame::str`], owned.
    pub fn string(&self, off: u64) -> Result<String, Abort> {
        Ok(self.str(off)?.into_owned())
    }

    /// A `js.ref` at `off`.
    pub fn value(&self, off: u64, table: &ValueTable) -> Result<Value, Abort> {
        let raw = u64::from_le_bytes(self.bytes(off)?);
        decode_ref(raw, table)
    }

    /// A `[]js.ref` at `off`.
    pub fn values(&self, off: u64, table: &ValueTable) -> Result<Vec<Value>, Abort> {
        let (ptr, len) = self.slice(off)?;
        let bytes = len
            .checked_mul(8)
            .ok_or_else(|| Abort::Fault("slice of refs too long".into()))?;
        let raw = self.mem.bytes_at(ptr, bytes)?;
        raw.chunks_exact(8)
            .map(|c| decode_ref(u64::from_le_bytes(c.try_into().unwrap()), table))
            .collect()
    }

    /// Stores `v` as a `js.ref` at `off`, taking a Go reference when it needs an id.
    pub fn set_value(&mut self, off: u64, v: &Value, table: &mut ValueTable) -> Result<(), Abort> {
        let raw = encode_ref(v, table);
        self.mem.write_at(self.sp + off, &raw.to_le_bytes())
    }
}

/// Decodes a reference: 0.0 is undefined, any other non-NaN is a number, a NaN carries an id.
pub fn decode_ref(raw: u64, table: &ValueTable) -> Result<Value, Abort> {
    let f = f64::from_bits(raw);
    if f == 0.0 {
        return Ok(Value::Undefined);
    }
    if !f.is_nan() {
        return Ok(Value::Number(f));
    }
    let id = raw as u32;
    table
        .get(id)
        .cloned()
        .ok_or_else(|| Abort::Fault(format!("reference to unknown JS value id {id}")))
}

/// Encodes a value as a reference, retaining it in `table` when it needs an id.
pub fn encode_ref(v: &Value, table: &mut ValueTable) -> u64 {
    match v {
        Value::Number(n) if n.is_nan() => ((NAN_HEAD as u64) << 32) | ids::NAN as u64,
        Value::Number(n) if *n != 0.0 => n.to_bits(),
        Value::Undefined => 0,
        _ => {
            let id = table.retain(v).expect("non-inline values get ids");
            (((NAN_HEAD | v.type_flag()) as u64) << 32) | id as u64
        }
    }
}

/// Converts a JS number to the `int64` wasm_exec.js's `setInt64` would store: the low and
/// high words each go through `ToUint32`, so NaN becomes 0 and fractions truncate.
pub fn js_int64(v: f64) -> i64 {
    let low = crate::js::number::to_uint32(v) as u64;
    let high = crate::js::number::to_uint32((v / 4294967296.0).floor()) as u64;
    ((high << 32) | low) as i64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::js::Obj;

    fn table() -> ValueTable {
        ValueTable::new(Obj::plain(), Obj::plain())
    }

    #[test]
    fn numbers_round_trip_inline() {
        let mut t = table();
        for n in [
            1.0,
            -1.5,
            f64::INFINITY,
            f64::NEG_INFINITY,
            9007199254740992.0,
            1e-300,
        ] {
            let raw = encode_ref(&Value::Number(n), &mut t);
            assert_eq!(raw, n.to_bits());
            assert!(matches!(decode_ref(raw, &t).unwrap(), Value::Number(m) if m == n));
        }
        assert_eq!(t.live(), 7, "inline numbers take no ids");
    }

    #[test]
    fn special_values_use_predefined_ids() {
        let mut t = table();
        assert_eq!(encode_ref(&Value::Undefined, &mut t), 0);
        assert!(matches!(decode_ref(0, &t).unwrap(), Value::Undefined));
        assert_eq!(
            encode_ref(&Value::Number(f64::NAN), &mut t),
            0x7FF8_0000_0000_0000
        );
        assert!(
            matches!(decode_ref(0x7FF8_0000_0000_0000, &t).unwrap(), Value::Number(n) if n.is_nan())
        );
        assert_eq!(
            encode_ref(&Value::Number(0.0), &mut t),
            0x7FF8_0000_0000_0001
        );
        assert_eq!(encode_ref(&Value::Null, &mut t), 0x7FF8_0000_0000_0002);
        assert_eq!(
            encode_ref(&Value::Bool(true), &mut t),
            0x7FF8_0000_0000_0003
        );
        assert_eq!(
            encode_ref(&Value::Bool(false), &mut t),
            0x7FF8_0000_0000_0004
        );
    }

    #[test]
    fn type_flags() {
        let mut t = table();
        let s = encode_ref(&Value::from("x"), &mut t);
        assert_eq!(s >> 32, 0x7FF8_0002);
        let o = encode_ref(&Value::Object(Obj::plain()), &mut t);
        assert_eq!(o >> 32, 0x7FF8_0001);
        let f = Obj::native(std::rc::Rc::new(|_, _, _| Ok(Value::Undefined)));
        let fr = encode_ref(&Value::Object(f), &mut t);
        assert_eq!(fr >> 32, 0x7FF8_0004);
    }

    #[test]
    fn frame_reads_go_strings_and_rejects_wild_pointers() {
        let mut mem = vec![0u8; 64];
        mem[8..16].copy_from_slice(&32u64.to_le_bytes());
        mem[16..24].copy_from_slice(&5u64.to_le_bytes());
        mem[32..37].copy_from_slice(b"hello");
        let frame = Frame::new(&mut mem, 0);
        assert_eq!(frame.string(8).unwrap(), "hello");
        let mut bad = vec![0u8; 64];
        bad[8..16].copy_from_slice(&60u64.to_le_bytes());
        bad[16..24].copy_from_slice(&u64::MAX.to_le_bytes());
        let frame = Frame::new(&mut bad, 0);
        assert!(matches!(frame.string(8), Err(Abort::Fault(_))));
        assert!(matches!(frame.i64(60), Err(Abort::Fault(_))));
    }

    #[test]
    fn unknown_ids_are_faults() {
        let t = table();
        assert!(matches!(
            decode_ref(0x7FF8_0001_0000_0099, &t),
            Err(Abort::Fault(_))
        ));
    }

    #[test]
    fn int64_like_set_int64() {
        assert_eq!(js_int64(f64::NAN), 0);
        assert_eq!(js_int64(3.7), 3);
        assert_eq!(js_int64(5e9), 5_000_000_000);
        assert_eq!(js_int64(-1.0), -1);
    }
}
