import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { ToolError } from "../cli/errors";
import { runProcedure, runIdOf } from "../procedure/runner";
import type { Step } from "../procedure/steps";
import { INCIDENT, incidentError } from "./errors";
import {
  ANS_STATES,
  parseAction,
  parseAnsState,
  parseCapacity,
  parseDuration,
  parseExecutor,
  parseReason,
  parseStacks,
  parseVerb,
  type Stack,
} from "./input";
import { openIncident, type Incident, type Side } from "./stacks";
import { beforeAfter, cell, renderTable } from "./table";

/**
 * The runbook's incident lines as commands (docs/runbook.md "Incident response"): circuit
 * breakers, temporary rate-limit raises, executor pause, ANS state. Guardian operations
 * are sent from the guardian key through `runProcedure` (journal
 * `deployments/<pair>/incident/journal.jsonl`, `[i/n]` lines, resume); ADMIN operations
 * become a governance proposal on both timelocks (src/governance). Every flag, the
 * deployment, the key, the executor's registration and the signer's role are checked
 * before anything is sent; the state is printed before and after.
 */

export interface IncidentArgs {
  verb?: string;
  executor?: string;
  action?: string;
  stacks?: string;
  capacity?: string;
  for?: string;
  to?: string;
  reason?: string;
  dryRun?: boolean;
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
}

const BREAKER_STATES = ["CLOSED", "OPEN", "HALF_OPEN"];
const ANS_NAMES = Object.keys(ANS_STATES);

function rejectFlags(command: string, a: IncidentArgs, names: (keyof IncidentArgs)[]): void {
  const given = names.filter((n) => a[n] !== undefined && a[n] !== "");
  if (given.length > 0)
    throw incidentError(INCIDENT.USAGE, `${command}: --${given.join(", --")} not taken by this verb`);
}

// ---------------------------------------------------------------------------------------
// Shared steps
// ---------------------------------------------------------------------------------------

/** Every chosen stack knows the executor (registered on its capability issuer). */
async function requireExecutor(inc: Incident, executorId: bigint): Promise<void> {
  for (const s of inc.sides) {
    const info = (await s.query("CapabilityIssuer", "executor", { executorId })) as { registered: boolean };
    if (!info.registered)
      throw incidentError(
        INCIDENT.UNKNOWN_EXECUTOR,
        `executor ${executorId} is not registered on the ${s.stack} capability issuer`,
        "check the id (vagus:executor status --executor <id>)",
      );
  }
}

/** The guardian holds GUARDIAN on `component` on every chosen stack. */
async function requireGuardian(inc: Incident, component: string): Promise<void> {
  for (const s of inc.sides) {
    if (!(await s.hasRole(component, "GUARDIAN", s.signer!)))
      throw incidentError(
        INCIDENT.WRONG_ROLE,
        `${s.signer} does not hold GUARDIAN on the ${s.stack} ${component}`,
        "use the guardian key (VAGUS_GUARDIAN_EVM_KEY / VAGUS_GUARDIAN_MNEMONIC); vagus:roles lists the holders",
      );
  }
}

async function readAll(
  inc: Incident,
  read: (s: Side) => Promise<Record<string, unknown>>,
): Promise<Map<string, Record<string, unknown>>> {
  const out = new Map<string, Record<string, unknown>>();
  for (const s of inc.sides) out.set(s.stack, await read(s));
  return out;
}

interface GuardianCall {
  component: string;
  op: string;
  args: Record<string, unknown>;
  /** Whether the call's effect is already there on this stack (then it is skipped). */
  done?: (s: Side) => Promise<boolean>;
}

/** One guardian transaction per stack, through runProcedure. */
async function runGuardian(
  inc: Incident,
  procedure: string,
  calls: (s: Side) => GuardianCall | undefined,
  log: (l: string) => void,
  dryRun = false,
) {
  const steps: Step[] = [];
  for (const s of inc.sides) {
    const c = calls(s);
    if (!c) continue;
    const argText = Object.values(c.args)
      .map((v) => cell(v))
      .join(", ");
    steps.push({
      id: `${s.stack}:${c.component}:${c.op}`,
      stack: s.stack,
      network: s.network,
      describe: `${c.component}.${c.op}(${argText}) from guardian ${s.signer}`,
      intent: () => Promise.resolve({ component: c.component, op: c.op, args: c.args, from: s.signer }),
      probeFirst: Boolean(c.done),
      probe: async () => ((await c.done?.(s)) ? { already: true } : undefined),
      run: async (_intent, hooks) => {
        const r = await s.send(c.component, c.op, c.args);
        hooks.sent();
        return { tx: r.tx, gasUsed: r.gasUsed };
      },
    });
  }
  const newRun = () => `${procedure}-${new Date().toISOString().replace(/[-:.]/g, "")}`;
  const start = runIdOf({ procedure, journal: inc.journal, newRun });
  return runProcedure({
    procedure,
    journal: inc.journal,
    steps,
    start,
    newRun,
    log,
    dryRun,
    begin: { stacks: inc.sides.map((s) => s.stack) },
    passThrough: (err) => err instanceof ToolError && err.nothingSent,
  });
}

/** An ADMIN operation: a governance proposal on the chosen stacks' timelocks. */
async function viaGovernance(
  hre: HardhatRuntimeEnvironment,
  stacks: Stack[],
  op: { component: string; operation: string; args: Record<string, unknown> },
  description: string,
  a: IncidentArgs,
  log: (l: string) => void,
): Promise<number> {
  if (a.dryRun) {
    log(`dry run: would propose ${op.component}.${op.operation} on ${stacks.join(", ")} (ADMIN: governance)`);
    return 0;
  }
  const { proposeOperations } = await import("../governance");
  log(`${op.component}.${op.operation} needs ADMIN: proposing it to governance on ${stacks.join(", ")}`);
  const rec = await proposeOperations(hre, [op], { stacks, description, env: a.env, log });
  log(`proposal ${rec.id} scheduled; execute it once ready: npx hardhat vagus:gov execute ${rec.id} --wait`);
  return 0;
}

async function withIncident<T>(
  hre: HardhatRuntimeEnvironment,
  stacks: Stack[],
  signer: boolean,
  env: NodeJS.ProcessEnv | undefined,
  body: (inc: Incident) => Promise<T>,
): Promise<T> {
  const inc = await openIncident(hre, stacks, { signer, env });
  try {
    return await body(inc);
  } finally {
    await inc.close();
  }
}

// ---------------------------------------------------------------------------------------
// vagus:breaker
// ---------------------------------------------------------------------------------------

const BREAKER_OPS = { trip: "trip", reset: "reset", "half-open": "forceHalfOpen" } as const;
const BREAKER_TARGET = { trip: "OPEN", reset: "CLOSED", "half-open": "HALF_OPEN" } as const;

function breakerRow(status: Record<string, unknown>): Record<string, unknown> {
  return {
    state: BREAKER_STATES[Number(status.state)] ?? String(status.state),
    consecutiveFailures: status.consecutiveFailures,
    probesAdmitted: status.probesAdmitted,
    openedAt: status.openedAt,
    nextRequestAt: status.nextRequestAt,
  };
}

/** (executorId, actionId) pairs that ever changed breaker state, from each stack's events. */
async function breakerPairs(
  inc: Incident,
  env: NodeJS.ProcessEnv,
): Promise<{ executorId: bigint; actionId: string }[]> {
  const seen = new Map<string, { executorId: bigint; actionId: string }>();
  for (const s of inc.sides) {
    for (const p of await s.pairsFromEvents("CircuitBreaker", "BreakerTransition", env))
      seen.set(`${p.executorId}:${p.actionId}`, p);
  }
  return [...seen.values()];
}

export async function breakerCommand(hre: HardhatRuntimeEnvironment, a: IncidentArgs): Promise<number> {
  const log = a.log ?? ((l: string) => console.log(l));
  const verb = parseVerb("vagus:breaker", a.verb, ["status", "trip", "reset", "half-open"] as const);
  rejectFlags(`vagus:breaker ${verb}`, a, ["capacity", "for", "to", "reason"]);
  const stacks = parseStacks(a.stacks);
  if (verb === "status") {
    const executorId = a.executor === undefined ? undefined : parseExecutor(a.executor);
    const actionId = a.action === undefined ? undefined : parseAction(a.action);
    if (actionId && executorId === undefined) throw incidentError(INCIDENT.USAGE, "--action needs --executor");
    return withIncident(hre, stacks, false, a.env, async (inc) => {
      if (executorId !== undefined) await requireExecutor(inc, executorId);
      const pairs =
        executorId !== undefined && actionId
          ? [{ executorId, actionId }]
          : (await breakerPairs(inc, a.env ?? process.env)).filter(
              (p) => executorId === undefined || p.executorId === executorId,
            );
      const rows: string[][] = [];
      for (const p of pairs) {
        for (const s of inc.sides) {
          const st = breakerRow((await s.query("CircuitBreaker", "status", p)) as Record<string, unknown>);
          if (!actionId && st.state === "CLOSED") continue;
          rows.push([s.stack, p.executorId.toString(), p.actionId, ...Object.values(st).map(cell)]);
        }
      }
      log(
        renderTable(["stack", "executor", "action", "state", "failures", "probes", "openedAt", "nextRequestAt"], rows),
      );
      if (!actionId) log(rows.length === 0 ? "every breaker is CLOSED" : `${rows.length} breaker(s) not CLOSED`);
      return 0;
    });
  }
  const executorId = parseExecutor(a.executor);
  const actionId = parseAction(a.action);
  const pair = { executorId, actionId };
  return withIncident(hre, stacks, true, a.env, async (inc) => {
    await requireExecutor(inc, executorId);
    await requireGuardian(inc, "CircuitBreaker");
    const read = (s: Side) =>
      s.query("CircuitBreaker", "status", pair).then((v) => breakerRow(v as Record<string, unknown>));
    const before = await readAll(inc, read);
    await runGuardian(
      inc,
      `breaker:${verb}:${executorId}:${actionId}`,
      () => ({
        component: "CircuitBreaker",
        op: BREAKER_OPS[verb],
        args: pair,
        done: async (s) => (await read(s)).state === BREAKER_TARGET[verb],
      }),
      log,
      a.dryRun,
    );
    if (a.dryRun) return 0;
    log(beforeAfter(before, await readAll(inc, read)));
    return 0;
  });
}

// ---------------------------------------------------------------------------------------
// vagus:limits
// ---------------------------------------------------------------------------------------

interface LimitView {
  configured: number;
  capacity: number;
  used: number;
  retryAt: bigint;
  raise: string;
  bounds: { maxPercent: number; maxDuration: number };
}

async function limitView(s: Side, pair: { executorId: bigint; actionId: string }): Promise<LimitView> {
  const cfg = (await s.query("RateLimiter", "pairConfig", pair)) as { config: { capacity: bigint } };
  const u = (await s.query("RateLimiter", "usage", pair)) as { used: bigint; capacity: bigint; retryAt: bigint };
  const r = (await s.query("RateLimiter", "capacityRaise", pair)) as {
    active: boolean;
    capacity: bigint;
    until: bigint;
  };
  const b = (await s.query("RateLimiter", "raiseBounds")) as { maxPercent: bigint; maxDuration: bigint };
  return {
    configured: Number(cfg.config.capacity),
    capacity: Number(u.capacity),
    used: Number(u.used),
    retryAt: BigInt(u.retryAt),
    raise: r.active ? `${r.capacity} until ${r.until}` : "none",
    bounds: { maxPercent: Number(b.maxPercent), maxDuration: Number(b.maxDuration) },
  };
}

function limitRow(v: LimitView): Record<string, unknown> {
  return { configured: v.configured, capacity: v.capacity, used: v.used, retryAt: v.retryAt, raise: v.raise };
}

/** What a guardian (no ADMIN) may raise to on a pair: spec/rate-limiter.md. */
export function guardianMay(v: Pick<LimitView, "configured" | "bounds">, capacity: number, duration: number): boolean {
  const ceiling = Math.floor((v.configured * v.bounds.maxPercent) / 100);
  return capacity > v.configured && capacity <= ceiling && duration >= 1 && duration <= v.bounds.maxDuration;
}

export async function limitsCommand(hre: HardhatRuntimeEnvironment, a: IncidentArgs): Promise<number> {
  const log = a.log ?? ((l: string) => console.log(l));
  const verb = parseVerb("vagus:limits", a.verb, ["show", "raise", "restore"] as const);
  rejectFlags(`vagus:limits ${verb}`, a, verb === "raise" ? ["to", "reason"] : ["capacity", "for", "to", "reason"]);
  const stacks = parseStacks(a.stacks);
  const executorId = parseExecutor(a.executor);
  const actionId = parseAction(a.action);
  const pair = { executorId, actionId };
  const capacity = verb === "raise" ? parseCapacity(a.capacity) : 0;
  const duration = verb === "raise" ? parseDuration(a.for) : 0;
  const read = (s: Side) => limitView(s, pair).then(limitRow);

  if (verb === "show") {
    return withIncident(hre, stacks, false, a.env, async (inc) => {
      await requireExecutor(inc, executorId);
      const rows: string[][] = [];
      for (const s of inc.sides) {
        const v = await limitView(s, pair);
        rows.push([
          s.stack,
          ...Object.values(limitRow(v)).map(cell),
          `${v.bounds.maxPercent}% / ${v.bounds.maxDuration} s`,
        ]);
      }
      log(renderTable(["stack", "configured", "capacity", "used", "retryAt", "raise", "guardian bounds"], rows));
      return 0;
    });
  }

  if (verb === "raise") {
    // Decide the path read-only first: the guardian when every stack's bounds allow it,
    // else governance (ADMIN is bounded only by MAX_RAISE_DURATION).
    const views = await withIncident(hre, stacks, false, a.env, async (inc) => {
      await requireExecutor(inc, executorId);
      const out = new Map<Stack, LimitView>();
      for (const s of inc.sides) out.set(s.stack, await limitView(s, pair));
      return out;
    });
    for (const [stack, v] of views) {
      if (capacity <= v.configured)
        throw incidentError(
          INCIDENT.BAD_CAPACITY,
          `--capacity ${capacity} does not raise the ${stack} pair's configured capacity ${v.configured}`,
          `give more than ${v.configured}`,
        );
    }
    if (![...views.values()].every((v) => guardianMay(v, capacity, duration))) {
      const limits = [...views].map(
        ([st, v]) =>
          `${st}: up to ${Math.floor((v.configured * v.bounds.maxPercent) / 100)} for ${v.bounds.maxDuration} s`,
      );
      log(`beyond the guardian's raise bounds (${limits.join("; ")})`);
      return viaGovernance(
        hre,
        stacks,
        {
          component: "RateLimiter",
          operation: "raiseCapacity",
          args: { executorId: executorId.toString(), actionId, capacity, duration },
        },
        `temporary raise of (${executorId}, ${actionId}) to ${capacity} for ${duration} s`,
        a,
        log,
      );
    }
    return withIncident(hre, stacks, true, a.env, async (inc) => {
      await requireGuardian(inc, "RateLimiter");
      const before = await readAll(inc, read);
      await runGuardian(
        inc,
        `limits:raise:${executorId}:${actionId}:${capacity}:${duration}`,
        () => ({ component: "RateLimiter", op: "raiseCapacity", args: { ...pair, capacity, duration } }),
        log,
        a.dryRun,
      );
      if (a.dryRun) return 0;
      log(beforeAfter(before, await readAll(inc, read)));
      return 0;
    });
  }

  // restore
  return withIncident(hre, stacks, true, a.env, async (inc) => {
    await requireExecutor(inc, executorId);
    await requireGuardian(inc, "RateLimiter");
    const active = new Set<Stack>();
    for (const s of inc.sides) {
      const r = (await s.query("RateLimiter", "capacityRaise", pair)) as { active: boolean };
      if (r.active) active.add(s.stack);
    }
    if (active.size === 0)
      throw incidentError(
        INCIDENT.NOTHING_TO_DO,
        `no active raise on (${executorId}, ${actionId}) on ${stacks.join(", ")}`,
      );
    const before = await readAll(inc, read);
    await runGuardian(
      inc,
      `limits:restore:${executorId}:${actionId}`,
      (s) => (active.has(s.stack) ? { component: "RateLimiter", op: "restoreCapacity", args: pair } : undefined),
      log,
      a.dryRun,
    );
    if (a.dryRun) return 0;
    log(beforeAfter(before, await readAll(inc, read)));
    return 0;
  });
}

// ---------------------------------------------------------------------------------------
// vagus:executor
// ---------------------------------------------------------------------------------------

function executorRow(info: Record<string, unknown>): Record<string, unknown> {
  const { registered, account, paused, epoch, lastNonce } = info;
  return { registered, account, paused, epoch, lastNonce };
}

export async function executorCommand(hre: HardhatRuntimeEnvironment, a: IncidentArgs): Promise<number> {
  const log = a.log ?? ((l: string) => console.log(l));
  const verb = parseVerb("vagus:executor", a.verb, ["status", "pause", "unpause"] as const);
  rejectFlags(`vagus:executor ${verb}`, a, ["action", "capacity", "for", "to", "reason"]);
  const stacks = parseStacks(a.stacks);
  const executorId = parseExecutor(a.executor);
  const read = (s: Side) =>
    s.query("CapabilityIssuer", "executor", { executorId }).then((v) => executorRow(v as Record<string, unknown>));
  if (verb === "status" || verb === "unpause") {
    const states = await withIncident(hre, stacks, false, a.env, async (inc) => {
      await requireExecutor(inc, executorId);
      return readAll(inc, read);
    });
    if (verb === "status") {
      log(
        renderTable(
          ["stack", ...Object.keys(states.values().next().value ?? {})],
          [...states].map(([st, r]) => [st, ...Object.values(r).map(cell)]),
        ),
      );
      return 0;
    }
    const paused = [...states].filter(([, r]) => r.paused === true).map(([st]) => st as Stack);
    if (paused.length === 0)
      throw incidentError(INCIDENT.NOTHING_TO_DO, `executor ${executorId} is not paused on ${stacks.join(", ")}`);
    return viaGovernance(
      hre,
      paused,
      { component: "CapabilityIssuer", operation: "unpauseExecutor", args: { executorId: executorId.toString() } },
      `unpause executor ${executorId}`,
      a,
      log,
    );
  }
  return withIncident(hre, stacks, true, a.env, async (inc) => {
    await requireExecutor(inc, executorId);
    await requireGuardian(inc, "CapabilityIssuer");
    const before = await readAll(inc, read);
    await runGuardian(
      inc,
      `executor:pause:${executorId}`,
      () => ({
        component: "CapabilityIssuer",
        op: "pauseExecutor",
        args: { executorId },
        done: async (s) => (await read(s)).paused === true,
      }),
      log,
      a.dryRun,
    );
    if (a.dryRun) return 0;
    log(beforeAfter(before, await readAll(inc, read)));
    return 0;
  });
}

// ---------------------------------------------------------------------------------------
// vagus:ans
// ---------------------------------------------------------------------------------------

function ansRow(st: Record<string, unknown>): Record<string, unknown> {
  return {
    state: ANS_NAMES[Number(st.state)] ?? String(st.state),
    tonePpm: st.tonePpm,
    enteredAt: st.enteredAt,
    updatedAt: st.updatedAt,
    shutdownEpoch: st.shutdownEpoch,
  };
}

export async function ansCommand(hre: HardhatRuntimeEnvironment, a: IncidentArgs): Promise<number> {
  const log = a.log ?? ((l: string) => console.log(l));
  const verb = parseVerb("vagus:ans", a.verb, ["status", "override"] as const);
  rejectFlags(
    `vagus:ans ${verb}`,
    a,
    verb === "status" ? ["action", "capacity", "for", "to", "reason"] : ["action", "capacity", "for"],
  );
  const stacks = parseStacks(a.stacks);
  const executorId = parseExecutor(a.executor);
  const to = verb === "override" ? parseAnsState(a.to) : undefined;
  const reason = verb === "override" ? parseReason(a.reason) : undefined;
  const states = await withIncident(hre, stacks, false, a.env, async (inc) => {
    await requireExecutor(inc, executorId);
    return readAll(inc, (s) =>
      s.query("ANSStateManager", "executorState", { executorId }).then((v) => ansRow(v as Record<string, unknown>)),
    );
  });
  log(
    renderTable(
      ["stack", ...Object.keys(states.values().next().value ?? {})],
      [...states].map(([st, r]) => [st, ...Object.values(r).map(cell)]),
    ),
  );
  if (verb === "status") return 0;
  return viaGovernance(
    hre,
    stacks,
    {
      component: "ANSStateManager",
      operation: "overrideState",
      args: { executorId: executorId.toString(), to: ANS_STATES[to!], reason },
    },
    `ANS override of executor ${executorId} to ${to}: ${reason}`,
    a,
    log,
  );
}
