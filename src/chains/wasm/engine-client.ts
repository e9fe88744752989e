import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { existsSync } from "node:fs";
import type { Socket } from "node:net";
import path from "node:path";
import { createInterface } from "node:readline";

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
  type WasmGas,
  type WasmInstantiateResult,
  type WasmTxResult,
} from "../types";

/**
 * The embedded CosmWasm backend: a `vagus-wasm-engine serve` child process spoken to in
 * JSON lines (wasm-contracts/packages/vagus-wasm-engine/README.md). One request line per
 * call, one response line each, matched by `id`.
 */

const REPO_ROOT = path.resolve(__dirname, "..", "..", "..");
const BUILD_HINT = "cargo build -p vagus-wasm-engine";

/** `VAGUS_WASM_ENGINE_BIN`, else `<CARGO_TARGET_DIR or target>/debug/vagus-wasm-engine`. */
export function defaultEngineBin(env: NodeJS.ProcessEnv = process.env): string {
  if (env.VAGUS_WASM_ENGINE_BIN) return path.resolve(env.VAGUS_WASM_ENGINE_BIN);
  const targetDir = path.resolve(REPO_ROOT, env.CARGO_TARGET_DIR ?? "target");
  const exe = process.platform === "win32" ? "vagus-wasm-engine.exe" : "vagus-wasm-engine";
  return path.join(targetDir, "debug", exe);
}

export interface EngineOptions {
  /** The engine binary (default `defaultEngineBin()`). */
  bin?: string;
  /** bech32 prefix (engine default `wasm`). */
  prefix?: string;
  chainId?: string;
  height?: number;
  /** Initial block time, unix seconds. */
  time?: number;
  txGasLimit?: number;
  queryGasLimit?: number;
  /** Base for relative wasm paths (default `process.cwd()`). */
  cwd?: string;
}

interface RawGas {
  vm: number;
  sdk: number;
  sdk_limit: number;
  breakdown?: Record<string, number>;
}

interface RawTx {
  address?: string;
  events: ChainEvent[];
  data: string | null;
  gas: RawGas;
}

interface RawBlock {
  height: number;
  time: number;
  time_nanos: string;
  chain_id: string;
}

interface RawError {
  message: string;
  kind: WasmErrorKind;
  codespace?: string;
  code?: number;
  log?: string;
  gas?: RawGas;
  vagus_code?: number;
  vagus_name?: string;
}

interface Pending {
  op: string;
  resolve(value: unknown): void;
  reject(err: Error): void;
}

/** Children still running, killed if this process exits without closing them. */
const live = new Set<ChildProcessWithoutNullStreams>();
let exitHookInstalled = false;
function track(child: ChildProcessWithoutNullStreams): void {
  live.add(child);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once("exit", () => {
      for (const c of live) c.kill("SIGKILL");
    });
  }
}

function gasOf(g: RawGas): WasmGas {
  return { used: g.sdk, limit: g.sdk_limit, vm: g.vm, breakdown: g.breakdown };
}

function txOf(raw: RawTx): WasmTxResult {
  let rawData: Uint8Array | null = null;
  let data: unknown = null;
  if (raw.data !== null) {
    const bytes = Buffer.from(raw.data, "base64");
    rawData = new Uint8Array(bytes);
    try {
      data = JSON.parse(bytes.toString("utf8"));
    } catch {
      data = null;
    }
  }
  return { data, rawData, events: raw.events, gas: gasOf(raw.gas) };
}

function errorOf(e: RawError, op: string): WasmChainError {
  return new WasmChainError(e.message, {
    kind: e.kind,
    code: e.vagus_code,
    specName: e.vagus_name,
    codespace: e.codespace,
    abciCode: e.code,
    log: e.log,
    gas: e.gas ? gasOf(e.gas) : undefined,
    op,
  });
}

/** A smart query's parsed answer; a non-JSON answer is an error (see `query`). */
function queryAnswer(contract: string, ok: { data: string; json: unknown }): unknown {
  if (ok.json === null && Buffer.from(ok.data, "base64").toString("utf8").trim() !== "null") {
    throw new WasmChainError(`query answer of ${contract} is not JSON`, { kind: "invalid", op: "query" });
  }
  return ok.json;
}

function blockOf(raw: RawBlock): BlockInfo {
  return { height: raw.height, time: raw.time, timeNanos: raw.time_nanos, chainId: raw.chain_id };
}

/** One answer of `EngineClient.queryBatch`: the parsed answer, or the error `query` would throw. */
export type QueryBatchAnswer = { answer: unknown; error?: undefined } | { error: WasmChainError };

export class EngineClient implements WasmChain {
  readonly backend = "embedded" as const;
  readonly bin: string;
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly cwd: string;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private dead: Error | undefined;
  private stderrTail = "";
  private readonly exited: Promise<void>;
  /** Transactions executed so far, by height: the engine's history (`blockTxs`). */
  private history: { height: number; time: number; gasUsed: number; gasWanted: number; events: ChainEvent[] }[] = [];
  /** History length at each snapshot: a restore forgets what came after. */
  private readonly historyAt = new Map<SnapshotId, number>();
  private current: BlockInfo | undefined;

  private constructor(bin: string, args: string[], cwd: string) {
    this.bin = bin;
    this.cwd = cwd;
    this.child = spawn(bin, args, { stdio: ["pipe", "pipe", "pipe"] });
    track(this.child);
    this.exited = new Promise((resolve) => {
      this.child.once("close", (code, signal) => {
        live.delete(this.child);
        const how = signal ? `signal ${signal}` : `status ${code}`;
        const tail = this.stderrTail.trim();
        this.fail(`vagus-wasm-engine exited (${how})${tail ? `: ${tail}` : ""}`);
        resolve();
      });
    });
    this.child.once("error", (err) => this.fail(`vagus-wasm-engine: ${err.message}`));
    // A write after the process died raises EPIPE on stdin; the close handler reports it.
    this.child.stdin.on("error", () => undefined);
    this.child.stderr.setEncoding("utf8");
    this.child.stderr.on("data", (chunk: string) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-4000);
    });
    const lines = createInterface({ input: this.child.stdout, crlfDelay: Infinity });
    lines.on("line", (line) => this.onLine(line));
    this.idle();
  }

  /** Starts an engine process. Fails with the build command when the binary is missing. */
  static start(opts: EngineOptions = {}): Promise<EngineClient> {
    const bin = opts.bin ?? defaultEngineBin();
    if (!existsSync(bin)) {
      return Promise.reject(
        new Error(
          `vagus-wasm-engine binary not found at ${bin}: run \`${BUILD_HINT}\` ` +
            "(or set VAGUS_WASM_ENGINE_BIN to the binary)",
        ),
      );
    }
    const args = ["serve"];
    const flag = (name: string, v: string | number | undefined) => {
      if (v !== undefined) args.push(name, String(v));
    };
    flag("--prefix", opts.prefix);
    flag("--chain-id", opts.chainId);
    flag("--height", opts.height);
    flag("--time", opts.time);
    flag("--tx-gas-limit", opts.txGasLimit);
    flag("--query-gas-limit", opts.queryGasLimit);
    const client = new EngineClient(bin, args, opts.cwd ?? process.cwd());
    // A round trip proves the process started and speaks the protocol.
    return client.request("block", {}).then(
      () => client,
      async (err: Error) => {
        await client.close();
        throw err;
      },
    );
  }

  /** The engine's process id (undefined if it failed to spawn). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Whether the process is still serving. */
  get alive(): boolean {
    return this.dead === undefined;
  }

  /** Sends one request; resolves with `ok`, rejects with a WasmChainError for `err`. */
  request(op: string, fields: Record<string, unknown>): Promise<unknown> {
    if (this.dead) return Promise.reject(this.dead);
    const id = this.nextId++;
    const line = JSON.stringify({ id, op, ...fields }) + "\n";
    return new Promise((resolve, reject) => {
      this.pending.set(id, { op, resolve, reject });
      if (this.pending.size === 1) this.busy();
      this.child.stdin.write(line);
    });
  }

  async store(wasmPath: string, opts: { sender?: string } = {}): Promise<StoredCode> {
    const ok = (await this.request("store", {
      wasm_path: path.resolve(this.cwd, wasmPath),
      sender: opts.sender,
    })) as { code_id: number; checksum: string };
    return { codeId: ok.code_id, checksum: ok.checksum };
  }

  /** Records a successful transaction in the history at the current block. */
  private async record(tx: WasmTxResult): Promise<WasmTxResult> {
    this.current ??= await this.block();
    this.history.push({
      height: this.current.height,
      time: this.current.time,
      gasUsed: tx.gas.used,
      gasWanted: tx.gas.limit ?? tx.gas.used,
      events: tx.events,
    });
    return tx;
  }

  async height(): Promise<number> {
    return (await this.block()).height;
  }

  blockTxs(fromHeight: number, toHeight: number): Promise<WasmBlockTxs[]> {
    const out: WasmBlockTxs[] = [];
    for (const t of this.history) {
      if (t.height < fromHeight || t.height > toHeight) continue;
      let b = out[out.length - 1];
      if (b?.height !== t.height) out.push((b = { height: t.height, time: t.time, txs: [] }));
      b.txs.push({ index: b.txs.length, ok: true, gasUsed: t.gasUsed, gasWanted: t.gasWanted, events: t.events });
    }
    return Promise.resolve(out);
  }

  async instantiate(req: InstantiateRequest): Promise<WasmInstantiateResult> {
    const raw = (await this.request("instantiate", {
      code_id: req.codeId,
      sender: req.sender,
      msg: req.msg,
      admin: req.admin,
      label: req.label,
      gas_limit: req.gasLimit,
    })) as RawTx;
    if (raw.address === undefined) throw new Error("vagus-wasm-engine: instantiate answered without an address");
    return { address: raw.address, ...(await this.record(txOf(raw))) };
  }

  /** The engine has no instantiate2 (its addresses follow the instantiation count). */
  predictAddress(): string {
    throw new WasmChainError("the embedded engine has no instantiate2", { kind: "unsupported", op: "instantiate2" });
  }

  instantiate2(_req: Instantiate2Request): Promise<WasmInstantiateResult> {
    return Promise.reject(
      new WasmChainError("the embedded engine has no instantiate2", { kind: "unsupported", op: "instantiate2" }),
    );
  }

  async contractInfo(address: string): Promise<ContractInfo | undefined> {
    try {
      const raw = (await this.request("contract_info", { contract: address })) as {
        code_id: number;
        creator: string;
        admin: string | null;
        label: string;
      };
      return { address, codeId: raw.code_id, creator: raw.creator, admin: raw.admin ?? undefined, label: raw.label };
    } catch (err) {
      if (err instanceof WasmChainError && err.kind === "not_found") return undefined;
      throw err;
    }
  }

  async queryRaw(contract: string, key: Uint8Array): Promise<Uint8Array | null> {
    const want = Buffer.from(key).toString("base64");
    const entries = (await this.request("dump_storage", { contract })) as [string, string][];
    const hit = entries.find(([k]) => k === want);
    return hit ? new Uint8Array(Buffer.from(hit[1], "base64")) : null;
  }

  async codeChecksum(codeId: number): Promise<string> {
    return ((await this.request("code_info", { code_id: codeId })) as { checksum: string }).checksum.toLowerCase();
  }

  /** Code ids are dense from 1: the first whose checksum matches, up to the first missing id. */
  async findCode(checksum: string): Promise<StoredCode | undefined> {
    const want = checksum.toLowerCase();
    for (let codeId = 1; ; codeId++) {
      let have: string;
      try {
        have = await this.codeChecksum(codeId);
      } catch (err) {
        if (err instanceof WasmChainError && err.kind === "not_found") return undefined;
        throw err;
      }
      if (have === want) return { codeId, checksum: have };
    }
  }

  async execute(req: ExecuteRequest): Promise<WasmTxResult> {
    return this.record(
      txOf(
        (await this.request("execute", {
          contract: req.contract,
          sender: req.sender,
          msg: req.msg,
          gas_limit: req.gasLimit,
        })) as RawTx,
      ),
    );
  }

  async migrate(req: MigrateRequest): Promise<WasmTxResult> {
    return this.record(
      txOf(
        (await this.request("migrate", {
          contract: req.contract,
          sender: req.sender,
          code_id: req.codeId,
          msg: req.msg,
          gas_limit: req.gasLimit,
        })) as RawTx,
      ),
    );
  }

  async query<T = unknown>(contract: string, msg: unknown): Promise<T> {
    return queryAnswer(
      contract,
      (await this.request("query", { contract, msg })) as { data: string; json: unknown },
    ) as T;
  }

  /**
   * Several smart queries in one engine request, on the same state and block (a state
   * digest costs one round trip): per query its answer, or the error `query` would throw.
   */
  async queryBatch(queries: readonly { contract: string; msg: unknown }[]): Promise<QueryBatchAnswer[]> {
    if (queries.length === 0) return [];
    const raw = (await this.request("query_batch", { queries })) as (
      { ok: { data: string; json: unknown } } | { err: RawError }
    )[];
    if (!Array.isArray(raw) || raw.length !== queries.length)
      throw new WasmChainError("vagus-wasm-engine answered a query batch with the wrong number of answers", {
        kind: "invalid",
        op: "query_batch",
      });
    return raw.map((r, i): QueryBatchAnswer => {
      if ("err" in r) return { error: errorOf(r.err, "query") };
      try {
        return { answer: queryAnswer(queries[i].contract, r.ok) };
      } catch (err) {
        if (err instanceof WasmChainError) return { error: err };
        throw err;
      }
    });
  }

  async setBlock(block: { time?: number | bigint; height?: number | bigint }): Promise<BlockInfo> {
    const ok = (await this.request("set_block", {
      time: block.time === undefined ? undefined : Number(block.time),
      height: block.height === undefined ? undefined : Number(block.height),
    })) as RawBlock;
    this.current = blockOf(ok);
    return this.current;
  }

  async block(): Promise<BlockInfo> {
    this.current = blockOf((await this.request("block", {})) as RawBlock);
    return this.current;
  }

  async addrMake(name: string): Promise<string> {
    return ((await this.request("addr_make", { name })) as { address: string }).address;
  }

  async snapshot(): Promise<SnapshotId> {
    const id = ((await this.request("snapshot", {})) as { snapshot_id: number }).snapshot_id;
    this.historyAt.set(id, this.history.length);
    return id;
  }

  async restore(id: SnapshotId): Promise<void> {
    await this.request("restore", { snapshot_id: id });
    this.history = this.history.slice(0, this.historyAt.get(id) ?? this.history.length);
    this.current = undefined;
  }

  /** Ends the process: end of input (the engine exits 0), SIGKILL if it has not after `graceMs`. */
  async close(graceMs = 5_000): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.ref();
      this.child.stdin.end();
      const timer = setTimeout(() => this.child.kill("SIGKILL"), graceMs);
      await this.exited;
      clearTimeout(timer);
    }
    this.fail("vagus-wasm-engine client is closed");
  }

  private onLine(line: string): void {
    if (line.trim() === "") return;
    let msg: { id?: unknown; ok?: unknown; err?: RawError };
    try {
      msg = JSON.parse(line) as typeof msg;
    } catch {
      this.kill(`vagus-wasm-engine wrote a line that is not JSON: ${line.slice(0, 200)}`);
      return;
    }
    const p = typeof msg.id === "number" ? this.pending.get(msg.id) : undefined;
    if (!p) {
      this.kill(`vagus-wasm-engine answered an unknown request id: ${line.slice(0, 200)}`);
      return;
    }
    this.pending.delete(msg.id as number);
    if (this.pending.size === 0) this.idle();
    if (msg.err) {
      p.reject(errorOf(msg.err, p.op));
    } else {
      p.resolve(msg.ok);
    }
  }

  /** A protocol violation: nothing that follows can be trusted. */
  private kill(reason: string): void {
    this.fail(reason);
    this.child.kill("SIGKILL");
  }

  /** Rejects every pending request and all later ones with `reason`. */
  private fail(reason: string): void {
    if (!this.dead) this.dead = new WasmChainError(reason, { kind: "closed" });
    const err = this.dead;
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) p.reject(err);
  }

  // While requests are pending the process keeps Node's event loop alive; when idle it
  // does not, so a forgotten close() cannot hang the test runner (the exit hook kills it).
  private busy(): void {
    this.child.ref();
    for (const s of this.pipes()) s.ref();
  }

  private idle(): void {
    this.child.unref();
    for (const s of this.pipes()) s.unref();
  }

  /** A child's stdio pipes are net.Sockets at run time (typed as plain streams). */
  private pipes(): Socket[] {
    return [this.child.stdout as unknown as Socket, this.child.stderr as unknown as Socket];
  }
}
