// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/// @title ReflexNotify
/// @notice Delivery of a notification into the reflex arc whose failure must be caught and
/// recorded, never silently lost and never fatal to the sender (spec/safety-core.md §1.5,
/// §2.3).
/// @dev A Solidity `try` does not catch a call to an address without code (the check runs
/// in the caller and reverts it), so delivery is a low-level call after an explicit code
/// check. A failure caused by the sender's caller starving the call of gas (EIP-150 keeps
/// 1/64 back) is not a refusal of the reflex arc: it reverts the whole call instead of being
/// recorded as a failed notification, so nobody can choose a gas limit that skips reflexes.
/// The call gets at most `NOTIFY_GAS`: a reflex arc that runs out of it fails alone and is
/// recorded, while the tone update or evidence post stands (spec/safety-core.md §1.5).
library ReflexNotify {
    /// @notice Gas a notification may use, the reflex arc's calls into the issuer included
    /// (spec/safety-core.md §1.5). The heaviest real notification (SHUTDOWN: fire and revoke
    /// all) uses under a fifth of it.
    uint256 internal constant NOTIFY_GAS = 300_000;

    /// @notice Calls `target` with `data`; true when it ran and did not revert.
    /// @param target The reflex arc.
    /// @param data The encoded call.
    /// @return ok Whether the notification was delivered.
    function deliver(address target, bytes memory data) internal returns (bool ok) {
        if (target.code.length == 0) return false;
        uint256 before = gasleft();
        assembly ("memory-safe") {
            // No return data is copied: a refusal's payload does not matter, only that it refused.
            // A gas argument above what is left forwards all but 1/64 of it (EIP-150).
            ok := call(NOTIFY_GAS, target, 0, add(data, 32), mload(data), 0, 0)
        }
        if (!ok && gasleft() <= before / 64) {
            // Out of gas forwarded by the 63/64 rule: the caller gave too little gas.
            assembly ("memory-safe") {
                revert(0, 0)
            }
        }
    }
}
