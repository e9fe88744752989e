//! ReflexArc on cw-multi-test: every error path (coded, no state change), triggers,
//! cooldown and suppression, firing without an issuer.

use cosmwasm_std::testing::mock_env;
use cosmwasm_std::{Binary, Deps, DepsMut, Empty, Env, MessageInfo, Response, StdResult};
use cw_multi_test::{Contract, ContractWrapper, Executor};
use serde_json::{json, Value};
use vagus_common::testing::{ev, wasm_events, Harness, T0};

use crate::contract::{execute, instantiate, migrate, query, CONTRACT_NAME, CONTRACT_VERSION};
use crate::msg::MigrateMsg;

fn contract() -> Box<dyn Contract<Empty>> {
    Box::new(ContractWrapper::new(execute, instantiate, query).with_migrate(migrate))
}

fn config(cooldown: u32, risk: u32) -> Value {
    json!({"cooldown": cooldown, "risk_ppm": risk, "force_milli_n": "500000",
        "velocity_milli_mps": "2000", "temperature_milli_c": "80000"})
}

fn setup() -> Harness {
    let mut h = Harness::new(
        contract(),
        |a| json!({"admin": a, "config": config(300, 800000)}),
    );
    h.grant("notifier", "notifier");
    h.grant("guardian", "guardian");
    h
}

fn transition(id: u64, from: u8, to: u8) -> Value {
    json!({"on_state_transition": {"executor_id": id.to_string(), "from": from, "to": to, "tone_ppm": 1}})
}

fn evidence(id: u64, temp: i64) -> Value {
    json!({"on_evidence": {"executor_id": id.to_string(), "metrics": {"sequence": "1",
        "risk_ppm": 0, "force_milli_n": "0", "velocity_milli_mps": "0",
        "temperature_milli_c": temp.to_string()}}})
}

#[test]
fn config_and_issuer_are_validated() {
    let mut h = setup();
    let admin = h.admin.clone();
    let set = |c: Value| json!({"set_config": {"config": c}});
    h.expect_code(&admin, &set(config(2592001, 0)), 8001);
    h.expect_code(&admin, &set(config(0, 1000001)), 8002);
    h.expect_code(&h.account("guardian"), &set(config(0, 0)), 1001);
    h.exec(&admin, &set(config(2592000, 1000000))).unwrap();
    h.expect_code(&admin, &json!({"set_issuer": {"issuer": "nope"}}), 1005);
    let issuer: Value = h.query(&json!({"issuer": {}}));
    assert_eq!(issuer, json!({"issuer": null}));
}

#[test]
fn notifications_check_ids_and_states_then_need_an_issuer_only_to_fire() {
    let mut h = setup();
    let notifier = h.account("notifier");
    h.expect_code(&h.account("guardian"), &transition(1, 0, 1), 1001);
    h.expect_code(&notifier, &transition(0, 3, 3), 1006);
    h.expect_code(&notifier, &transition(1, 3, 1), 8003);
    h.expect_code(&notifier, &transition(1, 0, 3), 8003);
    // Nothing fires: no issuer needed.
    assert!(wasm_events(&h.exec(&notifier, &transition(1, 1, 0)).unwrap()).is_empty());
    assert!(wasm_events(&h.exec(&notifier, &evidence(1, 79999)).unwrap()).is_empty());
    // Something fires: IssuerNotSet.
    h.expect_code(&notifier, &transition(1, 0, 1), 8004);
    h.expect_code(&notifier, &evidence(1, 80000), 8004);
    let guardian = h.account("guardian");
    h.expect_code(
        &guardian,
        &json!({"trigger": {"executor_id": "1", "reason": ""}}),
        1010,
    );
    h.expect_code(
        &guardian,
        &json!({"trigger": {"executor_id": "1", "reason": "x"}}),
        8004,
    );
}

fn sink_execute(_: DepsMut, _: Env, _: MessageInfo, _: Value) -> StdResult<Response> {
    Ok(Response::new())
}
fn sink_instantiate(_: DepsMut, _: Env, _: MessageInfo, _: Value) -> StdResult<Response> {
    Ok(Response::new())
}
fn sink_query(_: Deps, _: Env, _: Value) -> StdResult<Binary> {
    Ok(Binary::default())
}

/// A contract that accepts any message: the issuer's stand-in.
fn sink() -> Box<dyn Contract<Empty>> {
    Box::new(ContractWrapper::new(
        sink_execute,
        sink_instantiate,
        sink_query,
    ))
}

#[test]
fn cooldown_suppresses_automatic_triggers_but_not_manual_ones() {
    let mut h = setup();
    let (admin, notifier, guardian) = (
        h.admin.clone(),
        h.account("notifier"),
        h.account("guardian"),
    );
    let code = h.app.store_code(sink());
    let issuer = h
        .app
        .instantiate_contract(code, admin.clone(), &json!({}), &[], "issuer", None)
        .unwrap();
    h.exec(&guardian, &json!({"pause": {}})).unwrap();
    h.expect_code(&admin, &json!({"set_issuer": {"issuer": issuer}}), 1002);
    h.exec(&admin, &json!({"unpause": {}})).unwrap();
    let res = h
        .exec(&admin, &json!({"set_issuer": {"issuer": issuer}}))
        .unwrap();
    assert_eq!(
        wasm_events(&res),
        vec![ev("issuer_set", &[("issuer", issuer.as_str())])]
    );
    h.at(100);
    let res = h.exec(&notifier, &transition(1, 0, 2)).unwrap();
    assert_eq!(
        wasm_events(&res),
        vec![ev(
            "reflex_fired",
            &[("executor_id", "1"), ("trigger", "2")]
        )]
    );
    h.at(399);
    let res = h.exec(&notifier, &evidence(1, 80000)).unwrap();
    let retry = (T0 + 400).to_string();
    assert_eq!(
        wasm_events(&res),
        vec![ev(
            "reflex_suppressed",
            &[
                ("executor_id", "1"),
                ("trigger", "3"),
                ("retry_at", retry.as_str())
            ]
        )]
    );
    // Another executor has its own cooldown; MANUAL ignores it.
    let res = h.exec(&notifier, &transition(2, 0, 1)).unwrap();
    assert_eq!(wasm_events(&res)[0].0, "reflex_fired");
    let res = h
        .exec(
            &guardian,
            &json!({"trigger": {"executor_id": "1", "reason": "now"}}),
        )
        .unwrap();
    assert_eq!(
        wasm_events(&res),
        vec![ev(
            "reflex_fired",
            &[("executor_id", "1"), ("trigger", "4")]
        )]
    );
    // The manual fire at +399 restarted the cooldown: suppressed until +699.
    h.at(698);
    let res = h.exec(&notifier, &transition(1, 0, 1)).unwrap();
    assert_eq!(wasm_events(&res)[0].0, "reflex_suppressed");
    h.at(699);
    let res = h.exec(&notifier, &transition(1, 0, 1)).unwrap();
    assert_eq!(
        wasm_events(&res)[0].0,
        "reflex_fired",
        "fires at lastFiredAt + cooldown"
    );
    let st: Value = h.query(&json!({"reflex_state": {"executor_id": "1"}}));
    assert_eq!(
        st,
        json!({"fired": true, "last_fired_at": (T0 + 699).to_string(), "fires": "3", "suppressed": "2"})
    );
}

#[test]
fn a_paused_arc_neither_applies_nor_arms_the_cooldown() {
    let mut h = setup();
    let (admin, notifier, guardian) = (
        h.admin.clone(),
        h.account("notifier"),
        h.account("guardian"),
    );
    let code = h.app.store_code(sink());
    let issuer = h
        .app
        .instantiate_contract(code, admin.clone(), &json!({}), &[], "issuer", None)
        .unwrap();
    h.exec(&admin, &json!({"set_issuer": {"issuer": issuer}}))
        .unwrap();
    h.at(100);
    h.exec(&notifier, &transition(1, 0, 1)).unwrap();
    h.exec(&guardian, &json!({"emergency_pause": {}})).unwrap();
    // Inside the cooldown armed at +100 (300 s), every trigger fires while paused.
    for t in [101, 102] {
        h.at(t);
        let res = h.exec(&notifier, &evidence(1, 80000)).unwrap();
        assert_eq!(
            wasm_events(&res),
            vec![ev(
                "reflex_fired",
                &[("executor_id", "1"), ("trigger", "3")]
            )]
        );
    }
    let st: Value = h.query(&json!({"reflex_state": {"executor_id": "1"}}));
    assert_eq!(
        st,
        json!({"fired": true, "last_fired_at": (T0 + 100).to_string(), "fires": "3", "suppressed": "0"}),
        "fires while paused leave the armed cooldown as it was"
    );
    // Executor 2 fires only while paused: after the unpause nothing suppresses its trigger.
    h.exec(&notifier, &transition(2, 0, 2)).unwrap();
    h.exec(&admin, &json!({"unpause": {}})).unwrap();
    h.at(103);
    let res = h.exec(&notifier, &evidence(2, 80000)).unwrap();
    assert_eq!(wasm_events(&res)[0].0, "reflex_fired");
    let res = h.exec(&notifier, &evidence(1, 80000)).unwrap();
    assert_eq!(
        wasm_events(&res)[0].0,
        "reflex_suppressed",
        "unpaused, the cooldown armed before the pause applies again"
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
