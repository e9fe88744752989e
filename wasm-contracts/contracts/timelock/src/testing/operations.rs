//! Scheduling, the ready boundary, execution, predecessors, cancellation, batches and the
//! delay update (spec/timelock.md §2–§5).

use cosmwasm_std::{HexBinary, Uint64};

use super::helpers::*;
use crate::msg::{Call, ExecuteMsg, OperationIdResponse, QueryMsg, TimestampResponse};

/// bytes32 bitmap `1 << state`, as spec/timelock.md writes it.
fn bitmap(bits: u8) -> String {
    format!("{}{:02x}", "00".repeat(31), bits)
}

#[test]
fn schedule_then_execute_at_the_ready_time_and_not_a_second_before() {
    let mut s = Suite::new();
    let call = s.set_capacity(9);
    let id = s.id(&call, &zero(), &zero());
    assert_eq!(s.state(&id), UNSET);
    s.at(10);
    s.schedule(&call, &zero(), &zero(), MIN_DELAY).unwrap();
    // Ready at T0 + 10 + 100 = T0 + 110.
    let ts: TimestampResponse = s.query(&QueryMsg::GetTimestamp { id: id.clone() });
    assert_eq!(ts.timestamp, Uint64::new(T0 + 110));
    assert_eq!(s.state(&id), WAITING);

    s.at(109);
    assert_eq!(s.state(&id), WAITING);
    let err = s.run(&call, &zero(), &zero()).unwrap_err();
    assert_eq!(
        err,
        crate::ContractError::TimelockUnexpectedOperationState {
            operation_id: id.to_hex(),
            expected_states: bitmap(1 << 2),
        }
    );
    assert_eq!(s.capacity(), 3);

    s.at(110);
    assert_eq!(s.state(&id), READY);
    let res = s.run(&call, &zero(), &zero()).unwrap();
    assert_eq!(s.capacity(), 9);
    assert_eq!(s.state(&id), DONE);
    let ts: TimestampResponse = s.query(&QueryMsg::GetTimestamp { id: id.clone() });
    assert_eq!(ts.timestamp, Uint64::new(1));
    let executed = events(&res, "call_executed");
    assert_eq!(executed.len(), 1);
    assert_eq!(executed[0][0], ("id".into(), id.to_hex()));
    assert_eq!(executed[0][1], ("index".into(), "0".into()));
    assert_eq!(executed[0][2], ("target".into(), s.limiter.to_string()));

    // Done is final: a second execute and a re-schedule are refused.
    let err = s.run(&call, &zero(), &zero()).unwrap_err();
    assert_eq!(err.code(), 9003);
    let err = s.schedule(&call, &zero(), &zero(), MIN_DELAY).unwrap_err();
    assert_eq!(
        err,
        crate::ContractError::TimelockUnexpectedOperationState {
            operation_id: id.to_hex(),
            expected_states: bitmap(1),
        }
    );
}

#[test]
fn schedule_events_and_response_data() {
    let mut s = Suite::new();
    let call = s.set_capacity(4);
    let salt = b32(7);
    let pred = b32(9);
    let res = s.schedule(&call, &pred, &salt, 150).unwrap();
    let id = s.id(&call, &pred, &salt);
    let data: OperationIdResponse = cosmwasm_std::from_json(res.data.clone().unwrap()).unwrap();
    assert_eq!(data.id, id);
    let scheduled = events(&res, "call_scheduled");
    assert_eq!(scheduled.len(), 1);
    let keys: Vec<_> = scheduled[0].iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        keys,
        ["id", "index", "target", "call", "predecessor", "delay"]
    );
    assert_eq!(scheduled[0][4].1, pred.to_hex());
    assert_eq!(scheduled[0][5].1, "150");
    let call_json: Call = serde_json::from_str(&scheduled[0][3].1).unwrap();
    assert_eq!(call_json, call);
    assert_eq!(
        events(&res, "call_salt"),
        vec![vec![
            ("id".into(), id.to_hex()),
            ("salt".into(), salt.to_hex())
        ]]
    );
    // A zero salt emits no call_salt.
    let res = s.schedule(&call, &zero(), &zero(), 150).unwrap();
    assert!(events(&res, "call_salt").is_empty());
}

#[test]
fn insufficient_delay_and_overflow_are_refused_without_a_trace() {
    let mut s = Suite::new();
    let call = s.set_capacity(4);
    let err = s
        .schedule(&call, &zero(), &zero(), MIN_DELAY - 1)
        .unwrap_err();
    assert_eq!(
        err,
        crate::ContractError::TimelockInsufficientDelay {
            delay: 99,
            min_delay: 100
        }
    );
    let err = s.schedule(&call, &zero(), &zero(), u64::MAX).unwrap_err();
    assert_eq!(err.code(), 9006);
    assert_eq!(s.state(&s.id(&call, &zero(), &zero())), UNSET);
}

#[test]
fn malformed_bytes32_and_addresses_are_coded_errors() {
    let mut s = Suite::new();
    let call = s.set_capacity(4);
    let short = HexBinary::from(vec![1u8; 31]);
    let err = s.schedule(&call, &short, &zero(), MIN_DELAY).unwrap_err();
    assert_eq!(
        err,
        crate::ContractError::TimelockInvalidBytes32 {
            field: "predecessor".into()
        }
    );
    let err = s.schedule(&call, &zero(), &short, MIN_DELAY).unwrap_err();
    assert_eq!(err.code(), 9007);
    let bad = Call::BankSend {
        to_address: "not-an-address".into(),
        amount: vec![],
    };
    let err = s.schedule(&bad, &zero(), &zero(), MIN_DELAY).unwrap_err();
    assert_eq!(err.code(), 1005);
    let proposer = s.proposer.clone();
    let err = s
        .exec(&proposer, &ExecuteMsg::Cancel { id: short })
        .unwrap_err();
    assert_eq!(err.code(), 9007);
}

#[test]
fn predecessor_must_be_done() {
    let mut s = Suite::new();
    let first = s.set_capacity(5);
    let second = s.set_capacity(6);
    let first_id = s.id(&first, &zero(), &zero());
    s.schedule(&first, &zero(), &zero(), MIN_DELAY).unwrap();
    s.schedule(&second, &first_id, &zero(), MIN_DELAY).unwrap();
    s.at(MIN_DELAY);
    // Both ready; the second names the first, which is Ready but not Done.
    let err = s.run(&second, &first_id, &zero()).unwrap_err();
    assert_eq!(
        err,
        crate::ContractError::TimelockUnexecutedPredecessor {
            predecessor_id: first_id.to_hex()
        }
    );
    assert_eq!(s.capacity(), 3);
    s.run(&first, &zero(), &zero()).unwrap();
    s.run(&second, &first_id, &zero()).unwrap();
    assert_eq!(s.capacity(), 6);

    // A predecessor that was never scheduled blocks for ever.
    let third = s.set_capacity(7);
    s.schedule(&third, &b32(42), &zero(), MIN_DELAY).unwrap();
    s.at(3 * MIN_DELAY);
    assert_eq!(s.run(&third, &b32(42), &zero()).unwrap_err().code(), 9004);
}

#[test]
fn cancel_pending_only() {
    let mut s = Suite::new();
    let call = s.set_capacity(5);
    let id = s.id(&call, &zero(), &zero());
    let proposer = s.proposer.clone();
    // Unset: nothing to cancel.
    let err = s
        .exec(&proposer, &ExecuteMsg::Cancel { id: id.clone() })
        .unwrap_err();
    assert_eq!(
        err,
        crate::ContractError::TimelockUnexpectedOperationState {
            operation_id: id.to_hex(),
            expected_states: bitmap((1 << 1) | (1 << 2)),
        }
    );
    // Waiting: cancelled, back to Unset, and can be scheduled again.
    s.schedule(&call, &zero(), &zero(), MIN_DELAY).unwrap();
    let res = s
        .exec(&proposer, &ExecuteMsg::Cancel { id: id.clone() })
        .unwrap();
    assert_eq!(
        events(&res, "cancelled"),
        vec![vec![("id".into(), id.to_hex())]]
    );
    assert_eq!(s.state(&id), UNSET);
    s.at(MIN_DELAY);
    assert_eq!(s.run(&call, &zero(), &zero()).unwrap_err().code(), 9003);
    // Ready: cancellable too.
    s.schedule(&call, &zero(), &zero(), MIN_DELAY).unwrap();
    s.at(2 * MIN_DELAY);
    assert_eq!(s.state(&id), READY);
    s.exec(&proposer, &ExecuteMsg::Cancel { id: id.clone() })
        .unwrap();
    // Done: not cancellable.
    s.schedule(&call, &zero(), &zero(), MIN_DELAY).unwrap();
    s.at(3 * MIN_DELAY);
    s.run(&call, &zero(), &zero()).unwrap();
    let err = s
        .exec(&proposer, &ExecuteMsg::Cancel { id: id.clone() })
        .unwrap_err();
    assert_eq!(err.code(), 9003);
    assert_eq!(s.state(&id), DONE);
}

#[test]
fn batch_runs_in_order_and_atomically() {
    let mut s = Suite::new();
    let calls = vec![s.set_capacity(5), s.set_capacity(8)];
    let proposer = s.proposer.clone();
    let executor = s.executor.clone();
    let res = s
        .exec(
            &proposer,
            &ExecuteMsg::ScheduleBatch {
                calls: calls.clone(),
                predecessor: zero(),
                salt: zero(),
                delay: Uint64::new(MIN_DELAY),
            },
        )
        .unwrap();
    let scheduled = events(&res, "call_scheduled");
    assert_eq!(scheduled.len(), 2);
    assert_eq!(scheduled[1][1], ("index".into(), "1".into()));
    let batch_id: OperationIdResponse = s.query(&QueryMsg::HashOperationBatch {
        calls: calls.clone(),
        predecessor: zero(),
        salt: zero(),
    });
    assert_eq!(scheduled[0][0].1, batch_id.id.to_hex());
    // The single-call id of the first call is another operation.
    assert_eq!(s.state(&s.id(&calls[0], &zero(), &zero())), UNSET);
    s.at(MIN_DELAY);
    let res = s
        .exec(
            &executor,
            &ExecuteMsg::ExecuteBatch {
                calls: calls.clone(),
                predecessor: zero(),
                salt: zero(),
            },
        )
        .unwrap();
    assert_eq!(events(&res, "call_executed").len(), 2);
    assert_eq!(s.capacity(), 8, "the last call wins: calls run in order");
    assert_eq!(s.state(&batch_id.id), DONE);

    // A failing call fails the batch: the first call's effect and Done are rolled back.
    let bad = vec![
        s.set_capacity(2),
        Call::Execute {
            contract_addr: s.limiter.to_string(),
            msg: msg_bytes(&rate_limiter::msg::ExecuteMsg::SetDefaultConfig {
                config: rate_limiter::msg::Config {
                    capacity: 0,
                    window: 60,
                    buckets: 6,
                },
            }),
            funds: vec![],
        },
    ];
    s.exec(
        &proposer,
        &ExecuteMsg::ScheduleBatch {
            calls: bad.clone(),
            predecessor: zero(),
            salt: zero(),
            delay: Uint64::new(MIN_DELAY),
        },
    )
    .unwrap();
    s.at(2 * MIN_DELAY);
    let err = s
        .exec_text(
            &executor,
            &ExecuteMsg::ExecuteBatch {
                calls: bad.clone(),
                predecessor: zero(),
                salt: zero(),
            },
        )
        .unwrap_err();
    assert!(err.starts_with("vagus:2002 ZeroCapacity"), "{err}");
    assert_eq!(s.capacity(), 8);
    let bad_id: OperationIdResponse = s.query(&QueryMsg::HashOperationBatch {
        calls: bad,
        predecessor: zero(),
        salt: zero(),
    });
    assert_eq!(s.state(&bad_id.id), READY);
}

#[test]
fn empty_batch_is_an_operation_like_on_evm() {
    let mut s = Suite::new();
    let proposer = s.proposer.clone();
    let executor = s.executor.clone();
    s.exec(
        &proposer,
        &ExecuteMsg::ScheduleBatch {
            calls: vec![],
            predecessor: zero(),
            salt: zero(),
            delay: Uint64::new(MIN_DELAY),
        },
    )
    .unwrap();
    s.at(MIN_DELAY);
    s.exec(
        &executor,
        &ExecuteMsg::ExecuteBatch {
            calls: vec![],
            predecessor: zero(),
            salt: zero(),
        },
    )
    .unwrap();
}

#[test]
fn update_delay_only_through_the_timelock_itself() {
    let mut s = Suite::new();
    let deployer = s.deployer.clone();
    for who in [s.proposer.clone(), s.executor.clone(), deployer] {
        let err = s
            .exec(
                &who,
                &ExecuteMsg::UpdateDelay {
                    new_delay: Uint64::new(5),
                },
            )
            .unwrap_err();
        assert_eq!(
            err,
            crate::ContractError::TimelockUnauthorizedCaller {
                caller: who.to_string()
            }
        );
    }
    let call = s.to_self(&ExecuteMsg::UpdateDelay {
        new_delay: Uint64::new(300),
    });
    s.schedule(&call, &zero(), &zero(), MIN_DELAY).unwrap();
    s.at(MIN_DELAY);
    let res = s.run(&call, &zero(), &zero()).unwrap();
    assert_eq!(
        events(&res, "min_delay_change"),
        vec![vec![
            ("old_duration".into(), "100".into()),
            ("new_duration".into(), "300".into())
        ]]
    );
    let d: crate::msg::MinDelayResponse = s.query(&QueryMsg::GetMinDelay {});
    assert_eq!(d.min_delay, Uint64::new(300));
    // The new minimum applies to the next schedule.
    let next = s.set_capacity(4);
    assert_eq!(
        s.schedule(&next, &zero(), &zero(), 299).unwrap_err().code(),
        9002
    );
    s.schedule(&next, &zero(), &zero(), 300).unwrap();
}

#[test]
fn reentering_execute_of_the_running_operation_fails_the_whole_call() {
    let mut s = Suite::new();
    // An operation cannot contain its own id, so the re-entry is a batch whose two calls
    // both execute the same inner operation through the timelock: the second finds it
    // Done (OpenZeppelin's `_afterCall` check refuses the same way).
    let first = s.set_capacity(5);
    let again = s.to_self(&ExecuteMsg::Execute {
        call: first.clone(),
        predecessor: zero(),
        salt: zero(),
    });
    let proposer = s.proposer.clone();
    s.schedule(&first, &zero(), &zero(), MIN_DELAY).unwrap();
    s.exec(
        &proposer,
        &ExecuteMsg::ScheduleBatch {
            calls: vec![again.clone(), again.clone()],
            predecessor: zero(),
            salt: zero(),
            delay: Uint64::new(MIN_DELAY),
        },
    )
    .unwrap();
    // The timelock must be an executor to execute through itself.
    let grant = s.to_self(&ExecuteMsg::GrantRole {
        role: "executor".into(),
        account: s.timelock.to_string(),
    });
    s.schedule(&grant, &zero(), &zero(), MIN_DELAY).unwrap();
    s.at(MIN_DELAY);
    s.run(&grant, &zero(), &zero()).unwrap();
    let executor = s.executor.clone();
    let err = s
        .exec_text(
            &executor,
            &ExecuteMsg::ExecuteBatch {
                calls: vec![again.clone(), again],
                predecessor: zero(),
                salt: zero(),
            },
        )
        .unwrap_err();
    assert!(err.starts_with("vagus:9003"), "{err}");
    // Nothing stuck: the inner operation is still Ready and the limiter untouched.
    assert_eq!(s.state(&s.id(&first, &zero(), &zero())), READY);
    assert_eq!(s.capacity(), 3);
}

#[test]
fn bank_send_moves_the_timelocks_funds() {
    use cosmwasm_std::coin;
    let mut s = Suite::new();
    let tl = s.timelock.clone();
    s.app.init_modules(|router, _, storage| {
        router
            .bank
            .init_balance(storage, &tl, vec![coin(1_000, "uvag")])
            .unwrap()
    });
    let to = s.stranger.clone();
    let call = Call::BankSend {
        to_address: to.to_string(),
        amount: vec![coin(250, "uvag")],
    };
    s.schedule(&call, &zero(), &zero(), MIN_DELAY).unwrap();
    s.at(MIN_DELAY);
    s.run(&call, &zero(), &zero()).unwrap();
    let got = s.app.wrap().query_balance(to, "uvag").unwrap();
    assert_eq!(got.amount.u128(), 250);
    let left = s.app.wrap().query_balance(tl, "uvag").unwrap();
    assert_eq!(left.amount.u128(), 750);
}

#[test]
fn predicate_queries_follow_the_state_table() {
    use crate::msg::{
        IsOperationDoneResponse, IsOperationPendingResponse, IsOperationReadyResponse,
        IsOperationResponse,
    };
    // spec/timelock.md §2: isOperation = not Unset; pending = Waiting or Ready.
    fn flags(s: &Suite, id: &HexBinary) -> [bool; 4] {
        let a: IsOperationResponse = s.query(&QueryMsg::IsOperation { id: id.clone() });
        let b: IsOperationPendingResponse =
            s.query(&QueryMsg::IsOperationPending { id: id.clone() });
        let c: IsOperationReadyResponse = s.query(&QueryMsg::IsOperationReady { id: id.clone() });
        let d: IsOperationDoneResponse = s.query(&QueryMsg::IsOperationDone { id: id.clone() });
        [
            a.is_operation,
            b.is_operation_pending,
            c.is_operation_ready,
            d.is_operation_done,
        ]
    }
    let mut s = Suite::new();
    let call = s.set_capacity(5);
    let id = s.id(&call, &zero(), &zero());
    assert_eq!(flags(&s, &id), [false, false, false, false]);
    s.schedule(&call, &zero(), &zero(), MIN_DELAY).unwrap();
    assert_eq!(flags(&s, &id), [true, true, false, false]);
    s.at(MIN_DELAY);
    assert_eq!(flags(&s, &id), [true, true, true, false]);
    s.run(&call, &zero(), &zero()).unwrap();
    assert_eq!(flags(&s, &id), [true, false, false, true]);
}
