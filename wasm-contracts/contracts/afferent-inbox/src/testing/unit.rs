//! AfferentInbox on cw-multi-test: every error path (coded, no state change), the
//! evidence event and views, posting while paused, a failing notification.

use cosmwasm_std::testing::mock_env;
use cosmwasm_std::Empty;
use cw_multi_test::{Contract, ContractWrapper};
use serde_json::{json, Value};
use vagus_common::testing::{wasm_events, Harness, T0};

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
    let mut h = Harness::new(contract(), |a| json!({"admin": a}));
    h.grant("attestor", "attestor");
    h.grant("guardian", "guardian");
    h
}

fn post(id: u64, root: &str, seq: u64, risk: u32) -> Value {
    json!({"post_evidence": {"executor_id": id.to_string(), "state_root": root, "metrics": {
        "sequence": seq.to_string(), "risk_ppm": risk, "force_milli_n": "0",
        "velocity_milli_mps": "0", "temperature_milli_c": "-1"}}})
}

#[test]
fn posting_checks_in_spec_order_and_changes_nothing_on_error() {
    let mut h = setup();
    let attestor = h.account("attestor");
    let root = "ab".repeat(32);
    h.expect_code(&h.admin.clone(), &post(1, &root, 1, 0), 1001);
    h.expect_code(&attestor, &post(0, &"00".repeat(32), 0, 2000000), 1006);
    h.expect_code(&attestor, &post(1, &"00".repeat(32), 0, 2000000), 5001);
    h.expect_code(&attestor, &post(1, &"ab".repeat(31), 1, 0), 5001);
    h.expect_code(&attestor, &post(1, &root, 0, 1000001), 5002);
    h.expect_code(&attestor, &post(1, &root, 0, 1000000), 5003);
    h.exec(&attestor, &post(1, &root, 5, 1000000)).unwrap();
    h.expect_code(&attestor, &post(1, &root, 5, 0), 5003);
    h.expect_code(&attestor, &post(1, &root, 4, 0), 5003);
    // Another executor has its own sequence.
    h.exec(&attestor, &post(2, &root, 1, 0)).unwrap();
}

#[test]
fn evidence_is_kept_per_executor_with_its_hashes() {
    let mut h = setup();
    let (attestor, guardian) = (h.account("attestor"), h.account("guardian"));
    let root = "cd".repeat(32);
    h.exec(&guardian, &json!({"pause": {}})).unwrap();
    // Paused: checked, withheld (nothing stored), the sequence stays free.
    let res = h.exec(&attestor, &post(3, &root, 9, 42)).unwrap();
    let withheld = wasm_events(&res);
    assert_eq!(withheld.len(), 1);
    assert_eq!(withheld[0].0, "evidence_withheld");
    let keys: Vec<_> = withheld[0].1.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(keys, ["executor_id", "sequence", "risk_ppm", "attestor"]);
    let none: Value = h.query(&json!({"latest_root": {"executor_id": "3"}}));
    assert_eq!(none, json!({"state_root": "00".repeat(32)}));
    h.exec(&h.admin.clone(), &json!({"unpause": {}})).unwrap();
    h.at(7);
    let res = h.exec(&attestor, &post(3, &root, 9, 42)).unwrap();
    let events = wasm_events(&res);
    assert_eq!(events.len(), 1);
    let (ty, attrs) = &events[0];
    assert_eq!(ty, "evidence_posted");
    let keys: Vec<_> = attrs.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        keys,
        [
            "executor_id",
            "sequence",
            "state_root",
            "risk_ppm",
            "sha256",
            "keccak256",
            "attestor"
        ]
    );
    assert_eq!(attrs[6].1, attestor.as_str());
    let latest: Value = h.query(&json!({"latest_evidence": {"executor_id": "3"}}));
    assert_eq!(latest["sequence"], json!("9"));
    assert_eq!(latest["temperature_milli_c"], json!("-1"));
    assert_eq!(latest["posted_at"], json!((T0 + 7).to_string()));
    assert_eq!(latest["sha256"], json!(attrs[4].1));
    let enc: Value = h.query(
        &json!({"encode_evidence": {"executor_id": "3", "state_root": root,
        "metrics": {"sequence": "9", "risk_ppm": 42, "force_milli_n": "0",
        "velocity_milli_mps": "0", "temperature_milli_c": "-1"}}}),
    );
    assert_eq!(enc["keccak256"], json!(attrs[5].1));
    let none: Value = h.query(&json!({"latest_root": {"executor_id": "4"}}));
    assert_eq!(none, json!({"state_root": "00".repeat(32)}));
    let c: Value = h.query(&json!({"counters": {}}));
    assert_eq!(c, json!({"posts": "1", "notification_failures": "0"}));
}

#[test]
fn a_failing_notification_is_recorded() {
    let mut h = setup();
    let (admin, attestor) = (h.admin.clone(), h.account("attestor"));
    let nobody = h.account("nobody");
    h.exec(&admin, &json!({"set_reflex_arc": {"reflex_arc": nobody}}))
        .unwrap();
    let res = h.exec(&attestor, &post(1, &"11".repeat(32), 3, 0)).unwrap();
    let types: Vec<_> = wasm_events(&res).into_iter().map(|e| e.0).collect();
    assert_eq!(types, ["evidence_posted", "reflex_notification_failed"]);
    assert_eq!(
        wasm_events(&res)[1].1,
        [
            ("executor_id".to_string(), "1".to_string()),
            ("sequence".into(), "3".into())
        ]
    );
    let c: Value = h.query(&json!({"counters": {}}));
    assert_eq!(c, json!({"posts": "1", "notification_failures": "1"}));
}

#[test]
fn migrate_guard_refuses_downgrades_and_other_contracts() {
    vagus_common::testing::assert_migrate_guard(
        |deps| migrate(deps, mock_env(), MigrateMsg::default()),
        CONTRACT_NAME,
        CONTRACT_VERSION,
    );
}
