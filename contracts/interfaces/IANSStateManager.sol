// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/// @title IANSStateManager
/// @notice The autonomic state of every executor (SAFE, DANGER, SHUTDOWN), driven by tone
/// readings with thresholds, streaks and a dwell; left from SHUTDOWN only by governance
/// (spec/safety-core.md §1, spec/ans.json).
interface IANSStateManager {
    /// @notice An executor's autonomic state (spec enum AnsState).
    enum AnsState {
        SAFE,
        DANGER,
        SHUTDOWN
    }

    /// @notice Why a state changed (spec enum TransitionCause, numbered from 1).
    /// @dev `NONE` only keeps the spec's numbering; it is never emitted.
    enum TransitionCause {
        NONE,
        READINGS,
        OVERRIDE
    }

    /// @notice Thresholds (ppm, inclusive), consecutive-reading counts and the dwell.
    struct Config {
        uint32 dangerEnterPpm; // D: tone >= D counts toward DANGER
        uint32 shutdownEnterPpm; // S: tone >= S counts toward SHUTDOWN
        uint32 safeReturnPpm; // R: tone <= R counts toward SAFE; R < D <= S <= 1,000,000
        uint32 dangerReadings; // nD, 1 ..= 1000
        uint32 shutdownReadings; // nS, 1 ..= 1000
        uint32 safeReadings; // nR, 1 ..= 1000
        uint32 minDwell; // seconds DANGER holds before relaxing to SAFE, <= 30 days
    }

    /// @notice What issuance may do in a state.
    struct Guard {
        uint16 factorBp; // brake factor, basis points
        bool allowed; // whether tokens may be issued at all
    }

    /// @notice The guard of an executor's current state.
    struct GuardView {
        AnsState state;
        uint16 factorBp;
        bool allowed;
        uint32 shutdownEpoch; // entries into SHUTDOWN so far; tokens carry it (spec §1)
    }

    /// @notice Global counters.
    struct Counters {
        uint64 readings; // tone readings recorded
        uint64 transitions; // state changes
        uint64 notificationFailures; // reflex notifications that failed
    }

    /// @notice One executor's record.
    struct ExecutorState {
        AnsState state;
        uint32 tonePpm;
        uint32 dangerStreak;
        uint32 shutdownStreak;
        uint32 safeStreak;
        uint64 enteredAt;
        uint64 updatedAt;
        uint32 shutdownEpoch;
    }

    /// @notice Thresholds out of order (4001).
    error InvalidThresholds(uint32 safeReturnPpm, uint32 dangerEnterPpm, uint32 shutdownEnterPpm);
    /// @notice A reading count is 0 or above 1000 (4002).
    error InvalidReadingCount(uint32 value);
    /// @notice minDwell above 30 days (4003).
    error InvalidDwell(uint32 value);
    /// @notice A guard factor above 10,000 bp (4004).
    error InvalidGuardFactor(uint16 value);
    /// @notice overrideState out of SHUTDOWN once shutdownEpoch is 2^32 - 1 (4011): the next
    /// entry into SHUTDOWN could not be counted.
    error ShutdownEpochExhausted(uint64 executorId);
    /// @notice SHUTDOWN's guard must block issuance (4005).
    error ShutdownMustBlock();
    /// @notice A state number above 2 (4006).
    error InvalidState(uint8 value);
    /// @notice A tone above 1,000,000 ppm (4007).
    error InvalidTone(uint32 value);
    /// @notice An override to the state the executor is already in (4010).
    error StateUnchanged(AnsState state);

    /// @notice The config changed (also emitted by `initialize`).
    /// @param dangerEnterPpm D.
    /// @param shutdownEnterPpm S.
    /// @param safeReturnPpm R.
    /// @param dangerReadings nD.
    /// @param shutdownReadings nS.
    /// @param safeReadings nR.
    /// @param minDwell Seconds.
    event ConfigSet(
        uint32 dangerEnterPpm,
        uint32 shutdownEnterPpm,
        uint32 safeReturnPpm,
        uint32 dangerReadings,
        uint32 shutdownReadings,
        uint32 safeReadings,
        uint32 minDwell
    );
    /// @notice A state's guard changed.
    /// @param state The state.
    /// @param factorBp Its brake factor.
    /// @param allowed Whether it allows issuance.
    event GuardSet(uint8 state, uint16 factorBp, bool allowed);
    /// @notice An executor's state changed.
    /// @param executorId The executor.
    /// @param from The state it left.
    /// @param to The state it entered.
    /// @param tonePpm The last reading.
    /// @param cause READINGS (1) or OVERRIDE (2).
    event StateTransition(uint64 indexed executorId, uint8 from, uint8 to, uint32 tonePpm, uint8 cause);
    /// @notice Governance forced an executor's state.
    /// @param executorId The executor.
    /// @param from The state it left.
    /// @param to The state it entered.
    /// @param reason Why.
    event StateOverridden(uint64 indexed executorId, uint8 from, uint8 to, string reason);
    /// @notice The reflex arc refused a transition's notification; the transition stands.
    /// @param executorId The executor.
    /// @param to The state it entered.
    event ReflexNotificationFailed(uint64 indexed executorId, uint8 to);
    /// @notice The reflex arc link changed.
    /// @param reflexArc The new link (zero: none).
    event ReflexArcSet(address reflexArc);

    /// @notice Records a tone reading and applies the state table.
    /// @param executorId The executor (non-zero).
    /// @param tonePpm The reading, 0 ..= 1,000,000.
    /// @return state The state after the reading.
    function updateTone(uint64 executorId, uint32 tonePpm) external returns (AnsState state);

    /// @notice Forces an executor's state (the only way out of SHUTDOWN).
    /// @param executorId The executor (non-zero).
    /// @param to The state to enter.
    /// @param reason Why, 1 ..= 256 bytes.
    function overrideState(uint64 executorId, uint8 to, string calldata reason) external;

    /// @notice Replaces the config; it applies from the next reading.
    /// @param config The new config.
    function setConfig(Config calldata config) external;

    /// @notice Replaces one state's guard.
    /// @param state The state, 0 ..= 2.
    /// @param guard_ Its guard.
    function setGuard(uint8 state, Guard calldata guard_) external;

    /// @notice Sets or clears (zero) the reflex arc that transitions notify.
    /// @param reflexArc_ The reflex arc.
    function setReflexArc(address reflexArc_) external;

    /// @notice The config.
    /// @return The config.
    function config() external view returns (Config memory);

    /// @notice A state's guard.
    /// @param state The state, 0 ..= 2.
    /// @return The guard.
    function guard(uint8 state) external view returns (Guard memory);

    /// @notice The guard of an executor's current state.
    /// @param executorId The executor.
    /// @return The state, its brake factor and whether it allows issuance.
    function guardOf(uint64 executorId) external view returns (GuardView memory);

    /// @notice One executor's record (a never-seen executor is SAFE with zeros).
    /// @param executorId The executor.
    /// @return The record.
    function executorState(uint64 executorId) external view returns (ExecutorState memory);

    /// @notice The reflex arc link.
    /// @return The reflex arc, or zero.
    function reflexArc() external view returns (address);

    /// @notice Global counters.
    /// @return The counters.
    function counters() external view returns (Counters memory);
}
