// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {ANSStateManager} from "../ANSStateManager.sol";

/// @title ANSStateManagerV2 (test only)
/// @notice An upgrade target for the frame's upgrade tests. Not part of the protocol.
contract ANSStateManagerV2 is ANSStateManager {
    /// @notice The implementation's version.
    /// @return Always 2.
    function testVersion() external pure returns (uint256) {
        return 2;
    }
}
