//! Compiled-module caching: in process (by module hash) and, optionally, on disk for engines
//! that serialise compiled code. A disk entry carries a SHA-256 of its payload; an entry that
//! is missing, stale or corrupt is ignored and rewritten, never trusted. The directory is kept
//! under a size limit by removing the least recently used entries (a hit refreshes an entry's
//! modification time).

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

/// The default bound on a cache directory's size.
pub const DEFAULT_LIMIT: u64 = 2 << 30;

/// Reads an entry, returning its payload only if its recorded digest matches.
pub fn read(path: &Path) -> Option<Vec<u8>> {
    let bytes = std::fs::read(path).ok()?;
    let rest = bytes.strip_prefix(MAGIC.as_slice())?;
    if rest.len() < 32 {
        return None;
    }
    let (digest, payload) = rest.split_at(32);
    let actual = Sha256::digest(payload);
    if actual.as_slice() != digest {
        return None;
    }
    // Recently used entries are the last to be evicted.
    if let Ok(f) = std::fs::File::options().append(true).open(path) {
        let _ = f.set_modified(std::time::SystemTime::now());
    }
    Some(payload.to_vec())
}

/// Removes the least recently used entries of `dir` until its entries take at most `limit`
/// bytes. Entries another process is writing are `*.tmp<pid>` files and are left alone.
pub fn trim(dir: &Path, limit: u64) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut files: Vec<(std::time::SystemTime, u64, PathBuf)> = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "bin"))
        .filter_map(|e| {
            let m = e.metadata().ok()?;
            Some((m.modified().ok()?, m.len(), e.path()))
        })
        .collect();
    let mut total: u64 = files.iter().map(|f| f.1).sum();
    files.sort();
    for (_, len, path) in files {
        if total <= limit {
            break;
        }
        if std::fs::remove_file(&path).is_ok() {
            total -= len;
        }
    }
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

    #[test]
    fn trimming_drops_the_least_recently_used() {
        let dir = std::env::temp_dir().join(format!("wasmexec-cache-trim-{}", std::process::id()));
        let old = std::time::SystemTime::now() - std::time::Duration::from_secs(100);
        for (i, k) in ["a", "b", "c"].iter().enumerate() {
            let p = entry_path(&dir, k);
            write(&p, &[0u8; 1000]).unwrap();
            let f = std::fs::File::options().append(true).open(&p).unwrap();
            f.set_modified(old + std::time::Duration::from_secs(i as u64))
                .unwrap();
        }
        // Reading "a" makes it the most recently used.
        assert!(read(&entry_path(&dir, "a")).is_some());
        trim(&dir, 2200);
        assert!(entry_path(&dir, "a").exists());
        assert!(!entry_path(&dir, "b").exists(), "the oldest goes first");
        assert!(entry_path(&dir, "c").exists());
        std::fs::remove_dir_all(dir).unwrap();
    }
}
