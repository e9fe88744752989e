//! `vagus-wasm-engine check`: what `cosmwasm-check` 2.2 does — cosmwasm-vm's static
//! validation (exports, imports, memories, tables, function limits, required
//! capabilities against the available ones) and a full singlepass compile of each file —
//! with the same VM this engine runs, so the project needs no second wasmer build.

use std::path::Path;

use cosmwasm_vm::{capabilities_from_csv, Cache, CacheOptions, Size};

use crate::backend::{ContractStorage, EngineQuerier};
use crate::EngineApi;

/// The result of checking one file: `Ok(required capabilities)` or the VM's error text.
pub fn check_file(path: &Path, capabilities_csv: &str) -> Result<Vec<String>, String> {
    let wasm = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    check_wasm(&wasm, capabilities_csv)
}

/// Static validation + compilation of `wasm`; returns the capabilities it requires.
pub fn check_wasm(wasm: &[u8], capabilities_csv: &str) -> Result<Vec<String>, String> {
    let dir = tempfile::Builder::new()
        .prefix("vagus-wasm-check-")
        .tempdir()
        .map_err(|e| format!("cannot create a temporary directory: {e}"))?;
    let options = CacheOptions::new(
        dir.path(),
        capabilities_from_csv(capabilities_csv),
        Size::mebi(16),
        Size::mebi(32),
    );
    // SAFETY: a fresh private temporary directory; only this cache uses it.
    let cache: Cache<EngineApi, ContractStorage, EngineQuerier> =
        unsafe { Cache::new(options) }.map_err(|e| e.to_string())?;
    // checked: static validation before compiling; persisted (in the temporary directory)
    // so that `analyze` can read the code back.
    let checksum = cache
        .store_code(wasm, true, true)
        .map_err(|e| e.to_string())?;
    let report = cache.analyze(&checksum).map_err(|e| e.to_string())?;
    Ok(report.required_capabilities.into_iter().collect())
}

/// Checks every path, printing like `cosmwasm-check`; returns whether all passed.
pub fn run(paths: &[String], capabilities_csv: &str) -> bool {
    let mut caps: Vec<String> = capabilities_from_csv(capabilities_csv)
        .into_iter()
        .collect();
    caps.sort();
    println!("Available capabilities: {caps:?}");
    println!();
    let mut passes = 0;
    let mut failures = 0;
    for p in paths {
        match check_file(Path::new(p), capabilities_csv) {
            Ok(required) => {
                passes += 1;
                println!(
                    "{p}: pass (requires {})",
                    if required.is_empty() {
                        "no capabilities".to_string()
                    } else {
                        required.join(",")
                    }
                );
            }
            Err(e) => {
                failures += 1;
                println!("{p}: failure");
                println!("{e}");
            }
        }
    }
    println!();
    if failures == 0 {
        println!("All contracts ({passes}) passed checks!");
        true
    } else {
        println!("Passes: {passes}, failures: {failures}");
        false
    }
}
