//! Bad input, unauthorized callers and paused calls: each reverts with its spec code and
//! changes nothing (storage and queried state compared before/after).

use cosmwasm_std::{HexBinary, Uint64};

use super::helpers::{action, cfg, Suite};
use crate::msg::{Config, ExecuteMsg, PairConfigResponse, QueryMsg};

fn set_default(config: Config) -> ExecuteMsg {
    ExecuteMsg::SetDefaultConfig { config }
}

fn set_pair(executor: u64, action_id: HexBinary, config: Config) -> ExecuteMsg {
    ExecuteMsg::SetPairConfig {
        executor_id: Uint64::new(executor),
        action_id,
        config,
    }
}

fn consume(executor: u64, action_id: HexBinary) -> ExecuteMsg {
    ExecuteMsg::Consume {
        executor_id: Uint64::new(executor),
        action_id,
    }
}

/// A suite with some history, so "nothing changed" is checked against non-empty state.
fn busy_suite() -> Suite {
    let mut s = Suite::new();
    s.consume();
    s.consume();
    s
}

#[test]
fn bad_configs_revert_with_their_codes_on_every_config_operation() {
    let mut s = busy_suite();
    let admin = s.admin.clone();
    for (config, code) in [
        (cfg(0, 60, 6), 2002),   // zero capacity
        (cfg(5, 0, 6), 2001),    // zero window
        (cfg(5, 60, 7), 2004),   // K does not divide W
        (cfg(5, 60, 0), 2003),   // K = 0
        (cfg(5, 640, 65), 2003), // K = 65 (divides W, still too many)
        (cfg(5, 2_592_060, 6), 2005),
        (cfg(0, 0, 0), 2002), // the first failing check wins
    ] {
        s.expect_revert(&admin, &set_default(config), code);
        s.expect_revert(&admin, &set_pair(1, action(1), config), code);
    }
}

#[test]
fn ids_are_checked_before_the_config() {
    let mut s = busy_suite();
    let admin = s.admin.clone();
    s.expect_revert(&admin, &set_pair(0, action(0), cfg(0, 0, 0)), 1006);
    s.expect_revert(&admin, &set_pair(1, action(0), cfg(0, 0, 0)), 1007);
    s.expect_revert(
        &admin,
        &set_pair(1, HexBinary::from(vec![1u8; 31]), cfg(1, 1, 1)),
        1007,
    );
    s.expect_revert(
        &admin,
        &set_pair(1, HexBinary::from(vec![1u8; 33]), cfg(1, 1, 1)),
        1007,
    );
}

#[test]
fn consume_rejects_bad_ids() {
    let mut s = busy_suite();
    let consumer = s.consumer.clone();
    s.expect_revert(&consumer, &consume(0, action(1)), 1006);
    s.expect_revert(&consumer, &consume(1, action(0)), 1007);
    s.expect_revert(&consumer, &consume(1, HexBinary::from(vec![7u8; 20])), 1007);
}

#[test]
fn unregistered_consumer_is_unauthorized_even_with_bad_ids() {
    let mut s = busy_suite();
    for who in [s.stranger.clone(), s.admin.clone(), s.guardian.clone()] {
        let err = s.expect_revert(&who, &consume(0, action(0)), 1001);
        assert!(err.to_string().contains("consumer"), "{err}");
    }
}

#[test]
fn config_operations_need_admin() {
    let mut s = busy_suite();
    let guardian = s.guardian.clone();
    s.expect_revert(&guardian, &set_default(cfg(1, 60, 6)), 1001);
    s.expect_revert(&guardian, &set_pair(1, action(1), cfg(1, 60, 6)), 1001);
    s.expect_revert(
        &guardian,
        &ExecuteMsg::ClearPairConfig {
            executor_id: Uint64::new(1),
            action_id: action(1),
        },
        1001,
    );
}

#[test]
fn clearing_a_missing_override_is_no_pair_override() {
    let mut s = busy_suite();
    let admin = s.admin.clone();
    s.expect_revert(
        &admin,
        &ExecuteMsg::ClearPairConfig {
            executor_id: Uint64::new(1),
            action_id: action(1),
        },
        2006,
    );
}

#[test]
fn paused_blocks_liveness_after_the_role_check() {
    let mut s = busy_suite();
    let (admin, guardian, consumer, stranger) = (
        s.admin.clone(),
        s.guardian.clone(),
        s.consumer.clone(),
        s.stranger.clone(),
    );
    s.exec(&guardian, &ExecuteMsg::Pause {}).unwrap();
    s.expect_revert(&consumer, &consume(1, action(1)), 1002);
    // Role first, then pause, then ids.
    s.expect_revert(&stranger, &consume(1, action(1)), 1001);
    s.expect_revert(&consumer, &consume(0, action(0)), 1002);
    s.expect_revert(&admin, &set_default(cfg(0, 0, 0)), 1002);
    s.expect_revert(&admin, &set_pair(1, action(1), cfg(1, 60, 6)), 1002);
    s.expect_revert(&guardian, &ExecuteMsg::Pause {}, 1002);
    // Role management keeps working while paused.
    s.exec(
        &admin,
        &ExecuteMsg::GrantRole {
            role: "consumer".into(),
            account: stranger.to_string(),
        },
    )
    .unwrap();
    s.exec(&admin, &ExecuteMsg::Unpause {}).unwrap();
    s.expect_revert(&admin, &ExecuteMsg::Unpause {}, 1003);
    // Counters survived the pause.
    assert_eq!(s.counters(1, 1), (2, 0));
}

#[test]
fn pause_and_unpause_need_their_roles() {
    let mut s = busy_suite();
    let (admin, guardian) = (s.admin.clone(), s.guardian.clone());
    s.expect_revert(&admin, &ExecuteMsg::Pause {}, 1001);
    s.exec(&guardian, &ExecuteMsg::Pause {}).unwrap();
    s.expect_revert(&guardian, &ExecuteMsg::Unpause {}, 1001);
}

#[test]
fn role_management_rejects_bad_input() {
    let mut s = busy_suite();
    let (admin, guardian, stranger) = (s.admin.clone(), s.guardian.clone(), s.stranger.clone());
    let grant = |role: &str, account: &str| ExecuteMsg::GrantRole {
        role: role.into(),
        account: account.into(),
    };
    // Unknown role: Unauthorized for a stranger, UnknownRole for the admin.
    s.expect_revert(&stranger, &grant("reporter", stranger.as_str()), 1001);
    s.expect_revert(&admin, &grant("reporter", stranger.as_str()), 1004);
    s.expect_revert(&admin, &grant("ADMIN", stranger.as_str()), 1004);
    s.expect_revert(&guardian, &grant("guardian", stranger.as_str()), 1001);
    s.expect_revert(&admin, &grant("guardian", "cosmwasm1invalid"), 1005);
    s.expect_revert(
        &admin,
        &ExecuteMsg::RevokeRole {
            role: "minter".into(),
            account: stranger.to_string(),
        },
        1004,
    );
    s.expect_revert(
        &admin,
        &ExecuteMsg::RevokeRole {
            role: "admin".into(),
            account: admin.to_string(),
        },
        1009,
    );
    s.expect_revert(
        &admin,
        &ExecuteMsg::RenounceRole {
            role: "admin".into(),
            caller_confirmation: admin.to_string(),
        },
        1009,
    );
    s.expect_revert(
        &guardian,
        &ExecuteMsg::RenounceRole {
            role: "guardian".into(),
            caller_confirmation: admin.to_string(),
        },
        1008,
    );
    s.expect_revert(
        &guardian,
        &ExecuteMsg::RenounceRole {
            role: "reporter".into(),
            caller_confirmation: guardian.to_string(),
        },
        1004,
    );
    // spec/frame.md: the confirmation is checked before the role.
    s.expect_revert(
        &guardian,
        &ExecuteMsg::RenounceRole {
            role: "reporter".into(),
            caller_confirmation: admin.to_string(),
        },
        1008,
    );
}

#[test]
fn no_op_role_changes_emit_nothing() {
    let mut s = busy_suite();
    let (admin, guardian, stranger) = (s.admin.clone(), s.guardian.clone(), s.stranger.clone());
    let before = s.snapshot();
    let res = s
        .exec(
            &admin,
            &ExecuteMsg::GrantRole {
                role: "guardian".into(),
                account: guardian.to_string(),
            },
        )
        .unwrap();
    assert!(super::helpers::events(&res).is_empty());
    let res = s
        .exec(
            &admin,
            &ExecuteMsg::RevokeRole {
                role: "guardian".into(),
                account: stranger.to_string(),
            },
        )
        .unwrap();
    assert!(super::helpers::events(&res).is_empty());
    let res = s
        .exec(
            &stranger,
            &ExecuteMsg::RenounceRole {
                role: "consumer".into(),
                caller_confirmation: stranger.to_string(),
            },
        )
        .unwrap();
    assert!(super::helpers::events(&res).is_empty());
    assert_eq!(before, s.snapshot());
}

#[test]
fn queries_do_not_validate_ids() {
    let s = busy_suite();
    let r: PairConfigResponse = s.query(&QueryMsg::PairConfig {
        executor_id: Uint64::zero(),
        action_id: HexBinary::from(vec![]),
    });
    assert!(!r.has_override);
    assert_eq!(s.usage(0, 0).used, 0);
    assert_eq!(s.counters(0, 0), (0, 0));
}
