//! Vagus ReflexArc for CosmWasm: revokes an executor's tokens (one `revoke_all` on the
//! issuer, an epoch bump) on ANS transitions, on evidence past danger thresholds, and on
//! a guardian's manual trigger, with a cooldown per executor (spec/safety-core.md §5).

pub mod contract;
pub mod error;
pub mod msg;
pub mod state;

#[cfg(test)]
mod testing;

pub use crate::error::ContractError;
