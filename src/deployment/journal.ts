import { createHash } from "node:crypto";
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from "node:fs";
import path from "node:path";

import { fsyncDir } from "./fsx";

/**
 * The deployment journal (docs/decisions/0016): an append-only JSON-lines file, one entry per line, fsync'd
 * before the action it announces. Every action writes an `intent` (what it is about to do
 * and how to find it on chain if the run dies after sending), then a `result` — or, on a
 * resumed run, `recovered` (found on chain) or `skipped` (nothing to do). The address book
 * and the sync file are derived from it. It never holds a secret: entries carry
 * addresses, hashes and parameters only.
 *
 * Hash chain (docs/decisions/0045): every entry written now carries `prev`, the `hash` of
 * the entry before it (64 zeros for the first), and `hash`, the sha256 of `prev`, a
 * newline and the entry's JSON without `hash`. An edited line no longer matches its own
 * hash, and a re-hashed one breaks the next line's `prev`; a deleted or inserted line
 * breaks `seq` and the chain. Journals written before the chain existed still read: their
 * lines have no hash, and the chain starts at the first line appended after them, whose
 * `prev` is the sha256 of the last old line.
 */

export type Phase = "begin" | "intent" | "result" | "recovered" | "skipped" | "failed" | "complete";

export interface JournalEntry {
  seq: number;
  time: string;
  deployment: string;
  phase: Phase;
  /** Step id (`evm:deploy:RateLimiter:impl`), absent for begin/complete. */
  step?: string;
  /** Network the step acts on. */
  network?: string;
  data?: Record<string, unknown>;
  /** `hash` of the previous entry (sha256 of the previous raw line for an old, unchained one). */
  prev?: string;
  /** sha256 of `prev` + "\n" + this entry's JSON without `hash`. */
  hash?: string;
}

export const GENESIS_HASH = "0".repeat(64);

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

function jsonLine(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
}

/** The hash an entry (as written, `hash` excluded) must carry. */
export function entryHash(entry: JournalEntry): string {
  const { hash: _hash, ...rest } = entry;
  return sha256(`${entry.prev ?? ""}\n${jsonLine(rest)}`);
}

/** What the next entry's `prev` is after `line` (its hash, or the raw line's for an old entry). */
function chainHeadOf(entry: JournalEntry, line: string): string {
  return entry.hash ?? sha256(line);
}

/**
 * Each break of the journal's integrity, by line: unparsable lines (a torn last line is
 * tolerated), `seq` not 1, 2, 3..., an entry whose `hash` does not match its content, a
 * `prev` that is not the hash of the line before it, and an unchained line after the chain
 * started (an old journal's lines may only come first). Empty when intact.
 */
export function verifyJournalText(text: string): { problems: string[]; entries: number; chained: number } {
  const problems: string[] = [];
  const lines = text.split("\n");
  let head: string | undefined;
  let started = false;
  let entries = 0;
  let chained = 0;
  lines.forEach((line, i) => {
    if (line.trim() === "") return;
    let e: JournalEntry;
    try {
      e = JSON.parse(line) as JournalEntry;
    } catch {
      if (i < lines.length - 2) problems.push(`line ${i + 1}: not JSON`);
      return;
    }
    entries++;
    if (e.seq !== entries)
      problems.push(`line ${i + 1}: seq ${e.seq}, expected ${entries} (a line was removed or inserted)`);
    if (e.hash === undefined) {
      if (started) problems.push(`line ${i + 1}: no hash after the hash chain started (line replaced or inserted)`);
    } else {
      started = true;
      chained++;
      const want = head ?? GENESIS_HASH;
      if (e.prev !== want)
        problems.push(
          `line ${i + 1}: prev ${String(e.prev).slice(0, 12)}… is not the hash of the line before (${want.slice(0, 12)}…)`,
        );
      if (entryHash(e) !== e.hash)
        problems.push(`line ${i + 1}: content does not match its hash (the line was edited)`);
    }
    head = chainHeadOf(e, line);
  });
  return { problems, entries, chained };
}

/** Anything that looks like key material must never reach the journal. */
const SECRET_KEYS = /mnemonic|private|secret|password|seed/i;

function assertNoSecret(value: unknown, where: string): void {
  if (value === null || typeof value !== "object") return;
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (SECRET_KEYS.test(k)) throw new Error(`journal: refusing to record field ${where}.${k}`);
    assertNoSecret(v, `${where}.${k}`);
  }
}

export class Journal {
  readonly entries: JournalEntry[] = [];
  /** The `prev` of the next entry. */
  private head: string = GENESIS_HASH;

  private constructor(readonly file: string) {}

  static open(file: string): Journal {
    const j = new Journal(file);
    if (existsSync(file)) {
      const lines = readFileSync(file, "utf8").split("\n");
      lines.forEach((line, i) => {
        if (line.trim() === "") return;
        try {
          const e = JSON.parse(line) as JournalEntry;
          j.entries.push(e);
          j.head = chainHeadOf(e, line);
        } catch {
          // Only the last line can be torn (the run died mid-append); it announced nothing
          // that was acted on, since the action follows the fsync.
          if (i < lines.length - 2) throw new Error(`journal ${file}: line ${i + 1} is not JSON`);
        }
      });
    }
    return j;
  }

  append(entry: Omit<JournalEntry, "seq" | "time">): JournalEntry {
    assertNoSecret(entry.data, "data");
    const { prev: _p, hash: _h, ...fields } = entry;
    const unhashed: JournalEntry = {
      seq: this.entries.length + 1,
      time: new Date().toISOString(),
      ...fields,
      prev: this.head,
    };
    // Through JSON first, so the hash covers exactly what a reader parses back (bigints as strings).
    const written = JSON.parse(jsonLine(unhashed)) as JournalEntry;
    const full: JournalEntry = { ...written, hash: entryHash(written) };
    const fresh = !existsSync(this.file);
    mkdirSync(path.dirname(this.file), { recursive: true });
    const fd = openSync(this.file, "a", 0o644);
    try {
      writeSync(fd, `${jsonLine(full)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    if (fresh) fsyncDir(path.dirname(this.file));
    this.entries.push(full);
    this.head = full.hash as string;
    return full;
  }

  /**
   * The run of `procedure` that began last, if it has no `complete` entry. A begin entry
   * names its procedure in `data.procedure`; one without is a deployment's (the journal's
   * first procedure).
   */
  openRun(procedure: string): JournalEntry | undefined {
    const begins = this.entries.filter(
      (e) => e.phase === "begin" && ((e.data?.procedure as string | undefined) ?? "deploy") === procedure,
    );
    const last = begins[begins.length - 1];
    if (!last) return undefined;
    const done = this.entries.some((e) => e.phase === "complete" && e.deployment === last.deployment);
    return done ? undefined : last;
  }

  /** The deployment that began last and has no `complete` entry, if any. */
  openDeployment(): JournalEntry | undefined {
    return this.openRun("deploy");
  }

  lastDeployment(): JournalEntry | undefined {
    const begins = this.entries.filter((e) => e.phase === "begin");
    return begins[begins.length - 1];
  }

  /** The final outcome of a step in a deployment (`result`, `recovered` or `skipped`). */
  outcome(deployment: string, step: string): JournalEntry | undefined {
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const e = this.entries[i];
      if (e.deployment !== deployment || e.step !== step) continue;
      if (e.phase === "result" || e.phase === "recovered" || e.phase === "skipped") return e;
    }
    return undefined;
  }

  /** The last intent of a step, when it has no outcome yet (the run died after it). */
  pendingIntent(deployment: string, step: string): JournalEntry | undefined {
    if (this.outcome(deployment, step)) return undefined;
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const e = this.entries[i];
      if (e.deployment === deployment && e.step === step && e.phase === "intent") return e;
    }
    return undefined;
  }

  /** Outcomes of a deployment, in order. */
  outcomes(deployment?: string): JournalEntry[] {
    return this.entries.filter(
      (e) =>
        (deployment === undefined || e.deployment === deployment) &&
        (e.phase === "result" || e.phase === "recovered" || e.phase === "skipped"),
    );
  }
}
