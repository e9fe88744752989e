import { getAddress, Interface, keccak256, toBeHex, ZeroAddress, type EventFragment, type InterfaceAbi } from "ethers";

import { readEvmArtifact } from "./artifacts";
import {
  EvmChainError,
  type EvmArtifact,
  type EvmBlockInfo,
  type EvmCallRequest,
  type EvmChain,
  type EvmDeployRequest,
  type EvmDeployResult,
  type EvmBlockHeader,
  type EvmEvent,
  type EvmGasLimit,
  type EvmLog,
  type EvmLogQuery,
  type EvmTxInfo,
  type EvmSendRequest,
  type EvmTxResult,
  type EvmUpgradeRequest,
  type SnapshotId,
} from "../types";

/** A raw JSON-RPC call: what both backends have in common. */
export type RpcRequest = (method: string, params: unknown[]) => Promise<unknown>;

/** A transaction to sign and send; `from` is one of `accounts()`. */
export interface UnsignedTx {
  from: string;
  to?: string;
  data: string;
  gas: bigint;
  value?: bigint;
  /** Explicit nonce; default the node's (or the signer's) next one. */
  nonce?: number;
}

/**
 * How a backend gets a transaction on chain: resolves with its hash once it is mined, or
 * rejects with the node's error (Hardhat throws on a reverted transaction, with its data).
 */
export type TxSender = (tx: UnsignedTx) => Promise<string>;

export interface RpcEvmChainOptions {
  backend: "embedded" | "node";
  request: RpcRequest;
  send: TxSender;
  accounts: () => Promise<string[]>;
  /** Folder `deploy({artifact: "Name"})` resolves names in. */
  artifactsDir?: string;
  /** Gas limit of transactions that give none (explicit, so a revert is mined, not estimated). */
  defaultGasLimit?: bigint;
  /** Waits for a mined receipt (a real node mines later than it accepts). */
  waitReceipt?: (hash: string) => Promise<RawReceipt>;
  onClose?: () => Promise<void>;
  /**
   * Take a transaction's return value from an `eth_call` of the `pending` block made just
   * before sending it (same `from`, `to`, data, gas and value, after the next block's time
   * was set) instead of re-executing the mined transaction with `debug_traceTransaction`.
   * Only for an automining chain with one client (the embedded one): the pending block is
   * then the block the transaction is mined in, on the same state at the same number and
   * time. The value is kept only when the receipt proves it: mined in the block after the
   * one that was latest at the call, as its first transaction; otherwise the trace is used.
   */
  returnValueFromPendingCall?: boolean;
}

export interface RawReceipt {
  transactionHash: string;
  blockNumber: string;
  status: string;
  gasUsed: string;
  contractAddress: string | null;
  transactionIndex?: string;
  logs: { address: string; topics: string[]; data: string; logIndex: string }[];
}

interface RawBlock {
  number: string;
  timestamp: string;
  gasLimit: string;
  gasUsed: string;
}

interface RawLog {
  address: string;
  topics: string[];
  data: string;
  logIndex: string;
  blockNumber: string;
  transactionHash: string;
  transactionIndex: string;
}

/** The UUPS upgrade entry point, from OpenZeppelin's compiled `UUPSUpgradeable`. */
const UUPS_ARTIFACT = "UUPSUpgradeable";

/**
 * The batch caller of `callMany`, never deployed: put at the zero address (the caller a
 * `call` without `from` has) by an `eth_call` state override. Input: per call the 20-byte target, a 2-byte data length, the data.
 * Output: per call a word with the success flag (1 or 0), a word with the length of the
 * return data, the return (or revert) data. Hand-assembled (90 bytes):
 * `p = o = 0; while p < calldatasize { target, len from calldata[p..]; copy the data to
 * memory[o+64]; ok = CALL(gas, target, 0, memory[o+64..+len]); memory[o] = ok;
 * memory[o+32] = returndatasize; returndatacopy to memory[o+64]; o += 64 + returndatasize;
 * p += 22 + len } return memory[0..o]`.
 */
const BATCH_CALLER = ZeroAddress;
const BATCH_CALLER_CODE =
  "0x600060005b36821061000f576000f35b813560601c826014013560f01c808460160184604001376000600082856040016000865af183523d808460200152806000856040013e8301604001925090508201601601915061000456";

const RPC_UNSUPPORTED = /method .* (not found|not supported|does not exist)|not supported|unsupported/i;

/** Revert data (0x hex) of an error as Hardhat or ethers throws it, wherever it sits. */
export function revertDataOfError(err: unknown): string | undefined {
  const seen = new Set<unknown>();
  const walk = (e: unknown, depth: number): string | undefined => {
    if (e === null || typeof e !== "object" || seen.has(e) || depth > 6) return undefined;
    seen.add(e);
    const o = e as Record<string, unknown>;
    if (typeof o.data === "string" && /^0x([0-9a-fA-F]{2})*$/.test(o.data)) return o.data;
    for (const key of ["data", "error", "info", "cause", "revert", "parent"]) {
      const found = walk(o[key], depth + 1);
      if (found !== undefined) return found;
    }
    return undefined;
  };
  return walk(err, 0);
}

function txHashOfError(err: unknown): string | undefined {
  const o = err as Record<string, unknown> | null;
  if (o && typeof o.transactionHash === "string") return o.transactionHash;
  const data = o?.data as Record<string, unknown> | undefined;
  if (data && typeof data.txHash === "string") return data.txHash;
  return undefined;
}

const num = (hex: string): number => Number(BigInt(hex));

/**
 * An `EvmChain` over raw JSON-RPC. The embedded backend feeds it Hardhat's in-process
 * EIP-1193 provider; the node backend an ethers `JsonRpcProvider`. Calls go straight to
 * the RPC (no ethers `Contract` layer): the equivalence runner sends thousands of them.
 */
export class RpcEvmChain implements EvmChain {
  readonly backend: "embedded" | "node";
  private readonly rpc: RpcRequest;
  private readonly sendTx: TxSender;
  private readonly listAccounts: () => Promise<string[]>;
  private readonly artifactsDir: string | undefined;
  private readonly defaultGasLimit: bigint;
  private readonly waitReceipt: ((hash: string) => Promise<RawReceipt>) | undefined;
  private readonly onClose: (() => Promise<void>) | undefined;
  private readonly abis = new Map<string, Interface>();
  /** Our snapshot id → the node's current one (evm_revert consumes the node's). */
  private readonly snapshots = new Map<SnapshotId, string>();
  private nextSnapshot = 1;
  private chainIdCache: bigint | undefined;
  private closed = false;
  private traceSupported = true;
  private readonly pendingCall: boolean;
  private uups: Interface | undefined;

  constructor(opts: RpcEvmChainOptions) {
    this.backend = opts.backend;
    this.rpc = opts.request;
    this.sendTx = opts.send;
    this.listAccounts = opts.accounts;
    this.artifactsDir = opts.artifactsDir;
    this.defaultGasLimit = opts.defaultGasLimit ?? 10_000_000n;
    this.waitReceipt = opts.waitReceipt;
    this.onClose = opts.onClose;
    this.pendingCall = opts.returnValueFromPendingCall === true;
  }

  /** A raw JSON-RPC request to the backend (for methods this interface does not cover). */
  async request(method: string, params: unknown[] = []): Promise<unknown> {
    if (this.closed) throw new EvmChainError("EVM chain is closed", { kind: "closed", op: method });
    return this.rpc(method, params);
  }

  accounts(): Promise<string[]> {
    return this.listAccounts();
  }

  registerAbi(address: string, abi: readonly unknown[] | EvmArtifact): void {
    const fragments = Array.isArray(abi) ? abi : (abi as EvmArtifact).abi;
    this.abis.set(address.toLowerCase(), new Interface(fragments as InterfaceAbi));
  }

  /** The interface registered for `address`. */
  interfaceOf(address: string): Interface {
    const iface = this.abis.get(address.toLowerCase());
    if (!iface) {
      throw new EvmChainError(`no ABI known for ${address}: deploy it through this chain or registerAbi()`, {
        kind: "invalid",
        op: "abi",
      });
    }
    return iface;
  }

  async deploy(req: EvmDeployRequest): Promise<EvmDeployResult> {
    const artifact = typeof req.artifact === "string" ? readEvmArtifact(req.artifact, this.artifactsDir) : req.artifact;
    if (!artifact.bytecode || artifact.bytecode === "0x") {
      throw new EvmChainError(`${artifact.contractName} is abstract or an interface (no bytecode)`, {
        kind: "invalid",
        op: "deploy",
      });
    }
    const iface = new Interface(artifact.abi as InterfaceAbi);
    const data = artifact.bytecode + iface.encodeDeploy(req.args ?? []).slice(2);
    const receipt = await this.transact(
      { from: req.from, data, gas: await this.gasOf(req.gasLimit, { from: req.from, data }), nonce: req.nonce },
      "deploy",
    );
    if (!receipt.contractAddress) throw new EvmChainError("deploy mined without a contract address", { kind: "rpc" });
    const address = getAddress(receipt.contractAddress);
    this.abis.set(address.toLowerCase(), iface);
    const code = await this.code(address);
    const result = await this.resultOf(receipt, undefined, undefined);
    return { ...result, address, codeHash: keccak256(code) };
  }

  async send(req: EvmSendRequest): Promise<EvmTxResult> {
    const iface = this.interfaceOf(req.to);
    const fragment = iface.getFunction(req.fn);
    if (!fragment) throw new EvmChainError(`${req.to} has no function ${req.fn}`, { kind: "invalid", op: "send" });
    const data = iface.encodeFunctionData(fragment, req.args ?? []);
    const gas = await this.gasOf(req.gasLimit, { from: req.from, to: req.to, data, value: req.value });
    const tx = { from: req.from, to: req.to, data, gas, value: req.value, nonce: req.nonce };
    const fn = fragment.outputs.length > 0 && req.returnValue !== false ? fragment.format("sighash") : undefined;
    // The latest block is read before the next block's time is set: a transaction then
    // mined in the block right after it, as its first, is in the block that time applies
    // to (no other block was mined in between), so its time needs no block lookup.
    const latest = this.pendingCall && req.blockTime !== undefined ? await this.height() : undefined;
    if (req.blockTime !== undefined) await this.setNextBlockTime(req.blockTime);
    const pending = this.pendingCall && fn !== undefined ? await this.pendingOutput(tx, latest) : undefined;
    const first = (r: { blockNumber: string; transactionIndex?: string }, after: number | undefined) =>
      after !== undefined &&
      num(r.blockNumber) === after + 1 &&
      r.transactionIndex !== undefined &&
      num(r.transactionIndex) === 0;
    let receipt: RawReceipt;
    try {
      receipt = await this.transact(tx, req.fn);
    } catch (err) {
      if (err instanceof EvmChainError && err.kind === "revert" && err.txHash && latest !== undefined) {
        const r = (await this.request("eth_getTransactionReceipt", [err.txHash]).catch(
          () => null,
        )) as RawReceipt | null;
        if (r && first(r, latest)) err.mined = { blockNumber: num(r.blockNumber), blockTime: req.blockTime as number };
      }
      throw err;
    }
    const known = first(receipt, latest) ? req.blockTime : undefined;
    const proven = pending !== undefined && first(receipt, pending.latest);
    return this.resultOf(receipt, iface, fn, proven ? pending.output : undefined, known);
  }

  /** The output of `tx` as an `eth_call` of the pending block, with the latest block's number. */
  private async pendingOutput(
    tx: UnsignedTx,
    knownLatest: number | undefined,
  ): Promise<{ output: string; latest: number } | undefined> {
    try {
      const [latest, output] = await Promise.all([
        knownLatest ?? this.height(),
        this.request("eth_call", [
          {
            from: tx.from,
            to: tx.to,
            data: tx.data,
            gas: toBeHex(tx.gas),
            value: tx.value === undefined ? undefined : toBeHex(tx.value),
          },
          "pending",
        ]) as Promise<string>,
      ]);
      return { output, latest };
    } catch {
      return undefined; // a revert: the transaction reverts too and carries its own data
    }
  }

  async call(req: EvmCallRequest): Promise<unknown[]> {
    const iface = this.interfaceOf(req.to);
    const fragment = iface.getFunction(req.fn);
    if (!fragment) throw new EvmChainError(`${req.to} has no function ${req.fn}`, { kind: "invalid", op: "call" });
    const data = iface.encodeFunctionData(fragment, req.args ?? []);
    const tag =
      req.blockTag === undefined ? "latest" : typeof req.blockTag === "number" ? toBeHex(req.blockTag) : req.blockTag;
    let out: string;
    try {
      out = (await this.request("eth_call", [{ from: req.from ?? ZeroAddress, to: req.to, data }, tag])) as string;
    } catch (err) {
      throw this.revertError(err, `call ${req.fn}`, undefined);
    }
    return [...iface.decodeFunctionResult(fragment, out)];
  }

  /**
   * Several view calls on the same block: per call its decoded output, or the error `call`
   * would throw. On the embedded chain they run in one `eth_call` of a batch caller put in
   * place by a state override (nothing is deployed): it CALLs each target in turn with the
   * same data and keeps each success flag and return (or revert) data. The caller sits at
   * the zero address, so each call sees what it sees on its own (`msg.sender` is the zero
   * address, as for `call` without `from`); calls with a `from` are made one by one.
   * Elsewhere the calls run concurrently.
   */
  async callMany(reqs: readonly EvmCallRequest[]): Promise<(unknown[] | EvmChainError)[]> {
    const tags = new Set(reqs.map((r) => r.blockTag ?? "latest"));
    if (this.backend !== "embedded" || tags.size !== 1 || reqs.some((r) => r.from !== undefined) || reqs.length < 2) {
      return Promise.all(
        reqs.map((r) =>
          this.call(r).catch((err: unknown) => {
            if (err instanceof EvmChainError) return err;
            throw err;
          }),
        ),
      );
    }
    const encoded = reqs.map((r) => {
      const iface = this.interfaceOf(r.to);
      const fragment = iface.getFunction(r.fn);
      if (!fragment) throw new EvmChainError(`${r.to} has no function ${r.fn}`, { kind: "invalid", op: "call" });
      const data = iface.encodeFunctionData(fragment, r.args ?? []);
      if ((data.length - 2) / 2 > 0xffff) throw new EvmChainError(`call ${r.fn}: data too long`, { kind: "invalid" });
      return { iface, fragment, data };
    });
    const input =
      "0x" +
      reqs
        .map((r, i) => r.to.slice(2).toLowerCase() + ((encoded[i].data.length - 2) / 2).toString(16).padStart(4, "0"))
        .map((head, i) => head + encoded[i].data.slice(2))
        .join("");
    const [tag] = [...tags];
    const blockTag = typeof tag === "number" ? toBeHex(tag) : tag;
    const out = (await this.request("eth_call", [
      { from: ZeroAddress, to: BATCH_CALLER, data: input },
      blockTag,
      { [BATCH_CALLER]: { code: BATCH_CALLER_CODE } },
    ])) as string;
    const bytes = out.slice(2);
    const results: (unknown[] | EvmChainError)[] = [];
    let at = 0;
    for (const [i, r] of reqs.entries()) {
      if (bytes.length < at + 128) throw new EvmChainError("batch call: short answer", { kind: "rpc", op: "call" });
      const ok = BigInt(`0x${bytes.slice(at, at + 64)}`) === 1n;
      const len = Number(BigInt(`0x${bytes.slice(at + 64, at + 128)}`));
      const data = `0x${bytes.slice(at + 128, at + 128 + len * 2)}`;
      at += 128 + len * 2;
      if (!ok) {
        results.push(
          new EvmChainError(`call ${r.fn}: execution reverted`, {
            kind: "revert",
            revertData: data,
            op: `call ${r.fn}`,
          }),
        );
        continue;
      }
      results.push([...encoded[i].iface.decodeFunctionResult(encoded[i].fragment, data)]);
    }
    if (at !== bytes.length) throw new EvmChainError("batch call: answer longer than the calls", { kind: "rpc" });
    return results;
  }

  async upgrade(req: EvmUpgradeRequest): Promise<EvmTxResult> {
    this.uups ??= new Interface(readEvmArtifact(UUPS_ARTIFACT, this.artifactsDir).abi as InterfaceAbi);
    const data = this.uups.encodeFunctionData("upgradeToAndCall", [req.implementation, req.data ?? "0x"]);
    const gas = await this.gasOf(req.gasLimit, { from: req.from, to: req.proxy, data });
    const receipt = await this.transact({ from: req.from, to: req.proxy, data, gas, nonce: req.nonce }, "upgrade");
    return this.resultOf(receipt, undefined, undefined);
  }

  async code(address: string): Promise<string> {
    return (await this.request("eth_getCode", [address, "latest"])) as string;
  }

  async storageAt(address: string, slot: string): Promise<string> {
    return (await this.request("eth_getStorageAt", [address, slot, "latest"])) as string;
  }

  async nonce(address: string, block: "latest" | "pending" = "pending"): Promise<number> {
    return num((await this.request("eth_getTransactionCount", [address, block])) as string);
  }

  encodeCall(to: string, fn: string, args: readonly unknown[] = []): string {
    return this.interfaceOf(to).encodeFunctionData(fn, args);
  }

  async block(): Promise<EvmBlockInfo> {
    const raw = (await this.request("eth_getBlockByNumber", ["latest", false])) as RawBlock;
    return { number: num(raw.number), time: num(raw.timestamp), chainId: await this.chainId() };
  }

  async height(): Promise<number> {
    return num((await this.request("eth_blockNumber", [])) as string);
  }

  async logs(q: EvmLogQuery): Promise<EvmLog[]> {
    if (q.addresses.length === 0 || q.toBlock < q.fromBlock) return [];
    const raw = (await this.request("eth_getLogs", [
      { fromBlock: toBeHex(q.fromBlock), toBlock: toBeHex(q.toBlock), address: [...q.addresses] },
    ])) as RawLog[];
    // Nodes return chain order; sorting keeps it when a node does not.
    return raw
      .map((log) => ({
        ...this.decodeLog(log),
        blockNumber: num(log.blockNumber),
        txHash: log.transactionHash,
        txIndex: num(log.transactionIndex),
      }))
      .sort((a, b) => a.blockNumber - b.blockNumber || a.txIndex - b.txIndex || a.logIndex - b.logIndex);
  }

  async blockHeader(number: number): Promise<EvmBlockHeader> {
    const raw = (await this.request("eth_getBlockByNumber", [toBeHex(number), false])) as RawBlock | null;
    if (!raw) throw new EvmChainError(`no block ${number}`, { kind: "not_found", op: "blockHeader" });
    return {
      number: num(raw.number),
      time: num(raw.timestamp),
      gasLimit: BigInt(raw.gasLimit),
      gasUsed: BigInt(raw.gasUsed),
    };
  }

  async transaction(hash: string): Promise<EvmTxInfo> {
    const [tx, receipt] = (await Promise.all([
      this.request("eth_getTransactionByHash", [hash]),
      this.request("eth_getTransactionReceipt", [hash]),
    ])) as [{ from: string; to: string | null; input: string; blockNumber: string } | null, RawReceipt | null];
    if (!tx || !receipt)
      throw new EvmChainError(`no mined transaction ${hash}`, { kind: "not_found", op: "transaction" });
    return {
      hash,
      blockNumber: num(tx.blockNumber),
      from: getAddress(tx.from),
      to: tx.to === null ? null : getAddress(tx.to),
      input: tx.input,
      gasUsed: BigInt(receipt.gasUsed),
    };
  }

  async chainId(): Promise<bigint> {
    this.chainIdCache ??= BigInt((await this.request("eth_chainId", [])) as string);
    return this.chainIdCache;
  }

  async setNextBlockTime(time: number | bigint): Promise<void> {
    await this.devMethod("evm_setNextBlockTimestamp", [Number(time)]);
  }

  async mine(time?: number | bigint): Promise<EvmBlockInfo> {
    if (time !== undefined) await this.setNextBlockTime(time);
    await this.devMethod("evm_mine", []);
    return this.block();
  }

  async snapshot(): Promise<SnapshotId> {
    const nodeId = (await this.devMethod("evm_snapshot", [])) as string;
    const id = this.nextSnapshot++;
    this.snapshots.set(id, nodeId);
    return id;
  }

  async restore(id: SnapshotId): Promise<void> {
    const nodeId = this.snapshots.get(id);
    if (nodeId === undefined) throw new EvmChainError(`unknown snapshot ${id}`, { kind: "not_found", op: "restore" });
    const ok = await this.devMethod("evm_revert", [nodeId]);
    if (ok !== true) throw new EvmChainError(`evm_revert(${nodeId}) failed`, { kind: "rpc", op: "restore" });
    // evm_revert consumed the node's snapshot; take it again so ours stays available.
    this.snapshots.set(id, (await this.devMethod("evm_snapshot", [])) as string);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.onClose?.();
  }

  /** The gas limit of a transaction: given, the default, or the node's estimate + 20 %. */
  private async gasOf(
    limit: EvmGasLimit | undefined,
    tx: { from: string; to?: string; data: string; value?: bigint },
  ): Promise<bigint> {
    if (limit === undefined) return this.defaultGasLimit;
    if (limit !== "estimate") return BigInt(limit);
    let estimate: string;
    try {
      estimate = (await this.request("eth_estimateGas", [
        { from: tx.from, to: tx.to, data: tx.data, value: tx.value === undefined ? undefined : toBeHex(tx.value) },
      ])) as string;
    } catch (err) {
      throw this.revertError(err, "estimateGas", undefined);
    }
    return (BigInt(estimate) * 12n) / 10n;
  }

  /** A development method (Hardhat/anvil); a real chain rejects it as `unsupported`. */
  private async devMethod(method: string, params: unknown[]): Promise<unknown> {
    try {
      return await this.request(method, params);
    } catch (err) {
      if (err instanceof EvmChainError) throw err;
      const message = err instanceof Error ? err.message : String(err);
      throw new EvmChainError(`${method}: ${message}`, {
        kind: RPC_UNSUPPORTED.test(message) ? "unsupported" : "rpc",
        op: method,
        cause: err,
      });
    }
  }

  /** Sends and waits; a reverted transaction becomes an EvmChainError with its revert data. */
  private async transact(tx: UnsignedTx, op: string): Promise<RawReceipt> {
    if (this.closed) throw new EvmChainError("EVM chain is closed", { kind: "closed", op });
    let hash: string;
    try {
      hash = await this.sendTx(tx);
    } catch (err) {
      throw this.revertError(err, op, txHashOfError(err));
    }
    const receipt = this.waitReceipt
      ? await this.waitReceipt(hash)
      : ((await this.request("eth_getTransactionReceipt", [hash])) as RawReceipt | null);
    if (!receipt) throw new EvmChainError(`no receipt for ${hash}`, { kind: "rpc", op, txHash: hash });
    if (num(receipt.status) !== 1) {
      // A node that mines reverted transactions silently: replay it for the revert data.
      const data = await this.traceOutput(hash).catch(() => undefined);
      throw new EvmChainError(`${op} reverted (${hash})`, {
        kind: "revert",
        revertData: data?.output,
        txHash: hash,
        op,
      });
    }
    return receipt;
  }

  private revertError(err: unknown, op: string, txHash: string | undefined): EvmChainError {
    if (err instanceof EvmChainError) return err;
    const data = revertDataOfError(err);
    const message = err instanceof Error ? err.message : String(err);
    const reverted = data !== undefined || /revert/i.test(message);
    return new EvmChainError(`${op}: ${message}`, {
      kind: reverted ? "revert" : "rpc",
      revertData: data,
      txHash,
      op,
      cause: err,
    });
  }

  /** The top call's output of a mined transaction, re-executed by the node's tracer. */
  private async traceOutput(hash: string): Promise<{ failed: boolean; output: string } | undefined> {
    if (!this.traceSupported) return undefined;
    try {
      const trace = (await this.request("debug_traceTransaction", [
        hash,
        { disableStorage: true, disableMemory: true, disableStack: true },
      ])) as { failed: boolean; returnValue: string };
      const output = trace.returnValue.startsWith("0x") ? trace.returnValue : `0x${trace.returnValue}`;
      return { failed: trace.failed, output };
    } catch (err) {
      if (RPC_UNSUPPORTED.test(err instanceof Error ? err.message : String(err))) this.traceSupported = false;
      return undefined;
    }
  }

  private async resultOf(
    receipt: RawReceipt,
    iface: Interface | undefined,
    fn: string | undefined,
    output?: string,
    blockTime?: number,
  ): Promise<EvmTxResult> {
    const blockNumber = num(receipt.blockNumber);
    const [timestamp, returnValue] = await Promise.all([
      blockTime ??
        (this.request("eth_getBlockByNumber", [receipt.blockNumber, false]) as Promise<RawBlock>).then((b) =>
          num(b.timestamp),
        ),
      (async (): Promise<unknown[] | undefined> => {
        if (!iface || fn === undefined) return [];
        if (output !== undefined) return [...iface.decodeFunctionResult(fn, output)];
        const trace = await this.traceOutput(receipt.transactionHash);
        return trace ? [...iface.decodeFunctionResult(fn, trace.output)] : undefined;
      })(),
    ]);
    return {
      hash: receipt.transactionHash,
      blockNumber,
      blockTime: timestamp,
      gasUsed: BigInt(receipt.gasUsed),
      returnValue,
      events: receipt.logs.map((log) => this.decodeLog(log)),
    };
  }

  /** Event fragment by topic0, per interface: ethers hashes every fragment on each lookup. */
  private readonly eventsByTopic = new WeakMap<Interface, Map<string, EventFragment>>();

  /** EIP-55 form of the addresses seen in logs (checksumming hashes each time). */
  private readonly checksummed = new Map<string, string>();
  private readonly signatures = new WeakMap<EventFragment, string>();

  private parseLog(iface: Interface, log: { topics: string[]; data: string }) {
    let byTopic = this.eventsByTopic.get(iface);
    if (!byTopic) {
      byTopic = new Map();
      iface.forEachEvent((e) => byTopic?.set(e.topicHash, e));
      this.eventsByTopic.set(iface, byTopic);
    }
    const fragment = log.topics.length > 0 ? byTopic.get(log.topics[0].toLowerCase()) : undefined;
    if (!fragment) return null;
    try {
      const args = iface.decodeEventLog(fragment, log.data, log.topics);
      let signature = this.signatures.get(fragment);
      if (signature === undefined) this.signatures.set(fragment, (signature = fragment.format("sighash")));
      return { fragment, name: fragment.name, signature, args };
    } catch {
      return null;
    }
  }

  private decodeLog(log: RawReceipt["logs"][number]): EvmEvent {
    let address = this.checksummed.get(log.address);
    if (address === undefined) this.checksummed.set(log.address, (address = getAddress(log.address)));
    const base = { address, logIndex: num(log.logIndex), topics: [...log.topics], data: log.data };
    const iface = this.abis.get(address.toLowerCase());
    const parsed = iface ? this.parseLog(iface, { topics: log.topics, data: log.data }) : null;
    if (!parsed) return { ...base, name: undefined, signature: undefined, args: {}, values: [] };
    const args: Record<string, unknown> = {};
    parsed.fragment.inputs.forEach((input, i) => {
      args[input.name || String(i)] = parsed.args[i];
    });
    return { ...base, name: parsed.name, signature: parsed.signature, args, values: [...parsed.args] };
  }
}
