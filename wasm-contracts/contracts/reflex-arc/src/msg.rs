//! Messages of the ReflexArc, named per spec/README.md "Naming on each stack".
//! `ReflexTrigger` travels as a JSON number: 1 ANS_DANGER, 2 ANS_SHUTDOWN, 3 EVIDENCE,
//! 4 MANUAL.

use cosmwasm_schema::{cw_serde, QueryResponses};
use cosmwasm_std::{Addr, Int64, Uint64};
pub use vagus_common::pause::PausedResponse;
pub use vagus_common::roles::HasRoleResponse;

/// Cooldown per executor and the evidence thresholds (each compared with `>=`).
#[cw_serde]
#[derive(Copy, Eq)]
pub struct Config {
    pub cooldown: u32,
    pub risk_ppm: u32,
    pub force_milli_n: Uint64,
    pub velocity_milli_mps: Uint64,
    pub temperature_milli_c: Int64,
}

/// The inbox's evidence metrics, as `on_evidence` receives them.
#[cw_serde]
#[derive(Copy, Eq)]
pub struct Metrics {
    pub sequence: Uint64,
    pub risk_ppm: u32,
    pub force_milli_n: Uint64,
    pub velocity_milli_mps: Uint64,
    pub temperature_milli_c: Int64,
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
    /// NOTIFIER (the ANS manager), works while paused.
    OnStateTransition {
        executor_id: Uint64,
        from: u8,
        to: u8,
        tone_ppm: u32,
    },
    /// NOTIFIER (the inbox), works while paused.
    OnEvidence {
        executor_id: Uint64,
        metrics: Metrics,
    },
    /// GUARDIAN, works while paused: fires MANUAL, ignoring the cooldown.
    Trigger { executor_id: Uint64, reason: String },
    /// ADMIN, blocked while paused.
    SetConfig { config: Config },
    /// ADMIN, blocked while paused (a required link).
    SetIssuer { issuer: String },
}

#[vagus_common::frame_query]
#[cw_serde]
#[derive(QueryResponses)]
pub enum QueryMsg {
    #[returns(Config)]
    Config {},
    #[returns(IssuerResponse)]
    Issuer {},
    #[returns(ReflexStateResponse)]
    ReflexState { executor_id: Uint64 },
}

pub use vagus_common::migrate::MigrateMsg;

#[cw_serde]
pub struct IssuerResponse {
    pub issuer: Option<Addr>,
}

#[cw_serde]
pub struct ReflexStateResponse {
    pub fired: bool,
    pub last_fired_at: Uint64,
    pub fires: Uint64,
    pub suppressed: Uint64,
}

/// The one message the reflex arc sends to the issuer (its `revoke_all`).
#[cw_serde]
pub enum IssuerExecuteMsg {
    RevokeAll { executor_id: Uint64, reason: String },
}
