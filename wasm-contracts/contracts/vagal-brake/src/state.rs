//! Storage of the VagalBrake: one schema per action.

use cw_storage_plus::Map;

use crate::msg::ParamSpec;

/// `actionId` bytes → its schema (1..=8 parameters in canonical key order).
pub const SCHEMAS: Map<&[u8], Vec<ParamSpec>> = Map::new("schemas");
