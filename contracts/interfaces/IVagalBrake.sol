// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/// @title IVagalBrake
/// @notice Per action type, a parameter schema (which parameters are brakeable, absolute
/// caps); `applyBrake` scales an intent's values by the ANS factor, applies the caps and
/// commits to the parameters and the limits with dual hashes (spec/safety-core.md §3,
/// spec/vagal-brake.json).
interface IVagalBrake {
    /// @notice One parameter of an action's schema.
    struct ParamSpec {
        string name; // 1 ..= 16 bytes; names strictly increasing in canonical CBOR key order
        bool brakeable; // scaled by the factor
        uint64 cap; // absolute cap, applied after scaling
    }

    /// @notice An action's schema as the query returns it.
    struct ActionSchema {
        bool configured;
        ParamSpec[] params;
    }

    /// @notice The outcome of applying the brake.
    struct BrakeResult {
        uint16 code; // 0, 6100 (ActionNotConfigured) or 6101 (BrakeCapExceeded)
        uint64[] scaled;
        bytes32 paramsSha256;
        bytes32 paramsKeccak256;
        bytes32 limitsSha256;
        bytes32 limitsKeccak256;
    }

    /// @notice A schema has 0 or more than 8 parameters (6001).
    error InvalidParamCount(uint32 count);
    /// @notice A parameter name is empty or longer than 16 bytes (6002).
    error InvalidParamName(uint8 index);
    /// @notice Names not strictly increasing in canonical order; `index` is the later (6003).
    error ParamOrder(uint8 index);
    /// @notice clearActionSchema on an action without a schema (6004).
    error NoActionSchema(bytes32 actionId);
    /// @notice A factor above 10,000 bp (6005).
    error InvalidFactor(uint16 value);
    /// @notice values and the schema differ in length (6006).
    error ParamCountMismatch(uint32 expected, uint32 got);

    /// @notice An action's schema was set or replaced.
    /// @param actionId The action.
    /// @param paramCount Its number of parameters.
    event ActionSchemaSet(bytes32 indexed actionId, uint8 paramCount);
    /// @notice An action's schema was removed.
    /// @param actionId The action.
    event ActionSchemaCleared(bytes32 indexed actionId);

    /// @notice Sets or replaces an action's schema.
    /// @param actionId The action (non-zero).
    /// @param params 1 ..= 8 parameters in canonical key order.
    function setActionSchema(bytes32 actionId, ParamSpec[] calldata params) external;

    /// @notice Removes an action's schema.
    /// @param actionId The action (non-zero).
    function clearActionSchema(bytes32 actionId) external;

    /// @notice Scales `values` by `factorBp`, checks the caps and hashes parameters and limits.
    /// @param actionId The action (non-zero).
    /// @param values One value per schema parameter, in schema order.
    /// @param factorBp The factor, 0 ..= 10,000.
    /// @return The result; a denial is a code, not a revert.
    function applyBrake(
        bytes32 actionId,
        uint64[] calldata values,
        uint16 factorBp
    ) external view returns (BrakeResult memory);

    /// @notice An action's schema.
    /// @param actionId The action.
    /// @return Whether it has one, and its parameters (empty if none).
    function actionSchema(bytes32 actionId) external view returns (ActionSchema memory);
}
