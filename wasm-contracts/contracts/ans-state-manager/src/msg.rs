//! Messages of the ANSStateManager, named per spec/README.md "Naming on each stack".
//! `AnsState` travels as a JSON number: 0 SAFE, 1 DANGER, 2 SHUTDOWN.

use cosmwasm_schema::{cw_serde, QueryResponses};
use cosmwasm_std::{Addr, Uint64};
pub use vagus_common::pause::PausedResponse;
pub use vagus_common::roles::HasRoleResponse;

/// Thresholds (ppm), consecutive-reading counts and the dwell before relaxing to SAFE.
#[cw_serde]
#[derive(Copy, Eq)]
pub struct Config {
    pub danger_enter_ppm: u32,
    pub shutdown_enter_ppm: u32,
    pub safe_return_ppm: u32,
    pub danger_readings: u32,
    pub shutdown_readings: u32,
    pub safe_readings: u32,
    pub min_dwell: u32,
}

/// What a state allows: the brake factor and whether issuance is allowed at all.
#[cw_serde]
#[derive(Copy, Eq)]
pub struct Guard {
    pub factor_bp: u16,
    pub allowed: bool,
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
    /// ORACLE, works while paused. Response data: `UpdateToneResponse`.
    UpdateTone { executor_id: Uint64, tone_ppm: u32 },
    /// ADMIN, works while paused: the only way out of SHUTDOWN.
    OverrideState {
        executor_id: Uint64,
        to: u8,
        reason: String,
    },
    /// ADMIN, blocked while paused.
    SetGuard { state: u8, guard: Guard },
    /// ADMIN, blocked while paused.
    SetConfig { config: Config },
    /// ADMIN, blocked while paused; `null` unsets the link.
    SetReflexArc { reflex_arc: Option<String> },
}

#[vagus_common::frame_query]
#[cw_serde]
#[derive(QueryResponses)]
pub enum QueryMsg {
    #[returns(Config)]
    Config {},
    #[returns(Guard)]
    Guard { state: u8 },
    #[returns(GuardOfResponse)]
    GuardOf { executor_id: Uint64 },
    #[returns(ExecutorStateResponse)]
    ExecutorState { executor_id: Uint64 },
    #[returns(ReflexArcResponse)]
    ReflexArc {},
    #[returns(CountersResponse)]
    Counters {},
}

pub use vagus_common::migrate::MigrateMsg;

/// Response data of `update_tone`: the state after the reading.
#[cw_serde]
pub struct UpdateToneResponse {
    pub state: u8,
}

#[cw_serde]
pub struct GuardOfResponse {
    pub state: u8,
    pub factor_bp: u16,
    pub allowed: bool,
    /// Entries into SHUTDOWN so far; the issuer copies it into every token.
    pub shutdown_epoch: u32,
}

#[cw_serde]
pub struct ExecutorStateResponse {
    pub state: u8,
    pub tone_ppm: u32,
    pub danger_streak: u32,
    pub shutdown_streak: u32,
    pub safe_streak: u32,
    pub entered_at: Uint64,
    pub updated_at: Uint64,
    pub shutdown_epoch: u32,
}

#[cw_serde]
pub struct ReflexArcResponse {
    pub reflex_arc: Option<Addr>,
}

#[cw_serde]
pub struct CountersResponse {
    pub readings: Uint64,
    pub transitions: Uint64,
    pub notification_failures: Uint64,
}

/// The one message the manager sends to the reflex arc (its `on_state_transition`).
#[cw_serde]
pub enum ReflexArcExecuteMsg {
    OnStateTransition {
        executor_id: Uint64,
        from: u8,
        to: u8,
        tone_ppm: u32,
    },
}
