// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {VagusAccessFrame} from "./common/VagusAccessFrame.sol";
import {VagusVersions} from "./common/VagusVersions.sol";
import {IAfferentInbox} from "./interfaces/IAfferentInbox.sol";
import {IReflexArc} from "./interfaces/IReflexArc.sol";
import {CanonicalCbor} from "./libraries/CanonicalCbor.sol";
import {ReflexNotify} from "./libraries/ReflexNotify.sol";

/// @title AfferentInbox
/// @notice Attestors post evidence: an executor's state root and typed metrics. The contract
/// encodes the canonical CBOR itself, emits its sha256 and keccak-256, keeps the latest per
/// executor and notifies the reflex arc (spec/safety-core.md §2).
/// @dev UUPS implementation behind an ERC-1967 proxy; ERC-7201 storage. The stored record
/// is the typed fields (three words); the hashes are recomputed by the view from them, which
/// gives the same bytes and saves two storage writes per post.
contract AfferentInbox is VagusAccessFrame, IAfferentInbox {
    using CanonicalCbor for CanonicalCbor.Writer;

    /// @notice Evidence attestors.
    bytes32 public constant ATTESTOR_ROLE = keccak256("ATTESTOR_ROLE");
    /// @notice Largest riskPpm.
    uint32 public constant MAX_RISK_PPM = 1_000_000;

    /// @dev Canonical CBOR head + text of each key, in canonical order (shorter first).
    bytes private constant KEY_RISK = hex"677269736b50706d"; // "riskPpm"
    bytes private constant KEY_SEQUENCE = hex"6873657175656e6365"; // "sequence"
    bytes private constant KEY_STATE_ROOT = hex"697374617465526f6f74"; // "stateRoot"
    bytes private constant KEY_EXECUTOR = hex"6a6578656375746f724964"; // "executorId"
    bytes private constant KEY_FORCE = hex"6b666f7263654d696c6c694e"; // "forceMilliN"
    bytes private constant KEY_VELOCITY = hex"7076656c6f636974794d696c6c694d7073"; // "velocityMilliMps"
    bytes private constant KEY_TEMPERATURE = hex"7174656d70657261747572654d696c6c6943"; // "temperatureMilliC"

    /// @dev The latest evidence of one executor: the root, then sequence 64 | risk 32 |
    /// force 64 | postedAt 64 (224 bits), then velocity 64 | temperature 64.
    struct Record {
        bytes32 stateRoot;
        uint64 sequence;
        uint32 riskPpm;
        uint64 forceMilliN;
        uint64 postedAt;
        uint64 velocityMilliMps;
        int64 temperatureMilliC;
    }

    /// @custom:storage-location erc7201:vagus.storage.AfferentInbox
    struct InboxStorage {
        address reflexArc; // 160 | posts 64: one word, read on every post anyway
        uint64 posts;
        uint64 notificationFailures;
        mapping(uint64 executorId => Record) latest;
    }

    // keccak256(abi.encode(uint256(keccak256("vagus.storage.AfferentInbox")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant INBOX_STORAGE_LOCATION =
        0xfc80197941a9bef6f4fa742e3898c28cf7bee219649e2f22ce1f1c3a39106e00;

    /// @notice Sets up a proxy: `ADMIN` to `admin`.
    /// @param admin The first `ADMIN` (governance).
    function initialize(address admin) external initializer {
        __VagusAccessFrame_init(admin);
    }

    /// @inheritdoc IAfferentInbox
    /// @dev Needs `ATTESTOR`; allowed while paused (evidence feeds reflexes), but a paused inbox
    /// stores nothing: a root or sequence posted during an incident must not become what the
    /// first issue after the unpause is checked against.
    function postEvidence(
        uint64 executorId,
        bytes32 stateRoot,
        Metrics calldata metrics
    ) external onlyRole(ATTESTOR_ROLE) {
        _requireExecutor(executorId);
        if (stateRoot == bytes32(0)) revert InvalidStateRoot();
        if (metrics.riskPpm > MAX_RISK_PPM) revert InvalidRisk(metrics.riskPpm);
        InboxStorage storage $ = _s();
        uint64 latestSequence = $.latest[executorId].sequence;
        if (metrics.sequence <= latestSequence) revert StaleSequence(metrics.sequence, latestSequence);

        if (paused()) {
            emit EvidenceWithheld(executorId, metrics.sequence, metrics.riskPpm, _msgSender());
            _notifyReflex($, executorId, metrics);
            return;
        }
        (, bytes32 sha, bytes32 keccak) = _encode(executorId, stateRoot, metrics);
        _store($.latest[executorId], stateRoot, metrics);
        // Safe: 2^64 posts cannot happen.
        unchecked {
            $.posts += 1;
        }
        emit EvidencePosted(executorId, metrics.sequence, stateRoot, metrics.riskPpm, sha, keccak, _msgSender());
        _notifyReflex($, executorId, metrics);
    }

    /// @dev spec §2.3: a failed notification is caught and counted; the post stands.
    function _notifyReflex(InboxStorage storage $, uint64 executorId, Metrics calldata metrics) private {
        address arc = $.reflexArc;
        if (arc != address(0)) {
            bytes memory call = abi.encodeCall(IReflexArc.onEvidence, (executorId, metrics));
            if (!ReflexNotify.deliver(arc, call)) {
                unchecked {
                    $.notificationFailures += 1;
                }
                emit ReflexNotificationFailed(executorId, metrics.sequence);
            }
        }
    }

    /// @inheritdoc IAfferentInbox
    /// @dev Needs `ADMIN`; blocked while paused. An optional link: zero clears it.
    function setReflexArc(address reflexArc_) external onlyRole(DEFAULT_ADMIN_ROLE) whenNotPaused {
        _s().reflexArc = reflexArc_;
        emit ReflexArcSet(reflexArc_);
    }

    // ───────────────────────────── queries ─────────────────────────────

    /// @inheritdoc IAfferentInbox
    function latestEvidence(uint64 executorId) external view returns (Evidence memory e) {
        Record memory r = _s().latest[executorId];
        if (r.sequence == 0) return e;
        Metrics memory m = Metrics(r.sequence, r.riskPpm, r.forceMilliN, r.velocityMilliMps, r.temperatureMilliC);
        (, bytes32 sha, bytes32 keccak) = _encodeMemory(executorId, r.stateRoot, m);
        return
            Evidence(
                r.stateRoot,
                r.sequence,
                r.riskPpm,
                r.forceMilliN,
                r.velocityMilliMps,
                r.temperatureMilliC,
                r.postedAt,
                sha,
                keccak
            );
    }

    /// @inheritdoc IAfferentInbox
    function latestRoot(uint64 executorId) external view returns (bytes32) {
        return _s().latest[executorId].stateRoot;
    }

    /// @inheritdoc IAfferentInbox
    function encodeEvidence(
        uint64 executorId,
        bytes32 stateRoot,
        Metrics calldata metrics
    ) external pure returns (EncodedEvidence memory e) {
        (e.cbor, e.sha256, e.keccak256) = _encode(executorId, stateRoot, metrics);
    }

    /// @inheritdoc IAfferentInbox
    function reflexArc() external view returns (address) {
        return _s().reflexArc;
    }

    /// @inheritdoc IAfferentInbox
    function counters() external view returns (Counters memory) {
        InboxStorage storage $ = _s();
        return Counters($.posts, $.notificationFailures);
    }

    // ───────────────────────────── internals ─────────────────────────────

    function _encode(
        uint64 executorId,
        bytes32 stateRoot,
        Metrics calldata m
    ) private pure returns (bytes memory cbor, bytes32 sha, bytes32 keccak) {
        return _encodeMemory(executorId, stateRoot, m);
    }

    /// @dev spec §2.2: the seven entries in canonical key order; a test pins the order.
    function _encodeMemory(
        uint64 executorId,
        bytes32 stateRoot,
        Metrics memory m
    ) private pure returns (bytes memory cbor, bytes32 sha, bytes32 keccak) {
        CanonicalCbor.Writer memory w = CanonicalCbor.writer(176);
        w.writeMapHeader(7);
        w.writeRaw(KEY_RISK);
        w.writeUint64(m.riskPpm);
        w.writeRaw(KEY_SEQUENCE);
        w.writeUint64(m.sequence);
        w.writeRaw(KEY_STATE_ROOT);
        w.writeBytes32(stateRoot);
        w.writeRaw(KEY_EXECUTOR);
        w.writeUint64(executorId);
        w.writeRaw(KEY_FORCE);
        w.writeUint64(m.forceMilliN);
        w.writeRaw(KEY_VELOCITY);
        w.writeUint64(m.velocityMilliMps);
        w.writeRaw(KEY_TEMPERATURE);
        w.writeInt64(m.temperatureMilliC);
        cbor = w.finish();
        (sha, keccak) = CanonicalCbor.hashes(cbor);
    }

    /// @dev Writes the record as three whole words (one SSTORE each) in `Record`'s own layout:
    /// Solidity would store a struct field by field, paying a warm SSTORE per extra field.
    function _store(Record storage rec, bytes32 stateRoot, Metrics calldata m) private {
        uint256 word1 =
            uint256(m.sequence) |
                (uint256(m.riskPpm) << 64) |
                (uint256(m.forceMilliN) << 96) |
                (block.timestamp << 160);
        // int64 → its 64-bit two's complement, as Solidity packs a signed field.
        uint256 word2 = uint256(m.velocityMilliMps) | (uint256(uint64(m.temperatureMilliC)) << 64);
        assembly ("memory-safe") {
            let slot := rec.slot
            sstore(slot, stateRoot)
            sstore(add(slot, 1), word1)
            sstore(add(slot, 2), word2)
        }
    }

    /// @dev This contract's release version (spec `version`, generated into VagusVersions).
    function _version() internal pure virtual override returns (string memory) {
        return VagusVersions.AFFERENT_INBOX;
    }

    /// @dev spec/afferent-inbox.json roles: ADMIN, GUARDIAN, ATTESTOR.
    function _isKnownRole(bytes32 role) internal pure override returns (bool) {
        return role == DEFAULT_ADMIN_ROLE || role == GUARDIAN_ROLE || role == ATTESTOR_ROLE;
    }

    function _s() private pure returns (InboxStorage storage $) {
        assembly {
            $.slot := INBOX_STORAGE_LOCATION
        }
    }
}
