/**
 * Canonical CBOR (RFC 8949 §4.2.1 core deterministic encoding) of the protocol's data model,
 * and the dual hashes (sha256 and Ethereum keccak-256). spec/cbor.md is the contract; the
 * Solidity library and the Rust crate produce the same bytes (spec/vectors/cbor/golden.json).
 *
 * Values are plain JavaScript:
 *
 * - `bigint`, or a `number` that is a safe integer → unsigned / negative integer
 * - `Uint8Array` → byte string; `string` → text string; `boolean` → `f4` / `f5`
 * - arrays → array
 * - `Map<string, …>`, a plain object, or a {@link CborMap} of entries → map (text keys only)
 */
import { keccak256 as ethersKeccak256, sha256 as ethersSha256 } from "ethers";

/** A value of the protocol's data model (spec/cbor.md). */
export type CborValue =
  | bigint
  | number
  | boolean
  | string
  | Uint8Array
  | readonly CborValue[]
  | CborMap
  | ReadonlyMap<string, CborValue>
  | { readonly [key: string]: CborValue };

/**
 * A map given as a list of entries, in any order. Unlike `Map` and plain objects it can
 * hold two entries with the same key, so an encoder that receives data from elsewhere
 * (JSON, a decoded message) sees the duplicate and rejects it instead of silently keeping
 * one of the two.
 */
export class CborMap {
  constructor(readonly entries: ReadonlyArray<readonly [string, CborValue]>) {}
}

/** Why a value has no canonical encoding (spec/cbor.md "Rejected inputs"). */
export type CborErrorCode =
  | "NotAnInteger"
  | "UnsafeInteger"
  | "IntegerOutOfRange"
  | "DuplicateKey"
  | "NonTextKey"
  | "InvalidText"
  | "UnsupportedType";

/** A value that has no canonical encoding. `path` locates it inside the input (`$` is the root). */
export class CborError extends Error {
  override readonly name = "CborError";

  constructor(
    readonly code: CborErrorCode,
    readonly path: string,
    details: string,
  ) {
    super(`cbor ${code} at ${path}: ${details}`);
  }
}

const U64_MAX = (1n << 64n) - 1n;
const MAJOR_UINT = 0;
const MAJOR_NINT = 1;
const MAJOR_BYTES = 2;
const MAJOR_TEXT = 3;
const MAJOR_ARRAY = 4;
const MAJOR_MAP = 5;
const FALSE = 0xf4;
const TRUE = 0xf5;

// A lone surrogate has no UTF-8 form; TextEncoder would silently replace it with U+FFFD,
// which could make two different keys encode alike.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const utf8 = new TextEncoder();

/** Growable output buffer. */
class Writer {
  private buf = new Uint8Array(64);
  private len = 0;

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  /** Shortest-form head: major type and argument (0 ..= 2^64 − 1). */
  head(major: number, arg: bigint | number): void {
    const top = major << 5;
    this.reserve(9);
    const b = this.buf;
    if (typeof arg === "bigint" && arg > 0xffffffffn) {
      b[this.len] = top | 27;
      new DataView(b.buffer, b.byteOffset).setBigUint64(this.len + 1, arg);
      this.len += 9;
      return;
    }
    const n = Number(arg);
    if (n < 24) {
      b[this.len++] = top | n;
    } else if (n <= 0xff) {
      b[this.len++] = top | 24;
      b[this.len++] = n;
    } else if (n <= 0xffff) {
      b[this.len++] = top | 25;
      b[this.len++] = n >>> 8;
      b[this.len++] = n & 0xff;
    } else if (n <= 0xffffffff) {
      b[this.len++] = top | 26;
      new DataView(b.buffer, b.byteOffset).setUint32(this.len, n);
      this.len += 4;
    } else {
      // A safe-integer length above 2^32 − 1 (not reachable with real buffers).
      b[this.len] = top | 27;
      new DataView(b.buffer, b.byteOffset).setBigUint64(this.len + 1, BigInt(n));
      this.len += 9;
    }
  }

  byte(v: number): void {
    this.reserve(1);
    this.buf[this.len++] = v;
  }

  bytes(v: Uint8Array): void {
    this.reserve(v.length);
    this.buf.set(v, this.len);
    this.len += v.length;
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) return a[i] - b[i];
  }
  return a.length - b.length;
}

function utf8Of(s: string, path: string): Uint8Array {
  if (LONE_SURROGATE.test(s)) throw new CborError("InvalidText", path, "text contains a lone UTF-16 surrogate");
  return utf8.encode(s);
}

/** The canonical encoding of a text string (a map key is compared in this form). */
function encodeText(s: string, path: string): Uint8Array {
  const w = new Writer();
  const raw = utf8Of(s, path);
  w.head(MAJOR_TEXT, raw.length);
  w.bytes(raw);
  return w.finish();
}

function integerOf(value: number | bigint, path: string): bigint {
  if (typeof value === "number") {
    if (!Number.isInteger(value)) {
      throw new CborError("NotAnInteger", path, `${value} is not an integer; use fixed-point integers`);
    }
    if (!Number.isSafeInteger(value)) {
      throw new CborError("UnsafeInteger", path, `${value} is beyond Number.MAX_SAFE_INTEGER; pass a bigint`);
    }
    return BigInt(value);
  }
  if (value > U64_MAX || value < -U64_MAX - 1n) {
    throw new CborError("IntegerOutOfRange", path, `${value} is outside -2^64 ..= 2^64-1`);
  }
  return value;
}

function entriesOf(value: object, path: string): ReadonlyArray<readonly [unknown, unknown]> {
  if (value instanceof CborMap) return value.entries;
  if (value instanceof Map) return [...value.entries()];
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto === Object.prototype || proto === null) {
    if (Object.getOwnPropertySymbols(value).length > 0) {
      throw new CborError("NonTextKey", path, "symbol keys have no CBOR form");
    }
    return Object.entries(value);
  }
  const kind = (value as { constructor?: { name?: string } }).constructor?.name ?? "object";
  throw new CborError("UnsupportedType", path, `${kind} is not in the data model`);
}

function keyPath(path: string, key: string): string {
  return `${path}[${JSON.stringify(key)}]`;
}

function write(w: Writer, value: unknown, path: string): void {
  switch (typeof value) {
    case "bigint":
    case "number": {
      const n = integerOf(value, path);
      if (n >= 0n) w.head(MAJOR_UINT, n);
      else w.head(MAJOR_NINT, -1n - n);
      return;
    }
    case "boolean":
      w.byte(value ? TRUE : FALSE);
      return;
    case "string": {
      const raw = utf8Of(value, path);
      w.head(MAJOR_TEXT, raw.length);
      w.bytes(raw);
      return;
    }
    case "object":
      break;
    default:
      throw new CborError("UnsupportedType", path, `${typeof value} is not in the data model`);
  }
  if (value === null) throw new CborError("UnsupportedType", path, "null is not in the data model");
  if (value instanceof Uint8Array) {
    w.head(MAJOR_BYTES, value.length);
    w.bytes(value);
    return;
  }
  if (Array.isArray(value)) {
    w.head(MAJOR_ARRAY, value.length);
    value.forEach((item, i) => write(w, item, `${path}[${i}]`));
    return;
  }
  const sorted = entriesOf(value, path).map(([key, item]) => {
    if (typeof key !== "string") {
      throw new CborError("NonTextKey", path, `map key ${String(key)} (${typeof key}) is not text`);
    }
    return { key, encoded: encodeText(key, keyPath(path, key)), item };
  });
  sorted.sort((a, b) => compareBytes(a.encoded, b.encoded));
  for (let i = 1; i < sorted.length; i++) {
    if (compareBytes(sorted[i - 1].encoded, sorted[i].encoded) === 0) {
      throw new CborError("DuplicateKey", keyPath(path, sorted[i].key), "the key appears twice in one map");
    }
  }
  w.head(MAJOR_MAP, sorted.length);
  for (const { key, encoded, item } of sorted) {
    w.bytes(encoded);
    write(w, item, keyPath(path, key));
  }
}

/**
 * The canonical CBOR encoding of `value` (spec/cbor.md). Throws {@link CborError} when the
 * value has no canonical form: floats, unsafe `number`s, integers outside −2^64 ..= 2^64 − 1,
 * duplicate or non-text map keys, ill-formed text, or any other type.
 */
export function canonicalEncode(value: CborValue): Uint8Array {
  const w = new Writer();
  write(w, value, "$");
  return w.finish();
}

/** SHA-256 of `data`, `0x` + 64 lowercase hex digits. */
export function sha256(data: Uint8Array): string {
  return ethersSha256(data);
}

/** Ethereum keccak-256 of `data` (not NIST SHA3-256), `0x` + 64 lowercase hex digits. */
export function keccak256(data: Uint8Array): string {
  return ethersKeccak256(data);
}

/** A commitment to a value as both stacks publish it. */
export interface CborCommitment {
  cbor: Uint8Array;
  sha256: string;
  keccak256: string;
}

/** Canonical encoding of `value` and both hashes of it. */
export function commit(value: CborValue): CborCommitment {
  const cbor = canonicalEncode(value);
  return { cbor, sha256: sha256(cbor), keccak256: keccak256(cbor) };
}

/**
 * Whether text keys are in canonical order (strictly increasing by encoded bytes, so no
 * duplicates): the check a contract with fixed, hand-ordered keys is tested with.
 */
export function isCanonicalKeyOrder(keys: readonly string[]): boolean {
  for (let i = 1; i < keys.length; i++) {
    const prev = encodeText(keys[i - 1], `$[${i - 1}]`);
    if (compareBytes(prev, encodeText(keys[i], `$[${i}]`)) >= 0) return false;
  }
  return true;
}
