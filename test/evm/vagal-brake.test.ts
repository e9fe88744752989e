import { expect } from "chai";
import { ethers } from "hardhat";

import { logsOf, snapshot } from "../helpers/chain";
import { A, SCHEMA, T0, at, deployCore, paramHashes, rejects, scaleByHand, type Core } from "../helpers/safety";

/** VagalBrake (spec/safety-core.md §3). Schema of A: tool (cap 9, not brakeable), force (cap 800), speed (cap 1,000). */
describe("VagalBrake (spec/safety-core.md §3)", () => {
  let core: Core;
  let base: { restore(): Promise<void> };
  const B = ethers.id("grip");

  before(async () => {
    core = await deployCore();
    base = await snapshot();
  });

  afterEach(async () => {
    await base.restore();
  });

  const schemaOf = async (actionId: string) => {
    const [configured, params] = await core.brake.actionSchema(actionId);
    return [configured, params.map((p) => [p.name, p.brakeable, p.cap])];
  };

  it("actionSchema returns what was set, in order", async () => {
    expect(await schemaOf(A)).to.deep.equal([true, SCHEMA.map((p) => [p.name, p.brakeable, p.cap])]);
    expect(await schemaOf(B)).to.deep.equal([false, []]);
  });

  it("setActionSchema validates actionId, count, then per index name before order; no change on error", async () => {
    const admin = core.brake.connect(core.actors.admin);
    const read = () => schemaOf(B);
    const p = (name: string) => ({ name, brakeable: true, cap: 1n });
    await rejects(core.brake, read, () => admin.setActionSchema(ethers.ZeroHash, []), "InvalidActionId");
    await rejects(core.brake, read, () => admin.setActionSchema(B, []), "InvalidParamCount", [0]);
    const nine = "abcdefghi".split("").map(p);
    await rejects(core.brake, read, () => admin.setActionSchema(B, nine), "InvalidParamCount", [9]);
    await rejects(core.brake, read, () => admin.setActionSchema(B, [p("a"), p("")]), "InvalidParamName", [1]);
    await rejects(
      core.brake,
      read,
      () => admin.setActionSchema(B, [p("a"), p("x".repeat(17))]),
      "InvalidParamName",
      [1],
    );
    // Index 1 is out of order and index 2 has a bad name: index 1 is reported first.
    await rejects(core.brake, read, () => admin.setActionSchema(B, [p("b"), p("a"), p("")]), "ParamOrder", [1]);
    // Equal names are out of order; a longer name after a shorter one is in order even if "bigger" bytewise.
    await rejects(core.brake, read, () => admin.setActionSchema(B, [p("ab"), p("ab")]), "ParamOrder", [1]);
    await rejects(core.brake, read, () => admin.setActionSchema(B, [p("zz"), p("a")]), "ParamOrder", [1]);
    // Multi-byte UTF-8 counts bytes: 8 × "é" = 16 bytes is allowed, 9 × = 18 is not.
    await rejects(core.brake, read, () => admin.setActionSchema(B, [p("é".repeat(9))]), "InvalidParamName", [0]);
    const ok = [p("z"), p("aa"), p("x".repeat(16)), p("é".repeat(8))]; // 0x78… < 0xc3…
    const r = await at(T0 + 1, () => admin.setActionSchema(B, ok));
    expect(logsOf(r, core.addresses.brake, core.brake.interface)).to.deep.equal([
      { name: "ActionSchemaSet", args: { actionId: B, paramCount: 4n } },
    ]);
    expect(await schemaOf(B)).to.deep.equal([true, ok.map((x) => [x.name, true, 1n])]);
  });

  it("replacing a schema with a shorter one drops the old tail; clearActionSchema removes it", async () => {
    const admin = core.brake.connect(core.actors.admin);
    await at(T0 + 1, () => admin.setActionSchema(A, [{ name: "force", brakeable: false, cap: 5n }]));
    expect(await schemaOf(A)).to.deep.equal([true, [["force", false, 5n]]]);
    await expect(core.brake.applyBrake(A, [1n, 2n], 10_000))
      .to.be.revertedWithCustomError(core.brake, "ParamCountMismatch")
      .withArgs(1n, 2n);
    const r = await at(T0 + 2, () => admin.clearActionSchema(A));
    expect(logsOf(r, core.addresses.brake, core.brake.interface)).to.deep.equal([
      { name: "ActionSchemaCleared", args: { actionId: A } },
    ]);
    expect(await schemaOf(A)).to.deep.equal([false, []]);
    await rejects(
      core.brake,
      () => schemaOf(A),
      () => admin.clearActionSchema(A),
      "NoActionSchema",
      [A],
    );
    await expect(admin.clearActionSchema(ethers.ZeroHash)).to.be.revertedWithCustomError(core.brake, "InvalidActionId");
  });

  it("applyBrake: floor scaling of brakeable params only, caps after scaling, dual hashes of params and limits", async () => {
    for (const [values, factor] of [
      [[9n, 1_599n, 1_999n], 5_000n],
      [[0n, 800n, 1_000n], 10_000n],
      [[1n, 3n, 7n], 3_333n],
      [[9n, (1n << 64n) - 1n, (1n << 64n) - 1n], 0n],
    ] as [bigint[], bigint][]) {
      const res = await core.brake.applyBrake(A, values, factor);
      const scaled = scaleByHand(values, factor);
      const p = paramHashes(values);
      const l = paramHashes(scaled);
      expect([
        res.code,
        [...res.scaled],
        res.paramsSha256,
        res.paramsKeccak256,
        res.limitsSha256,
        res.limitsKeccak256,
      ]).to.deep.equal([0n, scaled, p.sha256, p.keccak256, l.sha256, l.keccak256]);
    }
  });

  it("applyBrake denials: 6100 without a schema, 6101 for the first value over its cap; hashes zero", async () => {
    const z = ethers.ZeroHash;
    const plain = async (values: bigint[], factor: number, actionId = A) => {
      const r = await core.brake.applyBrake(actionId, values, factor);
      return [r.code, [...r.scaled], r.paramsSha256, r.paramsKeccak256, r.limitsSha256, r.limitsKeccak256];
    };
    expect(await plain([1n], 10_000, B)).to.deep.equal([6100n, [], z, z, z, z]);
    expect(await plain([10n, 0n, 0n], 10_000)).to.deep.equal([6101n, [], z, z, z, z]); // tool is not brakeable
    expect(await plain([9n, 1_602n, 0n], 5_000)).to.deep.equal([6101n, [], z, z, z, z]); // 801 > 800
    expect((await plain([9n, 1_601n, 0n], 5_000))[0]).to.equal(0n); // 800 ≤ 800
  });

  it("applyBrake checks pause, actionId, factor, count in that order", async () => {
    await expect(core.brake.applyBrake(ethers.ZeroHash, [], 10_001)).to.be.revertedWithCustomError(
      core.brake,
      "InvalidActionId",
    );
    await expect(core.brake.applyBrake(A, [], 10_001))
      .to.be.revertedWithCustomError(core.brake, "InvalidFactor")
      .withArgs(10_001);
    await expect(core.brake.applyBrake(A, [1n], 10_000))
      .to.be.revertedWithCustomError(core.brake, "ParamCountMismatch")
      .withArgs(3n, 1n);
    // Without a schema the count is not checked: the answer is the 6100 denial.
    expect((await core.brake.applyBrake(B, [1n, 2n], 10_000)).code).to.equal(6100n);
    await at(T0 + 1, () => core.brake.connect(core.actors.guardian).pause());
    await expect(core.brake.applyBrake(ethers.ZeroHash, [], 10_001)).to.be.revertedWithCustomError(
      core.brake,
      "EnforcedPause",
    );
    const admin = core.brake.connect(core.actors.admin);
    await expect(admin.setActionSchema(B, SCHEMA)).to.be.revertedWithCustomError(core.brake, "EnforcedPause");
    await expect(admin.clearActionSchema(A)).to.be.revertedWithCustomError(core.brake, "EnforcedPause");
  });

  it("schema changes are ADMIN-only", async () => {
    for (const who of [core.actors.guardian, core.actors.planner, core.actors.stranger]) {
      await expect(core.brake.connect(who).setActionSchema(B, SCHEMA))
        .to.be.revertedWithCustomError(core.brake, "AccessControlUnauthorizedAccount")
        .withArgs(who.address, ethers.ZeroHash);
      await expect(core.brake.connect(who).clearActionSchema(A))
        .to.be.revertedWithCustomError(core.brake, "AccessControlUnauthorizedAccount")
        .withArgs(who.address, ethers.ZeroHash);
    }
  });
});
