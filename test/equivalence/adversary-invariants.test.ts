import { expect } from "chai";

import {
  ADV_ACTIONS,
  SAFETY_INVARIANTS,
  U64_MAX,
  type Canon,
  type DifferentialRunner,
  type Invariant,
  type Outcome,
  type ScenarioStep,
  type Stack,
} from "../../src/equivalence";
import { loadSpec } from "../../src/spec";

/**
 * Unit tests of the adversarial campaign's safety invariants (spec/scenarios.md
 * "Adversarial campaign") against a stand-in stack whose query answers are set by the
 * test: each invariant reports the observable shape of the hole it guards against (the
 * behaviour of the contracts before the safety fixes) and stays silent on the fixed one.
 * The real contracts are exercised by adversary.test.ts and the campaign in CI.
 */

const spec = loadSpec();
// A runner with no state digest: every read goes to the stub stack.
const runner = { spec, readAfterStep: () => undefined } as unknown as DifferentialRunner;
const A = ADV_ACTIONS[0];

type Answers = Record<string, (args: Record<string, unknown>) => Canon>;

function fakeStack(answers: Answers): Stack {
  return {
    name: "evm",
    query: (on: string, op: { name: string }, args: Record<string, unknown>): Promise<Outcome> => {
      const f = answers[`${on}.${op.name}`];
      if (!f) throw new Error(`unexpected query ${on}.${op.name}`);
      return Promise.resolve({ status: "ok", code: null, name: null, result: f(args), events: {} });
    },
  } as unknown as Stack;
}

const byName = (prefix: string): Invariant => {
  const inv = SAFETY_INVARIANTS.find((i) => i.name.startsWith(prefix));
  if (!inv) throw new Error(prefix);
  return inv;
};

function outcome(result: Canon | null, events: Outcome["events"] = {}): Outcome {
  return { status: "ok", code: null, name: null, result, events };
}

/** Runs a sequence of (step, outcome) through one invariant: the first violation, if any. */
async function run(
  inv: Invariant,
  stack: Stack,
  seq: { step: ScenarioStep; out: Outcome }[],
): Promise<string | undefined> {
  const memory = new Map<string, unknown>();
  for (const { step, out } of seq) {
    const now = spec.timeOrigin + step.at;
    const base = { runner, stack, step, now, memory, deployed: [] };
    await inv.before?.(base);
    const op = spec.component(step.on).operation(step.call ?? "");
    const msg = await inv.check({ ...base, op, outcome: out });
    if (msg) return msg;
  }
  return undefined;
}

const issue = (at: number, executorId: number, as = "planner", nonce: number | string = at + 1): ScenarioStep => ({
  at,
  on: "CapabilityIssuer",
  as,
  call: "issue",
  args: {
    intent: {
      executorId,
      actionId: A,
      nonce,
      notBefore: 0,
      notAfter: U64_MAX,
      ttl: 3600,
      preStateRoot: A,
      params: [1, 1],
    },
  },
});
const issued = (tokenId: string) => outcome({ issued: true, tokenId, code: "0", retryAt: "0" });
const denied = (code: string) => outcome({ issued: false, tokenId: "0", code, retryAt: "0" });
const override = (at: number, to: number): ScenarioStep => ({
  at,
  on: "ANSStateManager",
  as: "admin",
  call: "overrideState",
  args: { executorId: 1, to, reason: "x" },
});
const transition = (to: string) =>
  outcome(null, {
    ANSStateManager: [
      { name: "StateTransition", fields: { executorId: "1", from: "0", to, tonePpm: "0", cause: "2" } },
    ],
  });
const breakerTransition = (from: string, to: string) => ({
  name: "BreakerTransition",
  fields: { executorId: "1", actionId: A, from, to, reason: "4" },
});
const token = { executorId: "1", actionId: A, expiresAt: String(spec.timeOrigin + 3600) };

describe("adversarial campaign: the safety invariants flag the holes", () => {
  describe("(a) no valid token in or across a SHUTDOWN", () => {
    const seq = [
      { step: issue(0, 1), out: issued("1") },
      { step: override(1, 2), out: transition("2") },
      { step: override(2, 0), out: transition("0") },
    ];
    /** `revives`: isValid looks at the current state only (the old contracts). */
    const stack = (revives: boolean, state: () => string) => {
      let current = "0";
      return fakeStack({
        "CapabilityIssuer.token": () => token,
        "ANSStateManager.executorState": () => ({ state: (current = state()) }),
        "CapabilityIssuer.isValid": () => ({ valid: revives && current !== "2" }),
      });
    };

    it("reports a token issued before SHUTDOWN that is valid again after an override to SAFE", async () => {
      const states = ["0", "2", "0"];
      let i = -1;
      const msg = await run(
        byName("(a)"),
        stack(true, () => states[Math.min(++i, 2)]),
        seq.map((s) => s),
      );
      expect(msg).to.match(/token 1, issued before executor 1 entered SHUTDOWN .* is valid again/);
    });

    it("reports a token valid while its executor is in SHUTDOWN", async () => {
      const msg = await run(
        byName("(a)"),
        fakeStack({
          "CapabilityIssuer.token": () => token,
          "ANSStateManager.executorState": () => ({ state: "2" }),
          "CapabilityIssuer.isValid": () => ({ valid: true }),
        }),
        [{ step: issue(0, 1), out: issued("1") }],
      );
      expect(msg).to.match(/token 1 is valid while executor 1 is in SHUTDOWN/);
    });

    it("is silent when the token stays invalid after the override", async () => {
      expect(
        await run(
          byName("(a)"),
          stack(false, () => "0"),
          seq,
        ),
      ).to.equal(undefined);
    });
  });

  describe("(b) no issue past an OPEN breaker or a full window", () => {
    const stack = (state: string, used: string) =>
      fakeStack({
        "CapabilityIssuer.token": () => token,
        "CircuitBreaker.status": () => ({ state, probesAdmitted: "0" }),
        "CircuitBreaker.config": () => ({ halfOpenMaxProbes: "1" }),
        "RateLimiter.usage": () => ({ used, capacity: "2" }),
      });

    it("reports an issue through an OPEN breaker and one into a full window", async () => {
      expect(await run(byName("(b)"), stack("1", "0"), [{ step: issue(0, 1), out: issued("1") }])).to.match(
        /while the breaker was OPEN/,
      );
      expect(await run(byName("(b)"), stack("0", "2"), [{ step: issue(0, 1), out: issued("1") }])).to.match(
        /into a full window \(2\/2\)/,
      );
    });

    it("is silent for an issue through a CLOSED breaker with room in the window, and for a denial", async () => {
      expect(await run(byName("(b)"), stack("0", "1"), [{ step: issue(0, 1), out: issued("1") }])).to.equal(undefined);
      expect(await run(byName("(b)"), stack("1", "2"), [{ step: issue(0, 1), out: denied("3100") }])).to.equal(
        undefined,
      );
    });
  });

  describe("(c) no executor locked out by a foreign planner", () => {
    const stack = (lastNonce: string) => fakeStack({ "CapabilityIssuer.executor": () => ({ lastNonce }) });
    const step = issue(0, 1, "roguePlanner", U64_MAX);

    it("reports a foreign intent that pushed executor 1's lastNonce to 2^64-1 (or within 2^32 of it)", async () => {
      expect(await run(byName("(c)"), stack(U64_MAX), [{ step, out: denied("7100") }])).to.match(
        /executor 1's lastNonce is 18446744073709551615 after roguePlanner's intent/,
      );
      const near = ((1n << 64n) - (1n << 32n)).toString();
      expect(await run(byName("(c)"), stack(near), [{ step, out: denied("7100") }])).to.match(/fewer than 2\^32/);
    });

    it("is silent while 2^32 nonces or more are left", async () => {
      const ok = ((1n << 64n) - 1n - (1n << 32n)).toString();
      expect(await run(byName("(c)"), stack(ok), [{ step, out: denied("7100") }])).to.equal(undefined);
    });
  });

  describe("(d) no admission lost", () => {
    it("reports a HALF_OPEN probe used by an issue the limiter then denied", async () => {
      let probes = 0;
      const stack = fakeStack({
        "CircuitBreaker.status": () => ({ state: "2", probesAdmitted: String(probes++ === 0 ? 0 : 1) }),
        "RateLimiter.usage": () => ({ used: "2", capacity: "2" }),
      });
      expect(await run(byName("(d)"), stack, [{ step: issue(0, 1), out: denied("2100") }])).to.match(
        /issue denied \(2100\) but it used a HALF_OPEN probe \(0 → 1\)/,
      );
    });

    it("is silent when the denied issue left the probe unused", async () => {
      const stack = fakeStack({
        "CircuitBreaker.status": () => ({ state: "2", probesAdmitted: "0" }),
        "RateLimiter.usage": () => ({ used: "2", capacity: "2" }),
      });
      expect(await run(byName("(d)"), stack, [{ step: issue(0, 1), out: denied("2100") }])).to.equal(undefined);
    });

    const report = (at: number, tokenId: number): ScenarioStep => ({
      at,
      on: "CapabilityIssuer",
      as: "rogueReporter",
      call: "reportOutcome",
      args: { tokenId, success: true },
    });
    const trip: ScenarioStep = { at: 1, on: "CircuitBreaker", as: "guardian", call: "forceHalfOpen", args: {} };
    const stack = fakeStack({
      "CapabilityIssuer.token": () => token,
      "CircuitBreaker.status": () => ({ state: "2", probesAdmitted: "0" }),
      "RateLimiter.usage": () => ({ used: "0", capacity: "2" }),
    });

    it("reports a success of a token issued before HALF_OPEN that closed the breaker", async () => {
      const msg = await run(byName("(d)"), stack, [
        { step: issue(0, 1), out: issued("1") },
        { step: trip, out: outcome(null, { CircuitBreaker: [breakerTransition("1", "2")] }) },
        { step: report(2, 1), out: outcome(null, { CircuitBreaker: [breakerTransition("2", "0")] }) },
      ]);
      expect(msg).to.match(
        /the outcome of token 1, issued before the breaker went HALF_OPEN \(tokens <= 1\), closed it/,
      );
    });

    it("is silent when the closing outcome is of a probe issued in the HALF_OPEN period", async () => {
      const msg = await run(byName("(d)"), stack, [
        { step: issue(0, 1), out: issued("1") },
        { step: trip, out: outcome(null, { CircuitBreaker: [breakerTransition("1", "2")] }) },
        { step: issue(2, 1), out: issued("2") },
        { step: report(3, 2), out: outcome(null, { CircuitBreaker: [breakerTransition("2", "0")] }) },
      ]);
      expect(msg).to.equal(undefined);
    });
  });
});
