//! TimSort as V8 runs it for `Array.prototype.sort` with a comparator: runs found and
//! extended by binary insertion, merged under the run-length invariants, with galloping.
//! Following V8 step by step matters because a comparator need not be a consistent order
//! (`(a, b) => a > b` is common): then the result depends on which pairs are compared.

use crate::js::value::{JsResult, Value};

/// A comparison: negative, zero or positive as JS comparators answer.
pub type Compare<'a> = dyn FnMut(&Value, &Value) -> JsResult<f64> + 'a;

/// Wins in a row after which a merge starts galloping.
const MIN_GALLOP: usize = 7;

/// A sort in progress: the comparator and the adaptive galloping threshold.
struct Sorter<'c, 'a> {
    cmp: &'c mut Compare<'a>,
    min_gallop: usize,
}

/// Sorts `v` stably by `cmp`.
pub fn tim_sort(v: &mut [Value], cmp: &mut Compare) -> JsResult<()> {
    let n = v.len();
    if n < 2 {
        return Ok(());
    }
    let mut s = Sorter {
        cmp,
        min_gallop: MIN_GALLOP,
    };
    let min_run = min_run_length(n);
    let mut runs: Vec<(usize, usize)> = Vec::new();
    let mut low = 0;
    while low < n {
        let mut run = s.count_and_make_run(v, low, n)?;
        if run < min_run {
            let forced = min_run.min(n - low);
            s.binary_insertion_sort(v, low, low + run, low + forced)?;
            run = forced;
        }
        runs.push((low, run));
        s.merge_collapse(v, &mut runs)?;
        low += run;
    }
    while runs.len() > 1 {
        let mut i = runs.len() - 2;
        if i > 0 && runs[i - 1].1 < runs[i + 1].1 {
            i -= 1;
        }
        s.merge_at(v, &mut runs, i)?;
    }
    Ok(())
}

fn min_run_length(mut n: usize) -> usize {
    let mut r = 0;
    while n >= 64 {
        r |= n & 1;
        n >>= 1;
    }
    n + r
}

/// Is the run-length invariant (`len[n-2] > len[n-1] + len[n]`) true at `n`?
fn invariant(runs: &[(usize, usize)], n: usize) -> bool {
    n < 2 || runs[n - 2].1 > runs[n - 1].1 + runs[n].1
}

/// How a merge loop ended: all placed but what remains of the temporary run, or one element
/// of the temporary run left that belongs at the far end.
enum End {
    Done,
    LastOfTemp,
}

impl Sorter<'_, '_> {
    fn less(&mut self, a: &Value, b: &Value) -> JsResult<bool> {
        Ok((self.cmp)(a, b)? < 0.0)
    }

    /// The length of the run starting at `low`: ascending, or strictly descending and then
    /// reversed.
    fn count_and_make_run(&mut self, v: &mut [Value], low: usize, high: usize) -> JsResult<usize> {
        if low + 1 == high {
            return Ok(1);
        }
        let mut run = 2;
        let descending = self.less(&v[low + 1], &v[low])?;
        for idx in low + 2..high {
            let order = (self.cmp)(&v[idx], &v[idx - 1])?;
            if (descending && order >= 0.0) || (!descending && order < 0.0) {
                break;
            }
            run += 1;
        }
        if descending {
            v[low..low + run].reverse();
        }
        Ok(run)
    }

    /// Extends the sorted `low..start` to `low..high` by binary insertion.
    fn binary_insertion_sort(
        &mut self,
        v: &mut [Value],
        low: usize,
        start: usize,
        high: usize,
    ) -> JsResult<()> {
        let start = if low == start { start + 1 } else { start };
        for i in start..high {
            let pivot = v[i].clone();
            let (mut left, mut right) = (low, i);
            while left < right {
                let mid = left + (right - left) / 2;
                if self.less(&pivot, &v[mid])? {
                    right = mid;
                } else {
                    left = mid + 1;
                }
            }
            v[left..=i].rotate_right(1);
        }
        Ok(())
    }

    fn merge_collapse(&mut self, v: &mut [Value], runs: &mut Vec<(usize, usize)>) -> JsResult<()> {
        while runs.len() > 1 {
            let mut n = runs.len() - 2;
            if !invariant(runs, n + 1) || !invariant(runs, n) {
                if n > 0 && runs[n - 1].1 < runs[n + 1].1 {
                    n -= 1;
                }
            } else if runs[n].1 > runs[n + 1].1 {
                break;
            }
            self.merge_at(v, runs, n)?;
        }
        Ok(())
    }

    /// Merges the adjacent runs `runs[i]` and `runs[i + 1]`.
    fn merge_at(
        &mut self,
        v: &mut [Value],
        runs: &mut Vec<(usize, usize)>,
        i: usize,
    ) -> JsResult<()> {
        let (base_a, len_a) = runs[i];
        let (base_b, len_b) = runs[i + 1];
        runs[i].1 = len_a + len_b;
        runs.remove(i + 1);
        // Elements of A before where B's first goes, and of B after where A's last goes, are
        // in place already.
        let key = v[base_b].clone();
        let k = self.gallop_right(&key, &v[base_a..base_a + len_a], 0)?;
        let (base_a, len_a) = (base_a + k, len_a - k);
        if len_a == 0 {
            return Ok(());
        }
        let key = v[base_a + len_a - 1].clone();
        let len_b = self.gallop_left(&key, &v[base_b..base_b + len_b], len_b - 1)?;
        if len_b == 0 {
            return Ok(());
        }
        if len_a <= len_b {
            self.merge_low(v, base_a, len_a, base_b, len_b)
        } else {
            self.merge_high(v, base_a, len_a, base_b, len_b)
        }
    }

    /// Where `key` goes in the sorted `run`, before any equal elements, searching out from
    /// `hint` by doubling steps, then by bisection.
    fn gallop_left(&mut self, key: &Value, run: &[Value], hint: usize) -> JsResult<usize> {
        let (mut last, mut ofs) = (0usize, 1usize);
        if self.less(&run[hint], key)? {
            let max = run.len() - hint;
            while ofs < max && self.less(&run[hint + ofs], key)? {
                last = ofs;
                ofs = (ofs << 1) + 1;
            }
            (last, ofs) = (last + hint, ofs.min(max) + hint);
        } else {
            let max = hint + 1;
            while ofs < max && !self.less(&run[hint - ofs], key)? {
                last = ofs;
                ofs = (ofs << 1) + 1;
            }
            (last, ofs) = (hint + 1 - ofs.min(max), hint - last);
            // `last` is now one past the element known to be less (or 0).
            return self.bisect(key, run, last, ofs, true);
        }
        self.bisect(key, run, last + 1, ofs, true)
    }

    /// Where `key` goes in the sorted `run`, after any equal elements.
    fn gallop_right(&mut self, key: &Value, run: &[Value], hint: usize) -> JsResult<usize> {
        let (mut last, mut ofs) = (0usize, 1usize);
        if self.less(key, &run[hint])? {
            let max = hint + 1;
            while ofs < max && self.less(key, &run[hint - ofs])? {
                last = ofs;
                ofs = (ofs << 1) + 1;
            }
            (last, ofs) = (hint + 1 - ofs.min(max), hint - last);
            return self.bisect(key, run, last, ofs, false);
        }
        let max = run.len() - hint;
        while ofs < max && !self.less(key, &run[hint + ofs])? {
            last = ofs;
            ofs = (ofs << 1) + 1;
        }
        (last, ofs) = (last + hint, ofs.min(max) + hint);
        self.bisect(key, run, last + 1, ofs, false)
    }

    /// Bisects `lo..hi` of `run` for `key`: the first index whose element is not less than
    /// `key` (`left`), or the first whose element is greater.
    fn bisect(
        &mut self,
        key: &Value,
        run: &[Value],
        mut lo: usize,
        mut hi: usize,
        left: bool,
    ) -> JsResult<usize> {
        while lo < hi {
            let m = lo + ((hi - lo) >> 1);
            let go_right = if left {
                self.less(&run[m], key)?
            } else {
                !self.less(key, &run[m])?
            };
            if go_right {
                lo = m + 1;
            } else {
                hi = m;
            }
        }
        Ok(hi)
    }
}

mod merge;

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(input: &[f64], f: fn(f64, f64) -> f64) -> Vec<f64> {
        let mut v: Vec<Value> = input.iter().map(|&n| Value::Number(n)).collect();
        let mut cmp = |a: &Value, b: &Value| Ok(f(a.to_number(), b.to_number()));
        assert!(tim_sort(&mut v, &mut cmp).is_ok());
        v.iter().map(Value::to_number).collect()
    }

    #[test]
    fn sorts_like_v8() {
        let nums = [5.0, 1.0, 10.0, 2.0, 8.0, 3.0];
        assert_eq!(sorted(&nums, |a, b| a - b), [1.0, 2.0, 3.0, 5.0, 8.0, 10.0]);
        // A comparator that never answers "less": V8 sees one ascending run.
        let bools = sorted(&[3.0, 1.0, 2.0], |a, b| (a > b) as u8 as f64);
        assert_eq!(bools, [3.0, 1.0, 2.0]);
        let big: Vec<f64> = (0..1000).map(|i| ((i * 7919) % 1000) as f64).collect();
        let want: Vec<f64> = (0..1000).map(|i| i as f64).collect();
        assert_eq!(sorted(&big, |a, b| a - b), want);
        let desc: Vec<f64> = (0..300).rev().map(|i| i as f64).collect();
        let up: Vec<f64> = (0..300).map(|i| i as f64).collect();
        assert_eq!(sorted(&desc, |a, b| a - b), up);
        let runs: Vec<f64> = (0..500).map(|i| ((i % 37) * 3 + i / 37) as f64).collect();
        let mut want = runs.clone();
        want.sort_by(|a, b| a.total_cmp(b));
        assert_eq!(sorted(&runs, |a, b| a - b), want);
    }
}
