import { ZeroAddress, getAddress, id, isHexString } from "ethers";

import type { Component } from "./load";

/**
 * The one value codec of the toolkit: a spec value between its four forms (spec/README.md
 * "Naming on each stack", spec/vectors/README.md), used by the vectors, the equivalence
 * engine, deploy and verify alike.
 *
 * - spec JSON (vectors, scenarios, parameter files) → canonical: `fromJson`
 * - canonical or spec JSON → EVM (ethers v6 arguments): `toEvmArg`; EVM → canonical: `fromEvm`
 * - canonical or spec JSON → CosmWasm JSON: `toWasm`; CosmWasm JSON or event attribute
 *   text → canonical: `fromWasm`
 * - canonical → its text form (integers as decimal strings), the form compared as JSON
 *   text: `canonText`
 *
 * The canonical form:
 * - integers (uintN, int64, enums) → `bigint`
 * - `bytes32`, `bytes` → lowercase `0x` hex
 * - `address` → what `address` maps it to (default: EIP-55 checksummed on EVM, the bech32
 *   text on CosmWasm); an optional address that is not set (`address(0)` on EVM, `null` in
 *   JSON) → `null`
 * - `role` → the spec role key when the id is known, else lowercase hex (EVM) or the name (CosmWasm)
 * - `string` → the string
 * - `T[]` → an array of canonical `T`
 * - structs → plain objects with the spec's field names
 */
export type Canonical = bigint | boolean | string | null | Canonical[] | { [field: string]: Canonical };

/** The text form of a canonical value: integers as decimal strings, the rest unchanged. */
export type CanonicalText = string | boolean | null | CanonicalText[] | { [field: string]: CanonicalText };

export interface ValueOptions {
  /** Canonical form of an address (e.g. the name of the actor holding it). */
  address?: (address: string) => string;
  /** EVM: the zero address is "not set" (`null`) even where the spec does not mark the
   *  field optional (the other stack has no zero address to compare it with). */
  zeroAddressIsNull?: boolean;
  /** CosmWasm: a struct with a field the spec does not name is an error (default: ignored). */
  strict?: boolean;
}

const UINT = /^uint(\d+)$/;
const INT = /^int(\d+)$/;
const ARRAY = /^(.+)\[\]$/;

/** camelCase spec name → snake_case CosmWasm name (vagus-common `snake_case`: no leading `_`). */
export function snakeCase(name: string): string {
  let out = snakeCache.get(name);
  if (out === undefined) {
    out = name.replace(/[A-Z]/g, (c, i: number) => (i > 0 ? "_" : "") + c.toLowerCase());
    if (snakeCache.size < 10_000) snakeCache.set(name, out);
  }
  return out;
}

/** Spec names are few and converted once per event field: the monitor's hot path. */
const snakeCache = new Map<string, string>();

/** Whether a spec type is an integer on the wire (uintN, intN, enums). */
export function isIntType(component: Component, type: string): boolean {
  return UINT.test(type) || INT.test(type) || component.isEnum(type);
}

function intOf(value: unknown, type: string): bigint {
  if (typeof value === "bigint") return value;
  if (typeof value === "number" && Number.isSafeInteger(value)) return BigInt(value);
  if (typeof value === "string" && /^-?(0|[1-9][0-9]*)$/.test(value) && value !== "-0") return BigInt(value);
  throw new TypeError(`${type}: expected an integer, got ${JSON.stringify(String(value))}`);
}

function checkRange(n: bigint, type: string): bigint {
  const signed = INT.exec(type);
  if (signed) {
    const half = 1n << BigInt(Number(signed[1]) - 1);
    if (n < -half || n >= half) throw new RangeError(`${n} does not fit ${type}`);
    return n;
  }
  const m = UINT.exec(type);
  const bits = m ? Number(m[1]) : 8; // enums are uint8
  if (n < 0n || n >= 1n << BigInt(bits)) throw new RangeError(`${n} does not fit ${type}`);
  return n;
}

/** Bits of an integer type on the wire (enums are uint8). */
function intBits(type: string): number {
  return Number((UINT.exec(type) ?? INT.exec(type))?.[1] ?? 8);
}

/** `0x` + lowercase hex of a hex text, with or without its `0x`. */
function hexOf(value: unknown, type: string): string {
  if (typeof value !== "string") throw new TypeError(`${type}: expected hex, got ${JSON.stringify(value)}`);
  const h = value.startsWith("0x") ? value.slice(2) : value;
  if (!/^([0-9a-fA-F]{2})*$/.test(h)) throw new TypeError(`${type}: not hex: ${JSON.stringify(value)}`);
  return `0x${h.toLowerCase()}`;
}

function bytesOf(value: unknown): string {
  if (typeof value !== "string" || !isHexString(value) || value.length % 2 !== 0) {
    throw new TypeError(`bytes: expected 0x + an even number of hex digits, got ${JSON.stringify(value)}`);
  }
  return value.toLowerCase();
}

function arrayOf(value: unknown, type: string): unknown[] {
  if (Array.isArray(value)) return value;
  // ethers v6 Result is array-like
  if (value !== null && typeof value === "object" && "length" in value) return Array.from(value as ArrayLike<unknown>);
  throw new TypeError(`${type}: expected an array, got ${JSON.stringify(value)}`);
}

function bytes32Of(value: unknown): string {
  if (typeof value !== "string" || !isHexString(value, 32)) {
    throw new TypeError(`bytes32: expected 0x + 64 hex digits, got ${JSON.stringify(value)}`);
  }
  return value.toLowerCase();
}

function fieldsOf(component: Component, type: string) {
  const fields = component.types[type];
  if (!fields) throw new Error(`spec: ${component.name} has no struct ${type}`);
  return fields;
}

/** A scalar's text (what an address or role is written as). */
function text(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean") return String(value);
  throw new TypeError(`expected a string, got ${JSON.stringify(value)}`);
}

/** The spec key of a role id (EVM) or name (CosmWasm), the component's own roles first. */
function roleKey(component: Component, match: (r: { evmId: string; wasm: string }) => boolean): string | undefined {
  return component.roles.find(match)?.key ?? [...component.spec.roles.values()].find(match)?.key;
}

/**
 * Canonical form of a value decoded from the EVM (ethers v6: bigint, string, boolean,
 * `Result` for tuples) whose spec type is `type`.
 */
export function fromEvm(
  component: Component,
  type: string,
  value: unknown,
  opts: ValueOptions = {},
  optional = false,
): Canonical {
  if (isIntType(component, type)) return checkRange(intOf(value, type), type);
  const array = ARRAY.exec(type);
  if (array) return arrayOf(value, type).map((v) => fromEvm(component, array[1], v, opts));
  switch (type) {
    case "bool":
      if (typeof value !== "boolean") throw new TypeError(`bool: got ${String(value)}`);
      return value;
    case "string":
      return String(value);
    case "bytes32":
      return bytes32Of(value);
    case "bytes":
      return bytesOf(value);
    case "address": {
      const addr = getAddress(String(value));
      if ((optional || opts.zeroAddressIsNull) && addr === ZeroAddress) return null;
      return opts.address ? opts.address(addr) : addr;
    }
    case "role": {
      const id = bytes32Of(value);
      return roleKey(component, (r) => r.evmId === id) ?? id;
    }
  }
  const fields = fieldsOf(component, type);
  const items = value as ArrayLike<unknown>;
  const out: Record<string, Canonical> = {};
  fields.forEach((f, i) => {
    out[f.name] = fromEvm(component, f.type, items[i], opts, f.optional === true);
  });
  return out;
}

/**
 * Canonical form of a value written in a spec file or vector (JSON): integers as numbers or
 * decimal strings, `bytes32` as hex, addresses as `@actor` (kept as written) or hex,
 * roles by key, structs as objects with every field.
 */
export function fromJson(
  component: Component,
  type: string,
  value: unknown,
  opts: ValueOptions = {},
  optional = false,
): Canonical {
  if (isIntType(component, type)) return checkRange(intOf(value, type), type);
  const array = ARRAY.exec(type);
  if (array) return arrayOf(value, type).map((v) => fromJson(component, array[1], v, opts));
  switch (type) {
    case "bool":
      if (typeof value !== "boolean") throw new TypeError(`bool: got ${JSON.stringify(value)}`);
      return value;
    case "string":
      if (typeof value !== "string") throw new TypeError(`string: got ${JSON.stringify(value)}`);
      return value;
    case "bytes32":
      return bytes32Of(value);
    case "bytes":
      return bytesOf(value);
    case "address": {
      if (value === null && optional) return null;
      if (typeof value !== "string") throw new TypeError(`address: got ${JSON.stringify(value)}`);
      if (value.startsWith("@")) return value;
      const addr = getAddress(value);
      return opts.address ? opts.address(addr) : addr;
    }
    case "role": {
      if (typeof value !== "string") throw new TypeError(`role: got ${JSON.stringify(value)}`);
      if (component.spec.roles.has(value) || component.hasRole(value)) return value;
      const id = bytes32Of(value);
      return roleKey(component, (r) => r.evmId === id) ?? id;
    }
  }
  const fields = fieldsOf(component, type);
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new TypeError(`${type}: expected an object with fields ${fields.map((f) => f.name).join(", ")}`);
  }
  const obj = value as Record<string, unknown>;
  const extra = Object.keys(obj).filter((k) => !fields.some((f) => f.name === k));
  if (extra.length > 0) throw new TypeError(`${type}: unknown field(s) ${extra.join(", ")}`);
  const out: Record<string, Canonical> = {};
  for (const f of fields) {
    if (!(f.name in obj)) throw new TypeError(`${type}: missing field ${f.name}`);
    out[f.name] = fromJson(component, f.type, obj[f.name], opts, f.optional === true);
  }
  return out;
}

export interface EncodeOptions {
  /** The address of an `@actor` reference. */
  resolveAddress?: (ref: string) => string;
}

/** The address of an `@actor` reference on the stack being encoded for. */
function resolveRef(ref: string, opts: EncodeOptions): string {
  if (!opts.resolveAddress) throw new Error(`cannot resolve ${ref}: no actors`);
  return opts.resolveAddress(ref);
}

/** A spec value (JSON conventions or canonical) as an ethers v6 call argument of spec type `type`. */
export function toEvmArg(component: Component, type: string, value: unknown, opts: EncodeOptions = {}): unknown {
  if (isIntType(component, type)) return checkRange(intOf(value, type), type);
  const array = ARRAY.exec(type);
  if (array) return arrayOf(value, type).map((v) => toEvmArg(component, array[1], v, opts));
  switch (type) {
    case "bool":
    case "string":
      return fromJson(component, type, value);
    case "bytes32":
    case "bytes":
      return hexOf(value, type);
    case "address": {
      // null is an optional address that is not set: address(0) on EVM.
      if (value === null) return ZeroAddress;
      if (typeof value !== "string") throw new TypeError(`address: got ${JSON.stringify(value)}`);
      return value.startsWith("@") ? resolveRef(value, opts) : getAddress(value);
    }
    case "role": {
      if (typeof value !== "string") throw new TypeError(`role: got ${JSON.stringify(value)}`);
      const role = component.spec.roles.get(value);
      if (role) return role.evmId;
      // A key the spec does not define (vectors use one to provoke UnknownRole) gets the
      // id the spec's own naming would give it: keccak256("<KEY>_ROLE").
      if (/^[A-Z][A-Z0-9_]*$/.test(value)) return id(`${value}_ROLE`);
      return hexOf(value, type);
    }
  }
  const fields = fieldsOf(component, type);
  const obj = (value ?? {}) as Record<string, unknown>;
  return fields.map((f) => {
    if (!(f.name in obj)) throw new TypeError(`${type}: missing field ${f.name}`);
    return toEvmArg(component, f.type, obj[f.name], opts);
  });
}

/**
 * A spec value (JSON conventions or canonical) as CosmWasm message JSON: snake_case
 * fields, integers of up to 32 bits (and enums) as JSON numbers and wider ones as decimal
 * strings, bytes as hex without `0x`, roles by their CosmWasm name, unset addresses `null`.
 */
export function toWasm(component: Component, type: string, value: unknown, opts: EncodeOptions = {}): unknown {
  const array = ARRAY.exec(type);
  if (array) return arrayOf(value, type).map((v) => toWasm(component, array[1], v, opts));
  if (isIntType(component, type)) {
    const n = intOf(value, type).toString();
    return intBits(type) >= 64 ? n : Number(n);
  }
  const fields = component.types[type];
  if (fields) {
    const obj = (value ?? {}) as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const f of fields) {
      if (!(f.name in obj)) throw new TypeError(`${type}: missing field ${f.name}`);
      out[snakeCase(f.name)] = toWasm(component, f.type, obj[f.name], opts);
    }
    return out;
  }
  switch (type) {
    case "bytes32":
    case "bytes":
      return hexOf(value, type).slice(2);
    case "address":
      if (value === null) return null;
      if (typeof value === "string" && value.startsWith("@")) return resolveRef(value, opts);
      return text(value);
    case "role": {
      const key = text(value);
      return component.spec.roles.get(key)?.wasm ?? key.toLowerCase();
    }
    default:
      return value;
  }
}

/**
 * Canonical form of a CosmWasm value: JSON of a response, or the text of an event attribute
 * (integers in decimal, structs and arrays as JSON text, booleans `true`/`false`).
 * `optional` marks a field the spec declares `optional`: for an address, the attribute text
 * `null` is then the unset address (spec/safety-core.md §7: wasmd rejects an empty
 * attribute value, so an unset optional address is written as the text `null`).
 */
export function fromWasm(
  component: Component,
  type: string,
  value: unknown,
  opts: ValueOptions = {},
  optional = false,
): Canonical {
  const array = ARRAY.exec(type);
  if (array) {
    const arr = typeof value === "string" ? (JSON.parse(value) as unknown[]) : arrayOf(value, type);
    return arr.map((v) => fromWasm(component, array[1], v, opts));
  }
  if (isIntType(component, type)) return checkRange(intOf(value, type), type);
  const fields = component.types[type];
  if (fields) {
    const obj = ((typeof value === "string" ? JSON.parse(value) : value) ?? {}) as Record<string, unknown>;
    if (opts.strict) {
      const extra = Object.keys(obj).filter((k) => !fields.some((f) => snakeCase(f.name) === k));
      if (extra.length > 0) throw new TypeError(`${type}: unexpected field(s) ${extra.join(", ")} from the chain`);
    }
    const out: Record<string, Canonical> = {};
    for (const f of fields) out[f.name] = fromWasm(component, f.type, obj[snakeCase(f.name)], opts, f.optional === true);
    return out;
  }
  switch (type) {
    case "bytes32":
    case "bytes":
      if (typeof value === "string" && !isHexString(`0x${value}`) && value !== "") {
        // A `Binary` (base64) rather than `HexBinary`: decode so both stacks compare.
        return `0x${Buffer.from(value, "base64").toString("hex")}`;
      }
      return hexOf(value, type);
    case "address": {
      if (value === null || value === undefined || value === "") return null;
      if (optional && value === "null") return null;
      const addr = text(value);
      return opts.address ? opts.address(addr) : addr;
    }
    case "role": {
      const name = text(value);
      return roleKey(component, (r) => r.wasm === name) ?? name;
    }
    case "bool":
      return value === true || value === "true";
    default:
      return value as Canonical;
  }
}

/** The text form of a canonical value (integers as decimal strings). */
export function canonText(value: Canonical): CanonicalText {
  if (typeof value === "bigint") return value.toString();
  if (Array.isArray(value)) return value.map(canonText);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, canonText(v)]));
  }
  return value;
}

/**
 * The text form of a value as a scenario writes it, where a struct may name only some of
 * its fields (an expectation checks those): integers as decimal strings, hex lowercased
 * with `0x`, the rest as written.
 */
export function scenarioText(component: Component, type: string, value: unknown): CanonicalText {
  const array = ARRAY.exec(type);
  if (array) {
    if (!Array.isArray(value)) throw new TypeError(`${type}: expected an array`);
    return value.map((v) => scenarioText(component, array[1], v));
  }
  if (isIntType(component, type)) return intOf(value, type).toString();
  const fields = component.types[type];
  if (fields) {
    if (typeof value !== "object" || value === null) throw new TypeError(`${type}: expected an object`);
    const obj = value as Record<string, unknown>;
    const out: Record<string, CanonicalText> = {};
    for (const f of fields) if (f.name in obj) out[f.name] = scenarioText(component, f.type, obj[f.name]);
    return out;
  }
  switch (type) {
    case "bytes32":
    case "bytes":
      return hexOf(value, type);
    case "address":
      return value === null ? null : text(value);
    default:
      return value as CanonicalText;
  }
}
