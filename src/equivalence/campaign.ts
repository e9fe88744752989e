import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

import fc from "fast-check";

import type { SnapshotId } from "../chains/types";
import type { Component, SpecField, SpecOperation } from "../spec";
import { stableJson } from "./canon";
import { readableDiff } from "./diff";
import { invariantsFor, type Invariant } from "./invariants";
import { adversarialScenario, adversarialSteps, adversaryArb, SAFETY_INVARIANTS, type AdvCommand } from "./adversary";
import { comparable, type DifferentialRunner, type NormalizedStep } from "./runner";
import { scenarioToJson, type Scenario, type ScenarioStep } from "./scenario";

/**
 * Property-based campaigns (spec/scenarios.md "Campaigns"): random step sequences over
 * the deployed components' operations and roles, generated from the spec alone — good and
 * bad arguments, callers with and without the role, time jumps across window and cooldown
 * boundaries, pauses. After every step both stacks must agree and every applicable
 * invariant must hold on both. A failure is shrunk by fast-check to a minimal sequence and
 * written out as a scenario file that replays it.
 */

export interface CampaignOptions {
  runner: DifferentialRunner;
  /**
   * `generic` (default): every operation of `components` from the spec alone.
   * `adversarial`: the whole safety core with honest and compromised actors and the
   * safety invariants (src/equivalence/adversary.ts); `components` and `init` are ignored.
   */
  mode?: "generic" | "adversarial";
  components: string[];
  /** initialize arguments per component (spec defaults otherwise). */
  init?: Record<string, Record<string, unknown>>;
  /** Check only the invariants whose name starts with one of these (default: all that apply). */
  only?: string[];
  /** Sequences to try. */
  runs: number;
  /** Longest sequence (steps). */
  maxSteps: number;
  seed?: number;
  /** Where a shrunk counterexample is written (default: not written). */
  outDir?: string;
  /** Called every `progressEvery` steps and at the end. */
  onProgress?: (p: { steps: number; runs: number; shrinking: boolean }) => void;
  progressEvery?: number;
}

export interface CampaignFailure {
  kind: "divergence" | "invariant" | "error";
  message: string;
  /** The shrunk sequence as a scenario (setup included); replays the failure. */
  scenario: Scenario;
  file?: string;
  numShrinks: number;
}

export interface CampaignResult {
  seed: number;
  runs: number;
  /** Steps run and compared on both stacks (shrinking replays included). */
  steps: number;
  durationMs: number;
  invariants: string[];
  failure?: CampaignFailure;
  coverage: Record<string, Record<string, number>>;
}

class StepFailure extends Error {
  constructor(
    readonly kind: CampaignFailure["kind"],
    message: string,
  ) {
    super(message);
  }
}

interface Command {
  dt: number;
  step: Omit<ScenarioStep, "at">;
}

const ZERO32 = `0x${"00".repeat(32)}`;
const ACTIONS = [`0x${"a1".repeat(32)}`, `0x${"b2".repeat(32)}`];
const ROOTS = [`0x${"c3".repeat(32)}`, `0x${"d4".repeat(32)}`];
/** Callers whose roles drive most traffic: weight 10, others 2, role management 1. */
const HOT_ROLES = new Set(["CONSUMER", "REPORTER", "PLANNER", "ORACLE", "ATTESTOR"]);
const ROLE_OPS = new Set(["grantRole", "revokeRole", "renounceRole"]);

/** The campaign's actors: one per role (named after it), plus a stranger with none. */
export function campaignActors(
  runner: DifferentialRunner,
  components: string[],
): Record<string, Record<string, string[]>> {
  const actors: Record<string, Record<string, string[]>> = { admin: {} };
  for (const name of components) {
    const c = runner.spec.component(name);
    for (const r of c.roles) {
      if (r.key === "ADMIN") continue;
      ((actors[r.key.toLowerCase()] ??= {})[name] ??= []).push(r.key);
    }
  }
  actors.stranger = {};
  return actors;
}

function intRange(type: string): bigint {
  const m = /^uint(\d+)$/.exec(type);
  return m ? (1n << BigInt(m[1])) - 1n : 255n;
}

/** Values of one argument: mostly valid, sometimes the bad input the spec rejects. */
function argArb(c: Component, arg: SpecField, actors: string[]): fc.Arbitrary<unknown> {
  const { name, type } = arg;
  if (type.endsWith("[]")) return fc.array(argArb(c, { name, type: type.slice(0, -2) }, actors), { maxLength: 3 });
  if (name === "executorId")
    return fc.oneof({ weight: 12, arbitrary: fc.constantFrom(1, 2) }, { weight: 1, arbitrary: fc.constant(0) });
  if (name === "actionId")
    return fc.oneof(
      { weight: 12, arbitrary: fc.constantFrom(...ACTIONS) },
      { weight: 1, arbitrary: fc.constant(ZERO32) },
    );
  if (type === "role") return fc.constantFrom(...c.roles.map((r) => r.key), "UNKNOWN");
  if (type === "address") return fc.constantFrom(...actors.map((a) => `@${a}`));
  if (type === "bool") return fc.boolean();
  if (type === "string")
    return fc.oneof(
      { weight: 8, arbitrary: fc.constant("campaign") },
      { weight: 1, arbitrary: fc.constantFrom("", "x".repeat(257)) },
    );
  if (type === "bytes32")
    return fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...ROOTS) }, { weight: 1, arbitrary: fc.constant(ZERO32) });
  if (c.isEnum(type)) {
    const max = Math.max(...Object.values(c.enums[type]));
    return fc.integer({ min: 0, max: max + 1 });
  }
  if (c.isStruct(type)) {
    const fields: Record<string, fc.Arbitrary<unknown>> = {};
    for (const f of c.types[type]) fields[f.name] = argArb(c, f, actors);
    return fc.record(fields);
  }
  if (/^int\d+$/.test(type)) return fc.integer({ min: -3, max: 3 });
  const param = c.params[name];
  if (param && /^uint\d+$/.test(type)) {
    // Bounds may be written as decimal strings (uint64 limits beyond 2^53).
    const min = BigInt(param.min);
    const max = BigInt(param.max);
    const def = BigInt(param.default);
    const clamp = (v: bigint) => (v < min ? min : v > max ? max : v);
    const asArg = (v: bigint) => (v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString());
    const valid = [...new Set([min, def, clamp(def / 2n), clamp(def * 2n)].map(String))].map((v) => asArg(BigInt(v)));
    const invalid = [min - 1n, max + 1n].filter((v) => v >= 0n && v <= intRange(type)).map(asArg);
    return invalid.length > 0
      ? fc.oneof(
          { weight: 12, arbitrary: fc.constantFrom(...valid) },
          { weight: 1, arbitrary: fc.constantFrom(...invalid) },
        )
      : fc.constantFrom(...valid);
  }
  if (/Ppm$/.test(name)) return fc.constantFrom(0, 400_000, 600_000, 900_000, 1_000_000, 1_000_001);
  return fc.integer({ min: 0, max: 4 });
}

function opWeight(op: SpecOperation): number {
  if (ROLE_OPS.has(op.name)) return 1;
  if (op.role && HOT_ROLES.has(op.role)) return 10;
  return 2;
}

/** Every execute of the deployed components, with its weight, as step generators. */
export function commandArb(runner: DifferentialRunner, components: string[], actors: string[]): fc.Arbitrary<Command> {
  const choices: fc.WeightedArbitrary<Omit<ScenarioStep, "at">>[] = [];
  for (const name of components) {
    const c = runner.spec.component(name);
    for (const op of c.operations) {
      // One-stack operations (the EVM proxy's emergencyRollback) have nothing to compare.
      if (op.kind !== "execute" || (op.stacks !== undefined && op.stacks.length < 2)) continue;
      const holder = op.role ? op.role.toLowerCase() : undefined;
      const caller =
        holder === undefined
          ? fc.constantFrom(...actors)
          : fc.oneof(
              { weight: 8, arbitrary: fc.constant(holder === "admin" ? "admin" : holder) },
              { weight: 1, arbitrary: fc.constantFrom(...actors) },
            );
      const args: Record<string, fc.Arbitrary<unknown>> = {};
      for (const a of op.args) args[a.name] = argArb(c, a, actors);
      choices.push({
        weight: opWeight(op),
        arbitrary: fc
          .record({ as: caller, args: fc.record(args) })
          .map(({ as, args: a }) => ({ on: name, call: op.name, as, args: a })),
      });
    }
  }
  const dt = fc.oneof(
    { weight: 6, arbitrary: fc.constant(0) },
    { weight: 6, arbitrary: fc.integer({ min: 1, max: 15 }) },
    { weight: 2, arbitrary: fc.constantFrom(29, 30, 59, 60, 61, 120, 600) },
  );
  return fc.record({ dt, step: fc.oneof(...choices) });
}

/** What a campaign generates and checks: its deployment, step generator and invariants. */
interface CampaignModel<C> {
  base: Scenario;
  commands: fc.Arbitrary<C>;
  toSteps(cmds: C[]): ScenarioStep[];
  invariants: Invariant[];
}

function genericModel(opts: CampaignOptions): CampaignModel<Command> {
  const actors = campaignActors(opts.runner, opts.components);
  return {
    base: { name: "campaign", components: opts.components, init: opts.init ?? {}, actors, steps: [] },
    commands: commandArb(opts.runner, opts.components, Object.keys(actors)),
    toSteps,
    invariants: invariantsFor(opts.components),
  };
}

function adversarialModel(opts: CampaignOptions): CampaignModel<AdvCommand> {
  const base = adversarialScenario();
  return {
    base: { ...base, name: "adversarial-campaign" },
    commands: adversaryArb(opts.runner.spec.timeOrigin),
    toSteps: adversarialSteps,
    invariants: [...invariantsFor(base.components), ...SAFETY_INVARIANTS],
  };
}

function toSteps(cmds: Command[]): ScenarioStep[] {
  let at = 0;
  return cmds.map((c) => {
    at += c.dt;
    return { at, ...c.step };
  });
}

type Memory = { evm: Map<string, unknown>; wasm: Map<string, unknown> };

/** One step on both stacks: the invariants' `before` hooks, the step, the comparison, the invariants. */
async function checkedStep(
  runner: DifferentialRunner,
  step: ScenarioStep,
  invariants: Invariant[],
  memory: Memory,
  deployed: string[],
): Promise<void> {
  const sides = [runner.evmStack, runner.wasmStack];
  const now = runner.spec.timeOrigin + step.at;
  const hooks = invariants.filter((i) => i.before !== undefined);
  if (hooks.length > 0) {
    await runner.clock.set(now);
    for (const inv of hooks)
      for (const stack of sides) await inv.before?.({ runner, stack, step, now, memory: memory[stack.name], deployed });
  }
  let res: { evm: NormalizedStep; wasm: NormalizedStep };
  try {
    res = await runner.step(step);
  } catch (err) {
    throw new StepFailure("error", `runner error at ${step.on}.${step.call}: ${(err as Error).message}`);
  }
  const a = stableJson(comparable(res.evm));
  const b = stableJson(comparable(res.wasm));
  if (a !== b) {
    throw new StepFailure(
      "divergence",
      `${step.on}.${step.call} at +${step.at}:\n${readableDiff(JSON.parse(a), JSON.parse(b), runner.sides)}`,
    );
  }
  if (step.call === undefined) return;
  const op = runner.spec.component(step.on).operation(step.call);
  for (const inv of invariants) {
    // Both sides at once (each its own memory); reported in the order evm, then wasm.
    const settled = await Promise.allSettled(
      sides.map((stack) =>
        inv.check({
          runner,
          stack,
          step,
          op,
          outcome: stack.name === "evm" ? res.evm : res.wasm,
          now,
          memory: memory[stack.name],
          deployed,
        }),
      ),
    );
    for (const [i, s] of settled.entries()) {
      if (s.status === "rejected") throw s.reason;
      if (s.value) throw new StepFailure("invariant", `${inv.name} (${inv.source}) on ${sides[i].name}: ${s.value}`);
    }
  }
}

/** The invariants a campaign scenario file is checked against (its `origin.campaign`). */
export function campaignInvariants(s: Scenario): Invariant[] {
  return s.origin?.campaign === "adversarial"
    ? [...invariantsFor(s.components), ...SAFETY_INVARIANTS]
    : invariantsFor(s.components);
}

/**
 * Replays a scenario (a shrunk counterexample, a regression scenario) with a campaign's
 * invariants after every step: the first violation, divergence or runner error, or
 * undefined when every step passes. Expectations are not checked here (`runner.run` does).
 */
export async function replayWithInvariants(
  runner: DifferentialRunner,
  s: Scenario,
  invariants: Invariant[] = campaignInvariants(s),
): Promise<{ kind: CampaignFailure["kind"]; message: string; stepIndex: number } | undefined> {
  await runner.setup(s);
  runner.beginRun(runner.spec.timeOrigin);
  const memory: Memory = { evm: new Map(), wasm: new Map() };
  for (const [i, step] of s.steps.entries()) {
    try {
      await checkedStep(runner, step, invariants, memory, s.components);
    } catch (err) {
      if (err instanceof StepFailure) return { kind: err.kind, message: err.message, stepIndex: i };
      throw err;
    }
  }
  return undefined;
}

/** Runs a campaign; resolves with its result (a failure is a result, not a rejection). */
export async function runCampaign(opts: CampaignOptions): Promise<CampaignResult> {
  return opts.mode === "adversarial"
    ? campaignWith(opts, adversarialModel(opts))
    : campaignWith(opts, genericModel(opts));
}

async function campaignWith<C>(opts: CampaignOptions, model: CampaignModel<C>): Promise<CampaignResult> {
  const { runner, only } = opts;
  const seed = opts.seed ?? (Date.now() ^ (Math.random() * 0x7fffffff)) >>> 0;
  const started = Date.now();
  const { base } = model;
  const invariants = only ? model.invariants.filter((i) => only.some((p) => i.name.startsWith(p))) : model.invariants;
  await runner.setup(base);
  // The prelude (the model's set-up steps) runs once, before the snapshot every run starts from.
  runner.beginRun(runner.spec.timeOrigin);
  for (const step of base.steps) {
    const res = await runner.step(step);
    for (const [side, o] of Object.entries(res)) {
      if (o.status === "error")
        throw new Error(`campaign prelude ${step.on}.${step.call} failed on ${side}: ${o.name ?? o.detail ?? o.code}`);
    }
  }
  const snap: { evm: SnapshotId; wasm: SnapshotId } = {
    evm: await runner.evmStack.chain.snapshot(),
    wasm: await runner.wasmStack.chain.snapshot(),
  };
  let steps = 0;
  let runs = 0;
  let shrinking = false;
  const every = opts.progressEvery ?? 1000;
  const coverage: Record<string, Record<string, number>> = {};

  const replay = async (cmds: C[]) => {
    runs += 1;
    await Promise.all([runner.evmStack.chain.restore(snap.evm), runner.wasmStack.chain.restore(snap.wasm)]);
    runner.beginRun(runner.spec.timeOrigin);
    const memory: Memory = { evm: new Map(), wasm: new Map() };
    for (const step of model.toSteps(cmds)) {
      await checkedStep(runner, step, invariants, memory, base.components);
      steps += 1;
      if (steps % every === 0) opts.onProgress?.({ steps, runs, shrinking });
    }
    for (const [comp, m] of Object.entries(runner.takeCoverage())) {
      const into = (coverage[comp] ??= {});
      for (const [k, n] of Object.entries(m)) into[k] = (into[k] ?? 0) + n;
    }
  };

  let lastError: StepFailure | undefined;
  const property = fc.asyncProperty(
    fc.array(model.commands, { minLength: 1, maxLength: opts.maxSteps, size: "max" }),
    async (cmds: C[]) => {
      try {
        await replay(cmds);
      } catch (err) {
        if (err instanceof StepFailure) lastError = err;
        throw err;
      }
    },
  );
  const out = await fc.check(property, {
    seed,
    numRuns: opts.runs,
    endOnFailure: false,
    reporter: (r) => {
      if (r.failed) shrinking = true;
    },
  });
  const result: CampaignResult = {
    seed,
    runs,
    steps,
    durationMs: Date.now() - started,
    invariants: invariants.map((i) => i.name),
    coverage,
  };
  if (out.failed && out.counterexample) {
    // Replay the minimal sequence once more so `lastError` is its failure, not a shrink candidate's.
    const minimal = out.counterexample[0];
    lastError = undefined;
    try {
      await replay(minimal);
    } catch (err) {
      if (err instanceof StepFailure) lastError = err;
    }
    const scenario: Scenario = {
      ...base,
      name: `${base.name}-${seed}-counterexample`,
      description:
        `Shrunk counterexample of a property campaign (seed ${seed}, path ${out.counterexamplePath ?? "?"}, ` +
        `${out.numShrinks} shrinks): ${(lastError?.message.split("\n")[0] ?? "failure").replace(/:$/, "")}. Replay: npx hardhat vagus:equivalence --scenario <this file>${opts.mode === "adversarial" ? " (checks the safety invariants too)" : ""}`,
      steps: [...base.steps, ...model.toSteps(minimal)],
      origin: {
        campaign: opts.mode ?? "generic",
        seed,
        path: out.counterexamplePath,
        numShrinks: out.numShrinks,
        ...(lastError?.kind === "invariant" ? { violation: lastError.message.split("\n")[0] } : {}),
      },
    };
    const failure: CampaignFailure = {
      kind: lastError?.kind ?? "error",
      message: lastError?.message ?? String(out.errorInstance),
      scenario,
      numShrinks: out.numShrinks,
    };
    if (opts.outDir) {
      mkdirSync(opts.outDir, { recursive: true });
      failure.file = path.join(opts.outDir, `${scenario.name}.json`);
      writeFileSync(failure.file, `${JSON.stringify(scenarioToJson(scenario), null, 2)}\n`);
    }
    result.failure = failure;
  }
  opts.onProgress?.({ steps, runs, shrinking: false });
  result.durationMs = Date.now() - started;
  return result;
}
