//! VagalBrake on cw-multi-test: every error path (coded, no state change), events, the
//! brake as a query, pause and roles.

use cosmwasm_std::testing::mock_env;
use cosmwasm_std::Empty;
use cw_multi_test::{Contract, ContractWrapper};
use serde_json::{json, Value};
use vagus_common::testing::{ev, wasm_events, Harness};

use crate::contract::{execute, instantiate, migrate, query, CONTRACT_NAME, CONTRACT_VERSION};
use crate::msg::MigrateMsg;

fn contract() -> Box<dyn Contract<Empty>> {
    Box::new(ContractWrapper::new(execute, instantiate, query).with_migrate(migrate))
}

fn action(n: u8) -> String {
    format!("{}{n:02x}", "00".repeat(31))
}

fn p(name: &str, brakeable: bool, cap: u64) -> Value {
    json!({"name": name, "brakeable": brakeable, "cap": cap.to_string()})
}

fn setup() -> Harness {
    let mut h = Harness::new(contract(), |a| json!({"admin": a}));
    h.grant("guardian", "guardian");
    h
}

fn set(action_id: &str, params: Vec<Value>) -> Value {
    json!({"set_action_schema": {"action_id": action_id, "params": params}})
}

fn brake(action_id: &str, values: &[u64], factor: u32) -> Value {
    json!({"apply_brake": {"action_id": action_id,
        "values": values.iter().map(|v| v.to_string()).collect::<Vec<_>>(), "factor_bp": factor}})
}

#[test]
fn set_action_schema_checks_in_spec_order_and_changes_nothing_on_error() {
    let mut h = setup();
    let (admin, stranger) = (h.admin.clone(), h.account("stranger"));
    let a = action(1);
    h.expect_code(&stranger, &set(&a, vec![p("a", true, 1)]), 1001);
    h.expect_code(&admin, &set(&"00".repeat(32), vec![]), 1007);
    h.expect_code(&admin, &set(&"01".repeat(31), vec![p("a", true, 1)]), 1007);
    h.expect_code(&admin, &set(&a, vec![]), 6001);
    let nine: Vec<Value> = (0..9).map(|i| p(&format!("p{i}"), true, 1)).collect();
    h.expect_code(&admin, &set(&a, nine), 6001);
    h.expect_code(&admin, &set(&a, vec![p("", true, 1)]), 6002);
    h.expect_code(
        &admin,
        &set(&a, vec![p("a", true, 1), p(&"x".repeat(17), true, 1)]),
        6002,
    );
    h.expect_code(
        &admin,
        &set(&a, vec![p("bb", true, 1), p("a", true, 1)]),
        6003,
    );
    h.expect_code(
        &admin,
        &set(&a, vec![p("b", true, 1), p("a", true, 1)]),
        6003,
    );
    h.expect_code(
        &admin,
        &set(&a, vec![p("a", true, 1), p("a", true, 1)]),
        6003,
    );
    let sixteen = "x".repeat(16);
    let eight: Vec<Value> = ["a", "b", "c", "d", "e", "f", "g", sixteen.as_str()]
        .iter()
        .map(|n| p(n, true, 1))
        .collect();
    let res = h.exec(&admin, &set(&a, eight)).unwrap();
    assert_eq!(
        wasm_events(&res),
        vec![ev(
            "action_schema_set",
            &[("action_id", &a), ("param_count", "8")]
        )]
    );
}

#[test]
fn clear_needs_a_schema() {
    let mut h = setup();
    let admin = h.admin.clone();
    let a = action(2);
    h.expect_code(
        &admin,
        &json!({"clear_action_schema": {"action_id": a}}),
        6004,
    );
    h.exec(&admin, &set(&a, vec![p("a", true, 1)])).unwrap();
    let res = h
        .exec(&admin, &json!({"clear_action_schema": {"action_id": a}}))
        .unwrap();
    assert_eq!(
        wasm_events(&res),
        vec![ev("action_schema_cleared", &[("action_id", &a)])]
    );
    let s: Value = h.query(&json!({"action_schema": {"action_id": a}}));
    assert_eq!(s, json!({"configured": false, "params": []}));
}

#[test]
fn apply_brake_scales_caps_and_refuses_bad_input() {
    let mut h = setup();
    let (admin, guardian) = (h.admin.clone(), h.account("guardian"));
    let a = action(1);
    h.exec(
        &admin,
        &set(&a, vec![p("tool", false, 10), p("force", true, 800)]),
    )
    .unwrap();
    let r: Value = h.query(&brake(&a, &[10, 1599], 5000));
    assert_eq!(r["code"], json!(0));
    assert_eq!(r["scaled"], json!(["10", "799"]));
    let r: Value = h.query(&brake(&a, &[11, 1], 5000));
    assert_eq!(r["code"], json!(6101), "fixed params are capped unscaled");
    assert_eq!(r["scaled"], json!([]));
    assert_eq!(r["limits_sha256"], json!("00".repeat(32)));
    let r: Value = h.query(&brake(&a, &[1, 1602], 5000));
    assert_eq!(r["code"], json!(6101));
    let r: Value = h.query(&brake(&action(9), &[1], 0));
    assert_eq!(r["code"], json!(6100));
    assert_eq!(h.query_code(&brake(&a, &[1], 5000)), Some(6006));
    assert_eq!(h.query_code(&brake(&a, &[1, 1], 10001)), Some(6005));
    assert_eq!(
        h.query_code(&brake(&"00".repeat(32), &[1, 1], 1)),
        Some(1007)
    );
    h.exec(&guardian, &json!({"pause": {}})).unwrap();
    assert_eq!(h.query_code(&brake(&a, &[1, 1], 1)), Some(1002));
    h.expect_code(&admin, &set(&a, vec![p("a", true, 1)]), 1002);
    h.expect_code(&guardian, &json!({"unpause": {}}), 1001);
    h.exec(&admin, &json!({"unpause": {}})).unwrap();
    let r: Value = h.query(&brake(&a, &[1, 1], 1));
    assert_eq!(r["code"], json!(0));
}

#[test]
fn instantiate_grants_admin_only() {
    let h = setup();
    let admin = h.admin.to_string();
    let has: Value = h.query(&json!({"has_role": {"role": "admin", "account": admin}}));
    assert_eq!(has, json!({"has_role": true}));
}

#[test]
fn role_holders_lists_the_admin_and_granted_roles_through_the_json_surface() {
    let mut h = setup();
    let admin = h.admin.to_string();
    let guardian = h.account("guardian").to_string();
    let all: Value = h.query(&json!({"role_holders": {}}));
    let mut want = vec![
        json!({"role": "admin", "account": admin}),
        json!({"role": "guardian", "account": guardian}),
    ];
    want.sort_by_key(|v| v.to_string());
    assert_eq!(all, json!({ "holders": want }));
    // A renounced role leaves the table; the page after the first pair holds the rest.
    let g = h.account("guardian");
    h.exec(
        &g,
        &json!({"renounce_role": {"role": "guardian", "caller_confirmation": guardian}}),
    )
    .unwrap();
    let page: Value = h.query(
        &json!({"role_holders": {"start_after": {"role": "admin", "account": admin}, "limit": 5}}),
    );
    assert_eq!(page, json!({"holders": []}));
}

#[test]
fn migrate_guard_refuses_downgrades_and_other_contracts() {
    vagus_common::testing::assert_migrate_guard(
        |deps| migrate(deps, mock_env(), MigrateMsg::default()),
        CONTRACT_NAME,
        CONTRACT_VERSION,
    );
}
