//! Vagus AfferentInbox for CosmWasm: attestors post evidence (a state root and typed
//! metrics); the contract encodes the canonical CBOR itself, keeps the latest per
//! executor with both hashes, and notifies the reflex arc (spec/safety-core.md §2).

pub mod contract;
pub mod error;
pub mod evidence;
pub mod msg;
pub mod state;

#[cfg(test)]
mod testing;

pub use crate::error::ContractError;
