//! Vagus CapabilityIssuer for CosmWasm: the issuance pipeline (pause, caller, intent
//! window, nonce, pre-state root, ANS guard, brake, breaker, rate limit, mint), the
//! non-transferable capability token with cw721-style read views, single revocation and
//! O(1) revocation of all an executor's tokens by epoch (spec/safety-core.md §4).

pub mod contract;
pub mod error;
pub mod links;
pub mod msg;
pub mod state;

#[cfg(test)]
mod testing;

pub use crate::error::ContractError;
