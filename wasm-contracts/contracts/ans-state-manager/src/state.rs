//! Storage of the ANSStateManager.

use cosmwasm_std::Addr;
use cw_storage_plus::{Item, Map};

use crate::machine::Executor;
use crate::msg::{Config, Guard};

pub const CONFIG: Item<Config> = Item::new("config");
/// Guards by state number; a state never set holds its default.
pub const GUARDS: Map<u8, Guard> = Map::new(vagus_common::layout::ANS_GUARDS);
/// Read raw by the issuer (`vagus_common::layout`).
pub const EXECUTORS: Map<u64, Executor> = Map::new(vagus_common::layout::ANS_EXECUTORS);
pub const REFLEX_ARC: Item<Addr> = Item::new("reflex_arc");
/// `(readings, transitions, notification_failures)`.
pub const COUNTERS: Item<(u64, u64, u64)> = Item::new("counters");
