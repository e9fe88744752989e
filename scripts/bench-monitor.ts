/**
 * `npm run bench:monitor`: the exporter's backfill rate per chain (events ingested per
 * second: decode, normalize, count), its memory after 100,000 events per chain, and the
 * scrape latency of /metrics. The chains are in-memory (the exporter's own JSON-RPC client
 * over a transport that answers from memory; a CosmWasm history of blocks), so the figure
 * is the exporter's cost, not a node's. Prints a markdown table for BENCHMARKS.md.
 */
import { performance } from "node:perf_hooks";

import { Exporter } from "../src/monitoring/exporter";
import { loadSpec } from "../src/spec";
import { deployment, StubEvm, StubWasm, wasmEvent } from "../test/monitoring/stub-chains";

const EVENTS = Number(process.env.VAGUS_BENCH_EVENTS ?? 100_000);
const PER_BLOCK = 50;
const A = `0x${"a1".repeat(32)}`;
const H = `0x${"00".repeat(32)}`;

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function fill(evm: StubEvm, wasm: StubWasm): void {
  let token = 0n;
  for (let b = 0; b < EVENTS / PER_BLOCK; b++) {
    const time = 10_000 + b;
    const evmEvents = [];
    const wasmTxs = [];
    for (let i = 0; i < PER_BLOCK; i++) {
      const ex = BigInt(1 + ((b * PER_BLOCK + i) % 40));
      const kind = i % 5;
      if (kind < 3) {
        evmEvents.push({
          on: "CapabilityIssuer" as const,
          name: "CapabilityIssued",
          args: [++token, ex, A, time + 300, 0, H, H, H, H],
        });
        wasmTxs.push([
          wasmEvent("CapabilityIssuer", "capability_issued", {
            token_id: token.toString(),
            executor_id: ex.toString(),
            action_id: A.slice(2),
            expires_at: time + 300,
            state: 0,
            params_sha256: "00".repeat(32),
            params_keccak256: "00".repeat(32),
            limits_sha256: "00".repeat(32),
            limits_keccak256: "00".repeat(32),
          }),
        ]);
      } else if (kind === 3) {
        evmEvents.push({ on: "RateLimiter" as const, name: "ConsumeDenied", args: [ex, A, 2100, 5, time + 60] });
        wasmTxs.push([
          wasmEvent("RateLimiter", "consume_denied", {
            executor_id: ex.toString(),
            action_id: A.slice(2),
            code: 2100,
            used: 5,
            retry_at: time + 60,
          }),
        ]);
      } else {
        evmEvents.push({ on: "CapabilityIssuer" as const, name: "OutcomeReported", args: [token, i % 2 === 0] });
        wasmTxs.push([
          wasmEvent("CapabilityIssuer", "outcome_reported", { token_id: token.toString(), success: i % 2 === 0 }),
        ]);
      }
    }
    evm.mine(time, evmEvents);
    wasm.commit(wasmTxs, time);
  }
}

async function main(): Promise<void> {
  const spec = loadSpec();
  const rows: string[] = [];
  for (const gas of [false, true]) {
    gc();
    const base = process.memoryUsage();
    const evm = new StubEvm();
    const wasm = new StubWasm();
    fill(evm, wasm);
    const x = new Exporter({
      deployment: deployment(),
      evm: evm.chain(),
      wasm: wasm.chain(),
      spec,
      finality: { evm: 0, wasm: 0 },
      gas,
    });
    const rate: Record<string, number> = {};
    for (const chain of ["evm", "wasm"] as const) {
      const t0 = performance.now();
      if (!(await x.pollChain(chain))) throw new Error(`${chain} backfill failed`);
      const s = (performance.now() - t0) / 1000;
      rate[chain] = x.ingest[chain].count / s;
      if (x.ingest[chain].count !== EVENTS) throw new Error(`${chain}: ingested ${x.ingest[chain].count} of ${EVENTS}`);
    }
    // What the exporter holds once the chains' own data is gone.
    evm.clear();
    wasm.blocks.length = 0;
    gc();
    const after = process.memoryUsage();
    const scrape: number[] = [];
    for (let i = 0; i < 50; i++) {
      const t0 = performance.now();
      await x.metrics.registry.metrics();
      scrape.push(performance.now() - t0);
    }
    scrape.sort((a, b) => a - b);
    const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
    rows.push(
      `| ${gas ? "on (receipt per tx)" : "off"} | ${Math.round(rate.evm).toLocaleString("en-US")} | ${Math.round(rate.wasm).toLocaleString("en-US")} | ` +
        `${mb(after.heapUsed - base.heapUsed)} MiB | ` +
        `${scrape[25].toFixed(1)} / ${scrape[47].toFixed(1)} ms |`,
    );
  }
  console.log(`exporter backfill, ${EVENTS.toLocaleString("en-US")} events per chain, ${PER_BLOCK} per block`);
  console.log(
    "| per-transaction gas reads | EVM events/s | CosmWasm events/s | heap the exporter holds after both backfills | /metrics render p50 / p95 |",
  );
  console.log("|---|---|---|---|---|");
  for (const r of rows) console.log(r);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
