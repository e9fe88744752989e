//! Vagus VagalBrake for CosmWasm: per-action parameter schemas and the brake that scales
//! an intent's brakeable parameters by the ANS factor, caps them and commits to the
//! result with dual hashes (spec/safety-core.md §3).

pub mod brake;
pub mod contract;
pub mod error;
pub mod msg;
pub mod state;

#[cfg(test)]
mod testing;

pub use crate::error::ContractError;
