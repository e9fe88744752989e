// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/// @title IAfferentInbox
/// @notice Afferent evidence (AEP) posted by attestors: per executor, the latest state root
/// and typed metrics, committed to by canonical CBOR and its sha256 and keccak-256
/// (spec/safety-core.md §2, spec/afferent-inbox.json).
interface IAfferentInbox {
    /// @notice Typed metrics of one piece of evidence (fixed-point integers).
    struct Metrics {
        uint64 sequence; // strictly increasing per executor
        uint32 riskPpm; // 0 ..= 1,000,000
        uint64 forceMilliN;
        uint64 velocityMilliMps;
        int64 temperatureMilliC;
    }

    /// @notice The latest evidence of an executor (all zero if none).
    struct Evidence {
        bytes32 stateRoot;
        uint64 sequence;
        uint32 riskPpm;
        uint64 forceMilliN;
        uint64 velocityMilliMps;
        int64 temperatureMilliC;
        uint64 postedAt;
        bytes32 sha256;
        bytes32 keccak256;
    }

    /// @notice Evidence as canonical CBOR and its two hashes.
    struct EncodedEvidence {
        bytes cbor;
        bytes32 sha256;
        bytes32 keccak256;
    }

    /// @notice Global counters.
    struct Counters {
        uint64 posts; // evidence recorded
        uint64 notificationFailures; // reflex notifications that failed
    }

    /// @notice stateRoot is zero (5001).
    error InvalidStateRoot();
    /// @notice riskPpm above 1,000,000 (5002).
    error InvalidRisk(uint32 value);
    /// @notice sequence not above the executor's latest (5003).
    error StaleSequence(uint64 sequence, uint64 latestSequence);

    /// @notice Evidence was recorded.
    /// @param executorId The executor.
    /// @param sequence Its sequence.
    /// @param stateRoot The executor's state root.
    /// @param riskPpm The risk metric.
    /// @param sha256 sha256 of the canonical CBOR.
    /// @param keccak256 keccak-256 of the canonical CBOR.
    /// @param attestor Who posted it.
    event EvidencePosted(
        uint64 indexed executorId,
        uint64 sequence,
        bytes32 stateRoot,
        uint32 riskPpm,
        bytes32 sha256,
        bytes32 keccak256,
        address attestor
    );
    /// @notice Evidence arrived while the inbox is paused: checked and forwarded to the reflex
    /// arc, not stored (spec/safety-core.md §2.1).
    /// @param executorId The executor.
    /// @param sequence Its sequence (not used up: it can be posted again after the unpause).
    /// @param riskPpm The risk metric.
    /// @param attestor Who posted it.
    event EvidenceWithheld(uint64 indexed executorId, uint64 sequence, uint32 riskPpm, address attestor);
    /// @notice The reflex arc refused the evidence's notification; the evidence stands.
    /// @param executorId The executor.
    /// @param sequence The evidence's sequence.
    event ReflexNotificationFailed(uint64 indexed executorId, uint64 sequence);
    /// @notice The reflex arc link changed.
    /// @param reflexArc The new link (zero: none).
    event ReflexArcSet(address reflexArc);

    /// @notice Records evidence and notifies the reflex arc.
    /// @param executorId The executor (non-zero).
    /// @param stateRoot Its state root (non-zero).
    /// @param metrics The metrics; `sequence` above the latest.
    function postEvidence(uint64 executorId, bytes32 stateRoot, Metrics calldata metrics) external;

    /// @notice Sets or clears (zero) the reflex arc that evidence notifies.
    /// @param reflexArc_ The reflex arc.
    function setReflexArc(address reflexArc_) external;

    /// @notice The latest evidence of an executor.
    /// @param executorId The executor.
    /// @return The evidence (zeros if none).
    function latestEvidence(uint64 executorId) external view returns (Evidence memory);

    /// @notice The latest state root of an executor.
    /// @param executorId The executor.
    /// @return The root, or zero.
    function latestRoot(uint64 executorId) external view returns (bytes32);

    /// @notice The canonical CBOR of evidence and its two hashes, for any input.
    /// @param executorId The executor.
    /// @param stateRoot The state root.
    /// @param metrics The metrics.
    /// @return The canonical CBOR map and its sha256 and keccak-256.
    function encodeEvidence(
        uint64 executorId,
        bytes32 stateRoot,
        Metrics calldata metrics
    ) external pure returns (EncodedEvidence memory);

    /// @notice The reflex arc link.
    /// @return The reflex arc, or zero.
    function reflexArc() external view returns (address);

    /// @notice Global counters.
    /// @return The counters.
    function counters() external view returns (Counters memory);
}
