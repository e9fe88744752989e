import { expect } from "chai";
import { ethers } from "hardhat";

import { callAt, logsOf, mineAt, snapshot, type DecodedLog } from "../helpers/chain";
import { ANS, E, T0, at, deployCore, rejects, type Core } from "../helpers/safety";
import { ANS_DEFAULTS, grant } from "../helpers/system";

/** ANSStateManager (spec/safety-core.md §1), defaults D=600,000 S=900,000 R=400,000, nD=2 nS=2 nR=3, dwell 60. */
describe("ANSStateManager (spec/safety-core.md §1)", () => {
  let core: Core;
  let base: { restore(): Promise<void> };

  before(async () => {
    core = await deployCore();
    base = await snapshot();
  });

  afterEach(async () => {
    await base.restore();
  });

  const transition = (from: bigint, to: bigint, tonePpm: number, cause: bigint, executorId = E): DecodedLog => ({
    name: "StateTransition",
    args: { executorId, from, to, tonePpm: BigInt(tonePpm), cause },
  });
  const READINGS = 1n;
  const OVERRIDE = 2n;

  /** A reading at `t`: its logs (ANS only) and returned state. */
  async function tone(t: number, ppm: number, executorId = E) {
    const call = await callAt(t, core.ans, core.actors.oracle, "updateTone", [executorId, ppm]);
    return { logs: call.logs, state: call.result[0] as bigint, receipt: call.receipt };
  }

  async function record(executorId = E) {
    const r = await core.ans.executorState(executorId);
    return {
      state: r.state,
      tonePpm: r.tonePpm,
      dangerStreak: r.dangerStreak,
      shutdownStreak: r.shutdownStreak,
      safeStreak: r.safeStreak,
      enteredAt: r.enteredAt,
      updatedAt: r.updatedAt,
      shutdownEpoch: r.shutdownEpoch,
    };
  }

  const cfg = async () => [...(await core.ans.config())];

  describe("initialize and config", () => {
    it("starts with the given config, default guards, a SAFE zero record, zero counters", async () => {
      expect(await cfg()).to.deep.equal(Object.values(ANS_DEFAULTS).map(BigInt));
      expect([...(await core.ans.guard(0))]).to.deep.equal([10_000n, true]);
      expect([...(await core.ans.guard(1))]).to.deep.equal([5_000n, true]);
      expect([...(await core.ans.guard(2))]).to.deep.equal([0n, false]);
      expect(await record(99n)).to.deep.equal({
        state: 0n,
        tonePpm: 0n,
        dangerStreak: 0n,
        shutdownStreak: 0n,
        safeStreak: 0n,
        enteredAt: 0n,
        updatedAt: 0n,
        shutdownEpoch: 0n,
      });
      expect([...(await core.ans.guardOf(99n))]).to.deep.equal([0n, 10_000n, true, 0n]);
      expect([...(await core.ans.counters())]).to.deep.equal([0n, 0n, 0n]);
      expect(await core.ans.reflexArc()).to.equal(core.addresses.reflex);
    });

    it("setConfig validates thresholds, then reading counts (nD, nS, nR), then dwell; no change on error", async () => {
      const admin = core.ans.connect(core.actors.admin);
      const bad: [Partial<typeof ANS_DEFAULTS>, string, unknown[]][] = [
        [{ safeReturnPpm: 600_000 }, "InvalidThresholds", [600_000, 600_000, 900_000]],
        [{ dangerEnterPpm: 900_001 }, "InvalidThresholds", [400_000, 900_001, 900_000]],
        [{ shutdownEnterPpm: 1_000_001 }, "InvalidThresholds", [400_000, 600_000, 1_000_001]],
        [{ safeReturnPpm: 700_000, dangerReadings: 0 }, "InvalidThresholds", [700_000, 600_000, 900_000]],
        [{ dangerReadings: 0, safeReadings: 0 }, "InvalidReadingCount", [0]],
        [{ shutdownReadings: 1001, safeReadings: 0 }, "InvalidReadingCount", [1001]],
        [{ safeReadings: 0, minDwell: 2_592_001 }, "InvalidReadingCount", [0]],
        [{ minDwell: 2_592_001 }, "InvalidDwell", [2_592_001]],
      ];
      for (const [over, name, args] of bad) {
        await rejects(core.ans, cfg, () => admin.setConfig({ ...ANS_DEFAULTS, ...over }), name, args);
      }
      // Bounds themselves are accepted: D = S = 1,000,000, counts 1 and 1000, dwell 30 days.
      const edge = {
        dangerEnterPpm: 1_000_000,
        shutdownEnterPpm: 1_000_000,
        safeReturnPpm: 0,
        dangerReadings: 1,
        shutdownReadings: 1000,
        safeReadings: 1000,
        minDwell: 2_592_000,
      };
      const r = await at(T0 + 1, () => admin.setConfig(edge));
      expect(logsOf(r, core.addresses.ans, core.ans.interface)).to.deep.equal([
        { name: "ConfigSet", args: Object.fromEntries(Object.entries(edge).map(([k, v]) => [k, BigInt(v)])) },
      ]);
      expect(await cfg()).to.deep.equal(Object.values(edge).map(BigInt));
    });

    it("setGuard checks state, then factor, then SHUTDOWN must block; emits GuardSet", async () => {
      const admin = core.ans.connect(core.actors.admin);
      const guards = async () => Promise.all([0, 1, 2].map(async (s) => [...(await core.ans.guard(s))]));
      await rejects(
        core.ans,
        guards,
        () => admin.setGuard(3, { factorBp: 10_001, allowed: true }),
        "InvalidState",
        [3],
      );
      await rejects(
        core.ans,
        guards,
        () => admin.setGuard(1, { factorBp: 10_001, allowed: true }),
        "InvalidGuardFactor",
        [10_001],
      );
      await rejects(core.ans, guards, () => admin.setGuard(2, { factorBp: 0, allowed: true }), "ShutdownMustBlock");
      const r = await at(T0 + 1, () => admin.setGuard(1, { factorBp: 2_500, allowed: false }));
      expect(logsOf(r, core.addresses.ans, core.ans.interface)).to.deep.equal([
        { name: "GuardSet", args: { state: 1n, factorBp: 2_500n, allowed: false } },
      ]);
      expect([...(await core.ans.guard(1))]).to.deep.equal([2_500n, false]);
      await expect(core.ans.guard(3)).to.be.revertedWithCustomError(core.ans, "InvalidState").withArgs(3);
    });
  });

  describe("tone readings (§1.3)", () => {
    it("rejects executor 0 and tones above 1,000,000 with no change; 1,000,000 itself is a reading", async () => {
      const o = core.ans.connect(core.actors.oracle);
      const read = async () => [await record(), [...(await core.ans.counters())]];
      await rejects(core.ans, read, () => o.updateTone(0, 1), "InvalidExecutorId");
      await rejects(core.ans, read, () => o.updateTone(E, 1_000_001), "InvalidTone", [1_000_001]);
      await tone(T0 + 1, 1_000_000);
      expect((await record()).shutdownStreak).to.equal(1n);
    });

    it("SAFE → DANGER after nD consecutive readings >= D (inclusive); a lower reading resets the streak", async () => {
      expect((await tone(T0 + 1, 600_000)).logs).to.deep.equal([]);
      await tone(T0 + 2, 599_999); // resets
      expect((await record()).dangerStreak).to.equal(0n);
      expect((await tone(T0 + 3, 600_000)).state).to.equal(ANS.SAFE);
      const r = await tone(T0 + 4, 600_000);
      expect(r.state).to.equal(ANS.DANGER);
      expect(r.logs[0]).to.deep.equal(transition(ANS.SAFE, ANS.DANGER, 600_000, READINGS));
      // Streaks are not reset by a transition.
      expect(await record()).to.deep.equal({
        state: ANS.DANGER,
        tonePpm: 600_000n,
        dangerStreak: 2n,
        shutdownStreak: 0n,
        safeStreak: 0n,
        enteredAt: BigInt(T0 + 4),
        updatedAt: BigInt(T0 + 4),
        shutdownEpoch: 0n,
      });
      expect([...(await core.ans.counters())]).to.deep.equal([4n, 1n, 0n]);
    });

    it("SAFE → SHUTDOWN directly when nS readings >= S (SHUTDOWN is checked first)", async () => {
      await tone(T0 + 1, 900_000);
      const r = await tone(T0 + 2, 900_000);
      expect(r.state).to.equal(ANS.SHUTDOWN);
      expect(r.logs[0]).to.deep.equal(transition(ANS.SAFE, ANS.SHUTDOWN, 900_000, READINGS));
    });

    it("DANGER → SAFE needs nR readings <= R (inclusive) and t >= enteredAt + minDwell (inclusive)", async () => {
      await tone(T0 + 1, 700_000);
      await tone(T0 + 2, 700_000); // DANGER, enteredAt = T0 + 2
      await tone(T0 + 10, 400_000);
      await tone(T0 + 20, 400_000);
      expect((await tone(T0 + 61, 400_000)).state).to.equal(ANS.DANGER); // streak 3, dwell not met (61 < 62)
      const r = await tone(T0 + 62, 400_000);
      expect(r.state).to.equal(ANS.SAFE);
      expect(r.logs).to.deep.equal([transition(ANS.DANGER, ANS.SAFE, 400_000, READINGS)]);
      expect((await record()).safeStreak).to.equal(4n);
    });

    it("escalation is never delayed by the dwell; SHUTDOWN is never left by readings", async () => {
      await tone(T0 + 1, 700_000);
      await tone(T0 + 2, 700_000); // DANGER
      await tone(T0 + 3, 950_000);
      const r = await tone(T0 + 4, 950_000);
      expect(r.logs[0]).to.deep.equal(transition(ANS.DANGER, ANS.SHUTDOWN, 950_000, READINGS));
      for (let i = 0; i < 5; i++) expect((await tone(T0 + 1000 + i, 0)).state).to.equal(ANS.SHUTDOWN);
    });

    it("a config change applies from the next reading; streaks keep their values", async () => {
      await tone(T0 + 1, 650_000); // dangerStreak 1 (nD = 2)
      await at(T0 + 2, () => core.ans.connect(core.actors.admin).setConfig({ ...ANS_DEFAULTS, dangerReadings: 1 }));
      expect((await record()).dangerStreak).to.equal(1n);
      expect((await tone(T0 + 3, 650_000)).state).to.equal(ANS.DANGER);
    });

    it("works while paused (detection is safety); configuration is blocked while paused", async () => {
      await at(T0 + 1, () => core.ans.connect(core.actors.guardian).pause());
      await tone(T0 + 2, 650_000);
      expect((await record()).dangerStreak).to.equal(1n);
      const admin = core.ans.connect(core.actors.admin);
      await expect(admin.setConfig(ANS_DEFAULTS)).to.be.revertedWithCustomError(core.ans, "EnforcedPause");
      await expect(admin.setGuard(1, { factorBp: 1, allowed: true })).to.be.revertedWithCustomError(
        core.ans,
        "EnforcedPause",
      );
      await expect(admin.setReflexArc(ethers.ZeroAddress)).to.be.revertedWithCustomError(core.ans, "EnforcedPause");
      await at(T0 + 3, () => admin.overrideState(E, 2, "paused override"));
    });

    it("a reading that does not move the state emits nothing", async () => {
      expect((await tone(T0 + 1, 10)).logs).to.deep.equal([]);
    });
  });

  describe("pause mirror and the readings counter (decision 0049)", () => {
    /** OpenZeppelin's Pausable namespace (erc7201:openzeppelin.storage.Pausable), as published. */
    const PAUSABLE_SLOT = "0xcd5ed15c6e187e77e9aee88184c21f4f2182ab5827cb3b7e07fbedcd63f03300";
    /** Code without the mirror flipping the Pausable flag (an older release behind the proxy). */
    const setPausedBehindTheMirror = async (paused: boolean) =>
      ethers.provider.send("hardhat_setStorageAt", [
        core.addresses.ans,
        PAUSABLE_SLOT,
        ethers.zeroPadValue(paused ? "0x01" : "0x00", 32),
      ]);
    const intoDanger = async () => {
      await tone(T0 + 1, 700_000);
      await tone(T0 + 2, 700_000); // DANGER, enteredAt T0 + 2, dwell met from T0 + 62
    };

    it("a paused manager never relaxes: safe readings keep safeStreak 0 past the dwell; after the unpause nR fresh ones relax", async () => {
      await intoDanger();
      await at(T0 + 3, () => core.ans.connect(core.actors.guardian).pause());
      for (let i = 0; i < 5; i++) {
        const r = await tone(T0 + 100 + i, 100_000);
        expect(r.state).to.equal(ANS.DANGER);
        expect(r.logs).to.deep.equal([]);
      }
      expect((await record()).safeStreak).to.equal(0n);
      await at(T0 + 200, () => core.ans.connect(core.actors.admin).unpause());
      await tone(T0 + 201, 100_000);
      expect((await tone(T0 + 202, 100_000)).state).to.equal(ANS.DANGER);
      const r = await tone(T0 + 203, 100_000);
      expect(r.logs).to.deep.equal([transition(ANS.DANGER, ANS.SAFE, 100_000, READINGS)]);
    });

    it("pause, unpause, pause again: each pause stops relaxing at once, each unpause resumes it; paused() and the events are the frame's", async () => {
      await intoDanger();
      const guardian = core.ans.connect(core.actors.guardian);
      const admin = core.ans.connect(core.actors.admin);
      let t = T0 + 100;
      for (let round = 0; round < 2; round++) {
        await tone(++t, 100_000); // counts: not paused
        expect((await record()).safeStreak).to.equal(1n);
        const paused = await at(++t, () => guardian.pause());
        expect(logsOf(paused, core.addresses.ans, core.ans.interface)).to.deep.equal([
          { name: "Paused", args: { account: core.actors.guardian.address } },
        ]);
        expect(await core.ans.paused()).to.equal(true);
        await tone(++t, 100_000);
        expect((await record()).safeStreak).to.equal(0n);
        await expect(guardian.pause()).to.be.revertedWithCustomError(core.ans, "EnforcedPause");
        const unpaused = await at(++t, () => admin.unpause());
        expect(logsOf(unpaused, core.addresses.ans, core.ans.interface)).to.deep.equal([
          { name: "Unpaused", args: { account: core.actors.admin.address } },
        ]);
        expect(await core.ans.paused()).to.equal(false);
        await expect(admin.unpause()).to.be.revertedWithCustomError(core.ans, "ExpectedPause");
      }
      await tone(++t, 100_000);
      await tone(++t, 100_000);
      expect((await tone(++t, 100_000)).state).to.equal(ANS.SAFE);
      // The mirror shares the config word: the config and the counter read back exactly.
      expect(await cfg()).to.deep.equal(Object.values(ANS_DEFAULTS).map(BigInt));
      expect((await core.ans.counters()).readings).to.equal(9n);
    });

    it("after an upgrade, a pause the mirror never saw (older code) still stops relaxing; the unpause it never saw resumes it", async () => {
      await intoDanger();
      const v2 = await (await ethers.deployContract("ANSStateManagerV2")).getAddress();
      await at(T0 + 3, () => core.ans.connect(core.actors.admin).upgradeToAndCall(v2, "0x"));
      await setPausedBehindTheMirror(true);
      expect(await core.ans.paused()).to.equal(true);
      for (let i = 0; i < 4; i++) expect((await tone(T0 + 100 + i, 100_000)).state).to.equal(ANS.DANGER);
      expect((await record()).safeStreak).to.equal(0n);
      await setPausedBehindTheMirror(false);
      await tone(T0 + 200, 100_000);
      await tone(T0 + 201, 100_000);
      expect((await tone(T0 + 202, 100_000)).state).to.equal(ANS.SAFE);
      // Re-armed by a reading: a later pause through this code still stops relaxing.
      await at(T0 + 203, () => core.ans.connect(core.actors.guardian).pause());
      await tone(T0 + 204, 700_000);
      await tone(T0 + 205, 700_000); // DANGER again (escalation works while paused)
      for (let i = 0; i < 4; i++) expect((await tone(T0 + 300 + i, 100_000)).state).to.equal(ANS.DANGER);
    });

    it("counters().readings counts every recorded reading of every executor and oracle, reverted ones not", async () => {
      await grant(core, core.ans, "ORACLE", core.actors.stranger.address);
      const oracles = [core.actors.oracle, core.actors.stranger];
      let t = T0;
      let n = 0;
      for (const executorId of [1n, 2n, 3n, E]) {
        for (let i = 0; i < 3; i++) {
          await callAt(++t, core.ans, oracles[(n + i) % 2], "updateTone", [executorId, 100_000 * (i + 1)]);
          n += 1;
        }
      }
      await expect(core.ans.connect(core.actors.oracle).updateTone(1n, 1_000_001)).to.be.revertedWithCustomError(
        core.ans,
        "InvalidTone",
      );
      await at(++t, () => core.ans.connect(core.actors.guardian).pause());
      await tone(++t, 950_000); // recorded while paused
      await tone(++t, 950_000); // and a transition
      expect([...(await core.ans.counters())]).to.deep.equal([14n, 1n, 0n]);
    });
  });

  describe("governance override (§1.4)", () => {
    it("checks executorId, state, reason, then unchanged; no change on error", async () => {
      const admin = core.ans.connect(core.actors.admin);
      const read = async () => [await record(), [...(await core.ans.counters())]];
      await rejects(core.ans, read, () => admin.overrideState(0, 3, ""), "InvalidExecutorId");
      await rejects(core.ans, read, () => admin.overrideState(E, 3, ""), "InvalidState", [3]);
      await rejects(core.ans, read, () => admin.overrideState(E, 0, ""), "EmptyReason");
      await rejects(core.ans, read, () => admin.overrideState(E, 0, "x".repeat(257)), "ReasonTooLong", [257]);
      // 256 bytes of UTF-8 (128 two-byte characters) is the longest reason; the state check comes last.
      await rejects(core.ans, read, () => admin.overrideState(E, 0, "é".repeat(128)), "StateUnchanged", [0]);
      await rejects(core.ans, read, () => admin.overrideState(E, 0, "é".repeat(129)), "ReasonTooLong", [258]);
    });

    it("SHUTDOWN → SAFE: resets streaks, emits StateTransition(OVERRIDE) then StateOverridden, no notification", async () => {
      await tone(T0 + 1, 950_000);
      await tone(T0 + 2, 950_000);
      const call = await callAt(T0 + 3, core.ans, core.actors.admin, "overrideState", [E, 0, "incident closed"]);
      expect(call.logs).to.deep.equal([
        transition(ANS.SHUTDOWN, ANS.SAFE, 950_000, OVERRIDE),
        {
          name: "StateOverridden",
          args: { executorId: E, from: ANS.SHUTDOWN, to: ANS.SAFE, reason: "incident closed" },
        },
      ]);
      expect(logsOf(call.receipt, core.addresses.reflex, core.reflex.interface)).to.deep.equal([]);
      const r = await record();
      expect([r.state, r.dangerStreak, r.shutdownStreak, r.safeStreak, r.enteredAt]).to.deep.equal([
        0n,
        0n,
        0n,
        0n,
        BigInt(T0 + 3),
      ]);
      // Leaving SHUTDOWN keeps the count of its entries: tokens from before stay dead.
      expect(r.shutdownEpoch).to.equal(1n);
      expect([...(await core.ans.counters())]).to.deep.equal([2n, 2n, 0n]);
    });

    it("an override into SHUTDOWN notifies the reflex arc after its own events", async () => {
      const call = await callAt(T0 + 1, core.ans, core.actors.admin, "overrideState", [E, 2, "operator stop"]);
      expect(call.logs.map((l) => l.name)).to.deep.equal(["StateTransition", "StateOverridden"]);
      expect((await record()).shutdownEpoch).to.equal(1n);
      expect(logsOf(call.receipt, core.addresses.reflex, core.reflex.interface)).to.deep.equal([
        { name: "ReflexFired", args: { executorId: E, trigger: 2n } },
      ]);
      // The ANS events precede the reflex arc's in the transaction (emitted before the call-out).
      const order = call.receipt.logs.map((l) => l.address.toLowerCase());
      expect(order.indexOf(core.addresses.ans.toLowerCase())).to.be.lessThan(
        order.indexOf(core.addresses.reflex.toLowerCase()),
      );
    });
  });

  describe("reflex notification (§1.5)", () => {
    it("a reflex arc without code counts as a failed notification (never an unrecorded revert)", async () => {
      await at(T0 + 1, () => core.ans.connect(core.actors.admin).setReflexArc(core.actors.stranger.address));
      await tone(T0 + 2, 650_000);
      const r = await tone(T0 + 3, 650_000);
      expect(r.logs).to.deep.equal([
        transition(ANS.SAFE, ANS.DANGER, 650_000, READINGS),
        { name: "ReflexNotificationFailed", args: { executorId: E, to: ANS.DANGER } },
      ]);
      expect([...(await core.ans.counters())]).to.deep.equal([2n, 1n, 1n]);
    });

    it("no reflex arc set: nothing is called and nothing is counted", async () => {
      const r0 = await at(T0 + 1, () => core.ans.connect(core.actors.admin).setReflexArc(ethers.ZeroAddress));
      expect(logsOf(r0, core.addresses.ans, core.ans.interface)).to.deep.equal([
        { name: "ReflexArcSet", args: { reflexArc: ethers.ZeroAddress } },
      ]);
      await tone(T0 + 2, 650_000);
      const r = await tone(T0 + 3, 650_000);
      expect(r.logs.map((l) => l.name)).to.deep.equal(["StateTransition"]);
      expect(r.receipt.logs.length).to.equal(1);
      expect((await core.ans.counters()).notificationFailures).to.equal(0n);
    });

    it("a transition into DANGER fires the reflex (ANS_DANGER) and revokes the executor's tokens", async () => {
      await tone(T0 + 1, 650_000);
      const r = await tone(T0 + 2, 650_000);
      expect(logsOf(r.receipt, core.addresses.reflex, core.reflex.interface)).to.deep.equal([
        { name: "ReflexFired", args: { executorId: E, trigger: 1n } },
      ]);
      expect((await core.issuer.executor(E)).epoch).to.equal(1n);
      await mineAt(T0 + 3);
    });
  });

  it("only ORACLE reads tone; only ADMIN overrides and configures", async () => {
    const s = core.actors.stranger;
    await expect(core.ans.connect(s).updateTone(E, 1))
      .to.be.revertedWithCustomError(core.ans, "AccessControlUnauthorizedAccount")
      .withArgs(s.address, ethers.id("ORACLE_ROLE"));
    await expect(core.ans.connect(core.actors.oracle).overrideState(E, 1, "x"))
      .to.be.revertedWithCustomError(core.ans, "AccessControlUnauthorizedAccount")
      .withArgs(core.actors.oracle.address, ethers.ZeroHash);
  });
});
