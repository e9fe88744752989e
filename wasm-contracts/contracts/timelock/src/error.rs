//! Timelock errors (spec/timelock.json `errors`): the frame's, then `90xx`.

vagus_common::vagus_errors! {
    /// Every error the timelock reverts with: the frame's (roles, addresses, migration),
    /// then OpenZeppelin TimelockController's errors (`9002`..`9005`) and the CosmWasm-only
    /// input errors (`9006`, `9007`).
    pub enum ContractError: frame {
        /// `delay` is below the minimum delay.
        9002 TimelockInsufficientDelay { delay: u64, min_delay: u64 } => "delay {delay} s is below the minimum delay {min_delay} s",
        /// The operation is not in one of the expected states (bitmap `1 << state`, as bytes32 hex).
        9003 TimelockUnexpectedOperationState { operation_id: String, expected_states: String } => "operation {operation_id} is not in the expected state(s) {expected_states}",
        /// The predecessor is not Done.
        9004 TimelockUnexecutedPredecessor { predecessor_id: String } => "predecessor {predecessor_id} has not been executed",
        /// `update_delay` not sent by the timelock itself.
        9005 TimelockUnauthorizedCaller { caller: String } => "{caller} is not the timelock; the delay changes only through a scheduled operation",
        /// `block time + delay` does not fit in 64 bits.
        9006 TimelockDelayOverflow { delay: u64 } => "a delay of {delay} s overflows the clock",
        /// A 32-byte argument (id, predecessor, salt) of another length.
        9007 TimelockInvalidBytes32 { field: String } => "{field} must be exactly 32 bytes",
    }
}
