//! Messages of the RateLimiter, named per spec/README.md "Naming on each stack":
//! operation `setPairConfig` is `ExecuteMsg::SetPairConfig`, `uint64` is `Uint64`,
//! `bytes32` is a 32-byte `HexBinary`, addresses are bech32 strings.

use cosmwasm_schema::{cw_serde, QueryResponses};
use cosmwasm_std::{HexBinary, Uint64};
pub use vagus_common::pause::PausedResponse;
pub use vagus_common::roles::HasRoleResponse;

/// A window shape and budget: at most `capacity` consumptions in any `window` seconds,
/// counted in a ring of `buckets` sub-buckets of `window / buckets` seconds each.
#[cw_serde]
#[derive(Copy, Eq)]
pub struct Config {
    /// N: allowed consumptions per window (1..=u32::MAX).
    pub capacity: u32,
    /// W: window length in seconds (1..=2592000).
    pub window: u32,
    /// K: ring size (1..=64), must divide `window`.
    pub buckets: u8,
}

/// How far a GUARDIAN (without ADMIN) may raise a pair's capacity, set by ADMIN. Both 0
/// (the initial value): guardians cannot raise.
#[cw_serde]
#[derive(Copy, Eq, Default)]
pub struct RaiseBounds {
    /// Ceiling in percent of the pair's configured capacity (0..=10000).
    pub max_percent: u32,
    /// Longest guardian raise in seconds (0..=604800).
    pub max_duration: u32,
}

#[cw_serde]
pub struct InstantiateMsg {
    /// Receives the `admin` role (and nothing else).
    pub admin: String,
    /// The configuration of every pair without an override.
    pub default_config: Config,
}

#[vagus_common::frame_execute]
#[cw_serde]
pub enum ExecuteMsg {
    /// CONSUMER, blocked while paused. Spends one unit of the pair's budget if the window
    /// has room; otherwise records a `RateLimited` denial (not an error). Response data:
    /// `ConsumeResponse`.
    Consume {
        executor_id: Uint64,
        action_id: HexBinary,
    },
    /// ADMIN, blocked while paused.
    SetDefaultConfig { config: Config },
    /// ADMIN, blocked while paused: a per-pair override of the default.
    SetPairConfig {
        executor_id: Uint64,
        action_id: HexBinary,
        config: Config,
    },
    /// ADMIN, blocked while paused: removes a pair's override.
    ClearPairConfig {
        executor_id: Uint64,
        action_id: HexBinary,
    },
    /// GUARDIAN (within `raise_bounds`) or ADMIN, blocked while paused: the pair's
    /// capacity is `capacity` for `duration` seconds, then falls back by itself. The
    /// window's usage is kept.
    RaiseCapacity {
        executor_id: Uint64,
        action_id: HexBinary,
        capacity: u32,
        duration: u32,
    },
    /// GUARDIAN or ADMIN, allowed while paused: ends the pair's active raise now.
    RestoreCapacity {
        executor_id: Uint64,
        action_id: HexBinary,
    },
    /// ADMIN, blocked while paused: how far guardians may raise.
    SetRaiseBounds { bounds: RaiseBounds },
}

#[vagus_common::frame_query]
#[cw_serde]
#[derive(QueryResponses)]
pub enum QueryMsg {
    #[returns(Config)]
    DefaultConfig {},
    #[returns(PairConfigResponse)]
    PairConfig {
        executor_id: Uint64,
        action_id: HexBinary,
    },
    #[returns(UsageResponse)]
    Usage {
        executor_id: Uint64,
        action_id: HexBinary,
    },
    #[returns(CountersResponse)]
    Counters {
        executor_id: Uint64,
        action_id: HexBinary,
    },
    #[returns(CapacityRaiseResponse)]
    CapacityRaise {
        executor_id: Uint64,
        action_id: HexBinary,
    },
    #[returns(RaiseBounds)]
    RaiseBounds {},
}

pub use vagus_common::migrate::MigrateMsg;

/// Response data of `consume`.
#[cw_serde]
pub struct ConsumeResponse {
    pub allowed: bool,
    /// When a retry can pass if nothing else is consumed; 0 when allowed.
    pub retry_at: Uint64,
}

#[cw_serde]
pub struct PairConfigResponse {
    pub has_override: bool,
    /// The effective configuration (the override, else the default).
    pub config: Config,
}

#[cw_serde]
pub struct UsageResponse {
    pub used: u32,
    pub capacity: u32,
    pub retry_at: Uint64,
}

#[cw_serde]
pub struct CountersResponse {
    pub requests: Uint64,
    pub rejections: Uint64,
}

/// A pair's raise at the current block time; all zero when none is active.
#[cw_serde]
pub struct CapacityRaiseResponse {
    pub active: bool,
    pub capacity: u32,
    pub until: Uint64,
}
