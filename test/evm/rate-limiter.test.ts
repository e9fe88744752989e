import { expect } from "chai";
import fc from "fast-check";
import { ethers } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";

import type { RateLimiter } from "../../typechain-types";
import { loadSpec } from "../../src/spec";
import { callAt, mineAt, sendAt, snapshot, type DecodedLog } from "../helpers/chain";
import { ROLE, action, deployRateLimiter, deployProxy, RL_DEFAULTS, ZERO_ACTION } from "../helpers/deploy";
import { expectRejectedNoChange, expectSpecError } from "../helpers/expect";
import { NaiveRateLimiterPair, type WindowConfig } from "../helpers/models";

const spec = loadSpec();
const RL = "RateLimiter";
const component = spec.component(RL);
const T0 = spec.timeOrigin; // a multiple of 30 days: bucket boundaries fall on round offsets
const MAX_WINDOW = component.constants.MAX_WINDOW;
const MAX_BUCKETS = component.constants.MAX_BUCKETS;
const RATE_LIMITED = component.denials.find((d) => d.name === "RateLimited")?.code ?? -1;

const E = 7n;
const A = action("move-arm");
const A2 = action("open-gripper");

/** The base config of these tests: 3 per 60 s in 6 buckets of 10 s. */
const BASE: WindowConfig = { capacity: 3, window: 60, buckets: 6 };
/** Bucket index of a time under BASE. */
const c0 = T0 / 10;

describe("RateLimiter (spec/rate-limiter.md)", () => {
  let admin: HardhatEthersSigner;
  let guardian: HardhatEthersSigner;
  let consumer: HardhatEthersSigner;
  let stranger: HardhatEthersSigner;
  let rl: RateLimiter;
  let base: { restore(): Promise<void> };

  before(async () => {
    [admin, guardian, consumer, stranger] = await ethers.getSigners();
    rl = await deployRateLimiter(admin.address, BASE);
    await (await rl.connect(admin).grantRole(ROLE.GUARDIAN, guardian.address)).wait();
    await (await rl.connect(admin).grantRole(ROLE.CONSUMER, consumer.address)).wait();
    base = await snapshot();
  });

  afterEach(async () => {
    await base.restore();
  });

  async function consumeAt(t: number, executorId = E, actionId = A) {
    const call = await callAt(t, rl, consumer, "consume", [executorId, actionId]);
    const [allowed, retryAt] = call.result as [boolean, bigint];
    return { allowed, retryAt, logs: call.logs };
  }

  async function expectAllowed(t: number, executorId = E, actionId = A) {
    const r = await consumeAt(t, executorId, actionId);
    expect({ allowed: r.allowed, retryAt: r.retryAt, logs: r.logs }, `consume at T0+${t - T0}`).to.deep.equal({
      allowed: true,
      retryAt: 0n,
      logs: [],
    });
  }

  async function expectDenied(t: number, used: number, retryAt: number, executorId = E, actionId = A) {
    const r = await consumeAt(t, executorId, actionId);
    const event: DecodedLog = {
      name: "ConsumeDenied",
      args: { executorId, actionId, code: BigInt(RATE_LIMITED), used: BigInt(used), retryAt: BigInt(retryAt) },
    };
    expect({ allowed: r.allowed, retryAt: r.retryAt, logs: r.logs }, `consume at T0+${t - T0}`).to.deep.equal({
      allowed: false,
      retryAt: BigInt(retryAt),
      logs: [event],
    });
  }

  async function usageAt(t: number, executorId = E, actionId = A) {
    const blockTag = await mineAt(t);
    const [used, capacity, retryAt] = await rl.usage(executorId, actionId, { blockTag });
    return { used: Number(used), capacity: Number(capacity), retryAt: Number(retryAt) };
  }

  async function counters(executorId = E, actionId = A) {
    const [requests, rejections] = await rl.counters(executorId, actionId);
    return { requests: Number(requests), rejections: Number(rejections) };
  }

  async function setPair(t: number, cfg: WindowConfig, executorId = E, actionId = A) {
    await sendAt(t, rl, admin, "setPairConfig", [executorId, actionId, cfg]);
  }

  /** Everything observable about the limiter, for "a reverted call changes nothing". */
  async function state() {
    const pairs = [
      [E, A],
      [E, A2],
    ] as const;
    const out: unknown[] = [await rl.paused(), [...(await rl.defaultConfig())]];
    for (const [e, a] of pairs) {
      const [has, cfg] = await rl.pairConfig(e, a);
      out.push(has, [...cfg], [...(await rl.usage(e, a))], [...(await rl.counters(e, a))]);
    }
    return out;
  }

  describe("window math (3 per 60 s, 6 buckets of 10 s)", () => {
    it("allows capacity consumptions, then denies with ConsumeDenied(2100, used, retryAt)", async () => {
      await expectAllowed(T0);
      await expectAllowed(T0 + 1);
      await expectAllowed(T0 + 2);
      // All three sit in bucket c0, which stops counting at (c0 + 6)·10 = T0 + 60.
      await expectDenied(T0 + 3, 3, T0 + 60);
    });

    it("several consumptions in the same second count separately", async () => {
      await expectAllowed(T0 + 5);
      await expectAllowed(T0 + 5);
      await expectAllowed(T0 + 5);
      await expectDenied(T0 + 5, 3, T0 + 60);
    });

    it("a bucket stops counting at (j + K)·B exactly: denied at T0+59, allowed at T0+60", async () => {
      for (const dt of [0, 1, 2]) await expectAllowed(T0 + dt);
      await expectDenied(T0 + 59, 3, T0 + 60);
      await expectAllowed(T0 + 60);
    });

    it("the window is the K buckets ending at the current one (between W − B and W long)", async () => {
      await expectAllowed(T0 + 9); // bucket c0: expires at T0+60, only 51 s later
      await expectAllowed(T0 + 15); // c0+1
      await expectAllowed(T0 + 25); // c0+2
      await expectDenied(T0 + 59, 3, T0 + 60);
      await expectAllowed(T0 + 60);
      // Now c0+1, c0+2 and c0+6 are live; the oldest, c0+1, expires at T0+70.
      await expectDenied(T0 + 61, 3, T0 + 70);
      expect(await usageAt(T0 + 69)).to.deep.equal({ used: 3, capacity: 3, retryAt: T0 + 70 });
      expect(await usageAt(T0 + 70)).to.deep.equal({ used: 2, capacity: 3, retryAt: 0 });
    });

    it("retryAt walks the buckets oldest first until the remainder is below capacity", async () => {
      await sendAt(T0, rl, admin, "setDefaultConfig", [{ ...BASE, capacity: 5 }]);
      for (const dt of [0, 1, 10, 11, 20]) await expectAllowed(T0 + dt); // c0: 2, c0+1: 2, c0+2: 1
      // Lowering capacity keeps the ring: used 5 ≥ 2. Without c0: 3, not < 2; without c0+1: 1 < 2.
      await sendAt(T0 + 21, rl, admin, "setDefaultConfig", [{ ...BASE, capacity: 2 }]);
      expect(await usageAt(T0 + 25)).to.deep.equal({ used: 5, capacity: 2, retryAt: (c0 + 1 + 6) * 10 });
      await expectDenied(T0 + 30, 5, T0 + 70);
      await expectDenied(T0 + 69, 3, T0 + 70);
      await expectAllowed(T0 + 70);
    });

    it("usage reports used, capacity and retryAt at the block time, and reads as empty for a new pair", async () => {
      expect(await usageAt(T0)).to.deep.equal({ used: 0, capacity: 3, retryAt: 0 });
      for (const dt of [0, 1, 2]) await expectAllowed(T0 + dt);
      expect(await usageAt(T0 + 5)).to.deep.equal({ used: 3, capacity: 3, retryAt: T0 + 60 });
      expect(await usageAt(T0 + 60)).to.deep.equal({ used: 0, capacity: 3, retryAt: 0 });
      expect(await counters(E, A2)).to.deep.equal({ requests: 0, rejections: 0 });
      // Queries do not validate ids.
      const [used] = await rl.usage(0n, ZERO_ACTION);
      expect(used).to.equal(0n);
    });

    it("a bucket reused after a partial idle restarts at zero (no stale count added)", async () => {
      for (const dt of [0, 1, 2]) await expectAllowed(T0 + dt); // c0: 3
      await expectDenied(T0 + 30, 3, T0 + 60);
      // c0 + 6 maps to c0's ring position; its old 3 must not be counted.
      await expectAllowed(T0 + 60);
      expect(await usageAt(T0 + 60)).to.deep.equal({ used: 1, capacity: 3, retryAt: 0 });
      await expectAllowed(T0 + 61);
      await expectAllowed(T0 + 62);
      await expectDenied(T0 + 63, 3, T0 + 120);
    });

    it("after an idle longer than the window every old count is gone", async () => {
      for (const dt of [0, 1, 2]) await expectAllowed(T0 + dt);
      // c0 + 7: c0 + 6 (c0's position) is live again, so a stale c0 count would show.
      await expectAllowed(T0 + 70);
      expect(await usageAt(T0 + 70)).to.deep.equal({ used: 1, capacity: 3, retryAt: 0 });
      await expectAllowed(T0 + 10_000);
      expect(await usageAt(T0 + 10_000)).to.deep.equal({ used: 1, capacity: 3, retryAt: 0 });
    });

    it("64 buckets spread over eight storage words", async () => {
      await setPair(T0 - 1, { capacity: 100, window: 64, buckets: 64 });
      for (let dt = 0; dt <= 64; dt++) await expectAllowed(T0 + dt); // one per 1 s bucket
      // At T0+64, buckets c..c+64 minus the expired first one: 64 live.
      expect(await usageAt(T0 + 64)).to.deep.equal({ used: 64, capacity: 100, retryAt: 0 });
      await setPair(T0 + 64, { capacity: 64, window: 64, buckets: 64 });
      await expectDenied(T0 + 64, 64, T0 + 65);
      // Skip 10 buckets (some in another word): 64 − 10 + ... only buckets after T0+74−64 live.
      expect(await usageAt(T0 + 74)).to.deep.equal({ used: 54, capacity: 64, retryAt: 0 });
      await expectAllowed(T0 + 74);
      expect(await usageAt(T0 + 74)).to.deep.equal({ used: 55, capacity: 64, retryAt: 0 });
    });
  });

  describe("reset rule", () => {
    async function fill() {
      for (const dt of [0, 1, 2]) await expectAllowed(T0 + dt);
      await expectDenied(T0 + 3, 3, T0 + 60);
    }

    it("a new window on the pair empties its ring at its next consume", async () => {
      await fill();
      await setPair(T0 + 4, { capacity: 3, window: 120, buckets: 6 });
      expect(await usageAt(T0 + 5)).to.deep.equal({ used: 0, capacity: 3, retryAt: 0 });
      await expectAllowed(T0 + 5);
      expect(await usageAt(T0 + 5)).to.deep.equal({ used: 1, capacity: 3, retryAt: 0 });
    });

    it("a new bucket count alone also empties it", async () => {
      await fill();
      await setPair(T0 + 4, { capacity: 3, window: 60, buckets: 3 });
      await expectAllowed(T0 + 5);
      await expectAllowed(T0 + 6);
      await expectAllowed(T0 + 7);
      await expectDenied(T0 + 8, 3, T0 + 60);
    });

    it("a new capacity alone keeps the ring", async () => {
      await fill();
      await setPair(T0 + 4, { capacity: 5, window: 60, buckets: 6 });
      expect(await usageAt(T0 + 4)).to.deep.equal({ used: 3, capacity: 5, retryAt: 0 });
      await expectAllowed(T0 + 5);
      await expectAllowed(T0 + 6);
      await expectDenied(T0 + 7, 5, T0 + 60);
    });

    it("a shape changed and changed back before any consume keeps the ring as it was", async () => {
      await fill();
      await setPair(T0 + 4, { capacity: 3, window: 120, buckets: 6 });
      await sendAt(T0 + 5, rl, admin, "clearPairConfig", [E, A]);
      await expectDenied(T0 + 6, 3, T0 + 60);
    });

    it("a default change reaches pairs without an override, not those with one", async () => {
      await fill();
      for (const dt of [3, 4]) await expectAllowed(T0 + dt, E, A2);
      await setPair(T0 + 4, BASE, E, A2); // same as the old default: A2 keeps its ring
      await sendAt(T0 + 5, rl, admin, "setDefaultConfig", [{ capacity: 3, window: 30, buckets: 3 }]);
      await expectAllowed(T0 + 6, E, A); // A's ring emptied
      await expectAllowed(T0 + 6, E, A2);
      await expectDenied(T0 + 6, 3, T0 + 60, E, A2);
    });
  });

  describe("overrides", () => {
    it("setPairConfig emits PairConfigSet and applies to that pair only", async () => {
      const call = await callAt(T0, rl, admin, "setPairConfig", [E, A, { capacity: 1, window: 60, buckets: 6 }]);
      expect(call.logs).to.deep.equal([
        { name: "PairConfigSet", args: { executorId: E, actionId: A, capacity: 1n, window: 60n, buckets: 6n } },
      ]);
      const [has, cfg] = await rl.pairConfig(E, A);
      expect([has, [...cfg]]).to.deep.equal([true, [1n, 60n, 6n]]);
      const [hasOther, cfgOther] = await rl.pairConfig(E, A2);
      expect([hasOther, [...cfgOther]]).to.deep.equal([false, [3n, 60n, 6n]]);
      await expectAllowed(T0 + 1);
      await expectDenied(T0 + 2, 1, T0 + 60);
      for (const dt of [3, 4, 5]) await expectAllowed(T0 + dt, E, A2);
      await expectAllowed(T0 + 6, 8n, A); // another executor, same action
    });

    it("clearPairConfig emits PairConfigCleared and the default applies again", async () => {
      await setPair(T0, { capacity: 1, window: 60, buckets: 6 });
      await expectAllowed(T0 + 1);
      const call = await callAt(T0 + 2, rl, admin, "clearPairConfig", [E, A]);
      expect(call.logs).to.deep.equal([{ name: "PairConfigCleared", args: { executorId: E, actionId: A } }]);
      const [has, cfg] = await rl.pairConfig(E, A);
      expect([has, [...cfg]]).to.deep.equal([false, [3n, 60n, 6n]]);
      // Same shape as the override: the ring (1 used) is kept, capacity back to 3.
      await expectAllowed(T0 + 3);
      await expectAllowed(T0 + 4);
      await expectDenied(T0 + 5, 3, T0 + 60);
    });

    it("clearPairConfig without an override is NoPairOverride(executorId, actionId)", async () => {
      await expectRejectedNoChange(RL, state, () => rl.connect(admin).clearPairConfig(E, A), "NoPairOverride", {
        executorId: E,
        actionId: A,
      });
      await setPair(T0, BASE);
      await (await rl.connect(admin).clearPairConfig(E, A)).wait();
      await expectRejectedNoChange(RL, state, () => rl.connect(admin).clearPairConfig(E, A), "NoPairOverride", {
        executorId: E,
        actionId: A,
      });
    });

    it("setDefaultConfig emits DefaultConfigSet and defaultConfig() returns it", async () => {
      const call = await callAt(T0, rl, admin, "setDefaultConfig", [{ capacity: 9, window: 90, buckets: 9 }]);
      expect(call.logs).to.deep.equal([{ name: "DefaultConfigSet", args: { capacity: 9n, window: 90n, buckets: 9n } }]);
      expect([...(await rl.defaultConfig())]).to.deep.equal([9n, 90n, 9n]);
    });
  });

  describe("counters", () => {
    it("count every consume (requests) and every denial (rejections), through config changes and pause", async () => {
      for (const dt of [0, 1, 2]) await expectAllowed(T0 + dt);
      await expectDenied(T0 + 3, 3, T0 + 60);
      await expectDenied(T0 + 4, 3, T0 + 60);
      expect(await counters()).to.deep.equal({ requests: 5, rejections: 2 });
      await setPair(T0 + 5, { capacity: 10, window: 120, buckets: 4 }); // ring reset
      await expectAllowed(T0 + 6);
      await sendAt(T0 + 7, rl, guardian, "pause", []);
      await expectSpecError(RL, sendAt(T0 + 8, rl, consumer, "consume", [E, A]), "Paused");
      await sendAt(T0 + 9, rl, admin, "unpause", []);
      expect(await counters()).to.deep.equal({ requests: 6, rejections: 2 });
      expect(await counters(E, A2)).to.deep.equal({ requests: 0, rejections: 0 });
    });

    it("reverted consumes are not counted", async () => {
      await expectSpecError(RL, rl.connect(stranger).consume(E, A), "Unauthorized");
      await expectSpecError(RL, rl.connect(consumer).consume(E, ZERO_ACTION), "InvalidActionId");
      expect(await counters()).to.deep.equal({ requests: 0, rejections: 0 });
    });
  });

  describe("pause", () => {
    it("consume is blocked while paused and nothing is lost: the window is intact after unpause", async () => {
      for (const dt of [0, 1]) await expectAllowed(T0 + dt);
      await sendAt(T0 + 2, rl, guardian, "pause", []);
      await expectRejectedNoChange(RL, state, () => sendAt(T0 + 3, rl, consumer, "consume", [E, A]), "Paused");
      await sendAt(T0 + 4, rl, admin, "unpause", []);
      expect(await usageAt(T0 + 5)).to.deep.equal({ used: 2, capacity: 3, retryAt: 0 });
      await expectAllowed(T0 + 6);
      await expectDenied(T0 + 7, 3, T0 + 60);
    });

    it("configuration is blocked while paused", async () => {
      await (await rl.connect(guardian).pause()).wait();
      await expectRejectedNoChange(RL, state, () => rl.connect(admin).setDefaultConfig(BASE), "Paused");
      await expectRejectedNoChange(RL, state, () => rl.connect(admin).setPairConfig(E, A, BASE), "Paused");
      await expectRejectedNoChange(RL, state, () => rl.connect(admin).clearPairConfig(E, A), "Paused");
    });
  });

  describe("bad input and wrong callers revert and change nothing", () => {
    it("consume needs CONSUMER: Unauthorized(account, CONSUMER) for admin, guardian, stranger", async () => {
      for (const who of [admin, guardian, stranger]) {
        await expectRejectedNoChange(RL, state, () => rl.connect(who).consume(E, A), "Unauthorized", {
          account: who.address,
          role: "CONSUMER",
        });
      }
    });

    it("configuration needs ADMIN", async () => {
      for (const [fn, args] of [
        ["setDefaultConfig", [BASE]],
        ["setPairConfig", [E, A, BASE]],
        ["clearPairConfig", [E, A]],
      ] as const) {
        await expectRejectedNoChange(RL, state, () => rl.connect(guardian).getFunction(fn)(...args), "Unauthorized", {
          account: guardian.address,
          role: "ADMIN",
        });
      }
    });

    it("ids: executorId 0 is InvalidExecutorId (checked first), actionId 0 is InvalidActionId", async () => {
      await expectRejectedNoChange(RL, state, () => rl.connect(consumer).consume(0n, A), "InvalidExecutorId");
      await expectRejectedNoChange(RL, state, () => rl.connect(consumer).consume(E, ZERO_ACTION), "InvalidActionId");
      await expectRejectedNoChange(RL, state, () => rl.connect(consumer).consume(0n, ZERO_ACTION), "InvalidExecutorId");
      await expectRejectedNoChange(RL, state, () => rl.connect(admin).setPairConfig(0n, A, BASE), "InvalidExecutorId");
      await expectRejectedNoChange(
        RL,
        state,
        () => rl.connect(admin).clearPairConfig(E, ZERO_ACTION),
        "InvalidActionId",
      );
    });

    it("check order: role, then pause, then arguments", async () => {
      await (await rl.connect(guardian).pause()).wait();
      await expectSpecError(RL, rl.connect(stranger).consume(0n, ZERO_ACTION), "Unauthorized");
      await expectSpecError(RL, rl.connect(consumer).consume(0n, ZERO_ACTION), "Paused");
      await expectSpecError(
        RL,
        rl.connect(admin).setPairConfig(0n, A, { capacity: 0, window: 0, buckets: 0 }),
        "Paused",
      );
    });

    const cases: [string, WindowConfig, string, Record<string, bigint>?][] = [
      ["capacity 0", { capacity: 0, window: 60, buckets: 6 }, "ZeroCapacity"],
      ["window 0", { capacity: 3, window: 0, buckets: 6 }, "ZeroWindow"],
      [
        "window MAX_WINDOW + 1",
        { capacity: 3, window: MAX_WINDOW + 1, buckets: 1 },
        "WindowTooLong",
        { window: BigInt(MAX_WINDOW + 1) },
      ],
      ["buckets 0", { capacity: 3, window: 60, buckets: 0 }, "InvalidBucketCount", { buckets: 0n }],
      [
        "buckets MAX_BUCKETS + 1",
        { capacity: 3, window: 65, buckets: MAX_BUCKETS + 1 },
        "InvalidBucketCount",
        { buckets: BigInt(MAX_BUCKETS + 1) },
      ],
      [
        "buckets not dividing window",
        { capacity: 3, window: 60, buckets: 7 },
        "WindowNotDivisible",
        { window: 60n, buckets: 7n },
      ],
      // Several faults: the first in the spec's validation order wins.
      ["capacity 0 and window 0", { capacity: 0, window: 0, buckets: 0 }, "ZeroCapacity"],
      ["window 0 and buckets 0", { capacity: 1, window: 0, buckets: 0 }, "ZeroWindow"],
      [
        "window too long and buckets 0",
        { capacity: 1, window: MAX_WINDOW + 1, buckets: 0 },
        "WindowTooLong",
        { window: BigInt(MAX_WINDOW + 1) },
      ],
      ["buckets 65 and not dividing", { capacity: 1, window: 61, buckets: 65 }, "InvalidBucketCount", { buckets: 65n }],
    ];
    for (const [label, cfg, error, args] of cases) {
      it(`${label}: ${error} from setDefaultConfig, setPairConfig and initialize`, async () => {
        await expectRejectedNoChange(RL, state, () => rl.connect(admin).setDefaultConfig(cfg), error, args);
        await expectRejectedNoChange(RL, state, () => rl.connect(admin).setPairConfig(E, A, cfg), error, args);
        await expectSpecError(RL, deployProxy(RL, [admin.address, cfg]), error, args);
      });
    }

    it("the bounds themselves are valid: window MAX_WINDOW with 64 buckets, 1 bucket, capacity 2^32 − 1", async () => {
      for (const cfg of [
        { capacity: 1, window: MAX_WINDOW, buckets: MAX_BUCKETS },
        { capacity: 2 ** 32 - 1, window: 1, buckets: 1 },
      ]) {
        await (await rl.connect(admin).setPairConfig(E, A, cfg)).wait();
        const [, got] = await rl.pairConfig(E, A);
        expect([...got]).to.deep.equal([BigInt(cfg.capacity), BigInt(cfg.window), BigInt(cfg.buckets)]);
      }
    });

    it("the zero admin at initialize is InvalidAddress (before the config)", async () => {
      await expectSpecError(
        RL,
        deployProxy(RL, [ethers.ZeroAddress, { capacity: 0, window: 0, buckets: 0 }]),
        "InvalidAddress",
      );
    });
  });

  describe("against a naive model of the spec (property test)", () => {
    const shapes: WindowConfig[] = [
      { capacity: 3, window: 60, buckets: 6 },
      { capacity: 2, window: 12, buckets: 12 },
      { capacity: 5, window: 64, buckets: 64 },
      { capacity: 4, window: 27, buckets: 9 },
      { capacity: 1, window: 5, buckets: 1 },
      { capacity: 6, window: 20, buckets: 10 },
    ];
    type Step = { dt: number; op: "consume" | "usage" | "reconfigure"; pick: number; capacity: number };
    const step = fc.record({
      dt: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 130 })),
      op: fc.constantFrom<Step["op"]>("consume", "consume", "consume", "consume", "usage", "reconfigure"),
      pick: fc.nat({ max: shapes.length - 1 }),
      capacity: fc.integer({ min: 1, max: 6 }),
    });

    it("consume, usage and counters agree with the model on random timelines", async function () {
      this.timeout(300_000);
      await fc.assert(
        fc.asyncProperty(
          fc.nat({ max: shapes.length - 1 }),
          fc.array(step, { minLength: 5, maxLength: 30 }),
          async (first, steps) => {
            await base.restore();
            const model = new NaiveRateLimiterPair();
            let cfg = shapes[first];
            let t = T0 + 1000;
            await setPair(t, cfg);
            for (const s of steps) {
              t += s.dt;
              if (s.op === "reconfigure") {
                // Half the time keep the shape and change only the capacity.
                cfg = s.pick % 2 === 0 ? { ...cfg, capacity: s.capacity } : shapes[s.pick];
                await setPair(t, cfg);
              } else if (s.op === "usage") {
                expect(await usageAt(t), `usage at +${t - T0}`).to.deep.equal(model.usage(t, cfg));
              } else {
                const want = model.consume(t, cfg);
                const got = await consumeAt(t);
                expect({ allowed: got.allowed, retryAt: Number(got.retryAt) }, `consume at +${t - T0}`).to.deep.equal({
                  allowed: want.allowed,
                  retryAt: want.retryAt,
                });
                if (!want.allowed) expect(got.logs[0].args.used).to.equal(BigInt(want.used));
              }
            }
            expect(await counters()).to.deep.equal({ requests: model.requests, rejections: model.rejections });
          },
        ),
        { numRuns: 30 },
      );
    });
  });

  it("initialize sets the default config (spec defaults)", async () => {
    const fresh = await deployRateLimiter(admin.address);
    expect([...(await fresh.defaultConfig())]).to.deep.equal([
      BigInt(RL_DEFAULTS.capacity),
      BigInt(RL_DEFAULTS.window),
      BigInt(RL_DEFAULTS.buckets),
    ]);
  });
});
