//! Shared test support: the compiled artifacts (a missing one fails the test with the
//! command that builds it), the probe test contract built to wasm with build-wasm.sh's
//! recipe, and the engine as a conformance-runner backend.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, OnceLock};

use anyhow::{anyhow, Result};
use serde_json::Value;
use vagus_conformance::components::Component;
use vagus_conformance::runner::{CallOutcome, ChainBackend};
use vagus_wasm_engine::{Engine, EngineConfig, TxOutcome, Vm};

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../..")
        .canonicalize()
        .expect("repository root")
}

/// `artifacts/wasm` (or `$VAGUS_WASM_ARTIFACTS`).
pub fn artifacts_dir() -> PathBuf {
    std::env::var_os("VAGUS_WASM_ARTIFACTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("artifacts/wasm"))
}

/// The bytes of a production artifact; panics (fails the test) when it was not built.
pub fn artifact(file: &str) -> Vec<u8> {
    let path = artifacts_dir().join(file);
    std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "{} is missing ({e}): build the CosmWasm artifacts first with `bash scripts/build-wasm.sh` \
             (these tests run the compiled .wasm, never skip)",
            path.display()
        )
    })
}

/// A VM shared by every test of a test binary: each code is compiled once.
pub fn shared_vm() -> Arc<Vm> {
    static VM: OnceLock<Arc<Vm>> = OnceLock::new();
    VM.get_or_init(|| Vm::wasmvm_2_2().expect("VM")).clone()
}

pub fn engine() -> Engine {
    Engine::with_vm(shared_vm(), EngineConfig::default()).expect("engine")
}

/// `wasm-contracts/test-contracts/engine-probe` compiled to MVP wasm with the recipe of
/// scripts/build-wasm.sh (Debian's cargo/rustc, `-Zbuild-std`, `target-cpu=mvp`, wasm-ld),
/// into the same wasm target dir, so repeated runs are incremental. Built once per test
/// binary; a build failure fails the test.
pub fn probe_wasm() -> Vec<u8> {
    static PROBE: OnceLock<Vec<u8>> = OnceLock::new();
    PROBE.get_or_init(build_probe).clone()
}

fn build_probe() -> Vec<u8> {
    let root = repo_root();
    let native_target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|p| if p.is_absolute() { p } else { root.join(p) })
        .unwrap_or_else(|| root.join("target"));
    let wasm_target = std::env::var_os("WASM_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| native_target.join("wasm"));
    let cargo = std::env::var("WASM_CARGO").unwrap_or_else(|_| "/usr/bin/cargo".into());
    let rustc = std::env::var("WASM_RUSTC").unwrap_or_else(|_| "/usr/bin/rustc".into());
    let rustdoc = Path::new(&rustc).with_file_name("rustdoc");
    let target = "wasm32-unknown-unknown";
    let mut cmd = Command::new(&cargo);
    for var in [
        "RUSTFLAGS",
        "CARGO_ENCODED_RUSTFLAGS",
        "CARGO_BUILD_RUSTFLAGS",
        "RUSTC_WRAPPER",
        "RUSTC_WORKSPACE_WRAPPER",
        "RUSTUP_TOOLCHAIN",
        "CARGO_BUILD_TARGET",
        "CARGO_TARGET_DIR",
        "CARGO_MAKEFLAGS",
        "MAKEFLAGS",
    ] {
        cmd.env_remove(var);
    }
    cmd.current_dir(&root)
        .env("RUSTC", &rustc)
        .env("RUSTDOC", &rustdoc)
        .env("RUSTC_BOOTSTRAP", "1")
        .env("CARGO_TARGET_DIR", &wasm_target)
        .args(["build", "--release", "--locked", "--target", target])
        .args(["-Zbuild-std=std,panic_abort", "-p", "vagus-engine-probe", "--lib"])
        .args(["--config", &format!("target.{target}.linker=\"wasm-ld\"")])
        .args([
            "--config",
            &format!(
                "target.{target}.rustflags=[\"-C\", \"target-cpu=mvp\", \"-C\", \"link-arg=--allow-undefined\"]"
            ),
        ]);
    let out = cmd.output().unwrap_or_else(|e| {
        panic!("cannot run {cargo} to build the probe contract ({e}); install the wasm toolchain: sudo bash scripts/install-rust.sh")
    });
    assert!(
        out.status.success(),
        "building the probe contract to wasm failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let path = wasm_target.join(target).join("release/engine_probe.wasm");
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `wasm` with a custom section appended: same behaviour, a different checksum (and, for
/// `cw_migrate_version`, a declared migrate version).
pub fn with_custom_section(wasm: &[u8], name: &str, payload: &[u8]) -> Vec<u8> {
    fn leb(mut n: usize, out: &mut Vec<u8>) {
        loop {
            let b = (n & 0x7f) as u8;
            n >>= 7;
            if n == 0 {
                out.push(b);
                return;
            }
            out.push(b | 0x80);
        }
    }
    let mut body = Vec::new();
    leb(name.len(), &mut body);
    body.extend_from_slice(name.as_bytes());
    body.extend_from_slice(payload);
    let mut out = wasm.to_vec();
    out.push(0);
    leb(body.len(), &mut out);
    out.extend_from_slice(&body);
    out
}

fn outcome(out: TxOutcome) -> CallOutcome {
    CallOutcome::from_chain(out.events, out.data)
}

/// The engine as a conformance-runner chain, running the compiled artifacts.
pub struct EngineBackend {
    pub engine: Engine,
}

impl EngineBackend {
    /// A fresh chain on the shared VM.
    pub fn fresh() -> Result<Self> {
        Ok(EngineBackend { engine: engine() })
    }
}

impl ChainBackend for EngineBackend {
    fn set_block(&mut self, time: u64, height: u64) {
        self.engine
            .set_block(Some(height), Some(time * 1_000_000_000), None);
    }

    fn addr_make(&mut self, name: &str) -> String {
        self.engine.addr_make(name)
    }

    fn store(&mut self, component: &Component) -> Result<u64> {
        let wasm = artifact(component.wasm_artifact);
        let creator = self.engine.addr_make("creator");
        Ok(self.engine.store_code(&wasm, &creator)?.code_id)
    }

    fn instantiate(
        &mut self,
        code_id: u64,
        sender: &str,
        admin: Option<&str>,
        msg: &Value,
        label: &str,
    ) -> Result<(String, CallOutcome)> {
        let out = self.engine.instantiate(
            sender,
            code_id,
            &serde_json::to_vec(msg)?,
            admin,
            label,
            None,
        )?;
        let addr = out
            .address
            .clone()
            .ok_or_else(|| anyhow!("instantiate gave no address"))?;
        Ok((addr, outcome(out)))
    }

    fn execute(&mut self, sender: &str, contract: &str, msg: &Value) -> Result<CallOutcome> {
        Ok(outcome(self.engine.execute(
            sender,
            contract,
            &serde_json::to_vec(msg)?,
            None,
        )?))
    }

    fn query(&mut self, contract: &str, msg: &Value) -> Result<Value> {
        let out = self.engine.query(contract, &serde_json::to_vec(msg)?)?;
        Ok(serde_json::from_slice(out.data.as_slice())?)
    }

    fn storage(&mut self, contract: &str) -> Vec<(Vec<u8>, Vec<u8>)> {
        self.engine.contract_storage(contract)
    }
}
