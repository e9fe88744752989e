// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/// @title NotUUPSImplementation (test only)
/// @notice Claims a proxiable UUID that is not the ERC-1967 implementation slot, so an
/// upgrade to it must revert `UUPSUnsupportedProxiableUUID`.
contract NotUUPSImplementation {
    /// @notice A wrong ERC-1822 UUID.
    /// @return A slot other than the ERC-1967 implementation slot.
    function proxiableUUID() external pure returns (bytes32) {
        return keccak256("not the implementation slot");
    }
}
