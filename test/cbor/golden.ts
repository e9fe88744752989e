/**
 * spec/vectors/cbor/golden.json for the TypeScript tests: the file's types, its value
 * notation (spec/cbor.md "Vector notation") read into {@link CborValue}s, and the same
 * values compiled into programs for the Solidity harness (contracts/test/CborHarness.sol).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { concat, getBytes, toBeHex, toUtf8Bytes } from "ethers";

import { CborMap, type CborErrorCode, type CborValue, canonicalEncode } from "../../src/cbor";

/** A value in the vectors' typed JSON notation. */
export type Notation =
  | { uint: string }
  | { nint: string }
  | { bytes: string }
  | { text: string }
  | { bool: boolean }
  | { array: Notation[] }
  | { map: [string | Notation, Notation][] }
  | { number: number }
  | { null: null };

export interface GoldenVector {
  name: string;
  note?: string;
  value: Notation;
  cbor: string;
  sha256: string;
  keccak256: string;
  sha3_256_not_keccak?: string;
}

export interface InvalidVector {
  name: string;
  value: Notation;
  error: CborErrorCode;
}

export interface GoldenFile {
  vectors: GoldenVector[];
  invalid: InvalidVector[];
}

export const GOLDEN_PATH = path.resolve(__dirname, "..", "..", "spec", "vectors", "cbor", "golden.json");

export function loadGolden(): GoldenFile {
  return JSON.parse(readFileSync(GOLDEN_PATH, "utf8")) as GoldenFile;
}

function only(n: object): [string, unknown] {
  const members = Object.entries(n);
  if (members.length !== 1) throw new Error(`notation: expected one member, got ${JSON.stringify(n)}`);
  return members[0];
}

/**
 * The JavaScript value a notation stands for. Integers become `bigint`s, maps become
 * {@link CborMap}s in the file's entry order (so encoders must sort). `number`, `null` and
 * non-text keys pass through as given: they exist to be rejected by the encoder.
 */
export function fromNotation(n: Notation): CborValue {
  const [kind, x] = only(n);
  switch (kind) {
    case "uint":
    case "nint":
      return BigInt(x as string);
    case "bytes":
      return getBytes(x as string);
    case "text":
    case "bool":
    case "number":
    case "null":
      return x as CborValue;
    case "array":
      return (x as Notation[]).map(fromNotation);
    case "map":
      return new CborMap(
        (x as [string | Notation, Notation][]).map(
          ([k, v]) => [typeof k === "string" ? k : (fromNotation(k) as string), fromNotation(v)] as const,
        ),
      );
    default:
      throw new Error(`notation: unknown kind ${kind}`);
  }
}

/** Opcodes of the CborHarness program format (contracts/test/CborHarness.sol). */
export const OP = {
  UINT: 0x00,
  NINT: 0x01,
  BYTES: 0x02,
  TEXT: 0x03,
  ARRAY: 0x04,
  MAP: 0x05,
  BOOL: 0x06,
  KEY: 0x07,
} as const;

function op(code: number, arg: bigint | number, payload?: Uint8Array): Uint8Array {
  const head = getBytes(concat([toBeHex(code, 1), toBeHex(arg, 8)]));
  return payload ? getBytes(concat([head, payload])) : head;
}

/**
 * A CborHarness program that builds the notation's value: one instruction per item,
 * depth first; map entries are emitted as KEY + value in canonical key order, which the
 * harness checks (it never sorts).
 */
export function toProgram(n: Notation): Uint8Array {
  const parts: Uint8Array[] = [];
  const emit = (v: Notation): void => {
    const [kind, x] = only(v);
    switch (kind) {
      case "uint":
        parts.push(op(OP.UINT, BigInt(x as string)));
        return;
      case "nint":
        parts.push(op(OP.NINT, -1n - BigInt(x as string)));
        return;
      case "bytes": {
        const b = getBytes(x as string);
        parts.push(op(OP.BYTES, b.length, b));
        return;
      }
      case "text": {
        const b = toUtf8Bytes(x as string);
        parts.push(op(OP.TEXT, b.length, b));
        return;
      }
      case "bool":
        parts.push(op(OP.BOOL, x ? 1 : 0));
        return;
      case "array":
        parts.push(op(OP.ARRAY, (x as Notation[]).length));
        (x as Notation[]).forEach(emit);
        return;
      case "map": {
        const entries = (x as [string, Notation][])
          .map(([k, item]) => ({ k, item, enc: canonicalEncode(k) }))
          .sort((a, b) => Buffer.compare(a.enc, b.enc));
        parts.push(op(OP.MAP, entries.length));
        for (const { k, item } of entries) {
          const b = toUtf8Bytes(k);
          parts.push(op(OP.KEY, b.length, b));
          emit(item);
        }
        return;
      }
      default:
        throw new Error(`toProgram: ${kind} is not encodable`);
    }
  };
  emit(n);
  return getBytes(concat(parts));
}

/** A program instruction, for tests that write programs by hand. */
export function instruction(code: number, arg: bigint | number, payload?: Uint8Array): Uint8Array {
  return op(code, arg, payload);
}
