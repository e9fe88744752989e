//! Messages of the timelock, named per spec/README.md "Naming on each stack" and
//! spec/timelock.md: OpenZeppelin's `(target, value, data)` becomes a typed [`Call`];
//! `bytes32` is a 32-byte `HexBinary`; delays and timestamps are `Uint64` seconds.

use cosmwasm_schema::{cw_serde, QueryResponses};
use cosmwasm_std::{Binary, Coin, HexBinary, Uint64};
pub use vagus_common::roles::HasRoleResponse;

/// One call of an operation: what the timelock sends when the operation executes.
#[cw_serde]
pub enum Call {
    /// `WasmMsg::Execute` from the timelock (`funds` come from the timelock's balance).
    Execute {
        contract_addr: String,
        msg: Binary,
        funds: Vec<Coin>,
    },
    /// `WasmMsg::Migrate`: the timelock must be the contract's wasm admin.
    Migrate {
        contract_addr: String,
        new_code_id: u64,
        msg: Binary,
    },
    /// `BankMsg::Send` from the timelock's balance.
    BankSend {
        to_address: String,
        amount: Vec<Coin>,
    },
}

/// Operation states, numbered as OpenZeppelin's `OperationState` enum (a JSON number in
/// responses, like every spec enum).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum OperationState {
    Unset = 0,
    Waiting = 1,
    Ready = 2,
    Done = 3,
}

#[cw_serde]
pub struct InstantiateMsg {
    /// Initial minimum delay in seconds.
    pub min_delay: Uint64,
    /// Each receives `proposer` and `canceller`.
    pub proposers: Vec<String>,
    /// Each receives `executor`; `"*"` opens the executor role to anyone.
    pub executors: Vec<String>,
    /// Optional extra `admin` (for the initial wiring; it should renounce afterwards). The
    /// timelock itself is always an admin.
    pub admin: Option<String>,
}

#[vagus_common::frame_execute(
    no_pause,
    grant_role = "ADMIN: grants `role` to `account` (`\"*\"` for the open executor role)."
)]
#[cw_serde]
pub enum ExecuteMsg {
    /// PROPOSER: schedules one call, ready at `block time + delay` (`delay ≥ min_delay`).
    Schedule {
        call: Call,
        predecessor: HexBinary,
        salt: HexBinary,
        delay: Uint64,
    },
    /// PROPOSER: schedules a batch executed atomically, in order.
    ScheduleBatch {
        calls: Vec<Call>,
        predecessor: HexBinary,
        salt: HexBinary,
        delay: Uint64,
    },
    /// CANCELLER: cancels a Waiting or Ready operation.
    Cancel { id: HexBinary },
    /// EXECUTOR (or anyone if open): runs a Ready operation whose predecessor is Done.
    Execute {
        call: Call,
        predecessor: HexBinary,
        salt: HexBinary,
    },
    /// EXECUTOR (or anyone if open): runs a Ready batch.
    ExecuteBatch {
        calls: Vec<Call>,
        predecessor: HexBinary,
        salt: HexBinary,
    },
    /// The timelock itself only (a scheduled call to itself).
    UpdateDelay { new_delay: Uint64 },
    /// EMERGENCY holder *of `contract_addr`*: migrates it at once, without a delay, back to
    /// `code_id`, which must be code this timelock migrated the contract away from
    /// (`RollbackNotApproved` otherwise), with a pausing rollback message.
    EmergencyRollback {
        contract_addr: String,
        code_id: u64,
        reason: String,
    },
}

#[vagus_common::frame_query(no_pause)]
#[cw_serde]
#[derive(QueryResponses)]
pub enum QueryMsg {
    #[returns(IsOperationResponse)]
    IsOperation { id: HexBinary },
    #[returns(IsOperationPendingResponse)]
    IsOperationPending { id: HexBinary },
    #[returns(IsOperationReadyResponse)]
    IsOperationReady { id: HexBinary },
    #[returns(IsOperationDoneResponse)]
    IsOperationDone { id: HexBinary },
    #[returns(TimestampResponse)]
    GetTimestamp { id: HexBinary },
    #[returns(OperationStateResponse)]
    GetOperationState { id: HexBinary },
    #[returns(MinDelayResponse)]
    GetMinDelay {},
    #[returns(OperationIdResponse)]
    HashOperation {
        call: Call,
        predecessor: HexBinary,
        salt: HexBinary,
    },
    /// The code ids an emergency rollback of `contract_addr` may return to.
    #[returns(RollbackTargetsResponse)]
    RollbackTargets { contract_addr: String },
    #[returns(OperationIdResponse)]
    HashOperationBatch {
        calls: Vec<Call>,
        predecessor: HexBinary,
        salt: HexBinary,
    },
}

pub use vagus_common::migrate::MigrateMsg;

#[cw_serde]
pub struct IsOperationResponse {
    pub is_operation: bool,
}

#[cw_serde]
pub struct IsOperationPendingResponse {
    pub is_operation_pending: bool,
}

#[cw_serde]
pub struct IsOperationReadyResponse {
    pub is_operation_ready: bool,
}

#[cw_serde]
pub struct IsOperationDoneResponse {
    pub is_operation_done: bool,
}

#[cw_serde]
pub struct TimestampResponse {
    /// Ready time; `1` when done; `0` when unset.
    pub timestamp: Uint64,
}

#[cw_serde]
pub struct OperationStateResponse {
    /// `OperationState` as its number: 0 Unset, 1 Waiting, 2 Ready, 3 Done.
    pub state: u8,
}

#[cw_serde]
pub struct MinDelayResponse {
    pub min_delay: Uint64,
}

#[cw_serde]
pub struct OperationIdResponse {
    pub id: HexBinary,
}

#[cw_serde]
pub struct RollbackTarget {
    pub code_id: u64,
    /// The cw2 version the contract recorded while it ran this code.
    pub version: String,
}

#[cw_serde]
pub struct RollbackTargetsResponse {
    /// Ascending by code id.
    pub targets: Vec<RollbackTarget>,
}
