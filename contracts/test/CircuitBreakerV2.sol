// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {CircuitBreaker} from "../CircuitBreaker.sol";

/// @title CircuitBreakerV2 (test only)
/// @notice An upgrade target for the upgrade tests. Not part of the protocol.
contract CircuitBreakerV2 is CircuitBreaker {
    /// @notice The implementation's version.
    /// @return Always 2.
    function testVersion() external pure returns (uint256) {
        return 2;
    }
}
