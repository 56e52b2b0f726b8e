//! The two merges of TimSort, each copying the shorter run aside: `merge_low` fills from
//! the front, `merge_high` from the back; both switch to galloping while one run keeps
//! winning.

use super::{End, Sorter, MIN_GALLOP};
use crate::js::value::{JsResult, Value};

/// Where a low merge stands: next slot, next of the temporary copy of A, next of B, and
/// how many of each are left.
struct Low {
    dest: usize,
    temp: usize,
    b: usize,
    len_a: usize,
    len_b: usize,
}

/// Where a high merge stands, each cursor one past the next element (merging backwards).
struct High {
    dest: usize,
    temp: usize,
    a: usize,
    len_a: usize,
    len_b: usize,
}

impl Sorter<'_, '_> {
    /// Merges `base_a..+len_a` and `base_b..+len_b` (`len_a <= len_b`) from the front.
    pub(super) fn merge_low(
        &mut self,
        v: &mut [Value],
        base_a: usize,
        len_a: usize,
        base_b: usize,
        len_b: usize,
    ) -> JsResult<()> {
        let temp: Vec<Value> = v[base_a..base_a + len_a].to_vec();
        let mut m = Low {
            dest: base_a + 1,
            temp: 0,
            b: base_b + 1,
            len_a,
            len_b: len_b - 1,
        };
        v[base_a] = v[base_b].clone();
        let end = if m.len_b == 0 {
            End::Done
        } else if m.len_a == 1 {
            End::LastOfTemp
        } else {
            self.low_loop(v, &temp, &mut m)?
        };
        match end {
            End::Done => {
                for i in 0..m.len_a {
                    v[m.dest + i] = temp[m.temp + i].clone();
                }
            }
            End::LastOfTemp => {
                for i in 0..m.len_b {
                    v[m.dest + i] = v[m.b + i].clone();
                }
                v[m.dest + m.len_b] = temp[m.temp].clone();
            }
        }
        Ok(())
    }

    fn low_loop(&mut self, v: &mut [Value], temp: &[Value], m: &mut Low) -> JsResult<End> {
        loop {
            let (mut wins_a, mut wins_b) = (0, 0);
            loop {
                if self.less(&v[m.b], &temp[m.temp])? {
                    v[m.dest] = v[m.b].clone();
                    (m.dest, m.b, m.len_b, wins_a) = (m.dest + 1, m.b + 1, m.len_b - 1, 0);
                    wins_b += 1;
                    if m.len_b == 0 {
                        return Ok(End::Done);
                    }
                    if wins_b >= self.min_gallop {
                        break;
                    }
                } else {
                    v[m.dest] = temp[m.temp].clone();
                    (m.dest, m.temp, m.len_a, wins_b) = (m.dest + 1, m.temp + 1, m.len_a - 1, 0);
                    wins_a += 1;
                    if m.len_a == 1 {
                        return Ok(End::LastOfTemp);
                    }
                    if wins_a >= self.min_gallop {
                        break;
                    }
                }
            }
            self.min_gallop += 1;
            let mut first = true;
            while first || wins_a >= MIN_GALLOP || wins_b >= MIN_GALLOP {
                first = false;
                self.min_gallop = self.min_gallop.saturating_sub(1).max(1);
                let key = v[m.b].clone();
                wins_a = self.gallop_right(&key, &temp[m.temp..m.temp + m.len_a], 0)?;
                for i in 0..wins_a {
                    v[m.dest + i] = temp[m.temp + i].clone();
                }
                (m.dest, m.temp, m.len_a) = (m.dest + wins_a, m.temp + wins_a, m.len_a - wins_a);
                if m.len_a <= 1 {
                    return Ok(if m.len_a == 1 {
                        End::LastOfTemp
                    } else {
                        End::Done
                    });
                }
                v[m.dest] = v[m.b].clone();
                (m.dest, m.b, m.len_b) = (m.dest + 1, m.b + 1, m.len_b - 1);
                if m.len_b == 0 {
                    return Ok(End::Done);
                }
                let key = temp[m.temp].clone();
                wins_b = self.gallop_left(&key, &v[m.b..m.b + m.len_b], 0)?;
                for i in 0..wins_b {
                    v[m.dest + i] = v[m.b + i].clone();
                }
                (m.dest, m.b, m.len_b) = (m.dest + wins_b, m.b + wins_b, m.len_b - wins_b);
                if m.len_b == 0 {
                    return Ok(End::Done);
                }
                v[m.dest] = temp[m.temp].clone();
                (m.dest, m.temp, m.len_a) = (m.dest + 1, m.temp + 1, m.len_a - 1);
                if m.len_a == 1 {
                    return Ok(End::LastOfTemp);
                }
            }
            self.min_gallop += 1;
        }
    }

    /// Merges `base_a..+len_a` and `base_b..+len_b` (`len_a > len_b`) from the back.
    pub(super) fn merge_high(
        &mut self,
        v: &mut [Value],
        base_a: usize,
        len_a: usize,
        base_b: usize,
        len_b: usize,
    ) -> JsResult<()> {
        let temp: Vec<Value> = v[base_b..base_b + len_b].to_vec();
        let mut m = High {
            dest: base_b + len_b - 1,
            temp: len_b,
            a: base_a + len_a - 1,
            len_a: len_a - 1,
            len_b,
        };
        v[base_b + len_b - 1] = v[base_a + len_a - 1].clone();
        let end = if m.len_a == 0 {
            End::Done
        } else if m.len_b == 1 {
            End::LastOfTemp
        } else {
            self.high_loop(v, base_a, &temp, &mut m)?
        };
        match end {
            End::Done => {
                let start = m.dest - m.len_b;
                v[start..m.dest].clone_from_slice(&temp[..m.len_b]);
            }
            End::LastOfTemp => {
                m.dest -= m.len_a;
                m.a -= m.len_a;
                for i in (0..m.len_a).rev() {
                    v[m.dest + i] = v[m.a + i].clone();
                }
                v[m.dest - 1] = temp[m.temp - 1].clone();
            }
        }
        Ok(())
    }

    fn high_loop(
        &mut self,
        v: &mut [Value],
        base_a: usize,
        temp: &[Value],
        m: &mut High,
    ) -> JsResult<End> {
        loop {
            let (mut wins_a, mut wins_b) = (0, 0);
            loop {
                if self.less(&temp[m.temp - 1], &v[m.a - 1])? {
                    v[m.dest - 1] = v[m.a - 1].clone();
                    (m.dest, m.a, m.len_a, wins_b) = (m.dest - 1, m.a - 1, m.len_a - 1, 0);
                    wins_a += 1;
                    if m.len_a == 0 {
                        return Ok(End::Done);
                    }
                    if wins_a >= self.min_gallop {
                        break;
                    }
                } else {
                    v[m.dest - 1] = temp[m.temp - 1].clone();
                    (m.dest, m.temp, m.len_b, wins_a) = (m.dest - 1, m.temp - 1, m.len_b - 1, 0);
                    wins_b += 1;
                    if m.len_b == 1 {
                        return Ok(End::LastOfTemp);
                    }
                    if wins_b >= self.min_gallop {
                        break;
                    }
                }
            }
            self.min_gallop += 1;
            let mut first = true;
            while first || wins_a >= MIN_GALLOP || wins_b >= MIN_GALLOP {
                first = false;
                self.min_gallop = self.min_gallop.saturating_sub(1).max(1);
                let key = temp[m.temp - 1].clone();
                let k = self.gallop_right(&key, &v[base_a..base_a + m.len_a], m.len_a - 1)?;
                wins_a = m.len_a - k;
                (m.dest, m.a, m.len_a) = (m.dest - wins_a, m.a - wins_a, m.len_a - wins_a);
                for i in (0..wins_a).rev() {
                    v[m.dest + i] = v[m.a + i].clone();
                }
                if m.len_a == 0 {
                    return Ok(End::Done);
                }
                v[m.dest - 1] = temp[m.temp - 1].clone();
                (m.dest, m.temp, m.len_b) = (m.dest - 1, m.temp - 1, m.len_b - 1);
                if m.len_b == 1 {
                    return Ok(End::LastOfTemp);
                }
                let key = v[m.a - 1].clone();
                let k = self.gallop_left(&key, &temp[..m.len_b], m.len_b - 1)?;
                wins_b = m.len_b - k;
                (m.dest, m.temp, m.len_b) = (m.dest - wins_b, m.temp - wins_b, m.len_b - wins_b);
                v[m.dest..m.dest + wins_b].clone_from_slice(&temp[m.temp..m.temp + wins_b]);
                if m.len_b <= 1 {
                    return Ok(if m.len_b == 1 {
                        End::LastOfTemp
                    } else {
                        End::Done
                    });
                }
                v[m.dest - 1] = v[m.a - 1].clone();
                (m.dest, m.a, m.len_a) = (m.dest - 1, m.a - 1, m.len_a - 1);
                if m.len_a == 0 {
                    return Ok(End::Done);
                }
            }
            self.min_gallop += 1;
        }
    }
}
