//! Messages of the AfferentInbox, named per spec/README.md "Naming on each stack";
//! `int64` is `Int64` (a JSON decimal string, like `Uint64`).

use cosmwasm_schema::{cw_serde, QueryResponses};
use cosmwasm_std::{Addr, HexBinary, Int64, Uint64};
pub use vagus_common::pause::PausedResponse;
pub use vagus_common::roles::HasRoleResponse;

/// Typed metrics of one evidence post (fixed-point integers).
#[cw_serde]
#[derive(Copy, Eq, Default)]
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
}

#[vagus_common::frame_execute]
#[cw_serde]
pub enum ExecuteMsg {
    /// ATTESTOR, works while paused (evidence feeds reflexes).
    PostEvidence {
        executor_id: Uint64,
        state_root: HexBinary,
        metrics: Metrics,
    },
    /// ADMIN, blocked while paused; `null` unsets the link.
    SetReflexArc { reflex_arc: Option<String> },
}

#[vagus_common::frame_query]
#[cw_serde]
#[derive(QueryResponses)]
pub enum QueryMsg {
    #[returns(LatestEvidenceResponse)]
    LatestEvidence { executor_id: Uint64 },
    #[returns(LatestRootResponse)]
    LatestRoot { executor_id: Uint64 },
    /// The canonical CBOR and hashes of any input (no checks but the types).
    #[returns(EncodeEvidenceResponse)]
    EncodeEvidence {
        executor_id: Uint64,
        state_root: HexBinary,
        metrics: Metrics,
    },
    #[returns(ReflexArcResponse)]
    ReflexArc {},
    #[returns(CountersResponse)]
    Counters {},
}

pub use vagus_common::migrate::MigrateMsg;

#[cw_serde]
pub struct LatestEvidenceResponse {
    pub state_root: HexBinary,
    pub sequence: Uint64,
    pub risk_ppm: u32,
    pub force_milli_n: Uint64,
    pub velocity_milli_mps: Uint64,
    pub temperature_milli_c: Int64,
    pub posted_at: Uint64,
    pub sha256: HexBinary,
    pub keccak256: HexBinary,
}

#[cw_serde]
pub struct LatestRootResponse {
    pub state_root: HexBinary,
}

#[cw_serde]
pub struct EncodeEvidenceResponse {
    pub cbor: HexBinary,
    pub sha256: HexBinary,
    pub keccak256: HexBinary,
}

#[cw_serde]
pub struct ReflexArcResponse {
    pub reflex_arc: Option<Addr>,
}

#[cw_serde]
pub struct CountersResponse {
    pub posts: Uint64,
    pub notification_failures: Uint64,
}

/// The one message the inbox sends to the reflex arc (its `on_evidence`).
#[cw_serde]
pub enum ReflexArcExecuteMsg {
    OnEvidence {
        executor_id: Uint64,
        metrics: Metrics,
    },
}
