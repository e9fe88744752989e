//! Test-only contract that lets vagus-wasm-engine's tests script what a contract does:
//! one `Act` says which keys to write or remove, which attributes and events to emit, which
//! sub-messages to send, what to query, what data to return, and whether to fail at the
//! end. Replies run the `Act` carried in the sub-message's payload and record the `Reply`
//! they received under `reply:<id>`; migrate records its `MigrateInfo` under
//! `migrate_info`. Storage keys and values are UTF-8 strings. It also answers the reflex
//! arc's notifications, so tests can link it where a reflex arc goes (see `ExecuteMsg`).
//!
//! Built to wasm by the engine's tests (tests/support/probe.rs), never by
//! scripts/build-wasm.sh, so it is not a production artifact.

use cosmwasm_std::{
    entry_point, from_json, to_json_binary, to_json_vec, Binary, ContractResult, Deps, DepsMut,
    Empty, Env, Event, MessageInfo, MigrateInfo, Order, QueryRequest, Reply, Response, StdError,
    StdResult, SubMsg, SystemResult, WasmQuery,
};
use serde::{Deserialize, Serialize};

/// What one call does, in this order: burn, writes, removes, query, attributes/events,
/// sub-messages, data, fail.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Act {
    #[serde(default)]
    pub writes: Vec<(String, String)>,
    #[serde(default)]
    pub removes: Vec<String>,
    /// Busy-loop iterations (gas burner).
    #[serde(default)]
    pub burn: u64,
    /// Smart-query `contract` with `msg` and store the raw response (or the error text,
    /// prefixed `error:`) under `store_as`.
    #[serde(default)]
    pub query: Option<ProbeQuery>,
    /// Query `ContractInfo` of this address and store the JSON under `contract_info`.
    #[serde(default)]
    pub contract_info_of: Option<String>,
    #[serde(default)]
    pub attributes: Vec<(String, String)>,
    #[serde(default)]
    pub events: Vec<Event>,
    #[serde(default)]
    pub msgs: Vec<SubMsg>,
    #[serde(default)]
    pub data: Option<Binary>,
    /// Return this error after everything else (writes included) was done.
    #[serde(default)]
    pub fail: Option<String>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct ProbeQuery {
    pub contract: String,
    pub msg: Binary,
    pub store_as: String,
}

// A test contract's message, deserialized once per execute: its size does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Deserialize, Debug)]
#[serde(rename_all = "snake_case")]
pub enum ExecuteMsg {
    Act(Act),
    /// The reflex arc's notifications, so that the probe can stand in for a reflex arc:
    /// they run the `Act` stored (as JSON) under `reflex_act` by an earlier call, if any.
    OnStateTransition(serde::de::IgnoredAny),
    OnEvidence(serde::de::IgnoredAny),
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "snake_case")]
pub enum QueryMsg {
    /// `Option<String>`
    Get {
        key: String,
    },
    /// `Vec<(String, String)>` of keys in `[start, end)`, through the storage iterator.
    Range {
        start: Option<String>,
        end: Option<String>,
        #[serde(default)]
        descending: bool,
    },
    /// The `Env` the contract received.
    Env {},
    /// Forwards a smart query (query → query).
    Smart {
        contract: String,
        msg: Binary,
    },
    Fail {
        message: String,
    },
}

fn act(deps: DepsMut, act: Act) -> StdResult<Response> {
    let mut acc = 0u64;
    for i in 0..act.burn {
        acc = core::hint::black_box(acc.wrapping_mul(6364136223846793005).wrapping_add(i));
    }
    for (k, v) in &act.writes {
        deps.storage.set(k.as_bytes(), v.as_bytes());
    }
    for k in &act.removes {
        deps.storage.remove(k.as_bytes());
    }
    if let Some(q) = &act.query {
        let request: QueryRequest<Empty> = QueryRequest::Wasm(WasmQuery::Smart {
            contract_addr: q.contract.clone(),
            msg: q.msg.clone(),
        });
        let stored = match deps.querier.raw_query(&to_json_vec(&request)?) {
            SystemResult::Ok(ContractResult::Ok(bin)) => {
                String::from_utf8_lossy(bin.as_slice()).to_string()
            }
            SystemResult::Ok(ContractResult::Err(e)) => format!("error:{e}"),
            SystemResult::Err(e) => format!("system_error:{e}"),
        };
        deps.storage.set(q.store_as.as_bytes(), stored.as_bytes());
    }
    if let Some(addr) = &act.contract_info_of {
        let info = deps.querier.query_wasm_contract_info(addr)?;
        deps.storage.set(b"contract_info", &to_json_vec(&info)?);
    }
    let mut res = Response::new()
        .add_attributes(act.attributes.clone())
        .add_events(act.events.clone())
        .add_submessages(act.msgs.clone());
    if act.burn > 0 {
        res = res.add_attribute("burned", acc.to_string());
    }
    if let Some(data) = act.data {
        res = res.set_data(data);
    }
    match act.fail {
        Some(msg) => Err(StdError::generic_err(msg)),
        None => Ok(res),
    }
}

#[entry_point]
pub fn instantiate(deps: DepsMut, _env: Env, info: MessageInfo, msg: Act) -> StdResult<Response> {
    deps.storage.set(b"creator", info.sender.as_bytes());
    act(deps, msg)
}

#[entry_point]
pub fn execute(
    deps: DepsMut,
    _env: Env,
    info: MessageInfo,
    msg: ExecuteMsg,
) -> StdResult<Response> {
    deps.storage.set(b"last_sender", info.sender.as_bytes());
    match msg {
        ExecuteMsg::Act(a) => act(deps, a),
        ExecuteMsg::OnStateTransition(_) | ExecuteMsg::OnEvidence(_) => {
            let a = match deps.storage.get(b"reflex_act") {
                Some(json) => from_json(&json)?,
                None => Act::default(),
            };
            act(deps, a)
        }
    }
}

/// Records the reply, then runs the `Act` in its payload (empty payload: do nothing).
#[entry_point]
pub fn reply(deps: DepsMut, _env: Env, reply: Reply) -> StdResult<Response> {
    let key = format!("reply:{}", reply.id);
    deps.storage.set(key.as_bytes(), &to_json_vec(&reply)?);
    let a: Act = if reply.payload.is_empty() {
        Act::default()
    } else {
        from_json(&reply.payload)?
    };
    act(deps, a)
}

#[entry_point]
pub fn migrate(deps: DepsMut, _env: Env, msg: Act, info: MigrateInfo) -> StdResult<Response> {
    deps.storage.set(b"migrate_info", &to_json_vec(&info)?);
    act(deps, msg)
}

#[entry_point]
pub fn query(deps: Deps, env: Env, msg: QueryMsg) -> StdResult<Binary> {
    match msg {
        QueryMsg::Get { key } => to_json_binary(
            &deps
                .storage
                .get(key.as_bytes())
                .map(|v| String::from_utf8_lossy(&v).to_string()),
        ),
        QueryMsg::Range {
            start,
            end,
            descending,
        } => {
            let order = if descending {
                Order::Descending
            } else {
                Order::Ascending
            };
            let items: Vec<(String, String)> = deps
                .storage
                .range(
                    start.as_ref().map(|s| s.as_bytes()),
                    end.as_ref().map(|s| s.as_bytes()),
                    order,
                )
                .map(|(k, v)| {
                    (
                        String::from_utf8_lossy(&k).to_string(),
                        String::from_utf8_lossy(&v).to_string(),
                    )
                })
                .collect();
            to_json_binary(&items)
        }
        QueryMsg::Env {} => to_json_binary(&env),
        QueryMsg::Smart { contract, msg } => {
            let request: QueryRequest<Empty> = QueryRequest::Wasm(WasmQuery::Smart {
                contract_addr: contract,
                msg,
            });
            match deps.querier.raw_query(&to_json_vec(&request)?) {
                SystemResult::Ok(ContractResult::Ok(bin)) => Ok(bin),
                SystemResult::Ok(ContractResult::Err(e)) => {
                    Err(StdError::generic_err(format!("forwarded: {e}")))
                }
                SystemResult::Err(e) => Err(StdError::generic_err(format!("forwarded: {e}"))),
            }
        }
        QueryMsg::Fail { message } => Err(StdError::generic_err(message)),
    }
}
