use cosmwasm_std::testing::{mock_dependencies, mock_env};
use cosmwasm_std::{
    Binary, Deps, DepsMut, Empty, Env, MessageInfo, Response, StdResult, Timestamp,
};
use cw_multi_test::{App, ContractWrapper, Executor};

use super::helpers::{default_config, Suite};
use crate::contract::{migrate, CONTRACT_NAME, CONTRACT_VERSION};
use crate::msg::{Config, MigrateMsg, QueryMsg};
use crate::ContractError;

#[test]
fn migrating_to_the_same_version_keeps_state() {
    let mut s = Suite::new();
    s.guardian(super::helpers::trip_msg).unwrap();
    let new_code = s.app.store_code(super::helpers::contract());
    s.app
        .migrate_contract(s.admin.clone(), s.addr.clone(), &MigrateMsg {}, new_code)
        .unwrap();
    assert_eq!(s.status().state, 1);
    let config: Config = s.query(&QueryMsg::Config {});
    assert_eq!(config, default_config());
}

#[test]
fn only_the_chain_admin_can_migrate() {
    let mut s = Suite::new();
    let new_code = s.app.store_code(super::helpers::contract());
    let stranger = s.stranger.clone();
    s.app
        .migrate_contract(stranger, s.addr.clone(), &MigrateMsg {}, new_code)
        .unwrap_err();
}

fn foreign_instantiate(
    deps: DepsMut,
    _env: Env,
    _info: MessageInfo,
    _msg: Empty,
) -> StdResult<Response> {
    cw2::set_contract_version(deps.storage, "crates.io:vagus-rate-limiter", "0.1.0")?;
    Ok(Response::new())
}

fn foreign_execute(_: DepsMut, _: Env, _: MessageInfo, _: Empty) -> StdResult<Response> {
    Ok(Response::new())
}

fn foreign_query(_: Deps, _: Env, _: Empty) -> StdResult<Binary> {
    Ok(Binary::default())
}

#[test]
fn another_contracts_state_is_refused() {
    // A foreign contract whose migrate entry point is ours: its cw2 name differs.
    let mut app = App::default();
    app.update_block(|b| b.time = Timestamp::from_seconds(super::helpers::T0));
    let owner = app.api().addr_make("owner");
    let foreign = ContractWrapper::new(foreign_execute, foreign_instantiate, foreign_query);
    let foreign_code = app.store_code(Box::new(foreign));
    let addr = app
        .instantiate_contract(
            foreign_code,
            owner.clone(),
            &Empty {},
            &[],
            "cb",
            Some(owner.to_string()),
        )
        .unwrap();
    let ours = app.store_code(super::helpers::contract());
    let err = app
        .migrate_contract(owner, addr, &MigrateMsg {}, ours)
        .unwrap_err()
        .downcast::<ContractError>()
        .unwrap();
    assert_eq!(err.code(), 1201);
}

#[test]
fn downgrade_is_refused_by_semver_and_upgrade_accepted() {
    let mut deps = mock_dependencies();
    cw2::set_contract_version(deps.as_mut().storage, CONTRACT_NAME, "99.0.0").unwrap();
    let err = migrate(deps.as_mut(), mock_env(), MigrateMsg {}).unwrap_err();
    assert_eq!(err.code(), 1202);
    assert!(err.to_string().starts_with("vagus:1202 MigrateDowngrade"));
    assert_eq!(
        cw2::get_contract_version(&deps.storage).unwrap().version,
        "99.0.0"
    );

    cw2::set_contract_version(deps.as_mut().storage, CONTRACT_NAME, "0.0.9").unwrap();
    migrate(deps.as_mut(), mock_env(), MigrateMsg {}).unwrap();
    assert_eq!(
        cw2::get_contract_version(&deps.storage).unwrap().version,
        CONTRACT_VERSION
    );
}

#[test]
fn wrong_contract_name_is_refused() {
    let mut deps = mock_dependencies();
    cw2::set_contract_version(
        deps.as_mut().storage,
        "crates.io:cw20-base",
        CONTRACT_VERSION,
    )
    .unwrap();
    let err = migrate(deps.as_mut(), mock_env(), MigrateMsg {}).unwrap_err();
    assert_eq!(err.code(), 1201);
}
