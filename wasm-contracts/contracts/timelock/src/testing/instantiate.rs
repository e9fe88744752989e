//! Instantiation: the roles OpenZeppelin's constructor grants, in its order, and the
//! initial delay (spec/timelock.md §1).

use cosmwasm_std::{Timestamp, Uint64};
use cw_multi_test::{App, Executor};

use super::helpers::*;
use crate::msg::{HasRoleResponse, InstantiateMsg, MinDelayResponse, QueryMsg};

#[test]
fn grants_self_admin_then_admin_proposers_executors_and_sets_the_delay() {
    let mut app = App::default();
    app.update_block(|b| b.time = Timestamp::from_seconds(T0));
    let deployer = app.api().addr_make("deployer");
    let admin = app.api().addr_make("admin");
    let p = app.api().addr_make("p");
    let e = app.api().addr_make("e");
    let code = app.store_code(contract());
    let msg = InstantiateMsg {
        min_delay: Uint64::new(60),
        proposers: vec![p.to_string(), p.to_string()],
        executors: vec![e.to_string()],
        admin: Some(admin.to_string()),
    };
    // Instantiate through a transaction to see the events.
    let tl = app
        .instantiate_contract(code, deployer.clone(), &msg, &[], "tl", None)
        .unwrap();
    // Events, replayed from a second instance (instantiate_contract hides them).
    let res = app
        .execute(
            deployer.clone(),
            cosmwasm_std::WasmMsg::Instantiate {
                admin: None,
                code_id: code,
                msg: cosmwasm_std::to_json_binary(&msg).unwrap(),
                funds: vec![],
                label: "tl2".into(),
            }
            .into(),
        )
        .unwrap();
    let tl2 = res
        .events
        .iter()
        .find(|e| e.ty == "instantiate")
        .and_then(|e| e.attributes.iter().find(|a| a.key == "_contract_address"))
        .unwrap()
        .value
        .clone();
    let granted = events(&res, "role_granted");
    let d = deployer.to_string();
    let expected: Vec<Vec<(String, String)>> = [
        ("admin", tl2.as_str()),
        ("admin", admin.as_str()),
        ("proposer", p.as_str()),
        ("canceller", p.as_str()),
        ("executor", e.as_str()),
    ]
    .iter()
    .map(|(r, a)| {
        vec![
            ("role".to_string(), r.to_string()),
            ("account".to_string(), a.to_string()),
            ("sender".to_string(), d.clone()),
        ]
    })
    .collect();
    assert_eq!(granted, expected, "a duplicate proposer is granted once");
    assert_eq!(
        events(&res, "min_delay_change"),
        vec![vec![
            ("old_duration".into(), "0".into()),
            ("new_duration".into(), "60".into())
        ]]
    );

    let has = |role: &str, who: &str| -> bool {
        let r: HasRoleResponse = app
            .wrap()
            .query_wasm_smart(
                tl.clone(),
                &QueryMsg::HasRole {
                    role: role.into(),
                    account: who.into(),
                },
            )
            .unwrap();
        r.has_role
    };
    assert!(has("admin", tl.as_str()));
    assert!(has("admin", admin.as_str()));
    assert!(has("proposer", p.as_str()) && has("canceller", p.as_str()));
    assert!(!has("executor", p.as_str()));
    assert!(has("executor", e.as_str()) && !has("proposer", e.as_str()));
    assert!(!has("admin", deployer.as_str()));
    assert!(!has("executor", "*"));
    let d: MinDelayResponse = app
        .wrap()
        .query_wasm_smart(tl, &QueryMsg::GetMinDelay {})
        .unwrap();
    assert_eq!(d.min_delay, Uint64::new(60));
}

#[test]
fn an_invalid_address_fails_instantiation() {
    let mut app = App::default();
    let deployer = app.api().addr_make("deployer");
    let code = app.store_code(contract());
    for msg in [
        InstantiateMsg {
            min_delay: Uint64::new(1),
            proposers: vec!["bad".into()],
            executors: vec![],
            admin: None,
        },
        InstantiateMsg {
            min_delay: Uint64::new(1),
            proposers: vec![],
            executors: vec!["bad".into()],
            admin: None,
        },
        InstantiateMsg {
            min_delay: Uint64::new(1),
            proposers: vec![],
            executors: vec![],
            admin: Some("bad".into()),
        },
    ] {
        let err = app
            .instantiate_contract(code, deployer.clone(), &msg, &[], "tl", None)
            .unwrap_err();
        assert!(
            err.root_cause()
                .to_string()
                .starts_with("vagus:1005 InvalidAddress"),
            "{err}"
        );
    }
}
