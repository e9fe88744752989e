import { readFile } from "node:fs/promises";

import { CosmWasmClient, instantiate2Address, SigningCosmWasmClient } from "@cosmjs/cosmwasm-stargate";
import { sha256 } from "@cosmjs/crypto";
import { fromHex, toHex, toUtf8 } from "@cosmjs/encoding";
import { makeCosmoshubPath } from "@cosmjs/amino";
import { DirectSecp256k1HdWallet, type EncodeObject } from "@cosmjs/proto-signing";
import { connectComet, type CometClient } from "@cosmjs/tendermint-rpc";
import { calculateFee, GasPrice, type DeliverTxResponse, type Event } from "@cosmjs/stargate";
import {
  MsgExecuteContract,
  MsgExecuteContractResponse,
  MsgInstantiateContract,
  MsgInstantiateContract2,
  MsgInstantiateContract2Response,
  MsgInstantiateContractResponse,
  MsgMigrateContract,
  MsgMigrateContractResponse,
  MsgStoreCode,
  MsgStoreCodeResponse,
  MsgUpdateAdmin,
} from "cosmjs-types/cosmwasm/wasm/v1/tx";

import {
  WasmChainError,
  type BlockInfo,
  type ChainEvent,
  type ContractInfo,
  type ExecuteRequest,
  type Instantiate2Request,
  type InstantiateRequest,
  type MigrateRequest,
  type SnapshotId,
  type StoredCode,
  type WasmBlockTxs,
  type WasmChain,
  type WasmErrorKind,
  type WasmInstantiateResult,
  type WasmTxResult,
} from "../types";

/**
 * The real-node CosmWasm backend: cosmjs over CometBFT RPC. Same `WasmChain` as the
 * embedded engine, plus what only a real node has (fees, tx hashes, heights, memos,
 * instantiate2), carried in each result's `tx` (and `lastTx`).
 *
 * Fees: gas = simulate × `gasMargin` (never cosmjs' "auto", so the margin is ours), fee =
 * gas × `gasPrice`. A simulation failure is the contract's error: it is decoded into a
 * `WasmChainError` with the spec code (`vagus:<code>`) and nothing is broadcast.
 */

export interface NodeSigner {
  /** A name for messages (`deployer`); never the key. */
  name: string;
  mnemonic: string;
  /** HD path index (default 0: m/44'/118'/0'/0/0). */
  hdIndex?: number;
}

export interface CosmjsOptions {
  rpc: string;
  chainId: string;
  prefix: string;
  /** e.g. `0.025ustake`. */
  gasPrice: string;
  /** The keys it sends with; none gives a read-only chain (queries, code and contract info). */
  signers: NodeSigner[];
  /** Multiplier on simulated gas (default 1.4). */
  gasMargin?: number;
  /** How long to wait for a tx to be included, ms (default 60 s). */
  txTimeoutMs?: number;
  /** Poll interval while waiting for inclusion, ms (default 300). */
  pollIntervalMs?: number;
  /** Gas added after the margin (default 30,000): simulation misses part of the ante cost. */
  gasOverhead?: number;
  /** Attempts on `account sequence mismatch` (default 4). */
  sequenceRetries?: number;
  /** Progress/diagnostic output (default: nothing). Never receives key material. */
  log?: (line: string) => void;
}

/** What a real node adds to a tx result. */
export interface NodeTxInfo {
  txHash: string;
  height: number;
  gasWanted: number;
  gasUsed: number;
  /** Fee paid, e.g. `1234ustake`. */
  fee: string;
}

export type { ContractInfo, Instantiate2Request };

const SEQUENCE_MISMATCH = /account sequence mismatch|incorrect account sequence/i;

function kindOf(text: string): WasmErrorKind {
  if (/out of gas/i.test(text)) return "out_of_gas";
  if (/vagus:1001\b|unauthorized/i.test(text)) return "unauthorized";
  if (/not found|no such contract/i.test(text)) return "not_found";
  if (/vagus:\d{4}/.test(text)) return "contract";
  if (/invalid|failed to (parse|decode)|unknown variant|missing field/i.test(text)) return "invalid";
  return "vm";
}

function eventsOf(events: readonly Event[]): ChainEvent[] {
  return events.map((e) => ({
    type: e.type,
    attributes: e.attributes.map((a) => ({ key: a.key, value: a.value })),
  }));
}

function parseData(raw: Uint8Array | null): unknown {
  if (!raw || raw.length === 0) return null;
  try {
    return JSON.parse(Buffer.from(raw).toString("utf8")) as unknown;
  } catch {
    return null;
  }
}

/** The cosmjs-backed `WasmChain` of a real node. Create with `CosmjsChain.connect`. */
export class CosmjsChain implements WasmChain {
  readonly backend = "node" as const;
  /** The node details of the last successful transaction (hash, height, fee). */
  lastTx: NodeTxInfo | undefined;
  private closed = false;
  /** CometBFT RPC for history (`blockTxs`), opened on first use. */
  private comet: CometClient | undefined;

  private constructor(
    private readonly opts: Required<Omit<CosmjsOptions, "signers" | "log" | "pollIntervalMs">> &
      Pick<CosmjsOptions, "log">,
    private readonly clients: Map<string, SigningCosmWasmClient>,
    /** name → address */
    readonly accounts: ReadonlyMap<string, string>,
    /** The client reads go through: the first signer's, or a plain one when read-only. */
    private readonly reader: CosmWasmClient,
  ) {}

  /**
   * A chain that only reads (queries, blocks, history): no key is loaded, and every
   * transaction fails with kind `invalid`. What a monitor uses.
   */
  static async connectReadOnly(options: { rpc: string; chainId: string }): Promise<CosmjsChain> {
    let reader: CosmWasmClient;
    try {
      reader = await CosmWasmClient.connect(options.rpc);
    } catch (err) {
      throw new WasmChainError(`cannot reach the CosmWasm node at ${options.rpc}: ${(err as Error).message}`, {
        kind: "closed",
        op: "connect",
      });
    }
    const actual = await reader.getChainId();
    if (actual !== options.chainId) {
      reader.disconnect();
      throw new WasmChainError(
        `the node at ${options.rpc} runs chain ${actual}, the configuration says ${options.chainId}`,
        {
          kind: "invalid",
          op: "connect",
        },
      );
    }
    const opts = {
      rpc: options.rpc,
      chainId: options.chainId,
      prefix: "",
      gasPrice: "0",
      gasMargin: 1,
      gasOverhead: 0,
      txTimeoutMs: 0,
      sequenceRetries: 0,
      log: undefined,
    };
    return new CosmjsChain(opts, new Map(), new Map(), reader);
  }

  static async connect(options: CosmjsOptions): Promise<CosmjsChain> {
    const gasPrice = GasPrice.fromString(options.gasPrice);
    const clients = new Map<string, SigningCosmWasmClient>();
    const accounts = new Map<string, string>();
    for (const s of options.signers) {
      const wallet = await DirectSecp256k1HdWallet.fromMnemonic(s.mnemonic.trim(), {
        prefix: options.prefix,
        hdPaths: s.hdIndex ? [hdPath(s.hdIndex)] : undefined,
      });
      const [account] = await wallet.getAccounts();
      let client: SigningCosmWasmClient;
      try {
        client = await SigningCosmWasmClient.connectWithSigner(options.rpc, wallet, {
          gasPrice,
          // Localnet blocks come every ~0.3 s; cosmjs' default 3 s poll would dominate.
          broadcastPollIntervalMs: options.pollIntervalMs ?? 300,
          broadcastTimeoutMs: options.txTimeoutMs ?? 60_000,
        });
      } catch (err) {
        throw new WasmChainError(`cannot reach the CosmWasm node at ${options.rpc}: ${(err as Error).message}`, {
          kind: "closed",
          op: "connect",
        });
      }
      clients.set(account.address, client);
      accounts.set(s.name, account.address);
    }
    let reader: CosmWasmClient | undefined = clients.values().next().value;
    if (!reader) {
      try {
        reader = await CosmWasmClient.connect(options.rpc);
      } catch (err) {
        throw new WasmChainError(`cannot reach the CosmWasm node at ${options.rpc}: ${(err as Error).message}`, {
          kind: "closed",
          op: "connect",
        });
      }
    }
    const chain = new CosmjsChain(
      {
        rpc: options.rpc,
        chainId: options.chainId,
        prefix: options.prefix,
        gasPrice: options.gasPrice,
        gasMargin: options.gasMargin ?? 1.4,
        gasOverhead: options.gasOverhead ?? 30_000,
        txTimeoutMs: options.txTimeoutMs ?? 60_000,
        sequenceRetries: options.sequenceRetries ?? 4,
        log: options.log,
      },
      clients,
      accounts,
      reader,
    );
    const actual = await chain.anyClient().getChainId();
    if (actual !== options.chainId) {
      await chain.close();
      throw new WasmChainError(
        `the node at ${options.rpc} runs chain ${actual}, the configuration says ${options.chainId}`,
        {
          kind: "invalid",
          op: "connect",
        },
      );
    }
    return chain;
  }

  /** The address of a configured signer by name (`deployer`). */
  address(name: string): string {
    const a = this.accounts.get(name);
    if (!a) throw new Error(`CosmjsChain: no signer named ${JSON.stringify(name)}`);
    return a;
  }

  private anyClient(): CosmWasmClient {
    this.checkOpen();
    return this.reader;
  }

  private client(sender: string | undefined): { client: SigningCosmWasmClient; sender: string } {
    this.checkOpen();
    const address = sender ?? [...this.accounts.values()][0];
    const client = this.clients.get(address);
    if (!client) {
      throw new WasmChainError(
        `no signing key for ${address} (configured signers: ${[...this.accounts.keys()].join(", ")})`,
        {
          kind: "invalid",
        },
      );
    }
    return { client, sender: address };
  }

  private checkOpen(): void {
    if (this.closed) throw new WasmChainError("the cosmjs backend is closed", { kind: "closed" });
  }

  /**
   * Simulate, then sign and broadcast with gas = simulated × margin, wait for inclusion;
   * retries a sequence mismatch (another tx of the same account raced this one).
   */
  private async send(op: string, sender: string | undefined, msgs: EncodeObject[], memo = "", gasLimit?: number) {
    const { client, sender: from } = this.client(sender);
    for (let attempt = 1; ; attempt++) {
      try {
        let gas = gasLimit;
        if (gas === undefined) {
          const simulated = await retryTransient(() => client.simulate(from, msgs, memo), op, this.opts.log);
          gas = Math.ceil(simulated * this.opts.gasMargin) + this.opts.gasOverhead;
        }
        const fee = calculateFee(gas, this.opts.gasPrice);
        const res: DeliverTxResponse = await withTimeout(
          client.signAndBroadcast(from, msgs, fee, memo),
          this.opts.txTimeoutMs,
          `${op}: not included within ${this.opts.txTimeoutMs} ms`,
        );
        if (res.code !== 0) {
          throw this.decode(op, res.rawLog ?? `code ${res.code}`, {
            abciCode: res.code,
            gas: { used: Number(res.gasUsed), limit: Number(res.gasWanted) },
          });
        }
        this.lastTx = {
          txHash: res.transactionHash,
          height: res.height,
          gasWanted: Number(res.gasWanted),
          gasUsed: Number(res.gasUsed),
          fee: fee.amount.map((c) => `${c.amount}${c.denom}`).join(","),
        };
        return res;
      } catch (err) {
        if (err instanceof WasmChainError) throw err;
        const text = (err as Error).message ?? String(err);
        if (SEQUENCE_MISMATCH.test(text) && attempt < this.opts.sequenceRetries) {
          this.opts.log?.(`${op}: account sequence mismatch, retrying (${attempt})`);
          await sleep(500 * attempt);
          continue;
        }
        throw this.decode(op, text);
      }
    }
  }

  private decode(op: string, text: string, extra: Partial<ConstructorParameters<typeof WasmChainError>[1]> = {}) {
    // A node panic log carries a Go stack trace: keep what follows its last frame (the
    // reason), and always the contract's message (it carries vagus:<code>).
    const flat = text.replace(/\s+/g, " ").trim();
    const frames = flat.split(/\S+\.go:\d+ /);
    const msg = frames.length > 1 ? frames[frames.length - 1] : flat;
    return new WasmChainError(`${op}: ${msg}`, { kind: kindOf(msg), log: text, op, ...extra });
  }

  private txResult(res: DeliverTxResponse, data: Uint8Array | null): WasmTxResult {
    return {
      data: parseData(data),
      rawData: data && data.length > 0 ? data : null,
      events: eventsOf(res.events),
      gas: { used: Number(res.gasUsed), limit: Number(res.gasWanted) },
      tx: { hash: res.transactionHash, height: res.height },
    };
  }

  async store(wasmPath: string, opts: { sender?: string; memo?: string } = {}): Promise<StoredCode> {
    const wasm = await readFile(wasmPath);
    const msg: EncodeObject = {
      typeUrl: "/cosmwasm.wasm.v1.MsgStoreCode",
      value: MsgStoreCode.fromPartial({ sender: this.client(opts.sender).sender, wasmByteCode: wasm }),
    };
    const res = await this.send("store", opts.sender, [msg], opts.memo);
    const resp = MsgStoreCodeResponse.decode(res.msgResponses[0].value);
    return {
      codeId: Number(resp.codeId),
      checksum: toHex(resp.checksum),
      tx: { hash: res.transactionHash, height: res.height },
      gasUsed: Number(res.gasUsed),
    };
  }

  async instantiate(req: InstantiateRequest & { memo?: string }): Promise<WasmInstantiateResult> {
    const msg: EncodeObject = {
      typeUrl: "/cosmwasm.wasm.v1.MsgInstantiateContract",
      value: MsgInstantiateContract.fromPartial({
        sender: req.sender,
        admin: req.admin ?? "",
        codeId: BigInt(req.codeId),
        label: req.label ?? `vagus-${req.codeId}`,
        msg: toUtf8(JSON.stringify(req.msg)),
        funds: [],
      }),
    };
    const res = await this.send("instantiate", req.sender, [msg], req.memo, req.gasLimit);
    const resp = MsgInstantiateContractResponse.decode(res.msgResponses[0].value);
    return { ...this.txResult(res, resp.data), address: resp.address };
  }

  /** The address `instantiate2` will give (deterministic: checksum, creator, salt). */
  predictAddress(checksum: string, creator: string, salt: Uint8Array): string {
    return instantiate2Address(fromHex(checksum), creator, salt, this.opts.prefix);
  }

  async instantiate2(req: Instantiate2Request): Promise<WasmInstantiateResult> {
    const msg: EncodeObject = {
      typeUrl: "/cosmwasm.wasm.v1.MsgInstantiateContract2",
      value: MsgInstantiateContract2.fromPartial({
        sender: req.sender,
        admin: req.admin ?? "",
        codeId: BigInt(req.codeId),
        label: req.label ?? `vagus-${req.codeId}`,
        msg: toUtf8(JSON.stringify(req.msg)),
        funds: [],
        salt: req.salt,
        fixMsg: false,
      }),
    };
    const res = await this.send("instantiate2", req.sender, [msg], req.memo, req.gasLimit);
    const resp = MsgInstantiateContract2Response.decode(res.msgResponses[0].value);
    return { ...this.txResult(res, resp.data), address: resp.address };
  }

  async execute(req: ExecuteRequest): Promise<WasmTxResult> {
    const msg: EncodeObject = {
      typeUrl: "/cosmwasm.wasm.v1.MsgExecuteContract",
      value: MsgExecuteContract.fromPartial({
        sender: req.sender,
        contract: req.contract,
        msg: toUtf8(JSON.stringify(req.msg)),
        funds: [],
      }),
    };
    const res = await this.send("execute", req.sender, [msg], req.memo, req.gasLimit);
    const resp = MsgExecuteContractResponse.decode(res.msgResponses[0].value);
    return this.txResult(res, resp.data);
  }

  async migrate(req: MigrateRequest): Promise<WasmTxResult> {
    const msg: EncodeObject = {
      typeUrl: "/cosmwasm.wasm.v1.MsgMigrateContract",
      value: MsgMigrateContract.fromPartial({
        sender: req.sender,
        contract: req.contract,
        codeId: BigInt(req.codeId),
        msg: toUtf8(JSON.stringify(req.msg)),
      }),
    };
    const res = await this.send("migrate", req.sender, [msg], undefined, req.gasLimit);
    const resp = MsgMigrateContractResponse.decode(res.msgResponses[0].value);
    return this.txResult(res, resp.data);
  }

  /** Chain-level admin change (who may migrate). */
  async updateAdmin(sender: string, contract: string, newAdmin: string): Promise<WasmTxResult> {
    const msg: EncodeObject = {
      typeUrl: "/cosmwasm.wasm.v1.MsgUpdateAdmin",
      value: MsgUpdateAdmin.fromPartial({ sender, contract, newAdmin }),
    };
    const res = await this.send("update_admin", sender, [msg]);
    return this.txResult(res, null);
  }

  async query<T = unknown>(contract: string, msg: unknown): Promise<T> {
    try {
      return (await this.anyClient().queryContractSmart(contract, msg)) as T;
    } catch (err) {
      if (err instanceof WasmChainError) throw err;
      throw this.decode("query", (err as Error).message);
    }
  }

  /** The code already on chain with this checksum, if any (lowest code id). */
  async findCode(checksum: string): Promise<StoredCode | undefined> {
    const codes = await this.anyClient().getCodes();
    const hit = codes.filter((c) => c.checksum.toLowerCase() === checksum.toLowerCase()).sort((a, b) => a.id - b.id)[0];
    return hit ? { codeId: hit.id, checksum: hit.checksum.toLowerCase() } : undefined;
  }

  async codeChecksum(codeId: number): Promise<string> {
    const codes = await this.anyClient().getCodes();
    const hit = codes.find((c) => c.id === codeId);
    if (!hit) throw new WasmChainError(`code ${codeId} does not exist`, { kind: "not_found", op: "code" });
    return hit.checksum.toLowerCase();
  }

  /** A contract's chain-level info, or undefined when no contract lives at `address`. */
  async contractInfo(address: string): Promise<ContractInfo | undefined> {
    try {
      const c = await this.anyClient().getContract(address);
      return { address: c.address, codeId: c.codeId, creator: c.creator, admin: c.admin || undefined, label: c.label };
    } catch (err) {
      if (/not found|no such contract/i.test((err as Error).message)) return undefined;
      throw this.decode("contract_info", (err as Error).message);
    }
  }

  async queryRaw(contract: string, key: Uint8Array): Promise<Uint8Array | null> {
    try {
      return await this.anyClient().queryContractRaw(contract, key);
    } catch (err) {
      throw this.decode("query_raw", (err as Error).message);
    }
  }

  /** Every stored code (id, checksum lowercase hex, creator): what a recovery walks. */
  async codes(): Promise<{ codeId: number; checksum: string; creator: string }[]> {
    const codes = await this.anyClient().getCodes();
    return codes.map((c) => ({ codeId: c.id, checksum: c.checksum.toLowerCase(), creator: c.creator }));
  }

  /** Addresses of the contracts whose current code is `codeId`. */
  async contractsByCode(codeId: number): Promise<string[]> {
    return [...(await this.anyClient().getContracts(codeId))];
  }

  /** A contract's code history, oldest first: instantiate, then each migrate. */
  async codeHistory(address: string): Promise<{ operation: string; codeId: number; msg: unknown }[]> {
    const h = await this.anyClient().getContractCodeHistory(address);
    return h.map((e) => ({ operation: e.operation, codeId: e.codeId, msg: e.msg as unknown }));
  }

  async balance(address: string, denom: string): Promise<bigint> {
    const c = await this.anyClient().getBalance(address, denom);
    return BigInt(c.amount);
  }

  setBlock(): Promise<BlockInfo> {
    return Promise.reject(
      new WasmChainError("a real node's clock cannot be moved (use short windows)", {
        kind: "unsupported",
        op: "set_block",
      }),
    );
  }

  async block(): Promise<BlockInfo> {
    return this.blockAt();
  }

  /** The block at `height` (default: the latest). */
  async blockAt(height?: number): Promise<BlockInfo> {
    const b = await this.anyClient().getBlock(height);
    const ms = Date.parse(b.header.time);
    // CometBFT times carry nanoseconds; Date keeps milliseconds, enough for seconds.
    const nanos = /\.(\d+)Z$/.exec(b.header.time)?.[1]?.padEnd(9, "0").slice(0, 9) ?? "000000000";
    const secs = Math.floor(ms / 1000);
    return { height: b.header.height, time: secs, timeNanos: `${secs}${nanos}`, chainId: b.header.chainId };
  }

  async height(): Promise<number> {
    return this.anyClient().getHeight();
  }

  /**
   * Block results of the heights that hold transactions: block metas (20 per request, as
   * CometBFT pages them) say which heights have transactions and their times, then one
   * `block_results` per such height.
   */
  async blockTxs(fromHeight: number, toHeight: number): Promise<WasmBlockTxs[]> {
    this.checkOpen();
    this.comet ??= await connectComet(this.opts.rpc);
    const comet = this.comet;
    const out: WasmBlockTxs[] = [];
    for (let lo = Math.max(1, fromHeight); lo <= toHeight; lo += 20) {
      const hi = Math.min(toHeight, lo + 19);
      const metas = (await comet.blockchain(lo, hi)).blockMetas
        .filter((m) => m.numTxs > 0 && m.header.height >= lo && m.header.height <= hi)
        .sort((a, b) => a.header.height - b.header.height);
      const results = await Promise.all(metas.map((m) => comet.blockResults(m.header.height)));
      metas.forEach((m, i) => {
        out.push({
          height: m.header.height,
          time: Math.floor(m.header.time.getTime() / 1000),
          txs: results[i].results.map((r, index) => ({
            index,
            ok: r.code === 0,
            gasUsed: Number(r.gasUsed),
            gasWanted: Number(r.gasWanted),
            events: eventsOf(r.events),
          })),
        });
      });
    }
    return out;
  }

  /** The address of a configured signer (a real node has no MockApi). */
  addrMake(name: string): Promise<string> {
    return Promise.resolve(this.address(name));
  }

  snapshot(): Promise<SnapshotId> {
    return Promise.reject(new WasmChainError("a real node has no snapshots", { kind: "unsupported", op: "snapshot" }));
  }

  restore(): Promise<void> {
    return Promise.reject(new WasmChainError("a real node has no snapshots", { kind: "unsupported", op: "restore" }));
  }

  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      for (const c of this.clients.values()) c.disconnect();
      if (this.clients.size === 0) this.reader.disconnect();
      this.comet?.disconnect();
    }
    return Promise.resolve();
  }
}

/** sha256 of bytes, lowercase hex (the checksum wasmd records). */
export function wasmChecksum(bytes: Uint8Array): string {
  return toHex(sha256(bytes));
}

function hdPath(index: number) {
  return makeCosmoshubPath(index);
}

const TRANSIENT = /fetch failed|ECONNRESET|socket hang up|other side closed/i;

/**
 * Retries a read-only call (simulation, queries) on a dropped connection: an idle
 * keep-alive socket closed by the node fails the next request once. Never used around a
 * broadcast, which must not be sent twice.
 */
async function retryTransient<T>(fn: () => Promise<T>, op: string, log?: (l: string) => void): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (attempt >= 3 || !TRANSIENT.test((err as Error).message ?? "")) throw err;
      log?.(`${op}: ${(err as Error).message}; retrying (${attempt})`);
      await sleep(300 * attempt);
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new WasmChainError(message, { kind: "vm", op: "wait" })), ms);
      }),
    ]);
  } finally {
    if (timer) clearTimeout(timer);
  }
}
