// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {VagusAccessFrame} from "../common/VagusAccessFrame.sol";
import {VagusVersions} from "../common/VagusVersions.sol";
import {ICircuitBreaker} from "../interfaces/ICircuitBreaker.sol";
import {BreakerMachine} from "../libraries/BreakerMachine.sol";

/// @title CircuitBreakerBadLayoutV2 (test only)
/// @notice A deliberately incompatible upgrade target for the storage-layout check
/// (test/upgrades/storage-layout.test.ts): the breaker's namespaced struct with its two
/// fields swapped, so a proxy upgraded to it would read the config slot as the pairs map.
/// The check must reject it. Never deployed.
contract CircuitBreakerBadLayoutV2 is VagusAccessFrame {
    /// @custom:storage-location erc7201:vagus.storage.CircuitBreaker
    struct CircuitBreakerStorage {
        mapping(uint64 executorId => mapping(bytes32 actionId => BreakerMachine.Pair)) pairs;
        ICircuitBreaker.Config config;
    }

    // keccak256(abi.encode(uint256(keccak256("vagus.storage.CircuitBreaker")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant CIRCUIT_BREAKER_STORAGE_LOCATION =
        0xae02d589cac85f5f4cae99aed2c141e0b308175cc8c0c12a658bab405e886300;

    /// @notice The failure threshold, read through the swapped layout.
    /// @return The first config field.
    function failureThreshold() external view returns (uint32) {
        return _s().config.failureThreshold;
    }

    /// @dev This contract's release version (spec `version`, generated into VagusVersions).
    function _version() internal pure override returns (string memory) {
        return VagusVersions.CIRCUIT_BREAKER;
    }

    function _isKnownRole(bytes32) internal pure override returns (bool) {
        return false;
    }

    function _s() private pure returns (CircuitBreakerStorage storage $) {
        // solhint-disable-next-line no-inline-assembly
        assembly {
            $.slot := CIRCUIT_BREAKER_STORAGE_LOCATION
        }
    }
}
