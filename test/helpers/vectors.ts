import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

import { COMPONENT_FILES, loadSpec, type Component } from "../../src/spec";

/** A conformance vector (spec/schema/vector.schema.json, spec/vectors/README.md). */
export interface Vector {
  name: string;
  component: string;
  description?: string;
  init: Record<string, unknown>;
  actors: Record<string, string[]>;
  steps: VectorStep[];
}

export interface VectorStep {
  at: number;
  note?: string;
  as?: string;
  call?: string;
  query?: string;
  args?: Record<string, unknown>;
  expect: {
    result?: Record<string, unknown>;
    events?: { name: string; fields: Record<string, unknown> }[];
    error?: { code: number; name: string };
  };
}

export interface VectorFile {
  /** Path relative to the repository root. */
  file: string;
  /** Parsed JSON, or the parse error. */
  data: unknown;
  parseError?: string;
}

const ROOT = path.resolve(__dirname, "..", "..");

/** Folders searched for vectors: the spec's, then this suite's own fixtures. */
export const VECTOR_DIRS = [path.join(ROOT, "spec", "vectors"), path.join(ROOT, "test", "fixtures", "vectors")];

/**
 * Conformance vectors live in one folder per component, named like its spec file
 * (`rate-limiter/`, `circuit-breaker/`). Other folders of spec/vectors hold other kinds of
 * vectors (e.g. `cbor/` golden hashes) with their own format and runner.
 */
export const COMPONENT_DIRS = Object.values(COMPONENT_FILES).map((f) => f.replace(/\.json$/, ""));

function walk(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const name of entries.sort()) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out.push(...walk(full));
    else if (name.endsWith(".json")) out.push(full);
  }
  return out;
}

/** Every vector file, found when the tests load (the folder changes while people work). */
export function discoverVectors(): VectorFile[] {
  const dirs = VECTOR_DIRS.flatMap((d) => COMPONENT_DIRS.map((c) => path.join(d, c)));
  return dirs.flatMap(walk).map((full) => {
    const file = path.relative(ROOT, full);
    try {
      return { file, data: JSON.parse(readFileSync(full, "utf8")) as unknown };
    } catch (err) {
      return { file, data: undefined, parseError: (err as Error).message };
    }
  });
}

/** JSON Schema of the system vectors (spec/vectors/system). */
export function loadSystemVectorSchema(): unknown {
  return JSON.parse(readFileSync(path.join(ROOT, "spec", "schema", "system-vector.schema.json"), "utf8"));
}

export function loadVectorSchema(): unknown {
  return JSON.parse(readFileSync(path.join(ROOT, "spec", "schema", "vector.schema.json"), "utf8"));
}

/**
 * What the schema cannot say: names the vector uses exist in the spec, error codes agree
 * with error names, actors' roles belong to the component, time does not go backwards.
 */
export function semanticProblems(v: Vector): string[] {
  const spec = loadSpec();
  const problems: string[] = [];
  let c: Component;
  try {
    c = spec.component(v.component);
  } catch (err) {
    return [(err as Error).message];
  }
  const init = c.operations.find((o) => o.kind === "init");
  for (const key of Object.keys(v.init)) {
    if (!init?.args.some((a) => a.name === key && a.name !== "admin"))
      problems.push(`init.${key}: not an initialize argument`);
  }
  for (const [actor, roles] of Object.entries(v.actors)) {
    for (const r of roles) if (!c.hasRole(r)) problems.push(`actors.${actor}: ${c.name} has no role ${r}`);
  }
  let last = 0;
  v.steps.forEach((s, i) => {
    const where = `steps[${i}]`;
    if (s.at < last) problems.push(`${where}: at ${s.at} is before the previous step (${last})`);
    last = s.at;
    const opName = s.call ?? s.query ?? "";
    const op = c.operations.find((o) => o.name === opName);
    if (!op) problems.push(`${where}: ${c.name} has no operation ${opName}`);
    else if (s.call !== undefined && op.kind !== "execute")
      problems.push(`${where}: ${opName} is a ${op.kind}, not an execute`);
    else if (s.query !== undefined && op.kind !== "query")
      problems.push(`${where}: ${opName} is a ${op.kind}, not a query`);
    if (op) {
      for (const key of Object.keys(s.args ?? {})) {
        if (!op.args.some((a) => a.name === key)) problems.push(`${where}: ${opName} has no argument ${key}`);
      }
      for (const a of op.args) if (!(a.name in (s.args ?? {}))) problems.push(`${where}: argument ${a.name} missing`);
    }
    const err = s.expect.error;
    if (err) {
      const known = c.errorByCode(err.code);
      if (!known) problems.push(`${where}: no ${c.name} error has code ${err.code}`);
      else if (known.name !== err.name) problems.push(`${where}: code ${err.code} is ${known.name}, not ${err.name}`);
    }
    for (const ev of s.expect.events ?? []) {
      if (!c.events.some((e) => e.name === ev.name)) problems.push(`${where}: ${c.name} has no event ${ev.name}`);
    }
  });
  return problems;
}
