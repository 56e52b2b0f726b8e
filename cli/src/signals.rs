//! Ending cleanly on SIGINT, SIGTERM and SIGHUP: the child `go build` (if one runs) is
//! stopped with all the processes it started, and the instances' temporary directories are
//! removed before the process exits with 128 + the signal number, as a shell reports it.

use std::os::unix::process::CommandExt as _;
use std::process::{Child, Command, ExitStatus};
use std::sync::Mutex;

use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};

/// The child process running now, if any, and whether a signal is ending this process (then
/// no new child may start: the lock is held until the process exits).
static CHILD: Mutex<(Option<u32>, bool)> = Mutex::new((None, false));

/// Watches for the signals on a thread of its own.
pub fn install() {
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
        return;
    };
    let _ = std::thread::Builder::new()
        .name("wasmexec-signals".into())
        .spawn(move || {
            if let Some(sig) = signals.forever().next() {
                // Held until exit, so no child starts after this.
                let mut child = CHILD.lock().unwrap_or_else(|e| e.into_inner());
                child.1 = true;
                if let Some(pid) = child.0 {
                    stop_group(pid);
                }
                wasmexec::remove_temporary_files();
                std::process::exit(128 + sig);
            }
        });
}

/// Sends SIGTERM to the process group `pid` leads (`go build` and the compilers and linker
/// it runs, which would otherwise outlive it).
fn stop_group(pid: u32) {
    if let Some(pid) = rustix::process::Pid::from_raw(pid as i32) {
        let _ = rustix::process::kill_process_group(pid, rustix::process::Signal::TERM);
    }
}

/// Runs `cmd` to completion as the current child, in a process group of its own (stopped
/// whole if this process is signalled).
pub fn child_status(cmd: &mut Command) -> std::io::Result<ExitStatus> {
    let mut child: Child = {
        let mut current = CHILD.lock().unwrap_or_else(|e| e.into_inner());
        if current.1 {
            return Err(std::io::Error::from(std::io::ErrorKind::Interrupted));
        }
        let child = cmd.process_group(0).spawn()?;
        current.0 = Some(child.id());
        child
    };
    let status = child.wait();
    CHILD.lock().unwrap_or_else(|e| e.into_inner()).0 = None;
    status
}
