//! The `fs` object Go's `syscall` package calls (`syscall/fs_js.go`). Standard streams are
//! served from the instance's stdio; callbacks run synchronously before the method returns, as
//! in wasm_exec.js's own fallback `fs`, so a `js.FuncOf` handler that prints cannot deadlock.
//! No host file system is reachable: path operations fail as they would on an empty one.

use std::io::{Read as _, Write as _};

use crate::builtins::native;
use crate::guest::Guest;
use crate::host::Host;
use crate::ops::{self, errno};
use crate::value::{JsResult, Obj, Throw, Value};

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

fn arg(args: &[Value], i: usize) -> Value {
    args.get(i).cloned().unwrap_or_default()
}

/// Calls the trailing callback with `(null, value)` or `(error)`.
fn complete(g: &mut dyn Guest, args: &[Value], result: JsResult) -> JsResult {
    let Some(cb) = args
        .last()
        .filter(|v| v.as_object().is_some_and(Obj::is_function))
        .cloned()
    else {
        return ops::type_error("fs: the callback argument must be a function");
    };
    match result {
        Ok(v) => ops::call(g, &cb, &Value::Null, &[Value::Null, v])?,
        Err(Throw::Value(e)) => ops::call(g, &cb, &Value::Null, &[e])?,
        Err(abort) => return Err(abort),
    };
    Ok(Value::Undefined)
}

fn write_fd(host: &mut Host, fd: f64, bytes: &[u8]) -> JsResult<usize> {
    let out = match fd as i64 {
        1 => &mut host.stdio.stdout,
        2 => &mut host.stdio.stderr,
        _ => return errno("EBADF", "bad file descriptor, write"),
    };
    match out.write_all(bytes).and_then(|_| out.flush()) {
        Ok(()) => Ok(bytes.len()),
        Err(e) => errno("EIO", &e.to_string()),
    }
}

/// `(buffer, offset, length)` arguments at `i`, checked against the buffer.
fn region(args: &[Value], i: usize) -> JsResult<(crate::value::TypedArray, usize, usize)> {
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
        return Err(Throw::Value(Value::Object(Obj::error(
            "RangeError",
            "The value of \"length\" is out of range.",
        ))));
    }
    Ok((buf, offset as usize, length as usize))
}

fn do_write(g: &mut dyn Guest, args: &[Value]) -> JsResult<usize> {
    let fd = arg(args, 0).to_number();
    let (buf, offset, length) = region(args, 1)?;
    let bytes = buf.with(|b| b[offset..offset + length].to_vec());
    write_fd(g.host(), fd, &bytes)
}

fn do_read(g: &mut dyn Guest, args: &[Value]) -> JsResult<usize> {
    let fd = arg(args, 0).to_number();
    let (buf, offset, length) = region(args, 1)?;
    if fd != 0.0 {
        return errno("EBADF", "bad file descriptor, read");
    }
    let mut tmp = vec![0u8; length];
    let n = loop {
        match g.host().stdio.stdin.read(&mut tmp) {
            Ok(n) => break n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return errno("EIO", &e.to_string()),
        }
    };
    buf.with(|b| b[offset..offset + n].copy_from_slice(&tmp[..n]));
    Ok(n)
}

/// A `Stats`-like object with the fields Go reads and the `is*` methods.
pub fn stats(mode: u32, size: f64, mtime_ms: f64) -> Value {
    let s = Obj::plain();
    let fields = [
        ("dev", 0.0),
        ("ino", 0.0),
        ("mode", mode as f64),
        ("nlink", 1.0),
        ("uid", 0.0),
        ("gid", 0.0),
        ("rdev", 0.0),
        ("size", size),
        ("blksize", 4096.0),
        ("blocks", (size / 512.0).ceil()),
        ("atimeMs", mtime_ms),
        ("mtimeMs", mtime_ms),
        ("ctimeMs", mtime_ms),
        ("birthtimeMs", mtime_ms),
    ];
    for (k, v) in fields {
        s.set(k, Value::Number(v));
    }
    let kind = mode & 0o170000;
    for (name, want) in [
        ("isDirectory", 0o040000),
        ("isFile", 0o100000),
        ("isSymbolicLink", 0o120000),
        ("isCharacterDevice", 0o020000),
        ("isFIFO", 0o010000),
        ("isSocket", 0o140000),
        ("isBlockDevice", 0o060000),
    ] {
        s.set(name, native(move |_, _, _| Ok(Value::Bool(kind == want))));
    }
    Value::Object(s)
}

/// Fails with ENOENT/ENOTDIR unless `path` is a directory the guest can reach.
pub fn check_dir(_host: &Host, path: &str) -> JsResult<()> {
    if path == "/" {
        Ok(())
    } else {
        errno(
            "ENOENT",
            &format!("no such file or directory, chdir '{path}'"),
        )
    }
}

fn path_op(name: &'static str) -> Value {
    native(move |g, _, args| {
        let path = arg(args, 0).to_js_string();
        let result = match (name, path.as_str()) {
            ("stat" | "lstat", "/") => Ok(stats(0o040755, 4096.0, 0.0)),
            (
                "mkdir" | "rmdir" | "unlink" | "rename" | "symlink" | "link" | "chmod" | "chown"
                | "lchown" | "utimes" | "truncate",
                "/",
            ) => errno(
                "EPERM",
                &format!("operation not permitted, {name} '{path}'"),
            ),
            _ => errno(
                "ENOENT",
                &format!("no such file or directory, {name} '{path}'"),
            ),
        };
        complete(g, args, result)
    })
}

fn fd_op(name: &'static str) -> Value {
    native(move |g, _, args| {
        let fd = arg(args, 0).to_number();
        let result = match (name, fd as i64) {
            ("fstat", 0..=2) => Ok(stats(0o020620, 0.0, 0.0)),
            ("fsync", 0..=2) => Ok(Value::Undefined),
            ("close", 0..=2) => Ok(Value::Undefined),
            _ => errno("EBADF", &format!("bad file descriptor, {name}")),
        };
        complete(g, args, result)
    })
}

/// The `fs` object.
pub fn object() -> Obj {
    let fs = Obj::plain();
    let constants = Obj::plain();
    for (k, v) in CONSTANTS {
        constants.set(k, Value::Number(v));
    }
    fs.set("constants", Value::Object(constants));
    fs.set(
        "writeSync",
        native(|g, _, args| Ok(Value::Number(do_write(g, args)? as f64))),
    );
    fs.set(
        "write",
        native(|g, _, args| {
            let r = do_write(g, args).map(|n| Value::Number(n as f64));
            complete(g, args, r)
        }),
    );
    fs.set(
        "readSync",
        native(|g, _, args| Ok(Value::Number(do_read(g, args)? as f64))),
    );
    fs.set(
        "read",
        native(|g, _, args| {
            let r = do_read(g, args).map(|n| Value::Number(n as f64));
            complete(g, args, r)
        }),
    );
    for name in ["fstat", "fsync", "close", "fchmod", "fchown", "ftruncate"] {
        fs.set(name, fd_op(name));
    }
    for name in [
        "open", "stat", "lstat", "readdir", "mkdir", "rmdir", "unlink", "rename", "truncate",
        "chmod", "chown", "lchown", "utimes", "link", "symlink", "readlink",
    ] {
        fs.set(name, path_op(name));
    }
    fs
}
