// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/// @title SlidingWindow
/// @notice A ring of K ≤ 64 `uint32` sub-bucket counters, the storage of a sliding-window
/// rate limit (spec/rate-limiter.md, docs/decisions/0005).
/// @dev Bucket `j` covers `[j·B, (j+1)·B)` and lives at ring position `j % K`. The owner
/// remembers `last` (L), the newest bucket it counted in. At bucket index `c ≥ L` the live
/// buckets are `(c − K, c]`; those above L were never written, so the live counts are the
/// buckets `(c − K, L]`. The other positions are **stale**: the `c − L` positions from
/// `(L + 1) % K` (cyclic) hold counts of buckets that have expired — all K of them when
/// `c − L ≥ K`. Positions `≥ K` are always 0 (the owner empties the ring before K changes).
/// So:
///
/// - `used` = sum of every position but the stale ones: one lane mask per word and a
///   lane-parallel sum (no mask at all in the common case `c = L`);
/// - counting one more at `c` = zero the stale positions, add 1 at `c % K`.
///
/// Both cost one pass over the ceil(K/8) words, never anything proportional to traffic.
/// Only `retryBucket` (a denial) walks positions one by one, at most K of them.
///
/// Storage, 8 counters per word (position p is lane p % 8 of word p / 8):
///
///     word w: | pos 8w+7 | pos 8w+6 | pos 8w+5 | pos 8w+4 | pos 8w+3 | pos 8w+2 | pos 8w+1 | pos 8w |
///     bits:     255..224   223..192   191..160   159..128   127..96     95..64     63..32     31..0
library SlidingWindow {
    /// @dev Largest ring: 64 positions, 8 words.
    uint256 internal constant MAX_BUCKETS = 64;

    uint256 private constant LANE_MASK = 0xffffffff;
    // Every other 32-bit / 64-bit / 128-bit lane, for the lane-parallel sum.
    uint256 private constant EVEN_32 = 0x00000000ffffffff00000000ffffffff00000000ffffffff00000000ffffffff;
    uint256 private constant EVEN_64 = 0x0000000000000000ffffffffffffffff0000000000000000ffffffffffffffff;
    uint256 private constant EVEN_128 = 0x00000000000000000000000000000000ffffffffffffffffffffffffffffffff;

    /// @notice The ring as stored: slot i of the struct is word i.
    struct Ring {
        uint256[8] words;
    }

    /// @notice The sum of the live buckets' counts at bucket `current`: `used(t)` of the spec.
    /// @param ring The stored ring.
    /// @param last L, the newest bucket counted in (`last ≤ current`).
    /// @param current c, the bucket index of the current block time.
    /// @param buckets K.
    /// @return total Consumptions in the live buckets.
    function used(
        Ring storage ring,
        uint256 last,
        uint256 current,
        uint256 buckets
    ) internal view returns (uint256 total) {
        uint256 age = current - last;
        if (age >= buckets) return 0; // every count has expired
        uint256 words = _wordCount(buckets);
        for (uint256 i; i < words;) {
            uint256 word = ring.words[i];
            if (age != 0) word &= ~_staleLanes(i, buckets, last, age);
            total += _sumLanes(word);
            unchecked {
                ++i;
            }
        }
    }

    /// @notice Counts one consumption in bucket `current` if the window holds fewer than
    /// `capacity`; otherwise changes nothing. One read of each word, one write of the word
    /// that changes when the ring fits in one word (K ≤ 8, the common case).
    /// @param ring The stored ring.
    /// @param last L, the newest bucket counted in (`last ≤ current`).
    /// @param current c, the bucket index of the current block time.
    /// @param buckets K.
    /// @param capacity The effective capacity (≤ 2^32 − 1).
    /// @return added Whether the consumption was counted.
    /// @return total `used` before this call.
    function tryAdd(
        Ring storage ring,
        uint256 last,
        uint256 current,
        uint256 buckets,
        uint256 capacity
    ) internal returns (bool added, uint256 total) {
        if (buckets > 8) {
            total = used(ring, last, current, buckets);
            if (total >= capacity) return (false, total);
            add(ring, last, current, buckets);
            return (true, total);
        }
        uint256 age = current - last;
        uint256 word = age >= buckets ? 0 : ring.words[0];
        if (age != 0 && word != 0) word &= ~_staleLanes(0, buckets, last, age);
        total = _sumLanes(word);
        if (total >= capacity) return (false, total);
        // Safe: the lane holds at most total < capacity ≤ 2^32 − 1 before the increment.
        unchecked {
            ring.words[0] = word + (1 << ((current % buckets) << 5));
        }
        return (true, total);
    }

    /// @notice Counts one consumption in bucket `current`: empties the stale positions and
    /// adds 1 at `current % K`.
    /// @dev Callers add only while `used < capacity ≤ 2^32 − 1`, so no lane overflows.
    /// @param ring The stored ring.
    /// @param last L, the newest bucket counted in (`last ≤ current`).
    /// @param current c, the bucket index of the current block time.
    /// @param buckets K.
    function add(Ring storage ring, uint256 last, uint256 current, uint256 buckets) internal {
        uint256 age = current - last;
        uint256 p = current % buckets;
        if (age == 0) {
            // Steady state: nothing is stale, one word changes.
            ring.words[p >> 3] += 1 << ((p & 7) << 5);
            return;
        }
        uint256 words = _wordCount(buckets);
        for (uint256 i; i < words;) {
            uint256 word = ring.words[i];
            uint256 next = age >= buckets ? 0 : word & ~_staleLanes(i, buckets, last, age);
            if (i == p >> 3) next += 1 << ((p & 7) << 5);
            if (next != word) ring.words[i] = next;
            unchecked {
                ++i;
            }
        }
    }

    /// @notice When `used ≥ capacity`, the first bucket index at whose start the window
    /// will hold fewer than `capacity` if nothing else is consumed (`retryAt` is it times B):
    /// walking the live buckets oldest first (`j = c − K + 1, …`), the end of life `j + K`
    /// of the first one whose expiry brings the sum below `capacity`.
    /// @param ring The stored ring.
    /// @param last L, the newest bucket counted in.
    /// @param current c, the bucket index of the current block time.
    /// @param buckets K.
    /// @param total `used(...)` now, at least `capacity`.
    /// @param capacity The effective capacity (≥ 1).
    /// @return The bucket index `j + K`; the retry time is that times the bucket width.
    function retryBucket(
        Ring storage ring,
        uint256 last,
        uint256 current,
        uint256 buckets,
        uint256 total,
        uint256 capacity
    ) internal view returns (uint256) {
        (uint256 pos, uint256 n) = _live(last, current, buckets);
        // The n live positions hold buckets c − K + 1 … L and sum to `total`: subtracting
        // all but the last leaves that last count, subtracting it leaves 0 < capacity. So
        // the answer is found within the first n − 1 positions, or it is L (index n − 1).
        uint256 word = ring.words[pos >> 3];
        uint256 idx;
        unchecked {
            for (; idx + 1 < n; ++idx) {
                total -= (word >> ((pos & 7) << 5)) & LANE_MASK;
                if (total < capacity) break;
                pos = pos + 1 == buckets ? 0 : pos + 1;
                if (pos & 7 == 0) word = ring.words[pos >> 3];
            }
        }
        // Bucket j = c − K + 1 + idx stops counting at bucket j + K.
        return current + 1 + idx;
    }

    /// @notice Empties the positions a ring of `buckets` positions can have written.
    /// Reads first so words already zero cost no write.
    /// @param ring The stored ring.
    /// @param buckets The K the ring was filled under (0 for a ring never filled).
    function clear(Ring storage ring, uint256 buckets) internal {
        uint256 words = _wordCount(buckets);
        for (uint256 i; i < words;) {
            if (ring.words[i] != 0) ring.words[i] = 0;
            unchecked {
                ++i;
            }
        }
    }

    /// @dev The live positions: `n` of them from `start`, cyclic in [0, K).
    function _live(uint256 last, uint256 current, uint256 buckets) private pure returns (uint256 start, uint256 n) {
        uint256 age = current - last;
        if (age >= buckets) return (0, 0);
        unchecked {
            return ((current + 1) % buckets, buckets - age);
        }
    }

    /// @dev The lanes of word `i` (positions 8i … 8i+7) that are stale: the `age` (< K)
    /// positions from `(last + 1) % K`, cyclic.
    function _staleLanes(uint256 i, uint256 buckets, uint256 last, uint256 age) private pure returns (uint256) {
        unchecked {
            uint256 lo = i << 3;
            uint256 start = (last + 1) % buckets;
            uint256 end = start + age;
            if (end <= buckets) return _lanes(lo, start, end);
            return _lanes(lo, start, buckets) | _lanes(lo, 0, end - buckets); // wraps past K − 1
        }
    }

    /// @dev Lanes of the word whose first position is `lo` covering positions [a, b).
    function _lanes(uint256 lo, uint256 a, uint256 b) private pure returns (uint256) {
        unchecked {
            uint256 hi = lo + 8;
            if (a < lo) a = lo;
            if (b > hi) b = hi;
            if (a >= b) return 0;
            // Bits [32(a − lo), 32(b − lo)); a shift by 256 gives 0, so b = hi yields all ones.
            return ((1 << ((b - lo) << 5)) - 1) & ~((1 << ((a - lo) << 5)) - 1);
        }
    }

    /// @dev Sum of the 8 lanes of a word, lane-parallel. No lane overflows: two 32-bit
    /// values fit in 64 bits, two 64-bit sums in 128 bits.
    function _sumLanes(uint256 x) private pure returns (uint256) {
        x = (x & EVEN_32) + ((x >> 32) & EVEN_32);
        x = (x & EVEN_64) + ((x >> 64) & EVEN_64);
        return (x & EVEN_128) + (x >> 128);
    }

    function _wordCount(uint256 buckets) private pure returns (uint256) {
        return (buckets + 7) >> 3;
    }
}
