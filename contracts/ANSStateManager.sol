// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {VagusAccessFrame} from "./common/VagusAccessFrame.sol";
import {VagusVersions} from "./common/VagusVersions.sol";
import {IANSStateManager} from "./interfaces/IANSStateManager.sol";
import {IReflexArc} from "./interfaces/IReflexArc.sol";
import {ReflexNotify} from "./libraries/ReflexNotify.sol";

/// @title ANSStateManager
/// @notice Per executor: tone readings from oracles move SAFE → DANGER → SHUTDOWN with
/// inclusive thresholds and consecutive-reading streaks; DANGER relaxes to SAFE after a
/// dwell; SHUTDOWN is left only by a governance override (spec/safety-core.md §1). Entering
/// DANGER or SHUTDOWN notifies the reflex arc; a failed notification is counted and emitted.
/// @dev UUPS implementation behind an ERC-1967 proxy; ERC-7201 storage. Hot path: one word
/// per executor (`Record`) and one word holding the config and the readings counter.
contract ANSStateManager is VagusAccessFrame, IANSStateManager {
    /// @notice Tone oracles.
    bytes32 public constant ORACLE_ROLE = keccak256("ORACLE_ROLE");
    /// @notice Largest tone and threshold, parts per million.
    uint32 public constant MAX_TONE_PPM = 1_000_000;
    /// @notice Largest reading count.
    uint32 public constant MAX_READINGS = 1000;
    /// @notice Longest dwell in seconds, 30 days.
    uint32 public constant MAX_DWELL = 2_592_000;

    /// @notice Largest guard factor, basis points (100%).
    uint16 public constant MAX_FACTOR_BP = 10_000;
    /// @notice Largest shutdown epoch: SHUTDOWN is not left once it is reached (4011).
    uint32 public constant MAX_SHUTDOWN_EPOCH = type(uint32).max;

    /// @dev One executor in one word: state 8 | tone 24 (≤ 1,000,000 < 2^24) | three streaks
    /// 32 each | enteredAt 40 | updatedAt 40 | shutdownEpoch 32 = 240 bits. Times in 40 bits
    /// hold unix seconds until the year 36,812 (as the issuer's tokens).
    struct Record {
        AnsState state;
        uint24 tonePpm;
        uint32 dangerStreak;
        uint32 shutdownStreak;
        uint32 safeStreak;
        uint40 enteredAt;
        uint40 updatedAt;
        uint32 shutdownEpoch;
    }

    /// @dev The config packed with the readings counter, so a reading touches one word here:
    /// D, S, R 24 bits each (≤ 1,000,000) | nD, nS, nR 16 each (≤ 1000) | minDwell 24
    /// (≤ 2,592,000 < 2^24) | readings 64 = 208 bits. Bit 208 of the same word, outside the
    /// struct (a new member would fail the upgrade check of the released layout, and code
    /// that writes the fields keeps the other bits), is the pause mirror `HOT_RUNNING`.
    struct Hot {
        uint24 dangerEnterPpm;
        uint24 shutdownEnterPpm;
        uint24 safeReturnPpm;
        uint16 dangerReadings;
        uint16 shutdownReadings;
        uint16 safeReadings;
        uint24 minDwell;
        uint64 readings;
    }

    // Bit offsets of `Hot` and `Record` in their words (Solidity packs from the low end).
    uint256 private constant HOT_SHUTDOWN_ENTER = 24;
    uint256 private constant HOT_SAFE_RETURN = 48;
    uint256 private constant HOT_DANGER_READINGS = 72;
    uint256 private constant HOT_SHUTDOWN_READINGS = 88;
    uint256 private constant HOT_SAFE_READINGS = 104;
    uint256 private constant HOT_MIN_DWELL = 120;
    uint256 private constant HOT_READINGS = 144;
    /// @dev The pause mirror: set only while `paused()` is known to be false (`_unpause`, or
    /// a safe reading that read `paused()`), cleared by `_pause` and on every upgrade away
    /// from this code. Clear means "unknown", never "running": a safe reading then reads
    /// `paused()` itself. So the Pausable flag stays the one truth, and a safe reading skips
    /// its cold slot while the mirror is set.
    uint256 private constant HOT_RUNNING = 1 << 208;
    uint256 private constant REC_TONE = 8;
    uint256 private constant REC_DANGER = 32;
    uint256 private constant REC_SHUTDOWN = 64;
    uint256 private constant REC_SAFE = 96;
    uint256 private constant REC_ENTERED = 128;
    uint256 private constant REC_UPDATED = 168;
    uint256 private constant REC_EPOCH = 208;
    /// @dev The record's enteredAt and shutdownEpoch, which a reading without a transition keeps.
    uint256 private constant REC_KEPT =
        (uint256(type(uint40).max) << REC_ENTERED) | (uint256(type(uint32).max) << REC_EPOCH);

    /// @custom:storage-location erc7201:vagus.storage.ANSStateManager
    struct ANSStorage {
        Hot hot;
        address reflexArc; // 160 | transitions 64: one word
        uint64 transitions;
        uint64 notificationFailures;
        Guard[3] guards; // each in its own slot: the issuer reads one per issue
        mapping(uint64 executorId => Record) executors;
    }

    // keccak256(abi.encode(uint256(keccak256("vagus.storage.ANSStateManager")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant ANS_STORAGE_LOCATION = 0x51d114078c1a92782f75ad6b94154bf9b60ea4f53fd5a75f6311af2249b4bf00;

    /// @notice Sets up a proxy: `ADMIN` to `admin`, the config, and the default guards.
    /// @dev Emits `RoleGranted` then `ConfigSet`; the default guards emit nothing.
    /// @param admin The first `ADMIN` (governance).
    /// @param config_ The config.
    function initialize(address admin, Config calldata config_) external initializer {
        __VagusAccessFrame_init(admin);
        _setConfig(config_);
        ANSStorage storage $ = _s();
        $.guards[uint8(AnsState.SAFE)] = Guard(MAX_FACTOR_BP, true);
        $.guards[uint8(AnsState.DANGER)] = Guard(5000, true);
        $.guards[uint8(AnsState.SHUTDOWN)] = Guard(0, false);
        _setRunningMirror(true);
    }

    // ───────────────────────────── readings ─────────────────────────────

    // States are enum values, never balances or timestamps: slither's incorrect-equality reads
    // them as time-dependent because the dwell rule compares `t`.
    // slither-disable-start incorrect-equality
    /// @inheritdoc IANSStateManager
    /// @dev Needs `ORACLE`; allowed while paused (detection is safety), but while paused a
    /// reading never counts toward `safeStreak`, so nothing relaxes to SAFE. The hot path works
    /// on the two packed words (config and record) directly: one SLOAD and one SSTORE each.
    function updateTone(uint64 executorId, uint32 tonePpm) external onlyRole(ORACLE_ROLE) returns (AnsState) {
        _requireExecutor(executorId);
        if (tonePpm > MAX_TONE_PPM) revert InvalidTone(tonePpm);
        ANSStorage storage $ = _s();
        Hot storage hotSlot = $.hot;
        Record storage recordSlot = $.executors[executorId];
        uint256 hot;
        uint256 rec;
        assembly ("memory-safe") {
            hot := sload(hotSlot.slot)
            rec := sload(recordSlot.slot)
        }
        AnsState from;
        AnsState to;
        (hot, rec, from, to) = _reading(hot, rec, tonePpm);
        assembly ("memory-safe") {
            sstore(hotSlot.slot, hot)
            sstore(recordSlot.slot, rec)
        }
        if (to != from) _transitioned($, executorId, from, to, tonePpm, TransitionCause.READINGS);
        return to;
    }

    /// @dev One reading (spec §1.3) on the config word and the record word: both words as
    /// they are to be stored (the readings counter counted, the pause mirror re-armed if the
    /// reading found the manager running), and the state left and entered.
    function _reading(
        uint256 hot,
        uint256 rec,
        uint32 tonePpm
    ) private view returns (uint256 hotAfter, uint256 next, AnsState from, AnsState to) {
        uint256 t = uint40(block.timestamp);
        // The new record is built in place: enteredAt and shutdownEpoch carry over, the state
        // is or-ed in last.
        next = (rec & REC_KEPT) | (uint256(tonePpm) << REC_TONE) | (t << REC_UPDATED);

        uint32 shutdownStreak = tonePpm >= uint24(hot >> HOT_SHUTDOWN_ENTER) ? _inc(uint32(rec >> REC_SHUTDOWN)) : 0;
        uint32 dangerStreak = tonePpm >= uint24(hot) ? _inc(uint32(rec >> REC_DANGER)) : 0;
        uint32 safeStreak = 0;
        // A paused manager relaxes nothing (§1.3). The Pausable slot is read only for a safe
        // reading whose mirror is not known to be running; a "not paused" answer re-arms the
        // mirror in the config word, which is stored anyway.
        if (tonePpm <= uint24(hot >> HOT_SAFE_RETURN)) {
            if (hot & HOT_RUNNING != 0) {
                safeStreak = _inc(uint32(rec >> REC_SAFE));
            } else if (!paused()) {
                hot |= HOT_RUNNING;
                safeStreak = _inc(uint32(rec >> REC_SAFE));
            }
        }
        next |=
            (uint256(dangerStreak) << REC_DANGER) |
            (uint256(shutdownStreak) << REC_SHUTDOWN) |
            (uint256(safeStreak) << REC_SAFE);

        from = AnsState(uint8(rec));
        to = from;
        if (from != AnsState.SHUTDOWN) {
            if (shutdownStreak >= uint16(hot >> HOT_SHUTDOWN_READINGS)) {
                to = AnsState.SHUTDOWN;
            } else if (from == AnsState.SAFE) {
                if (dangerStreak >= uint16(hot >> HOT_DANGER_READINGS)) to = AnsState.DANGER;
            } else if (
                safeStreak >= uint16(hot >> HOT_SAFE_READINGS) &&
                t >= uint256(uint40(rec >> REC_ENTERED)) + uint24(hot >> HOT_MIN_DWELL)
            ) {
                to = AnsState.SAFE;
            }
        }
        if (to != from) {
            next = (next & ~(uint256(type(uint40).max) << REC_ENTERED)) | (t << REC_ENTERED) | uint8(to);
            // Safe: SHUTDOWN is left only by an override, which refuses at the maximum (4011),
            // so the epoch is below 2^32 - 1 here and the increment stays in its 32 bits.
            unchecked {
                if (to == AnsState.SHUTDOWN) next += 1 << REC_EPOCH;
            }
        } else {
            next |= uint8(from);
        }
        // Safe: 2^64 readings cannot happen, so the counter never carries into the mirror.
        unchecked {
            hotAfter = hot + (1 << HOT_READINGS);
        }
    }
    // slither-disable-end incorrect-equality

    /// @inheritdoc IANSStateManager
    /// @dev Needs `ADMIN`; allowed while paused. Resets the three streaks.
    function overrideState(uint64 executorId, uint8 to, string calldata reason) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _requireExecutor(executorId);
        if (to > uint8(AnsState.SHUTDOWN)) revert InvalidState(to);
        _requireReason(reason);
        ANSStorage storage $ = _s();
        Record memory r = $.executors[executorId];
        AnsState from = r.state;
        if (uint8(from) == to) revert StateUnchanged(from);
        if (from == AnsState.SHUTDOWN && r.shutdownEpoch == MAX_SHUTDOWN_EPOCH) {
            revert ShutdownEpochExhausted(executorId);
        }
        r.state = AnsState(to);
        r.enteredAt = uint40(block.timestamp);
        if (to == uint8(AnsState.SHUTDOWN)) r.shutdownEpoch += 1;
        r.dangerStreak = 0;
        r.shutdownStreak = 0;
        r.safeStreak = 0;
        _storeRecord($.executors[executorId], r);
        _transitioned($, executorId, from, AnsState(to), r.tonePpm, TransitionCause.OVERRIDE);
        emit StateOverridden(executorId, uint8(from), to, reason);
        // The override's own event comes before the call-out (spec §0).
        if (to != uint8(AnsState.SAFE)) _notify($, executorId, from, AnsState(to), r.tonePpm);
    }

    // ───────────────────────────── configuration ─────────────────────────────

    /// @inheritdoc IANSStateManager
    /// @dev Needs `ADMIN`; blocked while paused. Streaks keep their values.
    function setConfig(Config calldata config_) external onlyRole(DEFAULT_ADMIN_ROLE) whenNotPaused {
        _setConfig(config_);
    }

    /// @inheritdoc IANSStateManager
    /// @dev Needs `ADMIN`; blocked while paused.
    function setGuard(uint8 state, Guard calldata guard_) external onlyRole(DEFAULT_ADMIN_ROLE) whenNotPaused {
        if (state > uint8(AnsState.SHUTDOWN)) revert InvalidState(state);
        if (guard_.factorBp > MAX_FACTOR_BP) revert InvalidGuardFactor(guard_.factorBp);
        if (state == uint8(AnsState.SHUTDOWN) && guard_.allowed) revert ShutdownMustBlock();
        _s().guards[state] = guard_;
        emit GuardSet(state, guard_.factorBp, guard_.allowed);
    }

    /// @inheritdoc IANSStateManager
    /// @dev Needs `ADMIN`; blocked while paused. An optional link: zero clears it.
    function setReflexArc(address reflexArc_) external onlyRole(DEFAULT_ADMIN_ROLE) whenNotPaused {
        _s().reflexArc = reflexArc_;
        emit ReflexArcSet(reflexArc_);
    }

    // ───────────────────────────── queries ─────────────────────────────

    /// @inheritdoc IANSStateManager
    function config() external view returns (Config memory) {
        Hot memory h = _s().hot;
        return
            Config(
                h.dangerEnterPpm,
                h.shutdownEnterPpm,
                h.safeReturnPpm,
                h.dangerReadings,
                h.shutdownReadings,
                h.safeReadings,
                h.minDwell
            );
    }

    /// @inheritdoc IANSStateManager
    /// @dev Reverts `InvalidState` above 2.
    function guard(uint8 state) external view returns (Guard memory) {
        if (state > uint8(AnsState.SHUTDOWN)) revert InvalidState(state);
        return _s().guards[state];
    }

    /// @inheritdoc IANSStateManager
    function guardOf(uint64 executorId) external view returns (GuardView memory) {
        ANSStorage storage $ = _s();
        Record storage r = $.executors[executorId];
        (AnsState state, uint32 shutdownEpoch) = (r.state, r.shutdownEpoch);
        Guard memory g = $.guards[uint8(state)];
        return GuardView(state, g.factorBp, g.allowed, shutdownEpoch);
    }

    /// @inheritdoc IANSStateManager
    function executorState(uint64 executorId) external view returns (ExecutorState memory) {
        Record memory r = _s().executors[executorId];
        return
            ExecutorState(
                r.state,
                r.tonePpm,
                r.dangerStreak,
                r.shutdownStreak,
                r.safeStreak,
                r.enteredAt,
                r.updatedAt,
                r.shutdownEpoch
            );
    }

    /// @inheritdoc IANSStateManager
    function reflexArc() external view returns (address) {
        return _s().reflexArc;
    }

    /// @inheritdoc IANSStateManager
    function counters() external view returns (Counters memory) {
        ANSStorage storage $ = _s();
        return Counters($.hot.readings, $.transitions, $.notificationFailures);
    }

    // ───────────────────────────── internals ─────────────────────────────

    /// @dev Counts the transition, emits it, and notifies the reflex arc of an escalation
    /// (overrides notify after their own second event, so they pass READINGS only here).
    function _transitioned(
        ANSStorage storage $,
        uint64 executorId,
        AnsState from,
        AnsState to,
        uint32 tonePpm,
        TransitionCause cause
    ) private {
        // Safe: 2^64 transitions cannot happen.
        unchecked {
            $.transitions += 1;
        }
        emit StateTransition(executorId, uint8(from), uint8(to), tonePpm, uint8(cause));
        if (cause == TransitionCause.READINGS && to != AnsState.SAFE) _notify($, executorId, from, to, tonePpm);
    }

    /// @dev spec §1.5: a failed notification is undone by the callee's revert, counted and
    /// emitted; the transition stands.
    function _notify(ANSStorage storage $, uint64 executorId, AnsState from, AnsState to, uint32 tonePpm) private {
        address arc = $.reflexArc;
        if (arc == address(0)) return;
        bytes memory call = abi.encodeCall(IReflexArc.onStateTransition, (executorId, uint8(from), uint8(to), tonePpm));
        if (!ReflexNotify.deliver(arc, call)) {
            unchecked {
                $.notificationFailures += 1;
            }
            emit ReflexNotificationFailed(executorId, uint8(to));
        }
    }

    /// @dev The record in one SSTORE, in `Record`'s layout (Solidity would write a memory
    /// struct back field by field, a warm SSTORE per extra field).
    function _storeRecord(Record storage slot_, Record memory r) private {
        uint256 word = _packRecord(
            r.state,
            r.tonePpm,
            r.dangerStreak,
            r.shutdownStreak,
            r.safeStreak,
            r.enteredAt,
            r.updatedAt,
            r.shutdownEpoch
        );
        assembly ("memory-safe") {
            sstore(slot_.slot, word)
        }
    }

    /// @dev `Record`'s word from its fields (the bit offsets are the REC_* constants).
    function _packRecord(
        AnsState state,
        uint32 tonePpm,
        uint32 dangerStreak,
        uint32 shutdownStreak,
        uint32 safeStreak,
        uint40 enteredAt,
        uint40 updatedAt,
        uint32 shutdownEpoch
    ) private pure returns (uint256) {
        return
            uint256(uint8(state)) |
            (uint256(tonePpm) << REC_TONE) |
            (uint256(dangerStreak) << REC_DANGER) |
            (uint256(shutdownStreak) << REC_SHUTDOWN) |
            (uint256(safeStreak) << REC_SAFE) |
            (uint256(enteredAt) << REC_ENTERED) |
            (uint256(updatedAt) << REC_UPDATED) |
            (uint256(shutdownEpoch) << REC_EPOCH);
    }

    function _setConfig(Config calldata c) private {
        if (
            !(c.safeReturnPpm < c.dangerEnterPpm &&
                c.dangerEnterPpm <= c.shutdownEnterPpm &&
                c.shutdownEnterPpm <= MAX_TONE_PPM)
        ) {
            revert InvalidThresholds(c.safeReturnPpm, c.dangerEnterPpm, c.shutdownEnterPpm);
        }
        _requireReadings(c.dangerReadings);
        _requireReadings(c.shutdownReadings);
        _requireReadings(c.safeReadings);
        if (c.minDwell > MAX_DWELL) revert InvalidDwell(c.minDwell);
        Hot storage hot = _s().hot;
        // Safe casts: bounds checked above (ppm ≤ 10^6 < 2^24, counts ≤ 1000, dwell < 2^24).
        hot.dangerEnterPpm = uint24(c.dangerEnterPpm);
        hot.shutdownEnterPpm = uint24(c.shutdownEnterPpm);
        hot.safeReturnPpm = uint24(c.safeReturnPpm);
        hot.dangerReadings = uint16(c.dangerReadings);
        hot.shutdownReadings = uint16(c.shutdownReadings);
        hot.safeReadings = uint16(c.safeReadings);
        hot.minDwell = uint24(c.minDwell);
        emit ConfigSet(
            c.dangerEnterPpm,
            c.shutdownEnterPpm,
            c.safeReturnPpm,
            c.dangerReadings,
            c.shutdownReadings,
            c.safeReadings,
            c.minDwell
        );
    }

    function _requireReadings(uint32 value) private pure {
        if (value == 0 || value > MAX_READINGS) revert InvalidReadingCount(value);
    }

    /// @dev Saturating increment of a streak.
    function _inc(uint32 x) private pure returns (uint32) {
        unchecked {
            return x < type(uint32).max ? x + 1 : x;
        }
    }

    /// @dev Pausing clears the mirror with the Pausable flag, in the same transaction: from
    /// here a safe reading reads `paused()` until an unpause re-arms it.
    function _pause() internal override {
        super._pause();
        _setRunningMirror(false);
    }

    /// @dev Unpausing arms the mirror: safe readings count without reading `paused()`.
    function _unpause() internal override {
        super._unpause();
        _setRunningMirror(true);
    }

    /// @dev Code that does not keep the mirror may run behind the proxy after this upgrade
    /// (an older release, before an emergency rollback back here) and pause without clearing
    /// it; so the mirror is cleared on the way out and re-armed by the first safe reading that
    /// finds `paused()` false. (`emergencyRollback` pauses, which clears it as well.)
    function _authorizeUpgrade(address newImplementation) internal override {
        super._authorizeUpgrade(newImplementation);
        _setRunningMirror(false);
    }

    function _setRunningMirror(bool running) private {
        Hot storage hot = _s().hot;
        uint256 set = running ? HOT_RUNNING : 0;
        assembly ("memory-safe") {
            sstore(hot.slot, or(and(sload(hot.slot), not(HOT_RUNNING)), set))
        }
    }

    /// @dev This contract's release version (spec `version`, generated into VagusVersions).
    function _version() internal pure virtual override returns (string memory) {
        return VagusVersions.ANS_STATE_MANAGER;
    }

    /// @dev spec/ans.json roles: ADMIN, GUARDIAN, ORACLE.
    function _isKnownRole(bytes32 role) internal pure override returns (bool) {
        return role == DEFAULT_ADMIN_ROLE || role == GUARDIAN_ROLE || role == ORACLE_ROLE;
    }

    function _s() private pure returns (ANSStorage storage $) {
        assembly {
            $.slot := ANS_STORAGE_LOCATION
        }
    }
}
