//! Bad input, unauthorized callers and paused calls: each reverts with its spec code and
//! changes nothing (storage, status and counters compared before/after).

use cosmwasm_std::{HexBinary, Uint64};

use super::helpers::{
    action, cfg, failure_msg, half_open_msg, pair_msg, request_msg, reset_msg, trip_msg, PairMsg,
    Suite,
};
use crate::msg::{BreakerStatus, ExecuteMsg, QueryMsg};

/// Some history first, so "nothing changed" is checked against non-empty state.
fn busy_suite() -> Suite {
    let mut s = Suite::new();
    s.request();
    s.report(false);
    s
}

#[test]
fn bad_configs_revert_with_their_codes() {
    let mut s = busy_suite();
    let admin = s.admin.clone();
    for (config, code) in [
        (cfg(0, 60, 2, 2), 3001),
        (cfg(1001, 60, 2, 2), 3001),
        (cfg(3, 0, 2, 2), 3002),
        (cfg(3, 2_592_001, 2, 2), 3002),
        (cfg(3, 60, 0, 1), 3003),
        (cfg(3, 60, 1001, 1), 3003),
        (cfg(3, 60, 2, 0), 3004),
        (cfg(3, 60, 2, 3), 3004),
        (cfg(0, 0, 0, 0), 3001),
    ] {
        s.expect_revert(&admin, &ExecuteMsg::SetConfig { config }, code);
    }
}

#[test]
fn bad_ids_revert_on_every_pair_operation() {
    let mut s = busy_suite();
    let cases: [(PairMsg, cosmwasm_std::Addr); 5] = [
        (request_msg, s.consumer.clone()),
        (failure_msg, s.reporter.clone()),
        (trip_msg, s.guardian.clone()),
        (reset_msg, s.guardian.clone()),
        (half_open_msg, s.guardian.clone()),
    ];
    for (make, who) in cases {
        s.expect_revert(&who, &make(Uint64::zero(), action(0)), 1006);
        s.expect_revert(&who, &make(Uint64::new(1), action(0)), 1007);
        s.expect_revert(
            &who,
            &make(Uint64::new(1), HexBinary::from(vec![9u8; 16])),
            1007,
        );
    }
}

#[test]
fn unregistered_callers_are_unauthorized_before_id_checks() {
    let mut s = busy_suite();
    let stranger = s.stranger.clone();
    for make in [request_msg, failure_msg, trip_msg, reset_msg, half_open_msg] {
        s.expect_revert(&stranger, &make(Uint64::zero(), action(0)), 1001);
    }
    // Roles are not interchangeable: a reporter cannot request, a consumer cannot report.
    let (consumer, reporter, admin) = (s.consumer.clone(), s.reporter.clone(), s.admin.clone());
    s.expect_revert(&reporter, &pair_msg(request_msg), 1001);
    s.expect_revert(&consumer, &pair_msg(failure_msg), 1001);
    s.expect_revert(&admin, &pair_msg(trip_msg), 1001);
    s.expect_revert(
        &reporter,
        &ExecuteMsg::SetConfig {
            config: cfg(1, 1, 1, 1),
        },
        1001,
    );
}

#[test]
fn liveness_operations_are_paused_safety_ones_are_not() {
    let mut s = busy_suite();
    let (admin, guardian, consumer) = (s.admin.clone(), s.guardian.clone(), s.consumer.clone());
    s.exec(&guardian, &ExecuteMsg::Pause {}).unwrap();
    s.expect_revert(&consumer, &pair_msg(request_msg), 1002);
    s.expect_revert(&consumer, &request_msg(Uint64::zero(), action(0)), 1002);
    s.expect_revert(
        &admin,
        &ExecuteMsg::SetConfig {
            config: cfg(0, 0, 0, 0),
        },
        1002,
    );
    // Trip works while paused; reset and force_half_open do not.
    s.guardian(trip_msg).unwrap();
    s.expect_revert(&guardian, &pair_msg(reset_msg), 1002);
    s.expect_revert(&guardian, &pair_msg(half_open_msg), 1002);
    s.expect_revert(&guardian, &ExecuteMsg::Pause {}, 1002);
    s.exec(&admin, &ExecuteMsg::Unpause {}).unwrap();
    s.expect_revert(&admin, &ExecuteMsg::Unpause {}, 1003);
    s.guardian(reset_msg).unwrap();
}

#[test]
fn role_management_rejects_bad_input() {
    let mut s = busy_suite();
    let (admin, stranger, reporter) = (s.admin.clone(), s.stranger.clone(), s.reporter.clone());
    s.expect_revert(
        &stranger,
        &ExecuteMsg::GrantRole {
            role: "minter".into(),
            account: stranger.to_string(),
        },
        1001,
    );
    s.expect_revert(
        &admin,
        &ExecuteMsg::GrantRole {
            role: "minter".into(),
            account: stranger.to_string(),
        },
        1004,
    );
    s.expect_revert(
        &admin,
        &ExecuteMsg::GrantRole {
            role: "reporter".into(),
            account: "COSMWASM1XYZ".into(),
        },
        1005,
    );
    s.expect_revert(
        &reporter,
        &ExecuteMsg::RenounceRole {
            role: "reporter".into(),
            caller_confirmation: stranger.to_string(),
        },
        1008,
    );
    s.expect_revert(
        &admin,
        &ExecuteMsg::RevokeRole {
            role: "admin".into(),
            account: admin.to_string(),
        },
        1009,
    );
}

#[test]
fn revoked_reporter_loses_access_and_renounced_guardian_too() {
    let mut s = busy_suite();
    let (admin, reporter, guardian) = (s.admin.clone(), s.reporter.clone(), s.guardian.clone());
    s.exec(
        &admin,
        &ExecuteMsg::RevokeRole {
            role: "reporter".into(),
            account: reporter.to_string(),
        },
    )
    .unwrap();
    s.expect_revert(&reporter, &pair_msg(failure_msg), 1001);
    s.exec(
        &guardian,
        &ExecuteMsg::RenounceRole {
            role: "guardian".into(),
            caller_confirmation: guardian.to_string(),
        },
    )
    .unwrap();
    s.expect_revert(&guardian, &pair_msg(trip_msg), 1001);
}

#[test]
fn queries_do_not_validate_ids() {
    let s = busy_suite();
    let st: BreakerStatus = s.query(&QueryMsg::Status {
        executor_id: Uint64::zero(),
        action_id: HexBinary::from(vec![1, 2, 3]),
    });
    assert_eq!(st.state, 0);
}
