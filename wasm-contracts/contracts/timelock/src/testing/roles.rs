//! Who may do what (spec/timelock.md §6): proposer schedules, canceller cancels, executor
//! executes (or anyone when the role is open), admin manages roles, strangers nothing.

use cosmwasm_std::Uint64;

use super::helpers::*;
use crate::msg::{ExecuteMsg, HasRoleResponse, QueryMsg};

#[test]
fn strangers_and_wrong_roles_are_unauthorized() {
    let mut s = Suite::new();
    let call = s.set_capacity(5);
    let id = s.id(&call, &zero(), &zero());
    let schedule = ExecuteMsg::Schedule {
        call: call.clone(),
        predecessor: zero(),
        salt: zero(),
        delay: Uint64::new(MIN_DELAY),
    };
    let execute = ExecuteMsg::Execute {
        call: call.clone(),
        predecessor: zero(),
        salt: zero(),
    };
    let cancel = ExecuteMsg::Cancel { id: id.clone() };
    let (stranger, executor, proposer) =
        (s.stranger.clone(), s.executor.clone(), s.proposer.clone());
    let unauthorized = |s: &mut Suite, who, msg: &ExecuteMsg, role: &str| {
        let err = s.exec(who, msg).unwrap_err();
        assert_eq!(
            err,
            crate::ContractError::Frame(vagus_common::FrameError::Unauthorized {
                account: who.to_string(),
                role: role.into()
            })
        );
    };
    unauthorized(&mut s, &stranger, &schedule, "proposer");
    unauthorized(&mut s, &executor, &schedule, "proposer");
    s.schedule(&call, &zero(), &zero(), MIN_DELAY).unwrap();
    unauthorized(&mut s, &stranger, &cancel, "canceller");
    unauthorized(&mut s, &executor, &cancel, "canceller");
    s.at(MIN_DELAY);
    unauthorized(&mut s, &stranger, &execute, "executor");
    // The proposer is not an executor either (OpenZeppelin's constructor grants it
    // PROPOSER and CANCELLER only).
    unauthorized(&mut s, &proposer, &execute, "executor");
    // The role check comes before the state check: a stranger cancelling an unknown id
    // is Unauthorized, not UnexpectedOperationState.
    let other = ExecuteMsg::Cancel { id: b32(77) };
    unauthorized(&mut s, &stranger, &other, "canceller");
    assert_eq!(s.state(&id), READY);
}

#[test]
fn open_executor_role_lets_anyone_execute() {
    let mut s = Suite::with_executors(Some(vec!["*".into()]));
    let has: HasRoleResponse = s.query(&QueryMsg::HasRole {
        role: "executor".into(),
        account: "*".into(),
    });
    assert!(has.has_role);
    let call = s.set_capacity(5);
    s.schedule(&call, &zero(), &zero(), MIN_DELAY).unwrap();
    s.at(MIN_DELAY);
    let stranger = s.stranger.clone();
    s.exec(
        &stranger,
        &ExecuteMsg::Execute {
            call,
            predecessor: zero(),
            salt: zero(),
        },
    )
    .unwrap();
    assert_eq!(s.capacity(), 5);

    // Closing it again goes through governance (the timelock is the admin).
    let close = s.to_self(&ExecuteMsg::RevokeRole {
        role: "executor".into(),
        account: "*".into(),
    });
    s.schedule(&close, &zero(), &zero(), MIN_DELAY).unwrap();
    s.at(2 * MIN_DELAY);
    let res = s
        .exec(
            &stranger,
            &ExecuteMsg::Execute {
                call: close,
                predecessor: zero(),
                salt: zero(),
            },
        )
        .unwrap();
    assert_eq!(
        events(&res, "role_revoked"),
        vec![vec![
            ("role".into(), "executor".into()),
            ("account".into(), "*".into()),
            ("sender".into(), s.timelock.to_string())
        ]]
    );
    let next = s.set_capacity(6);
    s.schedule(&next, &zero(), &zero(), MIN_DELAY).unwrap();
    s.at(3 * MIN_DELAY);
    let err = s
        .exec(
            &stranger,
            &ExecuteMsg::Execute {
                call: next,
                predecessor: zero(),
                salt: zero(),
            },
        )
        .unwrap_err();
    assert_eq!(err.code(), 1001);
}

#[test]
fn roles_are_managed_by_the_timelock_itself() {
    let mut s = Suite::new();
    let newcomer = s.app.api().addr_make("newcomer");
    let proposer = s.proposer.clone();
    // The proposer is not an admin: it cannot grant directly.
    let err = s
        .exec(
            &proposer,
            &ExecuteMsg::GrantRole {
                role: "proposer".into(),
                account: newcomer.to_string(),
            },
        )
        .unwrap_err();
    assert_eq!(err.code(), 1001);
    // Through a scheduled call to itself it can.
    let grant = s.to_self(&ExecuteMsg::GrantRole {
        role: "proposer".into(),
        account: newcomer.to_string(),
    });
    s.schedule(&grant, &zero(), &zero(), MIN_DELAY).unwrap();
    s.at(MIN_DELAY);
    s.run(&grant, &zero(), &zero()).unwrap();
    let call = s.set_capacity(5);
    s.exec(
        &newcomer,
        &ExecuteMsg::Schedule {
            call,
            predecessor: zero(),
            salt: zero(),
            delay: Uint64::new(MIN_DELAY),
        },
    )
    .unwrap();
    // Renouncing needs the caller's own address; an unknown role is refused (CosmWasm
    // frame rule; OpenZeppelin accepts any bytes32).
    let err = s
        .exec(
            &proposer,
            &ExecuteMsg::RenounceRole {
                role: "proposer".into(),
                caller_confirmation: newcomer.to_string(),
            },
        )
        .unwrap_err();
    assert_eq!(err.code(), 1008);
    let err = s
        .exec(
            &proposer,
            &ExecuteMsg::RenounceRole {
                role: "guardian".into(),
                caller_confirmation: proposer.to_string(),
            },
        )
        .unwrap_err();
    assert_eq!(err.code(), 1004);
    s.exec(
        &proposer,
        &ExecuteMsg::RenounceRole {
            role: "proposer".into(),
            caller_confirmation: proposer.to_string(),
        },
    )
    .unwrap();
    let call = s.set_capacity(6);
    assert_eq!(
        s.schedule(&call, &zero(), &zero(), MIN_DELAY)
            .unwrap_err()
            .code(),
        1001
    );
    // "*" is the open executor role only; for other roles it is not an address.
    let open_proposer = s.to_self(&ExecuteMsg::GrantRole {
        role: "proposer".into(),
        account: "*".into(),
    });
    let newcomer_call = ExecuteMsg::Schedule {
        call: open_proposer.clone(),
        predecessor: zero(),
        salt: zero(),
        delay: Uint64::new(MIN_DELAY),
    };
    s.exec(&newcomer, &newcomer_call).unwrap();
    s.at(2 * MIN_DELAY);
    let executor = s.executor.clone();
    let err = s
        .exec_text(
            &executor,
            &ExecuteMsg::Execute {
                call: open_proposer,
                predecessor: zero(),
                salt: zero(),
            },
        )
        .unwrap_err();
    assert!(err.starts_with("vagus:1005"), "{err}");
}

#[test]
fn the_timelock_cannot_drop_its_last_admin_seat() {
    // CosmWasm frame rule (spec/frame.md LastAdmin); on EVM OpenZeppelin allows it.
    let mut s = Suite::new();
    let revoke = s.to_self(&ExecuteMsg::RevokeRole {
        role: "admin".into(),
        account: s.timelock.to_string(),
    });
    s.schedule(&revoke, &zero(), &zero(), MIN_DELAY).unwrap();
    s.at(MIN_DELAY);
    let executor = s.executor.clone();
    let err = s
        .exec_text(
            &executor,
            &ExecuteMsg::Execute {
                call: revoke,
                predecessor: zero(),
                salt: zero(),
            },
        )
        .unwrap_err();
    assert!(err.starts_with("vagus:1009 LastAdmin"), "{err}");
}
