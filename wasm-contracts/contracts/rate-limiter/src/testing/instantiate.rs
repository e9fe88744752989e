use cosmwasm_std::Timestamp;
use cw_multi_test::{App, Executor};

use super::helpers::{cfg, contract, events, Suite, T0};
use crate::contract::CONTRACT_NAME;
use crate::msg::{Config, InstantiateMsg, PausedResponse, QueryMsg};
use vagus_common::roles::HasRoleResponse;

fn try_instantiate(admin: &str, config: Config) -> Result<(), u16> {
    let mut app = App::default();
    app.update_block(|b| b.time = Timestamp::from_seconds(T0));
    let code_id = app.store_code(contract());
    let sender = app.api().addr_make("deployer");
    app.instantiate_contract(
        code_id,
        sender,
        &InstantiateMsg {
            admin: admin.to_string(),
            default_config: config,
        },
        &[],
        "rl",
        None,
    )
    .map(|_| ())
    .map_err(|e| e.downcast::<crate::ContractError>().unwrap().code())
}

#[test]
fn records_cw2_grants_only_admin_and_stores_the_default() {
    let s = Suite::new();
    let version = cw2::query_contract_info(&s.app.wrap(), s.addr.to_string()).unwrap();
    assert_eq!(version.contract, CONTRACT_NAME);
    assert_eq!(CONTRACT_NAME, "crates.io:vagus-rate-limiter");
    let config: Config = s.query(&QueryMsg::DefaultConfig {});
    assert_eq!(config, cfg(3, 60, 6));
    let paused: PausedResponse = s.query(&QueryMsg::Paused {});
    assert!(!paused.paused);
    for (role, expected) in [("admin", true), ("guardian", false), ("consumer", false)] {
        let r: HasRoleResponse = s.query(&QueryMsg::HasRole {
            role: role.into(),
            account: s.admin.to_string(),
        });
        assert_eq!(r.has_role, expected, "admin holds {role}?");
    }
}

#[test]
fn instantiate_emits_role_granted_and_default_config_set() {
    let mut app = App::default();
    let code_id = app.store_code(contract());
    let admin = app.api().addr_make("admin");
    let deployer = app.api().addr_make("deployer");
    let msg = InstantiateMsg {
        admin: admin.to_string(),
        default_config: cfg(60, 60, 6),
    };
    let msg_bin = cosmwasm_std::to_json_binary(&msg).unwrap();
    let res = app
        .execute(
            deployer.clone(),
            cosmwasm_std::WasmMsg::Instantiate {
                admin: None,
                code_id,
                msg: msg_bin,
                funds: vec![],
                label: "rl".into(),
            }
            .into(),
        )
        .unwrap();
    let evs = events(&res);
    assert_eq!(evs.len(), 2);
    assert_eq!(evs[0].0, "role_granted");
    assert_eq!(
        evs[0].1,
        vec![
            ("role".to_string(), "admin".to_string()),
            ("account".to_string(), admin.to_string()),
            ("sender".to_string(), deployer.to_string()),
        ]
    );
    assert_eq!(evs[1].0, "default_config_set");
}

#[test]
fn invalid_admin_is_invalid_address() {
    assert_eq!(try_instantiate("not-bech32", cfg(1, 60, 6)), Err(1005));
    assert_eq!(try_instantiate("", cfg(1, 60, 6)), Err(1005));
}

#[test]
fn invalid_default_config_is_refused_with_its_code() {
    let admin = App::default().api().addr_make("admin").to_string();
    for (config, code) in [
        (cfg(0, 60, 6), 2002),
        (cfg(1, 0, 6), 2001),
        (cfg(1, 2_592_001, 1), 2005),
        (cfg(1, 60, 0), 2003),
        (cfg(1, 60, 65), 2003),
        (cfg(1, 60, 7), 2004),
    ] {
        assert_eq!(try_instantiate(&admin, config), Err(code), "{config:?}");
    }
    assert_eq!(try_instantiate(&admin, cfg(1, 2_592_000, 64)), Ok(()));
}
