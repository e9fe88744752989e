// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {VagusAccessFrame} from "./common/VagusAccessFrame.sol";
import {VagusVersions} from "./common/VagusVersions.sol";
import {IRateLimiter} from "./interfaces/IRateLimiter.sol";
import {PairHeader} from "./libraries/PairHeader.sol";
import {SlidingWindow} from "./libraries/SlidingWindow.sol";

/// @title RateLimiter
/// @notice At most `capacity` allowed consumptions per (executorId, actionId) pair in a
/// sliding window of `window` seconds kept as `buckets` sub-buckets (spec/rate-limiter.md).
/// Governance sets a default and per-pair overrides; every pair counts its requests and
/// rejections. A denial does not revert: it is returned, counted and emitted.
/// @dev UUPS implementation behind an ERC-1967 proxy; ERC-7201 storage.
contract RateLimiter is VagusAccessFrame, IRateLimiter {
    using SlidingWindow for SlidingWindow.Ring;

    /// @notice Registered consumers (the capability issuer).
    bytes32 public constant CONSUMER_ROLE = keccak256("CONSUMER_ROLE");
    /// @notice Largest ring (spec constant MAX_BUCKETS).
    uint8 public constant MAX_BUCKETS = uint8(SlidingWindow.MAX_BUCKETS);
    /// @notice Longest window in seconds, 30 days (spec constant MAX_WINDOW).
    uint32 public constant MAX_WINDOW = 2_592_000;
    /// @notice Longest temporary raise in seconds, 7 days (spec constant MAX_RAISE_DURATION).
    uint32 public constant MAX_RAISE_DURATION = 604_800;
    /// @notice Largest guardian ceiling, percent of the configured capacity (MAX_RAISE_PERCENT).
    uint32 public constant MAX_RAISE_PERCENT = 10_000;

    /// @dev Denial code of a full window (spec denials: RateLimited).
    uint16 private constant RATE_LIMITED = 2100;

    /// @dev A temporary raise: capacity 32 | until 64, one slot.
    struct Raise {
        uint32 capacity;
        uint64 until;
    }

    /// @dev A pair: slot 0 the header (ring position and shape, override and raise flags,
    /// counters; bit layout in PairHeader.sol), slots 1..8 the ring (only ceil(K/8) used),
    /// slot 9 the override and slot 10 the raise (each meaningful only when the header says
    /// so, so a pair with neither costs no read of them).
    struct Pair {
        PairHeader header;
        SlidingWindow.Ring ring;
        Config pairOverride;
        Raise raise;
    }

    /// @custom:storage-location erc7201:vagus.storage.RateLimiter
    struct RateLimiterStorage {
        Config defaultConfig; // capacity 32 | window 32 | buckets 8: one slot
        mapping(uint64 executorId => mapping(bytes32 actionId => Pair)) pairs;
        RaiseBounds raiseBounds; // maxPercent 32 | maxDuration 32: one slot
    }

    // keccak256(abi.encode(uint256(keccak256("vagus.storage.RateLimiter")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant RATE_LIMITER_STORAGE_LOCATION =
        0xacdd38d57f7ca25794d9e1b2ceddfe999284e414d4a33c4a9447f8b5f9070600;

    /// @notice Sets up a proxy: `ADMIN` to `admin`, and the default config.
    /// @dev Reverts `InvalidAddress` for the zero admin, then the config's errors in the
    /// order spec/rate-limiter.md lists them. Emits `DefaultConfigSet`.
    /// @param admin The first `ADMIN` (governance).
    /// @param defaultConfig_ The config of every pair without an override.
    function initialize(address admin, Config calldata defaultConfig_) external initializer {
        __VagusAccessFrame_init(admin);
        _setDefaultConfig(defaultConfig_);
    }

    // ───────────────────────────── consume ─────────────────────────────

    /// @inheritdoc IRateLimiter
    /// @dev Needs `CONSUMER`; blocked while paused. Denied consumptions emit `ConsumeDenied`
    /// and count a rejection; neither reverts.
    function consume(
        uint64 executorId,
        bytes32 actionId
    ) external cachedRoleNotPaused returns (bool allowed, uint64 retryAt) {
        _requirePair(executorId, actionId);
        RateLimiterStorage storage $ = _getRateLimiterStorage();
        uint256 used;
        (allowed, used, retryAt) = _consume($, $.pairs[executorId][actionId]);
        // Safe cast: used ≤ the largest capacity the pair ever had, a uint32.
        if (!allowed) emit ConsumeDenied(executorId, actionId, RATE_LIMITED, uint32(used), retryAt);
    }

    // ───────────────────────────── configuration ─────────────────────────────

    /// @inheritdoc IRateLimiter
    /// @dev Needs `ADMIN`; blocked while paused. Emits `DefaultConfigSet`.
    function setDefaultConfig(Config calldata config) external onlyRole(DEFAULT_ADMIN_ROLE) whenNotPaused {
        _setDefaultConfig(config);
    }

    /// @inheritdoc IRateLimiter
    /// @dev Needs `ADMIN`; blocked while paused. Emits `PairConfigSet`. The pair's ring is
    /// emptied on its next consume if the window or bucket count differs from the ring's.
    function setPairConfig(
        uint64 executorId,
        bytes32 actionId,
        Config calldata config
    ) external onlyRole(DEFAULT_ADMIN_ROLE) whenNotPaused {
        _requirePair(executorId, actionId);
        _validate(config);
        Pair storage pair = _getRateLimiterStorage().pairs[executorId][actionId];
        pair.pairOverride = config;
        pair.header = pair.header.withOverride(true);
        emit PairConfigSet(executorId, actionId, config.capacity, config.window, config.buckets);
    }

    /// @inheritdoc IRateLimiter
    /// @dev Needs `ADMIN`; blocked while paused. Reverts `NoPairOverride` if none is set.
    /// Emits `PairConfigCleared`.
    function clearPairConfig(uint64 executorId, bytes32 actionId) external onlyRole(DEFAULT_ADMIN_ROLE) whenNotPaused {
        _requirePair(executorId, actionId);
        Pair storage pair = _getRateLimiterStorage().pairs[executorId][actionId];
        PairHeader header = pair.header;
        if (!header.hasOverride()) revert NoPairOverride(executorId, actionId);
        pair.header = header.withOverride(false);
        delete pair.pairOverride;
        emit PairConfigCleared(executorId, actionId);
    }

    // ───────────────────────────── temporary raise ─────────────────────────────

    /// @inheritdoc IRateLimiter
    /// @dev Needs `GUARDIAN` or `ADMIN` (`Unauthorized` names `GUARDIAN`); blocked while
    /// paused. A guardian without `ADMIN` stays within `raiseBounds`; `ADMIN` within
    /// `MAX_RAISE_DURATION`. Emits `CapacityRaised`. The ring is untouched.
    function raiseCapacity(uint64 executorId, bytes32 actionId, uint32 capacity, uint32 duration) external {
        bool isAdmin = _requireResponder();
        _requireNotPaused();
        _requirePair(executorId, actionId);
        RateLimiterStorage storage $ = _getRateLimiterStorage();
        Pair storage pair = $.pairs[executorId][actionId];
        PairHeader header = pair.header;
        (uint32 configured, , ) = _effective($, pair, header);
        uint32 ceiling = type(uint32).max;
        uint32 longest = MAX_RAISE_DURATION;
        if (!isAdmin) {
            RaiseBounds memory bounds = $.raiseBounds;
            uint256 scaled = (uint256(configured) * bounds.maxPercent) / 100;
            ceiling = scaled > type(uint32).max ? type(uint32).max : uint32(scaled);
            longest = bounds.maxDuration;
        }
        // configured < 2^32 - 1 whenever capacity > configured, so configured + 1 cannot overflow there;
        // the reported minimum saturates for the one configuration where it would.
        if (capacity <= configured || capacity > ceiling) {
            uint32 minCapacity = configured == type(uint32).max ? configured : configured + 1;
            revert RaiseCapacityOutOfRange(capacity, minCapacity, ceiling);
        }
        if (duration == 0 || duration > longest) revert RaiseDurationOutOfRange(duration, longest);
        uint64 until = uint64(block.timestamp) + duration;
        pair.raise = Raise(capacity, until);
        pair.header = header.withRaise(true);
        emit CapacityRaised(executorId, actionId, capacity, until, msg.sender);
    }

    /// @inheritdoc IRateLimiter
    /// @dev Needs `GUARDIAN` or `ADMIN`; allowed while paused (it only tightens). Reverts
    /// `NoActiveRaise` when no raise applies now. Emits `CapacityRestored`.
    function restoreCapacity(uint64 executorId, bytes32 actionId) external {
        _requireResponder();
        _requirePair(executorId, actionId);
        Pair storage pair = _getRateLimiterStorage().pairs[executorId][actionId];
        PairHeader header = pair.header;
        if (!header.hasRaise() || block.timestamp >= pair.raise.until) revert NoActiveRaise(executorId, actionId);
        pair.header = header.withRaise(false);
        delete pair.raise;
        emit CapacityRestored(executorId, actionId, msg.sender);
    }

    /// @inheritdoc IRateLimiter
    /// @dev Needs `ADMIN`; blocked while paused. Emits `RaiseBoundsSet`.
    function setRaiseBounds(RaiseBounds calldata bounds) external onlyRole(DEFAULT_ADMIN_ROLE) whenNotPaused {
        if (bounds.maxPercent > MAX_RAISE_PERCENT || bounds.maxDuration > MAX_RAISE_DURATION) {
            revert InvalidRaiseBounds(bounds.maxPercent, bounds.maxDuration);
        }
        _getRateLimiterStorage().raiseBounds = bounds;
        emit RaiseBoundsSet(bounds.maxPercent, bounds.maxDuration);
    }

    // ───────────────────────────── queries ─────────────────────────────

    /// @inheritdoc IRateLimiter
    function capacityRaise(
        uint64 executorId,
        bytes32 actionId
    ) external view returns (bool active, uint32 capacity, uint64 until) {
        Pair storage pair = _getRateLimiterStorage().pairs[executorId][actionId];
        if (!pair.header.hasRaise()) return (false, 0, 0);
        Raise memory r = pair.raise;
        if (block.timestamp >= r.until) return (false, 0, 0);
        return (true, r.capacity, r.until);
    }

    /// @inheritdoc IRateLimiter
    function raiseBounds() external view returns (RaiseBounds memory) {
        return _getRateLimiterStorage().raiseBounds;
    }

    /// @inheritdoc IRateLimiter
    function defaultConfig() external view returns (Config memory) {
        return _getRateLimiterStorage().defaultConfig;
    }

    /// @inheritdoc IRateLimiter
    function pairConfig(
        uint64 executorId,
        bytes32 actionId
    ) external view returns (bool hasOverride, Config memory config) {
        RateLimiterStorage storage $ = _getRateLimiterStorage();
        Pair storage pair = $.pairs[executorId][actionId];
        hasOverride = pair.header.hasOverride();
        config = hasOverride ? pair.pairOverride : $.defaultConfig;
    }

    /// @inheritdoc IRateLimiter
    function usage(
        uint64 executorId,
        bytes32 actionId
    ) external view returns (uint32 used, uint32 capacity, uint64 retryAt) {
        RateLimiterStorage storage $ = _getRateLimiterStorage();
        Pair storage pair = $.pairs[executorId][actionId];
        PairHeader header = pair.header;
        uint32 window;
        uint8 buckets;
        (capacity, window, buckets) = _effective($, pair, header);
        if (header.hasRaise()) {
            Raise memory r = pair.raise;
            if (block.timestamp < r.until && r.capacity > capacity) capacity = r.capacity;
        }
        if (header.window() != window || header.buckets() != buckets) {
            return (0, capacity, 0); // the next consume empties the ring
        }
        uint256 width = window / buckets;
        uint256 current = block.timestamp / width;
        uint256 total = pair.ring.used(header.lastBucket(), current, buckets);
        used = uint32(total);
        if (total >= capacity) {
            // slither-disable-next-line divide-before-multiply
            retryAt = uint64(pair.ring.retryBucket(header.lastBucket(), current, buckets, total, capacity) * width);
        }
    }

    /// @inheritdoc IRateLimiter
    function counters(uint64 executorId, bytes32 actionId) external view returns (uint64 requests, uint64 rejections) {
        PairHeader header = _getRateLimiterStorage().pairs[executorId][actionId].header;
        return (header.requests(), header.rejections());
    }

    // ───────────────────────────── internals ─────────────────────────────

    /// @dev spec/rate-limiter.md "consume", steps 1-4, after the frame checks.
    function _consume(
        RateLimiterStorage storage $,
        Pair storage pair
    ) private returns (bool allowed, uint256 used, uint64 retryAt) {
        PairHeader header = pair.header;
        // The effective config as one word (capacity | window | buckets, Solidity's packing
        // of `Config`): one SLOAD and no memory struct on the hot path.
        // Without an override, the default comes from the pause word's copy (decision 0046),
        // already read by the CONSUMER / pause check; the slot itself when there is no copy.
        uint256 config;
        if (header.hasOverride()) {
            config = _configWord(pair.pairOverride);
        } else {
            config = _cacheExtra();
            if (config == 0) config = _configWord($.defaultConfig);
        }
        // Only pairs that were raised pay a read for it (the header's flag says so).
        if (header.hasRaise()) (config, header) = _applyRaise(pair, header, config);
        uint256 buckets = uint8(config >> 64);
        uint256 current = block.timestamp / (uint32(config >> 32) / buckets);
        uint256 last = header.lastBucket();
        if (header.window() != uint32(config >> 32) || header.buckets() != buckets) {
            // Reset rule: counts taken under another bucket width mean nothing under this one.
            pair.ring.clear(header.buckets());
            last = current;
        }

        (allowed, used) = pair.ring.tryAdd(last, current, buckets, uint32(config));
        if (allowed) {
            pair.header = header.withRing(uint64(current), uint32(config >> 32), uint8(buckets)).countRequest(false);
            return (true, used, 0);
        }
        // Denied: the ring is unchanged (an emptied ring has room, so no denial follows a reset).
        pair.header = header.countRequest(true);
        uint256 end = pair.ring.retryBucket(last, current, buckets, used, uint32(config));
        // A bucket index times the bucket width is the bucket's start: the division is the
        // width itself, not a rounding of the product.
        // slither-disable-next-line divide-before-multiply
        return (false, used, uint64(end * (uint32(config >> 32) / buckets)));
    }

    /// @dev The config word with its capacity lifted by the pair's raise while it is active;
    /// once the raise is seen expired, the header's flag is dropped (written with the header
    /// by the caller), so later consumes stop reading the raise slot.
    function _applyRaise(
        Pair storage pair,
        PairHeader header,
        uint256 config
    ) private view returns (uint256, PairHeader) {
        Raise memory r = pair.raise;
        if (block.timestamp >= r.until) return (config, header.withRaise(false));
        if (r.capacity > uint32(config)) config = (config & ~uint256(type(uint32).max)) | r.capacity;
        return (config, header);
    }

    /// @notice Check 1 of `raiseCapacity` / `restoreCapacity`: `ADMIN` or `GUARDIAN`.
    /// @return isAdmin Whether the caller holds `ADMIN` (no guardian bounds apply).
    function _requireResponder() private view returns (bool isAdmin) {
        isAdmin = hasRole(DEFAULT_ADMIN_ROLE, msg.sender);
        if (!isAdmin && !hasRole(GUARDIAN_ROLE, msg.sender)) {
            revert AccessControlUnauthorizedAccount(msg.sender, GUARDIAN_ROLE);
        }
    }

    /// @dev The storage word of a `Config`: capacity in bits 0-31, window 32-63, buckets 64-71.
    function _configWord(Config storage config) private view returns (uint256 word) {
        // solhint-disable-next-line no-inline-assembly
        assembly {
            word := sload(config.slot)
        }
    }

    /// @dev The pair's effective config: its override when the header says so, else the default.
    function _effective(
        RateLimiterStorage storage $,
        Pair storage pair,
        PairHeader header
    ) private view returns (uint32 capacity, uint32 window, uint8 buckets) {
        Config storage config = header.hasOverride() ? pair.pairOverride : $.defaultConfig;
        return (config.capacity, config.window, config.buckets);
    }

    function _setDefaultConfig(Config calldata config) private {
        _validate(config);
        _getRateLimiterStorage().defaultConfig = config;
        _refreshCacheExtra();
        emit DefaultConfigSet(config.capacity, config.window, config.buckets);
    }

    /// @dev spec/rate-limiter.md "Validation order of a Config".
    function _validate(Config calldata config) private pure {
        if (config.capacity == 0) revert ZeroCapacity();
        if (config.window == 0) revert ZeroWindow();
        if (config.window > MAX_WINDOW) revert WindowTooLong(config.window);
        if (config.buckets == 0 || config.buckets > MAX_BUCKETS) revert InvalidBucketCount(config.buckets);
        if (config.window % config.buckets != 0) revert WindowNotDivisible(config.window, config.buckets);
    }

    /// @dev The default config's word (72 bits, capacity ≥ 1 so never zero) in the pause word.
    function _refreshCacheExtra() internal override {
        _setCacheExtra(uint88(_configWord(_getRateLimiterStorage().defaultConfig)));
    }

    /// @dev `CONSUMER` holders pass with one read of the pause word when cached (decision 0046).
    function _cachedRole() internal pure override returns (bytes32) {
        return CONSUMER_ROLE;
    }

    /// @dev This contract's release version (spec `version`, generated into VagusVersions).
    function _version() internal pure virtual override returns (string memory) {
        return VagusVersions.RATE_LIMITER;
    }

    /// @dev spec/rate-limiter.json roles: ADMIN, GUARDIAN, CONSUMER.
    function _isKnownRole(bytes32 role) internal pure override returns (bool) {
        return role == DEFAULT_ADMIN_ROLE || role == GUARDIAN_ROLE || role == CONSUMER_ROLE;
    }

    function _getRateLimiterStorage() private pure returns (RateLimiterStorage storage $) {
        // solhint-disable-next-line no-inline-assembly
        assembly {
            $.slot := RATE_LIMITER_STORAGE_LOCATION
        }
    }
}
