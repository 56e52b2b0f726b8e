//! The fuzz targets.

pub mod cache_entries;
pub mod gojs_imports;
pub mod module_loading;

use std::path::{Path, PathBuf};

/// A private directory of this process for `target` (a guest's mount, a cache), created on
/// first use; `None` if it cannot be made.
pub fn scratch_dir(target: &str) -> Option<PathBuf> {
    let dir = std::env::temp_dir().join(format!("wasmexec-fuzz-{target}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).ok()?;
    Some(dir)
}

/// Empties the scratch directory of `target` (what one input made must not reach the next).
pub fn clear_scratch(target: &str) {
    let Some(dir) = scratch_dir(target) else {
        return;
    };
    let Ok(mut entries) = std::fs::read_dir(&dir) else {
        return;
    };
    if entries.next().is_none() {
        return;
    }
    // Something was made: start over with an empty directory (permissions may have been
    // changed by the guest, so make them usable again first).
    restore_permissions(&dir);
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::create_dir_all(&dir);
}

/// Removes the scratch directory of `target` (at the end of a run).
pub fn remove_scratch(target: &str) {
    let dir = std::env::temp_dir().join(format!("wasmexec-fuzz-{target}-{}", std::process::id()));
    if dir.exists() {
        restore_permissions(&dir);
        let _ = std::fs::remove_dir_all(&dir);
    }
}

fn restore_permissions(dir: &Path) {
    use std::os::unix::fs::PermissionsExt as _;
    let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700));
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                restore_permissions(&p);
            }
        }
    }
}
