// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

// Compiles OpenZeppelin's TimelockController into artifacts/evm (and typechain-types): the
// deploy toolkit puts it in front of every Vagus contract as the holder of ADMIN and of
// upgrades (docs/decisions/0011). The audited contract is deployed unchanged.
// solhint-disable-next-line no-unused-import
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
