import { AbiCoder, dataSlice, id, isHexString } from "ethers";

import type { Component } from "./load";
import type { SpecError, SpecField } from "./types";
import { fromEvm, type Canonical, type ValueOptions } from "./values";

/** The Solidity ABI type of a spec type as in signatures, without names (`(uint32,uint32,uint8)`). */
export function abiType(component: Component, type: string): string {
  if (type.endsWith("[]")) return `${abiType(component, type.slice(0, -2))}[]`;
  if (type === "role") return "bytes32";
  if (component.isEnum(type)) return "uint8";
  if (component.isStruct(type)) {
    return `(${component.types[type].map((f) => abiType(component, f.type)).join(",")})`;
  }
  return type;
}

/** Four-byte selector of a Solidity error or function signature. */
export function selectorOf(signature: string): string {
  return dataSlice(id(signature), 0, 4);
}

/** A revert decoded through the spec: the error's code, spec name and spec fields. */
export interface DecodedRevert {
  code: number;
  name: string;
  /** Solidity signature of the error. */
  evm: string;
  args: Record<string, Canonical>;
}

function paramTypes(signature: string): string[] {
  const inner = signature.slice(signature.indexOf("(") + 1, -1);
  if (inner === "") return [];
  // Spec error payloads are flat (no tuples), so a comma split is exact.
  return inner.split(",");
}

/**
 * Decodes EVM revert data (`0x` + selector + payload) into the spec error of `component`,
 * or `undefined` when the selector is not one of its errors (e.g. a panic).
 */
export function decodeRevert(component: Component, data: string, opts: ValueOptions = {}): DecodedRevert | undefined {
  if (!isHexString(data) || data.length < 10) return undefined;
  const selector = data.slice(0, 10).toLowerCase();
  const error: SpecError | undefined = component
    .errorsOn("evm")
    .find((e) => e.evm !== undefined && selectorOf(e.evm) === selector);
  if (!error?.evm) return undefined;
  const types = paramTypes(error.evm);
  if (types.length !== error.fields.length) {
    throw new Error(`spec: ${error.name} declares ${error.fields.length} fields but ${error.evm}`);
  }
  const values = AbiCoder.defaultAbiCoder().decode(types, dataSlice(data, 4));
  const args: Record<string, Canonical> = {};
  error.fields.forEach((f: SpecField, i: number) => {
    args[f.name] = fromEvm(component, f.type, values[i], opts, f.optional === true);
  });
  return { code: error.code, name: error.name, evm: error.evm, args };
}

/**
 * The revert data carried by an error thrown by ethers v6 or Hardhat's provider, wherever
 * the layer that threw put it.
 */
export function revertDataOf(err: unknown): string | undefined {
  const seen = new Set<unknown>();
  const walk = (e: unknown): string | undefined => {
    if (e === null || typeof e !== "object" || seen.has(e)) return undefined;
    seen.add(e);
    const o = e as Record<string, unknown>;
    if (typeof o.data === "string" && isHexString(o.data)) return o.data;
    for (const key of ["data", "error", "info", "cause", "revert"]) {
      const found = walk(o[key]);
      if (found !== undefined) return found;
    }
    return undefined;
  };
  return walk(err);
}

/** `decodeRevert` applied to a thrown error. */
export function specErrorOf(component: Component, err: unknown, opts: ValueOptions = {}): DecodedRevert | undefined {
  const data = revertDataOf(err);
  return data === undefined ? undefined : decodeRevert(component, data, opts);
}
