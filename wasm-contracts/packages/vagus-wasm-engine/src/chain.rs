//! What x/wasm does around the VM: contract calls with wasmd's gas charges, responses
//! turned into events, sub-messages dispatched in their own write layers, replies, and the
//! queries contracts make of each other.
//!
//! Each function mirrors the wasmd keeper function named in its doc, including the order
//! in which events are emitted and how errors are wrapped, so that the engine's events,
//! data and error texts are those of a wasmd node.

use std::sync::{Arc, Mutex};

use cosmwasm_std::{
    Addr, Attribute, Binary, BlockInfo, Checksum, CodeInfoResponse, ContractInfo,
    ContractInfoResponse, ContractResult, CosmosMsg, Env, Event, MessageInfo, MigrateInfo,
    MsgResponse, QueryResponse, Reply, ReplyOn, Response, SubMsg, SubMsgResponse, SubMsgResult,
    SystemError, SystemResult, Timestamp, TransactionInfo, WasmMsg,
};
use cosmwasm_vm::{
    call_execute_raw, call_instantiate_raw, call_migrate_with_info_raw, call_query_raw,
    call_reply_raw, Backend, BackendError, BackendResult, GasInfo, Instance, InstanceOptions,
    VmError, VmResult,
};
use serde::de::DeserializeOwned;

use crate::address::{classic_contract_address, EngineApi};
use crate::backend::{lock, ContractQueries, ContractStorage, EngineQuerier, MAX_QUERY_DEPTH};
use crate::error::{EngineError, ErrorKind};
use crate::gas::{
    event_costs, GAS_MULTIPLIER, INSTANCE_COST, INSTANCE_COST_DISCOUNT,
    JSON_DESERIALIZATION_COST_PER_BYTE, READ_COST_FLAT, READ_COST_PER_BYTE,
};
use crate::state::{contract_store_prefix, ContractRecord, World};
use crate::vm::Vm;

type EngineInstance = Instance<EngineApi, ContractStorage, EngineQuerier>;

/// Sub-message nesting limit (wasmd's `maxCallDepth` is larger; this only keeps a runaway
/// contract from exhausting the native stack).
const MAX_CALL_DEPTH: u32 = 64;
/// wasmd `MaxLabelSize`.
const MAX_LABEL_SIZE: usize = 128;

/// The handle every call and every backend works through.
#[derive(Clone)]
pub(crate) struct Chain {
    pub vm: Arc<Vm>,
    pub world: Arc<Mutex<World>>,
    pub api: EngineApi,
    pub depth: u32,
}

/// The events and data of a call and everything it dispatched.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Dispatched {
    pub events: Vec<Event>,
    pub data: Option<Binary>,
}

fn from_json<T: DeserializeOwned>(raw: &[u8], what: &str) -> Result<T, EngineError> {
    serde_json::from_slice(raw)
        .map_err(|e| EngineError::vm(format!("cannot parse the contract's {what} result: {e}")))
}

fn to_json(v: &impl serde::Serialize) -> Vec<u8> {
    serde_json::to_vec(v).expect("engine types serialize")
}

/// One protobuf length-delimited field (wire type 2), omitted when empty like proto3 does.
fn proto_bytes_field(out: &mut Vec<u8>, field: u8, bytes: &[u8]) {
    if bytes.is_empty() {
        return;
    }
    out.push(field << 3 | 2);
    let mut len = bytes.len();
    loop {
        let b = (len & 0x7f) as u8;
        len >>= 7;
        if len == 0 {
            out.push(b);
            break;
        }
        out.push(b | 0x80);
    }
    out.extend_from_slice(bytes);
}

/// What a sub-message's SDK message handler returns: `data` is the protobuf-encoded
/// `Msg*Response` (as the SDK's `Result.Data`), `msg_responses` its `Any`.
struct SubDispatch {
    events: Vec<Event>,
    response: Vec<u8>,
    type_url: &'static str,
}

/// An attribute built without cosmwasm-std's debug check, which forbids the `_` keys the
/// chain itself adds.
fn attr(key: &str, value: impl Into<String>) -> Attribute {
    Attribute {
        key: key.to_string(),
        value: value.into(),
    }
}

/// An x/wasm event (`execute`, `instantiate`, …).
fn chain_event(ty: &str, attrs: Vec<Attribute>) -> Event {
    let mut e = Event::new(ty);
    e.attributes = attrs;
    e
}

/// wasmd `contractSDKEventAttributes`: `_contract_address` first, then the contract's
/// attributes trimmed, none empty and none starting with `_`.
fn contract_attributes(contract: &str, attrs: &[Attribute]) -> Result<Vec<Attribute>, EngineError> {
    let mut out = Vec::with_capacity(attrs.len() + 1);
    out.push(attr("_contract_address", contract));
    for a in attrs {
        let key = a.key.trim();
        if key.is_empty() {
            return Err(EngineError::invalid_event(format!(
                "Empty attribute key. Value: {}",
                a.value
            )));
        }
        let value = a.value.trim();
        if value.is_empty() {
            return Err(EngineError::invalid_event(format!(
                "Empty attribute value. Key: {key}"
            )));
        }
        if key.starts_with('_') {
            return Err(EngineError::invalid_event(format!(
                "Attribute key starts with reserved prefix _: '{key}'"
            )));
        }
        out.push(attr(key, value));
    }
    Ok(out)
}

impl Chain {
    fn world(&self) -> std::sync::MutexGuard<'_, World> {
        lock(&self.world)
    }

    fn env(&self, contract: &str) -> Env {
        let w = self.world();
        Env {
            block: BlockInfo {
                height: w.block.height,
                time: Timestamp::from_nanos(w.block.time_nanos),
                chain_id: w.block.chain_id.clone(),
            },
            // wasmd sets the transaction only when a transaction is running (not for
            // gRPC queries); the engine runs one transaction per block, index 0.
            transaction: w.in_tx.then_some(TransactionInfo { index: 0 }),
            contract: ContractInfo {
                address: Addr::unchecked(contract),
            },
        }
    }

    /// A contract address → `(canonical, record)`.
    fn contract(&self, human: &str) -> Result<(Vec<u8>, ContractRecord), EngineError> {
        let canonical = self
            .api
            .validate(human)
            .map_err(|e| EngineError::invalid_address(human, e))?;
        let record = self
            .world()
            .contract(&canonical)
            .ok_or_else(|| EngineError::no_such_contract(human))?;
        Ok((canonical, record))
    }

    fn checksum_of(&self, code_id: u64) -> Result<Checksum, EngineError> {
        self.world()
            .code(code_id)
            .map(|c| c.checksum)
            .ok_or_else(|| EngineError::no_such_code(code_id))
    }

    fn charge(&self, sdk_gas: u64, part: fn(&mut World) -> &mut u64) -> Result<(), EngineError> {
        let mut w = self.world();
        let slot = part(&mut w);
        *slot = slot.saturating_add(sdk_gas);
        w.gas.charge(sdk_gas).map_err(|_| EngineError::out_of_gas())
    }

    /// One VM call: charges wasmd's setup cost (`SetupContractCost`, or `extra_setup` for a
    /// reply), runs `call` on a fresh instance of `checksum` over `canonical`'s storage with
    /// the meter's remaining gas, then charges the VM gas it used (`consumeRuntimeGas`).
    fn call_vm(
        &self,
        checksum: &Checksum,
        canonical: &[u8],
        reply_setup: Option<u64>,
        call: impl FnOnce(&mut EngineInstance) -> VmResult<Vec<u8>>,
    ) -> Result<Vec<u8>, EngineError> {
        let gas_limit = {
            let mut w = self.world();
            let setup = match reply_setup {
                Some(cost) => cost,
                None if w.loaded.contains(checksum) => INSTANCE_COST_DISCOUNT,
                None => INSTANCE_COST,
            };
            if !w.loaded.contains(checksum) {
                w.loaded.push(*checksum);
            }
            w.tally.setup = w.tally.setup.saturating_add(setup);
            w.gas.charge(setup).map_err(|_| EngineError::out_of_gas())?;
            w.gas.vm_limit()
        };
        let backend = Backend {
            api: self.api.clone(),
            storage: ContractStorage::new(self.world.clone(), contract_store_prefix(canonical)),
            querier: EngineQuerier::new(Box::new(Chain {
                depth: self.depth + 1,
                ..self.clone()
            })),
        };
        let mut instance = self
            .vm
            .cache
            .get_instance(checksum, backend, InstanceOptions { gas_limit })
            .map_err(EngineError::vm)?;
        let result = call(&mut instance);
        let report = instance.create_gas_report();
        drop(instance);
        let deserialization = result
            .as_ref()
            .map_or(0, |r| r.len() as u64 * JSON_DESERIALIZATION_COST_PER_BYTE);
        let vm_gas = report.used_internally.saturating_add(deserialization);
        let charged = {
            let mut w = self.world();
            w.tally.vm = w.tally.vm.saturating_add(vm_gas);
            let sdk = vm_gas / GAS_MULTIPLIER;
            w.tally.wasm = w.tally.wasm.saturating_add(sdk);
            w.gas.charge(sdk)
        };
        match result {
            Err(VmError::GasDepletion { .. }) => Err(EngineError::out_of_gas()),
            Err(e) => Err(EngineError::vm(e)),
            Ok(_) if charged.is_err() => Err(EngineError::out_of_gas()),
            Ok(raw) => Ok(raw),
        }
    }

    /// wasmd `handleContractResponse`: charges the event costs, emits the `wasm` event (if
    /// the response has attributes) and the `wasm-<type>` events, dispatches the
    /// sub-messages; returns the data (a reply's data replaces the response's).
    fn handle_response(
        &self,
        contract: &str,
        response: Response,
        events: &mut Vec<Event>,
    ) -> Result<Option<Binary>, EngineError> {
        let attrs: Vec<(usize, usize)> = response
            .attributes
            .iter()
            .map(|a| (a.key.len(), a.value.len()))
            .collect();
        let custom: Vec<(usize, Vec<(usize, usize)>)> = response
            .events
            .iter()
            .map(|e| {
                (
                    e.ty.len(),
                    e.attributes
                        .iter()
                        .map(|a| (a.key.len(), a.value.len()))
                        .collect(),
                )
            })
            .collect();
        self.charge(event_costs(&attrs, &custom), |w| &mut w.tally.events)?;

        if !response.attributes.is_empty() {
            let mut wasm = Event::new("wasm");
            wasm.attributes = contract_attributes(contract, &response.attributes)?;
            events.push(wasm);
        }
        for e in &response.events {
            let ty = e.ty.trim();
            if ty.len() <= 2 {
                return Err(EngineError::invalid_event(format!(
                    "Event type too short: '{ty}'"
                )));
            }
            let mut custom = Event::new(format!("wasm-{ty}"));
            custom.attributes = contract_attributes(contract, &e.attributes)?;
            events.push(custom);
        }
        let replied = self
            .dispatch_submessages(contract, response.messages, events)
            .map_err(|e| e.wrap("submessages"))?;
        Ok(replied.or(response.data))
    }

    /// wasmd `MessageDispatcher.DispatchSubmessages`.
    fn dispatch_submessages(
        &self,
        contract: &str,
        msgs: Vec<SubMsg>,
        events: &mut Vec<Event>,
    ) -> Result<Option<Binary>, EngineError> {
        let mut data = None;
        for sub in msgs {
            if self.depth >= MAX_CALL_DEPTH {
                return Err(EngineError::invalid("sub-message call depth exceeded"));
            }
            // A sub-message runs in its own write layer, under its own gas limit if it has
            // one below what is left.
            let limited = {
                let mut w = self.world();
                w.kv.push();
                let remaining = w.gas.remaining();
                match sub.gas_limit.filter(|l| *l < remaining) {
                    Some(l) => {
                        let saved = (w.gas.limit, w.gas.consumed);
                        w.gas.limit = w.gas.consumed + l;
                        Some((saved, l))
                    }
                    None => None,
                }
            };
            let child = Chain {
                depth: self.depth + 1,
                ..self.clone()
            };
            let mut result = child.dispatch_msg(contract, sub.msg.clone());
            {
                let mut w = self.world();
                if let Some(((limit, consumed_before), l)) = limited {
                    w.gas.limit = limit;
                    if matches!(&result, Err(e) if e.kind == ErrorKind::OutOfGas && e.fatal) {
                        // wasmd recovers the sub-meter's out-of-gas panic, charges the
                        // whole sub-limit and turns it into an ordinary error.
                        w.gas.consumed = consumed_before + l;
                        let mut e = EngineError::out_of_gas().wrap("SubMsg hit gas limit");
                        e.fatal = false;
                        result = Err(e);
                    }
                    if w.gas.consumed > w.gas.limit {
                        w.kv.discard_top();
                        return Err(EngineError::out_of_gas());
                    }
                }
                match &result {
                    Ok(_) => w.kv.commit_top(),
                    Err(_) => w.kv.discard_top(),
                }
            }
            let result = match result {
                Err(e) if e.fatal => return Err(e),
                other => other,
            };
            let result = result.map(|mut d| {
                // wasmd sorts (in place, by key, stably) the attributes of a successful
                // wasm sub-message's events before handing them to the reply; the events
                // already emitted share the attribute slices, so the transaction's events
                // end up sorted too.
                for e in &mut d.events {
                    e.attributes.sort_by(|a, b| a.key.cmp(&b.key));
                }
                events.extend(d.events.iter().cloned());
                d
            });
            let reply_wanted = match (&sub.reply_on, &result) {
                (ReplyOn::Success | ReplyOn::Never, Err(_)) => {
                    return Err(result.err().expect("matched Err"));
                }
                (ReplyOn::Never, Ok(_)) | (ReplyOn::Error, Ok(_)) => false,
                _ => true,
            };
            if !reply_wanted {
                continue;
            }
            let result = match result {
                #[allow(deprecated)]
                Ok(d) => SubMsgResult::Ok(SubMsgResponse {
                    events: d.events,
                    data: (!d.response.is_empty()).then(|| Binary::new(d.response.clone())),
                    msg_responses: vec![MsgResponse {
                        type_url: d.type_url.to_string(),
                        value: Binary::new(d.response),
                    }],
                }),
                Err(e) => SubMsgResult::Err(e.redacted()),
            };
            // wasmd leaves `gas_used` unset (0) in the reply it builds.
            let reply = Reply {
                id: sub.id,
                payload: sub.payload,
                gas_used: 0,
                result,
            };
            if let Some(d) = self
                .reply(contract, reply, events)
                .map_err(|e| e.wrap("reply"))?
            {
                data = Some(d);
            }
        }
        Ok(data)
    }

    /// wasmd's SDK message handler for the wasm messages a contract may send.
    fn dispatch_msg(&self, sender: &str, msg: CosmosMsg) -> Result<SubDispatch, EngineError> {
        let no_funds = |funds: &[cosmwasm_std::Coin]| {
            if funds.is_empty() {
                Ok(())
            } else {
                Err(EngineError::unsupported("funds (the engine has no bank)"))
            }
        };
        match msg {
            CosmosMsg::Wasm(WasmMsg::Execute {
                contract_addr,
                msg,
                funds,
            }) => {
                no_funds(&funds)?;
                let d = self.execute(sender, &contract_addr, msg.as_slice())?;
                let mut response = Vec::new();
                proto_bytes_field(
                    &mut response,
                    1,
                    d.data.as_ref().map_or(&[], |b| b.as_slice()),
                );
                Ok(SubDispatch {
                    events: d.events,
                    response,
                    type_url: "/cosmwasm.wasm.v1.MsgExecuteContractResponse",
                })
            }
            CosmosMsg::Wasm(WasmMsg::Instantiate {
                admin,
                code_id,
                msg,
                funds,
                label,
            }) => {
                no_funds(&funds)?;
                let (address, d) =
                    self.instantiate(sender, code_id, admin.as_deref(), msg.as_slice(), &label)?;
                let mut response = Vec::new();
                proto_bytes_field(&mut response, 1, address.as_bytes());
                proto_bytes_field(
                    &mut response,
                    2,
                    d.data.as_ref().map_or(&[], |b| b.as_slice()),
                );
                Ok(SubDispatch {
                    events: d.events,
                    response,
                    type_url: "/cosmwasm.wasm.v1.MsgInstantiateContractResponse",
                })
            }
            CosmosMsg::Wasm(WasmMsg::Migrate {
                contract_addr,
                new_code_id,
                msg,
            }) => {
                let d = self.migrate(sender, &contract_addr, new_code_id, msg.as_slice())?;
                let mut response = Vec::new();
                proto_bytes_field(
                    &mut response,
                    1,
                    d.data.as_ref().map_or(&[], |b| b.as_slice()),
                );
                Ok(SubDispatch {
                    events: d.events,
                    response,
                    type_url: "/cosmwasm.wasm.v1.MsgMigrateContractResponse",
                })
            }
            CosmosMsg::Wasm(WasmMsg::UpdateAdmin {
                contract_addr,
                admin,
            }) => {
                let events = self.set_admin(sender, &contract_addr, Some(&admin))?;
                Ok(SubDispatch {
                    events,
                    response: Vec::new(),
                    type_url: "/cosmwasm.wasm.v1.MsgUpdateAdminResponse",
                })
            }
            CosmosMsg::Wasm(WasmMsg::ClearAdmin { contract_addr }) => {
                let events = self.set_admin(sender, &contract_addr, None)?;
                Ok(SubDispatch {
                    events,
                    response: Vec::new(),
                    type_url: "/cosmwasm.wasm.v1.MsgClearAdminResponse",
                })
            }
            other => {
                let kind = serde_json::to_value(&other)
                    .ok()
                    .and_then(|v| {
                        v.as_object().and_then(|o| {
                            o.iter().next().map(|(k, inner)| {
                                match inner.as_object().and_then(|i| i.keys().next()) {
                                    Some(sub) => format!("{k}.{sub}"),
                                    None => k.clone(),
                                }
                            })
                        })
                    })
                    .unwrap_or_else(|| "unknown".into());
                Err(EngineError::unsupported(format!(
                    "unsupported message {kind}"
                )))
            }
        }
    }

    /// wasmd `Keeper.execute`.
    pub fn execute(
        &self,
        sender: &str,
        contract: &str,
        msg: &[u8],
    ) -> Result<Dispatched, EngineError> {
        let (canonical, record) = self.contract(contract)?;
        let checksum = self.checksum_of(record.code_id)?;
        let env = to_json(&self.env(contract));
        let info = to_json(&MessageInfo {
            sender: Addr::unchecked(sender),
            funds: vec![],
        });
        let raw = self.call_vm(&checksum, &canonical, None, |i| {
            call_execute_raw(i, &env, &info, msg)
        })?;
        let response = match from_json::<ContractResult<Response>>(&raw, "execute")? {
            ContractResult::Ok(r) => r,
            ContractResult::Err(msg) => return Err(EngineError::execute_failed(msg)),
        };
        let mut events = vec![chain_event(
            "execute",
            vec![attr("_contract_address", contract)],
        )];
        let data = self.handle_response(contract, response, &mut events)?;
        Ok(Dispatched { events, data })
    }

    /// wasmd `Keeper.instantiate` with the classic address generator.
    pub fn instantiate(
        &self,
        sender: &str,
        code_id: u64,
        admin: Option<&str>,
        msg: &[u8],
        label: &str,
    ) -> Result<(String, Dispatched), EngineError> {
        let checksum = self.checksum_of(code_id)?;
        if label.trim().is_empty() {
            return Err(EngineError::invalid("label: empty"));
        }
        if label.len() > MAX_LABEL_SIZE {
            return Err(EngineError::invalid(format!(
                "label: cannot be longer than {MAX_LABEL_SIZE} characters"
            )));
        }
        let admin = match admin.filter(|a| !a.is_empty()) {
            Some(a) => {
                self.api
                    .validate(a)
                    .map_err(|e| EngineError::invalid_address(a, e))?;
                Some(a.to_string())
            }
            None => None,
        };
        let canonical = {
            let mut w = self.world();
            let instance_id = w.next_instance_id();
            let canonical = classic_contract_address(code_id, instance_id).to_vec();
            if w.contract(&canonical).is_some() {
                return Err(EngineError::invalid("contract address already exists"));
            }
            canonical
        };
        let address = self.api.humanize(&canonical).map_err(EngineError::vm)?;
        let env = to_json(&self.env(&address));
        let info = to_json(&MessageInfo {
            sender: Addr::unchecked(sender),
            funds: vec![],
        });
        let raw = self.call_vm(&checksum, &canonical, None, |i| {
            call_instantiate_raw(i, &env, &info, msg)
        })?;
        let response = match from_json::<ContractResult<Response>>(&raw, "instantiate")? {
            ContractResult::Ok(r) => r,
            ContractResult::Err(msg) => {
                return Err(EngineError::contract(
                    msg,
                    4,
                    "instantiate wasm contract failed",
                ))
            }
        };
        {
            let mut w = self.world();
            let created_height = w.block.height;
            w.set_contract(
                &canonical,
                &ContractRecord {
                    code_id,
                    creator: sender.to_string(),
                    admin,
                    label: label.to_string(),
                    created_height,
                },
            );
        }
        let mut events = vec![chain_event(
            "instantiate",
            vec![
                attr("_contract_address", &address),
                attr("code_id", code_id.to_string()),
            ],
        )];
        let data = self
            .handle_response(&address, response, &mut events)
            .map_err(|e| e.wrap("dispatch"))?;
        Ok((address, Dispatched { events, data }))
    }

    /// wasmd `Keeper.migrate`: only the admin may migrate; the `migrate` entry point is
    /// called with `MigrateInfo` (falling back to the 2-argument form for older contracts,
    /// as the VM does) unless both codes declare the same `cw_migrate_version`.
    pub fn migrate(
        &self,
        sender: &str,
        contract: &str,
        new_code_id: u64,
        msg: &[u8],
    ) -> Result<Dispatched, EngineError> {
        let canonical = self
            .api
            .validate(contract)
            .map_err(|e| EngineError::invalid_address(contract, e))?;
        let mut record = self
            .world()
            .contract(&canonical)
            .ok_or_else(|| EngineError::invalid_request("unknown contract"))?;
        if record.admin.as_deref() != Some(sender) {
            return Err(EngineError::unauthorized("can not migrate"));
        }
        let (new_code, old_version) = {
            let w = self.world();
            let new_code = w
                .code(new_code_id)
                .cloned()
                .ok_or_else(|| EngineError::invalid_request("unknown code"))?;
            (
                new_code,
                w.code(record.code_id).and_then(|c| c.migrate_version),
            )
        };
        let call = match (new_code.migrate_version, old_version) {
            (Some(new), Some(old)) => new != old,
            _ => true,
        };
        let response = if call {
            let env = to_json(&self.env(contract));
            let info = to_json(&MigrateInfo {
                sender: Addr::unchecked(sender),
                old_migrate_version: old_version,
            });
            let raw = self.call_vm(&new_code.checksum, &canonical, None, |i| {
                call_migrate_with_info_raw(i, &env, msg, &info)
            })?;
            match from_json::<ContractResult<Response>>(&raw, "migrate")? {
                ContractResult::Ok(r) => Some(r),
                ContractResult::Err(msg) => {
                    return Err(EngineError::contract(
                        msg,
                        11,
                        "migrate wasm contract failed",
                    ))
                }
            }
        } else {
            None
        };
        record.code_id = new_code_id;
        self.world().set_contract(&canonical, &record);
        let mut events = vec![chain_event(
            "migrate",
            vec![
                attr("code_id", new_code_id.to_string()),
                attr("_contract_address", contract),
            ],
        )];
        let data = match response {
            Some(r) => self
                .handle_response(contract, r, &mut events)
                .map_err(|e| e.wrap("dispatch"))?,
            None => None,
        };
        Ok(Dispatched { events, data })
    }

    /// wasmd `Keeper.setContractAdmin` (`UpdateAdmin` / `ClearAdmin`).
    pub fn set_admin(
        &self,
        sender: &str,
        contract: &str,
        new_admin: Option<&str>,
    ) -> Result<Vec<Event>, EngineError> {
        let canonical = self
            .api
            .validate(contract)
            .map_err(|e| EngineError::invalid_address(contract, e))?;
        if let Some(a) = new_admin {
            self.api
                .validate(a)
                .map_err(|e| EngineError::invalid_address(a, e))?;
        }
        let mut w = self.world();
        let mut record = w
            .contract(&canonical)
            .ok_or_else(|| EngineError::invalid_request("unknown contract"))?;
        if record.admin.as_deref() != Some(sender) {
            return Err(EngineError::unauthorized("can not modify contract"));
        }
        record.admin = new_admin.map(str::to_string);
        w.set_contract(&canonical, &record);
        Ok(vec![chain_event(
            "update_contract_admin",
            vec![
                attr("_contract_address", contract),
                attr("new_admin_address", new_admin.unwrap_or_default()),
            ],
        )])
    }

    /// wasmd `Keeper.reply`: runs in the parent's layer, its events follow the
    /// sub-message's.
    fn reply(
        &self,
        contract: &str,
        reply: Reply,
        events: &mut Vec<Event>,
    ) -> Result<Option<Binary>, EngineError> {
        let (canonical, record) = self.contract(contract)?;
        let checksum = self.checksum_of(record.code_id)?;
        // wasmd `ReplyCosts(discount=true, reply)`.
        let mut setup = INSTANCE_COST_DISCOUNT;
        if let SubMsgResult::Ok(ok) = &reply.result {
            let mut attrs = Vec::new();
            for e in &ok.events {
                setup += e.ty.len() as u64;
                attrs.extend(e.attributes.iter().map(|a| (a.key.len(), a.value.len())));
            }
            setup += event_costs(&attrs, &[]);
        }
        let env = to_json(&self.env(contract));
        let msg = to_json(&reply);
        let raw = self.call_vm(&checksum, &canonical, Some(setup), |i| {
            call_reply_raw(i, &env, &msg)
        })?;
        let response = match from_json::<ContractResult<Response>>(&raw, "reply")? {
            ContractResult::Ok(r) => r,
            ContractResult::Err(msg) => return Err(EngineError::execute_failed(msg)),
        };
        events.push(chain_event(
            "reply",
            vec![attr("_contract_address", contract)],
        ));
        self.handle_response(contract, response, events)
            .map_err(|e| e.wrap("dispatch"))
    }

    /// wasmd `Keeper.QuerySmart`.
    pub fn query_smart(&self, contract: &str, msg: &[u8]) -> Result<Binary, EngineError> {
        let (canonical, record) = self.contract(contract)?;
        let checksum = self.checksum_of(record.code_id)?;
        let env = to_json(&self.env(contract));
        let raw = self.call_vm(&checksum, &canonical, None, |i| {
            call_query_raw(i, &env, msg)
        })?;
        match from_json::<ContractResult<QueryResponse>>(&raw, "query")? {
            ContractResult::Ok(bin) => Ok(bin),
            ContractResult::Err(msg) => {
                Err(EngineError::contract(msg, 9, "query wasm contract failed"))
            }
        }
    }

    /// A contract's `WasmQuery::Smart` (wasmd `QueryHandler.Query`): runs under a
    /// sub-meter of the caller's remaining gas, charges what it used to the transaction
    /// and reports it to the caller's VM as externally used gas.
    pub fn nested_smart_query(
        &self,
        contract: &str,
        msg: &[u8],
        vm_gas_limit: u64,
    ) -> BackendResult<SystemResult<ContractResult<Binary>>> {
        let (saved_limit, before) = {
            let mut w = self.world();
            if w.query_depth >= MAX_QUERY_DEPTH {
                return (
                    // wasmd `ErrExceedMaxQueryStackSize` (wasm/27), redacted.
                    Ok(SystemResult::Ok(ContractResult::Err(
                        "codespace: wasm, code: 27".into(),
                    ))),
                    GasInfo::free(),
                );
            }
            w.query_depth += 1;
            let saved = w.gas.limit;
            let sub_limit = w.gas.consumed.saturating_add(vm_gas_limit / GAS_MULTIPLIER);
            w.gas.limit = saved.min(sub_limit);
            (saved, w.gas.consumed)
        };
        let canonical_ok = self.api.validate(contract);
        let exists = canonical_ok
            .as_ref()
            .ok()
            .is_some_and(|c| self.world().contract(c).is_some());
        let result = if canonical_ok.is_err() {
            Ok(SystemResult::Ok(ContractResult::Err(
                "codespace: undefined, code: 1".into(),
            )))
        } else if !exists {
            Ok(SystemResult::Err(SystemError::NoSuchContract {
                addr: contract.to_string(),
            }))
        } else {
            match self.query_smart(contract, msg) {
                Ok(bin) => Ok(SystemResult::Ok(ContractResult::Ok(bin))),
                Err(e) if e.kind == ErrorKind::OutOfGas => Err(BackendError::out_of_gas()),
                Err(e) => Ok(SystemResult::Ok(ContractResult::Err(e.redacted()))),
            }
        };
        let used = {
            let mut w = self.world();
            w.query_depth -= 1;
            w.gas.limit = saved_limit;
            w.gas.consumed.saturating_sub(before)
        };
        (
            result,
            GasInfo::with_externally_used(used.saturating_mul(GAS_MULTIPLIER)),
        )
    }

    /// A contract's `WasmQuery::Raw`: the value, or empty when the key is not set; charged
    /// as one KV read.
    pub fn nested_raw_query(
        &self,
        contract: &str,
        key: &[u8],
    ) -> BackendResult<SystemResult<ContractResult<Binary>>> {
        let Ok(canonical) = self.api.validate(contract) else {
            return (
                Ok(SystemResult::Ok(ContractResult::Err(
                    "codespace: undefined, code: 1".into(),
                ))),
                GasInfo::free(),
            );
        };
        let mut full = contract_store_prefix(&canonical);
        full.extend_from_slice(key);
        let mut w = self.world();
        let value = w.kv.get(&full).map(<[u8]>::to_vec).unwrap_or_default();
        let cost = READ_COST_FLAT + READ_COST_PER_BYTE * (full.len() + value.len()) as u64;
        w.tally.storage = w.tally.storage.saturating_add(cost);
        let charged = w.gas.charge(cost);
        let gas = GasInfo::with_externally_used(cost.saturating_mul(GAS_MULTIPLIER));
        match charged {
            Ok(()) => (
                Ok(SystemResult::Ok(ContractResult::Ok(Binary::new(value)))),
                gas,
            ),
            Err(_) => (Err(BackendError::out_of_gas()), gas),
        }
    }

    pub fn contract_info_response(&self, contract: &str) -> Option<ContractInfoResponse> {
        let canonical = self.api.validate(contract).ok()?;
        let record = self.world().contract(&canonical)?;
        Some(ContractInfoResponse::new(
            record.code_id,
            Addr::unchecked(record.creator),
            record.admin.map(Addr::unchecked),
            false,
            None,
        ))
    }

    pub fn code_info_response(&self, code_id: u64) -> Option<CodeInfoResponse> {
        let w = self.world();
        let code = w.code(code_id)?;
        Some(CodeInfoResponse::new(
            code_id,
            Addr::unchecked(&code.creator),
            code.checksum,
        ))
    }
}

impl ContractQueries for Chain {
    fn smart(
        &self,
        contract: &str,
        msg: &[u8],
        vm_gas_limit: u64,
    ) -> BackendResult<SystemResult<ContractResult<Binary>>> {
        self.nested_smart_query(contract, msg, vm_gas_limit)
    }

    fn raw(
        &self,
        contract: &str,
        key: &[u8],
    ) -> BackendResult<SystemResult<ContractResult<Binary>>> {
        self.nested_raw_query(contract, key)
    }

    fn contract_info(&self, contract: &str) -> Option<ContractInfoResponse> {
        self.contract_info_response(contract)
    }

    fn code_info(&self, code_id: u64) -> Option<CodeInfoResponse> {
        self.code_info_response(code_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proto_fields_are_omitted_when_empty_and_length_prefixed_otherwise() {
        let mut out = Vec::new();
        proto_bytes_field(&mut out, 1, b"");
        assert!(out.is_empty());
        proto_bytes_field(&mut out, 1, b"{}");
        assert_eq!(out, b"\x0a\x02{}");
        let mut long = Vec::new();
        proto_bytes_field(&mut long, 2, &[7u8; 200]);
        assert_eq!(&long[..3], &[0x12, 0xc8, 0x01]);
    }

    #[test]
    fn attributes_are_trimmed_and_validated_like_wasmd() {
        let ok = contract_attributes("c", &[attr(" k ", " v ")]).unwrap();
        assert_eq!(ok, [attr("_contract_address", "c"), attr("k", "v")]);
        let empty = contract_attributes("c", &[attr("k", " ")]).unwrap_err();
        assert_eq!(
            empty.message,
            "Empty attribute value. Key: k: invalid event"
        );
        assert!(contract_attributes("c", &[attr("_x", "v")]).is_err());
    }
}
