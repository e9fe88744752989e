//! Messages of the CapabilityIssuer, named per spec/README.md "Naming on each stack".
//! Token ids are `uint256` on the wire (a JSON decimal string, as `Uint256`); ids start at
//! 1 and never leave u64, so [`TokenId`] keeps them as u64 and spares the contract
//! 256-bit arithmetic (and its bytes: the artifact must stay under 300 KB).

use cosmwasm_schema::{cw_serde, QueryResponses};
use std::fmt;

use cosmwasm_schema::schemars::{gen::SchemaGenerator, schema::Schema, JsonSchema};
use cosmwasm_std::{Addr, HexBinary, Uint64};
use serde::{de, Deserialize, Deserializer, Serialize, Serializer};
pub use vagus_common::pause::PausedResponse;
pub use vagus_common::roles::HasRoleResponse;

/// A token id: a `uint256` JSON decimal string. An id above u64::MAX names no token (no
/// such id is ever minted), so it is kept as its text and looks up nothing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenId {
    /// The id, when it fits in u64.
    pub key: Option<u64>,
    /// Its decimal text (for error payloads).
    pub text: String,
}

impl TokenId {
    pub fn new(id: u64) -> Self {
        TokenId {
            key: Some(id),
            text: id.to_string(),
        }
    }
}

impl fmt::Display for TokenId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl Serialize for TokenId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for TokenId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        // Uint256's rules: decimal digits only, at most 78 of them (2^256 - 1).
        if text.is_empty() || text.len() > 78 || !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(de::Error::custom(
                "token_id must be a uint256 decimal string",
            ));
        }
        let trimmed = text.trim_start_matches('0');
        let canonical = if trimmed.is_empty() { "0" } else { trimmed }.to_string();
        if canonical.len() == 78 && canonical.as_str() > MAX_U256 {
            return Err(de::Error::custom("token_id is above 2^256 - 1"));
        }
        Ok(TokenId {
            key: canonical.parse().ok(),
            text: canonical,
        })
    }
}

const MAX_U256: &str =
    "115792089237316195423570985008687907853269984665640564039457584007913129639935";

impl JsonSchema for TokenId {
    fn schema_name() -> String {
        "TokenId".into()
    }

    fn json_schema(gen: &mut SchemaGenerator) -> Schema {
        let mut schema = String::json_schema(gen).into_object();
        schema.metadata().description =
            Some("A token id: uint256 as a decimal string (ids start at 1).".into());
        schema.into()
    }
}

#[cw_serde]
#[derive(Copy, Eq)]
pub struct Config {
    /// Longest token lifetime an intent may ask for (1..=2592000 s).
    pub max_ttl: u32,
    /// Largest `nonce - last_nonce` of one intent (>= 1): no planner can use up an
    /// executor's nonces in one step.
    pub max_nonce_step: u32,
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

#[vagus_common::frame_execute]
#[cw_serde]
pub enum ExecuteMsg {
    /// PLANNER, blocked while paused. Response data: `IssueResult`.
    Issue { intent: Intent },
    /// REVOKER, works while paused.
    Revoke { token_id: TokenId, reason: String },
    /// REVOKER, works while paused: bumps the executor's epoch (O(1)).
    RevokeAll { executor_id: Uint64, reason: String },
    /// REPORTER, works while paused; forwards the outcome to the breaker.
    ReportOutcome { token_id: TokenId, success: bool },
    /// GUARDIAN, works while paused.
    PauseExecutor { executor_id: Uint64 },
    /// ADMIN, works while paused.
    UnpauseExecutor { executor_id: Uint64 },
    /// ADMIN, blocked while paused: `account` owns the executor's tokens.
    RegisterExecutor {
        executor_id: Uint64,
        account: String,
    },
    /// ADMIN, blocked while paused.
    SetConfig { config: Config },
    /// ADMIN, blocked while paused; every link required.
    SetLinks { links: Links },
}

#[vagus_common::frame_query]
#[cw_serde]
#[derive(QueryResponses)]
pub enum QueryMsg {
    #[returns(IsValidResponse)]
    IsValid { token_id: TokenId },
    #[returns(TokenView)]
    Token { token_id: TokenId },
    /// cw721-style; errors `UnknownToken`.
    #[returns(OwnerOfResponse)]
    OwnerOf { token_id: TokenId },
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
}

pub use vagus_common::migrate::MigrateMsg;

/// Response data of `issue`.
#[cw_serde]
pub struct IssueResult {
    pub issued: bool,
    pub token_id: TokenId,
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
    pub shutdown_epoch: u32,
}

#[cw_serde]
pub struct OwnerOfResponse {
    pub owner: Addr,
}

#[cw_serde]
pub struct BalanceOfResponse {
    /// uint256 on the wire (a decimal string); never beyond u64.
    pub balance: Uint64,
}

#[cw_serde]
pub struct TotalSupplyResponse {
    /// uint256 on the wire (a decimal string); never beyond u64.
    pub total_supply: Uint64,
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
