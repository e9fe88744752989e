//! Storage layout. Roles live in `vagus_common` under `vagus_*` keys.

use cosmwasm_std::{Addr, StdResult, Storage};
use cw_storage_plus::{Item, Map};

/// `_timestamps` of TimelockController: operation id → the time it becomes ready, `1`
/// once executed (`DONE_TIMESTAMP`), absent when unset or cancelled.
pub const TIMESTAMPS: Map<&[u8], u64> = Map::new("timestamps");

/// The minimum delay in seconds.
pub const MIN_DELAY: Item<u64> = Item::new("min_delay");

/// Whether the executor role is open to anyone (OpenZeppelin: `EXECUTOR_ROLE` held by
/// `address(0)`; CosmWasm: held by the pseudo-account `"*"`).
pub const OPEN_EXECUTOR: Item<bool> = Item::new("open_executor");

/// The timestamp that marks an executed operation (OpenZeppelin's `_DONE_TIMESTAMP`).
pub const DONE_TIMESTAMP: u64 = 1;

/// The stored timestamp of `id` (0 when unset).
pub fn timestamp(storage: &dyn Storage, id: &[u8]) -> StdResult<u64> {
    Ok(TIMESTAMPS.may_load(storage, id)?.unwrap_or(0))
}

pub fn open_executor(storage: &dyn Storage) -> StdResult<bool> {
    Ok(OPEN_EXECUTOR.may_load(storage)?.unwrap_or(false))
}

/// Emergency rollback targets (spec/frame.md "Rollback"): `(contract, code id)` → the cw2
/// version that code recorded, written when an executed operation migrates `contract` away
/// from that code. Only code that governance let run on the contract gets here; an
/// emergency rollback adds nothing.
pub const ROLLBACK_TARGETS: Map<(&Addr, u64), String> = Map::new("rollback_targets");
