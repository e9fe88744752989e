//! Entry points of the timelock (spec/timelock.md), in OpenZeppelin TimelockController's
//! check order: role, arguments, operation state, predecessor, effects.

#[cfg(not(feature = "library"))]
use cosmwasm_std::entry_point;
use cosmwasm_std::{
    to_json_binary, to_json_string, Addr, Binary, Deps, DepsMut, Env, Event, HexBinary,
    MessageInfo, Response, StdResult, Storage, Uint64,
};
use vagus_common::events::role_granted;
use vagus_common::frame;
use vagus_common::roles::{self, Roles, ADMIN};

use crate::error::ContractError;
use crate::msg::{
    Call, ExecuteMsg, InstantiateMsg, IsOperationDoneResponse, IsOperationPendingResponse,
    IsOperationReadyResponse, IsOperationResponse, MinDelayResponse, OperationIdResponse,
    OperationState, OperationStateResponse, QueryMsg, TimestampResponse,
};
use crate::operation::{
    bytes32, hash_operation, hash_operation_batch, sub_msg, target, validate_calls, Bytes32,
};
use crate::rollback;
use crate::state::{self, DONE_TIMESTAMP, MIN_DELAY, OPEN_EXECUTOR, TIMESTAMPS};

/// cw2 contract name: `crates.io:vagus-timelock` (spec `wasmContract`).
pub const CONTRACT_NAME: &str = concat!("crates.io:", env!("CARGO_PKG_NAME"));
/// cw2 contract version: the `version` of the spec component file (`vagus_common::versions`).
pub const CONTRACT_VERSION: &str = vagus_common::versions::TIMELOCK;

/// Schedules operations.
pub const PROPOSER: &str = "proposer";
/// Executes ready operations (open to anyone when held by [`ANYONE`]).
pub const EXECUTOR: &str = "executor";
/// Cancels pending operations.
pub const CANCELLER: &str = "canceller";
/// The pseudo-account that opens the executor role (OpenZeppelin's `address(0)`).
pub const ANYONE: &str = "*";

/// The roles this contract defines (spec/timelock.json `roles`).
pub const ROLES: Roles = Roles(&[ADMIN, PROPOSER, EXECUTOR, CANCELLER]);

/// `1 << state` as a bytes32, lowercase hex (OpenZeppelin's `_encodeStateBitmap`).
fn state_bitmap(states: &[OperationState]) -> String {
    let bits: u8 = states.iter().fold(0, |acc, s| acc | (1u8 << (*s as u8)));
    let mut out = [0u8; 32];
    out[31] = bits;
    HexBinary::from(out).to_hex()
}

fn unexpected(id: &Bytes32, states: &[OperationState]) -> ContractError {
    ContractError::TimelockUnexpectedOperationState {
        operation_id: HexBinary::from(id).to_hex(),
        expected_states: state_bitmap(states),
    }
}

/// `getOperationState`: Ready when the ready time is at or before the block time.
fn operation_state(storage: &dyn Storage, env: &Env, id: &[u8]) -> StdResult<OperationState> {
    Ok(match state::timestamp(storage, id)? {
        0 => OperationState::Unset,
        DONE_TIMESTAMP => OperationState::Done,
        t if t > env.block.time.seconds() => OperationState::Waiting,
        _ => OperationState::Ready,
    })
}

fn grant(
    storage: &mut dyn Storage,
    role: &str,
    account: &Addr,
    sender: &Addr,
) -> StdResult<Option<Event>> {
    Ok(roles::insert(storage, role, account)?.then(|| role_granted(role, account, sender)))
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn instantiate(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    msg: InstantiateMsg,
) -> Result<Response, ContractError> {
    // Validate every address before writing anything.
    let admin = msg
        .admin
        .as_deref()
        .map(|a| roles::validate_address(deps.as_ref(), a))
        .transpose()?;
    let proposers = msg
        .proposers
        .iter()
        .map(|a| roles::validate_address(deps.as_ref(), a))
        .collect::<Result<Vec<_>, _>>()?;
    let executors = msg
        .executors
        .iter()
        .map(|a| match a.as_str() {
            ANYONE => Ok(None),
            a => roles::validate_address(deps.as_ref(), a).map(Some),
        })
        .collect::<Result<Vec<_>, _>>()?;

    cw2::set_contract_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    let mut events = Vec::new();
    let me = env.contract.address.clone();
    events.extend(grant(deps.storage, ADMIN, &me, &info.sender)?);
    if let Some(admin) = &admin {
        events.extend(grant(deps.storage, ADMIN, admin, &info.sender)?);
    }
    for p in &proposers {
        events.extend(grant(deps.storage, PROPOSER, p, &info.sender)?);
        events.extend(grant(deps.storage, CANCELLER, p, &info.sender)?);
    }
    for e in &executors {
        match e {
            Some(e) => events.extend(grant(deps.storage, EXECUTOR, e, &info.sender)?),
            None => {
                if !state::open_executor(deps.storage)? {
                    OPEN_EXECUTOR.save(deps.storage, &true)?;
                    events.push(open_role_event("role_granted", &info.sender));
                }
            }
        }
    }
    MIN_DELAY.save(deps.storage, &msg.min_delay.u64())?;
    events.push(min_delay_change(0, msg.min_delay.u64()));
    Ok(Response::new().add_events(events))
}

fn open_role_event(ty: &str, sender: &Addr) -> Event {
    Event::new(ty)
        .add_attribute("role", EXECUTOR)
        .add_attribute("account", ANYONE)
        .add_attribute("sender", sender.as_str())
}

fn min_delay_change(old: u64, new: u64) -> Event {
    Event::new("min_delay_change")
        .add_attribute("old_duration", old.to_string())
        .add_attribute("new_duration", new.to_string())
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn execute(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    msg: ExecuteMsg,
) -> Result<Response, ContractError> {
    match msg {
        ExecuteMsg::Schedule {
            call,
            predecessor,
            salt,
            delay,
        } => schedule(deps, env, info, vec![call], false, predecessor, salt, delay),
        ExecuteMsg::ScheduleBatch {
            calls,
            predecessor,
            salt,
            delay,
        } => schedule(deps, env, info, calls, true, predecessor, salt, delay),
        ExecuteMsg::Cancel { id } => cancel(deps, env, info, id),
        ExecuteMsg::Execute {
            call,
            predecessor,
            salt,
        } => execute_operation(deps, env, info, vec![call], false, predecessor, salt),
        ExecuteMsg::ExecuteBatch {
            calls,
            predecessor,
            salt,
        } => execute_operation(deps, env, info, calls, true, predecessor, salt),
        ExecuteMsg::UpdateDelay { new_delay } => update_delay(deps, env, info, new_delay),
        ExecuteMsg::EmergencyRollback {
            contract_addr,
            code_id,
            reason,
        } => rollback::emergency_rollback(deps, info, contract_addr, code_id, reason),
        ExecuteMsg::GrantRole { role, account } => grant_role(deps, info, role, account),
        ExecuteMsg::RevokeRole { role, account } => revoke_role(deps, info, role, account),
        frame => Ok(frame::execute(deps, &info, ROLES, frame)?),
    }
}

fn operation_id(calls: &[Call], batch: bool, predecessor: &Bytes32, salt: &Bytes32) -> Bytes32 {
    if batch {
        hash_operation_batch(calls, predecessor, salt)
    } else {
        hash_operation(&calls[0], predecessor, salt)
    }
}

#[allow(clippy::too_many_arguments)]
fn schedule(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    calls: Vec<Call>,
    batch: bool,
    predecessor: HexBinary,
    salt: HexBinary,
    delay: Uint64,
) -> Result<Response, ContractError> {
    roles::require_role(deps.storage, PROPOSER, &info.sender)?;
    let predecessor = bytes32(&predecessor, "predecessor")?;
    let salt = bytes32(&salt, "salt")?;
    validate_calls(deps.as_ref(), &calls)?;
    let id = operation_id(&calls, batch, &predecessor, &salt);
    if state::timestamp(deps.storage, &id)? != 0 {
        return Err(unexpected(&id, &[OperationState::Unset]));
    }
    let min_delay = MIN_DELAY.load(deps.storage)?;
    let delay = delay.u64();
    if delay < min_delay {
        return Err(ContractError::TimelockInsufficientDelay { delay, min_delay });
    }
    let ready_at = env
        .block
        .time
        .seconds()
        .checked_add(delay)
        .ok_or(ContractError::TimelockDelayOverflow { delay })?;
    TIMESTAMPS.save(deps.storage, &id, &ready_at)?;

    let id_hex = HexBinary::from(id).to_hex();
    let mut res = Response::new();
    for (index, call) in calls.iter().enumerate() {
        res = res.add_event(
            Event::new("call_scheduled")
                .add_attribute("id", &id_hex)
                .add_attribute("index", index.to_string())
                .add_attribute("target", target(call))
                .add_attribute("call", to_json_string(call)?)
                .add_attribute("predecessor", HexBinary::from(predecessor).to_hex())
                .add_attribute("delay", delay.to_string()),
        );
    }
    if salt != [0u8; 32] {
        res = res.add_event(
            Event::new("call_salt")
                .add_attribute("id", &id_hex)
                .add_attribute("salt", HexBinary::from(salt).to_hex()),
        );
    }
    Ok(res.set_data(to_json_binary(&OperationIdResponse {
        id: HexBinary::from(id),
    })?))
}

fn cancel(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    id: HexBinary,
) -> Result<Response, ContractError> {
    roles::require_role(deps.storage, CANCELLER, &info.sender)?;
    let id = bytes32(&id, "id")?;
    match operation_state(deps.storage, &env, &id)? {
        OperationState::Waiting | OperationState::Ready => {}
        _ => {
            return Err(unexpected(
                &id,
                &[OperationState::Waiting, OperationState::Ready],
            ))
        }
    }
    TIMESTAMPS.remove(deps.storage, &id);
    Ok(Response::new()
        .add_event(Event::new("cancelled").add_attribute("id", HexBinary::from(id).to_hex())))
}

/// `onlyRoleOrOpenRole(EXECUTOR_ROLE)`.
fn require_executor(storage: &dyn Storage, caller: &Addr) -> Result<(), ContractError> {
    if state::open_executor(storage)? {
        return Ok(());
    }
    Ok(roles::require_role(storage, EXECUTOR, caller)?)
}

fn execute_operation(
    mut deps: DepsMut,
    env: Env,
    info: MessageInfo,
    calls: Vec<Call>,
    batch: bool,
    predecessor: HexBinary,
    salt: HexBinary,
) -> Result<Response, ContractError> {
    require_executor(deps.storage, &info.sender)?;
    let predecessor = bytes32(&predecessor, "predecessor")?;
    let salt = bytes32(&salt, "salt")?;
    let id = operation_id(&calls, batch, &predecessor, &salt);
    if operation_state(deps.storage, &env, &id)? != OperationState::Ready {
        return Err(unexpected(&id, &[OperationState::Ready]));
    }
    if predecessor != [0u8; 32]
        && operation_state(deps.storage, &env, &predecessor)? != OperationState::Done
    {
        return Err(ContractError::TimelockUnexecutedPredecessor {
            predecessor_id: HexBinary::from(predecessor).to_hex(),
        });
    }
    // Done before the calls run: they run after this handler returns, as sub-messages, and
    // any failure among them rolls this write back with the rest of the transaction. A
    // call that re-enters `execute` for this operation finds it Done and fails.
    TIMESTAMPS.save(deps.storage, &id, &DONE_TIMESTAMP)?;
    rollback::record_targets(deps.branch(), &calls)?;
    let id_hex = HexBinary::from(id).to_hex();
    let mut res = Response::new();
    for (index, call) in calls.iter().enumerate() {
        res = res.add_submessage(sub_msg(call)).add_event(
            Event::new("call_executed")
                .add_attribute("id", &id_hex)
                .add_attribute("index", index.to_string())
                .add_attribute("target", target(call))
                .add_attribute("call", to_json_string(call)?),
        );
    }
    Ok(res)
}

fn update_delay(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    new_delay: Uint64,
) -> Result<Response, ContractError> {
    if info.sender != env.contract.address {
        return Err(ContractError::TimelockUnauthorizedCaller {
            caller: info.sender.to_string(),
        });
    }
    let old = MIN_DELAY.load(deps.storage)?;
    MIN_DELAY.save(deps.storage, &new_delay.u64())?;
    Ok(Response::new().add_event(min_delay_change(old, new_delay.u64())))
}

/// The frame's `grantRole`, plus the open executor role (`account == "*"`).
fn grant_role(
    deps: DepsMut,
    info: MessageInfo,
    role: String,
    account: String,
) -> Result<Response, ContractError> {
    if account != ANYONE || role != EXECUTOR {
        return Ok(roles::grant_role(deps, &info, ROLES, &role, &account)?);
    }
    roles::require_role(deps.storage, ADMIN, &info.sender)?;
    let mut res = Response::new();
    if !state::open_executor(deps.storage)? {
        OPEN_EXECUTOR.save(deps.storage, &true)?;
        res = res.add_event(open_role_event("role_granted", &info.sender));
    }
    Ok(res)
}

/// The frame's `revokeRole`, plus the open executor role (`account == "*"`).
fn revoke_role(
    deps: DepsMut,
    info: MessageInfo,
    role: String,
    account: String,
) -> Result<Response, ContractError> {
    if account != ANYONE || role != EXECUTOR {
        return Ok(roles::revoke_role(deps, &info, ROLES, &role, &account)?);
    }
    roles::require_role(deps.storage, ADMIN, &info.sender)?;
    let mut res = Response::new();
    if state::open_executor(deps.storage)? {
        OPEN_EXECUTOR.save(deps.storage, &false)?;
        res = res.add_event(open_role_event("role_revoked", &info.sender));
    }
    Ok(res)
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn query(deps: Deps, env: Env, msg: QueryMsg) -> Result<Binary, ContractError> {
    let state_of = |id: &HexBinary| -> Result<OperationState, ContractError> {
        Ok(operation_state(deps.storage, &env, &bytes32(id, "id")?)?)
    };
    Ok(match msg {
        QueryMsg::IsOperation { id } => to_json_binary(&IsOperationResponse {
            is_operation: state_of(&id)? != OperationState::Unset,
        })?,
        QueryMsg::IsOperationPending { id } => to_json_binary(&IsOperationPendingResponse {
            is_operation_pending: matches!(
                state_of(&id)?,
                OperationState::Waiting | OperationState::Ready
            ),
        })?,
        QueryMsg::IsOperationReady { id } => to_json_binary(&IsOperationReadyResponse {
            is_operation_ready: state_of(&id)? == OperationState::Ready,
        })?,
        QueryMsg::IsOperationDone { id } => to_json_binary(&IsOperationDoneResponse {
            is_operation_done: state_of(&id)? == OperationState::Done,
        })?,
        QueryMsg::GetTimestamp { id } => to_json_binary(&TimestampResponse {
            timestamp: Uint64::new(state::timestamp(deps.storage, &bytes32(&id, "id")?)?),
        })?,
        QueryMsg::GetOperationState { id } => to_json_binary(&OperationStateResponse {
            state: state_of(&id)? as u8,
        })?,
        QueryMsg::RollbackTargets { contract_addr } => {
            to_json_binary(&rollback::targets(deps, &contract_addr)?)?
        }
        QueryMsg::GetMinDelay {} => to_json_binary(&MinDelayResponse {
            min_delay: Uint64::new(MIN_DELAY.load(deps.storage)?),
        })?,
        QueryMsg::HashOperation {
            call,
            predecessor,
            salt,
        } => to_json_binary(&OperationIdResponse {
            id: HexBinary::from(hash_operation(
                &call,
                &bytes32(&predecessor, "predecessor")?,
                &bytes32(&salt, "salt")?,
            )),
        })?,
        QueryMsg::HashOperationBatch {
            calls,
            predecessor,
            salt,
        } => to_json_binary(&OperationIdResponse {
            id: HexBinary::from(hash_operation_batch(
                &calls,
                &bytes32(&predecessor, "predecessor")?,
                &bytes32(&salt, "salt")?,
            )),
        })?,
        // The open executor role is the timelock's own extension of `hasRole`.
        QueryMsg::HasRole { role, account } if role == EXECUTOR && account == ANYONE => {
            to_json_binary(&roles::HasRoleResponse {
                has_role: state::open_executor(deps.storage)?,
            })?
        }
        frame => frame::query(deps, frame)?,
    })
}

vagus_common::migrate_entry_point!(CONTRACT_NAME, CONTRACT_VERSION, ContractError);

/// Frame errors this contract can return (spec/timelock.json lists them with their codes).
pub const FRAME_ERRORS: &[&str] = &[
    "Unauthorized",
    "UnknownRole",
    "InvalidAddress",
    "BadRenounceConfirmation",
    "LastAdmin",
    "MigrateWrongContract",
    "MigrateDowngrade",
    "Std",
    "EmptyReason",
    "ReasonTooLong",
    "RollbackNotApproved",
    "NotARollback",
];
