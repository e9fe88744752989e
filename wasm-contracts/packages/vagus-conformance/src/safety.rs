//! Invariant and regression scenarios of the safety core (spec/safety-core.md §6, and the
//! known failures of earlier implementations), written once over [`ChainBackend`] so the
//! same scenario runs on cw-multi-test (native contracts) and on the embedded engine (the
//! compiled .wasm). Every expected value is derived from the spec by hand (hashes from
//! hand-written CBOR bytes), never read back from the code under test.

use anyhow::{anyhow, ensure, Result};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use sha3::{Keccak256, Sha3_256};

use crate::runner::ChainBackend;
use crate::system::{action, event, events, has_event, hex, root, System, EXECUTOR};

/// A deployed system on a fresh backend.
pub type Deploy<B> = fn() -> Result<B>;

fn sys<B: ChainBackend>(fresh: Deploy<B>) -> Result<System<B>> {
    System::deploy(fresh()?, &[])
}

fn id() -> String {
    EXECUTOR.to_string()
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn issued(r: &Value) -> Result<u64> {
    ensure!(r["issued"] == json!(true), "not issued: {r}");
    Ok(text(&r["token_id"]).parse()?)
}

fn denied(r: &Value, code: u16) -> Result<()> {
    ensure!(
        r["issued"] == json!(false) && r["code"] == json!(code),
        "expected denial {code}, got {r}"
    );
    ensure!(text(&r["token_id"]) == "0", "a denial has token_id 0: {r}");
    Ok(())
}

fn to_danger<B: ChainBackend>(s: &mut System<B>) -> Result<()> {
    s.tone(600_000)?;
    s.tone(600_000)?;
    ensure!(s.ans_state()? == 1, "two readings >= D enter DANGER");
    Ok(())
}

fn to_shutdown<B: ChainBackend>(s: &mut System<B>) -> Result<()> {
    s.tone(900_000)?;
    s.tone(900_000)?;
    ensure!(s.ans_state()? == 2, "two readings >= S enter SHUTDOWN");
    Ok(())
}

fn override_to<B: ChainBackend>(s: &mut System<B>, to: u8) -> Result<()> {
    s.exec_ok(
        "admin",
        "ANSStateManager",
        json!({"override_state": {"executor_id": id(), "to": to, "reason": "incident closed"}}),
    )?;
    Ok(())
}

fn sha256(b: &[u8]) -> String {
    hex(&Sha256::digest(b))
}

fn keccak(b: &[u8]) -> String {
    hex(&Keccak256::digest(b))
}

/// A CBOR text key (all keys here are < 24 bytes).
fn key(out: &mut Vec<u8>, k: &str) {
    out.push(0x60 + k.len() as u8);
    out.extend_from_slice(k.as_bytes());
}

/// Invariant 1 and "tokens stayed valid after SHUTDOWN": with no reflex to revoke them,
/// SHUTDOWN alone makes every token invalid; leaving SHUTDOWN restores them.
pub fn no_token_is_valid_in_shutdown<B: ChainBackend>(fresh: Deploy<B>) -> Result<()> {
    let mut s = sys(fresh)?;
    let (r, _) = s.issue(1, [1, 100, 100], 600)?;
    let token = issued(&r)?;
    ensure!(s.is_valid(token)?, "a fresh token is valid");
    s.exec_ok(
        "admin",
        "ANSStateManager",
        json!({"set_reflex_arc": {"reflex_arc": null}}),
    )?;
    s.advance(1);
    to_shutdown(&mut s)?;
    ensure!(s.epoch()? == 0, "no reflex ran");
    ensure!(!s.is_valid(token)?, "a token is valid in SHUTDOWN");
    let (r, _) = s.issue(2, [1, 100, 100], 600)?;
    denied(&r, 7101)?;
    override_to(&mut s, 0)?;
    ensure!(
        !s.is_valid(token)?,
        "a token issued before the SHUTDOWN came back after the override (issue 9 hole 1)"
    );

    // With the reflex wired, SHUTDOWN also revokes: the token stays invalid afterwards.
    let reflex = s.addr("ReflexArc");
    s.exec_ok(
        "admin",
        "ANSStateManager",
        json!({"set_reflex_arc": {"reflex_arc": reflex}}),
    )?;
    to_shutdown(&mut s)?;
    ensure!(s.epoch()? == 1, "the SHUTDOWN reflex bumped the epoch");
    override_to(&mut s, 0)?;
    ensure!(!s.is_valid(token)?, "a revoked token came back");
    Ok(())
}

/// Invariants 2 and 6: DANGER halves exactly the brakeable parameters (floor), the fixed
/// one is untouched, caps apply after scaling, and `capability_issued` carries the four
/// hashes of the canonical CBOR of params and limits.
pub fn danger_scales_exactly_the_brakeable_params<B: ChainBackend>(fresh: Deploy<B>) -> Result<()> {
    let mut s = sys(fresh)?;
    // SAFE: force 999 > cap 800.
    let (r, _) = s.issue(1, [7, 999, 333], 600)?;
    denied(&r, 6101)?;
    to_danger(&mut s)?;
    let (r, out) = s.issue(2, [7, 999, 333], 600)?;
    issued(&r)?;
    // params {tool: 7, force: 999, speed: 333}; limits {tool: 7, force: 499, speed: 166}.
    let mut params = vec![0xa3];
    key(&mut params, "tool");
    params.push(0x07);
    key(&mut params, "force");
    params.extend([0x19, 0x03, 0xe7]);
    key(&mut params, "speed");
    params.extend([0x19, 0x01, 0x4d]);
    let mut limits = vec![0xa3];
    key(&mut limits, "tool");
    limits.push(0x07);
    key(&mut limits, "force");
    limits.extend([0x19, 0x01, 0xf3]);
    key(&mut limits, "speed");
    limits.extend([0x18, 0xa6]);
    let ev = event(&out, "capability_issued");
    ensure!(ev["state"] == "1", "issued in DANGER: {ev:?}");
    ensure!(
        ev["params_sha256"] == sha256(&params),
        "params sha256: {ev:?}"
    );
    ensure!(
        ev["params_keccak256"] == keccak(&params),
        "params keccak: {ev:?}"
    );
    ensure!(
        ev["limits_sha256"] == sha256(&limits),
        "limits sha256: {ev:?}"
    );
    ensure!(
        ev["limits_keccak256"] == keccak(&limits),
        "limits keccak: {ev:?}"
    );
    // The fixed parameter is never scaled, so over its cap it is refused in DANGER too.
    let (r, _) = s.issue(3, [11, 1, 1], 600)?;
    denied(&r, 6101)?;
    Ok(())
}

/// Invariant 3 and "calling the issuer directly skipped the brake's caps": the planner's
/// only way to a token is `issue`, and `issue` always goes through the brake.
pub fn no_token_without_the_brake<B: ChainBackend>(fresh: Deploy<B>) -> Result<()> {
    let mut s = sys(fresh)?;
    let (r, _) = s.issue(1, [1, 801, 1], 600)?;
    denied(&r, 6101)?;
    // An action without a schema is not configured.
    let mut intent = s.intent(2, [1, 1, 1], 600);
    intent["action_id"] = json!(action(9));
    let (r, _) = s.issue_intent(intent)?;
    denied(&r, 6100)?;
    // Wrong number of values: the brake's error reverts the issue (nonce not used).
    let mut intent = s.intent(3, [1, 1, 1], 600);
    intent["params"] = json!(["1", "1"]);
    s.expect_code(
        "planner",
        "CapabilityIssuer",
        json!({"issue": {"intent": intent}}),
        6006,
    )?;
    // A paused brake stops issuance.
    s.exec_ok("guardian", "VagalBrake", json!({"pause": {}}))?;
    let intent = s.intent(3, [1, 1, 1], 600);
    s.expect_code(
        "planner",
        "CapabilityIssuer",
        json!({"issue": {"intent": intent}}),
        1002,
    )?;
    ensure!(s.total_supply()? == 0, "no token was minted");
    // The admission contracts cannot be driven by anyone but the issuer.
    let pair = json!({"executor_id": id(), "action_id": action(1)});
    s.expect_code("planner", "CircuitBreaker", json!({"request": pair}), 1001)?;
    s.expect_code("planner", "RateLimiter", json!({"consume": pair}), 1001)?;
    // There is no other minting message.
    ensure!(
        s.exec(
            "admin",
            "CapabilityIssuer",
            json!({"mint": {"executor_id": id()}})
        )
        .is_err(),
        "an unknown message was accepted"
    );
    s.exec_ok("admin", "VagalBrake", json!({"unpause": {}}))?;
    let (r, _) = s.issue(3, [1, 1, 1], 600)?;
    issued(&r)?;
    Ok(())
}

/// Invariant 4: every privileged operation refuses a caller without its role (a stranger,
/// and a holder of another role), with no state change.
pub fn privileged_calls_only_from_their_roles<B: ChainBackend>(fresh: Deploy<B>) -> Result<()> {
    let mut s = sys(fresh)?;
    let stranger = s.actor("stranger");
    let metrics = json!({"sequence": "9", "risk_ppm": 0, "force_milli_n": "0",
        "velocity_milli_mps": "0", "temperature_milli_c": "0"});
    let intent = s.intent(1, [1, 1, 1], 600);
    let cases: Vec<(&str, Value)> = vec![
        (
            "ANSStateManager",
            json!({"update_tone": {"executor_id": id(), "tone_ppm": 1}}),
        ),
        (
            "ANSStateManager",
            json!({"override_state": {"executor_id": id(), "to": 1, "reason": "x"}}),
        ),
        (
            "ANSStateManager",
            json!({"set_guard": {"state": 1, "guard": {"factor_bp": 1, "allowed": true}}}),
        ),
        (
            "ANSStateManager",
            json!({"set_reflex_arc": {"reflex_arc": null}}),
        ),
        ("ANSStateManager", json!({"pause": {}})),
        ("ANSStateManager", json!({"unpause": {}})),
        (
            "AfferentInbox",
            json!({"post_evidence": {"executor_id": id(), "state_root": root(9), "metrics": metrics}}),
        ),
        (
            "AfferentInbox",
            json!({"set_reflex_arc": {"reflex_arc": null}}),
        ),
        (
            "VagalBrake",
            json!({"set_action_schema": {"action_id": action(2), "params": [{"name": "a", "brakeable": true, "cap": "1"}]}}),
        ),
        (
            "VagalBrake",
            json!({"clear_action_schema": {"action_id": action(1)}}),
        ),
        ("CapabilityIssuer", json!({"issue": {"intent": intent}})),
        (
            "CapabilityIssuer",
            json!({"revoke": {"token_id": "1", "reason": "x"}}),
        ),
        (
            "CapabilityIssuer",
            json!({"revoke_all": {"executor_id": id(), "reason": "x"}}),
        ),
        (
            "CapabilityIssuer",
            json!({"report_outcome": {"token_id": "1", "success": true}}),
        ),
        (
            "CapabilityIssuer",
            json!({"pause_executor": {"executor_id": id()}}),
        ),
        (
            "CapabilityIssuer",
            json!({"unpause_executor": {"executor_id": id()}}),
        ),
        (
            "CapabilityIssuer",
            json!({"register_executor": {"executor_id": "2", "account": stranger}}),
        ),
        (
            "CapabilityIssuer",
            json!({"set_config": {"config": {"max_ttl": 10, "max_nonce_step": 1_000_000}}}),
        ),
        (
            "CapabilityIssuer",
            json!({"set_links": {"links": {"ans": stranger, "inbox": stranger, "brake": stranger, "breaker": stranger, "rate_limiter": stranger}}}),
        ),
        (
            "ReflexArc",
            json!({"on_state_transition": {"executor_id": id(), "from": 0, "to": 2, "tone_ppm": 1}}),
        ),
        (
            "ReflexArc",
            json!({"on_evidence": {"executor_id": id(), "metrics": metrics}}),
        ),
        (
            "ReflexArc",
            json!({"trigger": {"executor_id": id(), "reason": "x"}}),
        ),
        ("ReflexArc", json!({"set_issuer": {"issuer": stranger}})),
        (
            "ReflexArc",
            json!({"set_config": {"config": {"cooldown": 1, "risk_ppm": 1, "force_milli_n": "1", "velocity_milli_mps": "1", "temperature_milli_c": "1"}}}),
        ),
    ];
    for (on, msg) in cases {
        s.expect_code("stranger", on, msg.clone(), 1001)?;
        // A holder of another role is a stranger to this operation too (the oracle holds
        // no role outside the ANS manager; on the ANS manager the attestor is used).
        let other = if on == "ANSStateManager" {
            "attestor"
        } else {
            "oracle"
        };
        s.expect_code(other, on, msg, 1001)?;
    }
    Ok(())
}

/// Invariant 5: a token is valid for exactly `ttl` seconds; at `expires_at` it is not.
pub fn validity_ends_exactly_at_expires_at<B: ChainBackend>(fresh: Deploy<B>) -> Result<()> {
    let mut s = sys(fresh)?;
    s.at(100);
    let issued_at = s.now;
    let (r, out) = s.issue(1, [1, 1, 1], 60)?;
    let token = issued(&r)?;
    ensure!(
        event(&out, "capability_issued")["expires_at"] == (issued_at + 60).to_string(),
        "expires_at = t + ttl"
    );
    s.at(159);
    ensure!(s.is_valid(token)?, "valid at expires_at - 1");
    s.at(160);
    ensure!(!s.is_valid(token)?, "invalid at expires_at");
    // ttl bounds: 0 and above max_ttl revert.
    let intent = s.intent(2, [1, 1, 1], 0);
    s.expect_code(
        "planner",
        "CapabilityIssuer",
        json!({"issue": {"intent": intent}}),
        7005,
    )?;
    let intent = s.intent(2, [1, 1, 1], 3601);
    s.expect_code(
        "planner",
        "CapabilityIssuer",
        json!({"issue": {"intent": intent}}),
        7005,
    )?;
    let (r, _) = s.issue(2, [1, 1, 1], 3600)?;
    issued(&r)?;
    // The intent window is inclusive at both ends.
    let mut intent = s.intent(3, [1, 1, 1], 60);
    intent["not_before"] = json!((s.now + 1).to_string());
    s.expect_code(
        "planner",
        "CapabilityIssuer",
        json!({"issue": {"intent": intent.clone()}}),
        7007,
    )?;
    s.advance(1);
    intent["not_after"] = json!(s.now.to_string());
    let (r, _) = s.issue_intent(intent.clone())?;
    issued(&r)?;
    intent["nonce"] = json!("4");
    s.advance(1);
    s.expect_code(
        "planner",
        "CapabilityIssuer",
        json!({"issue": {"intent": intent}}),
        7008,
    )?;
    Ok(())
}

/// Invariant 8 and replayed nonces: a nonce is processed at most once; a denied intent
/// has used its nonce; gaps are allowed.
pub fn replayed_nonces_are_refused<B: ChainBackend>(fresh: Deploy<B>) -> Result<()> {
    let mut s = sys(fresh)?;
    let (r, _) = s.issue(5, [1, 1, 1], 60)?;
    issued(&r)?;
    for nonce in [5, 4, 0] {
        let intent = s.intent(nonce, [1, 1, 1], 60);
        s.expect_code(
            "planner",
            "CapabilityIssuer",
            json!({"issue": {"intent": intent}}),
            7009,
        )?;
    }
    let mut intent = s.intent(6, [1, 1, 1], 60);
    intent["pre_state_root"] = json!(root(7));
    let (r, _) = s.issue_intent(intent.clone())?;
    denied(&r, 7100)?;
    s.expect_code(
        "planner",
        "CapabilityIssuer",
        json!({"issue": {"intent": intent}}),
        7009,
    )?;
    let (r, _) = s.issue(9, [1, 1, 1], 60)?;
    issued(&r)?;
    let e = s.query(
        "CapabilityIssuer",
        json!({"executor": {"executor_id": id()}}),
    )?;
    ensure!(e["last_nonce"] == json!("9"), "{e}");
    let c = s.query(
        "CapabilityIssuer",
        json!({"counters": {"executor_id": id()}}),
    )?;
    ensure!(
        c == json!({"requests": "3", "issued": "2", "denied": "1"}),
        "counters {c}"
    );
    Ok(())
}

/// Invariant 9 and "unpausing was impossible once paused": while every contract is
/// paused nothing is issued, but revocation, reflexes, evidence, tone readings and outcome
/// reports work; then governance unpauses each and issuance resumes.
pub fn pause_stops_liveness_never_safety<B: ChainBackend>(fresh: Deploy<B>) -> Result<()> {
    let mut s = sys(fresh)?;
    let (r, _) = s.issue(1, [1, 1, 1], 600)?;
    let token = issued(&r)?;
    let (r, _) = s.issue(2, [1, 1, 1], 600)?;
    let token2 = issued(&r)?;
    for c in crate::system::COMPONENTS {
        s.exec_ok("guardian", c, json!({"pause": {}}))?;
    }
    let intent = s.intent(3, [1, 1, 1], 600);
    s.expect_code(
        "planner",
        "CapabilityIssuer",
        json!({"issue": {"intent": intent}}),
        1002,
    )?;
    s.exec_ok(
        "revoker",
        "CapabilityIssuer",
        json!({"revoke": {"token_id": token.to_string(), "reason": "paused drill"}}),
    )?;
    s.exec_ok(
        "reporter",
        "CapabilityIssuer",
        json!({"report_outcome": {"token_id": token2.to_string(), "success": false}}),
    )?;
    let b = s.query(
        "CircuitBreaker",
        json!({"counters": {"executor_id": id(), "action_id": action(1)}}),
    )?;
    ensure!(
        b["failures"] == json!("1"),
        "the outcome reached the breaker: {b}"
    );
    s.post_evidence(2, &root(1), json!({}))?;
    let out = s.tone(600_000)?;
    ensure!(
        !has_event(&out, "state_transition"),
        "one reading is not a streak"
    );
    let out = s.tone(600_000)?;
    ensure!(
        has_event(&out, "reflex_fired"),
        "the DANGER reflex fired while paused"
    );
    ensure!(
        has_event(&out, "all_revoked"),
        "and revoked through the paused issuer"
    );
    s.exec_ok(
        "guardian",
        "ReflexArc",
        json!({"trigger": {"executor_id": id(), "reason": "manual while paused"}}),
    )?;
    s.exec_ok(
        "revoker",
        "CapabilityIssuer",
        json!({"revoke_all": {"executor_id": id(), "reason": "paused drill"}}),
    )?;
    ensure!(s.epoch()? == 3, "three revoke-alls while paused");
    // Configuration is liveness: refused while paused.
    s.expect_code(
        "admin",
        "CapabilityIssuer",
        json!({"set_config": {"config": {"max_ttl": 10, "max_nonce_step": 1_000_000}}}),
        1002,
    )?;
    for c in crate::system::COMPONENTS {
        s.exec_ok("admin", c, json!({"unpause": {}}))?;
        s.expect_code("admin", c, json!({"unpause": {}}), 1003)?;
    }
    let (r, _) = s.issue(3, [1, 1, 1], 600)?;
    issued(&r)?;
    // One executor paused: no tokens for it, and unpausing it works while the contract is.
    s.exec_ok(
        "guardian",
        "CapabilityIssuer",
        json!({"pause_executor": {"executor_id": id()}}),
    )?;
    let intent = s.intent(4, [1, 1, 1], 600);
    s.expect_code(
        "planner",
        "CapabilityIssuer",
        json!({"issue": {"intent": intent}}),
        7003,
    )?;
    s.exec_ok("guardian", "CapabilityIssuer", json!({"pause": {}}))?;
    s.exec_ok(
        "admin",
        "CapabilityIssuer",
        json!({"unpause_executor": {"executor_id": id()}}),
    )?;
    s.exec_ok("admin", "CapabilityIssuer", json!({"unpause": {}}))?;
    let (r, _) = s.issue(4, [1, 1, 1], 600)?;
    issued(&r)?;
    Ok(())
}

/// The incident procedure's literal `{"emergency_pause":{}}` pauses every contract like
/// `pause` (frame.md "Pause"): a stranger gets `Unauthorized` (1001) and changes nothing,
/// the guardian's call emits `paused` and sets the flag `pause` and `unpause` share.
pub fn emergency_pause_is_the_guardians_pause<B: ChainBackend>(fresh: Deploy<B>) -> Result<()> {
    let mut s = sys(fresh)?;
    let guardian = s.actor("guardian");
    let emergency: Value = serde_json::from_str(r#"{"emergency_pause":{}}"#)?;
    for c in crate::system::COMPONENTS {
        s.expect_code("stranger", c, emergency.clone(), 1001)?;
        ensure!(
            s.query(c, json!({"paused": {}}))?["paused"] == json!(false),
            "{c}: a refused emergency_pause paused the contract"
        );
        let out = s.exec_ok("guardian", c, emergency.clone())?;
        ensure!(
            event(&out, "paused").get("account") == Some(&guardian),
            "{c}: emergency_pause emits paused with the guardian's address"
        );
        ensure!(
            s.query(c, json!({"paused": {}}))?["paused"] == json!(true),
            "{c}: emergency_pause did not pause"
        );
        s.expect_code("guardian", c, emergency.clone(), 1002)?;
        s.expect_code("guardian", c, json!({"pause": {}}), 1002)?;
    }
    let intent = s.intent(1, [1, 1, 1], 600);
    s.expect_code(
        "planner",
        "CapabilityIssuer",
        json!({"issue": {"intent": intent}}),
        1002,
    )?;
    for c in crate::system::COMPONENTS {
        s.exec_ok("admin", c, json!({"unpause": {}}))?;
    }
    let (r, _) = s.issue(1, [1, 1, 1], 600)?;
    issued(&r)?;
    Ok(())
}

/// "The ANS notification to the reflex arc reverted and was silently swallowed": a failed
/// notification is undone, counted and reported; the transition stands. Same for the
/// inbox. With the role restored, the next escalation does revoke.
pub fn failed_notifications_are_recorded<B: ChainBackend>(fresh: Deploy<B>) -> Result<()> {
    let mut s = sys(fresh)?;
    let (r, _) = s.issue(1, [1, 1, 1], 600)?;
    let token = issued(&r)?;
    let reflex = s.addr("ReflexArc");
    s.revoke_role("CapabilityIssuer", "revoker", &reflex)?;
    s.tone(600_000)?;
    let out = s.tone(600_000)?;
    ensure!(s.ans_state()? == 1, "the transition stands");
    let failed = event(&out, "reflex_notification_failed");
    ensure!(
        failed["executor_id"] == "1" && failed["to"] == "1",
        "{failed:?}"
    );
    ensure!(
        !has_event(&out, "reflex_fired"),
        "the reflex's own event was rolled back"
    );
    let c = s.query("ANSStateManager", json!({"counters": {}}))?;
    ensure!(
        c == json!({"readings": "2", "transitions": "1", "notification_failures": "1"}),
        "{c}"
    );
    let rs = s.query("ReflexArc", json!({"reflex_state": {"executor_id": id()}}))?;
    ensure!(
        rs["fires"] == json!("0") && rs["fired"] == json!(false),
        "rolled back: {rs}"
    );
    ensure!(s.epoch()? == 0 && s.is_valid(token)?, "nothing was revoked");

    // The inbox: evidence past the risk threshold, notification fails the same way.
    let out = s.post_evidence(2, &root(1), json!({"risk_ppm": 900000}))?;
    let failed = event(&out, "reflex_notification_failed");
    ensure!(failed["sequence"] == "2", "{failed:?}");
    let c = s.query("AfferentInbox", json!({"counters": {}}))?;
    ensure!(
        c == json!({"posts": "2", "notification_failures": "1"}),
        "{c}"
    );

    // Restored: escalation to SHUTDOWN fires and revokes.
    s.grant("CapabilityIssuer", "revoker", &reflex)?;
    s.tone(900_000)?;
    let out = s.tone(900_000)?;
    ensure!(
        has_event(&out, "reflex_fired") && has_event(&out, "all_revoked"),
        "{:?}",
        events(&out)
    );
    ensure!(s.epoch()? == 1, "revoked");
    Ok(())
}

/// "Ten expired tokens at the head of the active list stopped every later reflex
/// revocation": revocation is one epoch bump, whatever expired before.
pub fn expired_tokens_do_not_block_reflexes<B: ChainBackend>(fresh: Deploy<B>) -> Result<()> {
    let mut s = sys(fresh)?;
    for nonce in 1..=10 {
        let (r, _) = s.issue(nonce, [1, 1, 1], 1)?;
        issued(&r)?;
    }
    s.advance(5);
    for t in 1..=10 {
        ensure!(!s.is_valid(t)?, "token {t} expired");
    }
    let (r, _) = s.issue(11, [1, 1, 1], 600)?;
    let fresh_token = issued(&r)?;
    let out = s.exec_ok(
        "guardian",
        "ReflexArc",
        json!({"trigger": {"executor_id": id(), "reason": "operator saw smoke"}}),
    )?;
    let fired = event(&out, "reflex_fired");
    ensure!(fired["trigger"] == "4", "MANUAL: {fired:?}");
    let all = event(&out, "all_revoked");
    ensure!(
        all["reason"] == "operator saw smoke" && all["epoch"] == "1",
        "{all:?}"
    );
    ensure!(!s.is_valid(fresh_token)?, "the later token was revoked");
    // An evidence reflex inside the cooldown is suppressed, after it fires again.
    let (r, _) = s.issue(12, [1, 1, 1], 600)?;
    let t12 = issued(&r)?;
    let out = s.post_evidence(2, &root(1), json!({"temperature_milli_c": "80000"}))?;
    let sup = event(&out, "reflex_suppressed");
    ensure!(
        sup["trigger"] == "3" && sup["retry_at"] == (s.now + 300).to_string(),
        "{sup:?}"
    );
    ensure!(s.is_valid(t12)?, "suppressed: nothing revoked");
    s.advance(300);
    let out = s.post_evidence(3, &root(1), json!({"force_milli_n": "500000"}))?;
    ensure!(
        has_event(&out, "reflex_fired"),
        "fires at lastFiredAt + cooldown"
    );
    ensure!(!s.is_valid(t12)?, "revoked");
    // Below every threshold: nothing.
    let out = s.post_evidence(4, &root(1), json!({"temperature_milli_c": "-5"}))?;
    ensure!(
        !has_event(&out, "reflex_fired") && !has_event(&out, "reflex_suppressed"),
        "quiet"
    );
    Ok(())
}

/// "The rate limiter's eviction was quadratic so a busy pair became impossible to issue
/// for": after 300 issues in one window, the pair is issuable again as soon as the window
/// has passed.
pub fn a_busy_pair_stays_issuable<B: ChainBackend>(fresh: Deploy<B>) -> Result<()> {
    let mut s = System::deploy(
        fresh()?,
        &[(
            "RateLimiter",
            json!({"default_config": {"capacity": 300, "window": 60, "buckets": 6}}),
        )],
    )?;
    for nonce in 1..=300 {
        let (r, _) = s.issue(nonce, [1, 1, 1], 60)?;
        issued(&r)?;
    }
    let (r, out) = s.issue(301, [1, 1, 1], 60)?;
    denied(&r, 2100)?;
    let d = event(&out, "issue_denied");
    ensure!(
        d["code"] == "2100" && d["retry_at"] == (s.now + 60).to_string(),
        "{d:?}"
    );
    s.advance(60);
    let (r, _) = s.issue(302, [1, 1, 1], 60)?;
    issued(&r)?;
    Ok(())
}

/// "The keccak hashes were really SHA3-256": the evidence hashes are sha256 and
/// Ethereum keccak-256 of the canonical CBOR, which is written out here by hand.
pub fn evidence_hashes_are_sha256_and_keccak256<B: ChainBackend>(fresh: Deploy<B>) -> Result<()> {
    let mut s = sys(fresh)?;
    let out = s.post_evidence(2, &root(2), json!({"temperature_milli_c": "-40"}))?;
    let mut cbor = vec![0xa7];
    key(&mut cbor, "riskPpm");
    cbor.extend([0x19, 0x03, 0xe8]);
    key(&mut cbor, "sequence");
    cbor.push(0x02);
    key(&mut cbor, "stateRoot");
    cbor.extend([0x58, 0x20]);
    cbor.extend([2u8; 32]);
    key(&mut cbor, "executorId");
    cbor.push(0x01);
    key(&mut cbor, "forceMilliN");
    cbor.push(0x0a);
    key(&mut cbor, "velocityMilliMps");
    cbor.push(0x0a);
    key(&mut cbor, "temperatureMilliC");
    cbor.extend([0x38, 0x27]); // -40 = -1 - 39
    let ev = event(&out, "evidence_posted");
    ensure!(ev["sha256"] == sha256(&cbor), "sha256 {ev:?}");
    ensure!(ev["keccak256"] == keccak(&cbor), "keccak {ev:?}");
    ensure!(
        ev["keccak256"] != hex(&Sha3_256::digest(&cbor)),
        "NIST SHA3-256 is not keccak"
    );
    ensure!(
        ev["attestor"] == s.actor("attestor"),
        "attestor is the caller"
    );
    let enc = s.query(
        "AfferentInbox",
        json!({"encode_evidence": {"executor_id": id(), "state_root": root(2),
            "metrics": {"sequence": "2", "risk_ppm": 1000, "force_milli_n": "10",
            "velocity_milli_mps": "10", "temperature_milli_c": "-40"}}}),
    )?;
    ensure!(enc["cbor"] == json!(hex(&cbor)), "encode_evidence {enc}");
    let latest = s.query(
        "AfferentInbox",
        json!({"latest_root": {"executor_id": id()}}),
    )?;
    ensure!(latest == json!({"state_root": root(2)}), "{latest}");
    Ok(())
}

/// "SHUTDOWN could never be left": readings never leave it, governance does.
pub fn shutdown_is_left_by_governance_override<B: ChainBackend>(fresh: Deploy<B>) -> Result<()> {
    let mut s = sys(fresh)?;
    to_shutdown(&mut s)?;
    for _ in 0..5 {
        s.advance(100);
        s.tone(0)?;
    }
    ensure!(s.ans_state()? == 2, "readings never leave SHUTDOWN");
    let over =
        |to: u8| json!({"override_state": {"executor_id": id(), "to": to, "reason": "cleared"}});
    s.expect_code("oracle", "ANSStateManager", over(0), 1001)?;
    s.expect_code("admin", "ANSStateManager", over(2), 4010)?;
    s.expect_code("admin", "ANSStateManager", over(3), 4006)?;
    let out = s.exec_ok("admin", "ANSStateManager", over(0))?;
    let t = event(&out, "state_transition");
    ensure!(
        t["from"] == "2" && t["to"] == "0" && t["cause"] == "2" && t["tone_ppm"] == "0",
        "{t:?}"
    );
    let o = event(&out, "state_overridden");
    ensure!(o["reason"] == "cleared", "{o:?}");
    let st = s.query(
        "ANSStateManager",
        json!({"executor_state": {"executor_id": id()}}),
    )?;
    ensure!(
        st["safe_streak"] == json!(0) && st["entered_at"] == json!(s.now.to_string()),
        "streaks cleared: {st}"
    );
    let (r, _) = s.issue(1, [1, 1, 1], 60)?;
    let token = issued(&r)?;
    ensure!(s.is_valid(token)?, "issuance works again");
    Ok(())
}

/// Single revocation and outcome reports: coded errors, events, the breaker told.
pub fn revoke_and_report_outcome<B: ChainBackend>(fresh: Deploy<B>) -> Result<()> {
    let mut s = sys(fresh)?;
    let (r, _) = s.issue(1, [1, 1, 1], 600)?;
    let token = issued(&r)?.to_string();
    let revoke = |t: &str, reason: &str| json!({"revoke": {"token_id": t, "reason": reason}});
    s.expect_code("revoker", "CapabilityIssuer", revoke("2", "x"), 7010)?;
    s.expect_code("revoker", "CapabilityIssuer", revoke(&token, ""), 1010)?;
    s.expect_code(
        "revoker",
        "CapabilityIssuer",
        revoke(&token, &"r".repeat(257)),
        1011,
    )?;
    let out = s.exec_ok(
        "revoker",
        "CapabilityIssuer",
        revoke(&token, &"r".repeat(256)),
    )?;
    let ev = event(&out, "capability_revoked");
    ensure!(
        ev["token_id"] == token && ev["executor_id"] == "1",
        "{ev:?}"
    );
    s.expect_code("revoker", "CapabilityIssuer", revoke(&token, "again"), 7011)?;
    ensure!(!s.is_valid(token.parse()?)?, "revoked");
    let report = json!({"report_outcome": {"token_id": token, "success": true}});
    let out = s.exec_ok("reporter", "CapabilityIssuer", report.clone())?;
    ensure!(
        event(&out, "outcome_reported")["success"] == "true",
        "{:?}",
        events(&out)
    );
    s.expect_code("reporter", "CapabilityIssuer", report, 7014)?;
    let b = s.query(
        "CircuitBreaker",
        json!({"counters": {"executor_id": id(), "action_id": action(1)}}),
    )?;
    ensure!(b["successes"] == json!("1"), "{b}");
    let t = s.query("CapabilityIssuer", json!({"token": {"token_id": token}}))?;
    let robot = s.actor("robot");
    ensure!(
        t["owner"] == json!(robot)
            && t["revoked"] == json!(true)
            && t["outcome_reported"] == json!(true),
        "{t}"
    );
    let owner = s.query("CapabilityIssuer", json!({"owner_of": {"token_id": token}}))?;
    ensure!(owner == json!({"owner": robot}), "{owner}");
    let bal = s.query("CapabilityIssuer", json!({"balance_of": {"owner": robot}}))?;
    ensure!(bal == json!({"balance": "1"}), "{bal}");
    let name = s.query("CapabilityIssuer", json!({"name": {}}))?;
    let symbol = s.query("CapabilityIssuer", json!({"symbol": {}}))?;
    ensure!(
        name == json!({"name": "Vagus Capability"}) && symbol == json!({"symbol": "VCAP"}),
        "{name} {symbol}"
    );
    ensure!(
        s.query("CapabilityIssuer", json!({"owner_of": {"token_id": "7"}}))
            .is_err(),
        "owner_of an unknown token errors"
    );
    Ok(())
}

/// The breaker's and the limiter's denials come back through the replies.
pub fn breaker_denials_end_the_pipeline<B: ChainBackend>(fresh: Deploy<B>) -> Result<()> {
    let mut s = sys(fresh)?;
    let pair = json!({"executor_id": id(), "action_id": action(1)});
    s.exec_ok("guardian", "CircuitBreaker", json!({"trip": pair}))?;
    let (r, out) = s.issue(1, [1, 1, 1], 60)?;
    denied(&r, 3100)?;
    ensure!(
        text(&r["retry_at"]) == (s.now + 60).to_string(),
        "retry_at = opened_at + cooldown: {r}"
    );
    let d = event(&out, "issue_denied");
    ensure!(d["nonce"] == "1" && d["code"] == "3100", "{d:?}");
    let c = s.query(
        "CapabilityIssuer",
        json!({"counters": {"executor_id": id()}}),
    )?;
    ensure!(
        c == json!({"requests": "1", "issued": "0", "denied": "1"}),
        "{c}"
    );
    s.advance(60);
    // HALF_OPEN: three probes (default), the fourth is ProbeLimitReached (retry_at 0).
    for nonce in 2..=4 {
        let (r, _) = s.issue(nonce, [1, 1, 1], 60)?;
        issued(&r)?;
    }
    let (r, _) = s.issue(5, [1, 1, 1], 60)?;
    denied(&r, 3101)?;
    ensure!(text(&r["retry_at"]) == "0", "{r}");
    ensure!(s.total_supply()? == 3, "three tokens");
    Ok(())
}

fn shutdown_epoch<B: ChainBackend>(s: &mut System<B>) -> Result<u64> {
    let g = s.query(
        "ANSStateManager",
        json!({"guard_of": {"executor_id": id()}}),
    )?;
    g["shutdown_epoch"]
        .as_u64()
        .ok_or_else(|| anyhow!("guard_of answered {g}"))
}

/// Issue 9 hole 1, in the old behaviour's terms: the SHUTDOWN reflex suppressed by its
/// cooldown (DANGER fired it just before), then the governance override back to SAFE; the
/// old `is_valid` looked only at the current ANS state and the token revived. Also the
/// same-second corner: an issue, a SHUTDOWN and an override in one block.
pub fn tokens_never_revive_after_shutdown<B: ChainBackend>(fresh: Deploy<B>) -> Result<()> {
    let mut s = sys(fresh)?;
    to_danger(&mut s)?;
    ensure!(s.epoch()? == 1, "DANGER fired the reflex");
    s.advance(1);
    let (r, _) = s.issue(1, [1, 100, 100], 3600)?;
    let token = issued(&r)?;
    s.advance(1);
    to_shutdown(&mut s)?;
    let st = s.query("ReflexArc", json!({"reflex_state": {"executor_id": id()}}))?;
    ensure!(
        text(&st["suppressed"]) == "1",
        "the SHUTDOWN reflex was suppressed: {st}"
    );
    ensure!(s.epoch()? == 1, "nothing revoked the token");
    ensure!(shutdown_epoch(&mut s)? == 1, "the SHUTDOWN was counted");
    s.advance(1);
    override_to(&mut s, 0)?;
    ensure!(!s.is_valid(token)?, "the token revived after the override");
    let t = s.query(
        "CapabilityIssuer",
        json!({"token": {"token_id": token.to_string()}}),
    )?;
    ensure!(
        t["shutdown_epoch"] == json!(0) && t["revoked"] == json!(false),
        "{t}"
    );
    // The executor is usable again: a token issued now is valid.
    let (r, _) = s.issue(2, [1, 100, 100], 3600)?;
    let fresh_token = issued(&r)?;
    ensure!(
        s.is_valid(fresh_token)?,
        "a token issued after the override"
    );

    // Same second: issue, SHUTDOWN, override, issue; no reflex arc, so no revocation.
    s.exec_ok(
        "admin",
        "ANSStateManager",
        json!({"set_reflex_arc": {"reflex_arc": null}}),
    )?;
    s.advance(400);
    s.tone(900_000)?;
    s.advance(1);
    let (r, _) = s.issue(3, [1, 100, 100], 3600)?;
    let same_second = issued(&r)?;
    s.tone(900_000)?;
    ensure!(s.ans_state()? == 2, "SHUTDOWN in the issue's second");
    override_to(&mut s, 0)?;
    let (r, _) = s.issue(4, [1, 100, 100], 3600)?;
    let after = issued(&r)?;
    s.advance(1);
    ensure!(
        !s.is_valid(same_second)?,
        "a token of the SHUTDOWN's second revived"
    );
    ensure!(!s.is_valid(fresh_token)?, "an older token revived");
    ensure!(s.is_valid(after)?, "the token issued after the override");
    ensure!(shutdown_epoch(&mut s)? == 2, "two entries into SHUTDOWN");
    Ok(())
}

/// Issue 9 hole 2, in the old behaviour's terms: PLANNER is global and nonces only
/// increase, so a second planner's intent with nonce 2^64 - 1 locked the executor for every
/// planner. Now it is refused (NonceTooFar, no nonce used) and the legitimate planner goes
/// on issuing.
pub fn no_planner_can_lock_an_executor<B: ChainBackend>(fresh: Deploy<B>) -> Result<()> {
    let mut s = sys(fresh)?;
    let mallory = s.actor("mallory");
    s.grant("CapabilityIssuer", "planner", &mallory)?;
    let lock = s.intent(u64::MAX, [1, 100, 100], 60);
    s.expect_code(
        "mallory",
        "CapabilityIssuer",
        json!({"issue": {"intent": lock}}),
        7016,
    )?;
    let info = s.query(
        "CapabilityIssuer",
        json!({"executor": {"executor_id": id()}}),
    )?;
    ensure!(text(&info["last_nonce"]) == "0", "no nonce used: {info}");
    // The largest step is allowed, one more is not.
    let step = s.intent(1_000_000, [1, 100, 100], 60);
    s.exec_ok(
        "mallory",
        "CapabilityIssuer",
        json!({"issue": {"intent": step}}),
    )?;
    let far = s.intent(2_000_001, [1, 100, 100], 60);
    s.expect_code(
        "mallory",
        "CapabilityIssuer",
        json!({"issue": {"intent": far}}),
        7016,
    )?;
    let (r, _) = s.issue(1_000_001, [1, 100, 100], 60)?;
    let token = issued(&r)?;
    ensure!(s.is_valid(token)?, "the legitimate planner's token");
    Ok(())
}

/// One probe, S = 1, cooldown 10 s: the HALF_OPEN corner cases of issue 9.
fn one_probe<B: ChainBackend>(fresh: Deploy<B>, capacity: u32) -> Result<System<B>> {
    System::deploy(
        fresh()?,
        &[
            (
                "CircuitBreaker",
                json!({"config": {"failure_threshold": 1, "cooldown": 10,
                    "half_open_max_probes": 1, "success_threshold": 1}}),
            ),
            (
                "RateLimiter",
                json!({"default_config": {"capacity": capacity, "window": 60, "buckets": 6}}),
            ),
        ],
    )
}

fn breaker_status<B: ChainBackend>(s: &mut System<B>) -> Result<Value> {
    s.query(
        "CircuitBreaker",
        json!({"status": {"executor_id": id(), "action_id": action(1)}}),
    )
}

/// Issue 9 hole 3, in the old behaviour's terms: in HALF_OPEN the breaker admitted the
/// probe, the rate limiter denied the same intent, and the probe stayed used (the pair
/// answered ProbeLimitReached until a guardian reset). Now the issuer releases it.
pub fn no_probe_is_lost_to_a_limiter_denial<B: ChainBackend>(fresh: Deploy<B>) -> Result<()> {
    let mut s = one_probe(fresh, 1)?;
    let (r, _) = s.issue(1, [1, 1, 1], 60)?;
    issued(&r)?;
    let pair = json!({"executor_id": id(), "action_id": action(1)});
    s.advance(1);
    s.exec_ok("guardian", "CircuitBreaker", json!({"trip": pair}))?;
    s.advance(10);
    let (r, out) = s.issue(2, [1, 1, 1], 60)?;
    denied(&r, 2100)?;
    let released = event(&out, "probe_released");
    ensure!(released["probes_admitted"] == "0", "{released:?}");
    let st = breaker_status(&mut s)?;
    ensure!(
        st["probes_admitted"] == json!(0),
        "the probe was given back: {st}"
    );
    s.advance(1);
    let (r, _) = s.issue(3, [1, 1, 1], 60)?;
    denied(&r, 2100)?;
    s.advance(48);
    let (r, _) = s.issue(4, [1, 1, 1], 60)?;
    issued(&r)?;
    ensure!(
        breaker_status(&mut s)?["probes_admitted"] == json!(1),
        "the probe is used by the intent that was issued"
    );
    Ok(())
}

/// Issue 9 hole 5, in the old behaviour's terms: a REPORTER kept a success of a token
/// issued before the breaker opened and reported it in HALF_OPEN, closing the breaker.
pub fn stale_successes_do_not_close_the_breaker<B: ChainBackend>(fresh: Deploy<B>) -> Result<()> {
    let mut s = one_probe(fresh, 60)?;
    let (r, _) = s.issue(1, [1, 1, 1], 600)?;
    let old = issued(&r)?;
    let (r, _) = s.issue(2, [1, 1, 1], 600)?;
    let failing = issued(&r)?;
    let old_issued_at = s.now;
    s.advance(1);
    let report =
        |t: u64, ok: bool| json!({"report_outcome": {"token_id": t.to_string(), "success": ok}});
    s.exec_ok("reporter", "CapabilityIssuer", report(failing, false))?;
    let opened_at = s.now;
    s.advance(10);
    let (r, _) = s.issue(3, [1, 1, 1], 600)?;
    let probe = issued(&r)?;
    s.advance(1);
    let out = s.exec_ok("reporter", "CapabilityIssuer", report(old, true))?;
    let st = event(&out, "stale_outcome");
    ensure!(
        st["token_id"] == old.to_string()
            && st["issued_at"] == old_issued_at.to_string()
            && st["opened_at"] == opened_at.to_string(),
        "{st:?}"
    );
    ensure!(
        !has_event(&out, "breaker_transition"),
        "the stale success closed the breaker"
    );
    let b = breaker_status(&mut s)?;
    ensure!(
        b["state"] == json!(2) && b["half_open_successes"] == json!(0),
        "{b}"
    );
    let out = s.exec_ok("reporter", "CapabilityIssuer", report(probe, true))?;
    ensure!(
        event(&out, "breaker_transition")["to"] == "0",
        "the probe's success closes it"
    );
    Ok(())
}

/// The issuer reads the ANS manager's records raw (docs/decisions/0051): a link to a
/// contract that is not the ANS manager finds no record there, which must not read as a
/// SAFE executor. Before, the smart query to such a contract failed; it still fails, and
/// the intent's nonce stays unused.
pub fn a_wrong_ans_link_fails_closed<B: ChainBackend>(fresh: Deploy<B>) -> Result<()> {
    let mut s = sys(fresh)?;
    let links = |ans: String, s: &System<B>| {
        json!({"set_links": {"links": {"ans": ans, "inbox": s.addr("AfferentInbox"),
            "brake": s.addr("VagalBrake"), "breaker": s.addr("CircuitBreaker"),
            "rate_limiter": s.addr("RateLimiter")}}})
    };
    let wrong = links(s.addr("VagalBrake"), &s);
    s.exec_ok("admin", "CapabilityIssuer", wrong)?;
    let intent = s.intent(1, [1, 1, 1], 60);
    ensure!(
        s.exec(
            "planner",
            "CapabilityIssuer",
            json!({"issue": {"intent": intent}})
        )
        .is_err(),
        "an issue against a brake linked as the ANS manager succeeded"
    );
    ensure!(s.total_supply()? == 0, "no token was minted");
    let right = links(s.addr("ANSStateManager"), &s);
    s.exec_ok("admin", "CapabilityIssuer", right)?;
    // Nonce 1 was not used by the failed issue.
    let (r, _) = s.issue(1, [1, 1, 1], 60)?;
    issued(&r)?;
    Ok(())
}

/// Every scenario, by name (the runners of both backends iterate this list).
/// A scenario: it deploys the system on a fresh chain it makes, and checks.
pub type Scenario<B> = fn(Deploy<B>) -> Result<()>;

pub fn all<B: ChainBackend>() -> Vec<(&'static str, Scenario<B>)> {
    vec![
        (
            "no_token_is_valid_in_shutdown",
            no_token_is_valid_in_shutdown::<B>,
        ),
        (
            "danger_scales_exactly_the_brakeable_params",
            danger_scales_exactly_the_brakeable_params::<B>,
        ),
        (
            "no_token_without_the_brake",
            no_token_without_the_brake::<B>,
        ),
        (
            "privileged_calls_only_from_their_roles",
            privileged_calls_only_from_their_roles::<B>,
        ),
        (
            "validity_ends_exactly_at_expires_at",
            validity_ends_exactly_at_expires_at::<B>,
        ),
        (
            "replayed_nonces_are_refused",
            replayed_nonces_are_refused::<B>,
        ),
        (
            "pause_stops_liveness_never_safety",
            pause_stops_liveness_never_safety::<B>,
        ),
        (
            "emergency_pause_is_the_guardians_pause",
            emergency_pause_is_the_guardians_pause::<B>,
        ),
        (
            "failed_notifications_are_recorded",
            failed_notifications_are_recorded::<B>,
        ),
        (
            "expired_tokens_do_not_block_reflexes",
            expired_tokens_do_not_block_reflexes::<B>,
        ),
        (
            "a_busy_pair_stays_issuable",
            a_busy_pair_stays_issuable::<B>,
        ),
        (
            "evidence_hashes_are_sha256_and_keccak256",
            evidence_hashes_are_sha256_and_keccak256::<B>,
        ),
        (
            "shutdown_is_left_by_governance_override",
            shutdown_is_left_by_governance_override::<B>,
        ),
        ("revoke_and_report_outcome", revoke_and_report_outcome::<B>),
        (
            "breaker_denials_end_the_pipeline",
            breaker_denials_end_the_pipeline::<B>,
        ),
        (
            "tokens_never_revive_after_shutdown",
            tokens_never_revive_after_shutdown::<B>,
        ),
        (
            "no_planner_can_lock_an_executor",
            no_planner_can_lock_an_executor::<B>,
        ),
        (
            "no_probe_is_lost_to_a_limiter_denial",
            no_probe_is_lost_to_a_limiter_denial::<B>,
        ),
        (
            "stale_successes_do_not_close_the_breaker",
            stale_successes_do_not_close_the_breaker::<B>,
        ),
        (
            "a_wrong_ans_link_fails_closed",
            a_wrong_ans_link_fails_closed::<B>,
        ),
    ]
}

/// Runs one scenario and turns its error into a readable panic message.
pub fn run<B: ChainBackend>(name: &str, fresh: Deploy<B>) {
    let scenario = all::<B>()
        .into_iter()
        .find(|(n, _)| *n == name)
        .map(|(_, f)| f)
        .unwrap_or_else(|| panic!("no scenario {name}"));
    if let Err(e) = scenario(fresh) {
        panic!("{name}: {:#}", anyhow!(e));
    }
}
