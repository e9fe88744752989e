// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {VagusAccessFrame} from "./common/VagusAccessFrame.sol";
import {VagusVersions} from "./common/VagusVersions.sol";
import {ICircuitBreaker} from "./interfaces/ICircuitBreaker.sol";
import {BreakerMachine} from "./libraries/BreakerMachine.sol";

/// @title CircuitBreaker
/// @notice A breaker per (executorId, actionId) pair: CLOSED until F consecutive failures,
/// then OPEN for a cooldown, then HALF_OPEN admitting at most P probes; S successes close
/// it, one failure reopens it. Guardians trip, reset and half-open it by hand
/// (spec/circuit-breaker.md). Denials do not revert: they are returned, counted, emitted.
/// @dev UUPS implementation behind an ERC-1967 proxy; ERC-7201 storage. Every state-changing
/// call on a pair first materializes a due cooldown (OPEN → HALF_OPEN, COOLDOWN_ELAPSED)
/// and emits it before its own effects; a revert takes it back.
contract CircuitBreaker is VagusAccessFrame, ICircuitBreaker {
    using BreakerMachine for BreakerMachine.Pair;

    /// @notice Registered consumers (the capability issuer): request admission.
    bytes32 public constant CONSUMER_ROLE = keccak256("CONSUMER_ROLE");
    /// @notice Registered reporters of capability-use outcomes.
    bytes32 public constant REPORTER_ROLE = keccak256("REPORTER_ROLE");
    /// @notice Largest failureThreshold (spec constant).
    uint32 public constant MAX_FAILURE_THRESHOLD = 1000;
    /// @notice Longest cooldown in seconds, 30 days (spec constant).
    uint32 public constant MAX_COOLDOWN = 2_592_000;
    /// @notice Largest halfOpenMaxProbes (spec constant).
    uint32 public constant MAX_PROBES = 1000;

    /// @dev Denial codes (spec denials).
    uint16 private constant BREAKER_OPEN = 3100;
    uint16 private constant PROBE_LIMIT_REACHED = 3101;

    /// @custom:storage-location erc7201:vagus.storage.CircuitBreaker
    struct CircuitBreakerStorage {
        Config config; // F 32 | C 32 | P 32 | S 32: one slot
        mapping(uint64 executorId => mapping(bytes32 actionId => BreakerMachine.Pair)) pairs;
    }

    // keccak256(abi.encode(uint256(keccak256("vagus.storage.CircuitBreaker")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant CIRCUIT_BREAKER_STORAGE_LOCATION =
        0xae02d589cac85f5f4cae99aed2c141e0b308175cc8c0c12a658bab405e886300;

    /// @notice Sets up a proxy: `ADMIN` to `admin`, and the global config.
    /// @dev Reverts `InvalidAddress` for the zero admin, then the config's errors in the
    /// order spec/circuit-breaker.md lists them. Emits `ConfigSet`.
    /// @param admin The first `ADMIN` (governance).
    /// @param config_ The breaker config.
    function initialize(address admin, Config calldata config_) external initializer {
        __VagusAccessFrame_init(admin);
        _setConfig(config_);
    }

    // ───────────────────────────── the state table ─────────────────────────────

    /// @inheritdoc ICircuitBreaker
    /// @dev Needs `CONSUMER`; blocked while paused. A denial counts a rejection and emits
    /// `RequestDenied` with code 3100 (OPEN) or 3101 (HALF_OPEN, probes exhausted).
    function request(
        uint64 executorId,
        bytes32 actionId
    ) external cachedRoleNotPaused returns (bool allowed, uint64 retryAt) {
        _requirePair(executorId, actionId);
        BreakerMachine.Pair storage pair = _pair(executorId, actionId);
        pair.requests += 1;
        if (pair.state == BreakerState.CLOSED) return (true, 0);

        Config memory cfg = _getCircuitBreakerStorage().config;
        if (_materialize(pair, executorId, actionId, cfg.cooldown) == BreakerState.HALF_OPEN) {
            if (pair.probesAdmitted < cfg.halfOpenMaxProbes) {
                pair.probesAdmitted += 1;
                return (true, 0);
            }
            return _deny(pair, executorId, actionId, PROBE_LIMIT_REACHED, 0);
        }
        return _deny(pair, executorId, actionId, BREAKER_OPEN, pair.openedAt + cfg.cooldown);
    }

    /// @inheritdoc ICircuitBreaker
    /// @dev Needs `CONSUMER`; blocked while paused. The issuer calls it when the rate limiter
    /// denies an intent the breaker admitted, so no probe is lost to an intent not issued.
    function release(uint64 executorId, bytes32 actionId) external cachedRoleNotPaused returns (bool released) {
        _requirePair(executorId, actionId);
        BreakerMachine.Pair storage pair = _pair(executorId, actionId);
        if (_materializeLazy(pair, executorId, actionId) != BreakerState.HALF_OPEN) return false;
        uint32 probes = pair.probesAdmitted;
        if (probes == 0) return false;
        unchecked {
            probes -= 1; // Safe: probes > 0.
        }
        pair.probesAdmitted = probes;
        emit ProbeReleased(executorId, actionId, probes);
        return true;
    }

    /// @inheritdoc ICircuitBreaker
    /// @dev Needs `REPORTER`; works while paused (safety). Counts the outcome in every state.
    function recordOutcome(uint64 executorId, bytes32 actionId, bool success) external onlyRole(REPORTER_ROLE) {
        _requirePair(executorId, actionId);
        BreakerMachine.Pair storage pair = _pair(executorId, actionId);
        Config memory cfg = _getCircuitBreakerStorage().config;
        BreakerState state = _materialize(pair, executorId, actionId, cfg.cooldown);
        if (success) {
            pair.successes += 1;
            if (state == BreakerState.CLOSED) {
                if (pair.consecutiveFailures != 0) pair.consecutiveFailures = 0;
            } else if (state == BreakerState.HALF_OPEN) {
                uint32 successes = pair.halfOpenSuccesses + 1;
                if (successes >= cfg.successThreshold) {
                    _transition(pair, executorId, actionId, BreakerState.CLOSED, TransitionReason.PROBES_SUCCEEDED);
                } else {
                    pair.halfOpenSuccesses = successes;
                }
            } // OPEN: counted only
        } else {
            pair.failures += 1;
            if (state == BreakerState.CLOSED) {
                uint32 failures = pair.consecutiveFailures + 1;
                if (failures >= cfg.failureThreshold) {
                    _transition(pair, executorId, actionId, BreakerState.OPEN, TransitionReason.FAILURE_THRESHOLD);
                } else {
                    pair.consecutiveFailures = failures;
                }
            } else if (state == BreakerState.HALF_OPEN) {
                _transition(pair, executorId, actionId, BreakerState.OPEN, TransitionReason.PROBE_FAILED);
            } // OPEN: counted only
        }
    }

    /// @inheritdoc ICircuitBreaker
    /// @dev Needs `GUARDIAN`; works while paused (safety). Reverts `AlreadyInState(OPEN)`
    /// when the breaker is effectively OPEN.
    function trip(uint64 executorId, bytes32 actionId) external onlyRole(GUARDIAN_ROLE) {
        _requirePair(executorId, actionId);
        BreakerMachine.Pair storage pair = _pair(executorId, actionId);
        if (_materializeLazy(pair, executorId, actionId) == BreakerState.OPEN) {
            revert AlreadyInState(BreakerState.OPEN);
        }
        _transition(pair, executorId, actionId, BreakerState.OPEN, TransitionReason.GUARDIAN_TRIP);
    }

    /// @inheritdoc ICircuitBreaker
    /// @dev Needs `GUARDIAN`; blocked while paused. Reverts `AlreadyInState(CLOSED)` when
    /// the breaker is CLOSED.
    function reset(uint64 executorId, bytes32 actionId) external onlyRole(GUARDIAN_ROLE) whenNotPaused {
        _requirePair(executorId, actionId);
        BreakerMachine.Pair storage pair = _pair(executorId, actionId);
        if (_materializeLazy(pair, executorId, actionId) == BreakerState.CLOSED) {
            revert AlreadyInState(BreakerState.CLOSED);
        }
        _transition(pair, executorId, actionId, BreakerState.CLOSED, TransitionReason.GUARDIAN_RESET);
    }

    /// @inheritdoc ICircuitBreaker
    /// @dev Needs `GUARDIAN`; blocked while paused. Reverts `InvalidTransition(CLOSED,
    /// HALF_OPEN)` from CLOSED and `AlreadyInState(HALF_OPEN)` when effectively HALF_OPEN
    /// (including an OPEN breaker whose cooldown has elapsed).
    function forceHalfOpen(uint64 executorId, bytes32 actionId) external onlyRole(GUARDIAN_ROLE) whenNotPaused {
        _requirePair(executorId, actionId);
        BreakerMachine.Pair storage pair = _pair(executorId, actionId);
        BreakerState state = _materializeLazy(pair, executorId, actionId);
        if (state == BreakerState.CLOSED) revert InvalidTransition(BreakerState.CLOSED, BreakerState.HALF_OPEN);
        if (state == BreakerState.HALF_OPEN) revert AlreadyInState(BreakerState.HALF_OPEN);
        _transition(pair, executorId, actionId, BreakerState.HALF_OPEN, TransitionReason.GUARDIAN_HALF_OPEN);
    }

    // ───────────────────────────── configuration ─────────────────────────────

    /// @inheritdoc ICircuitBreaker
    /// @dev Needs `ADMIN`; blocked while paused. Emits `ConfigSet`; moves no breaker.
    function setConfig(Config calldata config_) external onlyRole(DEFAULT_ADMIN_ROLE) whenNotPaused {
        _setConfig(config_);
    }

    // ───────────────────────────── queries ─────────────────────────────

    /// @inheritdoc ICircuitBreaker
    function config() external view returns (Config memory) {
        return _getCircuitBreakerStorage().config;
    }

    /// @inheritdoc ICircuitBreaker
    function status(uint64 executorId, bytes32 actionId) external view returns (BreakerStatus memory) {
        return _pair(executorId, actionId).status(_getCircuitBreakerStorage().config, uint64(block.timestamp));
    }

    /// @inheritdoc ICircuitBreaker
    function counters(uint64 executorId, bytes32 actionId) external view returns (BreakerCounters memory) {
        BreakerMachine.Pair storage pair = _pair(executorId, actionId);
        return BreakerCounters(pair.requests, pair.rejections, pair.successes, pair.failures, pair.trips);
    }

    // ───────────────────────────── internals ─────────────────────────────

    /// @dev Applies a due cooldown (OPEN → HALF_OPEN, COOLDOWN_ELAPSED) and returns the
    /// state the call then acts on.
    function _materialize(
        BreakerMachine.Pair storage pair,
        uint64 executorId,
        bytes32 actionId,
        uint32 cooldown
    ) private returns (BreakerState) {
        if (pair.cooldownElapsed(cooldown, block.timestamp)) {
            _transition(pair, executorId, actionId, BreakerState.HALF_OPEN, TransitionReason.COOLDOWN_ELAPSED);
            return BreakerState.HALF_OPEN;
        }
        return pair.state;
    }

    /// @dev `_materialize` for calls that need the config only when the pair is OPEN.
    function _materializeLazy(
        BreakerMachine.Pair storage pair,
        uint64 executorId,
        bytes32 actionId
    ) private returns (BreakerState state) {
        state = pair.state;
        if (state == BreakerState.OPEN) {
            state = _materialize(pair, executorId, actionId, _getCircuitBreakerStorage().config.cooldown);
        }
    }

    function _transition(
        BreakerMachine.Pair storage pair,
        uint64 executorId,
        bytes32 actionId,
        BreakerState to,
        TransitionReason reason
    ) private {
        BreakerState from = pair.state;
        pair.enter(to, uint64(block.timestamp));
        emit BreakerTransition(executorId, actionId, from, to, reason);
    }

    function _deny(
        BreakerMachine.Pair storage pair,
        uint64 executorId,
        bytes32 actionId,
        uint16 code,
        uint64 retryAt
    ) private returns (bool, uint64) {
        pair.rejections += 1;
        emit RequestDenied(executorId, actionId, code, retryAt);
        return (false, retryAt);
    }

    function _setConfig(Config calldata config_) private {
        _validate(config_);
        _getCircuitBreakerStorage().config = config_;
        emit ConfigSet(config_.failureThreshold, config_.cooldown, config_.halfOpenMaxProbes, config_.successThreshold);
    }

    /// @dev spec/circuit-breaker.md "Validation order of a Config".
    function _validate(Config calldata c) private pure {
        if (c.failureThreshold == 0 || c.failureThreshold > MAX_FAILURE_THRESHOLD) {
            revert InvalidFailureThreshold(c.failureThreshold);
        }
        if (c.cooldown == 0 || c.cooldown > MAX_COOLDOWN) revert InvalidCooldown(c.cooldown);
        if (c.halfOpenMaxProbes == 0 || c.halfOpenMaxProbes > MAX_PROBES) revert InvalidProbeLimit(c.halfOpenMaxProbes);
        if (c.successThreshold == 0 || c.successThreshold > c.halfOpenMaxProbes) {
            revert InvalidSuccessThreshold(c.successThreshold, c.halfOpenMaxProbes);
        }
    }

    /// @dev `CONSUMER` holders pass with one read of the pause word when cached (decision 0046).
    function _cachedRole() internal pure override returns (bytes32) {
        return CONSUMER_ROLE;
    }

    /// @dev This contract's release version (spec `version`, generated into VagusVersions).
    function _version() internal pure virtual override returns (string memory) {
        return VagusVersions.CIRCUIT_BREAKER;
    }

    /// @dev spec/circuit-breaker.json roles: ADMIN, GUARDIAN, CONSUMER, REPORTER.
    function _isKnownRole(bytes32 role) internal pure override returns (bool) {
        return role == DEFAULT_ADMIN_ROLE || role == GUARDIAN_ROLE || role == CONSUMER_ROLE || role == REPORTER_ROLE;
    }

    function _pair(uint64 executorId, bytes32 actionId) private view returns (BreakerMachine.Pair storage) {
        return _getCircuitBreakerStorage().pairs[executorId][actionId];
    }

    function _getCircuitBreakerStorage() private pure returns (CircuitBreakerStorage storage $) {
        // solhint-disable-next-line no-inline-assembly
        assembly {
            $.slot := CIRCUIT_BREAKER_STORAGE_LOCATION
        }
    }
}
