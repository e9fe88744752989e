// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/// @title VagusVersions
/// @notice The release version of every contract, the same string the CosmWasm contracts
/// record in cw2. Generated from the `version` of each spec/*.json component file by src/release/versions.ts
/// (`npx ts-node --transpile-only scripts/gen-versions.ts`); do not edit.
library VagusVersions {
    /// @notice AfferentInbox (spec/afferent-inbox.json).
    string internal constant AFFERENT_INBOX = "0.1.0";

    /// @notice ANSStateManager (spec/ans.json).
    string internal constant ANS_STATE_MANAGER = "0.1.0";

    /// @notice CapabilityIssuer (spec/capability-issuer.json).
    string internal constant CAPABILITY_ISSUER = "0.1.0";

    /// @notice CircuitBreaker (spec/circuit-breaker.json).
    string internal constant CIRCUIT_BREAKER = "0.1.0";

    /// @notice RateLimiter (spec/rate-limiter.json).
    string internal constant RATE_LIMITER = "0.1.0";

    /// @notice ReflexArc (spec/reflex-arc.json).
    string internal constant REFLEX_ARC = "0.1.0";

    /// @notice Timelock (spec/timelock.json).
    string internal constant TIMELOCK = "0.1.0";

    /// @notice VagalBrake (spec/vagal-brake.json).
    string internal constant VAGAL_BRAKE = "0.1.0";
}
