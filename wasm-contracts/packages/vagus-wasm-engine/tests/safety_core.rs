//! The safety core on the compiled artifacts: the seven .wasm files deployed in the engine
//! with the standard wiring, every invariant / known-failure scenario of
//! `vagus_conformance::safety` (the same scenarios as on cw-multi-test), and the gas
//! properties only a real VM can show (revoke_all is flat in the number of tokens).

mod support;

use anyhow::Result;
use serde_json::json;
use support::EngineBackend;
use vagus_conformance::safety;
use vagus_conformance::system::{System, EXECUTOR};

fn fresh() -> Result<EngineBackend> {
    EngineBackend::fresh()
}

macro_rules! scenarios {
    ($($name:ident),* $(,)?) => {
        $( #[test] fn $name() { safety::run(stringify!($name), fresh); } )*

        #[test]
        fn every_scenario_runs_on_the_engine() {
            let listed = [$(stringify!($name)),*];
            for (name, _) in safety::all::<EngineBackend>() {
                assert!(listed.contains(&name), "scenario {name} has no engine test");
            }
        }
    };
}

scenarios!(
    no_token_is_valid_in_shutdown,
    danger_scales_exactly_the_brakeable_params,
    no_token_without_the_brake,
    privileged_calls_only_from_their_roles,
    validity_ends_exactly_at_expires_at,
    replayed_nonces_are_refused,
    pause_stops_liveness_never_safety,
    emergency_pause_is_the_guardians_pause,
    failed_notifications_are_recorded,
    expired_tokens_do_not_block_reflexes,
    a_busy_pair_stays_issuable,
    evidence_hashes_are_sha256_and_keccak256,
    shutdown_is_left_by_governance_override,
    revoke_and_report_outcome,
    breaker_denials_end_the_pipeline,
    // issue 9: holes both stacks agreed on
    tokens_never_revive_after_shutdown,
    no_planner_can_lock_an_executor,
    no_probe_is_lost_to_a_limiter_denial,
    stale_successes_do_not_close_the_breaker,
    // issue 14: raw reads of the ANS manager's records
    a_wrong_ans_link_fails_closed,
);

/// Issues `n` tokens for executor 1, then measures `revoke_all` (VM gas, SDK gas).
fn revoke_all_gas(n: u64) -> (u64, u64) {
    let mut s = System::deploy(
        fresh().unwrap(),
        &[(
            "RateLimiter",
            json!({"default_config": {"capacity": 100000, "window": 60, "buckets": 6}}),
        )],
    )
    .unwrap();
    for nonce in 1..=n {
        let (r, _) = s.issue(nonce, [1, 1, 1], 600).unwrap();
        assert_eq!(r["issued"], json!(true), "{r}");
    }
    assert_eq!(s.total_supply().unwrap(), n);
    let revoker = s.actor("revoker");
    let issuer = s.addr("CapabilityIssuer");
    let msg = json!({"revoke_all": {"executor_id": EXECUTOR.to_string(), "reason": "bench"}});
    let out = s
        .chain
        .engine
        .execute(&revoker, &issuer, &serde_json::to_vec(&msg).unwrap(), None)
        .unwrap();
    for t in [1, n] {
        assert!(!s.is_valid(t).unwrap(), "token {t} survived revoke_all");
    }
    (out.gas.vm, out.gas.sdk)
}

/// Invariant 7: revoking all of an executor's tokens costs the same with 1, 10, 100 or
/// 1,000 tokens, in the VM's own gas.
#[test]
fn revoke_all_gas_is_flat_for_1_10_100_1000_tokens() {
    let one = revoke_all_gas(1);
    for n in [10, 100, 1000] {
        assert_eq!(
            revoke_all_gas(n),
            one,
            "revoke_all with {n} tokens vs 1 token"
        );
    }
}
