import { expect } from "chai";
import { ethers } from "hardhat";

import { logsOf, receiptOf, snapshot } from "../helpers/chain";
import { ANS, E, ROOT, T0, at, calmMetrics, deployCore, intentAt, postRoot, type Core } from "../helpers/safety";

/** spec/safety-core.md §1.5: the EVM notification's gas limit. */
const SPEC_NOTIFY_GAS = 300_000n;

/**
 * The reflex notification's gas limit (spec/safety-core.md §1.5, §2.3): a reflex arc that
 * runs out of gas fails alone, and the tone update or evidence post stands; a caller that
 * leaves the notification less than its limit cannot turn a reflex into a recorded failure.
 */
describe("reflex notifications: gas limit (EVM)", () => {
  let core: Core;
  let burner: string;
  let base: { restore(): Promise<void> };

  before(async () => {
    core = await deployCore();
    const B = await ethers.getContractFactory("GasBurningReflexArc");
    burner = await (await B.deploy()).getAddress();
    base = await snapshot();
  });

  afterEach(async () => {
    await base.restore();
  });

  async function linkBurner(): Promise<void> {
    await receiptOf(await core.ans.connect(core.actors.admin).setReflexArc(burner));
    await receiptOf(await core.inbox.connect(core.actors.admin).setReflexArc(burner));
  }

  function tone(t: number, ppm: number, gasLimit = 5_000_000n) {
    return at(t, () => core.ans.connect(core.actors.oracle).updateTone(E, ppm, { gasLimit }));
  }

  it("a reflex arc that burns all its gas fails alone: the transition to DANGER stands and is recorded", async () => {
    await linkBurner();
    await tone(T0 + 1, 650_000);
    const r = await tone(T0 + 2, 650_000);
    expect(logsOf(r, core.addresses.ans, core.ans.interface).map((l) => l.name)).to.deep.equal([
      "StateTransition",
      "ReflexNotificationFailed",
    ]);
    expect((await core.ans.executorState(E)).state).to.equal(ANS.DANGER);
    expect((await core.ans.counters()).notificationFailures).to.equal(1n);
    // The burner got its whole limit, no more: the transaction used the limit and little else.
    expect(r.gasUsed).to.be.greaterThan(SPEC_NOTIFY_GAS);
    expect(r.gasUsed).to.be.lessThan(SPEC_NOTIFY_GAS + 200_000n);
  });

  it("a reflex arc that burns all its gas fails alone: the evidence post stands and is recorded", async () => {
    await linkBurner();
    const metrics = { ...calmMetrics(1), riskPpm: 900_000 };
    const r = await at(T0 + 1, () =>
      core.inbox.connect(core.actors.attestor).postEvidence(E, ROOT, metrics, { gasLimit: 5_000_000n }),
    );
    expect(logsOf(r, core.addresses.inbox, core.inbox.interface).map((l) => l.name)).to.deep.equal([
      "EvidencePosted",
      "ReflexNotificationFailed",
    ]);
    expect(await core.inbox.latestRoot(E)).to.equal(ROOT);
    expect((await core.inbox.counters()).notificationFailures).to.equal(1n);
  });

  it("a caller that leaves the notification less than its limit reverts the whole tone update", async () => {
    await linkBurner();
    // The first reading (no notification) fits in this gas limit; the second cannot be
    // caught: the burner would get less than the limit, so the whole call reverts.
    const starved = SPEC_NOTIFY_GAS / 2n;
    await tone(T0 + 1, 650_000, starved);
    await expect(tone(T0 + 2, 650_000, starved)).to.be.reverted;
    expect((await core.ans.executorState(E)).state).to.equal(ANS.SAFE);
    expect((await core.ans.counters()).notificationFailures).to.equal(0n);
  });

  it("the real SHUTDOWN reflex (fire, revoke all) uses under a fifth of the limit", async () => {
    await postRoot(core, T0 + 1, 1);
    await at(T0 + 2, () => core.issuer.connect(core.actors.planner).issue(intentAt(T0 + 2, 1)));
    const shutdown = async (linked: boolean, t: number) => {
      if (!linked) await receiptOf(await core.ans.connect(core.actors.admin).setReflexArc(ethers.ZeroAddress));
      await tone(t, 950_000);
      const r = await tone(t + 1, 950_000);
      expect((await core.ans.executorState(E)).state).to.equal(ANS.SHUTDOWN);
      return r;
    };
    const snap = await snapshot();
    const withReflex = await shutdown(true, T0 + 3);
    expect(logsOf(withReflex, core.addresses.issuer, core.issuer.interface).map((l) => l.name)).to.deep.equal([
      "AllRevoked",
    ]);
    await snap.restore();
    const without = await shutdown(false, T0 + 3);
    const notification = withReflex.gasUsed - without.gasUsed;
    console.log(`      SHUTDOWN notification: ${notification} gas (limit ${SPEC_NOTIFY_GAS})`);
    expect(notification * 5n).to.be.lessThan(SPEC_NOTIFY_GAS);
  });
});
