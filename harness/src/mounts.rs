//! Fixtures with `mounts`: the same file-system view for our runtime and for the reference.
//!
//! Each runner gets fresh host directories for the fixture's mounts (with the spec's files in
//! them) and an `outside` directory that is never mounted, named to the guest by `$OUTSIDE`
//! so it can try to reach it. Our runtime mounts the directories with [`wasmexec::Config::mount`];
//! the reference runs Node in a mount namespace built by `scripts/reference-sandbox`, where the
//! same directories are bind-mounted at the guest paths (read-only ones read-only, so the
//! kernel itself gives the errors a read-only file system gives).

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context as _, Result};

use crate::spec::Spec;

/// The uid and gid an `unprivileged` fixture runs as when the harness runs as root.
pub const NOBODY: u32 = 65534;

/// A fixture's mounts, set up on the host for one runner.
pub struct Prepared {
    /// `(host directory, guest path, read-only)`, parents before children.
    pub mounts: Vec<(PathBuf, String, bool)>,
    /// A host directory outside every mount, holding `secret.txt`.
    pub outside: PathBuf,
}

/// Is this process running as root (so permission bits would not apply to it)?
pub fn running_as_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// Creates the host side of `spec`'s mounts for `runner` (a fresh tree each time).
pub fn prepare(name: &str, runner: &str, spec: &Spec) -> Result<Prepared> {
    let base = fs_root(name, runner)?;
    let outside = base.join("outside");
    std::fs::create_dir(&outside)?;
    std::fs::write(outside.join("secret.txt"), "outside every mount\n")?;
    let mut order: Vec<usize> = (0..spec.mounts.len()).collect();
    order.sort_by_key(|&i| spec.mounts[i].guest.matches('/').count());
    let mut mounts: Vec<(PathBuf, String, bool)> = Vec::new();
    for i in order {
        let m = &spec.mounts[i];
        let dir = base.join(format!("mount{i}"));
        std::fs::create_dir(&dir)?;
        for (path, content) in &m.files {
            let p = dir.join(path.trim_end_matches('/'));
            if path.ends_with('/') {
                std::fs::create_dir_all(&p)?;
            } else {
                if let Some(parent) = p.parent() {
                    std::fs::create_dir_all(parent)?;
                }
                std::fs::write(&p, content)?;
            }
        }
        // A nested mount needs its mount point in the enclosing mount, as on Linux.
        if let Some((parent_dir, parent_guest, _)) = mounts
            .iter()
            .rev()
            .find(|(_, g, _)| m.guest.starts_with(&format!("{g}/")))
        {
            std::fs::create_dir_all(parent_dir.join(&m.guest[parent_guest.len() + 1..]))?;
        }
        mounts.push((dir, m.guest.clone(), m.read_only));
    }
    if spec.unprivileged && running_as_root() {
        for (dir, _, _) in &mounts {
            chown_tree(dir, NOBODY)?;
        }
    }
    Ok(Prepared { mounts, outside })
}

fn chown_tree(path: &Path, id: u32) -> Result<()> {
    std::os::unix::fs::lchown(path, Some(id), Some(id))
        .with_context(|| format!("chown {}", path.display()))?;
    if path.is_dir() && !path.is_symlink() {
        for entry in std::fs::read_dir(path)? {
            chown_tree(&entry?.path(), id)?;
        }
    }
    Ok(())
}

/// While alive, this thread's file-system accesses are checked as [`NOBODY`]'s (if the
/// harness runs as root; otherwise they already are an ordinary user's).
///
/// Linux keeps credentials per thread, and changing the file-system uid away from 0 drops the
/// capabilities that bypass permission bits and ownership checks (`CAP_DAC_OVERRIDE`,
/// `CAP_CHOWN`, `CAP_FOWNER`, ...), for this thread only. The guest's fs calls all run on the
/// thread that runs the guest, so they see what an unprivileged Node process sees.
pub struct Unprivileged {
    active: bool,
}

impl Unprivileged {
    /// Switches the calling thread (no-op unless running as root).
    pub fn enter() -> Result<Unprivileged> {
        if !running_as_root() {
            return Ok(Unprivileged { active: false });
        }
        set_fs_ids(NOBODY)?;
        Ok(Unprivileged { active: true })
    }
}

impl Drop for Unprivileged {
    fn drop(&mut self) {
        if self.active {
            let _ = set_fs_ids(0);
        }
    }
}

/// Sets the calling thread's file-system gid and uid (raw syscalls: they act on the calling
/// thread only, whereas libc wrappers of the set*id family may apply to every thread).
fn set_fs_ids(id: u32) -> Result<()> {
    // SAFETY: setfsgid/setfsuid take a plain integer and touch no memory of ours.
    unsafe {
        libc::syscall(libc::SYS_setfsgid, id as libc::c_long);
        libc::syscall(libc::SYS_setfsuid, id as libc::c_long);
        // Both return the previous id; calling again with -1 (never valid) reads the current one.
        let now = libc::syscall(libc::SYS_setfsuid, -1 as libc::c_long);
        if now != id as libc::c_long {
            bail!("setfsuid({id}) did not take effect");
        }
    }
    Ok(())
}

/// The command that runs the reference driver (`node` plus `driver_args`) in the fixture's
/// view. `reference_dir` holds the driver, `wasm_exec.js`, the guest and the JSON spec; it
/// appears read-only at `/.reference`.
pub fn node_command(
    prepared: &Prepared,
    spec: &Spec,
    sandbox_root: &Path,
    reference_dir: &Path,
    driver_args: &[String],
) -> Command {
    let mut cmd = Command::new("bash");
    cmd.arg(crate::repo_root().join("scripts/reference-sandbox"))
        .arg(sandbox_root)
        .arg("--bind")
        .arg(format!("{}:/.reference:ro", reference_dir.display()));
    for (dir, guest, ro) in &prepared.mounts {
        cmd.arg("--bind").arg(format!(
            "{}:{guest}{}",
            dir.display(),
            if *ro { ":ro" } else { "" }
        ));
    }
    if spec.unprivileged {
        cmd.arg("--unprivileged");
    }
    cmd.arg("--").arg("node").args(driver_args);
    cmd
}

/// A fresh, empty directory for a fixture that asks for one (`fs = true`), per runner.
pub fn fs_root(name: &str, runner: &str) -> Result<std::path::PathBuf> {
    let dir = crate::target_dir()
        .join("conformance")
        .join("fsroot")
        .join(runner)
        .join(name);
    if dir.exists() {
        std::fs::remove_dir_all(&dir)?;
    }
    std::fs::create_dir_all(&dir)?;
    Ok(dir.canonicalize()?)
}
