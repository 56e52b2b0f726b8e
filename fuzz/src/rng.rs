//! A small seeded generator (SplitMix64): the same seed gives the same inputs on every machine.

/// SplitMix64.
pub struct Rng(u64);

impl Rng {
    /// A generator for `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 for `n == 0`).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next_u64() % n as u64) as usize
        }
    }

    /// True with probability `1/n`.
    pub fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }

    /// `n` random bytes.
    pub fn bytes(&mut self, n: usize) -> Vec<u8> {
        let mut out = Vec::with_capacity(n + 8);
        while out.len() < n {
            out.extend_from_slice(&self.next_u64().to_le_bytes());
        }
        out.truncate(n);
        out
    }

    /// A length in `0..=max`, small lengths more likely than large ones.
    pub fn len(&mut self, max: usize) -> usize {
        let bits = self.below(usize::BITS as usize - max.leading_zeros() as usize + 1);
        let span = 1usize.checked_shl(bits as u32).unwrap_or(usize::MAX);
        self.below(span.min(max.saturating_add(1)))
    }
}

/// Mutates `input` in place a few times: bit flips, interesting bytes, inserted, removed,
/// duplicated or spliced stretches (from `other`, another corpus input, when given).
pub fn mutate(rng: &mut Rng, input: &mut Vec<u8>, other: Option<&[u8]>, max_len: usize) {
    const INTERESTING: [u8; 8] = [0, 1, 0x7f, 0x80, 0xff, 0x40, 0x20, 0x0b];
    for _ in 0..=rng.below(4) {
        let n = input.len();
        match rng.below(8) {
            0 | 1 if n > 0 => {
                let at = rng.below(n);
                input[at] ^= 1 << rng.below(8);
            }
            2 if n > 0 => {
                let at = rng.below(n);
                input[at] = INTERESTING[rng.below(INTERESTING.len())];
            }
            3 => {
                let at = rng.below(n + 1);
                let n = rng.len(64);
                let add = rng.bytes(n);
                input.splice(at..at, add);
            }
            4 if n > 0 => {
                let at = rng.below(n);
                let len = rng.len(n - at);
                input.drain(at..at + len);
            }
            5 if n > 0 => {
                let at = rng.below(n);
                let len = rng.len(n - at);
                let copy = input[at..at + len].to_vec();
                let to = rng.below(n + 1);
                input.splice(to..to, copy);
            }
            6 => {
                if let Some(o) = other.filter(|o| !o.is_empty()) {
                    let from = rng.below(o.len());
                    let len = rng.len(o.len() - from);
                    let at = rng.below(n + 1);
                    input.splice(at..at, o[from..from + len].iter().copied());
                }
            }
            _ if n >= 8 => {
                // An aligned little-endian word set to an edge value (lengths, ids, pointers).
                let at = rng.below(n / 8) * 8;
                let v: u64 = match rng.below(6) {
                    0 => 0,
                    1 => u64::MAX,
                    2 => 1 << rng.below(64),
                    3 => (1 << rng.below(64)) - 1,
                    4 => 0x7FF8_0000_0000_0000 | rng.below(64) as u64,
                    _ => rng.below(1 << 17) as u64,
                };
                input[at..at + 8].copy_from_slice(&v.to_le_bytes());
            }
            _ => {}
        }
    }
    input.truncate(max_len);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_stream() {
        let (mut a, mut b) = (Rng::new(7), Rng::new(7));
        assert_eq!(a.bytes(100), b.bytes(100));
        assert!(Rng::new(1).len(0) == 0);
        for _ in 0..1000 {
            assert!(a.len(10) <= 10);
            assert!(a.below(3) < 3);
        }
    }

    #[test]
    fn mutation_respects_the_bound() {
        let mut rng = Rng::new(3);
        let mut v = vec![1u8; 50];
        for _ in 0..1000 {
            mutate(&mut rng, &mut v, Some(&[9; 40]), 64);
            assert!(v.len() <= 64);
        }
    }
}
