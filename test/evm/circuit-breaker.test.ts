import { expect } from "chai";
import { ethers } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";

import type { CircuitBreaker } from "../../typechain-types";
import { loadSpec } from "../../src/spec";
import { callAt, mineAt, sendAt, snapshot, type DecodedLog } from "../helpers/chain";
import { ROLE, action, deployCircuitBreaker, deployProxy, ZERO_ACTION } from "../helpers/deploy";
import { expectRejectedNoChange, expectSpecError } from "../helpers/expect";

const spec = loadSpec();
const CB = "CircuitBreaker";
const component = spec.component(CB);
const T0 = spec.timeOrigin;
const S = component.enums.BreakerState;
const R = component.enums.TransitionReason;
const code = (name: string) => BigInt(component.denials.find((d) => d.name === name)?.code ?? -1);
const K = component.constants;

const E = 11n;
const A = action("weld");
const A2 = action("cut");

/** F=3 failures open it, C=60 s cooldown, P=3 probes, S=2 successes close it. */
const CONFIG = { failureThreshold: 3, cooldown: 60, halfOpenMaxProbes: 3, successThreshold: 2 };
const C = CONFIG.cooldown;

type State = keyof typeof S;
type Status = {
  state: number;
  consecutiveFailures: number;
  probesAdmitted: number;
  halfOpenSuccesses: number;
  openedAt: number;
  nextRequestAt: number;
};

function transition(from: State, to: State, reason: keyof typeof R, executorId = E, actionId = A): DecodedLog {
  return {
    name: "BreakerTransition",
    args: { executorId, actionId, from: BigInt(S[from]), to: BigInt(S[to]), reason: BigInt(R[reason]) },
  };
}

function denied(denial: string, retryAt: number, executorId = E, actionId = A): DecodedLog {
  return { name: "RequestDenied", args: { executorId, actionId, code: code(denial), retryAt: BigInt(retryAt) } };
}

function status(state: State, fields: Partial<Omit<Status, "state">> = {}): Status {
  return {
    state: S[state],
    consecutiveFailures: 0,
    probesAdmitted: 0,
    halfOpenSuccesses: 0,
    openedAt: 0,
    nextRequestAt: 0,
    ...fields,
  };
}

describe("CircuitBreaker (spec/circuit-breaker.md)", () => {
  let admin: HardhatEthersSigner;
  let guardian: HardhatEthersSigner;
  let consumer: HardhatEthersSigner;
  let reporter: HardhatEthersSigner;
  let stranger: HardhatEthersSigner;
  let cb: CircuitBreaker;
  let base: { restore(): Promise<void> };

  before(async () => {
    [admin, guardian, consumer, reporter, stranger] = await ethers.getSigners();
    cb = await deployCircuitBreaker(admin.address, CONFIG);
    await (await cb.connect(admin).grantRole(ROLE.GUARDIAN, guardian.address)).wait();
    await (await cb.connect(admin).grantRole(ROLE.CONSUMER, consumer.address)).wait();
    await (await cb.connect(admin).grantRole(ROLE.REPORTER, reporter.address)).wait();
    base = await snapshot();
  });

  afterEach(async () => {
    await base.restore();
  });

  async function request(t: number, want: { allowed: boolean; retryAt: number; logs: DecodedLog[] }) {
    const call = await callAt(t, cb, consumer, "request", [E, A]);
    const [allowed, retryAt] = call.result as [boolean, bigint];
    expect({ allowed, retryAt: Number(retryAt), logs: call.logs }, `request at T0+${t - T0}`).to.deep.equal(want);
  }

  async function outcome(t: number, success: boolean, logs: DecodedLog[] = []) {
    const call = await callAt(t, cb, reporter, "recordOutcome", [E, A, success]);
    expect(call.logs, `recordOutcome(${success}) at T0+${t - T0}`).to.deep.equal(logs);
  }

  async function guardianCall(t: number, fn: "trip" | "reset" | "forceHalfOpen", logs: DecodedLog[]) {
    const call = await callAt(t, cb, guardian, fn, [E, A]);
    expect(call.logs, `${fn} at T0+${t - T0}`).to.deep.equal(logs);
  }

  async function statusAt(t: number, executorId = E, actionId = A): Promise<Status> {
    const blockTag = await mineAt(t);
    const s = await cb.status(executorId, actionId, { blockTag });
    return {
      state: Number(s.state),
      consecutiveFailures: Number(s.consecutiveFailures),
      probesAdmitted: Number(s.probesAdmitted),
      halfOpenSuccesses: Number(s.halfOpenSuccesses),
      openedAt: Number(s.openedAt),
      nextRequestAt: Number(s.nextRequestAt),
    };
  }

  async function counters(executorId = E, actionId = A) {
    const c = await cb.counters(executorId, actionId);
    return {
      requests: Number(c.requests),
      rejections: Number(c.rejections),
      successes: Number(c.successes),
      failures: Number(c.failures),
      trips: Number(c.trips),
    };
  }

  /**
   * Everything observable, for "a reverted call changes nothing" (nextRequestAt left out:
   * it follows the clock, which moves between the two reads).
   */
  async function everything() {
    const out: unknown[] = [await cb.paused(), [...(await cb.config())]];
    for (const a of [A, A2]) out.push([...(await cb.status(E, a))].slice(0, 5), [...(await cb.counters(E, a))]);
    return out;
  }

  /** Opens the breaker at `t` by F consecutive failures. */
  async function openByFailures(t: number) {
    await outcome(t, false);
    await outcome(t, false);
    await outcome(t, false, [transition("CLOSED", "OPEN", "FAILURE_THRESHOLD")]);
  }

  /** OPEN at T0, then HALF_OPEN by guardian at T0 + 1. */
  async function halfOpen() {
    await guardianCall(T0, "trip", [transition("CLOSED", "OPEN", "GUARDIAN_TRIP")]);
    await guardianCall(T0 + 1, "forceHalfOpen", [transition("OPEN", "HALF_OPEN", "GUARDIAN_HALF_OPEN")]);
  }

  describe("CLOSED", () => {
    it("a pair never seen is CLOSED with zeros; nextRequestAt is now", async () => {
      expect(await statusAt(T0)).to.deep.equal(status("CLOSED", { nextRequestAt: T0 }));
      expect(await counters()).to.deep.equal({ requests: 0, rejections: 0, successes: 0, failures: 0, trips: 0 });
    });

    it("request is allowed (true, 0) with no event, and counted", async () => {
      await request(T0, { allowed: true, retryAt: 0, logs: [] });
      await request(T0, { allowed: true, retryAt: 0, logs: [] });
      expect((await counters()).requests).to.equal(2);
    });

    it("the F-th consecutive failure opens it (FAILURE_THRESHOLD); openedAt = t, trips = 1", async () => {
      await outcome(T0, false);
      await outcome(T0 + 1, false);
      expect(await statusAt(T0 + 1)).to.deep.equal(status("CLOSED", { consecutiveFailures: 2, nextRequestAt: T0 + 1 }));
      await outcome(T0 + 2, false, [transition("CLOSED", "OPEN", "FAILURE_THRESHOLD")]);
      // Entering OPEN zeroes every transient field, consecutiveFailures included.
      expect(await statusAt(T0 + 2)).to.deep.equal(status("OPEN", { openedAt: T0 + 2, nextRequestAt: T0 + 2 + C }));
      expect(await counters()).to.deep.equal({ requests: 0, rejections: 0, successes: 0, failures: 3, trips: 1 });
    });

    it("a success resets consecutiveFailures, so failures must be consecutive", async () => {
      await outcome(T0, false);
      await outcome(T0, false);
      await outcome(T0, true);
      expect(await statusAt(T0)).to.deep.equal(status("CLOSED", { nextRequestAt: T0 }));
      await outcome(T0 + 1, false);
      await outcome(T0 + 1, false);
      expect((await statusAt(T0 + 1)).state).to.equal(S.CLOSED);
      await outcome(T0 + 2, false, [transition("CLOSED", "OPEN", "FAILURE_THRESHOLD")]);
      expect(await counters()).to.deep.equal({ requests: 0, rejections: 0, successes: 1, failures: 5, trips: 1 });
    });

    it("trip opens it (GUARDIAN_TRIP)", async () => {
      await guardianCall(T0, "trip", [transition("CLOSED", "OPEN", "GUARDIAN_TRIP")]);
      expect(await statusAt(T0)).to.deep.equal(status("OPEN", { openedAt: T0, nextRequestAt: T0 + C }));
      expect((await counters()).trips).to.equal(1);
    });

    it("reset is AlreadyInState(CLOSED); forceHalfOpen is InvalidTransition(CLOSED, HALF_OPEN)", async () => {
      await outcome(T0, false); // some transient state to protect
      await expectRejectedNoChange(CB, everything, () => cb.connect(guardian).reset(E, A), "AlreadyInState", {
        state: BigInt(S.CLOSED),
      });
      await expectRejectedNoChange(
        CB,
        everything,
        () => cb.connect(guardian).forceHalfOpen(E, A),
        "InvalidTransition",
        {
          from: BigInt(S.CLOSED),
          to: BigInt(S.HALF_OPEN),
        },
      );
    });

    it("pairs are independent", async () => {
      await openByFailures(T0);
      expect((await statusAt(T0, E, A2)).state).to.equal(S.CLOSED);
      expect((await statusAt(T0, 12n, A)).state).to.equal(S.CLOSED);
    });
  });

  describe("OPEN", () => {
    beforeEach(async () => {
      await openByFailures(T0);
    });

    it("request is denied BreakerOpen (3100) with retryAt = openedAt + C, counted as a rejection", async () => {
      await request(T0 + 1, { allowed: false, retryAt: T0 + C, logs: [denied("BreakerOpen", T0 + C)] });
      await request(T0 + 30, { allowed: false, retryAt: T0 + C, logs: [denied("BreakerOpen", T0 + C)] });
      expect(await counters()).to.deep.equal({ requests: 2, rejections: 2, successes: 0, failures: 3, trips: 1 });
    });

    it("outcomes are counted only: no transition, no event, openedAt unchanged", async () => {
      await outcome(T0 + 1, true);
      await outcome(T0 + 2, false);
      await outcome(T0 + 3, false);
      expect(await statusAt(T0 + 3)).to.deep.equal(status("OPEN", { openedAt: T0, nextRequestAt: T0 + C }));
      expect(await counters()).to.deep.equal({ requests: 0, rejections: 0, successes: 1, failures: 5, trips: 1 });
    });

    it("trip is AlreadyInState(OPEN)", async () => {
      await expectRejectedNoChange(CB, everything, () => cb.connect(guardian).trip(E, A), "AlreadyInState", {
        state: BigInt(S.OPEN),
      });
    });

    it("reset closes it (GUARDIAN_RESET); openedAt is kept", async () => {
      await guardianCall(T0 + 5, "reset", [transition("OPEN", "CLOSED", "GUARDIAN_RESET")]);
      expect(await statusAt(T0 + 5)).to.deep.equal(status("CLOSED", { openedAt: T0, nextRequestAt: T0 + 5 }));
      await request(T0 + 6, { allowed: true, retryAt: 0, logs: [] });
    });

    it("forceHalfOpen half-opens it before the cooldown (GUARDIAN_HALF_OPEN)", async () => {
      await guardianCall(T0 + 5, "forceHalfOpen", [transition("OPEN", "HALF_OPEN", "GUARDIAN_HALF_OPEN")]);
      expect(await statusAt(T0 + 5)).to.deep.equal(status("HALF_OPEN", { openedAt: T0, nextRequestAt: T0 + 5 }));
    });
  });

  describe("cooldown (lazy, t ≥ openedAt + C inclusive)", () => {
    beforeEach(async () => {
      await openByFailures(T0);
    });

    it("one second before: still OPEN; at openedAt + C: effectively HALF_OPEN with zeros", async () => {
      expect(await statusAt(T0 + C - 1)).to.deep.equal(status("OPEN", { openedAt: T0, nextRequestAt: T0 + C }));
      await request(T0 + C - 1, { allowed: false, retryAt: T0 + C, logs: [denied("BreakerOpen", T0 + C)] });
      expect(await statusAt(T0 + C)).to.deep.equal(status("HALF_OPEN", { openedAt: T0, nextRequestAt: T0 + C }));
    });

    it("request at openedAt + C materializes HALF_OPEN (its event first) and is admitted as a probe", async () => {
      await request(T0 + C, {
        allowed: true,
        retryAt: 0,
        logs: [transition("OPEN", "HALF_OPEN", "COOLDOWN_ELAPSED")],
      });
      expect(await statusAt(T0 + C)).to.deep.equal(
        status("HALF_OPEN", { probesAdmitted: 1, openedAt: T0, nextRequestAt: T0 + C }),
      );
    });

    it("a failure reported after the cooldown: COOLDOWN_ELAPSED then PROBE_FAILED, reopened now", async () => {
      await outcome(T0 + C + 5, false, [
        transition("OPEN", "HALF_OPEN", "COOLDOWN_ELAPSED"),
        transition("HALF_OPEN", "OPEN", "PROBE_FAILED"),
      ]);
      const t = T0 + C + 5;
      expect(await statusAt(t)).to.deep.equal(status("OPEN", { openedAt: t, nextRequestAt: t + C }));
      expect((await counters()).trips).to.equal(2);
    });

    it("a success reported after the cooldown counts toward closing it", async () => {
      await outcome(T0 + C, true, [transition("OPEN", "HALF_OPEN", "COOLDOWN_ELAPSED")]);
      expect((await statusAt(T0 + C)).halfOpenSuccesses).to.equal(1);
      await outcome(T0 + C, true, [transition("HALF_OPEN", "CLOSED", "PROBES_SUCCEEDED")]);
    });

    it("trip after the cooldown: COOLDOWN_ELAPSED then GUARDIAN_TRIP from HALF_OPEN", async () => {
      await guardianCall(T0 + C, "trip", [
        transition("OPEN", "HALF_OPEN", "COOLDOWN_ELAPSED"),
        transition("HALF_OPEN", "OPEN", "GUARDIAN_TRIP"),
      ]);
      expect(await statusAt(T0 + C)).to.deep.equal(status("OPEN", { openedAt: T0 + C, nextRequestAt: T0 + 2 * C }));
      expect((await counters()).trips).to.equal(2);
    });

    it("reset after the cooldown: COOLDOWN_ELAPSED then GUARDIAN_RESET from HALF_OPEN", async () => {
      await guardianCall(T0 + C, "reset", [
        transition("OPEN", "HALF_OPEN", "COOLDOWN_ELAPSED"),
        transition("HALF_OPEN", "CLOSED", "GUARDIAN_RESET"),
      ]);
    });

    it("forceHalfOpen after the cooldown is AlreadyInState(HALF_OPEN), and the materialization is undone", async () => {
      await mineAt(T0 + C); // so the reads before and after see the same clock
      await expectRejectedNoChange(
        CB,
        everything,
        () => sendAt(T0 + C, cb, guardian, "forceHalfOpen", [E, A]),
        "AlreadyInState",
        { state: BigInt(S.HALF_OPEN) },
      );
      // Had the reverted call kept OPEN → HALF_OPEN, this request would not report it.
      await request(T0 + C, {
        allowed: true,
        retryAt: 0,
        logs: [transition("OPEN", "HALF_OPEN", "COOLDOWN_ELAPSED")],
      });
    });

    it("a new cooldown applies to open breakers from their next evaluation; setConfig moves nothing", async () => {
      const call = await callAt(T0 + 1, cb, admin, "setConfig", [{ ...CONFIG, cooldown: 10 }]);
      expect(call.logs).to.deep.equal([
        {
          name: "ConfigSet",
          args: { failureThreshold: 3n, cooldown: 10n, halfOpenMaxProbes: 3n, successThreshold: 2n },
        },
      ]);
      expect(await statusAt(T0 + 9)).to.deep.equal(status("OPEN", { openedAt: T0, nextRequestAt: T0 + 10 }));
      // Due under the new cooldown at T0 + 10, although the config change emitted no transition.
      await request(T0 + 10, {
        allowed: true,
        retryAt: 0,
        logs: [transition("OPEN", "HALF_OPEN", "COOLDOWN_ELAPSED")],
      });
    });
  });

  describe("HALF_OPEN", () => {
    beforeEach(halfOpen);

    it("admits P probes, then denies ProbeLimitReached (3101) with retryAt 0", async () => {
      for (let i = 1; i <= CONFIG.halfOpenMaxProbes; i++) {
        expect((await statusAt(T0 + 1 + i)).nextRequestAt).to.equal(T0 + 1 + i);
        await request(T0 + 1 + i, { allowed: true, retryAt: 0, logs: [] });
      }
      const t = T0 + 10;
      // Probes exhausted: the next admission depends on outcomes, not on time.
      expect(await statusAt(t)).to.deep.equal(
        status("HALF_OPEN", { probesAdmitted: 3, openedAt: T0, nextRequestAt: 0 }),
      );
      await request(t, { allowed: false, retryAt: 0, logs: [denied("ProbeLimitReached", 0)] });
      expect(await counters()).to.deep.equal({ requests: 4, rejections: 1, successes: 0, failures: 0, trips: 1 });
    });

    it("S successes close it (PROBES_SUCCEEDED) and every transient field restarts at zero", async () => {
      await request(T0 + 2, { allowed: true, retryAt: 0, logs: [] });
      await request(T0 + 2, { allowed: true, retryAt: 0, logs: [] });
      await outcome(T0 + 3, true);
      expect(await statusAt(T0 + 3)).to.deep.equal(
        status("HALF_OPEN", { probesAdmitted: 2, halfOpenSuccesses: 1, openedAt: T0, nextRequestAt: T0 + 3 }),
      );
      await outcome(T0 + 4, true, [transition("HALF_OPEN", "CLOSED", "PROBES_SUCCEEDED")]);
      expect(await statusAt(T0 + 4)).to.deep.equal(status("CLOSED", { openedAt: T0, nextRequestAt: T0 + 4 }));
    });

    it("successes close it even without admitted probes (the table counts outcomes, not probes)", async () => {
      await outcome(T0 + 2, true);
      await outcome(T0 + 2, true, [transition("HALF_OPEN", "CLOSED", "PROBES_SUCCEEDED")]);
    });

    it("one failure reopens it (PROBE_FAILED) with a fresh openedAt and cooldown", async () => {
      await request(T0 + 2, { allowed: true, retryAt: 0, logs: [] });
      await outcome(T0 + 3, true);
      await outcome(T0 + 4, false, [transition("HALF_OPEN", "OPEN", "PROBE_FAILED")]);
      expect(await statusAt(T0 + 4)).to.deep.equal(status("OPEN", { openedAt: T0 + 4, nextRequestAt: T0 + 4 + C }));
      await request(T0 + 5, { allowed: false, retryAt: T0 + 4 + C, logs: [denied("BreakerOpen", T0 + 4 + C)] });
      expect(await counters()).to.deep.equal({ requests: 2, rejections: 1, successes: 1, failures: 1, trips: 2 });
    });

    it("trip reopens it (GUARDIAN_TRIP); reset closes it (GUARDIAN_RESET)", async () => {
      await guardianCall(T0 + 2, "trip", [transition("HALF_OPEN", "OPEN", "GUARDIAN_TRIP")]);
      expect(await statusAt(T0 + 2)).to.deep.equal(status("OPEN", { openedAt: T0 + 2, nextRequestAt: T0 + 2 + C }));
      await guardianCall(T0 + 3, "forceHalfOpen", [transition("OPEN", "HALF_OPEN", "GUARDIAN_HALF_OPEN")]);
      await guardianCall(T0 + 4, "reset", [transition("HALF_OPEN", "CLOSED", "GUARDIAN_RESET")]);
      expect((await counters()).trips).to.equal(2);
    });

    it("forceHalfOpen is AlreadyInState(HALF_OPEN)", async () => {
      await expectRejectedNoChange(CB, everything, () => cb.connect(guardian).forceHalfOpen(E, A), "AlreadyInState", {
        state: BigInt(S.HALF_OPEN),
      });
    });

    it("a lower probe limit applies at once to the pair's next request", async () => {
      await request(T0 + 2, { allowed: true, retryAt: 0, logs: [] });
      await request(T0 + 2, { allowed: true, retryAt: 0, logs: [] });
      await sendAt(T0 + 3, cb, admin, "setConfig", [{ ...CONFIG, halfOpenMaxProbes: 2, successThreshold: 2 }]);
      await request(T0 + 4, { allowed: false, retryAt: 0, logs: [denied("ProbeLimitReached", 0)] });
    });
  });

  describe("pause", () => {
    beforeEach(async () => {
      await (await cb.connect(guardian).pause()).wait();
    });

    it("request, reset, forceHalfOpen and setConfig are blocked (Paused)", async () => {
      await expectRejectedNoChange(CB, everything, () => cb.connect(consumer).request(E, A), "Paused");
      await expectRejectedNoChange(CB, everything, () => cb.connect(guardian).reset(E, A), "Paused");
      await expectRejectedNoChange(CB, everything, () => cb.connect(guardian).forceHalfOpen(E, A), "Paused");
      await expectRejectedNoChange(CB, everything, () => cb.connect(admin).setConfig(CONFIG), "Paused");
    });

    it("recordOutcome and trip keep working (safety)", async () => {
      await outcome(T0, false);
      await outcome(T0, true);
      await guardianCall(T0 + 1, "trip", [transition("CLOSED", "OPEN", "GUARDIAN_TRIP")]);
      await outcome(T0 + 2, false);
      expect(await counters()).to.deep.equal({ requests: 0, rejections: 0, successes: 1, failures: 2, trips: 1 });
    });

    it("a paused breaker still materializes a due cooldown on outcome reports", async () => {
      await guardianCall(T0, "trip", [transition("CLOSED", "OPEN", "GUARDIAN_TRIP")]);
      await outcome(T0 + C, false, [
        transition("OPEN", "HALF_OPEN", "COOLDOWN_ELAPSED"),
        transition("HALF_OPEN", "OPEN", "PROBE_FAILED"),
      ]);
    });
  });

  describe("bad input and wrong callers revert and change nothing", () => {
    it("each operation needs its role", async () => {
      const cases: [HardhatEthersSigner, string, unknown[], string][] = [
        [reporter, "request", [E, A], "CONSUMER"],
        [guardian, "request", [E, A], "CONSUMER"],
        [consumer, "recordOutcome", [E, A, false], "REPORTER"],
        [admin, "recordOutcome", [E, A, true], "REPORTER"],
        [admin, "trip", [E, A], "GUARDIAN"],
        [consumer, "reset", [E, A], "GUARDIAN"],
        [reporter, "forceHalfOpen", [E, A], "GUARDIAN"],
        [guardian, "setConfig", [CONFIG], "ADMIN"],
      ];
      for (const [who, fn, args, role] of cases) {
        await expectRejectedNoChange(CB, everything, () => cb.connect(who).getFunction(fn)(...args), "Unauthorized", {
          account: who.address,
          role,
        });
      }
    });

    it("ids: executorId 0 is InvalidExecutorId (first), actionId 0 is InvalidActionId, on every pair operation", async () => {
      const calls: [HardhatEthersSigner, string, unknown[]][] = [
        [consumer, "request", []],
        [reporter, "recordOutcome", [false]],
        [guardian, "trip", []],
        [guardian, "reset", []],
        [guardian, "forceHalfOpen", []],
      ];
      for (const [who, fn, extra] of calls) {
        const f = cb.connect(who).getFunction(fn);
        await expectRejectedNoChange(CB, everything, () => f(0n, A, ...extra), "InvalidExecutorId");
        await expectRejectedNoChange(CB, everything, () => f(E, ZERO_ACTION, ...extra), "InvalidActionId");
        await expectRejectedNoChange(CB, everything, () => f(0n, ZERO_ACTION, ...extra), "InvalidExecutorId");
      }
    });

    it("check order: role, then pause (liveness operations only), then arguments", async () => {
      await (await cb.connect(guardian).pause()).wait();
      await expectSpecError(CB, cb.connect(stranger).request(0n, ZERO_ACTION), "Unauthorized");
      await expectSpecError(CB, cb.connect(consumer).request(0n, ZERO_ACTION), "Paused");
      await expectSpecError(CB, cb.connect(reporter).recordOutcome(0n, A, true), "InvalidExecutorId");
      await expectSpecError(CB, cb.connect(guardian).trip(E, ZERO_ACTION), "InvalidActionId");
      await expectSpecError(CB, cb.connect(admin).setConfig({ ...CONFIG, failureThreshold: 0 }), "Paused");
    });

    const cases: [string, Partial<typeof CONFIG>, string, Record<string, bigint>][] = [
      ["failureThreshold 0", { failureThreshold: 0 }, "InvalidFailureThreshold", { value: 0n }],
      [
        "failureThreshold above MAX",
        { failureThreshold: K.MAX_FAILURE_THRESHOLD + 1 },
        "InvalidFailureThreshold",
        { value: BigInt(K.MAX_FAILURE_THRESHOLD + 1) },
      ],
      ["cooldown 0", { cooldown: 0 }, "InvalidCooldown", { value: 0n }],
      [
        "cooldown above MAX",
        { cooldown: K.MAX_COOLDOWN + 1 },
        "InvalidCooldown",
        { value: BigInt(K.MAX_COOLDOWN + 1) },
      ],
      ["halfOpenMaxProbes 0", { halfOpenMaxProbes: 0, successThreshold: 1 }, "InvalidProbeLimit", { value: 0n }],
      [
        "halfOpenMaxProbes above MAX",
        { halfOpenMaxProbes: K.MAX_PROBES + 1 },
        "InvalidProbeLimit",
        { value: BigInt(K.MAX_PROBES + 1) },
      ],
      ["successThreshold 0", { successThreshold: 0 }, "InvalidSuccessThreshold", { value: 0n, halfOpenMaxProbes: 3n }],
      [
        "successThreshold above probes",
        { successThreshold: 4 },
        "InvalidSuccessThreshold",
        { value: 4n, halfOpenMaxProbes: 3n },
      ],
      // Several faults: the first in the spec's validation order wins.
      [
        "everything 0",
        { failureThreshold: 0, cooldown: 0, halfOpenMaxProbes: 0, successThreshold: 0 },
        "InvalidFailureThreshold",
        { value: 0n },
      ],
      ["cooldown and probes 0", { cooldown: 0, halfOpenMaxProbes: 0 }, "InvalidCooldown", { value: 0n }],
      ["probes 0 and success 5", { halfOpenMaxProbes: 0, successThreshold: 5 }, "InvalidProbeLimit", { value: 0n }],
    ];
    for (const [label, patch, error, args] of cases) {
      it(`${label}: ${error} from setConfig and initialize`, async () => {
        const cfg = { ...CONFIG, ...patch };
        await expectRejectedNoChange(CB, everything, () => cb.connect(admin).setConfig(cfg), error, args);
        await expectSpecError(CB, deployProxy(CB, [admin.address, cfg]), error, args);
      });
    }

    it("the bounds themselves are valid (MAX values, S = P, all ones)", async () => {
      for (const cfg of [
        {
          failureThreshold: K.MAX_FAILURE_THRESHOLD,
          cooldown: K.MAX_COOLDOWN,
          halfOpenMaxProbes: K.MAX_PROBES,
          successThreshold: K.MAX_PROBES,
        },
        { failureThreshold: 1, cooldown: 1, halfOpenMaxProbes: 1, successThreshold: 1 },
      ]) {
        await (await cb.connect(admin).setConfig(cfg)).wait();
        expect([...(await cb.config())]).to.deep.equal(Object.values(cfg).map(BigInt));
      }
    });
  });

  it("a full life: counters add up over every state", async () => {
    await request(T0, { allowed: true, retryAt: 0, logs: [] });
    await openByFailures(T0 + 1); // failures 3, trips 1
    await request(T0 + 2, { allowed: false, retryAt: T0 + 1 + C, logs: [denied("BreakerOpen", T0 + 1 + C)] });
    await outcome(T0 + 3, true); // counted only
    await request(T0 + 1 + C, {
      allowed: true,
      retryAt: 0,
      logs: [transition("OPEN", "HALF_OPEN", "COOLDOWN_ELAPSED")],
    });
    await outcome(T0 + 2 + C, true);
    await outcome(T0 + 2 + C, true, [transition("HALF_OPEN", "CLOSED", "PROBES_SUCCEEDED")]);
    expect(await counters()).to.deep.equal({ requests: 3, rejections: 1, successes: 3, failures: 3, trips: 1 });
  });
});
