//! The sliding window through the contract: bucket edges, `retry_at`, denial events,
//! the reset rule and per-pair overrides.

use cosmwasm_std::{from_json, Uint64};

use super::helpers::{action, cfg, events, Suite, T0};
use crate::msg::{ConsumeResponse, ExecuteMsg, PairConfigResponse, QueryMsg};

fn allowed() -> ConsumeResponse {
    ConsumeResponse {
        allowed: true,
        retry_at: Uint64::zero(),
    }
}

fn denied(retry_at: u64) -> ConsumeResponse {
    ConsumeResponse {
        allowed: false,
        retry_at: Uint64::new(retry_at),
    }
}

#[test]
fn fills_denies_and_frees_at_the_bucket_edge() {
    // N = 3, W = 60, K = 6 (B = 10).
    let mut s = Suite::new();
    s.at(5);
    assert_eq!(s.consume(), allowed());
    s.at(15);
    assert_eq!(s.consume(), allowed());
    assert_eq!(s.consume(), allowed());
    s.at(59);
    // The oldest consumption (bucket [0, 10)) stops counting at 60, inclusive.
    assert_eq!(s.consume(), denied(T0 + 60));
    let u = s.usage(1, 1);
    assert_eq!((u.used, u.capacity, u.retry_at.u64()), (3, 3, T0 + 60));
    s.at(60);
    assert_eq!(s.usage(1, 1).used, 2);
    assert_eq!(s.usage(1, 1).retry_at.u64(), 0);
    assert_eq!(s.consume(), allowed());
    assert_eq!(s.consume(), denied(T0 + 70));
    s.at(70);
    assert_eq!(s.consume(), allowed());
    assert_eq!(s.counters(1, 1), (7, 2));
}

#[test]
fn denial_emits_consume_denied_with_spec_fields_in_order() {
    let mut s = Suite::with_config(cfg(1, 60, 6));
    s.consume();
    let consumer = s.consumer.clone();
    let res = s
        .exec(
            &consumer,
            &ExecuteMsg::Consume {
                executor_id: Uint64::new(1),
                action_id: action(1),
            },
        )
        .unwrap();
    let data: ConsumeResponse = from_json(res.data.clone().unwrap()).unwrap();
    assert_eq!(data, denied(T0 + 60));
    let evs = events(&res);
    assert_eq!(evs.len(), 1);
    assert_eq!(evs[0].0, "consume_denied");
    let kv: Vec<(&str, &str)> = evs[0]
        .1
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let action_hex = format!("{}01", "00".repeat(31));
    assert_eq!(
        kv,
        vec![
            ("executor_id", "1"),
            ("action_id", action_hex.as_str()),
            ("code", "2100"),
            ("used", "1"),
            ("retry_at", &(T0 + 60).to_string()),
        ]
    );
}

#[test]
fn allowed_consume_emits_no_event() {
    let mut s = Suite::new();
    let consumer = s.consumer.clone();
    let res = s
        .exec(
            &consumer,
            &ExecuteMsg::Consume {
                executor_id: Uint64::new(1),
                action_id: action(1),
            },
        )
        .unwrap();
    assert!(events(&res).is_empty());
}

#[test]
fn pairs_are_independent() {
    let mut s = Suite::with_config(cfg(1, 60, 6));
    let consumer = s.consumer.clone();
    assert!(s.consume_as(&consumer, 1, 1).unwrap().allowed);
    assert!(s.consume_as(&consumer, 1, 2).unwrap().allowed);
    assert!(s.consume_as(&consumer, 2, 1).unwrap().allowed);
    assert!(!s.consume_as(&consumer, 1, 1).unwrap().allowed);
    assert_eq!(s.counters(1, 2), (1, 0));
}

#[test]
fn capacity_change_keeps_the_ring_and_shape_change_empties_it() {
    let mut s = Suite::new();
    s.consume();
    s.consume();
    s.consume();
    let admin = s.admin.clone();
    // Same shape, lower capacity: the three counts stay.
    s.exec(
        &admin,
        &ExecuteMsg::SetPairConfig {
            executor_id: Uint64::new(1),
            action_id: action(1),
            config: cfg(2, 60, 6),
        },
    )
    .unwrap();
    let u = s.usage(1, 1);
    assert_eq!((u.used, u.capacity), (3, 2));
    // Walk until the remainder < 2: the bucket of all three → T0 + 60.
    assert_eq!(u.retry_at.u64(), T0 + 60);
    // New shape (K = 3): the ring reads empty, and empties on the next consume.
    s.exec(
        &admin,
        &ExecuteMsg::SetPairConfig {
            executor_id: Uint64::new(1),
            action_id: action(1),
            config: cfg(2, 60, 3),
        },
    )
    .unwrap();
    assert_eq!(s.usage(1, 1).used, 0);
    assert!(s.consume().allowed);
    assert_eq!(s.usage(1, 1).used, 1);
    // Back to the old shape: the ring was emptied under K = 3, so the old counts are gone.
    s.exec(
        &admin,
        &ExecuteMsg::ClearPairConfig {
            executor_id: Uint64::new(1),
            action_id: action(1),
        },
    )
    .unwrap();
    assert_eq!(s.usage(1, 1).used, 0);
    // Counters never reset.
    assert_eq!(s.counters(1, 1), (4, 0));
}

#[test]
fn a_shape_change_undone_before_any_consume_keeps_the_ring() {
    let mut s = Suite::new();
    s.consume();
    let admin = s.admin.clone();
    let set = ExecuteMsg::SetPairConfig {
        executor_id: Uint64::new(1),
        action_id: action(1),
        config: cfg(3, 120, 6),
    };
    s.exec(&admin, &set).unwrap();
    assert_eq!(s.usage(1, 1).used, 0);
    s.exec(
        &admin,
        &ExecuteMsg::ClearPairConfig {
            executor_id: Uint64::new(1),
            action_id: action(1),
        },
    )
    .unwrap();
    assert_eq!(s.usage(1, 1).used, 1);
}

#[test]
fn pair_config_query_reports_the_effective_config() {
    let mut s = Suite::new();
    let q = QueryMsg::PairConfig {
        executor_id: Uint64::new(1),
        action_id: action(1),
    };
    let r: PairConfigResponse = s.query(&q);
    assert_eq!((r.has_override, r.config), (false, cfg(3, 60, 6)));
    let admin = s.admin.clone();
    let res = s
        .exec(
            &admin,
            &ExecuteMsg::SetPairConfig {
                executor_id: Uint64::new(1),
                action_id: action(1),
                config: cfg(9, 30, 3),
            },
        )
        .unwrap();
    let evs = events(&res);
    assert_eq!(evs[0].0, "pair_config_set");
    let keys: Vec<&str> = evs[0].1.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        keys,
        ["executor_id", "action_id", "capacity", "window", "buckets"]
    );
    let r: PairConfigResponse = s.query(&q);
    assert_eq!((r.has_override, r.config), (true, cfg(9, 30, 3)));
}

#[test]
fn one_bucket_window_is_a_fixed_window_aligned_to_w() {
    let mut s = Suite::with_config(cfg(2, 60, 1));
    s.at(59);
    assert!(s.consume().allowed);
    assert!(s.consume().allowed);
    assert_eq!(s.consume(), denied(T0 + 60));
    s.at(60);
    assert!(s.consume().allowed);
}

#[test]
fn cost_does_not_depend_on_traffic() {
    // A full window at the largest capacity is still a K-slot record.
    let mut s = Suite::with_config(cfg(500, 64, 64));
    for _ in 0..500 {
        assert!(s.consume().allowed);
    }
    let size_full: usize = s.snapshot().iter().map(|(k, v)| k.len() + v.len()).sum();
    assert!(!s.consume().allowed);
    s.at(1000);
    assert!(s.consume().allowed);
    let size_later: usize = s.snapshot().iter().map(|(k, v)| k.len() + v.len()).sum();
    assert!(size_later <= size_full + 8, "{size_later} vs {size_full}");
}
