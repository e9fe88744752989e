//! Messages of the CircuitBreaker, named per spec/README.md "Naming on each stack".
//! Enums (`BreakerState`, `TransitionReason`) travel as JSON numbers.

use cosmwasm_schema::{cw_serde, QueryResponses};
use cosmwasm_std::{HexBinary, Uint64};
pub use vagus_common::pause::PausedResponse;
pub use vagus_common::roles::HasRoleResponse;

/// One global breaker configuration.
#[cw_serde]
#[derive(Copy, Eq)]
pub struct Config {
    /// F: consecutive failures in CLOSED that open the breaker (1..=1000).
    pub failure_threshold: u32,
    /// C: seconds OPEN before it becomes HALF_OPEN (1..=2592000).
    pub cooldown: u32,
    /// P: requests admitted while HALF_OPEN (1..=1000).
    pub half_open_max_probes: u32,
    /// S: successes while HALF_OPEN that close the breaker (1..=P).
    pub success_threshold: u32,
}

#[cw_serde]
pub struct InstantiateMsg {
    /// Receives the `admin` role (and nothing else).
    pub admin: String,
    pub config: Config,
}

#[vagus_common::frame_execute]
#[cw_serde]
pub enum ExecuteMsg {
    /// CONSUMER, blocked while paused: asks the pair's breaker to admit one use. A refusal
    /// is a denial (not an error). Response data: `RequestResponse`.
    Request {
        executor_id: Uint64,
        action_id: HexBinary,
    },
    /// CONSUMER, blocked while paused: gives back an admission of `request` that was not
    /// used (a HALF_OPEN probe; nothing otherwise). Response data: `ReleaseResponse`.
    Release {
        executor_id: Uint64,
        action_id: HexBinary,
    },
    /// REPORTER, works while paused: the outcome of one capability use.
    RecordOutcome {
        executor_id: Uint64,
        action_id: HexBinary,
        success: bool,
    },
    /// GUARDIAN, works while paused: opens the breaker.
    Trip {
        executor_id: Uint64,
        action_id: HexBinary,
    },
    /// GUARDIAN, blocked while paused: closes an open or half-open breaker.
    Reset {
        executor_id: Uint64,
        action_id: HexBinary,
    },
    /// GUARDIAN, blocked while paused: moves an open breaker to HALF_OPEN.
    ForceHalfOpen {
        executor_id: Uint64,
        action_id: HexBinary,
    },
    /// ADMIN, blocked while paused.
    SetConfig { config: Config },
}

#[vagus_common::frame_query]
#[cw_serde]
#[derive(QueryResponses)]
pub enum QueryMsg {
    #[returns(Config)]
    Config {},
    #[returns(BreakerStatus)]
    Status {
        executor_id: Uint64,
        action_id: HexBinary,
    },
    #[returns(BreakerCounters)]
    Counters {
        executor_id: Uint64,
        action_id: HexBinary,
    },
}

pub use vagus_common::migrate::MigrateMsg;

/// Response data of `release`.
#[cw_serde]
pub struct ReleaseResponse {
    /// Whether a probe was given back.
    pub released: bool,
}

/// Response data of `request`.
#[cw_serde]
pub struct RequestResponse {
    pub allowed: bool,
    /// When a retry can pass: `opened_at + cooldown` when OPEN, 0 otherwise.
    pub retry_at: Uint64,
}

/// The effective state of a pair's breaker at the query's block time.
#[cw_serde]
pub struct BreakerStatus {
    /// BreakerState: 0 CLOSED, 1 OPEN, 2 HALF_OPEN.
    pub state: u8,
    pub consecutive_failures: u32,
    pub probes_admitted: u32,
    pub half_open_successes: u32,
    /// When the breaker last entered OPEN (0 if never).
    pub opened_at: Uint64,
    /// CLOSED: now; OPEN: `opened_at + cooldown`; HALF_OPEN: now if a probe is left, else 0.
    pub next_request_at: Uint64,
}

#[cw_serde]
pub struct BreakerCounters {
    pub requests: Uint64,
    pub rejections: Uint64,
    pub successes: Uint64,
    pub failures: Uint64,
    pub trips: Uint64,
}
