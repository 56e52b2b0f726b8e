//! The guest's standard streams. They live in the realm (see [`crate::js::Realm::slot`]), so
//! `fs`, `console` and `runtime.wasmWrite` reach the same ones.

use std::io::{Read, Write};

/// Where the guest's standard streams go.
pub struct Stdio {
    /// Standard input.
    pub stdin: Box<dyn Read + Send>,
    /// The process's own standard input, when the guest reads it directly (then `stdin` is
    /// unused): the host can wait for it with a deadline.
    pub stdin_fd: Option<std::os::fd::OwnedFd>,
    /// Standard output.
    pub stdout: Box<dyn Write + Send>,
    /// Standard error.
    pub stderr: Box<dyn Write + Send>,
}

impl Stdio {
    /// The stream for fd 1 or 2.
    pub fn out(&mut self, fd: i64) -> Option<&mut Box<dyn Write + Send>> {
        match fd {
            1 => Some(&mut self.stdout),
            2 => Some(&mut self.stderr),
            _ => None,
        }
    }

    /// Flushes stdout and stderr (errors are the guest's business, as in Node).
    pub fn flush(&mut self) {
        let _ = self.stdout.flush();
        let _ = self.stderr.flush();
    }
}
