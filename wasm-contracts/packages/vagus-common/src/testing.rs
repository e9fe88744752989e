//! Test helpers shared by the contracts' own tests (feature `testing`, dev-dependencies
//! only): the cw2 migrate guard of spec/frame.md, checked the same way for every contract.

use cosmwasm_std::{
    Binary, Deps, DepsMut, Empty, Env, MessageInfo, Response, StdResult, Timestamp,
};
use cw_multi_test::{App, Contract, ContractWrapper, Executor};
use serde::{Deserialize, Serialize};
use std::fmt::Display;

/// Instantiate message of [`foreign_contract`]: the cw2 name it records.
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct ForeignInit {
    pub cw2_name: String,
}

fn foreign_instantiate(
    deps: DepsMut,
    _env: Env,
    _info: MessageInfo,
    msg: ForeignInit,
) -> StdResult<Response> {
    cw2::set_contract_version(deps.storage, msg.cw2_name, "0.1.0")?;
    Ok(Response::new())
}

fn foreign_execute(_: DepsMut, _: Env, _: MessageInfo, _: Empty) -> StdResult<Response> {
    Ok(Response::new())
}

fn foreign_query(_: Deps, _: Env, _: Empty) -> StdResult<Binary> {
    Ok(Binary::default())
}

/// A contract that only records a cw2 name: the state another contract would leave.
pub fn foreign_contract() -> Box<dyn Contract<Empty>> {
    Box::new(ContractWrapper::new(
        foreign_execute,
        foreign_instantiate,
        foreign_query,
    ))
}

/// Migrating another contract's state (cw2 name `foreign_name`) to `ours` is refused with
/// `MigrateWrongContract` (1201), through a real chain-level migrate in cw-multi-test.
pub fn assert_foreign_state_refused<M: Serialize>(
    ours: Box<dyn Contract<Empty>>,
    migrate_msg: &M,
    foreign_name: &str,
    at_seconds: u64,
) {
    let mut app = App::default();
    app.update_block(|b| b.time = Timestamp::from_seconds(at_seconds));
    let owner = app.api().addr_make("owner");
    let foreign_code = app.store_code(foreign_contract());
    let init = ForeignInit {
        cw2_name: foreign_name.to_string(),
    };
    let addr = app
        .instantiate_contract(
            foreign_code,
            owner.clone(),
            &init,
            &[],
            "foreign",
            Some(owner.to_string()),
        )
        .unwrap();
    let ours = app.store_code(ours);
    let err = app
        .migrate_contract(owner, addr, migrate_msg, ours)
        .unwrap_err();
    let root = err.root_cause().to_string();
    assert!(
        root.starts_with("vagus:1201 MigrateWrongContract"),
        "{root}"
    );
}

/// The guard on a contract's `migrate` entry point (spec/frame.md "Upgrades"): a newer
/// stored version is refused (`MigrateDowngrade`, 1202, state untouched), an older one is
/// upgraded to `version`, and another contract's name is refused (`MigrateWrongContract`).
pub fn assert_migrate_guard<E: Display>(
    migrate: impl Fn(DepsMut) -> Result<Response, E>,
    name: &str,
    version: &str,
) {
    let mut deps = cosmwasm_std::testing::mock_dependencies();
    cw2::set_contract_version(deps.as_mut().storage, name, "99.0.0").unwrap();
    let err = migrate(deps.as_mut()).expect_err("a downgrade must be refused");
    assert!(
        err.to_string().starts_with("vagus:1202 MigrateDowngrade"),
        "{err}"
    );
    assert_eq!(
        cw2::get_contract_version(&deps.storage).unwrap().version,
        "99.0.0"
    );

    cw2::set_contract_version(deps.as_mut().storage, name, "0.0.9").unwrap();
    migrate(deps.as_mut()).unwrap_or_else(|e| panic!("an upgrade must pass: {e}"));
    assert_eq!(
        cw2::get_contract_version(&deps.storage).unwrap().version,
        version
    );

    cw2::set_contract_version(deps.as_mut().storage, "crates.io:cw20-base", version).unwrap();
    let err = migrate(deps.as_mut()).expect_err("another contract must be refused");
    assert!(
        err.to_string()
            .starts_with("vagus:1201 MigrateWrongContract"),
        "{err}"
    );
}
