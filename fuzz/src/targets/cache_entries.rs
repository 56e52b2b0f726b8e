//! Disk cache entries: arbitrary bytes and mutations of authentic entries (truncated,
//! lengthened, bytes flipped, header length fields made wild, another entry's parts spliced
//! in, entries for another module, engine or settings) read back as the entry of an id, in
//! memory and through the entry's file; and arbitrary key files.
//!
//! The cache's key is fixed (written before the cache opens), so authentic entries, and so
//! inputs, are the same on every run. The check: an entry is accepted exactly when its bytes
//! are an authentic entry for the id read, and then yields that entry's payload; never a
//! panic.

use std::cell::RefCell;

use arbitrary::Unstructured;
use wasmexec::fuzzing::CacheSandbox;

use crate::Target;

/// The target.
pub const TARGET: Target = Target {
    name: "cache_entries",
    run,
    max_len: 4096,
    reproducer: |_| None,
};

const KEY: [u8; 32] = *b"wasmexec-fuzz-fixed-cache-key-32";

const MODULES: [&str; 3] = [
    "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752",
    "",
];
const ENGINES: [&str; 2] = ["wasmtime 48.0.0 cranelift", "wasmer 7.4.2 singlepass"];
const SETTINGS: [&str; 2] = ["max_wasm_stack=8388608", ""];

/// An authentic entry: indices of its module, engine and settings, its payload, its file's
/// bytes.
type Entry = (usize, usize, usize, Vec<u8>, Vec<u8>);

struct State {
    cache: CacheSandbox,
    entries: Vec<Entry>,
}

thread_local! {
    static STATE: RefCell<Option<State>> = const { RefCell::new(None) };
}

fn state() -> State {
    let dir = crate::targets::scratch_dir("cache_entries")
        .expect("a scratch directory")
        .join("cache");
    let _ = std::fs::remove_dir_all(&dir);
    let first = CacheSandbox::open(&dir).expect("a fresh cache opens");
    let cache = first
        .reopen_with_key(&KEY)
        .expect("a whole key is accepted");
    let mut entries = Vec::new();
    let payloads: [&[u8]; 4] = [b"", b"\x7fELF code", &[0xcc; 300], b"WXCACHE2"];
    for (i, p) in payloads.iter().enumerate() {
        let (m, e, s) = (
            i % MODULES.len(),
            i % ENGINES.len(),
            (i / 2) % SETTINGS.len(),
        );
        let bytes = cache
            .write(MODULES[m], ENGINES[e], SETTINGS[s], p)
            .expect("writing an entry");
        entries.push((m, e, s, p.to_vec(), bytes));
    }
    State { cache, entries }
}

/// The payload `bytes` must yield as the entry `(m, e, s)`: that of the authentic entry
/// with exactly these bytes for this id, if there is one.
fn expected(st: &State, m: usize, e: usize, s: usize, bytes: &[u8]) -> Option<Vec<u8>> {
    st.entries
        .iter()
        .find(|(em, ee, es, _, b)| (*em, *ee, *es) == (m, e, s) && b == bytes)
        .map(|(.., p, _)| p.clone())
}

fn entry_bytes(u: &mut Unstructured<'_>, st: &State) -> arbitrary::Result<Vec<u8>> {
    if !u.ratio(5, 6)? {
        return u.arbitrary();
    }
    let (.., base) = &st.entries[u.choose_index(st.entries.len())?];
    let mut b = base.clone();
    for _ in 0..u.int_in_range(0..=3)? {
        let n = b.len();
        match u.int_in_range(0..=6)? {
            0 => {
                let keep = u.choose_index(n + 1)?;
                b.truncate(keep);
            }
            1 => {
                let extra: Vec<u8> = u.arbitrary()?;
                b.extend(extra);
            }
            2 if n > 0 => {
                let i = u.choose_index(n)?;
                b[i] ^= u.int_in_range(1..=255)?;
            }
            3 if n >= 12 => {
                // The header length (after the 8-byte magic) made wild.
                let v: u32 = *u.choose(&[0, 1, 31, 32, u32::MAX, u32::MAX - 31, n as u32])?;
                b[8..12].copy_from_slice(&v.to_le_bytes());
            }
            4 => {
                // Another entry's tail (its payload and tag) after this one's header.
                let (.., other) = &st.entries[u.choose_index(st.entries.len())?];
                let cut = u.choose_index(n + 1)?;
                let from = u.choose_index(other.len() + 1)?;
                b.truncate(cut);
                b.extend_from_slice(&other[from..]);
            }
            5 if n > 0 => {
                let i = u.choose_index(n)?;
                let bytes: Vec<u8> = u.arbitrary()?;
                b.splice(i..i, bytes);
            }
            _ => {}
        }
    }
    Ok(b)
}

fn check(u: &mut Unstructured<'_>, st: &State) -> arbitrary::Result<()> {
    let bytes = entry_bytes(u, st)?;
    let m = u.choose_index(MODULES.len())?;
    let e = u.choose_index(ENGINES.len())?;
    let s = u.choose_index(SETTINGS.len())?;
    let want = expected(st, m, e, s, &bytes);
    let got = st.cache.verify(MODULES[m], ENGINES[e], SETTINGS[s], &bytes);
    assert_eq!(got, want, "verify accepted or refused wrongly");
    if !u.ratio(3, 4)? {
        let got = st
            .cache
            .read_file(MODULES[m], ENGINES[e], SETTINGS[s], &bytes)
            .expect("writing the entry file");
        assert_eq!(got, want, "read accepted or refused wrongly");
    }
    if !u.ratio(15, 16)? {
        // A key file of arbitrary bytes: a whole key is used as it is, anything else is
        // replaced by a new key. Entries made under the fixed key are accepted only under
        // the same key.
        let key: Vec<u8> = u.arbitrary()?;
        let other = st
            .cache
            .reopen_with_key(&key)
            .expect("opening with any key file");
        let (m, e, s, p, b) = &st.entries[0];
        let got = other.verify(MODULES[*m], ENGINES[*e], SETTINGS[*s], b);
        assert_eq!(
            got.is_some(),
            key == KEY,
            "an entry verified under another key"
        );
        if key == KEY {
            assert_eq!(got.as_deref(), Some(&p[..]));
        }
        st.cache.reopen_with_key(&KEY).expect("the fixed key again");
    }
    Ok(())
}

fn run(input: &[u8]) {
    STATE.with(|s| {
        let mut s = s.borrow_mut();
        let st = s.get_or_insert_with(state);
        let mut u = Unstructured::new(input);
        let _ = check(&mut u, st);
    });
}
