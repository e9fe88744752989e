import { expect } from "chai";
import { ethers } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";

import { logsOf, snapshot } from "../helpers/chain";
import { deployProxy } from "../helpers/deploy";
import { E, T0, at, calmMetrics, deployCore, rejects, type Core } from "../helpers/safety";
import { REFLEX_DEFAULTS, SYSTEM_ROLE } from "../helpers/system";
import type { ReflexArc } from "../../typechain-types";

/** ReflexArc (spec/safety-core.md §5): cooldown 300, thresholds 800,000 / 500,000 / 2,000 / 80,000. */
describe("ReflexArc (spec/safety-core.md §5)", () => {
  let core: Core;
  let notifier: HardhatEthersSigner;
  let base: { restore(): Promise<void> };

  before(async () => {
    core = await deployCore();
    notifier = core.actors.stranger;
    // No timestamp here: setup must not move the shared clock (later files start before timeOrigin).
    await (await core.reflex.connect(core.actors.admin).grantRole(SYSTEM_ROLE.NOTIFIER, notifier.address)).wait();
    base = await snapshot();
  });

  afterEach(async () => {
    await base.restore();
  });

  const reflexLogs = (r: Awaited<ReturnType<typeof at>>) => logsOf(r, core.addresses.reflex, core.reflex.interface);
  const issuerLogs = (r: Awaited<ReturnType<typeof at>>) => logsOf(r, core.addresses.issuer, core.issuer.interface);
  const rs = async () => [...(await core.reflex.reflexState(E))];
  const n = () => core.reflex.connect(notifier);

  it("starts with its config and the issuer link; a never-fired executor reads zeros", async () => {
    expect([...(await core.reflex.config())]).to.deep.equal(Object.values(REFLEX_DEFAULTS).map(BigInt));
    expect(await core.reflex.issuer()).to.equal(core.addresses.issuer);
    expect(await rs()).to.deep.equal([false, 0n, 0n, 0n]);
  });

  it("onStateTransition: executorId, from, to checked in order; DANGER and SHUTDOWN fire, SAFE does nothing", async () => {
    await rejects(core.reflex, rs, () => n().onStateTransition(0, 3, 3, 0), "InvalidExecutorId");
    await rejects(core.reflex, rs, () => n().onStateTransition(E, 3, 4, 0), "InvalidState", [3]);
    await rejects(core.reflex, rs, () => n().onStateTransition(E, 0, 4, 0), "InvalidState", [4]);
    const none = await at(T0 + 1, () => n().onStateTransition(E, 1, 0, 0));
    expect(none.logs).to.have.length(0);
    const r = await at(T0 + 2, () => n().onStateTransition(E, 0, 1, 650_000));
    expect(reflexLogs(r)).to.deep.equal([{ name: "ReflexFired", args: { executorId: E, trigger: 1n } }]);
    expect(issuerLogs(r)).to.deep.equal([
      { name: "AllRevoked", args: { executorId: E, epoch: 1n, reason: "reflex:ans-danger" } },
    ]);
    expect(await rs()).to.deep.equal([true, BigInt(T0 + 2), 1n, 0n]);
  });

  it("cooldown: an automatic trigger before lastFiredAt + cooldown is suppressed; at it, fires again", async () => {
    await at(T0 + 2, () => n().onStateTransition(E, 0, 1, 650_000));
    const s = await at(T0 + 301, () => n().onStateTransition(E, 1, 2, 950_000));
    expect(reflexLogs(s)).to.deep.equal([
      { name: "ReflexSuppressed", args: { executorId: E, trigger: 2n, retryAt: BigInt(T0 + 302) } },
    ]);
    expect(issuerLogs(s)).to.deep.equal([]);
    expect(await rs()).to.deep.equal([true, BigInt(T0 + 2), 1n, 1n]);
    const f = await at(T0 + 302, () => n().onStateTransition(E, 1, 2, 950_000));
    expect(issuerLogs(f)).to.deep.equal([
      { name: "AllRevoked", args: { executorId: E, epoch: 2n, reason: "reflex:ans-shutdown" } },
    ]);
  });

  it("MANUAL ignores the cooldown and revokes with the guardian's reason; reason checked after executorId", async () => {
    const g = core.reflex.connect(core.actors.guardian);
    await rejects(core.reflex, rs, () => g.trigger(0, ""), "InvalidExecutorId");
    await rejects(core.reflex, rs, () => g.trigger(E, ""), "EmptyReason");
    await rejects(core.reflex, rs, () => g.trigger(E, "x".repeat(257)), "ReasonTooLong", [257]);
    await at(T0 + 1, () => n().onStateTransition(E, 0, 1, 650_000));
    const r = await at(T0 + 2, () => g.trigger(E, "operator saw smoke"));
    expect(reflexLogs(r)).to.deep.equal([{ name: "ReflexFired", args: { executorId: E, trigger: 4n } }]);
    expect(issuerLogs(r)).to.deep.equal([
      { name: "AllRevoked", args: { executorId: E, epoch: 2n, reason: "operator saw smoke" } },
    ]);
    expect(await rs()).to.deep.equal([true, BigInt(T0 + 2), 2n, 0n]);
  });

  it("onEvidence fires EVIDENCE when any metric reaches its threshold (>=, temperature signed)", async () => {
    const below = { ...calmMetrics(1), temperatureMilliC: -100_000n };
    expect((await at(T0 + 1, () => n().onEvidence(E, below))).logs).to.have.length(0);
    const cases = [
      { riskPpm: 800_000n },
      { forceMilliN: 500_000n },
      { velocityMilliMps: 2_000n },
      { temperatureMilliC: 80_000n },
    ];
    let t = T0 + 10;
    for (const over of cases) {
      const r = await at(t, () => n().onEvidence(E, { ...calmMetrics(1), ...over }));
      expect(
        reflexLogs(r),
        JSON.stringify(over, (_k, v: unknown) => String(v)),
      ).to.deep.equal([{ name: "ReflexFired", args: { executorId: E, trigger: 3n } }]);
      expect(issuerLogs(r)[0].args.reason).to.equal("reflex:evidence");
      t += 300;
    }
    await expect(n().onEvidence(0, below)).to.be.revertedWithCustomError(core.reflex, "InvalidExecutorId");
  });

  it("IssuerNotSet only when a trigger fires, before the cooldown; a non-firing call succeeds unwired", async () => {
    const bare = await deployProxy<ReflexArc>("ReflexArc", [core.actors.admin.address, REFLEX_DEFAULTS]);
    await at(T0 + 1, () => bare.connect(core.actors.admin).grantRole(SYSTEM_ROLE.NOTIFIER, notifier.address));
    await at(T0 + 2, () => bare.connect(notifier).onStateTransition(E, 1, 0, 0));
    await at(T0 + 3, () => bare.connect(notifier).onEvidence(E, calmMetrics(1)));
    await expect(bare.connect(notifier).onStateTransition(E, 0, 1, 0)).to.be.revertedWithCustomError(
      bare,
      "IssuerNotSet",
    );
    await expect(bare.connect(core.actors.admin).setIssuer(ethers.ZeroAddress)).to.be.revertedWithCustomError(
      bare,
      "InvalidAddress",
    );
  });

  it("setConfig validates cooldown then risk; emits ConfigSet; config and setIssuer are blocked while paused", async () => {
    const admin = core.reflex.connect(core.actors.admin);
    const cfg = async () => [...(await core.reflex.config())];
    await rejects(
      core.reflex,
      cfg,
      () => admin.setConfig({ ...REFLEX_DEFAULTS, cooldown: 2_592_001, riskPpm: 1_000_001 }),
      "InvalidCooldown",
      [2_592_001],
    );
    await rejects(
      core.reflex,
      cfg,
      () => admin.setConfig({ ...REFLEX_DEFAULTS, riskPpm: 1_000_001 }),
      "InvalidRiskThreshold",
      [1_000_001],
    );
    const next = { cooldown: 0, riskPpm: 1_000_000, forceMilliN: 1n, velocityMilliMps: 2n, temperatureMilliC: -3n };
    const r = await at(T0 + 1, () => admin.setConfig(next));
    expect(reflexLogs(r)).to.deep.equal([
      {
        name: "ConfigSet",
        args: { cooldown: 0n, riskPpm: 1_000_000n, forceMilliN: 1n, velocityMilliMps: 2n, temperatureMilliC: -3n },
      },
    ]);
    await at(T0 + 2, () => core.reflex.connect(core.actors.guardian).pause());
    await expect(admin.setConfig(next)).to.be.revertedWithCustomError(core.reflex, "EnforcedPause");
    await expect(admin.setIssuer(core.addresses.issuer)).to.be.revertedWithCustomError(core.reflex, "EnforcedPause");
    // Triggers keep working while paused (cooldown 0 now: every automatic trigger fires).
    await at(T0 + 3, () => n().onStateTransition(E, 0, 2, 0));
    await at(T0 + 3, () => n().onStateTransition(E, 2, 2, 0));
    expect((await core.reflex.reflexState(E)).fires).to.equal(2n);
  });

  it("a reflex whose revocation reverts reverts as a whole (the notifier records it)", async () => {
    await at(T0 + 1, () =>
      core.issuer.connect(core.actors.admin).revokeRole(SYSTEM_ROLE.REVOKER, core.addresses.reflex),
    );
    await expect(n().onStateTransition(E, 0, 1, 0)).to.be.revertedWithCustomError(
      core.issuer,
      "AccessControlUnauthorizedAccount",
    );
    expect(await rs()).to.deep.equal([false, 0n, 0n, 0n]);
  });
});
