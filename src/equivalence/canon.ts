import { getAddress, id as keccakId, isHexString, ZeroAddress } from "ethers";

import type { Component, Spec, SpecField } from "../spec";

/**
 * Stack-neutral values (spec/scenarios.md "Normalization"): one JSON form for what either
 * chain returned and for what a scenario writes, so the two stacks compare with `===` on
 * their JSON text.
 *
 * - integers (uintN, intN, enums) → decimal string
 * - `bytes32` / `bytes` → `0x` + lowercase hex
 * - `address` → `@actor` or `@@Component` when known, `null` for the unset address (EVM
 *   zero address, CosmWasm `null`/empty), else the raw address
 * - `role` → the spec role key when known, else the raw id
 * - `bool`, `string` as is; structs → objects with spec field names; `T[]` → arrays
 */
export type Canon = string | boolean | null | Canon[] | { [field: string]: Canon };

/** camelCase spec name → snake_case CosmWasm name (vagus-common `snake_case`). */
export function snakeCase(name: string): string {
  let out = snakeCache.get(name);
  if (out === undefined) {
    out = name.replace(/[A-Z]/g, (c, i: number) => (i > 0 ? "_" : "") + c.toLowerCase());
    if (snakeCache.size < 10_000) snakeCache.set(name, out);
  }
  return out;
}

/** Spec names are few and looked up per event: the monitor's hot path. */
const snakeCache = new Map<string, string>();

const INT = /^u?int(\d+)$/;

export function isIntType(c: Component, type: string): boolean {
  return INT.test(type) || c.isEnum(type);
}

function elemType(type: string): string | undefined {
  return type.endsWith("[]") ? type.slice(0, -2) : undefined;
}

/** Addresses of one run on both stacks, by logical name. */
export class AddressBook {
  /** `@name` / `@@Component` → address, per stack. */
  private readonly evm = new Map<string, string>();
  private readonly wasm = new Map<string, string>();
  private readonly evmBack = new Map<string, string>();
  private readonly wasmBack = new Map<string, string>();

  set(ref: string, evm: string, wasm: string): void {
    this.setEvm(ref, evm);
    this.setWasm(ref, wasm);
  }

  setEvm(ref: string, evm: string): void {
    this.evm.set(ref, getAddress(evm));
    this.evmBack.set(evm.toLowerCase(), ref);
  }

  setWasm(ref: string, wasm: string): void {
    this.wasm.set(ref, wasm);
    this.wasmBack.set(wasm, ref);
  }

  has(ref: string): boolean {
    return this.evm.has(ref) || this.wasm.has(ref);
  }

  evmOf(ref: string): string {
    const a = this.evm.get(ref);
    if (a === undefined) throw new Error(`unknown address reference ${ref}`);
    return a;
  }

  wasmOf(ref: string): string {
    const a = this.wasm.get(ref);
    if (a === undefined) throw new Error(`unknown address reference ${ref}`);
    return a;
  }

  refOfEvm(address: string): string | undefined {
    return this.evmBack.get(address.toLowerCase());
  }

  refOfWasm(address: string): string | undefined {
    return this.wasmBack.get(address);
  }

  /** Every reference, e.g. for listing actors. */
  refs(): string[] {
    return [...new Set([...this.evm.keys(), ...this.wasm.keys()])];
  }
}

function intText(value: unknown, type: string): string {
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "number" && Number.isSafeInteger(value)) return String(value);
  if (typeof value === "string" && /^-?(0|[1-9][0-9]*)$/.test(value)) return value;
  throw new TypeError(
    `${type}: expected an integer, got ${JSON.stringify(typeof value === "bigint" ? String(value) : value)}`,
  );
}

function hexText(value: unknown, type: string): string {
  if (typeof value !== "string") throw new TypeError(`${type}: expected hex, got ${JSON.stringify(value)}`);
  const h = value.startsWith("0x") ? value.slice(2) : value;
  if (!/^([0-9a-fA-F]{2})*$/.test(h)) throw new TypeError(`${type}: not hex: ${JSON.stringify(value)}`);
  return `0x${h.toLowerCase()}`;
}

function structFields(c: Component, type: string): SpecField[] | undefined {
  return c.types[type];
}

/** Canonical form of a value written in a scenario (spec conventions, spec names). */
export function canonFromScenario(c: Component, type: string, value: unknown): Canon {
  const elem = elemType(type);
  if (elem !== undefined) {
    if (!Array.isArray(value)) throw new TypeError(`${type}: expected an array`);
    return value.map((v) => canonFromScenario(c, elem, v));
  }
  if (isIntType(c, type)) return intText(value, type);
  const fields = structFields(c, type);
  if (fields) {
    if (typeof value !== "object" || value === null) throw new TypeError(`${type}: expected an object`);
    const obj = value as Record<string, unknown>;
    const out: Record<string, Canon> = {};
    for (const f of fields) if (f.name in obj) out[f.name] = canonFromScenario(c, f.type, obj[f.name]);
    return out;
  }
  switch (type) {
    case "bytes32":
    case "bytes":
      return hexText(value, type);
    case "address":
      return value === null ? null : text(value);
    default:
      return value as Canon;
  }
}

/** The value of a scenario argument as an ethers v6 argument. */
export function toEvm(c: Component, type: string, value: unknown, book: AddressBook): unknown {
  const elem = elemType(type);
  if (elem !== undefined) {
    if (!Array.isArray(value)) throw new TypeError(`${type}: expected an array`);
    return value.map((v) => toEvm(c, elem, v, book));
  }
  if (isIntType(c, type)) return BigInt(intText(value, type));
  const fields = structFields(c, type);
  if (fields) {
    const obj = (value ?? {}) as Record<string, unknown>;
    return fields.map((f) => {
      if (!(f.name in obj)) throw new TypeError(`${type}: missing field ${f.name}`);
      return toEvm(c, f.type, obj[f.name], book);
    });
  }
  switch (type) {
    case "bytes32":
    case "bytes":
      return hexText(value, type);
    case "address":
      if (value === null) return ZeroAddress;
      if (typeof value === "string" && value.startsWith("@")) return book.evmOf(value);
      return getAddress(text(value));
    case "role": {
      const key = text(value);
      const role = c.spec.roles.get(key);
      if (role) return role.evmId;
      if (/^[A-Z][A-Z0-9_]*$/.test(key)) return keccakId(`${key}_ROLE`);
      return hexText(value, type);
    }
    default:
      return value;
  }
}

/** The value of a scenario argument as CosmWasm message JSON (spec/README.md naming table). */
export function toWasm(c: Component, type: string, value: unknown, book: AddressBook): unknown {
  const elem = elemType(type);
  if (elem !== undefined) {
    if (!Array.isArray(value)) throw new TypeError(`${type}: expected an array`);
    return value.map((v) => toWasm(c, elem, v, book));
  }
  if (isIntType(c, type)) {
    const text = intText(value, type);
    const bits = Number(INT.exec(type)?.[1] ?? 8);
    return bits >= 64 ? text : Number(text);
  }
  const fields = structFields(c, type);
  if (fields) {
    const obj = (value ?? {}) as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const f of fields) {
      if (!(f.name in obj)) throw new TypeError(`${type}: missing field ${f.name}`);
      out[snakeCase(f.name)] = toWasm(c, f.type, obj[f.name], book);
    }
    return out;
  }
  switch (type) {
    case "bytes32":
    case "bytes":
      return hexText(value, type).slice(2);
    case "address":
      if (value === null) return null;
      if (typeof value === "string" && value.startsWith("@")) return book.wasmOf(value);
      return text(value);
    case "role": {
      const key = text(value);
      return c.spec.roles.get(key)?.wasm ?? key.toLowerCase();
    }
    default:
      return value;
  }
}

function roleKeyOfEvm(spec: Spec, id: string): string {
  return spec.roleByEvmId(id)?.key ?? id.toLowerCase();
}

/** Canonical form of a value decoded from the EVM (ethers v6). */
export function fromEvm(c: Component, type: string, value: unknown, book: AddressBook): Canon {
  const elem = elemType(type);
  if (elem !== undefined) return [...(value as unknown[])].map((v) => fromEvm(c, elem, v, book));
  if (isIntType(c, type)) return intText(value, type);
  const fields = structFields(c, type);
  if (fields) {
    const items = value as ArrayLike<unknown>;
    const out: Record<string, Canon> = {};
    fields.forEach((f, i) => (out[f.name] = fromEvm(c, f.type, items[i], book)));
    return out;
  }
  switch (type) {
    case "bytes32":
    case "bytes":
      return hexText(value, type);
    case "address": {
      const a = text(value);
      if (a.toLowerCase() === ZeroAddress) return null;
      return book.refOfEvm(a) ?? getAddress(a);
    }
    case "role":
      return roleKeyOfEvm(c.spec, text(value));
    case "bool":
      return Boolean(value);
    default:
      return typeof value === "bigint" ? value.toString() : (value as Canon);
  }
}

/**
 * Canonical form of a CosmWasm JSON value (responses) or event attribute (strings).
 * `optional` marks a field the spec declares `optional`: for an address, the attribute
 * text `null` is then the unset address (spec/safety-core.md §7: wasmd rejects an empty
 * attribute value, so an unset optional address is written as the text `null`).
 */
export function fromWasm(c: Component, type: string, value: unknown, book: AddressBook, optional = false): Canon {
  const elem = elemType(type);
  if (elem !== undefined) {
    const arr = typeof value === "string" ? (JSON.parse(value) as unknown[]) : (value as unknown[]);
    return arr.map((v) => fromWasm(c, elem, v, book));
  }
  if (isIntType(c, type)) return intText(value, type);
  const fields = structFields(c, type);
  if (fields) {
    const obj = (typeof value === "string" ? JSON.parse(value) : value) as Record<string, unknown>;
    const out: Record<string, Canon> = {};
    for (const f of fields) out[f.name] = fromWasm(c, f.type, obj[snakeCase(f.name)], book);
    return out;
  }
  switch (type) {
    case "bytes32":
    case "bytes":
      if (typeof value === "string" && !isHexString(`0x${value}`) && value !== "") {
        // A `Binary` (base64) rather than `HexBinary`: decode so both stacks compare.
        return `0x${Buffer.from(value, "base64").toString("hex")}`;
      }
      return hexText(value, type);
    case "address":
      if (value === null || value === undefined || value === "") return null;
      if (optional && value === "null") return null;
      return book.refOfWasm(text(value)) ?? text(value);
    case "role": {
      const w = text(value);
      for (const r of c.spec.roles.values()) if (r.wasm === w) return r.key;
      return w;
    }
    case "bool":
      return value === true || value === "true";
    default:
      return value as Canon;
  }
}

/** A scalar's text (what an address or role argument is written as). */
function text(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean") return String(value);
  throw new TypeError(`expected a string, got ${JSON.stringify(value)}`);
}

/** Deterministic JSON: object keys sorted, so equal values give equal text. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (typeof v === "bigint") return v.toString();
    if (v && typeof v === "object" && !Array.isArray(v)) {
      const o = v as Record<string, unknown>;
      return Object.fromEntries(
        Object.keys(o)
          .sort()
          .map((k) => [k, o[k]]),
      );
    }
    return v;
  });
}
