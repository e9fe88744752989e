//! Vagus CircuitBreaker for CosmWasm: CLOSED / OPEN / HALF_OPEN per (executor, action)
//! pair, with a lazy cooldown and bounded probes (spec/circuit-breaker.md).

pub mod breaker;
pub mod config;
pub mod contract;
pub mod error;
pub mod msg;
pub mod state;

#[cfg(test)]
mod testing;

pub use crate::error::ContractError;
