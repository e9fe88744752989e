import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { expect } from "chai";

import { deployUupsProxy, startEmbeddedEvm, type RpcEvmChain } from "../../src/chains/evm";
import { EngineClient, type WasmChain } from "../../src/chains/wasm";
import { Journal, type JournalEntry } from "../../src/deployment/journal";
import { runProcedure } from "../../src/procedure/runner";
import type { Step } from "../../src/procedure/steps";
import { loadSpec, toEvmArg, toWasm } from "../../src/spec";

/**
 * The shared procedure runner with a procedure that is not a deployment: "pause RateLimiter
 * on both stacks", two steps on the embedded chains (Hardhat's in-process EVM, the compiled
 * RateLimiter in vagus-wasm-engine). The steps are written here against the chain
 * interfaces only, as a new procedure's thin file would be.
 */

const ROOT = path.resolve(__dirname, "..", "..");
const WASM = path.join(ROOT, "artifacts", "wasm", "rate_limiter.wasm");

function pauseSteps(
  evm: RpcEvmChain,
  evmProxy: string,
  guardian: string,
  wasm: WasmChain,
  wasmAddr: string,
  wasmGuardian: string,
): Step[] {
  return [
    {
      id: "evm:RateLimiter:pause",
      stack: "evm",
      network: "hardhat",
      describe: "RateLimiter: pause (guardian)",
      probeFirst: true,
      async intent() {
        return { from: guardian, nonce: await evm.nonce(guardian) };
      },
      async probe() {
        const [paused] = await evm.call({ to: evmProxy, fn: "paused" });
        return paused === true ? { already: true } : undefined;
      },
      async run(intent, hooks) {
        const r = await evm.send({ to: evmProxy, fn: "pause", from: guardian, nonce: intent.nonce as number });
        hooks.sent();
        return { tx: r.hash, gasUsed: r.gasUsed.toString() };
      },
    },
    {
      id: "wasm:RateLimiter:pause",
      stack: "wasm",
      network: "engine",
      describe: "RateLimiter: pause (guardian)",
      probeFirst: true,
      intent: () => Promise.resolve({ contract: wasmAddr }),
      async probe() {
        const { paused } = await wasm.query<{ paused: boolean }>(wasmAddr, { paused: {} });
        return paused ? { already: true } : undefined;
      },
      async run(_intent, hooks) {
        const r = await wasm.execute({ contract: wasmAddr, sender: wasmGuardian, msg: { pause: {} } });
        hooks.sent();
        return { gasUsed: r.gas.used };
      },
    },
  ];
}

describe("procedure runner: a non-deploy procedure (pause on both stacks) on the embedded chains", function () {
  this.timeout(120_000);
  const spec = loadSpec();
  const rl = spec.component("RateLimiter");
  let evm: RpcEvmChain;
  let wasm: EngineClient;
  let dir: string;
  let evmProxy: string;
  let wasmAddr: string;
  let guardian: string;
  let wasmGuardian: string;
  let steps: Step[];
  const lines: string[] = [];
  const log = (l: string) => lines.push(l);
  const journalPath = () => path.join(dir, "journal.jsonl");
  const evmPaused = async () => (await evm.call({ to: evmProxy, fn: "paused" }))[0] as boolean;
  const wasmPaused = async () => (await wasm.query<{ paused: boolean }>(wasmAddr, { paused: {} })).paused;
  let runs = 0;
  const run = (opts: { dryRun?: boolean } = {}) =>
    runProcedure({
      procedure: "pause",
      journal: Journal.open(journalPath()),
      steps,
      newRun: () => `pause-${++runs}`,
      begin: { component: "RateLimiter" },
      dryRun: opts.dryRun,
      log,
    });

  before(async function () {
    if (!existsSync(WASM)) throw new Error("artifacts/wasm/rate_limiter.wasm is missing: run `npm run build:wasm`");
    dir = mkdtempSync(path.join(tmpdir(), "vagus-procedure-"));
    evm = await startEmbeddedEvm();
    const [admin, g] = await evm.accounts();
    guardian = g;
    const config = toEvmArg(rl, "Config", { capacity: 2, window: 60, buckets: 6 });
    evmProxy = (await deployUupsProxy(evm, "RateLimiter", [admin, config], admin)).proxy;
    await evm.send({ to: evmProxy, fn: "grantRole", args: [spec.role("GUARDIAN").evmId, guardian], from: admin });

    wasm = await EngineClient.start();
    const wasmAdmin = await wasm.addrMake("admin");
    wasmGuardian = await wasm.addrMake("guardian");
    const { codeId } = await wasm.store(WASM);
    wasmAddr = (
      await wasm.instantiate({
        codeId,
        sender: wasmAdmin,
        admin: wasmAdmin,
        msg: { admin: wasmAdmin, default_config: toWasm(rl, "Config", { capacity: 2, window: 60, buckets: 6 }) },
      })
    ).address;
    await wasm.execute({
      contract: wasmAddr,
      sender: wasmAdmin,
      msg: { grant_role: { role: spec.role("GUARDIAN").wasm, account: wasmGuardian } },
    });
    steps = pauseSteps(evm, evmProxy, guardian, wasm, wasmAddr, wasmGuardian);
  });

  after(async function () {
    await wasm?.close();
    await evm?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("dry run prints [1/2] and [2/2], writes no journal and sends nothing (nonce and pause state unchanged)", async function () {
    const nonce = await evm.nonce(guardian);
    await run({ dryRun: true });
    expect(lines).to.deep.equal([
      "  [1/2] evm:RateLimiter:pause: RateLimiter: pause (guardian)",
      "  [2/2] wasm:RateLimiter:pause: RateLimiter: pause (guardian)",
    ]);
    expect(existsSync(journalPath())).to.equal(false);
    expect(await evm.nonce(guardian)).to.equal(nonce);
    expect(await evmPaused()).to.equal(false);
    expect(await wasmPaused()).to.equal(false);
  });

  it("a run pauses both stacks and journals begin, intent and result per step, then complete", async function () {
    lines.length = 0;
    const summary = await run();
    expect(summary.steps.map((s) => s.status)).to.deep.equal(["ran", "ran"]);
    expect(lines[0]).to.equal("[1/2] evm:RateLimiter:pause: RateLimiter: pause (guardian)");
    expect(lines[1]).to.match(/^\[1\/2\] evm:RateLimiter:pause: ok tx 0x[0-9a-f]{64}, gas \d+/);
    expect(lines[3]).to.match(/^\[2\/2\] wasm:RateLimiter:pause: ok gas \d+/);
    expect(await evmPaused()).to.equal(true);
    expect(await wasmPaused()).to.equal(true);
    const phases = Journal.open(journalPath()).entries.map((e) => `${e.phase}${e.step ? ` ${e.step}` : ""}`);
    expect(phases).to.deep.equal([
      "begin",
      "intent evm:RateLimiter:pause",
      "result evm:RateLimiter:pause",
      "intent wasm:RateLimiter:pause",
      "result wasm:RateLimiter:pause",
      "complete",
    ]);
    const begin = Journal.open(journalPath()).entries[0];
    expect(begin.data).to.deep.equal({ procedure: "pause", component: "RateLimiter" });
  });

  it("after a crash between sending the second step and recording it, the rerun finds it on chain and sends nothing", async function () {
    // The journal as a run killed right after the CosmWasm pause was sent leaves it: the
    // intent is there, its result and the complete entry are not.
    const entries = readFileSync(journalPath(), "utf8").trim().split("\n");
    const kept = entries.filter((l) => {
      const e = JSON.parse(l) as JournalEntry;
      return !(e.phase === "complete" || (e.phase === "result" && e.step === "wasm:RateLimiter:pause"));
    });
    writeFileSync(journalPath(), `${kept.join("\n")}\n`);
    const nonce = await evm.nonce(guardian);
    lines.length = 0;
    const summary = await run();
    expect(summary.resumed).to.equal(true);
    expect(summary.steps.map((s) => s.status)).to.deep.equal(["done", "recovered"]);
    expect(lines).to.deep.equal([
      "[1/2] evm:RateLimiter:pause: done earlier",
      "[2/2] wasm:RateLimiter:pause: an earlier run sent this and died; looking for it on chain",
      "[2/2] wasm:RateLimiter:pause: found on chain, recorded",
    ]);
    // Nothing was resent: a second pause would have reverted (EnforcedPause / already paused).
    expect(await evm.nonce(guardian)).to.equal(nonce);
    const last = Journal.open(journalPath())
      .entries.slice(-2)
      .map((e) => e.phase);
    expect(last).to.deep.equal(["recovered", "complete"]);
  });

  it("a finished run is not resumed: a new run probes first and skips both steps as already on chain", async function () {
    const nonce = await evm.nonce(guardian);
    lines.length = 0;
    const summary = await run();
    expect(summary.resumed).to.equal(false);
    expect(summary.steps.map((s) => s.status)).to.deep.equal(["skipped", "skipped"]);
    expect(lines.every((l) => l.endsWith("already on chain, skipped"))).to.equal(true);
    expect(await evm.nonce(guardian)).to.equal(nonce);
  });

  it("a failing step is journaled as failed, reported through stepError, and its run stays open for a rerun", async function () {
    const failing: Step = {
      id: "wasm:RateLimiter:unpause-as-guardian",
      stack: "wasm",
      network: "engine",
      describe: "RateLimiter: unpause by the guardian (refused: ADMIN only)",
      intent: () => Promise.resolve({}),
      probe: () => Promise.resolve(undefined),
      async run(_i, hooks) {
        await wasm.execute({ contract: wasmAddr, sender: wasmGuardian, msg: { unpause: {} } });
        hooks.sent();
        return {};
      },
    };
    const journal = Journal.open(journalPath());
    let caught: Error | undefined;
    try {
      await runProcedure({
        procedure: "unpause",
        journal,
        steps: [failing],
        newRun: () => "unpause-1",
        log,
        stepError: (err, step) => new Error(`${step.id} failed: ${err.message}`),
      });
    } catch (err) {
      caught = err as Error;
    }
    expect(caught?.message).to.match(/^wasm:RateLimiter:unpause-as-guardian failed: .*vagus:1001/);
    expect(journal.entries.slice(-2).map((e) => e.phase)).to.deep.equal(["intent", "failed"]);
    expect(journal.openRun("unpause")?.deployment).to.equal("unpause-1");
    expect(await wasmPaused()).to.equal(true);
  });
});
