// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/// @title ICircuitBreaker
/// @notice CLOSED / OPEN / HALF_OPEN breaker per (executorId, actionId) pair
/// (spec/circuit-breaker.json, spec/circuit-breaker.md). A denial is not a revert:
/// `request` returns `allowed = false`.
interface ICircuitBreaker {
    /// @notice A pair's breaker state (spec enum BreakerState).
    enum BreakerState {
        CLOSED,
        OPEN,
        HALF_OPEN
    }

    /// @notice Why a breaker moved (spec enum TransitionReason, numbered from 1).
    /// @dev `NONE` only keeps the spec's numbering; it is never emitted.
    enum TransitionReason {
        NONE,
        FAILURE_THRESHOLD,
        COOLDOWN_ELAPSED,
        PROBE_FAILED,
        PROBES_SUCCEEDED,
        GUARDIAN_TRIP,
        GUARDIAN_RESET,
        GUARDIAN_HALF_OPEN
    }

    /// @notice The global breaker config (one slot).
    struct Config {
        uint32 failureThreshold; // F: consecutive failures in CLOSED that open the breaker
        uint32 cooldown; // C: seconds OPEN before it is effectively HALF_OPEN
        uint32 halfOpenMaxProbes; // P: requests admitted while HALF_OPEN
        uint32 successThreshold; // S ≤ P: HALF_OPEN successes that close it
    }

    /// @notice A pair's effective state at the current block time.
    struct BreakerStatus {
        BreakerState state;
        uint32 consecutiveFailures;
        uint32 probesAdmitted;
        uint32 halfOpenSuccesses;
        uint64 openedAt;
        uint64 nextRequestAt;
    }

    /// @notice A pair's lifetime counters (never reset).
    struct BreakerCounters {
        uint64 requests;
        uint64 rejections;
        uint64 successes;
        uint64 failures;
        uint64 trips;
    }

    /// @notice failureThreshold is 0 or greater than MAX_FAILURE_THRESHOLD (3001).
    error InvalidFailureThreshold(uint32 value);
    /// @notice cooldown is 0 or greater than MAX_COOLDOWN (3002).
    error InvalidCooldown(uint32 value);
    /// @notice halfOpenMaxProbes is 0 or greater than MAX_PROBES (3003).
    error InvalidProbeLimit(uint32 value);
    /// @notice successThreshold is 0 or greater than halfOpenMaxProbes (3004).
    error InvalidSuccessThreshold(uint32 value, uint32 halfOpenMaxProbes);
    /// @notice A guardian transition to the state the breaker is effectively in (3005).
    error AlreadyInState(BreakerState state);
    /// @notice forceHalfOpen from CLOSED (3006).
    error InvalidTransition(BreakerState from, BreakerState to);

    /// @notice The config changed (also emitted by `initialize`).
    /// @param failureThreshold F.
    /// @param cooldown C, seconds.
    /// @param halfOpenMaxProbes P.
    /// @param successThreshold S.
    event ConfigSet(uint32 failureThreshold, uint32 cooldown, uint32 halfOpenMaxProbes, uint32 successThreshold);
    /// @notice A pair's breaker moved from `from` to `to`.
    /// @param executorId The executor.
    /// @param actionId The action.
    /// @param from The state it left.
    /// @param to The state it entered.
    /// @param reason Why.
    event BreakerTransition(
        uint64 indexed executorId,
        bytes32 indexed actionId,
        BreakerState from,
        BreakerState to,
        TransitionReason reason
    );
    /// @notice A request was denied.
    /// @param executorId The executor.
    /// @param actionId The action.
    /// @param code 3100 (BreakerOpen) or 3101 (ProbeLimitReached).
    /// @param retryAt When OPEN, the end of the cooldown; otherwise 0.
    event RequestDenied(uint64 indexed executorId, bytes32 indexed actionId, uint16 code, uint64 retryAt);
    /// @notice A HALF_OPEN probe admission was given back unused.
    /// @param executorId The executor.
    /// @param actionId The action.
    /// @param probesAdmitted The probes admitted after the release.
    event ProbeReleased(uint64 indexed executorId, bytes32 indexed actionId, uint32 probesAdmitted);

    /// @notice Asks the pair's breaker to admit one use of the action.
    /// @param executorId The executor (non-zero).
    /// @param actionId The action (non-zero).
    /// @return allowed Whether the breaker admits it.
    /// @return retryAt When denied while OPEN, the end of the cooldown; otherwise 0.
    function request(uint64 executorId, bytes32 actionId) external returns (bool allowed, uint64 retryAt);

    /// @notice Gives back an admission of `request` that was not used (a HALF_OPEN probe).
    /// @param executorId The executor (non-zero).
    /// @param actionId The action (non-zero).
    /// @return released Whether a probe was given back (false in CLOSED, OPEN, or without one).
    function release(uint64 executorId, bytes32 actionId) external returns (bool released);

    /// @notice Reports the outcome of one use of the action.
    /// @param executorId The executor (non-zero).
    /// @param actionId The action (non-zero).
    /// @param success Whether the use succeeded.
    function recordOutcome(uint64 executorId, bytes32 actionId, bool success) external;

    /// @notice Opens the pair's breaker by hand.
    /// @param executorId The executor (non-zero).
    /// @param actionId The action (non-zero).
    function trip(uint64 executorId, bytes32 actionId) external;

    /// @notice Closes the pair's breaker by hand.
    /// @param executorId The executor (non-zero).
    /// @param actionId The action (non-zero).
    function reset(uint64 executorId, bytes32 actionId) external;

    /// @notice Moves an OPEN breaker to HALF_OPEN before its cooldown ends.
    /// @param executorId The executor (non-zero).
    /// @param actionId The action (non-zero).
    function forceHalfOpen(uint64 executorId, bytes32 actionId) external;

    /// @notice Replaces the global config; it applies to every pair from its next evaluation.
    /// @param config The new config.
    function setConfig(Config calldata config) external;

    /// @notice The global config.
    /// @return The config.
    function config() external view returns (Config memory);

    /// @notice A pair's effective state at the current block time (cooldown applied).
    /// @param executorId The executor.
    /// @param actionId The action.
    /// @return The state, its transient fields, `openedAt` and `nextRequestAt`.
    function status(uint64 executorId, bytes32 actionId) external view returns (BreakerStatus memory);

    /// @notice A pair's lifetime counters.
    /// @param executorId The executor.
    /// @param actionId The action.
    /// @return The counters.
    function counters(uint64 executorId, bytes32 actionId) external view returns (BreakerCounters memory);
}
