// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IAfferentInbox} from "../interfaces/IAfferentInbox.sol";

/// @title GasBurningReflexArc (test only)
/// @notice A reflex arc that answers both notifications by burning every unit of gas it is
/// given, for the notification gas-limit tests (test/evm/reflex-gas.test.ts). Never deployed.
contract GasBurningReflexArc {
    /// @notice Incremented until the gas runs out (the write is undone with the call).
    uint256 public spins;

    /// @notice Burns all the gas it gets.
    function onStateTransition(uint64, uint8, uint8, uint32) external {
        _burn();
    }

    /// @notice Burns all the gas it gets.
    function onEvidence(uint64, IAfferentInbox.Metrics calldata) external {
        _burn();
    }

    function _burn() private {
        for (;;) ++spins;
    }
}
