import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { expect } from "chai";
import { network } from "hardhat";

import {
  DifferentialRunner,
  ensureEngineBinary,
  loadScenarioFile,
  runCampaign,
  startDevnet,
  type Devnet,
} from "../../src/equivalence";
import { loadSpec } from "../../src/spec";

/**
 * The engine must catch a real divergence. contracts/test/RateLimiterOffByOne.sol is the
 * rate limiter with one deliberate off-by-one (a consumption at the first second of a
 * sub-bucket is filed under the previous one, so it leaves the window a bucket early), on
 * the EVM only. A property campaign over the rate limiter must find it, shrink it to a
 * short sequence, and write a scenario file that replays the divergence — and that the
 * real contracts pass.
 */

const spec = loadSpec();
const SEED = 4242;

describe("equivalence: a deliberately divergent EVM rate limiter is caught and shrunk", function () {
  this.timeout(900_000);
  let net: Devnet;
  let dir: string;
  // The first test's campaign, so the reproduction test runs one more campaign, not two.
  let first: Awaited<ReturnType<typeof runCampaign>> | undefined;

  before(async function () {
    this.timeout(45 * 60_000);
    ensureEngineBinary();
    net = await startDevnet({ evmProvider: network.provider });
    dir = mkdtempSync(path.join(tmpdir(), "vagus-divergence-"));
  });

  after(async () => {
    await net?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("the campaign finds the off-by-one and shrinks it to a replayable scenario of a few steps", async () => {
    const variant = new DifferentialRunner({
      spec,
      evm: net.evm,
      wasm: net.wasm,
      evmOverrides: { RateLimiter: "RateLimiterOffByOne" },
    });
    let file: string;
    try {
      const res = await runCampaign({
        runner: variant,
        components: ["RateLimiter"],
        runs: 60,
        maxSteps: 30,
        seed: SEED,
        outDir: dir,
      });
      first = res;
      expect(res.failure, "the campaign found nothing").to.not.equal(undefined);
      const failure = res.failure!;
      expect(failure.kind).to.equal("divergence");
      // The off-by-one shows either in a consume's answer or in the window the state digest
      // reads after any later step (the shrunk scenario may end on any RateLimiter call).
      expect(failure.message).to.match(/^RateLimiter\.\w+ at \+\d+:/);
      expect(failure.message).to.match(/RateLimiter\.consume|RateLimiter\.usage.*\.used: evm "\d+" \| wasm "\d+"/);
      // Minimal: a config whose buckets make boundaries reachable, then consumptions.
      expect(failure.scenario.steps.length).to.be.at.most(6);
      expect(failure.scenario.steps.some((s) => s.call === "consume")).to.be.true;
      file = failure.file!;
      expect(JSON.parse(readFileSync(file, "utf8")).steps).to.have.length(failure.scenario.steps.length);

      // The written file replays the divergence on a fresh deployment.
      const replay = await variant.run(loadScenarioFile(file, spec));
      expect(replay.verdict).to.equal("diverged");
      expect(replay.divergence?.diff).to.match(/evm .* \| wasm /);
    } finally {
      await variant.dispose();
    }

    // The same scenario on the real contracts: no divergence.
    const real = new DifferentialRunner({ spec, evm: net.evm, wasm: net.wasm });
    try {
      const ok = await real.run(loadScenarioFile(file, spec));
      expect(ok.verdict, ok.divergence?.diff ?? ok.error).to.equal("passed");
    } finally {
      await real.dispose();
    }
  });

  it("a seed reproduces the same campaign", async () => {
    const runOnce = async () => {
      const r = new DifferentialRunner({
        spec,
        evm: net.evm,
        wasm: net.wasm,
        evmOverrides: { RateLimiter: "RateLimiterOffByOne" },
      });
      try {
        return await runCampaign({ runner: r, components: ["RateLimiter"], runs: 60, maxSteps: 30, seed: SEED });
      } finally {
        await r.dispose();
      }
    };
    const a = first ?? (await runOnce());
    const b = await runOnce();
    expect(a.failure, "the campaign found nothing").to.not.equal(undefined);
    expect(b.failure?.scenario.steps).to.deep.equal(a.failure?.scenario.steps);
    expect(b.steps).to.equal(a.steps);
  });
});
