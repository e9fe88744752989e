// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {VagusAccessFrame} from "./common/VagusAccessFrame.sol";
import {VagusVersions} from "./common/VagusVersions.sol";
import {IVagalBrake} from "./interfaces/IVagalBrake.sol";
import {CanonicalCbor} from "./libraries/CanonicalCbor.sol";

/// @title VagalBrake
/// @notice Per action, a schema of up to eight parameters: which are brakeable and their
/// absolute caps. `applyBrake` scales brakeable values by floor(v × factor / 10,000), checks
/// the caps after scaling, and commits to the parameters and the limits as canonical CBOR
/// maps with sha256 and keccak-256 (spec/safety-core.md §3).
/// @dev UUPS implementation behind an ERC-1967 proxy; ERC-7201 storage. Each parameter is
/// one word (name ≤ 16 bytes kept as `bytes16` with its length), so applying the brake
/// reads 1 + n words.
contract VagalBrake is VagusAccessFrame, IVagalBrake {
    /// @notice Largest schema.
    uint256 public constant MAX_PARAMS = 8;
    /// @notice Longest parameter name, in bytes.
    uint256 public constant MAX_PARAM_NAME_BYTES = 16;
    /// @notice Largest factor, basis points (100%).
    uint16 public constant MAX_FACTOR_BP = 10_000;
    uint16 private constant ACTION_NOT_CONFIGURED = 6100;
    uint16 private constant BRAKE_CAP_EXCEEDED = 6101;

    /// @dev One parameter in one word: name 128 | nameLength 8 | brakeable 8 | cap 64.
    struct Param {
        bytes16 name;
        uint8 nameLength;
        bool brakeable;
        uint64 cap;
    }

    /// @dev An action's schema: its count (0 = none), then one word per parameter.
    struct Schema {
        uint8 count;
        Param[8] params;
    }

    /// @custom:storage-location erc7201:vagus.storage.VagalBrake
    struct BrakeStorage {
        mapping(bytes32 actionId => Schema) schemas;
    }

    // keccak256(abi.encode(uint256(keccak256("vagus.storage.VagalBrake")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant BRAKE_STORAGE_LOCATION =
        0xac70ff91972542876c711dd9550522d22de510baa5408eff6b32128564602f00;

    /// @notice Sets up a proxy: `ADMIN` to `admin`.
    /// @param admin The first `ADMIN` (governance).
    function initialize(address admin) external initializer {
        __VagusAccessFrame_init(admin);
    }

    /// @inheritdoc IVagalBrake
    /// @dev Needs `ADMIN`; blocked while paused. Checks per index in order, the name before
    /// its order against the previous one.
    function setActionSchema(
        bytes32 actionId,
        ParamSpec[] calldata params
    ) external onlyRole(DEFAULT_ADMIN_ROLE) whenNotPaused {
        if (actionId == bytes32(0)) revert InvalidActionId();
        uint256 n = params.length;
        // Safe cast: calldata cannot hold 2^32 array entries (gas).
        if (n == 0 || n > MAX_PARAMS) revert InvalidParamCount(uint32(n));
        Schema storage schema = _s().schemas[actionId];
        for (uint256 i; i < n; ++i) {
            bytes memory name = bytes(params[i].name);
            if (name.length == 0 || name.length > MAX_PARAM_NAME_BYTES) revert InvalidParamName(uint8(i));
            if (i > 0 && !CanonicalCbor.keyLess(bytes(params[i - 1].name), name)) revert ParamOrder(uint8(i));
            // Safe cast: 1 ≤ length ≤ 16.
            schema.params[i] = Param(bytes16(name), uint8(name.length), params[i].brakeable, params[i].cap);
        }
        schema.count = uint8(n);
        emit ActionSchemaSet(actionId, uint8(n));
    }

    /// @inheritdoc IVagalBrake
    /// @dev Needs `ADMIN`; blocked while paused.
    function clearActionSchema(bytes32 actionId) external onlyRole(DEFAULT_ADMIN_ROLE) whenNotPaused {
        if (actionId == bytes32(0)) revert InvalidActionId();
        Schema storage schema = _s().schemas[actionId];
        if (schema.count == 0) revert NoActionSchema(actionId);
        schema.count = 0; // the parameter words are ignored beyond the count
        emit ActionSchemaCleared(actionId);
    }

    /// @inheritdoc IVagalBrake
    /// @dev Reverts `Paused` while paused (a paused brake stops issuance), then
    /// `InvalidActionId`, `InvalidFactor`, `ParamCountMismatch`.
    function applyBrake(
        bytes32 actionId,
        uint64[] calldata values,
        uint16 factorBp
    ) external view returns (BrakeResult memory result) {
        _requireNotPaused();
        if (actionId == bytes32(0)) revert InvalidActionId();
        if (factorBp > MAX_FACTOR_BP) revert InvalidFactor(factorBp);
        Schema storage schema = _s().schemas[actionId];
        uint256 n = schema.count;
        if (n == 0) {
            result.code = ACTION_NOT_CONFIGURED;
            return result;
        }
        if (values.length != n) revert ParamCountMismatch(uint32(n), uint32(values.length)); // n ≤ 8; calldata < 2^32

        // Both maps are written into fixed buffers: at most 1 + 8 × (17 + 9) bytes each, plus
        // one word of slack because keys and heads are written as whole words.
        uint64[] memory scaled = new uint64[](n);
        bytes memory params = new bytes(1 + n * 26 + 32);
        bytes memory limits = new bytes(1 + n * 26 + 32);
        uint256 pLen = _mapHead(params, n);
        uint256 lLen = _mapHead(limits, n);
        for (uint256 i; i < n; ++i) {
            Param memory p = schema.params[i];
            uint256 v = values[i];
            // Exact: a uint64 times ≤ 10,000 fits 78 bits; the quotient is ≤ the value.
            uint256 s = p.brakeable ? (v * factorBp) / MAX_FACTOR_BP : v;
            if (s > p.cap) {
                result.code = BRAKE_CAP_EXCEEDED;
                return result;
            }
            scaled[i] = uint64(s);
            uint256 key = _keyWord(p);
            pLen = _entry(params, pLen, key, p.nameLength + 1, v);
            lLen = _entry(limits, lLen, key, p.nameLength + 1, s);
        }
        _setLength(params, pLen);
        _setLength(limits, lLen);
        result.scaled = scaled;
        (result.paramsSha256, result.paramsKeccak256) = CanonicalCbor.hashes(params);
        (result.limitsSha256, result.limitsKeccak256) = CanonicalCbor.hashes(limits);
    }

    /// @inheritdoc IVagalBrake
    function actionSchema(bytes32 actionId) external view returns (ActionSchema memory) {
        Schema storage schema = _s().schemas[actionId];
        uint256 n = schema.count;
        ParamSpec[] memory params = new ParamSpec[](n);
        for (uint256 i; i < n; ++i) {
            Param memory p = schema.params[i];
            params[i] = ParamSpec(_name(p), p.brakeable, p.cap);
        }
        return ActionSchema(n != 0, params);
    }

    // ───────────────────────────── internals ─────────────────────────────

    /// @dev The canonical CBOR of a map key: head `0x60 | length` (a name is ≤ 16 bytes, so
    /// the head is one byte) then the name, left-aligned in a word.
    function _keyWord(Param memory p) private pure returns (uint256) {
        return ((0x60 | uint256(p.nameLength)) << 248) | (uint256(bytes32(p.name)) >> 8);
    }

    /// @dev Writes the map header (count ≤ 8 < 24: one byte) and returns the length written.
    function _mapHead(bytes memory buf, uint256 count) private pure returns (uint256) {
        assembly ("memory-safe") {
            mstore8(add(buf, 32), or(0xa0, count))
        }
        return 1;
    }

    /// @dev Appends `key` (its first `keyLength` bytes) and the unsigned integer `v` (< 2^64)
    /// in shortest form at offset `off`; returns the new length. Both are written as whole
    /// words: the bytes past each item are overwritten by the next one or lie past the end.
    function _entry(
        bytes memory buf,
        uint256 off,
        uint256 key,
        uint256 keyLength,
        uint256 v
    ) private pure returns (uint256) {
        uint256 head;
        uint256 size;
        if (v < 24) {
            (head, size) = (v << 248, 1);
        } else if (v < 1 << 8) {
            (head, size) = ((uint256(0x18) << 248) | (v << 240), 2);
        } else if (v < 1 << 16) {
            (head, size) = ((uint256(0x19) << 248) | (v << 232), 3);
        } else if (v < 1 << 32) {
            (head, size) = ((uint256(0x1a) << 248) | (v << 216), 5);
        } else {
            (head, size) = ((uint256(0x1b) << 248) | (v << 184), 9);
        }
        assembly ("memory-safe") {
            let ptr := add(add(buf, 32), off)
            mstore(ptr, key)
            mstore(add(ptr, keyLength), head)
        }
        return off + keyLength + size;
    }

    /// @dev Shrinks a buffer's length to what was written (its allocation stays).
    function _setLength(bytes memory buf, uint256 length) private pure {
        assembly ("memory-safe") {
            mstore(buf, length)
        }
    }

    /// @dev The name of a stored parameter as a string of its own length.
    function _name(Param memory p) private pure returns (string memory name) {
        bytes memory b = new bytes(p.nameLength);
        bytes16 packed = p.name;
        assembly ("memory-safe") {
            // The name's bytes, left-aligned, as one word: a 1..16-byte array owns one full
            // data word, and the bytes past the length are zero (bytes16 pads with zeros).
            mstore(add(b, 32), packed)
        }
        return string(b);
    }

    /// @dev This contract's release version (spec `version`, generated into VagusVersions).
    function _version() internal pure virtual override returns (string memory) {
        return VagusVersions.VAGAL_BRAKE;
    }

    /// @dev spec/vagal-brake.json roles: ADMIN, GUARDIAN.
    function _isKnownRole(bytes32 role) internal pure override returns (bool) {
        return role == DEFAULT_ADMIN_ROLE || role == GUARDIAN_ROLE;
    }

    function _s() private pure returns (BrakeStorage storage $) {
        assembly {
            $.slot := BRAKE_STORAGE_LOCATION
        }
    }
}
