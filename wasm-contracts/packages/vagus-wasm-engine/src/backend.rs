//! The `cosmwasm_vm::Backend` of one VM call: the contract's prefixed view of the layered
//! store (with iterators), and a querier that answers from the engine's own contracts.
//!
//! The querier reaches the other contracts through [`ContractQueries`], which the call
//! layer (`chain.rs`) implements, so this module depends on the store and the gas table
//! only, never on the code that runs calls.

use std::sync::{Arc, Mutex, MutexGuard};

use cosmwasm_std::{
    Binary, CodeInfoResponse, ContractInfoResponse, ContractResult, Empty, Order, QueryRequest,
    Record, SystemError, SystemResult, WasmQuery,
};
use cosmwasm_vm::{BackendError, BackendResult, GasInfo, Querier, Storage};

use crate::gas::{
    DELETE_COST, GAS_MULTIPLIER, ITER_NEXT_COST_FLAT, READ_COST_FLAT, READ_COST_PER_BYTE,
    WRITE_COST_FLAT, WRITE_COST_PER_BYTE,
};
use crate::state::{prefix_end, World};

/// wasmd's default `maxQueryStackSize`.
pub const MAX_QUERY_DEPTH: u32 = 10;

pub(crate) fn lock(world: &Mutex<World>) -> MutexGuard<'_, World> {
    // A panic while the lock was held cannot leave the store half-written (every write is
    // one map operation), so a poisoned lock is still usable.
    world.lock().unwrap_or_else(|p| p.into_inner())
}

/// Charges `sdk_gas` of KV-store gas to the transaction's meter and reports it to the VM as
/// externally used CosmWasm gas (wasmvm's store adapter does the same through wasmd's
/// multiplied gas meter).
fn charge_kv(world: &mut World, sdk_gas: u64) -> (GasInfo, Result<(), BackendError>) {
    world.tally.storage = world.tally.storage.saturating_add(sdk_gas);
    let info = GasInfo::with_externally_used(sdk_gas.saturating_mul(GAS_MULTIPLIER));
    match world.gas.charge(sdk_gas) {
        Ok(()) => (info, Ok(())),
        Err(_) => (info, Err(BackendError::out_of_gas())),
    }
}

struct Iter {
    start: Vec<u8>,
    end: Option<Vec<u8>>,
    order: Order,
    /// The last key returned (full key).
    cursor: Option<Vec<u8>>,
    done: bool,
}

/// One contract's storage: keys are `0x03 | contract | key` in the shared store.
pub struct ContractStorage {
    world: Arc<Mutex<World>>,
    prefix: Vec<u8>,
    iterators: Vec<Iter>,
}

impl ContractStorage {
    pub(crate) fn new(world: Arc<Mutex<World>>, prefix: Vec<u8>) -> Self {
        ContractStorage {
            world,
            prefix,
            iterators: Vec::new(),
        }
    }

    fn full_key(&self, key: &[u8]) -> Vec<u8> {
        let mut k = Vec::with_capacity(self.prefix.len() + key.len());
        k.extend_from_slice(&self.prefix);
        k.extend_from_slice(key);
        k
    }
}

impl Storage for ContractStorage {
    fn get(&self, key: &[u8]) -> BackendResult<Option<Vec<u8>>> {
        let full = self.full_key(key);
        let mut world = lock(&self.world);
        let value = world.kv.get(&full).map(<[u8]>::to_vec);
        let len = value.as_ref().map_or(0, Vec::len);
        let cost = READ_COST_FLAT + READ_COST_PER_BYTE * (full.len() + len) as u64;
        let (gas, charged) = charge_kv(&mut world, cost);
        (charged.map(|()| value), gas)
    }

    fn scan(
        &mut self,
        start: Option<&[u8]>,
        end: Option<&[u8]>,
        order: Order,
    ) -> BackendResult<u32> {
        let start = self.full_key(start.unwrap_or_default());
        let end = match end {
            Some(e) => Some(self.full_key(e)),
            None => prefix_end(&self.prefix),
        };
        let mut world = lock(&self.world);
        let (gas, charged) = charge_kv(&mut world, ITER_NEXT_COST_FLAT);
        drop(world);
        if let Err(e) = charged {
            return (Err(e), gas);
        }
        // Ids are 1, 2, … per VM call: deterministic, as the VM requires.
        self.iterators.push(Iter {
            start,
            end,
            order,
            cursor: None,
            done: false,
        });
        (Ok(self.iterators.len() as u32), gas)
    }

    fn next(&mut self, iterator_id: u32) -> BackendResult<Option<Record>> {
        let Some(it) = iterator_id
            .checked_sub(1)
            .and_then(|i| self.iterators.get_mut(i as usize))
        else {
            return (
                Err(BackendError::iterator_does_not_exist(iterator_id)),
                GasInfo::free(),
            );
        };
        let mut world = lock(&self.world);
        if it.done {
            let (gas, charged) = charge_kv(&mut world, ITER_NEXT_COST_FLAT);
            return (charged.map(|()| None), gas);
        }
        let found =
            world
                .kv
                .next_in_range(&it.start, it.end.as_deref(), it.cursor.as_deref(), it.order);
        let cost = ITER_NEXT_COST_FLAT
            + found
                .as_ref()
                .map_or(0, |(k, v)| READ_COST_PER_BYTE * (k.len() + v.len()) as u64);
        let (gas, charged) = charge_kv(&mut world, cost);
        if let Err(e) = charged {
            return (Err(e), gas);
        }
        let record = match found {
            Some((k, v)) => {
                let user_key = k[self.prefix.len()..].to_vec();
                it.cursor = Some(k);
                Some((user_key, v))
            }
            None => {
                it.done = true;
                None
            }
        };
        (Ok(record), gas)
    }

    fn set(&mut self, key: &[u8], value: &[u8]) -> BackendResult<()> {
        let full = self.full_key(key);
        let cost = WRITE_COST_FLAT + WRITE_COST_PER_BYTE * (full.len() + value.len()) as u64;
        let mut world = lock(&self.world);
        let (gas, charged) = charge_kv(&mut world, cost);
        if charged.is_ok() {
            world.kv.set(full, value.to_vec());
        }
        (charged, gas)
    }

    fn remove(&mut self, key: &[u8]) -> BackendResult<()> {
        let full = self.full_key(key);
        let mut world = lock(&self.world);
        let (gas, charged) = charge_kv(&mut world, DELETE_COST);
        if charged.is_ok() {
            world.kv.remove(&full);
        }
        (charged, gas)
    }
}

/// What a contract may ask of the other contracts, answered as wasmd's query handler does
/// (gas, depth limit and error redaction included).
pub(crate) trait ContractQueries: Send {
    /// `WasmQuery::Smart`, under a sub-meter of `vm_gas_limit`.
    fn smart(
        &self,
        contract: &str,
        msg: &[u8],
        vm_gas_limit: u64,
    ) -> BackendResult<SystemResult<ContractResult<Binary>>>;
    /// `WasmQuery::Raw`: the value, or empty when the key is not set.
    fn raw(
        &self,
        contract: &str,
        key: &[u8],
    ) -> BackendResult<SystemResult<ContractResult<Binary>>>;
    /// `WasmQuery::ContractInfo`; `None` for an unknown contract.
    fn contract_info(&self, contract: &str) -> Option<ContractInfoResponse>;
    /// `WasmQuery::CodeInfo`; `None` for an unknown code id.
    fn code_info(&self, code_id: u64) -> Option<CodeInfoResponse>;
}

/// Answers a contract's queries from the engine: smart, raw, contract-info and code-info
/// queries against its contracts, empty bank balances; everything else is unsupported.
pub struct EngineQuerier {
    contracts: Box<dyn ContractQueries>,
}

impl EngineQuerier {
    pub(crate) fn new(contracts: Box<dyn ContractQueries>) -> Self {
        EngineQuerier { contracts }
    }
}

fn system(err: SystemError) -> SystemResult<ContractResult<Binary>> {
    SystemResult::Err(err)
}

fn ok_json(v: &impl serde::Serialize) -> SystemResult<ContractResult<Binary>> {
    match serde_json::to_vec(v) {
        Ok(bytes) => SystemResult::Ok(ContractResult::Ok(Binary::new(bytes))),
        Err(e) => SystemResult::Ok(ContractResult::Err(e.to_string())),
    }
}

impl Querier for EngineQuerier {
    fn query_raw(
        &self,
        request: &[u8],
        gas_limit: u64,
    ) -> BackendResult<SystemResult<ContractResult<Binary>>> {
        let request: QueryRequest<Empty> = match serde_json::from_slice(request) {
            Ok(r) => r,
            Err(e) => {
                return (
                    Ok(system(SystemError::InvalidRequest {
                        error: format!("Parsing query request: {e}"),
                        request: Binary::new(request.to_vec()),
                    })),
                    GasInfo::free(),
                )
            }
        };
        let contracts = &self.contracts;
        match request {
            QueryRequest::Wasm(WasmQuery::Smart { contract_addr, msg }) => {
                contracts.smart(&contract_addr, msg.as_slice(), gas_limit)
            }
            QueryRequest::Wasm(WasmQuery::Raw { contract_addr, key }) => {
                contracts.raw(&contract_addr, key.as_slice())
            }
            QueryRequest::Wasm(WasmQuery::ContractInfo { contract_addr }) => {
                let res = match contracts.contract_info(&contract_addr) {
                    Some(info) => ok_json(&info),
                    None => system(SystemError::NoSuchContract {
                        addr: contract_addr,
                    }),
                };
                (Ok(res), GasInfo::free())
            }
            QueryRequest::Wasm(WasmQuery::CodeInfo { code_id }) => {
                let res = match contracts.code_info(code_id) {
                    Some(info) => ok_json(&info),
                    None => system(SystemError::NoSuchCode { code_id }),
                };
                (Ok(res), GasInfo::free())
            }
            QueryRequest::Bank(cosmwasm_std::BankQuery::Balance { denom, .. }) => (
                Ok(ok_json(&serde_json::json!({
                    "amount": { "denom": denom, "amount": "0" }
                }))),
                GasInfo::free(),
            ),
            #[allow(deprecated)]
            QueryRequest::Bank(cosmwasm_std::BankQuery::AllBalances { .. }) => (
                Ok(ok_json(&serde_json::json!({ "amount": [] }))),
                GasInfo::free(),
            ),
            other => {
                let kind = serde_json::to_value(&other)
                    .ok()
                    .and_then(|v| v.as_object().and_then(|o| o.keys().next().cloned()))
                    .unwrap_or_else(|| "unknown".to_string());
                (
                    Ok(system(SystemError::UnsupportedRequest { kind })),
                    GasInfo::free(),
                )
            }
        }
    }
}
