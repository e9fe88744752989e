import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

import { atomicWrite } from "./fsx";
import type { Journal } from "./journal";

/**
 * The address book of one network, derived from the journal (never edited by hand):
 * logical name → where it lives and how it got there, plus the history a rollback needs
 * (every previous implementation / code id with its checksum and transaction).
 */

export interface BookRecord {
  /** Proxy (EVM) or contract (CosmWasm) address. */
  address?: string;
  /** EVM: the implementation behind the proxy. */
  implementation?: string;
  /** CosmWasm: code id and its sha256; EVM: keccak-256 of the implementation runtime code. */
  codeId?: number;
  checksum?: string;
  /** Contract/artifact name (`RateLimiter`, `rate_limiter.wasm`). */
  artifact?: string;
  tx?: string;
  /** EVM block number or CosmWasm height. */
  block?: number;
  time?: string;
  deployment?: string;
}

export interface BookEntry extends BookRecord {
  history: BookRecord[];
}

export interface AddressBook {
  network: string;
  chainId: string;
  stack: "evm" | "wasm";
  updated: string;
  contracts: Record<string, BookEntry>;
}

/** What a step's outcome carries to land in a book: `data.record`. */
export interface RecordData {
  name: string;
  network: string;
  record: BookRecord;
}

function same(a: BookRecord, b: BookRecord): boolean {
  return a.address === b.address && a.implementation === b.implementation && a.codeId === b.codeId;
}

/**
 * Folds every outcome with a `record` for `network` into an address book. The result is a
 * function of the journal alone (`updated` is the time of the last outcome folded in), so
 * `vagus:check` can re-derive a book and compare it with the file byte for byte.
 */
export function deriveBook(journal: Journal, network: string, stack: "evm" | "wasm", chainId: string): AddressBook {
  const contracts: Record<string, BookEntry> = {};
  let updated = "";
  for (const e of journal.outcomes()) {
    const d = e.data as Partial<RecordData> | undefined;
    if (!d?.record || !d.name || d.network !== network) continue;
    updated = e.time;
    const rec: BookRecord = { ...d.record, deployment: e.deployment, time: d.record.time ?? e.time };
    const cur = contracts[d.name];
    if (!cur) {
      contracts[d.name] = { ...rec, history: [] };
      continue;
    }
    // A partial record (e.g. the implementation step before the proxy) merges into the
    // current entry; a change of address/implementation/code keeps the old one in history.
    const merged: BookRecord = { ...stripHistory(cur), ...rec };
    const changed =
      (rec.address !== undefined && cur.address !== undefined && rec.address !== cur.address) ||
      (rec.implementation !== undefined &&
        cur.implementation !== undefined &&
        rec.implementation !== cur.implementation) ||
      (rec.codeId !== undefined && cur.codeId !== undefined && rec.codeId !== cur.codeId);
    const history = changed && !same(cur, merged) ? [...cur.history, stripHistory(cur)] : cur.history;
    contracts[d.name] = { ...merged, history };
  }
  return { network, chainId, stack, updated, contracts };
}

function stripHistory(e: BookEntry): BookRecord {
  const { history: _history, ...rest } = e;
  return rest;
}

export function bookPath(root: string, network: string): string {
  return path.join(root, network, "addresses.json");
}

export function writeBook(root: string, book: AddressBook): string {
  const file = bookPath(root, book.network);
  atomicWrite(file, bookText(book));
  return file;
}

/** The text `writeBook` writes for `book`. */
export function bookText(book: AddressBook): string {
  return `${JSON.stringify(book, null, 2)}\n`;
}

export function readBook(root: string, network: string): AddressBook | undefined {
  const file = bookPath(root, network);
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, "utf8")) as AddressBook;
}
