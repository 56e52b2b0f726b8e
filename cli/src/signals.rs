//! Ending cleanly on SIGINT, SIGTERM and SIGHUP: the child `go build` (if one runs) is
//! stopped and the instances' temporary directories are removed before the process exits
//! with 128 + the signal number, as a shell reports it.

use std::process::{Child, Command, ExitStatus};
use std::sync::Mutex;

use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};

/// The child process running now, if any.
static CHILD: Mutex<Option<u32>> = Mutex::new(None);

/// Watches for the signals on a thread of its own.
pub fn install() {
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
        return;
    };
    let _ = std::thread::Builder::new()
        .name("wasmexec-signals".into())
        .spawn(move || {
            if let Some(sig) = signals.forever().next() {
                if let Some(pid) = *CHILD.lock().unwrap_or_else(|e| e.into_inner()) {
                    if let Some(pid) = rustix::process::Pid::from_raw(pid as i32) {
                        let _ = rustix::process::kill_process(pid, rustix::process::Signal::TERM);
                    }
                }
                wasmexec::remove_temporary_files();
                std::process::exit(128 + sig);
            }
        });
}

/// Runs `cmd` to completion as the current child (stopped if this process is signalled).
pub fn child_status(cmd: &mut Command) -> std::io::Result<ExitStatus> {
    let mut child: Child = cmd.spawn()?;
    *CHILD.lock().unwrap_or_else(|e| e.into_inner()) = Some(child.id());
    let status = child.wait();
    *CHILD.lock().unwrap_or_else(|e| e.into_inner()) = None;
    status
}
