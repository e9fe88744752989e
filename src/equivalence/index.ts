/**
 * The cross-stack equivalence engine (issue 4): scenarios, the differential runner over an
 * `EvmChain` and a `WasmChain`, property campaigns and the equivalence report.
 */
export * from "./canon";
export * from "./diff";
export * from "./scenario";
export * from "./stacks";
export * from "./runner";
export * from "./wiring";
export * from "./devnet";
export * from "./campaign";
export * from "./adversary";
export * from "./invariants";
export * from "./report";
export * from "./corpus";
export * from "./readiness";
