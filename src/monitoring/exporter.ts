import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

import { commit, type CborValue } from "../cbor";
import { readEvmArtifact, type RpcEvmChain } from "../chains/evm";
import type { EvmLog, WasmChain } from "../chains/types";
import {
  AddressBook,
  fromEvm,
  fromWasm,
  normalizeEvmEvent,
  normalizeWasmEvent,
  stableJson,
  toEvm,
  toWasm,
  type Canon,
} from "../equivalence";
import { CHECK_KINDS, readCheckReport } from "../release/check-report";
import { fromJson, type Canonical, type Spec } from "../spec";
import type { MonitoredDeployment } from "./deployment";
import { ChainIngest, type CapOptions } from "./ingest";
import { createMetrics, type ChainLabel, type Metrics } from "./metrics";

/**
 * The exporter: rebuilds every total from chain history since the deployment, then follows
 * both chains at a finality depth and serves the metrics. A block range is counted once,
 * in order, only after the node answered for all of it; a failed poll leaves the cursor
 * where it was (`up` = 0) and the next one resumes there, so an outage loses nothing and
 * counts nothing twice.
 */

export interface ExporterOptions {
  deployment: MonitoredDeployment;
  /** The EVM chain (the embedded or JSON-RPC backend). */
  evm: RpcEvmChain;
  wasm: WasmChain;
  spec: Spec;
  /** Blocks behind the head that are still treated as unsettled (default evm 2, wasm 1). */
  finality?: { evm?: number; wasm?: number };
  /** Largest block range per read (default evm 2,000, wasm 500). */
  maxRange?: { evm?: number; wasm?: number };
  /** Poll interval, ms (default 2,000). */
  pollMs?: number;
  caps?: CapOptions;
  /** Read per-transaction gas (one receipt read per EVM transaction; default true). */
  gas?: boolean;
  log?: (line: string) => void;
}

export class Exporter {
  readonly metrics: Metrics;
  readonly ingest: Record<ChainLabel, ChainIngest>;
  /** Last height whose events are counted, per chain. */
  readonly cursor: Record<ChainLabel, number>;
  private readonly book = new AddressBook();
  private readonly finality: Record<ChainLabel, number>;
  private readonly maxRange: Record<ChainLabel, number>;
  private readonly evmAddresses: string[];
  private readonly evmName = new Map<string, string>();
  private readonly wasmName = new Map<string, string>();
  private readonly head: Record<ChainLabel, { height: number; time: number } | undefined> = {
    evm: undefined,
    wasm: undefined,
  };
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private server: Server | undefined;
  private stopped = false;

  constructor(readonly opts: ExporterOptions) {
    const d = opts.deployment;
    this.metrics = createMetrics();
    this.ingest = {
      evm: new ChainIngest("evm", opts.spec, this.metrics, opts.caps),
      wasm: new ChainIngest("wasm", opts.spec, this.metrics, opts.caps),
    };
    this.finality = { evm: opts.finality?.evm ?? 2, wasm: opts.finality?.wasm ?? 1 };
    this.maxRange = { evm: opts.maxRange?.evm ?? 2_000, wasm: opts.maxRange?.wasm ?? 500 };
    this.cursor = { evm: d.evm.startBlock - 1, wasm: d.wasm.startHeight - 1 };
    for (const c of d.evm.contracts) {
      this.book.setEvm(`@@${c.component}`, c.address);
      this.evmName.set(c.address.toLowerCase(), c.component);
      if (c.artifact) opts.evm.registerAbi(c.address, readEvmArtifact(c.artifact));
      this.ingest.evm.knowContract(c.component);
    }
    for (const c of d.wasm.contracts) {
      this.book.setWasm(`@@${c.component}`, c.address);
      this.wasmName.set(c.address, c.component);
      this.ingest.wasm.knowContract(c.component);
    }
    this.evmAddresses = d.evm.contracts.map((c) => c.address);
    for (const chain of ["evm", "wasm"] as const) this.metrics.up.set({ chain }, 0);
    for (const component of ["params", "prestate", "metrics"]) this.metrics.hashMatch.set({ component }, 1);
  }

  private log(line: string): void {
    this.opts.log?.(line);
  }

  /** Reads one chain up to its head minus the finality depth; true when it is caught up. */
  async pollChain(chain: ChainLabel): Promise<boolean> {
    const m = this.metrics;
    try {
      const head = chain === "evm" ? await this.opts.evm.height() : await this.opts.wasm.height();
      m.head.set({ chain }, head);
      const target = head - this.finality[chain];
      while (this.cursor[chain] < target && !this.stopped) {
        const from = this.cursor[chain] + 1;
        const to = Math.min(target, from + this.maxRange[chain] - 1);
        if (chain === "evm") await this.readEvm(from, to);
        else await this.readWasm(from, to);
        // Only now: the whole range is counted.
        this.cursor[chain] = to;
        m.processed.set({ chain }, to);
        m.lag.set({ chain }, head - to);
      }
      m.processed.set({ chain }, this.cursor[chain]);
      m.lag.set({ chain }, Math.max(0, head - this.cursor[chain]));
      const time = chain === "evm" ? (await this.opts.evm.blockHeader(head)).time : (await this.opts.wasm.block()).time;
      this.head[chain] = { height: head, time };
      await this.refreshState(chain, time);
      m.up.set({ chain }, 1);
      return true;
    } catch (err) {
      m.up.set({ chain }, 0);
      m.errors.inc({ chain });
      this.log(`monitor: ${chain} poll failed at ${this.cursor[chain] + 1}: ${(err as Error).message}`);
      return false;
    }
  }

  private async readEvm(from: number, to: number): Promise<void> {
    const logs = await this.opts.evm.logs({ fromBlock: from, toBlock: to, addresses: this.evmAddresses });
    if (logs.length === 0) return;
    const blocks = [...new Set(logs.map((l) => l.blockNumber))];
    const headers = new Map(
      (await Promise.all(blocks.map((b) => this.opts.evm.blockHeader(b)))).map((h) => [h.number, h]),
    );
    if (this.opts.gas !== false) await this.evmGas(logs, headers);
    const ingest = this.ingest.evm;
    for (const log of logs) {
      const e = this.normalized("evm", () => normalizeEvmEvent(this.opts.spec, this.book, log));
      if (e) ingest.apply(e, { height: log.blockNumber, time: headers.get(log.blockNumber)?.time ?? 0 });
    }
  }

  private async evmGas(logs: EvmLog[], headers: Map<number, { gasLimit: bigint }>): Promise<void> {
    const hashes = [...new Set(logs.map((l) => l.txHash))];
    for (let i = 0; i < hashes.length; i += 50) {
      const txs = await Promise.all(hashes.slice(i, i + 50).map((h) => this.opts.evm.transaction(h)));
      for (const tx of txs) {
        if (!tx.to) continue;
        const contract = this.evmName.get(tx.to.toLowerCase());
        if (!contract) continue;
        const operation = this.operationOf(tx.to, tx.input.slice(0, 10));
        const labels = { chain: "evm", contract, operation };
        this.metrics.gasUsed.observe(labels, Number(tx.gasUsed));
        const limit = headers.get(tx.blockNumber)?.gasLimit;
        if (limit) this.metrics.gasRatio.set(labels, Number(tx.gasUsed) / Number(limit));
      }
    }
  }

  /**
   * An event the spec cannot normalize (a contract newer than the spec) is skipped and
   * counted, not allowed to stop the chain's cursor for good.
   */
  private normalized<T>(chain: ChainLabel, fn: () => T): T | undefined {
    try {
      return fn();
    } catch (err) {
      this.metrics.skipped.inc({ chain });
      this.log(`monitor: ${chain}: an event could not be normalized: ${(err as Error).message}`);
      return undefined;
    }
  }

  private readonly operations = new Map<string, string>();

  /** The function a selector calls on a contract (the selector itself when unknown). */
  private operationOf(to: string, selector: string): string {
    const key = `${to.toLowerCase()}:${selector}`;
    let name = this.operations.get(key);
    if (name === undefined) {
      try {
        name = this.opts.evm.interfaceOf(to).getFunction(selector)?.name ?? selector;
      } catch {
        name = selector;
      }
      this.operations.set(key, name);
    }
    return name;
  }

  private async readWasm(from: number, to: number): Promise<void> {
    const blocks = await this.opts.wasm.blockTxs(from, to);
    const ingest = this.ingest.wasm;
    for (const b of blocks) {
      for (const tx of b.txs) {
        if (!tx.ok) continue;
        let first: { contract: string; name: string } | undefined;
        for (const ev of tx.events) {
          const e = this.normalized("wasm", () => normalizeWasmEvent(this.opts.spec, this.book, ev));
          if (!e) continue;
          first ??= { contract: e.component, name: e.name };
          ingest.apply(e, { height: b.height, time: b.time });
        }
        // CosmWasm events carry no message name: the first protocol event names the operation.
        if (first && this.opts.gas !== false) {
          this.metrics.gasUsed.observe({ chain: "wasm", contract: first.contract, operation: first.name }, tx.gasUsed);
        }
      }
    }
  }

  /** State read from the chain at its head: the limiter's windows and active tokens. */
  private async refreshState(chain: ChainLabel, time: number): Promise<void> {
    const ingest = this.ingest[chain];
    ingest.refreshActive(time);
    const limiter = chain === "evm" ? this.book.has("@@RateLimiter") && this.book.evmOf("@@RateLimiter") : undefined;
    const comp = this.opts.spec.component("RateLimiter");
    const op = comp.operations.find((o) => o.name === "usage");
    if (!op) return;
    let worst = 0;
    for (const p of [...ingest.pairs.values()].slice(0, 200)) {
      const args = { executorId: p.executorId, actionId: p.actionId };
      let used: number;
      let capacity: number;
      if (chain === "evm") {
        if (!limiter) return;
        const values = op.args.map((a) => toEvm(comp, a.type, args[a.name as keyof typeof args], this.book));
        const out = await this.opts.evm.call({ to: limiter, fn: "usage", args: values });
        used = Number(out[0]);
        capacity = Number(out[1]);
      } else {
        const addr = [...this.wasmName].find(([, n]) => n === "RateLimiter")?.[0];
        if (!addr) return;
        const body: Record<string, unknown> = {
          executor_id: toWasm(comp, "uint64", p.executorId, this.book),
          action_id: toWasm(comp, "bytes32", p.actionId, this.book),
        };
        const out = await this.opts.wasm.query<{ used: number; capacity: number }>(addr, { usage: body });
        used = Number(out.used);
        capacity = Number(out.capacity);
      }
      const ratio = capacity > 0 ? used / capacity : 0;
      worst = Math.max(worst, ratio);
      this.metrics.limiterPairUsage.set(
        { chain, executor_id: ingest.executors.label(p.executorId), action_id: ingest.actions.label(p.actionId) },
        ratio,
      );
    }
    this.metrics.limiterUsage.set({ contract: "capability_issuer", chain }, worst);
  }

  /** The cross-chain gauges: deployed parameters, evidence, time drift. */
  async crossCheck(): Promise<void> {
    const m = this.metrics;
    const evmHead = this.head.evm;
    const wasmHead = this.head.wasm;
    if (evmHead && wasmHead) m.timeDrift.set({ chain: "evm_vs_wasm" }, evmHead.time - wasmHead.time);
    try {
      let ok = true;
      for (const p of this.opts.deployment.params) {
        if (!this.book.has(`@@${p.component}`)) continue;
        const comp = this.opts.spec.component(p.component);
        const evmOut = await this.opts.evm.call({ to: this.book.evmOf(`@@${p.component}`), fn: p.evmQuery });
        const wasmOut = await this.opts.wasm.query(this.book.wasmOf(`@@${p.component}`), p.wasmQuery);
        const e = fromEvm(comp, p.paramsType, evmOut[0], this.book);
        const w = fromWasm(comp, p.paramsType, wasmOut, this.book);
        if (
          dualHash(this.opts.spec, p.component, p.paramsType, e) !==
          dualHash(this.opts.spec, p.component, p.paramsType, w)
        )
          ok = false;
      }
      m.hashMatch.set({ component: "params" }, ok ? 1 : 0);
    } catch (err) {
      this.log(`monitor: params check failed: ${(err as Error).message}`);
    }
    // Evidence of the same executor and sequence on both stacks must be the same.
    let prestate = true;
    let metrics = true;
    for (const [ex, list] of this.ingest.evm.evidence) {
      const other = this.ingest.wasm.evidence.get(ex) ?? [];
      for (const a of list) {
        const b = other.find((x) => x.sequence === a.sequence);
        if (!b) continue;
        if (a.stateRoot !== b.stateRoot) prestate = false;
        if (a.sha256 !== b.sha256) metrics = false;
      }
    }
    m.hashMatch.set({ component: "prestate" }, prestate ? 1 : 0);
    m.hashMatch.set({ component: "metrics" }, metrics ? 1 : 0);
  }

  /** The last `vagus:check` report of the deployment, as gauges (a run between polls shows at the next). */
  exportCheckReport(): void {
    const dir = this.opts.deployment.pairDir;
    if (!dir) return;
    try {
      const r = readCheckReport(dir);
      if (!r) return;
      this.metrics.checkLastRun.set({ pair: r.pair }, r.time);
      for (const kind of CHECK_KINDS) this.metrics.checkFailures.set({ kind }, r.failures[kind] ?? 0);
    } catch (err) {
      this.log(`monitor: cannot read the last vagus:check report: ${(err as Error).message}`);
    }
  }

  /** One poll of both chains and the cross-chain checks. */
  async pollOnce(): Promise<void> {
    await Promise.all([this.pollChain("evm"), this.pollChain("wasm")]);
    await this.crossCheck();
    this.exportCheckReport();
  }

  /** Polls now and then every `pollMs` until `stop`. */
  start(): void {
    const tick = async () => {
      if (this.stopped) return;
      this.running = this.pollOnce();
      await this.running;
      if (!this.stopped) this.timer = setTimeout(() => void tick(), this.opts.pollMs ?? 2_000);
    };
    void tick();
  }

  /** Serves `/metrics` (and `/healthz`) on `host:port`; resolves with the bound port. */
  async serve(port: number, host = "127.0.0.1"): Promise<number> {
    const registry = this.metrics.registry;
    this.server = createServer((req, res) => {
      if (req.url === "/metrics") {
        registry.metrics().then(
          (text) => {
            res.writeHead(200, { "Content-Type": registry.contentType });
            res.end(text);
          },
          (err: Error) => {
            res.writeHead(500);
            res.end(err.message);
          },
        );
      } else if (req.url === "/healthz") {
        res.writeHead(200);
        res.end("ok\n");
      } else {
        res.writeHead(404);
        res.end("not found: /metrics\n");
      }
    });
    const server = this.server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => resolve());
    });
    return (server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
    const server = this.server;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** The CBOR dual hash of a component's data as both stacks normalize it. */
function dualHash(spec: Spec, component: string, type: string, value: Canon): string {
  try {
    const c = commit(asCbor(fromJson(spec.component(component), type, value)));
    return `${c.sha256}/${c.keccak256}`;
  } catch {
    return stableJson(value); // a value CBOR cannot hold (an address): compare its canonical text
  }
}

function asCbor(v: Canonical): CborValue {
  if (v === null) throw new TypeError("unset value");
  if (Array.isArray(v)) return v.map(asCbor);
  if (typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, asCbor(x)]));
  return v;
}
