//! Storage of the AfferentInbox.

use cosmwasm_schema::cw_serde;
use cosmwasm_std::Addr;
use cw_storage_plus::{Item, Map};

use crate::msg::Metrics;

/// The latest evidence of one executor.
#[cw_serde]
pub struct Latest {
    pub state_root: [u8; 32],
    pub metrics: Metrics,
    pub posted_at: u64,
    pub sha256: [u8; 32],
    pub keccak256: [u8; 32],
}

/// Read raw by the issuer (`vagus_common::layout`).
pub const LATEST: Map<u64, Latest> = Map::new(vagus_common::layout::INBOX_LATEST);
pub const REFLEX_ARC: Item<Addr> = Item::new("reflex_arc");
/// `(posts, notification_failures)`.
pub const COUNTERS: Item<(u64, u64)> = Item::new("counters");
