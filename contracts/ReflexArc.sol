// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {VagusAccessFrame} from "./common/VagusAccessFrame.sol";
import {VagusVersions} from "./common/VagusVersions.sol";
import {IAfferentInbox} from "./interfaces/IAfferentInbox.sol";
import {ICapabilityIssuer} from "./interfaces/ICapabilityIssuer.sol";
import {IReflexArc} from "./interfaces/IReflexArc.sol";

/// @title ReflexArc
/// @notice Revokes all of an executor's tokens (one epoch bump at the issuer, constant cost)
/// when the ANS manager reports DANGER or SHUTDOWN, when evidence reaches a threshold, or
/// when a guardian triggers it; automatic triggers within the cooldown are suppressed and
/// counted (spec/safety-core.md §5).
/// @dev UUPS implementation behind an ERC-1967 proxy; ERC-7201 storage.
contract ReflexArc is VagusAccessFrame, IReflexArc {
    /// @notice The ANS manager and the inbox: they deliver notifications.
    bytes32 public constant NOTIFIER_ROLE = keccak256("NOTIFIER_ROLE");
    /// @notice Longest cooldown in seconds, 30 days.
    uint32 public constant MAX_COOLDOWN = 2_592_000;
    /// @notice Largest risk threshold.
    uint32 public constant MAX_RISK_PPM = 1_000_000;

    uint8 private constant STATE_DANGER = 1;
    uint8 private constant STATE_SHUTDOWN = 2;

    /// @dev One executor in one word: fired 8 | lastFiredAt 64 | fires 64 | suppressed 64.
    /// @custom:storage-location erc7201:vagus.storage.ReflexArc
    struct ReflexStorage {
        Config config; // cooldown 32 | risk 32 | force 64 | velocity 64 | temperature 64: one word
        address issuer;
        mapping(uint64 executorId => ReflexState) executors;
    }

    // keccak256(abi.encode(uint256(keccak256("vagus.storage.ReflexArc")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant REFLEX_STORAGE_LOCATION =
        0x0bf29c79250252dab26fae79934a738dc0a69352af995b6d145c09ee665c2200;

    /// @notice Sets up a proxy: `ADMIN` to `admin`, and the config.
    /// @dev Emits `RoleGranted` then `ConfigSet`.
    /// @param admin The first `ADMIN` (governance).
    /// @param config_ The config.
    function initialize(address admin, Config calldata config_) external initializer {
        __VagusAccessFrame_init(admin);
        _setConfig(config_);
    }

    // ───────────────────────────── triggers ─────────────────────────────

    /// @inheritdoc IReflexArc
    /// @dev Needs `NOTIFIER`; allowed while paused. DANGER fires ANS_DANGER, SHUTDOWN fires
    /// ANS_SHUTDOWN, SAFE nothing.
    function onStateTransition(
        uint64 executorId,
        uint8 from,
        uint8 to,
        uint32 tonePpm
    ) external onlyRole(NOTIFIER_ROLE) {
        tonePpm; // part of the notification's surface; the reflex depends on the state only
        _requireExecutor(executorId);
        if (from > STATE_SHUTDOWN) revert InvalidState(from);
        if (to > STATE_SHUTDOWN) revert InvalidState(to);
        if (to == STATE_DANGER) {
            _fire(executorId, ReflexTrigger.ANS_DANGER, "reflex:ans-danger");
        } else if (to == STATE_SHUTDOWN) {
            _fire(executorId, ReflexTrigger.ANS_SHUTDOWN, "reflex:ans-shutdown");
        }
    }

    /// @inheritdoc IReflexArc
    /// @dev Needs `NOTIFIER`; allowed while paused. Fires EVIDENCE when any metric is at or
    /// above its threshold.
    function onEvidence(uint64 executorId, IAfferentInbox.Metrics calldata metrics) external onlyRole(NOTIFIER_ROLE) {
        _requireExecutor(executorId);
        Config memory c = _s().config;
        if (
            metrics.riskPpm >= c.riskPpm ||
            metrics.forceMilliN >= c.forceMilliN ||
            metrics.velocityMilliMps >= c.velocityMilliMps ||
            metrics.temperatureMilliC >= c.temperatureMilliC
        ) {
            _fire(executorId, ReflexTrigger.EVIDENCE, "reflex:evidence");
        }
    }

    /// @inheritdoc IReflexArc
    /// @dev Needs `GUARDIAN`; allowed while paused; ignores the cooldown.
    function trigger(uint64 executorId, string calldata reason) external onlyRole(GUARDIAN_ROLE) {
        _requireExecutor(executorId);
        _requireReason(reason);
        _fire(executorId, ReflexTrigger.MANUAL, reason);
    }

    // ───────────────────────────── configuration ─────────────────────────────

    /// @inheritdoc IReflexArc
    /// @dev Needs `ADMIN`; blocked while paused.
    function setConfig(Config calldata config_) external onlyRole(DEFAULT_ADMIN_ROLE) whenNotPaused {
        _setConfig(config_);
    }

    /// @inheritdoc IReflexArc
    /// @dev Needs `ADMIN`; blocked while paused; a required link.
    function setIssuer(address issuer_) external onlyRole(DEFAULT_ADMIN_ROLE) whenNotPaused {
        _requireAddress(issuer_);
        _s().issuer = issuer_;
        emit IssuerSet(issuer_);
    }

    // ───────────────────────────── queries ─────────────────────────────

    /// @inheritdoc IReflexArc
    function config() external view returns (Config memory) {
        return _s().config;
    }

    /// @inheritdoc IReflexArc
    function issuer() external view returns (address) {
        return _s().issuer;
    }

    /// @inheritdoc IReflexArc
    function reflexState(uint64 executorId) external view returns (ReflexState memory) {
        return _s().executors[executorId];
    }

    // ───────────────────────────── internals ─────────────────────────────

    /// @dev spec §5.3. The issuer check comes first, so a notification that reaches an
    /// unwired reflex arc fails (and its sender records the failure) even within a cooldown.
    function _fire(uint64 executorId, ReflexTrigger trigger_, string memory reason) private {
        ReflexStorage storage $ = _s();
        address issuer_ = $.issuer;
        if (issuer_ == address(0)) revert IssuerNotSet();
        ReflexState memory r = $.executors[executorId];
        // While paused the cooldown is neither applied nor armed (§5.3): a trigger provoked
        // during an incident must not swallow the next real one.
        bool armCooldown = !paused();
        uint64 t = uint64(block.timestamp);
        if (armCooldown && trigger_ != ReflexTrigger.MANUAL && r.fired) {
            uint64 retryAt = r.lastFiredAt + $.config.cooldown;
            if (t < retryAt) {
                unchecked {
                    r.suppressed += 1;
                }
                $.executors[executorId] = r;
                emit ReflexSuppressed(executorId, uint8(trigger_), retryAt);
                return;
            }
        }
        if (armCooldown) {
            r.fired = true;
            r.lastFiredAt = t;
        }
        // Safe: 2^64 fires cannot happen.
        unchecked {
            r.fires += 1;
        }
        $.executors[executorId] = r;
        emit ReflexFired(executorId, uint8(trigger_));
        ICapabilityIssuer(issuer_).revokeAll(executorId, reason);
    }

    function _setConfig(Config calldata c) private {
        if (c.cooldown > MAX_COOLDOWN) revert InvalidCooldown(c.cooldown);
        if (c.riskPpm > MAX_RISK_PPM) revert InvalidRiskThreshold(c.riskPpm);
        _s().config = c;
        emit ConfigSet(c.cooldown, c.riskPpm, c.forceMilliN, c.velocityMilliMps, c.temperatureMilliC);
    }

    /// @dev This contract's release version (spec `version`, generated into VagusVersions).
    function _version() internal pure virtual override returns (string memory) {
        return VagusVersions.REFLEX_ARC;
    }

    /// @dev spec/reflex-arc.json roles: ADMIN, GUARDIAN, NOTIFIER.
    function _isKnownRole(bytes32 role) internal pure override returns (bool) {
        return role == DEFAULT_ADMIN_ROLE || role == GUARDIAN_ROLE || role == NOTIFIER_ROLE;
    }

    function _s() private pure returns (ReflexStorage storage $) {
        assembly {
            $.slot := REFLEX_STORAGE_LOCATION
        }
    }
}
