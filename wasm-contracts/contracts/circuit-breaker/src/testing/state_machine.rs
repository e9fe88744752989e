//! Every cell of the state table through the contract, with its events, status and
//! counters; the lazy cooldown and its boundary.

use cosmwasm_std::Uint64;

use super::helpers::{event_types, half_open_msg, reset_msg, transitions, trip_msg, Suite, T0};
use crate::msg::{BreakerStatus, Config, ExecuteMsg, QueryMsg, RequestResponse};

const CLOSED: u8 = 0;
const OPEN: u8 = 1;
const HALF_OPEN: u8 = 2;

const FAILURE_THRESHOLD: u8 = 1;
const COOLDOWN_ELAPSED: u8 = 2;
const PROBE_FAILED: u8 = 3;
const PROBES_SUCCEEDED: u8 = 4;
const GUARDIAN_TRIP: u8 = 5;
const GUARDIAN_RESET: u8 = 6;
const GUARDIAN_HALF_OPEN: u8 = 7;

fn allowed() -> RequestResponse {
    RequestResponse {
        allowed: true,
        retry_at: Uint64::zero(),
    }
}

fn status(state: u8, cf: u32, probes: u32, succ: u32, opened: u64, next: u64) -> BreakerStatus {
    BreakerStatus {
        state,
        consecutive_failures: cf,
        probes_admitted: probes,
        half_open_successes: succ,
        opened_at: Uint64::new(opened),
        next_request_at: Uint64::new(next),
    }
}

/// Opened by the guardian at T0 + 10 (cooldown ends at T0 + 70).
fn open_suite() -> Suite {
    let mut s = Suite::new();
    s.at(10);
    s.guardian(trip_msg).unwrap();
    s
}

/// Forced HALF_OPEN at T0 + 20 after a trip at T0 + 10.
fn half_open_suite() -> Suite {
    let mut s = open_suite();
    s.at(20);
    s.guardian(half_open_msg).unwrap();
    s
}

// ---- CLOSED ----

#[test]
fn closed_request_is_allowed() {
    let mut s = Suite::new();
    let (reply, res) = s.request();
    assert_eq!(reply, allowed());
    assert!(event_types(&res).is_empty());
    assert_eq!(s.status(), status(CLOSED, 0, 0, 0, 0, T0));
    assert_eq!(s.counters().requests.u64(), 1);
}

#[test]
fn closed_failures_open_at_the_threshold_and_success_clears_them() {
    let mut s = Suite::new();
    s.report(false);
    s.report(false);
    assert_eq!(s.status().consecutive_failures, 2);
    s.report(true);
    assert_eq!(s.status().consecutive_failures, 0);
    s.report(false);
    s.report(false);
    s.at(5);
    let res = s.report(false);
    assert_eq!(transitions(&res), vec![(CLOSED, OPEN, FAILURE_THRESHOLD)]);
    assert_eq!(s.status(), status(OPEN, 0, 0, 0, T0 + 5, T0 + 65));
    let c = s.counters();
    assert_eq!(
        (c.failures.u64(), c.successes.u64(), c.trips.u64()),
        (5, 1, 1)
    );
}

#[test]
fn closed_trip_opens() {
    let mut s = Suite::new();
    s.report(false);
    let res = s.guardian(trip_msg).unwrap();
    assert_eq!(transitions(&res), vec![(CLOSED, OPEN, GUARDIAN_TRIP)]);
    assert_eq!(s.status(), status(OPEN, 0, 0, 0, T0, T0 + 60));
}

#[test]
fn closed_reset_and_force_half_open_are_refused() {
    let mut s = Suite::new();
    let g = s.guardian.clone();
    s.expect_revert(&g, &super::helpers::pair_msg(reset_msg), 3005);
    let err = s.expect_revert(&g, &super::helpers::pair_msg(half_open_msg), 3006);
    assert_eq!(
        err,
        crate::ContractError::InvalidTransition {
            from: CLOSED,
            to: HALF_OPEN
        }
    );
}

// ---- OPEN ----

#[test]
fn open_request_is_denied_until_the_cooldown() {
    let mut s = open_suite();
    s.at(69);
    let (reply, res) = s.request();
    assert_eq!(
        reply,
        RequestResponse {
            allowed: false,
            retry_at: Uint64::new(T0 + 70)
        }
    );
    assert_eq!(event_types(&res), ["request_denied"]);
    let attrs: Vec<(String, String)> = res.events[1]
        .attributes
        .iter()
        .skip(1)
        .map(|a| (a.key.clone(), a.value.clone()))
        .collect();
    assert_eq!(attrs[2], ("code".to_string(), "3100".to_string()));
    assert_eq!(attrs[3], ("retry_at".to_string(), (T0 + 70).to_string()));
    let c = s.counters();
    assert_eq!((c.requests.u64(), c.rejections.u64()), (1, 1));
}

#[test]
fn open_outcomes_are_only_counted() {
    let mut s = open_suite();
    let before = s.status();
    assert!(transitions(&s.report(true)).is_empty());
    assert!(transitions(&s.report(false)).is_empty());
    assert_eq!(s.status(), before);
    let c = s.counters();
    assert_eq!((c.successes.u64(), c.failures.u64()), (1, 1));
}

#[test]
fn open_trip_is_already_in_state() {
    let mut s = open_suite();
    let g = s.guardian.clone();
    s.expect_revert(&g, &super::helpers::pair_msg(trip_msg), 3005);
}

#[test]
fn open_reset_closes_and_force_half_open_half_opens() {
    let mut s = open_suite();
    let res = s.guardian(reset_msg).unwrap();
    assert_eq!(transitions(&res), vec![(OPEN, CLOSED, GUARDIAN_RESET)]);
    // opened_at is kept after leaving OPEN.
    assert_eq!(s.status(), status(CLOSED, 0, 0, 0, T0 + 10, T0 + 10));

    let mut s = open_suite();
    s.at(20);
    let res = s.guardian(half_open_msg).unwrap();
    assert_eq!(
        transitions(&res),
        vec![(OPEN, HALF_OPEN, GUARDIAN_HALF_OPEN)]
    );
    assert_eq!(s.status(), status(HALF_OPEN, 0, 0, 0, T0 + 10, T0 + 20));
}

// ---- HALF_OPEN ----

#[test]
fn half_open_admits_p_probes_then_denies_with_retry_zero() {
    let mut s = half_open_suite();
    assert_eq!(s.request().0, allowed());
    assert_eq!(s.request().0, allowed());
    assert_eq!(s.status(), status(HALF_OPEN, 0, 2, 0, T0 + 10, 0));
    let (reply, res) = s.request();
    assert_eq!(
        reply,
        RequestResponse {
            allowed: false,
            retry_at: Uint64::zero()
        }
    );
    assert_eq!(event_types(&res), ["request_denied"]);
    assert!(res.events[1]
        .attributes
        .iter()
        .any(|a| a.key == "code" && a.value == "3101"));
    let c = s.counters();
    assert_eq!((c.requests.u64(), c.rejections.u64()), (3, 1));
}

#[test]
fn half_open_closes_after_s_successes() {
    let mut s = half_open_suite();
    s.request();
    assert!(transitions(&s.report(true)).is_empty());
    assert_eq!(s.status().half_open_successes, 1);
    let res = s.report(true);
    assert_eq!(
        transitions(&res),
        vec![(HALF_OPEN, CLOSED, PROBES_SUCCEEDED)]
    );
    assert_eq!(s.status().state, CLOSED);
}

#[test]
fn half_open_failure_reopens() {
    let mut s = half_open_suite();
    s.at(30);
    let res = s.report(false);
    assert_eq!(transitions(&res), vec![(HALF_OPEN, OPEN, PROBE_FAILED)]);
    assert_eq!(s.status(), status(OPEN, 0, 0, 0, T0 + 30, T0 + 90));
    assert_eq!(s.counters().trips.u64(), 2);
}

#[test]
fn half_open_trip_and_reset() {
    let mut s = half_open_suite();
    let res = s.guardian(trip_msg).unwrap();
    assert_eq!(transitions(&res), vec![(HALF_OPEN, OPEN, GUARDIAN_TRIP)]);
    let mut s = half_open_suite();
    let res = s.guardian(reset_msg).unwrap();
    assert_eq!(transitions(&res), vec![(HALF_OPEN, CLOSED, GUARDIAN_RESET)]);
}

#[test]
fn half_open_force_half_open_is_already_in_state() {
    let mut s = half_open_suite();
    let g = s.guardian.clone();
    s.expect_revert(&g, &super::helpers::pair_msg(half_open_msg), 3005);
}

// ---- lazy cooldown ----

#[test]
fn cooldown_boundary_is_inclusive_and_queries_report_the_effective_state() {
    let mut s = open_suite();
    s.at(69);
    assert_eq!(s.status(), status(OPEN, 0, 0, 0, T0 + 10, T0 + 70));
    s.at(70);
    assert_eq!(s.status(), status(HALF_OPEN, 0, 0, 0, T0 + 10, T0 + 70));
    // The request materializes the transition; its event comes first.
    let (reply, res) = s.request();
    assert_eq!(reply, allowed());
    assert_eq!(transitions(&res), vec![(OPEN, HALF_OPEN, COOLDOWN_ELAPSED)]);
    assert_eq!(s.status(), status(HALF_OPEN, 0, 1, 0, T0 + 10, T0 + 70));
}

#[test]
fn cooldown_transition_precedes_the_calls_own_events() {
    let mut s = open_suite();
    s.at(70);
    let res = s.guardian(trip_msg).unwrap();
    assert_eq!(
        transitions(&res),
        vec![
            (OPEN, HALF_OPEN, COOLDOWN_ELAPSED),
            (HALF_OPEN, OPEN, GUARDIAN_TRIP)
        ]
    );
    assert_eq!(s.status().opened_at.u64(), T0 + 70);

    let mut s = open_suite();
    s.at(100);
    let res = s.report(false);
    assert_eq!(
        transitions(&res),
        vec![
            (OPEN, HALF_OPEN, COOLDOWN_ELAPSED),
            (HALF_OPEN, OPEN, PROBE_FAILED)
        ]
    );

    let mut s = open_suite();
    s.at(100);
    let res = s.guardian(reset_msg).unwrap();
    assert_eq!(
        transitions(&res),
        vec![
            (OPEN, HALF_OPEN, COOLDOWN_ELAPSED),
            (HALF_OPEN, CLOSED, GUARDIAN_RESET)
        ]
    );
}

#[test]
fn a_reverted_call_undoes_the_cooldown_transition() {
    let mut s = open_suite();
    s.at(70);
    let g = s.guardian.clone();
    // Effective state is HALF_OPEN, so force_half_open is AlreadyInState(HALF_OPEN)
    // and the materialized transition is rolled back with it.
    let err = s.expect_revert(&g, &super::helpers::pair_msg(half_open_msg), 3005);
    assert_eq!(
        err,
        crate::ContractError::AlreadyInState { state: HALF_OPEN }
    );
}

#[test]
fn a_new_config_applies_from_the_next_evaluation() {
    let mut s = open_suite();
    s.at(40);
    assert_eq!(s.status().state, OPEN);
    let admin = s.admin.clone();
    let res = s
        .exec(
            &admin,
            &ExecuteMsg::SetConfig {
                config: Config {
                    failure_threshold: 3,
                    cooldown: 30,
                    half_open_max_probes: 1,
                    success_threshold: 1,
                },
            },
        )
        .unwrap();
    assert_eq!(event_types(&res), ["config_set"]);
    // Lowering the cooldown moves nothing by itself; the next evaluation sees it.
    assert_eq!(s.status().state, HALF_OPEN);
    let cfg: Config = s.query(&QueryMsg::Config {});
    assert_eq!(cfg.cooldown, 30);
}

#[test]
fn outcomes_and_trips_work_while_paused() {
    let mut s = Suite::new();
    let g = s.guardian.clone();
    s.exec(&g, &ExecuteMsg::Pause {}).unwrap();
    s.report(false);
    let res = s.guardian(trip_msg).unwrap();
    assert_eq!(transitions(&res), vec![(CLOSED, OPEN, GUARDIAN_TRIP)]);
    let c = s.counters();
    assert_eq!((c.failures.u64(), c.trips.u64()), (1, 1));
}
