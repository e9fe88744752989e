//! The reflex notification's gas limit (spec/safety-core.md §1.5, §2.3) on the compiled
//! artifacts: gas is only metered by a real VM (cw-multi-test runs native code and counts
//! none), so these run in the embedded engine, whose sub-message gas limits follow wasmd.
//! The probe test contract stands in for the reflex arc: it answers the notifications with
//! the `Act` stored under `reflex_act` (burn gas, write a marker).

mod support;

use anyhow::Result;
use serde_json::{json, Value};
use support::{probe_wasm, EngineBackend};
use vagus_conformance::system::{event, has_event, System, EXECUTOR};
use vagus_wasm_engine::ErrorKind;

/// The spec's reflex notification gas limit (spec/safety-core.md §1.5), in SDK gas.
const SPEC_NOTIFY_GAS: u64 = 1_000_000;
/// Busy-loop iterations far past the limit (about 80 SDK gas per 100 iterations).
const BURN_PAST_LIMIT: u64 = 50_000_000;

fn system() -> System<EngineBackend> {
    System::deploy(EngineBackend::fresh().unwrap(), &[]).unwrap()
}

/// Links a probe as the reflex arc of both the ANS manager and the inbox; on every
/// notification it runs `act`.
fn link_probe(s: &mut System<EngineBackend>, act: Value) -> String {
    let admin = s.actor("admin");
    let e = &mut s.chain.engine;
    let code = e.store_code(&probe_wasm(), &admin).unwrap().code_id;
    let init = json!({ "writes": [["reflex_act", act.to_string()]] });
    let probe = e
        .instantiate(
            &admin,
            code,
            &serde_json::to_vec(&init).unwrap(),
            None,
            "reflex-probe",
            None,
        )
        .unwrap()
        .address
        .unwrap();
    for on in ["ANSStateManager", "AfferentInbox"] {
        s.exec_ok(
            "admin",
            on,
            json!({"set_reflex_arc": {"reflex_arc": probe}}),
        )
        .unwrap();
    }
    probe
}

fn probe_key(s: &mut System<EngineBackend>, probe: &str, key: &str) -> Option<String> {
    s.chain
        .engine
        .contract_storage(probe)
        .into_iter()
        .find(|(k, _)| k.as_slice() == key.as_bytes())
        .map(|(_, v)| String::from_utf8(v).unwrap())
}

fn tone_msg(tone_ppm: u32) -> Vec<u8> {
    serde_json::to_vec(
        &json!({"update_tone": {"executor_id": EXECUTOR.to_string(), "tone_ppm": tone_ppm}}),
    )
    .unwrap()
}

#[test]
fn a_probe_linked_as_reflex_arc_receives_both_notifications() -> Result<()> {
    // The control for the tests below: a cheap notification succeeds and its write stays,
    // so a failure there is the gas limit's doing, not a message the probe refuses.
    let mut s = system();
    let probe = link_probe(&mut s, json!({ "writes": [["ran", "1"]], "burn": 1000 }));
    s.tone(600_000)?;
    let out = s.tone(600_000)?;
    assert_eq!(s.ans_state()?, 1);
    assert!(!has_event(&out, "reflex_notification_failed"));
    assert_eq!(probe_key(&mut s, &probe, "ran").as_deref(), Some("1"));
    assert_eq!(
        probe_key(&mut s, &probe, "last_sender"),
        Some(s.addr("ANSStateManager"))
    );
    let out = s.post_evidence(
        2,
        &vagus_conformance::system::root(2),
        json!({"risk_ppm": 900000}),
    )?;
    assert!(!has_event(&out, "reflex_notification_failed"));
    assert_eq!(
        probe_key(&mut s, &probe, "last_sender"),
        Some(s.addr("AfferentInbox"))
    );
    Ok(())
}

#[test]
fn a_reflex_arc_that_runs_out_of_gas_fails_alone_and_the_tone_update_stands() -> Result<()> {
    let mut s = system();
    let probe = link_probe(
        &mut s,
        json!({ "writes": [["ran", "1"]], "burn": BURN_PAST_LIMIT }),
    );
    s.tone(600_000)?;
    let oracle = s.actor("oracle");
    let ans = s.addr("ANSStateManager");
    let out = s
        .chain
        .engine
        .execute(&oracle, &ans, &tone_msg(600_000), None)
        .map_err(|f| anyhow::anyhow!("{f}"))?;
    // wasmd charges the whole sub-limit of a sub-message that ran out.
    assert!(out.gas.sdk >= SPEC_NOTIFY_GAS, "{:?}", out.gas);
    assert!(out.gas.sdk < 2 * SPEC_NOTIFY_GAS, "{:?}", out.gas);
    assert_eq!(s.ans_state()?, 1, "the transition to DANGER stands");
    let c = s.query("ANSStateManager", json!({"counters": {}}))?;
    assert_eq!(
        c,
        json!({"readings": "2", "transitions": "1", "notification_failures": "1"})
    );
    assert_eq!(
        probe_key(&mut s, &probe, "ran"),
        None,
        "the reflex arc's writes are undone"
    );
    Ok(())
}

#[test]
fn a_reflex_arc_that_runs_out_of_gas_fails_alone_and_the_evidence_post_stands() -> Result<()> {
    let mut s = system();
    let probe = link_probe(
        &mut s,
        json!({ "writes": [["ran", "1"]], "burn": BURN_PAST_LIMIT }),
    );
    let root = vagus_conformance::system::root(2);
    let out = s.post_evidence(2, &root, json!({"risk_ppm": 900000}))?;
    let failed = event(&out, "reflex_notification_failed");
    assert_eq!(failed["sequence"], "2", "{failed:?}");
    let latest = s.query(
        "AfferentInbox",
        json!({"latest_root": {"executor_id": EXECUTOR.to_string()}}),
    )?;
    assert_eq!(
        latest,
        json!({ "state_root": root }),
        "the evidence post stands"
    );
    let c = s.query("AfferentInbox", json!({"counters": {}}))?;
    assert_eq!(c, json!({"posts": "2", "notification_failures": "1"}));
    assert_eq!(probe_key(&mut s, &probe, "ran"), None);
    Ok(())
}

#[test]
fn a_caller_that_leaves_less_gas_than_the_limit_aborts_the_whole_tone_update() -> Result<()> {
    // Nobody can choose a transaction gas limit that turns a reflex into a recorded failure:
    // when the notification cannot get its whole limit, running out is the transaction's.
    let mut s = system();
    link_probe(&mut s, json!({ "burn": BURN_PAST_LIMIT }));
    let oracle = s.actor("oracle");
    let ans = s.addr("ANSStateManager");
    let starved = SPEC_NOTIFY_GAS / 2;
    // The first reading (no transition, no notification) fits in that gas limit.
    s.chain
        .engine
        .execute(&oracle, &ans, &tone_msg(600_000), Some(starved))
        .map_err(|f| anyhow::anyhow!("{f}"))?;
    let before = s.storage();
    let err = s
        .chain
        .engine
        .execute(&oracle, &ans, &tone_msg(600_000), Some(starved))
        .unwrap_err();
    assert_eq!(err.error.kind, ErrorKind::OutOfGas);
    assert_eq!(
        s.storage(),
        before,
        "nothing of the aborted update is written"
    );
    assert_eq!(s.ans_state()?, 0);
    Ok(())
}

#[test]
fn the_real_shutdown_reflex_fits_in_a_quarter_of_the_limit() -> Result<()> {
    // SDK gas of the heaviest real notification (SHUTDOWN: fire, revoke all), as the
    // difference between the same transition with and without the reflex arc linked.
    let shutdown_gas = |linked: bool| -> Result<(u64, bool)> {
        let mut s = system();
        let (r, _) = s.issue(1, [1, 1, 1], 600)?;
        assert_eq!(r["issued"], json!(true), "{r}");
        if !linked {
            s.exec_ok(
                "admin",
                "ANSStateManager",
                json!({"set_reflex_arc": {"reflex_arc": null}}),
            )?;
        }
        s.tone(900_000)?;
        let oracle = s.actor("oracle");
        let ans = s.addr("ANSStateManager");
        let out = s
            .chain
            .engine
            .execute(&oracle, &ans, &tone_msg(900_000), None)
            .map_err(|f| anyhow::anyhow!("{f}"))?;
        assert_eq!(s.ans_state()?, 2);
        let revoked = s.epoch()? == 1;
        Ok((out.gas.sdk, revoked))
    };
    let (with, revoked) = shutdown_gas(true)?;
    let (without, not_revoked) = shutdown_gas(false)?;
    assert!(
        revoked && !not_revoked,
        "the linked reflex revoked, the unlinked did not"
    );
    let notification = with - without;
    eprintln!("SHUTDOWN notification: {notification} SDK gas (limit {SPEC_NOTIFY_GAS})");
    assert!(
        notification * 4 <= SPEC_NOTIFY_GAS,
        "{notification} SDK gas"
    );
    Ok(())
}
