import { expect } from "chai";
import { network } from "hardhat";

import { DifferentialRunner, ensureEngineBinary, runCampaign, startDevnet, type Devnet } from "../../src/equivalence";
import { loadSpec } from "../../src/spec";

/**
 * A short property campaign over the real RateLimiter and CircuitBreaker on both stacks:
 * random operations, roles, bad input, time jumps and pauses, with the spec's invariants
 * after every step. (CI runs a campaign of at least 10,000 steps: npm run test:equivalence.)
 */

const spec = loadSpec();

describe("equivalence: property campaign over the rate limiter and the breaker", function () {
  this.timeout(900_000);
  let net: Devnet;
  let runner: DifferentialRunner;

  before(async function () {
    this.timeout(45 * 60_000);
    ensureEngineBinary();
    net = await startDevnet({ evmProvider: network.provider });
    runner = new DifferentialRunner({ spec, evm: net.evm, wasm: net.wasm });
  });

  after(async () => {
    await runner?.dispose();
    await net?.close();
  });

  it("finds no divergence and no invariant violation, and covers denials, errors and transitions", async () => {
    const res = await runCampaign({
      runner,
      components: ["RateLimiter", "CircuitBreaker"],
      runs: 12,
      maxSteps: 40,
      seed: 20261127,
    });
    expect(res.failure?.message, res.failure && JSON.stringify(res.failure.scenario.steps)).to.equal(undefined);
    expect(res.steps).to.be.greaterThan(100);
    expect(res.invariants).to.include("a window never holds more than capacity");
    expect(res.invariants).to.include("privileged operations succeed only for their role");
    const labels = Object.entries(res.coverage).flatMap(([c, m]) => Object.keys(m).map((k) => `${c} ${k}`));
    // Bad input, unauthorized callers and pauses were generated (codes from spec/common.json).
    expect(labels.some((l) => /:error:1001$/.test(l))).to.be.true;
    expect(labels.some((l) => /:error:1002$/.test(l))).to.be.true;
    expect(labels.some((l) => /:error:100[67]$/.test(l))).to.be.true;
    expect(labels.some((l) => /^CircuitBreaker BreakerTransition/.test(l))).to.be.true;
  });
});
