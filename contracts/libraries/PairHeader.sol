// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/// @notice Slot 0 of a rate-limited pair: everything `consume` reads and writes besides the
/// ring, in one word so a consume costs one SLOAD and one SSTORE for it.
///
///     bits:  255..241 | 240     | 239..176   | 175..112 | 111..104    | 103..96 | 95..64 | 63..0
///     field: (unused) | hasRaise | rejections | requests | hasOverride | buckets | window | lastBucket
///
/// - lastBucket: newest bucket index the ring holds a count for
/// - window, buckets: the shape (W, K) the ring was filled under; window 0 = never filled
/// - hasOverride: 1 when the pair's override applies (saves reading it when it does not)
/// - requests, rejections: lifetime counters, never reset
/// - hasRaise: 1 when a temporary raise was set and not yet seen expired (saves reading the
///   raise slot on every consume of a pair that has none)
type PairHeader is uint256;

using PairHeaderLib for PairHeader global;

/// @title PairHeaderLib
/// @notice Getters and setters of the packed `PairHeader` word.
library PairHeaderLib {
    uint256 private constant MASK_64 = 0xffffffffffffffff;
    uint256 private constant MASK_32 = 0xffffffff;
    uint256 private constant MASK_8 = 0xff;

    uint256 private constant WINDOW_SHIFT = 64;
    uint256 private constant BUCKETS_SHIFT = 96;
    uint256 private constant OVERRIDE_SHIFT = 104;
    uint256 private constant REQUESTS_SHIFT = 112;
    uint256 private constant REJECTIONS_SHIFT = 176;
    uint256 private constant RAISE_SHIFT = 240;
    // requests and rejections: bits 112..239.
    uint256 private constant COUNTERS_MASK = ((uint256(1) << 128) - 1) << REQUESTS_SHIFT;

    /// @notice The newest bucket index the ring holds a count for.
    /// @param h The header.
    /// @return The bucket index.
    function lastBucket(PairHeader h) internal pure returns (uint64) {
        return uint64(PairHeader.unwrap(h) & MASK_64);
    }

    /// @notice The window length the ring was filled under (0: never filled).
    /// @param h The header.
    /// @return Seconds.
    function window(PairHeader h) internal pure returns (uint32) {
        return uint32((PairHeader.unwrap(h) >> WINDOW_SHIFT) & MASK_32);
    }

    /// @notice The bucket count the ring was filled under.
    /// @param h The header.
    /// @return K.
    function buckets(PairHeader h) internal pure returns (uint8) {
        return uint8((PairHeader.unwrap(h) >> BUCKETS_SHIFT) & MASK_8);
    }

    /// @notice Whether the pair's override applies.
    /// @param h The header.
    /// @return True when governance set an override.
    function hasOverride(PairHeader h) internal pure returns (bool) {
        return (PairHeader.unwrap(h) >> OVERRIDE_SHIFT) & MASK_8 != 0;
    }

    /// @notice Whether the pair may have an active temporary raise (its slot must be read).
    /// @param h The header.
    /// @return True when a raise was set and not yet seen expired.
    function hasRaise(PairHeader h) internal pure returns (bool) {
        return (PairHeader.unwrap(h) >> RAISE_SHIFT) & 1 != 0;
    }

    /// @notice Lifetime consume calls of the pair.
    /// @param h The header.
    /// @return The count.
    function requests(PairHeader h) internal pure returns (uint64) {
        return uint64((PairHeader.unwrap(h) >> REQUESTS_SHIFT) & MASK_64);
    }

    /// @notice Lifetime denials of the pair.
    /// @param h The header.
    /// @return The count.
    function rejections(PairHeader h) internal pure returns (uint64) {
        return uint64((PairHeader.unwrap(h) >> REJECTIONS_SHIFT) & MASK_64);
    }

    /// @notice The header with a new ring position and shape.
    /// @param h The header.
    /// @param last The newest bucket written.
    /// @param w The window the ring is filled under.
    /// @param k The bucket count the ring is filled under.
    /// @return The updated header.
    function withRing(PairHeader h, uint64 last, uint32 w, uint8 k) internal pure returns (PairHeader) {
        uint256 cleared = PairHeader.unwrap(h) & ~((uint256(1) << OVERRIDE_SHIFT) - 1);
        return PairHeader.wrap(cleared | (uint256(k) << BUCKETS_SHIFT) | (uint256(w) << WINDOW_SHIFT) | last);
    }

    /// @notice The header with the override flag set or cleared.
    /// @param h The header.
    /// @param value Whether an override applies.
    /// @return The updated header.
    function withOverride(PairHeader h, bool value) internal pure returns (PairHeader) {
        uint256 cleared = PairHeader.unwrap(h) & ~(MASK_8 << OVERRIDE_SHIFT);
        return PairHeader.wrap(cleared | ((value ? uint256(1) : 0) << OVERRIDE_SHIFT));
    }

    /// @notice The header with the raise flag set or cleared.
    /// @param h The header.
    /// @param value Whether a raise may be active.
    /// @return The updated header.
    function withRaise(PairHeader h, bool value) internal pure returns (PairHeader) {
        uint256 cleared = PairHeader.unwrap(h) & ~(uint256(1) << RAISE_SHIFT);
        return PairHeader.wrap(cleared | ((value ? uint256(1) : 0) << RAISE_SHIFT));
    }

    /// @notice The header with one more request and, when `rejected`, one more rejection.
    /// @dev Checked 64-bit arithmetic: an overflow panics instead of corrupting a neighbour
    /// field (after 1.8e19 requests; unreachable in practice).
    /// @param h The header.
    /// @param rejected Whether the request was denied.
    /// @return The updated header.
    function countRequest(PairHeader h, bool rejected) internal pure returns (PairHeader) {
        uint64 req = requests(h) + 1;
        uint64 rej = rejected ? rejections(h) + 1 : rejections(h);
        uint256 cleared = PairHeader.unwrap(h) & ~COUNTERS_MASK;
        return PairHeader.wrap(cleared | (uint256(rej) << REJECTIONS_SHIFT) | (uint256(req) << REQUESTS_SHIFT));
    }
}
