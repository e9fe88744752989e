use cosmwasm_std::testing::mock_env;
use cw_multi_test::Executor;

use super::helpers::{cfg, Suite};
use crate::contract::{migrate, CONTRACT_NAME, CONTRACT_VERSION};
use crate::msg::{Config, MigrateMsg, QueryMsg};

#[test]
fn migrating_to_the_same_version_keeps_state() {
    let mut s = Suite::new();
    s.consume();
    let new_code = s.app.store_code(super::helpers::contract());
    s.app
        .migrate_contract(
            s.admin.clone(),
            s.addr.clone(),
            &MigrateMsg::default(),
            new_code,
        )
        .unwrap();
    assert_eq!(s.usage(1, 1).used, 1);
    let config: Config = s.query(&QueryMsg::DefaultConfig {});
    assert_eq!(config, cfg(3, 60, 6));
}

#[test]
fn only_the_chain_admin_can_migrate() {
    let mut s = Suite::new();
    let new_code = s.app.store_code(super::helpers::contract());
    let stranger = s.stranger.clone();
    s.app
        .migrate_contract(stranger, s.addr.clone(), &MigrateMsg::default(), new_code)
        .unwrap_err();
}

#[test]
fn another_contracts_state_is_refused() {
    vagus_common::testing::assert_foreign_state_refused(
        super::helpers::contract(),
        &MigrateMsg::default(),
        "crates.io:vagus-circuit-breaker",
        super::helpers::T0,
    );
}

#[test]
fn migrate_guard_refuses_downgrades_and_other_contracts() {
    vagus_common::testing::assert_migrate_guard(
        |deps| migrate(deps, mock_env(), MigrateMsg::default()),
        CONTRACT_NAME,
        CONTRACT_VERSION,
    );
}
