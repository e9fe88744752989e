import { readFileSync } from "node:fs";
import path from "node:path";
import { keccak256, toUtf8Bytes } from "ethers";

import type {
  CommonFile,
  ComponentFile,
  Role,
  RoleKey,
  SpecDenial,
  SpecError,
  SpecEvent,
  SpecField,
  SpecOperation,
  SpecParam,
  SpecRoleDef,
  StackName,
} from "./types";

/** The component files of the spec, by component name. */
export const COMPONENT_FILES: Readonly<Record<string, string>> = {
  RateLimiter: "rate-limiter.json",
  CircuitBreaker: "circuit-breaker.json",
  ANSStateManager: "ans.json",
  AfferentInbox: "afferent-inbox.json",
  VagalBrake: "vagal-brake.json",
  CapabilityIssuer: "capability-issuer.json",
  ReflexArc: "reflex-arc.json",
};

/** The first digit of a component's error and denial codes (spec/README.md "Codes"). */
export const CODE_RANGES: Readonly<Record<string, number>> = {
  RateLimiter: 2,
  CircuitBreaker: 3,
  ANSStateManager: 4,
  AfferentInbox: 5,
  VagalBrake: 6,
  CapabilityIssuer: 7,
  ReflexArc: 8,
};

/**
 * Governance components: in the spec and loaded like the others, but outside `components`,
 * so the loops over the safety components (drift, vectors, deploy) do not meet them.
 * `spec.component(name)` finds both.
 */
export const GOVERNANCE_FILES: Readonly<Record<string, string>> = {
  Timelock: "timelock.json",
};

/** spec/ of this repository. */
export function defaultSpecDir(): string {
  return path.resolve(__dirname, "..", "..", "spec");
}

function onStack(item: { stacks?: StackName[] }, stack: StackName): boolean {
  return item.stacks === undefined || item.stacks.includes(stack);
}

/** `keccak256("NAME")` or a 0x hex id, as written in common.json roles[].evm. */
export function evmRoleId(expr: string): string {
  const call = /^keccak256\("([^"]*)"\)$/.exec(expr);
  if (call) return keccak256(toUtf8Bytes(call[1]));
  if (/^0x[0-9a-fA-F]{64}$/.test(expr)) return expr.toLowerCase();
  throw new Error(`spec: cannot read the EVM role id ${JSON.stringify(expr)}`);
}

/** One component of the spec with the frame (common.json) merged in. */
export class Component {
  readonly name: string;
  readonly file: string;
  readonly evmContract: string;
  readonly wasmContract: string;
  /** Release version of the component's code (EVM `version()`, cw2), src/release/versions.ts. */
  readonly version: string;
  readonly roles: readonly Role[];
  readonly constants: Readonly<Record<string, number>>;
  /** Denial codes of other components this one reports (the issuer's `IssueDenied.code`). */
  readonly foreignDenials: readonly number[];
  readonly enums: Readonly<Record<string, Record<string, number>>>;
  readonly params: Readonly<Record<string, SpecParam>>;
  readonly types: Readonly<Record<string, SpecField[]>>;
  readonly denials: readonly SpecDenial[];
  /** Frame errors then the component's own, every stack. */
  readonly errors: readonly SpecError[];
  /** Frame events then the component's own, every stack. */
  readonly events: readonly SpecEvent[];
  /** Frame operations then the component's own. */
  readonly operations: readonly SpecOperation[];

  constructor(
    readonly spec: Spec,
    file: string,
    data: ComponentFile,
  ) {
    this.name = data.component;
    this.file = file;
    this.evmContract = data.evmContract;
    this.wasmContract = data.wasmContract;
    this.version = data.version;
    this.roles = data.roles.map((key) => {
      const own = data.roleDefs?.[key];
      return own ? roleOf(key, own) : spec.role(key);
    });
    this.constants = data.constants ?? {};
    this.foreignDenials = data.foreignDenials ?? [];
    this.enums = data.enums ?? {};
    this.params = data.params ?? {};
    this.types = data.types ?? {};
    this.denials = data.denials ?? [];
    // `frame: false`: the component lists the frame errors/events it uses itself.
    const frame = data.frame !== false;
    this.errors = [...(frame ? spec.common.errors : []), ...data.errors];
    this.events = [...(frame ? spec.common.events : []), ...data.events];
    this.operations = [...(frame ? spec.common.operations : []), ...data.operations];
    assertUnique(`${file} errors (names)`, this.errors.map((e) => e.name));
    assertUnique(`${file} errors and denials (codes)`, [
      ...this.errors.map((e) => e.code),
      ...this.denials.map((d) => d.code),
    ]);
    assertUnique(`${file} events`, this.events.map((e) => e.name));
    assertUnique(`${file} operations`, this.operations.map((o) => o.name));
  }

  errorsOn(stack: StackName): SpecError[] {
    return this.errors.filter((e) => onStack(e, stack));
  }

  eventsOn(stack: StackName): SpecEvent[] {
    return this.events.filter((e) => onStack(e, stack));
  }

  hasRole(key: RoleKey): boolean {
    return this.roles.some((r) => r.key === key);
  }

  operation(name: string): SpecOperation {
    const op = this.operations.find((o) => o.name === name);
    if (!op) throw new Error(`spec: ${this.name} has no operation ${JSON.stringify(name)}`);
    return op;
  }

  event(name: string): SpecEvent {
    const ev = this.events.find((e) => e.name === name);
    if (!ev) throw new Error(`spec: ${this.name} has no event ${JSON.stringify(name)}`);
    return ev;
  }

  errorByCode(code: number): SpecError | undefined {
    return this.errors.find((e) => e.code === code);
  }

  errorByName(name: string): SpecError | undefined {
    return this.errors.find((e) => e.name === name);
  }

  /** The error whose Solidity signature is `signature` (e.g. `ZeroWindow()`). */
  errorByEvmSignature(signature: string): SpecError | undefined {
    return this.errors.find((e) => e.evm === signature && onStack(e, "evm"));
  }

  denialByCode(code: number): SpecDenial | undefined {
    return this.denials.find((d) => d.code === code);
  }

  isEnum(type: string): boolean {
    return Object.hasOwn(this.enums, type);
  }

  isStruct(type: string): boolean {
    return Object.hasOwn(this.types, type);
  }
}

/** The whole spec: the frame, its roles and every component. */
export class Spec {
  readonly dir: string;
  readonly version: string;
  /** Unix seconds that vector step times (`at`) count from. */
  readonly timeOrigin: number;
  readonly common: CommonFile;
  readonly roles: ReadonlyMap<RoleKey, Role>;
  readonly components: ReadonlyMap<string, Component>;
  /** Governance components (GOVERNANCE_FILES): the timelock. */
  readonly governance: ReadonlyMap<string, Component>;

  constructor(dir: string) {
    this.dir = dir;
    this.common = readJson<CommonFile>(path.join(dir, "common.json"));
    this.version = this.common.specVersion;
    this.timeOrigin = this.common.timeOrigin;
    const roles = new Map<RoleKey, Role>();
    for (const [key, def] of Object.entries(this.common.roles)) roles.set(key, roleOf(key, def));
    this.roles = roles;
    const components = new Map<string, Component>();
    for (const [name, file] of Object.entries(COMPONENT_FILES)) {
      const data = readJson<ComponentFile>(path.join(dir, file));
      if (data.component !== name) {
        throw new Error(`spec: ${file} declares component ${data.component}, expected ${name}`);
      }
      components.set(name, new Component(this, file, data));
    }
    this.components = components;
    const governance = new Map<string, Component>();
    for (const [name, file] of Object.entries(GOVERNANCE_FILES)) {
      const data = readJson<ComponentFile>(path.join(dir, file));
      if (data.component !== name) {
        throw new Error(`spec: ${file} declares component ${data.component}, expected ${name}`);
      }
      governance.set(name, new Component(this, file, data));
    }
    this.governance = governance;
  }

  role(key: RoleKey): Role {
    const role = this.roles.get(key);
    if (!role) throw new Error(`spec: unknown role ${JSON.stringify(key)}`);
    return role;
  }

  /** The role whose EVM id is `id`, if the spec defines one. */
  roleByEvmId(id: string): Role | undefined {
    const lower = id.toLowerCase();
    for (const role of this.roles.values()) if (role.evmId === lower) return role;
    return undefined;
  }

  component(name: string): Component {
    const c = this.components.get(name) ?? this.governance.get(name);
    if (!c) throw new Error(`spec: unknown component ${JSON.stringify(name)}`);
    return c;
  }
}

const cache = new Map<string, Spec>();

/** Reads spec/ (once per directory). */
export function loadSpec(dir: string = defaultSpecDir()): Spec {
  const key = path.resolve(dir);
  let spec = cache.get(key);
  if (!spec) {
    spec = new Spec(key);
    cache.set(key, spec);
  }
  return spec;
}

export function readJson<T>(file: string): T {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as T;
  } catch (err) {
    throw new Error(`spec: cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
}

function roleOf(key: RoleKey, def: SpecRoleDef): Role {
  return { key, description: def.description, evmId: evmRoleId(def.evm), evmName: def.evmName, wasm: def.wasm };
}

function assertUnique(what: string, values: readonly (string | number)[]): void {
  const seen = new Set<string | number>();
  for (const v of values) {
    if (seen.has(v)) throw new Error(`spec: duplicate in ${what}: ${v}`);
    seen.add(v);
  }
}
