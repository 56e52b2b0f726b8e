//! Mounts and race-free path resolution. A guest path is resolved component by component from
//! the mount's root directory handle, opening each directory with `O_NOFOLLOW`, and expanding
//! symlinks ourselves, so neither `..`, an absolute path, a symlink pointing out, nor a swap
//! between the check and the use can reach outside the mount: the final operation always acts
//! on `(directory handle, single name)` with no-follow semantics.

use std::collections::VecDeque;
use std::os::fd::{AsFd, OwnedFd};
use std::path::{Path, PathBuf};

use rustix::fs::{openat, readlinkat, statat, AtFlags, FileType, Mode, OFlags, CWD};
use rustix::io::Errno;

/// Symlinks followed in one resolution before giving up (Linux's limit).
const MAX_LINKS: usize = 40;

/// A host directory visible to the guest.
pub struct Mount {
    /// Where the guest sees it (normalised, absolute).
    pub guest: String,
    /// The host directory (canonical).
    pub host: PathBuf,
    /// Refuse every write.
    pub readonly: bool,
    root: OwnedFd,
}

impl Mount {
    /// Opens `host` to be seen at `guest`.
    pub fn new(host: &Path, guest: &str, readonly: bool) -> std::io::Result<Mount> {
        let host = host.canonicalize()?;
        let root = openat(
            CWD,
            &host,
            OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC,
            Mode::empty(),
        )?;
        Ok(Mount {
            guest: normalize(guest).1,
            host,
            readonly,
            root,
        })
    }
}

/// Splits an absolute guest path into normalised components (`..` above the root stays at the
/// root, as in a path lookup from `/`) and returns them with their joined form.
pub fn normalize(path: &str) -> (Vec<String>, String) {
    let mut parts: Vec<String> = Vec::new();
    for p in path.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p.to_string()),
        }
    }
    let joined = format!("/{}", parts.join("/"));
    (parts, joined)
}

/// A resolved path: the mount, a handle on the directory holding the target, the target's
/// name in it (`.` for the directory itself).
pub struct Resolved {
    /// Index of the mount.
    pub mount: usize,
    /// The containing directory.
    pub dir: OwnedFd,
    /// The final component.
    pub name: String,
}

/// Resolves `path` (absolute, in the guest's namespace) within `mounts`. With `follow`, a
/// symlink as the final component is followed too.
pub fn resolve(mounts: &[Mount], path: &str, follow: bool) -> Result<Resolved, Errno> {
    let (parts, _) = normalize(path);
    let (mi, mount) = mounts
        .iter()
        .enumerate()
        .filter(|(_, m)| {
            let (mp, _) = normalize(&m.guest);
            parts.len() >= mp.len() && parts[..mp.len()] == mp[..]
        })
        .max_by_key(|(_, m)| normalize(&m.guest).0.len())
        .ok_or(Errno::NOENT)?;
    let skip = normalize(&mount.guest).0.len();
    let mut todo: VecDeque<String> = parts[skip..].iter().cloned().collect();
    let mut stack: Vec<OwnedFd> = vec![rustix::io::dup(&mount.root)?];
    let mut links = 0;
    loop {
        let Some(comp) = todo.pop_front() else {
            let dir = stack.pop().expect("the mount root stays on the stack");
            return Ok(Resolved {
                mount: mi,
                dir,
                name: ".".into(),
            });
        };
        match comp.as_str() {
            "." => continue,
            ".." => {
                if stack.len() > 1 {
                    stack.pop();
                    continue;
                }
                // Above the mount root: outside the sandbox.
                return Err(Errno::ACCESS);
            }
            _ => {}
        }
        let cur = stack.last().expect("non-empty");
        let last = todo.is_empty();
        match statat(cur, comp.as_str(), AtFlags::SYMLINK_NOFOLLOW) {
            Ok(st)
                if FileType::from_raw_mode(st.st_mode) == FileType::Symlink
                    && (!last || follow) =>
            {
                links += 1;
                if links > MAX_LINKS {
                    return Err(Errno::LOOP);
                }
                let target = readlinkat(cur, comp.as_str(), Vec::new())?;
                let target = target.to_string_lossy().into_owned();
                let (tparts, _) = normalize(&target);
                let mut expanded: VecDeque<String> = if target.starts_with('/') {
                    // An absolute target is a host path: only one inside this mount is allowed.
                    let (hparts, _) = normalize(&mount.host.to_string_lossy());
                    if tparts.len() < hparts.len() || tparts[..hparts.len()] != hparts[..] {
                        return Err(Errno::ACCESS);
                    }
                    stack.truncate(1);
                    tparts[hparts.len()..].iter().cloned().collect()
                } else {
                    target
                        .split('/')
                        .filter(|s| !s.is_empty())
                        .map(String::from)
                        .collect()
                };
                expanded.extend(todo.drain(..));
                todo = expanded;
            }
            Ok(st) if !last => {
                if FileType::from_raw_mode(st.st_mode) != FileType::Directory {
                    return Err(Errno::NOTDIR);
                }
                let fd = openat(
                    cur,
                    comp.as_str(),
                    OFlags::PATH | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
                    Mode::empty(),
                )?;
                stack.push(fd);
            }
            Ok(_) => {
                let dir = stack.pop().expect("non-empty");
                return Ok(Resolved {
                    mount: mi,
                    dir,
                    name: comp,
                });
            }
            Err(Errno::NOENT) if last => {
                let dir = stack.pop().expect("non-empty");
                return Ok(Resolved {
                    mount: mi,
                    dir,
                    name: comp,
                });
            }
            Err(e) => return Err(e),
        }
    }
}

/// The `/proc/self/fd` path of an open handle: operations through it act on the inode the
/// handle holds, not on whatever a path may have been swapped to.
pub fn proc_path(fd: impl AsFd) -> String {
    use std::os::fd::AsRawFd;
    format!("/proc/self/fd/{}", fd.as_fd().as_raw_fd())
}

/// Node's `code` for an errno.
pub fn code(e: Errno) -> &'static str {
    match e {
        Errno::PERM => "EPERM",
        Errno::NOENT => "ENOENT",
        Errno::IO => "EIO",
        Errno::BADF => "EBADF",
        Errno::AGAIN => "EAGAIN",
        Errno::NOMEM => "ENOMEM",
        Errno::ACCESS => "EACCES",
        Errno::BUSY => "EBUSY",
        Errno::EXIST => "EEXIST",
        Errno::XDEV => "EXDEV",
        Errno::NOTDIR => "ENOTDIR",
        Errno::ISDIR => "EISDIR",
        Errno::INVAL => "EINVAL",
        Errno::MFILE => "EMFILE",
        Errno::FBIG => "EFBIG",
        Errno::NOSPC => "ENOSPC",
        Errno::SPIPE => "ESPIPE",
        Errno::ROFS => "EROFS",
        Errno::MLINK => "EMLINK",
        Errno::PIPE => "EPIPE",
        Errno::NAMETOOLONG => "ENAMETOOLONG",
        Errno::NOSYS => "ENOSYS",
        Errno::NOTEMPTY => "ENOTEMPTY",
        Errno::LOOP => "ELOOP",
        Errno::NOTSUP => "ENOTSUP",
        _ => "EIO",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tmp() -> PathBuf {
        let d = std::env::temp_dir().join(format!(
            "wasmexec-sandbox-{}-{}",
            std::process::id(),
            rand_suffix()
        ));
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    fn rand_suffix() -> u64 {
        let mut b = [0u8; 8];
        getrandom::fill(&mut b).unwrap();
        u64::from_le_bytes(b)
    }

    #[test]
    fn escapes_are_refused() {
        let outside = tmp();
        std::fs::write(outside.join("secret"), "x").unwrap();
        let root = tmp();
        std::fs::create_dir(root.join("sub")).unwrap();
        std::os::unix::fs::symlink(outside.join("secret"), root.join("abs-out")).unwrap();
        std::os::unix::fs::symlink("../../", root.join("sub/rel-out")).unwrap();
        std::os::unix::fs::symlink("sub", root.join("in")).unwrap();
        let mounts = vec![Mount::new(&root, "/data", false).unwrap()];
        assert!(matches!(
            resolve(&mounts, "/data/abs-out", true),
            Err(Errno::ACCESS)
        ));
        assert!(matches!(
            resolve(&mounts, "/data/sub/rel-out/etc", true),
            Err(Errno::ACCESS)
        ));
        // `..` in the guest path is lexical, so it cannot climb out of the guest root either.
        assert_eq!(
            resolve(&mounts, "/data/../data/sub", true).unwrap().name,
            "sub"
        );
        assert!(matches!(
            resolve(&mounts, "/elsewhere", true),
            Err(Errno::NOENT)
        ));
        // A symlink inside the mount works; not following it leaves it as the name.
        assert_eq!(resolve(&mounts, "/data/in/x", true).unwrap().name, "x");
        assert_eq!(
            resolve(&mounts, "/data/abs-out", false).unwrap().name,
            "abs-out"
        );
        std::fs::remove_dir_all(root).unwrap();
        std::fs::remove_dir_all(outside).unwrap();
    }

    #[test]
    fn the_longest_mount_wins() {
        let a = tmp();
        let b = tmp();
        std::fs::create_dir(a.join("data")).unwrap();
        let mounts = vec![
            Mount::new(&a, "/", false).unwrap(),
            Mount::new(&b, "/data/ro", true).unwrap(),
        ];
        assert_eq!(resolve(&mounts, "/data/ro/x", true).unwrap().mount, 1);
        assert_eq!(resolve(&mounts, "/data/x", true).unwrap().mount, 0);
        std::fs::remove_dir_all(a).unwrap();
        std::fs::remove_dir_all(b).unwrap();
    }
}
