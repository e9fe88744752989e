/**
 * The CosmWasm chain backends: the embedded engine (`vagus-wasm-engine serve`) and the
 * real-node backend (cosmjs over CometBFT RPC), both implementing `WasmChain`.
 */
export * from "../types";
export { EngineClient, defaultEngineBin, type EngineOptions, type QueryBatchAnswer } from "./engine-client";
export { CosmjsChain, wasmChecksum, type CosmjsOptions, type NodeSigner, type NodeTxInfo } from "./cosmjs-client";
