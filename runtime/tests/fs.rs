//! Mounts on every engine: a real Go guest (go-guests/fs_sandbox) sees exactly its mounts,
//! read-only ones refuse writes, and `..`, absolute paths and symlinks pointing out are
//! refused.

mod common;

use wasmexec::{Config, EngineKind, Runtime};

fn guest() -> Vec<u8> {
    common::go_guest("fs_sandbox")
}

use common::SharedBuf as Out;

#[test]
fn mounts_confine_the_guest_on_every_engine() {
    let base = std::env::temp_dir().join(format!("wasmexec-fs-{}", std::process::id()));
    let (work, ro, outside) = (base.join("work"), base.join("ro"), base.join("outside"));
    for d in [&work, &ro, &outside] {
        std::fs::create_dir_all(d).unwrap();
    }
    std::fs::write(work.join("file"), "w").unwrap();
    std::fs::write(ro.join("file"), "r").unwrap();
    std::fs::write(outside.join("secret"), "s").unwrap();
    std::os::unix::fs::symlink(outside.join("secret"), work.join("abs-link")).unwrap();
    std::os::unix::fs::symlink("../outside/secret", work.join("rel-link")).unwrap();
    std::os::unix::fs::symlink("file", work.join("inner-link")).unwrap();
    let wasm = guest();
    let secret = outside.join("secret").to_string_lossy().into_owned();
    for kind in EngineKind::available() {
        let runtime = Runtime::new(kind).unwrap();
        let module = runtime.compile(&wasm).unwrap();
        let out = Out::default();
        let config = Config::new()
            .args([
                "fs_sandbox",
                "/work/file",
                "/ro/file",
                "/work/../ro/file",
                "/work/abs-link",
                "/work/rel-link",
                "/work/inner-link",
                &secret,
                "/",
            ])
            .mount(&work, "/work", false)
            .mount(&ro, "/ro", true)
            .stdout(out.clone());
        let mut g = runtime.instantiate(&module, config).unwrap();
        assert_eq!(g.run_to_exit().unwrap(), 0, "{kind}");
        // Go words errnos with a capital letter; compare case-insensitively.
        let text = String::from_utf8_lossy(&out.0.lock().unwrap()).to_lowercase();
        let expect = [
            "cwd / ok",
            "read /work/file: ok",
            "write /work/file.new: ok",
            "read /ro/file: ok",
            "write /ro/file.new: read-only file system",
            "read /work/../ro/file: ok",
            // An absolute target is a guest path; this host path is not in the namespace.
            "read /work/abs-link: no such file or directory",
            "read /work/rel-link: no such file or directory",
            "read /work/inner-link: ok",
            &format!("read {secret}: no such file or directory"),
            &format!("write {secret}.new: no such file or directory"),
            // `/` holds the mount points, read-only.
            "list /: ok",
            "write /.new: read-only file system",
            "mkdir /ro/dir: read-only file system",
            "remove /ro/file: read-only file system",
            "chdir /nowhere: no such file or directory",
            "chdir /work: ok",
            "read relative file: ok",
            "read ../ro/file: ok",
        ];
        for line in expect {
            assert!(
                text.lines().any(|l| l == line.to_lowercase()),
                "{kind}: missing {line:?} in:\n{text}"
            );
        }
        // Nothing was written outside the mounts, and the read-only mount is untouched.
        assert!(!outside.join("secret.new").exists());
        assert!(!ro.join("file.new").exists());
        assert!(work.join("file.new").exists());
        std::fs::remove_file(work.join("file.new")).unwrap();
    }
    // The directory that made `/` went with the instances.
    let prefix = format!("wasmexec-root-{}-", std::process::id());
    let left: Vec<_> = std::fs::read_dir(std::env::temp_dir())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with(&prefix))
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
    std::fs::remove_dir_all(base).unwrap();
}
