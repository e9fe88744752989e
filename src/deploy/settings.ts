import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";

import type { DeployConfig } from "../deployment/config";

/**
 * The settings a deployment was made with, recorded in its journal `begin` entry, and the
 * differences between them and a new run's: a resume or a re-run with other settings would
 * mix two deployments (docs/decisions/0030), so it is refused, naming each difference.
 */

/** The part of a begin entry's data that is the deployment's settings (no key ever). */
export interface DeploySettings {
  evmNetwork: string;
  evmChainId: string;
  wasmNetwork: string;
  wasmChainId: string;
  timelockMode: boolean;
  /** The parameters file as read (its content, parsed). */
  params: Record<string, unknown>;
  /** Where it was read from (relative to the repository when inside it), for messages. */
  paramsFile: string;
  /** sha256 of the file's bytes, for the record; the comparison is of `params`. */
  paramsSha256: string;
}

export function settingsOf(cfg: DeployConfig, evmChainId: string, cwd = process.cwd()): DeploySettings {
  const rel = path.relative(cwd, cfg.paramsFile);
  return {
    evmNetwork: cfg.evmNetwork,
    evmChainId,
    wasmNetwork: cfg.wasm.name,
    wasmChainId: cfg.wasm.chainId,
    timelockMode: cfg.timelockMode,
    params: JSON.parse(JSON.stringify(cfg.params)) as Record<string, unknown>,
    paramsFile: rel.startsWith("..") ? cfg.paramsFile : rel,
    paramsSha256: createHash("sha256").update(readFileSync(cfg.paramsFile)).digest("hex"),
  };
}

function show(v: unknown): string {
  return v === undefined ? "(absent)" : JSON.stringify(v);
}

/** Each JSON path where `a` and `b` differ (`components.RateLimiter.capacity: 60 → 61`). */
export function jsonDiff(a: unknown, b: unknown, at = ""): string[] {
  const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
  if (isObj(a) && isObj(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => jsonDiff(a[k], b[k], at ? `${at}.${k}` : k));
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    return a.flatMap((x, i) => jsonDiff(x, b[i], `${at}[${i}]`));
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [`${at || "(whole)"}: ${show(a)} → ${show(b)}`];
}

/**
 * Every difference between the recorded settings (a begin entry's data, possibly written
 * before some fields existed: a field it lacks is not compared) and this run's.
 */
export function settingsDiff(recorded: Record<string, unknown> | undefined, now: DeploySettings): string[] {
  const r = recorded ?? {};
  const out: string[] = [];
  const net = (label: string, key: "evmNetwork" | "evmChainId" | "wasmNetwork" | "wasmChainId") => {
    const was = r[key];
    if ((typeof was === "string" || typeof was === "number") && String(was) !== now[key])
      out.push(`${label}: recorded ${String(was)}, this run ${now[key]}`);
  };
  net("EVM network", "evmNetwork");
  net("EVM chain id", "evmChainId");
  net("CosmWasm network", "wasmNetwork");
  net("CosmWasm chain id", "wasmChainId");
  if (typeof r.timelockMode === "boolean" && r.timelockMode !== now.timelockMode) {
    const mode = (b: boolean) => (b ? "on (--timelock)" : "off");
    out.push(`timelock mode: recorded ${mode(r.timelockMode)}, this run ${mode(now.timelockMode)}`);
  }
  if (r.params !== undefined) {
    const where = typeof r.paramsFile === "string" ? ` (recorded from ${r.paramsFile}, now ${now.paramsFile})` : "";
    const d = jsonDiff(r.params, now.params);
    const shown = d.slice(0, 20).map((x) => `parameters ${x}`);
    if (d.length > 20) shown.push(`parameters: ${d.length - 20} more differences`);
    if (shown.length > 0) shown[0] += where;
    out.push(...shown);
  }
  return out;
}
