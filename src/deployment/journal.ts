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

  private constructor(readonly file: string) {}

  static open(file: string): Journal {
    const j = new Journal(file);
    if (existsSync(file)) {
      const lines = readFileSync(file, "utf8").split("\n");
      lines.forEach((line, i) => {
        if (line.trim() === "") return;
        try {
          j.entries.push(JSON.parse(line) as JournalEntry);
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
    const full: JournalEntry = { seq: this.entries.length + 1, time: new Date().toISOString(), ...entry };
    const fresh = !existsSync(this.file);
    mkdirSync(path.dirname(this.file), { recursive: true });
    const fd = openSync(this.file, "a", 0o644);
    try {
      writeSync(fd, `${JSON.stringify(full, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v))}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    if (fresh) fsyncDir(path.dirname(this.file));
    this.entries.push(full);
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
