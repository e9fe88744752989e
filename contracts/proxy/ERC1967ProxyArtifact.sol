// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

// Compiles OpenZeppelin's ERC1967Proxy into artifacts/evm (and typechain-types) so tests
// and the deploy toolkit put every Vagus implementation behind the same audited proxy.
// solhint-disable-next-line no-unused-import
import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";
