//! Vagus RateLimiter for CosmWasm: at most N consumptions per (executor, action) pair in
//! any W seconds, kept as a ring of K sub-buckets (spec/rate-limiter.md).

pub mod config;
pub mod contract;
pub mod error;
pub mod msg;
pub mod raise;
pub mod state;
pub mod window;

#[cfg(test)]
mod testing;

pub use crate::error::ContractError;
