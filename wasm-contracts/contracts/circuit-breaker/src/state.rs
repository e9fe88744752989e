//! Storage layout. Roles and the pause flag live in `vagus_common` under `vagus_*` keys.

use cw_storage_plus::{Item, Map};

use crate::breaker::PairBreaker;
use crate::msg::Config;

/// The one global configuration.
pub const CONFIG: Item<Config> = Item::new("config");

/// Breaker and counters per `(executorId, actionId bytes)`: one read, one write per call.
pub const PAIRS: Map<(u64, &[u8]), PairBreaker> = Map::new("pairs");
