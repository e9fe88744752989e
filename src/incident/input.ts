import { isHexString } from "ethers";

import { INCIDENT, incidentError } from "./errors";

/**
 * Parsers of the incident commands' flags. Each throws a coded ToolError (nothing sent)
 * naming the flag and the accepted form; none touches a chain.
 */

export type Stack = "evm" | "wasm";
export const STACKS: readonly Stack[] = ["evm", "wasm"];

/** MAX_RAISE_DURATION of spec/rate-limiter.json: the longest raise anyone may set. */
export const MAX_RAISE_DURATION = 604_800;
const U64_MAX = (1n << 64n) - 1n;
const U32_MAX = 2 ** 32 - 1;

/** `--executor`: a decimal id in 1..2^64−1. */
export function parseExecutor(raw: string | undefined): bigint {
  if (raw === undefined || raw.trim() === "")
    throw incidentError(INCIDENT.USAGE, "--executor is required", "give the executor id, e.g. --executor 7");
  const v = raw.trim();
  if (!/^\d+$/.test(v)) throw incidentError(INCIDENT.BAD_EXECUTOR, `--executor ${v}: not a decimal integer`);
  const id = BigInt(v);
  if (id === 0n) throw incidentError(INCIDENT.BAD_EXECUTOR, "--executor 0: executor id 0 is reserved");
  if (id > U64_MAX) throw incidentError(INCIDENT.BAD_EXECUTOR, `--executor ${v}: above 2^64−1`);
  return id;
}

/** `--action`: `0x` + 64 hex digits, not all zero (lower-cased). */
export function parseAction(raw: string | undefined): string {
  if (raw === undefined || raw.trim() === "")
    throw incidentError(INCIDENT.USAGE, "--action is required", "give the 32-byte action id, 0x + 64 hex digits");
  const v = raw.trim().toLowerCase();
  if (!isHexString(v, 32)) throw incidentError(INCIDENT.BAD_ACTION, `--action ${raw.trim()}: not 0x + 64 hex digits`);
  if (/^0x0{64}$/.test(v)) throw incidentError(INCIDENT.BAD_ACTION, "--action: the all-zero action id is reserved");
  return v;
}

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** `--for`: `90s`, `30m`, `2h`, `1d`, or plain seconds; 1 s..MAX_RAISE_DURATION. */
export function parseDuration(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === "")
    throw incidentError(INCIDENT.USAGE, "--for is required", "give how long the raise lasts, e.g. --for 30m");
  const m = /^(\d+)\s*([smhd]?)$/.exec(raw.trim());
  if (!m) throw incidentError(INCIDENT.BAD_DURATION, `--for ${raw.trim()}: not a duration (use 90s, 30m, 2h, 1d)`);
  const seconds = Number(m[1]) * UNITS[m[2] || "s"];
  if (!Number.isSafeInteger(seconds) || seconds < 1 || seconds > MAX_RAISE_DURATION)
    throw incidentError(
      INCIDENT.BAD_DURATION,
      `--for ${raw.trim()}: ${seconds} s is outside 1 s..${MAX_RAISE_DURATION} s (7 days)`,
      "a longer change is a configuration change: vagus:gov propose setPairConfig",
    );
  return seconds;
}

/** `--capacity`: an integer in 1..2^32−1. */
export function parseCapacity(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === "")
    throw incidentError(INCIDENT.USAGE, "--capacity is required", "give the raised capacity, e.g. --capacity 120");
  const v = raw.trim();
  if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > U32_MAX)
    throw incidentError(INCIDENT.BAD_CAPACITY, `--capacity ${v}: not an integer in 1..${U32_MAX}`);
  return Number(v);
}

export const ANS_STATES = { SAFE: 0, DANGER: 1, SHUTDOWN: 2 } as const;
export type AnsStateName = keyof typeof ANS_STATES;

/** `--to`: SAFE, DANGER or SHUTDOWN (any case). */
export function parseAnsState(raw: string | undefined): AnsStateName {
  if (raw === undefined || raw.trim() === "")
    throw incidentError(INCIDENT.USAGE, "--to is required", "give the state: SAFE, DANGER or SHUTDOWN");
  const v = raw.trim().toUpperCase();
  if (!(v in ANS_STATES)) throw incidentError(INCIDENT.BAD_STATE, `--to ${raw.trim()}: not SAFE, DANGER or SHUTDOWN`);
  return v as AnsStateName;
}

/** `--reason`: 1..256 bytes of UTF-8 (spec MAX_REASON_BYTES). */
export function parseReason(raw: string | undefined): string {
  const v = raw?.trim() ?? "";
  if (v === "") throw incidentError(INCIDENT.BAD_STATE, "--reason is required and may not be empty");
  const bytes = Buffer.byteLength(v, "utf8");
  if (bytes > 256) throw incidentError(INCIDENT.BAD_STATE, `--reason is ${bytes} bytes of UTF-8; at most 256`);
  return v;
}

/** `--stacks`: evm, wasm or evm,wasm (default both). */
export function parseStacks(raw: string | undefined): Stack[] {
  if (raw === undefined || raw.trim() === "") return [...STACKS];
  const items = raw
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  const bad = items.filter((s) => !STACKS.includes(s as Stack));
  if (bad.length > 0 || items.length === 0)
    throw incidentError(
      INCIDENT.USAGE,
      `--stacks ${raw}: unknown stack(s) ${bad.join(", ")}`,
      "use evm, wasm or evm,wasm",
    );
  return STACKS.filter((s) => items.includes(s));
}

/** The verb of a command among the allowed ones. */
export function parseVerb<T extends string>(command: string, raw: string | undefined, verbs: readonly T[]): T {
  if (raw === undefined || !verbs.includes(raw as T))
    throw incidentError(
      INCIDENT.USAGE,
      `${command}: unknown verb ${JSON.stringify(raw ?? "")}`,
      `use one of: ${verbs.join(", ")}`,
    );
  return raw as T;
}
