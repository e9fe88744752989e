// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {VagusVersions} from "../common/VagusVersions.sol";

/// @title VagusTimelock
/// @notice The EVM governance timelock of the Vagus protocol: OpenZeppelin 5's
/// TimelockController, unchanged. It holds ADMIN on every Vagus contract and authorizes
/// their UUPS upgrades; spec/timelock.json maps its functions, events and errors to the
/// spec (component `Timelock`), and `vagus-timelock` is its CosmWasm counterpart.
/// @dev A named contract so that deploy scripts and typechain have an artifact of the
/// project's own; no behaviour is added or overridden, only the `version()` view every
/// Vagus contract answers.
contract VagusTimelock is TimelockController {
    /// @notice Deploys the timelock with OpenZeppelin's constructor rules (spec/timelock.md §1).
    /// @param minDelay initial minimum delay in seconds
    /// @param proposers accounts granted PROPOSER_ROLE and CANCELLER_ROLE
    /// @param executors accounts granted EXECUTOR_ROLE (address(0) opens the role)
    /// @param admin optional extra DEFAULT_ADMIN_ROLE holder (address(0) for none)
    constructor(
        uint256 minDelay,
        address[] memory proposers,
        address[] memory executors,
        address admin
    ) TimelockController(minDelay, proposers, executors, admin) {}

    /// @notice The release version of this timelock (spec/timelock.json `version`), the
    /// same string the CosmWasm timelock records in cw2.
    /// @return The semver string.
    function version() external pure returns (string memory) {
        return VagusVersions.TIMELOCK;
    }
}
