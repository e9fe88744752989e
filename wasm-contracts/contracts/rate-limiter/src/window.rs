//! The sliding window as a ring of K sub-buckets (spec/rate-limiter.md "Buckets").
//!
//! Bucket `j` covers `[j·B, (j+1)·B)` with `B = window / buckets`; at time `t` the current
//! bucket is `c = floor(t / B)` and the live buckets are `c − K < j ≤ c`. The ring keeps
//! one count per slot `j mod K` plus `head`, the newest bucket written, so slot `s` holds
//! bucket `j ≡ s (mod K)` with `head − K < j ≤ head`. Every operation touches at most K
//! slots: the cost depends on K, never on how many consumptions the window holds.

use crate::msg::Config;

/// The ring of one pair, and the shape `(window, buckets)` it was filled under. Stored
/// inside the binary pair record (`state::PairUsage::to_bytes`), not as JSON.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ring {
    pub window: u32,
    pub buckets: u8,
    /// Index of the newest bucket written (`floor(t / B)` of the last admission).
    pub head: u64,
    /// `counts[j mod K]` = consumptions admitted in bucket `j`, for `head − K < j ≤ head`.
    pub counts: Vec<u32>,
}

impl Ring {
    /// An empty ring shaped by `config` (assumed validated: `1 ≤ buckets`, `buckets | window`).
    pub fn empty(config: &Config) -> Self {
        Ring {
            window: config.window,
            buckets: config.buckets,
            head: 0,
            counts: vec![0; usize::from(config.buckets)],
        }
    }

    /// The reset rule: the ring is `ring` if it was filled under `config`'s window and
    /// bucket count, else an empty ring of the new shape (a capacity change keeps it).
    pub fn for_config(ring: Option<Ring>, config: &Config) -> Ring {
        match ring {
            Some(r) if r.window == config.window && r.buckets == config.buckets => r,
            _ => Ring::empty(config),
        }
    }

    fn k(&self) -> u64 {
        u64::from(self.buckets.max(1))
    }

    /// Bucket width B in seconds.
    fn width(&self) -> u64 {
        (u64::from(self.window) / self.k()).max(1)
    }

    /// The current bucket at `t`. Chain time never goes backwards; should it, the newest
    /// written bucket stays current, which keeps counts live longer (only stricter).
    fn current(&self, t: u64) -> u64 {
        (t / self.width()).max(self.head)
    }

    /// Count of bucket `j`, or 0 when the ring no longer (or not yet) holds it.
    fn count(&self, j: u64) -> u32 {
        let k = self.k();
        if j > self.head || j.saturating_add(k) <= self.head {
            return 0;
        }
        self.counts[(j % k) as usize]
    }

    /// The live buckets at `t`, oldest first: `max(0, c − K + 1) ..= c`.
    fn live(&self, t: u64) -> std::ops::RangeInclusive<u64> {
        let c = self.current(t);
        c.saturating_add(1).saturating_sub(self.k())..=c
    }

    /// `used(t)`: the sum of the live buckets.
    pub fn used(&self, t: u64) -> u32 {
        let sum: u64 = self.live(t).map(|j| u64::from(self.count(j))).sum();
        u32::try_from(sum).unwrap_or(u32::MAX)
    }

    /// The first time at which `used` drops below `capacity` if nothing else is consumed;
    /// 0 when it already is. Walks the live buckets from the oldest, subtracting each one's
    /// count; at the first `j` whose remainder is below capacity, the answer is
    /// `(j + K)·B`, the second bucket `j` stops being live.
    pub fn retry_at(&self, t: u64, capacity: u32) -> u64 {
        let mut remainder = u64::from(self.used(t));
        let capacity = u64::from(capacity);
        if remainder < capacity {
            return 0;
        }
        let live = self.live(t);
        let c = *live.end();
        for j in live {
            remainder = remainder.saturating_sub(u64::from(self.count(j)));
            if remainder < capacity {
                return j.saturating_add(self.k()).saturating_mul(self.width());
            }
        }
        // Unreachable with capacity ≥ 1 (the remainder reaches 0 at j = c).
        c.saturating_add(self.k()).saturating_mul(self.width())
    }

    /// Counts one admitted consumption in the current bucket at `t`, first clearing the
    /// slots of buckets that the head moves past (at most K of them).
    pub fn record(&mut self, t: u64) {
        let k = self.k();
        let c = self.current(t);
        if c > self.head {
            let advanced = c - self.head;
            if advanced >= k {
                self.counts.iter_mut().for_each(|n| *n = 0);
            } else {
                for j in self.head + 1..=c {
                    self.counts[(j % k) as usize] = 0;
                }
            }
            self.head = c;
        }
        let slot = &mut self.counts[(c % k) as usize];
        *slot = slot.saturating_add(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: u64 = 1_998_432_000;

    fn ring(capacity: u32, window: u32, buckets: u8) -> (Ring, u32) {
        let cfg = Config {
            capacity,
            window,
            buckets,
        };
        (Ring::empty(&cfg), capacity)
    }

    #[test]
    fn bucket_stops_being_live_at_j_plus_k_times_b_inclusive() {
        // W = 60, K = 6, B = 10: a consumption at T0 + 5 (bucket j) expires at T0 + 60.
        let (mut r, _) = ring(1, 60, 6);
        r.record(T0 + 5);
        assert_eq!(r.used(T0 + 59), 1);
        assert_eq!(r.used(T0 + 60), 0);
        assert_eq!(r.retry_at(T0 + 59, 1), T0 + 60);
        assert_eq!(r.retry_at(T0 + 60, 1), 0);
    }

    #[test]
    fn window_length_lies_between_w_minus_b_and_w() {
        // A consumption at the last second of bucket j lives only W − B + 1 more seconds.
        let (mut r, _) = ring(1, 60, 6);
        r.record(T0 + 9);
        assert_eq!(r.used(T0 + 59), 1);
        assert_eq!(r.used(T0 + 60), 0);
    }

    #[test]
    fn retry_at_skips_to_the_first_bucket_that_frees_enough() {
        let (mut r, cap) = ring(3, 60, 6);
        r.record(T0); // bucket 0 (relative)
        r.record(T0 + 25); // bucket 2
        r.record(T0 + 27); // bucket 2
        assert_eq!(r.used(T0 + 30), 3);
        // Dropping bucket 0 (at T0 + 60) leaves 2 < 3.
        assert_eq!(r.retry_at(T0 + 30, cap), T0 + 60);
        // With capacity 2 (lowered later) the walk must also drop bucket 2: T0 + 80.
        assert_eq!(r.retry_at(T0 + 30, 1), T0 + 80);
    }

    #[test]
    fn empty_oldest_bucket_is_walked_past() {
        let (mut r, cap) = ring(2, 60, 6);
        r.record(T0 + 20);
        r.record(T0 + 41);
        assert_eq!(r.retry_at(T0 + 45, cap), T0 + 80);
    }

    #[test]
    fn advancing_past_the_ring_clears_it() {
        let (mut r, _) = ring(10, 60, 6);
        for s in 0..6 {
            r.record(T0 + s * 10);
        }
        assert_eq!(r.used(T0 + 59), 6);
        r.record(T0 + 1000);
        assert_eq!(r.used(T0 + 1000), 1);
        assert_eq!(r.counts.iter().sum::<u32>(), 1);
    }

    #[test]
    fn partial_advance_clears_only_the_skipped_slots() {
        let (mut r, _) = ring(10, 60, 6);
        r.record(T0); // j0
        r.record(T0 + 10); // j0 + 1
        r.record(T0 + 40); // j0 + 4, clears j0+2..=j0+4 only
        assert_eq!(r.used(T0 + 40), 3);
        assert_eq!(r.used(T0 + 60), 2); // j0 expired
        assert_eq!(r.used(T0 + 70), 1);
    }

    #[test]
    fn single_bucket_is_a_fixed_window() {
        let (mut r, cap) = ring(2, 60, 1);
        r.record(T0 + 1);
        r.record(T0 + 59);
        assert_eq!(r.used(T0 + 59), 2);
        assert_eq!(r.retry_at(T0 + 59, cap), T0 + 60);
        assert_eq!(r.used(T0 + 60), 0);
    }

    #[test]
    fn clock_going_backwards_never_panics_or_loses_counts() {
        let (mut r, _) = ring(5, 60, 6);
        r.record(T0 + 100);
        r.record(T0 + 10);
        assert_eq!(r.used(T0 + 10), 2);
        assert_eq!(r.used(0), 2);
    }

    #[test]
    fn tiny_times_near_zero_do_not_underflow() {
        let (mut r, cap) = ring(1, 60, 6);
        r.record(3);
        assert_eq!(r.used(3), 1);
        assert_eq!(r.retry_at(3, cap), 60);
    }

    #[test]
    fn reset_rule_keeps_ring_only_for_same_shape() {
        let (mut r, _) = ring(5, 60, 6);
        r.record(T0);
        let same_shape = Config {
            capacity: 1,
            window: 60,
            buckets: 6,
        };
        assert_eq!(Ring::for_config(Some(r.clone()), &same_shape).used(T0), 1);
        let other = Config {
            capacity: 5,
            window: 60,
            buckets: 3,
        };
        assert_eq!(Ring::for_config(Some(r), &other).used(T0), 0);
    }

    #[test]
    fn max_shape_does_not_overflow() {
        let (mut r, _) = ring(u32::MAX, 2_592_000, 64);
        r.record(u64::MAX - 1);
        assert_eq!(r.used(u64::MAX), 1);
        let _ = r.retry_at(u64::MAX, 1);
    }
}
