// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {ReflexArc} from "../ReflexArc.sol";

/// @title ReflexArcV2 (test only)
/// @notice An upgrade target for the frame's upgrade tests. Not part of the protocol.
contract ReflexArcV2 is ReflexArc {
    /// @dev A release version above every V1's, so upgrade tests see `version()` change.
    function _version() internal pure override returns (string memory) {
        return "2.0.0";
    }
}
