//! Entry points of the RateLimiter (spec/rate-limiter.md), in the frame's check order:
//! role, pause, ids, config, effects.

#[cfg(not(feature = "library"))]
use cosmwasm_std::entry_point;
use cosmwasm_std::{
    to_json_binary, Binary, Deps, DepsMut, Env, Event, HexBinary, MessageInfo, Response, StdResult,
    Storage, Uint64,
};
use vagus_common::events::pair_event;
use vagus_common::frame;
use vagus_common::roles::{self, Roles, ADMIN, CONSUMER, EMERGENCY, GUARDIAN};
use vagus_common::{authorize, Pair, PausePolicy};

use crate::config;
use crate::error::{ContractError, RATE_LIMITED};
use crate::msg::{
    CapacityRaiseResponse, Config, ConsumeResponse, CountersResponse, ExecuteMsg, InstantiateMsg,
    PairConfigResponse, QueryMsg, RaiseBounds, UsageResponse,
};
use crate::raise::{self, Raiser};
use crate::state::{PairUsage, DEFAULT_CONFIG, PAIRS, PAIR_CONFIGS, RAISES, RAISE_BOUNDS};
use crate::window::Ring;

/// cw2 contract name: `crates.io:vagus-rate-limiter` (spec `wasmContract`).
pub const CONTRACT_NAME: &str = concat!("crates.io:", env!("CARGO_PKG_NAME"));
/// cw2 contract version: the `version` of the spec component file (`vagus_common::versions`).
#[cfg(not(feature = "v2-test"))]
pub const CONTRACT_VERSION: &str = vagus_common::versions::RATE_LIMITER;
/// The test-only v2 build (feature `v2-test`): above every release version.
#[cfg(feature = "v2-test")]
pub const CONTRACT_VERSION: &str = "99.0.0";

/// The roles this contract defines (spec/rate-limiter.json `roles`).
pub const ROLES: Roles = Roles(&[ADMIN, GUARDIAN, CONSUMER, EMERGENCY]);

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn instantiate(
    mut deps: DepsMut,
    _env: Env,
    info: MessageInfo,
    msg: InstantiateMsg,
) -> Result<Response, ContractError> {
    let (_, granted) = roles::init_admin(deps.branch(), &info, &msg.admin)?;
    config::validate(&msg.default_config)?;
    cw2::set_contract_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    DEFAULT_CONFIG.save(deps.storage, &msg.default_config)?;
    Ok(Response::new()
        .add_event(granted)
        .add_event(default_config_set(&msg.default_config)))
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn execute(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    msg: ExecuteMsg,
) -> Result<Response, ContractError> {
    match msg {
        ExecuteMsg::Consume {
            executor_id,
            action_id,
        } => consume(deps, env, info, executor_id, action_id),
        ExecuteMsg::SetDefaultConfig { config } => set_default_config(deps, info, config),
        ExecuteMsg::SetPairConfig {
            executor_id,
            action_id,
            config,
        } => set_pair_config(deps, info, executor_id, action_id, config),
        ExecuteMsg::ClearPairConfig {
            executor_id,
            action_id,
        } => clear_pair_config(deps, info, executor_id, action_id),
        ExecuteMsg::RaiseCapacity {
            executor_id,
            action_id,
            capacity,
            duration,
        } => raise_capacity(deps, env, info, executor_id, action_id, capacity, duration),
        ExecuteMsg::RestoreCapacity {
            executor_id,
            action_id,
        } => restore_capacity(deps, env, info, executor_id, action_id),
        ExecuteMsg::SetRaiseBounds { bounds } => set_raise_bounds(deps, info, bounds),
        frame => Ok(frame::execute(deps, &info, ROLES, frame)?),
    }
}

/// The pair's override if governance set one, else the default.
fn effective_config(storage: &dyn Storage, key: (u64, &[u8])) -> StdResult<(bool, Config)> {
    match PAIR_CONFIGS.may_load(storage, key)? {
        Some(config) => Ok((true, config)),
        None => Ok((false, DEFAULT_CONFIG.load(storage)?)),
    }
}

fn consume(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    executor_id: Uint64,
    action_id: HexBinary,
) -> Result<Response, ContractError> {
    authorize(deps.storage, &info.sender, CONSUMER, PausePolicy::Blocked)?;
    let pair = Pair::validate(executor_id, &action_id)?;
    let now = env.block.time.seconds();
    let (_, config) = effective_config(deps.storage, pair.key())?;
    // One extra read per consume; an expired raise is inert, so nothing is written at expiry.
    let capacity = raise::effective_capacity(
        config.capacity,
        RAISES.may_load(deps.storage, pair.key())?,
        now,
    );

    let mut usage = PAIRS
        .may_load(deps.storage, pair.key())?
        .unwrap_or_default();
    let mut ring = Ring::for_config(usage.ring.take(), &config);
    usage.requests = usage.requests.saturating_add(1);

    let used = ring.used(now);
    let mut res = Response::new();
    let reply = if used < capacity {
        ring.record(now);
        ConsumeResponse {
            allowed: true,
            retry_at: Uint64::zero(),
        }
    } else {
        usage.rejections = usage.rejections.saturating_add(1);
        let retry_at = ring.retry_at(now, capacity);
        res = res.add_event(
            pair_event("consume_denied", &pair)
                .add_attribute("code", RATE_LIMITED.to_string())
                .add_attribute("used", used.to_string())
                .add_attribute("retry_at", retry_at.to_string()),
        );
        ConsumeResponse {
            allowed: false,
            retry_at: Uint64::new(retry_at),
        }
    };
    usage.ring = Some(ring);
    PAIRS.save(deps.storage, pair.key(), &usage);
    Ok(res.set_data(to_json_binary(&reply)?))
}

fn set_default_config(
    deps: DepsMut,
    info: MessageInfo,
    config: Config,
) -> Result<Response, ContractError> {
    authorize(deps.storage, &info.sender, ADMIN, PausePolicy::Blocked)?;
    config::validate(&config)?;
    DEFAULT_CONFIG.save(deps.storage, &config)?;
    Ok(Response::new().add_event(default_config_set(&config)))
}

fn set_pair_config(
    deps: DepsMut,
    info: MessageInfo,
    executor_id: Uint64,
    action_id: HexBinary,
    config: Config,
) -> Result<Response, ContractError> {
    authorize(deps.storage, &info.sender, ADMIN, PausePolicy::Blocked)?;
    let pair = Pair::validate(executor_id, &action_id)?;
    config::validate(&config)?;
    PAIR_CONFIGS.save(deps.storage, pair.key(), &config)?;
    Ok(Response::new().add_event(with_config(pair_event("pair_config_set", &pair), &config)))
}

fn clear_pair_config(
    deps: DepsMut,
    info: MessageInfo,
    executor_id: Uint64,
    action_id: HexBinary,
) -> Result<Response, ContractError> {
    authorize(deps.storage, &info.sender, ADMIN, PausePolicy::Blocked)?;
    let pair = Pair::validate(executor_id, &action_id)?;
    if !PAIR_CONFIGS.has(deps.storage, pair.key()) {
        return Err(ContractError::NoPairOverride {
            executor_id: pair.executor_id,
            action_id: pair.action_hex(),
        });
    }
    PAIR_CONFIGS.remove(deps.storage, pair.key());
    Ok(Response::new().add_event(pair_event("pair_config_cleared", &pair)))
}

/// Check 1 of `raise_capacity` / `restore_capacity`: ADMIN or GUARDIAN (`Unauthorized`
/// names GUARDIAN). Returns whether the caller holds ADMIN.
fn require_responder(deps: &DepsMut, info: &MessageInfo) -> Result<bool, ContractError> {
    if roles::has_role(deps.storage, ADMIN, &info.sender) {
        return Ok(true);
    }
    roles::require_role(deps.storage, GUARDIAN, &info.sender)?;
    Ok(false)
}

fn raise_capacity(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    executor_id: Uint64,
    action_id: HexBinary,
    capacity: u32,
    duration: u32,
) -> Result<Response, ContractError> {
    let is_admin = require_responder(&deps, &info)?;
    vagus_common::pause::require_live(deps.storage, PausePolicy::Blocked)?;
    let pair = Pair::validate(executor_id, &action_id)?;
    let (_, config) = effective_config(deps.storage, pair.key())?;
    let raiser = if is_admin {
        Raiser::Admin
    } else {
        Raiser::Guardian(RAISE_BOUNDS.may_load(deps.storage)?.unwrap_or_default())
    };
    let raise = raiser.check(
        config.capacity,
        capacity,
        duration,
        env.block.time.seconds(),
    )?;
    RAISES.save(deps.storage, pair.key(), &raise)?;
    Ok(Response::new().add_event(
        pair_event("capacity_raised", &pair)
            .add_attribute("capacity", raise.capacity.to_string())
            .add_attribute("until", raise.until.to_string())
            .add_attribute("account", info.sender.as_str()),
    ))
}

fn restore_capacity(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    executor_id: Uint64,
    action_id: HexBinary,
) -> Result<Response, ContractError> {
    require_responder(&deps, &info)?;
    let pair = Pair::validate(executor_id, &action_id)?;
    let now = env.block.time.seconds();
    let active = RAISES
        .may_load(deps.storage, pair.key())?
        .and_then(|r| r.active(now));
    if active.is_none() {
        return Err(ContractError::NoActiveRaise {
            executor_id: pair.executor_id,
            action_id: pair.action_hex(),
        });
    }
    RAISES.remove(deps.storage, pair.key());
    Ok(Response::new().add_event(
        pair_event("capacity_restored", &pair).add_attribute("account", info.sender.as_str()),
    ))
}

fn set_raise_bounds(
    deps: DepsMut,
    info: MessageInfo,
    bounds: RaiseBounds,
) -> Result<Response, ContractError> {
    authorize(deps.storage, &info.sender, ADMIN, PausePolicy::Blocked)?;
    raise::validate_bounds(&bounds)?;
    RAISE_BOUNDS.save(deps.storage, &bounds)?;
    Ok(Response::new().add_event(
        Event::new("raise_bounds_set")
            .add_attribute("max_percent", bounds.max_percent.to_string())
            .add_attribute("max_duration", bounds.max_duration.to_string()),
    ))
}

fn with_config(event: Event, config: &Config) -> Event {
    event
        .add_attribute("capacity", config.capacity.to_string())
        .add_attribute("window", config.window.to_string())
        .add_attribute("buckets", config.buckets.to_string())
}

fn default_config_set(config: &Config) -> Event {
    with_config(Event::new("default_config_set"), config)
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn query(deps: Deps, env: Env, msg: QueryMsg) -> Result<Binary, ContractError> {
    let now = env.block.time.seconds();
    let reply = match msg {
        QueryMsg::DefaultConfig {} => {
            #[allow(unused_mut)]
            let mut config = DEFAULT_CONFIG.load(deps.storage)?;
            // The v2 test build's visible change: the bonus its migrate stored.
            #[cfg(feature = "v2-test")]
            {
                config.capacity += v2_test::BONUS.may_load(deps.storage)?.unwrap_or(0);
            }
            to_json_binary(&config)
        }
        QueryMsg::PairConfig {
            executor_id,
            action_id,
        } => {
            let (executor_id, action_id) = Pair::unchecked(executor_id, &action_id);
            let (has_override, config) = effective_config(deps.storage, (executor_id, &action_id))?;
            to_json_binary(&PairConfigResponse {
                has_override,
                config,
            })
        }
        QueryMsg::Usage {
            executor_id,
            action_id,
        } => {
            let (executor_id, action_id) = Pair::unchecked(executor_id, &action_id);
            let key = (executor_id, action_id.as_slice());
            let (_, config) = effective_config(deps.storage, key)?;
            let capacity = raise::effective_capacity(
                config.capacity,
                RAISES.may_load(deps.storage, key)?,
                now,
            );
            let usage = PAIRS.may_load(deps.storage, key)?.unwrap_or_default();
            let ring = Ring::for_config(usage.ring, &config);
            to_json_binary(&UsageResponse {
                used: ring.used(now),
                capacity,
                retry_at: Uint64::new(ring.retry_at(now, capacity)),
            })
        }
        QueryMsg::Counters {
            executor_id,
            action_id,
        } => {
            let (executor_id, action_id) = Pair::unchecked(executor_id, &action_id);
            let usage: PairUsage = PAIRS
                .may_load(deps.storage, (executor_id, &action_id))?
                .unwrap_or_default();
            to_json_binary(&CountersResponse {
                requests: Uint64::new(usage.requests),
                rejections: Uint64::new(usage.rejections),
            })
        }
        QueryMsg::CapacityRaise {
            executor_id,
            action_id,
        } => {
            let (executor_id, action_id) = Pair::unchecked(executor_id, &action_id);
            let active = RAISES
                .may_load(deps.storage, (executor_id, &action_id))?
                .and_then(|r| r.active(now));
            to_json_binary(&match active {
                Some(r) => CapacityRaiseResponse {
                    active: true,
                    capacity: r.capacity,
                    until: Uint64::new(r.until),
                },
                None => CapacityRaiseResponse {
                    active: false,
                    capacity: 0,
                    until: Uint64::zero(),
                },
            })
        }
        QueryMsg::RaiseBounds {} => {
            to_json_binary(&RAISE_BOUNDS.may_load(deps.storage)?.unwrap_or_default())
        }
        frame => return Ok(frame::query(deps, frame)?),
    };
    Ok(reply?)
}

#[cfg(not(feature = "v2-test"))]
vagus_common::migrate_entry_point!(CONTRACT_NAME, CONTRACT_VERSION, ContractError);

#[cfg(feature = "v2-test")]
pub use v2_test::migrate;

/// The test-only v2 build: its migrate adds state (`BONUS`) that v1 never reads, so a
/// rollback to v1 keeps every v1 item and leaves this one unused.
#[cfg(feature = "v2-test")]
mod v2_test {
    use super::{ContractError, CONTRACT_NAME, CONTRACT_VERSION};
    use cosmwasm_std::{DepsMut, Env, Response};
    use cw_storage_plus::Item;

    pub const BONUS: Item<u32> = Item::new("v2_test_bonus");

    #[cfg_attr(not(feature = "library"), cosmwasm_std::entry_point)]
    pub fn migrate(
        deps: DepsMut,
        env: Env,
        msg: vagus_common::migrate::MigrateMsg,
    ) -> Result<Response, ContractError> {
        let res = vagus_common::migrate::migrate(
            deps.storage,
            &env.contract.address,
            CONTRACT_NAME,
            CONTRACT_VERSION,
            msg,
        )?;
        BONUS.save(deps.storage, &1000)?;
        Ok(res)
    }
}
