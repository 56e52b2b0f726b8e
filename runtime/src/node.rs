//! Node's `process`, `path` and `console` objects, as much of them as Go's standard library
//! and common programs use. Installed by the host through the realm's registration API.

use crate::js::native::{arg, native};
use crate::js::{Agent, JsResult, Obj, Realm, Value};
use crate::stdio::Stdio;

/// Process facts the guest can ask `process` for.
#[derive(Clone, Debug)]
pub struct ProcessInfo {
    /// `process.pid`.
    pub pid: f64,
    /// `process.ppid`.
    pub ppid: f64,
    /// `getuid`/`geteuid`.
    pub uid: f64,
    /// `getgid`/`getegid`.
    pub gid: f64,
    /// The `umask()` the guest starts with (the file-system state keeps the current one).
    pub umask: f64,
}

impl ProcessInfo {
    /// This host process's ids.
    pub fn current() -> ProcessInfo {
        use std::os::unix::fs::MetadataExt;
        let (uid, gid) = std::fs::metadata("/proc/self")
            .map(|m| (m.uid() as f64, m.gid() as f64))
            .unwrap_or((-1.0, -1.0));
        ProcessInfo {
            pid: std::process::id() as f64,
            ppid: std::os::unix::process::parent_id() as f64,
            uid,
            gid,
            umask: crate::fs::umask::host_umask() as f64,
        }
    }
}

/// Installs `process`, `path` and `console`.
pub fn install(realm: &mut Realm, info: ProcessInfo) {
    realm.define_global("process", Value::Object(process(&info)));
    realm.insert_slot(info);
    realm.define_global("path", Value::Object(path()));
    realm.define_global("console", Value::Object(console()));
}

fn info(agent: &mut dyn Agent) -> &mut ProcessInfo {
    agent
        .realm()
        .slot::<ProcessInfo>()
        .expect("node::install keeps the process facts")
}

fn process(info: &ProcessInfo) -> Obj {
    let p = Obj::plain();
    p.set("pid", Value::Number(info.pid));
    p.set("ppid", Value::Number(info.ppid));
    p.set("platform", Value::from("linux"));
    for name in ["getuid", "geteuid"] {
        p.set(name, native(|a, _, _| Ok(Value::Number(self::info(a).uid))));
    }
    for name in ["getgid", "getegid"] {
        p.set(name, native(|a, _, _| Ok(Value::Number(self::info(a).gid))));
    }
    p.set(
        "getgroups",
        native(|a, _, _| {
            let gid = self::info(a).gid;
            Ok(Value::Object(Obj::array(vec![Value::Number(gid)])))
        }),
    );
    p.set(
        "umask",
        native(|a, _, args| {
            // The mask the guest's file operations apply (see `crate::fs::umask`).
            let fs = crate::fs::state(a);
            let old = fs.umask;
            if let Value::Number(n) = arg(args, 0) {
                fs.umask = n as u32 & 0o777;
            }
            Ok(Value::Number(old as f64))
        }),
    );
    p.set(
        "cwd",
        native(|a, _, _| Ok(Value::from(crate::fs::state(a).cwd.clone()))),
    );
    p.set("chdir", native(chdir));
    p
}

fn chdir(agent: &mut dyn Agent, _: &Value, args: &[Value]) -> JsResult {
    let target = crate::js::conversions::to_string(agent, &arg(args, 0))?.to_string();
    let fs = crate::fs::state(agent);
    let path = resolve(&fs.cwd, &[target.as_str()]);
    crate::fs::check_dir(fs, &path)?;
    fs.cwd = path;
    Ok(Value::Undefined)
}

/// Node's `path.resolve`: join segments onto `cwd` (an absolute one restarts), normalise.
pub fn resolve(cwd: &str, segments: &[&str]) -> String {
    let mut parts: Vec<&str> = Vec::new();
    let mut all = vec![cwd];
    all.extend_from_slice(segments);
    for seg in all {
        if seg.starts_with('/') {
            parts.clear();
        }
        for p in seg.split('/') {
            match p {
                "" | "." => {}
                ".." => {
                    parts.pop();
                }
                p => parts.push(p),
            }
        }
    }
    format!("/{}", parts.join("/"))
}

fn strings(agent: &mut dyn Agent, args: &[Value]) -> JsResult<Vec<String>> {
    args.iter()
        .map(|v| Ok(crate::js::conversions::to_string(agent, v)?.to_string()))
        .collect()
}

fn path() -> Obj {
    let p = Obj::plain();
    p.set("sep", Value::from("/"));
    p.set(
        "resolve",
        native(|a, _, args| {
            let segs = strings(a, args)?;
            let refs: Vec<&str> = segs.iter().map(String::as_str).collect();
            Ok(Value::from(resolve(&crate::fs::state(a).cwd, &refs)))
        }),
    );
    p.set(
        "join",
        native(|a, _, args| {
            let segs: Vec<String> = strings(a, args)?
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect();
            let joined = segs.join("/");
            let abs = joined.starts_with('/');
            let norm = resolve("/", &[joined.as_str()]);
            Ok(Value::from(if abs {
                norm
            } else if norm == "/" {
                ".".into()
            } else {
                norm[1..].to_string()
            }))
        }),
    );
    p
}

fn console() -> Obj {
    let console = Obj::plain();
    for (name, fd) in [("log", 1), ("info", 1), ("error", 2), ("warn", 2)] {
        console.set(
            name,
            native(move |a, _, args| {
                let line = strings(a, args)?.join(" ");
                let stdio = a.realm().slot::<Stdio>().expect("the host keeps stdio");
                if let Some(out) = stdio.out(fd) {
                    let _ = writeln!(out, "{line}");
                }
                Ok(Value::Undefined)
            }),
        );
    }
    console
}

use std::io::Write as _;
