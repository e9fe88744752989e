import type { SpecOperation } from "../spec";
import { stableJson, type Canon } from "./canon";
import type { DifferentialRunner } from "./runner";
import type { ScenarioStep } from "./scenario";
import type { Outcome, Stack } from "./stacks";

/** What an invariant sees after a step, on one stack. */
export interface InvariantContext {
  runner: DifferentialRunner;
  stack: Stack;
  step: ScenarioStep;
  op: SpecOperation;
  outcome: Outcome;
  /** Unix seconds of the step. */
  now: number;
  /** Campaign memory across the steps of one run (per stack). */
  memory: Map<string, unknown>;
  deployed: readonly string[];
}

export interface Invariant {
  name: string;
  /** Where it comes from (spec file and section). */
  source: string;
  /** Components that must be deployed for it to apply. */
  needs: string[];
  /**
   * Reads what the step will find, at the step's time, before it runs (an invariant about
   * what a step may change compares with it); keeps it in `memory`.
   */
  before?(ctx: Omit<InvariantContext, "op" | "outcome">): Promise<void>;
  /** A violation message, or undefined. */
  check(ctx: InvariantContext): Promise<string | undefined>;
}

const ROLE_OPS = new Set(["grantRole", "revokeRole", "renounceRole"]);

async function ask(ctx: InvariantContext, on: string, query: string, args: Record<string, unknown>): Promise<Canon> {
  const op = ctx.runner.spec.component(on).operation(query);
  // The step's state digest asked most of these already, on the same state.
  const o = ctx.runner.readAfterStep(ctx.stack, on, query, args) ?? (await ctx.stack.query(on, op, args));
  if (o.status === "error") throw new Error(`${on}.${query}(${JSON.stringify(args)}) failed: ${o.code} ${o.name}`);
  return o.result;
}

const field = (v: Canon, name: string): Canon => (v as Record<string, Canon>)[name];
const num = (v: Canon): number => Number(v);

/** The invariants of spec/frame.md, the components' .md files and spec/safety-core.md §6. */
export const INVARIANTS: readonly Invariant[] = [
  {
    name: "privileged operations succeed only for their role",
    source: "spec/frame.md check order; safety-core.md §6.4",
    needs: [],
    async check(ctx) {
      const { op, outcome, step } = ctx;
      if (step.call === undefined || !op.role || ROLE_OPS.has(op.name) || outcome.status === "error") return undefined;
      const held = await ask(ctx, step.on, "hasRole", { role: op.role, account: `@${step.as}` });
      const has = typeof held === "boolean" ? held : field(held, "hasRole");
      return has === true ? undefined : `${step.on}.${op.name} succeeded for @${step.as}, who lacks ${op.role}`;
    },
  },
  {
    name: "a paused contract runs no liveness operation",
    source: "spec/frame.md Pause; safety-core.md §6.9",
    needs: [],
    async check(ctx) {
      const { op, outcome, step } = ctx;
      if (step.call === undefined || op.pause !== "blocked" || outcome.status === "error") return undefined;
      const p = await ask(ctx, step.on, "paused", {});
      const paused = typeof p === "boolean" ? p : field(p, "paused");
      return paused === true ? `${step.on}.${op.name} succeeded while paused` : undefined;
    },
  },
  {
    // A step can touch a paused component through a notification, so each rule looks at the
    // events of the component it is about, whatever the step called.
    name: "paused ANS relaxes nobody, paused inbox stores nothing, paused reflex suppresses nothing",
    source: "spec/safety-core.md §0 Pause on the safety core, §6.9",
    needs: ["ANSStateManager", "AfferentInbox", "ReflexArc"],
    async check(ctx) {
      const { outcome } = ctx;
      if (outcome.status === "error") return undefined;
      const paused = async (on: string) => {
        const p = await ask(ctx, on, "paused", {});
        return (typeof p === "boolean" ? p : field(p, "paused")) === true;
      };
      const ev = (on: string) => outcome.events[on] ?? [];
      const relaxed = ev("ANSStateManager").find(
        (e) => e.name === "StateTransition" && num(e.fields.to) === 0 && num(e.fields.cause) === 1,
      );
      if (relaxed && (await paused("ANSStateManager")))
        return `ANSStateManager relaxed executor ${stableJson(relaxed.fields.executorId)} to SAFE by readings while paused`;
      if (ev("AfferentInbox").some((e) => e.name === "EvidencePosted") && (await paused("AfferentInbox")))
        return "AfferentInbox stored evidence while paused";
      if (ev("ReflexArc").some((e) => e.name === "ReflexSuppressed") && (await paused("ReflexArc")))
        return "ReflexArc suppressed a trigger while paused";
      return undefined;
    },
  },
  {
    name: "a window never holds more than capacity",
    source: "spec/rate-limiter.md",
    needs: ["RateLimiter"],
    async check(ctx) {
      const { step, outcome } = ctx;
      if (step.on !== "RateLimiter" || step.call !== "consume" || outcome.status === "error") return undefined;
      const args = step.args ?? {};
      const u = await ask(ctx, "RateLimiter", "usage", { executorId: args.executorId, actionId: args.actionId });
      if (num(field(u, "used")) > num(field(u, "capacity"))) return `usage ${JSON.stringify(u)} exceeds capacity`;
      const r = outcome.result as Record<string, Canon>;
      if (r.allowed === false && num(r.retryAt) <= ctx.now)
        return `denied with retryAt ${stableJson(r.retryAt)} <= now ${ctx.now}`;
      const c = await ask(ctx, "RateLimiter", "counters", { executorId: args.executorId, actionId: args.actionId });
      if (num(field(c, "rejections")) > num(field(c, "requests")))
        return `counters ${JSON.stringify(c)}: rejections > requests`;
      return undefined;
    },
  },
  {
    name: "breaker state and probe accounting stay within the config",
    source: "spec/circuit-breaker.md state table",
    needs: ["CircuitBreaker"],
    async check(ctx) {
      const { step, outcome } = ctx;
      if (step.on !== "CircuitBreaker" || step.call === undefined || outcome.status === "error") return undefined;
      const args = step.args ?? {};
      if (args.executorId === undefined || args.actionId === undefined) return undefined;
      const pair = { executorId: args.executorId, actionId: args.actionId };
      const s = await ask(ctx, "CircuitBreaker", "status", pair);
      const cfg = await ask(ctx, "CircuitBreaker", "config", {});
      const state = num(field(s, "state"));
      if (![0, 1, 2].includes(state)) return `state ${state} is not a BreakerState`;
      if (state === 2 && num(field(s, "probesAdmitted")) > num(field(cfg, "halfOpenMaxProbes"))) {
        return `HALF_OPEN admitted ${stableJson(field(s, "probesAdmitted"))} probes > halfOpenMaxProbes`;
      }
      const c = await ask(ctx, "CircuitBreaker", "counters", pair);
      if (num(field(c, "rejections")) > num(field(c, "requests"))) return `counters: rejections > requests`;
      return undefined;
    },
  },
  {
    name: "a nonce is processed at most once per executor",
    source: "spec/safety-core.md §4.2 step 3, §6.8",
    needs: ["CapabilityIssuer"],
    check(ctx) {
      const { step, outcome } = ctx;
      if (step.on !== "CapabilityIssuer" || step.call !== "issue" || outcome.status === "error")
        return Promise.resolve(undefined);
      const intent = (Object.values(step.args ?? {})[0] ?? {}) as Record<string, unknown>;
      const key = `nonce:${String(intent.executorId)}:${String(intent.nonce)}`;
      if (ctx.memory.has(key))
        return Promise.resolve(
          `intent nonce ${String(intent.nonce)} of executor ${String(intent.executorId)} processed twice`,
        );
      ctx.memory.set(key, true);
      return Promise.resolve(undefined);
    },
  },
  {
    name: "no token is valid while its executor is in SHUTDOWN, nor after a SHUTDOWN that followed its issue",
    source: "spec/safety-core.md §4.3, §6.1",
    needs: ["CapabilityIssuer", "ANSStateManager"],
    async check(ctx) {
      const { outcome } = ctx;
      const r = outcome.result as Record<string, Canon> | null;
      if (r && typeof r === "object" && typeof r.tokenId === "string" && r.tokenId !== "0") {
        ctx.memory.set(`token:${r.tokenId}`, true);
      }
      for (const key of ctx.memory.keys()) {
        if (!key.startsWith("token:")) continue;
        const tokenId = key.slice("token:".length);
        const token = await ask(ctx, "CapabilityIssuer", "token", { tokenId });
        const st = await ask(ctx, "ANSStateManager", "executorState", { executorId: field(token, "executorId") });
        const inShutdown = num(field(st, "state")) === 2;
        const shutdownSinceIssue = num(field(st, "shutdownEpoch")) !== num(field(token, "shutdownEpoch"));
        if (!inShutdown && !shutdownSinceIssue) continue;
        const v = await ask(ctx, "CapabilityIssuer", "isValid", { tokenId });
        const valid = typeof v === "boolean" ? v : (field(v, "valid") ?? field(v, "isValid"));
        if (valid === true) {
          return inShutdown
            ? `token ${tokenId} is valid while its executor is in SHUTDOWN`
            : `token ${tokenId} is valid again after its executor entered SHUTDOWN`;
        }
      }
      return undefined;
    },
  },
];

/** The invariants that apply to a deployment. */
export function invariantsFor(deployed: readonly string[]): Invariant[] {
  return INVARIANTS.filter((i) => i.needs.every((n) => deployed.includes(n)));
}
