/**
 * Stack-neutral chain interfaces of the toolkit: every procedure (deploy, verify,
 * equivalence, governance, monitoring) sends and reads only through these, and never knows
 * whether the backend is embedded (the in-process CosmWasm engine, Hardhat's in-process
 * EVM) or a real node (cosmjs over CometBFT RPC, JSON-RPC).
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

/** Where a transaction landed, when the backend has transactions (a real node). */
export interface WasmTxRef {
  hash: string;
  height: number;
}

export interface StoredCode {
  codeId: number;
  /** sha256 of the wasm bytes, lowercase hex. */
  checksum: string;
  /** The upload transaction (real node); absent for a code found already on chain. */
  tx?: WasmTxRef;
  /** Gas of the upload, when it was sent. */
  gasUsed?: number;
}

/** The outcome of a successful transaction. */
export interface WasmTxResult {
  /** The response data parsed as JSON (the spec's return value), or null when there is none. */
  data: unknown;
  /** The raw response data, or null when there is none. */
  rawData: Uint8Array | null;
  events: ChainEvent[];
  gas: WasmGas;
  /** The transaction (real node only). */
  tx?: WasmTxRef;
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

export interface Instantiate2Request extends InstantiateRequest {
  /** Salt bytes (1..64). */
  salt: Uint8Array;
  /** The code's checksum (hex), to predict the address. */
  checksum: string;
  /** Transaction memo (real node). */
  memo?: string;
}

export interface ExecuteRequest {
  contract: string;
  sender: string;
  msg: unknown;
  gasLimit?: number;
  /** Transaction memo (real node). */
  memo?: string;
}

/** A contract's chain-level record. */
export interface ContractInfo {
  address: string;
  codeId: number;
  creator: string;
  /** The chain-level admin (who may migrate), if any. */
  admin: string | undefined;
  label: string;
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

/** One transaction of a block as read back from history (`WasmChain.blockTxs`). */
export interface WasmBlockTx {
  /** Position in the block. */
  index: number;
  /** Whether it succeeded (a failed transaction leaves no contract events). */
  ok: boolean;
  /** SDK gas. */
  gasUsed: number;
  gasWanted: number;
  events: ChainEvent[];
}

/** A block that holds transactions, with its time (unix seconds). */
export interface WasmBlockTxs {
  height: number;
  time: number;
  txs: WasmBlockTx[];
}

/** Opaque handle of a saved chain state. */
export type SnapshotId = number;

/** A CosmWasm chain: one interface, embedded or real-node backend. */
export interface WasmChain {
  readonly backend: "embedded" | "node";
  /** Uploads a .wasm file (the deployed artifact bytes). */
  store(wasmPath: string, opts?: { sender?: string }): Promise<StoredCode>;
  instantiate(req: InstantiateRequest): Promise<WasmInstantiateResult>;
  /** The address `instantiate2` gives (`checksum`, `creator`, `salt`); the embedded engine
   *  has no instantiate2 and rejects with kind `unsupported`. */
  predictAddress(checksum: string, creator: string, salt: Uint8Array): string;
  /** Instantiates at the predicted address (real node; the engine rejects as `unsupported`). */
  instantiate2(req: Instantiate2Request): Promise<WasmInstantiateResult>;
  execute(req: ExecuteRequest): Promise<WasmTxResult>;
  /** A smart query; resolves with the parsed JSON answer. */
  query<T = unknown>(contract: string, msg: unknown): Promise<T>;
  migrate(req: MigrateRequest): Promise<WasmTxResult>;
  /** The contract's chain-level record, or undefined when no contract lives at `address`. */
  contractInfo(address: string): Promise<ContractInfo | undefined>;
  /** The raw value under `key` in the contract's storage, or null when unset (how cw2's
   *  `contract_info` record is read: the contracts have no message for it). */
  queryRaw(contract: string, key: Uint8Array): Promise<Uint8Array | null>;
  /** The code already on chain with this checksum (lowest code id), if any. */
  findCode(checksum: string): Promise<StoredCode | undefined>;
  /** The checksum (lowercase hex) of a stored code; rejects with `not_found` when none. */
  codeChecksum(codeId: number): Promise<string>;
  /** Moves the block clock; omitted fields stay as they are. Time in unix seconds. */
  setBlock(block: { time?: number | bigint; height?: number | bigint }): Promise<BlockInfo>;
  block(): Promise<BlockInfo>;
  /** The latest height (committed block on a node, the current block of the embedded engine). */
  height(): Promise<number>;
  /**
   * The transactions of heights `fromHeight..toHeight` (both inclusive), in chain order;
   * blocks without transactions are left out. How a monitor reads history: the node from
   * its block results, the embedded engine from the transactions it executed.
   */
  blockTxs(fromHeight: number, toHeight: number): Promise<WasmBlockTxs[]>;
  /** A deterministic account address for a name (cosmwasm-std `MockApi::addr_make`); on a
   *  real node, the address of the configured signer of that name. */
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

// ---------------------------------------------------------------------------------------
// EVM
// ---------------------------------------------------------------------------------------

/** A compiled contract as Hardhat writes it (`artifacts/evm/.../<Name>.json`). */
export interface EvmArtifact {
  contractName: string;
  /** Solidity source the contract comes from (`contracts/RateLimiter.sol`). */
  sourceName?: string;
  abi: readonly unknown[];
  /** Creation bytecode, 0x hex. */
  bytecode: string;
  /** Runtime bytecode, 0x hex (what `code()` returns once deployed, immutables aside). */
  deployedBytecode: string;
  /** Byte ranges of immutables in the runtime code (filled in at deployment, zero in the
   *  artifact), from the compiler output; absent when unknown. */
  immutables?: { start: number; length: number }[];
}

/** One log decoded with the ABI of the contract that emitted it (when the chain knows it). */
export interface EvmEvent {
  /** Emitting contract, EIP-55. */
  address: string;
  /** Position in the transaction's logs. */
  logIndex: number;
  /** Event name, or `undefined` when no known ABI decodes the log. */
  name: string | undefined;
  /** Event signature (`ConsumeDenied(uint64,bytes32,uint16,uint32,uint64)`), when decoded. */
  signature: string | undefined;
  /** Arguments by parameter name (ethers v6 values: bigint, string, boolean, arrays). */
  args: Record<string, unknown>;
  /** The same arguments in declaration order. */
  values: unknown[];
  topics: string[];
  data: string;
}

/** The outcome of a mined, successful transaction. */
export interface EvmTxResult {
  hash: string;
  blockNumber: number;
  /** Unix seconds of the block that mined it. */
  blockTime: number;
  gasUsed: bigint;
  /** Decoded return values of the called function (empty when it returns nothing), or
   *  `undefined` when the backend cannot re-execute transactions (`debug_traceTransaction`). */
  returnValue: unknown[] | undefined;
  /** Every log of the transaction, in order, decoded where the ABI is known. */
  events: EvmEvent[];
}

/** A gas limit, or `estimate` (the node's estimate with a margin: for real chains, where a
 *  large fixed limit would have to be funded up front). */
export type EvmGasLimit = bigint | number | "estimate";

export interface EvmDeployRequest {
  /** The artifact, or a contract name resolved by the backend's artifact directory. */
  artifact: EvmArtifact | string;
  args?: readonly unknown[];
  from: string;
  gasLimit?: EvmGasLimit;
  /** The sender's nonce to use (a journaled intent's); default the node's next one. */
  nonce?: number;
}

export interface EvmDeployResult extends EvmTxResult {
  address: string;
  /** keccak-256 of the runtime code as read back from the chain. */
  codeHash: string;
}

export interface EvmSendRequest {
  /** Contract address. Its ABI must be known: deployed through this chain, or `registerAbi`. */
  to: string;
  /** Function name or full signature (`consume(uint64,bytes32)`). */
  fn: string;
  args?: readonly unknown[];
  from: string;
  gasLimit?: EvmGasLimit;
  value?: bigint;
  /** The sender's nonce to use (a journaled intent's); default the node's next one. */
  nonce?: number;
  /** `false`: do not decode the return value (spares a node a transaction trace). */
  returnValue?: boolean;
  /**
   * Mine the transaction's block at this time (unix seconds; a development chain's next
   * block time, set just before sending). A reverted transaction then rejects with the
   * block it was mined in when that is known (`EvmChainError.mined`).
   */
  blockTime?: number;
}

export interface EvmCallRequest {
  to: string;
  fn: string;
  args?: readonly unknown[];
  /** Caller seen by the view (`msg.sender`); default the zero address. */
  from?: string;
  /** Block number or tag; default `latest`. */
  blockTag?: number | "latest" | "pending";
}

export interface EvmUpgradeRequest {
  /** The ERC-1967 proxy (UUPS: the implementation authorizes the upgrade). */
  proxy: string;
  implementation: string;
  /** Calldata run in the new implementation's context after the upgrade (default none). */
  data?: string;
  from: string;
  gasLimit?: EvmGasLimit;
  nonce?: number;
}

/** A log read back from a block range (`EvmChain.logs`), decoded like a receipt's. */
export interface EvmLog extends EvmEvent {
  blockNumber: number;
  txHash: string;
  /** Position of the transaction in its block. */
  txIndex: number;
}

export interface EvmLogQuery {
  /** Both ends inclusive. */
  fromBlock: number;
  toBlock: number;
  /** Emitting contracts (no address: none is read). */
  addresses: readonly string[];
}

/** What a monitor needs of a block: its time and gas. */
export interface EvmBlockHeader {
  number: number;
  /** Unix seconds. */
  time: number;
  gasLimit: bigint;
  gasUsed: bigint;
}

/** A mined transaction: where it went, what it called and the gas it used. */
export interface EvmTxInfo {
  hash: string;
  blockNumber: number;
  from: string;
  /** null for a contract creation. */
  to: string | null;
  /** Calldata, 0x hex. */
  input: string;
  gasUsed: bigint;
}

export interface EvmBlockInfo {
  number: number;
  /** Unix seconds. */
  time: number;
  chainId: bigint;
}

/**
 * An EVM chain: one interface, embedded (Hardhat's in-process network) or
 * real-node (JSON-RPC) backend. Transactions are sent with an explicit gas limit, so a
 * reverting call is mined and reported as an `EvmChainError` with its revert data.
 */
export interface EvmChain {
  readonly backend: "embedded" | "node";
  /** Accounts this chain can send from (unlocked on the node, or the configured keys). */
  accounts(): Promise<string[]>;
  deploy(req: EvmDeployRequest): Promise<EvmDeployResult>;
  /** Sends a transaction, waits for it, decodes return value and events. Rejects with
   *  `EvmChainError` (kind `revert`) when it reverted. */
  send(req: EvmSendRequest): Promise<EvmTxResult>;
  /** A read-only call; resolves with the decoded return values. */
  call(req: EvmCallRequest): Promise<unknown[]>;
  /** Several calls on one block: per call what `call` resolves with, or the `EvmChainError` it rejects with. */
  callMany(reqs: readonly EvmCallRequest[]): Promise<(unknown[] | EvmChainError)[]>;
  /** `upgradeToAndCall(implementation, data)` on a UUPS proxy. */
  upgrade(req: EvmUpgradeRequest): Promise<EvmTxResult>;
  /** Makes `address` decodable (calls and events) with `abi`. */
  registerAbi(address: string, abi: readonly unknown[] | EvmArtifact): void;
  /** Runtime code at an address (`0x` when none). */
  code(address: string): Promise<string>;
  /** A storage slot's 32-byte word (0x hex) at `address`. */
  storageAt(address: string, slot: string): Promise<string>;
  /** The account's transaction count: mined (`latest`) or including its queued ones (`pending`, default). */
  nonce(address: string, block?: "latest" | "pending"): Promise<number>;
  /** The calldata of `fn(...args)` with the ABI known for `to`. */
  encodeCall(to: string, fn: string, args?: readonly unknown[]): string;
  block(): Promise<EvmBlockInfo>;
  /** The latest block number. */
  height(): Promise<number>;
  /** Logs of `addresses` in a block range, in chain order, decoded with the known ABIs. */
  logs(query: EvmLogQuery): Promise<EvmLog[]>;
  /** Time and gas of block `number`. */
  blockHeader(number: number): Promise<EvmBlockHeader>;
  /** A mined transaction with its receipt's gas. */
  transaction(hash: string): Promise<EvmTxInfo>;
  /** The next mined block gets this timestamp (unix seconds). Embedded and Hardhat nodes
   *  only; a real chain rejects with kind `unsupported`. */
  setNextBlockTime(time: number | bigint): Promise<void>;
  /** Mines an empty block, at `time` when given; returns it. Same support as above. */
  mine(time?: number | bigint): Promise<EvmBlockInfo>;
  /** Saves the whole chain state. Unsupported on real chains. */
  snapshot(): Promise<SnapshotId>;
  /** Returns to a saved state; the snapshot stays available. */
  restore(id: SnapshotId): Promise<void>;
  /** Ends the backend (connections). Idempotent. */
  close(): Promise<void>;
}

export type EvmErrorKind = "revert" | "unsupported" | "invalid" | "not_found" | "rpc" | "closed";

/** A failed EVM operation. `revertData` is the raw revert (selector + payload) when there is one. */
export class EvmChainError extends Error {
  readonly kind: EvmErrorKind;
  readonly revertData: string | undefined;
  readonly txHash: string | undefined;
  readonly op: string | undefined;
  /** A reverted transaction's block, when it was mined (a development chain mines reverts too) and it is known. */
  mined: { blockNumber: number; blockTime: number } | undefined;

  constructor(
    message: string,
    init: { kind: EvmErrorKind; revertData?: string; txHash?: string; op?: string; cause?: unknown },
  ) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = "EvmChainError";
    this.kind = init.kind;
    this.revertData = init.revertData;
    this.txHash = init.txHash;
    this.op = init.op;
  }
}
