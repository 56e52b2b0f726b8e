//! The disk cache of compiled code.
//!
//! Compiled code runs outside the wasm sandbox, so the cache trusts nothing it reads: an entry
//! names what it holds (the module's hash, the engine and compiler with their configuration,
//! the settings) and carries an HMAC-SHA256 over all of it, keyed with a secret kept in the
//! cache directory (created 0700, owned by the user, never visible to a guest: see
//! [`crate::fs`]). An entry that is missing, stale, for another module or engine, or not
//! authenticated is ignored and rewritten. The directory is kept under a size limit by
//! removing the least recently used entries (a hit refreshes an entry's modification time).

use std::io::Write as _;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use hmac::{Hmac, Mac};
use sha2::{Digest as _, Sha256};

const MAGIC: &[u8; 8] = b"WXCACHE2";
pub(crate) const KEY_FILE: &str = "key";
const KEY_LEN: usize = 32;

/// The default bound on a cache directory's size.
pub const DEFAULT_LIMIT: u64 = 2 << 30;

/// Hex SHA-256 of length-prefixed parts.
pub fn hex_digest(parts: &[&[u8]]) -> String {
    let mut h = Digest::new();
    for p in parts {
        h.update(p);
    }
    h.hex()
}

/// SHA-256 as a [`std::hash::Hasher`], for hashing values that only implement `Hash`.
pub struct Digest(Sha256);

impl Digest {
    /// An empty digest.
    pub fn new() -> Digest {
        Digest(Sha256::new())
    }

    /// Adds a length-prefixed part.
    pub fn update(&mut self, part: &[u8]) {
        self.0.update((part.len() as u64).to_le_bytes());
        self.0.update(part);
    }

    /// The digest in lower-case hex.
    pub fn hex(self) -> String {
        self.0
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

impl std::hash::Hasher for Digest {
    fn finish(&self) -> u64 {
        let d = self.0.clone().finalize();
        u64::from_le_bytes(d[..8].try_into().expect("a digest has 32 bytes"))
    }

    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }
}

/// What an entry holds; the header must match exactly for the entry to be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryId {
    /// SHA-256 of the wasm bytes.
    pub module: String,
    /// The engine, compiler, version and configuration that made the code.
    pub engine: String,
    /// Settings that change code.
    pub settings: String,
}

impl EntryId {
    fn header(&self) -> String {
        format!(
            "module={}\nengine={}\nsettings={}\n",
            self.module, self.engine, self.settings
        )
    }

    /// The entry's file name: a digest of the header.
    fn file_name(&self) -> String {
        format!("{}.bin", &hex_digest(&[self.header().as_bytes()])[..40])
    }
}

/// An opened cache directory with its key.
pub struct DiskCache {
    dir: PathBuf,
    key: [u8; KEY_LEN],
    limit: u64,
}

type HmacSha256 = Hmac<Sha256>;

impl DiskCache {
    /// Opens (creating if needed) the cache at `dir`. Refuses a directory that another user
    /// owns or that others may write, and a key file others may read.
    pub fn open(dir: &Path, limit: u64) -> std::io::Result<DiskCache> {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)?;
        let meta = std::fs::symlink_metadata(dir)?;
        let me = rustix::process::geteuid().as_raw();
        let unsafe_dir = !meta.is_dir() || meta.uid() != me || meta.mode() & 0o022 != 0;
        if unsafe_dir {
            return Err(std::io::Error::other(format!(
                "{} must be a directory owned by uid {me} and not writable by others",
                dir.display()
            )));
        }
        let key = read_or_make_key(&dir.join(KEY_FILE))?;
        Ok(DiskCache {
            dir: dir.to_path_buf(),
            key,
            limit,
        })
    }

    pub(crate) fn path(&self, id: &EntryId) -> PathBuf {
        self.dir.join(id.file_name())
    }

    fn mac(&self, header: &[u8], payload: &[u8]) -> HmacSha256 {
        let mut mac = HmacSha256::new_from_slice(&self.key).expect("HMAC takes any key length");
        mac.update(MAGIC);
        mac.update(&(header.len() as u32).to_le_bytes());
        mac.update(header);
        mac.update(payload);
        mac
    }

    /// The payload of the entry `id`, if it exists, is authentic and is `id`'s.
    pub fn read(&self, id: &EntryId) -> Option<Vec<u8>> {
        let path = self.path(id);
        let bytes = std::fs::read(&path).ok()?;
        let payload = self.verify(id, &bytes)?.to_vec();
        // Recently used entries are the last to be evicted.
        if let Ok(f) = std::fs::File::options().append(true).open(&path) {
            let _ = f.set_modified(std::time::SystemTime::now());
        }
        Some(payload)
    }

    /// The payload of `bytes` if they are an authentic entry for `id`.
    pub(crate) fn verify<'a>(&self, id: &EntryId, bytes: &'a [u8]) -> Option<&'a [u8]> {
        let rest = bytes.strip_prefix(MAGIC.as_slice())?;
        let (len, rest) = rest.split_first_chunk::<4>()?;
        let header_len = u32::from_le_bytes(*len) as usize;
        if rest.len() < header_len + 32 {
            return None;
        }
        let (header, rest) = rest.split_at(header_len);
        let (payload, tag) = rest.split_at(rest.len() - 32);
        self.mac(header, payload).verify_slice(tag).ok()?;
        (header == id.header().as_bytes()).then_some(payload)
    }

    /// Writes the entry `id` atomically (temp file, then rename), then trims the cache.
    pub fn write(&self, id: &EntryId, payload: &[u8]) -> std::io::Result<()> {
        let header = id.header();
        let tag = self.mac(header.as_bytes(), payload).finalize().into_bytes();
        let path = self.path(id);
        let tmp = private_tmp(&path);
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(&tmp)?;
        f.write_all(MAGIC)?;
        f.write_all(&(header.len() as u32).to_le_bytes())?;
        f.write_all(header.as_bytes())?;
        f.write_all(payload)?;
        f.write_all(&tag)?;
        drop(f);
        std::fs::rename(&tmp, &path)?;
        trim(&self.dir, self.limit);
        Ok(())
    }

    /// Removes the entry `id` (an optimized entry replaces a baseline one).
    pub fn remove(&self, id: &EntryId) {
        let _ = std::fs::remove_file(self.path(id));
    }
}

fn read_or_make_key(path: &Path) -> std::io::Result<[u8; KEY_LEN]> {
    // Two tries: a key damaged by a crash while it was written is replaced once.
    for _ in 0..2 {
        match read_key(path) {
            Ok(Some(key)) => return Ok(key),
            Ok(None) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
        // Written whole under a private name, then linked into place: a reader sees no key or
        // a whole one, and of two processes making one, the first link wins. No fsync: it
        // would wait for every dirty page of the file system (seconds after a large build);
        // a key lost or damaged by a crash is replaced, and the entries made under it no
        // longer authenticate, so they are compiled again.
        let tmp = private_tmp(path);
        let mut key = [0u8; KEY_LEN];
        getrandom::fill(&mut key).map_err(|e| std::io::Error::other(e.to_string()))?;
        let written = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(&tmp)
            .and_then(|mut f| f.write_all(&key));
        let linked = written.and_then(|()| match std::fs::hard_link(&tmp, path) {
            // A file system without hard links: moved into place instead, where a process
            // racing this one may replace the key it just read; its entries then fail to
            // authenticate and are compiled again, nothing worse.
            Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => std::fs::rename(&tmp, path),
            linked => linked,
        });
        let _ = std::fs::remove_file(&tmp);
        match linked {
            Ok(()) => return Ok(key),
            // Another process linked its key first (or a damaged one is still there).
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e),
        }
    }
    read_key(path)?.ok_or_else(|| std::io::Error::other(format!("{} is damaged", path.display())))
}

/// A name beside `path` for a file written before it is moved or linked there, unique to
/// this process and call (threads of one process may write the same entry at once);
/// [`trim`] removes those a killed process left.
fn private_tmp(path: &Path) -> PathBuf {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    path.with_extension(format!("tmp{}-{n}", std::process::id()))
}

/// The key at `path`; `None` (after removing it) when it has the wrong length, as a crash
/// while it was written can leave it.
fn read_key(path: &Path) -> std::io::Result<Option<[u8; KEY_LEN]>> {
    let meta = std::fs::symlink_metadata(path)?;
    let me = rustix::process::geteuid().as_raw();
    if !meta.is_file() || meta.uid() != me || meta.permissions().mode() & 0o077 != 0 {
        return Err(std::io::Error::other(format!(
            "{} must be a file owned by uid {me} that only its owner can read",
            path.display()
        )));
    }
    match std::fs::read(path)?.try_into() {
        Ok(key) => Ok(Some(key)),
        Err(_) => {
            std::fs::remove_file(path)?;
            Ok(None)
        }
    }
}

/// Removes the least recently used entries of `dir` until its entries take at most `limit`
/// bytes, and temporary files that a process killed while writing left behind.
pub fn trim(dir: &Path, limit: u64) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let now = std::time::SystemTime::now();
    let stale = |m: &std::fs::Metadata| {
        m.modified()
            .ok()
            .and_then(|t| now.duration_since(t).ok())
            .is_some_and(|age| age.as_secs() > 3600)
    };
    let mut files: Vec<(std::time::SystemTime, u64, PathBuf)> = Vec::new();
    for e in entries.filter_map(|e| e.ok()) {
        let path = e.path();
        let Ok(m) = e.metadata() else { continue };
        let ext = path.extension().and_then(|x| x.to_str()).unwrap_or("");
        if ext.starts_with("tmp") && stale(&m) {
            let _ = std::fs::remove_file(&path);
        } else if ext == "bin" {
            if let Ok(t) = m.modified() {
                files.push((t, m.len(), path));
            }
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn id(module: &str) -> EntryId {
        EntryId {
            module: module.into(),
            engine: "e".into(),
            settings: "s".into(),
        }
    }

    fn temp(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("wasmexec-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn entries_are_authenticated_and_bound_to_their_module() {
        let dir = temp("cache-auth");
        let cache = DiskCache::open(&dir, DEFAULT_LIMIT).unwrap();
        cache.write(&id("a"), b"payload a").unwrap();
        cache.write(&id("b"), b"payload b").unwrap();
        assert_eq!(cache.read(&id("a")).as_deref(), Some(&b"payload a"[..]));
        // Another module's entry copied over this one's is refused.
        std::fs::copy(cache.path(&id("b")), cache.path(&id("a"))).unwrap();
        assert_eq!(cache.read(&id("a")), None, "an entry for another module");
        // A patched payload is refused, whatever checksum it carries.
        let p = cache.path(&id("b"));
        let mut bytes = std::fs::read(&p).unwrap();
        let n = bytes.len();
        bytes[n - 40] ^= 1;
        std::fs::write(&p, &bytes).unwrap();
        assert_eq!(cache.read(&id("b")), None, "a flipped bit");
        std::fs::write(&p, b"junk").unwrap();
        assert_eq!(cache.read(&id("b")), None);
        // The key stays private and survives reopening.
        let mode = std::fs::metadata(dir.join(KEY_FILE))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0);
        let again = DiskCache::open(&dir, DEFAULT_LIMIT).unwrap();
        again.write(&id("c"), b"c").unwrap();
        assert_eq!(cache.read(&id("c")).as_deref(), Some(&b"c"[..]));
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_readable_key_or_open_directory_is_refused() {
        let dir = temp("cache-perm");
        DiskCache::open(&dir, DEFAULT_LIMIT).unwrap();
        let key = dir.join(KEY_FILE);
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert!(DiskCache::open(&dir, DEFAULT_LIMIT).is_err());
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o777)).unwrap();
        assert!(DiskCache::open(&dir, DEFAULT_LIMIT).is_err());
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_damaged_key_is_replaced_and_racing_opens_agree() {
        let dir = temp("cache-key");
        let cache = DiskCache::open(&dir, DEFAULT_LIMIT).unwrap();
        cache.write(&id("a"), b"a").unwrap();
        // A crash while the key was written can leave it short: a new key replaces it, and
        // what the old one authenticated is refused.
        std::fs::write(dir.join(KEY_FILE), b"short").unwrap();
        let again = DiskCache::open(&dir, DEFAULT_LIMIT).unwrap();
        assert_eq!(std::fs::read(dir.join(KEY_FILE)).unwrap().len(), KEY_LEN);
        assert_eq!(again.read(&id("a")), None);
        std::fs::remove_dir_all(&dir).unwrap();
        // Threads opening a new directory at once all end up with the one key on disk.
        let opened: Vec<DiskCache> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..8)
                .map(|_| s.spawn(|| DiskCache::open(&dir, DEFAULT_LIMIT).unwrap()))
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        opened[0].write(&id("b"), b"b").unwrap();
        for c in &opened {
            assert_eq!(c.read(&id("b")).as_deref(), Some(&b"b"[..]));
        }
        let left: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().contains(".tmp"))
            .collect();
        assert!(left.is_empty(), "temporary files left: {left:?}");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn trimming_drops_the_least_recently_used() {
        let dir = temp("cache-trim");
        let cache = DiskCache::open(&dir, u64::MAX).unwrap();
        let old = std::time::SystemTime::now() - std::time::Duration::from_secs(100);
        for (i, k) in ["a", "b", "c"].iter().enumerate() {
            cache.write(&id(k), &[0u8; 1000]).unwrap();
            let f = std::fs::File::options()
                .append(true)
                .open(cache.path(&id(k)))
                .unwrap();
            f.set_modified(old + std::time::Duration::from_secs(i as u64))
                .unwrap();
        }
        // Reading "a" makes it the most recently used.
        assert!(cache.read(&id("a")).is_some());
        let size = std::fs::metadata(cache.path(&id("a"))).unwrap().len();
        trim(&dir, 2 * size + 10);
        assert!(cache.path(&id("a")).exists());
        assert!(!cache.path(&id("b")).exists(), "the oldest goes first");
        assert!(cache.path(&id("c")).exists());
        std::fs::remove_dir_all(dir).unwrap();
    }
}
