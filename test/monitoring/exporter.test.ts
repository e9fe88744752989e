import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { expect } from "chai";

import { Exporter } from "../../src/monitoring/exporter";
import { checkReportOf, writeCheckReport } from "../../src/release/check";
import { loadSpec } from "../../src/spec";
import { deployment, StubEvm, StubWasm, wasmEvent } from "./stub-chains";

/**
 * The exporter over the real decoding path (RpcEvmChain over an in-memory JSON-RPC
 * transport; normalized events of the equivalence engine) with chains whose history the
 * test writes: every expected value is the test's own count of what it put on the chains.
 */

const spec = loadSpec();
const A1 = `0x${"a1".repeat(32)}`;
const A2 = `0x${"b2".repeat(32)}`;
const H = `0x${"00".repeat(32)}`;

interface Truth {
  issued: number;
  rejected: number;
  failures: number;
  successes: number;
  transitions: number;
}

/** Adds one round of traffic to both chains; returns what it added. */
function traffic(evm: StubEvm, wasm: StubWasm, round: number, time: number): Truth {
  const ex = BigInt(1 + (round % 3));
  let token = BigInt(round * 10);
  const evmEvents = [
    { on: "CapabilityIssuer" as const, name: "CapabilityIssued", args: [++token, ex, A1, time + 600, 0, H, H, H, H] },
    { on: "CapabilityIssuer" as const, name: "CapabilityIssued", args: [++token, ex, A2, time + 600, 0, H, H, H, H] },
    { on: "RateLimiter" as const, name: "ConsumeDenied", args: [ex, A1, 2100, 2, time + 60] },
    { on: "CapabilityIssuer" as const, name: "IssueDenied", args: [ex, A1, 7, 2100, time + 60] },
    { on: "CapabilityIssuer" as const, name: "OutcomeReported", args: [token, false] },
    { on: "CapabilityIssuer" as const, name: "OutcomeReported", args: [token - 1n, true] },
    { on: "ANSStateManager" as const, name: "StateTransition", args: [ex, round % 2, (round + 1) % 2, 700_000, 1] },
  ];
  // Events spread over two blocks, the second with no protocol event.
  evm.mine(time, evmEvents.slice(0, 4));
  evm.mine(time + 1, evmEvents.slice(4));
  evm.mine(time + 2);
  const e = ex.toString();
  wasm.commit(
    [
      [
        wasmEvent("CapabilityIssuer", "capability_issued", {
          token_id: round,
          executor_id: e,
          action_id: A1.slice(2),
          expires_at: time + 600,
          state: 0,
          params_sha256: "00".repeat(32),
          params_keccak256: "00".repeat(32),
          limits_sha256: "00".repeat(32),
          limits_keccak256: "00".repeat(32),
        }),
      ],
      [
        wasmEvent("RateLimiter", "consume_denied", {
          executor_id: e,
          action_id: A1.slice(2),
          code: 2100,
          used: 2,
          retry_at: time + 60,
        }),
      ],
      [wasmEvent("CapabilityIssuer", "outcome_reported", { token_id: round, success: false })],
    ],
    time,
  );
  wasm.commit([], time + 1);
  return { issued: 2, rejected: 1, failures: 1, successes: 1, transitions: 1 };
}

function add(a: Truth, b: Truth): Truth {
  return {
    issued: a.issued + b.issued,
    rejected: a.rejected + b.rejected,
    failures: a.failures + b.failures,
    successes: a.successes + b.successes,
    transitions: a.transitions + b.transitions,
  };
}

const ZERO: Truth = { issued: 0, rejected: 0, failures: 0, successes: 0, transitions: 0 };
const WASM_ROUND = { issued: 1, rejected: 1, failures: 1 };

async function sum(x: Exporter, name: string, labels: Record<string, string> = {}): Promise<number> {
  // A histogram's series (`_count`, `_sum`) come with their family.
  const family = name.replace(/_(count|sum)$/, "");
  const metric = x.metrics.registry.getSingleMetric(name) ?? x.metrics.registry.getSingleMetric(family);
  if (!metric) throw new Error(`no metric ${name}`);
  const { values } = await metric.get();
  return values
    .filter(
      (v) =>
        (v as { metricName?: string }).metricName === undefined || (v as { metricName?: string }).metricName === name,
    )
    .filter((v) => Object.entries(labels).every(([k, want]) => String(v.labels[k]) === want))
    .filter((v) => !("le" in v.labels) || v.labels.le === "+Inf")
    .reduce((s, v) => s + v.value, 0);
}

async function totals(x: Exporter, chain: string): Promise<Truth> {
  return {
    issued: await sum(x, "vagus_capability_issued_total", { chain }),
    // requests = admitted (issued) + rejected, both through the pipeline
    rejected: await sum(x, "vagus_rate_limiter_rejections_total", { chain }),
    failures: await sum(x, "vagus_circuit_breaker_failures_total", { chain }),
    successes: await sum(x, "vagus_circuit_breaker_successes_total", { chain }),
    transitions: await sum(x, "vagus_ans_transitions_total", { chain }),
  };
}

function exporter(evm: StubEvm, wasm: StubWasm, finality = { evm: 0, wasm: 0 }, caps = {}): Exporter {
  return new Exporter({
    deployment: deployment(),
    evm: evm.chain(),
    wasm: wasm.chain(),
    spec,
    finality,
    maxRange: { evm: 7, wasm: 5 },
    caps,
  });
}

describe("monitoring exporter: rebuild from history, follow, nothing lost or doubled", function () {
  this.timeout(60_000);

  it("the last vagus:check report of the deployment is served as its run time and failures by kind, updated at the next poll", async () => {
    const evm = new StubEvm();
    const wasm = new StubWasm();
    const pairDir = mkdtempSync(path.join(tmpdir(), "vagus-check-metrics-"));
    try {
      const x = new Exporter({ deployment: { ...deployment(), pairDir }, evm: evm.chain(), wasm: wasm.chain(), spec });
      await x.pollOnce();
      // No report yet: the run-time gauge has no sample, so the overdue alert cannot misfire on 0.
      expect(
        (await x.metrics.registry.getSingleMetric("vagus_check_last_run_timestamp_seconds")!.get()).values,
      ).to.deep.equal([]);
      const fail = checkReportOf(
        "p",
        "d",
        [
          { kind: "journal", item: "j", ok: false, detail: "" },
          { kind: "sync", item: "s", ok: false, detail: "" },
          { kind: "sync", item: "t", ok: false, detail: "" },
        ],
        new Date(1_700_000_000_000),
      );
      writeCheckReport(pairDir, fail);
      await x.pollOnce();
      expect(await sum(x, "vagus_check_last_run_timestamp_seconds", { pair: "p" })).to.equal(1_700_000_000);
      expect(await sum(x, "vagus_check_failures", { kind: "sync" })).to.equal(2);
      expect(await sum(x, "vagus_check_failures", { kind: "journal" })).to.equal(1);
      expect(await sum(x, "vagus_check_failures", { kind: "verify" })).to.equal(0);
      writeCheckReport(
        pairDir,
        checkReportOf("p", "d", [{ kind: "sync", item: "s", ok: true, detail: "" }], new Date(1_700_086_400_000)),
      );
      await x.pollOnce();
      expect(await sum(x, "vagus_check_failures", { kind: "sync" })).to.equal(0);
      expect(await sum(x, "vagus_check_last_run_timestamp_seconds", { pair: "p" })).to.equal(1_700_086_400);
    } finally {
      rmSync(pairDir, { recursive: true, force: true });
    }
  });

  it("a backfill from the deployment block counts each event once: totals equal the events put on the chains", async () => {
    const evm = new StubEvm();
    const wasm = new StubWasm();
    let truth = ZERO;
    for (let r = 0; r < 12; r++) truth = add(truth, traffic(evm, wasm, r, 2_000 + r * 10));
    const x = exporter(evm, wasm);
    await x.pollOnce();
    expect(await totals(x, "evm")).to.deep.equal(truth);
    expect(await sum(x, "vagus_rate_limiter_requests_total", { chain: "evm" })).to.equal(truth.issued + truth.rejected);
    expect(await sum(x, "vagus_capability_issued_total", { chain: "wasm" })).to.equal(12 * WASM_ROUND.issued);
    expect(await sum(x, "vagus_rate_limiter_rejections_total", { chain: "wasm" })).to.equal(12 * WASM_ROUND.rejected);
    expect(await sum(x, "vagus_circuit_breaker_failures_total", { chain: "wasm" })).to.equal(12 * WASM_ROUND.failures);
    expect(await sum(x, "vagus_capability_denied_total", { chain: "evm", code: "RateLimited" })).to.equal(12);
    expect(await sum(x, "vagus_exporter_last_processed_height", { chain: "evm" })).to.equal(evm.head);
    expect(await sum(x, "vagus_exporter_chain_up", { chain: "evm" })).to.equal(1);
    expect(await sum(x, "vagus_exporter_chain_up", { chain: "wasm" })).to.equal(1);
    // The stub puts each log in its own transaction: 7 per round, one gas observation each.
    expect(await sum(x, "vagus_gas_used_count", { chain: "evm" })).to.equal(12 * 7);
    expect(await sum(x, "vagus_gas_used_count", { chain: "evm", operation: "issue" })).to.equal(12 * 5);
  });

  it("blocks within the finality depth are counted only once they are deep enough", async () => {
    const evm = new StubEvm();
    const wasm = new StubWasm();
    traffic(evm, wasm, 0, 2_000); // EVM blocks 2..4, events in 2 and 3
    const x = exporter(evm, wasm, { evm: 3, wasm: 2 });
    await x.pollOnce(); // head 4, counts up to 1
    expect(await sum(x, "vagus_capability_issued_total", { chain: "evm" })).to.equal(0);
    expect(await sum(x, "vagus_exporter_lag_blocks", { chain: "evm" })).to.equal(3);
    evm.mine(2_010);
    await x.pollOnce(); // head 5, counts up to 2
    expect(await sum(x, "vagus_capability_issued_total", { chain: "evm" })).to.equal(2);
    expect(await sum(x, "vagus_circuit_breaker_failures_total", { chain: "evm" })).to.equal(0);
    evm.mine(2_011);
    await x.pollOnce();
    expect(await sum(x, "vagus_circuit_breaker_failures_total", { chain: "evm" })).to.equal(1);
  });

  it("a restart mid-run rebuilds the same totals as an exporter that never stopped", async () => {
    const evm = new StubEvm();
    const wasm = new StubWasm();
    let truth = ZERO;
    for (let r = 0; r < 5; r++) truth = add(truth, traffic(evm, wasm, r, 2_000 + r * 10));
    const first = exporter(evm, wasm);
    await first.pollOnce();
    for (let r = 5; r < 9; r++) truth = add(truth, traffic(evm, wasm, r, 2_000 + r * 10));
    await first.pollOnce();
    const restarted = exporter(evm, wasm);
    await restarted.pollOnce();
    for (const chain of ["evm", "wasm"])
      expect(await totals(restarted, chain)).to.deep.equal(await totals(first, chain));
    expect(await totals(restarted, "evm")).to.deep.equal(truth);
    expect(await sum(restarted, "vagus_ans_dwell_time_seconds_count", { chain: "evm" })).to.equal(
      await sum(first, "vagus_ans_dwell_time_seconds_count", { chain: "evm" }),
    );
  });

  it("a node outage sets up=0 and keeps the cursor; after it, the totals equal the chain's (no gap, no double count)", async () => {
    const evm = new StubEvm();
    const wasm = new StubWasm();
    let truth = ZERO;
    for (let r = 0; r < 3; r++) truth = add(truth, traffic(evm, wasm, r, 2_000 + r * 10));
    const x = exporter(evm, wasm);
    await x.pollOnce();
    const before = x.cursor.evm;
    evm.down = true;
    wasm.down = true;
    for (let r = 3; r < 7; r++) truth = add(truth, traffic(evm, wasm, r, 2_000 + r * 10));
    await x.pollOnce();
    await x.pollOnce();
    expect(await sum(x, "vagus_exporter_chain_up", { chain: "evm" })).to.equal(0);
    expect(await sum(x, "vagus_exporter_chain_up", { chain: "wasm" })).to.equal(0);
    expect(await sum(x, "vagus_exporter_poll_errors_total", { chain: "evm" })).to.equal(2);
    expect(x.cursor.evm).to.equal(before);
    evm.down = false;
    wasm.down = false;
    await x.pollOnce();
    expect(await sum(x, "vagus_exporter_chain_up", { chain: "evm" })).to.equal(1);
    expect(await totals(x, "evm")).to.deep.equal(truth);
    expect(await sum(x, "vagus_capability_issued_total", { chain: "wasm" })).to.equal(7);
  });

  it("a failure in the middle of a backfill counts nothing of the failed range and resumes there", async () => {
    const evm = new StubEvm();
    const wasm = new StubWasm();
    let truth = ZERO;
    for (let r = 0; r < 10; r++) truth = add(truth, traffic(evm, wasm, r, 2_000 + r * 10));
    const x = exporter(evm, wasm);
    // Fail the third eth_getLogs of the backfill (ranges of 7 blocks).
    const chain = x.opts.evm;
    const logs = chain.logs.bind(chain);
    let n = 0;
    chain.logs = (q) => (++n === 3 ? Promise.reject(new Error("socket hang up")) : logs(q));
    await x.pollChain("evm");
    expect(x.cursor.evm).to.equal(14);
    await x.pollChain("evm");
    expect(await totals(x, "evm")).to.deep.equal(truth);
  });

  it("breaker, ANS, pause and token gauges follow the events; expired tokens leave the active count", async () => {
    const evm = new StubEvm();
    const wasm = new StubWasm();
    evm.mine(2_000, [
      { on: "CapabilityIssuer", name: "CapabilityIssued", args: [1n, 9n, A1, 2_100, 0, H, H, H, H] },
      { on: "CapabilityIssuer", name: "CapabilityIssued", args: [2n, 9n, A1, 5_000, 0, H, H, H, H] },
      { on: "CircuitBreaker", name: "BreakerTransition", args: [9n, A1, 0, 1, 1] },
      { on: "ANSStateManager", name: "StateTransition", args: [9n, 0, 2, 950_000, 1] },
      { on: "CapabilityIssuer", name: "Paused", args: [EVM_GUARDIAN] },
    ]);
    evm.mine(2_050, [{ on: "ReflexArc", name: "ReflexFired", args: [9n, 2] }]);
    const x = exporter(evm, wasm);
    await x.pollOnce();
    expect(await sum(x, "vagus_circuit_breaker_state", { chain: "evm" })).to.equal(1);
    expect(await sum(x, "vagus_circuit_breaker_pairs", { chain: "evm", state: "OPEN" })).to.equal(1);
    expect(await sum(x, "vagus_ans_state", { chain: "evm", executor_id: "9" })).to.equal(2);
    expect(await sum(x, "vagus_ans_state_entered_timestamp_seconds", { chain: "evm", executor_id: "9" })).to.equal(
      2_000,
    );
    expect(
      await sum(x, "vagus_ans_transitions_total", { chain: "evm", from_state: "SAFE", to_state: "SHUTDOWN" }),
    ).to.equal(1);
    expect(await sum(x, "vagus_emergency_paused", { chain: "evm", contract: "CapabilityIssuer" })).to.equal(1);
    expect(await sum(x, "vagus_emergency_paused", { chain: "evm", contract: "RateLimiter" })).to.equal(0);
    expect(await sum(x, "vagus_reflex_triggers_total", { chain: "evm", trigger: "ANS_SHUTDOWN" })).to.equal(1);
    // SHUTDOWN: tokens issued before it never become valid again.
    expect(await sum(x, "vagus_capability_active_count", { chain: "evm", executor_id: "9" })).to.equal(0);
    // usage 1 of 2 (the stub limiter's answer)
    expect(await sum(x, "vagus_rate_limiter_window_usage_ratio", { chain: "evm" })).to.equal(0.5);
  });

  it("active tokens drop at expiry (chain time) and on revocation", async () => {
    const evm = new StubEvm();
    const wasm = new StubWasm();
    evm.mine(2_000, [
      { on: "CapabilityIssuer", name: "CapabilityIssued", args: [1n, 4n, A1, 2_100, 0, H, H, H, H] },
      { on: "CapabilityIssuer", name: "CapabilityIssued", args: [2n, 4n, A1, 5_000, 0, H, H, H, H] },
      { on: "CapabilityIssuer", name: "CapabilityIssued", args: [3n, 4n, A1, 5_000, 0, H, H, H, H] },
    ]);
    const x = exporter(evm, wasm);
    await x.pollOnce();
    expect(await sum(x, "vagus_capability_active_count", { chain: "evm", executor_id: "4" })).to.equal(3);
    evm.mine(2_100, [{ on: "CapabilityIssuer", name: "CapabilityRevoked", args: [2n, 4n, "operator"] }]);
    await x.pollOnce();
    expect(await sum(x, "vagus_capability_active_count", { chain: "evm", executor_id: "4" })).to.equal(1);
    expect(await sum(x, "vagus_capability_revoked_total", { chain: "evm", reason: "operator" })).to.equal(1);
  });

  it("executor labels beyond the cap share `other`; the totals stay exact", async () => {
    const evm = new StubEvm();
    const wasm = new StubWasm();
    const events = [];
    for (let ex = 1; ex <= 6; ex++)
      events.push({
        on: "CapabilityIssuer" as const,
        name: "CapabilityIssued",
        args: [BigInt(ex), BigInt(ex), A1, 9_000, 0, H, H, H, H],
      });
    evm.mine(2_000, events);
    const x = exporter(evm, wasm, { evm: 0, wasm: 0 }, { executors: 4 });
    await x.pollOnce();
    const { values } = await x.metrics.issued.get();
    const labels = values.filter((v) => v.labels.chain === "evm").map((v) => v.labels.executor_id);
    expect(labels.sort()).to.deep.equal(["1", "2", "3", "4", "other"]);
    expect(await sum(x, "vagus_capability_issued_total", { chain: "evm", executor_id: "other" })).to.equal(2);
    expect(await sum(x, "vagus_capability_issued_total", { chain: "evm" })).to.equal(6);
  });

  it("serves the metrics over HTTP on the loopback address by default", async () => {
    const evm = new StubEvm();
    const wasm = new StubWasm();
    traffic(evm, wasm, 0, 2_000);
    const x = exporter(evm, wasm);
    await x.pollOnce();
    const port = await x.serve(0);
    try {
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(text).to.match(
        /^vagus_capability_issued_total\{executor_id="1",action_id="0xa1a1[0-9a-f]*",chain="evm"\} 1$/m,
      );
      expect((await fetch(`http://127.0.0.1:${port}/nope`)).status).to.equal(404);
    } finally {
      await x.stop();
    }
  });
});

const EVM_GUARDIAN = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
