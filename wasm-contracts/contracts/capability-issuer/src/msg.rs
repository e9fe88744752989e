//! Messages of the CapabilityIssuer, named per spec/README.md "Naming on each stack".
//! Token ids are `uint256` (`Uint256`, a JSON decimal string); ids start at 1.

use cosmwasm_schema::{cw_serde, QueryResponses};
use cosmwasm_std::{Addr, HexBinary, Uint256, Uint64};
pub use vagus_common::pause::PausedResponse;
pub use vagus_common::roles::HasRoleResponse;

#[cw_serde]
#[derive(Copy, Eq)]
pub struct Config {
    /// Longest token lifetime an intent may ask for (1..=2592000 s).
    pub max_ttl: u32,
}

/// The five contracts the issuer calls. `set_links` requires every one; `links` returns
/// `null` for a link never set.
#[cw_serde]
pub struct Links {
    pub ans: Option<String>,
    pub inbox: Option<String>,
    pub brake: Option<String>,
    pub breaker: Option<String>,
    pub rate_limiter: Option<String>,
}

/// What a planner asks for: one action of one executor, inside a time window.
#[cw_serde]
pub struct Intent {
    pub executor_id: Uint64,
    pub action_id: HexBinary,
    pub nonce: Uint64,
    pub not_before: Uint64,
    pub not_after: Uint64,
    pub ttl: u32,
    pub pre_state_root: HexBinary,
    pub params: Vec<Uint64>,
}

#[cw_serde]
pub struct InstantiateMsg {
    /// Receives the `admin` role (and nothing else).
    pub admin: String,
    pub config: Config,
}

#[cw_serde]
pub enum ExecuteMsg {
    /// PLANNER, blocked while paused. Response data: `IssueResult`.
    Issue { intent: Intent },
    /// REVOKER, works while paused.
    Revoke { token_id: Uint256, reason: String },
    /// REVOKER, works while paused: bumps the executor's epoch (O(1)).
    RevokeAll { executor_id: Uint64, reason: String },
    /// REPORTER, works while paused; forwards the outcome to the breaker.
    ReportOutcome { token_id: Uint256, success: bool },
    /// GUARDIAN, works while paused.
    PauseExecutor { executor_id: Uint64 },
    /// ADMIN, works while paused.
    UnpauseExecutor { executor_id: Uint64 },
    /// ADMIN, blocked while paused: `account` owns the executor's tokens.
    RegisterExecutor { executor_id: Uint64, account: String },
    /// ADMIN, blocked while paused.
    SetConfig { config: Config },
    /// ADMIN, blocked while paused; every link required.
    SetLinks { links: Links },
    /// ADMIN: grants `role` to `account`.
    GrantRole { role: String, account: String },
    /// ADMIN: revokes `role` from `account`.
    RevokeRole { role: String, account: String },
    /// Anyone: drops the caller's own `role`; `caller_confirmation` must be the caller.
    RenounceRole {
        role: String,
        caller_confirmation: String,
    },
    /// GUARDIAN: stops liveness operations.
    Pause {},
    /// ADMIN: resumes them.
    Unpause {},
}

#[cw_serde]
#[derive(QueryResponses)]
pub enum QueryMsg {
    #[returns(IsValidResponse)]
    IsValid { token_id: Uint256 },
    #[returns(TokenView)]
    Token { token_id: Uint256 },
    /// cw721-style; errors `UnknownToken`.
    #[returns(OwnerOfResponse)]
    OwnerOf { token_id: Uint256 },
    #[returns(BalanceOfResponse)]
    BalanceOf { owner: String },
    #[returns(TotalSupplyResponse)]
    TotalSupply {},
    #[returns(NameResponse)]
    Name {},
    #[returns(SymbolResponse)]
    Symbol {},
    #[returns(ExecutorInfo)]
    Executor { executor_id: Uint64 },
    #[returns(CountersResponse)]
    Counters { executor_id: Uint64 },
    #[returns(Config)]
    Config {},
    #[returns(Links)]
    Links {},
    #[returns(HasRoleResponse)]
    HasRole { role: String, account: String },
    #[returns(PausedResponse)]
    Paused {},
}

#[cw_serde]
pub struct MigrateMsg {}

/// Response data of `issue`.
#[cw_serde]
pub struct IssueResult {
    pub issued: bool,
    pub token_id: Uint256,
    pub code: u16,
    pub retry_at: Uint64,
}

#[cw_serde]
pub struct IsValidResponse {
    pub valid: bool,
}

#[cw_serde]
pub struct TokenView {
    pub exists: bool,
    pub owner: Option<Addr>,
    pub executor_id: Uint64,
    pub action_id: HexBinary,
    pub epoch: Uint64,
    pub issued_at: Uint64,
    pub expires_at: Uint64,
    pub revoked: bool,
    pub outcome_reported: bool,
}

#[cw_serde]
pub struct OwnerOfResponse {
    pub owner: Addr,
}

#[cw_serde]
pub struct BalanceOfResponse {
    pub balance: Uint256,
}

#[cw_serde]
pub struct TotalSupplyResponse {
    pub total_supply: Uint256,
}

#[cw_serde]
pub struct NameResponse {
    pub name: String,
}

#[cw_serde]
pub struct SymbolResponse {
    pub symbol: String,
}

#[cw_serde]
pub struct ExecutorInfo {
    pub registered: bool,
    pub account: Option<Addr>,
    pub epoch: Uint64,
    pub last_nonce: Uint64,
    pub paused: bool,
}

#[cw_serde]
pub struct CountersResponse {
    pub requests: Uint64,
    pub issued: Uint64,
    pub denied: Uint64,
}
