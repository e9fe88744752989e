//! CapabilityIssuer on its own in cw-multi-test: configuration, links, executors, the
//! argument checks of `issue` in spec order (coded, nothing changes), revocation and
//! token views. The pipeline through the linked contracts is tested as a system in
//! `vagus-conformance` (cw-multi-test) and `vagus-wasm-engine` (the compiled .wasm).

use cosmwasm_std::testing::mock_env;
use cosmwasm_std::Empty;
use cw_multi_test::{Contract, ContractWrapper};
use serde_json::{json, Value};
use vagus_common::testing::{ev, wasm_events, Harness, T0};

use crate::contract::{
    execute, instantiate, migrate, query, reply, CONTRACT_NAME, CONTRACT_VERSION,
};
use crate::msg::MigrateMsg;

fn contract() -> Box<dyn Contract<Empty>> {
    Box::new(
        ContractWrapper::new(execute, instantiate, query)
            .with_reply(reply)
            .with_migrate(migrate),
    )
}

fn setup() -> Harness {
    let mut h = Harness::new(
        contract(),
        |a| json!({"admin": a, "config": {"max_ttl": 3600, "max_nonce_step": 1_000_000}}),
    );
    for role in ["guardian", "planner", "revoker", "reporter"] {
        h.grant(role, role);
    }
    h
}

fn intent(id: u64, nonce: u64, nb: u64, na: u64, ttl: u32) -> Value {
    json!({"issue": {"intent": {"executor_id": id.to_string(), "action_id": format!("{}01", "00".repeat(31)),
        "nonce": nonce.to_string(), "not_before": nb.to_string(), "not_after": na.to_string(),
        "ttl": ttl, "pre_state_root": "11".repeat(32), "params": ["1"]}}})
}

#[test]
fn config_and_links_are_validated() {
    let mut h = setup();
    let admin = h.admin.clone();
    let cfg =
        |t: u32, n: u32| json!({"set_config": {"config": {"max_ttl": t, "max_nonce_step": n}}});
    h.expect_code(&admin, &cfg(0, 0), 7015);
    h.expect_code(&admin, &cfg(2592001, 1), 7015);
    h.expect_code(&admin, &cfg(60, 0), 7017);
    h.expect_code(&h.account("planner"), &cfg(10, 1), 1001);
    let res = h.exec(&admin, &cfg(2592000, 7)).unwrap();
    assert_eq!(
        wasm_events(&res),
        vec![ev(
            "config_set",
            &[("max_ttl", "2592000"), ("max_nonce_step", "7")]
        )]
    );
    let a = h.account("a").to_string();
    let links = |ans: Value| {
        json!({"set_links": {"links": {"ans": ans, "inbox": a, "brake": a,
        "breaker": a, "rate_limiter": a}}})
    };
    h.expect_code(&admin, &links(Value::Null), 1005);
    h.expect_code(&admin, &links(json!("bad")), 1005);
    let empty: Value = h.query(&json!({"links": {}}));
    assert_eq!(
        empty,
        json!({"ans": null, "inbox": null, "brake": null, "breaker": null, "rate_limiter": null})
    );
    let res = h.exec(&admin, &links(json!(a))).unwrap();
    assert_eq!(wasm_events(&res)[0].0, "links_set");
}

#[test]
fn executors_register_once_and_pause_per_executor() {
    let mut h = setup();
    let (admin, guardian) = (h.admin.clone(), h.account("guardian"));
    let robot = h.account("robot").to_string();
    let reg = |id: u64, account: &str| json!({"register_executor": {"executor_id": id.to_string(), "account": account}});
    h.expect_code(&admin, &reg(0, "bad"), 1006);
    h.expect_code(&admin, &reg(1, "bad"), 1005);
    let res = h.exec(&admin, &reg(1, &robot)).unwrap();
    assert_eq!(
        wasm_events(&res),
        vec![ev(
            "executor_registered",
            &[("executor_id", "1"), ("account", &robot)]
        )]
    );
    h.expect_code(&admin, &reg(1, &robot), 7002);
    let pause = json!({"pause_executor": {"executor_id": "5"}});
    let unpause = json!({"unpause_executor": {"executor_id": "5"}});
    h.expect_code(&admin, &unpause, 7004);
    h.expect_code(
        &guardian,
        &json!({"pause_executor": {"executor_id": "0"}}),
        1006,
    );
    // Registration is not needed; pausing works while the contract is paused.
    h.exec(&guardian, &json!({"pause": {}})).unwrap();
    let res = h.exec(&guardian, &pause).unwrap();
    assert_eq!(
        wasm_events(&res),
        vec![ev(
            "executor_paused",
            &[("executor_id", "5"), ("account", guardian.as_str())]
        )]
    );
    h.expect_code(&guardian, &pause, 7003);
    h.expect_code(&admin, &reg(2, &robot), 1002);
    h.exec(&admin, &unpause).unwrap();
    let e: Value = h.query(&json!({"executor": {"executor_id": "5"}}));
    assert_eq!(
        e,
        json!({"registered": false, "account": null, "epoch": "0", "last_nonce": "0", "paused": false})
    );
}

#[test]
fn issue_checks_arguments_in_spec_order() {
    let mut h = setup();
    let (admin, planner, guardian) = (h.admin.clone(), h.account("planner"), h.account("guardian"));
    let robot = h.account("robot").to_string();
    h.expect_code(&admin, &intent(1, 1, T0, T0, 60), 1001);
    h.exec(&guardian, &json!({"pause": {}})).unwrap();
    h.expect_code(&planner, &intent(0, 1, T0, T0, 60), 1002);
    h.exec(&admin, &json!({"unpause": {}})).unwrap();
    h.expect_code(&planner, &intent(0, 1, T0, T0, 60), 1006);
    h.expect_code(&planner, &intent(1, 1, T0, T0, 60), 7001);
    h.exec(
        &admin,
        &json!({"register_executor": {"executor_id": "1", "account": robot}}),
    )
    .unwrap();
    h.exec(&guardian, &json!({"pause_executor": {"executor_id": "1"}}))
        .unwrap();
    h.expect_code(&planner, &intent(1, 1, T0, T0, 0), 7003);
    h.exec(&admin, &json!({"unpause_executor": {"executor_id": "1"}}))
        .unwrap();
    h.expect_code(&planner, &intent(1, 1, T0 + 5, T0, 0), 7005);
    h.expect_code(&planner, &intent(1, 1, T0 + 5, T0, 3601), 7005);
    h.expect_code(&planner, &intent(1, 1, T0 + 5, T0, 60), 7006);
    h.expect_code(&planner, &intent(1, 1, T0 + 1, T0 + 9, 60), 7007);
    h.expect_code(&planner, &intent(1, 1, T0 - 9, T0 - 1, 60), 7008);
    // The window is inclusive: [T0, T0] passes the window checks; with no links the
    // issue cannot go further and reverts (nonce not used).
    h.expect_code(&planner, &intent(1, 1, T0, T0, 60), 1203);
    let e: Value = h.query(&json!({"executor": {"executor_id": "1"}}));
    assert_eq!(e["last_nonce"], json!("0"));
}

#[test]
fn unknown_tokens_and_views() {
    let mut h = setup();
    let (revoker, reporter) = (h.account("revoker"), h.account("reporter"));
    h.expect_code(
        &revoker,
        &json!({"revoke": {"token_id": "1", "reason": "x"}}),
        7010,
    );
    let huge = "1".repeat(40);
    h.expect_code(
        &revoker,
        &json!({"revoke": {"token_id": huge, "reason": "x"}}),
        7010,
    );
    h.expect_code(
        &reporter,
        &json!({"report_outcome": {"token_id": "1", "success": true}}),
        7010,
    );
    h.expect_code(
        &revoker,
        &json!({"revoke_all": {"executor_id": "0", "reason": "x"}}),
        1006,
    );
    h.expect_code(
        &revoker,
        &json!({"revoke_all": {"executor_id": "3", "reason": ""}}),
        1010,
    );
    let res = h
        .exec(
            &revoker,
            &json!({"revoke_all": {"executor_id": "3", "reason": "why"}}),
        )
        .unwrap();
    assert_eq!(
        wasm_events(&res),
        vec![ev(
            "all_revoked",
            &[("executor_id", "3"), ("epoch", "1"), ("reason", "why")]
        )]
    );
    let v: Value = h.query(&json!({"is_valid": {"token_id": "0"}}));
    assert_eq!(v, json!({"valid": false}));
    let t: Value = h.query(&json!({"token": {"token_id": "9"}}));
    assert_eq!(t["exists"], json!(false));
    assert_eq!(t["owner"], json!(null));
    assert_eq!(
        h.query_code(&json!({"owner_of": {"token_id": "9"}})),
        Some(7010)
    );
    let s: Value = h.query(&json!({"total_supply": {}}));
    assert_eq!(s, json!({"total_supply": "0"}));
    let b: Value = h.query(&json!({"balance_of": {"owner": "junk"}}));
    assert_eq!(b, json!({"balance": "0"}));
}

#[test]
fn migrate_guard_refuses_downgrades_and_other_contracts() {
    vagus_common::testing::assert_migrate_guard(
        |deps| migrate(deps, mock_env(), MigrateMsg::default()),
        CONTRACT_NAME,
        CONTRACT_VERSION,
    );
}
