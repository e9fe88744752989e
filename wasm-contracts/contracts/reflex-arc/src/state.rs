//! Storage of the ReflexArc.

use cosmwasm_schema::cw_serde;
use cosmwasm_std::Addr;
use cw_storage_plus::{Item, Map};

use crate::msg::Config;

/// Per executor: whether it fired, when it last fired, fires and suppressions.
#[cw_serde]
#[derive(Copy, Default, Eq)]
pub struct Reflex {
    pub fired: bool,
    pub last_fired_at: u64,
    pub fires: u64,
    pub suppressed: u64,
}

pub const CONFIG: Item<Config> = Item::new("config");
pub const ISSUER: Item<Addr> = Item::new("issuer");
pub const REFLEXES: Map<u64, Reflex> = Map::new("reflexes");
