/**
 * The CosmWasm chain backends. Today: the embedded engine (`vagus-wasm-engine serve`);
 * the real-node backend (cosmjs) implements the same `WasmChain`.
 */
export * from "../types";
export { EngineClient, defaultEngineBin, type EngineOptions } from "./engine-client";
