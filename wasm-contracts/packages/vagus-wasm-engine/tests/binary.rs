//! The `vagus-wasm-engine` binary: the JSON-lines protocol end to end, and `check`.

mod support;

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

use serde_json::{json, Value};
use support::{artifact, artifacts_dir, probe_wasm};

const BIN: &str = env!("CARGO_BIN_EXE_vagus-wasm-engine");

/// Sends every request, one per line, and returns the responses.
fn session(requests: &[Value]) -> Vec<Value> {
    let mut child = Command::new(BIN)
        .args(["--chain-id", "proto-test"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start the engine");
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut out = Vec::new();
    for r in requests {
        // Requests go one at a time so a test can use earlier answers' ids.
        writeln!(stdin, "{r}").unwrap();
        stdin.flush().unwrap();
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        out.push(serde_json::from_str(&line).expect("a JSON response line"));
    }
    drop(stdin);
    assert!(child.wait().unwrap().success());
    out
}

#[test]
fn the_json_lines_protocol_runs_a_deploy_and_isolates_with_snapshots() {
    let dir = tempfile::tempdir().unwrap();
    let probe = dir.path().join("probe.wasm");
    std::fs::write(&probe, probe_wasm()).unwrap();
    let rl = artifacts_dir().join("rate_limiter.wasm");
    artifact("rate_limiter.wasm");
    let admin = vagus_wasm_engine::EngineApi::new("wasm")
        .unwrap()
        .addr_make("admin");
    let contract = "wasm14hj2tavq8fpesdwxxcu44rty3hh90vhujrvcmstl4zr3txmfvw9s0phg4d";
    let r = session(&[
        json!({ "id": 1, "op": "addr_make", "name": "admin" }),
        json!({ "id": 2, "op": "store", "wasm_path": probe }),
        json!({ "id": 3, "op": "store", "wasm_path": probe }),
        json!({ "id": 4, "op": "set_block", "time": 1_998_432_000u64, "nanos": 5, "height": 7 }),
        json!({ "id": 5, "op": "instantiate", "code_id": 1, "sender": admin, "admin": admin,
                "label": "probe", "msg": { "writes": [["k", "v"]] } }),
        json!({ "id": 6, "op": "snapshot" }),
        json!({ "id": 7, "op": "execute", "contract": contract, "sender": admin,
                "msg": { "act": { "writes": [["k", "changed"]], "data": "aGk=" } } }),
        json!({ "id": 8, "op": "query", "contract": contract, "msg": { "get": { "key": "k" } } }),
        json!({ "id": 9, "op": "restore", "snapshot_id": 1 }),
        json!({ "id": 10, "op": "query", "contract": contract, "msg": { "get": { "key": "k" } } }),
        json!({ "id": 11, "op": "execute", "contract": contract, "sender": admin,
                "msg": { "act": { "fail": "vagus:2001 ZeroWindow: no" } } }),
        json!({ "id": 12, "op": "migrate", "contract": contract, "sender": contract, "code_id": 1, "msg": {} }),
        json!({ "id": 13, "op": "no_such_op" }),
        json!({ "id": "x", "op": "block" }),
        json!({ "id": 15, "op": "store", "wasm_path": rl }),
        json!({ "id": 16, "op": "info" }),
    ]);
    assert_eq!(r[0], json!({ "id": 1, "ok": { "address": admin } }));
    assert_eq!(r[1]["ok"]["code_id"], 1);
    assert_eq!(r[1]["ok"]["reused"], false);
    assert_eq!(r[1]["ok"]["checksum"].as_str().unwrap().len(), 64);
    assert_eq!(r[2]["ok"]["reused"], true);
    assert_eq!(r[3]["ok"]["time_nanos"], "1998432000000000005");
    assert_eq!(r[4]["ok"]["address"], contract);
    assert_eq!(r[4]["ok"]["events"][0]["type"], "instantiate");
    assert!(r[4]["ok"]["gas"]["vm"].as_u64().unwrap() > 0);
    assert!(r[4]["ok"]["gas"]["sdk"].as_u64().unwrap() > 60_000);
    assert_eq!(r[5]["ok"]["snapshot_id"], 1);
    assert_eq!(r[6]["ok"]["data"], "aGk=");
    assert_eq!(r[7]["ok"]["json"], "changed");
    assert_eq!(r[9]["ok"]["json"], "v");
    let err = &r[10]["err"];
    assert_eq!(err["kind"], "contract");
    assert_eq!(err["message"], "Generic error: vagus:2001 ZeroWindow: no");
    assert_eq!(err["vagus_code"], 2001);
    assert_eq!(err["vagus_name"], "ZeroWindow");
    assert!(err["gas"]["sdk"].as_u64().unwrap() > 0);
    assert_eq!(r[11]["err"]["kind"], "unauthorized");
    assert_eq!(r[12]["id"], 13);
    assert_eq!(r[12]["err"]["kind"], "invalid");
    assert_eq!(r[13]["id"], "x");
    assert_eq!(r[13]["ok"]["height"], 7);
    assert_eq!(r[13]["ok"]["chain_id"], "proto-test");
    assert_eq!(r[14]["ok"]["code_id"], 2);
    assert_eq!(r[15]["ok"]["gas_multiplier"], 140_000);
}

#[test]
fn a_query_batch_answers_each_query_as_a_query_does_errors_included() {
    let dir = tempfile::tempdir().unwrap();
    let probe = dir.path().join("probe.wasm");
    std::fs::write(&probe, probe_wasm()).unwrap();
    let admin = vagus_wasm_engine::EngineApi::new("wasm")
        .unwrap()
        .addr_make("admin");
    let contract = "wasm14hj2tavq8fpesdwxxcu44rty3hh90vhujrvcmstl4zr3txmfvw9s0phg4d";
    let missing = vagus_wasm_engine::EngineApi::new("wasm")
        .unwrap()
        .addr_make("nobody");
    let get = |key: &str| json!({ "get": { "key": key } });
    let r = session(&[
        json!({ "id": 1, "op": "store", "wasm_path": probe }),
        json!({ "id": 2, "op": "instantiate", "code_id": 1, "sender": admin, "admin": admin,
                "label": "probe", "msg": { "writes": [["k", "v"], ["j", "w"]] } }),
        json!({ "id": 3, "op": "query_batch", "queries": [
            { "contract": contract, "msg": get("k") },
            { "contract": missing, "msg": get("k") },
            { "contract": contract, "msg": get("j") },
        ] }),
        json!({ "id": 4, "op": "query", "contract": contract, "msg": get("k") }),
        json!({ "id": 5, "op": "query", "contract": missing, "msg": get("k") }),
        json!({ "id": 6, "op": "query", "contract": contract, "msg": get("j") }),
        json!({ "id": 7, "op": "query_batch", "queries": [] }),
        json!({ "id": 8, "op": "query_batch", "queries": [{ "contract": contract }] }),
    ]);
    let batch = r[2]["ok"].as_array().expect("an array of answers");
    assert_eq!(batch.len(), 3);
    assert_eq!(batch[0]["ok"]["json"], "v");
    assert_eq!(batch[2]["ok"]["json"], "w");
    assert_eq!(batch[1]["err"]["kind"], "not_found");
    // Each answer is exactly what the query alone answers (gas included).
    assert_eq!(batch[0]["ok"], r[3]["ok"]);
    assert_eq!(batch[1]["err"], r[4]["err"]);
    assert_eq!(batch[2]["ok"], r[5]["ok"]);
    assert_eq!(r[6]["ok"], json!([]));
    assert_eq!(r[7]["err"]["kind"], "invalid");
}

#[test]
fn garbage_lines_get_an_error_response_and_the_engine_keeps_serving() {
    let r = session(&[json!("not an object"), json!({ "id": 2, "op": "block" })]);
    assert_eq!(r[0]["err"]["kind"], "invalid");
    assert_eq!(r[1]["ok"]["height"], 1);
}

#[test]
fn check_validates_and_compiles_artifacts_like_cosmwasm_check() {
    artifact("rate_limiter.wasm");
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.wasm");
    std::fs::write(&bad, b"\0asm\x01\0\0\0").unwrap();
    let files: Vec<_> = ["rate_limiter.wasm", "circuit_breaker.wasm"]
        .iter()
        .map(|f| artifacts_dir().join(f))
        .collect();
    let ok = Command::new(BIN)
        .arg("check")
        .args(&files)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&ok.stdout);
    assert!(ok.status.success(), "{text}");
    assert!(text.contains("All contracts (2) passed checks!"), "{text}");
    let fail = Command::new(BIN).arg("check").arg(&bad).output().unwrap();
    assert!(!fail.status.success());
    assert!(String::from_utf8_lossy(&fail.stdout).contains("failure"));
    // A capability the contracts need but the chain lacks.
    let narrow = Command::new(BIN)
        .args(["check", "--available-capabilities", "iterator"])
        .args(&files)
        .output()
        .unwrap();
    assert!(
        !narrow.status.success(),
        "{}",
        String::from_utf8_lossy(&narrow.stdout)
    );
}
