//! The compiled-code side of the engine: cosmwasm-vm's `Cache` (static checks, singlepass
//! compilation, in-memory modules), shared by every engine state built on it.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use cosmwasm_std::Checksum;
use cosmwasm_vm::{capabilities_from_csv, Cache, CacheOptions, Size};

use crate::address::EngineApi;
use crate::backend::{ContractStorage, EngineQuerier};
use crate::error::EngineError;

/// wasmvm 2.2's default capabilities (what wasmd 0.5x on wasmvm 2.2 offers).
pub const WASMVM_2_2_CAPABILITIES: &str = "iterator,staking,stargate,cosmwasm_1_1,cosmwasm_1_2,cosmwasm_1_3,cosmwasm_1_4,cosmwasm_2_0,cosmwasm_2_1,cosmwasm_2_2";

/// wasmd's per-contract memory limit (MiB).
const INSTANCE_MEMORY_LIMIT_MIB: usize = 32;
/// In-memory module cache.
const MEMORY_CACHE_MIB: usize = 256;

pub(crate) type EngineCache = Cache<EngineApi, ContractStorage, EngineQuerier>;

/// The compiled-code side of the engine, shared by every engine state built on it.
pub struct Vm {
    pub(crate) cache: EngineCache,
    /// Checksums compiled into `cache`, with their `cw_migrate_version`.
    pub(crate) compiled: Mutex<HashMap<Checksum, Option<u64>>>,
    pub(crate) capabilities: HashSet<String>,
    /// The cache's base directory; removed when the `Vm` is dropped (after `cache`).
    pub(crate) _dir: tempfile::TempDir,
}

impl Vm {
    /// A VM with an in-memory module cache (plus the file-system cache cosmwasm-vm needs,
    /// in a temporary directory removed on drop) and the given capabilities.
    pub fn new(capabilities_csv: &str) -> anyhow::Result<Arc<Vm>> {
        let dir = tempfile::Builder::new()
            .prefix("vagus-wasm-engine-")
            .tempdir()?;
        let capabilities: HashSet<String> = capabilities_from_csv(capabilities_csv);
        let options = CacheOptions::new(
            dir.path(),
            capabilities.clone(),
            Size::mebi(MEMORY_CACHE_MIB),
            Size::mebi(INSTANCE_MEMORY_LIMIT_MIB),
        );
        // SAFETY: the cache directory is a fresh private temporary directory; nothing but
        // this cache writes modules into it.
        let cache = unsafe { Cache::new(options) }
            .map_err(|e| anyhow::anyhow!("cannot create the VM cache: {e}"))?;
        Ok(Arc::new(Vm {
            cache,
            compiled: Mutex::new(Default::default()),
            capabilities,
            _dir: dir,
        }))
    }

    /// A VM with wasmvm 2.2's default capabilities.
    pub fn wasmvm_2_2() -> anyhow::Result<Arc<Vm>> {
        Vm::new(WASMVM_2_2_CAPABILITIES)
    }

    pub fn capabilities(&self) -> &HashSet<String> {
        &self.capabilities
    }

    /// Statically checks and compiles `wasm` (once per checksum, `Checksum::generate(wasm)`);
    /// returns its `cw_migrate_version`.
    pub(crate) fn compile(
        &self,
        wasm: &[u8],
        checksum: Checksum,
    ) -> Result<Option<u64>, EngineError> {
        if let Some(v) = self
            .compiled
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&checksum)
        {
            return Ok(*v);
        }
        let stored = self
            .cache
            .store_code(wasm, true, true)
            .map_err(EngineError::vm)?;
        debug_assert_eq!(stored, checksum);
        let report = self.cache.analyze(&checksum).map_err(EngineError::vm)?;
        let version = report.contract_migrate_version;
        self.compiled
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(checksum, version);
        Ok(version)
    }
}
