import { expect } from "chai";
import { ethers } from "hardhat";

import { commit, isCanonicalKeyOrder } from "../../src/cbor";
import { logsOf, snapshot } from "../helpers/chain";
import { E, ROOT, T0, at, calmMetrics, deployCore, rejects, type Core, type Metrics } from "../helpers/safety";

/** AfferentInbox (spec/safety-core.md §2). */
describe("AfferentInbox (spec/safety-core.md §2)", () => {
  let core: Core;
  let base: { restore(): Promise<void> };

  before(async () => {
    core = await deployCore();
    base = await snapshot();
  });

  afterEach(async () => {
    await base.restore();
  });

  /** The seven-entry map of §2.2 through the TypeScript encoder (which sorts keys itself). */
  function expected(executorId: bigint, stateRoot: string, m: Metrics) {
    return commit({
      riskPpm: m.riskPpm,
      sequence: m.sequence,
      stateRoot: ethers.getBytes(stateRoot),
      executorId,
      forceMilliN: m.forceMilliN,
      velocityMilliMps: m.velocityMilliMps,
      temperatureMilliC: m.temperatureMilliC,
    });
  }

  const read = async () => [
    [...(await core.inbox.latestEvidence(E))],
    await core.inbox.latestRoot(E),
    [...(await core.inbox.counters())],
  ];

  it("the contract's key order is canonical (spec §2.2)", () => {
    const keys = [
      "riskPpm",
      "sequence",
      "stateRoot",
      "executorId",
      "forceMilliN",
      "velocityMilliMps",
      "temperatureMilliC",
    ];
    expect(isCanonicalKeyOrder(keys)).to.equal(true);
  });

  it("encodeEvidence equals the TypeScript encoder, for negative temperatures and 64-bit extremes too", async () => {
    const cases: [bigint, string, Metrics][] = [
      [E, ROOT, calmMetrics(1)],
      [1n, ethers.id("x"), { ...calmMetrics(0), temperatureMilliC: -40_500n }],
      [
        (1n << 64n) - 1n,
        "0x" + "ff".repeat(32),
        {
          sequence: (1n << 64n) - 1n,
          riskPpm: 4_294_967_295n,
          forceMilliN: (1n << 64n) - 1n,
          velocityMilliMps: 0n,
          temperatureMilliC: -(1n << 63n),
        },
      ],
      [
        0n,
        ethers.ZeroHash,
        { sequence: 0n, riskPpm: 0n, forceMilliN: 0n, velocityMilliMps: 0n, temperatureMilliC: 0n },
      ],
    ];
    for (const [id, root, m] of cases) {
      const want = expected(id, root, m);
      const [cbor, sha, keccak] = await core.inbox.encodeEvidence(id, root, m);
      expect([cbor, sha, keccak]).to.deep.equal([ethers.hexlify(want.cbor), want.sha256, want.keccak256]);
    }
  });

  it("postEvidence stores the latest, counts, emits the dual hashes and the attestor", async () => {
    const m = { ...calmMetrics(3), temperatureMilliC: -1_500n };
    const r = await at(T0 + 5, () => core.inbox.connect(core.actors.attestor).postEvidence(E, ROOT, m));
    const h = expected(E, ROOT, m);
    expect(logsOf(r, core.addresses.inbox, core.inbox.interface)).to.deep.equal([
      {
        name: "EvidencePosted",
        args: {
          executorId: E,
          sequence: 3n,
          stateRoot: ROOT,
          riskPpm: m.riskPpm,
          sha256: h.sha256,
          keccak256: h.keccak256,
          attestor: core.actors.attestor.address,
        },
      },
    ]);
    expect([...(await core.inbox.latestEvidence(E))]).to.deep.equal([
      ROOT,
      3n,
      m.riskPpm,
      m.forceMilliN,
      m.velocityMilliMps,
      m.temperatureMilliC,
      BigInt(T0 + 5),
      h.sha256,
      h.keccak256,
    ]);
    expect(await core.inbox.latestRoot(E)).to.equal(ROOT);
    expect([...(await core.inbox.counters())]).to.deep.equal([1n, 0n]);
  });

  it("rejects, in order, executor 0, a zero root, risk above 1,000,000, a stale sequence; no change", async () => {
    const a = core.inbox.connect(core.actors.attestor);
    await at(T0 + 1, () => a.postEvidence(E, ROOT, calmMetrics(5)));
    const over = { ...calmMetrics(0), riskPpm: 1_000_001n };
    await rejects(core.inbox, read, () => a.postEvidence(0, ethers.ZeroHash, over), "InvalidExecutorId");
    await rejects(core.inbox, read, () => a.postEvidence(E, ethers.ZeroHash, over), "InvalidStateRoot");
    await rejects(core.inbox, read, () => a.postEvidence(E, ROOT, over), "InvalidRisk", [1_000_001n]);
    await rejects(core.inbox, read, () => a.postEvidence(E, ROOT, calmMetrics(5)), "StaleSequence", [5n, 5n]);
    await rejects(core.inbox, read, () => a.postEvidence(E, ROOT, calmMetrics(4)), "StaleSequence", [4n, 5n]);
    // Sequence 0 is always stale, even for a new executor.
    await expect(a.postEvidence(8n, ROOT, calmMetrics(0)))
      .to.be.revertedWithCustomError(core.inbox, "StaleSequence")
      .withArgs(0n, 0n);
    // riskPpm = 1,000,000 is accepted; a gap in sequences is fine.
    await at(T0 + 2, () => a.postEvidence(E, ROOT, { ...calmMetrics(9), riskPpm: 1_000_000n }));
  });

  it("evidence past a threshold fires the reflex (EVIDENCE); a failing reflex arc is recorded", async () => {
    const a = core.inbox.connect(core.actors.attestor);
    const hot = { ...calmMetrics(1), temperatureMilliC: 80_000n }; // exactly the threshold: fires
    const r = await at(T0 + 1, () => a.postEvidence(E, ROOT, hot));
    expect(logsOf(r, core.addresses.reflex, core.reflex.interface)).to.deep.equal([
      { name: "ReflexFired", args: { executorId: E, trigger: 3n } },
    ]);
    // The reflex arc loses its issuer role: the notification fails, the evidence stands.
    await at(T0 + 2, () =>
      core.issuer.connect(core.actors.admin).revokeRole(ethers.id("REVOKER_ROLE"), core.addresses.reflex),
    );
    const r2 = await at(T0 + 400, () => a.postEvidence(E, ROOT, { ...hot, sequence: 2n }));
    expect(logsOf(r2, core.addresses.inbox, core.inbox.interface).map((l) => [l.name, l.args.sequence])).to.deep.equal([
      ["EvidencePosted", 2n],
      ["ReflexNotificationFailed", 2n],
    ]);
    expect([...(await core.inbox.counters())]).to.deep.equal([2n, 1n]);
    expect((await core.inbox.latestEvidence(E)).sequence).to.equal(2n);
  });

  it("posting works while paused; setReflexArc is ADMIN-only and blocked while paused", async () => {
    await at(T0 + 1, () => core.inbox.connect(core.actors.guardian).pause());
    await at(T0 + 2, () => core.inbox.connect(core.actors.attestor).postEvidence(E, ROOT, calmMetrics(1)));
    await expect(core.inbox.connect(core.actors.admin).setReflexArc(ethers.ZeroAddress)).to.be.revertedWithCustomError(
      core.inbox,
      "EnforcedPause",
    );
    await expect(core.inbox.connect(core.actors.attestor).setReflexArc(ethers.ZeroAddress))
      .to.be.revertedWithCustomError(core.inbox, "AccessControlUnauthorizedAccount")
      .withArgs(core.actors.attestor.address, ethers.ZeroHash);
    await expect(core.inbox.connect(core.actors.stranger).postEvidence(E, ROOT, calmMetrics(2)))
      .to.be.revertedWithCustomError(core.inbox, "AccessControlUnauthorizedAccount")
      .withArgs(core.actors.stranger.address, ethers.id("ATTESTOR_ROLE"));
  });

  it("latestEvidence of an executor without evidence is all zero", async () => {
    const z = ethers.ZeroHash;
    expect([...(await core.inbox.latestEvidence(99n))]).to.deep.equal([z, 0n, 0n, 0n, 0n, 0n, 0n, z, z]);
  });
});
