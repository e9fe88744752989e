//! The contract frame shared by every Vagus CosmWasm contract (spec/frame.md): coded
//! errors, roles, pause, id validation, event builders and the cw2 migrate guard.
//!
//! The frame's messages (roles, pause), their dispatch and the `migrate` entry point come
//! from [`frame`]: `#[frame_execute]` / `#[frame_query]` append the messages to a
//! contract's enums, `frame::execute` / `frame::query` run them,
//! `migrate_entry_point!` defines `migrate`.
//!
//! A contract composes these in the spec's check order: role (`roles::require_role`),
//! pause (`pause::require_live`), ids (`ids::Pair::validate`), its own checks, effects.

pub mod counter;
pub mod error;
pub mod events;
pub mod frame;
pub mod ids;
pub mod layout;
pub mod migrate;
pub mod notify;
pub mod pause;
pub mod roles;
#[cfg(feature = "testing")]
pub mod testing;
pub mod versions;

pub use cosmwasm_std;
pub use vagus_frame_derive::{frame_execute, frame_query};

pub use crate::error::{CodedError, ErrorSignature, FrameError};
pub use crate::ids::Pair;
pub use crate::pause::PausePolicy;

use cosmwasm_std::{Addr, Storage};

/// Checks 1 and 2 of every execute (spec/frame.md "Check order"): the caller holds `role`
/// (`Unauthorized`), then a blocked operation on a paused contract is refused (`Paused`).
pub fn authorize(
    storage: &dyn Storage,
    caller: &Addr,
    role: &str,
    policy: PausePolicy,
) -> Result<(), FrameError> {
    roles::require_role(storage, role, caller)?;
    pause::require_live(storage, policy)
}
