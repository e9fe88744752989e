//! Storage of the CapabilityIssuer.

use cosmwasm_schema::cw_serde;
use cosmwasm_std::Addr;
use cw_storage_plus::{Item, Map};

use crate::msg::Config;

/// The validated links (all five are set together).
#[cw_serde]
pub struct LinkAddrs {
    pub ans: Addr,
    pub inbox: Addr,
    pub brake: Addr,
    pub breaker: Addr,
    pub rate_limiter: Addr,
}

/// Per executor (its epoch lives apart, in [`EPOCHS`]).
#[cw_serde]
#[derive(Default)]
pub struct ExecutorRecord {
    pub registered: bool,
    pub account: Option<Addr>,
    pub last_nonce: u64,
    pub paused: bool,
    pub requests: u64,
    pub issued: u64,
    pub denied: u64,
}

#[cw_serde]
pub struct Token {
    pub executor_id: u64,
    pub action_id: [u8; 32],
    pub epoch: u64,
    pub issued_at: u64,
    pub expires_at: u64,
    pub revoked: bool,
    pub outcome_reported: bool,
}

/// An intent between its breaker and rate-limiter replies: what the mint still needs.
#[cw_serde]
pub struct Pending {
    pub executor_id: u64,
    pub action_id: [u8; 32],
    pub nonce: u64,
    pub ttl: u32,
    pub state: u8,
    pub params_sha256: [u8; 32],
    pub params_keccak256: [u8; 32],
    pub limits_sha256: [u8; 32],
    pub limits_keccak256: [u8; 32],
}

pub const CONFIG: Item<Config> = Item::new("config");
pub const LINKS: Item<LinkAddrs> = Item::new("links");
pub const EXECUTORS: Map<u64, ExecutorRecord> = Map::new("executors");
/// Per executor: the epoch its valid tokens carry. A token is valid only while its epoch
/// equals this one, so `revoke_all` is one small write of its own, whatever the number of
/// tokens and whatever the executor's counters hold.
pub const EPOCHS: Map<u64, u64> = Map::new("epochs");
pub const TOKENS: Map<u64, Token> = Map::new("tokens");
pub const TOTAL_SUPPLY: Item<u64> = Item::new("total_supply");
pub const BALANCES: Map<&Addr, u64> = Map::new("balances");
pub const PENDING: Item<Pending> = Item::new("pending");
