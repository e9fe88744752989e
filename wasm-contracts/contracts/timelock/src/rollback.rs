//! Emergency rollback (spec/frame.md "Rollback"): the timelock is every contract's chain
//! admin, so it alone can migrate them. It remembers each code it migrated a contract away
//! from, and lets that contract's own EMERGENCY holders return it to such code at once —
//! never to anything else.

use cosmwasm_std::{
    to_json_binary, Addr, ContractInfoResponse, Deps, DepsMut, MessageInfo, Order, Response,
    StdResult, WasmMsg,
};
use cw2::ContractVersion;
use vagus_common::error::validate_reason;
use vagus_common::migrate::MigrateMsg;
use vagus_common::roles::{HasRoleResponse, EMERGENCY};
use vagus_common::FrameError;

use crate::error::ContractError;
use crate::msg::{Call, RollbackTarget, RollbackTargetsResponse};
use crate::state::ROLLBACK_TARGETS;

/// The frame's `has_role` query, as the component answers it.
#[cosmwasm_schema::cw_serde]
enum ComponentQuery {
    HasRole { role: String, account: String },
}

fn contract_info(deps: Deps, contract: &Addr) -> StdResult<ContractInfoResponse> {
    deps.querier.query_wasm_contract_info(contract)
}

/// The cw2 record of `contract` (`None` for a contract that keeps none).
fn cw2_of(deps: Deps, contract: &Addr) -> StdResult<Option<ContractVersion>> {
    deps.querier
        .query_wasm_raw(contract, b"contract_info".to_vec())?
        .map(cosmwasm_std::from_json)
        .transpose()
}

/// Before an executed operation's calls run: each contract it migrates gets its current
/// code recorded as a rollback target (with the cw2 version that code wrote). A contract
/// without a cw2 record is not a Vagus contract and gets nothing recorded.
pub fn record_targets(deps: DepsMut, calls: &[Call]) -> Result<(), ContractError> {
    for call in calls {
        let Call::Migrate { contract_addr, .. } = call else {
            continue;
        };
        let contract = deps.api.addr_validate(contract_addr)?;
        let info = contract_info(deps.as_ref(), &contract)?;
        if let Some(cw2) = cw2_of(deps.as_ref(), &contract)? {
            ROLLBACK_TARGETS.save(deps.storage, (&contract, info.code_id), &cw2.version)?;
        }
    }
    Ok(())
}

/// `emergency_rollback`: the caller holds EMERGENCY on the contract (`Unauthorized`), the
/// code id is a recorded target (`RollbackNotApproved`) and not the running code
/// (`NotARollback`), the reason is 1..=256 bytes. Then one migrate with a pausing rollback
/// message; the component's own rollback guard checks the version again.
pub fn emergency_rollback(
    deps: DepsMut,
    info: MessageInfo,
    contract_addr: String,
    code_id: u64,
    reason: String,
) -> Result<Response, ContractError> {
    let contract = deps
        .api
        .addr_validate(&contract_addr)
        .map_err(|_| FrameError::InvalidAddress {})?;
    let holds: bool = deps
        .querier
        .query_wasm_smart::<HasRoleResponse>(
            &contract,
            &ComponentQuery::HasRole {
                role: EMERGENCY.to_string(),
                account: info.sender.to_string(),
            },
        )
        .map(|r| r.has_role)
        .unwrap_or(false);
    if !holds {
        return Err(FrameError::Unauthorized {
            account: info.sender.to_string(),
            role: EMERGENCY.to_string(),
        }
        .into());
    }
    let Some(version) = ROLLBACK_TARGETS.may_load(deps.storage, (&contract, code_id))? else {
        return Err(FrameError::RollbackNotApproved {}.into());
    };
    if contract_info(deps.as_ref(), &contract)?.code_id == code_id {
        return Err(FrameError::NotARollback {}.into());
    }
    validate_reason(&reason)?;
    let msg = MigrateMsg::rollback(&version, &reason, true);
    Ok(Response::new()
        .add_message(WasmMsg::Migrate {
            contract_addr: contract.to_string(),
            new_code_id: code_id,
            msg: to_json_binary(&msg)?,
        })
        .add_attribute("action", "emergency_rollback")
        .add_attribute("contract_addr", contract.as_str())
        .add_attribute("code_id", code_id.to_string())
        .add_attribute("to_version", version)
        .add_attribute("account", info.sender.as_str())
        .add_attribute("reason", reason))
}

/// `rollback_targets { contract_addr }`.
pub fn targets(deps: Deps, contract_addr: &str) -> Result<RollbackTargetsResponse, ContractError> {
    let contract = deps
        .api
        .addr_validate(contract_addr)
        .map_err(|_| FrameError::InvalidAddress {})?;
    let targets = ROLLBACK_TARGETS
        .prefix(&contract)
        .range(deps.storage, None, None, Order::Ascending)
        .map(|item| item.map(|(code_id, version)| RollbackTarget { code_id, version }))
        .collect::<StdResult<Vec<_>>>()?;
    Ok(RollbackTargetsResponse { targets })
}
