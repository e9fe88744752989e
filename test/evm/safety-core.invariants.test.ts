import { expect } from "chai";
import { ethers } from "hardhat";
import { createHash } from "node:crypto";

import { commit } from "../../src/cbor";
import { callAt, logsOf, mineAt, snapshot, type DecodedLog } from "../helpers/chain";
import {
  A,
  ANS,
  E,
  ROOT,
  SCHEMA,
  T0,
  at,
  calmMetrics,
  deployCore,
  intentAt,
  paramHashes,
  postRoot,
  rejects,
  scaleByHand,
  type Core,
} from "../helpers/safety";

/**
 * Invariants of spec/safety-core.md §6 (issue 3 item 8) and one named test per known failure
 * of earlier Vagus implementations (issue 3 item 9), on the whole wired system.
 */
describe("safety core: invariants and known failures (EVM)", () => {
  let core: Core;
  let base: { restore(): Promise<void> };

  before(async () => {
    core = await deployCore({ rateLimiter: { capacity: 100_000, window: 60, buckets: 6 } });
    base = await snapshot();
  });

  afterEach(async () => {
    await base.restore();
  });

  /** Issues at `t` (root posted at `t` first when `post`), returns the decoded issuer logs and result. */
  async function issueAt(t: number, nonce: number, over: Parameters<typeof intentAt>[2] = {}) {
    const call = await callAt(t, core.issuer, core.actors.planner, "issue", [intentAt(t, nonce, over)]);
    const [issued, tokenId, code, retryAt] = call.result[0] as [boolean, bigint, bigint, bigint];
    return { issued, tokenId, code, retryAt, logs: call.logs, receipt: call.receipt };
  }

  async function isValidAt(t: number, tokenId: bigint): Promise<boolean> {
    const blockTag = await mineAt(t);
    return core.issuer.isValid(tokenId, { blockTag });
  }

  async function tone(t: number, ppm: number) {
    return at(t, () => core.ans.connect(core.actors.oracle).updateTone(E, ppm));
  }

  async function toDanger(t: number) {
    await tone(t, 650_000);
    await tone(t + 1, 650_000);
  }

  async function toShutdown(t: number) {
    await tone(t, 950_000);
    await tone(t + 1, 950_000);
  }

  // ───────────────────────────── §6 invariants ─────────────────────────────

  describe("invariants (§6)", () => {
    it("1. no token is valid while its executor is in SHUTDOWN, with or without the reflex arc", async () => {
      for (const wired of [true, false]) {
        await base.restore();
        if (!wired) await at(T0, () => core.ans.connect(core.actors.admin).setReflexArc(ethers.ZeroAddress));
        await postRoot(core, T0 + 1, 1);
        const { tokenId, issued } = await issueAt(T0 + 2, 1);
        expect(issued).to.equal(true);
        expect(await isValidAt(T0 + 3, tokenId)).to.equal(true);
        await toShutdown(T0 + 10);
        expect((await core.ans.executorState(E)).state).to.equal(ANS.SHUTDOWN);
        expect(await isValidAt(T0 + 12, tokenId), `wired=${wired}`).to.equal(false);
        // Nothing new is issued in SHUTDOWN either (the guard blocks: denial 7101).
        const again = await issueAt(T0 + 13, 2);
        expect([again.issued, again.code]).to.deep.equal([false, 7101n]);
      }
    });

    it("2. DANGER scales exactly the brakeable params, floor(v × 5000 / 10000), caps after scaling", async () => {
      await postRoot(core, T0 + 1, 1);
      await toDanger(T0 + 2);
      expect((await core.ans.guardOf(E)).factorBp).to.equal(5000n);
      // Odd values so the floor matters; force 1,001 is over its cap (800) before scaling.
      const params = [3n, 1_001n, 1_999n];
      const got = await issueAt(T0 + 5, 1, { params });
      expect(got.issued).to.equal(true);
      const limits = scaleByHand(params, 5000n);
      expect(limits).to.deep.equal([3n, 500n, 999n]);
      const p = paramHashes(params);
      const l = paramHashes(limits);
      const ev = got.logs.find((x) => x.name === "CapabilityIssued");
      expect(ev?.args).to.include({
        state: ANS.DANGER,
        paramsSha256: p.sha256,
        paramsKeccak256: p.keccak256,
        limitsSha256: l.sha256,
        limitsKeccak256: l.keccak256,
      });
      // The same request in SAFE is over the cap: denied 6101, not clamped.
      await at(T0 + 6, () => core.ans.connect(core.actors.admin).overrideState(E, 0, "test: back to SAFE"));
      const safe = await issueAt(T0 + 7, 2, { params });
      expect([safe.issued, safe.code]).to.deep.equal([false, 6101n]);
    });

    it("3. no token without the brake's check, whichever contract is called directly", async () => {
      // The only mint path is issue: the issuer has no mint, transfer or approval function.
      const fns: string[] = [];
      core.issuer.interface.forEachFunction((f) => fns.push(f.name));
      for (const banned of ["mint", "safeMint", "transferFrom", "safeTransferFrom", "approve", "setApprovalForAll"]) {
        expect(fns, banned).to.not.include(banned);
      }
      await postRoot(core, T0 + 1, 1);
      // Over the cap: the issuer itself applies the brake.
      const over = await issueAt(T0 + 2, 1, { params: [2n, 801n, 10n] });
      expect([over.issued, over.code]).to.deep.equal([false, 6101n]);
      // No schema: ActionNotConfigured.
      const unknown = await issueAt(T0 + 3, 2, { actionId: ethers.id("no-schema"), params: [] });
      expect([unknown.issued, unknown.code]).to.deep.equal([false, 6100n]);
      // A paused brake stops issuance (the pipeline cannot skip it).
      await at(T0 + 4, () => core.brake.connect(core.actors.guardian).pause());
      await expect(
        core.issuer.connect(core.actors.planner).issue.staticCall(intentAt(T0 + 4, 3)),
      ).to.be.revertedWithCustomError(core.brake, "EnforcedPause");
      // The brake is a view: calling it directly mints nothing.
      await at(T0 + 5, () => core.brake.connect(core.actors.admin).unpause());
      await core.brake.applyBrake(A, [2n, 700n, 900n], 10_000);
      expect(await core.issuer.totalSupply()).to.equal(0n);
    });

    it("5. isValid flips to false at exactly expiresAt (valid for exactly ttl seconds)", async () => {
      await postRoot(core, T0 + 1, 1);
      const t = T0 + 10;
      const { tokenId } = await issueAt(t, 1, { ttl: 600n });
      expect((await core.issuer.token(tokenId)).expiresAt).to.equal(BigInt(t + 600));
      expect(await isValidAt(t + 599, tokenId)).to.equal(true);
      expect(await isValidAt(t + 600, tokenId)).to.equal(false);
    });

    it("6. every CapabilityIssued carries the four hashes of the TypeScript encoder (SAFE: limits = params)", async () => {
      await postRoot(core, T0 + 1, 1);
      const params = [2n, 700n, 900n];
      const got = await issueAt(T0 + 2, 1, { params });
      const h = paramHashes(params);
      const ev = got.logs.find((x) => x.name === "CapabilityIssued") as DecodedLog;
      expect(ev.args).to.deep.equal({
        tokenId: 1n,
        executorId: E,
        actionId: A,
        expiresAt: BigInt(T0 + 2 + 600),
        state: ANS.SAFE,
        paramsSha256: h.sha256,
        paramsKeccak256: h.keccak256,
        limitsSha256: h.sha256,
        limitsKeccak256: h.keccak256,
      });
      for (const k of ["paramsSha256", "paramsKeccak256"]) expect(ev.args[k]).to.not.equal(ethers.ZeroHash);
    });

    it("7. revokeAll costs the same with 1, 10, 100 and 1,000 tokens", async function () {
      this.timeout(600_000);
      await postRoot(core, T0 + 1, 1);
      const gas: Record<number, bigint> = {};
      let nonce = 0;
      let t = T0 + 2;
      for (const target of [1, 10, 100, 1000]) {
        while (nonce < target) {
          nonce += 1;
          await at(t, () => core.issuer.connect(core.actors.planner).issue(intentAt(t, nonce, { ttl: 3600n })));
        }
        const r = await at(t, () => core.issuer.connect(core.actors.revoker).revokeAll(E, "incident 42"));
        gas[target] = r.gasUsed;
        t += 1;
      }
      expect(await core.issuer.totalSupply()).to.equal(1000n);
      expect(
        new Set(Object.values(gas)).size,
        JSON.stringify(gas, (_k, v: unknown) => String(v)),
      ).to.equal(1);
      expect(gas[1]).to.be.lessThan(60_000n);
    });

    it("8. a nonce is processed at most once per executor (replays and older nonces refused, denied ones used up)", async () => {
      await postRoot(core, T0 + 1, 1);
      await issueAt(T0 + 2, 5);
      for (const n of [5n, 4n, 0n]) {
        await expect(core.issuer.connect(core.actors.planner).issue(intentAt(T0 + 2, n)))
          .to.be.revertedWithCustomError(core.issuer, "NonceReplayed")
          .withArgs(E, n, 5n);
      }
      // A denied intent (wrong root) uses its nonce too.
      const denied = await issueAt(T0 + 4, 9, { preStateRoot: ethers.id("other") });
      expect([denied.issued, denied.code]).to.deep.equal([false, 7100n]);
      await expect(core.issuer.connect(core.actors.planner).issue(intentAt(T0 + 4, 9)))
        .to.be.revertedWithCustomError(core.issuer, "NonceReplayed")
        .withArgs(E, 9n, 9n);
      expect([...(await core.issuer.counters(E))]).to.deep.equal([2n, 1n, 1n]);
    });

    it("9. a paused issuer or executor never issues; revocation, reflexes, evidence, tone readings and outcome reports work while paused", async () => {
      await postRoot(core, T0 + 1, 1);
      const { tokenId } = await issueAt(T0 + 2, 1);
      const g = core.actors.guardian;
      for (const c of [core.rateLimiter, core.breaker, core.ans, core.inbox, core.brake, core.issuer, core.reflex]) {
        await at(T0 + 3, () => c.connect(g).pause());
      }
      await expect(core.issuer.connect(core.actors.planner).issue(intentAt(T0 + 4, 2))).to.be.revertedWithCustomError(
        core.issuer,
        "EnforcedPause",
      );
      await at(T0 + 5, () => core.inbox.connect(core.actors.attestor).postEvidence(E, ROOT, calmMetrics(2)));
      await at(T0 + 6, () => core.ans.connect(core.actors.oracle).updateTone(E, 100_000));
      await at(T0 + 7, () => core.issuer.connect(core.actors.reporter).reportOutcome(tokenId, true));
      await at(T0 + 8, () => core.issuer.connect(core.actors.revoker).revoke(tokenId, "paused revoke"));
      await at(T0 + 9, () => core.reflex.connect(g).trigger(E, "paused reflex"));
      await at(T0 + 10, () => core.issuer.connect(core.actors.revoker).revokeAll(E, "paused revokeAll"));
      expect((await core.issuer.executor(E)).epoch).to.equal(2n);
      // An executor pause: unpause the contracts, pause E only.
      for (const c of [core.rateLimiter, core.breaker, core.ans, core.inbox, core.brake, core.issuer, core.reflex]) {
        await at(T0 + 11, () => c.connect(core.actors.admin).unpause());
      }
      await at(T0 + 12, () => core.issuer.connect(g).pauseExecutor(E));
      await expect(core.issuer.connect(core.actors.planner).issue(intentAt(T0 + 13, 3)))
        .to.be.revertedWithCustomError(core.issuer, "ExecutorIsPaused")
        .withArgs(E);
    });
  });

  // ───────────────────────────── known failures (issue 3 item 9) ─────────────────────────────

  describe("known failures of earlier implementations", () => {
    it("tokens stayed valid after SHUTDOWN", async () => {
      // Without the reflex arc (so no epoch bump): isValid itself must look at the ANS state.
      await at(T0, () => core.ans.connect(core.actors.admin).setReflexArc(ethers.ZeroAddress));
      await postRoot(core, T0 + 1, 1);
      const { tokenId } = await issueAt(T0 + 2, 1, { ttl: 3600n });
      await toShutdown(T0 + 3);
      expect(await isValidAt(T0 + 5, tokenId)).to.equal(false);
      expect((await core.issuer.token(tokenId)).revoked).to.equal(false);
    });

    it("issue 9 hole 1: a token issued before SHUTDOWN was valid again after the override (reflex arc not linked)", async () => {
      // The old isValid looked only at the current ANS state: SHUTDOWN, then an override back
      // to SAFE, and the token revived because nothing had bumped the issuer's epoch.
      await at(T0, () => core.ans.connect(core.actors.admin).setReflexArc(ethers.ZeroAddress));
      await postRoot(core, T0 + 1, 1);
      const { tokenId } = await issueAt(T0 + 2, 1, { ttl: 3600n });
      expect((await core.issuer.token(tokenId)).shutdownEpoch).to.equal(0n);
      await toShutdown(T0 + 3);
      expect((await core.ans.guardOf(E)).shutdownEpoch).to.equal(1n);
      await at(T0 + 5, () => core.ans.connect(core.actors.admin).overrideState(E, 0, "all clear"));
      expect((await core.issuer.token(tokenId)).revoked).to.equal(false);
      expect((await core.issuer.executor(E)).epoch).to.equal(0n);
      expect(await isValidAt(T0 + 6, tokenId)).to.equal(false);
      // Tokens issued after the override are valid: the executor is usable again.
      const fresh = await issueAt(T0 + 7, 2, { ttl: 3600n });
      expect(fresh.issued).to.equal(true);
      expect((await core.issuer.token(fresh.tokenId)).shutdownEpoch).to.equal(1n);
      expect(await isValidAt(T0 + 8, fresh.tokenId)).to.equal(true);
    });

    it("issue 9 hole 1: a SHUTDOWN reflex suppressed by the cooldown left the token to revive after the override", async () => {
      // Wired reflex arc: DANGER fires it (revokeAll), a token is issued in DANGER, SHUTDOWN
      // follows inside the cooldown (suppressed: no revocation), then the override.
      await postRoot(core, T0 + 1, 1);
      await toDanger(T0 + 2);
      expect((await core.issuer.executor(E)).epoch).to.equal(1n);
      const { tokenId, issued } = await issueAt(T0 + 4, 1, { ttl: 3600n });
      expect(issued).to.equal(true);
      await tone(T0 + 5, 950_000);
      await tone(T0 + 6, 950_000);
      expect((await core.ans.executorState(E)).state).to.equal(ANS.SHUTDOWN);
      expect((await core.reflex.reflexState(E)).suppressed).to.equal(1n);
      expect((await core.issuer.executor(E)).epoch).to.equal(1n);
      await at(T0 + 7, () => core.ans.connect(core.actors.admin).overrideState(E, 0, "all clear"));
      expect(await isValidAt(T0 + 8, tokenId)).to.equal(false);
    });

    it("issue 9 hole 1: an issue and a SHUTDOWN in the same second are still ordered by the shutdown epoch", async () => {
      await at(T0, () => core.ans.connect(core.actors.admin).setReflexArc(ethers.ZeroAddress));
      await postRoot(core, T0 + 1, 1);
      await tone(T0 + 2, 950_000);
      // Same block time for the issue, the SHUTDOWN reading and the override.
      const { tokenId } = await issueAt(T0 + 3, 1, { ttl: 3600n });
      await tone(T0 + 3, 950_000);
      await at(T0 + 3, () => core.ans.connect(core.actors.admin).overrideState(E, 0, "false alarm"));
      const after = await issueAt(T0 + 3, 2, { ttl: 3600n });
      expect(await isValidAt(T0 + 4, tokenId)).to.equal(false);
      expect(await isValidAt(T0 + 4, after.tokenId)).to.equal(true);
    });

    it("issue 9 hole 2: one planner locked an executor for every planner with nonce 2^64 - 1", async () => {
      // PLANNER is global: a second (compromised) planner tries the lock on executor E.
      const mallory = core.actors.stranger;
      await at(T0, () => core.issuer.connect(core.actors.admin).grantRole(ethers.id("PLANNER_ROLE"), mallory.address));
      await postRoot(core, T0 + 1, 1);
      const max = 2n ** 64n - 1n;
      const wide = { notBefore: BigInt(T0), notAfter: BigInt(T0 + 100_000) };
      const executor = async () => [...(await core.issuer.executor(E))];
      await rejects(
        core.issuer,
        executor,
        () => core.issuer.connect(mallory).issue(intentAt(T0 + 2, max, wide)),
        "NonceTooFar",
        [E, max, 0n, 1_000_000n],
      );
      // Walking up by the largest allowed step uses nonces but cannot get anywhere near 2^64.
      await at(T0 + 2, () => core.issuer.connect(mallory).issue(intentAt(T0 + 2, 1_000_000n)));
      expect((await core.issuer.executor(E)).lastNonce).to.equal(1_000_000n);
      // The legitimate planner reads lastNonce and goes on issuing.
      const next = (await core.issuer.executor(E)).lastNonce + 1n;
      const got = await issueAt(T0 + 3, Number(next));
      expect(got.issued).to.equal(true);
      expect(await isValidAt(T0 + 4, got.tokenId)).to.equal(true);
    });

    /** A core with one probe and S = 1 (cooldown 10 s): the HALF_OPEN corner cases of issue 9. */
    async function oneProbeCore(rateLimiter = { capacity: 100_000, window: 60, buckets: 6 }) {
      const c = await deployCore({
        breaker: { failureThreshold: 1, cooldown: 10, halfOpenMaxProbes: 1, successThreshold: 1 },
        rateLimiter,
      });
      const issue = async (t: number, nonce: number) => {
        const call = await callAt(t, c.issuer, c.actors.planner, "issue", [intentAt(t, nonce, { ttl: 600n })]);
        const [issued, tokenId, code, retryAt] = call.result[0] as [boolean, bigint, bigint, bigint];
        return { issued, tokenId, code, retryAt, receipt: call.receipt };
      };
      return { c, issue };
    }

    it("issue 9 hole 3: a HALF_OPEN probe admitted by the breaker was lost when the rate limiter denied", async () => {
      const { c, issue } = await oneProbeCore({ capacity: 1, window: 60, buckets: 6 });
      await postRoot(c, T0, 1);
      expect((await issue(T0, 1)).issued).to.equal(true); // uses the pair's only slot
      await at(T0 + 1, () => c.breaker.connect(c.actors.guardian).trip(E, A));
      // HALF_OPEN at T0 + 11: the breaker admits the single probe, the limiter denies.
      const denied = await issue(T0 + 11, 2);
      expect([denied.issued, denied.code]).to.deep.equal([false, 2100n]);
      expect(logsOf(denied.receipt, c.addresses.breaker, c.breaker.interface).map((l) => l.name)).to.deep.equal([
        "BreakerTransition",
        "ProbeReleased",
      ]);
      expect((await c.breaker.status(E, A)).probesAdmitted).to.equal(0n);
      // The old behaviour: ProbeLimitReached (3101) from here on, until a guardian reset.
      const again = await issue(T0 + 12, 3);
      expect([again.issued, again.code]).to.deep.equal([false, 2100n]);
      const later = await issue(T0 + 60, 4);
      expect(later.issued, "the probe is still there once the limiter allows").to.equal(true);
    });

    it("issue 9 hole 5: a REPORTER's saved-up successes of old tokens closed a HALF_OPEN breaker", async () => {
      const { c, issue } = await oneProbeCore();
      await postRoot(c, T0, 1);
      const old = await issue(T0 + 1, 1);
      const failing = await issue(T0 + 1, 2);
      await at(T0 + 2, () => c.issuer.connect(c.actors.reporter).reportOutcome(failing.tokenId, false));
      expect((await c.breaker.status(E, A)).state).to.equal(1n); // OPEN, openedAt T0 + 2
      const probe = await issue(T0 + 12, 3); // HALF_OPEN: the probe
      expect(probe.issued).to.equal(true);
      const call = await callAt(T0 + 13, c.issuer, c.actors.reporter, "reportOutcome", [old.tokenId, true]);
      expect(call.logs).to.deep.equal([
        { name: "OutcomeReported", args: { tokenId: old.tokenId, success: true } },
        { name: "StaleOutcome", args: { tokenId: old.tokenId, issuedAt: BigInt(T0 + 1), openedAt: BigInt(T0 + 2) } },
      ]);
      // S = 1: a counted success would have closed it; the stale one did not.
      const st = await c.breaker.status(E, A);
      expect([st.state, st.halfOpenSuccesses]).to.deep.equal([2n, 0n]);
      expect((await c.breaker.counters(E, A)).successes).to.equal(0n);
      // The probe's own success closes it.
      await at(T0 + 14, () => c.issuer.connect(c.actors.reporter).reportOutcome(probe.tokenId, true));
      expect((await c.breaker.status(E, A)).state).to.equal(0n);
    });

    it("calling the issuer directly skipped the brake's caps", async () => {
      await postRoot(core, T0 + 1, 1);
      const before = await core.issuer.totalSupply();
      const got = await issueAt(T0 + 2, 1, { params: [10n, 700n, 900n] }); // tool 10 > cap 9, not brakeable
      expect([got.issued, got.code]).to.deep.equal([false, 6101n]);
      expect(got.logs).to.deep.equal([
        { name: "IssueDenied", args: { executorId: E, actionId: A, nonce: 1n, code: 6101n, retryAt: 0n } },
      ]);
      expect(await core.issuer.totalSupply()).to.equal(before);
    });

    it("the ANS notification to the reflex arc reverted and was silently swallowed", async () => {
      await postRoot(core, T0 + 1, 1);
      const { tokenId } = await issueAt(T0 + 2, 1, { ttl: 3600n });
      // Working notification: DANGER fires the reflex, which revokes E's tokens.
      const ok = await tone(T0 + 3, 650_000).then(() => tone(T0 + 4, 650_000));
      expect(logsOf(ok, core.addresses.reflex, core.reflex.interface).map((l) => l.name)).to.deep.equal([
        "ReflexFired",
      ]);
      expect(logsOf(ok, core.addresses.issuer, core.issuer.interface)).to.deep.equal([
        { name: "AllRevoked", args: { executorId: E, epoch: 1n, reason: "reflex:ans-danger" } },
      ]);
      expect(await isValidAt(T0 + 5, tokenId)).to.equal(false);
      // Broken notification: the reflex arc loses REVOKER, so revokeAll reverts inside it.
      await at(T0 + 6, () =>
        core.issuer.connect(core.actors.admin).revokeRole(ethers.id("REVOKER_ROLE"), core.addresses.reflex),
      );
      const r = await tone(T0 + 400, 950_000).then(() => tone(T0 + 401, 950_000));
      expect(logsOf(r, core.addresses.ans, core.ans.interface)).to.deep.equal([
        {
          name: "StateTransition",
          args: { executorId: E, from: ANS.DANGER, to: ANS.SHUTDOWN, tonePpm: 950_000n, cause: 1n },
        },
        { name: "ReflexNotificationFailed", args: { executorId: E, to: ANS.SHUTDOWN } },
      ]);
      // Recorded, not silent; the transition stands; the reflex arc's writes were undone.
      expect((await core.ans.counters()).notificationFailures).to.equal(1n);
      expect((await core.ans.executorState(E)).state).to.equal(ANS.SHUTDOWN);
      expect((await core.reflex.reflexState(E)).fires).to.equal(1n);
      expect(logsOf(r, core.addresses.reflex, core.reflex.interface)).to.deep.equal([]);
    });

    it("ten expired tokens at the head of the active list stopped every later reflex revocation", async () => {
      await postRoot(core, T0 + 1, 1);
      for (let i = 1; i <= 10; i++) await issueAt(T0 + 2, i, { ttl: 1n });
      const fresh = await issueAt(T0 + 100, 11, { ttl: 3600n });
      expect(await isValidAt(T0 + 101, fresh.tokenId)).to.equal(true);
      await at(T0 + 102, () => core.reflex.connect(core.actors.guardian).trigger(E, "incident"));
      expect(await isValidAt(T0 + 103, fresh.tokenId)).to.equal(false);
      // And the next revocation works too.
      const later = await issueAt(T0 + 200, 12, { ttl: 3600n });
      await at(T0 + 201, () => core.reflex.connect(core.actors.guardian).trigger(E, "incident 2"));
      expect(await isValidAt(T0 + 202, later.tokenId)).to.equal(false);
      expect((await core.reflex.reflexState(E)).fires).to.equal(2n);
    });

    it("the rate limiter's eviction was quadratic so a busy pair became impossible to issue for", async function () {
      this.timeout(300_000);
      // Capacity 5 per 60 s (6 buckets): every minute 5 issues pass, the rest are denied.
      await at(T0, () =>
        core.rateLimiter.connect(core.actors.admin).setPairConfig(E, A, { capacity: 5, window: 60, buckets: 6 }),
      );
      await postRoot(core, T0 + 1, 1);
      const allowedGas: bigint[] = [];
      let nonce = 0;
      for (let minute = 1; minute <= 8; minute++) {
        const t = T0 + minute * 60;
        for (let i = 0; i < 15; i++) {
          nonce += 1;
          const intent = intentAt(t, nonce, { ttl: 60n });
          const r = await at(t, () => core.issuer.connect(core.actors.planner).issue(intent));
          const names = logsOf(r, core.addresses.issuer, core.issuer.interface).map((l) => l.name);
          if (i < 5) {
            expect(names, `minute ${minute} issue ${i}`).to.deep.equal(["CapabilityIssued"]);
            if (i === 4) allowedGas.push(r.gasUsed);
          } else {
            const [denied] = logsOf(r, core.addresses.issuer, core.issuer.interface);
            expect([denied.name, denied.args.code], `minute ${minute} issue ${i}`).to.deep.equal([
              "IssueDenied",
              2100n,
            ]);
          }
        }
      }
      // 120 requests later the pair still issues, at the same cost (after the first minute's warm-up).
      const steady = allowedGas.slice(2);
      const spread = steady.reduce((m, g) => (g > m ? g : m), 0n) - steady.reduce((m, g) => (g < m ? g : m), steady[0]);
      expect(Number(spread), allowedGas.join(", ")).to.be.lessThan(200);
    });

    it('the "keccak" hashes were really SHA3-256', async () => {
      const metrics = calmMetrics(1);
      const r = await at(T0 + 1, () => core.inbox.connect(core.actors.attestor).postEvidence(E, ROOT, metrics));
      const [ev] = logsOf(r, core.addresses.inbox, core.inbox.interface);
      // The map of spec §2.2, encoded by the TypeScript encoder (it sorts the keys itself).
      const c = commit({
        executorId: E,
        stateRoot: ethers.getBytes(ROOT),
        sequence: metrics.sequence,
        riskPpm: metrics.riskPpm,
        forceMilliN: metrics.forceMilliN,
        velocityMilliMps: metrics.velocityMilliMps,
        temperatureMilliC: metrics.temperatureMilliC,
      });
      const sha3 = `0x${createHash("sha3-256").update(c.cbor).digest("hex")}`;
      expect(ev.args.keccak256).to.equal(c.keccak256);
      expect(ev.args.keccak256).to.not.equal(sha3);
      expect(ev.args.sha256).to.equal(c.sha256);
      // Same on the issuer's commitments.
      const got = await issueAt(T0 + 2, 1);
      const issued = got.logs.find((x) => x.name === "CapabilityIssued") as DecodedLog;
      const p = commit(new Map(SCHEMA.map((s, i) => [s.name, intentAt(0, 0).params[i]])));
      expect(issued.args.paramsKeccak256).to.equal(p.keccak256);
      expect(issued.args.paramsKeccak256).to.not.equal(`0x${createHash("sha3-256").update(p.cbor).digest("hex")}`);
    });

    it("SHUTDOWN could never be left", async () => {
      await postRoot(core, T0 + 1, 1);
      await toShutdown(T0 + 2);
      for (let i = 0; i < 5; i++) await tone(T0 + 1000 + i * 100, 0);
      expect((await core.ans.executorState(E)).state).to.equal(ANS.SHUTDOWN);
      await at(T0 + 2000, () => core.ans.connect(core.actors.admin).overrideState(E, 0, "incident closed"));
      expect((await core.ans.executorState(E)).state).to.equal(ANS.SAFE);
      const got = await issueAt(T0 + 2001, 1);
      expect(got.issued).to.equal(true);
      expect(await isValidAt(T0 + 2002, got.tokenId)).to.equal(true);
    });

    it("unpausing was impossible once paused", async () => {
      const all = [core.rateLimiter, core.breaker, core.ans, core.inbox, core.brake, core.issuer, core.reflex];
      for (const c of all) await at(T0 + 1, () => c.connect(core.actors.guardian).pause());
      // The last admin cannot leave (so someone can always unpause).
      for (const c of all) {
        await expect(
          c.connect(core.actors.admin).renounceRole(ethers.ZeroHash, core.actors.admin.address),
        ).to.be.revertedWithCustomError(c, "LastAdmin");
      }
      for (const c of all) {
        await at(T0 + 2, () => c.connect(core.actors.admin).unpause());
        expect(await c.paused()).to.equal(false);
      }
      await postRoot(core, T0 + 3, 1);
      expect((await issueAt(T0 + 4, 1)).issued).to.equal(true);
    });
  });
});
