//! Conformance of the Vagus CosmWasm contracts to `spec/`: the vector runner (cw-multi-test)
//! and the spec model the drift tests compare the contracts with. Test-only; never built
//! to wasm.

pub mod components;
pub mod runner;
pub mod safety;
pub mod spec;
pub mod system;
pub mod system_runner;
pub mod values;
