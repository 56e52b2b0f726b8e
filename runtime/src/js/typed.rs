//! Typed arrays: element kinds and views on shared `ArrayBuffer` storage.

use std::cell::RefCell;
use std::rc::Rc;

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
}

impl TypedKind {
    /// Every kind, in the order their constructors are installed.
    pub const ALL: [TypedKind; 9] = [
        TypedKind::Int8,
        TypedKind::Uint8,
        TypedKind::Uint8Clamped,
        TypedKind::Int16,
        TypedKind::Uint16,
        TypedKind::Int32,
        TypedKind::Uint32,
        TypedKind::Float32,
        TypedKind::Float64,
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
        }
    }

    /// Bytes per element.
    pub fn size(self) -> usize {
        match self {
            TypedKind::Int8 | TypedKind::Uint8 | TypedKind::Uint8Clamped => 1,
            TypedKind::Int16 | TypedKind::Uint16 => 2,
            TypedKind::Int32 | TypedKind::Uint32 | TypedKind::Float32 => 4,
            TypedKind::Float64 => 8,
        }
    }

    /// Element `i` of `bytes` as a JS number.
    pub fn get(self, bytes: &[u8], i: usize) -> f64 {
        let s = self.size();
        let b = &bytes[i * s..(i + 1) * s];
        match self {
            TypedKind::Int8 => b[0] as i8 as f64,
            TypedKind::Uint8 | TypedKind::Uint8Clamped => b[0] as f64,
            TypedKind::Int16 => i16::from_le_bytes([b[0], b[1]]) as f64,
            TypedKind::Uint16 => u16::from_le_bytes([b[0], b[1]]) as f64,
            TypedKind::Int32 => i32::from_le_bytes(b.try_into().unwrap()) as f64,
            TypedKind::Uint32 => u32::from_le_bytes(b.try_into().unwrap()) as f64,
            TypedKind::Float32 => f32::from_le_bytes(b.try_into().unwrap()) as f64,
            TypedKind::Float64 => f64::from_le_bytes(b.try_into().unwrap()),
        }
    }

    /// Stores `v` as element `i`, converting as JS does (modular for integers, clamped for
    /// `Uint8ClampedArray`).
    pub fn set(self, bytes: &mut [u8], i: usize, v: f64) {
        let s = self.size();
        let b = &mut bytes[i * s..(i + 1) * s];
        let int = |v: f64| -> u32 { super::number::to_uint32(v) };
        match self {
            TypedKind::Int8 | TypedKind::Uint8 => b[0] = int(v) as u8,
            TypedKind::Uint8Clamped => {
                b[0] = if v.is_nan() {
                    0
                } else {
                    v.clamp(0.0, 255.0).round_ties_even() as u8
                }
            }
            TypedKind::Int16 | TypedKind::Uint16 => {
                b.copy_from_slice(&(int(v) as u16).to_le_bytes())
            }
            TypedKind::Int32 | TypedKind::Uint32 => b.copy_from_slice(&int(v).to_le_bytes()),
            TypedKind::Float32 => b.copy_from_slice(&(v as f32).to_le_bytes()),
            TypedKind::Float64 => b.copy_from_slice(&v.to_le_bytes()),
        }
    }
}

/// A typed array view: `len` elements of `kind` at byte `offset` of a shared buffer, so that
/// `subarray` views write through as in JS.
#[derive(Clone)]
pub struct TypedArray {
    /// Element kind.
    pub kind: TypedKind,
    /// The underlying `ArrayBuffer`.
    pub buffer: Rc<RefCell<Vec<u8>>>,
    /// Byte offset of the view.
    pub offset: usize,
    /// Length in elements.
    pub len: usize,
}

impl TypedArray {
    /// A fresh zeroed array of `len` elements.
    pub fn zeroed(kind: TypedKind, len: usize) -> TypedArray {
        TypedArray::from_bytes(kind, vec![0; len * kind.size()])
    }

    /// An array owning `bytes` (whose length must be a multiple of the element size).
    pub fn from_bytes(kind: TypedKind, bytes: Vec<u8>) -> TypedArray {
        let len = bytes.len() / kind.size();
        TypedArray {
            kind,
            buffer: Rc::new(RefCell::new(bytes)),
            offset: 0,
            len,
        }
    }

    /// Byte length of the view.
    pub fn byte_len(&self) -> usize {
        self.len * self.kind.size()
    }

    /// Runs `f` on the view's bytes.
    pub fn with<R>(&self, f: impl FnOnce(&mut [u8]) -> R) -> R {
        let mut buf = self.buffer.borrow_mut();
        f(&mut buf[self.offset..self.offset + self.byte_len()])
    }

    /// Element `i` (must be in range).
    pub fn get(&self, i: usize) -> f64 {
        self.with(|b| self.kind.get(b, i))
    }

    /// Sets element `i` (must be in range).
    pub fn set(&self, i: usize, v: f64) {
        self.with(|b| self.kind.set(b, i, v))
    }

    /// The elements as numbers.
    pub fn numbers(&self) -> Vec<f64> {
        (0..self.len).map(|i| self.get(i)).collect()
    }
}
