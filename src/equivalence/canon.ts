import { getAddress } from "ethers";

import {
  canonText,
  fromEvm as fromEvmValue,
  fromWasm as fromWasmValue,
  isIntType,
  scenarioText,
  snakeCase,
  toEvmArg,
  toWasm as toWasmValue,
  type CanonicalText,
  type Component,
} from "../spec";

/**
 * Stack-neutral values (spec/scenarios.md "Normalization"): one JSON form for what either
 * chain returned and for what a scenario writes, so the two stacks compare with `===` on
 * their JSON text. The conversions are the toolkit's one value codec (src/spec/values.ts)
 * bound to the run's address book; this file adds the book and the text comparison.
 *
 * - integers (uintN, intN, enums) → decimal string
 * - `bytes32` / `bytes` → `0x` + lowercase hex
 * - `address` → `@actor` or `@@Component` when known, `null` for the unset address (EVM
 *   zero address, CosmWasm `null`/empty), else the raw address
 * - `role` → the spec role key when known, else the raw id
 * - `bool`, `string` as is; structs → objects with spec field names; `T[]` → arrays
 */
export type Canon = CanonicalText;

export { isIntType, snakeCase };

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

/** A scenario value in the text form (a struct may name only some fields). */
export function canonFromScenario(c: Component, type: string, value: unknown): Canon {
  return scenarioText(c, type, value);
}

/** The value of a scenario argument as an ethers v6 argument. */
export function toEvm(c: Component, type: string, value: unknown, book: AddressBook): unknown {
  return toEvmArg(c, type, value, { resolveAddress: (ref) => book.evmOf(ref) });
}

/** The value of a scenario argument as CosmWasm message JSON (spec/README.md naming table). */
export function toWasm(c: Component, type: string, value: unknown, book: AddressBook): unknown {
  return toWasmValue(c, type, value, { resolveAddress: (ref) => book.wasmOf(ref) });
}

/** Text form of a value decoded from the EVM (ethers v6); the zero address is `null`. */
export function fromEvm(c: Component, type: string, value: unknown, book: AddressBook): Canon {
  return canonText(fromEvmValue(c, type, value, { address: (a) => book.refOfEvm(a) ?? a, zeroAddressIsNull: true }));
}

/** Text form of a CosmWasm JSON value (responses) or event attribute (strings); see `fromWasm` of the codec. */
export function fromWasm(c: Component, type: string, value: unknown, book: AddressBook, optional = false): Canon {
  return canonText(fromWasmValue(c, type, value, { address: (a) => book.refOfWasm(a) ?? a }, optional));
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
