import { getAddress, id, isHexString } from "ethers";

import type { Component } from "./load";

/**
 * Values in the spec's conventions (spec/vectors/README.md), one canonical form for
 * comparing what a chain returned with what the spec expects:
 *
 * - integers (uintN, enums) → `bigint`
 * - `bytes32` → lowercase `0x` hex
 * - `address` → what `address` maps it to (default: EIP-55 checksummed)
 * - `role` → the spec role key when the id is known, else lowercase hex
 * - structs → plain objects with the spec's field names
 */
export type Canonical = bigint | boolean | string | { [field: string]: Canonical };

export interface ValueOptions {
  /** Canonical form of an address (e.g. the name of the actor holding it). */
  address?: (address: string) => string;
}

const UINT = /^uint(\d+)$/;

function intOf(value: unknown, type: string): bigint {
  if (typeof value === "bigint") return value;
  if (typeof value === "number" && Number.isSafeInteger(value)) return BigInt(value);
  if (typeof value === "string" && /^(0|[1-9][0-9]*)$/.test(value)) return BigInt(value);
  throw new TypeError(`${type}: expected an integer, got ${JSON.stringify(String(value))}`);
}

function checkRange(n: bigint, type: string): bigint {
  const m = UINT.exec(type);
  const bits = m ? Number(m[1]) : 8; // enums are uint8
  if (n < 0n || n >= 1n << BigInt(bits)) throw new RangeError(`${n} does not fit ${type}`);
  return n;
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

/**
 * Canonical form of a value decoded from the EVM (ethers v6: bigint, string, boolean,
 * `Result` for tuples) whose spec type is `type`.
 */
export function fromEvm(component: Component, type: string, value: unknown, opts: ValueOptions = {}): Canonical {
  if (UINT.test(type) || component.isEnum(type)) return checkRange(intOf(value, type), type);
  switch (type) {
    case "bool":
      if (typeof value !== "boolean") throw new TypeError(`bool: got ${String(value)}`);
      return value;
    case "string":
      return String(value);
    case "bytes32":
      return bytes32Of(value);
    case "address":
      return opts.address ? opts.address(getAddress(String(value))) : getAddress(String(value));
    case "role": {
      const id = bytes32Of(value);
      return component.roles.find((r) => r.evmId === id)?.key ?? component.spec.roleByEvmId(id)?.key ?? id;
    }
  }
  const fields = fieldsOf(component, type);
  const items = value as ArrayLike<unknown>;
  const out: Record<string, Canonical> = {};
  fields.forEach((f, i) => {
    out[f.name] = fromEvm(component, f.type, items[i], opts);
  });
  return out;
}

/**
 * Canonical form of a value written in a spec file or vector (JSON): integers as numbers or
 * decimal strings, `bytes32` as hex, addresses as `@actor` (kept as written) or hex,
 * roles by key, structs as objects with every field.
 */
export function fromJson(component: Component, type: string, value: unknown, opts: ValueOptions = {}): Canonical {
  if (UINT.test(type) || component.isEnum(type)) return checkRange(intOf(value, type), type);
  switch (type) {
    case "bool":
      if (typeof value !== "boolean") throw new TypeError(`bool: got ${JSON.stringify(value)}`);
      return value;
    case "string":
      if (typeof value !== "string") throw new TypeError(`string: got ${JSON.stringify(value)}`);
      return value;
    case "bytes32":
      return bytes32Of(value);
    case "address": {
      if (typeof value !== "string") throw new TypeError(`address: got ${JSON.stringify(value)}`);
      if (value.startsWith("@")) return value;
      const addr = getAddress(value);
      return opts.address ? opts.address(addr) : addr;
    }
    case "role": {
      if (typeof value !== "string") throw new TypeError(`role: got ${JSON.stringify(value)}`);
      if (component.spec.roles.has(value) || component.hasRole(value)) return value;
      const id = bytes32Of(value);
      return component.roles.find((r) => r.evmId === id)?.key ?? component.spec.roleByEvmId(id)?.key ?? id;
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
    out[f.name] = fromJson(component, f.type, obj[f.name], opts);
  }
  return out;
}

export interface EncodeOptions {
  /** The address of an `@actor` reference. */
  resolveAddress?: (ref: string) => string;
}

/** A JSON value (vector conventions) as an ethers v6 call argument of spec type `type`. */
export function toEvmArg(component: Component, type: string, value: unknown, opts: EncodeOptions = {}): unknown {
  if (UINT.test(type) || component.isEnum(type)) return checkRange(intOf(value, type), type);
  switch (type) {
    case "bool":
    case "string":
      return fromJson(component, type, value);
    case "bytes32":
      return bytes32Of(value);
    case "address": {
      if (typeof value !== "string") throw new TypeError(`address: got ${JSON.stringify(value)}`);
      if (value.startsWith("@")) {
        if (!opts.resolveAddress) throw new Error(`cannot resolve ${value}: no actors`);
        return opts.resolveAddress(value);
      }
      return getAddress(value);
    }
    case "role": {
      if (typeof value !== "string") throw new TypeError(`role: got ${JSON.stringify(value)}`);
      const role = component.spec.roles.get(value);
      if (role) return role.evmId;
      // A key the spec does not define (vectors use one to provoke UnknownRole) gets the
      // id the spec's own naming would give it: keccak256("<KEY>_ROLE").
      if (/^[A-Z][A-Z0-9_]*$/.test(value)) return id(`${value}_ROLE`);
      return bytes32Of(value);
    }
  }
  const fields = fieldsOf(component, type);
  const obj = (value ?? {}) as Record<string, unknown>;
  return fields.map((f) => {
    if (!(f.name in obj)) throw new TypeError(`${type}: missing field ${f.name}`);
    return toEvmArg(component, f.type, obj[f.name], opts);
  });
}
