//! The clocks the JS world and the guest read: a monotonic one anchored at the wall clock at
//! start (as wasm_exec.js's `timeOrigin + performance.now()` is), and the wall clock.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The clocks of one realm.
pub struct Clock {
    start: Instant,
    wall_start_ns: i64,
}

impl Default for Clock {
    fn default() -> Self {
        Clock::new()
    }
}

impl Clock {
    /// Clocks starting now.
    pub fn new() -> Clock {
        let wall = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        Clock {
            start: Instant::now(),
            wall_start_ns: wall.as_nanos() as i64,
        }
    }

    /// Monotonic nanoseconds, anchored at the wall clock at start.
    pub fn nanotime(&self) -> i64 {
        self.wall_start_ns + self.start.elapsed().as_nanos() as i64
    }

    /// Milliseconds since the realm started (`performance.now()`).
    pub fn performance_now(&self) -> f64 {
        self.start.elapsed().as_secs_f64() * 1000.0
    }

    /// Wall-clock time since the epoch.
    pub fn walltime(&self) -> Duration {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
    }

    /// Wall-clock milliseconds since the epoch (`Date.now()`).
    pub fn now_ms(&self) -> f64 {
        self.walltime().as_millis() as f64
    }
}
