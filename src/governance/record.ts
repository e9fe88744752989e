import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";

import { REPO_ROOT } from "../deployment/config";
import { atomicWriteJson } from "../deployment/fsx";
import { GOV, govError } from "./errors";
import type { EncodedOperation, Stack, WasmCall } from "./operations";

/**
 * Proposal records: `governance/<network-pair>/<id>.json`, one per proposal, rewritten
 * atomically after every step (src/deployment/fsx.ts), beside the governance journal of
 * the pair (`journal.jsonl`). The directory is `VAGUS_GOVERNANCE_DIR` when set.
 */

/** On one chain: never scheduled there (exported only), scheduled, executed, cancelled. */
export type StackRecordState = "unscheduled" | "scheduled" | "done" | "cancelled";

export interface StackProposal {
  network: string;
  chainId: string;
  timelock: string;
  /** The timelock's operation id of this batch (per chain; the stacks' ids differ by design). */
  operationId: string;
  predecessor: string;
  salt: string;
  /** Seconds: the timelock's minDelay when proposed. */
  delay: string;
  /** EVM: the batch (`scheduleBatch` / `executeBatch` arguments) and the schedule calldata. */
  targets?: string[];
  values?: string[];
  payloads?: string[];
  calldata?: string;
  /** CosmWasm: the batch's calls and the `schedule_batch` message. */
  calls?: WasmCall[];
  msg?: unknown;
  /** Unix seconds from which the operation is Ready (read back after scheduling). */
  eta?: number;
  /** Who scheduled it (the signer), when the toolkit did. */
  proposer?: string;
  txs: { schedule?: string; execute?: string; cancel?: string };
  /** Who executed / cancelled it. */
  executor?: string;
  canceller?: string;
  state: StackRecordState;
  /** The file written for a multisig (`--export`). */
  exported?: string;
}

export interface ProposalRecord {
  version: 1;
  id: string;
  /** `<evm network>+<wasm network>` */
  pair: string;
  description: string;
  created: string;
  updated: string;
  stacks: Stack[];
  operations: Omit<EncodedOperation, "evm" | "wasm">[];
  /** exported: files written, nothing sent; proposed: scheduled on every stack; then executed or cancelled. */
  state: "exported" | "proposing" | "proposed" | "executed" | "cancelled" | "partial";
  evm?: StackProposal;
  wasm?: StackProposal;
}

export function governanceRoot(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.VAGUS_GOVERNANCE_DIR ?? path.join(REPO_ROOT, "governance"));
}

export function pairDir(pair: string, env: NodeJS.ProcessEnv = process.env): string {
  return path.join(governanceRoot(env), pair);
}

const ID = /^[0-9]{8}T[0-9]{6}-[0-9a-f]{8}$/;

export function recordFile(pair: string, id: string, env: NodeJS.ProcessEnv = process.env): string {
  return path.join(pairDir(pair, env), `${id}.json`);
}

export function writeRecord(r: ProposalRecord, env: NodeJS.ProcessEnv = process.env): string {
  const file = recordFile(r.pair, r.id, env);
  r.updated = new Date().toISOString();
  atomicWriteJson(file, r);
  return file;
}

/** The record of `id`, or a coded 12008 naming the ids that exist. */
export function readRecord(pair: string, id: string, env: NodeJS.ProcessEnv = process.env): ProposalRecord {
  const file = recordFile(pair, id, env);
  if (!ID.test(id) || !existsSync(file)) {
    const known = listRecords(pair, env).map((r) => r.id);
    throw govError(
      GOV.UNKNOWN_PROPOSAL,
      `no proposal "${id}" for ${pair}`,
      known.length > 0
        ? `known: ${known.slice(-10).join(", ")} (npx hardhat vagus:gov status)`
        : "nothing was proposed on this network pair yet",
    );
  }
  return JSON.parse(readFileSync(file, "utf8")) as ProposalRecord;
}

/** Every record of a pair, oldest first (ids start with their UTC time). */
export function listRecords(pair: string, env: NodeJS.ProcessEnv = process.env): ProposalRecord[] {
  const dir = pairDir(pair, env);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json") && ID.test(f.slice(0, -5)))
    .sort()
    .map((f) => JSON.parse(readFileSync(path.join(dir, f), "utf8")) as ProposalRecord);
}

export function isProposalId(id: string): boolean {
  return ID.test(id);
}
