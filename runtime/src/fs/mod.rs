//! The `fs` object Go's `syscall` package calls (`syscall/fs_js.go`), over the mounts the
//! embedder gives (nothing is reachable by default; see [`sandbox`]). Standard streams are
//! served from the instance's stdio. Callbacks run synchronously before the method returns, as
//! in wasm_exec.js's own fallback `fs`, so a `js.FuncOf` handler that prints cannot deadlock.
//! Errors carry the `code` Node gives, which Go maps to its `syscall.Errno`.

pub mod blocking;
pub mod sandbox;
pub mod umask;

use std::collections::HashMap;
use std::io::{Read as _, Write as _};
use std::os::fd::{AsFd, AsRawFd, OwnedFd};

use rustix::fs::{AtFlags, FileType, Mode, OFlags, Timespec, Timestamps, CWD};
use rustix::io::Errno;

use crate::js::builtins::{date_at, math_round};
use crate::js::native::{arg, define_methods, native};
use crate::js::ops;
use crate::js::value::Proto;
use crate::js::{Agent, Class, ErrorType, JsResult, Kind, Obj, Realm, Throw, TypedArray, Value};
use crate::stdio::Stdio;

pub use sandbox::Mount;

/// Linux's values, which Node reports in `fs.constants` and Go reads at start-up.
pub const CONSTANTS: [(&str, f64); 12] = [
    ("O_RDONLY", 0.0),
    ("O_WRONLY", 1.0),
    ("O_RDWR", 2.0),
    ("O_CREAT", 64.0),
    ("O_EXCL", 128.0),
    ("O_NOCTTY", 256.0),
    ("O_TRUNC", 512.0),
    ("O_APPEND", 1024.0),
    ("O_DIRECTORY", 65536.0),
    ("O_NOFOLLOW", 131072.0),
    ("O_SYNC", 1052672.0),
    ("O_NONBLOCK", 2048.0),
];

/// Flags that open for writing or change the file.
const WRITE_FLAGS: u32 = 1 | 2 | 64 | 512 | 1024;

/// Mounts, open files and the working directory of one guest.
pub struct FsState {
    /// Host directories the guest can see.
    pub mounts: Vec<Mount>,
    files: HashMap<i32, OpenFile>,
    /// The directories above the mount points, when no mount covers `/`.
    skeleton: Option<sandbox::Skeleton>,
    /// The working directory `process.cwd()` reports, a normalised guest path.
    pub cwd: String,
    /// When the guest is stopped: operations waiting on a pipe, FIFO or terminal give up
    /// then (see [`blocking`]).
    pub deadline: Option<std::time::Instant>,
    /// The file-mode creation mask `process.umask()` reports and sets, applied to the files
    /// and directories the guest creates (see [`umask`]).
    pub umask: u32,
    /// The prototype of the objects [`stats`] makes, made at the first.
    stats_proto: Option<Obj>,
}

impl Default for FsState {
    fn default() -> Self {
        FsState {
            mounts: Vec::new(),
            files: HashMap::new(),
            skeleton: None,
            cwd: "/".into(),
            deadline: None,
            umask: umask::host_umask(),
            stats_proto: None,
        }
    }
}

/// Installs the `fs` object and its (empty) state with the file creation mask `umask`;
/// mounts come with [`FsState::mount_all`].
pub fn install(realm: &mut Realm, umask: u32) {
    let umask = umask & 0o777;
    realm.insert_slot(FsState {
        umask,
        ..FsState::default()
    });
    realm.define_global("fs", Value::Object(object()));
}

/// The file-system state of the realm `agent` runs in.
pub fn state(agent: &mut dyn Agent) -> &mut FsState {
    agent
        .realm()
        .slot::<FsState>()
        .expect("fs::install keeps the file-system state")
}

fn stdio(agent: &mut dyn Agent) -> &mut Stdio {
    agent
        .realm()
        .slot::<Stdio>()
        .expect("the host keeps the standard streams")
}

/// Throws a new `Error` with a Node-style `code` (what Go's `mapJSError` reads).
pub fn errno<T>(code: &str, msg: &str) -> JsResult<T> {
    let e = Obj::error(ErrorType::Error, &format!("{code}: {msg}"));
    e.set("code", Value::from(code));
    Err(Throw::Value(Value::Object(e)))
}

impl FsState {
    /// Adds the mounts, and a read-only root made of the directories leading to them unless
    /// one of them is at `/`: then `/` and the mount points' ancestors exist as they would on
    /// Linux (listable, a working directory, refusing writes with EROFS).
    pub fn mount_all(&mut self, mounts: Vec<Mount>) -> std::io::Result<()> {
        self.mounts = mounts;
        if !self.mounts.is_empty() && self.mounts.iter().all(|m| m.guest != "/") {
            let (skeleton, root) = sandbox::Skeleton::new(&self.mounts)?;
            self.mounts.insert(0, root);
            self.skeleton = Some(skeleton);
        }
        Ok(())
    }
}

struct OpenFile {
    fd: OwnedFd,
    readonly: bool,
    /// Not a regular file or directory: reads and writes wait (see [`blocking`]).
    waits: bool,
}

/// The throw for an operation that stopped waiting.
fn stopped(stop: blocking::Stop, syscall: &str) -> Throw {
    stop.into_throw(|e| throw(e, syscall, ""))
}

/// The errno of a failed write to a standard stream (EPIPE once the reader has gone).
fn stream_errno(e: &std::io::Error) -> Errno {
    Errno::from_io_error(e).unwrap_or(Errno::IO)
}

/// Calls the trailing callback with `(null, value)` or `(error)`.
///
/// As in Node, the callback runs later, from the event loop (the operation itself is done
/// already): a goroutine waiting for it lets the others run, which a loop of file operations
/// would otherwise starve. Writes to stdout and stderr complete at once, as wasm_exec.js's own
/// `fs` completes them, so a `js.FuncOf` handler can print.
fn complete(g: &mut dyn Agent, args: &[Value], result: JsResult, at_once: bool) -> JsResult {
    let Some(cb) = args.last().filter(|v| v.is_function()).cloned() else {
        return ops::type_error("fs: the callback argument must be a function");
    };
    let args = match result {
        Ok(v) => vec![Value::Null, v],
        Err(Throw::Value(e)) => vec![e],
        Err(abort) => return Err(abort),
    };
    if at_once {
        ops::call(g, &cb, &Value::Null, &args)?;
    } else {
        g.realm().io.push_back(crate::js::timers::Task::Js {
            callback: cb,
            this: Value::Null,
            args,
        });
    }
    Ok(Value::Undefined)
}

/// A Node-style error for `e` from `syscall` on `path`.
fn throw(e: Errno, syscall: &str, path: &str) -> Throw {
    let text = std::io::Error::from_raw_os_error(e.raw_os_error()).to_string();
    let text = text.split(" (os error").next().unwrap_or("").to_lowercase();
    let msg = if path.is_empty() {
        format!("{text}, {syscall}")
    } else {
        format!("{text}, {syscall} '{path}'")
    };
    match errno::<()>(sandbox::code(e), &msg) {
        Err(t) => t,
        Ok(()) => unreachable!("errno always throws"),
    }
}

fn fail<T>(e: Errno, syscall: &str, path: &str) -> JsResult<T> {
    Err(throw(e, syscall, path))
}

/// The absolute guest path for a path argument: relative ones are taken from the working
/// directory. No lexical clean-up: `..` and a trailing slash mean what the kernel makes of
/// them (see `sandbox::resolve`).
/// The text of a path or link target argument (strings are what Go passes).
fn guest_text(v: &Value) -> String {
    match v.primitive_string() {
        Some(s) => s.to_string(),
        None => "[object Object]".into(),
    }
}

fn guest_path(fs: &FsState, v: &Value) -> String {
    let raw = guest_text(v);
    if raw.starts_with('/') {
        raw
    } else {
        format!("{}/{raw}", fs.cwd)
    }
}

/// Resolves `path` in the guest's mounts.
fn locate(fs: &FsState, path: &str, follow: bool, syscall: &str) -> JsResult<sandbox::Resolved> {
    sandbox::resolve(&fs.mounts, path, follow).or_else(|e| fail(e, syscall, path))
}

/// Is the resolved file on a read-only mount?
fn readonly(fs: &FsState, r: &sandbox::Resolved) -> bool {
    fs.mounts[r.mount].readonly
}

/// Is the directory holding the resolved name on a read-only mount? (For operations on the
/// name itself; it differs from [`readonly`] only for a mount point.)
fn parent_readonly(fs: &FsState, r: &sandbox::Resolved) -> bool {
    fs.mounts[r.parent_mount].readonly
}

/// Does the resolved name exist (without following a final symlink)?
fn exists(r: &sandbox::Resolved) -> bool {
    rustix::fs::statat(&r.dir, r.name.as_str(), AtFlags::SYMLINK_NOFOLLOW).is_ok()
}

fn file<'a>(fs: &'a FsState, fd: f64, syscall: &str) -> JsResult<&'a OpenFile> {
    match fs.files.get(&(fd as i32)) {
        Some(f) => Ok(f),
        None => fail(Errno::BADF, syscall, ""),
    }
}

fn write_fd(g: &mut dyn Agent, fd: f64, bytes: &[u8], position: Option<u64>) -> JsResult<usize> {
    let Some(out) = stdio(g).out(fd as i64) else {
        let fs = state(g);
        let deadline = fs.deadline;
        let f = file(fs, fd, "write")?;
        return blocking::write(&f.fd, bytes, position, deadline).map_err(|s| stopped(s, "write"));
    };
    match out.write_all(bytes).and_then(|_| out.flush()) {
        Ok(()) => Ok(bytes.len()),
        Err(e) => fail(stream_errno(&e), "write", ""),
    }
}

/// `(buffer, offset, length)` arguments at `i`, checked against the buffer.
fn region(args: &[Value], i: usize) -> JsResult<(TypedArray, usize, usize)> {
    let Some(buf) = ops::typed(&arg(args, i)) else {
        return ops::type_error("fs: the buffer argument must be a typed array");
    };
    let offset = match arg(args, i + 1) {
        Value::Undefined | Value::Null => 0.0,
        v => v.to_number(),
    };
    let length = match arg(args, i + 2) {
        Value::Undefined | Value::Null => buf.byte_len() as f64 - offset,
        v => v.to_number(),
    };
    if !(offset >= 0.0 && length >= 0.0 && offset + length <= buf.byte_len() as f64) {
        return ops::range_error("The value of \"length\" is out of range.");
    }
    Ok((buf, offset as usize, length as usize))
}

fn position(v: Value) -> Option<u64> {
    match v {
        Value::Number(n) if n >= 0.0 => Some(n as u64),
        _ => None,
    }
}

fn do_write(g: &mut dyn Agent, args: &[Value]) -> JsResult<usize> {
    let fd = arg(args, 0).to_number();
    let (buf, offset, length) = region(args, 1)?;
    let bytes = buf.with(|b| b[offset..offset + length].to_vec());
    write_fd(g, fd, &bytes, position(arg(args, 4)))
}

fn do_read(g: &mut dyn Agent, args: &[Value]) -> JsResult<usize> {
    let fd = arg(args, 0).to_number();
    let (buf, offset, length) = region(args, 1)?;
    let mut tmp = vec![0u8; length];
    let deadline = state(g).deadline;
    let n = if fd == 0.0 {
        read_stdin(stdio(g), &mut tmp, deadline)?
    } else {
        let f = file(state(g), fd, "read")?;
        blocking::read(&f.fd, &mut tmp, position(arg(args, 4)), f.waits, deadline)
            .map_err(|s| stopped(s, "read"))?
    };
    buf.with(|b| b[offset..offset + n].copy_from_slice(&tmp[..n]));
    Ok(n)
}

/// Reads the guest's stdin: from the process's own, waiting with the deadline in view, or
/// from the reader the embedder gave.
fn read_stdin(
    stdio: &mut Stdio,
    buf: &mut [u8],
    deadline: Option<std::time::Instant>,
) -> JsResult<usize> {
    if let Some(fd) = &stdio.stdin_fd {
        // Not made non-blocking: the descriptor is shared with the parent (a shell's
        // terminal). Ready after the wait, the read does not block.
        blocking::wait(fd.as_fd(), rustix::event::PollFlags::IN, deadline)
            .map_err(|s| stopped(s, "read"))?;
        return loop {
            match rustix::io::read(fd, &mut *buf) {
                Err(Errno::INTR) => continue,
                r => break r.or_else(|e| fail(e, "read", "")),
            }
        };
    }
    loop {
        match stdio.stdin.read(buf) {
            Ok(n) => return Ok(n),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return fail(stream_errno(&e), "read", ""),
        }
    }
}

/// A `Stats`-like object: the fields Go reads, and, as in Node, the `is*` methods on a
/// prototype all of them share (seven function objects less to make for every `stat`).
pub fn stats(fs: &mut FsState, st: &rustix::fs::Stat) -> Value {
    let proto = fs.stats_proto.get_or_insert_with(|| {
        let proto = Obj::plain();
        define_methods(
            &proto,
            &[
                ("isDirectory", |g, this, _| is_kind(g, this, 0o040000)),
                ("isFile", |g, this, _| is_kind(g, this, 0o100000)),
                ("isSymbolicLink", |g, this, _| is_kind(g, this, 0o120000)),
                ("isCharacterDevice", |g, this, _| is_kind(g, this, 0o020000)),
                ("isFIFO", |g, this, _| is_kind(g, this, 0o010000)),
                ("isSocket", |g, this, _| is_kind(g, this, 0o140000)),
                ("isBlockDevice", |g, this, _| is_kind(g, this, 0o060000)),
            ],
        );
        proto
    });
    let s = Obj::with_proto(Class::Object, Kind::Ordinary, Proto::Object(proto.clone()));
    let ms = |sec: f64, nsec: f64| sec * 1000.0 + nsec / 1e6;
    let atime = ms(st.st_atime as f64, st.st_atime_nsec as f64);
    let mtime = ms(st.st_mtime as f64, st.st_mtime_nsec as f64);
    let ctime = ms(st.st_ctime as f64, st.st_ctime_nsec as f64);
    // (the number's key, the Date's key, milliseconds since the epoch); stat(2) has no birth
    // time, the change time stands for it.
    let times = [
        ("atimeMs", "atime", atime),
        ("mtimeMs", "mtime", mtime),
        ("ctimeMs", "ctime", ctime),
        ("birthtimeMs", "birthtime", ctime),
    ];
    // Node's own keys, in Node's order (`Object.keys` shows it).
    let fields = [
        ("dev", st.st_dev as f64),
        ("mode", st.st_mode as f64),
        ("nlink", st.st_nlink as f64),
        ("uid", st.st_uid as f64),
        ("gid", st.st_gid as f64),
        ("rdev", st.st_rdev as f64),
        ("blksize", st.st_blksize as f64),
        ("ino", st.st_ino as f64),
        ("size", st.st_size as f64),
        ("blocks", st.st_blocks as f64),
    ];
    for (k, v) in fields {
        s.set(k, Value::Number(v));
    }
    for (k, _, t) in times {
        s.set(k, Value::Number(t));
    }
    for (_, k, t) in times {
        // As Node: a Date of the time rounded to a whole millisecond.
        s.set(k, Value::Object(date_at(math_round(t))));
    }
    Value::Object(s)
}

/// A `Stats` method: whether `this.mode` says a file of type `want`. As Node's, it reads
/// `mode` as JS does (through the prototype chain and getters), so a guest changing it
/// changes the answer, and fails on `undefined` or `null`.
fn is_kind(agent: &mut dyn Agent, this: &Value, want: u32) -> JsResult {
    let unreadable = |what: &str| {
        crate::js::errors::type_error(format!("Cannot read properties of {what} (reading 'mode')"))
    };
    let mode = match this {
        Value::Object(_) => ops::get(agent, this, b"mode")?,
        Value::Undefined => return unreadable("undefined"),
        Value::Null => return unreadable("null"),
        _ => Value::Undefined,
    };
    let mode = crate::js::number::to_uint32(mode.to_number());
    Ok(Value::Bool(mode & 0o170000 == want))
}

/// Fails unless `path` is a directory the guest can reach (for `process.chdir`).
pub fn check_dir(fs: &FsState, path: &str) -> JsResult<()> {
    let r = locate(fs, path, true, "chdir")?;
    match rustix::fs::statat(&r.dir, r.name.as_str(), AtFlags::SYMLINK_NOFOLLOW) {
        Ok(st) if FileType::from_raw_mode(st.st_mode) == FileType::Directory => {
            // chdir(2) needs search permission, checked as the effective (fs) user.
            let access = rustix::fs::accessat(
                &r.dir,
                r.name.as_str(),
                rustix::fs::Access::EXEC_OK,
                AtFlags::EACCESS | AtFlags::SYMLINK_NOFOLLOW,
            );
            access.or_else(|e| fail(e, "chdir", path))
        }
        Ok(_) => fail(Errno::NOTDIR, "chdir", path),
        Err(e) => fail(e, "chdir", path),
    }
}

/// A handle on the resolved target that holds its inode (no-follow), for chmod/chown/utimes.
fn pin(r: &sandbox::Resolved) -> Result<OwnedFd, Errno> {
    rustix::fs::openat(
        &r.dir,
        r.name.as_str(),
        OFlags::PATH | OFlags::NOFOLLOW | OFlags::CLOEXEC,
        Mode::empty(),
    )
}

/// An owner id argument; -1 (as Go and chown(2) use it) means "leave unchanged".
fn uid(v: f64) -> Option<rustix::fs::Uid> {
    (v >= 0.0 && v < u32::MAX as f64).then(|| rustix::fs::Uid::from_raw(v as u32))
}

/// A group id argument; -1 means "leave unchanged".
fn gid(v: f64) -> Option<rustix::fs::Gid> {
    (v >= 0.0 && v < u32::MAX as f64).then(|| rustix::fs::Gid::from_raw(v as u32))
}

fn timespec(secs: f64) -> Timespec {
    Timespec {
        tv_sec: secs.floor() as _,
        tv_nsec: ((secs - secs.floor()) * 1e9) as _,
    }
}

/// Runs one path operation.
fn path_op(fs: &mut FsState, name: &str, args: &[Value]) -> JsResult {
    let path = guest_path(fs, &arg(args, 0));
    let p = path.as_str();
    let num = |i: usize| arg(args, i).to_number();
    let e = |err: Errno| throw(err, name, p);
    match name {
        "open" => {
            let flags = num(1) as u32;
            // O_CREAT|O_EXCL never follows a final symlink: it must fail with EEXIST.
            let exclusive = flags & (64 | 128) == 64 | 128;
            let r = locate(fs, p, !exclusive, name)?;
            let readonly = readonly(fs, &r);
            let mut flags = flags;
            if readonly && flags & WRITE_FLAGS != 0 {
                // What a read-only file system answers, in the kernel's order: an existing
                // file can still be opened for reading, even with O_CREAT.
                let exists = exists(&r);
                if exists && exclusive {
                    return Err(e(Errno::EXIST));
                }
                if !exists && flags & 64 != 0 || exists && flags & (1 | 2 | 512) != 0 {
                    return Err(e(Errno::ROFS));
                }
                // Only read-only opens reach a read-only mount, whatever changes meanwhile.
                flags &= !WRITE_FLAGS;
            }
            let oflags = OFlags::from_bits_retain(flags) | OFlags::NOFOLLOW | OFlags::CLOEXEC;
            let mode = umask::creation_mode(num(2), fs.umask);
            // Bits to give back if this open creates the file (known before, and only
            // asked when the guest's mask is looser than the host's).
            let lost = umask::stripped_by_host(mode);
            let creates = flags & 64 != 0 && lost != 0 && (exclusive || !exists(&r));
            let mode = Mode::from_raw_mode(mode);
            let opened = blocking::open(r.dir.as_fd(), r.name.as_str(), oflags, mode, fs.deadline);
            match opened {
                Ok((fd, waits)) => {
                    if creates {
                        // Best effort: the file exists already, the open succeeded.
                        let _ = umask::restore(&fd, lost);
                    }
                    let raw = fd.as_raw_fd();
                    fs.files.insert(
                        raw,
                        OpenFile {
                            fd,
                            readonly,
                            waits,
                        },
                    );
                    Ok(Value::Number(raw as f64))
                }
                Err(stop) => Err(stop.into_throw(e)),
            }
        }
        "stat" | "lstat" => {
            let r = locate(fs, p, name == "stat", name)?;
            let st = match r.stat {
                Some(st) => Ok(st),
                None => rustix::fs::statat(&r.dir, r.name.as_str(), AtFlags::SYMLINK_NOFOLLOW),
            };
            match st {
                Ok(st) => Ok(stats(fs, &st)),
                Err(err) => Err(e(err)),
            }
        }
        "readdir" => {
            let r = locate(fs, p, true, name)?;
            let dir = rustix::fs::openat(
                &r.dir,
                r.name.as_str(),
                OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
                Mode::empty(),
            )
            .map_err(e)?;
            let mut names = Vec::new();
            for entry in rustix::fs::Dir::read_from(&dir).map_err(e)? {
                let entry = entry.map_err(e)?;
                let n = entry.file_name().to_string_lossy().into_owned();
                if n != "." && n != ".." {
                    names.push(n);
                }
            }
            // libuv's scandir sorts, so Node returns names in byte order.
            names.sort();
            Ok(Value::Object(Obj::array(
                names.into_iter().map(Value::from).collect(),
            )))
        }
        "mkdir" => {
            let r = locate(fs, p, false, name)?;
            if r.mount_point || parent_readonly(fs, &r) && exists(&r) {
                return Err(e(Errno::EXIST));
            }
            if parent_readonly(fs, &r) {
                return Err(e(Errno::ROFS));
            }
            let mode = umask::creation_mode(num(1), fs.umask);
            rustix::fs::mkdirat(&r.dir, r.name.as_str(), Mode::from_raw_mode(mode)).map_err(e)?;
            let lost = umask::stripped_by_host(mode);
            if lost != 0 {
                // Best effort, as in the open case below: the directory exists already.
                if let Ok(dir) = pin(&r) {
                    let _ = umask::restore(dir, lost);
                }
            }
            Ok(Value::Undefined)
        }
        "rmdir" | "unlink" => {
            let r = locate(fs, p, false, name)?;
            if parent_readonly(fs, &r) {
                return Err(e(Errno::ROFS));
            }
            if r.mount_point {
                return Err(e(if name == "rmdir" {
                    Errno::BUSY
                } else {
                    Errno::ISDIR
                }));
            }
            sandbox::movable(&r).map_err(e)?;
            let flags = if name == "rmdir" {
                AtFlags::REMOVEDIR
            } else {
                AtFlags::empty()
            };
            rustix::fs::unlinkat(&r.dir, r.name.as_str(), flags)
                .map(|_| Value::Undefined)
                .map_err(e)
        }
        "rename" | "link" => {
            let to = guest_path(fs, &arg(args, 1));
            let from = locate(fs, p, false, name)?;
            let dest = locate(fs, &to, false, name)?;
            // The kernel's order: different mounts, read-only, then busy mount points.
            if from.parent_mount != dest.parent_mount {
                return Err(e(Errno::XDEV));
            }
            if parent_readonly(fs, &from) {
                return Err(e(Errno::ROFS));
            }
            if name == "rename" && (from.mount_point || dest.mount_point) {
                return Err(e(Errno::BUSY));
            }
            if name == "rename" {
                sandbox::movable(&from).map_err(e)?;
                sandbox::movable(&dest).map_err(e)?;
            }
            let r = if name == "rename" {
                rustix::fs::renameat(&from.dir, from.name.as_str(), &dest.dir, dest.name.as_str())
            } else {
                rustix::fs::linkat(
                    &from.dir,
                    from.name.as_str(),
                    &dest.dir,
                    dest.name.as_str(),
                    AtFlags::empty(),
                )
            };
            r.map(|_| Value::Undefined).map_err(e)
        }
        "symlink" => {
            // symlink(target, path): the target is stored as given and checked when used.
            let target = guest_text(&arg(args, 0));
            let link = guest_path(fs, &arg(args, 1));
            let r = locate(fs, &link, false, name)?;
            if r.mount_point || parent_readonly(fs, &r) && exists(&r) {
                return fail(Errno::EXIST, name, &link);
            }
            if parent_readonly(fs, &r) {
                return fail(Errno::ROFS, name, &link);
            }
            rustix::fs::symlinkat(target.as_str(), &r.dir, r.name.as_str())
                .map(|_| Value::Undefined)
                .or_else(|err| fail(err, name, &link))
        }
        "readlink" => {
            let r = locate(fs, p, false, name)?;
            rustix::fs::readlinkat(&r.dir, r.name.as_str(), Vec::new())
                .map(|t| Value::from(t.to_string_lossy().into_owned()))
                .map_err(e)
        }
        "truncate" => {
            let r = locate(fs, p, true, name)?;
            if readonly(fs, &r) {
                // The file must exist before the file system is asked.
                return Err(e(if exists(&r) {
                    Errno::ROFS
                } else {
                    Errno::NOENT
                }));
            }
            let f = rustix::fs::openat(
                &r.dir,
                r.name.as_str(),
                // Never waits for a FIFO's reader (truncating one fails anyway).
                OFlags::WRONLY | OFlags::NONBLOCK | OFlags::NOFOLLOW | OFlags::CLOEXEC,
                Mode::empty(),
            )
            .map_err(e)?;
            rustix::fs::ftruncate(&f, num(1).max(0.0) as u64)
                .map(|_| Value::Undefined)
                .map_err(e)
        }
        "chmod" | "chown" | "lchown" | "utimes" => {
            let r = locate(fs, p, name != "lchown", name)?;
            let pinned = pin(&r).map_err(e)?;
            if readonly(fs, &r) {
                return Err(e(Errno::ROFS));
            }
            let through = sandbox::proc_path(&pinned);
            let done = match name {
                "chmod" => rustix::fs::chmodat(
                    CWD,
                    through.as_str(),
                    Mode::from_raw_mode(num(1) as u32 & 0o7777),
                    AtFlags::empty(),
                ),
                "utimes" => {
                    let ts = Timestamps {
                        last_access: timespec(num(1)),
                        last_modification: timespec(num(2)),
                    };
                    rustix::fs::utimensat(CWD, through.as_str(), &ts, AtFlags::empty())
                }
                _ => {
                    rustix::fs::chownat(&pinned, "", uid(num(1)), gid(num(2)), AtFlags::EMPTY_PATH)
                }
            };
            done.map(|_| Value::Undefined).map_err(e)
        }
        _ => Err(e(Errno::NOSYS)),
    }
}

/// Runs one file-descriptor operation.
fn fd_op(fs: &mut FsState, name: &str, args: &[Value]) -> JsResult {
    let fd = arg(args, 0).to_number();
    let num = |i: usize| arg(args, i).to_number();
    if (0.0..=2.0).contains(&fd) {
        return match name {
            "fstat" => {
                let std_fd = match fd as i32 {
                    0 => std::io::stdin().as_fd().try_clone_to_owned(),
                    1 => std::io::stdout().as_fd().try_clone_to_owned(),
                    _ => std::io::stderr().as_fd().try_clone_to_owned(),
                };
                match std_fd.map_err(|_| Errno::BADF).and_then(rustix::fs::fstat) {
                    Ok(st) => Ok(stats(fs, &st)),
                    Err(err) => fail(err, name, ""),
                }
            }
            "fsync" | "close" => Ok(Value::Undefined),
            _ => fail(Errno::INVAL, name, ""),
        };
    }
    if name == "close" {
        return match fs.files.remove(&(fd as i32)) {
            Some(_) => Ok(Value::Undefined),
            None => fail(Errno::BADF, name, ""),
        };
    }
    let f = file(fs, fd, name)?;
    // (ftruncate needs no check: files on read-only mounts are only ever open for reading,
    // and the kernel refuses that with EINVAL, as Node reports it.)
    if f.readonly && matches!(name, "fchmod" | "fchown") {
        return fail(Errno::ROFS, name, "");
    }
    let r = match name {
        "fstat" => {
            return rustix::fs::fstat(&f.fd)
                .map(|st| stats(fs, &st))
                .or_else(|e| fail(e, name, ""))
        }
        "fsync" => rustix::fs::fsync(&f.fd),
        "ftruncate" => rustix::fs::ftruncate(&f.fd, num(1).max(0.0) as u64),
        "fchmod" => rustix::fs::fchmod(&f.fd, Mode::from_raw_mode(num(1) as u32 & 0o7777)),
        "fchown" => rustix::fs::fchown(&f.fd, uid(num(1)), gid(num(2))),
        _ => Err(Errno::NOSYS),
    };
    r.map(|_| Value::Undefined).or_else(|e| fail(e, name, ""))
}

/// The `fs` object.
pub fn object() -> Obj {
    let fs = Obj::plain();
    let constants = Obj::plain();
    for (k, v) in CONSTANTS {
        constants.set(k, Value::Number(v));
    }
    fs.set("constants", Value::Object(constants));
    // Each transfer exists in a synchronous form and a callback form.
    type Transfer = fn(&mut dyn Agent, &[Value]) -> JsResult<usize>;
    for (name, transfer) in [("write", do_write as Transfer), ("read", do_read)] {
        fs.set(
            &format!("{name}Sync"),
            native(move |g, _, args| Ok(Value::Number(transfer(g, args)? as f64))),
        );
        fs.set(
            name,
            native(move |g, _, args| {
                let r = transfer(g, args).map(|n| Value::Number(n as f64));
                let stdio = name == "write"
                    && matches!(arg(args, 0), Value::Number(fd) if fd == 1.0 || fd == 2.0);
                complete(g, args, r, stdio)
            }),
        );
    }
    type Op = fn(&mut FsState, &str, &[Value]) -> JsResult;
    let fd_ops = ["fstat", "fsync", "close", "fchmod", "fchown", "ftruncate"];
    let path_ops = [
        "open", "stat", "lstat", "readdir", "mkdir", "rmdir", "unlink", "rename", "truncate",
        "chmod", "chown", "lchown", "utimes", "link", "symlink", "readlink",
    ];
    for (names, op) in [(&fd_ops[..], fd_op as Op), (&path_ops[..], path_op)] {
        for &name in names {
            fs.set(
                name,
                native(move |g, _, args| {
                    let r = op(state(g), name, args);
                    complete(g, args, r, false)
                }),
            );
        }
    }
    fs
}
