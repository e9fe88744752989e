//! Messages of the VagalBrake, named per spec/README.md "Naming on each stack".

use cosmwasm_schema::{cw_serde, QueryResponses};
use cosmwasm_std::{HexBinary, Uint64};
pub use vagus_common::pause::PausedResponse;
pub use vagus_common::roles::HasRoleResponse;

/// One parameter of an action's schema.
#[cw_serde]
pub struct ParamSpec {
    /// 1..=16 bytes; the CBOR map key of this parameter.
    pub name: String,
    /// Whether the ANS factor scales it.
    pub brakeable: bool,
    /// Absolute cap, applied after scaling.
    pub cap: Uint64,
}

#[cw_serde]
pub struct InstantiateMsg {
    /// Receives the `admin` role (and nothing else).
    pub admin: String,
}

#[vagus_common::frame_execute(
    pause = "GUARDIAN: stops liveness operations (and `apply_brake`, hence issuance)."
)]
#[cw_serde]
pub enum ExecuteMsg {
    /// ADMIN, blocked while paused: replaces the action's schema.
    SetActionSchema {
        action_id: HexBinary,
        params: Vec<ParamSpec>,
    },
    /// ADMIN, blocked while paused: removes the action's schema.
    ClearActionSchema { action_id: HexBinary },
}

#[vagus_common::frame_query]
#[cw_serde]
#[derive(QueryResponses)]
pub enum QueryMsg {
    /// The brake applied to `values` with `factor_bp`; errors `Paused` while paused.
    #[returns(BrakeResult)]
    ApplyBrake {
        action_id: HexBinary,
        values: Vec<Uint64>,
        factor_bp: u16,
    },
    #[returns(ActionSchemaResponse)]
    ActionSchema { action_id: HexBinary },
}

pub use vagus_common::migrate::MigrateMsg;

/// The brake's verdict: `code` 0 with the scaled values and the four hashes, or a denial
/// code (6100, 6101) with `scaled = []` and zero hashes.
#[cw_serde]
pub struct BrakeResult {
    pub code: u16,
    pub scaled: Vec<Uint64>,
    pub params_sha256: HexBinary,
    pub params_keccak256: HexBinary,
    pub limits_sha256: HexBinary,
    pub limits_keccak256: HexBinary,
}

#[cw_serde]
pub struct ActionSchemaResponse {
    pub configured: bool,
    pub params: Vec<ParamSpec>,
}
