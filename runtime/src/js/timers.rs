//! The timer queue the event loop runs: JS `setTimeout`/`setInterval` callbacks and the
//! guest's own timeout events (Go's `scheduleTimeoutEvent`, which wasm_exec.js also makes
//! with `setTimeout`), in one order, as Node keeps them.
//!
//! Like libuv, timers measure from the loop's time, which the event loop updates before it
//! runs each batch of due timers, not from the instant each was created: two timers created
//! in one macrotask with delays 5 and 3 fire 3 first, whatever ran in between.

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

use super::value::Value;

/// The largest delay Node accepts; longer (and shorter than 1 ms, and NaN) become 1 ms.
pub const MAX_DELAY_MS: f64 = 2147483647.0;

/// What a timer does when it fires.
#[derive(Clone)]
pub enum Task {
    /// Resume the guest for its timeout event with this id.
    Guest(i32),
    /// Call a JS function with arguments.
    Js {
        /// The callback.
        callback: Value,
        /// Its `this` (Node passes the `Timeout` object).
        this: Value,
        /// Its arguments.
        args: Vec<Value>,
    },
}

/// A scheduled timer.
#[derive(Clone)]
pub struct Timer {
    /// What it does.
    pub task: Task,
    /// `setInterval`'s period; `None` for one-shot timers.
    pub interval: Option<Duration>,
    /// Whether it keeps the event loop alive (`unref()` clears it).
    pub refed: bool,
    due: Instant,
    seq: u64,
}

/// The timers of one realm.
pub struct Timers {
    /// The loop's time, which new timers count from.
    now: Instant,
    next_id: u64,
    next_seq: u64,
    by_id: HashMap<u64, Timer>,
    queue: BTreeMap<(Instant, u64), u64>,
}

impl Default for Timers {
    fn default() -> Self {
        Timers {
            now: Instant::now(),
            next_id: 1,
            next_seq: 0,
            by_id: HashMap::new(),
            queue: BTreeMap::new(),
        }
    }
}

/// Node's delay for a timer: milliseconds in `1..=2^31-1`, 1 otherwise.
pub fn clamp_delay(ms: f64) -> Duration {
    let ms = if (1.0..=MAX_DELAY_MS).contains(&ms) {
        ms
    } else {
        1.0
    };
    Duration::from_secs_f64(ms / 1000.0)
}

impl Timers {
    /// Advances the loop's time to now (the event loop does this between macrotasks).
    pub fn update_now(&mut self) {
        self.now = Instant::now();
    }

    /// Schedules `task` after `delay`, repeating every `delay` if `repeat`; returns its id.
    pub fn add(&mut self, task: Task, delay: Duration, repeat: bool) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        let timer = Timer {
            task,
            interval: repeat.then_some(delay),
            refed: true,
            due: self.now + delay,
            seq: 0,
        };
        self.insert(id, timer);
        id
    }

    fn insert(&mut self, id: u64, mut timer: Timer) {
        timer.seq = self.next_seq;
        self.next_seq += 1;
        self.queue.insert((timer.due, timer.seq), id);
        self.by_id.insert(id, timer);
    }

    /// Cancels a timer (unknown ids are ignored).
    pub fn clear(&mut self, id: u64) {
        if let Some(t) = self.by_id.remove(&id) {
            self.queue.remove(&(t.due, t.seq));
        }
    }

    /// Cancels a JS timer (guest timeout events are left alone: JS code cannot name them).
    pub fn clear_js(&mut self, id: u64) {
        if matches!(self.by_id.get(&id), Some(t) if matches!(t.task, Task::Js { .. })) {
            self.clear(id);
        }
    }

    /// Restarts a timer's delay from the loop's time (`timeout.refresh()`).
    pub fn refresh(&mut self, id: u64, delay: Duration) {
        if let Some(mut t) = self.by_id.remove(&id) {
            self.queue.remove(&(t.due, t.seq));
            t.due = self.now + delay;
            self.insert(id, t);
        }
    }

    /// Sets whether a timer keeps the loop alive.
    pub fn set_ref(&mut self, id: u64, refed: bool) {
        if let Some(t) = self.by_id.get_mut(&id) {
            t.refed = refed;
        }
    }

    /// Does the timer still exist (and keep the loop alive)?
    pub fn has_ref(&self, id: u64) -> bool {
        self.by_id.get(&id).is_some_and(|t| t.refed)
    }

    /// The timer due first: its id and due time.
    pub fn next(&self) -> Option<(u64, Instant)> {
        self.queue.iter().next().map(|(&(due, _), &id)| (id, due))
    }

    /// Takes the timer `id` out of the queue to run it; an interval goes back in, due one
    /// period after the loop's time.
    pub fn fire(&mut self, id: u64) -> Option<Timer> {
        let t = self.by_id.remove(&id)?;
        self.queue.remove(&(t.due, t.seq));
        if let Some(period) = t.interval {
            let mut again = t.clone();
            again.due = self.now.max(t.due) + period;
            self.insert(id, again);
        }
        Some(t)
    }

    /// Does any timer keep the loop alive?
    pub fn any_refed(&self) -> bool {
        self.by_id.values().any(|t| t.refed)
    }

    /// No timers at all?
    #[cfg(test)]
    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guest(id: i32) -> Task {
        Task::Guest(id)
    }

    fn order(t: &mut Timers) -> Vec<i32> {
        let mut out = Vec::new();
        while let Some((id, _)) = t.next() {
            if let Some(Timer {
                task: Task::Guest(g),
                ..
            }) = t.fire(id)
            {
                out.push(g);
            }
        }
        out
    }

    #[test]
    fn due_time_then_creation_order() {
        let mut t = Timers::default();
        t.add(guest(1), clamp_delay(10.0), false);
        t.add(guest(2), clamp_delay(5.0), false);
        t.add(guest(3), clamp_delay(5.0), false);
        t.add(guest(4), clamp_delay(0.0), false);
        assert_eq!(order(&mut t), [4, 2, 3, 1]);
    }

    #[test]
    fn delays_clamp_as_node_does() {
        assert_eq!(clamp_delay(0.0), Duration::from_millis(1));
        assert_eq!(clamp_delay(f64::NAN), Duration::from_millis(1));
        assert_eq!(clamp_delay(3e9), Duration::from_millis(1));
        assert_eq!(clamp_delay(2.5), Duration::from_micros(2500));
    }

    #[test]
    fn intervals_repeat_until_cleared_and_unref_releases_the_loop() {
        let mut t = Timers::default();
        let id = t.add(guest(7), clamp_delay(5.0), true);
        assert!(t.fire(id).is_some());
        assert!(t.next().is_some(), "an interval is scheduled again");
        t.set_ref(id, false);
        assert!(!t.any_refed());
        t.clear(id);
        assert!(t.is_empty());
    }
}
