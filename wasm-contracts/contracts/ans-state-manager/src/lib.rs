//! Vagus ANSStateManager for CosmWasm: per-executor autonomic state (SAFE, DANGER,
//! SHUTDOWN) driven by tone readings with hysteresis and dwell, guards per state, the
//! governance override and the reflex notification (spec/safety-core.md §1).

pub mod contract;
pub mod error;
pub mod machine;
pub mod msg;
pub mod state;

#[cfg(test)]
mod testing;

pub use crate::error::ContractError;
