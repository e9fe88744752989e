//! Entry points of the CircuitBreaker (spec/circuit-breaker.md), in the frame's check
//! order: role, pause, ids, then the state machine of `breaker.rs`.

#[cfg(not(feature = "library"))]
use cosmwasm_std::entry_point;
use cosmwasm_std::{
    to_json_binary, Binary, Deps, DepsMut, Env, Event, HexBinary, MessageInfo, Response, StdResult,
    Uint64,
};
use vagus_common::events::pair_event;
use vagus_common::frame;
use vagus_common::roles::{self, Roles, ADMIN, CONSUMER, EMERGENCY, GUARDIAN, REPORTER};
use vagus_common::{authorize, Pair, PausePolicy};

use crate::breaker::{Admission, BreakerState, Input, PairBreaker, Phase, Transition};
use crate::config;
use crate::error::ContractError;
use crate::msg::{
    BreakerCounters, BreakerStatus, Config, ExecuteMsg, InstantiateMsg, QueryMsg, ReleaseResponse,
    RequestResponse,
};
use crate::state::{CONFIG, PAIRS};

/// cw2 contract name: `crates.io:vagus-circuit-breaker` (spec `wasmContract`).
pub const CONTRACT_NAME: &str = concat!("crates.io:", env!("CARGO_PKG_NAME"));
/// cw2 contract version: the `version` of the spec component file (`vagus_common::versions`).
pub const CONTRACT_VERSION: &str = vagus_common::versions::CIRCUIT_BREAKER;

/// The roles this contract defines (spec/circuit-breaker.json `roles`).
pub const ROLES: Roles = Roles(&[ADMIN, GUARDIAN, CONSUMER, REPORTER, EMERGENCY]);

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn instantiate(
    mut deps: DepsMut,
    _env: Env,
    info: MessageInfo,
    msg: InstantiateMsg,
) -> Result<Response, ContractError> {
    let (_, granted) = roles::init_admin(deps.branch(), &info, &msg.admin)?;
    config::validate(&msg.config)?;
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
        ExecuteMsg::Request {
            executor_id,
            action_id,
        } => drive(deps, env, info, executor_id, action_id, Input::Request),
        ExecuteMsg::Release {
            executor_id,
            action_id,
        } => release(deps, env, info, executor_id, action_id),
        ExecuteMsg::RecordOutcome {
            executor_id,
            action_id,
            success,
        } => drive(
            deps,
            env,
            info,
            executor_id,
            action_id,
            Input::Outcome { success },
        ),
        ExecuteMsg::Trip {
            executor_id,
            action_id,
        } => drive(deps, env, info, executor_id, action_id, Input::Trip),
        ExecuteMsg::Reset {
            executor_id,
            action_id,
        } => drive(deps, env, info, executor_id, action_id, Input::Reset),
        ExecuteMsg::ForceHalfOpen {
            executor_id,
            action_id,
        } => drive(
            deps,
            env,
            info,
            executor_id,
            action_id,
            Input::ForceHalfOpen,
        ),
        ExecuteMsg::SetConfig { config } => set_config(deps, info, config),
        frame => Ok(frame::execute(deps, &info, ROLES, frame)?),
    }
}

/// Role and pause policy of each pair operation (spec/circuit-breaker.json `operations`):
/// outcome reports and trips are safety operations and keep working while paused.
fn gate(input: Input) -> (&'static str, PausePolicy) {
    match input {
        Input::Request => (CONSUMER, PausePolicy::Blocked),
        Input::Outcome { .. } => (REPORTER, PausePolicy::Allowed),
        Input::Trip => (GUARDIAN, PausePolicy::Allowed),
        Input::Reset | Input::ForceHalfOpen => (GUARDIAN, PausePolicy::Blocked),
    }
}

/// Every state-changing pair operation: frame checks, then one step of the machine. The
/// events come out in the order the machine produced them, the lazy cooldown first.
fn drive(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    executor_id: Uint64,
    action_id: HexBinary,
    input: Input,
) -> Result<Response, ContractError> {
    let (role, policy) = gate(input);
    authorize(deps.storage, &info.sender, role, policy)?;
    let pair = Pair::validate(executor_id, &action_id)?;
    let config = CONFIG.load(deps.storage)?;
    let now = env.block.time.seconds();

    let mut breaker = PAIRS
        .may_load(deps.storage, pair.key())?
        .unwrap_or_default();
    let outcome = breaker.apply(input, &config, now)?;
    PAIRS.save(deps.storage, pair.key(), &breaker)?;

    let mut res = Response::new();
    for t in &outcome.transitions {
        res = res.add_event(transition_event(&pair, t));
    }
    if let Some(admission) = outcome.admission {
        let reply = match admission {
            Admission::Allowed => RequestResponse {
                allowed: true,
                retry_at: Uint64::zero(),
            },
            Admission::Denied { code, retry_at } => {
                res = res.add_event(
                    pair_event("request_denied", &pair)
                        .add_attribute("code", code.to_string())
                        .add_attribute("retry_at", retry_at.to_string()),
                );
                RequestResponse {
                    allowed: false,
                    retry_at: Uint64::new(retry_at),
                }
            }
        };
        res = res.set_data(to_json_binary(&reply)?);
    }
    Ok(res)
}

fn transition_event(pair: &Pair, t: &Transition) -> Event {
    pair_event("breaker_transition", pair)
        .add_attribute("from", (t.from as u8).to_string())
        .add_attribute("to", (t.to as u8).to_string())
        .add_attribute("reason", (t.reason as u8).to_string())
}

/// `release` (spec/circuit-breaker.md): the issuer gives back the probe it was admitted
/// when the rate limiter then denied the same intent.
fn release(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    executor_id: Uint64,
    action_id: HexBinary,
) -> Result<Response, ContractError> {
    authorize(deps.storage, &info.sender, CONSUMER, PausePolicy::Blocked)?;
    let pair = Pair::validate(executor_id, &action_id)?;
    let config = CONFIG.load(deps.storage)?;
    let mut breaker = PAIRS
        .may_load(deps.storage, pair.key())?
        .unwrap_or_default();
    let (cooled, released) = breaker.release(&config, env.block.time.seconds());
    let mut res = Response::new();
    if let Some(t) = &cooled {
        res = res.add_event(transition_event(&pair, t));
    }
    if cooled.is_some() || released.is_some() {
        PAIRS.save(deps.storage, pair.key(), &breaker)?;
    }
    if let Some(probes) = released {
        res = res.add_event(
            pair_event("probe_released", &pair)
                .add_attribute("probes_admitted", probes.to_string()),
        );
    }
    Ok(res.set_data(to_json_binary(&ReleaseResponse {
        released: released.is_some(),
    })?))
}

fn set_config(deps: DepsMut, info: MessageInfo, config: Config) -> Result<Response, ContractError> {
    authorize(deps.storage, &info.sender, ADMIN, PausePolicy::Blocked)?;
    config::validate(&config)?;
    CONFIG.save(deps.storage, &config)?;
    Ok(Response::new().add_event(config_set(&config)))
}

fn config_set(config: &Config) -> Event {
    Event::new("config_set")
        .add_attribute("failure_threshold", config.failure_threshold.to_string())
        .add_attribute("cooldown", config.cooldown.to_string())
        .add_attribute(
            "half_open_max_probes",
            config.half_open_max_probes.to_string(),
        )
        .add_attribute("success_threshold", config.success_threshold.to_string())
}

/// The effective status at `now`: the lazy cooldown applied to a copy.
pub fn status(breaker: &PairBreaker, config: &Config, now: u64) -> BreakerStatus {
    let mut effective = *breaker;
    effective.materialize(config, now);
    let (consecutive_failures, probes_admitted, half_open_successes) = match effective.phase {
        Phase::Closed {
            consecutive_failures,
        } => (consecutive_failures, 0, 0),
        Phase::Open {} => (0, 0, 0),
        Phase::HalfOpen {
            probes_admitted,
            half_open_successes,
        } => (0, probes_admitted, half_open_successes),
    };
    let next_request_at = match effective.phase.state() {
        BreakerState::Closed => now,
        BreakerState::Open => effective.cooldown_end(config),
        BreakerState::HalfOpen if probes_admitted < config.half_open_max_probes => now,
        BreakerState::HalfOpen => 0,
    };
    BreakerStatus {
        state: effective.phase.state() as u8,
        consecutive_failures,
        probes_admitted,
        half_open_successes,
        opened_at: Uint64::new(effective.opened_at),
        next_request_at: Uint64::new(next_request_at),
    }
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn query(deps: Deps, env: Env, msg: QueryMsg) -> Result<Binary, ContractError> {
    let now = env.block.time.seconds();
    let load = |executor_id: Uint64, action_id: &HexBinary| -> StdResult<PairBreaker> {
        let (executor_id, action_id) = Pair::unchecked(executor_id, action_id);
        Ok(PAIRS
            .may_load(deps.storage, (executor_id, &action_id))?
            .unwrap_or_default())
    };
    let reply = match msg {
        QueryMsg::Config {} => to_json_binary(&CONFIG.load(deps.storage)?),
        QueryMsg::Status {
            executor_id,
            action_id,
        } => {
            let config = CONFIG.load(deps.storage)?;
            to_json_binary(&status(&load(executor_id, &action_id)?, &config, now))
        }
        QueryMsg::Counters {
            executor_id,
            action_id,
        } => {
            let c = load(executor_id, &action_id)?.counters;
            to_json_binary(&BreakerCounters {
                requests: Uint64::new(c.requests),
                rejections: Uint64::new(c.rejections),
                successes: Uint64::new(c.successes),
                failures: Uint64::new(c.failures),
                trips: Uint64::new(c.trips),
            })
        }
        frame => return Ok(frame::query(deps, frame)?),
    };
    Ok(reply?)
}

vagus_common::migrate_entry_point!(CONTRACT_NAME, CONTRACT_VERSION, ContractError);
