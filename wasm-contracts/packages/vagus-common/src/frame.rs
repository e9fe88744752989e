//! The frame's messages and their dispatch (spec/common.json `operations`), written once.
//!
//! A contract marks its `ExecuteMsg` with [`frame_execute`](crate::frame_execute) and its
//! `QueryMsg` with [`frame_query`](crate::frame_query); the macros append the frame
//! variants and implement [`FrameExecute`] / [`FrameQuery`]. The contract matches its own
//! variants and hands every other one to [`execute`] / [`query`]:
//!
//! ```text
//! match msg {
//!     ExecuteMsg::Consume { .. } => consume(..),
//!     frame => Ok(vagus_common::frame::execute(deps, &info, ROLES, frame)?),
//! }
//! ```
//!
//! A contract that extends a frame message (the timelock's open executor role `"*"`)
//! matches that variant itself before the catch-all.

use cosmwasm_std::{to_json_binary, Binary, Deps, DepsMut, MessageInfo, Response};

use crate::error::FrameError;
use crate::pause::{self, PausedResponse};
use crate::roles::{self, Roles};

/// The frame's execute messages, as the macro appends them to a contract's `ExecuteMsg`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FrameExecuteMsg {
    GrantRole {
        role: String,
        account: String,
    },
    RevokeRole {
        role: String,
        account: String,
    },
    RenounceRole {
        role: String,
        caller_confirmation: String,
    },
    Pause {},
    Unpause {},
    /// `pause` under the incident procedure's name (spec/frame.md "Pause").
    EmergencyPause {},
}

/// The frame's queries, as the macro appends them to a contract's `QueryMsg`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FrameQueryMsg {
    HasRole {
        role: String,
        account: String,
    },
    Paused {},
    RoleHolders {
        start_after: Option<roles::RoleHolder>,
        limit: Option<u32>,
    },
}

/// A contract `ExecuteMsg` carrying the frame's variants (implemented by `frame_execute`).
pub trait FrameExecute: Sized {
    /// The frame message, or the contract's own message back.
    fn into_frame(self) -> Result<FrameExecuteMsg, Self>;
}

/// A contract `QueryMsg` carrying the frame's variants (implemented by `frame_query`).
pub trait FrameQuery: Sized {
    /// The frame query, or the contract's own query back.
    fn into_frame(self) -> Result<FrameQueryMsg, Self>;
}

/// A contract handed one of its own messages to the frame: a dispatch bug, not a caller's.
fn not_a_frame_message() -> FrameError {
    FrameError::Std {
        message: "not a frame message".to_string(),
    }
}

/// Runs a frame execute message with the contract's `roles`.
pub fn execute<M: FrameExecute>(
    deps: DepsMut,
    info: &MessageInfo,
    roles: Roles,
    msg: M,
) -> Result<Response, FrameError> {
    match msg.into_frame().map_err(|_| not_a_frame_message())? {
        FrameExecuteMsg::GrantRole { role, account } => {
            roles::grant_role(deps, info, roles, &role, &account)
        }
        FrameExecuteMsg::RevokeRole { role, account } => {
            roles::revoke_role(deps, info, roles, &role, &account)
        }
        FrameExecuteMsg::RenounceRole {
            role,
            caller_confirmation,
        } => roles::renounce_role(deps, info, roles, &role, &caller_confirmation),
        FrameExecuteMsg::Pause {} | FrameExecuteMsg::EmergencyPause {} => {
            pause::pause(deps.storage, info)
        }
        FrameExecuteMsg::Unpause {} => pause::unpause(deps.storage, info),
    }
}

/// Answers a frame query.
pub fn query<M: FrameQuery>(deps: Deps, msg: M) -> Result<Binary, FrameError> {
    let reply = match msg.into_frame().map_err(|_| not_a_frame_message())? {
        FrameQueryMsg::HasRole { role, account } => {
            to_json_binary(&roles::query_has_role(deps, &role, &account))
        }
        FrameQueryMsg::Paused {} => to_json_binary(&PausedResponse {
            paused: pause::is_paused(deps.storage)?,
        }),
        FrameQueryMsg::RoleHolders { start_after, limit } => {
            to_json_binary(&roles::query_role_holders(deps, start_after, limit)?)
        }
    };
    Ok(reply?)
}

/// The `migrate` entry point of every contract: the cw2 guard of spec/frame.md "Upgrades"
/// (same contract name, no downgrade) for `{}`, and the explicit rollback of "Rollback" for
/// `{"rollback":{...}}` (see [`MigrateMsg`](crate::migrate::MigrateMsg)).
///
/// `vagus_common::migrate_entry_point!(CONTRACT_NAME, CONTRACT_VERSION, ContractError);`
/// defines `pub fn migrate`, exported as the wasm entry point unless the crate is built
/// with its `library` feature.
#[macro_export]
macro_rules! migrate_entry_point {
    ($name:expr, $version:expr, $Error:ty) => {
        #[cfg_attr(not(feature = "library"), $crate::cosmwasm_std::entry_point)]
        pub fn migrate(
            deps: $crate::cosmwasm_std::DepsMut,
            env: $crate::cosmwasm_std::Env,
            msg: $crate::migrate::MigrateMsg,
        ) -> ::core::result::Result<$crate::cosmwasm_std::Response, $Error> {
            // The chain only lets the contract's admin migrate; the contract itself is the
            // account its `Paused` event names when a rollback pauses it.
            ::core::result::Result::Ok($crate::migrate::migrate(
                deps.storage,
                &env.contract.address,
                $name,
                $version,
                msg,
            )?)
        }
    };
}
