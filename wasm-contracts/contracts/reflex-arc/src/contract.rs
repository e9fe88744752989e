//! Entry points of the ReflexArc (spec/safety-core.md §5), in the frame's check order.
//! Firing sends the issuer `revoke_all` as a plain sub-message: if the issuer refuses,
//! this call fails too, and the sender of the notification records it.

#[cfg(not(feature = "library"))]
use cosmwasm_std::entry_point;
use cosmwasm_std::{
    to_json_binary, Binary, Deps, DepsMut, Env, Event, MessageInfo, Response, Uint64, WasmMsg,
};
use vagus_common::error::validate_reason;
use vagus_common::frame;
use vagus_common::ids::validate_executor_id;
use vagus_common::pause::is_paused;
use vagus_common::roles::{self, Roles, ADMIN, EMERGENCY, GUARDIAN, NOTIFIER};
use vagus_common::{authorize, PausePolicy};

use crate::error::ContractError;
use crate::msg::{
    Config, ExecuteMsg, InstantiateMsg, IssuerExecuteMsg, IssuerResponse, Metrics, QueryMsg,
    ReflexStateResponse,
};
use crate::state::{CONFIG, ISSUER, REFLEXES};

/// cw2 contract name: `crates.io:vagus-reflex-arc` (spec `wasmContract`).
pub const CONTRACT_NAME: &str = concat!("crates.io:", env!("CARGO_PKG_NAME"));
/// cw2 contract version: the `version` of the spec component file (`vagus_common::versions`).
pub const CONTRACT_VERSION: &str = vagus_common::versions::REFLEX_ARC;

/// The roles this contract defines (spec/reflex-arc.json `roles`).
pub const ROLES: Roles = Roles(&[ADMIN, GUARDIAN, NOTIFIER, EMERGENCY]);

/// Longest cooldown, in seconds (30 days).
pub const MAX_COOLDOWN: u32 = 2_592_000;
/// Highest risk threshold, in ppm.
pub const MAX_RISK_PPM: u32 = 1_000_000;

/// `ReflexTrigger`.
pub const ANS_DANGER: u8 = 1;
pub const ANS_SHUTDOWN: u8 = 2;
pub const EVIDENCE: u8 = 3;
pub const MANUAL: u8 = 4;

const DANGER: u8 = 1;
const SHUTDOWN: u8 = 2;

fn validate_config(c: &Config) -> Result<(), ContractError> {
    if c.cooldown > MAX_COOLDOWN {
        return Err(ContractError::InvalidCooldown { value: c.cooldown });
    }
    if c.risk_ppm > MAX_RISK_PPM {
        return Err(ContractError::InvalidRiskThreshold { value: c.risk_ppm });
    }
    Ok(())
}

fn config_set(c: &Config) -> Event {
    Event::new("config_set")
        .add_attribute("cooldown", c.cooldown.to_string())
        .add_attribute("risk_ppm", c.risk_ppm.to_string())
        .add_attribute("force_milli_n", c.force_milli_n.to_string())
        .add_attribute("velocity_milli_mps", c.velocity_milli_mps.to_string())
        .add_attribute("temperature_milli_c", c.temperature_milli_c.to_string())
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn instantiate(
    mut deps: DepsMut,
    _env: Env,
    info: MessageInfo,
    msg: InstantiateMsg,
) -> Result<Response, ContractError> {
    let (_, granted) = roles::init_admin(deps.branch(), &info, &msg.admin)?;
    validate_config(&msg.config)?;
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
        ExecuteMsg::OnStateTransition {
            executor_id,
            from,
            to,
            tone_ppm: _,
        } => {
            authorize(deps.storage, &info.sender, NOTIFIER, PausePolicy::Allowed)?;
            let id = validate_executor_id(executor_id)?;
            for state in [from, to] {
                if state > SHUTDOWN {
                    return Err(ContractError::InvalidState { value: state });
                }
            }
            match to {
                DANGER => fire(deps, &env, id, ANS_DANGER, "reflex:ans-danger"),
                SHUTDOWN => fire(deps, &env, id, ANS_SHUTDOWN, "reflex:ans-shutdown"),
                _ => Ok(Response::new()),
            }
        }
        ExecuteMsg::OnEvidence {
            executor_id,
            metrics,
        } => {
            authorize(deps.storage, &info.sender, NOTIFIER, PausePolicy::Allowed)?;
            let id = validate_executor_id(executor_id)?;
            let config = CONFIG.load(deps.storage)?;
            if past_thresholds(&config, &metrics) {
                fire(deps, &env, id, EVIDENCE, "reflex:evidence")
            } else {
                Ok(Response::new())
            }
        }
        ExecuteMsg::Trigger {
            executor_id,
            reason,
        } => {
            authorize(deps.storage, &info.sender, GUARDIAN, PausePolicy::Allowed)?;
            let id = validate_executor_id(executor_id)?;
            validate_reason(&reason)?;
            fire(deps, &env, id, MANUAL, &reason)
        }
        ExecuteMsg::SetConfig { config } => {
            authorize(deps.storage, &info.sender, ADMIN, PausePolicy::Blocked)?;
            validate_config(&config)?;
            CONFIG.save(deps.storage, &config)?;
            Ok(Response::new().add_event(config_set(&config)))
        }
        ExecuteMsg::SetIssuer { issuer } => {
            authorize(deps.storage, &info.sender, ADMIN, PausePolicy::Blocked)?;
            let issuer = roles::validate_address(deps.as_ref(), &issuer)?;
            ISSUER.save(deps.storage, &issuer)?;
            Ok(Response::new()
                .add_event(Event::new("issuer_set").add_attribute("issuer", issuer.as_str())))
        }
        frame => Ok(frame::execute(deps, &info, ROLES, frame)?),
    }
}

/// Evidence fires when any metric is at or past its threshold.
pub fn past_thresholds(c: &Config, m: &Metrics) -> bool {
    m.risk_ppm >= c.risk_ppm
        || m.force_milli_n >= c.force_milli_n
        || m.velocity_milli_mps >= c.velocity_milli_mps
        || m.temperature_milli_c >= c.temperature_milli_c
}

/// Fires `trigger` for executor `id` (spec/safety-core.md §5.3): issuer required; an
/// automatic trigger inside the cooldown is suppressed; otherwise one `revoke_all`.
fn fire(
    deps: DepsMut,
    env: &Env,
    id: u64,
    trigger: u8,
    reason: &str,
) -> Result<Response, ContractError> {
    let issuer = ISSUER
        .may_load(deps.storage)?
        .ok_or(ContractError::IssuerNotSet {})?;
    let config = CONFIG.load(deps.storage)?;
    let t = env.block.time.seconds();
    let mut r = REFLEXES.may_load(deps.storage, id)?.unwrap_or_default();
    // While paused the cooldown is neither applied nor armed (spec/safety-core.md §5.3): a
    // trigger provoked during an incident must not swallow the next real one.
    let arm_cooldown = !is_paused(deps.storage)?;
    let retry_at = r.last_fired_at.saturating_add(u64::from(config.cooldown));
    if arm_cooldown && trigger != MANUAL && r.fired && t < retry_at {
        r.suppressed = r.suppressed.saturating_add(1);
        REFLEXES.save(deps.storage, id, &r)?;
        return Ok(Response::new().add_event(
            Event::new("reflex_suppressed")
                .add_attribute("executor_id", id.to_string())
                .add_attribute("trigger", trigger.to_string())
                .add_attribute("retry_at", retry_at.to_string()),
        ));
    }
    if arm_cooldown {
        r.fired = true;
        r.last_fired_at = t;
    }
    r.fires = r.fires.saturating_add(1);
    REFLEXES.save(deps.storage, id, &r)?;
    let revoke = WasmMsg::Execute {
        contract_addr: issuer.into_string(),
        msg: to_json_binary(&IssuerExecuteMsg::RevokeAll {
            executor_id: Uint64::new(id),
            reason: reason.to_string(),
        })?,
        funds: vec![],
    };
    Ok(Response::new()
        .add_event(
            Event::new("reflex_fired")
                .add_attribute("executor_id", id.to_string())
                .add_attribute("trigger", trigger.to_string()),
        )
        .add_message(revoke))
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn query(deps: Deps, _env: Env, msg: QueryMsg) -> Result<Binary, ContractError> {
    Ok(match msg {
        QueryMsg::Config {} => to_json_binary(&CONFIG.load(deps.storage)?)?,
        QueryMsg::Issuer {} => to_json_binary(&IssuerResponse {
            issuer: ISSUER.may_load(deps.storage)?,
        })?,
        QueryMsg::ReflexState { executor_id } => {
            let r = REFLEXES
                .may_load(deps.storage, executor_id.u64())?
                .unwrap_or_default();
            to_json_binary(&ReflexStateResponse {
                fired: r.fired,
                last_fired_at: Uint64::new(r.last_fired_at),
                fires: Uint64::new(r.fires),
                suppressed: Uint64::new(r.suppressed),
            })?
        }
        frame => frame::query(deps, frame)?,
    })
}

vagus_common::migrate_entry_point!(CONTRACT_NAME, CONTRACT_VERSION, ContractError);
