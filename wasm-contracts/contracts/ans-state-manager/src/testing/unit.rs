//! ANSStateManager on cw-multi-test: every error path (coded, no state change), the
//! hysteresis with its events, guards, the override, a failing notification, pause.

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

fn config() -> Value {
    json!({"danger_enter_ppm": 600000, "shutdown_enter_ppm": 900000, "safe_return_ppm": 400000,
        "danger_readings": 2, "shutdown_readings": 2, "safe_readings": 3, "min_dwell": 60})
}

fn setup() -> Harness {
    let mut h = Harness::new(contract(), |a| json!({"admin": a, "config": config()}));
    h.grant("oracle", "oracle");
    h.grant("guardian", "guardian");
    h
}

fn tone(id: u64, ppm: u32) -> Value {
    json!({"update_tone": {"executor_id": id.to_string(), "tone_ppm": ppm}})
}

fn with(field: &str, value: u32) -> Value {
    let mut c = config();
    c[field] = json!(value);
    json!({"set_config": {"config": c}})
}

#[test]
fn config_is_validated_thresholds_counts_dwell() {
    let mut h = setup();
    let admin = h.admin.clone();
    h.expect_code(&admin, &with("safe_return_ppm", 600000), 4001);
    h.expect_code(&admin, &with("shutdown_enter_ppm", 599999), 4001);
    h.expect_code(&admin, &with("shutdown_enter_ppm", 1000001), 4001);
    h.expect_code(&admin, &with("danger_readings", 0), 4002);
    h.expect_code(&admin, &with("shutdown_readings", 1001), 4002);
    h.expect_code(&admin, &with("safe_readings", 0), 4002);
    h.expect_code(&admin, &with("min_dwell", 2592001), 4003);
    let stranger = h.account("stranger");
    h.expect_code(&stranger, &with("min_dwell", 1), 1001);
    let res = h.exec(&admin, &with("min_dwell", 2592000)).unwrap();
    assert_eq!(wasm_events(&res)[0].0, "config_set");
}

#[test]
fn readings_escalate_relax_after_dwell_and_never_leave_shutdown() {
    let mut h = setup();
    let oracle = h.account("oracle");
    h.expect_code(&oracle, &tone(0, 1), 1006);
    h.expect_code(&oracle, &tone(1, 1000001), 4007);
    h.expect_code(&h.admin.clone(), &tone(1, 1), 1001);
    assert!(wasm_events(&h.exec(&oracle, &tone(1, 600000)).unwrap()).is_empty());
    let res = h.exec(&oracle, &tone(1, 650000)).unwrap();
    assert_eq!(
        wasm_events(&res),
        vec![ev(
            "state_transition",
            &[
                ("executor_id", "1"),
                ("from", "0"),
                ("to", "1"),
                ("tone_ppm", "650000"),
                ("cause", "1")
            ]
        )]
    );
    // Three safe readings, the third at +59 (< enteredAt + 60): still DANGER.
    for t in [10, 20, 59] {
        h.at(t);
        let res = h.exec(&oracle, &tone(1, 400000)).unwrap();
        assert!(wasm_events(&res).is_empty(), "t={t}");
    }
    h.at(60);
    let res = h.exec(&oracle, &tone(1, 0)).unwrap();
    assert_eq!(wasm_events(&res)[0].1[2], ("to".into(), "0".into()));
    let st: Value = h.query(&json!({"executor_state": {"executor_id": "1"}}));
    assert_eq!(
        st,
        json!({"state": 0, "tone_ppm": 0, "danger_streak": 0, "shutdown_streak": 0,
            "safe_streak": 4, "entered_at": (T0 + 60).to_string(), "updated_at": (T0 + 60).to_string(),
            "shutdown_epoch": 0})
    );
    h.exec(&oracle, &tone(1, 900000)).unwrap();
    let res = h.exec(&oracle, &tone(1, 900000)).unwrap();
    assert_eq!(wasm_events(&res)[0].1[2], ("to".into(), "2".into()));
    for _ in 0..5 {
        assert!(wasm_events(&h.exec(&oracle, &tone(1, 0)).unwrap()).is_empty());
    }
    let g: Value = h.query(&json!({"guard_of": {"executor_id": "1"}}));
    assert_eq!(
        g,
        json!({"state": 2, "factor_bp": 0, "allowed": false, "shutdown_epoch": 1}),
        "the entry into SHUTDOWN is counted"
    );
    let c: Value = h.query(&json!({"counters": {}}));
    assert_eq!(
        c,
        json!({"readings": "13", "transitions": "3", "notification_failures": "0"})
    );
}

#[test]
fn guards_and_override_are_validated() {
    let mut h = setup();
    let admin = h.admin.clone();
    let guard = |state: u8, f: u32, allowed: bool| json!({"set_guard": {"state": state, "guard": {"factor_bp": f, "allowed": allowed}}});
    h.expect_code(&admin, &guard(3, 1, true), 4006);
    h.expect_code(&admin, &guard(1, 10001, true), 4004);
    h.expect_code(&admin, &guard(2, 0, true), 4005);
    let res = h.exec(&admin, &guard(1, 2500, true)).unwrap();
    assert_eq!(
        wasm_events(&res),
        vec![ev(
            "guard_set",
            &[("state", "1"), ("factor_bp", "2500"), ("allowed", "true")]
        )]
    );
    let g: Value = h.query(&json!({"guard": {"state": 1}}));
    assert_eq!(g, json!({"factor_bp": 2500, "allowed": true}));
    assert_eq!(h.query_code(&json!({"guard": {"state": 3}})), Some(4006));
    let over = |id: u64, to: u8, reason: &str| json!({"override_state": {"executor_id": id.to_string(), "to": to, "reason": reason}});
    h.expect_code(&admin, &over(0, 1, "x"), 1006);
    h.expect_code(&admin, &over(1, 3, "x"), 4006);
    h.expect_code(&admin, &over(1, 1, ""), 1010);
    h.expect_code(&admin, &over(1, 1, &"x".repeat(257)), 1011);
    h.expect_code(&admin, &over(1, 0, "x"), 4010);
    let res = h.exec(&admin, &over(1, 2, "drill")).unwrap();
    let types: Vec<_> = wasm_events(&res).into_iter().map(|e| e.0).collect();
    assert_eq!(types, ["state_transition", "state_overridden"]);
}

#[test]
fn a_failing_notification_is_recorded_and_the_transition_stands() {
    let mut h = setup();
    let (admin, oracle, guardian) = (h.admin.clone(), h.account("oracle"), h.account("guardian"));
    // An account with no contract behind it: every notification fails.
    let nobody = h.account("nobody");
    let res = h
        .exec(&admin, &json!({"set_reflex_arc": {"reflex_arc": nobody}}))
        .unwrap();
    assert_eq!(
        wasm_events(&res),
        vec![ev("reflex_arc_set", &[("reflex_arc", nobody.as_str())])]
    );
    h.exec(&guardian, &json!({"pause": {}})).unwrap();
    h.exec(&oracle, &tone(7, 900000)).unwrap();
    let res = h.exec(&oracle, &tone(7, 900000)).unwrap();
    let types: Vec<_> = wasm_events(&res).into_iter().map(|e| e.0).collect();
    assert_eq!(types, ["state_transition", "reflex_notification_failed"]);
    assert_eq!(
        wasm_events(&res)[1],
        ev(
            "reflex_notification_failed",
            &[("executor_id", "7"), ("to", "2")]
        )
    );
    let c: Value = h.query(&json!({"counters": {}}));
    assert_eq!(c["notification_failures"], json!("1"));
    // Configuration is blocked while paused; the link can be unset afterwards.
    h.expect_code(
        &admin,
        &json!({"set_reflex_arc": {"reflex_arc": null}}),
        1002,
    );
    h.exec(&admin, &json!({"unpause": {}})).unwrap();
    h.expect_code(
        &admin,
        &json!({"set_reflex_arc": {"reflex_arc": "bad"}}),
        1005,
    );
    let res = h
        .exec(&admin, &json!({"set_reflex_arc": {"reflex_arc": null}}))
        .unwrap();
    assert_eq!(
        wasm_events(&res),
        vec![ev("reflex_arc_set", &[("reflex_arc", "null")])]
    );
    let r: Value = h.query(&json!({"reflex_arc": {}}));
    assert_eq!(r, json!({"reflex_arc": null}));
}

#[test]
fn migrate_guard_refuses_downgrades_and_other_contracts() {
    vagus_common::testing::assert_migrate_guard(
        |deps| migrate(deps, mock_env(), MigrateMsg::default()),
        CONTRACT_NAME,
        CONTRACT_VERSION,
    );
}

#[test]
fn the_issuer_reads_this_contracts_records_by_the_shared_layout() {
    // The issuer reads the executor and guard records raw and checks this cw2 name
    // (vagus_common::layout); a renamed contract or map would make it read nothing.
    assert_eq!(CONTRACT_NAME, vagus_common::layout::ANS_CONTRACT_NAME);
    let mut deps = cosmwasm_std::testing::mock_dependencies();
    let e = crate::machine::Executor {
        state: crate::machine::DANGER,
        shutdown_epoch: 3,
        ..Default::default()
    };
    crate::state::EXECUTORS
        .save(deps.as_mut().storage, 7, &e)
        .unwrap();
    let raw = cosmwasm_std::Storage::get(
        deps.as_ref().storage,
        &vagus_common::layout::u64_key(vagus_common::layout::ANS_EXECUTORS, 7),
    )
    .unwrap();
    let v: Value = serde_json::from_slice(&raw).unwrap();
    assert_eq!(
        (v["state"].clone(), v["shutdown_epoch"].clone()),
        (json!(1), json!(3))
    );
}
