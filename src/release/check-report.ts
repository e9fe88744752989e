import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

import { atomicWriteJson } from "../deployment/fsx";

/** The daily check's report (`vagus:check`), kept apart from the check so the exporter reads it without loading the check. */

export type CheckKind = "verify" | "access" | "sync" | "journal" | "books" | "drift";
export const CHECK_KINDS: readonly CheckKind[] = ["verify", "access", "sync", "journal", "books", "drift"];

export interface CheckItem {
  kind: CheckKind;
  item: string;
  ok: boolean;
  code?: number;
  detail: string;
}

export interface CheckReport {
  /** Unix seconds of the run. */
  time: number;
  generatedAt: string;
  pair: string;
  deployment: string;
  ok: boolean;
  failures: Record<CheckKind, number>;
  items: CheckItem[];
}

/** Where the report goes: `last.json`, read by the exporter, and a dated copy. */
export function checkReportFile(pairDir: string): string {
  return path.join(pairDir, "check", "last.json");
}

export function writeCheckReport(pairDir: string, r: CheckReport): string {
  const file = checkReportFile(pairDir);
  atomicWriteJson(path.join(pairDir, "check", `${r.generatedAt.replace(/[:.]/g, "-")}.json`), r);
  atomicWriteJson(file, r);
  return file;
}

export function readCheckReport(pairDir: string): CheckReport | undefined {
  const f = checkReportFile(pairDir);
  return existsSync(f) ? (JSON.parse(readFileSync(f, "utf8")) as CheckReport) : undefined;
}
