//! Emergency pause of the frame (spec/frame.md "Pause"): `pause` is fast (GUARDIAN),
//! `unpause` is deliberate (ADMIN). Pausing stops liveness operations, never safety ones.

use cosmwasm_std::{MessageInfo, Response, StdResult, Storage};
use cw_storage_plus::Item;

use crate::error::FrameError;
use crate::events;
use crate::roles::{require_role, ADMIN, GUARDIAN};

const PAUSED: Item<bool> = Item::new("vagus_paused");

/// Whether an operation still runs while the contract is paused (its spec `pause` field).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PausePolicy {
    /// Liveness: new consumption, admissions, configuration.
    Blocked,
    /// Safety: outcome reports, tripping, role management.
    Allowed,
}

/// Whether the contract is paused.
pub fn is_paused(storage: &dyn Storage) -> StdResult<bool> {
    Ok(PAUSED.may_load(storage)?.unwrap_or(false))
}

/// Check 2 of every execute: a blocked operation on a paused contract is `Paused`.
pub fn require_live(storage: &dyn Storage, policy: PausePolicy) -> Result<(), FrameError> {
    if policy == PausePolicy::Blocked && is_paused(storage)? {
        return Err(FrameError::Paused {});
    }
    Ok(())
}

/// `pause()`: GUARDIAN; `Paused` if already paused.
pub fn pause(storage: &mut dyn Storage, info: &MessageInfo) -> Result<Response, FrameError> {
    require_role(storage, GUARDIAN, &info.sender)?;
    if is_paused(storage)? {
        return Err(FrameError::Paused {});
    }
    PAUSED.save(storage, &true)?;
    Ok(Response::new().add_event(events::paused(&info.sender)))
}

/// Pauses without a role check: only for a rollback migrate, which the chain lets only the
/// contract's admin send (spec/frame.md "Rollback").
pub(crate) fn set_paused(storage: &mut dyn Storage) -> StdResult<()> {
    PAUSED.save(storage, &true)
}

/// `unpause()`: ADMIN; `NotPaused` if not paused.
pub fn unpause(storage: &mut dyn Storage, info: &MessageInfo) -> Result<Response, FrameError> {
    require_role(storage, ADMIN, &info.sender)?;
    if !is_paused(storage)? {
        return Err(FrameError::NotPaused {});
    }
    PAUSED.save(storage, &false)?;
    Ok(Response::new().add_event(events::unpaused(&info.sender)))
}

/// Reply of the `paused` query.
#[cosmwasm_schema::cw_serde]
pub struct PausedResponse {
    pub paused: bool,
}
