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

/// A directory's identity, stable across renames.
type Inode = (u64, u64);

fn inode(st: &rustix::fs::Stat) -> Inode {
    (st.st_dev, st.st_ino)
}

/// Host directories no guest of this process may see into (the compiled-module cache, whose
/// entries become native code), and their ancestors, which no guest may rename or remove (or
/// it could put a directory of its own, with a key it knows, where the next run looks).
/// Each directory by identity and canonical path: the identity decides, the path confirms
/// (a directory removed since, by the host, may have left its inode to a new one).
#[derive(Default)]
struct Hidden {
    dirs: Vec<(Inode, PathBuf)>,
    ancestors: Vec<(Inode, PathBuf)>,
    /// Changes whenever a directory is hidden, so mounts know to look again.
    generation: u64,
}

static HIDDEN: std::sync::RwLock<Hidden> = std::sync::RwLock::new(Hidden {
    dirs: Vec::new(),
    ancestors: Vec::new(),
    generation: 0,
});

/// Whether `st` is one of `dirs`, still where it was hidden.
fn among(dirs: &[(Inode, PathBuf)], st: &rustix::fs::Stat) -> bool {
    dirs.iter().any(|(id, path)| {
        *id == inode(st) && rustix::fs::stat(path).is_ok_and(|now| inode(&now) == *id)
    })
}

fn hidden() -> std::sync::RwLockReadGuard<'static, Hidden> {
    HIDDEN.read().unwrap_or_else(|e| e.into_inner())
}

/// Hides the host directory `dir` (created if missing) from the guests of this process: a
/// mount inside it is refused, a path through it gives `EACCES`, and the directories above
/// it cannot be renamed or removed by a guest. A missing `dir` is created private (0700). The runtime hides its compiled-module cache
/// itself; embedders hide other directories whose files they trust (a build cache, say).
/// Call it before creating the instances it should protect against.
pub fn hide_from_guests(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)?;
    let dir = dir.canonicalize()?;
    let mut found = Vec::new();
    for a in dir.ancestors() {
        let st = rustix::fs::stat(a)?;
        found.push((inode(&st), a.to_path_buf()));
    }
    let mut h = HIDDEN.write().unwrap_or_else(|e| e.into_inner());
    let (this, above) = found.split_first().expect("a path is its own ancestor");
    if !h.dirs.contains(this) {
        h.dirs.push(this.clone());
        h.generation += 1;
    }
    for a in above {
        if !h.ancestors.contains(a) {
            h.ancestors.push(a.clone());
        }
    }
    Ok(())
}

/// Refuses a hidden directory.
fn visible(st: &rustix::fs::Stat) -> Result<(), Errno> {
    match among(&hidden().dirs, st) {
        true => Err(Errno::ACCESS),
        false => Ok(()),
    }
}

/// Refuses an opened directory that turns out to be hidden (a name swapped after its check).
fn visible_fd(fd: &OwnedFd) -> Result<(), Errno> {
    if hidden().dirs.is_empty() {
        return Ok(());
    }
    visible(&rustix::fs::fstat(fd)?)
}

/// Refuses renaming or removing `r`'s name when it holds a hidden directory or one of their
/// ancestors.
pub fn movable(r: &Resolved) -> Result<(), Errno> {
    let h = hidden();
    if h.dirs.is_empty() {
        return Ok(());
    }
    match statat(&r.dir, r.name.as_str(), AtFlags::SYMLINK_NOFOLLOW) {
        Ok(st) if among(&h.dirs, &st) || among(&h.ancestors, &st) => Err(Errno::ACCESS),
        _ => Ok(()),
    }
}

/// A host directory visible to the guest.
pub struct Mount {
    /// Where the guest sees it (normalised, absolute).
    pub guest: String,
    /// The host directory (canonical).
    pub host: PathBuf,
    /// Refuse every write.
    pub readonly: bool,
    root: OwnedFd,
    /// The identity of the directory `root` holds.
    root_inode: Inode,
    /// `guest` split into components once, for the lookups of every path.
    guest_parts: Vec<String>,
    /// The hidden directories below `root`, as paths from it, and the generation of
    /// [`Hidden`] they were found for.
    hidden_below: std::sync::Mutex<Option<(u64, Vec<Vec<String>>)>>,
}

impl Mount {
    /// Opens `host` to be seen at `guest`.
    pub fn new(host: &Path, guest: &str, readonly: bool) -> std::io::Result<Mount> {
        let host = host.canonicalize()?;
        for a in host.ancestors() {
            if visible(&rustix::fs::stat(a)?).is_err() {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::PermissionDenied,
                    format!(
                        "{} is inside {}, which guests may not see (wasmexec's cache)",
                        host.display(),
                        a.display()
                    ),
                ));
            }
        }
        let root = openat(
            CWD,
            &host,
            OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC,
            Mode::empty(),
        )?;
        let root_inode = inode(&rustix::fs::fstat(&root)?);
        let (guest_parts, guest) = normalize(guest);
        Ok(Mount {
            guest,
            host,
            readonly,
            root,
            root_inode,
            guest_parts,
            hidden_below: std::sync::Mutex::new(None),
        })
    }

    /// Whether the directory at `rel` below the root (reached without symlinks, `..` or
    /// crossing a host mount) is a hidden directory or inside one. Each hidden directory
    /// is looked for among the root's descendants once: the root is one of its ancestors,
    /// found by identity, so also through a bind mount of one of them. No guest can move
    /// a hidden directory or its ancestors ([`movable`]), so the paths stay right.
    fn hides(&self, rel: &[&str]) -> bool {
        let h = hidden();
        if h.dirs.is_empty() {
            return false;
        }
        let mut cached = self.hidden_below.lock().unwrap_or_else(|e| e.into_inner());
        if cached.as_ref().is_none_or(|(g, _)| *g != h.generation) {
            let below = h
                .dirs
                .iter()
                .filter_map(|(_, dir)| {
                    let root = dir.ancestors().find(|a| {
                        rustix::fs::stat(*a).is_ok_and(|st| inode(&st) == self.root_inode)
                    })?;
                    let rest = dir.strip_prefix(root).ok()?;
                    rest.iter()
                        .map(|c| c.to_str().map(String::from))
                        .collect::<Option<Vec<String>>>()
                })
                .collect();
            *cached = Some((h.generation, below));
        }
        let below = cached.as_ref().map(|(_, b)| b.as_slice()).unwrap_or(&[]);
        below.iter().any(|dir| starts_with(rel, dir))
    }
}

/// A private host directory holding, as empty directories, the path to every mount point: the
/// part of the guest's namespace that no mount covers. Removed when dropped.
pub struct Skeleton {
    dir: PathBuf,
}

/// The skeleton directories of this process's live instances, for [`remove_skeletons`].
static LIVE: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());

/// Removes the skeleton directories of every live instance (for a program ending on a
/// signal, which drops nothing).
pub fn remove_skeletons() {
    let live = std::mem::take(&mut *LIVE.lock().unwrap_or_else(|e| e.into_inner()));
    for dir in live {
        let _ = std::fs::remove_dir_all(dir);
    }
}

/// Removes skeletons that processes killed before they could clean up left behind: those of
/// processes that no longer exist, untouched for ten minutes.
fn sweep_stale(tmp: &Path) {
    static SWEPT: std::sync::Once = std::sync::Once::new();
    SWEPT.call_once(|| {
        let Ok(entries) = std::fs::read_dir(tmp) else {
            return;
        };
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let Some(pid) = name
                .strip_prefix("wasmexec-root-")
                .and_then(|r| r.split('-').next())
                .and_then(|p| p.parse::<u32>().ok())
            else {
                continue;
            };
            let old = e
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age.as_secs() > 600);
            let gone = !Path::new(&format!("/proc/{pid}")).exists();
            if old && gone && pid != std::process::id() {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
    });
}

impl Skeleton {
    /// Builds the skeleton of `mounts` and the read-only mount that shows it at `/`.
    pub fn new(mounts: &[Mount]) -> std::io::Result<(Skeleton, Mount)> {
        let tmp = std::env::temp_dir();
        sweep_stale(&tmp);
        let mut suffix = [0u8; 8];
        getrandom::fill(&mut suffix).map_err(|e| std::io::Error::other(e.to_string()))?;
        let name = format!(
            "wasmexec-root-{}-{:016x}",
            std::process::id(),
            u64::from_le_bytes(suffix)
        );
        let skeleton = Skeleton {
            dir: tmp.join(name),
        };
        std::fs::create_dir(&skeleton.dir).map_err(|e| {
            std::io::Error::new(
                e.kind(),
                format!(
                    "creating the guest's root directory in {}: {e} (is TMPDIR a directory?)",
                    tmp.display()
                ),
            )
        })?;
        LIVE.lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(skeleton.dir.clone());
        for m in mounts {
            let mut p = skeleton.dir.clone();
            p.extend(&m.guest_parts);
            std::fs::create_dir_all(p)?;
        }
        let root = Mount::new(&skeleton.dir, "/", true)?;
        Ok((skeleton, root))
    }
}

impl Drop for Skeleton {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
        LIVE.lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|d| d != &self.dir);
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

/// Whether `path` (components of a guest path) is a mount point or leads to one.
fn leads_to_mount<S: AsRef<str>>(mounts: &[Mount], path: &[S]) -> bool {
    mounts.iter().any(|m| starts_with(&m.guest_parts, path))
}

/// Whether `path` is a mount point.
fn is_mount_point<S: AsRef<str>>(mounts: &[Mount], path: &[S]) -> bool {
    mounts
        .iter()
        .any(|m| m.guest_parts.len() == path.len() && starts_with(&m.guest_parts, path))
}

/// The mount holding `path` (the namespace's part made by the mounts): the longest whose
/// mount point `path` starts with.
fn mount_holding<'a, S: AsRef<str>>(mounts: &'a [Mount], path: &[S]) -> Option<(usize, &'a Mount)> {
    mounts
        .iter()
        .enumerate()
        .filter(|(_, m)| starts_with(path, &m.guest_parts))
        .max_by_key(|(_, m)| m.guest_parts.len())
}

/// `whole` starts with the components `prefix`.
fn starts_with<A: AsRef<str>, B: AsRef<str>>(whole: &[A], prefix: &[B]) -> bool {
    whole.len() >= prefix.len()
        && whole
            .iter()
            .zip(prefix)
            .all(|(a, b)| a.as_ref() == b.as_ref())
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
    /// The path names a mount point: `dir` is the root of the mount over it (`name` is `.`).
    /// Operations on the name itself (rmdir, rename, ...) meet a busy mount point, as on Linux.
    pub mount_point: bool,
    /// The mount holding the name: the one over it for a mount point, else `mount`.
    pub parent_mount: usize,
    /// What the resolution found at `name` (not following a symlink there, which it
    /// followed if asked to), when it looked: a `stat` or `lstat` needs no second look.
    pub stat: Option<rustix::fs::Stat>,
}

impl Resolved {
    /// `name` in `dir`, both inside mount `mount` (not a mount point).
    fn inside(mount: usize, dir: OwnedFd, name: String) -> Resolved {
        Resolved {
            mount,
            dir,
            name,
            mount_point: false,
            parent_mount: mount,
            stat: None,
        }
    }

    /// [`Resolved::inside`] with what is at the name.
    fn found(mount: usize, dir: OwnedFd, name: String, st: rustix::fs::Stat) -> Resolved {
        Resolved {
            stat: Some(st),
            ..Resolved::inside(mount, dir, name)
        }
    }
}

/// Resolves `path` (absolute, in the guest's namespace) within `mounts`. With `follow`, a
/// symlink as the final component is followed too. Resolution works like the kernel's in a
/// namespace made only of the mounts: `..` is physical (after a symlink it climbs from the
/// link's target; at a mount's root it continues from the mount point's parent), stepping
/// onto a mount point enters that mount, and an absolute symlink target starts again from
/// the guest's root. Outside every mount only the mount points' ancestors exist.
pub fn resolve(mounts: &[Mount], path: &str, follow: bool) -> Result<Resolved, Errno> {
    resolve_at_once(mounts, path, follow).unwrap_or_else(|| walk(mounts, path, follow))
}

/// [`resolve`] component by component.
fn walk(mounts: &[Mount], path: &str, follow: bool) -> Result<Resolved, Errno> {
    // A trailing slash names the directory a final symlink points to (POSIX path resolution),
    // and only a directory.
    // A last component `.` (`dir/.`, `dir/./`) names the directory as `.` inside it, which
    // the kernel then treats as such (rename: EBUSY, rmdir: EINVAL).
    let trimmed = path.trim_end_matches('/');
    let trailing_dot = trimmed.ends_with("/.") || trimmed == ".";
    let trailing_slash = (path.len() > 1 && path.ends_with('/')) || trailing_dot;
    let follow = follow || trailing_slash;
    let mut todo: VecDeque<String> = components(path).collect();
    let mut links = 0;
    let mut races = 0;
    'restart: loop {
        // Walk lexically through mount points and their ancestors: that part of the namespace
        // is made by the mounts alone and has no symlinks. Stop where the path goes on inside
        // a mount's own tree.
        let mut here: Vec<String> = Vec::new();
        while let Some(next) = todo.front() {
            if next == ".." {
                here.pop();
            } else {
                here.push(next.clone());
                if !leads_to_mount(mounts, &here) {
                    here.pop();
                    break;
                }
            }
            todo.pop_front();
        }
        let Some((mi, mount)) = mount_holding(mounts, &here) else {
            return Err(Errno::NOENT);
        };
        // Below the mount's root, the walk is physical.
        for c in here.drain(mount.guest_parts.len()..).rev() {
            todo.push_front(c);
        }
        let entered_at_end = todo.is_empty();
        let mut stack: Vec<OwnedFd> = vec![rustix::io::dup(&mount.root)?];
        loop {
            let Some(comp) = todo.pop_front() else {
                let dir = stack.pop().expect("the mount root stays on the stack");
                let mount_point = stack.is_empty() && entered_at_end && !here.is_empty();
                // The mount point's name belongs to the mount holding its parent.
                let parent_mount = match mount_point {
                    true => mount_holding(mounts, &here[..here.len() - 1]).map_or(mi, |(i, _)| i),
                    false => mi,
                };
                return Ok(Resolved {
                    mount: mi,
                    dir,
                    name: ".".into(),
                    mount_point,
                    parent_mount,
                    stat: None,
                });
            };
            if comp == ".." {
                if stack.len() > 1 {
                    stack.pop();
                    here.pop();
                } else {
                    // Leave the mount through its mount point, in the guest namespace.
                    here.pop();
                    for c in here.iter().rev() {
                        todo.push_front(c.clone());
                    }
                    continue 'restart;
                }
                continue;
            }
            // Stepping onto another mount's mount point enters that mount.
            here.push(comp.clone());
            if is_mount_point(mounts, &here) {
                for c in here.iter().rev() {
                    todo.push_front(c.clone());
                }
                continue 'restart;
            }
            let cur = stack.last().expect("non-empty");
            let last = todo.is_empty();
            let st = statat(cur, comp.as_str(), AtFlags::SYMLINK_NOFOLLOW);
            if let Ok(st) = &st {
                visible(st)?;
            }
            match st {
                Ok(st)
                    if FileType::from_raw_mode(st.st_mode) == FileType::Symlink
                        && (!last || follow) =>
                {
                    links += 1;
                    if links > MAX_LINKS {
                        return Err(Errno::LOOP);
                    }
                    let target = match readlinkat(cur, comp.as_str(), Vec::new()) {
                        Ok(t) => t,
                        // Swapped for something else since the stat: look again.
                        Err(Errno::INVAL | Errno::NOENT) if retry(&mut races) => {
                            links -= 1;
                            here.pop();
                            todo.push_front(comp);
                            continue;
                        }
                        Err(e) => return Err(e),
                    };
                    let target = target.to_string_lossy().into_owned();
                    here.pop();
                    let mut expanded: VecDeque<String> = components(&target).collect();
                    expanded.extend(todo.drain(..));
                    todo = expanded;
                    if target.starts_with('/') {
                        // Absolute targets are guest paths, resolved from the guest's root.
                        continue 'restart;
                    }
                }
                Ok(st) if !last => {
                    if FileType::from_raw_mode(st.st_mode) != FileType::Directory {
                        return Err(Errno::NOTDIR);
                    }
                    match open_dir(cur, &comp) {
                        Ok(fd) => stack.push(fd),
                        // Swapped for a symlink or a file since the stat: look again.
                        Err(Errno::NOTDIR | Errno::LOOP | Errno::NOENT) if retry(&mut races) => {
                            here.pop();
                            todo.push_front(comp);
                        }
                        Err(e) => return Err(e),
                    }
                }
                Ok(st) => {
                    if trailing_slash && FileType::from_raw_mode(st.st_mode) != FileType::Directory
                    {
                        return Err(Errno::NOTDIR);
                    }
                    if trailing_dot {
                        // `dir/.` names the directory itself, as `.` inside it.
                        let dir = open_dir(cur, &comp)?;
                        return Ok(Resolved::inside(mi, dir, ".".into()));
                    }
                    let dir = stack.pop().expect("non-empty");
                    return Ok(Resolved::found(mi, dir, comp, st));
                }
                Err(Errno::NOENT) if last && !trailing_dot => {
                    let dir = stack.pop().expect("non-empty");
                    return Ok(Resolved::inside(mi, dir, comp));
                }
                Err(e) => return Err(e),
            }
        }
    }
}

/// [`resolve`] for the common path, in three system calls where the walk takes three or
/// four for each component: the directory holding the final name is opened with one
/// `openat2` that refuses symlinks, magic links, leaving the mount's root and crossing a host
/// mount, then the final name is looked at as [`resolve`] does. `None` (resolve step by
/// step) for anything else: `..`, a trailing slash or `.`, a path through a mount point or
/// the part of the namespace made by the mounts, a hidden directory on the way, a final
/// symlink to follow, any error (a symlink on the way, an older kernel without `openat2`):
/// the walk then finds what it meets and gives the same answer or the right error.
fn resolve_at_once(mounts: &[Mount], path: &str, follow: bool) -> Option<Result<Resolved, Errno>> {
    use rustix::fs::{openat2, ResolveFlags};
    if path.ends_with('/') || path.ends_with("/.") {
        return None;
    }
    let parts: Vec<&str> = path
        .split('/')
        .filter(|c| !c.is_empty() && *c != ".")
        .collect();
    if parts.contains(&"..") {
        return None;
    }
    // The mount [`resolve`] picks: where the mount points' ancestors end, the longest mount
    // holding that path.
    let mut here = 0;
    while here < parts.len() && leads_to_mount(mounts, &parts[..=here]) {
        here += 1;
    }
    let (mi, mount) = mount_holding(mounts, &parts[..here])?;
    let inside = &parts[mount.guest_parts.len()..];
    let [dirs @ .., last] = inside else {
        return None;
    };
    // No name below the mount's root may be another mount's mount point.
    let through_mount_point =
        (mount.guest_parts.len() + 1..=parts.len()).any(|n| is_mount_point(mounts, &parts[..n]));
    if dirs.is_empty() || through_mount_point || mount.hides(dirs) {
        return None;
    }
    let dir = openat2(
        &mount.root,
        dirs.join("/"),
        OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
        ResolveFlags::BENEATH
            | ResolveFlags::NO_SYMLINKS
            | ResolveFlags::NO_MAGICLINKS
            | ResolveFlags::NO_XDEV,
    )
    .ok()?;
    match statat(&dir, *last, AtFlags::SYMLINK_NOFOLLOW) {
        Ok(st) if visible(&st).is_err() => None,
        Ok(st) if follow && FileType::from_raw_mode(st.st_mode) == FileType::Symlink => None,
        Ok(st) => Some(Ok(Resolved::found(mi, dir, last.to_string(), st))),
        Err(Errno::NOENT) => Some(Ok(Resolved::inside(mi, dir, last.to_string()))),
        Err(_) => None,
    }
}

/// Whether to look again at a name that changed between two system calls: a few times, so a
/// guest flipping a symlink in a loop cannot keep the resolution going forever.
fn retry(races: &mut u32) -> bool {
    *races += 1;
    *races <= 64
}

/// A handle on the directory `name` in `dir`, never following a symlink nor entering a
/// hidden directory.
fn open_dir(dir: &OwnedFd, name: &str) -> Result<OwnedFd, Errno> {
    let fd = openat(
        dir,
        name,
        OFlags::PATH | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
        Mode::empty(),
    )?;
    visible_fd(&fd)?;
    Ok(fd)
}

/// The components of a path, without empty ones and `.`.
fn components(path: &str) -> impl Iterator<Item = String> + '_ {
    path.split('/')
        .filter(|c| !c.is_empty() && *c != ".")
        .map(String::from)
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
        // An absolute target is a guest path: the host path it names is not in the namespace.
        assert!(matches!(
            resolve(&mounts, "/data/abs-out", true),
            Err(Errno::NOENT)
        ));
        // `..` past the mount root leaves the mount, into the guest namespace where nothing is mounted.
        assert!(matches!(
            resolve(&mounts, "/data/sub/rel-out/etc", true),
            Err(Errno::NOENT)
        ));
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
        // A trailing slash follows a final symlink even for lstat, and wants a directory.
        assert_eq!(resolve(&mounts, "/data/in/", false).unwrap().name, "sub");
        std::fs::write(root.join("file"), "").unwrap();
        assert!(matches!(
            resolve(&mounts, "/data/file/", false),
            Err(Errno::NOTDIR)
        ));
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

    #[test]
    fn hidden_directories_cannot_be_entered_or_moved() {
        let root = tmp();
        let cache = root.join("home/.cache/wasmexec");
        hide_from_guests(&cache).unwrap();
        std::fs::write(cache.join("entry"), "native code").unwrap();
        std::os::unix::fs::symlink(".cache/wasmexec", root.join("home/link")).unwrap();
        let mounts = vec![Mount::new(&root, "/", false).unwrap()];
        for path in [
            "/home/.cache/wasmexec/entry",
            "/home/.cache/wasmexec",
            "/home/.cache/wasmexec/.",
            "/home/link/entry",
            "/home/link",
        ] {
            assert!(
                matches!(resolve(&mounts, path, true), Err(Errno::ACCESS)),
                "{path}"
            );
        }
        // The directories above stay usable, but their names are fixed.
        let above = resolve(&mounts, "/home/.cache", false).unwrap();
        assert!(matches!(movable(&above), Err(Errno::ACCESS)));
        std::fs::create_dir(root.join("home/other")).unwrap();
        let other = resolve(&mounts, "/home/other", false).unwrap();
        assert!(movable(&other).is_ok());
        // Nor can a mount show what is inside.
        assert!(Mount::new(&cache, "/c", true).is_err());
        std::fs::remove_dir_all(root).unwrap();
    }

    /// The result of [`resolve_at_once`], where it gives one, is the walk's; it gives none
    /// wherever the walk must look at each component.
    #[test]
    fn one_call_resolution_agrees_with_the_walk() {
        let root = tmp();
        let nested = tmp();
        std::fs::create_dir_all(root.join("a/b/c")).unwrap();
        std::fs::write(root.join("a/b/file"), "").unwrap();
        std::os::unix::fs::symlink("b", root.join("a/to-b")).unwrap();
        std::os::unix::fs::symlink("c", root.join("a/b/to-c")).unwrap();
        std::os::unix::fs::symlink("/etc", root.join("a/b/abs")).unwrap();
        let cache = root.join("a/.cache/wasmexec");
        hide_from_guests(&cache).unwrap();
        std::fs::create_dir(cache.join("d")).unwrap();
        std::fs::create_dir_all(root.join("a/m")).unwrap();
        std::fs::create_dir(nested.join("n")).unwrap();
        let mounts = vec![
            Mount::new(&root, "/", false).unwrap(),
            Mount::new(&nested, "/a/m", true).unwrap(),
        ];
        let id = |r: &Resolved| {
            (
                r.mount,
                r.name.clone(),
                inode(&rustix::fs::fstat(&r.dir).unwrap()),
            )
        };
        let at_once = [
            "/a/b/c",
            "/a/b/c/missing",
            "/a/b/file",
            "/a/b/to-c",
            "/a/b/abs",
            "/a/m/n/x",
            "/a/.cache/other",
        ];
        let stepwise = [
            "/a/to-b/c",
            "/a/b/file/x",
            "/a/b/missing/x",
            "/a/b/../b/c",
            "/a/b/c/",
            "/a/b/c/.",
            "/a/.cache/wasmexec/d",
            "/a/.cache/wasmexec/d/x",
            "/a/.cache/wasmexec",
            "/a/m/n",
            "/a/m",
            "/a",
        ];
        for path in at_once.iter().chain(&stepwise) {
            for follow in [false, true] {
                let fast = resolve_at_once(&mounts, path, follow);
                let slow = walk(&mounts, path, follow);
                let final_link = follow && (path.ends_with("to-c") || path.ends_with("abs"));
                if !at_once.contains(path) || final_link {
                    assert!(fast.is_none(), "{path} (follow {follow}) in one call");
                    continue;
                }
                let fast = fast.unwrap_or_else(|| panic!("{path} (follow {follow}) stepwise"));
                match (fast, slow) {
                    (Ok(f), Ok(s)) => assert_eq!(id(&f), id(&s), "{path}"),
                    (f, s) => panic!("{path}: {:?} against {:?}", f.err(), s.err()),
                }
            }
        }
        std::fs::remove_dir_all(root).unwrap();
        std::fs::remove_dir_all(nested).unwrap();
    }

    /// A hidden directory counts only while it is still where it was hidden: a directory
    /// that got its inode after it was removed is not hidden.
    #[test]
    fn a_removed_hidden_directory_hides_nothing() {
        let root = tmp();
        let (a, b) = (root.join("a"), root.join("b"));
        std::fs::create_dir(&a).unwrap();
        std::fs::create_dir(&b).unwrap();
        let st = rustix::fs::stat(&a).unwrap();
        assert!(among(&[(inode(&st), a.clone())], &st));
        // The inode recorded for `b`'s path, as if `b` had been removed and `a` had got
        // its inode.
        assert!(!among(&[(inode(&st), b.clone())], &st));
        std::fs::remove_dir_all(root).unwrap();
    }
}
