// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {RateLimiter} from "../RateLimiter.sol";

/// @title RateLimiterV2 (test only)
/// @notice An upgrade target for the upgrade tests: same storage, one new function and a
/// reinitializer. Not part of the protocol; excluded from the spec drift test.
contract RateLimiterV2 is RateLimiter {
    /// @custom:storage-location erc7201:vagus.storage.RateLimiterV2Test
    struct V2Storage {
        uint256 marker;
    }

    // keccak256(abi.encode(uint256(keccak256("vagus.storage.RateLimiterV2Test")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant V2_STORAGE_LOCATION = 0x4e9315c6f300e4b17d7e77e7ce68db55fe789b02f0a6efa9dcd86ed3d3aa6600;

    /// @notice Second-version initializer, run through upgradeToAndCall.
    /// @param marker_ A value the upgrade tests read back.
    function initializeV2(uint256 marker_) external reinitializer(2) {
        _v2().marker = marker_;
    }

    /// @notice The implementation's version.
    /// @return Always 2.
    function testVersion() external pure returns (uint256) {
        return 2;
    }

    /// @notice The value given to `initializeV2`.
    /// @return The marker.
    function marker() external view returns (uint256) {
        return _v2().marker;
    }

    function _v2() private pure returns (V2Storage storage $) {
        // solhint-disable-next-line no-inline-assembly
        assembly {
            $.slot := V2_STORAGE_LOCATION
        }
    }
}
