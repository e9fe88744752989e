import { existsSync } from "node:fs";
import path from "node:path";

import { fromJson, loadSpec, type Canonical, type Component, type Spec } from "../spec";
import { REPO_ROOT, readJsonFile, type ParamsFile } from "./config";
import { ConfigError } from "./errors";
import { assertSchema } from "./schemas";

/**
 * The deployment plan (deploy/plan.json) resolved against the artifacts that exist and
 * the parameters file: which components, their parameters in canonical form (spec/
 * defaults overridden field by field), and the wiring.
 */

export interface PlanCall {
  /** EVM: function name and args; `check` proves it done (a view returning `equals`). */
  evm?: { fn: string; args: unknown[]; check: { fn: string; args?: unknown[]; equals: unknown } };
  /** CosmWasm: execute message; `check` a smart query whose `path` equals `equals`. */
  wasm?: { msg: unknown; check: { query: unknown; path: string; equals: unknown } };
}

export interface PlanLink extends PlanCall {
  component: string;
  name: string;
}

export interface PlanRole {
  component: string;
  role: string;
  /** `$<Component>` or an address. */
  to: string;
}

export interface PlanComponentDef {
  name: string;
  spec: string;
  /** The spec struct of the component's parameters; absent for a component without any. */
  paramsType?: string;
  optional?: boolean;
  evm: { contract: string; init: unknown[]; paramsQuery?: string };
  wasm: { artifact: string; init: Record<string, unknown>; paramsQuery?: unknown };
}

export interface PlanFile {
  components: PlanComponentDef[];
  links: PlanLink[];
  roles: PlanRole[];
  timelock: {
    evm: { contract: string };
    wasm: { artifact: string; optional?: boolean; init: Record<string, unknown> };
  };
}

export interface PlannedComponent extends PlanComponentDef {
  component: Component;
  /** Parameters in canonical form (bigint integers, spec field names); null without paramsType. */
  params: Canonical | null;
}

export interface Plan {
  spec: Spec;
  components: PlannedComponent[];
  links: PlanLink[];
  roles: PlanRole[];
  timelock: PlanFile["timelock"];
  /** Whether the CosmWasm timelock artifact exists (else governance.wasm.admin holds admin). */
  wasmTimelock: boolean;
  notices: string[];
}

export const WASM_ARTIFACTS = path.join(REPO_ROOT, "artifacts", "wasm");

export interface EvmArtifactProbe {
  /** Whether a compiled contract of this name exists. */
  has(name: string): boolean;
}

export function loadPlanFile(file = path.join(REPO_ROOT, "deploy", "plan.json")): PlanFile {
  const plan = readJsonFile<PlanFile>(file);
  assertSchema("plan", plan, file);
  return plan;
}

/** Canonical parameters of a component: spec defaults, then the params file's overrides. */
export function componentParams(
  component: Component,
  type: string,
  overrides: Record<string, unknown> = {},
): Canonical {
  const fields = component.types[type];
  if (!fields) throw new ConfigError([`plan: ${component.name} has no struct ${type} in spec/`]);
  const unknown = Object.keys(overrides).filter((k) => !fields.some((f) => f.name === k));
  if (unknown.length > 0) {
    throw new ConfigError([
      `params: ${component.name} has no parameter(s) ${unknown.join(", ")} (spec: ${fields.map((f) => f.name).join(", ")})`,
    ]);
  }
  const raw: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const f of fields) {
    const p = component.params[f.name];
    const v = f.name in overrides ? overrides[f.name] : p?.default;
    if (v === undefined)
      problems.push(`params: ${component.name}.${f.name} has no spec default; set it in the params file`);
    raw[f.name] = v;
    if (p && typeof v === "number" && (BigInt(v) < BigInt(p.min) || BigInt(v) > BigInt(p.max))) {
      problems.push(`params: ${component.name}.${f.name} = ${v} is outside ${p.min}..${p.max} (spec)`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return fromJson(component, type, raw);
}

export function resolvePlan(params: ParamsFile, evmArtifacts: EvmArtifactProbe, planFile?: PlanFile): Plan {
  const file = planFile ?? loadPlanFile();
  const spec = loadSpec();
  const notices: string[] = [];
  const problems: string[] = [];
  const components: PlannedComponent[] = [];
  for (const def of file.components) {
    const hasEvm = evmArtifacts.has(def.evm.contract);
    const hasWasm = existsSync(path.join(WASM_ARTIFACTS, def.wasm.artifact));
    if (!hasEvm || !hasWasm) {
      const missing = [
        !hasEvm && `EVM ${def.evm.contract} (npm run build:evm)`,
        !hasWasm && `artifacts/wasm/${def.wasm.artifact} (npm run build:wasm)`,
      ]
        .filter(Boolean)
        .join(", ");
      if (def.optional) notices.push(`${def.name} left out: no ${missing}`);
      else problems.push(`${def.name}: no ${missing}`);
      continue;
    }
    let component: Component;
    try {
      component = spec.component(def.spec);
    } catch {
      problems.push(`${def.name}: spec/ has no component ${def.spec}`);
      continue;
    }
    try {
      const overrides = params.components[def.name];
      if (!def.paramsType && overrides && Object.keys(overrides).length > 0)
        throw new ConfigError([`params: ${def.name} has no parameters (spec: ${def.spec})`]);
      components.push({
        ...def,
        component,
        params: def.paramsType ? componentParams(component, def.paramsType, overrides) : null,
      });
    } catch (err) {
      if (err instanceof ConfigError) problems.push(...err.problems);
      else throw err;
    }
  }
  for (const name of Object.keys(params.components)) {
    if (!file.components.some((c) => c.name === name)) problems.push(`params: unknown component ${name}`);
  }
  if (!evmArtifacts.has(file.timelock.evm.contract))
    problems.push(`no EVM ${file.timelock.evm.contract} artifact (npm run build:evm)`);
  if (problems.length > 0) throw new ConfigError(problems);
  const present = new Set(components.map((c) => c.name));
  const refs = (v: unknown): string[] => JSON.stringify(v ?? null).match(/\$[A-Z][A-Za-z0-9]*/g) ?? [];
  const usable = (v: unknown) => refs(v).every((r) => present.has(r.slice(1)));
  const links = file.links.filter((l) => {
    const ok = present.has(l.component) && usable(l);
    if (!ok) notices.push(`link ${l.component}.${l.name} left out: a component it names is not deployed`);
    return ok;
  });
  const roles = file.roles.filter((r) => {
    const ok = present.has(r.component) && usable(r.to);
    if (!ok)
      notices.push(`role ${r.role} on ${r.component} for ${r.to} left out: a component it names is not deployed`);
    return ok;
  });
  const wasmTimelock = existsSync(path.join(WASM_ARTIFACTS, file.timelock.wasm.artifact));
  if (!wasmTimelock) {
    notices.push(
      `no artifacts/wasm/${file.timelock.wasm.artifact}: CosmWasm admin goes to governance.wasm.admin (a plain account), not a timelock contract`,
    );
  }
  return { spec, components, links, roles, timelock: file.timelock, wasmTimelock, notices };
}

/** Replaces `$name` strings in a template (deeply) by `values[name]`. */
export function fillTemplate(template: unknown, values: Record<string, unknown>): unknown {
  if (typeof template === "string" && template.startsWith("$")) {
    const key = template.slice(1);
    if (!(key in values)) throw new Error(`plan: no value for ${template}`);
    return values[key];
  }
  if (Array.isArray(template)) return template.map((t) => fillTemplate(t, values));
  if (template && typeof template === "object") {
    return Object.fromEntries(Object.entries(template).map(([k, v]) => [k, fillTemplate(v, values)]));
  }
  return template;
}
