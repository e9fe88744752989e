/**
 * Stack-neutral chain interfaces of the toolkit (DESIGN.md §2): deploy, equivalence and
 * monitoring code talk to a chain only through these, and never know whether the backend
 * is embedded (the in-process CosmWasm engine) or a real node (cosmjs over CometBFT RPC).
 */

/** One event as the chain reports it (`wasm`, `wasm-<type>`, `execute`, …). */
export interface ChainEvent {
  type: string;
  attributes: { key: string; value: string }[];
}

/** Gas of a transaction or query. `used` is SDK gas; `vm` is CosmWasm gas when the backend knows it. */
export interface WasmGas {
  used: number;
  limit?: number;
  vm?: number;
  /** Backend-specific split of `used` (the embedded engine: setup, storage, wasm, events). */
  breakdown?: Record<string, number>;
}

export interface StoredCode {
  codeId: number;
  /** sha256 of the wasm bytes, lowercase hex. */
  checksum: string;
}

/** The outcome of a successful transaction. */
export interface WasmTxResult {
  /** The response data parsed as JSON (the spec's return value), or null when there is none. */
  data: unknown;
  /** The raw response data, or null when there is none. */
  rawData: Uint8Array | null;
  events: ChainEvent[];
  gas: WasmGas;
}

export interface WasmInstantiateResult extends WasmTxResult {
  address: string;
}

export interface InstantiateRequest {
  codeId: number;
  sender: string;
  msg: unknown;
  admin?: string;
  label?: string;
  gasLimit?: number;
}

export interface ExecuteRequest {
  contract: string;
  sender: string;
  msg: unknown;
  gasLimit?: number;
}

export interface MigrateRequest {
  contract: string;
  sender: string;
  /** The new code id. */
  codeId: number;
  msg: unknown;
  gasLimit?: number;
}

/** The block the next transactions and queries see. */
export interface BlockInfo {
  height: number;
  /** Unix seconds. */
  time: number;
  /** Block time in nanoseconds, as a decimal string (exceeds 2^53). */
  timeNanos: string;
  chainId: string;
}

/** Opaque handle of a saved chain state. */
export type SnapshotId = number;

/** A CosmWasm chain (DESIGN.md §2): one interface, embedded or real-node backend. */
export interface WasmChain {
  readonly backend: "embedded" | "node";
  /** Uploads a .wasm file (the deployed artifact bytes). */
  store(wasmPath: string, opts?: { sender?: string }): Promise<StoredCode>;
  instantiate(req: InstantiateRequest): Promise<WasmInstantiateResult>;
  execute(req: ExecuteRequest): Promise<WasmTxResult>;
  /** A smart query; resolves with the parsed JSON answer. */
  query<T = unknown>(contract: string, msg: unknown): Promise<T>;
  migrate(req: MigrateRequest): Promise<WasmTxResult>;
  /** Moves the block clock; omitted fields stay as they are. Time in unix seconds. */
  setBlock(block: { time?: number | bigint; height?: number | bigint }): Promise<BlockInfo>;
  block(): Promise<BlockInfo>;
  /** A deterministic account address for a name (cosmwasm-std `MockApi::addr_make`). */
  addrMake(name: string): Promise<string>;
  /** Saves the whole chain state (codes, contracts, storage, block). */
  snapshot(): Promise<SnapshotId>;
  /** Returns to a saved state; the snapshot stays available. */
  restore(id: SnapshotId): Promise<void>;
  /** Ends the backend (process, connection). Idempotent. */
  close(): Promise<void>;
}

/** Error kinds: the engine's, plus `closed` when the backend is gone. */
export type WasmErrorKind =
  "contract" | "out_of_gas" | "vm" | "unauthorized" | "not_found" | "invalid" | "unsupported" | "closed";

export interface WasmChainErrorInit {
  kind: WasmErrorKind;
  /** The spec code; parsed from `vagus:<code>` in the message when not given. */
  code?: number;
  /** The spec error name; parsed like `code`. */
  specName?: string;
  codespace?: string;
  abciCode?: number;
  log?: string;
  gas?: WasmGas;
  op?: string;
}

/** `vagus:<4 digits> <Name>` anywhere in a text (the CosmWasm contracts' error convention). */
export function parseSpecCode(text: string): { code: number; name?: string } | undefined {
  const m = /vagus:(\d{4})(?!\d)(?: *([A-Za-z0-9_]+))?/.exec(text);
  if (!m) return undefined;
  return { code: Number(m[1]), name: m[2] };
}

/** A failed chain operation. `code` is the spec error code when the failure carries one. */
export class WasmChainError extends Error {
  readonly kind: WasmErrorKind;
  readonly code: number | undefined;
  readonly specName: string | undefined;
  readonly codespace: string | undefined;
  readonly abciCode: number | undefined;
  readonly log: string | undefined;
  readonly gas: WasmGas | undefined;
  readonly op: string | undefined;

  constructor(message: string, init: WasmChainErrorInit) {
    super(message);
    this.name = "WasmChainError";
    const parsed = init.code === undefined ? parseSpecCode(message) : undefined;
    this.kind = init.kind;
    this.code = init.code ?? parsed?.code;
    this.specName = init.specName ?? parsed?.name;
    this.codespace = init.codespace;
    this.abciCode = init.abciCode;
    this.log = init.log;
    this.gas = init.gas;
    this.op = init.op;
  }
}
