//! Vagus governance timelock for CosmWasm: the operation semantics of OpenZeppelin 5's
//! `TimelockController` (spec/timelock.md). Proposers schedule calls (one or a batch) with
//! at least the minimum delay; executors run them once ready, in order, after their
//! predecessor; cancellers cancel pending ones; only the timelock itself changes the delay.
//! In production it is the `admin` of every other Vagus contract and their wasm admin, so
//! configuration and migrations pass through it.

pub mod contract;
pub mod error;
pub mod msg;
pub mod operation;
pub mod rollback;
pub mod state;

#[cfg(test)]
mod testing;

pub use crate::error::ContractError;
