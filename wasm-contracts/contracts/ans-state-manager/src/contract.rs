//! Entry points of the ANSStateManager (spec/safety-core.md §1), in the frame's check
//! order. The reflex notification is a gas-limited `reply_on_error` sub-message: when the reflex arc
//! fails, the chain rolls back its writes and `reply` records the failure.

#[cfg(not(feature = "library"))]
use cosmwasm_std::entry_point;
use cosmwasm_std::{
    from_json, to_json_binary, Addr, Binary, Deps, DepsMut, Env, Event, MessageInfo, Reply,
    Response, StdError, StdResult, SubMsgResult, Uint64, WasmMsg,
};
use vagus_common::error::validate_reason;
use vagus_common::frame;
use vagus_common::ids::validate_executor_id;
use vagus_common::notify::reflex_notification;
use vagus_common::pause::is_paused;
use vagus_common::roles::{self, Roles, ADMIN, EMERGENCY, GUARDIAN, ORACLE};
use vagus_common::{authorize, PausePolicy};

use crate::error::ContractError;
use crate::machine::{self, Executor, CAUSE_OVERRIDE, CAUSE_READINGS, DANGER, SHUTDOWN};
use crate::msg::{
    Config, CountersResponse, ExecuteMsg, ExecutorStateResponse, Guard, GuardOfResponse,
    InstantiateMsg, QueryMsg, ReflexArcExecuteMsg, ReflexArcResponse, UpdateToneResponse,
};
use crate::state::{CONFIG, COUNTERS, EXECUTORS, GUARDS, REFLEX_ARC};

/// cw2 contract name: `crates.io:vagus-ans-state-manager` (spec `wasmContract`).
pub const CONTRACT_NAME: &str = concat!("crates.io:", env!("CARGO_PKG_NAME"));
/// cw2 contract version: the `version` of the spec component file (`vagus_common::versions`).
pub const CONTRACT_VERSION: &str = vagus_common::versions::ANS_STATE_MANAGER;

/// The roles this contract defines (spec/ans.json `roles`).
pub const ROLES: Roles = Roles(&[ADMIN, GUARDIAN, ORACLE, EMERGENCY]);

/// Reply id of the reflex notification.
pub const NOTIFY_REPLY: u64 = 1;

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn instantiate(
    mut deps: DepsMut,
    _env: Env,
    info: MessageInfo,
    msg: InstantiateMsg,
) -> Result<Response, ContractError> {
    let (_, granted) = roles::init_admin(deps.branch(), &info, &msg.admin)?;
    machine::validate_config(&msg.config)?;
    cw2::set_contract_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    CONFIG.save(deps.storage, &msg.config)?;
    Ok(Response::new()
        .add_event(granted)
        .add_event(config_set(&msg.config)))
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn execute(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    msg: ExecuteMsg,
) -> Result<Response, ContractError> {
    match msg {
        ExecuteMsg::UpdateTone {
            executor_id,
            tone_ppm,
        } => update_tone(deps, env, info, executor_id, tone_ppm),
        ExecuteMsg::OverrideState {
            executor_id,
            to,
            reason,
        } => override_state(deps, env, info, executor_id, to, reason),
        ExecuteMsg::SetGuard { state, guard } => {
            authorize(deps.storage, &info.sender, ADMIN, PausePolicy::Blocked)?;
            machine::validate_state(state)?;
            machine::validate_guard(state, &guard)?;
            GUARDS.save(deps.storage, state, &guard)?;
            Ok(Response::new().add_event(
                Event::new("guard_set")
                    .add_attribute("state", state.to_string())
                    .add_attribute("factor_bp", guard.factor_bp.to_string())
                    .add_attribute("allowed", guard.allowed.to_string()),
            ))
        }
        ExecuteMsg::SetConfig { config } => {
            authorize(deps.storage, &info.sender, ADMIN, PausePolicy::Blocked)?;
            machine::validate_config(&config)?;
            CONFIG.save(deps.storage, &config)?;
            Ok(Response::new().add_event(config_set(&config)))
        }
        ExecuteMsg::SetReflexArc { reflex_arc } => {
            authorize(deps.storage, &info.sender, ADMIN, PausePolicy::Blocked)?;
            let link = match reflex_arc {
                Some(a) => Some(roles::validate_address(deps.as_ref(), &a)?),
                None => None,
            };
            match &link {
                Some(a) => REFLEX_ARC.save(deps.storage, a)?,
                None => REFLEX_ARC.remove(deps.storage),
            }
            Ok(Response::new().add_event(
                Event::new("reflex_arc_set").add_attribute("reflex_arc", link_value(&link)),
            ))
        }
        frame => Ok(frame::execute(deps, &info, ROLES, frame)?),
    }
}

/// An optional link as an event attribute: the address, or `null` when unset (a chain
/// refuses empty attribute values).
pub fn link_value(link: &Option<Addr>) -> String {
    link.as_ref()
        .map_or_else(|| "null".to_string(), |a| a.to_string())
}

fn config_set(c: &Config) -> Event {
    Event::new("config_set")
        .add_attribute("danger_enter_ppm", c.danger_enter_ppm.to_string())
        .add_attribute("shutdown_enter_ppm", c.shutdown_enter_ppm.to_string())
        .add_attribute("safe_return_ppm", c.safe_return_ppm.to_string())
        .add_attribute("danger_readings", c.danger_readings.to_string())
        .add_attribute("shutdown_readings", c.shutdown_readings.to_string())
        .add_attribute("safe_readings", c.safe_readings.to_string())
        .add_attribute("min_dwell", c.min_dwell.to_string())
}

fn transition_event(id: u64, from: u8, to: u8, tone_ppm: u32, cause: u8) -> Event {
    Event::new("state_transition")
        .add_attribute("executor_id", id.to_string())
        .add_attribute("from", from.to_string())
        .add_attribute("to", to.to_string())
        .add_attribute("tone_ppm", tone_ppm.to_string())
        .add_attribute("cause", cause.to_string())
}

fn bump(
    storage: &mut dyn cosmwasm_std::Storage,
    f: impl FnOnce(&mut (u64, u64, u64)),
) -> StdResult<()> {
    let mut c = COUNTERS.may_load(storage)?.unwrap_or_default();
    f(&mut c);
    COUNTERS.save(storage, &c)
}

/// The reflex notification after a transition into DANGER or SHUTDOWN, if the link is set.
fn notify(
    deps: Deps,
    res: Response,
    id: u64,
    from: u8,
    to: u8,
    tone_ppm: u32,
) -> Result<Response, ContractError> {
    if to != DANGER && to != SHUTDOWN {
        return Ok(res);
    }
    let Some(reflex_arc) = REFLEX_ARC.may_load(deps.storage)? else {
        return Ok(res);
    };
    let msg = WasmMsg::Execute {
        contract_addr: reflex_arc.into_string(),
        msg: to_json_binary(&ReflexArcExecuteMsg::OnStateTransition {
            executor_id: Uint64::new(id),
            from,
            to,
            tone_ppm,
        })?,
        funds: vec![],
    };
    Ok(res.add_submessage(
        reflex_notification(msg, NOTIFY_REPLY).with_payload(to_json_binary(&(id, to))?),
    ))
}

fn update_tone(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    executor_id: Uint64,
    tone_ppm: u32,
) -> Result<Response, ContractError> {
    authorize(deps.storage, &info.sender, ORACLE, PausePolicy::Allowed)?;
    let id = validate_executor_id(executor_id)?;
    if tone_ppm > machine::MAX_PPM {
        return Err(ContractError::InvalidTone { value: tone_ppm });
    }
    let config = CONFIG.load(deps.storage)?;
    let t = env.block.time.seconds();
    let mut e = EXECUTORS.may_load(deps.storage, id)?.unwrap_or_default();
    let changed = e.read(&config, tone_ppm, t, is_paused(deps.storage)?);
    EXECUTORS.save(deps.storage, id, &e)?;
    bump(deps.storage, |c| {
        c.0 = c.0.saturating_add(1);
        if changed.is_some() {
            c.1 = c.1.saturating_add(1);
        }
    })?;
    let mut res = Response::new().set_data(to_json_binary(&UpdateToneResponse { state: e.state })?);
    if let Some(from) = changed {
        res = res.add_event(transition_event(
            id,
            from,
            e.state,
            tone_ppm,
            CAUSE_READINGS,
        ));
        res = notify(deps.as_ref(), res, id, from, e.state, tone_ppm)?;
    }
    Ok(res)
}

fn override_state(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    executor_id: Uint64,
    to: u8,
    reason: String,
) -> Result<Response, ContractError> {
    authorize(deps.storage, &info.sender, ADMIN, PausePolicy::Allowed)?;
    let id = validate_executor_id(executor_id)?;
    machine::validate_state(to)?;
    validate_reason(&reason)?;
    let mut e = EXECUTORS.may_load(deps.storage, id)?.unwrap_or_default();
    if e.state == to {
        return Err(ContractError::StateUnchanged { state: to });
    }
    let from = e.state;
    e.set_override(id, to, env.block.time.seconds())?;
    EXECUTORS.save(deps.storage, id, &e)?;
    bump(deps.storage, |c| c.1 = c.1.saturating_add(1))?;
    let res = Response::new()
        .add_event(transition_event(id, from, to, e.tone_ppm, CAUSE_OVERRIDE))
        .add_event(
            Event::new("state_overridden")
                .add_attribute("executor_id", id.to_string())
                .add_attribute("from", from.to_string())
                .add_attribute("to", to.to_string())
                .add_attribute("reason", reason),
        );
    notify(deps.as_ref(), res, id, from, to, e.tone_ppm)
}

/// A failed reflex notification: the chain has undone the reflex arc's writes; the
/// transition stands, and the failure is counted and reported.
#[cfg_attr(not(feature = "library"), entry_point)]
pub fn reply(deps: DepsMut, _env: Env, msg: Reply) -> Result<Response, ContractError> {
    if msg.id != NOTIFY_REPLY {
        return Err(StdError::generic_err(format!("unknown reply id {}", msg.id)).into());
    }
    let SubMsgResult::Err(_) = msg.result else {
        return Ok(Response::new());
    };
    let (id, to): (u64, u8) = from_json(&msg.payload)?;
    bump(deps.storage, |c| c.2 = c.2.saturating_add(1))?;
    Ok(Response::new().add_event(
        Event::new("reflex_notification_failed")
            .add_attribute("executor_id", id.to_string())
            .add_attribute("to", to.to_string()),
    ))
}

fn guard(deps: Deps, state: u8) -> StdResult<Guard> {
    Ok(GUARDS
        .may_load(deps.storage, state)?
        .unwrap_or_else(|| machine::default_guard(state)))
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn query(deps: Deps, _env: Env, msg: QueryMsg) -> Result<Binary, ContractError> {
    Ok(match msg {
        QueryMsg::Config {} => to_json_binary(&CONFIG.load(deps.storage)?)?,
        QueryMsg::Guard { state } => {
            to_json_binary(&guard(deps, machine::validate_state(state)?)?)?
        }
        QueryMsg::GuardOf { executor_id } => {
            let e = load(deps, executor_id)?;
            let g = guard(deps, e.state)?;
            to_json_binary(&GuardOfResponse {
                state: e.state,
                factor_bp: g.factor_bp,
                allowed: g.allowed,
                shutdown_epoch: e.shutdown_epoch,
            })?
        }
        QueryMsg::ExecutorState { executor_id } => {
            let e = load(deps, executor_id)?;
            to_json_binary(&ExecutorStateResponse {
                state: e.state,
                tone_ppm: e.tone_ppm,
                danger_streak: e.danger_streak,
                shutdown_streak: e.shutdown_streak,
                safe_streak: e.safe_streak,
                entered_at: Uint64::new(e.entered_at),
                updated_at: Uint64::new(e.updated_at),
                shutdown_epoch: e.shutdown_epoch,
            })?
        }
        QueryMsg::ReflexArc {} => to_json_binary(&ReflexArcResponse {
            reflex_arc: REFLEX_ARC.may_load(deps.storage)?,
        })?,
        QueryMsg::Counters {} => {
            let (readings, transitions, failures) =
                COUNTERS.may_load(deps.storage)?.unwrap_or_default();
            to_json_binary(&CountersResponse {
                readings: Uint64::new(readings),
                transitions: Uint64::new(transitions),
                notification_failures: Uint64::new(failures),
            })?
        }
        frame => frame::query(deps, frame)?,
    })
}

fn load(deps: Deps, executor_id: Uint64) -> StdResult<Executor> {
    Ok(EXECUTORS
        .may_load(deps.storage, executor_id.u64())?
        .unwrap_or_default())
}

vagus_common::migrate_entry_point!(CONTRACT_NAME, CONTRACT_VERSION, ContractError);
