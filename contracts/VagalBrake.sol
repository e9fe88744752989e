// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {VagusAccessFrame} from "./common/VagusAccessFrame.sol";
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
    using CanonicalCbor for CanonicalCbor.Writer;

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

        Param[] memory ps = new Param[](n);
        uint64[] memory scaled = new uint64[](n);
        for (uint256 i; i < n; ++i) {
            Param memory p = schema.params[i];
            ps[i] = p;
            // Exact: a uint64 times ≤ 10,000 fits 78 bits; the quotient is ≤ the value.
            uint256 v = p.brakeable ? (uint256(values[i]) * factorBp) / MAX_FACTOR_BP : values[i];
            if (v > p.cap) {
                result.code = BRAKE_CAP_EXCEEDED;
                return result;
            }
            scaled[i] = uint64(v);
        }
        result.scaled = scaled;
        (result.paramsSha256, result.paramsKeccak256) = CanonicalCbor.hashes(_map(ps, values));
        (result.limitsSha256, result.limitsKeccak256) = CanonicalCbor.hashes(_mapMemory(ps, scaled));
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

    /// @dev `{name_i: values[i]}`; schema order is canonical key order (checked when set).
    function _map(Param[] memory ps, uint64[] calldata values) private pure returns (bytes memory) {
        CanonicalCbor.Writer memory w = CanonicalCbor.writer(ps.length * 27 + 1);
        w.writeMapHeader(uint64(ps.length));
        for (uint256 i; i < ps.length; ++i) {
            w.writeText(_name(ps[i]));
            w.writeUint64(values[i]);
        }
        return w.finish();
    }

    function _mapMemory(Param[] memory ps, uint64[] memory values) private pure returns (bytes memory) {
        CanonicalCbor.Writer memory w = CanonicalCbor.writer(ps.length * 27 + 1);
        w.writeMapHeader(uint64(ps.length));
        for (uint256 i; i < ps.length; ++i) {
            w.writeText(_name(ps[i]));
            w.writeUint64(values[i]);
        }
        return w.finish();
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
