/**
 * The protocol's committed data (spec/safety-core.md), encoded the way the contracts encode
 * it: canonical CBOR (spec/cbor.md) from typed fields, and both hashes of the bytes.
 *
 * - {@link encodeEvidence}: the AfferentInbox evidence map (§2.2), what `EvidencePosted`
 *   and the inbox's `encodeEvidence` query commit to;
 * - {@link encodeParamMap}: a VagalBrake params or limits map (§3.2), what
 *   `CapabilityIssued`'s `paramsSha256`/`limitsSha256` (and keccak) commit to.
 *
 * Inputs are checked against their spec types only (ranges, lengths), as the inbox's
 * `encodeEvidence` query does; protocol rules such as "sequence must increase" belong to
 * the contracts.
 */
import { getBytes, isHexString } from "ethers";

import { CborMap, commit, type CborCommitment, type CborValue } from "../cbor";

export type { CborCommitment } from "../cbor";

/** Why an input has no encoding as the protocol's committed data. */
export type ProtocolInputErrorCode =
  "OutOfRange" | "NotAnInteger" | "InvalidBytes32" | "LengthMismatch" | "InvalidName";

/** An argument that does not fit its spec type; `field` names it (`metrics.riskPpm`). */
export class ProtocolInputError extends Error {
  override readonly name = "ProtocolInputError";

  constructor(
    readonly code: ProtocolInputErrorCode,
    readonly field: string,
    details: string,
  ) {
    super(`protocol ${code} at ${field}: ${details}`);
  }
}

/** An integer as the toolkit passes it around: `bigint`, a safe `number`, or a decimal string. */
export type IntLike = bigint | number | string;

/** `Metrics` of afferent-inbox.json (field types: uint64, uint32, uint64, uint64, int64). */
export interface EvidenceMetrics {
  sequence: IntLike;
  riskPpm: IntLike;
  forceMilliN: IntLike;
  velocityMilliMps: IntLike;
  temperatureMilliC: IntLike;
}

const RANGES = {
  uint32: [0n, (1n << 32n) - 1n],
  uint64: [0n, (1n << 64n) - 1n],
  int64: [-(1n << 63n), (1n << 63n) - 1n],
} as const;

type IntType = keyof typeof RANGES;

function intOf(value: IntLike, type: IntType, field: string): bigint {
  let n: bigint;
  if (typeof value === "bigint") n = value;
  else if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) {
      throw new ProtocolInputError("NotAnInteger", field, `${value} is not a safe integer (pass a bigint)`);
    }
    n = BigInt(value);
  } else if (typeof value === "string" && /^-?(0|[1-9][0-9]*)$/.test(value)) n = BigInt(value);
  else throw new ProtocolInputError("NotAnInteger", field, `${JSON.stringify(value)} is not an integer`);
  const [min, max] = RANGES[type];
  if (n < min || n > max) throw new ProtocolInputError("OutOfRange", field, `${n} does not fit ${type}`);
  return n;
}

function bytes32Of(value: string | Uint8Array, field: string): Uint8Array {
  if (value instanceof Uint8Array) {
    if (value.length !== 32) throw new ProtocolInputError("InvalidBytes32", field, `${value.length} bytes, want 32`);
    return Uint8Array.from(value);
  }
  if (!isHexString(value, 32)) throw new ProtocolInputError("InvalidBytes32", field, `want 0x + 64 hex digits`);
  return getBytes(value);
}

/**
 * The evidence commitment of spec/safety-core.md §2.2: the canonical CBOR map of
 * `executorId`, `stateRoot` (32-byte byte string) and the five metrics
 * (`temperatureMilliC` signed), and its sha256 / keccak256.
 */
export function encodeEvidence(
  executorId: IntLike,
  stateRoot: string | Uint8Array,
  metrics: EvidenceMetrics,
): CborCommitment {
  const entries: [string, CborValue][] = [
    ["executorId", intOf(executorId, "uint64", "executorId")],
    ["stateRoot", bytes32Of(stateRoot, "stateRoot")],
    ["sequence", intOf(metrics.sequence, "uint64", "metrics.sequence")],
    ["riskPpm", intOf(metrics.riskPpm, "uint32", "metrics.riskPpm")],
    ["forceMilliN", intOf(metrics.forceMilliN, "uint64", "metrics.forceMilliN")],
    ["velocityMilliMps", intOf(metrics.velocityMilliMps, "uint64", "metrics.velocityMilliMps")],
    ["temperatureMilliC", intOf(metrics.temperatureMilliC, "int64", "metrics.temperatureMilliC")],
  ];
  return commit(new CborMap(entries));
}

/**
 * A brake params or limits map (spec/safety-core.md §3.2): `{names[i]: values[i]}` with
 * uint64 values, canonical CBOR and both hashes. Names are text of 1 ..= 16 UTF-8 bytes, as
 * a brake schema requires; a repeated name is rejected (cbor `DuplicateKey`), never merged.
 */
export function encodeParamMap(names: readonly string[], values: readonly IntLike[]): CborCommitment {
  if (names.length !== values.length) {
    throw new ProtocolInputError("LengthMismatch", "values", `${names.length} names but ${values.length} values`);
  }
  const utf8 = new TextEncoder();
  const entries = names.map((name, i): [string, CborValue] => {
    const len = utf8.encode(name).length;
    if (len === 0 || len > 16) {
      throw new ProtocolInputError("InvalidName", `names[${i}]`, `${len} bytes, want 1 ..= 16`);
    }
    return [name, intOf(values[i], "uint64", `values[${i}]`)];
  });
  return commit(new CborMap(entries));
}
