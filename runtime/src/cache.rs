//! Compiled-module caching: in process (by module hash) and, optionally, on disk for engines
//! that serialise compiled code. A disk entry carries a SHA-256 of its payload; an entry that
//! is missing, stale or corrupt is ignored and rewritten, never trusted.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

const MAGIC: &[u8; 8] = b"WXCACHE1";

/// Hex SHA-256.
pub fn hex_digest(parts: &[&[u8]]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_le_bytes());
        h.update(p);
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The file for a module under `dir`.
pub fn entry_path(dir: &Path, key: &str) -> PathBuf {
    dir.join(format!("{key}.bin"))
}

/// Reads an entry, returning its payload only if its recorded digest matches.
pub fn read(path: &Path) -> Option<Vec<u8>> {
    let bytes = std::fs::read(path).ok()?;
    let rest = bytes.strip_prefix(MAGIC.as_slice())?;
    if rest.len() < 32 {
        return None;
    }
    let (digest, payload) = rest.split_at(32);
    let actual = Sha256::digest(payload);
    (actual.as_slice() == digest).then(|| payload.to_vec())
}

/// Writes an entry atomically (temp file, then rename).
pub fn write(path: &Path, payload: &[u8]) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    let mut out = Vec::with_capacity(payload.len() + 40);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&Sha256::digest(payload));
    out.extend_from_slice(payload);
    std::fs::write(&tmp, &out)?;
    std::fs::rename(&tmp, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corrupt_entries_are_rejected() {
        let dir = std::env::temp_dir().join(format!("wasmexec-cache-test-{}", std::process::id()));
        let p = entry_path(&dir, "k");
        write(&p, b"payload").unwrap();
        assert_eq!(read(&p).as_deref(), Some(&b"payload"[..]));
        let mut bytes = std::fs::read(&p).unwrap();
        *bytes.last_mut().unwrap() ^= 1;
        std::fs::write(&p, &bytes).unwrap();
        assert_eq!(read(&p), None, "a flipped bit is caught");
        std::fs::write(&p, b"junk").unwrap();
        assert_eq!(read(&p), None);
        std::fs::remove_dir_all(dir).unwrap();
    }
}
