//! The engine: code upload, transactions (instantiate, execute, migrate) that commit all
//! or nothing, smart queries, the block clock, addresses and snapshots.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use cosmwasm_std::{Binary, Checksum, Event};
use serde::Serialize;

use crate::address::EngineApi;
use crate::backend::lock;
use crate::chain::{Chain, Dispatched};
use crate::error::EngineError;
use crate::gas::{GasMeter, GasReport, GasTally, DEFAULT_QUERY_GAS_LIMIT, DEFAULT_TX_GAS_LIMIT};
use crate::state::{
    contract_store_prefix, Block, CodeRecord, ContractRecord, World, WorldSnapshot,
};
use crate::vm::Vm;

/// How an engine starts.
#[derive(Clone, Debug)]
pub struct EngineConfig {
    /// bech32 prefix of every address.
    pub prefix: String,
    pub chain_id: String,
    /// Initial block height.
    pub height: u64,
    /// Initial block time, unix nanoseconds.
    pub time_nanos: u64,
    /// SDK gas limit of a transaction unless the call gives one.
    pub tx_gas_limit: u64,
    /// SDK gas limit of a top-level smart query.
    pub query_gas_limit: u64,
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            prefix: "wasm".into(),
            chain_id: "vagus-embedded".into(),
            height: 1,
            time_nanos: 1_700_000_000 * 1_000_000_000,
            tx_gas_limit: DEFAULT_TX_GAS_LIMIT,
            query_gas_limit: DEFAULT_QUERY_GAS_LIMIT,
        }
    }
}

/// A committed transaction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TxOutcome {
    /// x/wasm's events in emission order (`instantiate`/`execute`/`migrate`, `wasm`,
    /// `wasm-<type>`, then sub-messages' and replies' events).
    pub events: Vec<Event>,
    /// The response data (after the reply-chain rules).
    pub data: Option<Binary>,
    pub gas: GasReport,
    /// The new contract's address (instantiate only).
    pub address: Option<String>,
}

/// A failed operation: nothing it did was kept. (Boxed in results: it is large.)
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TxFailure {
    pub error: EngineError,
    pub gas: GasReport,
}

impl std::fmt::Display for TxFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.error.fmt(f)
    }
}

impl std::error::Error for TxFailure {}

/// A smart query's answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueryOutcome {
    pub data: Binary,
    pub gas: GasReport,
}

/// A stored code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StoredCode {
    pub code_id: u64,
    pub checksum: Checksum,
    /// The checksum was stored before; `code_id` is the existing id.
    pub reused: bool,
}

/// The embedded CosmWasm chain.
pub struct Engine {
    chain: Chain,
    config: EngineConfig,
    snapshots: BTreeMap<u64, WorldSnapshot>,
    next_snapshot: u64,
}

impl Engine {
    /// A fresh chain on a new VM with wasmvm 2.2's capabilities.
    pub fn new(config: EngineConfig) -> anyhow::Result<Self> {
        Self::with_vm(Vm::wasmvm_2_2()?, config)
    }

    /// A fresh chain on an existing VM: codes it compiled before are not compiled again
    /// (storing them still assigns this chain's own code ids).
    pub fn with_vm(vm: Arc<Vm>, config: EngineConfig) -> anyhow::Result<Self> {
        let api = EngineApi::new(&config.prefix)?;
        let world = World::new(Block {
            height: config.height,
            time_nanos: config.time_nanos,
            chain_id: config.chain_id.clone(),
        });
        Ok(Engine {
            chain: Chain {
                vm,
                world: Arc::new(Mutex::new(world)),
                api,
                depth: 0,
            },
            config,
            snapshots: BTreeMap::new(),
            next_snapshot: 1,
        })
    }

    pub fn vm(&self) -> Arc<Vm> {
        self.chain.vm.clone()
    }

    pub fn config(&self) -> &EngineConfig {
        &self.config
    }

    pub fn api(&self) -> &EngineApi {
        &self.chain.api
    }

    /// `MockApi::addr_make`: the account address of `name` under this engine's prefix.
    pub fn addr_make(&self, name: &str) -> String {
        self.chain.api.addr_make(name)
    }

    fn world(&self) -> std::sync::MutexGuard<'_, World> {
        lock(&self.chain.world)
    }

    /// Uploads code: static validation against the VM's capabilities and compilation
    /// (skipped when the VM compiled this checksum before). Code ids count from 1; storing
    /// a checksum this chain already has returns its id (wasmd would assign a new one).
    pub fn store_code(&mut self, wasm: &[u8], creator: &str) -> Result<StoredCode, EngineError> {
        let checksum = Checksum::generate(wasm);
        if let Some(i) = self
            .world()
            .codes
            .iter()
            .position(|c| c.checksum == checksum)
        {
            return Ok(StoredCode {
                code_id: i as u64 + 1,
                checksum,
                reused: true,
            });
        }
        let migrate_version = self.chain.vm.compile(wasm, checksum)?;
        let mut w = self.world();
        w.codes.push(CodeRecord {
            checksum,
            creator: creator.to_string(),
            migrate_version,
        });
        Ok(StoredCode {
            code_id: w.codes.len() as u64,
            checksum,
            reused: false,
        })
    }

    pub fn code(&self, code_id: u64) -> Option<CodeRecord> {
        self.world().code(code_id).cloned()
    }

    /// Runs `f` as one transaction: everything it writes is committed if it succeeds and
    /// dropped if it fails, sub-messages included.
    fn transaction(
        &mut self,
        sender: &str,
        gas_limit: Option<u64>,
        f: impl FnOnce(&Chain) -> Result<(Option<String>, Dispatched), EngineError>,
    ) -> Result<TxOutcome, Box<TxFailure>> {
        let limit = gas_limit.unwrap_or(self.config.tx_gas_limit);
        // A node rejects a transaction whose signer is not an address of the chain.
        if let Err(e) = self.chain.api.validate(sender) {
            return Err(Box::new(TxFailure {
                error: EngineError::invalid_address(sender, e),
                gas: GasReport {
                    vm: 0,
                    sdk: 0,
                    sdk_limit: limit,
                    breakdown: GasTally::default(),
                },
            }));
        }
        {
            let mut w = self.world();
            w.kv.discard_all();
            w.kv.push();
            w.gas = GasMeter::new(limit);
            w.tally = GasTally::default();
            w.loaded.clear();
            w.query_depth = 0;
            w.in_tx = true;
        }
        let result = f(&self.chain);
        let mut w = self.world();
        match &result {
            Ok(_) => w.kv.commit_top(),
            Err(_) => w.kv.discard_all(),
        }
        w.in_tx = false;
        let gas = report(&w);
        drop(w);
        match result {
            Ok((address, d)) => Ok(TxOutcome {
                events: d.events,
                data: d.data,
                gas,
                address,
            }),
            Err(error) => Err(Box::new(TxFailure { error, gas })),
        }
    }

    /// `MsgInstantiateContract`: the address is wasmd's classic one (see `address`).
    pub fn instantiate(
        &mut self,
        sender: &str,
        code_id: u64,
        msg: &[u8],
        admin: Option<&str>,
        label: &str,
        gas_limit: Option<u64>,
    ) -> Result<TxOutcome, Box<TxFailure>> {
        self.transaction(sender, gas_limit, |chain| {
            chain
                .instantiate(sender, code_id, admin, msg, label)
                .map(|(addr, d)| (Some(addr), d))
        })
    }

    /// `MsgExecuteContract`.
    pub fn execute(
        &mut self,
        sender: &str,
        contract: &str,
        msg: &[u8],
        gas_limit: Option<u64>,
    ) -> Result<TxOutcome, Box<TxFailure>> {
        self.transaction(sender, gas_limit, |chain| {
            chain.execute(sender, contract, msg).map(|d| (None, d))
        })
    }

    /// `MsgMigrateContract`: only the contract's admin may migrate.
    pub fn migrate(
        &mut self,
        sender: &str,
        contract: &str,
        new_code_id: u64,
        msg: &[u8],
        gas_limit: Option<u64>,
    ) -> Result<TxOutcome, Box<TxFailure>> {
        self.transaction(sender, gas_limit, |chain| {
            chain
                .migrate(sender, contract, new_code_id, msg)
                .map(|d| (None, d))
        })
    }

    /// A smart query (wasmd's gRPC `SmartContractState`), read-only, under the query gas
    /// limit. A contract error comes back as [`ErrorKind::Contract`](crate::ErrorKind)
    /// with the contract's text.
    pub fn query(&mut self, contract: &str, msg: &[u8]) -> Result<QueryOutcome, Box<TxFailure>> {
        {
            let mut w = self.world();
            w.kv.discard_all();
            w.gas = GasMeter::new(self.config.query_gas_limit);
            w.tally = GasTally::default();
            w.loaded.clear();
            w.query_depth = 0;
            w.in_tx = false;
        }
        let result = self.chain.query_smart(contract, msg);
        let gas = report(&self.world());
        match result {
            Ok(data) => Ok(QueryOutcome { data, gas }),
            Err(error) => Err(Box::new(TxFailure { error, gas })),
        }
    }

    pub fn block(&self) -> Block {
        self.world().block.clone()
    }

    /// Sets the block every later call sees (each `None` keeps its value).
    pub fn set_block(
        &mut self,
        height: Option<u64>,
        time_nanos: Option<u64>,
        chain_id: Option<&str>,
    ) -> Block {
        let mut w = self.world();
        if let Some(h) = height {
            w.block.height = h;
        }
        if let Some(t) = time_nanos {
            w.block.time_nanos = t;
        }
        if let Some(c) = chain_id {
            w.block.chain_id = c.to_string();
        }
        w.block.clone()
    }

    pub fn contract_info(&self, contract: &str) -> Option<ContractRecord> {
        let canonical = self.chain.api.validate(contract).ok()?;
        self.world().contract(&canonical)
    }

    /// Every key/value of a contract's storage, in key order.
    pub fn contract_storage(&self, contract: &str) -> Vec<(Vec<u8>, Vec<u8>)> {
        match self.chain.api.validate(contract) {
            Ok(canonical) => self
                .world()
                .kv
                .entries_with_prefix(&contract_store_prefix(&canonical)),
            Err(_) => Vec::new(),
        }
    }

    /// Saves the whole chain state (store, codes, block); O(1).
    pub fn snapshot(&mut self) -> u64 {
        let id = self.next_snapshot;
        self.next_snapshot += 1;
        let snap = self.world().snapshot();
        self.snapshots.insert(id, snap);
        id
    }

    /// Returns the chain to a snapshot (which stays available for later restores).
    pub fn restore(&mut self, id: u64) -> Result<(), EngineError> {
        let snap = self
            .snapshots
            .get(&id)
            .ok_or_else(|| EngineError::invalid(format!("no snapshot {id}")))?;
        self.world().restore(snap);
        Ok(())
    }

    /// Drops whatever an interrupted operation left open (after a panic).
    pub fn abandon_transaction(&mut self) {
        let mut w = self.world();
        w.kv.discard_all();
        w.in_tx = false;
        w.query_depth = 0;
    }

    pub fn drop_snapshot(&mut self, id: u64) -> bool {
        self.snapshots.remove(&id).is_some()
    }
}

fn report(w: &World) -> GasReport {
    GasReport {
        vm: w.tally.vm,
        sdk: w.gas.consumed,
        sdk_limit: w.gas.limit,
        breakdown: w.tally,
    }
}
