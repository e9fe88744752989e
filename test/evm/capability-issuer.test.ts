import { expect } from "chai";
import { ethers } from "hardhat";

import { callAt, logsOf, snapshot, type DecodedLog } from "../helpers/chain";
import { deployProxy } from "../helpers/deploy";
import {
  A,
  ANS,
  E,
  T0,
  at,
  deployCore,
  intentAt,
  paramHashes,
  postRoot,
  rejects,
  type Core,
  type IntentInput,
} from "../helpers/safety";

/** erc7201:vagus.storage.CapabilityIssuer, recomputed here from its id. */
const ISSUER_NAMESPACE = (() => {
  const inner = BigInt(ethers.keccak256(ethers.toUtf8Bytes("vagus.storage.CapabilityIssuer"))) - 1n;
  const outer = BigInt(ethers.keccak256(ethers.AbiCoder.defaultAbiCoder().encode(["uint256"], [inner])));
  return outer & ~0xffn;
})();

/** CapabilityIssuer (spec/safety-core.md §4) on the wired system. */
describe("CapabilityIssuer (spec/safety-core.md §4)", () => {
  let core: Core;
  let base: { restore(): Promise<void> };

  before(async () => {
    core = await deployCore({
      rateLimiter: { capacity: 2, window: 60, buckets: 6 },
      breaker: { failureThreshold: 1, cooldown: 30, halfOpenMaxProbes: 1, successThreshold: 1 },
    });
    base = await snapshot();
  });

  afterEach(async () => {
    await base.restore();
  });

  async function issue(t: number, intent: IntentInput) {
    const call = await callAt(t, core.issuer, core.actors.planner, "issue", [intent]);
    const [issued, tokenId, code, retryAt] = call.result[0] as [boolean, bigint, bigint, bigint];
    return { issued, tokenId, code, retryAt, logs: call.logs, receipt: call.receipt };
  }

  const denied = (nonce: bigint, code: bigint, retryAt = 0n, actionId = A): DecodedLog => ({
    name: "IssueDenied",
    args: { executorId: E, actionId, nonce, code, retryAt },
  });

  const state = async () => [
    [...(await core.issuer.executor(E))],
    [...(await core.issuer.counters(E))],
    await core.issuer.totalSupply(),
  ];

  describe("issue: reverting steps 1–3, in order", () => {
    it("pause, executorId, actionId, registration, executor pause, ttl, window, notBefore, notAfter, nonce", async () => {
      await postRoot(core, T0 + 1, 1);
      await at(T0 + 2, () => core.issuer.connect(core.actors.planner).issue(intentAt(T0 + 2, 5)));
      const p = core.issuer.connect(core.actors.planner);
      const t = T0 + 10;
      const i = (over: Partial<IntentInput>) => intentAt(t, 6, over);
      const cases: [Partial<IntentInput>, string, unknown[]?][] = [
        [{ executorId: 0n, actionId: ethers.ZeroHash, ttl: 0n }, "InvalidExecutorId"],
        [{ actionId: ethers.ZeroHash, ttl: 0n }, "InvalidActionId"],
        [{ executorId: 99n, ttl: 0n }, "UnknownExecutor", [99n]],
        [{ ttl: 0n, notBefore: 5n, notAfter: 4n }, "InvalidTtl", [0n, 3600n]],
        [{ ttl: 3601n }, "InvalidTtl", [3601n, 3600n]],
        [{ notBefore: BigInt(t + 1), notAfter: BigInt(t), nonce: 1n }, "InvalidWindow", [BigInt(t + 1), BigInt(t)]],
        [{ notBefore: BigInt(t + 1), notAfter: BigInt(t + 9), nonce: 1n }, "IntentNotYetValid", [BigInt(t + 1)]],
        [{ notBefore: BigInt(t - 9), notAfter: BigInt(t - 1), nonce: 1n }, "IntentExpired", [BigInt(t - 1)]],
        [{ nonce: 5n }, "NonceReplayed", [E, 5n, 5n]],
      ];
      for (const [over, name, args] of cases) {
        await rejects(core.issuer, state, () => at(t, () => p.issue(i(over))), name, args);
      }
      // The window is inclusive at both ends; ttl = maxTtl is fine.
      expect((await issue(t, i({ notBefore: BigInt(t), notAfter: BigInt(t), ttl: 3600n }))).issued).to.equal(true);
      await at(t + 1, () => core.issuer.connect(core.actors.guardian).pauseExecutor(E));
      await rejects(core.issuer, state, () => at(t + 2, () => p.issue(intentAt(t + 2, 7))), "ExecutorIsPaused", [E]);
      await at(t + 3, () => core.issuer.connect(core.actors.guardian).pause());
      await rejects(core.issuer, state, () => at(t + 4, () => p.issue(intentAt(t + 4, 7))), "EnforcedPause");
    });
  });

  describe("issue: denials 5–9 (no revert, nonce used, counted, IssueDenied)", () => {
    it("7100 StateRootMismatch: no evidence, or a different root", async () => {
      let r = await issue(T0 + 1, intentAt(T0 + 1, 1));
      expect([r.issued, r.tokenId, r.code, r.retryAt, r.logs]).to.deep.equal([
        false,
        0n,
        7100n,
        0n,
        [denied(1n, 7100n)],
      ]);
      await postRoot(core, T0 + 2, 1, ethers.id("another root"));
      r = await issue(T0 + 3, intentAt(T0 + 3, 2));
      expect(r.code).to.equal(7100n);
      expect([...(await core.issuer.counters(E))]).to.deep.equal([2n, 0n, 2n]);
      expect((await core.issuer.executor(E)).lastNonce).to.equal(2n);
    });

    it("7101 AnsBlocked in SHUTDOWN (and with a guard that blocks DANGER)", async () => {
      await postRoot(core, T0 + 1, 1);
      await at(T0 + 2, () => core.ans.connect(core.actors.admin).overrideState(E, 2, "stop"));
      const r = await issue(T0 + 3, intentAt(T0 + 3, 1));
      expect([r.code, r.logs]).to.deep.equal([7101n, [denied(1n, 7101n)]]);
      await at(T0 + 4, () => core.ans.connect(core.actors.admin).overrideState(E, 1, "danger"));
      await at(T0 + 5, () => core.ans.connect(core.actors.admin).setGuard(1, { factorBp: 5000, allowed: false }));
      expect((await issue(T0 + 6, intentAt(T0 + 6, 2))).code).to.equal(7101n);
    });

    it("6100 / 6101 from the brake; a brake revert (count mismatch) reverts the issue", async () => {
      await postRoot(core, T0 + 1, 1);
      const other = ethers.id("unconfigured");
      expect((await issue(T0 + 2, intentAt(T0 + 2, 1, { actionId: other, params: [] }))).logs).to.deep.equal([
        denied(1n, 6100n, 0n, other),
      ]);
      expect((await issue(T0 + 3, intentAt(T0 + 3, 2, { params: [2n, 801n, 0n] }))).code).to.equal(6101n);
      await rejects(
        core.brake,
        state,
        () => at(T0 + 4, () => core.issuer.connect(core.actors.planner).issue(intentAt(T0 + 4, 3, { params: [1n] }))),
        "ParamCountMismatch",
        [3n, 1n],
      );
    });

    it("the brake's result is read at its ABI places: its code and four hashes are used; a short result, a wrong head or a code past uint16 revert without data", async () => {
      const bad = await ethers.deployContract("MalformedBrake");
      const x = core.addresses;
      const links = {
        ans: x.ans,
        inbox: x.inbox,
        brake: await bad.getAddress(),
        breaker: x.breaker,
        rateLimiter: x.rateLimiter,
      };
      await (await core.issuer.connect(core.admin).setLinks(links)).wait();
      await postRoot(core, T0 + 1, 1);
      const coder = ethers.AbiCoder.defaultAbiCoder();
      const H = [1, 2, 3, 4].map((i) => ethers.id(`hash-${i}`));
      const result = (code: bigint | number) =>
        coder.encode(["tuple(uint16,uint64[],bytes32,bytes32,bytes32,bytes32)"], [[code, [5n, 6n], ...H]]);
      await (await bad.setAnswer(result(6101))).wait();
      expect((await issue(T0 + 2, intentAt(T0 + 2, 1))).code).to.equal(6101n);
      await (await bad.setAnswer(result(0))).wait();
      const ok = await issue(T0 + 3, intentAt(T0 + 3, 2));
      expect(ok.issued).to.equal(true);
      const minted = ok.logs.find((l) => l.name === "CapabilityIssued");
      expect([
        minted?.args.paramsSha256,
        minted?.args.paramsKeccak256,
        minted?.args.limitsSha256,
        minted?.args.limitsKeccak256,
      ]).to.deep.equal(H);
      const good = result(0);
      const word = (i: number) => 2 + 64 * i;
      const malformed = [
        good.slice(0, word(6)), // head + 5 words: too short
        `0x${(0x40).toString(16).padStart(64, "0")}${good.slice(word(1))}`, // head offset not 0x20
        coder.encode(["tuple(uint256,uint64[],bytes32,bytes32,bytes32,bytes32)"], [[65_536n, [], ...H]]),
      ];
      for (const answer of malformed) {
        await (await bad.setAnswer(answer)).wait();
        const before = await state();
        await expect(
          at(T0 + 4, () => core.issuer.connect(core.actors.planner).issue(intentAt(T0 + 4, 3))),
        ).to.be.revertedWithoutReason();
        expect(await state()).to.deep.equal(before);
      }
    });

    it("3100 BreakerOpen with retryAt, 3101 ProbeLimitReached with 0; 2100 RateLimited with retryAt", async () => {
      await postRoot(core, T0 + 1, 1);
      const first = await issue(T0 + 2, intentAt(T0 + 2, 1));
      // One failure opens the breaker (F = 1); cooldown 30 s from T0 + 3.
      await at(T0 + 3, () => core.issuer.connect(core.actors.reporter).reportOutcome(first.tokenId, false));
      const open = await issue(T0 + 4, intentAt(T0 + 4, 2));
      expect([open.code, open.retryAt, open.logs]).to.deep.equal([
        3100n,
        BigInt(T0 + 33),
        [denied(2n, 3100n, BigInt(T0 + 33))],
      ]);
      // After the cooldown, one probe (P = 1) is admitted, the next gets 3101.
      expect((await issue(T0 + 33, intentAt(T0 + 33, 3))).issued).to.equal(true);
      const probe = await issue(T0 + 34, intentAt(T0 + 34, 4));
      expect([probe.code, probe.retryAt]).to.deep.equal([3101n, 0n]);
      // Rate limit: capacity 2 per 60 s; the breaker closes on a success (S = 1).
      await at(T0 + 35, () => core.issuer.connect(core.actors.reporter).reportOutcome(2n, true)); // token 2 is the probe
      const limited = await issue(T0 + 36, intentAt(T0 + 36, 5));
      // Buckets of 10 s: allowed consumes at T0+2 (bucket ending T0+10) and T0+33 (T0+40); the window
      // holds 2, the first leaves it at T0+2's bucket start + 60 = T0+60.
      expect([limited.code, limited.retryAt]).to.deep.equal([2100n, BigInt(T0 + 60)]);
      expect([...(await core.issuer.counters(E))]).to.deep.equal([5n, 2n, 3n]);
    });
  });

  describe("mint (step 10) and token views", () => {
    it("mints ids from 1, owned by the executor's account, with the four hashes; views agree", async () => {
      await postRoot(core, T0 + 1, 1);
      const intent = intentAt(T0 + 2, 1);
      const r = await issue(T0 + 2, intent);
      const h = paramHashes(intent.params);
      expect([r.issued, r.tokenId, r.code, r.retryAt]).to.deep.equal([true, 1n, 0n, 0n]);
      expect(r.logs).to.deep.equal([
        {
          name: "CapabilityIssued",
          args: {
            tokenId: 1n,
            executorId: E,
            actionId: A,
            expiresAt: BigInt(T0 + 602),
            state: ANS.SAFE,
            paramsSha256: h.sha256,
            paramsKeccak256: h.keccak256,
            limitsSha256: h.sha256,
            limitsKeccak256: h.keccak256,
          },
        },
      ]);
      const owner = core.actors.executorAccount.address;
      expect([...(await core.issuer.token(1n))]).to.deep.equal([
        true,
        owner,
        E,
        A,
        0n,
        BigInt(T0 + 2),
        BigInt(T0 + 602),
        false,
        false,
        0n,
      ]);
      expect(await core.issuer.ownerOf(1n)).to.equal(owner);
      expect(await core.issuer.balanceOf(owner)).to.equal(1n);
      expect(await core.issuer.totalSupply()).to.equal(1n);
      expect([await core.issuer.name(), await core.issuer.symbol()]).to.deep.equal(["Vagus Capability", "VCAP"]);
      expect([...(await core.issuer.token(2n))]).to.deep.equal([
        false,
        ethers.ZeroAddress,
        0n,
        ethers.ZeroHash,
        0n,
        0n,
        0n,
        false,
        false,
        0n,
      ]);
      await expect(core.issuer.ownerOf(2n)).to.be.revertedWithCustomError(core.issuer, "UnknownToken").withArgs(2n);
      await expect(core.issuer.ownerOf(0n)).to.be.revertedWithCustomError(core.issuer, "UnknownToken").withArgs(0n);
      expect(await core.issuer.isValid(0n)).to.equal(false);
      expect(await core.issuer.isValid(2n)).to.equal(false);
    });

    it("balanceOf counts every token minted to the account over all its executors, revoked ones included; denials add nothing", async () => {
      const owner = core.actors.executorAccount.address;
      const other = core.actors.stranger.address;
      const E2 = 8n;
      const E3 = 9n;
      await (await core.issuer.connect(core.admin).registerExecutor(E2, owner)).wait();
      await (await core.issuer.connect(core.admin).registerExecutor(E3, other)).wait();
      expect(await core.issuer.balanceOf(owner)).to.equal(0n);
      await postRoot(core, T0 + 1, 1);
      await postRoot(core, T0 + 1, 1, undefined, E2);
      await postRoot(core, T0 + 1, 1, undefined, E3);
      const t = T0 + 2;
      const ok = async (executorId: bigint, nonce: number) =>
        expect((await issue(t, intentAt(t, nonce, { executorId }))).issued).to.equal(true);
      await ok(E, 1);
      await ok(E2, 1);
      await ok(E3, 1);
      // The rate limiter (capacity 2 per pair) denies E's third: no token, no balance.
      await ok(E, 2);
      expect((await issue(t, intentAt(t, 3))).issued).to.equal(false);
      await (await core.issuer.connect(core.actors.revoker).revoke(1n, "test")).wait();
      expect(await core.issuer.balanceOf(owner)).to.equal(3n);
      expect(await core.issuer.balanceOf(other)).to.equal(1n);
      expect(await core.issuer.balanceOf(core.actors.planner.address)).to.equal(0n);
      expect(await core.issuer.totalSupply()).to.equal(4n);
      // The mode flag sits in byte 28 of the `inbox | totalSupply` word (decision 0047),
      // beside the fields an older implementation reads: both intact.
      const slot1 = BigInt(await ethers.provider.getStorage(core.addresses.issuer, ISSUER_NAMESPACE + 1n));
      expect(slot1).to.equal(BigInt(core.addresses.inbox) | (4n << 160n) | (1n << 224n));
    });
  });

  describe("revocation and outcomes (§4.3)", () => {
    async function minted(): Promise<bigint> {
      await postRoot(core, T0 + 1, 1);
      return (await issue(T0 + 2, intentAt(T0 + 2, 1, { ttl: 3600n }))).tokenId;
    }

    it("revoke: unknown, already revoked, then reason; event; isValid false", async () => {
      const id = await minted();
      const rv = core.issuer.connect(core.actors.revoker);
      const read = async () => [...(await core.issuer.token(id))];
      await rejects(core.issuer, read, () => rv.revoke(9n, ""), "UnknownToken", [9n]);
      await rejects(core.issuer, read, () => rv.revoke(id, ""), "EmptyReason");
      await rejects(core.issuer, read, () => rv.revoke(id, "r".repeat(257)), "ReasonTooLong", [257n]);
      const r = await at(T0 + 3, () => rv.revoke(id, "r".repeat(256)));
      expect(logsOf(r, core.addresses.issuer, core.issuer.interface)).to.deep.equal([
        { name: "CapabilityRevoked", args: { tokenId: id, executorId: E, reason: "r".repeat(256) } },
      ]);
      expect(await core.issuer.isValid(id)).to.equal(false);
      await rejects(core.issuer, read, () => rv.revoke(id, ""), "AlreadyRevoked", [id]);
    });

    it("revokeAll: bumps the epoch (no registration needed); older tokens invalid, new ones valid", async () => {
      const id = await minted();
      const rv = core.issuer.connect(core.actors.revoker);
      await rejects(core.issuer, state, () => rv.revokeAll(0n, "x"), "InvalidExecutorId");
      await rejects(core.issuer, state, () => rv.revokeAll(E, ""), "EmptyReason");
      const r = await at(T0 + 3, () => rv.revokeAll(E, "incident"));
      expect(logsOf(r, core.addresses.issuer, core.issuer.interface)).to.deep.equal([
        { name: "AllRevoked", args: { executorId: E, epoch: 1n, reason: "incident" } },
      ]);
      expect(await core.issuer.isValid(id)).to.equal(false);
      expect((await core.issuer.token(id)).revoked).to.equal(false);
      const fresh = await issue(T0 + 4, intentAt(T0 + 4, 2));
      expect((await core.issuer.token(fresh.tokenId)).epoch).to.equal(1n);
      expect(await core.issuer.isValid(fresh.tokenId)).to.equal(true);
      await at(T0 + 5, () => rv.revokeAll(1234n, "unregistered executor"));
      expect((await core.issuer.executor(1234n)).epoch).to.equal(1n);
    });

    it("reportOutcome: unknown, once only; emits then records the outcome at the breaker", async () => {
      const id = await minted();
      const rp = core.issuer.connect(core.actors.reporter);
      await expect(rp.reportOutcome(5n, true)).to.be.revertedWithCustomError(core.issuer, "UnknownToken").withArgs(5n);
      const r = await at(T0 + 3, () => rp.reportOutcome(id, true));
      expect(logsOf(r, core.addresses.issuer, core.issuer.interface)).to.deep.equal([
        { name: "OutcomeReported", args: { tokenId: id, success: true } },
      ]);
      expect((await core.breaker.counters(E, A)).successes).to.equal(1n);
      expect((await core.issuer.token(id)).outcomeReported).to.equal(true);
      await rejects(
        core.issuer,
        async () => [...(await core.breaker.counters(E, A))],
        () => rp.reportOutcome(id, false),
        "OutcomeAlreadyReported",
        [id],
      );
    });
  });

  describe("executors, config, links", () => {
    it("registerExecutor: executorId, account, once; pause/unpause executor with their errors and events", async () => {
      const admin = core.issuer.connect(core.actors.admin);
      const read = async () => [...(await core.issuer.executor(8n))];
      await rejects(core.issuer, read, () => admin.registerExecutor(0n, ethers.ZeroAddress), "InvalidExecutorId");
      await rejects(core.issuer, read, () => admin.registerExecutor(8n, ethers.ZeroAddress), "InvalidAddress");
      await rejects(
        core.issuer,
        state,
        () => admin.registerExecutor(E, core.actors.stranger.address),
        "ExecutorAlreadyRegistered",
        [E],
      );
      let r = await at(T0 + 1, () => admin.registerExecutor(8n, core.actors.stranger.address));
      expect(logsOf(r, core.addresses.issuer, core.issuer.interface)).to.deep.equal([
        { name: "ExecutorRegistered", args: { executorId: 8n, account: core.actors.stranger.address } },
      ]);
      const g = core.issuer.connect(core.actors.guardian);
      await rejects(core.issuer, read, () => admin.unpauseExecutor(8n), "ExecutorNotPaused", [8n]);
      r = await at(T0 + 2, () => g.pauseExecutor(8n));
      expect(logsOf(r, core.addresses.issuer, core.issuer.interface)).to.deep.equal([
        { name: "ExecutorPaused", args: { executorId: 8n, account: core.actors.guardian.address } },
      ]);
      await rejects(core.issuer, read, () => g.pauseExecutor(8n), "ExecutorIsPaused", [8n]);
      await at(T0 + 3, () => core.issuer.connect(core.actors.guardian).pause());
      r = await at(T0 + 4, () => admin.unpauseExecutor(8n)); // allowed while the contract is paused
      expect(logsOf(r, core.addresses.issuer, core.issuer.interface)).to.deep.equal([
        { name: "ExecutorUnpaused", args: { executorId: 8n, account: core.actors.admin.address } },
      ]);
      // Pausing an unregistered executor works; registration is blocked while paused.
      await at(T0 + 5, () => g.pauseExecutor(77n));
      await expect(admin.registerExecutor(9n, core.actors.stranger.address)).to.be.revertedWithCustomError(
        core.issuer,
        "EnforcedPause",
      );
    });

    it("setConfig validates maxTtl (1 ..= 2,592,000) then maxNonceStep (>= 1); setLinks requires all five", async () => {
      const admin = core.issuer.connect(core.actors.admin);
      const cfg = async () => [...(await core.issuer.config())];
      const step = 1_000_000;
      await rejects(core.issuer, cfg, () => admin.setConfig({ maxTtl: 0, maxNonceStep: step }), "InvalidMaxTtl", [0n]);
      await rejects(core.issuer, cfg, () => admin.setConfig({ maxTtl: 2_592_001, maxNonceStep: 0 }), "InvalidMaxTtl", [
        2_592_001n,
      ]);
      await rejects(core.issuer, cfg, () => admin.setConfig({ maxTtl: 60, maxNonceStep: 0 }), "InvalidMaxNonceStep", [
        0n,
      ]);
      const r = await at(T0 + 1, () => admin.setConfig({ maxTtl: 2_592_000, maxNonceStep: 7 }));
      expect(logsOf(r, core.addresses.issuer, core.issuer.interface)).to.deep.equal([
        { name: "ConfigSet", args: { maxTtl: 2_592_000n, maxNonceStep: 7n } },
      ]);
      expect(await cfg()).to.deep.equal([2_592_000n, 7n]);
      const x = core.addresses;
      const links = { ans: x.ans, inbox: x.inbox, brake: x.brake, breaker: x.breaker, rateLimiter: x.rateLimiter };
      const read = async () => [...(await core.issuer.links())];
      expect(await read()).to.deep.equal(Object.values(links));
      for (const k of Object.keys(links)) {
        await rejects(core.issuer, read, () => admin.setLinks({ ...links, [k]: ethers.ZeroAddress }), "InvalidAddress");
      }
    });

    it("an unwired issuer has no links (all zero) and its issue reverts before any token", async () => {
      const issuer = await deployProxy<typeof core.issuer>("CapabilityIssuer", [
        core.actors.admin.address,
        { maxTtl: 60, maxNonceStep: 1 },
      ]);
      expect([...(await issuer.links())]).to.deep.equal(Array(5).fill(ethers.ZeroAddress));
      await at(T0 + 1, () => issuer.connect(core.actors.admin).registerExecutor(E, core.actors.stranger.address));
      await at(T0 + 2, () =>
        issuer.connect(core.actors.admin).grantRole(ethers.id("PLANNER_ROLE"), core.actors.planner.address),
      );
      await expect(issuer.connect(core.actors.planner).issue(intentAt(T0 + 2, 1, { ttl: 60n }))).to.be.reverted;
      expect(await issuer.totalSupply()).to.equal(0n);
    });
  });
});
