//! Operations that can block on something outside the host (pipes, FIFOs, terminals,
//! sockets) wait with the guest's deadline in view, so a timeout stops a guest however it is
//! blocked.
//!
//! Files are opened non-blocking, so opening a FIFO does not wait for its other end inside
//! the kernel; a file that is not a regular file or directory stays non-blocking, and the
//! host waits for it with `poll` until its deadline. Regular files never wait, and get back
//! the blocking mode the guest asked for.

use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::time::{Duration, Instant};

use rustix::event::{PollFd, PollFlags};
use rustix::fs::{FileType, Mode, OFlags};
use rustix::io::Errno;

use crate::abort::Abort;
use crate::js::Throw;

/// How often a writer waiting for a FIFO's reader to appear tries again.
const RETRY: Duration = Duration::from_millis(10);

/// Why a waiting operation ended without its result.
pub enum Stop {
    /// The kernel's error.
    Errno(Errno),
    /// The guest's deadline passed.
    Deadline,
}

impl From<Errno> for Stop {
    fn from(e: Errno) -> Self {
        Stop::Errno(e)
    }
}

impl Stop {
    /// The throw that stops the guest, or the error to report for `syscall`.
    pub fn into_throw(self, report: impl FnOnce(Errno) -> Throw) -> Throw {
        match self {
            Stop::Errno(e) => report(e),
            Stop::Deadline => Throw::Abort(Abort::Interrupted),
        }
    }
}

/// Waits until `fd` is ready for `events`, or the deadline passes.
pub fn wait(fd: BorrowedFd<'_>, events: PollFlags, deadline: Option<Instant>) -> Result<(), Stop> {
    loop {
        let timeout = match deadline {
            Some(d) => {
                let left = d.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    return Err(Stop::Deadline);
                }
                Some(rustix::time::Timespec {
                    tv_sec: left.as_secs().min(i64::MAX as u64) as i64,
                    tv_nsec: left.subsec_nanos().into(),
                })
            }
            None => None,
        };
        let mut fds = [PollFd::from_borrowed_fd(fd, events)];
        match rustix::event::poll(&mut fds, timeout.as_ref()) {
            Ok(0) => continue, // the deadline is checked at the top
            Ok(_) => return Ok(()),
            Err(Errno::INTR) => continue,
            Err(e) => return Err(Stop::Errno(e)),
        }
    }
}

/// Reads into `buf` (at `position`, if given). For a file that `waits`, first waits until
/// it has data or its writer has gone: a FIFO whose writer has not come yet reads as end
/// of file without waiting, where the blocking read Node does would wait for the writer.
pub fn read(
    fd: &OwnedFd,
    buf: &mut [u8],
    position: Option<u64>,
    waits: bool,
    deadline: Option<Instant>,
) -> Result<usize, Stop> {
    if waits {
        wait(fd.as_fd(), PollFlags::IN, deadline)?;
    }
    loop {
        let r = match position {
            Some(p) => rustix::io::pread(fd, &mut *buf, p),
            None => rustix::io::read(fd, &mut *buf),
        };
        match r {
            Err(Errno::AGAIN) => wait(fd.as_fd(), PollFlags::IN, deadline)?,
            Err(Errno::INTR) => continue,
            other => return other.map_err(Stop::Errno),
        }
    }
}

/// Writes `bytes` (at `position`, if given), waiting while a non-blocking file is full.
pub fn write(
    fd: &OwnedFd,
    bytes: &[u8],
    position: Option<u64>,
    deadline: Option<Instant>,
) -> Result<usize, Stop> {
    loop {
        let r = match position {
            Some(p) => rustix::io::pwrite(fd, bytes, p),
            None => rustix::io::write(fd, bytes),
        };
        match r {
            Err(Errno::AGAIN) => wait(fd.as_fd(), PollFlags::OUT, deadline)?,
            Err(Errno::INTR) => continue,
            other => return other.map_err(Stop::Errno),
        }
    }
}

/// Opens `name` in `dir` without blocking in the kernel: a FIFO opened for writing before it
/// has a reader is retried until one comes or the deadline passes, as Node's open waits. A
/// file other than a regular file or directory stays non-blocking, and `waits` (the second
/// value) is set: [`read`] and [`write`] wait for it.
pub fn open(
    dir: BorrowedFd<'_>,
    name: &str,
    flags: OFlags,
    mode: Mode,
    deadline: Option<Instant>,
) -> Result<(OwnedFd, bool), Stop> {
    let asked_nonblocking = flags.contains(OFlags::NONBLOCK);
    let fd = loop {
        match rustix::fs::openat(dir, name, flags | OFlags::NONBLOCK, mode) {
            Ok(fd) => break fd,
            Err(Errno::NXIO) if !asked_nonblocking => {
                if deadline.is_some_and(|d| Instant::now() >= d) {
                    return Err(Stop::Deadline);
                }
                std::thread::sleep(RETRY);
            }
            Err(Errno::INTR) => continue,
            Err(e) => return Err(Stop::Errno(e)),
        }
    };
    let kind = rustix::fs::fstat(&fd).map(|st| FileType::from_raw_mode(st.st_mode))?;
    let plain = matches!(kind, FileType::RegularFile | FileType::Directory);
    if plain && !asked_nonblocking {
        let current = rustix::fs::fcntl_getfl(&fd)?;
        rustix::fs::fcntl_setfl(&fd, current - OFlags::NONBLOCK)?;
    }
    Ok((fd, !plain && !asked_nonblocking))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_read_with_nothing_to_read_stops_at_the_deadline() {
        let (reader, _writer) = rustix::pipe::pipe().unwrap();
        rustix::fs::fcntl_setfl(&reader, OFlags::NONBLOCK).unwrap();
        let start = Instant::now();
        let deadline = Some(start + Duration::from_millis(100));
        let r = read(&reader, &mut [0; 8], None, true, deadline);
        assert!(matches!(r, Err(Stop::Deadline)));
        assert!(start.elapsed() < Duration::from_secs(2));
    }

    #[test]
    fn a_read_returns_what_arrives() {
        let (reader, writer) = rustix::pipe::pipe().unwrap();
        rustix::fs::fcntl_setfl(&reader, OFlags::NONBLOCK).unwrap();
        let t = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(50));
            rustix::io::write(&writer, b"hi").unwrap();
        });
        let mut buf = [0; 8];
        let n = read(&reader, &mut buf, None, true, None).ok().unwrap();
        assert_eq!(&buf[..n], b"hi");
        t.join().unwrap();
    }

    #[test]
    fn opening_a_fifo_for_writing_without_a_reader_stops_at_the_deadline() {
        let dir = std::env::temp_dir().join(format!("wasmexec-fifo-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let fifo = dir.join("f");
        let _ = std::fs::remove_file(&fifo);
        rustix::fs::mknodat(
            rustix::fs::CWD,
            &fifo,
            FileType::Fifo,
            Mode::from_raw_mode(0o600),
            0,
        )
        .unwrap();
        let d = rustix::fs::open(&dir, OFlags::PATH | OFlags::DIRECTORY, Mode::empty()).unwrap();
        let deadline = Some(Instant::now() + Duration::from_millis(100));
        let r = open(d.as_fd(), "f", OFlags::WRONLY, Mode::empty(), deadline);
        assert!(matches!(r, Err(Stop::Deadline)));
        // A reader opens at once, and waits for data.
        let r = open(d.as_fd(), "f", OFlags::RDONLY, Mode::empty(), None);
        let (reader, waits) = r.ok().unwrap();
        assert!(waits);
        // With no writer yet, a read waits (here until the deadline) instead of ending.
        let deadline = Some(Instant::now() + Duration::from_millis(100));
        let r = read(&reader, &mut [0; 8], None, waits, deadline);
        assert!(matches!(r, Err(Stop::Deadline)));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
