//! The engine's chain semantics, driven through the probe test contract (built to wasm by
//! the test) and the production artifacts: atomicity, sub-messages and replies, queries
//! between contracts, migrate, addresses, code upload, gas, the block clock.

mod support;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use cosmwasm_std::{Attribute, Event};
use serde_json::{json, Value};
use support::{artifact, engine, probe_wasm, with_custom_section};
use vagus_wasm_engine::{classic_contract_address, Engine, ErrorKind, TxFailure, TxOutcome};

fn b64_json(v: &Value) -> String {
    B64.encode(serde_json::to_vec(v).unwrap())
}

/// A probe chain: the probe stored as code 1, `admin` holding nothing special.
fn chain() -> (Engine, u64, String) {
    let mut e = engine();
    let admin = e.addr_make("admin");
    let code = e.store_code(&probe_wasm(), &admin).unwrap().code_id;
    (e, code, admin)
}

fn instantiate(e: &mut Engine, code: u64, sender: &str, act: Value) -> String {
    let out = e
        .instantiate(
            sender,
            code,
            &serde_json::to_vec(&act).unwrap(),
            Some(sender),
            "probe",
            None,
        )
        .unwrap_or_else(|f| panic!("instantiate: {} ({})", f.error.message, f.error.log));
    out.address.unwrap()
}

fn exec(
    e: &mut Engine,
    sender: &str,
    contract: &str,
    act: Value,
) -> Result<TxOutcome, Box<TxFailure>> {
    e.execute(
        sender,
        contract,
        &serde_json::to_vec(&json!({ "act": act })).unwrap(),
        None,
    )
}

fn query(e: &mut Engine, contract: &str, msg: Value) -> Value {
    let out = e
        .query(contract, &serde_json::to_vec(&msg).unwrap())
        .unwrap_or_else(|f| panic!("query: {}", f.error.message));
    serde_json::from_slice(out.data.as_slice()).unwrap()
}

fn get(e: &mut Engine, contract: &str, key: &str) -> Option<String> {
    serde_json::from_value(query(e, contract, json!({ "get": { "key": key } }))).unwrap()
}

fn wasm_execute(contract: &str, act: Value) -> Value {
    json!({ "wasm": { "execute": {
        "contract_addr": contract,
        "msg": b64_json(&json!({ "act": act })),
        "funds": []
    }}})
}

fn sub(id: u64, reply_on: &str, msg: Value, payload: Option<Value>) -> Value {
    json!({
        "id": id,
        "payload": payload.map(|p| b64_json(&p)).unwrap_or_default(),
        "msg": msg,
        "gas_limit": null,
        "reply_on": reply_on,
    })
}

fn ev(ty: &str, attrs: &[(&str, &str)]) -> Event {
    let mut e = Event::new(ty);
    // Struct literals: cosmwasm-std's constructor rejects the chain's `_` keys.
    e.attributes = attrs
        .iter()
        .map(|(k, v)| Attribute {
            key: k.to_string(),
            value: v.to_string(),
        })
        .collect();
    e
}

#[test]
fn a_failing_execute_leaves_storage_untouched_and_reports_the_contract_error_verbatim() {
    let (mut e, code, admin) = chain();
    let a = instantiate(&mut e, code, &admin, json!({ "writes": [["k", "v0"]] }));
    let before = e.contract_storage(&a);
    let err = exec(
        &mut e,
        &admin,
        &a,
        json!({ "writes": [["k", "v1"], ["new", "x"]], "removes": ["creator"], "fail": "boom" }),
    )
    .unwrap_err();
    assert_eq!(err.error.kind, ErrorKind::Contract);
    assert_eq!(err.error.message, "Generic error: boom");
    assert_eq!(
        err.error.log,
        "Generic error: boom: execute wasm contract failed"
    );
    assert_eq!((err.error.codespace, err.error.code), ("wasm", 5));
    assert!(
        err.gas.sdk > 0,
        "a failed transaction still reports its gas"
    );
    assert_eq!(e.contract_storage(&a), before);
}

#[test]
fn a_failing_transaction_rolls_back_its_sub_messages_and_instantiations_too() {
    let (mut e, code, admin) = chain();
    let a = instantiate(&mut e, code, &admin, json!({}));
    let b = instantiate(&mut e, code, &admin, json!({}));
    let (a_before, b_before) = (e.contract_storage(&a), e.contract_storage(&b));
    let err = exec(
        &mut e,
        &admin,
        &a,
        json!({
            "writes": [["a", "1"]],
            "msgs": [
                sub(1, "never", wasm_execute(&b, json!({ "writes": [["b", "1"]] })), None),
                sub(2, "never", json!({ "wasm": { "instantiate": {
                    "admin": null, "code_id": code, "msg": b64_json(&json!({})),
                    "funds": [], "label": "child" }}}), None),
                sub(3, "never", wasm_execute(&b, json!({ "fail": "late" })), None),
            ]
        }),
    )
    .unwrap_err();
    assert_eq!(err.error.message, "Generic error: late");
    assert_eq!(
        err.error.log,
        "submessages: Generic error: late: execute wasm contract failed"
    );
    assert_eq!(e.contract_storage(&a), a_before);
    assert_eq!(e.contract_storage(&b), b_before);
    // The child's instance id was rolled back with it: the next contract takes id 3.
    let c = instantiate(&mut e, code, &admin, json!({}));
    let expected = e
        .api()
        .humanize(&classic_contract_address(code, 3))
        .unwrap();
    assert_eq!(c, expected);
}

#[test]
fn a_sub_message_failing_under_reply_on_error_rolls_back_only_its_own_writes() {
    let (mut e, code, admin) = chain();
    let a = instantiate(&mut e, code, &admin, json!({}));
    let b = instantiate(&mut e, code, &admin, json!({ "writes": [["b", "0"]] }));
    let out = exec(
        &mut e,
        &admin,
        &a,
        json!({
            "writes": [["parent", "kept"]],
            "msgs": [sub(
                7,
                "error",
                wasm_execute(&b, json!({ "writes": [["b", "1"], ["b2", "x"]], "fail": "inner" })),
                Some(json!({ "writes": [["after_reply", "yes"]] })),
            )]
        }),
    )
    .unwrap();
    assert_eq!(get(&mut e, &a, "parent").as_deref(), Some("kept"));
    assert_eq!(get(&mut e, &a, "after_reply").as_deref(), Some("yes"));
    assert_eq!(get(&mut e, &b, "b").as_deref(), Some("0"));
    assert_eq!(get(&mut e, &b, "b2"), None);
    let reply: Value = serde_json::from_str(&get(&mut e, &a, "reply:7").unwrap()).unwrap();
    // A contract's own error reaches the reply in full (wasmd marks it deterministic).
    assert_eq!(
        reply["result"]["error"],
        "Generic error: inner: execute wasm contract failed"
    );
    assert_eq!(reply["gas_used"], 0);
    assert_eq!(
        out.events,
        vec![
            ev("execute", &[("_contract_address", &a)]),
            ev("reply", &[("_contract_address", &a)]),
        ]
    );
}

#[test]
fn replies_get_events_payload_data_and_msg_responses_and_may_replace_the_data() {
    let (mut e, code, admin) = chain();
    let a = instantiate(&mut e, code, &admin, json!({}));
    let b = instantiate(&mut e, code, &admin, json!({}));
    let out = exec(
        &mut e,
        &admin,
        &a,
        json!({
            "attributes": [["zeta", "1"], ["alpha", "2"]],
            "events": [{ "type": "probe", "attributes": [{ "key": "z", "value": "1" }, { "key": "a", "value": "2" }] }],
            "data": B64.encode(b"from-a"),
            "msgs": [sub(
                9,
                "success",
                wasm_execute(&b, json!({ "attributes": [["zeta", "b"], ["alpha", "b"]], "data": B64.encode(b"from-b") })),
                Some(json!({ "attributes": [["in_reply", "1"]], "data": B64.encode(b"from-reply") })),
            )]
        }),
    )
    .unwrap();
    // The reply's data replaces the caller's.
    assert_eq!(
        out.data.as_ref().map(|d| d.to_vec()),
        Some(b"from-reply".to_vec())
    );
    // The caller's own events keep the contract's attribute order; a successful wasm
    // sub-message's come back sorted by key (wasmd sorts them in place for the reply).
    assert_eq!(
        out.events,
        vec![
            ev("execute", &[("_contract_address", &a)]),
            ev(
                "wasm",
                &[("_contract_address", &a), ("zeta", "1"), ("alpha", "2")]
            ),
            ev(
                "wasm-probe",
                &[("_contract_address", &a), ("z", "1"), ("a", "2")]
            ),
            ev("execute", &[("_contract_address", &b)]),
            ev(
                "wasm",
                &[("_contract_address", &b), ("alpha", "b"), ("zeta", "b")]
            ),
            ev("reply", &[("_contract_address", &a)]),
            ev("wasm", &[("_contract_address", &a), ("in_reply", "1")]),
        ]
    );
    let reply: Value = serde_json::from_str(&get(&mut e, &a, "reply:9").unwrap()).unwrap();
    assert_eq!(reply["id"], 9);
    assert_eq!(
        reply["payload"],
        b64_json(&json!({ "attributes": [["in_reply", "1"]], "data": B64.encode(b"from-reply") }))
    );
    // data (deprecated) and msg_responses carry MsgExecuteContractResponse{data} as protobuf.
    let proto = [&[0x0a, 6][..], b"from-b"].concat();
    let ok = &reply["result"]["ok"];
    assert_eq!(ok["data"], B64.encode(&proto));
    assert_eq!(
        ok["msg_responses"],
        json!([{ "type_url": "/cosmwasm.wasm.v1.MsgExecuteContractResponse", "value": B64.encode(&proto) }])
    );
    assert_eq!(ok["events"][0]["type"], "execute");
    assert_eq!(ok["events"][1]["attributes"][1]["key"], "alpha");

    // A reply without data leaves the caller's data in place.
    let out = exec(
        &mut e,
        &admin,
        &a,
        json!({ "data": B64.encode(b"mine"), "msgs": [sub(1, "always", wasm_execute(&b, json!({})), None)] }),
    )
    .unwrap();
    assert_eq!(out.data.map(|d| d.to_vec()), Some(b"mine".to_vec()));
}

#[test]
fn a_reply_that_fails_fails_the_whole_transaction() {
    let (mut e, code, admin) = chain();
    let a = instantiate(&mut e, code, &admin, json!({}));
    let b = instantiate(&mut e, code, &admin, json!({}));
    let before = (e.contract_storage(&a), e.contract_storage(&b));
    let err = exec(
        &mut e,
        &admin,
        &a,
        json!({ "msgs": [sub(1, "always", wasm_execute(&b, json!({ "writes": [["b", "1"]] })),
                Some(json!({ "fail": "reply says no" })))] }),
    )
    .unwrap_err();
    assert_eq!(err.error.message, "Generic error: reply says no");
    assert!(err
        .error
        .log
        .starts_with("submessages: reply: Generic error: reply says no"));
    assert_eq!((e.contract_storage(&a), e.contract_storage(&b)), before);
}

#[test]
fn contracts_query_each_other_and_see_the_transactions_writes() {
    let (mut e, code, admin) = chain();
    let a = instantiate(&mut e, code, &admin, json!({}));
    let b = instantiate(
        &mut e,
        code,
        &admin,
        json!({ "writes": [["answer", "42"]] }),
    );
    let get_b = B64.encode(br#"{"get":{"key":"answer"}}"#);
    let fail_b = B64.encode(br#"{"fail":{"message":"nope"}}"#);
    exec(
        &mut e,
        &admin,
        &a,
        json!({
            "query": { "contract": b, "msg": get_b, "store_as": "seen" },
            "contract_info_of": b,
        }),
    )
    .unwrap();
    assert_eq!(get(&mut e, &a, "seen").as_deref(), Some("\"42\""));
    let info: Value = serde_json::from_str(&get(&mut e, &a, "contract_info").unwrap()).unwrap();
    assert_eq!(info["code_id"], code);
    assert_eq!(info["admin"], admin.as_str());
    assert_eq!(info["creator"], admin.as_str());

    // A query's contract error reaches the caller as wasmd words it.
    exec(
        &mut e,
        &admin,
        &a,
        json!({ "query": { "contract": b, "msg": fail_b, "store_as": "seen" } }),
    )
    .unwrap();
    assert_eq!(
        get(&mut e, &a, "seen").as_deref(),
        Some("error:Generic error: nope: query wasm contract failed")
    );
    // Unknown contract: a system error.
    let nobody = e.addr_make("nobody");
    exec(
        &mut e,
        &admin,
        &a,
        json!({ "query": { "contract": nobody, "msg": get_b, "store_as": "seen" } }),
    )
    .unwrap();
    assert!(get(&mut e, &a, "seen")
        .unwrap()
        .starts_with("system_error:"));

    // A query made later in the same transaction sees an earlier sub-message's write.
    exec(
        &mut e,
        &admin,
        &a,
        json!({ "msgs": [
            sub(1, "never", wasm_execute(&b, json!({ "writes": [["answer", "43"]] })), None),
            sub(2, "never", wasm_execute(&a, json!({ "query": { "contract": b, "msg": get_b, "store_as": "seen" } })), None),
        ]}),
    )
    .unwrap();
    assert_eq!(get(&mut e, &a, "seen").as_deref(), Some("\"43\""));
    // Query → query.
    let nested = query(
        &mut e,
        &a,
        json!({ "smart": { "contract": b, "msg": get_b } }),
    );
    assert_eq!(nested, json!("43"));
}

#[test]
fn storage_iterates_in_both_orders_within_bounds_and_skips_removed_keys() {
    let (mut e, code, admin) = chain();
    let a = instantiate(
        &mut e,
        code,
        &admin,
        json!({ "writes": [["k1", "1"], ["k2", "2"], ["k3", "3"], ["k4", "4"]] }),
    );
    exec(
        &mut e,
        &admin,
        &a,
        json!({ "removes": ["k2"], "writes": [["k25", "x"]] }),
    )
    .unwrap();
    let asc = query(
        &mut e,
        &a,
        json!({ "range": { "start": "k1", "end": "k4" } }),
    );
    assert_eq!(asc, json!([["k1", "1"], ["k25", "x"], ["k3", "3"]]));
    let desc = query(
        &mut e,
        &a,
        json!({ "range": { "start": "k", "end": "l", "descending": true } }),
    );
    assert_eq!(
        desc,
        json!([["k4", "4"], ["k3", "3"], ["k25", "x"], ["k1", "1"]])
    );
}

#[test]
fn only_the_admin_migrates_and_the_code_id_changes_with_migrate_info() {
    let (mut e, code, admin) = chain();
    let v2 = with_custom_section(&probe_wasm(), "vagus_probe_copy", b"2");
    let code2 = e.store_code(&v2, &admin).unwrap().code_id;
    assert_eq!(code2, code + 1);
    let a = instantiate(&mut e, code, &admin, json!({ "writes": [["k", "v"]] }));
    let before = e.contract_storage(&a);
    let stranger = e.addr_make("stranger");
    let msg = serde_json::to_vec(&json!({ "writes": [["migrated", "yes"]] })).unwrap();

    let err = e.migrate(&stranger, &a, code2, &msg, None).unwrap_err();
    assert_eq!(err.error.kind, ErrorKind::Unauthorized);
    assert_eq!(err.error.message, "can not migrate: unauthorized");
    assert_eq!(e.contract_storage(&a), before);
    assert_eq!(e.contract_info(&a).unwrap().code_id, code);

    let out = e.migrate(&admin, &a, code2, &msg, None).unwrap();
    assert_eq!(e.contract_info(&a).unwrap().code_id, code2);
    assert_eq!(
        out.events[0],
        ev(
            "migrate",
            &[("code_id", &code2.to_string()), ("_contract_address", &a)]
        )
    );
    assert_eq!(get(&mut e, &a, "migrated").as_deref(), Some("yes"));
    assert_eq!(get(&mut e, &a, "k").as_deref(), Some("v"));
    let info: Value = serde_json::from_str(&get(&mut e, &a, "migrate_info").unwrap()).unwrap();
    assert_eq!(
        info,
        json!({ "sender": admin, "old_migrate_version": null })
    );

    // A contract that is the admin migrates through a sub-message; one that is not, cannot.
    let gov = instantiate(&mut e, code, &admin, json!({}));
    let b = {
        let out = e
            .instantiate(&admin, code, b"{}", Some(&gov), "governed", None)
            .unwrap();
        out.address.unwrap()
    };
    let migrate_b = json!({ "wasm": { "migrate": {
        "contract_addr": b, "new_code_id": code2, "msg": b64_json(&json!({})) }}});
    let err = exec(
        &mut e,
        &admin,
        &a,
        json!({ "msgs": [sub(1, "never", migrate_b.clone(), None)] }),
    )
    .unwrap_err();
    assert_eq!(err.error.kind, ErrorKind::Unauthorized);
    exec(
        &mut e,
        &admin,
        &gov,
        json!({ "msgs": [sub(1, "never", migrate_b, None)] }),
    )
    .unwrap();
    assert_eq!(e.contract_info(&b).unwrap().code_id, code2);
}

#[test]
fn migrate_is_skipped_between_codes_declaring_the_same_migrate_version() {
    let (mut e, _, admin) = chain();
    let v1 = with_custom_section(&probe_wasm(), "cw_migrate_version", b"1");
    let v1_copy = with_custom_section(&v1, "vagus_probe_copy", b"x");
    let v2 = with_custom_section(&probe_wasm(), "cw_migrate_version", b"2");
    let c1 = e.store_code(&v1, &admin).unwrap().code_id;
    let c1b = e.store_code(&v1_copy, &admin).unwrap().code_id;
    let c2 = e.store_code(&v2, &admin).unwrap().code_id;
    assert_eq!(e.code(c1).unwrap().migrate_version, Some(1));
    let a = instantiate(&mut e, c1, &admin, json!({}));
    let msg = serde_json::to_vec(&json!({ "writes": [["ran", "yes"]] })).unwrap();
    e.migrate(&admin, &a, c1b, &msg, None).unwrap();
    assert_eq!(
        get(&mut e, &a, "ran"),
        None,
        "same migrate version: entry point not called"
    );
    assert_eq!(e.contract_info(&a).unwrap().code_id, c1b);
    e.migrate(&admin, &a, c2, &msg, None).unwrap();
    assert_eq!(get(&mut e, &a, "ran").as_deref(), Some("yes"));
    let info: Value = serde_json::from_str(&get(&mut e, &a, "migrate_info").unwrap()).unwrap();
    assert_eq!(info["old_migrate_version"], 1);
}

#[test]
fn contract_addresses_are_wasmds_classic_ones_and_deterministic() {
    let (mut e, code, admin) = chain();
    let first = instantiate(&mut e, code, &admin, json!({}));
    assert_eq!(
        first,
        "wasm14hj2tavq8fpesdwxxcu44rty3hh90vhujrvcmstl4zr3txmfvw9s0phg4d"
    );
    let out = exec(
        &mut e,
        &admin,
        &first,
        json!({ "msgs": [sub(5, "success", json!({ "wasm": { "instantiate": {
            "admin": null, "code_id": code, "msg": b64_json(&json!({})),
            "funds": [], "label": "child" }}}), None)] }),
    )
    .unwrap();
    let child = e
        .api()
        .humanize(&classic_contract_address(code, 2))
        .unwrap();
    assert_eq!(
        out.events[1],
        ev(
            "instantiate",
            &[("_contract_address", &child), ("code_id", "1")]
        )
    );
    let reply: Value = serde_json::from_str(&get(&mut e, &first, "reply:5").unwrap()).unwrap();
    let mut proto = vec![0x0a, child.len() as u8];
    proto.extend_from_slice(child.as_bytes());
    assert_eq!(
        reply["result"]["ok"]["msg_responses"][0]["value"],
        B64.encode(&proto)
    );
    assert_eq!(
        reply["result"]["ok"]["msg_responses"][0]["type_url"],
        "/cosmwasm.wasm.v1.MsgInstantiateContractResponse"
    );
    // Same operations on another engine: same addresses.
    let (mut e2, code2, admin2) = chain();
    assert_eq!(instantiate(&mut e2, code2, &admin2, json!({})), first);
    // Another prefix, same bytes.
    let mut juno = Engine::with_vm(
        support::shared_vm(),
        vagus_wasm_engine::EngineConfig {
            prefix: "juno".into(),
            ..Default::default()
        },
    )
    .unwrap();
    let jadmin = juno.addr_make("admin");
    assert!(jadmin.starts_with("juno1"));
    let jcode = juno.store_code(&probe_wasm(), &jadmin).unwrap().code_id;
    let jaddr = instantiate(&mut juno, jcode, &jadmin, json!({}));
    assert_eq!(
        juno.api().canonicalize(&jaddr).unwrap(),
        classic_contract_address(1, 1)
    );
}

#[test]
fn storing_the_same_checksum_again_returns_the_existing_code_id() {
    let mut e = engine();
    let creator = e.addr_make("creator");
    let probe = probe_wasm();
    let first = e.store_code(&probe, &creator).unwrap();
    assert_eq!((first.code_id, first.reused), (1, false));
    let again = e.store_code(&probe, &creator).unwrap();
    assert_eq!(
        (again.code_id, again.reused, again.checksum),
        (1, true, first.checksum)
    );
    let other = e
        .store_code(&with_custom_section(&probe, "x", b""), &creator)
        .unwrap();
    assert_eq!((other.code_id, other.reused), (2, false));
    assert_eq!(first.checksum.to_hex(), {
        use sha2::Digest;
        hex_lower(&sha2::Sha256::digest(&probe))
    });
    // Not a contract: static validation fails, nothing is stored.
    let err = e.store_code(b"\0asm\x01\0\0\0", &creator).unwrap_err();
    assert_eq!(err.kind, ErrorKind::Vm);
    assert!(e.code(3).is_none());
}

fn hex_lower(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The same scenario on a fresh engine: the gas of every step.
fn gas_trace() -> Vec<(u64, u64)> {
    let mut e = engine();
    let admin = e.addr_make("admin");
    let code = e.store_code(&probe_wasm(), &admin).unwrap().code_id;
    let mut trace = Vec::new();
    let out = e
        .instantiate(&admin, code, br#"{"writes":[["a","1"]]}"#, None, "g", None)
        .unwrap();
    trace.push((out.gas.vm, out.gas.sdk));
    let a = out.address.unwrap();
    let b = instantiate(&mut e, code, &admin, json!({}));
    for act in [
        json!({ "writes": [["x", "y"]], "attributes": [["k", "v"]] }),
        json!({ "burn": 1000 }),
        json!({ "msgs": [sub(1, "always", wasm_execute(&b, json!({ "writes": [["z", "1"]] })), None)] }),
    ] {
        let out = exec(&mut e, &admin, &a, act).unwrap();
        trace.push((out.gas.vm, out.gas.sdk));
    }
    let q = e.query(&a, br#"{"get":{"key":"x"}}"#).unwrap();
    trace.push((q.gas.vm, q.gas.sdk));
    trace
}

#[test]
fn gas_is_reported_positive_and_identical_across_runs() {
    let first = gas_trace();
    assert!(
        first.iter().all(|(vm, sdk)| *vm > 0 && *sdk > 0),
        "{first:?}"
    );
    assert_eq!(first, gas_trace());
    // Burning more costs more; sub-messages cost more than a plain write.
    let (mut e, code, admin) = chain();
    let a = instantiate(&mut e, code, &admin, json!({}));
    let small = exec(&mut e, &admin, &a, json!({ "burn": 10 })).unwrap().gas;
    let big = exec(&mut e, &admin, &a, json!({ "burn": 100_000 }))
        .unwrap()
        .gas;
    assert!(big.vm > small.vm + 100_000 * 115, "{small:?} {big:?}");
    assert_eq!(
        big.sdk,
        big.breakdown.setup + big.breakdown.storage + big.breakdown.wasm + big.breakdown.events
    );
}

#[test]
fn out_of_gas_aborts_the_transaction_unless_a_sub_message_limit_catches_it() {
    let (mut e, code, admin) = chain();
    let a = instantiate(&mut e, code, &admin, json!({}));
    let b = instantiate(&mut e, code, &admin, json!({}));
    let before = e.contract_storage(&a);
    let msg = serde_json::to_vec(&json!({ "act": { "writes": [["w", "1"]], "burn": 50_000_000 } }))
        .unwrap();
    let err = e.execute(&admin, &a, &msg, Some(200_000)).unwrap_err();
    assert_eq!(err.error.kind, ErrorKind::OutOfGas);
    assert_eq!(e.contract_storage(&a), before);

    // A sub-message with its own gas limit runs out; reply-on-error sees sdk/11 redacted,
    // the caller's writes stay.
    let mut limited = sub(
        4,
        "error",
        wasm_execute(&b, json!({ "burn": 50_000_000 })),
        None,
    );
    limited["gas_limit"] = json!(100_000);
    let out = exec(
        &mut e,
        &admin,
        &a,
        json!({ "writes": [["kept", "1"]], "msgs": [limited] }),
    )
    .unwrap();
    assert!(out.gas.sdk >= 100_000);
    assert_eq!(get(&mut e, &a, "kept").as_deref(), Some("1"));
    let reply: Value = serde_json::from_str(&get(&mut e, &a, "reply:4").unwrap()).unwrap();
    assert_eq!(reply["result"]["error"], "codespace: sdk, code: 11");

    // Without a sub-message limit, running out of gas aborts everything, reply or not.
    let unlimited = sub(
        5,
        "error",
        wasm_execute(&b, json!({ "burn": 50_000_000 })),
        None,
    );
    let msg =
        serde_json::to_vec(&json!({ "act": { "writes": [["lost", "1"]], "msgs": [unlimited] } }))
            .unwrap();
    let err = e.execute(&admin, &a, &msg, Some(1_000_000)).unwrap_err();
    assert_eq!(err.error.kind, ErrorKind::OutOfGas);
    assert_eq!(get(&mut e, &a, "lost"), None);
}

#[test]
fn the_block_clock_is_settable_to_the_nanosecond() {
    let (mut e, code, admin) = chain();
    let a = instantiate(&mut e, code, &admin, json!({}));
    e.set_block(
        Some(4242),
        Some(1_998_432_000 * 1_000_000_000 + 123_456_789),
        Some("vagus-test"),
    );
    let env = query(&mut e, &a, json!({ "env": {} }));
    assert_eq!(env["block"]["height"], 4242);
    assert_eq!(env["block"]["time"], "1998432000123456789");
    assert_eq!(env["block"]["chain_id"], "vagus-test");
    assert_eq!(env["contract"]["address"], a.as_str());
    assert_eq!(
        env["transaction"],
        Value::Null,
        "queries run outside a transaction"
    );
    e.set_block(None, Some(5 * 1_000_000_000), None);
    let env = query(&mut e, &a, json!({ "env": {} }));
    assert_eq!(
        (env["block"]["height"].clone(), env["block"]["time"].clone()),
        (json!(4242), json!("5000000000"))
    );
}

#[test]
fn snapshots_restore_the_whole_chain_state() {
    let (mut e, code, admin) = chain();
    let a = instantiate(&mut e, code, &admin, json!({ "writes": [["k", "1"]] }));
    let snap = e.snapshot();
    let block = e.block();
    exec(&mut e, &admin, &a, json!({ "writes": [["k", "2"]] })).unwrap();
    let b = instantiate(&mut e, code, &admin, json!({}));
    e.store_code(&with_custom_section(&probe_wasm(), "later", b""), &admin)
        .unwrap();
    e.set_block(Some(99), None, None);
    e.restore(snap).unwrap();
    assert_eq!(get(&mut e, &a, "k").as_deref(), Some("1"));
    assert!(e.contract_info(&b).is_none());
    assert!(e.code(2).is_none());
    assert_eq!(e.block(), block);
    // Restorable again, and the instance sequence was restored too.
    exec(&mut e, &admin, &a, json!({ "writes": [["k", "3"]] })).unwrap();
    e.restore(snap).unwrap();
    assert_eq!(get(&mut e, &a, "k").as_deref(), Some("1"));
    assert_eq!(instantiate(&mut e, code, &admin, json!({})), b);
}

#[test]
fn bank_messages_and_funds_are_rejected_as_unsupported() {
    let (mut e, code, admin) = chain();
    let a = instantiate(&mut e, code, &admin, json!({}));
    let bank = json!({ "bank": { "send": { "to_address": admin, "amount": [{ "denom": "ustake", "amount": "1" }] } } });
    let err = exec(
        &mut e,
        &admin,
        &a,
        json!({ "msgs": [sub(1, "never", bank, None)] }),
    )
    .unwrap_err();
    assert_eq!(err.error.kind, ErrorKind::Unsupported);
    assert!(err.error.message.contains("bank"), "{}", err.error.message);
}

#[test]
fn invalid_events_fail_like_wasmd() {
    let (mut e, code, admin) = chain();
    let a = instantiate(&mut e, code, &admin, json!({}));
    let err = exec(&mut e, &admin, &a, json!({ "attributes": [["k", " "]] })).unwrap_err();
    assert_eq!(
        err.error.message,
        "Empty attribute value. Key: k: invalid event"
    );
    let err = exec(
        &mut e,
        &admin,
        &a,
        json!({ "events": [{ "type": "ab", "attributes": [] }] }),
    )
    .unwrap_err();
    assert_eq!(
        err.error.message,
        "Event type too short: 'ab': invalid event"
    );
}

#[test]
fn production_contract_errors_come_back_exactly_as_the_contract_renders_them() {
    let mut e = engine();
    let admin = e.addr_make("admin");
    let stranger = e.addr_make("stranger");
    let code = e
        .store_code(&artifact("rate_limiter.wasm"), &admin)
        .unwrap()
        .code_id;
    let init =
        json!({ "admin": admin, "default_config": { "capacity": 2, "window": 60, "buckets": 6 } });
    let rl = e
        .instantiate(
            &admin,
            code,
            &serde_json::to_vec(&init).unwrap(),
            Some(&admin),
            "rl",
            None,
        )
        .unwrap()
        .address
        .unwrap();
    let consume = json!({ "consume": { "executor_id": "1", "action_id": "11".repeat(32) } });
    let err = e
        .execute(&stranger, &rl, &serde_json::to_vec(&consume).unwrap(), None)
        .unwrap_err();
    assert_eq!(err.error.kind, ErrorKind::Contract);
    assert_eq!(
        err.error.message,
        format!("vagus:1001 Unauthorized: {stranger} does not hold role consumer")
    );
    assert_eq!(
        err.error.log,
        format!("{}: execute wasm contract failed", err.error.message)
    );
}

#[test]
fn a_sender_that_is_not_an_address_of_the_chain_is_rejected() {
    let (mut e, code, admin) = chain();
    let a = instantiate(&mut e, code, &admin, json!({}));
    for bad in [
        "admin",
        "cosmos1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq",
    ] {
        let err = exec(&mut e, bad, &a, json!({})).unwrap_err();
        assert_eq!(err.error.kind, ErrorKind::Invalid, "{bad}");
    }
}
