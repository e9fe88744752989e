import fc from "fast-check";

import type { Canon } from "./canon";
import type { Invariant, InvariantContext } from "./invariants";
import { SYSTEM_COMPONENTS, type Scenario, type ScenarioStep } from "./scenario";

/**
 * The adversarial campaign (spec/scenarios.md "Adversarial campaign"): the whole safety core
 * deployed with the standard wiring, driven by honest actors and by COMPROMISED ones that
 * hold their role legitimately but send any arguments, in any order, at any time —
 * a planner, a reporter, an attestor and an oracle — interleaved with the guardian's and
 * governance's interventions. After every step the safety invariants below must hold on
 * both stacks, read from the contracts' queries and events only.
 */

export const U64_MAX = "18446744073709551615";
const U64_MAX_BIG = (1n << 64n) - 1n;
/** A foreign planner must leave the executor at least this many nonces (invariant c). */
export const NONCE_HEADROOM = 1n << 32n;

export const ADV_ACTIONS = [`0x${"a1".repeat(32)}`, `0x${"b2".repeat(32)}`] as const;
const UNKNOWN_ACTION = `0x${"e5".repeat(32)}`;
export const ADV_ROOTS = [`0x${"c3".repeat(32)}`, `0x${"d4".repeat(32)}`] as const;
const ZERO32 = `0x${"00".repeat(32)}`;

/** executor id → the planner that legitimately plans for it (the other is foreign to it). */
export const LEGIT_PLANNER: Record<number, string> = { 1: "planner", 2: "roguePlanner" };
/** Executors whose legitimate planner is honest: invariant (c) protects them from the rogue. */
const PROTECTED_EXECUTORS = [1];
const EXECUTORS = [1, 2];

/** A command before its time and honest counters are fixed. */
export interface AdvCommand {
  dt: number;
  step: Omit<ScenarioStep, "at">;
  /** An honest actor's increasing counter: the intent nonce or the evidence sequence. */
  fill?: "nonce" | "sequence";
}

/** Small windows and thresholds so that full windows, open breakers and probes happen. */
export function adversarialInit(): Record<string, Record<string, unknown>> {
  return {
    RateLimiter: { defaultConfig: { capacity: 2, window: 60, buckets: 6 } },
    CircuitBreaker: { config: { failureThreshold: 2, cooldown: 30, halfOpenMaxProbes: 1, successThreshold: 1 } },
  };
}

/** Who holds which role. Each compromised actor holds the same role as its honest twin. */
export function adversarialActors(): Record<string, Record<string, string[]>> {
  return {
    admin: {},
    guardian: {
      CircuitBreaker: ["GUARDIAN"],
      CapabilityIssuer: ["GUARDIAN"],
      ReflexArc: ["GUARDIAN"],
    },
    planner: { CapabilityIssuer: ["PLANNER"] },
    roguePlanner: { CapabilityIssuer: ["PLANNER"] },
    reporter: { CapabilityIssuer: ["REPORTER"] },
    rogueReporter: { CapabilityIssuer: ["REPORTER"] },
    attestor: { AfferentInbox: ["ATTESTOR"] },
    rogueAttestor: { AfferentInbox: ["ATTESTOR"] },
    oracle: { ANSStateManager: ["ORACLE"] },
    rogueOracle: { ANSStateManager: ["ORACLE"] },
    operator1: {},
    operator2: {},
  };
}

const metrics = (sequence: number | string, riskPpm: number, forceMilliN: number | string = 0) => ({
  sequence,
  riskPpm,
  forceMilliN,
  velocityMilliMps: 0,
  temperatureMilliC: 20000,
});

/** What governance sets up before the first step: executors, action schemas, first evidence. */
export function adversarialPrelude(): ScenarioStep[] {
  const steps: ScenarioStep[] = [];
  for (const e of EXECUTORS) {
    steps.push({
      at: 0,
      on: "CapabilityIssuer",
      as: "admin",
      call: "registerExecutor",
      args: { executorId: e, account: `@operator${e}` },
    });
  }
  for (const a of ADV_ACTIONS) {
    steps.push({
      at: 0,
      on: "VagalBrake",
      as: "admin",
      call: "setActionSchema",
      args: {
        actionId: a,
        params: [
          { name: "force", brakeable: true, cap: 1000 },
          { name: "speed", brakeable: false, cap: 500 },
        ],
      },
    });
  }
  for (const e of EXECUTORS) {
    steps.push({
      at: 0,
      on: "AfferentInbox",
      as: "attestor",
      call: "postEvidence",
      args: { executorId: e, stateRoot: ADV_ROOTS[0], metrics: metrics(1, 0) },
    });
  }
  return steps;
}

export function adversarialScenario(): Scenario {
  return {
    name: "adversarial",
    components: [...SYSTEM_COMPONENTS],
    init: adversarialInit(),
    actors: adversarialActors(),
    steps: adversarialPrelude(),
  };
}

const w = <T>(weight: number, arbitrary: fc.Arbitrary<T>) => ({ weight, arbitrary });
const call = (on: string, as: string, name: string, args: Record<string, unknown>): Omit<ScenarioStep, "at"> => ({
  on,
  as,
  call: name,
  args,
});

/** Extreme and ordinary values of a uint64 argument (decimal strings past 2^53). */
const anyU64 = fc.constantFrom<number | string>(
  0,
  1,
  2,
  7,
  100,
  4294967295,
  "9223372036854775808",
  "18446744073709551614",
  U64_MAX,
);

/** The commands of all actors, honest and compromised; `origin` is the campaign's time origin. */
export function adversaryArb(origin: number): fc.Arbitrary<AdvCommand> {
  const executor = fc.constantFrom(...EXECUTORS);
  const anyExecutor = fc.constantFrom<number | string>(0, 1, 2, 3, U64_MAX);
  const action = fc.constantFrom(...ADV_ACTIONS);
  const anyAction = fc.constantFrom(ADV_ACTIONS[0], ADV_ACTIONS[1], UNKNOWN_ACTION, ZERO32);
  const root = fc.oneof(w(3, fc.constant(ADV_ROOTS[0])), w(1, fc.constant(ADV_ROOTS[1])));
  const anyRoot = fc.constantFrom(ADV_ROOTS[0], ADV_ROOTS[1], ZERO32, `0x${"ff".repeat(32)}`);
  const tokenId = fc.integer({ min: 1, max: 10 });
  const anyTokenId = fc.constantFrom<number | string>(0, 1, 2, 3, 4, 5, 8, 13, 21, U64_MAX, `${(1n << 256n) - 1n}`);
  const anyTime = fc.constantFrom<number | string>(0, origin, origin + 30, origin + 3600, U64_MAX);

  const honestPlanner = fc
    .record({
      actionId: action,
      ttl: fc.constantFrom(30, 300, 3600),
      preStateRoot: root,
      params: fc.tuple(fc.constantFrom(100, 500, 900), fc.constantFrom(100, 400)),
    })
    .map((i): AdvCommand => ({
      dt: 0,
      fill: "nonce",
      step: call("CapabilityIssuer", "planner", "issue", {
        intent: {
          executorId: 1,
          actionId: i.actionId,
          nonce: 0,
          notBefore: 0,
          notAfter: U64_MAX,
          ttl: i.ttl,
          preStateRoot: i.preStateRoot,
          params: i.params,
        },
      }),
    }));
  const roguePlanner = fc
    .record({
      executorId: anyExecutor,
      actionId: anyAction,
      nonce: fc.oneof(w(3, anyU64), w(2, fc.constant(-1))),
      notBefore: fc.oneof(w(4, fc.constant<number | string>(0)), w(1, anyTime)),
      notAfter: fc.oneof(w(4, fc.constant<number | string>(U64_MAX)), w(1, anyTime)),
      ttl: fc.constantFrom<number>(0, 1, 30, 3600, 3601, 4294967295),
      preStateRoot: fc.oneof(w(3, root), w(1, anyRoot)),
      params: fc.oneof(
        w(4, fc.tuple(fc.constantFrom(100, 1000, 1001), fc.constantFrom(100, 500, 501))),
        w(1, fc.array(fc.constantFrom<number | string>(0, 1000, U64_MAX), { maxLength: 3 })),
      ),
    })
    .map((i): AdvCommand => ({
      dt: 0,
      // -1: the next nonce after the honest ones (an ordinary-looking nonce).
      fill: i.nonce === -1 ? "nonce" : undefined,
      step: call("CapabilityIssuer", "roguePlanner", "issue", {
        intent: { ...i, nonce: i.nonce === -1 ? 0 : i.nonce },
      }),
    }));
  const honestOracle = fc
    .record({ executorId: executor, tonePpm: fc.constantFrom(0, 300000, 650000, 950000) })
    .map((a): AdvCommand => ({ dt: 0, step: call("ANSStateManager", "oracle", "updateTone", a) }));
  const rogueOracle = fc
    .record({
      executorId: anyExecutor,
      tonePpm: fc.constantFrom(0, 399999, 400000, 600000, 899999, 900000, 1000000, 1000001, 4294967295),
    })
    .map((a): AdvCommand => ({ dt: 0, step: call("ANSStateManager", "rogueOracle", "updateTone", a) }));
  const honestAttestor = fc
    .record({ executorId: executor, stateRoot: root, riskPpm: fc.constantFrom(0, 200000, 850000) })
    .map((a): AdvCommand => ({
      dt: 0,
      fill: "sequence",
      step: call("AfferentInbox", "attestor", "postEvidence", {
        executorId: a.executorId,
        stateRoot: a.stateRoot,
        metrics: metrics(0, a.riskPpm),
      }),
    }));
  const rogueAttestor = fc
    .record({
      executorId: anyExecutor,
      stateRoot: anyRoot,
      sequence: anyU64,
      riskPpm: fc.constantFrom(0, 799999, 800000, 1000000, 1000001),
      forceMilliN: fc.constantFrom<number | string>(0, 499999, 500000, U64_MAX),
      velocityMilliMps: fc.constantFrom<number | string>(0, 2000, U64_MAX),
      temperatureMilliC: fc.constantFrom<number | string>("-9223372036854775808", -1, 0, 80000, "9223372036854775807"),
    })
    .map((a): AdvCommand => ({
      dt: 0,
      step: call("AfferentInbox", "rogueAttestor", "postEvidence", {
        executorId: a.executorId,
        stateRoot: a.stateRoot,
        metrics: {
          sequence: a.sequence,
          riskPpm: a.riskPpm,
          forceMilliN: a.forceMilliN,
          velocityMilliMps: a.velocityMilliMps,
          temperatureMilliC: a.temperatureMilliC,
        },
      }),
    }));
  const honestReporter = fc
    .record({ tokenId, success: fc.oneof(w(3, fc.constant(true)), w(1, fc.constant(false))) })
    .map((a): AdvCommand => ({ dt: 0, step: call("CapabilityIssuer", "reporter", "reportOutcome", a) }));
  const rogueReporter = fc
    .record({ tokenId: anyTokenId, success: fc.boolean() })
    .map((a): AdvCommand => ({ dt: 0, step: call("CapabilityIssuer", "rogueReporter", "reportOutcome", a) }));
  const pair = fc.record({ executorId: executor, actionId: action });
  const guardian = fc.oneof(
    w(
      3,
      fc
        .tuple(fc.constantFrom("trip", "reset", "forceHalfOpen"), pair)
        .map(([op, p]): AdvCommand => ({ dt: 0, step: call("CircuitBreaker", "guardian", op, p) })),
    ),
    w(
      1,
      executor.map((e): AdvCommand => ({
        dt: 0,
        step: call("CapabilityIssuer", "guardian", "pauseExecutor", { executorId: e }),
      })),
    ),
    w(
      2,
      executor.map((e): AdvCommand => ({
        dt: 0,
        step: call("ReflexArc", "guardian", "trigger", { executorId: e, reason: "campaign" }),
      })),
    ),
    w(
      1,
      fc
        .constantFrom("CapabilityIssuer", "CircuitBreaker")
        .map((on): AdvCommand => ({ dt: 0, step: call(on, "guardian", "pause", {}) })),
    ),
  );
  const governance = fc.oneof(
    w(
      4,
      fc.record({ executorId: executor, to: fc.constantFrom(0, 1, 2) }).map((a): AdvCommand => ({
        dt: 0,
        step: call("ANSStateManager", "admin", "overrideState", { ...a, reason: "governance" }),
      })),
    ),
    w(
      1,
      executor.map((e): AdvCommand => ({
        dt: 0,
        step: call("CapabilityIssuer", "admin", "unpauseExecutor", { executorId: e }),
      })),
    ),
    w(
      1,
      fc
        .constantFrom("CapabilityIssuer", "CircuitBreaker")
        .map((on): AdvCommand => ({ dt: 0, step: call(on, "admin", "unpause", {}) })),
    ),
  );
  const dt = fc.oneof(
    w(6, fc.constant(0)),
    w(6, fc.integer({ min: 1, max: 15 })),
    w(3, fc.constantFrom(29, 30, 31, 59, 60, 61, 120, 299, 300, 301, 600, 3600)),
  );
  const command = fc.oneof(
    w(10, honestPlanner),
    w(8, roguePlanner),
    w(5, honestOracle),
    w(5, rogueOracle),
    w(3, honestAttestor),
    w(3, rogueAttestor),
    w(4, honestReporter),
    w(4, rogueReporter),
    w(4, guardian),
    w(3, governance),
  );
  return fc.tuple(dt, command).map(([d, c]) => ({ ...c, dt: d }));
}

/**
 * Times and honest counters: an honest planner's nonce and an honest attestor's sequence
 * grow with the step's position (after the prelude's sequence 1), so a shrunk sequence
 * keeps them increasing and replays as written.
 */
export function adversarialSteps(cmds: AdvCommand[]): ScenarioStep[] {
  let at = 0;
  return cmds.map((c, i) => {
    at += c.dt;
    const step: ScenarioStep = { at, ...c.step };
    if (c.fill === "nonce") {
      const intent = step.args?.intent as Record<string, unknown>;
      step.args = { intent: { ...intent, nonce: i + 1 } };
    } else if (c.fill === "sequence") {
      const m = step.args?.metrics as Record<string, unknown>;
      step.args = { ...step.args, metrics: { ...m, sequence: i + 2 } };
    }
    return step;
  });
}

// ---------------------------------------------------------------------------------------
// The safety invariants (issue 9 item 9), from queries and events only.

type Obj = Record<string, Canon>;
const num = (v: Canon): bigint => BigInt(v as string);

async function ask(ctx: Pick<InvariantContext, "runner" | "stack">, on: string, query: string, args: Obj | object) {
  const op = ctx.runner.spec.component(on).operation(query);
  const a = args as Record<string, unknown>;
  const o = ctx.runner.readAfterStep(ctx.stack, on, query, a) ?? (await ctx.stack.query(on, op, a));
  if (o.status === "error") throw new Error(`${on}.${query}(${JSON.stringify(args)}) failed: ${o.code} ${o.name}`);
  return o.result as Obj;
}

interface TokenSeen {
  executorId: string;
  actionId: string;
  expiresAt: bigint;
}

/** What the invariants remember of one run on one stack. */
interface Track {
  step?: ScenarioStep;
  tokens: Map<string, TokenSeen>;
  /** The highest token id issued so far. */
  maxToken: bigint;
  /** executor → the highest token id that existed when it last entered SHUTDOWN. */
  shutdownMark: Map<string, bigint>;
  /** `executor/action` → the highest token id that existed when the pair last entered HALF_OPEN. */
  halfOpenMark: Map<string, bigint>;
  /** Breaker status and limiter usage of the issue's pair just before the step. */
  before?: { status: Obj; usage: Obj };
  beforeStep?: ScenarioStep;
}

function track(memory: Map<string, unknown>): Track {
  let t = memory.get("adversary") as Track | undefined;
  if (!t) {
    t = { tokens: new Map(), maxToken: 0n, shutdownMark: new Map(), halfOpenMark: new Map() };
    memory.set("adversary", t);
  }
  return t;
}

const txt = (v: Canon | undefined): string => (typeof v === "string" ? v : JSON.stringify(v));
const pairKey = (e: Canon, a: Canon) => `${txt(e)}/${txt(a)}`;

function intentOf(step: ScenarioStep): Record<string, unknown> | undefined {
  if (step.on !== "CapabilityIssuer" || step.call !== "issue") return undefined;
  return step.args?.intent as Record<string, unknown>;
}

/** Records this step's transitions and tokens once per step (whichever invariant runs first). */
async function observe(ctx: InvariantContext): Promise<Track> {
  const t = track(ctx.memory);
  if (t.step === ctx.step) return t;
  t.step = ctx.step;
  // Marks first: a transition of this step happened before this step's own mint, if any.
  for (const ev of ctx.outcome.events.ANSStateManager ?? []) {
    if (ev.name === "StateTransition" && ev.fields.to === "2") {
      t.shutdownMark.set(ev.fields.executorId as string, t.maxToken);
    }
  }
  for (const ev of ctx.outcome.events.CircuitBreaker ?? []) {
    if (ev.name === "BreakerTransition" && ev.fields.to === "2") {
      t.halfOpenMark.set(pairKey(ev.fields.executorId, ev.fields.actionId), t.maxToken);
    }
  }
  const r = ctx.outcome.result as Obj | null;
  if (intentOf(ctx.step) && r && r.issued === true) {
    const id = r.tokenId as string;
    const tok = await ask(ctx, "CapabilityIssuer", "token", { tokenId: id });
    t.tokens.set(id, {
      executorId: tok.executorId as string,
      actionId: tok.actionId as string,
      expiresAt: num(tok.expiresAt),
    });
    if (BigInt(id) > t.maxToken) t.maxToken = BigInt(id);
  }
  return t;
}

const isTrue = (v: Obj | Canon) =>
  typeof v === "boolean" ? v : (v as Obj).valid === true || (v as Obj).isValid === true;

/** The pair an issue step touches, as query arguments (undefined for malformed intents). */
function issuePair(step: ScenarioStep): { executorId: unknown; actionId: unknown } | undefined {
  const intent = intentOf(step);
  if (!intent) return undefined;
  if (!ADV_ACTIONS.includes(intent.actionId as (typeof ADV_ACTIONS)[number])) return undefined;
  if (!EXECUTORS.includes(Number(intent.executorId))) return undefined;
  return { executorId: intent.executorId, actionId: intent.actionId };
}

/** Runs before an issue step, at the step's time: the pair's breaker and window as the issue finds them. */
async function beforeIssue(ctx: Omit<InvariantContext, "op" | "outcome">): Promise<void> {
  const t = track(ctx.memory);
  if (t.beforeStep === ctx.step) return;
  t.beforeStep = ctx.step;
  t.before = undefined;
  const pair = issuePair(ctx.step);
  if (!pair) return;
  const [status, usage] = await Promise.all([
    ask(ctx, "CircuitBreaker", "status", pair),
    ask(ctx, "RateLimiter", "usage", pair),
  ]);
  t.before = { status, usage };
}

const BREAKER = { CLOSED: 0n, OPEN: 1n, HALF_OPEN: 2n };

export const SAFETY_INVARIANTS: readonly Invariant[] = [
  {
    name: "(a) no valid token in or across a SHUTDOWN",
    source: "spec/safety-core.md §4.3, §6.1; issue 9 item 1",
    needs: ["CapabilityIssuer", "ANSStateManager"],
    async check(ctx) {
      const t = await observe(ctx);
      const states = new Map<string, bigint>();
      for (const [id, tok] of t.tokens) {
        if (tok.expiresAt <= BigInt(ctx.now)) {
          t.tokens.delete(id); // expiry is final: time only moves forward
          continue;
        }
        if (!states.has(tok.executorId)) {
          const st = await ask(ctx, "ANSStateManager", "executorState", { executorId: tok.executorId });
          states.set(tok.executorId, num(st.state));
        }
        const inShutdown = states.get(tok.executorId) === 2n;
        const mark = t.shutdownMark.get(tok.executorId);
        const before = mark !== undefined && BigInt(id) <= mark;
        if (!inShutdown && !before) continue;
        const valid = await ask(ctx, "CapabilityIssuer", "isValid", { tokenId: id });
        if (isTrue(valid)) {
          return inShutdown
            ? `token ${id} is valid while executor ${tok.executorId} is in SHUTDOWN`
            : `token ${id}, issued before executor ${tok.executorId} entered SHUTDOWN (tokens <= ${mark}), is valid again`;
        }
      }
      return undefined;
    },
  },
  {
    name: "(b) no issue past an OPEN breaker or a full window",
    source: "spec/safety-core.md §4.2 steps 8-9; circuit-breaker.md; rate-limiter.md",
    needs: ["CapabilityIssuer", "CircuitBreaker", "RateLimiter"],
    before: beforeIssue,
    async check(ctx) {
      const t = await observe(ctx);
      const r = ctx.outcome.result as Obj | null;
      if (!t.before || !r || r.issued !== true) return undefined;
      const { status, usage } = t.before;
      const cfg = await ask(ctx, "CircuitBreaker", "config", {});
      if (num(status.state) === BREAKER.OPEN) return `issued token ${txt(r.tokenId)} while the breaker was OPEN`;
      if (num(status.state) === BREAKER.HALF_OPEN && num(status.probesAdmitted) >= num(cfg.halfOpenMaxProbes))
        return `issued token ${txt(r.tokenId)} past HALF_OPEN's probe limit`;
      if (num(usage.used) >= num(usage.capacity))
        return `issued token ${txt(r.tokenId)} into a full window (${txt(usage.used)}/${txt(usage.capacity)})`;
      return undefined;
    },
  },
  {
    name: "(c) no executor locked out by a foreign planner",
    source: "spec/safety-core.md §4.2 step 3; issue 9 item 2",
    needs: ["CapabilityIssuer"],
    async check(ctx) {
      await observe(ctx);
      if (!intentOf(ctx.step)) return undefined;
      for (const e of PROTECTED_EXECUTORS) {
        const info = await ask(ctx, "CapabilityIssuer", "executor", { executorId: e });
        const last = num(info.lastNonce);
        if (U64_MAX_BIG - last < NONCE_HEADROOM) {
          return (
            `executor ${e}'s lastNonce is ${last} after ${ctx.step.as}'s intent: ` +
            `its planner @${LEGIT_PLANNER[e]} has fewer than 2^32 nonces left`
          );
        }
      }
      return undefined;
    },
  },
  {
    name: "(d) no admission lost",
    source: "spec/safety-core.md §4.2 steps 8-10, §4.3 reportOutcome; issue 9 items 3, 5",
    needs: ["CapabilityIssuer", "CircuitBreaker", "RateLimiter"],
    before: beforeIssue,
    async check(ctx) {
      const t = await observe(ctx);
      const r = ctx.outcome.result as Obj | null;
      const pair = issuePair(ctx.step);
      if (pair && t.before && r && r.issued === false) {
        const [status, usage] = await Promise.all([
          ask(ctx, "CircuitBreaker", "status", pair),
          ask(ctx, "RateLimiter", "usage", pair),
        ]);
        const b = t.before.status;
        if (num(status.state) === BREAKER.HALF_OPEN) {
          const had = num(b.state) === BREAKER.HALF_OPEN ? num(b.probesAdmitted) : 0n;
          if (num(status.probesAdmitted) !== had)
            return `issue denied (${txt(r.code)}) but it used a HALF_OPEN probe (${had} → ${txt(status.probesAdmitted)})`;
        }
        if (num(usage.used) !== num(t.before.usage.used))
          return `issue denied (${txt(r.code)}) but it used the window (${txt(t.before.usage.used)} → ${txt(usage.used)})`;
      }
      if (ctx.step.on === "CapabilityIssuer" && ctx.step.call === "reportOutcome" && ctx.outcome.status === "ok") {
        for (const ev of ctx.outcome.events.CircuitBreaker ?? []) {
          if (ev.name !== "BreakerTransition" || ev.fields.from !== "2" || ev.fields.to !== "0") continue;
          const mark = t.halfOpenMark.get(pairKey(ev.fields.executorId, ev.fields.actionId));
          const id = BigInt(String(ctx.step.args?.tokenId));
          if (mark !== undefined && id <= mark)
            return `the outcome of token ${id}, issued before the breaker went HALF_OPEN (tokens <= ${mark}), closed it`;
        }
      }
      return undefined;
    },
  },
];
