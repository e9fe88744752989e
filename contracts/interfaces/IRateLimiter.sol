// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/// @title IRateLimiter
/// @notice Sliding-window rate limit per (executorId, actionId) pair (spec/rate-limiter.json,
/// spec/rate-limiter.md). A denial is not a revert: `consume` returns `allowed = false`.
interface IRateLimiter {
    /// @notice A window shape and its budget: at most `capacity` allowed consumptions in any
    /// `window` seconds, kept as `buckets` sub-buckets of `window / buckets` seconds.
    struct Config {
        uint32 capacity;
        uint32 window;
        uint8 buckets;
    }

    /// @notice How far a GUARDIAN (without ADMIN) may raise a pair's capacity, set by ADMIN.
    /// Both 0 (the initial value): guardians cannot raise.
    struct RaiseBounds {
        uint32 maxPercent; // ceiling, percent of the pair's configured capacity
        uint32 maxDuration; // longest raise, seconds
    }

    /// @notice window is 0 (2001).
    error ZeroWindow();
    /// @notice capacity is 0 (2002).
    error ZeroCapacity();
    /// @notice buckets is 0 or greater than MAX_BUCKETS (2003).
    error InvalidBucketCount(uint8 buckets);
    /// @notice buckets does not divide window (2004).
    error WindowNotDivisible(uint32 window, uint8 buckets);
    /// @notice window is greater than MAX_WINDOW (2005).
    error WindowTooLong(uint32 window);
    /// @notice clearPairConfig on a pair without an override (2006).
    error NoPairOverride(uint64 executorId, bytes32 actionId);
    /// @notice raiseCapacity: capacity outside [minCapacity, maxCapacity], the caller's range (2007).
    error RaiseCapacityOutOfRange(uint32 capacity, uint32 minCapacity, uint32 maxCapacity);
    /// @notice raiseCapacity: duration 0 or above the caller's longest raise (2008).
    error RaiseDurationOutOfRange(uint32 duration, uint32 maxDuration);
    /// @notice restoreCapacity on a pair without an active raise (2009).
    error NoActiveRaise(uint64 executorId, bytes32 actionId);
    /// @notice setRaiseBounds above MAX_RAISE_PERCENT or MAX_RAISE_DURATION (2010).
    error InvalidRaiseBounds(uint32 maxPercent, uint32 maxDuration);

    /// @notice The default config changed (also emitted by `initialize`).
    /// @param capacity Allowed consumptions per window.
    /// @param window Window length in seconds.
    /// @param buckets Sub-buckets of the window.
    event DefaultConfigSet(uint32 capacity, uint32 window, uint8 buckets);
    /// @notice A pair's override was set.
    /// @param executorId The executor.
    /// @param actionId The action.
    /// @param capacity Allowed consumptions per window.
    /// @param window Window length in seconds.
    /// @param buckets Sub-buckets of the window.
    event PairConfigSet(
        uint64 indexed executorId,
        bytes32 indexed actionId,
        uint32 capacity,
        uint32 window,
        uint8 buckets
    );
    /// @notice A pair's override was removed; the pair follows the default again.
    /// @param executorId The executor.
    /// @param actionId The action.
    event PairConfigCleared(uint64 indexed executorId, bytes32 indexed actionId);
    /// @notice A pair's capacity is raised to `capacity` until `until` (exclusive).
    /// @param executorId The executor.
    /// @param actionId The action.
    /// @param capacity The raised capacity.
    /// @param until Unix seconds at which the raise stops applying.
    /// @param account The caller (GUARDIAN or ADMIN).
    event CapacityRaised(
        uint64 indexed executorId,
        bytes32 indexed actionId,
        uint32 capacity,
        uint64 until,
        address account
    );
    /// @notice A pair's raise was ended before its expiry.
    /// @param executorId The executor.
    /// @param actionId The action.
    /// @param account The caller (GUARDIAN or ADMIN).
    event CapacityRestored(uint64 indexed executorId, bytes32 indexed actionId, address account);
    /// @notice The guardians' raise bounds changed.
    /// @param maxPercent Ceiling in percent of a pair's configured capacity.
    /// @param maxDuration Longest guardian raise, seconds.
    event RaiseBoundsSet(uint32 maxPercent, uint32 maxDuration);
    /// @notice A consumption was denied: the window already held `used >= capacity`.
    /// @param executorId The executor.
    /// @param actionId The action.
    /// @param code The denial code, 2100 (RateLimited).
    /// @param used Consumptions the window held.
    /// @param retryAt The first time at which the window holds fewer than `capacity`.
    event ConsumeDenied(uint64 indexed executorId, bytes32 indexed actionId, uint16 code, uint32 used, uint64 retryAt);

    /// @notice Takes one unit of the pair's budget at the current block time.
    /// @param executorId The executor (non-zero).
    /// @param actionId The action (non-zero).
    /// @return allowed Whether the window had room.
    /// @return retryAt When denied, the first time a retry can pass; 0 when allowed.
    function consume(uint64 executorId, bytes32 actionId) external returns (bool allowed, uint64 retryAt);

    /// @notice Sets the config of every pair without an override.
    /// @param config The new default.
    function setDefaultConfig(Config calldata config) external;

    /// @notice Sets a pair's override.
    /// @param executorId The executor (non-zero).
    /// @param actionId The action (non-zero).
    /// @param config The pair's config from now on.
    function setPairConfig(uint64 executorId, bytes32 actionId, Config calldata config) external;

    /// @notice Removes a pair's override.
    /// @param executorId The executor (non-zero).
    /// @param actionId The action (non-zero).
    function clearPairConfig(uint64 executorId, bytes32 actionId) external;

    /// @notice Raises a pair's capacity for `duration` seconds, keeping its usage.
    /// @param executorId The executor (non-zero).
    /// @param actionId The action (non-zero).
    /// @param capacity The capacity while the raise is active (above the configured one).
    /// @param duration Seconds from now until the raise expires by itself.
    function raiseCapacity(uint64 executorId, bytes32 actionId, uint32 capacity, uint32 duration) external;

    /// @notice Ends a pair's active raise now.
    /// @param executorId The executor (non-zero).
    /// @param actionId The action (non-zero).
    function restoreCapacity(uint64 executorId, bytes32 actionId) external;

    /// @notice Sets how far guardians may raise.
    /// @param bounds The new bounds.
    function setRaiseBounds(RaiseBounds calldata bounds) external;

    /// @notice A pair's raise at the current block time.
    /// @param executorId The executor.
    /// @param actionId The action.
    /// @return active Whether a raise applies now.
    /// @return capacity The raised capacity (0 when none is active).
    /// @return until When it stops applying (0 when none is active).
    function capacityRaise(
        uint64 executorId,
        bytes32 actionId
    ) external view returns (bool active, uint32 capacity, uint64 until);

    /// @notice The guardians' raise bounds.
    /// @return bounds The bounds.
    function raiseBounds() external view returns (RaiseBounds memory bounds);

    /// @notice The default config.
    /// @return config The config of pairs without an override.
    function defaultConfig() external view returns (Config memory config);

    /// @notice A pair's effective config.
    /// @param executorId The executor.
    /// @param actionId The action.
    /// @return hasOverride Whether governance set an override for the pair.
    /// @return config The override if set, else the default.
    function pairConfig(
        uint64 executorId,
        bytes32 actionId
    ) external view returns (bool hasOverride, Config memory config);

    /// @notice The pair's window at the current block time.
    /// @param executorId The executor.
    /// @param actionId The action.
    /// @return used Consumptions the window holds now (0 if the config's shape changed).
    /// @return capacity The effective capacity.
    /// @return retryAt When `used >= capacity`, the first time a consume can pass; else 0.
    function usage(
        uint64 executorId,
        bytes32 actionId
    ) external view returns (uint32 used, uint32 capacity, uint64 retryAt);

    /// @notice The pair's lifetime counters (never reset).
    /// @param executorId The executor.
    /// @param actionId The action.
    /// @return requests Every successful `consume` call, allowed or denied.
    /// @return rejections The denied ones.
    function counters(uint64 executorId, bytes32 actionId) external view returns (uint64 requests, uint64 rejections);
}
