//! The cw2 migrate guard (spec/frame.md "Upgrades") and migrations *through* the timelock.

use cosmwasm_std::testing::mock_env;
use cosmwasm_std::to_json_binary;
use cw_multi_test::Executor;

use super::helpers::*;
use crate::contract::{migrate, CONTRACT_NAME, CONTRACT_VERSION};
use crate::msg::{Call, MigrateMsg};

#[test]
fn migrate_guard_refuses_downgrades_and_other_contracts() {
    vagus_common::testing::assert_migrate_guard(
        |deps| migrate(deps, mock_env(), MigrateMsg::default()),
        CONTRACT_NAME,
        CONTRACT_VERSION,
    );
}

#[test]
fn another_contracts_state_is_refused() {
    vagus_common::testing::assert_foreign_state_refused(
        contract(),
        &MigrateMsg::default(),
        "crates.io:vagus-rate-limiter",
        T0,
    );
}

#[test]
fn only_the_timelock_migrates_the_limiter_and_only_after_the_delay() {
    let mut s = Suite::new();
    let new_code = s.app.store_code(rate_limiter());
    // The deployer is not the limiter's wasm admin any more.
    let deployer = s.deployer.clone();
    s.app
        .migrate_contract(
            deployer,
            s.limiter.clone(),
            &rate_limiter::msg::MigrateMsg::default(),
            new_code,
        )
        .unwrap_err();
    let call = Call::Migrate {
        contract_addr: s.limiter.to_string(),
        new_code_id: new_code,
        msg: to_json_binary(&rate_limiter::msg::MigrateMsg::default()).unwrap(),
    };
    s.schedule(&call, &zero(), &zero(), MIN_DELAY).unwrap();
    s.at(MIN_DELAY - 1);
    assert_eq!(s.run(&call, &zero(), &zero()).unwrap_err().code(), 9003);
    s.at(MIN_DELAY);
    s.run(&call, &zero(), &zero()).unwrap();
    let info = s
        .app
        .wrap()
        .query_wasm_contract_info(s.limiter.clone())
        .unwrap();
    assert_eq!(info.code_id, new_code);
}
