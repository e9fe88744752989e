use cosmwasm_std::Timestamp;
use cw_multi_test::{App, Executor};

use super::helpers::{cfg, contract, default_config, Suite, T0};
use crate::contract::CONTRACT_NAME;
use crate::msg::{BreakerCounters, Config, InstantiateMsg, PausedResponse, QueryMsg};
use cosmwasm_std::Uint64;
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
            config,
        },
        &[],
        "cb",
        None,
    )
    .map(|_| ())
    .map_err(|e| e.downcast::<crate::ContractError>().unwrap().code())
}

#[test]
fn records_cw2_grants_only_admin_and_stores_the_config() {
    let s = Suite::new();
    let version = cw2::query_contract_info(&s.app.wrap(), s.addr.to_string()).unwrap();
    assert_eq!(version.contract, CONTRACT_NAME);
    assert_eq!(CONTRACT_NAME, "crates.io:vagus-circuit-breaker");
    let config: Config = s.query(&QueryMsg::Config {});
    assert_eq!(config, default_config());
    let paused: PausedResponse = s.query(&QueryMsg::Paused {});
    assert!(!paused.paused);
    for (role, expected) in [
        ("admin", true),
        ("guardian", false),
        ("consumer", false),
        ("reporter", false),
    ] {
        let r: HasRoleResponse = s.query(&QueryMsg::HasRole {
            role: role.into(),
            account: s.admin.to_string(),
        });
        assert_eq!(r.has_role, expected, "admin holds {role}?");
    }
}

#[test]
fn a_pair_never_seen_is_closed_with_zeros() {
    let s = Suite::new();
    let st = s.status();
    assert_eq!(
        (st.state, st.opened_at.u64(), st.next_request_at.u64()),
        (0, 0, T0)
    );
    let zero = Uint64::zero();
    assert_eq!(
        s.counters(),
        BreakerCounters {
            requests: zero,
            rejections: zero,
            successes: zero,
            failures: zero,
            trips: zero
        }
    );
}

#[test]
fn invalid_admin_is_invalid_address() {
    assert_eq!(try_instantiate("nope", default_config()), Err(1005));
}

#[test]
fn invalid_config_is_refused_with_its_code() {
    let admin = App::default().api().addr_make("admin").to_string();
    for (config, code) in [
        (cfg(0, 60, 2, 2), 3001),
        (cfg(1001, 60, 2, 2), 3001),
        (cfg(3, 0, 2, 2), 3002),
        (cfg(3, 2_592_001, 2, 2), 3002),
        (cfg(3, 60, 0, 0), 3003),
        (cfg(3, 60, 1001, 2), 3003),
        (cfg(3, 60, 2, 0), 3004),
        (cfg(3, 60, 2, 3), 3004),
    ] {
        assert_eq!(try_instantiate(&admin, config), Err(code), "{config:?}");
    }
}
