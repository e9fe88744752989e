import { readFileSync } from "node:fs";
import path from "node:path";

import { getAddress, Interface, isAddress } from "ethers";

import { readEvmArtifact } from "../chains/evm";
import { commit, type CborValue } from "../cbor";
import { REPO_ROOT } from "../deployment/config";
import {
  fromEvm,
  fromJson,
  fromWasm,
  isIntType,
  snakeCase,
  toEvmArg,
  toWasm,
  type Canonical,
  type Component,
  type Spec,
  type SpecOperation,
} from "../spec";
import { SchemaValidator } from "../spec/json-schema";
import { GOV, govError } from "./errors";

/**
 * The ADMIN operations of the spec as governance calls: a component and an operation by
 * their spec names, arguments by spec argument name, validated against the spec (types,
 * ranges of the component's parameters, the CosmWasm JSON schema of the message) and
 * encoded for each stack — EVM calldata for the component's proxy, a CosmWasm `Call` for
 * the timelock contract. Pure: needs the deployed addresses, reads no chain.
 */

export type Stack = "evm" | "wasm";
export const STACKS: readonly Stack[] = ["evm", "wasm"];

/** One ADMIN operation of the spec, by spec names (src/governance/index.ts). */
export interface GovOperation {
  component: string;
  operation: string;
  args: Record<string, unknown>;
}

/** Deployed addresses by logical name (the sync file's), per stack; `timelock` included. */
export interface Deployed {
  evm?: Record<string, string>;
  wasm?: Record<string, string>;
}

/** A CosmWasm timelock `Call` (spec/timelock.md §4). */
export type WasmCall =
  | { execute: { contract_addr: string; msg: string; funds: never[] } }
  | { migrate: { contract_addr: string; new_code_id: number; msg: string } };

/** One operation ready to schedule: what each stack's timelock will call. */
export interface EncodedOperation {
  /** Spec component name (`RateLimiter`, `Timelock`). */
  component: string;
  operation: string;
  /** The arguments as validated (text form: integers as decimal strings). */
  args: unknown;
  evm?: { target: string; value: "0"; data: string; fn: string };
  wasm?: { contract: string; call: WasmCall; msg: unknown };
  /**
   * The CBOR dual hash of the parameters, decoded back from each stack's encoding; equal
   * on both stacks (checked before anything is scheduled). Absent for `upgrade`, whose
   * targets differ per stack by nature.
   */
  paramsHash?: { sha256: string; keccak256: string };
}

/** Operation names that are not spec operations: a UUPS upgrade / a CosmWasm migrate. */
const UPGRADE = new Set(["upgrade", "migrate"]);

/** Lower case, letters and digits only: `rate-limiter`, `RateLimiter`, `rate_limiter` meet. */
function norm(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]/g, "");
}

/** The spec component a command-line name means: spec name, file name or CosmWasm name. */
export function findComponent(spec: Spec, name: string): Component {
  const want = norm(name);
  for (const c of [...spec.components.values(), ...spec.governance.values()]) {
    const names = [c.name, path.basename(c.file, ".json"), c.wasmContract.replace(/^vagus-/, "")];
    if (names.some((n) => norm(n) === want)) return c;
  }
  const known = [...spec.components.keys(), "Timelock"].join(", ");
  throw govError(GOV.UNKNOWN_COMPONENT, `unknown component "${name}"`, `one of: ${known}`);
}

/** The logical name of a component in the address books and sync file. */
export function logicalName(c: Component): string {
  return c.name === "Timelock" ? "timelock" : c.name;
}

/** ADMIN operations of a component that governance can propose (plus `updateDelay` on the timelock). */
export function adminOperations(c: Component): SpecOperation[] {
  return c.operations.filter(
    (o) => o.kind === "execute" && (o.role === "ADMIN" || (c.name === "Timelock" && o.name === "updateDelay")),
  );
}

export function findOperation(c: Component, name: string): SpecOperation | "upgrade" {
  if (UPGRADE.has(name)) return "upgrade";
  const op = adminOperations(c).find((o) => o.name === name || snakeCase(o.name) === name);
  if (op) return op;
  throw govError(
    GOV.UNKNOWN_OPERATION,
    `${c.name} has no ADMIN operation "${name}"`,
    `one of: ${[...adminOperations(c).map((o) => o.name), "upgrade"].join(", ")}`,
  );
}

function badArg(c: Component, op: string, arg: string, why: string): Error {
  return govError(GOV.BAD_ARGUMENT, `${c.name}.${op}: argument ${arg}: ${why}`);
}

/** The stacks' forms of an address argument: `$Name` (a deployed contract), `{evm, wasm}`, or a literal. */
function addressOf(
  c: Component,
  op: string,
  arg: string,
  value: unknown,
  stack: Stack,
  deployed: Deployed,
): string | null {
  if (value === null) return null;
  if (typeof value === "object" && !Array.isArray(value)) {
    const v = (value as Record<string, unknown>)[stack];
    if (typeof v !== "string") throw badArg(c, op, arg, `no ${stack} address in ${JSON.stringify(value)}`);
    return addressOf(c, op, arg, v, stack, deployed);
  }
  if (typeof value !== "string") throw badArg(c, op, arg, `expected an address, got ${JSON.stringify(value)}`);
  if (value.startsWith("$")) {
    const name = value.slice(1);
    const book = deployed[stack] ?? {};
    const hit = Object.entries(book).find(([k]) => norm(k) === norm(name));
    if (!hit)
      throw badArg(
        c,
        op,
        arg,
        `no ${stack} contract "${name}" in the deployment (known: ${Object.keys(book).join(", ")})`,
      );
    return hit[1];
  }
  const literal: string = value;
  if (stack === "evm") {
    if (!isAddress(value))
      throw badArg(c, op, arg, `"${literal}" is not an EVM address (give {"evm": ..., "wasm": ...} for both stacks)`);
    return getAddress(value);
  }
  if (!/^[a-z]+1[02-9ac-hj-np-z]{38,}$/.test(value))
    throw badArg(c, op, arg, `"${value}" is not a CosmWasm address (give {"evm": ..., "wasm": ...} for both stacks)`);
  return value;
}

/** Replaces address arguments (at any depth of the spec type) by the stack's address. */
function mapAddresses(
  c: Component,
  op: string,
  arg: string,
  type: string,
  value: unknown,
  map: (arg: string, value: unknown) => unknown,
): unknown {
  if (type.endsWith("[]")) {
    if (!Array.isArray(value)) throw badArg(c, op, arg, `expected an array`);
    return value.map((v, i) => mapAddresses(c, op, `${arg}[${i}]`, type.slice(0, -2), v, map));
  }
  if (type === "address") return map(arg, value);
  const fields = c.types[type];
  if (fields && value !== null && typeof value === "object" && !Array.isArray(value)) {
    const obj = value as Record<string, unknown>;
    return Object.fromEntries(
      Object.entries(obj).map(([k, v]) => {
        const f = fields.find((x) => x.name === k);
        return [k, f ? mapAddresses(c, op, `${arg}.${k}`, f.type, v, map) : v];
      }),
    );
  }
  return value;
}

function withAddresses(
  c: Component,
  op: string,
  arg: string,
  type: string,
  value: unknown,
  stack: Stack,
  deployed: Deployed,
): unknown {
  return mapAddresses(c, op, arg, type, value, (at, v) => addressOf(c, op, at, v, stack, deployed));
}

/** The shape of an address argument, before any stack is chosen; a placeholder the codec accepts. */
function addressShape(c: Component, op: string, arg: string, value: unknown): unknown {
  if (value === null) return null;
  const ok = (v: unknown) => typeof v === "string" && v.length > 0;
  if (typeof value === "object" && !Array.isArray(value)) {
    const o = value as Record<string, unknown>;
    const extra = Object.keys(o).filter((k) => k !== "evm" && k !== "wasm");
    if (extra.length > 0 || !Object.values(o).every(ok))
      throw badArg(c, op, arg, `an address is "$Contract", a literal, or {"evm": "0x...", "wasm": "..."}`);
    return `@${arg}`;
  }
  if (!ok(value)) throw badArg(c, op, arg, `expected an address, got ${JSON.stringify(value)}`);
  return `@${arg}`;
}

/** The component's parameter bounds (spec `params`) for a field or argument of that name. */
function checkBounds(c: Component, op: string, arg: string, type: string, value: Canonical): void {
  const p = c.params[arg.split(".").pop() ?? arg];
  if (p && typeof value === "bigint" && isIntType(c, type)) {
    const min = BigInt(p.min);
    const max = BigInt(p.max);
    if (value < min || value > max) throw badArg(c, op, arg, `${value} is out of range [${p.min}, ${p.max}] ${p.unit}`);
  }
  const fields = c.types[type];
  if (fields && value !== null && typeof value === "object" && !Array.isArray(value)) {
    for (const f of fields)
      checkBounds(c, op, `${arg}.${f.name}`, f.type, (value as Record<string, Canonical>)[f.name]);
  }
}

/** Validates `args` against the operation's spec arguments; canonical values by name. */
export function validateArgs(
  c: Component,
  op: SpecOperation,
  args: Record<string, unknown>,
): Record<string, Canonical> {
  const specArgs = op.args;
  const extra = Object.keys(args).filter((k) => !specArgs.some((a) => a.name === k));
  if (extra.length > 0)
    throw badArg(
      c,
      op.name,
      extra.join(", "),
      `not an argument of ${op.name} (its arguments: ${specArgs.map((a) => a.name).join(", ") || "none"})`,
    );
  const out: Record<string, Canonical> = {};
  for (const a of specArgs) {
    if (!(a.name in args) || args[a.name] === undefined)
      throw govError(
        GOV.MISSING_ARGUMENT,
        `${c.name}.${op.name}: missing argument ${a.name} (${a.type})`,
        `pass --args '{"${a.name}": ...}'`,
      );
    // Addresses are checked per stack (encode); the rest has one spec form.
    const probe = mapAddresses(c, op.name, a.name, a.type, args[a.name], (at, v) => addressShape(c, op.name, at, v));
    let v: Canonical;
    try {
      v = fromJson(c, a.type, probe, {}, a.optional === true);
    } catch (err) {
      throw badArg(c, op.name, a.name, (err as Error).message);
    }
    checkBounds(c, op.name, a.name, a.type, v);
    out[a.name] = v;
  }
  return out;
}

/** CosmWasm schemas (schema/<contract>/raw/execute.json), with the custom integer formats dropped. */
const validators = new Map<string, SchemaValidator>();
function wasmValidator(c: Component): SchemaValidator | undefined {
  const dir = c.wasmContract.replace(/^vagus-/, "");
  const file = path.join(REPO_ROOT, "schema", dir, "raw", "execute.json");
  let v = validators.get(file);
  if (!v) {
    let schema: Record<string, unknown>;
    try {
      schema = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
    } catch {
      return undefined;
    }
    delete schema.$schema;
    v = new SchemaValidator(stripFormats(schema) as object);
    validators.set(file, v);
  }
  return v;
}

/** cosmwasm-schema writes `format: uint32` etc., which ajv does not know; the codec checks ranges. */
function stripFormats(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripFormats);
  if (v !== null && typeof v === "object") {
    return Object.fromEntries(
      Object.entries(v as Record<string, unknown>)
        .filter(([k, x]) => !(k === "format" && typeof x === "string" && /^u?int\d+$|^double$|^float$/.test(x)))
        .map(([k, x]) => [k, stripFormats(x)]),
    );
  }
  return v;
}

/** Canonical form as a CBOR value (null — an unset optional address — as an empty byte string). */
function toCbor(v: Canonical): CborValue {
  if (v === null) return new Uint8Array(0);
  if (Array.isArray(v)) return v.map(toCbor);
  if (typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toCbor(x)]));
  return v;
}

function dualHash(c: Component, op: string, args: Record<string, Canonical>) {
  const h = commit({ component: c.name, operation: op, args: toCbor(args) });
  return { sha256: h.sha256, keccak256: h.keccak256 };
}

function text(v: unknown): unknown {
  return JSON.parse(JSON.stringify(v, (_k, x: unknown) => (typeof x === "bigint" ? x.toString() : x))) as unknown;
}

function base64Json(msg: unknown): string {
  return Buffer.from(JSON.stringify(msg)).toString("base64");
}

/** Everything about an operation that needs no deployment: component, operation, arguments. */
export function validateOperation(spec: Spec, g: GovOperation): void {
  const c = findComponent(spec, g.component);
  const op = findOperation(c, g.operation);
  if (op !== "upgrade") validateArgs(c, op, g.args ?? {});
}

/**
 * Validates and encodes one operation for the given stacks. Throws a coded ToolError
 * (12001-12005) on any problem; nothing is read from or sent to a chain.
 */
export function encodeOperation(
  spec: Spec,
  g: GovOperation,
  stacks: readonly Stack[],
  deployed: Deployed,
): EncodedOperation {
  const c = findComponent(spec, g.component);
  const found = findOperation(c, g.operation);
  const name = logicalName(c);
  const targetOf = (stack: Stack): string => {
    const addr = deployed[stack]?.[name];
    if (!addr)
      throw govError(
        GOV.NO_DEPLOYMENT,
        `${name} is not deployed on the ${stack} stack of this network pair`,
        "deploy it first, or choose --stacks",
      );
    return addr;
  };
  if (found === "upgrade") return encodeUpgrade(c, g, stacks, targetOf);
  const op = found;
  const args = g.args ?? {};
  validateArgs(c, op, args);
  const out: EncodedOperation = { component: c.name, operation: op.name, args: text(args) };
  const hashes: { stack: Stack; sha256: string; keccak256: string }[] = [];
  // Reverse maps: an address decoded back from an encoding is compared by what it names.
  const names = (stack: Stack) => {
    const m = new Map<string, string>();
    for (const [k, v] of Object.entries(deployed[stack] ?? {})) m.set(v.toLowerCase(), `$${k}`);
    return m;
  };
  const pairLabels = new Map<string, string>();
  for (const a of op.args) {
    mapAddresses(c, op.name, a.name, a.type, args[a.name], (at, value) => {
      if (value && typeof value === "object") {
        const o = value as Record<string, string>;
        // Two different accounts given for one argument name the same thing: the argument.
        if (o.evm) pairLabels.set(`evm:${o.evm.toLowerCase()}`, `@${at}`);
        if (o.wasm) pairLabels.set(`wasm:${o.wasm.toLowerCase()}`, `@${at}`);
      }
      return value;
    });
  }
  const addressName = (stack: Stack) => {
    const m = names(stack);
    return (addr: string) =>
      m.get(addr.toLowerCase()) ?? pairLabels.get(`${stack}:${addr.toLowerCase()}`) ?? addr.toLowerCase();
  };

  if (stacks.includes("evm")) {
    const target = targetOf("evm");
    const contract = c.evmContract;
    const iface = new Interface(readEvmArtifact(contract).abi as never);
    const evmArgs = op.args.map((a) => {
      try {
        return toEvmArg(c, a.type, withAddresses(c, op.name, a.name, a.type, args[a.name], "evm", deployed));
      } catch (err) {
        if ((err as { code?: number }).code) throw err;
        throw badArg(c, op.name, a.name, (err as Error).message);
      }
    });
    const fragment = iface.getFunction(op.name);
    if (!fragment)
      throw govError(GOV.UNKNOWN_OPERATION, `${contract} has no function ${op.name} (artifacts out of date?)`);
    const data = iface.encodeFunctionData(fragment, evmArgs);
    // Decode what will be sent, not what was given: the hash covers the actual calldata.
    const decoded = iface.decodeFunctionData(fragment, data);
    const back: Record<string, Canonical> = {};
    op.args.forEach((a, i) => {
      back[a.name] = fromEvm(c, a.type, decoded[i], { address: addressName("evm") }, a.optional === true);
    });
    hashes.push({ stack: "evm", ...dualHash(c, op.name, back) });
    out.evm = { target, value: "0", data, fn: fragment.format("sighash") };
  }
  if (stacks.includes("wasm")) {
    const contract = targetOf("wasm");
    const body: Record<string, unknown> = {};
    for (const a of op.args) {
      try {
        body[snakeCase(a.name)] = toWasm(
          c,
          a.wasmType ?? a.type,
          withAddresses(c, op.name, a.name, a.type, args[a.name], "wasm", deployed),
        );
      } catch (err) {
        if ((err as { code?: number }).code) throw err;
        throw badArg(c, op.name, a.name, (err as Error).message);
      }
    }
    const msg = { [snakeCase(op.name)]: body };
    const problems = wasmValidator(c)?.validate(msg) ?? [];
    if (problems.length > 0)
      throw govError(
        GOV.BAD_ARGUMENT,
        `${c.name}.${op.name}: the CosmWasm message does not match ${c.wasmContract}'s schema: ${problems.join("; ")}`,
      );
    const sent = JSON.parse(JSON.stringify(msg)) as Record<string, Record<string, unknown>>;
    const back: Record<string, Canonical> = {};
    for (const a of op.args) {
      back[a.name] = fromWasm(
        c,
        a.type,
        sent[snakeCase(op.name)][snakeCase(a.name)],
        { address: addressName("wasm"), strict: true },
        a.optional === true,
      );
    }
    hashes.push({ stack: "wasm", ...dualHash(c, op.name, back) });
    out.wasm = { contract, call: { execute: { contract_addr: contract, msg: base64Json(msg), funds: [] } }, msg };
  }
  if (hashes.length === 2 && (hashes[0].sha256 !== hashes[1].sha256 || hashes[0].keccak256 !== hashes[1].keccak256)) {
    throw govError(
      GOV.STACKS_DIFFER,
      `${c.name}.${op.name}: the stacks' parameters differ (EVM sha256 ${hashes[0].sha256}, CosmWasm sha256 ${hashes[1].sha256})`,
      "check the per-stack values ({evm, wasm}) of the arguments; or propose on one stack with --stacks",
    );
  }
  if (hashes.length > 0) out.paramsHash = { sha256: hashes[0].sha256, keccak256: hashes[0].keccak256 };
  return out;
}

function encodeUpgrade(
  c: Component,
  g: GovOperation,
  stacks: readonly Stack[],
  targetOf: (s: Stack) => string,
): EncodedOperation {
  const args = (g.args ?? {}) as {
    evm?: { implementation?: unknown; data?: unknown };
    wasm?: { code_id?: unknown; msg?: unknown };
  };
  const extra = Object.keys(args).filter((k) => k !== "evm" && k !== "wasm");
  if (extra.length > 0)
    throw badArg(
      c,
      "upgrade",
      extra.join(", "),
      `upgrade takes {evm: {implementation, data?, artifact?}, wasm: {code_id, msg}}`,
    );
  const out: EncodedOperation = { component: c.name, operation: "upgrade", args: text(args) };
  if (stacks.includes("evm")) {
    if (c.name === "Timelock")
      throw govError(
        GOV.UNKNOWN_OPERATION,
        "the EVM timelock is not upgradeable (spec/timelock.md §5)",
        "use --stacks wasm",
      );
    const e = args.evm;
    if (!e || e.implementation === undefined)
      throw govError(
        GOV.MISSING_ARGUMENT,
        `${c.name}.upgrade: missing argument evm.implementation`,
        `pass --args '{"evm": {"implementation": "0x..."}}' or --stacks wasm`,
      );
    if (typeof e.implementation !== "string" || !isAddress(e.implementation))
      throw badArg(c, "upgrade", "evm.implementation", `${JSON.stringify(e.implementation)} is not an EVM address`);
    const data = e.data ?? "0x";
    if (typeof data !== "string" || !/^0x([0-9a-fA-F]{2})*$/.test(data))
      throw badArg(c, "upgrade", "evm.data", "not 0x hex");
    const iface = new Interface(readEvmArtifact(c.evmContract).abi as never);
    const fragment = iface.getFunction("upgradeToAndCall");
    if (!fragment) throw govError(GOV.UNKNOWN_OPERATION, `${c.evmContract} is not a UUPS implementation`);
    out.evm = {
      target: targetOf("evm"),
      value: "0",
      data: iface.encodeFunctionData(fragment, [getAddress(e.implementation), data]),
      fn: "upgradeToAndCall(address,bytes)",
    };
  }
  if (stacks.includes("wasm")) {
    const w = args.wasm;
    if (!w || w.code_id === undefined || w.msg === undefined)
      throw govError(
        GOV.MISSING_ARGUMENT,
        `${c.name}.upgrade: missing argument wasm.code_id or wasm.msg`,
        `pass --args '{"wasm": {"code_id": N, "msg": {...}}}' or --stacks evm`,
      );
    const codeId = Number(w.code_id);
    if (!Number.isSafeInteger(codeId) || codeId <= 0)
      throw badArg(c, "upgrade", "wasm.code_id", `${JSON.stringify(w.code_id)} is not a code id`);
    if (w.msg === null || typeof w.msg !== "object")
      throw badArg(c, "upgrade", "wasm.msg", "the migrate message must be a JSON object");
    const contract = targetOf("wasm");
    out.wasm = {
      contract,
      call: { migrate: { contract_addr: contract, new_code_id: codeId, msg: base64Json(w.msg) } },
      msg: w.msg,
    };
  }
  return out;
}
