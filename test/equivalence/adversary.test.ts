import { expect } from "chai";
import { network } from "hardhat";

import { DifferentialRunner, ensureEngineBinary, runCampaign, startDevnet, type Devnet } from "../../src/equivalence";
import { loadSpec } from "../../src/spec";

/**
 * A short adversarial campaign over the whole safety core on both stacks: honest actors and
 * a compromised planner, reporter, attestor and oracle (any arguments, any order, any
 * time), the guardian and governance, with the safety invariants (a)–(d) after every step
 * (spec/scenarios.md "Adversarial campaign"). CI runs at least 10,000 steps of it
 * (npm run test:equivalence).
 */

const spec = loadSpec();

describe("equivalence: adversarial campaign over the safety core", function () {
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

  it("no safety invariant breaks on either stack, and the actors reach tokens, SHUTDOWN, HALF_OPEN, full windows and their attacks' errors", async () => {
    const res = await runCampaign({
      runner,
      mode: "adversarial",
      components: [],
      runs: 10,
      maxSteps: 60,
      seed: 20261204,
    });
    expect(res.failure?.message, res.failure && JSON.stringify(res.failure.scenario.steps)).to.equal(undefined);
    expect(res.steps).to.be.greaterThan(250);
    for (const name of ["(a)", "(b)", "(c)", "(d)"])
      expect(
        res.invariants.some((i) => i.startsWith(name)),
        name,
      ).to.be.true;
    const labels = Object.entries(res.coverage).flatMap(([c, m]) => Object.keys(m).map((k) => `${c} ${k}`));
    const seen = (re: RegExp) =>
      expect(
        labels.some((l) => re.test(l)),
        `${re} in ${labels.join(", ")}`,
      ).to.be.true;
    seen(/^CapabilityIssuer issue:ok$/); // tokens were issued
    seen(/^CapabilityIssuer issue:denied:2100$/); // a full window
    seen(/^CapabilityIssuer issue:denied:310[01]$/); // an OPEN or probe-limited breaker
    seen(/^CapabilityIssuer issue:error:700[1-8]$/); // malformed or out-of-window intents refused
    seen(/^ANSStateManager StateTransition SAFE→SHUTDOWN/);
    seen(/^CircuitBreaker BreakerTransition .*→HALF_OPEN/);
    seen(/^AfferentInbox postEvidence:error:5003$/); // stale sequences
    seen(/^CapabilityIssuer reportOutcome:error:70(10|14)$/); // unknown or replayed outcome reports
  });
});
