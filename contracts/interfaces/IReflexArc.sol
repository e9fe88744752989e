// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IAfferentInbox} from "./IAfferentInbox.sol";

/// @title IReflexArc
/// @notice Revokes all of an executor's tokens when its ANS state escalates, when evidence
/// crosses a danger threshold, or by a guardian's hand; automatic triggers have a cooldown
/// per executor (spec/safety-core.md §5, spec/reflex-arc.json).
interface IReflexArc {
    /// @notice What fired a reflex (spec enum ReflexTrigger, numbered from 1).
    /// @dev `NONE` only keeps the spec's numbering; it is never emitted.
    enum ReflexTrigger {
        NONE,
        ANS_DANGER,
        ANS_SHUTDOWN,
        EVIDENCE,
        MANUAL
    }

    /// @notice The cooldown and the evidence thresholds (each inclusive: `>=` fires).
    struct Config {
        uint32 cooldown; // seconds between automatic reflexes of one executor, <= 30 days
        uint32 riskPpm; // <= 1,000,000
        uint64 forceMilliN;
        uint64 velocityMilliMps;
        int64 temperatureMilliC;
    }

    /// @notice One executor's reflex record.
    struct ReflexState {
        bool fired;
        uint64 lastFiredAt;
        uint64 fires;
        uint64 suppressed;
    }

    /// @notice cooldown above 30 days (8001).
    error InvalidCooldown(uint32 value);
    /// @notice riskPpm threshold above 1,000,000 (8002).
    error InvalidRiskThreshold(uint32 value);
    /// @notice A state number above 2 (8003).
    error InvalidState(uint8 value);
    /// @notice A reflex fired but no issuer is linked (8004).
    error IssuerNotSet();

    /// @notice The config changed (also emitted by `initialize`).
    /// @param cooldown Seconds.
    /// @param riskPpm Risk threshold.
    /// @param forceMilliN Force threshold.
    /// @param velocityMilliMps Velocity threshold.
    /// @param temperatureMilliC Temperature threshold.
    event ConfigSet(
        uint32 cooldown,
        uint32 riskPpm,
        uint64 forceMilliN,
        uint64 velocityMilliMps,
        int64 temperatureMilliC
    );
    /// @notice The issuer link changed.
    /// @param issuer The capability issuer.
    event IssuerSet(address issuer);
    /// @notice A reflex fired: every token of the executor is revoked.
    /// @param executorId The executor.
    /// @param trigger What fired it.
    event ReflexFired(uint64 indexed executorId, uint8 trigger);
    /// @notice An automatic trigger within the cooldown was suppressed.
    /// @param executorId The executor.
    /// @param trigger What would have fired.
    /// @param retryAt When the cooldown ends.
    event ReflexSuppressed(uint64 indexed executorId, uint8 trigger, uint64 retryAt);

    /// @notice The ANS manager reports a transition.
    /// @param executorId The executor (non-zero).
    /// @param from The state it left, 0 ..= 2.
    /// @param to The state it entered, 0 ..= 2.
    /// @param tonePpm The last reading.
    function onStateTransition(uint64 executorId, uint8 from, uint8 to, uint32 tonePpm) external;

    /// @notice The inbox reports evidence.
    /// @param executorId The executor (non-zero).
    /// @param metrics The evidence's metrics.
    function onEvidence(uint64 executorId, IAfferentInbox.Metrics calldata metrics) external;

    /// @notice A guardian fires the reflex by hand, ignoring the cooldown.
    /// @param executorId The executor (non-zero).
    /// @param reason Why, 1 ..= 256 bytes; the revocation's reason.
    function trigger(uint64 executorId, string calldata reason) external;

    /// @notice Replaces the config.
    /// @param config The new config.
    function setConfig(Config calldata config) external;

    /// @notice Sets the issuer whose tokens reflexes revoke.
    /// @param issuer_ The capability issuer (non-zero).
    function setIssuer(address issuer_) external;

    /// @notice The config.
    /// @return The config.
    function config() external view returns (Config memory);

    /// @notice The issuer link.
    /// @return The issuer, or zero.
    function issuer() external view returns (address);

    /// @notice One executor's reflex record.
    /// @param executorId The executor.
    /// @return The record.
    function reflexState(uint64 executorId) external view returns (ReflexState memory);
}
