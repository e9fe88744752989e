import { getAddress, isAddress } from "ethers";

import type { BookEntry, BookRecord } from "../deployment/address-book";
import { layoutOf, upgradeReport } from "../upgrades/storage-layout";
import { readEvmArtifact } from "../chains/evm";
import { RB, rbError } from "./errors";

/**
 * What a rollback returns to, decided before any chain is touched: the `--to` flag, or the
 * previous version in the address book's history; and, on the EVM, whether OpenZeppelin's
 * storage-layout validation lets the running implementation give way to the target.
 */

export interface ToFlag {
  evm?: string;
  wasm?: number;
}

/** `--to 0x…` (EVM implementation), `--to 42` (CosmWasm code id), or both, comma-separated. */
export function parseTo(value: string | undefined): ToFlag {
  const out: ToFlag = {};
  if (value === undefined || value.trim() === "") return out;
  for (const part of value.split(",").map((s) => s.trim())) {
    if (/^0x/i.test(part)) {
      if (!isAddress(part)) throw rbError(RB.USAGE, `--to ${String(part)}: not an EVM address`);
      if (out.evm) throw rbError(RB.USAGE, `--to names two EVM implementations`);
      out.evm = getAddress(part);
    } else if (/^[0-9]+$/.test(part)) {
      const id = Number(part);
      if (!Number.isSafeInteger(id) || id <= 0) throw rbError(RB.USAGE, `--to ${part}: not a code id`);
      if (out.wasm !== undefined) throw rbError(RB.USAGE, `--to names two code ids`);
      out.wasm = id;
    } else {
      throw rbError(
        RB.USAGE,
        `--to ${part}: neither an EVM implementation (0x…) nor a CosmWasm code id`,
        "e.g. --to 0x1234…abcd, --to 7, or --to 0x1234…abcd,7",
      );
    }
  }
  return out;
}

const sameEvm = (a: string | undefined, b: string | undefined) =>
  a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();

/** The most recent EVM implementation in the history that is not the current one. */
export function previousEvm(entry: BookEntry): BookRecord | undefined {
  return [...entry.history].reverse().find((r) => r.implementation && !sameEvm(r.implementation, entry.implementation));
}

/** The most recent CosmWasm code in the history that is not the current one. */
export function previousWasm(entry: BookEntry): BookRecord | undefined {
  return [...entry.history].reverse().find((r) => r.codeId !== undefined && r.codeId !== entry.codeId);
}

/** The book record of an EVM implementation (current or in history), if the book knows it. */
export function evmRecordOf(entry: BookEntry, implementation: string): BookRecord | undefined {
  if (sameEvm(entry.implementation, implementation)) return entry;
  return [...entry.history].reverse().find((r) => sameEvm(r.implementation, implementation));
}

export function wasmRecordOf(entry: BookEntry, codeId: number): BookRecord | undefined {
  if (entry.codeId === codeId) return entry;
  return [...entry.history].reverse().find((r) => r.codeId === codeId);
}

/** The EVM target: `--to`, else the previous implementation of the history. */
export function evmTarget(name: string, entry: BookEntry | undefined, to: string | undefined): string {
  if (to) return to;
  const prev = entry && previousEvm(entry);
  if (!prev?.implementation)
    throw rbError(
      RB.NO_PREVIOUS_VERSION,
      `${name}: the EVM address book has no earlier implementation to return to`,
      "name one with --to 0x…, or roll back only the other stack (--stacks wasm)",
    );
  return getAddress(prev.implementation);
}

export function wasmTarget(name: string, entry: BookEntry | undefined, to: number | undefined): number {
  if (to !== undefined) return to;
  const prev = entry && previousWasm(entry);
  if (prev?.codeId === undefined)
    throw rbError(
      RB.NO_PREVIOUS_VERSION,
      `${name}: the CosmWasm address book has no earlier code id to return to`,
      "name one with --to <code id>, or roll back only the other stack (--stacks evm)",
    );
  return prev.codeId;
}

/** `contracts/X.sol:X` of a compiled contract name. */
export function qualifiedName(contract: string): string {
  const art = readEvmArtifact(contract);
  if (!art.sourceName) throw rbError(RB.UNKNOWN_TARGET, `${contract}: the artifact names no source file`);
  return `${art.sourceName}:${contract}`;
}

/**
 * OpenZeppelin's report for the proxy giving way from `running` to `target` (contract
 * names). A rollback may leave a whole namespace the newer version added (the older code
 * never reads it: spec/frame.md "State written by a newer version"); any other finding —
 * a moved, retyped or deleted variable or struct member — refuses the rollback.
 */
export function rollbackLayoutProblems(running: string, target: string): string[] {
  const report = upgradeReport(layoutOf(qualifiedName(running)), layoutOf(qualifiedName(target)));
  if (report.ok) return [];
  const ops = (report as unknown as { ops?: { kind: string }[] }).ops ?? [];
  if (ops.length > 0 && ops.every((o) => o.kind === "delete-namespace")) return [];
  return [report.explain(false)];
}

/** Orders `major.minor.patch` versions as the contracts do (pre-release tags ignored). */
export function compareVersions(a: string, b: string): number {
  const parts = (v: string) =>
    v
      .split(/[-+]/)[0]
      .split(".")
      .map((x) => Number(x) || 0);
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < 3; i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  return 0;
}
