//! Entry points of the VagalBrake (spec/safety-core.md §3), in the frame's check order.

#[cfg(not(feature = "library"))]
use cosmwasm_std::entry_point;
use cosmwasm_std::{
    to_json_binary, Binary, Deps, DepsMut, Env, Event, HexBinary, MessageInfo, Response,
};
use vagus_common::frame;
use vagus_common::ids::validate_action_id;
use vagus_common::roles::{self, Roles, ADMIN, EMERGENCY, GUARDIAN};
use vagus_common::{authorize, pause, FrameError, PausePolicy};

use crate::brake;
use crate::error::ContractError;
use crate::msg::{ActionSchemaResponse, ExecuteMsg, InstantiateMsg, ParamSpec, QueryMsg};
use crate::state::SCHEMAS;

/// cw2 contract name: `crates.io:vagus-vagal-brake` (spec `wasmContract`).
pub const CONTRACT_NAME: &str = concat!("crates.io:", env!("CARGO_PKG_NAME"));
/// cw2 contract version: the `version` of the spec component file (`vagus_common::versions`).
pub const CONTRACT_VERSION: &str = vagus_common::versions::VAGAL_BRAKE;

/// The roles this contract defines (spec/vagal-brake.json `roles`).
pub const ROLES: Roles = Roles(&[ADMIN, GUARDIAN, EMERGENCY]);

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn instantiate(
    mut deps: DepsMut,
    _env: Env,
    info: MessageInfo,
    msg: InstantiateMsg,
) -> Result<Response, ContractError> {
    let (_, granted) = roles::init_admin(deps.branch(), &info, &msg.admin)?;
    cw2::set_contract_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    Ok(Response::new().add_event(granted))
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn execute(
    deps: DepsMut,
    _env: Env,
    info: MessageInfo,
    msg: ExecuteMsg,
) -> Result<Response, ContractError> {
    match msg {
        ExecuteMsg::SetActionSchema { action_id, params } => {
            set_action_schema(deps, info, action_id, params)
        }
        ExecuteMsg::ClearActionSchema { action_id } => clear_action_schema(deps, info, action_id),
        frame => Ok(frame::execute(deps, &info, ROLES, frame)?),
    }
}

fn set_action_schema(
    deps: DepsMut,
    info: MessageInfo,
    action_id: HexBinary,
    params: Vec<ParamSpec>,
) -> Result<Response, ContractError> {
    authorize(deps.storage, &info.sender, ADMIN, PausePolicy::Blocked)?;
    let action = validate_action_id(&action_id)?;
    brake::validate_schema(&params)?;
    SCHEMAS.save(deps.storage, &action, &params)?;
    Ok(Response::new().add_event(
        Event::new("action_schema_set")
            .add_attribute("action_id", action_id.to_hex())
            .add_attribute("param_count", params.len().to_string()),
    ))
}

fn clear_action_schema(
    deps: DepsMut,
    info: MessageInfo,
    action_id: HexBinary,
) -> Result<Response, ContractError> {
    authorize(deps.storage, &info.sender, ADMIN, PausePolicy::Blocked)?;
    let action = validate_action_id(&action_id)?;
    if !SCHEMAS.has(deps.storage, &action) {
        return Err(ContractError::NoActionSchema {
            action_id: action_id.to_hex(),
        });
    }
    SCHEMAS.remove(deps.storage, &action);
    Ok(Response::new().add_event(
        Event::new("action_schema_cleared").add_attribute("action_id", action_id.to_hex()),
    ))
}

/// `applyBrake`: a view, but it refuses while paused (a paused brake stops issuance), then
/// checks the actionId, the factor and the number of values.
pub fn apply_brake(
    deps: Deps,
    action_id: &HexBinary,
    values: &[u64],
    factor_bp: u16,
) -> Result<crate::msg::BrakeResult, ContractError> {
    if pause::is_paused(deps.storage)? {
        return Err(FrameError::Paused {}.into());
    }
    let action = validate_action_id(action_id)?;
    if factor_bp > brake::FULL_FACTOR_BP {
        return Err(ContractError::InvalidFactor { value: factor_bp });
    }
    let schema = SCHEMAS.may_load(deps.storage, &action)?;
    if let Some(params) = &schema {
        if params.len() != values.len() {
            return Err(ContractError::ParamCountMismatch {
                expected: u32::try_from(params.len()).unwrap_or(u32::MAX),
                got: u32::try_from(values.len()).unwrap_or(u32::MAX),
            });
        }
    }
    Ok(brake::apply(schema.as_deref(), values, factor_bp))
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn query(deps: Deps, _env: Env, msg: QueryMsg) -> Result<Binary, ContractError> {
    Ok(match msg {
        QueryMsg::ApplyBrake {
            action_id,
            values,
            factor_bp,
        } => {
            let values: Vec<u64> = values.iter().map(|v| v.u64()).collect();
            to_json_binary(&apply_brake(deps, &action_id, &values, factor_bp)?)?
        }
        QueryMsg::ActionSchema { action_id } => {
            let schema = SCHEMAS.may_load(deps.storage, action_id.as_slice())?;
            to_json_binary(&ActionSchemaResponse {
                configured: schema.is_some(),
                params: schema.unwrap_or_default(),
            })?
        }
        frame => frame::query(deps, frame)?,
    })
}

vagus_common::migrate_entry_point!(CONTRACT_NAME, CONTRACT_VERSION, ContractError);
