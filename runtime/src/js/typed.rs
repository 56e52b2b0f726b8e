//! Typed array element kinds and their conversions to and from bytes.

use num_bigint::BigInt;

use super::number::to_uint32;

/// The element type of a typed array.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum TypedKind {
    Int8,
    Uint8,
    Uint8Clamped,
    Int16,
    Uint16,
    Int32,
    Uint32,
    Float32,
    Float64,
    BigInt64,
    BigUint64,
}

/// An element read from or written to a typed array: a number, or a BigInt for the 64-bit
/// integer kinds.
#[derive(Clone, Debug, PartialEq)]
pub enum Element {
    /// A number.
    Number(f64),
    /// A BigInt (`BigInt64Array`, `BigUint64Array`).
    BigInt(BigInt),
}

impl TypedKind {
    /// Every kind, in the order their constructors are installed.
    pub const ALL: [TypedKind; 11] = [
        TypedKind::Int8,
        TypedKind::Uint8,
        TypedKind::Uint8Clamped,
        TypedKind::Int16,
        TypedKind::Uint16,
        TypedKind::Int32,
        TypedKind::Uint32,
        TypedKind::Float32,
        TypedKind::Float64,
        TypedKind::BigInt64,
        TypedKind::BigUint64,
    ];

    /// The constructor's global name.
    pub fn name(self) -> &'static str {
        match self {
            TypedKind::Int8 => "Int8Array",
            TypedKind::Uint8 => "Uint8Array",
            TypedKind::Uint8Clamped => "Uint8ClampedArray",
            TypedKind::Int16 => "Int16Array",
            TypedKind::Uint16 => "Uint16Array",
            TypedKind::Int32 => "Int32Array",
            TypedKind::Uint32 => "Uint32Array",
            TypedKind::Float32 => "Float32Array",
            TypedKind::Float64 => "Float64Array",
            TypedKind::BigInt64 => "BigInt64Array",
            TypedKind::BigUint64 => "BigUint64Array",
        }
    }

    /// Bytes per element.
    pub fn size(self) -> usize {
        match self {
            TypedKind::Int8 | TypedKind::Uint8 | TypedKind::Uint8Clamped => 1,
            TypedKind::Int16 | TypedKind::Uint16 => 2,
            TypedKind::Int32 | TypedKind::Uint32 | TypedKind::Float32 => 4,
            TypedKind::Float64 | TypedKind::BigInt64 | TypedKind::BigUint64 => 8,
        }
    }

    /// Are its elements BigInts?
    pub fn is_bigint(self) -> bool {
        matches!(self, TypedKind::BigInt64 | TypedKind::BigUint64)
    }

    /// Element `i` of `bytes`.
    pub fn get(self, bytes: &[u8], i: usize) -> Element {
        let s = self.size();
        let b = &bytes[i * s..(i + 1) * s];
        let n = match self {
            TypedKind::Int8 => b[0] as i8 as f64,
            TypedKind::Uint8 | TypedKind::Uint8Clamped => b[0] as f64,
            TypedKind::Int16 => i16::from_le_bytes([b[0], b[1]]) as f64,
            TypedKind::Uint16 => u16::from_le_bytes([b[0], b[1]]) as f64,
            TypedKind::Int32 => i32::from_le_bytes(b.try_into().unwrap()) as f64,
            TypedKind::Uint32 => u32::from_le_bytes(b.try_into().unwrap()) as f64,
            TypedKind::Float32 => f32::from_le_bytes(b.try_into().unwrap()) as f64,
            TypedKind::Float64 => f64::from_le_bytes(b.try_into().unwrap()),
            TypedKind::BigInt64 => {
                return Element::BigInt(i64::from_le_bytes(b.try_into().unwrap()).into())
            }
            TypedKind::BigUint64 => {
                return Element::BigInt(u64::from_le_bytes(b.try_into().unwrap()).into())
            }
        };
        Element::Number(n)
    }

    /// Stores `v` as element `i`, converting as JS does (modular for integers, clamped for
    /// `Uint8ClampedArray`, modulo 2^64 for BigInts). The element must match the kind
    /// (callers convert first).
    pub fn set(self, bytes: &mut [u8], i: usize, v: &Element) {
        let s = self.size();
        let b = &mut bytes[i * s..(i + 1) * s];
        match (self, v) {
            (TypedKind::BigInt64 | TypedKind::BigUint64, Element::BigInt(n)) => {
                b.copy_from_slice(&bigint_to_u64(n).to_le_bytes())
            }
            (_, Element::Number(v)) => self.set_number(b, *v),
            // A mismatched element (callers convert): store what a NaN would.
            (_, Element::BigInt(_)) => self.set_number(b, f64::NAN),
        }
    }

    fn set_number(self, b: &mut [u8], v: f64) {
        match self {
            TypedKind::Int8 | TypedKind::Uint8 => b[0] = to_uint32(v) as u8,
            TypedKind::Uint8Clamped => {
                b[0] = if v.is_nan() {
                    0
                } else {
                    v.clamp(0.0, 255.0).round_ties_even() as u8
                }
            }
            TypedKind::Int16 | TypedKind::Uint16 => {
                b.copy_from_slice(&(to_uint32(v) as u16).to_le_bytes())
            }
            TypedKind::Int32 | TypedKind::Uint32 => b.copy_from_slice(&to_uint32(v).to_le_bytes()),
            TypedKind::Float32 => b.copy_from_slice(&(v as f32).to_le_bytes()),
            TypedKind::Float64 => b.copy_from_slice(&v.to_le_bytes()),
            TypedKind::BigInt64 | TypedKind::BigUint64 => b.fill(0),
        }
    }
}

/// The low 64 bits of a BigInt, two's complement (what `BigInt.asUintN(64, n)` keeps).
pub fn bigint_to_u64(n: &BigInt) -> u64 {
    let (sign, digits) = n.to_u64_digits();
    let low = digits.first().copied().unwrap_or(0);
    match sign {
        num_bigint::Sign::Minus => low.wrapping_neg(),
        _ => low,
    }
}
