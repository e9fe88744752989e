// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {CapabilityIssuer} from "../CapabilityIssuer.sol";

/// @title CapabilityIssuerV2 (test only)
/// @notice An upgrade target for the frame's upgrade tests. Not part of the protocol.
contract CapabilityIssuerV2 is CapabilityIssuer {
    /// @notice The implementation's version.
    /// @return Always 2.
    function testVersion() external pure returns (uint256) {
        return 2;
    }
}
