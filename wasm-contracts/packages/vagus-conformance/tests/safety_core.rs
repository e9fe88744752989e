//! The safety core's invariants (spec/safety-core.md §6) and the known failures of earlier
//! implementations, on cw-multi-test (native contracts). The same scenarios run on the
//! compiled .wasm in `vagus-wasm-engine/tests/safety_core.rs`.

use anyhow::Result;
use vagus_conformance::runner::MultiTestBackend;
use vagus_conformance::safety;

fn fresh() -> Result<MultiTestBackend> {
    Ok(MultiTestBackend::default())
}

macro_rules! scenarios {
    ($($name:ident),* $(,)?) => {
        $( #[test] fn $name() { safety::run(stringify!($name), fresh); } )*

        #[test]
        fn every_scenario_has_a_test() {
            let listed = [$(stringify!($name)),*];
            for (name, _) in safety::all::<MultiTestBackend>() {
                assert!(listed.contains(&name), "scenario {name} has no test");
            }
        }
    };
}

scenarios!(
    // invariants
    no_token_is_valid_in_shutdown,
    danger_scales_exactly_the_brakeable_params,
    no_token_without_the_brake,
    privileged_calls_only_from_their_roles,
    validity_ends_exactly_at_expires_at,
    replayed_nonces_are_refused,
    pause_stops_liveness_never_safety,
    emergency_pause_is_the_guardians_pause,
    // known failures of earlier implementations
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
