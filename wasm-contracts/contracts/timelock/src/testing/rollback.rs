//! Emergency rollback through the timelock (spec/frame.md "Rollback"): only code the
//! timelock migrated a contract away from, only by that contract's EMERGENCY holders, at
//! once, pausing the contract; everything else refused with a coded error and no change.

use cosmwasm_std::{to_json_binary, Addr, DepsMut, Empty, Env, Response};
use cw_multi_test::{Contract, ContractWrapper, Executor};
use rate_limiter::contract as rl;
use vagus_common::pause::PausedResponse;

use super::helpers::*;
use crate::msg::{Call, ExecuteMsg, QueryMsg, RollbackTarget, RollbackTargetsResponse};

const V2: &str = "9.0.0";

fn v2_migrate(
    deps: DepsMut,
    env: Env,
    msg: vagus_common::migrate::MigrateMsg,
) -> Result<Response, rate_limiter::ContractError> {
    Ok(vagus_common::migrate::migrate(
        deps.storage,
        &env.contract.address,
        rl::CONTRACT_NAME,
        V2,
        msg,
    )?)
}

/// The limiter's code under a higher cw2 version: a release after the deployed one.
fn rate_limiter_v2() -> Box<dyn Contract<Empty>> {
    Box::new(ContractWrapper::new(rl::execute, rl::instantiate, rl::query).with_migrate(v2_migrate))
}

struct Upgraded {
    s: Suite,
    v1: u64,
    v2: u64,
    never: u64,
    emergency: Addr,
}

fn code_of(s: &Suite) -> u64 {
    s.app
        .wrap()
        .query_wasm_contract_info(s.limiter.clone())
        .unwrap()
        .code_id
}

fn cw2_version(s: &Suite) -> String {
    let raw = s
        .app
        .wrap()
        .query_wasm_raw(s.limiter.clone(), b"contract_info".to_vec())
        .unwrap()
        .unwrap();
    cosmwasm_std::from_json::<cw2::ContractVersion>(raw)
        .unwrap()
        .version
}

fn paused(s: &Suite) -> bool {
    let r: PausedResponse = s
        .app
        .wrap()
        .query_wasm_smart(s.limiter.clone(), &rate_limiter::msg::QueryMsg::Paused {})
        .unwrap();
    r.paused
}

/// Governance grants EMERGENCY on the limiter, sets capacity 7, and migrates it to v2.
fn upgraded() -> Upgraded {
    let mut s = Suite::new();
    let v1 = code_of(&s);
    let v2 = s.app.store_code(rate_limiter_v2());
    let never = s.app.store_code(rate_limiter_v2());
    let emergency = s.app.api().addr_make("emergency");
    let grant = Call::Execute {
        contract_addr: s.limiter.to_string(),
        msg: to_json_binary(&rate_limiter::msg::ExecuteMsg::GrantRole {
            role: "emergency".into(),
            account: emergency.to_string(),
        })
        .unwrap(),
        funds: vec![],
    };
    let migrate = Call::Migrate {
        contract_addr: s.limiter.to_string(),
        new_code_id: v2,
        msg: to_json_binary(&rate_limiter::msg::MigrateMsg::default()).unwrap(),
    };
    let capacity = s.set_capacity(7);
    for (i, c) in [&grant, &capacity, &migrate].into_iter().enumerate() {
        s.schedule(c, &zero(), &b32(i as u8), MIN_DELAY).unwrap();
    }
    s.at(MIN_DELAY);
    for (i, c) in [&grant, &capacity, &migrate].into_iter().enumerate() {
        s.run(c, &zero(), &b32(i as u8)).unwrap();
    }
    assert_eq!(code_of(&s), v2);
    assert_eq!(cw2_version(&s), V2);
    Upgraded {
        s,
        v1,
        v2,
        never,
        emergency,
    }
}

fn rollback(contract: &Addr, code_id: u64) -> ExecuteMsg {
    ExecuteMsg::EmergencyRollback {
        contract_addr: contract.to_string(),
        code_id,
        reason: "v2 miscounts".into(),
    }
}

fn targets(s: &Suite) -> Vec<RollbackTarget> {
    let r: RollbackTargetsResponse = s.query(&QueryMsg::RollbackTargets {
        contract_addr: s.limiter.to_string(),
    });
    r.targets
}

#[test]
fn a_governance_migrate_records_the_code_it_replaced_with_its_version() {
    let u = upgraded();
    assert_eq!(
        targets(&u.s),
        vec![RollbackTarget {
            code_id: u.v1,
            version: rl::CONTRACT_VERSION.to_string(),
        }]
    );
}

#[test]
fn emergency_holder_returns_to_the_replaced_code_at_once_paused_with_state_kept() {
    let mut u = upgraded();
    let limiter = u.s.limiter.clone();
    // No time passes: the emergency path has no delay.
    let res =
        u.s.exec(&u.emergency.clone(), &rollback(&limiter, u.v1))
            .unwrap();
    assert_eq!(code_of(&u.s), u.v1);
    assert_eq!(cw2_version(&u.s), rl::CONTRACT_VERSION);
    assert!(paused(&u.s));
    assert_eq!(u.s.capacity(), 7);
    let paused_events = events(&res, "paused");
    assert_eq!(
        paused_events,
        vec![vec![("account".to_string(), limiter.to_string())]]
    );
    // The code it left is not a target: an emergency approves nothing.
    assert_eq!(targets(&u.s).len(), 1);
    let err =
        u.s.exec(&u.emergency.clone(), &rollback(&limiter, u.v2))
            .unwrap_err();
    assert_eq!(err.code(), 1204);
    // Returning to the running code is not a rollback.
    let err =
        u.s.exec(&u.emergency.clone(), &rollback(&limiter, u.v1))
            .unwrap_err();
    assert_eq!(err.code(), 1206);
}

#[test]
fn refusals_are_coded_and_change_nothing() {
    let mut u = upgraded();
    let limiter = u.s.limiter.clone();
    let stranger = u.s.stranger.clone();
    let proposer = u.s.proposer.clone();
    let emergency = u.emergency.clone();
    let long = "x".repeat(257);
    let cases: Vec<(Addr, ExecuteMsg, u16)> = vec![
        // Governance's own roles do not include the emergency path.
        (stranger, rollback(&limiter, u.v1), 1001),
        (proposer, rollback(&limiter, u.v1), 1001),
        // Code that never ran on the contract, and the running code.
        (emergency.clone(), rollback(&limiter, u.never), 1204),
        (emergency.clone(), rollback(&limiter, u.v2), 1204),
        (
            emergency.clone(),
            ExecuteMsg::EmergencyRollback {
                contract_addr: limiter.to_string(),
                code_id: u.v1,
                reason: String::new(),
            },
            1010,
        ),
        (
            emergency.clone(),
            ExecuteMsg::EmergencyRollback {
                contract_addr: limiter.to_string(),
                code_id: u.v1,
                reason: long,
            },
            1011,
        ),
        (
            emergency.clone(),
            ExecuteMsg::EmergencyRollback {
                contract_addr: "not-an-address".into(),
                code_id: u.v1,
                reason: "r".into(),
            },
            1005,
        ),
    ];
    for (who, msg, code) in cases {
        let err = u.s.exec(&who, &msg).unwrap_err();
        assert_eq!(err.code(), code, "{err}");
        assert_eq!(code_of(&u.s), u.v2);
        assert_eq!(cw2_version(&u.s), V2);
        assert!(!paused(&u.s));
    }
}

#[test]
fn the_emergency_role_of_another_contract_does_not_count() {
    let mut u = upgraded();
    // A second limiter where `emergency` holds nothing; the timelock is its wasm admin.
    let code = u.v1;
    let deployer = u.s.deployer.clone();
    let other =
        u.s.app
            .instantiate_contract(
                code,
                deployer,
                &rate_limiter::msg::InstantiateMsg {
                    admin: u.s.timelock.to_string(),
                    default_config: cfg(3),
                },
                &[],
                "other",
                Some(u.s.timelock.to_string()),
            )
            .unwrap();
    let err =
        u.s.exec(&u.emergency.clone(), &rollback(&other, u.v1))
            .unwrap_err();
    assert_eq!(err.code(), 1001);
}
