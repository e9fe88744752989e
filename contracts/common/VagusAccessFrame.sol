// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {AccessControlUpgradeable} from "@openzeppelin/contracts-upgradeable/access/AccessControlUpgradeable.sol";
import {PausableUpgradeable} from "@openzeppelin/contracts-upgradeable/utils/PausableUpgradeable.sol";
import {ERC1967Utils} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Utils.sol";

/// @title VagusAccessFrame
/// @notice The frame every Vagus contract shares (spec/frame.md): a fixed role set, `ADMIN`
/// administering every role, a last-admin guard, guardian pause / admin unpause, and UUPS
/// upgrades authorized by `ADMIN`.
/// @dev Check order of every execute: the caller's role (`onlyRole`), then pause
/// (`whenNotPaused`, only on liveness operations), then the arguments in the order they are
/// listed, then effects. `ADMIN` is OpenZeppelin's `DEFAULT_ADMIN_ROLE` (0x00); role admins
/// are never changed, so `getRoleAdmin` is `ADMIN` for every role.
abstract contract VagusAccessFrame is Initializable, AccessControlUpgradeable, PausableUpgradeable, UUPSUpgradeable {
    /// @notice Incident responders: pause fast, trip and reset breakers.
    bytes32 public constant GUARDIAN_ROLE = keccak256("GUARDIAN_ROLE");

    /// @notice The emergency key, held apart from governance: `emergencyRollback` only.
    bytes32 public constant EMERGENCY_ROLE = keccak256("EMERGENCY_ROLE");

    /// @notice A role management call named a role this contract does not define (1004).
    error UnknownRole(bytes32 role);
    /// @notice An address argument is the zero address (1005).
    error InvalidAddress();
    /// @notice executorId 0 is reserved (1006).
    error InvalidExecutorId();
    /// @notice actionId is all zero bytes (1007).
    error InvalidActionId();
    /// @notice Revoking or renouncing `ADMIN` from its last holder (1009).
    error LastAdmin();
    /// @notice A `reason` argument is the empty string (1010).
    error EmptyReason();
    /// @notice A `reason` argument is longer than 256 bytes of UTF-8; `length` is its byte length (1011).
    error ReasonTooLong(uint32 length);

    /// @notice emergencyRollback to an implementation no ADMIN upgrade ever replaced (1204).
    error RollbackNotApproved();
    /// @notice emergencyRollback to the current implementation (1206).
    error NotARollback();

    /// @notice The EMERGENCY key returned the proxy to `implementation`.
    /// @param implementation The implementation now behind the proxy.
    /// @param account The EMERGENCY holder.
    /// @param reason Why (1 ..= 256 bytes).
    event EmergencyRollback(address indexed implementation, address indexed account, string reason);

    /// @dev Longest `reason`, in bytes (spec/safety-core.md §0 "Reasons").
    uint256 internal constant MAX_REASON_BYTES = 256;

    /// @custom:storage-location erc7201:vagus.storage.AccessFrame
    struct AccessFrameStorage {
        // Number of accounts holding ADMIN. AccessControl's role mapping cannot be
        // enumerated, and the LastAdmin guard needs the count in O(1).
        uint256 adminCount;
    }

    // keccak256(abi.encode(uint256(keccak256("vagus.storage.AccessFrame")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant ACCESS_FRAME_STORAGE_LOCATION =
        0xb4a7fec728661d6b83680bfa9941d880f4fd86c2099f0f03f62d642d5f6f9400;

    /// @custom:storage-location erc7201:vagus.storage.Rollback
    struct RollbackStorage {
        // Implementations an ADMIN upgrade replaced: the only ones emergencyRollback
        // installs. Written in _authorizeUpgrade, never by the emergency path itself.
        mapping(address implementation => bool) approved;
    }

    // keccak256(abi.encode(uint256(keccak256("vagus.storage.Rollback")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant ROLLBACK_STORAGE_LOCATION =
        0x6eabc1ddf06b558dab62c1b4470cbdac4b6c3aad34ae8a68ea115b48dc1a7100;

    /// @dev OpenZeppelin's `PausableStorage` slot (erc7201:openzeppelin.storage.Pausable). Its
    /// `bool _paused` is the low byte; bits 8..167 hold the caller cache (decision 0046): one
    /// account known to hold the contract's cached role, so a hot path reads its role and its
    /// pause in one word; bits 168..255 are the contract's own copy of a governance-set value
    /// (`_setCacheExtra`; zero = none). Code that does not know the cache reads only the low byte.
    bytes32 private constant PAUSE_WORD_LOCATION = 0xcd5ed15c6e187e77e9aee88184c21f4f2182ab5827cb3b7e07fbedcd63f03300;

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    // ───────────────────────────── roles ─────────────────────────────

    /// @notice Grants `role` to `account`. Granting a role already held changes nothing.
    /// @dev Reverts `AccessControlUnauthorizedAccount` unless the caller holds `ADMIN`, then
    /// `UnknownRole`, then `InvalidAddress`. Allowed while paused.
    /// @param role One of this contract's roles.
    /// @param account The account that receives it.
    function grantRole(bytes32 role, address account) public override onlyRole(DEFAULT_ADMIN_ROLE) {
        _requireKnownRole(role);
        _requireAddress(account);
        _grantRole(role, account);
    }

    /// @notice Revokes `role` from `account`. Revoking a role not held changes nothing.
    /// @dev Reverts `AccessControlUnauthorizedAccount` unless the caller holds `ADMIN`, then
    /// `UnknownRole`, then `InvalidAddress`, then `LastAdmin` if `account` is the only
    /// `ADMIN`. Allowed while paused (revocation is a safety operation).
    /// @param role One of this contract's roles.
    /// @param account The account that loses it.
    function revokeRole(bytes32 role, address account) public override onlyRole(DEFAULT_ADMIN_ROLE) {
        _requireKnownRole(role);
        _requireAddress(account);
        _revokeRole(role, account);
    }

    /// @notice Drops `role` from the caller. Renouncing a role not held changes nothing.
    /// @dev Anyone may call. Checks in spec/frame.md order: `AccessControlBadConfirmation`
    /// unless `callerConfirmation` is the caller, then `UnknownRole`, then `LastAdmin` if
    /// the caller is the only `ADMIN`.
    /// @param role One of this contract's roles.
    /// @param callerConfirmation Must be the caller's own address.
    function renounceRole(bytes32 role, address callerConfirmation) public override {
        if (callerConfirmation != _msgSender()) revert AccessControlBadConfirmation();
        _requireKnownRole(role);
        _revokeRole(role, callerConfirmation);
    }

    // ───────────────────────────── pause ─────────────────────────────

    /// @notice Stops the liveness operations of this contract (fast path for guardians).
    /// @dev Needs `GUARDIAN`; reverts `EnforcedPause` when already paused.
    function pause() external onlyRole(GUARDIAN_ROLE) {
        _pause();
    }

    /// @notice The incident procedure's name for `pause()`: same role, check and effect,
    /// so one command line pauses a contract on either stack.
    /// @dev Needs `GUARDIAN`; reverts `EnforcedPause` when already paused.
    function emergencyPause() external onlyRole(GUARDIAN_ROLE) {
        _pause();
    }

    /// @notice Resumes the liveness operations (deliberate: governance only).
    /// @dev Needs `ADMIN`; reverts `ExpectedPause` when not paused.
    function unpause() external onlyRole(DEFAULT_ADMIN_ROLE) {
        _unpause();
    }

    // ───────────────────────────── version ─────────────────────────────

    /// @notice The release version of the code behind this proxy: the `version` of the
    /// component's spec file, the same string its CosmWasm twin records in cw2.
    /// @return The semver string (`"0.1.0"`).
    function version() external pure returns (string memory) {
        return _version();
    }

    // ───────────────────────────── rollback ─────────────────────────────

    /// @notice Pauses (if running) and returns the proxy at once, without the timelock's
    /// delay, to `implementation`, which an ADMIN upgrade replaced before (spec/frame.md
    /// "Rollback"). It installs nothing else, and approves nothing: the implementation it
    /// leaves does not become a target.
    /// @dev Needs `EMERGENCY`; then `RollbackNotApproved`, `NotARollback`, then the reason
    /// (`EmptyReason`, `ReasonTooLong`). Allowed while paused. No initializer runs: the
    /// target ran on this storage before, and its storage rules (spec/frame.md) keep what
    /// later versions wrote readable.
    /// @param implementation A previously replaced implementation.
    /// @param reason Why, for the record (1 ..= 256 bytes).
    function emergencyRollback(
        address implementation,
        string calldata reason
    ) external onlyProxy onlyRole(EMERGENCY_ROLE) {
        if (!_getRollbackStorage().approved[implementation]) revert RollbackNotApproved();
        if (implementation == ERC1967Utils.getImplementation()) revert NotARollback();
        _requireReason(reason);
        if (!paused()) _pause();
        _clearCache();
        ERC1967Utils.upgradeToAndCall(implementation, "");
        emit EmergencyRollback(implementation, _msgSender(), reason);
    }

    /// @notice Whether `emergencyRollback` accepts `implementation`.
    /// @param implementation An implementation address.
    /// @return approved True once an ADMIN upgrade has replaced it behind this proxy.
    function isRollbackTarget(address implementation) external view returns (bool approved) {
        return _getRollbackStorage().approved[implementation];
    }

    // ───────────────────────────── internals ─────────────────────────────

    /// @dev Grants `ADMIN` to `admin` and nothing else.
    // solhint-disable-next-line func-name-mixedcase
    function __VagusAccessFrame_init(address admin) internal onlyInitializing {
        __AccessControl_init();
        __Pausable_init();
        __UUPSUpgradeable_init();
        _requireAddress(admin);
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    /// @dev The contract's release version (`VagusVersions.<COMPONENT>`).
    function _version() internal pure virtual returns (string memory);

    /// @dev Whether `role` belongs to this contract's fixed role set (its spec `roles`).
    function _isKnownRole(bytes32 role) internal pure virtual returns (bool);

    /// @dev EMERGENCY is a frame role: every component defines it (spec/common.json).
    function _requireKnownRole(bytes32 role) internal pure {
        if (role != EMERGENCY_ROLE && !_isKnownRole(role)) revert UnknownRole(role);
    }

    function _requireAddress(address account) internal pure {
        if (account == address(0)) revert InvalidAddress();
    }

    /// @dev A reason is 1 ..= 256 bytes; checked after the operation's other arguments.
    function _requireReason(string calldata reason) internal pure {
        uint256 length = bytes(reason).length;
        if (length == 0) revert EmptyReason();
        // Safe cast: calldata cannot hold 2^32 bytes (it would cost far more than a block's gas).
        if (length > MAX_REASON_BYTES) revert ReasonTooLong(uint32(length));
    }

    /// @dev The executor id check of per-executor operations.
    function _requireExecutor(uint64 executorId) internal pure {
        if (executorId == 0) revert InvalidExecutorId();
    }

    /// @dev The id checks every per-pair operation starts its argument validation with.
    function _requirePair(uint64 executorId, bytes32 actionId) internal pure {
        if (executorId == 0) revert InvalidExecutorId();
        if (actionId == bytes32(0)) revert InvalidActionId();
    }

    /// @dev Keeps the ADMIN count that the LastAdmin guard reads, and the caller cache: a
    /// grant of the cached role (even one already held) makes `account` the cached holder.
    function _grantRole(bytes32 role, address account) internal override returns (bool granted) {
        granted = super._grantRole(role, account);
        if (granted && role == DEFAULT_ADMIN_ROLE) {
            _getAccessFrameStorage().adminCount += 1;
        }
        if (role != DEFAULT_ADMIN_ROLE && role == _cachedRole()) {
            _setCachedHolder(account);
            _refreshCacheExtra();
        }
    }

    /// @dev Refuses to remove the last ADMIN; a no-op revoke (role not held) never reverts.
    function _revokeRole(bytes32 role, address account) internal override returns (bool revoked) {
        if (role == DEFAULT_ADMIN_ROLE && hasRole(role, account)) {
            AccessFrameStorage storage $ = _getAccessFrameStorage();
            if ($.adminCount == 1) revert LastAdmin();
            // Safe: the account holds ADMIN, so the count is at least 2 here.
            unchecked {
                $.adminCount -= 1;
            }
        }
        revoked = super._revokeRole(role, account);
        // The cache names only a current holder: losing the role (revoke or renounce) clears it.
        if (role != DEFAULT_ADMIN_ROLE && role == _cachedRole() && _cachedHolder() == account) {
            _setCachedHolder(address(0));
        }
    }

    // ───────────────────────────── caller cache (decision 0046) ─────────────────────────────

    /// @dev The role whose one holder is cached; ADMIN (0x00) means none. Invariant: a
    /// non-zero cached holder holds this role now. It is set only by a grant of the role, cleared
    /// by its revoke or renounce, and cleared whenever the implementation changes (upgrade or
    /// emergency rollback), since code without the cache could revoke the role unseen.
    function _cachedRole() internal pure virtual returns (bytes32) {
        return DEFAULT_ADMIN_ROLE;
    }

    /// @dev `onlyRole(_cachedRole()) whenNotPaused` in one modifier.
    modifier cachedRoleNotPaused() {
        _requireCachedRoleNotPaused();
        _;
    }

    /// @dev `onlyRole(_cachedRole())` then `whenNotPaused` (same checks, order and errors),
    /// reading one word for both when the caller is the cached holder.
    function _requireCachedRoleNotPaused() internal view {
        uint256 word = _pauseWord();
        if (address(uint160(word >> 8)) != _msgSender()) _checkRole(_cachedRole());
        if (uint8(word) != 0) revert EnforcedPause();
    }

    function _cachedHolder() internal view returns (address) {
        return address(uint160(_pauseWord() >> 8));
    }

    /// @dev The contract's cached copy (bits 168..255 of the pause word); zero = none.
    function _cacheExtra() internal view returns (uint256) {
        return _pauseWord() >> 168;
    }

    /// @dev Writes the contract's cached copy, keeping the pause byte and the cached holder.
    /// Whatever it copies must be written here on every change of its source.
    function _setCacheExtra(uint88 extra) internal {
        uint256 word = (_pauseWord() & ((1 << 168) - 1)) | (uint256(extra) << 168);
        // solhint-disable-next-line no-inline-assembly
        assembly {
            sstore(PAUSE_WORD_LOCATION, word)
        }
    }

    /// @dev Re-copies the contract's cached value from its source; runs on each grant of the
    /// cached role, so one grant after an upgrade restores every fast path.
    function _refreshCacheExtra() internal virtual {}

    function _pauseWord() private view returns (uint256 word) {
        // solhint-disable-next-line no-inline-assembly
        assembly {
            word := sload(PAUSE_WORD_LOCATION)
        }
    }

    /// @dev Drops the cached holder and the contract's copy (bits 8..255), keeping the pause byte.
    function _clearCache() private {
        uint256 word = _pauseWord() & 0xff;
        // solhint-disable-next-line no-inline-assembly
        assembly {
            sstore(PAUSE_WORD_LOCATION, word)
        }
    }

    /// @dev Rewrites bits 8..167 of the pause word; the pause byte and bits 168.. are kept.
    function _setCachedHolder(address holder) private {
        // solhint-disable-next-line no-inline-assembly
        assembly {
            let word := sload(PAUSE_WORD_LOCATION)
            let mask := shl(8, 0xffffffffffffffffffffffffffffffffffffffff)
            sstore(PAUSE_WORD_LOCATION, or(and(word, not(mask)), shl(8, holder)))
        }
    }

    /// @dev Upgrades need `ADMIN` (the timelock in production). The implementation being
    /// replaced becomes an emergency rollback target: governance had it running.
    function _authorizeUpgrade(address) internal virtual override onlyRole(DEFAULT_ADMIN_ROLE) {
        _getRollbackStorage().approved[ERC1967Utils.getImplementation()] = true;
        _clearCache();
    }

    function _getRollbackStorage() private pure returns (RollbackStorage storage $) {
        // solhint-disable-next-line no-inline-assembly
        assembly {
            $.slot := ROLLBACK_STORAGE_LOCATION
        }
    }

    function _getAccessFrameStorage() private pure returns (AccessFrameStorage storage $) {
        // solhint-disable-next-line no-inline-assembly
        assembly {
            $.slot := ACCESS_FRAME_STORAGE_LOCATION
        }
    }
}
