//! The guest's file-mode creation mask. Node's `process.umask(mask)` changes the process's
//! mask, which the kernel then applies to every file and directory Node creates. A guest's
//! mask must not change the host's (other guests and threads share it), so the runtime keeps
//! one per guest ([`super::FsState::umask`]) and creates files as Node would under it: it
//! masks the mode itself, and gives back the permission bits the host's own mask took that
//! the guest's keeps (`umask(0)` then creating a file `0o666` makes it `-rw-rw-rw-`).

use std::os::fd::AsFd;
use std::sync::OnceLock;

use rustix::fs::{AtFlags, Mode, CWD};
use rustix::io::Errno;

/// The mask when the host's cannot be read.
const FALLBACK: u32 = 0o022;

/// The host process's file-mode creation mask (as `/proc/self/status` reports it; read once),
/// which is also the mask a guest starts with, as under Node.
pub fn host_umask() -> u32 {
    static MASK: OnceLock<u32> = OnceLock::new();
    *MASK.get_or_init(|| {
        std::fs::read_to_string("/proc/self/status")
            .ok()
            .and_then(|s| parse_status(&s))
            .unwrap_or(FALLBACK)
    })
}

/// The `Umask:` line of a `/proc/<pid>/status` text.
fn parse_status(status: &str) -> Option<u32> {
    let value = status.lines().find_map(|l| l.strip_prefix("Umask:"))?;
    u32::from_str_radix(value.trim(), 8).ok().map(|m| m & 0o777)
}

/// The mode to create a file or directory with when the guest asks for `requested` under
/// `umask`: only the permission bits are masked (not set-id or sticky bits), as the kernel
/// does.
pub fn creation_mode(requested: f64, umask: u32) -> u32 {
    (requested as u32 & 0o7777) & !(umask & 0o777)
}

/// The permission bits of `mode` (from [`creation_mode`]) the host's own mask strips when
/// the kernel creates the file: [`restore`] puts them back.
pub fn stripped_by_host(mode: u32) -> u32 {
    mode & host_umask() & 0o777
}

/// Adds the permission bits `bits` to the file the guest just created (held by `fd`, which
/// may be an `O_PATH` handle), so its mode is what the guest's mask alone makes it.
pub fn restore(fd: impl AsFd, bits: u32) -> Result<(), Errno> {
    if bits == 0 {
        return Ok(());
    }
    let st = rustix::fs::fstat(&fd)?;
    let mode = (st.st_mode & 0o7777) | bits;
    if mode == st.st_mode & 0o7777 {
        return Ok(());
    }
    // Through /proc: fchmod refuses O_PATH handles.
    let path = super::sandbox::proc_path(&fd);
    rustix::fs::chmodat(
        CWD,
        path.as_str(),
        Mode::from_raw_mode(mode),
        AtFlags::empty(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_status_line() {
        let status = "Name:\tx\nUmask:\t0027\nState:\tR (running)\n";
        assert_eq!(parse_status(status), Some(0o027));
        assert_eq!(parse_status("Name:\tx\n"), None);
        assert_eq!(parse_status("Umask:\tzz\n"), None);
    }

    #[test]
    fn masks_permission_bits_only() {
        assert_eq!(creation_mode(0o1755 as f64, 0o077), 0o1700);
        assert_eq!(creation_mode(0o4777 as f64, 0o022), 0o4755);
        assert_eq!(creation_mode(0o666 as f64, 0), 0o666);
        // Bits beyond the mode and masks beyond 0o777 are ignored; garbage is no mode.
        assert_eq!(creation_mode(0o170_644 as f64, 0o7777), 0);
        assert_eq!(creation_mode(f64::NAN, 0o022), 0);
        assert_eq!(creation_mode(-1.0, 0o022), 0);
    }

    #[test]
    fn restores_what_the_host_mask_took() {
        let dir = std::env::temp_dir().join(format!("wasmexec-umask-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join("f");
        let f = std::fs::File::create(&path).expect("create");
        rustix::fs::fchmod(&f, Mode::from_raw_mode(0o600)).expect("chmod");
        restore(&f, 0o066).expect("restore");
        let mode = rustix::fs::fstat(&f).expect("fstat").st_mode & 0o7777;
        std::fs::remove_dir_all(&dir).expect("clean up");
        assert_eq!(mode, 0o666);
    }
}
