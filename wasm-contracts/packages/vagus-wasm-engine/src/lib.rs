//! Embedded CosmWasm engine: runs the compiled `.wasm` artifacts — the bytes that are
//! deployed — in `cosmwasm-vm` 2.2 (wasmvm 2.2's VM) with wasmd's x/wasm semantics around
//! it: atomic transactions (a failed call keeps nothing, sub-messages included; a
//! sub-message that fails under reply-on-error rolls back only its own writes), replies
//! with 2.x payloads and `msg_responses`, events and response data as a node returns them,
//! classic contract addresses, a settable block clock, and the VM's gas with wasmd's
//! SDK-gas accounting. `vagus-wasm-engine` (the binary) serves it over JSON lines; see the
//! crate README for the protocol.
//!
//! Modules, each depending only on those before it: `gas`, `error`, `address`, `state`
//! (the layered store), `backend` (the VM's storage and querier; it reaches the other
//! contracts through its `ContractQueries` trait), `vm` (the compiled-module cache),
//! `chain` (x/wasm around the VM: calls, sub-messages, replies, nested queries — the
//! implementation of `ContractQueries`), `engine` (the public API), `protocol`.
//!
//! ```no_run
//! use vagus_wasm_engine::{Engine, EngineConfig};
//! let mut engine = Engine::new(EngineConfig::default())?;
//! let wasm = std::fs::read("artifacts/wasm/rate_limiter.wasm")?;
//! let admin = engine.addr_make("admin");
//! let code = engine.store_code(&wasm, &admin)?;
//! let init = br#"{"admin":"..."}"#;
//! let res = engine.instantiate(&admin, code.code_id, init, Some(&admin), "rl", None)?;
//! println!("{} used {} SDK gas", res.address.unwrap(), res.gas.sdk);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod address;
mod backend;
mod chain;
pub mod check;
mod engine;
mod error;
pub mod gas;
pub mod protocol;
mod state;
mod vm;

pub use address::{classic_contract_address, EngineApi};
pub use engine::{Engine, EngineConfig, QueryOutcome, StoredCode, TxFailure, TxOutcome};
pub use error::{EngineError, ErrorKind};
pub use gas::{GasReport, GasTally};
pub use state::{Block, CodeRecord, ContractRecord};
pub use vm::{Vm, WASMVM_2_2_CAPABILITIES};
