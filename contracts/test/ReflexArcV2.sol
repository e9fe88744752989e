// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {ReflexArc} from "../ReflexArc.sol";

/// @title ReflexArcV2 (test only)
/// @notice An upgrade target for the frame's upgrade tests. Not part of the protocol.
contract ReflexArcV2 is ReflexArc {
    /// @notice The implementation's version.
    /// @return Always 2.
    function testVersion() external pure returns (uint256) {
        return 2;
    }
}
