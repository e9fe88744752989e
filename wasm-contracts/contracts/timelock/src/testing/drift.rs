//! The contract against spec/timelock.json: its error catalog (wasm stack) and its message
//! surface (every wasm operation is an ExecuteMsg / QueryMsg variant, and nothing else).

use std::collections::BTreeSet;

use cosmwasm_schema::schema_for;
use serde_json::Value;
use vagus_common::{CodedError, FrameError};

use crate::contract::FRAME_ERRORS;
use crate::error::ContractError;
use crate::msg::{ExecuteMsg, QueryMsg};

fn spec() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../spec/timelock.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn on_wasm(v: &Value) -> bool {
    match v.get("stacks").and_then(Value::as_array) {
        None => true,
        Some(stacks) => stacks.iter().any(|x| x == "wasm"),
    }
}

fn snake(name: &str) -> String {
    vagus_common::events::snake_case(name)
}

#[test]
fn error_catalog_is_the_specs_wasm_errors() {
    let spec = spec();
    let want: BTreeSet<(u16, String, Vec<String>)> = spec["errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| on_wasm(e))
        .map(|e| {
            (
                e["code"].as_u64().unwrap() as u16,
                e["name"].as_str().unwrap().to_string(),
                e["fields"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|f| snake(f["name"].as_str().unwrap()))
                    .collect(),
            )
        })
        .collect();
    let frame = FrameError::CATALOG
        .iter()
        .filter(|e| FRAME_ERRORS.contains(&e.name));
    let have: BTreeSet<(u16, String, Vec<String>)> = frame
        .chain(ContractError::OWN_CATALOG.iter())
        .map(|e| {
            (
                e.code,
                e.name.to_string(),
                e.fields.iter().map(|f| f.to_string()).collect(),
            )
        })
        .collect();
    assert_eq!(have, want);
    assert_eq!(
        FRAME_ERRORS.len() + ContractError::OWN_CATALOG.len(),
        want.len()
    );
    assert!(
        ContractError::catalog().len() > want.len(),
        "frame catalog is merged"
    );
}

/// The variant names of a message enum, from its JSON schema.
fn variants(schema: &Value) -> BTreeSet<String> {
    schema["oneOf"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["required"][0].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn message_surface_is_the_specs_wasm_operations() {
    let spec = spec();
    let ops: Vec<&Value> = spec["operations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| on_wasm(o))
        .collect();
    let named = |kind: &str| -> BTreeSet<String> {
        ops.iter()
            .filter(|o| o["kind"] == kind)
            .map(|o| snake(o["name"].as_str().unwrap()))
            .collect()
    };
    let execute = serde_json::to_value(schema_for!(ExecuteMsg)).unwrap();
    let query = serde_json::to_value(schema_for!(QueryMsg)).unwrap();
    assert_eq!(variants(&execute), named("execute"));
    assert_eq!(variants(&query), named("query"));
}

/// Every wasm event of the spec is emitted by some run of the contract, with the spec's
/// wasm fields (snake_case, in order) as its attributes, and no other event is emitted.
#[test]
fn emitted_events_are_the_specs_wasm_events() {
    use super::helpers::{b32, zero, Suite, MIN_DELAY};
    use crate::msg::ExecuteMsg;
    use cosmwasm_std::Uint64;
    use std::collections::BTreeMap;

    let spec = spec();
    let want: BTreeMap<String, Vec<String>> = spec["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| on_wasm(e))
        .map(|e| {
            (
                snake(e["name"].as_str().unwrap()),
                e["fields"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|f| on_wasm(f))
                    .map(|f| snake(f["name"].as_str().unwrap()))
                    .collect(),
            )
        })
        .collect();

    let mut s = Suite::new();
    let mut seen: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut record = |res: &cw_multi_test::AppResponse, tl: &str| {
        for e in &res.events {
            let from_tl = e
                .attributes
                .iter()
                .any(|a| a.key == "_contract_address" && a.value == tl);
            let Some(ty) = e.ty.strip_prefix("wasm-") else {
                continue;
            };
            if !from_tl {
                continue;
            }
            let keys: Vec<String> = e
                .attributes
                .iter()
                .filter(|a| a.key != "_contract_address")
                .map(|a| a.key.clone())
                .collect();
            if let Some(prev) = seen.insert(ty.to_string(), keys.clone()) {
                assert_eq!(prev, keys, "event {ty} changed shape");
            }
        }
    };
    let tl = s.timelock.to_string();
    let call = s.set_capacity(4);
    let delay = s.to_self(&ExecuteMsg::UpdateDelay {
        new_delay: Uint64::new(MIN_DELAY + 1),
    });
    let grant = s.to_self(&ExecuteMsg::GrantRole {
        role: "canceller".into(),
        account: s.stranger.to_string(),
    });
    let revoke = s.to_self(&ExecuteMsg::RevokeRole {
        role: "canceller".into(),
        account: s.stranger.to_string(),
    });
    for c in [&call, &delay, &grant] {
        let res = s.schedule(c, &zero(), &b32(1), MIN_DELAY).unwrap();
        record(&res, &tl);
    }
    s.at(MIN_DELAY);
    for c in [&call, &delay, &grant] {
        let res = s.run(c, &zero(), &b32(1)).unwrap();
        record(&res, &tl);
    }
    let res = s
        .schedule(&revoke, &zero(), &zero(), MIN_DELAY + 1)
        .unwrap();
    record(&res, &tl);
    let id = s.id(&revoke, &zero(), &zero());
    let proposer = s.proposer.clone();
    let res = s.exec(&proposer, &ExecuteMsg::Cancel { id }).unwrap();
    record(&res, &tl);
    let res = s
        .schedule(&revoke, &zero(), &zero(), MIN_DELAY + 1)
        .unwrap();
    record(&res, &tl);
    s.at(3 * MIN_DELAY);
    let res = s.run(&revoke, &zero(), &zero()).unwrap();
    record(&res, &tl);

    assert_eq!(seen, want);
}
