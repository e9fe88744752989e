//! The JSON-lines protocol of the `vagus-wasm-engine` binary (README.md documents it): one
//! request object per line on stdin, one response object per line on stdout, in order.

use std::io::{BufRead, Write};
use std::panic::{catch_unwind, AssertUnwindSafe};

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use cosmwasm_std::Event;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::engine::{Engine, TxFailure, TxOutcome};
use crate::error::{EngineError, ErrorKind};
use crate::gas::GasReport;

#[derive(Deserialize)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
enum Request {
    /// Upload code from a file or base64 bytes.
    Store {
        wasm_path: Option<String>,
        wasm_base64: Option<String>,
        sender: Option<String>,
    },
    Instantiate {
        code_id: u64,
        sender: String,
        msg: Value,
        admin: Option<String>,
        label: Option<String>,
        #[serde(default)]
        funds: Vec<Value>,
        gas_limit: Option<u64>,
    },
    Execute {
        contract: String,
        sender: String,
        msg: Value,
        #[serde(default)]
        funds: Vec<Value>,
        gas_limit: Option<u64>,
    },
    Query {
        contract: String,
        msg: Value,
    },
    /// Several smart queries on the same state and block in one line (a state digest):
    /// one answer each, in order, each its own `ok` or `err`.
    QueryBatch {
        queries: Vec<BatchQuery>,
    },
    Migrate {
        contract: String,
        sender: String,
        code_id: u64,
        msg: Value,
        gas_limit: Option<u64>,
    },
    SetBlock {
        /// Unix seconds.
        time: Option<u64>,
        /// Nanoseconds within the second (with `time`).
        nanos: Option<u32>,
        height: Option<u64>,
        chain_id: Option<String>,
    },
    Block {},
    AddrMake {
        name: String,
    },
    Snapshot {},
    Restore {
        snapshot_id: u64,
    },
    DropSnapshot {
        snapshot_id: u64,
    },
    ContractInfo {
        contract: String,
    },
    CodeInfo {
        code_id: u64,
    },
    DumpStorage {
        contract: String,
    },
    Info {},
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BatchQuery {
    contract: String,
    msg: Value,
}

/// An error response body.
struct Failure {
    error: Box<EngineError>,
    gas: Option<GasReport>,
}

impl From<EngineError> for Failure {
    fn from(error: EngineError) -> Self {
        Failure {
            error: Box::new(error),
            gas: None,
        }
    }
}

impl From<Box<TxFailure>> for Failure {
    fn from(f: Box<TxFailure>) -> Self {
        let TxFailure { error, gas } = *f;
        Failure {
            error: Box::new(error),
            gas: Some(gas),
        }
    }
}

fn bad_request(what: impl std::fmt::Display) -> Failure {
    EngineError::invalid(format!("bad request: {what}")).into()
}

fn events_json(events: &[Event]) -> Value {
    Value::Array(
        events
            .iter()
            .map(|e| {
                json!({
                    "type": e.ty,
                    "attributes": e.attributes.iter()
                        .map(|a| json!({ "key": a.key, "value": a.value }))
                        .collect::<Vec<_>>(),
                })
            })
            .collect(),
    )
}

fn tx_json(out: TxOutcome) -> Value {
    let mut obj = Map::new();
    if let Some(a) = out.address {
        obj.insert("address".into(), json!(a));
    }
    obj.insert("events".into(), events_json(&out.events));
    obj.insert(
        "data".into(),
        out.data
            .map_or(Value::Null, |d| json!(B64.encode(d.as_slice()))),
    );
    obj.insert("gas".into(), json!(out.gas));
    Value::Object(obj)
}

fn no_funds(funds: &[Value]) -> Result<(), Failure> {
    if funds.is_empty() {
        Ok(())
    } else {
        Err(EngineError::unsupported("funds (the engine has no bank)").into())
    }
}

fn msg_bytes(msg: &Value) -> Vec<u8> {
    serde_json::to_vec(msg).expect("a JSON value serializes")
}

fn block_json(engine: &Engine) -> Value {
    let b = engine.block();
    json!({
        "height": b.height,
        "time": b.time_nanos / 1_000_000_000,
        "nanos": b.time_nanos % 1_000_000_000,
        "time_nanos": b.time_nanos.to_string(),
        "chain_id": b.chain_id,
    })
}

fn query_json(engine: &mut Engine, contract: &str, msg: &Value) -> Result<Value, Failure> {
    let out = engine.query(contract, &msg_bytes(msg))?;
    Ok(json!({
        "data": B64.encode(out.data.as_slice()),
        "json": serde_json::from_slice::<Value>(out.data.as_slice()).unwrap_or(Value::Null),
        "gas": out.gas,
    }))
}

fn handle(engine: &mut Engine, request: Request) -> Result<Value, Failure> {
    Ok(match request {
        Request::Store {
            wasm_path,
            wasm_base64,
            sender,
        } => {
            let wasm = match (wasm_path, wasm_base64) {
                (Some(p), None) => {
                    std::fs::read(&p).map_err(|e| bad_request(format!("{p}: {e}")))?
                }
                (None, Some(b)) => B64
                    .decode(b)
                    .map_err(|e| bad_request(format!("wasm_base64: {e}")))?,
                _ => return Err(bad_request("give exactly one of wasm_path, wasm_base64")),
            };
            let creator = sender.unwrap_or_else(|| engine.addr_make("creator"));
            let stored = engine.store_code(&wasm, &creator)?;
            json!({
                "code_id": stored.code_id,
                "checksum": stored.checksum.to_hex(),
                "reused": stored.reused,
            })
        }
        Request::Instantiate {
            code_id,
            sender,
            msg,
            admin,
            label,
            funds,
            gas_limit,
        } => {
            no_funds(&funds)?;
            let label = label.unwrap_or_else(|| format!("code-{code_id}"));
            tx_json(engine.instantiate(
                &sender,
                code_id,
                &msg_bytes(&msg),
                admin.as_deref(),
                &label,
                gas_limit,
            )?)
        }
        Request::Execute {
            contract,
            sender,
            msg,
            funds,
            gas_limit,
        } => {
            no_funds(&funds)?;
            tx_json(engine.execute(&sender, &contract, &msg_bytes(&msg), gas_limit)?)
        }
        Request::Migrate {
            contract,
            sender,
            code_id,
            msg,
            gas_limit,
        } => tx_json(engine.migrate(&sender, &contract, code_id, &msg_bytes(&msg), gas_limit)?),
        Request::Query { contract, msg } => query_json(engine, &contract, &msg)?,
        Request::QueryBatch { queries } => Value::Array(
            queries
                .iter()
                .map(|q| match query_json(engine, &q.contract, &q.msg) {
                    Ok(ok) => json!({ "ok": ok }),
                    Err(f) => json!({ "err": error_body(&f) }),
                })
                .collect(),
        ),
        Request::SetBlock {
            time,
            nanos,
            height,
            chain_id,
        } => {
            let time_nanos = match (time, nanos) {
                (Some(t), n) => {
                    let n = u64::from(n.unwrap_or(0));
                    if n >= 1_000_000_000 {
                        return Err(bad_request("nanos must be below 1e9"));
                    }
                    Some(
                        t.checked_mul(1_000_000_000)
                            .and_then(|x| x.checked_add(n))
                            .ok_or_else(|| bad_request("time out of range"))?,
                    )
                }
                (None, Some(_)) => return Err(bad_request("nanos needs time")),
                (None, None) => None,
            };
            engine.set_block(height, time_nanos, chain_id.as_deref());
            block_json(engine)
        }
        Request::Block {} => block_json(engine),
        Request::AddrMake { name } => json!({ "address": engine.addr_make(&name) }),
        Request::Snapshot {} => json!({ "snapshot_id": engine.snapshot() }),
        Request::Restore { snapshot_id } => {
            engine.restore(snapshot_id)?;
            json!({})
        }
        Request::DropSnapshot { snapshot_id } => {
            json!({ "dropped": engine.drop_snapshot(snapshot_id) })
        }
        Request::ContractInfo { contract } => match engine.contract_info(&contract) {
            Some(info) => json!(info),
            None => return Err(EngineError::no_such_contract(&contract).into()),
        },
        Request::CodeInfo { code_id } => match engine.code(code_id) {
            Some(code) => json!({
                "code_id": code_id,
                "checksum": code.checksum.to_hex(),
                "creator": code.creator,
                "migrate_version": code.migrate_version,
            }),
            None => return Err(EngineError::no_such_code(code_id).into()),
        },
        Request::DumpStorage { contract } => Value::Array(
            engine
                .contract_storage(&contract)
                .into_iter()
                .map(|(k, v)| json!([B64.encode(k), B64.encode(v)]))
                .collect(),
        ),
        Request::Info {} => {
            let mut caps: Vec<String> = engine.vm().capabilities().iter().cloned().collect();
            caps.sort();
            json!({
                "engine": env!("CARGO_PKG_VERSION"),
                "cosmwasm_vm": "2.2",
                "capabilities": caps,
                "prefix": engine.api().prefix(),
                "gas_multiplier": crate::gas::GAS_MULTIPLIER,
                "tx_gas_limit": engine.config().tx_gas_limit,
                "query_gas_limit": engine.config().query_gas_limit,
            })
        }
    })
}

/// Answers one request line; never panics (a panic inside the engine becomes an error
/// response and the transaction it interrupted is dropped).
pub fn respond(engine: &mut Engine, line: &str) -> Value {
    let mut parsed: Value = match serde_json::from_str(line) {
        Ok(v) => v,
        Err(e) => {
            return error_json(Value::Null, &bad_request(format!("not JSON: {e}")));
        }
    };
    let id = parsed
        .as_object_mut()
        .and_then(|o| o.remove("id"))
        .unwrap_or(Value::Null);
    let request: Request = match serde_json::from_value(parsed) {
        Ok(r) => r,
        Err(e) => return error_json(id, &bad_request(e)),
    };
    match catch_unwind(AssertUnwindSafe(|| handle(engine, request))) {
        Ok(Ok(ok)) => json!({ "id": id, "ok": ok }),
        Ok(Err(f)) => error_json(id, &f),
        Err(panic) => {
            let what = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "panic".into());
            engine.abandon_transaction();
            error_json(
                id,
                &EngineError::vm(format!("engine panicked: {what}")).into(),
            )
        }
    }
}

fn error_json(id: Value, f: &Failure) -> Value {
    json!({ "id": id, "err": error_body(f) })
}

fn error_body(f: &Failure) -> Value {
    let e = &f.error;
    let mut err = json!({
        "message": e.message,
        "kind": e.kind,
        "codespace": e.codespace,
        "code": e.code,
        "log": e.log,
    });
    if let Some(g) = &f.gas {
        err["gas"] = json!(g);
    }
    if e.kind == ErrorKind::Contract {
        if let Some((code, name)) = parse_vagus_code(&e.message) {
            err["vagus_code"] = json!(code);
            err["vagus_name"] = json!(name);
        }
    }
    err
}

/// `vagus:<4 digits> <Name>` anywhere in a contract error.
fn parse_vagus_code(text: &str) -> Option<(u16, String)> {
    let rest = &text[text.find("vagus:")? + "vagus:".len()..];
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    if digits.len() != 4 {
        return None;
    }
    let name: String = rest[4..]
        .trim_start_matches(' ')
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    Some((digits.parse().ok()?, name))
}

/// Serves requests until end of input; blank lines are ignored.
pub fn serve(
    engine: &mut Engine,
    input: impl BufRead,
    mut output: impl Write,
) -> std::io::Result<()> {
    for line in input.lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let response = respond(engine, &line);
        serde_json::to_writer(&mut output, &response)?;
        output.write_all(b"\n")?;
        output.flush()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vagus_codes_are_found_in_contract_errors() {
        assert_eq!(
            parse_vagus_code("vagus:2001 ZeroWindow: window must be at least 1 second"),
            Some((2001, "ZeroWindow".into()))
        );
        assert_eq!(parse_vagus_code("Generic error: x"), None);
    }
}
