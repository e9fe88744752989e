// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/// @title MalformedBrake (test only)
/// @notice Answers `applyBrake` with whatever bytes it was given, raw, so the issuer's
/// fixed-offset reading of the brake's result (docs/decisions/0047) can be tested on short,
/// misplaced and out-of-range results (test/evm/capability-issuer.test.ts). Never deployed.
contract MalformedBrake {
    bytes private answer;

    /// @notice Sets the raw bytes `applyBrake` returns.
    /// @param answer_ The returndata.
    function setAnswer(bytes calldata answer_) external {
        answer = answer_;
    }

    /// @notice Returns the configured bytes as returndata, not ABI-encoded.
    function applyBrake(bytes32, uint64[] calldata, uint16) external view returns (bytes memory) {
        bytes memory out = answer;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            return(add(out, 32), mload(out))
        }
    }
}
