//! Arithmetic of stored counters, one rule per kind of counter (spec/safety-core.md,
//! "Counters on CosmWasm"):
//!
//! - statistics (readings, transitions, posts, requests, issued, denied, fires,
//!   suppressed, notification failures, the breaker's and limiter's tallies) saturate with
//!   `saturating_add`: a tally at `u64::MAX` must never make a safety operation fail;
//! - identities and safety state (token ids, revocation epochs, balances) are checked with
//!   [`next`]: wrapping or sticking would reuse a token id or make `revoke_all` revoke
//!   nothing, so the call fails instead, as Solidity's checked `+ 1` reverts on the EVM.

use cosmwasm_std::{OverflowError, OverflowOperation, StdError, StdResult};

/// `value + 1`, or an overflow error at `u64::MAX`.
pub fn next(value: u64) -> StdResult<u64> {
    value
        .checked_add(1)
        .ok_or_else(|| StdError::overflow(OverflowError::new(OverflowOperation::Add)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_counts_up_and_refuses_to_wrap_at_the_top() {
        assert_eq!(next(0).unwrap(), 1);
        assert_eq!(next(u64::MAX - 1).unwrap(), u64::MAX);
        assert!(matches!(next(u64::MAX), Err(StdError::Overflow { .. })));
    }
}
