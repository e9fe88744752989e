import { readFileSync } from "node:fs";
import path from "node:path";

import type { Spec } from "../spec";

/**
 * Scenarios (spec/scenarios.md): the system-vector format of spec/vectors/README.md with
 * optional expectations. A component vector (one `component`) is a scenario too; both
 * normalize to `Scenario`.
 */

/** The seven components of the safety core, in deployment order. */
export const SYSTEM_COMPONENTS = [
  "RateLimiter",
  "CircuitBreaker",
  "ANSStateManager",
  "AfferentInbox",
  "VagalBrake",
  "CapabilityIssuer",
  "ReflexArc",
] as const;

export interface ExpectedEvent {
  on?: string;
  name: string;
  fields: Record<string, unknown>;
}

export interface StepExpect {
  error?: { code: number; name?: string };
  result?: Record<string, unknown>;
  events?: ExpectedEvent[];
}

export interface ScenarioStep {
  at: number;
  on: string;
  as?: string;
  call?: string;
  query?: string;
  args?: Record<string, unknown>;
  note?: string;
  expect?: StepExpect;
}

export interface Scenario {
  name: string;
  description?: string;
  /** Where it was read from (reports, messages). */
  file?: string;
  components: string[];
  /** initialize arguments other than admin, per component. */
  init: Record<string, Record<string, unknown>>;
  /** actor → component → roles granted by admin before step 0. */
  actors: Record<string, Record<string, string[]>>;
  steps: ScenarioStep[];
  /** Free-form provenance (campaign seed and path of a shrunk counterexample). */
  origin?: Record<string, unknown>;
}

type RawStep = Omit<ScenarioStep, "on"> & { on?: string };

interface RawScenario {
  name?: unknown;
  description?: string;
  system?: boolean;
  component?: string;
  components?: string[];
  init?: Record<string, unknown>;
  actors?: Record<string, unknown>;
  steps?: RawStep[];
  origin?: Record<string, unknown>;
}

export class ScenarioError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ScenarioError";
  }
}

/** Reads a scenario (or component/system vector) file. */
export function loadScenarioFile(file: string, spec: Spec): Scenario {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new ScenarioError(`${file}: cannot read the scenario: ${(err as Error).message}`);
  }
  const s = normalizeScenario(raw, spec, path.basename(file, ".json"));
  s.file = file;
  return s;
}

/** Brings either vector shape to the one `Scenario` shape and checks it against the spec. */
export function normalizeScenario(input: unknown, spec: Spec, fallbackName = "scenario"): Scenario {
  if (typeof input !== "object" || input === null) throw new ScenarioError("a scenario is a JSON object");
  const raw = input as RawScenario;
  const name = typeof raw.name === "string" ? raw.name : fallbackName;
  const fail = (msg: string): never => {
    throw new ScenarioError(`${name}: ${msg}`);
  };
  if (!Array.isArray(raw.steps)) fail("steps must be an array");
  let components: string[];
  let init: Record<string, Record<string, unknown>>;
  let actors: Record<string, Record<string, string[]>> = {};
  if (raw.system === true) {
    components = raw.components ?? [...SYSTEM_COMPONENTS];
    init = (raw.init ?? {}) as Record<string, Record<string, unknown>>;
    for (const [actor, byComponent] of Object.entries(raw.actors ?? {})) {
      if (typeof byComponent !== "object" || byComponent === null || Array.isArray(byComponent)) {
        fail(`actors.${actor}: a system scenario maps each actor to {component: roles}`);
      }
      actors[actor] = byComponent as Record<string, string[]>;
    }
  } else if (typeof raw.component === "string") {
    const c = raw.component;
    components = [c];
    init = { [c]: raw.init ?? {} };
    actors = Object.fromEntries(
      Object.entries(raw.actors ?? {}).map(([actor, roles]) => {
        if (!Array.isArray(roles)) fail(`actors.${actor}: a component scenario lists roles`);
        return [actor, { [c]: roles as string[] }];
      }),
    );
  } else {
    return fail('neither "system": true nor a "component"');
  }
  actors.admin ??= {};
  const steps = (raw.steps ?? []).map((s, i): ScenarioStep => {
    const on = s.on ?? (components.length === 1 ? components[0] : undefined);
    if (on === undefined) fail(`steps[${i}]: "on" is required when several components are deployed`);
    return { ...s, on: on as string };
  });
  const scenario: Scenario = {
    name,
    description: raw.description,
    components,
    init,
    actors,
    steps,
    origin: raw.origin,
  };
  const problems = scenarioProblems(scenario, spec);
  if (problems.length > 0) fail(problems.join("; "));
  return scenario;
}

/** What the spec says is wrong with a scenario (unknown names, time going back, …). */
export function scenarioProblems(s: Scenario, spec: Spec): string[] {
  const problems: string[] = [];
  for (const c of s.components) {
    if (!spec.components.has(c)) {
      problems.push(
        `component ${c} is not in the spec (${[...spec.components.keys()].join(", ")} are); ` +
          "its spec file has not landed yet",
      );
    }
  }
  if (problems.length > 0) return problems;
  for (const [actor, byComponent] of Object.entries(s.actors)) {
    for (const [c, roles] of Object.entries(byComponent)) {
      if (!s.components.includes(c)) {
        problems.push(`actors.${actor}: ${c} is not deployed`);
        continue;
      }
      for (const r of roles) if (!spec.component(c).hasRole(r)) problems.push(`actors.${actor}: ${c} has no role ${r}`);
    }
  }
  for (const c of Object.keys(s.init)) if (!s.components.includes(c)) problems.push(`init.${c}: not deployed`);
  let last = 0;
  s.steps.forEach((step, i) => {
    const where = `steps[${i}]`;
    if (!Number.isInteger(step.at) || step.at < 0) problems.push(`${where}: at must be a non-negative integer`);
    if (step.at < last) problems.push(`${where}: at ${step.at} is before the previous step (${last})`);
    last = step.at;
    if (!s.components.includes(step.on)) {
      problems.push(`${where}: ${step.on} is not deployed`);
      return;
    }
    const c = spec.component(step.on);
    const opName = step.call ?? step.query;
    if ((step.call === undefined) === (step.query === undefined)) {
      problems.push(`${where}: exactly one of call and query`);
      return;
    }
    const op = c.operations.find((o) => o.name === opName);
    if (!op) {
      problems.push(`${where}: ${c.name} has no operation ${opName}`);
      return;
    }
    if (step.call !== undefined && op.kind !== "execute") problems.push(`${where}: ${opName} is not an execute`);
    if (step.query !== undefined && op.kind !== "query") problems.push(`${where}: ${opName} is not a query`);
    if (step.call !== undefined && typeof step.as !== "string") problems.push(`${where}: a call needs "as"`);
    for (const a of op.args) if (!(a.name in (step.args ?? {}))) problems.push(`${where}: argument ${a.name} missing`);
    for (const k of Object.keys(step.args ?? {})) {
      if (!op.args.some((a) => a.name === k)) problems.push(`${where}: ${opName} has no argument ${k}`);
    }
  });
  return problems;
}

/** Every actor a scenario names: its actors, callers, and `@name` references in arguments. */
export function actorNames(s: Scenario): string[] {
  const names = ["admin", ...Object.keys(s.actors).filter((n) => n !== "admin")];
  const add = (n: string) => {
    if (!names.includes(n)) names.push(n);
  };
  const visit = (v: unknown) => {
    if (typeof v === "string" && v.startsWith("@") && !v.startsWith("@@")) add(v.slice(1));
    else if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === "object") Object.values(v).forEach(visit);
  };
  for (const step of s.steps) {
    if (step.as) add(step.as);
    visit(step.args);
  }
  for (const init of Object.values(s.init)) visit(init);
  return names;
}

/** The scenario as a file (system form; the format `normalizeScenario` reads back). */
export function scenarioToJson(s: Scenario): Record<string, unknown> {
  return {
    name: s.name,
    ...(s.description ? { description: s.description } : {}),
    system: true,
    components: s.components,
    init: s.init,
    actors: s.actors,
    ...(s.origin ? { origin: s.origin } : {}),
    steps: s.steps.map((st) => {
      const out: Record<string, unknown> = { at: st.at, on: st.on };
      if (st.as !== undefined) out.as = st.as;
      if (st.call !== undefined) out.call = st.call;
      if (st.query !== undefined) out.query = st.query;
      if (st.args !== undefined) out.args = st.args;
      if (st.note !== undefined) out.note = st.note;
      if (st.expect !== undefined) out.expect = st.expect;
      return out;
    }),
  };
}
