//! Storage layout. Roles and the pause flag live in `vagus_common` under `vagus_*` keys.

use cosmwasm_schema::cw_serde;
use cw_storage_plus::{Item, Map};

use crate::msg::Config;
use crate::window::Ring;

/// The configuration of every pair without an override.
pub const DEFAULT_CONFIG: Item<Config> = Item::new("default_config");

/// Per-pair overrides, keyed by `(executorId, actionId bytes)`.
pub const PAIR_CONFIGS: Map<(u64, &[u8]), Config> = Map::new("pair_configs");

/// Per-pair usage: one record, so a `consume` is one read and one write.
pub const PAIRS: Map<(u64, &[u8]), PairUsage> = Map::new("pairs");

#[cw_serde]
#[derive(Default)]
pub struct PairUsage {
    /// Every `consume` that passed the frame checks; never reset.
    pub requests: u64,
    /// Every `RateLimited` denial; never reset.
    pub rejections: u64,
    /// The window; `None` until the first admission.
    pub ring: Option<Ring>,
}
